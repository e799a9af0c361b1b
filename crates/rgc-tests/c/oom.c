/* Past heap_max the OOM handler runs with the call name and size; when it
 * returns, the allocation returns NULL. The process never crashes. */
#include "rgct.h"

static int oom_calls;
static size_t oom_size;
static char oom_call[64];
static void on_oom(const char *call, size_t requested, void *user) {
    CHECK(user == (void *)&oom_calls, "user pointer");
    oom_calls++;
    oom_size = requested;
    snprintf(oom_call, sizeof oom_call, "%s", call);
}

int main(void) {
    rgc_config cfg;
    rgc_config_default(&cfg);
    /* Under torture every allocation collects, so filling the heap costs
     * the square of its size: 1 MB there (CI time), 4 MB otherwise. */
    cfg.heap_max = (size_t)rgct_scale(4 << 20, 1 << 20);
    cfg.heap_initial = cfg.heap_max / 4;
    cfg.flags = RGC_CONFIG_NO_ENV;
    cfg.torture = rgct_torture();
    CHECK(rgct_init_with(&cfg) == 0, "init");
    rgc_set_oom_handler(on_oom, &oom_calls);
    RGC_FRAME(f, 1);
    long kept = 0;
    for (;;) {
        Node *n = rgc_alloc(&Node_type);
        if (!n) break;
        RGC_STORE(n, n->left, (Node *)f[0]);
        f[0] = n;
        kept++;
        CHECK(kept < 10 * 1000 * 1000, "heap limit not enforced");
    }
    CHECK(oom_calls == 1, "handler called %d times", oom_calls);
    CHECK(strcmp(oom_call, "rgc_alloc") == 0 && oom_size == sizeof(Node), "handler got %s %zu", oom_call, oom_size);
    rgc_stats s = rgct_stats();
    CHECK(s.heap_size <= cfg.heap_max, "heap %llu over max", (unsigned long long)s.heap_size);
    CHECK((unsigned long)kept * sizeof(Node) > cfg.heap_max / 4, "only %ld nodes fit in %llu bytes", kept, (unsigned long long)cfg.heap_max);
    /* A large request fails the same way. */
    CHECK(rgc_alloc_bytes(64 << 20) == NULL && oom_calls == 2 && oom_size == 64 << 20, "large OOM");
    /* Dropping the data makes room again (for collectors that free). */
    f[0] = NULL;
    if (rgct_collects()) {
        rgc_collect();
        CHECK(rgc_alloc(&Node_type) != NULL, "no room after the live data was dropped");
    }
    RGC_POP(f);
    printf("ok\n");
    return 0;
}
