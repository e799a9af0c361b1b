/* rgc_step does work once a collection is due, and is safe to call always. */
#include "rgct.h"

int main(void) {
    rgc_config cfg;
    rgc_config_default(&cfg);
    cfg.heap_initial = 1 << 20;
    CHECK(rgct_init_with(&cfg) == 0, "init");
    RGC_FRAME(f, 1);
    f[0] = new_node(1);
    int did = 0;
    for (int i = 0; i < 200000 && !did; i++) { new_node(-1); did = rgc_step(100000); }
    /* An incremental collector may need several steps to finish the cycle. */
    for (int j = 0; j < 100000 && did && rgct_stats().collections == 0; j++) rgc_step(100000);
    if (rgct_collects()) CHECK(did && rgct_stats().collections >= 1, "rgc_step never collected");
    else CHECK(!did, "none's rgc_step did work");
    CHECK(((Node *)f[0])->id == 1, "root lost");
    RGC_POP(f);
    rgc_shutdown();
    /* init again after shutdown */
    CHECK(rgct_init_with(&cfg) == 0, "re-init");
    Node *n = new_node(5);
    CHECK(n->id == 5, "alloc after re-init");
    rgc_shutdown();
    printf("ok\n");
    return 0;
}
