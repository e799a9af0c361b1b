/* The rgc ABI over the system's Boehm-Demers-Weiser collector (libgc), so
 * the harness runs the very same scenario code on bdwgc as a reference.
 * Compile scenarios with -DRGC_GC_BDW and link this file with libgc;
 * -DRGC_BDW_INCREMENTAL turns on GC_enable_incremental ("bdw-inc").
 *
 * Pauses are reported as RGC_PHASE_PAUSE events from bdwgc's collection
 * events: a stop-the-world collection is GC_EVENT_START..GC_EVENT_END; in
 * incremental mode, only the world-stopped part of a collection
 * (GC_EVENT_PRE_STOP_WORLD..GC_EVENT_POST_START_WORLD) is known to bdwgc's
 * event API, so the incremental marking steps bdwgc runs inside GC_malloc
 * are not pauses here; they show in the scenarios' mutator latency.
 * Heap statistics are bdwgc's own (heap_size includes free blocks). */
#define GC_THREADS 1
#include <gc/gc.h>
#include "rgc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const uint8_t rgc_abi_bdw_v1 = 1;
_Thread_local rgc_mutator rgc_thread;

static rgc_event_listener listener;
static void *listener_user;
static rgc_oom_handler oom_handler;
static void *oom_user;
static uint64_t heap_max, cycle, pauses, total_pause, max_pause, pause_start, finalizers_run;
static int initialised;

#ifdef RGC_BDW_INCREMENTAL
static const char *const NAME = "bdw-inc";
#define PAUSE_BEGINS GC_EVENT_PRE_STOP_WORLD
#define PAUSE_ENDS GC_EVENT_POST_START_WORLD
#else
static const char *const NAME = "bdw";
#define PAUSE_BEGINS GC_EVENT_START
#define PAUSE_ENDS GC_EVENT_END
#endif

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void fatal(const char *call, const char *msg) {
    fprintf(stderr, "rgc(bdw): %s: %s\n", call, msg);
    abort();
}

static void emit(uint32_t kind, uint64_t t) {
    if (!listener) return;
    rgc_event e = { .kind = kind, .phase = RGC_PHASE_PAUSE, .timestamp_ns = t, .cycle = cycle };
    listener(&e, listener_user);
}

static void on_event(GC_EventType type) {
    if (type == PAUSE_BEGINS) {
        if (type == GC_EVENT_START || cycle == 0) cycle++;
        pause_start = now_ns();
        emit(RGC_EVENT_START, pause_start);
    } else if (type == PAUSE_ENDS) {
        uint64_t t = now_ns(), d = t - pause_start;
        pauses++;
        total_pause += d;
        if (d > max_pause) max_pause = d;
        emit(RGC_EVENT_END, t);
    } else if (type == GC_EVENT_END && PAUSE_ENDS != GC_EVENT_END) {
        cycle++;
    }
}

static void *on_oom(size_t bytes) {
    if (oom_handler) {
        oom_handler("GC_malloc", bytes, oom_user);
        return NULL;
    }
    fprintf(stderr, "rgc(bdw): out of memory allocating %zu bytes (heap_max %llu)\n", bytes,
            (unsigned long long)heap_max);
    abort();
}

void rgc_config_default(rgc_config *out) {
    if (!out) fatal("rgc_config_default", "out is NULL");
    memset(out, 0, sizeof *out);
    out->struct_size = sizeof *out;
    out->heap_max = 4ull << 30;
    out->heap_initial = 4u << 20;
    out->growth_percent = 100;
    out->shadowstack_slots = 1u << 20;
}

int rgc_init_abi(const rgc_config *config, const void *abi_tag) {
    if (abi_tag != &rgc_abi_bdw_v1) fatal("rgc_init", "code was not compiled with -DRGC_GC_BDW");
    if (initialised) return -1;
    rgc_config c;
    if (config) c = *config; else rgc_config_default(&c);
    GC_INIT();
#ifdef RGC_BDW_INCREMENTAL
    GC_enable_incremental();
#endif
    heap_max = c.heap_max;
    GC_set_max_heap_size((GC_word)c.heap_max);
    GC_set_oom_fn(on_oom);
    GC_set_on_collection_event(on_event);
    /* Before giving up at heap_max, collect again a few times, as rgc's
     * collectors do: bdwgc's default (0 retries) fails much earlier. */
    GC_set_max_retries(3);
    /* The shadow stack lives outside the heap (so heap_max limits objects
     * only, as for rgc) and is scanned, conservatively, as a root range. */
    size_t ss_bytes = (size_t)c.shadowstack_slots * sizeof(void *);
    void **slots = calloc(c.shadowstack_slots, sizeof(void *));
    if (!slots) return -1;
    GC_add_roots(slots, (char *)slots + ss_bytes);
    rgc_thread.ss.base = rgc_thread.ss.top = slots;
    rgc_thread.ss.limit = slots + c.shadowstack_slots;
    initialised = 1;
    return 0;
}

