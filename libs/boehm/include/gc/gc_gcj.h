/* rgc's gc_gcj.h: objects whose first word points to a type table holding
 * their mark descriptor in its second word (the gcj kind). */
#ifndef RGC_BOEHM_GC_GCJ_H
#define RGC_BOEHM_GC_GCJ_H
#include "gc.h"
#ifdef __cplusplus
extern "C" {
#endif

/* Makes the kind; mp becomes mark procedure mp_index (0 to 7, the reserved
 * ones; another index, or a NULL mp, installs none) for descriptors that
 * name it. Once. */
GC_API void GC_CALL GC_init_gcj_malloc(int mp_index, void *mp);
/* lb bytes of the gcj kind, the first word set to ptr_to_struct_containing_descr.
 * Fatal before GC_init_gcj_malloc. */
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_gcj_malloc(size_t lb, void *ptr_to_struct_containing_descr);
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL
GC_gcj_malloc_ignore_off_page(size_t lb, void *ptr_to_struct_containing_descr);
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_debug_gcj_malloc(size_t lb, void *ptr_to_struct_containing_descr,
                                                                          const char *file, int line);
GC_API int GC_gcj_kind;
GC_API int GC_gcj_debug_kind;

#ifdef GC_DEBUG
#define GC_GCJ_MALLOC(s, d) GC_debug_gcj_malloc(s, d, __FILE__, __LINE__)
#else
#define GC_GCJ_MALLOC(s, d) GC_gcj_malloc(s, d)
#endif
#define GC_GCJ_MALLOC_IGNORE_OFF_PAGE(s, d) GC_gcj_malloc_ignore_off_page(s, d)

#ifdef __cplusplus
}
#endif
#endif /* RGC_BOEHM_GC_GCJ_H */
