/* Reference-count saturation: one object referenced from more heap fields
 * than a count can hold (2^24 - 1 under refcount) must stay alive while any
 * reference remains and be freed once none does. Other collectors run it as
 * a plain reachability test. */
#include "rgct.h"

int main(void) {
    rgct_init();
    /* Saturating takes a 128 MB array: in a small region this is a plain
     * reachability test. */
    size_t refs = rgct_in_region() ? 100000 : ((size_t)1 << 24) + 10;
    RGC_FRAME(f, 2);
    f[0] = rgc_alloc_array(&PtrArray_type, refs);
    f[1] = new_node(42);
    PtrArray *a = f[0];
    for (size_t i = 0; i < refs; i++) RGC_STORE(a, a->items[i], (Node *)f[1]);
    f[1] = NULL;
    rgc_collect();
    a = f[0];
    check_node(a->items[refs - 1]);
    /* Drop most references one by one: the node must survive. */
    for (size_t i = 0; i + 1 < refs; i++) RGC_STORE(a, a->items[i], (Node *)NULL);
    rgc_collect();
    a = f[0];
    check_node(a->items[refs - 1]);
    CHECK(a->items[refs - 1]->id == 42, "the node lost its payload");
    rgc_stats s = rgct_stats();
    if (rgct_is("refcount") && !rgct_in_region()) CHECK(s.backup_traces >= 1, "a saturated count needs the backup trace");
    /* Drop the last one: the node is garbage now. */
    RGC_STORE(a, a->items[refs - 1], (Node *)NULL);
    f[0] = NULL;
    rgc_collect();
    if (rgct_precise()) CHECK(rgct_stats().live_objects == 0, "%llu objects survive", (unsigned long long)rgct_stats().live_objects);
    RGC_POP(f);
    printf("ok\n");
    return 0;
}
