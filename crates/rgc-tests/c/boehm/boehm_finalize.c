/* Finalizers: topological order, no_order, ignore_self, cycles, removal,
 * the old-finalizer out-parameters, finalize-on-demand with the notifier;
 * disappearing links: cleared when the target dies (also when it is being
 * finalized), kept while it lives, unregistered, duplicates. */
#include "bt.h"

typedef struct Obj { struct Obj *ref; long id; } Obj;

#define MAX_LOG 64
static long log_ids[MAX_LOG];
static int log_len;
static void record(void *obj, void *data) {
    CHECK(data == (void *)0x5eed, "client data arrives unchanged");
    CHECK(log_len < MAX_LOG, "too many finalizers ran");
    log_ids[log_len++] = ((Obj *)obj)->id;
}
static int position(long id) {
    for (int i = 0; i < log_len; i++) if (log_ids[i] == id) return i;
    return -1;
}
static int logged(long id) { return position(id) >= 0; }

typedef void (*reg_fn)(void *, GC_finalization_proc, void *, GC_finalization_proc *, void **);

__attribute__((noinline)) static Obj *finalizable(long id, reg_fn reg) {
    Obj *o = GC_NEW(Obj);
    o->id = id;
    reg(o, record, (void *)0x5eed, NULL, NULL);
    return o;
}

/* a -> b, both finalizable: a runs first, b only after a is gone. */
__attribute__((noinline)) static void make_chain(void) {
    Obj *a = finalizable(1, GC_register_finalizer);
    a->ref = finalizable(2, GC_register_finalizer);
}

__attribute__((noinline)) static void make_others(void) {
    Obj *self = finalizable(3, GC_register_finalizer_ignore_self);
    self->ref = self;
    Obj *x = finalizable(4, GC_register_finalizer), *y = finalizable(5, GC_register_finalizer);
    x->ref = y;
    y->ref = x; /* a cycle of ordered finalizers: never finalized */
    Obj *p = finalizable(6, GC_register_finalizer_no_order);
    p->ref = finalizable(7, GC_register_finalizer_no_order); /* both run at once */
    Obj *removed = finalizable(8, GC_register_finalizer);
    GC_finalization_proc old = NULL;
    void *old_data = NULL;
    GC_register_finalizer(removed, NULL, NULL, &old, &old_data);
    CHECK(old == record && old_data == (void *)0x5eed, "the previous finalizer is reported");
}

static void collect_rounds(int n) {
    for (int i = 0; i < n; i++) bt_collect();
}

static void ordering(void) {
    make_chain();
    make_others();
    bt_collect();
    /* (Under torture, collections inside make_others may already have run both.) */
    CHECK(logged(1) && (!logged(2) || position(1) < position(2)), "a finalized first, b held back (ran: %d)", log_len);
    collect_rounds(2);
    CHECK(logged(2), "b finalized once a is gone");
    CHECK(logged(3), "a self-referencing ignore_self object is finalized");
    CHECK(!logged(4) && !logged(5), "a cycle of ordered finalizers is never finalized");
    CHECK(logged(6) && logged(7), "no_order finalizers run together");
    CHECK(!logged(8), "a removed finalizer does not run");
    for (int i = 0; i < log_len; i++)
        for (int j = i + 1; j < log_len; j++) CHECK(log_ids[i] != log_ids[j], "finalizer of %ld ran twice", log_ids[i]);
}

static int notified;
static void notifier(void) { notified++; }

__attribute__((noinline)) static void make_on_demand(void) {
    for (int i = 0; i < 10; i++) finalizable(100 + i, GC_register_finalizer);
}

static void on_demand(void) {
    GC_set_finalize_on_demand(1);
    GC_set_finalizer_notifier(notifier);
    CHECK(GC_get_finalizer_notifier() == notifier && GC_get_finalize_on_demand() == 1, "getters");
    int before = log_len;
    make_on_demand();
    bt_collect();
    CHECK(log_len == before, "finalizers ran without GC_invoke_finalizers");
    CHECK(notified >= 1 && GC_should_invoke_finalizers(), "the notifier was called (%d)", notified);
    int ran = GC_invoke_finalizers();
    CHECK(ran >= 8 && log_len == before + ran, "GC_invoke_finalizers ran %d", ran);
    GC_finalize_on_demand = 0; /* written directly, as some clients do */
}

