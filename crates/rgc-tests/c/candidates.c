/* Cycle candidates and their pacing (refcount's cycle collector; on the
 * other collectors the same program checks only that nothing reachable is
 * lost):
 * - a cycle candidate whose count then drops to zero is freed at the next
 *   reconciliation, not held until a cycle collection;
 * - a large live structure whose nodes keep losing references (every one
 *   a candidate) is not traversed by trial deletion over and over: the
 *   candidate threshold backs off after collections that find nothing;
 * - garbage cycles made after that are still reclaimed without an
 *   explicit rgc_collect, by the heap-growth trigger. */
#include "rgct.h"

/* Refcount's pacing of cycle collections, checked at full size only (not
 * under torture, which collects everything at every allocation, nor in a
 * small region, where the tables and the heap are a few MB). */
static int paced(void) { return rgct_is("refcount") && !rgct_torture() && !rgct_in_region(); }

static void prompt_free_of_a_candidate(void) {
    RGC_FRAME(f, 3); /* f[0]: holder, f[1]: helper, f[2]: weak ref to the candidate */
    f[0] = new_node(1);
    f[1] = new_node(2);
    Node *b = new_node(3);
    RGC_STORE((Node *)f[0], ((Node *)f[0])->left, b); /* b's only reference */
    f[2] = rgc_weakref_new(b);
    b = NULL;
    rgc_step(10000000); /* b is reconciled as a new object */
    Node *h = f[0], *x = f[1];
    RGC_STORE(x, x->left, h->left);
    RGC_STORE(x, x->left, (Node *)NULL); /* b loses a reference, keeps one: a cycle candidate */
    rgc_step(10000000);
    rgc_stats before = rgct_stats();
    h = f[0];
    RGC_STORE(h, h->left, (Node *)NULL); /* b's count drops to zero */
    rgc_step(10000000);
    rgc_stats after = rgct_stats();
    if (paced()) {
        CHECK(after.cycle_collections == before.cycle_collections, "a cycle collection ran (%llu -> %llu)",
              (unsigned long long)before.cycle_collections, (unsigned long long)after.cycle_collections);
        CHECK(rgc_weakref_get(f[2]) == NULL, "a candidate whose count reached zero survived a reconciliation");
        CHECK(after.freed_by_count > before.freed_by_count, "nothing was freed by count");
    }
    rgc_collect();
    CHECK(rgc_weakref_get(f[2]) == NULL || !rgct_precise() || !rgct_collects(), "unreachable node survived a full collection");
    check_node(f[0]);
    check_node(f[1]);
    RGC_POP(f);
}

/* A doubly linked list: left = next, right = previous. */
static Node *build_list(long n) {
    RGC_FRAME(f, 2); /* f[0]: head, f[1]: tail */
    f[0] = f[1] = new_node(0);
    for (long i = 1; i < n; i++) {
        Node *x = new_node(i);
        RGC_STORE(x, x->right, (Node *)f[1]);
        RGC_STORE((Node *)f[1], ((Node *)f[1])->left, x);
        f[1] = x;
    }
    Node *head = f[0];
    RGC_POP(f);
    return head;
}

static void check_list(Node *head, long n) {
    long i = 0;
    for (Node *x = head, *prev = NULL; x; prev = x, x = x->left, i++) {
        check_node(x);
        CHECK(x->id == i && x->right == prev, "list node %ld is wrong (id %ld)", i, x->id);
    }
    CHECK(i == n, "list has %ld nodes, expected %ld", i, n);
}

/* Pointer-free garbage, to make allocation polls happen. */
static void churn(long bytes) {
    for (long done = 0; done < bytes; done += 256) CHECK(rgc_alloc_bytes(240) != NULL, "allocation failed");
}

static void unproductive_candidates_back_off(void) {
    long n = rgct_scale(40000, 300), rounds = 8;
    RGC_FRAME(f, 1);
    rgc_stats before = rgct_stats();
    f[0] = build_list(n);
    churn(1 << 20);
    for (long r = 0; r < rounds; r++) {
        /* Every node loses (and regains) its reference from its predecessor. */
        for (Node *x = f[0]; x; x = x->left) {
            Node *next = x->left;
            if (!next) break;
            RGC_STORE(x, x->left, (Node *)NULL);
            RGC_STORE(x, x->left, next);
        }
        churn(1 << 20);
    }
    rgc_stats after = rgct_stats();
    unsigned long long runs = after.cycle_collections - before.cycle_collections;
    if (paced()) {
        CHECK(runs >= 1, "no cycle collection ran for %ld rounds of %ld candidates", rounds, n);
        CHECK(runs <= 4, "%llu cycle collections while building the list and %ld rounds, each traversing it for nothing",
              runs, rounds);
    }
    check_list(f[0], n);

    /* Garbage rings now: the heap-growth trigger still finds them. */
    long ring_len = 1000, made = rgct_scale(200, 3);
    rgc_stats mid = rgct_stats();
    for (long k = 0; k < made; k++) {
        RGC_FRAME(t, 2);
        t[0] = t[1] = new_node(k);
        for (long i = 1; i < ring_len; i++) {
            Node *x = new_node(i);
            RGC_STORE((Node *)t[1], ((Node *)t[1])->left, x);
            t[1] = x;
        }
        RGC_STORE((Node *)t[1], ((Node *)t[1])->left, (Node *)t[0]);
        RGC_POP(t);
    }
    rgc_stats end = rgct_stats();
    if (paced()) {
        unsigned long long freed = end.freed_by_cycles - mid.freed_by_cycles;
        CHECK(freed >= (unsigned long long)(made / 2 * ring_len), "only %llu ring nodes were reclaimed of %ld made",
              freed, made * ring_len);
        CHECK(end.peak_heap_size < 64ull << 20, "the heap grew to %llu bytes", (unsigned long long)end.peak_heap_size);
    }
    check_list(f[0], n);
    RGC_POP(f);
}

int main(void) {
    rgct_init();
    prompt_free_of_a_candidate();
    unproductive_candidates_back_off();
    rgc_shutdown();
    printf("ok\n");
    return 0;
}
