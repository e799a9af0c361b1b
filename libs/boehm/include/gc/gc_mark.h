/* rgc's gc_mark.h: bdwgc's marking interface (object kinds, mark
 * descriptors and procedures, root hooks), on rgc's conservative collector.
 * How rgc differs is in libs/boehm/README.md, in the differences table. */
#ifndef RGC_BOEHM_GC_MARK_H
#define RGC_BOEHM_GC_MARK_H
#include "gc.h"
#ifdef __cplusplus
extern "C" {
#endif

/* A mark descriptor says where an object's pointers are; its low
 * GC_DS_TAG_BITS say which form it has:
 * - GC_DS_LENGTH: the whole word is a length in bytes, scanned from the
 *   object's start (a kind made with add_size adds the object's size);
 * - GC_DS_BITMAP: the bits above the tag mark the words that may be
 *   pointers, the most significant bit being the first word;
 * - GC_DS_PROC: GC_MAKE_PROC(index, env), a mark procedure and a word
 *   passed to it;
 * - GC_DS_PER_OBJECT: the descriptor is in the object, at the offset above
 *   the tag; a negative value (the gcj form) finds it in the table the
 *   object's first word points to, at -(descr + GC_INDIR_PER_OBJ_BIAS -
 *   GC_DS_PER_OBJECT) bytes. */
#define GC_DS_TAG_BITS 2
#define GC_DS_TAGS ((1 << GC_DS_TAG_BITS) - 1)
#define GC_DS_LENGTH 0
#define GC_DS_BITMAP 1
#define GC_DS_PROC 2
#define GC_DS_PER_OBJECT 3
#define GC_INDIR_PER_OBJ_BIAS 0x10
#define GC_LOG_MAX_MARK_PROCS 6
#define GC_MAX_MARK_PROCS (1 << GC_LOG_MAX_MARK_PROCS)
/* Procedure indices below this are the program's to assign itself (the gcj
 * kind's is 0); GC_new_proc hands out the others. */
#define GC_RESERVED_MARK_PROCS 8
#define GC_GCJ_RESERVED_MARK_PROC_INDEX 0
/* About how much of an object a procedure should mark per call; it may push
 * an entry naming itself for the rest. */
#define GC_PROC_BYTES 100
#define GC_MAKE_PROC(index, env) \
    (((((GC_word)(env) << GC_LOG_MAX_MARK_PROCS) | (index)) << GC_DS_TAG_BITS) | GC_DS_PROC)

/* An entry of the mark stack a procedure is given: a start address and a
 * descriptor word, in that order (bdwgc keeps the definition in its private
 * gc_pmark.h; so does rgc, to stay compatible with programs that include
 * it). */
struct GC_ms_entry;

/* A mark procedure: called, while a collection marks, with an object of
 * its kind (or the start of an entry naming it), the top of an empty mark
 * stack (one entry below the first free one) and its limit, and env. It
 * pushes what the object reaches with GC_MARK_AND_PUSH, or writes
 * (start, descriptor) entries above mark_stack_ptr itself, staying below
 * mark_stack_limit, and returns the new top. It must not call other GC_
 * functions but GC_is_marked, GC_set_mark_bit and the push calls below. */
typedef struct GC_ms_entry *(GC_CALLBACK *GC_mark_proc)(GC_word *addr, struct GC_ms_entry *mark_stack_ptr,
                                                        struct GC_ms_entry *mark_stack_limit, GC_word env);

/* A free list to pass to GC_new_kind (rgc allocates from its own). */
GC_API void **GC_CALL GC_new_free_list(void);
GC_API void **GC_CALL GC_new_free_list_inner(void);
/* A new kind whose objects are scanned as descr says; every object is
 * cleared. Fatal past rgc's limit of kinds. */
GC_API unsigned GC_CALL GC_new_kind(void **free_list, GC_word mark_descriptor_template, int add_size_to_descriptor,
                                    int clear_new_objects);
GC_API unsigned GC_CALL GC_new_kind_inner(void **free_list, GC_word mark_descriptor_template,
                                          int add_size_to_descriptor, int clear_new_objects);
/* The index of a new mark procedure, for GC_MAKE_PROC. */
GC_API unsigned GC_CALL GC_new_proc(GC_mark_proc);
GC_API unsigned GC_CALL GC_new_proc_inner(GC_mark_proc);

/* Allocation of a given kind. */
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_generic_malloc(size_t lb, int k);
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_generic_malloc_ignore_off_page(size_t lb, int k);
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_generic_malloc_uncollectable(size_t lb, int k);
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_generic_or_special_malloc(size_t lb, int k);
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_debug_generic_or_special_malloc(size_t lb, int k,
                                                                                          const char *file, int line);
#ifdef GC_DEBUG
#define GC_GENERIC_OR_SPECIAL_MALLOC(sz, knd) GC_debug_generic_or_special_malloc(sz, knd, GC_EXTRAS)
#else
#define GC_GENERIC_OR_SPECIAL_MALLOC(sz, knd) GC_generic_or_special_malloc(sz, knd)
#endif
/* The object a base address (GC_base) belongs to, as the program sees it:
 * the same address here (rgc keeps no debugging header: GC_debug_header_size
 * is 0). */
#define GC_USR_PTR_FROM_BASE(p) ((void *)((char *)(p) + GC_debug_header_size))

/* From a mark procedure: marks the object obj points into, if any, and
 * queues it; returns mark_stack_ptr. Fatal anywhere else. */
GC_API struct GC_ms_entry *GC_CALL GC_mark_and_push(void *obj, struct GC_ms_entry *mark_stack_ptr,
                                                    struct GC_ms_entry *mark_stack_limit, void **src);
#define GC_MARK_AND_PUSH(obj, msp, lim, src) \
    ((GC_word)(obj) > (GC_word)GC_least_plausible_heap_addr && \
             (GC_word)(obj) < (GC_word)GC_greatest_plausible_heap_addr \
         ? GC_mark_and_push(obj, msp, lim, src) \
         : (msp))

/* Accepted and never called: rgc's reports do not describe objects by kind. */
#define GC_TYPE_DESCR_LEN 40
typedef void(GC_CALLBACK *GC_describe_type_fn)(void *p, char *out_buf);
GC_API void GC_CALL GC_register_describe_type_fn(int kind, GC_describe_type_fn);

/* From a mark procedure: whether p's object is marked yet; elsewhere 0
 * (rgc keeps no marks between collections). GC_set_mark_bit marks and
 * queues it from a mark procedure, and does nothing elsewhere;
 * GC_clear_mark_bit does nothing. */
GC_API int GC_CALL GC_is_marked(const void *p);
GC_API void GC_CALL GC_set_mark_bit(const void *p);
GC_API void GC_CALL GC_clear_mark_bit(const void *p);

/* Called at the start of every collection, with the collector entered: it
 * must not call GC_ functions. NULL removes it. */
typedef void(GC_CALLBACK *GC_start_callback_proc)(void);
GC_API void GC_CALL GC_set_start_callback(GC_start_callback_proc);
GC_API GC_start_callback_proc GC_CALL GC_get_start_callback(void);

/* Called while each collection marks its roots; it may push ranges, which
 * are scanned word by word like the stacks, with GC_push_all (all three
 * are the same here, and a mark procedure may call them too). It should call the procedure it replaced
 * (GC_get_push_other_roots never returns NULL). Pushing from anywhere
 * else is a fatal error. */
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
