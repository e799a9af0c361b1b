/* A weak reference read while a cycle is marking hands the mutator an
 * object the root snapshot never saw (it was only weakly reachable). The
 * object must survive the cycle and the reference must keep pointing to it. */
#include "rgct.h"

int main(void) {
    rgct_init();
    rgc_set_pacing(1000, 1000000); /* 1 us increments: the cycle spans many reads */
    RGC_FRAME(f, 3);
    rgct_build_chains(&f[0], rgct_scale(200, 4), rgct_scale(100, 4));
    int got_during_cycle = 0;
    for (int round = 0; round < rgct_scale(40, 10); round++) {
        f[1] = new_node(round);
        f[2] = rgc_weakref_new(f[1]);
        f[1] = NULL; /* the node is weakly reachable only */
        /* Start a cycle: allocate garbage until an increment has run. */
        unsigned long long inc0 = rgct_stats().pauses, c0 = rgct_stats().collections;
        for (int i = 0; i < 10000000 && rgct_collects() && rgct_stats().pauses == inc0; i++) {
            new_node(-1);
            rgc_step(1000);
        }
        f[1] = rgc_weakref_get(f[2]);
        if (f[1] && rgct_stats().collections == c0) got_during_cycle++;
        /* Finish the cycle (and the next, which starts with the node held strongly). */
        for (int i = 0; i < 10000000 && rgct_stats().collections < c0 + 2 && rgct_collects(); i++) {
            new_node(-1);
            rgc_step(100000);
        }
        if (f[1]) {
            CHECK(rgc_object_size(f[1]) == sizeof(Node), "the node read through the weak reference was freed");
            check_node(f[1]);
            CHECK(((Node *)f[1])->id == round, "node %ld, expected %d", ((Node *)f[1])->id, round);
            CHECK(rgc_weakref_get(f[2]) == f[1], "the weak reference was cleared while its target is held");
        }
    }
    if (rgct_is("incremental") && !rgct_torture() && !rgct_in_region())
        CHECK(got_during_cycle > 0, "no weak read happened during a cycle: the test did not test anything");
    long count, id_sum;
    rgct_check_chains(f[0], &count, &id_sum);
    RGC_POP(f);
    printf("ok (%d reads during a cycle)\n", got_during_cycle);
    return 0;
}
