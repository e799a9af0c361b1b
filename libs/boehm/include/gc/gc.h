/*
 * gc.h for rgc's Boehm layer: the C API of the Boehm-Demers-Weiser
 * collector (bdwgc 8.2), served by rgc's conservative collector.
 *
 * Link with libgc.a, or with libgc.so (soname libgc.so.1, so programs
 * already linked against bdwgc run on it through LD_LIBRARY_PATH).
 *
 * What every call does follows bdwgc's documentation. Where rgc differs,
 * the difference is listed in one table in libs/boehm/README.md; the
 * comments below note it too. In short:
 *   - one thread: only the thread that initialised the collector may call
 *     GC_ functions; any other thread gets a fatal error naming the call;
 *   - one object is at most 1 GiB - 1 bytes;
 *   - GC_malloc returns 8-byte-aligned memory (use GC_memalign for more);
 *   - interior pointers are always recognised, pointers one past the end
 *     of an object are not;
 *   - GC_enable_incremental is ignored (collections stop the world);
 *   - GC_debug_* keep no debugging headers (RGC_VERIFY=1 checks the heap).
 *
 * Misuse that bdwgc leaves undefined is a fatal error here, printed as one
 * line "rgc: CALL: what was wrong", e.g. GC_free of a pointer that is not
 * the start of a GC_malloc object.
 */
#ifndef RGC_BOEHM_GC_H
#define RGC_BOEHM_GC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The bdwgc API level implemented (see GC_get_version). */
#define GC_VERSION_MAJOR 8
#define GC_VERSION_MINOR 2
#define GC_VERSION_MICRO 2
/* Set for programs that want to know they run on rgc. */
#define RGC_BOEHM_LAYER 1

typedef unsigned long GC_word;
typedef long GC_signed_word;
typedef void *GC_PTR; /* old name */

#ifndef GC_API
#define GC_API extern
#endif
#define GC_CALL
#define GC_CALLBACK
/* bdwgc's compiler test, which its other headers use. */
#if defined(__GNUC__)
#define GC_GNUC_PREREQ(major, minor) ((__GNUC__ << 8) + __GNUC_MINOR__ >= ((major) << 8) + (minor))
#else
#define GC_GNUC_PREREQ(major, minor) 0
#endif
#if defined(__GNUC__)
#define GC_ATTR_MALLOC __attribute__((__malloc__))
#define GC_ATTR_ALLOC_SIZE(n) __attribute__((__alloc_size__(n)))
#define GC_ATTR_CALLOC_SIZE(n, s) __attribute__((__alloc_size__(n, s)))
#else
#define GC_ATTR_MALLOC
#define GC_ATTR_ALLOC_SIZE(n)
#define GC_ATTR_CALLOC_SIZE(n, s)
#endif

/* Result codes. */
#define GC_SUCCESS 0
#define GC_DUPLICATE 1
#define GC_NO_MEMORY 2
#define GC_UNIMPLEMENTED 3
#define GC_NOT_FOUND 4

/* ---- initialisation ----------------------------------------------------
 * GC_init starts the collector on the calling thread; any other GC_ call
 * does it implicitly. Environment: GC_INITIAL_HEAP_SIZE and
 * GC_MAXIMUM_HEAP_SIZE (bytes, with an optional k/M/G suffix; without the
 * latter the heap may grow to 3/4 of physical memory), GC_DONT_GC (start
 * with collection disabled), GC_PRINT_STATS (one line per collection on
 * stderr). rgc's own RGC_* variables (RGC_TORTURE, RGC_VERIFY, ...) apply
 * as well. */
GC_API void GC_CALL GC_init(void);
GC_API int GC_CALL GC_is_init_called(void);
#define GC_INIT() GC_init()

/* ---- allocation --------------------------------------------------------
 * Every allocation returns zeroed memory, or what GC_oom_fn returns when
 * the heap limit is reached (by default NULL, after a warning). */
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_malloc(size_t);
/* Memory the collector never scans for pointers. */
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_malloc_atomic(size_t);
/* Scanned, and never collected: a root until GC_free. */
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_malloc_uncollectable(size_t);
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_malloc_atomic_uncollectable(size_t);
/* The same as GC_malloc / GC_malloc_atomic (all interior pointers count). */
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_malloc_ignore_off_page(size_t);
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_malloc_atomic_ignore_off_page(size_t);
/* NULL allocates; size 0 frees and returns NULL; otherwise the object is
 * resized in place when its cell has room, or moved (same kind). */
GC_API GC_ATTR_ALLOC_SIZE(2) void *GC_CALL GC_realloc(void *, size_t);
/* Frees now. NULL is ignored; a pointer that is not the start of a live
 * GC_malloc object is a fatal error. */
GC_API void GC_CALL GC_free(void *);
GC_API GC_ATTR_MALLOC char *GC_CALL GC_strdup(const char *);
GC_API GC_ATTR_MALLOC char *GC_CALL GC_strndup(const char *, size_t);
/* Alignment above 8 returns an interior pointer of a larger object. */
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(2) void *GC_CALL GC_memalign(size_t align, size_t);
GC_API int GC_CALL GC_posix_memalign(void **, size_t align, size_t);

/* A list of zeroed objects of the size (at least a word), linked through
 * their first word (GC_NEXT), the last one's NULL: about 4 KB of them, at
 * most 64, at least one (else what GC_oom_fn returns). */
