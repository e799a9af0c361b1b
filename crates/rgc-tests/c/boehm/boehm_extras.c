/* The smaller entry points: GC_malloc_many, the stubborn calls,
 * GC_ptr_store_and_dirty, GC_clear_roots, GC_dlopen, the marker counts, the
 * usage queries and GC_ignore_warn_proc (GC_set_abort_func is in
 * boehm_misuse.c).
 *
 * Usage: boehm_extras HELPER_LIBRARY PARALLEL [one-marker]: checks that
 * GC_get_parallel is PARALLEL after GC_init, having asked for one marker
 * with GC_set_markers_count if told to (RGC_MARKERS, when set, wins). */
#include "bt.h"
#include <dlfcn.h>

static void markers(int parallel, int ask_for_one) {
    CHECK(GC_get_parallel() == 0, "GC_parallel %d before GC_init", GC_get_parallel());
    if (ask_for_one) GC_set_markers_count(1);
    GC_INIT();
    CHECK(GC_get_parallel() == parallel && GC_parallel == parallel, "GC_parallel %d, expected %d", GC_get_parallel(),
          parallel);
    GC_set_markers_count(4); /* after GC_init: warns, changes nothing */
    GC_start_mark_threads();
    CHECK(GC_get_parallel() == parallel, "GC_set_markers_count after GC_init changed GC_parallel");
}

static void malloc_many(void) {
    void *list = GC_malloc_many(24);
    int n = 0;
    for (void *p = list; p; p = GC_NEXT(p), n++) {
        CHECK(GC_base(p) == p && GC_size(p) >= 24, "element %d: base %p size %zu", n, GC_base(p), GC_size(p));
        for (size_t i = sizeof(void *); i < 24; i++) CHECK(((unsigned char *)p)[i] == 0, "element %d not zeroed", n);
        memset((char *)p + sizeof(void *), 0x5a, 24 - sizeof(void *));
    }
    CHECK(n >= 2 && n <= 64, "GC_malloc_many(24) returned %d objects (about 4 KB, at most 64)", n);
    collect_and_count();
    /* Cells freed by that collection would be handed out again now. */
    for (int i = 0; i < 1000; i++) memset(GC_MALLOC(24), 0xa5, 24);
    int m = 0;
    for (void *p = list; p; p = GC_NEXT(p), m++) {
        CHECK(GC_base(p) == p, "element %d is no longer an object", m);
        for (size_t i = sizeof(void *); i < 24; i++) CHECK(((unsigned char *)p)[i] == 0x5a, "element %d changed", m);
    }
    CHECK(m == n, "the list held %d objects after a collection, %d before", m, n);
    void *tiny = GC_malloc_many(1); /* each element still holds its link */
    CHECK(tiny && GC_size(tiny) >= sizeof(void *), "GC_malloc_many(1) gave %zu-byte objects", GC_size(tiny));
}

static void stubborn(void) {
    void **s = GC_MALLOC_STUBBORN(2 * sizeof(void *));
    CHECK(s && GC_base(s) == s && !s[0] && !s[1], "GC_malloc_stubborn");
    GC_CHANGE_STUBBORN(s);
    GC_PTR_STORE_AND_DIRTY(&s[0], GC_MALLOC(16));
    GC_END_STUBBORN_CHANGE(s);
    GC_debug_ptr_store_and_dirty(&s[1], GC_MALLOC(16));
    GC_debug_end_stubborn_change(s + 1);
    memset(s[0], 1, 16);
    memset(s[1], 2, 16);
    collect_and_count();
    /* The stored objects, reachable only through s, survived. */
    CHECK(GC_base(s[0]) == s[0] && ((char *)s[0])[15] == 1, "the object stored by GC_ptr_store_and_dirty was lost");
    CHECK(GC_base(s[1]) == s[1] && ((char *)s[1])[15] == 2, "the object stored by the debug form was lost");
}

/* A root range outside every heap and data segment (the C heap), holding
 * the only pointer to a counted object, keeps it until GC_clear_roots. */
