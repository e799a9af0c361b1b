/* Allocation kinds, zeroing, GC_base/GC_size on interior pointers,
 * realloc, strings, aligned allocation, GC_free and large objects. */
#include "bt.h"
#include <errno.h>

static int all_zero(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++) if (p[i]) return 0;
    return 1;
}

static void kinds(void) {
    size_t sizes[] = { 1, 7, 8, 16, 24, 100, 4000, 9000, 100000, 3u << 20 };
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        size_t n = sizes[i];
        char *a = GC_MALLOC(n), *b = GC_MALLOC_ATOMIC(n), *c = GC_MALLOC_UNCOLLECTABLE(n);
        CHECK(a && b && c, "allocating %zu bytes", n);
        CHECK(all_zero(a, n) && all_zero(c, n), "GC_malloc(%zu) is not zeroed", n);
        CHECK(((uintptr_t)a & 7) == 0 && ((uintptr_t)b & 7) == 0, "misaligned object");
        CHECK(GC_base(a) == a && GC_base(a + n - 1) == a, "GC_base of an interior pointer (%zu bytes)", n);
        CHECK(GC_size(a) >= n && GC_size(a + n / 2) == GC_size(a), "GC_size of %zu-byte object is %zu", n, GC_size(a));
        CHECK(GC_is_heap_ptr(a + n / 2) && !GC_is_heap_ptr(&n), "GC_is_heap_ptr");
        memset(a, 0xab, n);
        memset(b, 0xcd, n);
        GC_FREE(c);
    }
    int on_stack;
    CHECK(GC_base(&on_stack) == NULL && GC_base(NULL) == NULL && GC_size(&on_stack) == 0, "GC_base of a foreign pointer");
}

static void reallocs(void) {
    char *p = GC_REALLOC(NULL, 10);
    CHECK(p && GC_size(p) >= 10, "realloc(NULL) allocates");
    strcpy(p, "123456789");
    for (size_t n = 10; n < 200000; n = n * 3 / 2 + 1) {
        p = GC_REALLOC(p, n);
        CHECK(p && GC_base(p) == p && GC_size(p) >= n, "realloc to %zu", n);
        CHECK(!strcmp(p, "123456789"), "realloc to %zu lost the contents", n);
        CHECK(all_zero(p + 10, n - 10), "realloc to %zu: new bytes are not zero", n);
    }
    p = GC_REALLOC(p, 5);
    CHECK(p && !memcmp(p, "12345", 5), "shrinking realloc keeps the prefix");
    CHECK(GC_REALLOC(p, 0) == NULL, "realloc(p, 0) frees and returns NULL");
    char *a = GC_MALLOC_ATOMIC(16);
    strcpy(a, "atomic");
    a = GC_REALLOC(a, 50000);
    CHECK(!strcmp(a, "atomic"), "atomic realloc");
}

static void strings_and_alignment(void) {
    char *s = GC_STRDUP("hello, world");
    CHECK(s && !strcmp(s, "hello, world") && GC_base(s) == s, "GC_strdup");
    char *t = GC_STRNDUP("hello, world", 5);
    CHECK(t && !strcmp(t, "hello"), "GC_strndup");
    CHECK(GC_strdup(NULL) == NULL, "GC_strdup(NULL)");
    for (size_t align = 8; align <= 65536; align *= 2) {
        char *m = GC_memalign(align, 100);
        CHECK(m && (uintptr_t)m % align == 0, "GC_memalign(%zu)", align);
        CHECK(GC_base(m) != NULL && GC_base(m) <= (void *)m, "GC_base of an aligned pointer");
        void *q = NULL;
        CHECK(GC_posix_memalign(&q, align, 64) == 0 && (uintptr_t)q % align == 0, "GC_posix_memalign(%zu)", align);
    }
    void *q = (void *)1;
    CHECK(GC_posix_memalign(&q, 12, 64) == EINVAL && q == (void *)1, "GC_posix_memalign rejects alignment 12");
    CHECK(GC_memalign(24, 8) == NULL, "GC_memalign rejects alignment 24");
}

/* GC_free returns the cell: allocations of its size reuse it before the
 * heap grows (rgc hands out the rest of the thread's span first, at most
 * a block of cells), so a program that frees what it allocates runs in
 * bounded memory with the collector disabled. */
static void frees(void) {
    GC_disable();
    void *p = GC_MALLOC(48);
    GC_FREE(p);
    int reused = 0;
    /* (Under torture every allocation collects first, which may hand out
     * another free cell.) */
    for (int i = 0; i < 4096 / 48 + 1 && !reused; i++) reused = GC_MALLOC(48) == p;
    CHECK(bt_scale(reused, 1), "a freed 48-byte cell is not reused within a block's worth of allocations");
    size_t heap = GC_get_heap_size();
    for (int i = 0; i < 200000; i++) GC_FREE(GC_MALLOC_ATOMIC(100));
    CHECK(GC_get_heap_size() <= heap + (64u << 10), "allocating and freeing 20 MB with the collector disabled grew "
          "the heap from %zu to %zu bytes", heap, GC_get_heap_size());
    GC_enable();
    GC_FREE(NULL);
    void *big = GC_MALLOC(8u << 20);
    heap = GC_get_heap_size();
    GC_FREE(big);
    CHECK(GC_get_heap_size() <= heap - (8u << 20), "freeing a large object gives back its blocks");
}