GC_API GC_ATTR_MALLOC void *GC_CALL GC_malloc_many(size_t);
#define GC_NEXT(p) (*(void **)(p))
/* bdwgc's retired "stubborn" objects: GC_malloc_stubborn is GC_malloc, and
 * the change calls record nothing (every collection scans the whole heap).
 * GC_ptr_store_and_dirty(p, q) stores q at p. The debugging forms check
 * that p points into a heap object (a fatal error otherwise). */
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_malloc_stubborn(size_t);
GC_API void GC_CALL GC_change_stubborn(const void *);
GC_API void GC_CALL GC_end_stubborn_change(const void *);
GC_API void GC_CALL GC_ptr_store_and_dirty(void *p, const void *q);
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_debug_malloc_stubborn(size_t, const char *, int);
GC_API void GC_CALL GC_debug_change_stubborn(const void *);
GC_API void GC_CALL GC_debug_end_stubborn_change(const void *);
GC_API void GC_CALL GC_debug_ptr_store_and_dirty(void *p, const void *q);

/* The debugging forms, selected by -DGC_DEBUG with the caller's file and
 * line; rgc does not record them. */
#define GC_EXTRA_PARAMS const char *descr_string, int descr_int
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_debug_malloc(size_t, GC_EXTRA_PARAMS);
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_debug_malloc_atomic(size_t, GC_EXTRA_PARAMS);
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_debug_malloc_uncollectable(size_t, GC_EXTRA_PARAMS);
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_debug_malloc_atomic_uncollectable(size_t, GC_EXTRA_PARAMS);
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_debug_malloc_ignore_off_page(size_t, GC_EXTRA_PARAMS);
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_debug_malloc_atomic_ignore_off_page(size_t, GC_EXTRA_PARAMS);
GC_API void *GC_CALL GC_debug_realloc(void *, size_t, GC_EXTRA_PARAMS);
GC_API void GC_CALL GC_debug_free(void *);
GC_API GC_ATTR_MALLOC char *GC_CALL GC_debug_strdup(const char *, GC_EXTRA_PARAMS);
GC_API GC_ATTR_MALLOC char *GC_CALL GC_debug_strndup(const char *, size_t, GC_EXTRA_PARAMS);

#ifdef GC_DEBUG
#define GC_EXTRAS __FILE__, __LINE__
#define GC_MALLOC(sz) GC_debug_malloc(sz, GC_EXTRAS)
#define GC_MALLOC_ATOMIC(sz) GC_debug_malloc_atomic(sz, GC_EXTRAS)
#define GC_MALLOC_UNCOLLECTABLE(sz) GC_debug_malloc_uncollectable(sz, GC_EXTRAS)
#define GC_MALLOC_ATOMIC_UNCOLLECTABLE(sz) GC_debug_malloc_atomic_uncollectable(sz, GC_EXTRAS)
#define GC_MALLOC_IGNORE_OFF_PAGE(sz) GC_debug_malloc_ignore_off_page(sz, GC_EXTRAS)
#define GC_MALLOC_ATOMIC_IGNORE_OFF_PAGE(sz) GC_debug_malloc_atomic_ignore_off_page(sz, GC_EXTRAS)
#define GC_REALLOC(p, sz) GC_debug_realloc(p, sz, GC_EXTRAS)
#define GC_FREE(p) GC_debug_free(p)
#define GC_STRDUP(s) GC_debug_strdup(s, GC_EXTRAS)
#define GC_STRNDUP(s, n) GC_debug_strndup(s, n, GC_EXTRAS)
#define GC_REGISTER_FINALIZER(p, f, d, of, od) GC_debug_register_finalizer(p, f, d, of, od)
#define GC_REGISTER_FINALIZER_IGNORE_SELF(p, f, d, of, od) GC_debug_register_finalizer_ignore_self(p, f, d, of, od)
#define GC_REGISTER_FINALIZER_NO_ORDER(p, f, d, of, od) GC_debug_register_finalizer_no_order(p, f, d, of, od)
#define GC_REGISTER_FINALIZER_UNREACHABLE(p, f, d, of, od) GC_debug_register_finalizer_unreachable(p, f, d, of, od)
#define GC_MALLOC_STUBBORN(sz) GC_debug_malloc_stubborn(sz, GC_EXTRAS)
#define GC_CHANGE_STUBBORN(p) GC_debug_change_stubborn(p)
#define GC_END_STUBBORN_CHANGE(p) GC_debug_end_stubborn_change(p)
#define GC_PTR_STORE_AND_DIRTY(p, q) GC_debug_ptr_store_and_dirty(p, q)
#else
#define GC_EXTRAS "unknown", 0
#define GC_MALLOC(sz) GC_malloc(sz)
#define GC_MALLOC_ATOMIC(sz) GC_malloc_atomic(sz)
#define GC_MALLOC_UNCOLLECTABLE(sz) GC_malloc_uncollectable(sz)
#define GC_MALLOC_ATOMIC_UNCOLLECTABLE(sz) GC_malloc_atomic_uncollectable(sz)
#define GC_MALLOC_IGNORE_OFF_PAGE(sz) GC_malloc_ignore_off_page(sz)
#define GC_MALLOC_ATOMIC_IGNORE_OFF_PAGE(sz) GC_malloc_atomic_ignore_off_page(sz)
#define GC_REALLOC(p, sz) GC_realloc(p, sz)
#define GC_FREE(p) GC_free(p)
#define GC_STRDUP(s) GC_strdup(s)
#define GC_STRNDUP(s, n) GC_strndup(s, n)
#define GC_REGISTER_FINALIZER(p, f, d, of, od) GC_register_finalizer(p, f, d, of, od)
#define GC_REGISTER_FINALIZER_IGNORE_SELF(p, f, d, of, od) GC_register_finalizer_ignore_self(p, f, d, of, od)
#define GC_REGISTER_FINALIZER_NO_ORDER(p, f, d, of, od) GC_register_finalizer_no_order(p, f, d, of, od)
#define GC_REGISTER_FINALIZER_UNREACHABLE(p, f, d, of, od) GC_register_finalizer_unreachable(p, f, d, of, od)
#define GC_MALLOC_STUBBORN(sz) GC_malloc_stubborn(sz)
#define GC_CHANGE_STUBBORN(p) GC_change_stubborn(p)
#define GC_END_STUBBORN_CHANGE(p) GC_end_stubborn_change(p)
#define GC_PTR_STORE_AND_DIRTY(p, q) GC_ptr_store_and_dirty(p, q)
#endif
#define GC_NEW(t) ((t *)GC_MALLOC(sizeof(t)))
#define GC_NEW_ATOMIC(t) ((t *)GC_MALLOC_ATOMIC(sizeof(t)))
#define GC_NEW_UNCOLLECTABLE(t) ((t *)GC_MALLOC_UNCOLLECTABLE(sizeof(t)))
#define GC_POSIX_MEMALIGN(p, a, n) GC_posix_memalign(p, a, n)
#define GC_MEMALIGN(a, n) GC_memalign(a, n)

