/* After a full collection, live bytes equal the reachable bytes exactly
 * (precise collectors), and dropping references frees them. */
#include "rgct.h"

int main(void) {
    rgct_init();
    RGC_FRAME(f, 4);
    size_t expect = 0, objects = 0;
    /* a list of 1000 nodes */
    for (int i = 0; i < 1000; i++) {
        Node *n = new_node(i);
        RGC_STORE(n, n->left, (Node *)f[0]);
        f[0] = n;
    }
    expect += 1000 * sizeof(Node); objects += 1000;
    /* a pointer array of 3000 items, half filled with fresh nodes */
    f[1] = rgc_alloc_array(&PtrArray_type, 3000);
    for (int i = 0; i < 3000; i += 2) {
        Node *n = new_node(i);
        RGC_STORE(f[1], ((PtrArray *)f[1])->items[i], n);
    }
    expect += sizeof(PtrArray) + 3000 * sizeof(Node *) + 1500 * sizeof(Node); objects += 1 + 1500;
    f[2] = rgc_alloc_bytes(12345);
    memset(f[2], 0xab, 12345);
    expect += 12345; objects += 1;
    f[3] = rgc_alloc_array(&DoubleArray_type, 50000); /* a large object */
    expect += sizeof(DoubleArray) + 50000 * sizeof(double); objects += 1;
    CHECK(rgc_object_size(f[3]) == sizeof(DoubleArray) + 50000 * sizeof(double), "object size %zu", rgc_object_size(f[3]));
    CHECK(rgc_object_size(f[2]) == 12345, "bytes size");
    /* garbage of every kind */
    for (int i = 0; i < 20000; i++) new_node(-1);
    rgc_alloc_array(&PtrArray_type, 100000);
    rgc_alloc_bytes(100);
    rgc_collect();
    rgc_stats s = rgct_stats();
    if (rgct_precise()) {
        CHECK(s.live_bytes == expect, "live_bytes %llu, reachable %zu", (unsigned long long)s.live_bytes, expect);
        CHECK(s.live_objects == objects, "live_objects %llu, reachable %zu", (unsigned long long)s.live_objects, objects);
    } else if (rgct_collects()) {
        /* Conservative: everything reachable, and a bounded part of the garbage. */
        CHECK(s.live_bytes >= expect, "live_bytes %llu below the reachable %zu", (unsigned long long)s.live_bytes, expect);
        CHECK(s.live_objects <= objects + RGCT_RETAINED_MAX, "live_objects %llu, reachable %zu", (unsigned long long)s.live_objects, objects);
    }
    unsigned char *b = f[2];
    for (int i = 0; i < 12345; i++) CHECK(b[i] == 0xab, "byte buffer corrupted at %d", i);
    /* drop the array and the big one */
    f[1] = NULL;
    f[3] = NULL;
    rgc_collect();
    s = rgct_stats();
    if (rgct_precise()) {
        size_t now = 1000 * sizeof(Node) + 12345;
        CHECK(s.live_bytes == now, "after dropping: live_bytes %llu, reachable %zu", (unsigned long long)s.live_bytes, now);
        CHECK(s.live_objects == 1001, "after dropping: live_objects %llu", (unsigned long long)s.live_objects);
    }
    if (!rgct_collects()) CHECK(s.live_bytes == 0 && s.collections == 0, "none never collects");
    int count = 0;
    for (Node *n = f[0]; n; n = n->left) { check_node(n); count++; }
    CHECK(count == 1000, "list has %d nodes", count);
    /* Drop everything: at most a small part survives (conservative: what
     * stale words still point at). */
    f[0] = f[2] = NULL;
    rgc_collect();
    s = rgct_stats();
    if (rgct_precise()) CHECK(s.live_bytes == 0, "everything dropped, %llu bytes live", (unsigned long long)s.live_bytes);
    if (rgct_collects()) CHECK(s.live_bytes < 64 * 1024, "everything dropped, %llu bytes live", (unsigned long long)s.live_bytes);
    RGC_POP(f);
    rgc_verify_heap();
    printf("ok\n");
    return 0;
}
