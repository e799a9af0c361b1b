/* rgc's javaxfc.h: Java-style finalization support (see gc.h). */
#ifndef RGC_BOEHM_JAVAXFC_H
#define RGC_BOEHM_JAVAXFC_H
#include "gc.h"
#ifdef __cplusplus
extern "C" {
#endif
/* Runs every registered finalizer, reachable objects' too (for a program
 * about to exit), repeating until none is left. */
GC_API void GC_CALL GC_finalize_all(void);
/* Thread suspension (GC_suspend_thread and kin) is declared in gc.h. */
#ifdef __cplusplus
}
#endif
#endif /* RGC_BOEHM_JAVAXFC_H */