/* ---- finalizers and disappearing links ------------------------------------
 * A finalizer runs once, after the collection that finds its object
 * unreachable, with the object and the client data. By default they run
 * in topological order: if finalizable A reaches finalizable B, B waits
 * until A is gone; objects on a cycle of such objects are never finalized.
 * _ignore_self ignores paths from an object back to itself; _no_order
 * imposes no order; _unreachable runs as soon as the object is unreachable
 * from the roots, and what it reaches waits for it. A NULL finalizer
 * removes the registration. The previous finalizer and data are written
 * through the last two arguments when they are not NULL. An object that is
 * not the start of a GC_malloc object is reported through the warning
 * procedure and ignored. Finalizers run after allocations and GC_gcollect
 * (never nested), or, with GC_finalize_on_demand set, only in
 * GC_invoke_finalizers, GC_finalizer_notifier being called instead. */
typedef void(GC_CALLBACK *GC_finalization_proc)(void *obj, void *client_data);
GC_API void GC_CALL GC_register_finalizer(void *, GC_finalization_proc, void *, GC_finalization_proc *, void **);
GC_API void GC_CALL GC_register_finalizer_ignore_self(void *, GC_finalization_proc, void *, GC_finalization_proc *, void **);
GC_API void GC_CALL GC_register_finalizer_no_order(void *, GC_finalization_proc, void *, GC_finalization_proc *, void **);
GC_API void GC_CALL GC_register_finalizer_unreachable(void *, GC_finalization_proc, void *, GC_finalization_proc *, void **);
GC_API void GC_CALL GC_debug_register_finalizer(void *, GC_finalization_proc, void *, GC_finalization_proc *, void **);
GC_API void GC_CALL GC_debug_register_finalizer_ignore_self(void *, GC_finalization_proc, void *, GC_finalization_proc *, void **);
GC_API void GC_CALL GC_debug_register_finalizer_no_order(void *, GC_finalization_proc, void *, GC_finalization_proc *, void **);
GC_API void GC_CALL GC_debug_register_finalizer_unreachable(void *, GC_finalization_proc, void *, GC_finalization_proc *, void **);
/* Runs the ready finalizers; returns how many ran. */
GC_API int GC_CALL GC_invoke_finalizers(void);
/* Makes every registered finalizer ready, reachable objects' too, and runs
 * them (or calls the notifier under GC_finalize_on_demand): for a program
 * about to exit. */
GC_API void GC_CALL GC_finalize_all(void);
GC_API int GC_CALL GC_should_invoke_finalizers(void);
typedef void(GC_CALLBACK *GC_finalizer_notifier_proc)(void);
GC_API int GC_finalize_on_demand;
GC_API GC_finalizer_notifier_proc GC_finalizer_notifier;
GC_API void GC_CALL GC_set_finalize_on_demand(int);
GC_API int GC_CALL GC_get_finalize_on_demand(void);
GC_API void GC_CALL GC_set_finalizer_notifier(GC_finalizer_notifier_proc);
GC_API GC_finalizer_notifier_proc GC_CALL GC_get_finalizer_notifier(void);

/* *link is set to NULL in the collection that finds obj unreachable (before
 * finalizers are considered). Returns GC_SUCCESS, or GC_DUPLICATE when link
 * is registered already. A NULL or misaligned link, or an obj that is not
 * inside a GC_malloc object, is a fatal error. Store a hidden pointer
 * (GC_HIDE_POINTER) in a link that must not keep obj alive. */
GC_API int GC_CALL GC_general_register_disappearing_link(void **link, const void *obj);
/* The same, with obj the object containing link. */
GC_API int GC_CALL GC_register_disappearing_link(void **link);
/* 1 if link was registered, else 0. */
GC_API int GC_CALL GC_unregister_disappearing_link(void **link);
GC_API int GC_CALL GC_move_disappearing_link(void **link, void **new_link);
/* Long links: *link is set to NULL once obj is freed, not while obj waits
 * for its finalizer (which may bring it back). Same return codes. */
GC_API int GC_CALL GC_register_long_link(void **link, const void *obj);
#define GC_REGISTER_LONG_LINK(link, obj) GC_register_long_link(link, obj)
GC_API int GC_CALL GC_unregister_long_link(void **link);
GC_API int GC_CALL GC_move_long_link(void **link, void **new_link);
#define GC_GENERAL_REGISTER_DISAPPEARING_LINK(link, obj) GC_general_register_disappearing_link(link, obj)
#define GC_REGISTER_DISAPPEARING_LINK(link) GC_register_disappearing_link(link)
typedef GC_word GC_hidden_pointer;
#define GC_HIDE_POINTER(p) (~(GC_word)(p))
#define GC_REVEAL_POINTER(p) ((void *)GC_HIDE_POINTER(p))
#define HIDE_POINTER(p) GC_HIDE_POINTER(p)
#define REVEAL_POINTER(p) GC_REVEAL_POINTER(p)

