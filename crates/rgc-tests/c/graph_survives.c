/* A random graph, rewired while garbage is allocated and collections run,
 * must keep every reachable node's edges and payload exactly. */
#include "rgct.h"

static unsigned long long rng = 88172645463325252ULL;
static unsigned long long next_rand(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

int main(void) {
    rgct_init();
    long n = rgct_scale(20000, 300);
    long rounds = rgct_scale(20, 3);
    /* Side table of expected edges by id, outside the heap. */
    long *left = calloc(n, sizeof(long)), *right = calloc(n, sizeof(long));
    RGC_FRAME(f, 2);
    f[0] = rgc_alloc_array(&PtrArray_type, n);
    for (long i = 0; i < n; i++) {
        Node *node = new_node(i);
        RGC_STORE(f[0], ((PtrArray *)f[0])->items[i], node);
        left[i] = right[i] = -1;
    }
    for (long r = 0; r < rounds; r++) {
        for (long k = 0; k < n / 4; k++) {
            long a = next_rand() % n, b = next_rand() % n;
            PtrArray *arr = f[0];
            Node *na = arr->items[a];
            if (!na || !arr->items[b]) continue;
            if (next_rand() % 2) { RGC_STORE(na, na->left, arr->items[b]); left[a] = b; }
            else { RGC_STORE(na, na->right, arr->items[b]); right[a] = b; }
            /* garbage, some of it pointing into the graph */
            Node *g = new_node(-1);
            arr = f[0];
            RGC_STORE(g, g->left, arr->items[a]);
        }
        /* drop some nodes from the array: they stay alive only via edges */
        for (long k = 0; k < n / 50; k++) {
            long a = next_rand() % n;
            PtrArray *arr = f[0];
            RGC_STORE(arr, arr->items[a], (Node *)NULL);
        }
        rgc_collect();
        PtrArray *arr = f[0];
        CHECK(arr->length == (size_t)n, "array length changed to %zu", arr->length);
        for (long i = 0; i < n; i++) {
            Node *node = arr->items[i];
            if (!node) continue;
            check_node(node);
            CHECK(node->id == i, "slot %ld holds node %ld", i, node->id);
            if (left[i] >= 0) { CHECK(node->left && node->left->id == left[i], "node %ld left edge lost", i); check_node(node->left); }
            if (right[i] >= 0) { CHECK(node->right && node->right->id == right[i], "node %ld right edge lost", i); check_node(node->right); }
        }
    }
    RGC_POP(f);
    if (rgct_collects()) CHECK(rgct_stats().collections >= (unsigned long)rounds, "expected collections");
    printf("ok\n");
    return 0;
}