static void clear_roots(void) {
    void **range = malloc(sizeof(void *));
    GC_add_roots(range, range + 1);
    range[0] = GC_REVEAL_POINTER(counted_object());
    int before = finalized;
    CHECK(collect_and_count() == before, "an object held by a GC_add_roots range was finalized");
    GC_clear_roots();
    CHECK(collect_and_count() == before + 1, "GC_clear_roots left the range a root");
    free(range);
}

/* A library opened with GC_dlopen: its data segment is scanned. */
static void dlopen_library(const char *path) {
    void *lib = GC_dlopen(path, RTLD_NOW);
    CHECK(lib, "GC_dlopen(%s): %s", path, dlerror());
    void (*hold)(void *) = (void (*)(void *))dlsym(lib, "boehm_lib_hold");
    CHECK(hold, "no boehm_lib_hold in %s", path);
    hold(GC_REVEAL_POINTER(counted_object()));
    int before = finalized;
    CHECK(collect_and_count() == before, "an object held by a GC_dlopen library's data was finalized");
    hold(NULL);
    CHECK(collect_and_count() == before + 1, "the object was not finalized once the library let go");
}

/* The usage queries against what the program did. */
static void queries(void) {
    GC_gcollect();
    CHECK(GC_get_expl_freed_bytes_since_gc() == 0, "freed bytes right after a collection: %zu",
          GC_get_expl_freed_bytes_since_gc());
    GC_disable(); /* no collection may reset the count below */
    void *a = GC_MALLOC(100), *b = GC_MALLOC_ATOMIC(28);
    size_t sizes = GC_size(a) + GC_size(b); /* with the slack, as bdwgc counts */
    CHECK(sizes >= 128, "GC_size reports %zu bytes for 128 asked for", sizes);
    GC_FREE(a);
    GC_FREE(b);
    CHECK(GC_get_expl_freed_bytes_since_gc() == sizes, "GC_free released %zu bytes, not %zu",
          GC_get_expl_freed_bytes_since_gc(), sizes);
    GC_enable();
    GC_gcollect();
    CHECK(GC_get_expl_freed_bytes_since_gc() == 0, "a collection did not reset the freed bytes");

    void *keep = GC_MALLOC(64 * 1024); /* live: the heap is not empty */
    size_t use = GC_get_memory_use();
    CHECK(use > 0 && use <= GC_get_heap_size(), "memory use %zu, heap %zu", use, GC_get_heap_size());
    size_t obtained = GC_get_obtained_from_os_bytes();
    CHECK(obtained >= GC_get_heap_size(), "obtained %zu below the heap %zu", obtained, GC_get_heap_size());
    CHECK(GC_get_full_gc_total_time() < 60 * 1000, "%lu ms collecting", GC_get_full_gc_total_time());

    GC_set_non_gc_bytes(12345);
    CHECK(GC_get_non_gc_bytes() == 12345 && GC_non_gc_bytes == 12345, "GC_non_gc_bytes");
    GC_non_gc_bytes = 7;
    CHECK(GC_get_non_gc_bytes() == 7, "a direct write to GC_non_gc_bytes was not seen");
    GC_set_force_unmap_on_gcollect(1);
    CHECK(GC_get_force_unmap_on_gcollect() == 1, "GC_get_force_unmap_on_gcollect");
    GC_gcollect();
    GC_noop1((GC_word)keep);
}

static void quiet_warnings(void) {
    GC_set_warn_proc(GC_ignore_warn_proc);
    CHECK(GC_get_warn_proc() == GC_ignore_warn_proc, "GC_get_warn_proc");
    static int not_in_the_heap;
    /* Warns (a finalizer for a non-heap object), silently now. */
    GC_register_finalizer(&not_in_the_heap, count_finalized, NULL, NULL, NULL);
}

int main(int argc, char **argv) {
    CHECK(argc == 3 || argc == 4, "usage: boehm_extras HELPER_LIBRARY PARALLEL [one-marker]");
    markers(atoi(argv[2]), argc == 4 && !strcmp(argv[3], "one-marker"));
    malloc_many();
    stubborn();
    clear_roots();
    dlopen_library(argv[1]);
    queries();
    quiet_warnings();
    printf("ok\n");
    return 0;
}
