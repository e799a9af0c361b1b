/* What every harness scenario shares: parameters, heap sizing, pause and
 * latency recording, and the one JSON object a run prints on stdout.
 *
 * A scenario is a C program written the way generated code is (type
 * descriptors, shadow-stack frames, RGC_STORE). It calls, in order:
 *   sc_begin(argc, argv, "name");           parse key=value parameters
 *   sc_param_*("key", default) ...          read its own parameters
 *   sc_init_heap(max_live_bytes);           rgc_init with heap_max = heap_mult x max live
 *   ... setup that is not measured ...
 *   sc_run_start(); ... measured work ... sc_run_end();
 *   sc_finish(checksum);                    print the JSON result
 * Parameters common to all scenarios:
 *   heap_mult=X   heap limit = X * max live (floor SC_MIN_HEAP); 0 = no limit
 *   heap_policy=growth|fixed|adaptive   rgc_config.heap_policy (default growth)
 *   markers=N     rgc_config.markers (default 0: one per core)
 *   scale=X       multiply the amount of work (quick runs use < 1)
 * Pauses come from the collector's RGC_PHASE_PAUSE events, the time spent
 * marking (mark_ns, for a mark rate with rgc_stats.marked_bytes) from its
 * RGC_PHASE_MARK events. Running out of
 * memory prints {"failed": ...} and exits with status 3: a collector that
 * cannot finish in the heap it was given is reported, not given more. */
#ifndef SCENARIO_H
#define SCENARIO_H
#include "rgc.h"
#include <stdarg.h>
/* Not every scenario uses every helper below. */
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-variable"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if !defined(RGC_SINGLE_THREAD)
#include <sys/resource.h>
#endif

/* The smallest heap limit a scenario gets: a heap needs a few blocks per
 * size class in use, whatever the live data. */
#define SC_MIN_HEAP (1u << 20)

static const char *sc_name;
static int sc_argc;
static char **sc_argv;
static uint64_t sc_max_live, sc_heap_limit;
static uint64_t sc_t0, sc_t1, sc_cpu0, sc_cpu1;

#if defined(RGC_SINGLE_THREAD)
/* On a board (rgc.h's bare-metal build): the board's clock is rgc's clock,
 * the one core only runs this program, and there is no RSS to read. */
static uint64_t sc_now_ns(void) { return rgc_platform_now_ns(); }
static uint64_t sc_cpu_ns(void) { return rgc_platform_now_ns(); }
/* No thread CPU clock: pauses report wall time only. */
#define SC_THREAD_CPU 0
static uint64_t sc_thread_cpu_ns(void) { return 0; }
static long sc_peak_rss_kb(void) { return 0; }
#else
static uint64_t sc_now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}
static uint64_t sc_cpu_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}
/* The calling thread's CPU time: what a pause cost its thread, which a
 * shared machine's preemption does not stretch. */
#define SC_THREAD_CPU 1
static uint64_t sc_thread_cpu_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}
/* Peak RSS of this program: Linux's VmHWM, which starts afresh at exec.
 * (getrusage's ru_maxrss survives exec: a program the harness starts would
 * report the harness's own peak, 4 MB, when its own is smaller.) */
static long sc_peak_rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    if (f) {
        char line[256];
        long kb = -1;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
        fclose(f);
        if (kb >= 0) return kb;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}
#endif

static void sc_die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", sc_name ? sc_name : "scenario");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

/* ---- growable arrays of samples (malloc, outside the collected heap) ---- */
typedef struct {
    uint64_t *items;
    size_t len, cap;
} sc_vec;
static void sc_push(sc_vec *v, uint64_t x) {
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 4096;
        v->items = realloc(v->items, v->cap * sizeof(uint64_t));
        if (!v->items) sc_die("out of malloc memory for samples");
    }
    v->items[v->len++] = x;
}
static sc_vec sc_pauses;    /* start, end, start, end, ... */
static sc_vec sc_pause_cpu; /* each pause's thread CPU time, in the same order */
static uint64_t sc_pause_cpu_start;
static sc_vec sc_latencies; /* mutator-observed latency per tick/request */
static uint64_t sc_pause_start;
static uint64_t sc_mark_start, sc_mark_ns; /* RGC_PHASE_MARK: the last start, the total */
static uint64_t sc_run_mark_ns; /* the part of sc_mark_ns between sc_run_start and sc_run_end */

