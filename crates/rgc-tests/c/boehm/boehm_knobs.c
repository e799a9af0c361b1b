/* bdwgc's variables and debugging calls: GC_dont_gc, automatic collection
 * off, GC_no_dls, GC_exclude_static_roots, the statistics structure, the
 * size and kind queries, the pointer checks, the stack-base and
 * blocking calls, GC_finalize_all, the plausible heap bounds, and the
 * printf family (whose output the runner checks).
 *
 * Usage: boehm_knobs HELPER_LIBRARY          the checks, then "ok"
 *        boehm_knobs HELPER_LIBRARY leaks    leak finding: 100 objects
 *            dropped, one freed; the runner reads the report on stderr. */
#include "bt.h"
#include <signal.h>
#include "gc/gc_mark.h"
#include <dlfcn.h>
#include <pthread.h>

/* GC_dont_gc written directly is the disable count; with automatic
 * collection off, only GC_gcollect collects. */
static void disabling(void) {
    GC_word before = GC_get_gc_no();
    GC_dont_gc = 1;
    CHECK(GC_is_disabled(), "GC_dont_gc = 1 is not disabled");
    GC_gcollect();
    CHECK(GC_get_gc_no() == before, "collected while GC_dont_gc was 1");
    GC_enable(); /* takes GC_dont_gc back to 0 */
    CHECK(GC_dont_gc == 0 && !GC_is_disabled(), "GC_enable did not lower GC_dont_gc");
    GC_disable();
    CHECK(GC_dont_gc == 1, "GC_disable did not raise GC_dont_gc");
    GC_dont_gc = 0;
    GC_gcollect();
    CHECK(GC_get_gc_no() == before + 1, "no collection once GC_dont_gc was 0 again");

    GC_set_disable_automatic_collection(1);
    CHECK(GC_get_disable_automatic_collection() == 1, "the setting was not kept");
    before = GC_get_gc_no();
    for (int i = 0; i < bt_scale(100000, 200); i++) GC_MALLOC(200); /* 20 MB of garbage */
    CHECK(GC_get_gc_no() == before, "%lu automatic collections while they were off",
          (unsigned long)(GC_get_gc_no() - before));
    GC_gcollect();
    CHECK(GC_get_gc_no() == before + 1, "GC_gcollect did not collect with automatic collection off");
    GC_set_disable_automatic_collection(0);
}

static void *shared_static; /* a root in the executable's data, excluded below */

/* Gives a fresh counted object to the library, from a frame of its own
 * (no copy left in the caller's registers or frame). */
__attribute__((noinline)) static void hold_counted(void (*hold)(void *)) { hold(GC_REVEAL_POINTER(counted_object())); }

static int filter_refuses, saw_library;
static int filter_library(const char *name, void *start, size_t size) {
    (void)start;
    (void)size;
    if (!strstr(name, "libboehm_lib")) return 1;
    saw_library = 1;
    return !filter_refuses;
}

/* GC_no_dls: a library's data is not scanned; the static-roots callback:
 * the segments it refuses are not; GC_exclude_static_roots: a part of the
 * executable's is not. */
