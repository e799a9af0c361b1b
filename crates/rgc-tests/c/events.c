/* Phase events nest inside pauses, have monotonic timestamps, and agree
 * with the pause statistics. With the incremental collector's collector
 * thread (RGC_BACKGROUND=on), its work comes as RGC_PHASE_BACKGROUND
 * outside pauses, its handshakes' time to safepoint as RGC_PHASE_SAFEPOINT
 * before them, and a mutator's wait for the thread's lock as a pause whose
 * two events arrive together, carrying the wait's start, so after events
 * stamped later; so do the two events of the thread's marking without the
 * collector lock (RGC_PHASE_BACKGROUND, reported when it next holds it). */
#include "rgct.h"

#define MAXEV 100000
static rgc_event evs[MAXEV];
static int nev;
static void listener(const rgc_event *e, void *user) {
    CHECK(user == (void *)evs, "user pointer");
    if (nev < MAXEV) evs[nev++] = *e;
}

int main(void) {
    rgct_init();
    rgc_set_event_listener(listener, evs);
    RGC_FRAME(f, 1);
    for (int i = 0; i < rgct_scale(200000, 300); i++) { Node *n = new_node(i); if (i % 100 == 0) f[0] = n; }
    rgc_collect();
    rgc_set_event_listener(NULL, NULL);
    rgc_stats s = rgct_stats();
    if (!rgct_collects()) { CHECK(nev == 0 && s.pauses == 0, "none emits no events"); printf("ok\n"); return 0; }
    CHECK(nev > 0 && nev < MAXEV, "%d events", nev);
    int thread_on = rgct_collector_thread();
    int depth = 0, open_phase[16], pauses = 0, waits = 0;
    unsigned long long total = 0, start = 0, maxp = 0, last = 0;
    for (int i = 0; i < nev; i++) {
        int pair = thread_on && depth == 0 && evs[i].kind == RGC_EVENT_START &&
                   (evs[i].phase == RGC_PHASE_PAUSE || evs[i].phase == RGC_PHASE_BACKGROUND) && i + 1 < nev &&
                   evs[i + 1].kind == RGC_EVENT_END && evs[i + 1].phase == evs[i].phase;
        if (pair) {
            CHECK(evs[i + 1].timestamp_ns >= evs[i].timestamp_ns && evs[i + 1].timestamp_ns >= last, "a span ends before it starts");
            if (evs[i].phase == RGC_PHASE_PAUSE) {
                unsigned long long d = evs[i + 1].timestamp_ns - evs[i].timestamp_ns;
                total += d, maxp = d > maxp ? d : maxp, pauses++, waits++;
            }
            last = evs[++i].timestamp_ns;
            continue;
        }
        CHECK(evs[i].timestamp_ns >= last, "time went backwards at event %d", i);
        last = evs[i].timestamp_ns;
        if (evs[i].kind == RGC_EVENT_START) {
            CHECK(depth < 16, "nesting too deep");
            int outside = thread_on && (evs[i].phase == RGC_PHASE_BACKGROUND || evs[i].phase == RGC_PHASE_SAFEPOINT);
            if (depth == 0 && !outside) { CHECK(evs[i].phase == RGC_PHASE_PAUSE, "phase %s outside a pause", rgc_phase_name(evs[i].phase)); start = evs[i].timestamp_ns; }
            open_phase[depth++] = evs[i].phase;
        } else {
            CHECK(depth > 0 && open_phase[depth - 1] == (int)evs[i].phase, "unbalanced end of %s", rgc_phase_name(evs[i].phase));
            depth--;
            if (depth == 0 && evs[i].phase == RGC_PHASE_PAUSE) { unsigned long long d = evs[i].timestamp_ns - start; total += d; if (d > maxp) maxp = d; pauses++; }
        }
    }
    CHECK(depth == 0, "unterminated phase");
    if (thread_on) {
        /* The thread pauses the program while this one reads the
         * statistics, so the two counts can differ by what happened in
         * between; their agreement is checked without it. */
        CHECK(pauses > waits, "%d pauses, %d of them waits for the collector thread", pauses, waits);
        RGC_POP(f);
        printf("ok\n");
        return 0;
    }
    CHECK((unsigned long long)pauses == s.pauses, "pauses %d, stats %llu", pauses, (unsigned long long)s.pauses);
    if (s.increments) /* incremental: every pause is one increment of some cycle, or a wait for the thread */
        CHECK(s.increments == s.pauses - waits && s.collections <= s.pauses && s.cycle_increments >= 1, "increments %llu, pauses %llu",
              (unsigned long long)s.increments, (unsigned long long)s.pauses);
    else
        CHECK(pauses == (int)s.collections, "pauses %d, collections %llu", pauses, (unsigned long long)s.collections);
    CHECK(total == s.total_pause_ns && maxp == s.max_pause_ns, "pause totals disagree: %llu vs %llu", total, (unsigned long long)s.total_pause_ns);
    CHECK(strcmp(rgc_phase_name(RGC_PHASE_MARK), "mark") == 0 && strcmp(rgc_phase_name(99), "unknown") == 0, "phase names");
    RGC_POP(f);
    printf("ok\n");
    return 0;
}