static void *links[100];
static Obj *kept[50];
__attribute__((noinline)) static void make_links(void) {
    for (int i = 0; i < 100; i++) {
        Obj *o = GC_NEW(Obj);
        o->id = 1000 + i;
        links[i] = (void *)GC_HIDE_POINTER(o);
        CHECK(GC_general_register_disappearing_link(&links[i], o) == GC_SUCCESS, "register");
        if (i % 2 == 0) kept[i / 2] = o;
        if (i == 1) GC_register_finalizer(o, record, (void *)0x5eed, NULL, NULL);
        if (i == 3)
            CHECK(GC_unregister_disappearing_link(&links[3]) == 1 && GC_unregister_disappearing_link(&links[3]) == 0,
                  "unregister");
    }
    CHECK(GC_general_register_disappearing_link(&links[0], kept[0]) == GC_DUPLICATE, "duplicate link");
}

static void disappearing_links(void) {
    make_links();
    bt_collect();
    int cleared = 0;
    for (int i = 0; i < 100; i++) {
        if (i % 2 == 0) {
            CHECK(links[i] && GC_REVEAL_POINTER(links[i]) == kept[i / 2], "link %d to a live object changed", i);
        } else if (i == 3) {
            CHECK(links[i] != NULL, "an unregistered link was cleared");
        } else {
            cleared += links[i] == NULL;
        }
    }
    CHECK(cleared >= 45, "only %d of 49 links to dead objects were cleared", cleared);
    CHECK(links[1] == NULL && logged(1001), "a link to an object being finalized is cleared");
}

/* A long link outlives a disappearing one: it is cleared only once its
 * object is freed, not while the object waits for its finalizer. */
static void *short_link, *long_link, *moved_from, *moved_to;

__attribute__((noinline)) static void make_long_link(void) {
    Obj *o = finalizable(2001, GC_register_finalizer);
    short_link = long_link = (void *)GC_HIDE_POINTER(o);
    CHECK(GC_general_register_disappearing_link(&short_link, o) == GC_SUCCESS, "register a disappearing link");
    CHECK(GC_register_long_link(&long_link, o) == GC_SUCCESS && GC_register_long_link(&long_link, o) == GC_DUPLICATE,
          "register a long link");
}

static void long_links(void) {
    make_long_link();
    bt_collect();
    CHECK(short_link == NULL, "the disappearing link was not cleared");
    CHECK(long_link != NULL, "the long link was cleared while its object waited for its finalizer");
    GC_invoke_finalizers();
    CHECK(logged(2001), "the finalizer did not run");
    bt_collect();
    bt_collect();
    CHECK(long_link == NULL, "the long link was not cleared once its object was freed");

    void *a = GC_MALLOC(16);
    moved_from = (void *)GC_HIDE_POINTER(a);
    CHECK(GC_register_long_link(&moved_from, a) == GC_SUCCESS, "register");
    CHECK(GC_move_long_link(&moved_from, &moved_to) == GC_SUCCESS, "GC_move_long_link");
    CHECK(GC_move_long_link(&moved_from, &moved_to) == GC_NOT_FOUND, "a link moved away is not found (before the duplicate)");
    CHECK(GC_move_long_link(&moved_to, &moved_to) == GC_SUCCESS, "a move onto itself succeeds");
    CHECK(GC_unregister_long_link(&moved_to) == 1 && GC_unregister_long_link(&moved_to) == 0, "GC_unregister_long_link");
    CHECK(GC_base(a) == a, "keep a");
}

int main(void) {
    GC_INIT();
    ordering();
    on_demand();
    disappearing_links();
    long_links();
    printf("ok\n");
    return 0;
}
