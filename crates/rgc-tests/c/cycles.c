/* Cycles: garbage cycles of every size (self-loops, rings through arrays)
 * are reclaimed exactly; a cycle held only by a shadow-stack slot or a
 * global root (neither is counted by refcount) is never freed, however often
 * its heap references change; a finalizer in a garbage cycle runs once and
 * can resurrect the cycle; weak references into a garbage cycle are cleared. */
#include "rgct.h"

/* A ring of n nodes through `left`; ids base..base+n-1. Returns the first. */
static Node *ring(long base, long n) {
    RGC_FRAME(t, 2); /* t[0]: first, t[1]: last so far */
    for (long i = 0; i < n; i++) {
        Node *x = new_node(base + i);
        if (i == 0) t[0] = x;
        else RGC_STORE((Node *)t[1], ((Node *)t[1])->left, x);
        t[1] = x;
    }
    RGC_STORE((Node *)t[1], ((Node *)t[1])->left, (Node *)t[0]);
    Node *first = t[0];
    RGC_POP(t);
    return first;
}

/* Walks a ring of `len` nodes with ids base..base+len-1 from any member:
 * checks payloads and ids, returns the number of nodes it went through. */
static long walk(Node *first, long base, long len) {
    long n = 0;
    Node *x = first;
    do {
        long want = base + (first->id - base + n) % len;
        check_node(x);
        CHECK(x->id == want, "ring node %ld has id %ld", want, x->id);
        x = x->left;
        n++;
    } while (x != first && n <= len);
    return n;
}

/* A ring alternating nodes and 1-item pointer arrays: node -> array -> node ... */
static void *array_ring(long n) {
    RGC_FRAME(t, 2);
    for (long i = 0; i < n; i++) {
        void *x;
        if (i % 2) x = rgc_alloc_array(&PtrArray_type, 1);
        else x = new_node(i);
        if (i == 0) t[0] = x;
        else if (i % 2) RGC_STORE((Node *)t[1], ((Node *)t[1])->left, (Node *)x);
        else RGC_STORE((PtrArray *)t[1], ((PtrArray *)t[1])->items[0], (Node *)x);
        t[1] = x;
    }
    if (n % 2 == 0) RGC_STORE((PtrArray *)t[1], ((PtrArray *)t[1])->items[0], (Node *)t[0]);
    else RGC_STORE((Node *)t[1], ((Node *)t[1])->left, (Node *)t[0]);
    void *first = t[0];
    RGC_POP(t);
    return first;
}

typedef struct Fin { struct Fin *next; Node *other; long id; } Fin;
static int fin_runs;
static void *resurrected;
static void fin_finalize(void *p) {
    fin_runs++;
    Fin *f = p;
    CHECK(f->next && f->next->next == f, "the cycle a finalizable object is in was broken before its finalizer ran");
    check_node(f->other);
    resurrected = f; /* bring the whole cycle back */
}
static const uint32_t fin_ptrs[] = { offsetof(Fin, next), offsetof(Fin, other) };
static rgc_type Fin_type = { .size = sizeof(Fin), .ptr_offsets = fin_ptrs, .num_ptrs = 2, .finalizer = fin_finalize, .name = "Fin" };

static unsigned long long live(void) {
    rgc_collect();
    return rgct_stats().live_objects;
}

