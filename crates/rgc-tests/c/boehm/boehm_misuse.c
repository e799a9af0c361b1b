/* Each case misuses the Boehm API; the runner checks the fatal message. */
#include "bt.h"
#include "gc/gc_gcj.h"
#include "gc/gc_mark.h"
#include <pthread.h>

/* A mark procedure that claims to have pushed past its stack's limit. */
static struct GC_ms_entry *overflowing_mark(GC_word *addr, struct GC_ms_entry *msp, struct GC_ms_entry *lim,
                                            GC_word env) {
    (void)addr, (void)msp, (void)env;
    return (struct GC_ms_entry *)((char *)lim + 2 * sizeof(void *)); /* one entry past it */
}

static void report_abort(const char *msg) {
    fprintf(stderr, "abort func called with: %s\n", msg);
}

/* An abort function that calls back into the collector, whose lock the
 * failing call still holds: that second error must abort, not recurse. */
static void reenter_on_abort(const char *msg) {
    fprintf(stderr, "abort func called with: %s\n", msg);
    GC_MALLOC(8);
}

int main(int argc, char **argv) {
    CHECK(argc == 2, "usage: boehm_misuse CASE");
    const char *c = argv[1];
    /* A write 24 bytes past an object's slack, found by the verifier at
     * the next collection, which names the object. */
    if (!strcmp(c, "overrun")) setenv("RGC_VERIFY", "1", 1);
    GC_INIT();
    int local;
    if (!strcmp(c, "overrun")) {
        char *p = GC_MALLOC(32);
        memset(p + GC_size(p), 0x5a, 24);
        GC_gcollect();
    }
    else if (!strcmp(c, "free_foreign")) GC_FREE(&local);
    else if (!strcmp(c, "abort_on_oom")) GC_abort_on_oom();
    else if (!strcmp(c, "push_outside")) GC_push_all(&local, &local + 1);
    else if (!strcmp(c, "mark_and_push_outside")) GC_mark_and_push(GC_MALLOC(8), NULL, NULL, NULL);
    else if (!strcmp(c, "unknown_kind")) GC_generic_malloc(16, 40);
    else if (!strcmp(c, "gcj_before_init")) GC_gcj_malloc(16, &local);
    else if (!strcmp(c, "proc_overflows")) {
        static void *volatile keep;
        keep = GC_generic_malloc(16, (int)GC_new_kind(GC_new_free_list(), GC_MAKE_PROC(GC_new_proc(overflowing_mark), 0), 0, 1));
        GC_gcollect();
        (void)keep;
    }
    else if (!strcmp(c, "free_interior")) GC_FREE((char *)GC_MALLOC(64) + 8);
    else if (!strcmp(c, "realloc_foreign")) GC_REALLOC(&local, 10);
    else if (!strcmp(c, "unmatched_enable")) GC_enable();
    else if (!strcmp(c, "link_foreign")) { static void *l; GC_general_register_disappearing_link(&l, &local); }
    else if (!strcmp(c, "link_misaligned")) { static char buf[16]; GC_general_register_disappearing_link((void **)(buf + 1), GC_MALLOC(8)); }
    else if (!strcmp(c, "abort_func")) { GC_set_abort_func(report_abort); GC_FREE(&local); }
    else if (!strcmp(c, "abort_func_null")) GC_set_abort_func(NULL);
    else if (!strcmp(c, "end_stubborn_foreign")) GC_debug_end_stubborn_change(&local);
    else if (!strcmp(c, "store_and_dirty_foreign")) { void *slot; GC_debug_ptr_store_and_dirty(&slot, GC_MALLOC(8)); }
    else if (!strcmp(c, "store_and_dirty_misaligned")) GC_debug_ptr_store_and_dirty((char *)GC_MALLOC(32) + 4, NULL);
    /* 72 bytes get 80 (the extra byte, to 8) in a 96-byte cell: the slot
     * just past the object is still inside its cell. */
    else if (!strcmp(c, "store_and_dirty_past_end")) { char *p = GC_MALLOC(72); GC_debug_ptr_store_and_dirty(p + GC_size(p), NULL); }
    else if (!strcmp(c, "abort_func_reenters")) { GC_set_abort_func(reenter_on_abort); GC_FREE(&local); }
    else { fprintf(stderr, "unknown case %s\n", c); return 2; }
    printf("misuse case %s was not detected\n", c);
    return 0;
}
