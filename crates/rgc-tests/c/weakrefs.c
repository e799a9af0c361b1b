/* Weak references are cleared when (and only when) their target dies,
 * including targets that a finalizer keeps alive. */
#include "rgct.h"

static int fin_count;
static void fin(void *p) { (void)p; fin_count++; }
static rgc_type Fin_type = { .size = 16, .finalizer = fin, .name = "Fin" };

int main(void) {
    rgct_init();
    RGC_FRAME(f, 6);
    f[0] = new_node(1);                     /* strongly held */
    f[1] = rgc_weakref_new(f[0]);
    f[2] = rgc_weakref_new(new_node(2));    /* target only weakly held */
    f[3] = rgc_weakref_new(rgc_alloc(&Fin_type)); /* target finalizable */
    f[4] = rgc_weakref_new(NULL);
    Node *chain = new_node(3);              /* target reachable through a weak cell only */
    f[5] = rgc_weakref_new(chain);
    /* a dead weakref cell to a live target must not disturb anything */
    rgc_weakref_new(f[0]);
    CHECK(rgc_weakref_get(f[1]) == f[0], "fresh weakref target");
    rgc_collect();
    CHECK(rgc_weakref_get(f[1]) == f[0], "weakref to a live object was cleared");
    check_node(rgc_weakref_get(f[1]));
    CHECK(rgc_weakref_get(f[4]) == NULL, "null weakref");
    CHECK(fin_count <= 1, "finalizer ran %d times", fin_count);
    if (rgct_exact()) {
        CHECK(rgc_weakref_get(f[2]) == NULL, "weakref to a dead object not cleared");
        CHECK(rgc_weakref_get(f[3]) == NULL, "weakref to a finalized object not cleared");
        CHECK(rgc_weakref_get(f[5]) == NULL, "weakref does not keep its target alive");
        CHECK(fin_count == 1, "finalizer ran %d times", fin_count);
        CHECK(rgct_stats().weakrefs_cleared >= 3, "weakrefs_cleared %llu", (unsigned long long)rgct_stats().weakrefs_cleared);
        f[0] = NULL;
        rgc_collect();
        if (rgct_exact()) CHECK(rgc_weakref_get(f[1]) == NULL, "weakref not cleared after its target was dropped");
    } else if (!rgct_collects()) {
        CHECK(rgc_weakref_get(f[2]) != NULL, "none never clears");
    }
    RGC_POP(f);
    printf("ok\n");
    return 0;
}