static void data_segments(const char *library) {
    void *lib = dlopen(library, RTLD_NOW);
    CHECK(lib, "dlopen(%s): %s", library, dlerror());
    void (*hold)(void *) = (void (*)(void *))dlsym(lib, "boehm_lib_hold");
    CHECK(hold, "boehm_lib_hold");
    int before = finalized;
    hold_counted(hold);
    CHECK(collect_and_count() == before, "an object held by a library was finalized while libraries were scanned");
    GC_set_no_dls(1);
    CHECK(GC_get_no_dls() == 1 && GC_no_dls == 1, "GC_set_no_dls");
    CHECK(collect_and_count() == before + 1, "GC_no_dls: the library's data was still scanned");
    GC_no_dls = 0;

    /* The filter sees the library's segment and may refuse it. */
    filter_refuses = 1;
    GC_register_has_static_roots_callback(filter_library);
    before = finalized;
    hold_counted(hold);
    CHECK(collect_and_count() == before + 1 && saw_library, "the filter refused the library, yet it was scanned");
    filter_refuses = 0;
    hold_counted(hold);
    CHECK(collect_and_count() == before + 1, "the filter accepted the library, yet its object was finalized");
    GC_register_has_static_roots_callback(NULL);
    hold(NULL);
    collect_and_count(); /* the library's last object goes */

    shared_static = GC_REVEAL_POINTER(counted_object());
    before = finalized;
    CHECK(collect_and_count() == before, "an object held by a static was finalized");
    GC_exclude_static_roots(&shared_static, &shared_static + 1);
    CHECK(collect_and_count() == before + 1, "GC_exclude_static_roots: the excluded static was still scanned");
    GC_clear_exclusion_table();
    shared_static = GC_REVEAL_POINTER(counted_object());
    CHECK(collect_and_count() == before + 1, "GC_clear_exclusion_table: the static is still excluded");
    shared_static = NULL;
}

static void statistics_and_sizes(void) {
    struct GC_prof_stats_s s;
    memset(&s, 0xff, sizeof s);
    CHECK(GC_get_prof_stats(&s, sizeof s) == sizeof s, "GC_get_prof_stats filled less than the structure");
    CHECK(s.heapsize_full == GC_get_heap_size() && s.gc_no == GC_get_gc_no() && s.markers_m1 == (GC_word)GC_parallel &&
              s.non_gc_bytes == GC_get_non_gc_bytes() && s.unmapped_bytes == 0,
          "GC_get_prof_stats disagrees with the getters");
    memset(&s, 0xff, sizeof s);
    CHECK(GC_get_prof_stats(&s, 2 * sizeof(GC_word)) == 2 * sizeof(GC_word) && s.unmapped_bytes == (GC_word)-1,
          "a short buffer was written past its size");
    GC_word total = GC_get_total_bytes();
    GC_incr_bytes_allocd(1000);
    CHECK(GC_get_total_bytes() == total + 1000, "GC_incr_bytes_allocd");

    for (int n = 0; n < 300; n += 7) {
        void *p = GC_MALLOC(n);
        CHECK(GC_get_size_map_at(n) == GC_size(p), "GC_get_size_map_at(%d) is %zu, GC_size %zu", n,
              GC_get_size_map_at(n), GC_size(p));
    }
    CHECK(GC_get_size_map_at(-1) == (size_t)-1, "GC_get_size_map_at(-1)");
    void *objs[4] = { GC_MALLOC_ATOMIC(10), GC_MALLOC(10), GC_MALLOC_UNCOLLECTABLE(10),
                      GC_malloc_atomic_uncollectable(10) };
    for (int kind = 0; kind < 4; kind++) {
        size_t size = 0;
        CHECK(GC_get_kind_and_size(objs[kind], &size) == kind && size == GC_size(objs[kind]),
              "GC_get_kind_and_size: kind %d, size %zu", GC_get_kind_and_size(objs[kind], NULL), size);
    }
    GC_FREE(objs[2]);
    GC_FREE(objs[3]);
    CHECK(GC_least_plausible_heap_addr <= objs[0] && objs[0] < GC_greatest_plausible_heap_addr,
          "the plausible heap bounds [%p, %p] miss %p", GC_least_plausible_heap_addr, GC_greatest_plausible_heap_addr,
          objs[0]);
    CHECK(GC_get_debug_header_size() == 0 && GC_debug_header_size == 0, "debug header size");
}

static int same_obj_reports, displacement_reports;
static void note_same_obj(void *p, void *q) {
    (void)p;
    (void)q;
    same_obj_reports++;
}
static void note_displacement(void *p) {
    (void)p;
    displacement_reports++;
}

