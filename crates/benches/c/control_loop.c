/* control-loop: a periodic task (default 1 kHz) that allocates a few KB of
 * samples per tick, keeps a sliding window of live data, and must finish
 * each tick before its deadline. The hard real-time case.
 * Parameters: live_mb=16 duration_s=3 period_us=1000 deadline_us=<period>
 *             samples=16 (objects per tick) payload=192 (bytes per sample)
 *             step=1 (donate idle time at the end of each tick with rgc_step,
 *             in slices of at most slice_us=50, so the loop stays responsive:
 *             an incremental collector's donated pauses are then bounded too)
 * Each tick's response time (release to completion) is a latency sample;
 * a tick whose response time exceeds the deadline is a miss. */
#include "scenario.h"

typedef struct Sample {
    struct Sample *prev; /* the sample before it in time */
    uint8_t *payload;    /* pointer-free bytes */
    long tick;
    double value;
    double filtered;
    long pad[3];
} Sample;
static const uint32_t sample_ptrs[] = { offsetof(Sample, prev), offsetof(Sample, payload) };
static rgc_type Sample_t = { .size = sizeof(Sample), .ptr_offsets = sample_ptrs, .num_ptrs = 2, .name = "Sample" };

static void sleep_until(uint64_t t) {
#if defined(RGC_SINGLE_THREAD)
    while (sc_now_ns() < t) {} /* a board: nothing else to run */
#else
    struct timespec ts = { .tv_sec = (time_t)(t / 1000000000u), .tv_nsec = (long)(t % 1000000000u) };
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0) {}
#endif
}

/* One tick's work: read the sensor, allocate samples, filter over the window. */
static double tick_work(void **window_slot, void **last_slot, size_t *cursor, long tick, long samples,
                        long payload) {
    double acc = 0;
    for (long k = 0; k < samples; k++) {
        Sample *s = sc_check_alloc(rgc_alloc(&Sample_t));
        RGC_FRAME(f, 1);
        f[0] = s;
        uint8_t *p = sc_check_alloc(rgc_alloc_bytes((size_t)payload));
        s = f[0];
        RGC_STORE(s, s->payload, p);
        for (long b = 0; b < payload; b += 16) p[b] = (uint8_t)(tick + b);
        s->tick = tick;
        s->value = (double)((tick * 31 + k * 7) % 1000) / 10.0;
        RGC_STORE(s, s->prev, (Sample *)*last_slot);
        /* A first-order filter over the previous samples. */
        Sample *q = s->prev;
        double sum = s->value;
        int n = 1;
        for (; q && n < 8; q = q->prev, n++) sum += q->filtered;
        s->filtered = sum / n;
        acc += s->filtered;
        *last_slot = s;
        PtrArray *w = *window_slot;
        /* The oldest sample leaves the window; cut its back link so the
         * window holds exactly `length` samples. */
        size_t next = (*cursor + 1) % w->length;
        Sample *oldest = w->items[next]; /* oldest once items[*cursor] is replaced */
        if (oldest) RGC_STORE(oldest, oldest->prev, (Sample *)NULL);
        RGC_STORE(w, w->items[*cursor], (void *)s);
        *cursor = next;
        RGC_POP(f);
    }
    return acc;
}

int main(int argc, char **argv) {
    sc_begin(argc, argv, "control-loop");
    double live_mb = sc_param("live_mb", 16);
    double duration = sc_param("duration_s", 3) * sc_param("scale", 1.0);
    uint64_t period = (uint64_t)sc_param_long("period_us", 1000) * 1000;
    uint64_t deadline = (uint64_t)sc_param_long("deadline_us", (long)(period / 1000)) * 1000;
    long samples = sc_param_long("samples", 16);
    long payload = sc_param_long("payload", 192);
    int step = (int)sc_param_long("step", 1);
    uint64_t slice = (uint64_t)sc_param_long("slice_us", 50) * 1000;
    if (period == 0 || samples == 0) sc_die("period_us and samples must be positive");
    uint64_t per_sample = sizeof(Sample) + (uint64_t)payload;
    size_t slots = (size_t)(live_mb * 1024 * 1024 / (double)per_sample);
    if (slots < (size_t)samples) slots = (size_t)samples;
    /* Window array + `slots` samples, + the one allocated before the oldest leaves. */
    sc_init_heap(ptrarray_bytes(slots) + (slots + 1) * per_sample);

    RGC_FRAME(f, 2); /* f[0]: window, f[1]: newest sample */
    f[0] = sc_check_alloc(rgc_alloc_array(&PtrArray_type, slots));
    size_t cursor = 0;
    double acc = 0;
    /* Fill the window before measuring: the steady state is what matters. */
    for (long t = 0; (size_t)(t * samples) < slots; t++) acc += tick_work(&f[0], &f[1], &cursor, -1, samples, payload);

    long ticks = (long)(duration * 1e9 / (double)period);
    long misses = 0;
    uint64_t worst = 0;
    sc_run_start();
    uint64_t release = sc_now_ns() + period;
    for (long t = 0; t < ticks; t++, release += period) {
        sleep_until(release);
        acc += tick_work(&f[0], &f[1], &cursor, t, samples, payload);
        uint64_t done = sc_now_ns();
        uint64_t response = done - release;
        sc_latency(response);
        if (response > deadline) misses++;
        if (response > worst) worst = response;
        /* Donate up to half the idle time, one slice at a time, until no work is due. */
        uint64_t donate_until = done + (release + period - done) / 2;
        while (step && sc_now_ns() + slice < donate_until && rgc_step(slice)) {}
    }
    sc_run_end();
    /* Every sample in the window must be intact. */
    PtrArray *w = f[0];
    for (size_t i = 0; i < w->length; i++) {
        Sample *s = w->items[i];
        if (!s || !s->payload || s->payload[0] != (uint8_t)s->tick) sc_die("window sample %zu corrupted", i);
    }
    char extra[200];
    snprintf(extra, sizeof extra, "\"ticks\":%ld,\"deadline_ns\":%llu,\"deadline_misses\":%ld,\"period_ns\":%llu",
             ticks, (unsigned long long)deadline, misses, (unsigned long long)period);
    sc_finish((uint64_t)acc, extra);
    RGC_POP(f);
    return 0;
}
