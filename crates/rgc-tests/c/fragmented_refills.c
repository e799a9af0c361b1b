/* Allocation from fragmented blocks while collections run: every other
 * node of a long list dies, so after a collection the blocks hold runs of
 * one free cell and every allocation refills its span (most of them with
 * the next run of the same block, without the collector lock). A second
 * list built meanwhile, with small allowances so that incremental cycles
 * start and mark during it, must survive intact: cells handed out while a
 * cycle marks are allocated black, including those of lock-free refills. */
#include "rgct.h"

static void check_list(const Node *n, long first, long step, long count, const char *what) {
    long k = 0;
    for (; n; n = n->left, k++) {
        check_node(n);
        CHECK(n->id == first + k * step, "%s: node %ld has id %ld", what, first + k * step, n->id);
    }
    CHECK(k == count, "%s: %ld nodes instead of %ld", what, k, count);
}

int main(void) {
    rgc_config c;
    rgc_config_default(&c);
    c.heap_initial = 64 << 10;
    CHECK(rgct_init_with(&c) == 0, "rgc_init failed");
    long n = rgct_scale(40000, 2000);
    RGC_FRAME(f, 2);
    /* The list n-1, n-2, ..., 0 (allocation order: 0 first). */
    for (long i = 0; i < n; i++) {
        Node *x = new_node(i);
        RGC_STORE(x, x->left, (Node *)f[0]);
        f[0] = x;
    }
    /* Drop the odd ids: every other cell of every block dies. */
    for (Node *x = f[0]; x && x->left; x = x->left) RGC_STORE(x, x->left, x->left->left);
    rgc_collect();
    check_list(f[0], n - 1, -2, n / 2, "survivors");
    /* Allocate into the holes while cycles come and go. */
    for (long rounds = 0; rounds < 4; rounds++) {
        for (long i = 0; i < n / 2; i++) {
            Node *x = new_node(1000000 + rounds * n + i);
            RGC_STORE(x, x->left, (Node *)f[1]);
            f[1] = x;
        }
        long count = (rounds + 1) * (n / 2);
        const Node *head = f[1];
        CHECK(head->id == 1000000 + rounds * n + n / 2 - 1, "newest node id %ld", head->id);
        /* Check the newest round; older rounds are checked at the end. */
        long k = 0;
        for (const Node *x = head; k < n / 2; x = x->left, k++) {
            check_node(x);
            CHECK(x->id == head->id - k, "round %ld: node %ld has id %ld", rounds, head->id - k, x->id);
        }
        (void)count;
    }
    rgc_collect();
    check_list(f[0], n - 1, -2, n / 2, "survivors after the rounds");
    long k = 0;
    for (const Node *x = f[1]; x; x = x->left, k++) check_node(x);
    CHECK(k == 4 * (n / 2), "new list: %ld nodes instead of %ld", k, 4 * (n / 2));
    RGC_POP(f);
    printf("ok\n");
    return 0;
}