int main(void) {
    rgct_init();
    static void *global;
    rgc_add_root(&global);
    rgc_add_root(&resurrected);
    RGC_FRAME(f, 3);
    unsigned long long base = live();
    long scale = rgct_scale(1, 0);

    /* 1. Garbage cycles of every size, dropped from the stack. */
    long sizes[] = { 1, 2, 3, 7, 64, 1000 * scale + 5 };
    for (int i = 0; i < 6; i++) {
        f[0] = ring(100, sizes[i]);
        CHECK(walk(f[0], 100, sizes[i]) == sizes[i], "ring of %ld", sizes[i]);
        f[0] = NULL;
        if (rgct_precise()) CHECK(live() == base, "ring of %ld not reclaimed: %llu live", sizes[i], live() - base);
        f[0] = array_ring(sizes[i] + 1);
        f[0] = NULL;
        if (rgct_precise()) CHECK(live() == base, "array ring of %ld not reclaimed", sizes[i] + 1);
    }

    /* 2. A ring referenced from the heap and from one shadow-stack slot;
     * the heap references go away (a decrement to a non-zero count makes it
     * a cycle candidate), the slot stays: the ring must survive. */
    long n = rgct_scale(500, 20);
    f[0] = new_node(-1);
    f[1] = ring(1000, n);
    RGC_STORE((Node *)f[0], ((Node *)f[0])->left, (Node *)f[1]);
    RGC_STORE((Node *)f[0], ((Node *)f[0])->right, ((Node *)f[1])->left);
    f[2] = ((Node *)f[1])->left->left; /* a second member, on the stack too */
    RGC_STORE((Node *)f[0], ((Node *)f[0])->left, (Node *)NULL);
    RGC_STORE((Node *)f[0], ((Node *)f[0])->right, (Node *)NULL);
    f[0] = NULL;
    for (long i = 0; i < rgct_scale(300000, 200); i++) { new_node(-2); if (i % 1000 == 0) rgc_step(1000000); }
    rgc_collect();
    CHECK(walk(f[1], 1000, n) == n, "a ring held by a shadow-stack slot lost nodes");
    /* Only the second member's slot left; then a global root only. */
    f[1] = NULL;
    rgc_collect();
    CHECK(walk(f[2], 1000, n) == n, "ring held by the second slot");
    global = f[2];
    f[2] = NULL;
    for (long i = 0; i < rgct_scale(100000, 100); i++) new_node(-3);
    rgc_collect();
    CHECK(walk(global, 1000, n) == n, "a ring held by a global root lost nodes");
    global = NULL;
    if (rgct_precise()) CHECK(live() == base, "ring not reclaimed once the global dropped it");

    /* 3. A garbage cycle Fin <-> Fin with a node hanging off it; a weak
     * reference to each. The finalizer runs once (per object), resurrects,
     * the weak references are cleared; later the cycle dies for good. */
    {
        Fin *a = rgc_alloc(&Fin_type);
        f[0] = a;
        Fin *b = rgc_alloc(&Fin_type);
        a = f[0];
        f[1] = b;
        RGC_STORE(a, a->next, b);
        RGC_STORE(b, b->next, a);
        Node *o = new_node(77);
        a = f[0], b = f[1];
        RGC_STORE(a, a->other, o);
        RGC_STORE(b, b->other, o);
        f[2] = rgc_weakref_new(f[0]);
        void *wo = rgc_weakref_new(o);
        global = wo;
        f[0] = f[1] = NULL;
        rgc_collect();
        CHECK(fin_runs <= 2, "finalizers of a garbage cycle ran %d times", fin_runs);
        if (rgct_exact()) {
            CHECK(fin_runs == 2, "finalizers of a garbage cycle ran %d times", fin_runs);
            CHECK(rgc_weakref_get(f[2]) == NULL, "weak reference into a garbage cycle not cleared");
            CHECK(rgc_weakref_get(global) == NULL, "weak reference to what a garbage cycle holds not cleared");
            Fin *r = resurrected;
            CHECK(r && r->next && r->next->next == r, "resurrected cycle broken");
            check_node(r->other);
            CHECK(r->other->id == 77, "resurrected cycle's node");
            resurrected = NULL;
            global = NULL;
            f[2] = NULL;
            rgc_collect();
            CHECK(fin_runs == 2, "a resurrected object was finalized again");
            if (rgct_precise()) CHECK(live() == base, "the resurrected cycle was not reclaimed: %llu live", live() - base);
        }
    }
    RGC_POP(f);
    printf("ok\n");
    return 0;
}
