/* A 10-million-element linked list is marked without recursion. */
#include "rgct.h"

int main(void) {
    rgct_init();
    long n = rgct_scale(10 * 1000 * 1000, 2000);
    RGC_FRAME(f, 1);
    for (long i = 0; i < n; i++) {
        Node *node = new_node(i);
        RGC_STORE(node, node->left, (Node *)f[0]);
        f[0] = node;
    }
    rgc_collect();
    rgc_stats s = rgct_stats();
    if (rgct_precise()) CHECK(s.live_objects == (unsigned long)n, "live objects %llu", (unsigned long long)s.live_objects);
    long expect = n - 1;
    for (Node *node = f[0]; node; node = node->left) { CHECK(node->id == expect, "id %ld, expected %ld", node->id, expect); expect--; }
    CHECK(expect == -1, "list truncated at %ld", expect);
    f[0] = NULL;
    rgc_collect();
    if (rgct_precise()) CHECK(rgct_stats().live_objects == 0, "list not freed");
    RGC_POP(f);
    printf("ok\n");
    return 0;
}
