/* GCBench (Boehm/Ellis/Kovac style) against rgc.h: binary trees built
 * top-down and bottom-up at several depths while a long-lived tree and a
 * long-lived array of doubles stay live. Prints one JSON object. */
#include "rgc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

typedef struct Node { struct Node *left, *right; long i, j; } Node;
static const uint32_t node_ptrs[] = { offsetof(Node, left), offsetof(Node, right) };
static rgc_type Node_t = { .size = sizeof(Node), .ptr_offsets = node_ptrs, .num_ptrs = 2, .name = "Node" };
typedef struct Doubles { size_t len; double d[]; } Doubles;
static rgc_type Doubles_t = { .size = sizeof(Doubles), .flags = RGC_TYPE_VARSIZE | RGC_TYPE_POINTER_FREE,
                              .item_size = sizeof(double), .length_offset = 0, .name = "Doubles" };

static int tree_size(int d) { return (1 << (d + 1)) - 1; }

/* Top-down: fill the children of an existing node. `node` is in slot f[0]. */
static void populate(int depth, void **slot) {
    if (depth <= 0) return;
    RGC_FRAME(f, 1);
    Node *l = rgc_alloc(&Node_t);
    f[0] = l;
    Node *r = rgc_alloc(&Node_t);
    Node *n = *slot;
    RGC_STORE(n, n->left, (Node *)f[0]);
    RGC_STORE(n, n->right, r);
    populate(depth - 1, (void **)&((Node *)*slot)->left);
    populate(depth - 1, (void **)&((Node *)*slot)->right);
    RGC_POP(f);
}

/* Bottom-up: returns a new tree; children are kept in frame slots. */
static Node *make_tree(int depth) {
    if (depth <= 0) return rgc_alloc(&Node_t);
    RGC_FRAME(f, 2);
    f[0] = make_tree(depth - 1);
    f[1] = make_tree(depth - 1);
    Node *n = rgc_alloc(&Node_t);
    RGC_STORE(n, n->left, (Node *)f[0]);
    RGC_STORE(n, n->right, (Node *)f[1]);
    RGC_POP(f);
    return n;
}

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static double cpu(void) { struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

static unsigned long long mark_ns, mark_start;
static void listener(const rgc_event *e, void *u) {
    (void)u;
    if (e->phase != RGC_PHASE_MARK && e->phase != RGC_PHASE_ROOTS) return;
    if (e->kind == RGC_EVENT_START) mark_start = e->timestamp_ns; else mark_ns += e->timestamp_ns - mark_start;
}

int main(int argc, char **argv) {
    int long_depth = argc > 1 ? atoi(argv[1]) : 16;
    int max_depth = argc > 2 ? atoi(argv[2]) : 16;
    int array_size = 500000;
    if (rgc_init(NULL) != 0) return 2;
    double t0 = now(), c0 = cpu();
    RGC_FRAME(f, 3);
    /* stretch the heap */
    f[0] = make_tree(max_depth + 1);
    f[0] = NULL;
    /* long-lived data */
    f[1] = rgc_alloc(&Node_t);
    populate(long_depth, &f[1]);
    f[2] = rgc_alloc_array(&Doubles_t, array_size);
    for (int i = 0; i < array_size / 2; i++) ((Doubles *)f[2])->d[i] = 1.0 / i;
    for (int d = 4; d <= max_depth; d += 2) {
        int iters = 2 * tree_size(max_depth) / tree_size(d);
        for (int i = 0; i < iters; i++) {
            f[0] = rgc_alloc(&Node_t);
            populate(d, &f[0]);
            f[0] = NULL;
        }
        for (int i = 0; i < iters; i++) f[0] = make_tree(d);
        f[0] = NULL;
    }
    double wall = now() - t0, cputime = cpu() - c0;
    if (((Node *)f[1])->left == NULL || ((Doubles *)f[2])->d[1000] != 1.0 / 1000) { fprintf(stderr, "gcbench: long-lived data lost\n"); return 1; }
    rgc_stats s;
    rgc_get_stats(&s);
    /* Mark rate: one more full collection with only the long-lived data live. */
    rgc_set_event_listener(listener, NULL);
    rgc_collect();
    rgc_set_event_listener(NULL, NULL);
    rgc_stats after;
    rgc_get_stats(&after);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"collector\":\"%s\",\"wall_s\":%.4f,\"cpu_s\":%.4f,\"collections\":%llu,\"pauses\":%llu,"
           "\"total_pause_ns\":%llu,\"max_pause_ns\":%llu,\"bytes_allocated\":%llu,\"peak_heap\":%llu,"
           "\"peak_rss_kb\":%ld,\"final_live_bytes\":%llu,\"final_mark_ns\":%llu}\n",
           rgc_collector_name(), wall, cputime, (unsigned long long)s.collections, (unsigned long long)s.pauses,
           (unsigned long long)s.total_pause_ns, (unsigned long long)s.max_pause_ns,
           (unsigned long long)s.bytes_allocated, (unsigned long long)s.peak_heap_size, ru.ru_maxrss,
           (unsigned long long)after.live_bytes, mark_ns);
    RGC_POP(f);
    return 0;
}
