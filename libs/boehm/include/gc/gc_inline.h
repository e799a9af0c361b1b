/* rgc's gc_inline.h: allocation of a given kind, and bdwgc's inline
 * allocation macros. bdwgc's macros pop the program's own free lists; rgc's
 * call GC_malloc_kind instead (its allocator has a thread-local fast path
 * of its own), so tiny_fl and num_direct are not used. */
#ifndef RGC_BOEHM_GC_INLINE_H
#define RGC_BOEHM_GC_INLINE_H
#include "gc.h"
#ifdef __cplusplus
extern "C" {
#endif

/* bdwgc's numbers for the built-in kinds. */
#define GC_I_PTRFREE 0
#define GC_I_NORMAL 1
#define GC_GRANULE_BYTES 16
#define GC_TINY_FREELISTS 25

/* *result = cleared objects of lb bytes (a multiple of GC_GRANULE_BYTES)
 * and kind k, linked through their first word. The program keeps them
 * reachable, and marks the links of a pointer-free kind itself. */
GC_API void GC_CALL GC_generic_malloc_many(size_t lb, int k, void **result);
/* lb bytes of kind k, cleared (GC_generic_malloc). Fatal for a kind that
 * does not exist. */
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_malloc_kind(size_t lb, int k);
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_malloc_kind_global(size_t lb, int k);

#define GC_FAST_MALLOC_GRANS(result, granules, tiny_fl, num_direct, kind, default_expr, init) \
    do { \
        (void)(tiny_fl); \
        (void)(num_direct); \
        if ((granules) >= GC_TINY_FREELISTS) { \
            (result) = (default_expr); \
        } else { \
            (result) = GC_malloc_kind((granules) == 0 ? GC_GRANULE_BYTES : (granules) * GC_GRANULE_BYTES, kind); \
            if ((result) != 0) { \
                init; \
            } \
        } \
    } while (0)
#define GC_WORDS_TO_WHOLE_GRANULES(n) (((n) * sizeof(GC_word) + GC_GRANULE_BYTES - 1) / GC_GRANULE_BYTES)
#define GC_MALLOC_WORDS_KIND(result, n, tiny_fl, kind, init) \
    GC_FAST_MALLOC_GRANS(result, GC_WORDS_TO_WHOLE_GRANULES(n), tiny_fl, 0, kind, \
                         GC_malloc_kind(GC_WORDS_TO_WHOLE_GRANULES(n) * GC_GRANULE_BYTES, kind), init)
#define GC_MALLOC_WORDS(result, n, tiny_fl) GC_MALLOC_WORDS_KIND(result, n, tiny_fl, GC_I_NORMAL, (void)0)
#define GC_MALLOC_ATOMIC_WORDS(result, n, tiny_fl) GC_MALLOC_WORDS_KIND(result, n, tiny_fl, GC_I_PTRFREE, (void)0)
#define GC_CONS(result, first, second, tiny_fl) \
    do { \
        void *rgc_first_ = (void *)(first), *rgc_second_ = (void *)(second); \
        GC_MALLOC_WORDS_KIND(result, 2, tiny_fl, GC_I_NORMAL, (void)0); \
        if ((result) != 0) { \
            ((void **)(result))[0] = rgc_first_; \
            ((void **)(result))[1] = rgc_second_; \
        } \
    } while (0)

#ifdef __cplusplus
}
#endif
#endif /* RGC_BOEHM_GC_INLINE_H */