static int cmp_ptr(const void *a, const void *b) {
    uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;
    return x < y ? -1 : x > y;
}

/* GC_free of an object that lies past the thread's current run in a partly
 * used block: the cell goes on the free list, and the span's later runs
 * in that block must not hand it out as well (a cell handed out twice, and
 * then a free list that follows an object's header). */
static void free_past_the_span(void) {
    enum { N = 400, M = 800 };
    static char *objs[N], *fresh[M + 1];
    for (int i = 0; i < N; i++) objs[i] = GC_MALLOC(40);
    for (int i = 1; i < N; i += 2) objs[i] = NULL; /* blocks left partly used */
    bt_collect();
    char *first = GC_MALLOC(40);
    uintptr_t block = (uintptr_t)first & ~(uintptr_t)4095;
    for (int j = 0; j < N; j += 2) {
        if ((uintptr_t)objs[j] > (uintptr_t)first && ((uintptr_t)objs[j] & ~(uintptr_t)4095) == block) {
            GC_FREE(objs[j]);
            objs[j] = NULL;
            break;
        }
    }
    fresh[0] = first;
    int m = bt_scale(M, 20);
    for (int k = 1; k <= m; k++) fresh[k] = GC_MALLOC(40);
    qsort(fresh, (size_t)m + 1, sizeof *fresh, cmp_ptr);
    for (int k = 0; k < m; k++) CHECK(fresh[k] != fresh[k + 1], "the cell %p was handed out twice", (void *)fresh[k]);
    for (int j = 0; j < N; j += 2)
        if (objs[j]) CHECK(!bsearch(&objs[j], fresh, (size_t)m + 1, sizeof *fresh, cmp_ptr), "a live object's cell was handed out");
}

/* Many large objects, most dropped at once: the heap stays bounded. */
static void large_churn(void) {
    static char *keep[8];
    for (int i = 0; i < bt_scale(400, 20); i++) {
        char *p = GC_MALLOC_ATOMIC(1u << 20);
        CHECK(p, "a 1 MiB allocation failed");
        p[0] = (char)i;
        p[(1u << 20) - 1] = (char)i;
        keep[i % 8] = p;
    }
    for (int i = 0; i < 8; i++) CHECK(keep[i][0] == keep[i][(1u << 20) - 1], "large object contents");
    CHECK(GC_get_heap_size() < (200u << 20), "heap grew to %zu bytes for 8 MiB live", GC_get_heap_size());
}

/* bdwgc's slack: an object has room for a byte past what was asked for,
 * which GC_size counts, and a pointer just past its end still finds it.
 * Objects of one size are allocated next to each other, so a write of the
 * byte past each would damage its neighbour if the slack were missing:
 * its size (the header's first bytes) or the free cell after it. */
static void slack(void) {
    enum { N = 40 };
    static char *objs[N];
    for (size_t n = 0; n <= 300; n += (n < 64 ? 1 : 8)) {
        for (int i = 0; i < N; i++) objs[i] = i % 2 ? GC_MALLOC_ATOMIC(n) : GC_MALLOC(n);
        for (int i = 0; i < N; i++) {
            CHECK(GC_size(objs[i]) >= n + 1, "GC_size of a %zu-byte object is %zu: no room for the extra byte", n,
                  GC_size(objs[i]));
            CHECK(GC_base(objs[i] + n) == objs[i], "the pointer just past a %zu-byte object does not find it", n);
            memset(objs[i], 0x5a, n + 1);
        }
        for (int i = 0; i < N; i++) {
            CHECK(GC_size(objs[i]) >= n + 1, "writing the byte past %zu-byte objects changed a neighbour's size "
                  "to %zu", n, GC_size(objs[i]));
            char *fresh = GC_MALLOC(n);
            CHECK(all_zero(fresh, n + 1), "writing the byte past %zu-byte objects damaged a free cell", n);
        }
    }
}

/* GC_set_all_interior_pointers(0) before GC_init: no extra byte, as in
 * bdwgc (the argument "no_extra_byte"). */
static void no_extra_byte(void) {
    CHECK(GC_size(GC_MALLOC(32)) == 32 && GC_size(GC_MALLOC_ATOMIC(24)) == 24,
          "without all-interior-pointers, GC_size(GC_MALLOC(32)) is %zu", GC_size(GC_MALLOC(32)));
    CHECK(GC_size(GC_MALLOC(31)) == 32, "sizes are rounded to 8 bytes");
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "no_extra_byte")) {
        GC_set_all_interior_pointers(0);
        GC_INIT();
        no_extra_byte();
        printf("ok\n");
        return 0;
    }
    GC_INIT();
    CHECK(GC_is_init_called(), "GC_is_init_called");
    slack();
    kinds();
    reallocs();
    strings_and_alignment();
    frees();
    free_past_the_span();
    large_churn();
    size_t total = GC_get_total_bytes();
    CHECK(total > (16u << 20), "GC_get_total_bytes is %zu", total);
    GC_word heap, free_b, unmapped, since, tot;
    GC_get_heap_usage_safe(&heap, &free_b, &unmapped, &since, &tot);
    CHECK(heap == GC_get_heap_size() && free_b <= heap && tot == GC_get_total_bytes(), "GC_get_heap_usage_safe");
    printf("ok\n");
    return 0;
}