/* ---- control -------------------------------------------------------------- */
/* A full collection; does nothing while collection is disabled. */
GC_API void GC_CALL GC_gcollect(void);
GC_API void GC_CALL GC_gcollect_and_unmap(void);
typedef int(GC_CALLBACK *GC_stop_func)(void);
/* A full collection (the stop function is not polled: the pause is one
 * short stop-the-world collection). 0 when collection is disabled. */
GC_API int GC_CALL GC_try_to_collect(GC_stop_func);
/* Collects if at least half of the allocation allowance is used; 0. */
GC_API int GC_CALL GC_collect_a_little(void);
/* GC_disable nests; an unmatched GC_enable is a fatal error. */
GC_API void GC_CALL GC_disable(void);
GC_API void GC_CALL GC_enable(void);
GC_API int GC_CALL GC_is_disabled(void);
/* Ignored: rgc's collections stop the world. */
GC_API void GC_CALL GC_enable_incremental(void);
GC_API int GC_CALL GC_is_incremental_mode(void);
/* Caps the heap (0: no cap); blocks in use stay. */
GC_API void GC_CALL GC_set_max_heap_size(GC_word);
/* Allows that many more bytes before the next collection; 0 if the heap
 * limit leaves no room. */
GC_API int GC_CALL GC_expand_hp(size_t);
/* The next collection is due after heap / divisor bytes are allocated. */
GC_API void GC_CALL GC_set_free_space_divisor(GC_word);
GC_API GC_word GC_CALL GC_get_free_space_divisor(void);
/* Written directly, it applies at the next GC_ call when it changed. */
GC_API GC_word GC_free_space_divisor;
/* The count GC_disable raises; collection is off while it is non-zero. */
GC_API int GC_dont_gc;
/* Non-zero: collect only in GC_gcollect and its kin, never because
 * allocation made a collection due or failed. */
GC_API void GC_CALL GC_set_disable_automatic_collection(int);
GC_API int GC_CALL GC_get_disable_automatic_collection(void);
/* 0 (GC_PROTECTS_NONE): the heap is never write-protected. */
#define GC_PROTECTS_NONE 0
GC_API int GC_CALL GC_incremental_protection_needs(void);
/* Nothing happens: there is no incremental mode (see GC_enable_incremental). */
GC_API void GC_CALL GC_start_incremental_collection(void);
/* Nothing to start: collection time is always counted. */
GC_API void GC_CALL GC_start_performance_measurement(void);

/* Leak finding: while non-zero, every collection prints, on stderr, the
 * objects it frees that the program never passed to GC_free ("Found N
 * leaked objects:", then up to 40 lines "object at P of N bytes (KIND)"),
 * and then frees them. */
GC_API int GC_find_leak;
GC_API void GC_CALL GC_set_find_leak(int);
GC_API int GC_CALL GC_get_find_leak(void);
/* Non-zero: the data of shared libraries is not scanned (the executable's
 * still is). */
GC_API int GC_no_dls;
GC_API void GC_CALL GC_set_no_dls(int);
GC_API int GC_CALL GC_get_no_dls(void);

/* Kept and returned, with nothing in rgc to apply them to (the
 * differences table in libs/boehm/README.md says why for each). */
GC_API int GC_java_finalization;
GC_API void GC_CALL GC_set_java_finalization(int);
GC_API int GC_CALL GC_get_java_finalization(void);
GC_API int GC_full_freq;
GC_API void GC_CALL GC_set_full_freq(int);
GC_API int GC_CALL GC_get_full_freq(void);
GC_API int GC_dont_expand;
GC_API void GC_CALL GC_set_dont_expand(int);
GC_API int GC_CALL GC_get_dont_expand(void);
GC_API int GC_use_entire_heap;
GC_API GC_word GC_max_retries;
GC_API void GC_CALL GC_set_max_retries(GC_word);
GC_API GC_word GC_CALL GC_get_max_retries(void);
#define GC_TIME_UNLIMITED 999999
GC_API unsigned long GC_time_limit;
GC_API void GC_CALL GC_set_time_limit(unsigned long);
GC_API unsigned long GC_CALL GC_get_time_limit(void);
struct GC_timeval_s {
    unsigned long tv_ms;
    unsigned long tv_nsec;
};
GC_API void GC_CALL GC_set_time_limit_tv(struct GC_timeval_s);
GC_API struct GC_timeval_s GC_CALL GC_get_time_limit_tv(void);
GC_API void GC_CALL GC_set_rate(int);
GC_API int GC_CALL GC_get_rate(void);
GC_API void GC_CALL GC_set_max_prior_attempts(int);
GC_API int GC_CALL GC_get_max_prior_attempts(void);
GC_API void GC_CALL GC_set_min_bytes_allocd(size_t);
GC_API size_t GC_CALL GC_get_min_bytes_allocd(void);
GC_API int GC_dont_precollect;
GC_API void GC_CALL GC_set_dont_precollect(int);
GC_API int GC_CALL GC_get_dont_precollect(void);
GC_API void GC_CALL GC_set_allocd_bytes_per_finalizer(GC_word);
GC_API GC_word GC_CALL GC_get_allocd_bytes_per_finalizer(void);
GC_API void GC_CALL GC_set_manual_vdb_allowed(int);
GC_API int GC_CALL GC_get_manual_vdb_allowed(void);
GC_API void GC_CALL GC_set_stop_func(GC_stop_func);
GC_API GC_stop_func GC_CALL GC_get_stop_func(void);
typedef void(GC_CALLBACK *GC_on_heap_resize_proc)(GC_word new_size);
GC_API GC_on_heap_resize_proc GC_on_heap_resize;
GC_API void GC_CALL GC_set_on_heap_resize(GC_on_heap_resize_proc);
GC_API GC_on_heap_resize_proc GC_CALL GC_get_on_heap_resize(void);
typedef void(GC_CALLBACK *GC_await_finalize_proc)(void *obj);
GC_API void GC_CALL GC_set_await_finalize_proc(GC_await_finalize_proc);
GC_API GC_await_finalize_proc GC_CALL GC_get_await_finalize_proc(void);
/* The heap is never executable: setting 1 warns and changes nothing. */
GC_API void GC_CALL GC_set_pages_executable(int);
GC_API int GC_CALL GC_get_pages_executable(void);

