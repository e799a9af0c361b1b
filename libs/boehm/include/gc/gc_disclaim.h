/* rgc's gc_disclaim.h: disclaim procedures and finalized objects. rgc
 * sweeps inside each collection, so it calls disclaim procedures and
 * finalizer closures there, with the world stopped and the collector lock
 * held: they must not call GC_ functions but GC_is_marked. */
#ifndef RGC_BOEHM_GC_DISCLAIM_H
#define RGC_BOEHM_GC_DISCLAIM_H
#include "gc.h"
#ifdef __cplusplus
extern "C" {
#endif

/* Makes the kind of GC_finalized_malloc's objects (once). */
GC_API void GC_CALL GC_init_finalized_malloc(void);

/* Called for each object of the kind that a collection did not reach,
 * before it is freed; non-zero keeps it (and what it reaches) for another
 * cycle. With mark_from_all, every object of the kind is scanned at each
 * collection, reached or not. The kind must be one of GC_new_kind's. */
typedef int(GC_CALLBACK *GC_disclaim_proc)(void *obj);
GC_API void GC_CALL GC_register_disclaim_proc(int kind, GC_disclaim_proc proc, int mark_from_all);

/* An object whose closure runs (proc(obj, cd)) in the collection that finds
 * it unreachable, before it is freed; what it points to is kept until
 * then. No ordering between such objects. Call GC_init_finalized_malloc
 * first. */
struct GC_finalizer_closure {
    GC_finalization_proc proc;
    void *cd;
};
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_finalized_malloc(size_t size,
                                                                          const struct GC_finalizer_closure *fc);

#ifdef __cplusplus
}
#endif
#endif /* RGC_BOEHM_GC_DISCLAIM_H */
