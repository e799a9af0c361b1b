/* Helpers shared by the conformance programs. Written the way a translator
 * would emit code: static type descriptors, shadow-stack frames, RGC_STORE. */
#ifndef RGCT_H
#define RGCT_H
#include "rgc.h"
#include "rgct_region.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond, ...)                                                          \
    do {                                                                          \
        if (!(cond)) {                                                            \
            fprintf(stderr, "CHECK failed at %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                         \
            fputc('\n', stderr);                                                  \
            exit(1);                                                              \
        }                                                                         \
    } while (0)

static int rgct_env(const char *name) { const char *v = getenv(name); return v && atoi(v) != 0; }
/* Set by the test runner from the collector's properties. */
static int rgct_precise(void) { return rgct_env("RGCT_PRECISE"); }
static int rgct_collects(void) { return rgct_env("RGCT_COLLECTS"); }
static int rgct_torture(void) { return rgct_env("RGC_TORTURE"); }
/* Whether a collection frees exactly the unreachable objects. A conservative
 * collector (precise = 0) may keep any object a stale word on the stack or in
 * static data points into: tests check that it frees nothing reachable, and
 * bound what it keeps (RGCT_RETAINED_MAX objects of a batch) instead. */
static int rgct_exact(void) { return rgct_precise() && rgct_collects(); }
#define RGCT_RETAINED_MAX 16
/* Torture mode collects at every allocation, and region mode (see
 * rgct_region.h) has a heap of a few MB: scale work down there. */
static long rgct_scale(long normal, long small) { return rgct_torture() || rgct_in_region() ? small : normal; }

/* The incremental collector's collector thread runs (the runner sets
 * RGC_BACKGROUND=on; not in region mode). Cycles then run on that thread,
 * paced by it: counts of increments and collections follow its speed. */
static int rgct_collector_thread(void) {
    const char *bg = getenv("RGC_BACKGROUND");
    return strcmp(rgc_collector_name(), "incremental") == 0 && bg && strcmp(bg, "on") == 0 && !rgct_in_region();
}

static rgc_stats rgct_stats(void) { rgc_stats s; rgc_get_stats(&s); return s; }

static void rgct_init(void) { CHECK(rgct_init_with(NULL) == 0, "rgc_init failed"); }

/* A node: two pointers and a payload derived from its id. */
typedef struct Node {
    struct Node *left;
    struct Node *right;
    long id;
    long check;
} Node;
static const uint32_t node_ptrs[] = { offsetof(Node, left), offsetof(Node, right) };
static rgc_type Node_type = { .size = sizeof(Node), .ptr_offsets = node_ptrs, .num_ptrs = 2, .name = "Node" };

static long rgct_payload(long id) { return id * 2654435761L ^ 0x5bd1e995L; }

static Node *new_node(long id) {
    Node *n = rgc_alloc(&Node_type);
    CHECK(n != NULL, "allocation failed");
    CHECK(n->left == NULL && n->right == NULL && n->id == 0 && n->check == 0, "memory not zeroed");
    n->id = id;
    n->check = rgct_payload(id);
    return n;
}

static void check_node(const Node *n) {
    CHECK(n->check == rgct_payload(n->id), "node %ld corrupted (check %ld)", n->id, n->check);
}

/* Pointer array: [size_t length][Node *items[]]. */
typedef struct PtrArray {
    size_t length;
    Node *items[];
} PtrArray;
static const uint32_t ptrarray_item_ptrs[] = { 0 };
static rgc_type PtrArray_type = { .size = sizeof(PtrArray), .flags = RGC_TYPE_VARSIZE, .item_size = sizeof(Node *),
                                  .item_ptr_offsets = ptrarray_item_ptrs, .item_num_ptrs = 1,
                                  .length_offset = offsetof(PtrArray, length), .name = "PtrArray" };

/* Pointer-free array of doubles. */
typedef struct DoubleArray {
    size_t length;
    double items[];
} DoubleArray;
static rgc_type DoubleArray_type = { .size = sizeof(DoubleArray), .flags = RGC_TYPE_VARSIZE | RGC_TYPE_POINTER_FREE,
                                     .item_size = sizeof(double), .length_offset = offsetof(DoubleArray, length),
                                     .name = "DoubleArray" };

static int rgct_is(const char *collector) { return strcmp(rgc_collector_name(), collector) == 0; }

/* Chains of nodes hanging from a pointer array, for the rewiring tests:
 * items[i] -> node -> node -> ... through `left`. Ids 0..n-1. */
static PtrArray *rgct_build_chains(void **root, size_t chains, long per_chain) {
    PtrArray *a = rgc_alloc_array(&PtrArray_type, chains);
    *root = a;
    long id = 0;
    for (size_t i = 0; i < chains; i++)
        for (long k = 0; k < per_chain; k++) {
            Node *n = new_node(id++); /* may collect: reload the array from its root */
            a = *root;
            RGC_STORE(n, n->left, a->items[i]);
            RGC_STORE(a, a->items[i], n);
        }
    return *root;
}

static unsigned rgct_rand(unsigned *seed) { *seed = *seed * 1103515245u + 12345u; return *seed >> 8; }

/* The classic lost-object move: take the second node x of chain i (with
 * everything after it), unlink it, and push it onto the front of chain j.
 * Each store overwrites an edge a collector may not have traced yet, and
 * puts a possibly untraced object into a possibly traced one; without a
 * working barrier x (or its tail) is lost. No rgc call happens in between,
 * so no shadow-stack slot is needed for x. */
static void rgct_rewire(PtrArray *a, unsigned *seed) {
    size_t i = rgct_rand(seed) % a->length, j = rgct_rand(seed) % a->length;
    Node *head = a->items[i];
    if (!head || !head->left) return;
    Node *x = head->left;
    RGC_STORE(head, head->left, x->left);
    RGC_STORE(x, x->left, a->items[j]);
    RGC_STORE(a, a->items[j], x);
    /* and a right-pointer shortcut into another chain, dropped again later */
    Node *other = a->items[rgct_rand(seed) % a->length];
    RGC_STORE(x, x->right, other);
    if (other) RGC_STORE(other, other->right, NULL);
}

/* Checks every node of every chain; returns the count and id sum. */
static void rgct_check_chains(PtrArray *a, long *count, long *id_sum) {
    *count = 0, *id_sum = 0;
    for (size_t i = 0; i < a->length; i++)
        for (Node *n = a->items[i]; n; n = n->left) {
            check_node(n);
            ++*count;
            *id_sum += n->id;
        }
}
#endif
