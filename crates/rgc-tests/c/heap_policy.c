/* rgc_config.heap_policy: every policy keeps what is reachable, and the
 * tracing collectors start collections where each policy says: `fixed`
 * only when the heap is full, so far fewer than `growth`, which collects
 * after allocating what survived (at least heap_initial). */
#include "rgct.h"

#define HEAP_MAX (16l << 20)
static long live; /* nodes kept reachable: 16384 (about 650 KB of cells) normally */

/* Allocates `garbage` nodes while a list of `live` nodes stays reachable;
 * returns the collections it took. */
static uint64_t churn(uint32_t policy, long garbage) {
    rgc_config cfg;
    rgc_config_default(&cfg);
    cfg.heap_max = HEAP_MAX;
    cfg.heap_policy = policy;
    CHECK(rgct_init_with(&cfg) == 0, "rgc_init with heap_policy %u failed", policy);
    RGC_FRAME(f, 2);
    for (long i = 0; i < live; i++) {
        f[1] = new_node(i);
        RGC_STORE((Node *)f[1], ((Node *)f[1])->left, (Node *)f[0]);
        f[0] = f[1];
    }
    uint64_t before = rgct_stats().collections;
    for (long i = 0; i < garbage; i++) new_node(-i);
    uint64_t collections = rgct_stats().collections - before;
    long n = 0;
    for (Node *p = f[0]; p; p = p->left, n++) {
        check_node(p);
        CHECK(p->id == live - 1 - n, "policy %u: list node %ld holds id %ld", policy, n, p->id);
    }
    CHECK(n == live, "policy %u: the list has %ld nodes, not %ld", policy, n, live);
    RGC_POP(f);
    rgc_shutdown();
    return collections;
}

int main(void) {
    /* Bad policies are refused, naming the value. */
    rgc_config bad;
    rgc_config_default(&bad);
    bad.heap_policy = 7;
    bad.flags |= RGC_CONFIG_NO_ENV;
    CHECK(rgc_init(&bad) == -1, "heap_policy 7 accepted");

    live = rgct_scale(16384, 200);
    /* 4M nodes normally (`none`, which never frees, gets what fits). */
    long garbage = rgct_collects() ? rgct_scale(4l << 20, 20000) : 20000;
    uint64_t growth = churn(RGC_HEAP_POLICY_GROWTH, garbage);
    uint64_t fixed = churn(RGC_HEAP_POLICY_FIXED, garbage);
    uint64_t adaptive = churn(RGC_HEAP_POLICY_ADAPTIVE, garbage);
    const char *gc = rgc_collector_name();
    int traces = strcmp(gc, "none") != 0 && strcmp(gc, "refcount") != 0;
    if (traces && !rgct_torture() && !rgct_in_region() && !rgct_collector_thread()) {
        /* About 160 MB of cells through a 16 MB heap holding under 1 MB
         * live. Growth collects every 4 MB (heap_initial), about 40 times;
         * fixed once per ~14 MB, about 12 times (an incremental cycle starts
         * early enough to finish before the limit, so a few more). */
        CHECK(growth >= 30, "growth policy: only %llu collections", (unsigned long long)growth);
        CHECK(fixed * 2 <= growth, "fixed policy: %llu collections against growth's %llu",
              (unsigned long long)fixed, (unsigned long long)growth);
        CHECK(adaptive >= 1, "adaptive policy never collected");
    }
    printf("collections: growth %llu, fixed %llu, adaptive %llu\nok\n", (unsigned long long)growth,
           (unsigned long long)fixed, (unsigned long long)adaptive);
    return 0;
}
