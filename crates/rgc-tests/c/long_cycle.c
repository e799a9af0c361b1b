/* One cycle spread over thousands of tiny increments (rgc_set_pacing with a
 * 1 us budget), with the graph rewired and garbage allocated between them.
 * Also checks rgc_set_pacing's answer on every collector. */
#include "rgct.h"

int main(void) {
    rgct_init();
    int paced = rgc_set_pacing(1000, 1000000);
    CHECK(paced == rgct_is("incremental"), "rgc_set_pacing returned %d on %s", paced, rgc_collector_name());
    RGC_FRAME(f, 1);
    long chains = rgct_scale(1000, 8), per_chain = rgct_scale(200, 8), n = chains * per_chain;
    rgct_build_chains(&f[0], chains, per_chain);
    rgc_collect();
    unsigned long long c0 = rgct_stats().collections;
    unsigned seed = 99;
    long it = 0, max_it = rgct_scale(20000000, 3000);
    /* Until two more cycles have completed: at least one ran start to end here. */
    for (; it < max_it && (!rgct_collects() || rgct_stats().collections < c0 + 2); it++) {
        new_node(-1);
        rgct_rewire(f[0], &seed);
        if (it % 64 == 0) rgc_step(1000);
    }
    CHECK(!rgct_collects() || rgct_torture() || rgct_in_region() || rgct_stats().collections >= c0 + 2, "no cycle completed in %ld iterations", it);
    rgc_stats s = rgct_stats();
    if (rgct_is("incremental") && !rgct_torture() && !rgct_in_region() && !rgct_collector_thread())
        CHECK(s.cycle_increments >= 1000, "the last cycle took only %llu increments (max %llu ns)",
              (unsigned long long)s.cycle_increments, (unsigned long long)s.cycle_max_increment_ns);
    long count, id_sum;
    rgct_check_chains(f[0], &count, &id_sum);
    CHECK(count == n && id_sum == n * (n - 1) / 2, "%ld nodes (id sum %ld) survive of %ld", count, id_sum, n);
    printf("cycle: %llu increments, longest %llu ns\n", (unsigned long long)s.cycle_increments,
           (unsigned long long)s.cycle_max_increment_ns);
    RGC_POP(f);
    printf("ok\n");
    return 0;
}
