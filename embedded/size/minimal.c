/* The program the code-size table measures (`rgc size`): what a minimal
 * user of a collector needs. It allocates a typed list, an array and a
 * buffer in a 512 KB region, stores pointers with the barrier, collects,
 * reads the statistics and shuts down. Built three ways:
 *   -DSIZE_BASELINE   the same program without a collector (its text is
 *                     subtracted, so the table shows what the collector adds)
 *   -DSIZE_BDWGC      the same work on bdwgc (GC_MALLOC, GC_gcollect)
 *   otherwise         on the rgc collector named by -DRGC_GC_<NAME>
 * The result is only an exit status, so no printf is linked. On the host
 * the rgc rows link the same no_std library as the board (region mode),
 * with -DSIZE_HOSTED_NO_STD. */
#include <stddef.h>
#include <stdint.h>

typedef struct Node {
    struct Node *next;
    long value;
} Node;

#if defined(SIZE_BASELINE)
static Node nodes[100];
static long work(void) {
    Node *list = NULL;
    for (long i = 0; i < 100; i++) {
        nodes[i].next = list;
        nodes[i].value = i;
        list = &nodes[i];
    }
    long sum = 0;
    for (Node *n = list; n; n = n->next) sum += n->value;
    return sum;
}
#elif defined(SIZE_BDWGC)
#include <gc.h>
static long work(void) {
    GC_INIT();
    Node *list = NULL;
    for (long i = 0; i < 100; i++) {
        Node *n = GC_MALLOC(sizeof(Node));
        n->next = list;
        n->value = i;
        list = n;
    }
    void **array = GC_MALLOC(10 * sizeof(void *));
    array[0] = list;
    char *buffer = GC_MALLOC_ATOMIC(100);
    buffer[0] = 1;
    GC_gcollect();
    long sum = buffer[0] - 1 + (long)(GC_get_heap_size() == 0);
    for (Node *n = array[0]; n; n = n->next) sum += n->value;
    return sum;
}
#else
#include "rgc.h"
#if defined(SIZE_HOSTED_NO_STD)
/* The host's precompiled Rust core carries unwind tables that name this
 * personality routine; with panic = "abort" nothing ever unwinds, so it is
 * never called. (On the board the target's core is built without them.) */
void rust_eh_personality(void) {}
#endif
static const uint32_t node_ptrs[] = { offsetof(Node, next) };
static rgc_type Node_type = { .size = sizeof(Node), .ptr_offsets = node_ptrs, .num_ptrs = 1, .name = "Node" };
typedef struct Array {
    size_t length;
    void *items[];
} Array;
static const uint32_t item_ptrs[] = { 0 };
static rgc_type Array_type = { .size = sizeof(Array), .flags = RGC_TYPE_VARSIZE, .item_size = sizeof(void *),
                               .item_ptr_offsets = item_ptrs, .item_num_ptrs = 1,
                               .length_offset = offsetof(Array, length), .name = "Array" };
static uint64_t region[(512 << 10) / 8];

static long work(void) {
    rgc_config cfg;
    rgc_config_default(&cfg);
    cfg.flags |= RGC_CONFIG_NO_ENV;
    cfg.region = region;
    cfg.region_size = sizeof region;
    cfg.shadowstack_slots = 256;
    if (rgc_init(&cfg) != 0) return -1;
    RGC_FRAME(f, 3);
    for (long i = 0; i < 100; i++) {
        Node *n = rgc_alloc(&Node_type);
        RGC_STORE(n, n->next, (Node *)f[0]);
        n->value = i;
        f[0] = n;
    }
    f[1] = rgc_alloc_array(&Array_type, 10);
    RGC_STORE(f[1], ((Array *)f[1])->items[0], f[0]);
    f[2] = rgc_alloc_bytes(100);
    ((char *)f[2])[0] = 1;
    rgc_collect();
    rgc_stats stats;
    rgc_get_stats(&stats);
    long sum = ((char *)f[2])[0] - 1 + (long)(stats.objects_allocated == 0);
    for (Node *n = ((Array *)f[1])->items[0]; n; n = n->next) sum += n->value;
    RGC_POP(f);
    rgc_shutdown();
    return sum;
}
#endif

int main(void) { return work() == 4950 ? 0 : 1; }
