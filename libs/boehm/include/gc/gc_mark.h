/* rgc's gc_mark.h: the part of bdwgc's marking interface that rgc's Boehm
 * layer provides so far. Object kinds, mark procedures and GC_mark_and_push
 * are not provided yet (libs/boehm/README.md, differences table): a program
 * that uses them does not compile or link, so nothing fails silently. */
#ifndef RGC_BOEHM_GC_MARK_H
#define RGC_BOEHM_GC_MARK_H
#include "gc.h"
#ifdef __cplusplus
extern "C" {
#endif

/* Called at the start of every collection, with the collector entered: it
 * must not call GC_ functions. NULL removes it. */
typedef void(GC_CALLBACK *GC_start_callback_proc)(void);
GC_API void GC_CALL GC_set_start_callback(GC_start_callback_proc);
GC_API GC_start_callback_proc GC_CALL GC_get_start_callback(void);

/* Called while each collection marks its roots; it may push ranges, which
 * are scanned word by word like the stacks, with GC_push_all (all three
 * are the same here). It should call the procedure it replaced
 * (GC_get_push_other_roots never returns NULL). Pushing from anywhere else
 * is a fatal error. */
typedef void(GC_CALLBACK *GC_push_other_roots_proc)(void);
GC_API void GC_CALL GC_set_push_other_roots(GC_push_other_roots_proc);
GC_API GC_push_other_roots_proc GC_CALL GC_get_push_other_roots(void);
GC_API void GC_CALL GC_push_all(void *bottom, void *top);
GC_API void GC_CALL GC_push_all_eager(void *bottom, void *top);
GC_API void GC_CALL GC_push_conditional(void *bottom, void *top, int all);

/* Calls proc(obj, size, client_data) for every object in the heap (after a
 * collection: those it found reachable, and those allocated since). */
typedef void(GC_CALLBACK *GC_reachable_object_proc)(void *obj, size_t bytes, void *client_data);
GC_API void GC_CALL GC_enumerate_reachable_objects_inner(GC_reachable_object_proc, void *client_data);

#ifdef __cplusplus
}
#endif
#endif /* RGC_BOEHM_GC_MARK_H */
