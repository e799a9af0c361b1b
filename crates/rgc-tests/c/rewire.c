/* A mutator that rewires the graph between every increment: the lost-object
 * scenario a missing or wrong write barrier fails. Every node must survive,
 * intact, and a full collection must then find exactly the reachable ones.
 * Every 1000th iteration rewires 1000 times without allocating, so that on
 * incremental the store log fills up (and is flushed) between increments. */
#include "rgct.h"

int main(void) {
    rgc_config cfg;
    rgc_config_default(&cfg);
    cfg.heap_initial = 64 << 10; /* cycles start often */
    CHECK(rgct_init_with(&cfg) == 0, "init");
    RGC_FRAME(f, 1);
    long chains = rgct_scale(64, 8), per_chain = rgct_scale(64, 8), n = chains * per_chain;
    rgct_build_chains(&f[0], chains, per_chain);
    unsigned seed = 12345;
    long iterations = rgct_scale(200000, 3000);
    for (long it = 0; it < iterations; it++) {
        new_node(-1); /* garbage: drives allocation polls (and torture increments) */
        if (it % 4 == 0) rgc_step(1000);
        for (int k = it % 1000 == 999 ? 1000 : 1; k > 0; k--) rgct_rewire(f[0], &seed);
    }
    long count, id_sum;
    rgct_check_chains(f[0], &count, &id_sum);
    CHECK(count == n && id_sum == n * (n - 1) / 2, "%ld nodes (id sum %ld) survive of %ld", count, id_sum, n);
    rgc_stats s = rgct_stats();
    if (rgct_is("incremental"))
        CHECK(s.increments > s.collections && s.collections >= 2, "cycles %llu, increments %llu: no cycle spanned the rewiring",
              (unsigned long long)s.collections, (unsigned long long)s.increments);
    rgc_collect();
    if (rgct_precise())
        CHECK(rgct_stats().live_objects == (unsigned long long)n + 1, "live objects %llu, expected %ld",
              (unsigned long long)rgct_stats().live_objects, n + 1);
    RGC_POP(f);
    printf("ok\n");
    return 0;
}
