/* memory-fit: how much memory a collector needs beyond the live data
 * (issue 7, "memory overhead"). Not a pause scenario: the harness prints
 * its own table from it.
 *
 * mode=occupancy (default): in a region of region_kb (default 4096) KB,
 *   fill the heap with objects of mixed sizes until the live payload is
 *   live_percent (default 75) % of the heap's capacity (rgc_stats'
 *   heap_max), or live_kb KB when given, then churn: replace random objects with new ones of new
 *   sizes until churn (default 4) times the live bytes were allocated,
 *   holding the live payload at its target. Then collect and report
 *     metadata   the heap's side tables (rgc_stats.metadata_bytes)
 *     tables     the collector's tables at their peak (peak_table_bytes)
 *     waste      heap_size - live payload: headers, size-class rounding,
 *                free cells in blocks that hold live objects, and large
 *                objects' unused block tails
 *   overhead = metadata + tables + waste, as % of the heap's capacity.
 *   churn=0 only fills (for `none`, which never frees).
 * mode=rss: without a region, build live_kb (default 1024) KB of live
 *   objects of the same mix, churn as above, and report the process's
 *   peak RSS, and its RSS before rgc_init (the program and C library).
 *   heap_mult as in every scenario (0: the collector's default limit).
 *
 * Payload sizes, by count (log-uniform within each band, so most objects
 * are small, as in the programs rgc serves):
 *   60 % 8-64 B, 30 % 64-512 B, 9.5 % 512 B-4 KB, 0.5 % 4-32 KB.
 * Objects are pointer-free byte buffers held by one pointer array (the
 * array counts as live payload too). */
#include "scenario.h"

/* A size from `lo` to `hi` (powers of two): a random octave, then a
 * uniform size within it. */
static size_t size_in(size_t lo, size_t hi) {
    unsigned octaves = 0;
    while ((lo << octaves) < hi) octaves++;
    size_t base = lo << (sc_rand() % octaves);
    return base + (size_t)(sc_rand() % base);
}

static size_t pick_size(void) {
    uint64_t r = sc_rand() % 1000;
    if (r < 600) return size_in(8, 64);
    if (r < 900) return size_in(64, 512);
    if (r < 995) return size_in(512, 4096);
    return size_in(4096, 32768);
}

static PtrArray *slots_of(void **f) { return (PtrArray *)f[0]; }

int main(int argc, char **argv) {
    sc_begin(argc, argv, "memory-fit");
    const char *mode = sc_param_str("mode");
    int rss_mode = mode && strcmp(mode, "rss") == 0;
    if (mode && !rss_mode && strcmp(mode, "occupancy") != 0) sc_die("mode='%s' is not occupancy or rss", mode);
    double churn = sc_param("churn", 4);
    long rss_before_kb = sc_peak_rss_kb();
    uint64_t region_bytes = 0, target;
    rgc_stats s;
    if (rss_mode) {
        target = (uint64_t)sc_param_long("live_kb", 1024) << 10;
        sc_init_heap(target);
    } else {
        region_bytes = (uint64_t)sc_param_long("region_kb", 4096) << 10;
        rgc_config cfg;
        rgc_config_default(&cfg);
        cfg.region_size = region_bytes;
        cfg.region = malloc(region_bytes);
        cfg.shadowstack_slots = 1024;
        if (!cfg.region) sc_die("cannot malloc a %llu-byte region", (unsigned long long)region_bytes);
        if (rgc_init(&cfg) != 0) sc_die("rgc_init failed");
        rgc_set_oom_handler(sc_oom, NULL);
        rgc_get_stats(&s);
        long live_kb = sc_param_long("live_kb", 0);
        target = live_kb > 0 ? (uint64_t)live_kb << 10
                             : (uint64_t)((double)s.heap_max * sc_param("live_percent", 75) / 100.0);
        if (target > s.heap_max) sc_die("live_kb=%ld is more than the heap's %llu bytes", live_kb, (unsigned long long)s.heap_max);
        sc_max_live = target;
        sc_heap_limit = s.heap_max;
    }
    /* Slots for twice the objects the target takes on average. */
    size_t nslots = (size_t)(target / 250) + 64;
    size_t *sizes = calloc(nslots, sizeof *sizes);
    if (!sizes) sc_die("cannot malloc %zu sizes", nslots);
    RGC_FRAME(f, 1);
    f[0] = sc_check_alloc(rgc_alloc_array(&PtrArray_type, nslots));
    uint64_t live = ptrarray_bytes(nslots), allocated = 0, objects = 0;
    size_t free_hint = 0;
    for (int phase = 0; phase < 2; phase++) {
        uint64_t budget = phase == 0 ? 0 : (uint64_t)(churn * (double)target);
        if (phase == 1 && budget == 0) break;
        uint64_t start = allocated;
        for (;;) {
            if (phase == 1) {
                if (allocated - start >= budget) break;
                size_t j = (size_t)(sc_rand() % nslots);
                if (sizes[j]) {
                    RGC_STORE(slots_of(f), slots_of(f)->items[j], NULL);
                    live -= sizes[j];
                    sizes[j] = 0;
                    if (j < free_hint) free_hint = j;
                }
            }
            while (live < target) {
                while (free_hint < nslots && sizes[free_hint]) free_hint++;
                if (free_hint == nslots) sc_die("out of slots (%zu)", nslots);
                size_t n = pick_size();
                void *p = sc_check_alloc(rgc_alloc_bytes(n));
                memset(p, 0x5a, n < 64 ? n : 64);
                RGC_STORE(slots_of(f), slots_of(f)->items[free_hint], p);
                sizes[free_hint] = n;
                live += n;
                allocated += n;
                objects++;
            }
            if (phase == 0) break;
        }
    }
    rgc_collect();
    rgc_collect();
    rgc_get_stats(&s);
    uint64_t checksum = 0;
    for (size_t j = 0; j < nslots; j++)
        if (sizes[j]) checksum += ((uint8_t *)slots_of(f)->items[j])[0];
    long waste = (long)s.heap_size - (long)live;
    double overhead = (double)s.metadata_bytes + (double)s.peak_table_bytes + (double)waste;
    printf("{\"program\":\"memory-fit\",\"collector\":\"%s\",\"mode\":\"%s\",\"region_bytes\":%llu,"
           "\"heap_capacity\":%llu,\"target_live\":%llu,\"live_payload\":%llu,\"stats_live_bytes\":%llu,"
           "\"heap_size\":%llu,\"metadata_bytes\":%llu,\"peak_table_bytes\":%llu,\"waste_bytes\":%ld,"
           "\"overhead_percent\":%.2f,\"objects_allocated\":%llu,\"bytes_allocated\":%llu,\"collections\":%llu,"
           "\"rss_before_init_kb\":%ld,\"peak_rss_kb\":%ld,\"checksum\":%llu}\n",
           rgc_collector_name(), rss_mode ? "rss" : "occupancy", (unsigned long long)region_bytes,
           (unsigned long long)s.heap_max, (unsigned long long)target, (unsigned long long)live,
           (unsigned long long)s.live_bytes, (unsigned long long)s.heap_size,
           (unsigned long long)s.metadata_bytes, (unsigned long long)s.peak_table_bytes, waste,
           100.0 * overhead / (double)s.heap_max, (unsigned long long)objects, (unsigned long long)allocated,
           (unsigned long long)s.collections, rss_before_kb, sc_peak_rss_kb(), (unsigned long long)checksum);
    RGC_POP(f);
    rgc_shutdown();
    free(sizes);
    return 0;
}