/* Collection events: the start and end of every collection (one
 * stop-the-world pause), of its marking and of its sweeping ("reclaim").
 * The callback runs with the collector stopped and must not call GC_
 * functions. The other event types are never reported (one thread). */
typedef enum {
    GC_EVENT_START,
    GC_EVENT_MARK_START,
    GC_EVENT_MARK_END,
    GC_EVENT_RECLAIM_START,
    GC_EVENT_RECLAIM_END,
    GC_EVENT_END,
    GC_EVENT_PRE_STOP_WORLD,
    GC_EVENT_POST_STOP_WORLD,
    GC_EVENT_PRE_START_WORLD,
    GC_EVENT_POST_START_WORLD,
    GC_EVENT_THREAD_SUSPENDED,
    GC_EVENT_THREAD_UNSUSPENDED
} GC_EventType;
typedef void(GC_CALLBACK *GC_on_collection_event_proc)(GC_EventType);
GC_API void GC_CALL GC_set_on_collection_event(GC_on_collection_event_proc);
GC_API GC_on_collection_event_proc GC_CALL GC_get_on_collection_event(void);

/* ---- queries --------------------------------------------------------------- */
GC_API size_t GC_CALL GC_get_heap_size(void);
GC_API size_t GC_CALL GC_get_free_bytes(void);
GC_API size_t GC_CALL GC_get_unmapped_bytes(void);
GC_API size_t GC_CALL GC_get_bytes_since_gc(void);
GC_API size_t GC_CALL GC_get_total_bytes(void);
GC_API void GC_CALL GC_get_heap_usage_safe(GC_word *heap_size, GC_word *free_bytes, GC_word *unmapped_bytes,
                                           GC_word *bytes_since_gc, GC_word *total_bytes);
/* Heap bytes in use (the heap less its free bytes). */
GC_API size_t GC_CALL GC_get_memory_use(void);
/* The most heap and side-table memory held at once; never decreases. */
GC_API size_t GC_CALL GC_get_obtained_from_os_bytes(void);
/* Bytes GC_free released since the last collection (requested sizes). */
GC_API size_t GC_CALL GC_get_expl_freed_bytes_since_gc(void);
/* Milliseconds spent collecting so far (every collection is a full one). */
GC_API unsigned long GC_CALL GC_get_full_gc_total_time(void);
/* Bytes the program holds outside the collected heap: kept, not used (bdwgc
 * weighs them in its heap growth). */
GC_API GC_word GC_non_gc_bytes;
GC_API void GC_CALL GC_set_non_gc_bytes(GC_word);
GC_API GC_word GC_CALL GC_get_non_gc_bytes(void);
/* Kept only: free memory goes back to the system after every collection. */
GC_API void GC_CALL GC_set_force_unmap_on_gcollect(int);
GC_API int GC_CALL GC_get_force_unmap_on_gcollect(void);
/* Collections completed. */
GC_API GC_word GC_gc_no;
GC_API GC_word GC_CALL GC_get_gc_no(void);
/* The start of the object p points into (interior pointers included), or
 * NULL: any pointer may be asked about. */
GC_API void *GC_CALL GC_base(void *p);
/* The size of the object p points into, or 0: the bytes requested, the
 * extra byte (while GC_all_interior_pointers was set at GC_init), rounded
 * up to 8. All of them may be written. */
GC_API size_t GC_CALL GC_size(const void *p);
/* Non-zero when p points into a heap block in use. */
GC_API int GC_CALL GC_is_heap_ptr(const void *p);
/* Every heap object lies between these (fixed at GC_init). */
GC_API void *GC_least_plausible_heap_addr;
GC_API void *GC_greatest_plausible_heap_addr;
/* bdwgc's statistics structure; rgc does not count reclaimed bytes, so
 * bytes_reclaimed_since_gc and reclaimed_bytes_before_gc are 0. Fills at
 * most stats_sz bytes and returns how many it filled. */
struct GC_prof_stats_s {
    GC_word heapsize_full;
    GC_word free_bytes_full;
    GC_word unmapped_bytes;
    GC_word bytes_allocd_since_gc;
    GC_word allocd_bytes_before_gc;
    GC_word non_gc_bytes;
    GC_word gc_no;
    GC_word markers_m1;
    GC_word bytes_reclaimed_since_gc;
    GC_word reclaimed_bytes_before_gc;
    GC_word expl_freed_bytes_since_gc;
    GC_word obtained_from_os_bytes;
};
GC_API size_t GC_CALL GC_get_prof_stats(struct GC_prof_stats_s *, size_t stats_sz);
GC_API size_t GC_CALL GC_get_prof_stats_unsafe(struct GC_prof_stats_s *, size_t stats_sz);
/* The size (as GC_size reports it) an object of i bytes gets;
 * (size_t)-1 for a negative i or one past the 1 GiB limit. */
