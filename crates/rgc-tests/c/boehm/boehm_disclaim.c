/* Disclaim procedures and finalized objects (gc_disclaim.h).
 * - GC_finalized_malloc: each unreachable object's closure runs once, with
 *   what it points to still marked (the kind marks from every object), and
 *   a reachable one's does not run.
 * - A kind with a disclaim procedure: the procedure sees each unreachable
 *   object of the kind; answering 1 keeps it, so the next collection offers
 *   the same object again.
 * - Toggle references: the callback's answer holds each object strongly,
 *   weakly, or lets it go, at every collection.
 * rgc calls the procedures in the collection; bdwgc calls them as it sweeps
 * lazily, so the counts after a collection hold for rgc only. */
#include "bt.h"
#include "gc/gc_disclaim.h"
#include "gc/gc_mark.h"

#define N 50

struct payload {
    long magic;
};
struct finalized {
    struct payload *payload;
    long id;
};

static int closures_run, payloads_unmarked;

static void on_finalize(void *obj, void *cd) {
    struct finalized *f = obj;
    CHECK(cd == (void *)&closures_run, "the closure's data");
    if (!GC_is_marked(f->payload) || f->payload->magic != 4242)
        payloads_unmarked++;
    closures_run++;
}

static const struct GC_finalizer_closure closure = {on_finalize, &closures_run};

__attribute__((noinline)) static struct finalized *finalized_object(long id) {
    struct finalized *f = GC_finalized_malloc(sizeof *f, &closure);
    CHECK(f != NULL, "GC_finalized_malloc");
    f->payload = GC_MALLOC(sizeof *f->payload);
    f->payload->magic = 4242;
    f->id = id;
    return f;
}

__attribute__((noinline)) static void drop_finalized(int n) {
    for (int i = 0; i < n; i++)
        finalized_object(i);
}

/* A kind whose disclaim procedure keeps objects flagged `keep`. */
struct kept {
    long tag; /* KEPT_TAG once set up (bdwgc offers free cells too) */
    long keep;
    long offered;
};
#define KEPT_TAG 0x6b657074
static int disclaim_calls;
static GC_word seen[4 * N]; /* hidden: they must not keep what they name */

static int keep_flagged(void *obj) {
    struct kept *k = obj;
    if (k->tag != KEPT_TAG)
        return 0;
    if (disclaim_calls < 4 * N)
        seen[disclaim_calls] = GC_HIDE_POINTER(k);
    disclaim_calls++;
    k->offered++;
    CHECK(!GC_is_marked(obj), "a disclaim procedure is offered a marked object");
    return k->keep != 0;
}

__attribute__((noinline)) static void drop_kept(unsigned kind, int n) {
    for (int i = 0; i < n; i++) {
        struct kept *k = GC_generic_malloc(sizeof *k, (int)kind);
        CHECK(k != NULL, "GC_generic_malloc");
        k->keep = i % 2;
        k->tag = KEPT_TAG;
    }
}

/* Toggle references: object i answers STRONG, WEAK or DROP by i % 3. */
#define TOGGLED 60
struct toggled {
    int id;
};
static int asked[TOGGLED];
static GC_ToggleRefStatus decide(void *obj) {
    int id = ((struct toggled *)obj)->id;
    if (id >= 0 && id < TOGGLED)
        asked[id]++;
    return id % 3 == 0 ? GC_TOGGLE_REF_STRONG : id % 3 == 1 ? GC_TOGGLE_REF_WEAK : GC_TOGGLE_REF_DROP;
}

static GC_word strong_hidden[TOGGLED / 3];
__attribute__((noinline)) static void register_toggled(void) {
    for (int i = 0; i < TOGGLED; i++) {
        struct toggled *t = GC_MALLOC(sizeof *t);
        t->id = i;
        if (i % 3 == 0)
            strong_hidden[i / 3] = GC_HIDE_POINTER(t);
        CHECK(GC_toggleref_add(t, 1) == GC_SUCCESS, "GC_toggleref_add");
    }
}

static void toggle_refs(void) {
    GC_set_toggleref_func(decide);
    CHECK(GC_get_toggleref_func() == decide, "GC_get_toggleref_func");
    GC_disable();
    register_toggled();
    GC_enable();
    bt_collect(); /* asks each once: strong ones stay, weak ones go, dropped ones are forgotten */
    bt_collect();
    bt_collect();
    int strong_alive = 0, weak_asked_again = 0;
    for (int i = 0; i < TOGGLED; i++) {
        if (i % 3 == 0) {
            void *t = GC_REVEAL_POINTER(strong_hidden[i / 3]);
            strong_alive += GC_base(t) == t && asked[i] == 3;
        } else if (i % 3 == 1) {
            weak_asked_again += asked[i] > 1;
        } else {
            CHECK(asked[i] == 1, "a dropped object was asked %d times", asked[i]);
        }
    }
    CHECK(strong_alive == TOGGLED / 3, "only %d of %d strongly held objects survived, asked each time", strong_alive,
          TOGGLED / 3);
    CHECK(weak_asked_again <= 2, "%d weakly held, unreachable objects were kept", weak_asked_again);
}

int main(void) {
    GC_INIT();
    GC_init_finalized_malloc();
    static struct finalized *volatile reachable;
    reachable = finalized_object(-1);
    drop_finalized(N);
    bt_collect();
    bt_collect();
    CHECK(closures_run >= N - 2 && closures_run <= N, "%d of %d closures ran", closures_run, N);
    CHECK(payloads_unmarked == 0, "%d closures found their payload collected", payloads_unmarked);
    CHECK(reachable->payload->magic == 4242, "the reachable object");

    unsigned kind = GC_new_kind(GC_new_free_list(), GC_DS_LENGTH, 1, 1);
    GC_register_disclaim_proc((int)kind, keep_flagged, 0);
    GC_disable(); /* all of them unreachable at one collection (torture mode too) */
    drop_kept(kind, N);
    GC_enable();
    bt_collect();
    int first = disclaim_calls;
    CHECK(first >= N - 2 && first <= N, "the procedure was offered %d of %d objects", first, N);
    bt_collect();
    /* The kept half is offered again, the same objects; the rest are gone. */
    int again = disclaim_calls - first;
    CHECK(again >= first / 2 - 1 && again <= first / 2 + 1, "offered %d again after %d", again, first);
    for (int i = first; i < disclaim_calls && i < 4 * N; i++)
    {
        struct kept *k = GC_REVEAL_POINTER(seen[i]);
        CHECK(k->keep == 1 && k->offered == 2, "a kept object offered again");
    }
    toggle_refs();
    printf("ok\n");
    return 0;
}
