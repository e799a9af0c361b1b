/* Object kinds, mark descriptors and procedures (gc_mark.h), typed objects
 * (gc_typed.h) and the gcj kind (gc_gcj.h). Written against bdwgc's API
 * only: it passes on bdwgc's own library too.
 *
 * The pattern throughout: an object holds "counted" objects (bt.h: each
 * bumps `finalized` when collected) in the words its descriptor says are
 * pointers, and in words it says are not. After a collection every
 * described word's target must survive (exact), and most undescribed ones
 * must be gone (a stale copy on the stack may keep one alive). */
#include "bt.h"
#include "gc/gc_gcj.h"
#include "gc/gc_inline.h"
#include "gc/gc_mark.h"
#include "gc/gc_typed.h"

#define N 20
#define TAG 0x7a67UL
#define KEY ((GC_word)0x5a5a5a5a5a5a5a5aUL)
#define SIGNB ((GC_word)1 << (GC_WORDSZ - 1))

static void *revealed(void) { return GC_REVEAL_POINTER(counted_object()); }

/* ---- a mark procedure: one pointer kept only XOR-ed with KEY, pushed with
 * GC_MARK_AND_PUSH, and two words pushed as a range entry it writes itself. */
struct hidden {
    GC_word tag;
    GC_word hidden;
    void *range[2];
};
/* struct GC_ms_entry's layout (bdwgc declares it only in a private header). */
struct entry {
    void *start;
    GC_word descr;
};
static unsigned proc_calls;
static GC_word proc_env;
static int unmarked_after_push;

static struct GC_ms_entry *hidden_mark(GC_word *addr, struct GC_ms_entry *msp, struct GC_ms_entry *lim,
                                       GC_word env) {
    struct hidden *h = (struct hidden *)addr;
    proc_calls++;
    proc_env = env;
    if (h->tag != TAG)
        return msp; /* not set up yet */
    if (h->hidden != 0) {
        void *p = (void *)(h->hidden ^ KEY);
        msp = GC_MARK_AND_PUSH(p, msp, lim, (void **)&h->hidden);
        if (!GC_is_marked(p))
            unmarked_after_push++;
    }
    struct entry *top = (struct entry *)msp + 1;
    if (top >= (struct entry *)lim)
        abort();
    top->start = &h->range[0];
    top->descr = sizeof h->range | GC_DS_LENGTH;
    return (struct GC_ms_entry *)top;
}

__attribute__((noinline)) static void fill_hidden(struct hidden **out, int n, unsigned kind) {
    for (int i = 0; i < n; i++) {
        struct hidden *h = GC_generic_malloc(sizeof *h, (int)kind);
        CHECK(h != NULL, "GC_generic_malloc of the procedure's kind");
        h->tag = TAG; /* before the next allocation, which may collect */
        h->hidden = (GC_word)revealed() ^ KEY;
        h->range[0] = revealed();
        h->range[1] = revealed();
        out[i] = h;
    }
}

static void mark_procedures(void) {
    unsigned kind = GC_new_kind(GC_new_free_list(), GC_MAKE_PROC(GC_new_proc(hidden_mark), 42), 0, 1);
    static struct hidden **volatile objs;
    objs = GC_MALLOC(N * sizeof *objs);
    int before = finalized;
    fill_hidden(objs, N, kind);
    int after = collect_and_count();
    CHECK(after == before, "%d of the %d objects a mark procedure pushes were collected", after - before, 3 * N);
    CHECK(proc_calls >= N, "the procedure ran %u times for %d objects", proc_calls, N);
    CHECK(proc_env == 42, "the procedure got env %lu", (unsigned long)proc_env);
    CHECK(unmarked_after_push == 0, "GC_is_marked said 0 after GC_MARK_AND_PUSH (%d times)", unmarked_after_push);
    size_t size = 0;
    CHECK(GC_get_kind_and_size(objs[0], &size) == (int)kind && size >= sizeof(struct hidden),
          "GC_get_kind_and_size of a custom kind");
    memset((void *)objs, 0, N * sizeof *objs);
    collect_and_count();
    int gone = collect_and_count() - after;
    CHECK(gone >= 3 * N - 3, "only %d of %d objects were collected once unreachable", gone, 3 * N);
}

/* ---- a procedure that marks a few words per call and pushes itself back
 * for the rest (bdwgc's advice for large objects): an object of CHUNKED
 * words takes CHUNKED / 4 calls, which must not nest. env counts the
 * words done. */
#define CHUNKED 4000
static void forget(void **objs);
static unsigned chunked_proc;
static unsigned long chunk_calls;