/* A pause whose start event arrives this long after its timestamp was
 * delivered after the fact (a lock wait); a live one arrives at once. */
#define SC_LATE_START_NS 2000u
/* The CPU time of such a pause, in pause_cpu_ns (the harness's
 * `run::CPU_UNKNOWN`). */
#define SC_CPU_UNKNOWN UINT64_MAX
static int sc_pause_after_the_fact;

static void sc_listener(const rgc_event *e, void *user) {
    (void)user;
    if (e->phase == RGC_PHASE_MARK) {
        if (e->kind == RGC_EVENT_START) sc_mark_start = e->timestamp_ns;
        else {
            sc_mark_ns += e->timestamp_ns - sc_mark_start;
            if (sc_t0 && !sc_t1 && sc_mark_start >= sc_t0) sc_run_mark_ns += e->timestamp_ns - sc_mark_start;
        }
    }
    if (e->phase != RGC_PHASE_PAUSE) return;
    /* A pause starts and ends on the thread that collects, where this
     * listener runs. A thread's wait for the collector lock is a pause too,
     * delivered once it has the lock (both events at once, with the wait's
     * timestamps): its CPU time was not measured (SC_CPU_UNKNOWN; the
     * harness counts the CPU time of the pause it waited for, if any, else
     * the wait's wall time, an upper bound). */
    if (e->kind == RGC_EVENT_START) {
        sc_pause_start = e->timestamp_ns;
        sc_pause_after_the_fact = sc_now_ns() - e->timestamp_ns > SC_LATE_START_NS;
        if (SC_THREAD_CPU) sc_pause_cpu_start = sc_thread_cpu_ns();
    } else if (sc_pause_after_the_fact) {
        if (SC_THREAD_CPU) sc_push(&sc_pause_cpu, SC_CPU_UNKNOWN);
        sc_push(&sc_pauses, sc_pause_start);
        sc_push(&sc_pauses, e->timestamp_ns);
    } else {
        if (SC_THREAD_CPU) sc_push(&sc_pause_cpu, sc_thread_cpu_ns() - sc_pause_cpu_start);
        sc_push(&sc_pauses, sc_pause_start);
        sc_push(&sc_pauses, e->timestamp_ns);
    }
}

static void sc_latency(uint64_t ns) { sc_push(&sc_latencies, ns); }

/* ---- parameters ---- */
static const char *sc_param_str(const char *key) {
    size_t n = strlen(key);
    for (int i = 1; i < sc_argc; i++)
        if (strncmp(sc_argv[i], key, n) == 0 && sc_argv[i][n] == '=') return sc_argv[i] + n + 1;
    return NULL;
}
static double sc_param(const char *key, double dflt) {
    const char *s = sc_param_str(key);
    if (!s) return dflt;
    char *end;
    double v = strtod(s, &end);
    if (*s == 0 || *end != 0 || v < 0) sc_die("parameter %s='%s' is not a non-negative number", key, s);
    return v;
}
static long sc_param_long(const char *key, long dflt) { return (long)sc_param(key, (double)dflt); }
/* Work counts scale with scale=X (at least 1). */
static long sc_scaled(const char *key, long dflt) {
    long n = (long)(sc_param_long(key, dflt) * sc_param("scale", 1.0));
    return n < 1 ? 1 : n;
}

static void sc_begin(int argc, char **argv, const char *name) {
    sc_name = name;
    sc_argc = argc;
    sc_argv = argv;
    for (int i = 1; i < argc; i++)
        if (!strchr(argv[i], '=')) sc_die("argument '%s' is not key=value", argv[i]);
}

