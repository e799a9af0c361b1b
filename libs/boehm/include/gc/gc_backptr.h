/* rgc's gc_backptr.h: bdwgc's back-pointer queries need a bdwgc built with
 * KEEP_BACK_PTRS, which Debian's is not, and rgc keeps no back pointers:
 * only the type is here, so that programs that include this header for
 * optional use compile; calling the queries does not link, on either. */
#ifndef RGC_BOEHM_GC_BACKPTR_H
#define RGC_BOEHM_GC_BACKPTR_H
#include "gc.h"
typedef enum {
    GC_UNREFERENCED,
    GC_NO_SPACE,
    GC_REFD_FROM_ROOT,
    GC_REFD_FROM_REG,
    GC_REFD_FROM_HEAP,
    GC_FINALIZER_REFD
} GC_ref_kind;
#endif /* RGC_BOEHM_GC_BACKPTR_H */