static void pointer_checks(void) {
    GC_same_obj_print_proc = note_same_obj;
    GC_is_valid_displacement_print_proc = note_displacement;
    char *a = GC_MALLOC(64), *b = GC_MALLOC(64);
    CHECK(GC_same_obj(a + 10, a) == a + 10 && same_obj_reports == 0, "GC_same_obj within one object reported");
    GC_same_obj(a, b);
    CHECK(same_obj_reports == 1, "GC_same_obj of two objects did not report");
    int local;
    GC_same_obj(&local, &local);
    CHECK(same_obj_reports == 1, "GC_same_obj of two non-heap pointers reported");
    void *p = a;
    CHECK(GC_pre_incr(&p, 8) == a + 8 && p == a + 8, "GC_pre_incr");
    CHECK(GC_post_incr(&p, 8) == a + 8 && p == a + 16 && same_obj_reports == 1, "GC_post_incr");
    GC_pre_incr(&p, 4096);
    CHECK(same_obj_reports == 2, "GC_pre_incr out of the object did not report");
    CHECK(GC_is_valid_displacement(a + 3) == a + 3 && displacement_reports == 0, "an interior pointer is invalid");
    GC_FREE(b);
    GC_is_valid_displacement(b);
    CHECK(displacement_reports == 1, "a pointer to a freed cell was a valid displacement");
    CHECK(GC_is_visible(a) == a, "GC_is_visible");
    GC_register_displacement(8);
    CHECK(GC_clear_stack(a) == a && GC_is_tmp_root(a) == 0, "GC_clear_stack, GC_is_tmp_root");
}

static void *listed[3];
static int listed_seen[3], enumerated;
static void note_object(void *obj, size_t bytes, void *data) {
    CHECK(data == (void *)listed, "GC_enumerate_reachable_objects_inner passed the wrong client data");
    enumerated++;
    for (int i = 0; i < 3; i++)
        if (obj == listed[i]) listed_seen[i] += bytes == GC_size(obj);
}

static void on_thread_event(GC_EventType e, void *thread) {
    (void)e;
    (void)thread;
}

/* The heap walk sees each live object once with its size; the thread
 * calls act on nothing here (suspension: boehm_threads). */
static void walking_and_threads(void) {
    for (int i = 0; i < 3; i++) listed[i] = GC_MALLOC(24 + 100 * i);
    GC_enumerate_reachable_objects_inner(note_object, listed);
    for (int i = 0; i < 3; i++) CHECK(listed_seen[i] == 1, "object %d seen %d times", i, listed_seen[i]);
    CHECK(enumerated >= 3, "only %d objects enumerated", enumerated);
    CHECK(GC_is_thread_suspended((void *)pthread_self()) == 0, "GC_is_thread_suspended");
    GC_stop_world_external();
    GC_start_world_external();
    GC_set_on_thread_event(on_thread_event);
    CHECK(GC_get_on_thread_event() == on_thread_event, "GC_get_on_thread_event");
    CHECK(GC_get_suspend_signal() == SIGPWR && GC_get_thr_restart_signal() == -1, "the suspend signal is SIGPWR");
}

/* The start callback runs once per collection; a push-other-roots
 * procedure's range keeps what it points to, and pushing outside one is
 * refused (boehm_misuse). */
static int starts;
static void count_start(void) { starts++; }
static void **pushed_range;
static int chained;
static GC_push_other_roots_proc previous_push;
static void push_my_range(void) {
    previous_push();
    chained++;
    GC_push_all(pushed_range, pushed_range + 1);
}

static void hooks(void) {
    CHECK(GC_get_start_callback() == NULL, "a start callback before any was set");
    GC_set_start_callback(count_start);
    GC_word before = GC_get_gc_no();
    bt_collect();
    bt_collect();
    CHECK(starts == (int)(GC_get_gc_no() - before) && starts >= 2, "the start callback ran %d times for %lu collections",
          starts, (unsigned long)(GC_get_gc_no() - before));
    GC_set_start_callback(NULL);

    previous_push = GC_get_push_other_roots();
    CHECK(previous_push != NULL, "GC_get_push_other_roots returned NULL");
    pushed_range = malloc(sizeof(void *)); /* outside every scanned area */
    GC_set_push_other_roots(push_my_range);
    pushed_range[0] = GC_REVEAL_POINTER(counted_object());
    int before_finalized = finalized;
    CHECK(collect_and_count() == before_finalized && chained >= 1, "the pushed range did not keep its object (%d calls)",
          chained);
    GC_set_push_other_roots(previous_push);
    CHECK(collect_and_count() == before_finalized + 1, "without the procedure the object was kept");
    free(pushed_range);
}

