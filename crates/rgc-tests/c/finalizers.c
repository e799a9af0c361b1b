/* Finalizers run exactly once, after the collection; what a finalizable
 * object reaches stays alive until it is finalized; resurrection works;
 * finalizers may allocate. */
#include "rgct.h"

typedef struct Res { Node *child; long id; } Res;
static int finalized[1000];
static int child_ok = 1;
static void *resurrected = NULL;
static int in_collector_check = 0;

static void res_finalize(void *p) {
    Res *r = p;
    CHECK(r->id >= 0 && r->id < 1000, "bad id %ld", r->id);
    finalized[r->id]++;
    /* the child must still be intact */
    if (!r->child || r->child->id != r->id * 10) child_ok = 0; else check_node(r->child);
    /* allocating inside a finalizer is allowed */
    Node *n = new_node(7);
    CHECK(n->id == 7, "finalizer allocation");
    if (r->id == 5) resurrected = r; /* resurrect one */
    in_collector_check++;
}
static const uint32_t res_ptrs[] = { offsetof(Res, child) };
static rgc_type Res_type = { .size = sizeof(Res), .ptr_offsets = res_ptrs, .num_ptrs = 1, .finalizer = res_finalize, .name = "Res" };

int main(void) {
    rgct_init();
    rgc_add_root(&resurrected);
    RGC_FRAME(f, 1);
    for (long i = 0; i < 1000; i++) {
        Res *r = rgc_alloc(&Res_type);
        r->id = i;
        f[0] = r;
        Node *c = new_node(i * 10);
        r = f[0];
        RGC_STORE(r, r->child, c);
        if (i == 999) break; /* keep the last one rooted */
    }
    rgc_collect();
    rgc_stats s = rgct_stats();
    if (!rgct_collects()) {
        CHECK(s.finalizers_run == 0, "none runs no finalizers");
        printf("ok\n");
        return 0;
    }
    /* Under torture collections happen inside the loop too; either way every
     * unrooted object is finalized exactly once by now. */
    /* A conservative collector may keep a few through stale words (not
     * finalized yet); none is finalized twice, and the rooted one never. */
    int done = 0;
    for (int i = 0; i < 999; i++) {
        CHECK(finalized[i] <= 1 && (finalized[i] == 1 || !rgct_exact()), "object %d finalized %d times", i, finalized[i]);
        done += finalized[i];
    }
    CHECK(done >= 999 - RGCT_RETAINED_MAX, "only %d of 999 unreachable objects were finalized", done);
    CHECK(finalized[999] == 0, "rooted object finalized");
    CHECK(child_ok, "a child of a finalizable object died before its finalizer ran");
    CHECK(s.finalizers_run == (unsigned long long)done, "finalizers_run %llu", (unsigned long long)s.finalizers_run);
    CHECK(resurrected ? ((Res *)resurrected)->id == 5 : finalized[5] == 0, "resurrection");
    if (resurrected) {
        /* the resurrected object and its child are still usable */
        check_node(((Res *)resurrected)->child);
        rgc_collect();
        rgc_collect();
        CHECK(finalized[5] == 1, "resurrected object finalized again");
    }
    /* now drop everything: the resurrected one is freed without finalizing again */
    resurrected = NULL;
    f[0] = NULL;
    rgc_collect();
    rgc_collect();
    CHECK(finalized[5] <= 1 && finalized[999] <= 1, "finalized counts %d %d", finalized[5], finalized[999]);
    if (rgct_exact()) CHECK(finalized[5] == 1 && finalized[999] == 1, "finalized counts %d %d", finalized[5], finalized[999]);
    if (rgct_precise()) CHECK(rgct_stats().live_objects == 0, "live objects %llu", (unsigned long long)rgct_stats().live_objects);
    RGC_POP(f);
    printf("ok\n");
    return 0;
}
