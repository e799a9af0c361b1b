/* gcbench: GCBench (Boehm/Ellis/Kovac style) binary trees, built top-down
 * and bottom-up at several depths, while a long-lived tree and a long-lived
 * array of doubles stay live. The classic throughput benchmark.
 * Parameters: long_depth=16 max_depth=16 array=500000 (doubles). */
#include "scenario.h"

typedef struct Node { struct Node *left, *right; long i, j; } Node;
static const uint32_t node_ptrs[] = { offsetof(Node, left), offsetof(Node, right) };
static rgc_type Node_t = { .size = sizeof(Node), .ptr_offsets = node_ptrs, .num_ptrs = 2, .name = "Node" };
typedef struct Doubles { size_t len; double d[]; } Doubles;
static rgc_type Doubles_t = { .size = sizeof(Doubles), .flags = RGC_TYPE_VARSIZE | RGC_TYPE_POINTER_FREE,
                              .item_size = sizeof(double), .length_offset = 0, .name = "Doubles" };

static uint64_t tree_size(int d) { return ((uint64_t)1 << (d + 1)) - 1; }

/* Top-down: fill the children of the node in *slot (a rooted location). */
static void populate(int depth, void **slot) {
    if (depth <= 0) return;
    RGC_FRAME(f, 1);
    f[0] = sc_check_alloc(rgc_alloc(&Node_t));
    Node *r = sc_check_alloc(rgc_alloc(&Node_t));
    Node *n = *slot;
    RGC_STORE(n, n->left, (Node *)f[0]);
    RGC_STORE(n, n->right, r);
    populate(depth - 1, (void **)&((Node *)*slot)->left);
    populate(depth - 1, (void **)&((Node *)*slot)->right);
    RGC_POP(f);
}

/* Bottom-up: returns a new tree; children wait in frame slots. */
static Node *make_tree(int depth) {
    if (depth <= 0) return sc_check_alloc(rgc_alloc(&Node_t));
    RGC_FRAME(f, 2);
    f[0] = make_tree(depth - 1);
    f[1] = make_tree(depth - 1);
    Node *n = sc_check_alloc(rgc_alloc(&Node_t));
    RGC_STORE(n, n->left, (Node *)f[0]);
    RGC_STORE(n, n->right, (Node *)f[1]);
    RGC_POP(f);
    return n;
}

static uint64_t count_nodes(const Node *n) { return n ? 1 + count_nodes(n->left) + count_nodes(n->right) : 0; }

int main(int argc, char **argv) {
    sc_begin(argc, argv, "gcbench");
    int long_depth = (int)sc_param_long("long_depth", 16);
    int max_depth = (int)sc_param_long("max_depth", 16);
    long array_size = sc_param_long("array", 500000);
    long rounds = sc_scaled("rounds", 1);
    if (long_depth > 30 || max_depth > 30) sc_die("depths above 30 are not supported");
    /* Max live: the stretch tree alone, or the long-lived data plus two of
     * the largest temporary trees (f[0] keeps the last bottom-up tree while
     * the next is built) plus the path being built. */
    uint64_t stretch = tree_size(max_depth + 1);
    uint64_t steady = tree_size(long_depth) + 2 * tree_size(max_depth) + (uint64_t)max_depth + 1;
    uint64_t nodes = stretch > steady ? stretch : steady;
    sc_init_heap(nodes * sizeof(Node) + sizeof(Doubles) + (uint64_t)array_size * sizeof(double));

    sc_run_start();
    RGC_FRAME(f, 3);
    f[0] = make_tree(max_depth + 1); /* stretch the heap */
    f[0] = NULL;
    f[1] = sc_check_alloc(rgc_alloc(&Node_t));
    populate(long_depth, &f[1]);
    f[2] = sc_check_alloc(rgc_alloc_array(&Doubles_t, array_size));
    for (long i = 0; i < array_size / 2; i++) ((Doubles *)f[2])->d[i] = 1.0 / (double)i;
    uint64_t checksum = 0;
    for (long round = 0; round < rounds; round++) {
        for (int d = 4; d <= max_depth; d += 2) {
            uint64_t iters = 2 * tree_size(max_depth) / tree_size(d);
            for (uint64_t i = 0; i < iters; i++) {
                f[0] = sc_check_alloc(rgc_alloc(&Node_t));
                populate(d, &f[0]);
                f[0] = NULL;
            }
            for (uint64_t i = 0; i < iters; i++) f[0] = make_tree(d);
            checksum += count_nodes(f[0]);
            f[0] = NULL;
        }
    }
    sc_run_end();
    if (count_nodes(f[1]) != tree_size(long_depth) || (array_size > 1000 && ((Doubles *)f[2])->d[1000] != 1.0 / 1000))
        sc_die("long-lived data lost");
    /* One more full collection with only the long-lived data live: its
     * pause over the live bytes gives the collector's tracing rate. */
    uint64_t g0 = sc_now_ns();
    rgc_collect();
    uint64_t final_gc_ns = sc_now_ns() - g0;
    rgc_stats s;
    rgc_get_stats(&s);
    char extra[160];
    snprintf(extra, sizeof extra, "\"final_gc_ns\":%llu,\"final_live_bytes\":%llu", (unsigned long long)final_gc_ns,
             (unsigned long long)s.live_bytes);
    sc_finish(checksum, extra);
    RGC_POP(f);
    return 0;
}