static struct GC_ms_entry *chunk_mark(GC_word *addr, struct GC_ms_entry *msp, struct GC_ms_entry *lim, GC_word env) {
    chunk_calls++;
    GC_word done = env, end = done + 4 < CHUNKED ? done + 4 : CHUNKED;
    for (GC_word i = done; i < end; i++)
        msp = GC_MARK_AND_PUSH((void *)addr[i], msp, lim, (void **)&addr[i]);
    if (end < CHUNKED) {
        struct entry *top = (struct entry *)msp + 1;
        if (top >= (struct entry *)lim)
            abort();
        top->start = addr; /* the same object, the rest of it */
        top->descr = GC_MAKE_PROC(chunked_proc, end);
        msp = (struct GC_ms_entry *)top;
    }
    return msp;
}

__attribute__((noinline)) static void **fill_chunked(unsigned kind) {
    void **o = GC_generic_malloc(CHUNKED * sizeof(void *), (int)kind);
    CHECK(o != NULL, "GC_generic_malloc of the chunked kind");
    for (int i = 0; i < CHUNKED; i++)
        o[i] = i % 100 == 0 ? revealed() : GC_MALLOC_ATOMIC(8);
    return o;
}

static void chunked(void) {
    chunked_proc = GC_new_proc(chunk_mark);
    unsigned kind = GC_new_kind(GC_new_free_list(), GC_MAKE_PROC(chunked_proc, 0), 0, 1);
    static void **volatile obj;
    int before = finalized;
    obj = fill_chunked(kind);
    chunk_calls = 0;
    int after = collect_and_count();
    CHECK(after == before, "%d objects the chunked procedure reaches were collected", after - before);
    CHECK(chunk_calls >= CHUNKED / 4, "the procedure ran %lu times", chunk_calls);
    forget((void **)&obj);
    CHECK(collect_and_count() - before >= CHUNKED / 100 - 2, "the chunked object's targets outlived it");
}

/* ---- descriptors: words 0 and 2 of 4 are pointers. `fill` puts counted
 * objects in all four words of each object `alloc` makes. */
typedef void *(*alloc_fn)(int i);

/* Drops a test's objects and collects what they kept, so that the next
 * test counts only its own. */
static void forget(void **objs) {
    *(void *volatile *)objs = NULL;
    collect_and_count();
    collect_and_count();
}

__attribute__((noinline)) static void fill(void **objs, int n, alloc_fn alloc, int words) {
    for (int i = 0; i < n; i++) {
        void **o = alloc(i);
        CHECK(o != NULL, "allocation");
        for (int w = 0; w < words; w++)
            o[w] = revealed();
        objs[i] = o;
    }
}

/* Checks that `kept` of the `words` targets of each object survive and
 * (nearly) all others are collected. */
static void described(const char *what, alloc_fn alloc, int words, int kept) {
    static void **volatile objs;
    objs = GC_MALLOC(N * sizeof *objs);
    int before = finalized;
    fill(objs, N, alloc, words);
    int gone = collect_and_count() - before;
    int want = (words - kept) * N;
    CHECK(gone <= want, "%s: %d targets collected, but only %d are in words the descriptor leaves out", what, gone,
          want);
    CHECK(gone >= want - 2, "%s: only %d of the %d targets in undescribed words were collected", what, gone, want);
    forget((void **)&objs);
}

static unsigned bitmap_kind, length_kind, whole_kind, gcj_table_kind;
static GC_descr typed_descr, long_descr, element_descr;

static void *of_bitmap_kind(int i) { return GC_generic_malloc(4 * sizeof(void *), (int)bitmap_kind + 0 * i); }
static void *of_length_kind(int i) { return GC_malloc_kind(4 * sizeof(void *), (int)length_kind + 0 * i); }
static void *of_whole_kind(int i) { return GC_generic_malloc(4 * sizeof(void *), (int)whole_kind + 0 * i); }
static void *typed(int i) { return GC_malloc_explicitly_typed(4 * sizeof(void *) + (size_t)i % 3, typed_descr); }
static void *long_typed(int i) {
    (void)i;
    return GC_malloc_explicitly_typed(100 * sizeof(void *), long_descr);
}
static void *typed_array(int i) {
    (void)i;
    /* 2 elements of 2 words: word 0 of each is a pointer. */
    return GC_calloc_explicitly_typed(2, 2 * sizeof(void *), element_descr);
}
static void *reallocated(int i) {
    void *p = GC_generic_malloc(2 * sizeof(void *), (int)bitmap_kind + 0 * i);
    return GC_REALLOC(p, 4096); /* moves: the kind must come along */
}