/* The collector as the harness names it: incremental-bg is incremental
 * with its collector thread (compiled with -DSC_BACKGROUND). */
static const char *sc_collector_name(void) {
#if defined(SC_BACKGROUND)
    return "incremental-bg";
#else
    return rgc_collector_name();
#endif
}

static void sc_oom(const char *call, size_t requested, void *user) {
    (void)user;
    rgc_stats s;
    rgc_get_stats(&s);
    printf("{\"scenario\":\"%s\",\"collector\":\"%s\",\"failed\":\"out of memory: %s of %zu bytes with heap limit "
           "%llu, max live %llu, heap in use %llu\"}\n",
           sc_name, sc_collector_name(), call, requested, (unsigned long long)sc_heap_limit,
           (unsigned long long)sc_max_live, (unsigned long long)s.heap_size);
    fflush(stdout);
    _exit(3);
}

static void sc_init_heap(uint64_t max_live) {
    sc_max_live = max_live;
    double mult = sc_param("heap_mult", 2.0);
    rgc_config cfg;
    rgc_config_default(&cfg);
    if (mult > 0) {
        sc_heap_limit = (uint64_t)(mult * (double)max_live);
        if (sc_heap_limit < SC_MIN_HEAP) sc_heap_limit = SC_MIN_HEAP;
        cfg.heap_max = sc_heap_limit;
    }
    const char *policy = sc_param_str("heap_policy");
    if (!policy || strcmp(policy, "growth") == 0) cfg.heap_policy = RGC_HEAP_POLICY_GROWTH;
    else if (strcmp(policy, "fixed") == 0) cfg.heap_policy = RGC_HEAP_POLICY_FIXED;
    else if (strcmp(policy, "adaptive") == 0) cfg.heap_policy = RGC_HEAP_POLICY_ADAPTIVE;
    else sc_die("heap_policy='%s' is not growth, fixed or adaptive", policy);
    const char *pacing = sc_param_str("pacing");
    if (!pacing || strcmp(pacing, "late") == 0) cfg.pacing = RGC_PACING_LATE;
    else if (strcmp(pacing, "even") == 0) cfg.pacing = RGC_PACING_EVEN;
    else sc_die("pacing='%s' is not late or even", pacing);
#if defined(SC_BACKGROUND)
    cfg.pacing = RGC_PACING_LATE; /* the collector thread paces itself (rgc_init refuses even with it) */
#endif
    cfg.markers = (uint32_t)sc_param_long("markers", 0);
#if defined(SC_BACKGROUND)
    cfg.background = RGC_BACKGROUND_ON; /* the harness's incremental-bg */
#else
    cfg.background = RGC_BACKGROUND_OFF; /* incremental: time slicing, whatever the cores */
#endif
#if defined(RGC_SINGLE_THREAD)
    /* A board's build of rgc has no system allocator: lend it a region
     * from malloc (the board's RAM) with room for the limit, the tables and
     * the shadow stack (12 MB when there is no limit). */
    cfg.shadowstack_slots = 4096;
    cfg.region_size = sc_heap_limit ? sc_heap_limit + sc_heap_limit / 4 + (256u << 10) : (12u << 20);
    cfg.region = malloc(cfg.region_size);
    if (!cfg.region) sc_die("cannot malloc a %llu-byte region", (unsigned long long)cfg.region_size);
#endif
    if (rgc_init(&cfg) != 0) sc_die("rgc_init failed");
    if (mult == 0) sc_heap_limit = 0;
    rgc_set_oom_handler(sc_oom, NULL);
    rgc_set_event_listener(sc_listener, NULL);
}

static void sc_run_start(void) {
    sc_t0 = sc_now_ns();
    sc_cpu0 = sc_cpu_ns();
}
static void sc_run_end(void) {
    sc_t1 = sc_now_ns();
    sc_cpu1 = sc_cpu_ns();
}