void rgc_shutdown(void) { initialised = 0; }
const char *rgc_collector_name(void) { return NAME; }
int rgc_thread_attach(void) {
    fatal("rgc_thread_attach", "the bdw reference supports one thread");
    return -1;
}
void rgc_thread_detach(void) {}
uint32_t rgc_register_type(rgc_type *type) { return type->id = 1; }

RGC_NORETURN void rgc_shadowstack_overflow(size_t requested) {
    fprintf(stderr, "rgc(bdw): shadow stack overflow (frame of %zu slots)\n", requested);
    abort();
}

static void run_finalizer(void *obj, void *fn) {
    finalizers_run++;
    ((void (*)(void *))fn)(obj);
}

static void *alloc_typed(rgc_type *type, size_t bytes) {
    void *p;
    if (type->flags & RGC_TYPE_POINTER_FREE) {
        p = GC_MALLOC_ATOMIC(bytes);
        if (p) memset(p, 0, bytes);
    } else {
        p = GC_MALLOC(bytes);
    }
    if (p && type->finalizer) GC_REGISTER_FINALIZER_NO_ORDER(p, run_finalizer, (void *)type->finalizer, NULL, NULL);
    return p;
}

void *rgc_alloc(rgc_type *type) {
    if (!type) fatal("rgc_alloc", "descriptor is NULL");
    return alloc_typed(type, type->size);
}

void *rgc_alloc_array(rgc_type *type, size_t length) {
    if (!type) fatal("rgc_alloc_array", "descriptor is NULL");
    if (type->item_size && length > ((size_t)1 << 40) / type->item_size) fatal("rgc_alloc_array", "length too large");
    void *p = alloc_typed(type, type->size + length * type->item_size);
    if (p) *(size_t *)((char *)p + type->length_offset) = length;
    return p;
}

void *rgc_alloc_bytes(size_t n) {
    void *p = GC_MALLOC_ATOMIC(n ? n : 1);
    if (p) memset(p, 0, n);
    return p;
}

size_t rgc_object_size(const void *p) { return GC_size(p); }
void rgc_write_barrier(void *obj, void **slot, void *value) { (void)obj; *slot = value; }
void rgc_add_root(void **slot) { GC_add_roots(slot, slot + 1); }
void rgc_remove_root(void **slot) { GC_remove_roots(slot, slot + 1); }
void rgc_collect(void) { GC_gcollect(); }
int rgc_step(uint64_t budget_ns) { (void)budget_ns; return GC_collect_a_little(); }
int rgc_set_pacing(uint64_t pause_ns, uint64_t window_ns) { (void)pause_ns; (void)window_ns; return 0; }

void rgc_get_stats(rgc_stats *out) {
    if (!out) fatal("rgc_get_stats", "out is NULL");
    memset(out, 0, sizeof *out);
    out->struct_size = sizeof *out;
    out->collections = GC_get_gc_no();
    out->bytes_allocated = GC_get_total_bytes();
    out->heap_size = GC_get_heap_size();
    /* bdwgc's heap does not shrink by default: its size now is its peak. */
    out->peak_heap_size = out->heap_size;
    out->heap_max = heap_max;
    out->live_bytes = GC_get_heap_size() - GC_get_free_bytes();
    out->total_pause_ns = total_pause;
    out->max_pause_ns = max_pause;
    out->pauses = pauses;
    out->finalizers_run = finalizers_run;
}

void rgc_set_event_listener(rgc_event_listener l, void *user) {
    listener = l;
    listener_user = user;
}
const char *rgc_phase_name(uint32_t phase) { return phase == RGC_PHASE_PAUSE ? "pause" : "unknown"; }
void rgc_set_oom_handler(rgc_oom_handler h, void *user) {
    oom_handler = h;
    oom_user = user;
}
void rgc_verify_heap(void) {}

void *rgc_weakref_new(void *target) {
    void **cell = GC_MALLOC_ATOMIC(sizeof(void *));
    if (!cell) return NULL;
    *cell = target;
    if (target) GC_GENERAL_REGISTER_DISAPPEARING_LINK(cell, target);
    return cell;
}
void *rgc_weakref_get(void *weakref) { return *(void **)weakref; }
