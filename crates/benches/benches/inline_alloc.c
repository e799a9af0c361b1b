/* The allocation loops of benches/alloc.rs, in C: rgc.h's inline
 * rgc_alloc and rgc_alloc_bytes only inline into C code, and timing a
 * loop here keeps a Rust-to-C call out of each allocation. malloc and
 * bdwgc's GC_malloc run in the same loop shape, for comparison. */
#include "rgc.h"
#include <stdlib.h>
#ifdef HAS_BDWGC
#include <gc/gc.h>
#endif

typedef struct Node { struct Node *left, *right; long a, b; } Node;
static const uint32_t node_ptrs[] = { offsetof(Node, left), offsetof(Node, right) };
static rgc_type Node_type = { .size = sizeof(Node), .ptr_offsets = node_ptrs, .num_ptrs = 2, .name = "Node" };

/* Keeps `p` from being optimised away without a memory access. */
#define KEEP(p) __asm__ volatile("" : : "r"(p) : "memory")

void rgc_bench_alloc_node(uint64_t n) {
    for (uint64_t i = 0; i < n; i++) KEEP(rgc_alloc(&Node_type));
}

void rgc_bench_alloc_bytes(uint64_t n, size_t size) {
    for (uint64_t i = 0; i < n; i++) KEEP(rgc_alloc_bytes(size));
}

/* malloc alone: the blocks are freed by the caller, outside the timing. */
void rgc_bench_malloc(uint64_t n, void **out) {
    for (uint64_t i = 0; i < n; i++) out[i] = malloc(sizeof(Node));
}

void rgc_bench_malloc_free(uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        void *p = malloc(sizeof(Node));
        KEEP(p);
        free(p);
    }
}

#ifdef HAS_BDWGC
void rgc_bench_gc_malloc(uint64_t n) {
    for (uint64_t i = 0; i < n; i++) KEEP(GC_malloc(sizeof(Node)));
}
#endif