GC_API size_t GC_CALL GC_get_size_map_at(int i);
/* The kind of the object starting at p (0 atomic, 1 normal, 2
 * uncollectable, 3 atomic uncollectable, or a kind of GC_new_kind's) and,
 * if psize is not NULL, its size. p not the start of a heap object is a
 * fatal error. */
GC_API int GC_CALL GC_get_kind_and_size(const void *p, size_t *psize);
/* Count bytes allocated or freed on the collector's behalf. */
GC_API void GC_CALL GC_incr_bytes_allocd(size_t);
GC_API void GC_CALL GC_incr_bytes_freed(size_t);
/* Collector state on stdout: a summary line each (rgc's own format). */
GC_API void GC_CALL GC_dump(void);
GC_API void GC_CALL GC_dump_named(const char *name);
GC_API void GC_CALL GC_dump_regions(void);
GC_API void GC_CALL GC_dump_finalization(void);
GC_API void GC_CALL GC_print_free_list(int kind, size_t sz_in_granules);
/* printf to stdout, stderr, and the log (stderr until GC_set_log_fd). */
GC_API void GC_CALL GC_printf(const char *format, ...);
GC_API void GC_CALL GC_err_printf(const char *format, ...);
GC_API void GC_CALL GC_log_printf(const char *format, ...);
GC_API void GC_CALL GC_set_log_fd(int);
/* A fatal "out of memory" error, through the abort function. */
GC_API void GC_CALL GC_abort_on_oom(void);
/* Returns its argument. */
GC_API void *GC_CALL GC_clear_stack(void *);
/* Nothing: the heap stays until the process exits. */
GC_API void GC_CALL GC_deinit(void);
/* 0: rgc has no temporary root sections. */
GC_API int GC_CALL GC_is_tmp_root(void *);
/* No debugging headers: both are 0. */
GC_API size_t GC_debug_header_size;
GC_API size_t GC_CALL GC_get_debug_header_size(void);
GC_API void *GC_CALL GC_debug_malloc_replacement(size_t);
GC_API void *GC_CALL GC_debug_realloc_replacement(void *, size_t);

/* Pointer checks (GC_DEBUG builds call them through GC_PTR_ADD and kin).
 * GC_same_obj returns p, after calling GC_same_obj_print_proc(p, q) (by
 * default a fatal error) when one of them points into a heap object and
 * the other not into the same one. GC_pre_incr and GC_post_incr add to *p,
 * checked the same way. GC_is_valid_displacement returns p, after calling
 * its print procedure (by default fatal) when p points into a heap block
 * but into no object. GC_is_visible returns p: rgc scans everything its
 * check would accept. Displacements need no registering (every interior
 * pointer counts). */
GC_API void *GC_CALL GC_same_obj(void *p, void *q);
GC_API void *GC_CALL GC_pre_incr(void **p, ptrdiff_t how_much);
GC_API void *GC_CALL GC_post_incr(void **p, ptrdiff_t how_much);
GC_API void *GC_CALL GC_is_valid_displacement(void *p);
GC_API void *GC_CALL GC_is_visible(void *p);
GC_API void(GC_CALLBACK *GC_same_obj_print_proc)(void *p, void *q);
GC_API void(GC_CALLBACK *GC_is_valid_displacement_print_proc)(void *p);
GC_API void(GC_CALLBACK *GC_is_visible_print_proc)(void *p);
GC_API void GC_CALL GC_register_displacement(size_t);
GC_API void GC_CALL GC_debug_register_displacement(size_t);
/* bdwgc's checked pointer arithmetic: checked under GC_DEBUG (through the
 * calls above), plain otherwise. */
#ifdef GC_DEBUG
#define GC_PTR_ADD3(x, n, type_of_result) ((type_of_result)GC_same_obj((x) + (n), (x)))
#define GC_PRE_INCR3(x, n, type_of_result) ((type_of_result)GC_pre_incr((void **)(&(x)), (n) * sizeof(*(x))))
#define GC_POST_INCR3(x, n, type_of_result) ((type_of_result)GC_post_incr((void **)(&(x)), (n) * sizeof(*(x))))
#define GC_PTR_ADD(x, n) GC_PTR_ADD3(x, n, __typeof__(x))
#define GC_PRE_INCR(x, n) GC_PRE_INCR3(x, n, __typeof__(x))
#define GC_POST_INCR(x) GC_POST_INCR3(x, 1, __typeof__(x))
#define GC_POST_DECR(x) GC_POST_INCR3(x, -1, __typeof__(x))
#define GC_PTR_STORE(p, q) (*(void **)GC_is_visible((void *)(p)) = GC_is_valid_displacement((void *)(q)))
#define GC_REGISTER_DISPLACEMENT(n) GC_debug_register_displacement(n)
#else
#define GC_PTR_ADD(x, n) ((x) + (n))
#define GC_PRE_INCR(x, n) ((x) += (n))
#define GC_POST_INCR(x) ((x)++)
#define GC_POST_DECR(x) ((x)--)
#define GC_PTR_STORE(p, q) (*(void **)(p) = (void *)(q))
#define GC_REGISTER_DISPLACEMENT(n) GC_register_displacement(n)
#endif
GC_API unsigned GC_CALL GC_get_version(void);

/* ---- roots ----------------------------------------------------------------- *
 * The collector scans the calling thread's stack and registers and the
 * writable data of the executable and every shared library. More ranges:
 * [low, high) is scanned at every collection until removed. */