/* The long bitmap: only words 3 and 70 of 100 are pointers. */
__attribute__((noinline)) static void fill_long(void **objs, int n) {
    for (int i = 0; i < n; i++) {
        void **o = long_typed(i);
        CHECK(o != NULL, "GC_malloc_explicitly_typed");
        o[3] = revealed();
        o[50] = revealed();
        o[70] = revealed();
        o[99] = revealed();
        objs[i] = o;
    }
}

static void long_bitmap(void) {
    static void **volatile objs;
    objs = GC_MALLOC(N * sizeof *objs);
    int before = finalized;
    fill_long(objs, N);
    int gone = collect_and_count() - before;
    CHECK(gone <= 2 * N && gone >= 2 * N - 2, "long bitmap: %d of %d undescribed targets collected", gone, 2 * N);
    forget((void **)&objs);
}

/* gcj: the first word points to a table whose second word describes the
 * object: here word 1 of 3 (word 0 is the table pointer itself). */
static struct {
    void *class_info;
    GC_word descr;
} gcj_table = {NULL, (SIGNB >> 1) | GC_DS_BITMAP};

static void *of_gcj_kind(int i) {
    (void)i;
    return GC_GCJ_MALLOC(4 * sizeof(void *), &gcj_table);
}

__attribute__((noinline)) static void fill_gcj(void **objs, int n) {
    for (int i = 0; i < n; i++) {
        void **o = of_gcj_kind(i);
        CHECK(o != NULL && o[0] == (void *)&gcj_table, "GC_gcj_malloc sets the first word");
        o[1] = revealed();
        o[2] = revealed();
        objs[i] = o;
    }
}

static void gcj(void) {
    GC_init_gcj_malloc(0, NULL);
    static void **volatile objs;
    objs = GC_MALLOC(N * sizeof *objs);
    int before = finalized;
    fill_gcj(objs, N);
    int gone = collect_and_count() - before;
    CHECK(gone <= N && gone >= N - 2, "gcj: %d of %d undescribed targets collected", gone, N);
    forget((void **)&objs);
}

static void many(void) {
    for (int k = GC_I_PTRFREE; k <= GC_I_NORMAL; k++) {
        void *list = NULL;
        GC_generic_malloc_many(32, k, &list);
        int n = 0;
        for (void *p = list; p; p = *(void **)p) {
            size_t size = 0;
            CHECK(GC_base(p) == p, "GC_generic_malloc_many: object %d is not an object start", n);
            CHECK(GC_get_kind_and_size(p, &size) == k && size >= 32, "GC_generic_malloc_many: kind %d, size %lu", k,
                  (unsigned long)size);
            n++;
        }
        CHECK(n >= 1, "GC_generic_malloc_many(32, %d) gave no object", k);
    }
    for (int k = 0; k < 4; k++) {
        void *p = GC_generic_malloc(24, k);
        CHECK(GC_get_kind_and_size(p, NULL) == k, "GC_generic_malloc of kind %d", k);
        if (k >= 2)
            GC_free(p);
    }
}

int main(void) {
    GC_INIT();
    mark_procedures();

    bitmap_kind = GC_new_kind(GC_new_free_list(), SIGNB | SIGNB >> 2 | GC_DS_BITMAP, 0, 1);
    length_kind = GC_new_kind(GC_new_free_list(), 2 * sizeof(void *) | GC_DS_LENGTH, 0, 1);
    whole_kind = GC_new_kind(GC_new_free_list(), GC_DS_LENGTH, 1, 1);
    GC_word bits[GC_BITMAP_SIZE(void *[4])] = {0};
    GC_set_bit(bits, 0);
    GC_set_bit(bits, 2);
    typed_descr = GC_make_descriptor(bits, 4);
    GC_word long_bits[2] = {0};
    GC_set_bit(long_bits, 3);
    GC_set_bit(long_bits, 70);
    long_descr = GC_make_descriptor(long_bits, 100);
    GC_word element_bits[1] = {1};
    element_descr = GC_make_descriptor(element_bits, 2);
    (void)gcj_table_kind;

    described("bitmap kind", of_bitmap_kind, 4, 2);
    described("length kind", of_length_kind, 4, 2);
    described("add-size kind", of_whole_kind, 4, 4);
    described("GC_malloc_explicitly_typed", typed, 4, 2);
    described("GC_calloc_explicitly_typed", typed_array, 4, 2);
    described("GC_realloc of a bitmap kind", reallocated, 4, 2);
    long_bitmap();
    gcj();
    many();
    chunked();
    printf("ok\n");
    return 0;
}
