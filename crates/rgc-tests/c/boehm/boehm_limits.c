/* The heap limit and the out-of-memory function, GC_disable/GC_enable,
 * GC_gc_no, GC_expand_hp, the warning procedure, and GC_DONT_GC (the
 * runner sets it for the "dont_gc" case). */
#include "bt.h"

static size_t oom_request;
static char oom_reserve[64];
static void *my_oom(size_t bytes) {
    oom_request = bytes;
    return oom_reserve;
}

/* gc.h declares the allocators malloc-like, so the compiler may assume
 * their result equals no other pointer: compare through a volatile. */
__attribute__((noinline)) static int is_reserve(void *p) {
    void *volatile q = p;
    return q == (void *)oom_reserve;
}

static int warnings;
static void my_warn(char *msg, GC_word arg) {
    (void)msg;
    (void)arg;
    warnings++;
}

/* Not static: the compiler may not drop stores to an exported array that
 * this file never reads back. */
void *boehm_limits_keep[4096];
#define keep boehm_limits_keep

/* Just under 64 KiB, so that the header fits in the same two blocks. */
#define CHUNK (64 * 1024 - 64)

static void limit_and_oom(void) {
    size_t limit = (size_t)bt_scale(16, 4) << 20;
    GC_set_max_heap_size(limit);
    CHECK(GC_get_oom_fn() != NULL, "a default out-of-memory function is installed");
    GC_set_oom_fn(my_oom);
    CHECK(GC_get_oom_fn() == my_oom && GC_oom_fn == my_oom, "GC_oom_fn is the installed function");
    long i = 0;
    void *p = NULL;
    for (; i < 4096; i++) {
        p = GC_MALLOC(CHUNK);
        if (is_reserve(p)) break;
        CHECK(p != NULL, "allocation %ld returned NULL instead of the OOM function's result", i);
        keep[i] = p;
    }
    CHECK(is_reserve(p) && oom_request == CHUNK, "the OOM function was called with the size (%zu)", oom_request);
    CHECK((size_t)i * CHUNK >= limit / 4 * 3, "only %ld objects of %d bytes fit under a %zu-byte limit", i, CHUNK, limit);
    CHECK(GC_get_heap_size() <= limit, "heap %zu exceeds the limit", GC_get_heap_size());
    /* A request beyond what one object may be also goes to the OOM function. */
    CHECK(is_reserve(GC_MALLOC((size_t)3 << 30)), "a 3 GiB request");
    /* Without an OOM function, failure is NULL. */
    GC_set_oom_fn(NULL);
    GC_oom_fn = GC_get_oom_fn(); /* written directly, as some clients do */
    /* (A stale word that kept a block alive may have gone: allow a few
     * more allocations before the limit bites again.) */
    void *q;
    int tries = 0;
    while ((q = GC_MALLOC(CHUNK)) != NULL && ++tries < 8 && i < 4096) keep[i++] = q;
    CHECK(q == NULL, "no OOM function: NULL");
    memset(keep, 0, sizeof keep);
    bt_collect();
    CHECK(GC_MALLOC(CHUNK) != NULL, "after freeing, allocation works again");
    GC_set_max_heap_size(0);
}

static void disable_enable(void) {
    GC_word before = GC_get_gc_no();
    GC_gcollect();
    CHECK(GC_get_gc_no() == before + 1 && GC_gc_no == before + 1, "GC_gcollect counts one collection");
    GC_disable();
    GC_disable();
    CHECK(GC_is_disabled(), "disabled");
    before = GC_get_gc_no();
    for (int i = 0; i < bt_scale(20000, 200); i++) GC_MALLOC(256);
    GC_gcollect();
    CHECK(GC_try_to_collect(NULL) == 0, "GC_try_to_collect reports that it could not collect");
    CHECK(GC_get_gc_no() == before, "%lu collections while disabled", GC_get_gc_no() - before);
    GC_enable();
    CHECK(GC_is_disabled(), "still disabled after one of two GC_enable calls");
    GC_enable();
    GC_gcollect();
    CHECK(GC_get_gc_no() == before + 1, "collection works again");
    CHECK(GC_expand_hp(1u << 20) == 1, "GC_expand_hp");
    before = GC_get_gc_no();
    for (int i = 0; i < 1000; i++) GC_MALLOC_ATOMIC(512);
    CHECK(bt_scale(GC_get_gc_no() == before, 1), "no collection within the expanded allowance");
    GC_set_free_space_divisor(4);
    CHECK(GC_get_free_space_divisor() == 4, "divisor");
    GC_enable_incremental();
    CHECK(!GC_is_incremental_mode(), "incremental mode is not offered");
}

static void warn_proc(void) {
    GC_warn_proc old = GC_get_warn_proc();
    GC_set_warn_proc(my_warn);
    int x;
    GC_register_finalizer(&x, NULL, NULL, NULL, NULL); /* not a heap object: a warning */
    CHECK(warnings == 1, "the warning procedure was called %d times", warnings);
    GC_set_warn_proc(old);
}

int main(int argc, char **argv) {
    GC_INIT();
    if (argc > 1 && !strcmp(argv[1], "dont_gc")) {
        CHECK(GC_is_disabled(), "GC_DONT_GC starts with collection disabled");
        GC_word before = GC_get_gc_no();
        for (int i = 0; i < 100000; i++) GC_MALLOC(64);
        GC_gcollect();
        CHECK(GC_get_gc_no() == before, "collections ran under GC_DONT_GC");
        printf("ok\n");
        return 0;
    }
    CHECK(!GC_is_disabled(), "enabled by default");
    CHECK(GC_get_all_interior_pointers() == 1 && GC_all_interior_pointers == 1, "interior pointers");
    disable_enable();
    limit_and_oom();
    warn_proc();
    printf("ok\n");
    return 0;
}