GC_API void GC_CALL GC_add_roots(void *low, void *high);
GC_API void GC_CALL GC_remove_roots(void *low, void *high);
/* Forgets every range GC_add_roots registered. */
GC_API void GC_CALL GC_clear_roots(void);
/* dlopen; the library's data is scanned from the next collection on. */
GC_API void *GC_CALL GC_dlopen(const char *path, int mode);
/* Called (inside collections) for each writable segment of a shared
 * library; the segment is scanned only if it returns non-zero. NULL: all
 * are scanned. The executable's segments always are. */
typedef int(GC_CALLBACK *GC_has_static_roots_func)(const char *dlpi_name, void *section_start, size_t section_size);
GC_API void GC_CALL GC_register_has_static_roots_callback(GC_has_static_roots_func);
/* [low, high) of the data segments is not scanned; the table is cleared
 * by GC_clear_exclusion_table. */
GC_API void GC_CALL GC_exclude_static_roots(void *low, void *high);
GC_API void GC_CALL GC_clear_exclusion_table(void);

/* ---- marker threads ---------------------------------------------------------
 * Collections mark on several threads (rgc's RGC_MARKERS, by default one per
 * core, at most 8). GC_parallel and GC_get_parallel give the markers beside
 * the collecting thread (0 before GC_init). GC_set_markers_count, before
 * GC_init, sets the total (0: the default; more than 8 is 8; RGC_MARKERS,
 * when set, wins); after GC_init it warns and changes nothing.
 * GC_start_mark_threads has nothing to do:
 * the markers start with the collector. */
GC_API int GC_parallel;
GC_API int GC_CALL GC_get_parallel(void);
GC_API void GC_CALL GC_set_markers_count(unsigned);
GC_API void GC_CALL GC_start_mark_threads(void);

/* ---- hooks ------------------------------------------------------------------ */
/* msg is a printf format with one conversion for arg. */
typedef void(GC_CALLBACK *GC_warn_proc)(char *msg, GC_word arg);
GC_API void GC_CALL GC_set_warn_proc(GC_warn_proc);
GC_API GC_warn_proc GC_CALL GC_get_warn_proc(void);
/* A warning procedure that prints nothing. */
GC_API void GC_CALLBACK GC_ignore_warn_proc(char *msg, GC_word arg);
/* Called with a fatal error's line ("rgc: CALL: what was wrong", printed
 * already) before the process aborts; if it returns, the process aborts.
 * Setting NULL is a fatal error. */
typedef void(GC_CALLBACK *GC_abort_func)(const char *msg);
GC_API GC_abort_func GC_on_abort;
GC_API void GC_CALL GC_set_abort_func(GC_abort_func);
GC_API GC_abort_func GC_CALL GC_get_abort_func(void);
/* Called when an allocation fails; its result is the allocation's. */
typedef void *(GC_CALLBACK *GC_oom_func)(size_t bytes_requested);
GC_API GC_oom_func GC_oom_fn;
GC_API void GC_CALL GC_set_oom_fn(GC_oom_func);
GC_API GC_oom_func GC_CALL GC_get_oom_fn(void);
/* Interior pointers are always recognised. Its value at GC_init decides
 * whether objects get bdwgc's extra byte (a pointer just past an object
 * still finds it); set it to 0 before GC_init for none. */
GC_API int GC_all_interior_pointers;
GC_API void GC_CALL GC_set_all_interior_pointers(int);
GC_API int GC_CALL GC_get_all_interior_pointers(void);
GC_API void GC_CALL GC_noop1(GC_word);
/* Keeps ptr reachable up to this point (the compiler may not drop it). */
#if defined(__GNUC__)
#define GC_reachable_here(ptr) __asm__ __volatile__(" " : : "X"(ptr) : "memory")
#else
#define GC_reachable_here(ptr) GC_noop1((GC_word)(ptr))
#endif

/* Toggle references: at the start of each collection the callback decides,
 * for each registered object, whether it is held strongly (a root), weakly
 * (forgotten once nothing else keeps it) or dropped. It runs with the world
 * stopped and must not call GC_ functions. GC_toggleref_add registers
 * nothing while no callback is set. */
typedef enum { GC_TOGGLE_REF_DROP, GC_TOGGLE_REF_STRONG, GC_TOGGLE_REF_WEAK } GC_ToggleRefStatus;
typedef GC_ToggleRefStatus(GC_CALLBACK *GC_toggleref_func)(void *obj);
GC_API void GC_CALL GC_set_toggleref_func(GC_toggleref_func);
GC_API GC_toggleref_func GC_CALL GC_get_toggleref_func(void);
GC_API int GC_CALL GC_toggleref_add(void *obj, int is_strong);

/* As bdwgc's gc_config_macros.h: threads here are POSIX threads. */
#if defined(GC_THREADS) && !defined(GC_PTHREADS) && !defined(_WIN32)
#define GC_PTHREADS 1
#endif
/* ---- threads ----------------------------------------------------------------
 * Every thread that calls GC_ functions or keeps pointers to collected
 * objects must be registered: the one that initialised the collector is;
 * others call GC_register_my_thread, or are created with GC_pthread_create
 * (what pthread_create becomes when GC_THREADS is defined before this
 * header), which registers the thread until it ends. A collection stops
 * registered threads with the suspend signal (SIGPWR unless
 * GC_set_suspend_signal chose another before GC_init) and scans their
 * stacks and registers. A thread that calls in without registering is
 * registered by that call. GC_register_my_thread: GC_SUCCESS, or
 * GC_DUPLICATE. */