static void sc_print_vec(const char *key, const sc_vec *v) {
    printf(",\"%s\":[", key);
    for (size_t i = 0; i < v->len; i++) printf(i ? ",%llu" : "%llu", (unsigned long long)v->items[i]);
    printf("]");
}

/* Prints the result. `extra` is a JSON fragment of scenario-specific fields
 * ("\"key\":value,..."), or "" . */
static void sc_finish(uint64_t checksum, const char *extra) {
    rgc_set_event_listener(NULL, NULL);
    rgc_stats s;
    rgc_get_stats(&s);
    printf("{\"scenario\":\"%s\",\"collector\":\"%s\",\"params\":{", sc_name, sc_collector_name());
    for (int i = 1; i < sc_argc; i++) {
        const char *eq = strchr(sc_argv[i], '=');
        printf("%s\"%.*s\":\"%s\"", i > 1 ? "," : "", (int)(eq - sc_argv[i]), sc_argv[i], eq + 1);
    }
    printf("},\"max_live_bytes\":%llu,\"heap_limit\":%llu,\"run_start_ns\":%llu,\"run_end_ns\":%llu,"
           "\"cpu_ns\":%llu,\"collections\":%llu,\"bytes_allocated\":%llu,\"peak_heap\":%llu,"
           "\"peak_rss_kb\":%ld,\"overruns\":%llu,\"checksum\":%llu,\"freed_by_count\":%llu,"
           "\"freed_by_cycles\":%llu,\"reconciliations\":%llu,\"cycle_collections\":%llu,\"backup_traces\":%llu,"
           "\"mark_ns\":%llu,\"run_mark_ns\":%llu,\"marked_bytes\":%llu,\"markers\":%llu%s%s",
           (unsigned long long)sc_max_live, (unsigned long long)sc_heap_limit, (unsigned long long)sc_t0,
           (unsigned long long)sc_t1, (unsigned long long)(sc_cpu1 - sc_cpu0), (unsigned long long)s.collections,
           (unsigned long long)s.bytes_allocated, (unsigned long long)s.peak_heap_size, sc_peak_rss_kb(),
           (unsigned long long)s.overruns, (unsigned long long)checksum, (unsigned long long)s.freed_by_count,
           (unsigned long long)s.freed_by_cycles, (unsigned long long)s.reconciliations,
           (unsigned long long)s.cycle_collections, (unsigned long long)s.backup_traces,
           (unsigned long long)sc_mark_ns, (unsigned long long)sc_run_mark_ns, (unsigned long long)s.marked_bytes, (unsigned long long)s.markers,
           *extra ? "," : "", extra);
    sc_print_vec("pauses_ns", &sc_pauses);
    sc_print_vec("pause_cpu_ns", &sc_pause_cpu);
    sc_print_vec("latencies_ns", &sc_latencies);
    printf("}\n");
}

/* ---- types shared by scenarios ---- */

/* Pointer array: [size_t length][void *items[]]. */
typedef struct PtrArray {
    size_t length;
    void *items[];
} PtrArray;
static const uint32_t sc_item_ptr[] = { 0 };
static rgc_type PtrArray_type = { .size = sizeof(PtrArray), .flags = RGC_TYPE_VARSIZE, .item_size = sizeof(void *),
                                  .item_ptr_offsets = sc_item_ptr, .item_num_ptrs = 1,
                                  .length_offset = offsetof(PtrArray, length), .name = "PtrArray" };
static uint64_t ptrarray_bytes(size_t n) { return sizeof(PtrArray) + n * sizeof(void *); }

/* Deterministic pseudo-random numbers (xorshift64*). */
static uint64_t sc_rng = 0x9e3779b97f4a7c15u;
static uint64_t sc_rand(void) {
    sc_rng ^= sc_rng >> 12;
    sc_rng ^= sc_rng << 25;
    sc_rng ^= sc_rng >> 27;
    return sc_rng * 2685821657736338717u;
}

static void *sc_check_alloc(void *p) {
    if (!p) sc_die("allocation returned NULL");
    return p;
}
#endif