static void *return_arg(void *arg) { return arg; }
static void *stack_base_seen(struct GC_stack_base *sb, void *arg) {
    (void)arg;
    return sb->mem_base;
}

static void stacks_and_blocking(void) {
    int local;
    struct GC_stack_base sb;
    CHECK(GC_get_stack_base(&sb) == GC_SUCCESS && (char *)sb.mem_base > (char *)&local, "GC_get_stack_base: %p",
          sb.mem_base);
    CHECK(GC_call_with_stack_base(stack_base_seen, NULL) == sb.mem_base, "GC_call_with_stack_base");
    CHECK(GC_get_my_stackbottom(&sb) != NULL && (char *)sb.mem_base > (char *)&local, "GC_get_my_stackbottom");
    CHECK(GC_stackbottom == (char *)sb.mem_base, "GC_stackbottom %p, stack base %p", (void *)GC_stackbottom,
          sb.mem_base);
    CHECK(GC_do_blocking(return_arg, &local) == &local && GC_call_with_gc_active(return_arg, &local) == &local &&
              GC_call_with_alloc_lock(return_arg, &local) == &local,
          "the call-through functions");
}

static int keep_finalized;
static void count_keep(void *obj, void *data) {
    (void)obj;
    (void)data;
    keep_finalized++;
}

/* Every registered finalizer runs, a reachable object's too, once. */
static void finalize_all(void) {
    void *keep = GC_MALLOC(32);
    GC_REGISTER_FINALIZER(keep, count_keep, NULL, NULL, NULL);
    GC_finalize_all();
    CHECK(keep_finalized == 1, "GC_finalize_all did not run the finalizer of a reachable object");
    collect_and_count();
    GC_finalize_all();
    CHECK(keep_finalized == 1 && GC_base(keep) == keep, "the finalizer ran twice");
}

static void printing(void) {
    GC_printf("GC_printf %d %s\n", 42, "to stdout");
    GC_err_printf("GC_err_printf %d to stderr\n", 7);
    GC_log_printf("GC_log_printf to stderr\n");
    GC_set_log_fd(1);
    GC_log_printf("GC_log_printf %.1f after GC_set_log_fd(1)\n", 2.5);
    GC_set_log_fd(2);
    GC_dump();
}

/* Leak finding: 100 dropped objects are reported, the freed one is not. */
__attribute__((noinline)) static void drop_objects(void) {
    for (int i = 0; i < 100; i++) GC_MALLOC(40);
}

static void leaks(void) {
    GC_set_find_leak(1);
    CHECK(GC_get_find_leak() && GC_find_leak, "GC_set_find_leak");
    void *freed = GC_MALLOC(40);
    printf("freed object at %p\n", freed);
    GC_FREE(freed);
    drop_objects();
    bt_collect();
    GC_MALLOC(8); /* the report follows the collection */
}

int main(int argc, char **argv) {
    CHECK(argc == 2 || argc == 3, "usage: boehm_knobs HELPER_LIBRARY [leaks]");
    GC_INIT();
    if (argc == 3 && !strcmp(argv[2], "leaks")) {
        leaks();
        printf("ok\n");
        return 0;
    }
    disabling();
    data_segments(argv[1]);
    statistics_and_sizes();
    pointer_checks();
    stacks_and_blocking();
    walking_and_threads();
    hooks();
    finalize_all();
    printing();
    printf("ok\n");
    return 0;
}