struct GC_stack_base {
    void *mem_base;
};
GC_API void GC_CALL GC_allow_register_threads(void);
GC_API int GC_CALL GC_register_my_thread(const struct GC_stack_base *);
GC_API int GC_CALL GC_unregister_my_thread(void);
GC_API int GC_CALL GC_thread_is_registered(void);
/* The calling thread's stack base (its highest address). */
GC_API int GC_CALL GC_get_stack_base(struct GC_stack_base *);
typedef void *(GC_CALLBACK *GC_stack_base_func)(struct GC_stack_base *sb, void *arg);
GC_API void *GC_CALL GC_call_with_stack_base(GC_stack_base_func, void *arg);
/* Fills sb and returns a non-NULL handle. */
GC_API void *GC_CALL GC_get_my_stackbottom(struct GC_stack_base *sb);
/* The stack of the thread with that handle (NULL: the calling one) is
 * scanned up to sb->mem_base from now on (coroutines on stacks of their
 * own; the program pushes the others' stacks itself). */
GC_API void GC_CALL GC_set_stackbottom(void *gc_thread_handle, const struct GC_stack_base *sb);
/* The initialising thread's stack base, set by GC_init; a program that
 * runs coroutines on stacks of its own writes it at each switch, and each
 * collection scans that thread up to it. */
GC_API char *GC_stackbottom;
/* GC_call_with_alloc_lock: fn(arg) holding the collector lock (fn must not
 * call GC_ functions). GC_do_blocking: fn(arg) with the thread counted as
 * stopped (fn must not touch the collected heap, except inside
 * GC_call_with_gc_active). */
typedef void *(GC_CALLBACK *GC_fn_type)(void *client_data);
GC_API void *GC_CALL GC_call_with_alloc_lock(GC_fn_type fn, void *client_data);
GC_API void *GC_CALL GC_do_blocking(GC_fn_type fn, void *client_data);
GC_API void *GC_CALL GC_call_with_gc_active(GC_fn_type fn, void *client_data);
GC_API void GC_CALL GC_alloc_lock(void);
GC_API void GC_CALL GC_alloc_unlock(void);
/* Nothing to do: rgc prepares for fork itself. */
GC_API void GC_CALL GC_atfork_prepare(void);
GC_API void GC_CALL GC_atfork_parent(void);
GC_API void GC_CALL GC_atfork_child(void);
GC_API void GC_CALL GC_set_handle_fork(int);
GC_API void GC_CALL GC_register_altstack(void *stack, GC_word size, void *altstack, GC_word altsize);
/* GC_suspend_thread holds a registered thread stopped (wherever it is, and
 * across collections) until GC_resume_thread; suspending the calling thread
 * blocks it until another resumes it. GC_stop_world_external stops every
 * other registered thread until GC_start_world_external. The thread-event
 * callback is kept and never called. */
/* A thread's id for these: its pthread_t with GC_THREADS, as in bdwgc. */
#if defined(GC_PTHREADS)
#include <pthread.h>
#define GC_SUSPEND_THREAD_ID pthread_t
#else
#define GC_SUSPEND_THREAD_ID void *
#endif
GC_API void GC_CALL GC_suspend_thread(GC_SUSPEND_THREAD_ID thread);
GC_API void GC_CALL GC_resume_thread(GC_SUSPEND_THREAD_ID thread);
GC_API int GC_CALL GC_is_thread_suspended(GC_SUSPEND_THREAD_ID thread);
GC_API void GC_CALL GC_stop_world_external(void);
GC_API void GC_CALL GC_start_world_external(void);
typedef void(GC_CALLBACK *GC_on_thread_event_proc)(GC_EventType, void *thread_id);
GC_API void GC_CALL GC_set_on_thread_event(GC_on_thread_event_proc);
GC_API GC_on_thread_event_proc GC_CALL GC_get_on_thread_event(void);
/* The suspend signal (set before GC_init). There is no restart signal (a
 * stopped thread sleeps on a futex): the setter does nothing, the getter
 * returns -1. */
GC_API void GC_CALL GC_set_suspend_signal(int);
GC_API void GC_CALL GC_set_thr_restart_signal(int);
GC_API int GC_CALL GC_get_suspend_signal(void);
GC_API int GC_CALL GC_get_thr_restart_signal(void);

#if defined(GC_THREADS) || defined(GC_PTHREADS)
#include <pthread.h>
#include <signal.h>
/* pthread_create that registers the new thread for its whole life, and
 * the calls that go with it; pthread_sigmask never blocks the suspend
 * signal. GC_NO_THREAD_REDIRECTS keeps the plain names. */
GC_API int GC_pthread_create(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
GC_API int GC_pthread_join(pthread_t, void **);
GC_API int GC_pthread_detach(pthread_t);
GC_API int GC_pthread_cancel(pthread_t);
GC_API void GC_pthread_exit(void *) __attribute__((__noreturn__));
GC_API int GC_pthread_sigmask(int, const sigset_t *, sigset_t *);
#if !defined(GC_NO_THREAD_REDIRECTS)
#undef pthread_create
#undef pthread_join
#undef pthread_detach
#undef pthread_cancel
#undef pthread_exit
#undef pthread_sigmask
#undef dlopen
#define pthread_create GC_pthread_create
#define pthread_join GC_pthread_join
#define pthread_detach GC_pthread_detach
#define pthread_cancel GC_pthread_cancel
#define pthread_exit GC_pthread_exit
#define pthread_sigmask GC_pthread_sigmask
#define dlopen GC_dlopen
#endif
#endif

#ifdef __cplusplus
}
#endif
#endif /* RGC_BOEHM_GC_H */
