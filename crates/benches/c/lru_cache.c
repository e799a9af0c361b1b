/* lru-cache: a large long-lived hash map with LRU eviction and steady churn:
 * the workload where a stop-the-world collector's pauses grow with the heap.
 * Parameters: live_mb=16 ops=2000000 value=200 (bytes) hit_ratio_pct=50
 * Keys are drawn from a space twice (by default) the capacity, so about half
 * the lookups miss, insert a fresh entry and evict the least recently used. */
#include "scenario.h"

typedef struct Entry {
    struct Entry *chain;    /* next in the hash bucket */
    struct Entry *newer;    /* LRU list */
    struct Entry *older;
    uint8_t *value;         /* pointer-free bytes */
    uint64_t key;
    uint64_t hits;
} Entry;
static const uint32_t entry_ptrs[] = { offsetof(Entry, chain), offsetof(Entry, newer), offsetof(Entry, older),
                                       offsetof(Entry, value) };
static rgc_type Entry_t = { .size = sizeof(Entry), .ptr_offsets = entry_ptrs, .num_ptrs = 4, .name = "Entry" };

/* The cache itself: a heap object so the collector traces it like any other. */
typedef struct Cache {
    PtrArray *buckets;
    Entry *newest, *oldest;
    uint64_t size;
} Cache;
static const uint32_t cache_ptrs[] = { offsetof(Cache, buckets), offsetof(Cache, newest), offsetof(Cache, oldest) };
static rgc_type Cache_t = { .size = sizeof(Cache), .ptr_offsets = cache_ptrs, .num_ptrs = 3, .name = "Cache" };

static uint64_t hash(uint64_t k) { return k * 0x9e3779b97f4a7c15u; }

static void unlink_lru(Cache *c, Entry *e) {
    if (e->newer) RGC_STORE(e->newer, e->newer->older, e->older); else RGC_STORE(c, c->newest, e->older);
    if (e->older) RGC_STORE(e->older, e->older->newer, e->newer); else RGC_STORE(c, c->oldest, e->newer);
    RGC_STORE(e, e->newer, (Entry *)NULL);
    RGC_STORE(e, e->older, (Entry *)NULL);
}
static void push_newest(Cache *c, Entry *e) {
    RGC_STORE(e, e->older, c->newest);
    if (c->newest) RGC_STORE(c->newest, c->newest->newer, e); else RGC_STORE(c, c->oldest, e);
    RGC_STORE(c, c->newest, e);
}
static void remove_from_bucket(Cache *c, Entry *e) {
    PtrArray *b = c->buckets;
    size_t i = hash(e->key) & (b->length - 1);
    Entry **link = (Entry **)&b->items[i];
    void *owner = b;
    while (*link != e) { owner = *link; link = &(*link)->chain; }
    RGC_STORE(owner, *link, e->chain);
}
static uint8_t *fill_value(uint8_t *v, uint64_t key, long n) {
    for (long i = 0; i < n; i += 8) v[i] = (uint8_t)(key + (uint64_t)i);
    return v;
}

int main(int argc, char **argv) {
    sc_begin(argc, argv, "lru-cache");
    double live_mb = sc_param("live_mb", 16);
    long ops = sc_scaled("ops", 2000000);
    long value = sc_param_long("value", 200);
    long hit_pct = sc_param_long("hit_ratio_pct", 50);
    if (value < 8 || hit_pct < 1 || hit_pct > 100) sc_die("need value >= 8 and 1 <= hit_ratio_pct <= 100");
    uint64_t per_entry = sizeof(Entry) + (uint64_t)value;
    uint64_t capacity = (uint64_t)(live_mb * 1024 * 1024 / (double)(per_entry + sizeof(void *)));
    if (capacity < 16) capacity = 16;
    size_t nbuckets = 1;
    while (nbuckets < capacity) nbuckets <<= 1;
    uint64_t key_space = capacity * 100 / (uint64_t)hit_pct;
    /* Cache + buckets + capacity entries, + one new entry (and one replaced
     * value) allocated before the eviction. */
    sc_init_heap(sizeof(Cache) + ptrarray_bytes(nbuckets) + (capacity + 1) * per_entry + (uint64_t)value);

    RGC_FRAME(f, 2); /* f[0]: cache, f[1]: entry under construction */
    f[0] = sc_check_alloc(rgc_alloc(&Cache_t));
    PtrArray *buckets = sc_check_alloc(rgc_alloc_array(&PtrArray_type, nbuckets));
    RGC_STORE((Cache *)f[0], ((Cache *)f[0])->buckets, buckets);

    uint64_t hits = 0, checksum = 0;
    for (long op = -(long)capacity; op < ops; op++) {
        if (op == 0) sc_run_start(); /* the warm-up fills the cache */
        uint64_t key = op < 0 ? (uint64_t)(op + (long)capacity) : sc_rand() % key_space;
        Cache *c = f[0];
        size_t i = hash(key) & (c->buckets->length - 1);
        Entry *e = c->buckets->items[i];
        while (e && e->key != key) e = e->chain;
        if (e) {
            hits++;
            if (e->value[0] != (uint8_t)key) sc_die("value of key %llu corrupted", (unsigned long long)key);
            checksum += e->value[value / 2 / 8 * 8];
            unlink_lru(c, e);
            push_newest(c, e);
            if (++e->hits % 8 == 0) { /* an update replaces the value */
                f[1] = e;
                uint8_t *v = fill_value(sc_check_alloc(rgc_alloc_bytes((size_t)value)), key, value);
                e = f[1];
                RGC_STORE(e, e->value, v);
            }
            continue;
        }
        if (c->size == capacity) { /* evict the least recently used */
            Entry *victim = c->oldest;
            remove_from_bucket(c, victim);
            unlink_lru(c, victim);
            c->size--;
        }
        f[1] = sc_check_alloc(rgc_alloc(&Entry_t));
        uint8_t *v = fill_value(sc_check_alloc(rgc_alloc_bytes((size_t)value)), key, value);
        e = f[1];
        c = f[0];
        e->key = key;
        RGC_STORE(e, e->value, v);
        RGC_STORE(e, e->chain, (Entry *)c->buckets->items[i]);
        RGC_STORE(c->buckets, c->buckets->items[i], (void *)e);
        push_newest(c, e);
        c->size++;
        f[1] = NULL;
    }
    sc_run_end();
    Cache *c = f[0];
    uint64_t n = 0;
    for (Entry *e = c->newest; e; e = e->older, n++)
        if (e->value[0] != (uint8_t)e->key) sc_die("entry %llu corrupted", (unsigned long long)e->key);
    if (n != c->size) sc_die("LRU list holds %llu entries, size says %llu", (unsigned long long)n,
                             (unsigned long long)c->size);
    char extra[160];
    snprintf(extra, sizeof extra, "\"ops\":%ld,\"hits\":%llu,\"capacity\":%llu", ops, (unsigned long long)hits,
             (unsigned long long)capacity);
    sc_finish(checksum, extra);
    RGC_POP(f);
    return 0;
}
