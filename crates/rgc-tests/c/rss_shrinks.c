/* After a big heap dies, a collection hands its pages back to the OS:
 * resident memory goes down, not just the collector's own heap_size. */
#include "rgct.h"
#include <unistd.h>

/* Resident set size in bytes, from /proc/self/statm (second field, pages). */
static long resident_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    CHECK(f != NULL, "cannot open /proc/self/statm");
    long size = 0, resident = 0;
    CHECK(fscanf(f, "%ld %ld", &size, &resident) == 2, "cannot parse /proc/self/statm");
    fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

int main(void) {
    rgct_init();
    const long mb = 1024 * 1024;
    /* Large objects (pointer-free arrays) and small ones (a list), so both
     * the large-object space and size-class blocks must be released. */
    /* In region mode the heap is the caller's buffer, which is never given
     * back: only heap_size must shrink there, in a heap of a few MB. */
    long arrays = rgct_in_region() ? 2 : 160, array_bytes = mb;
    long nodes = rgct_scale(1000 * 1000, 3000);
    long before = resident_bytes();

    RGC_FRAME(f, 2);
    f[0] = rgc_alloc_array(&PtrArray_type, arrays);
    CHECK(f[0] != NULL, "allocation failed");
    for (long i = 0; i < arrays; i++) {
        long len = array_bytes / (long)sizeof(double);
        DoubleArray *a = rgc_alloc_array(&DoubleArray_type, len);
        CHECK(a != NULL, "allocation of array %ld failed", i);
        /* Touch every page, as a program using its data would. */
        for (long j = 0; j < len; j += 512) a->items[j] = (double)(i + j);
        PtrArray *holder = f[0];
        RGC_STORE(holder, holder->items[i], (Node *)a);
    }
    for (long i = 0; i < nodes; i++) {
        Node *n = new_node(i);
        RGC_STORE(n, n->left, (Node *)f[1]);
        f[1] = n;
    }
    long peak = resident_bytes();
    rgc_stats full = rgct_stats();
    long grown = peak - before;
    CHECK(rgct_in_region() || grown >= arrays * array_bytes, "RSS only grew by %ld bytes", grown);

    f[0] = NULL;
    f[1] = NULL;
    rgc_collect();
    long after = resident_bytes();
    rgc_stats empty = rgct_stats();
    /* A conservative collector keeps all of it if a stale word points at the
     * holder or the list head; it is checked for not crashing only. */
    if (rgct_exact()) {
        CHECK(empty.heap_size < full.heap_size / 8, "heap_size %llu after the drop, %llu before",
              (unsigned long long)empty.heap_size, (unsigned long long)full.heap_size);
        /* The collector keeps its next-collection allowance (RGC_HEAP_INITIAL,
         * 4 MiB by default) and some metadata pages; everything else goes back. */
        CHECK(rgct_in_region() || after - before < grown / 4, "RSS %ld MiB before, %ld MiB at peak, still %ld MiB after the collection",
              before / mb, peak / mb, after / mb);
    }
    printf("RSS %ld MiB before, %ld MiB at peak, %ld MiB after\n", before / mb, peak / mb, after / mb);
    RGC_POP(f);
    printf("ok\n");
    return 0;
}
