/* GCBench (Ellis, Kovac, Boehm) written against gc.h: binary trees built
 * top-down and bottom-up at growing depths while a long-lived tree and a
 * large pointer-free array stay live. The same source builds against
 * bdwgc's gc.h, which is how the two libraries are compared.
 *
 * Usage: boehm_gcbench [MAX_DEPTH]   (default 16, at most 6 under
 * RGC_TORTURE; the long-lived tree has the same depth and the stretch tree
 * one more). Prints one line of figures, then "ok". */
#include "bt.h"
#include <sys/resource.h>
#include <time.h>

typedef struct Node { struct Node *left, *right; long i, j; } Node;

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double pause_start, max_pause, total_pause;
static void on_event(GC_EventType e) {
    if (e == GC_EVENT_START) pause_start = now_ms();
    if (e == GC_EVENT_END) {
        double p = now_ms() - pause_start;
        total_pause += p;
        if (p > max_pause) max_pause = p;
    }
}

static Node *new_node(Node *l, Node *r) {
    Node *n = GC_NEW(Node);
    CHECK(n, "out of memory");
    n->left = l;
    n->right = r;
    return n;
}

/* Nodes in a complete tree of this depth. */
static long tree_size(int depth) { return (1L << (depth + 1)) - 1; }

static void populate(int depth, Node *n) {
    if (depth <= 0) return;
    n->left = new_node(NULL, NULL);
    n->right = new_node(NULL, NULL);
    populate(depth - 1, n->left);
    populate(depth - 1, n->right);
}

static Node *make_tree(int depth) {
    return depth <= 0 ? new_node(NULL, NULL) : new_node(make_tree(depth - 1), make_tree(depth - 1));
}

static long count(Node *n) { return n ? 1 + count(n->left) + count(n->right) : 0; }

int main(int argc, char **argv) {
    int max_depth = argc > 1 ? atoi(argv[1]) : 16;
    max_depth = (int)bt_scale(max_depth, max_depth < 6 ? max_depth : 6); /* torture: a collection per node */
    int min_depth = 4, stretch_depth = max_depth + 1, long_lived_depth = max_depth;
    long array_size = bt_scale(500000, 1000);
    GC_INIT();
    GC_set_on_collection_event(on_event);
    double start = now_ms();

    CHECK(count(make_tree(stretch_depth)) == tree_size(stretch_depth), "stretch tree");

    Node *long_lived = new_node(NULL, NULL);
    populate(long_lived_depth, long_lived);
    double *array = GC_MALLOC_ATOMIC(sizeof(double) * array_size);
    CHECK(array, "out of memory");
    for (long i = 0; i < array_size / 2; i++) array[i] = 1.0 / (double)(i + 1);

    for (int d = min_depth; d <= max_depth; d += 2) {
        long iterations = 2 * tree_size(stretch_depth) / tree_size(d);
        for (long i = 0; i < iterations; i++) {
            Node *t = new_node(NULL, NULL);
            populate(d, t);
        }
        for (long i = 0; i < iterations; i++) CHECK(count(make_tree(d)) == tree_size(d), "bottom-up tree");
    }
    CHECK(count(long_lived) == tree_size(long_lived_depth), "the long-lived tree lost nodes");
    CHECK(array[1000 % (array_size / 2)] == 1.0 / (double)(1000 % (array_size / 2) + 1), "the array changed");

    double wall = now_ms() - start;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("gcbench depth=%d wall_ms=%.1f max_pause_ms=%.3f total_pause_ms=%.1f collections=%lu peak_rss_kb=%ld heap_bytes=%zu\n",
           max_depth, wall, max_pause, total_pause, (unsigned long)GC_get_gc_no(), ru.ru_maxrss, GC_get_heap_size());
    printf("ok\n");
    return 0;
}
