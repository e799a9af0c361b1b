/* Variable-size arrays: lengths, item pointers across mark chunks, large
 * arrays, arrays of structs with several pointers, pointer-free arrays. */
#include "rgct.h"

typedef struct Pair { Node *a; long tag; Node *b; } Pair;
typedef struct PairArray { long header; size_t len; Pair items[]; } PairArray;
static const uint32_t pair_ptrs[] = { offsetof(Pair, a), offsetof(Pair, b) };
static rgc_type PairArray_type = { .size = sizeof(PairArray), .flags = RGC_TYPE_VARSIZE, .item_size = sizeof(Pair),
                                   .item_ptr_offsets = pair_ptrs, .item_num_ptrs = 2,
                                   .length_offset = offsetof(PairArray, len), .name = "PairArray" };

int main(void) {
    rgct_init();
    size_t sizes[] = { 0, 1, 255, 256, 257, 1000, 70000 };
    int nsizes = rgct_torture() ? 6 : 7;
    RGC_FRAME(f, 8);
    for (int k = 0; k < nsizes; k++) {
        f[k] = rgc_alloc_array(&PairArray_type, sizes[k]);
        PairArray *pa = f[k];
        CHECK(pa->len == sizes[k], "length field %zu, expected %zu", pa->len, sizes[k]);
        for (size_t i = 0; i < sizes[k]; i += 7) {
            Node *a = new_node((long)i);
            pa = f[k];
            RGC_STORE(pa, pa->items[i].a, a);
            pa->items[i].tag = (long)i * 3;
            Node *b = new_node((long)i + 1);
            pa = f[k];
            RGC_STORE(pa, pa->items[i].b, b);
        }
    }
    f[7] = rgc_alloc_array(&DoubleArray_type, 1000);
    for (int i = 0; i < 1000; i++) ((DoubleArray *)f[7])->items[i] = i * 0.5;
    for (int i = 0; i < 30000; i++) new_node(-1); /* garbage */
    rgc_collect();
    rgc_collect();
    for (int k = 0; k < nsizes; k++) {
        PairArray *pa = f[k];
        CHECK(pa->len == sizes[k], "length changed");
        for (size_t i = 0; i < sizes[k]; i++) {
            if (i % 7) { CHECK(!pa->items[i].a && !pa->items[i].b && !pa->items[i].tag, "item %zu not zero", i); continue; }
            CHECK(pa->items[i].a && pa->items[i].a->id == (long)i, "array %d item %zu .a lost", k, i);
            CHECK(pa->items[i].b && pa->items[i].b->id == (long)i + 1, "array %d item %zu .b lost", k, i);
            CHECK(pa->items[i].tag == (long)i * 3, "tag");
            check_node(pa->items[i].a);
            check_node(pa->items[i].b);
        }
    }
    for (int i = 0; i < 1000; i++) CHECK(((DoubleArray *)f[7])->items[i] == i * 0.5, "double %d", i);
    RGC_POP(f);
    printf("ok\n");
    return 0;
}
