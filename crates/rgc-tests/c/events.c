/* Phase events nest inside pauses, have monotonic timestamps, and agree
 * with the pause statistics. */
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
    int depth = 0, open_phase[16], pauses = 0;
    unsigned long long total = 0, start = 0, maxp = 0;
    for (int i = 0; i < nev; i++) {
        if (i) CHECK(evs[i].timestamp_ns >= evs[i - 1].timestamp_ns, "time went backwards at event %d", i);
        if (evs[i].kind == RGC_EVENT_START) {
            CHECK(depth < 16, "nesting too deep");
            if (depth == 0) { CHECK(evs[i].phase == RGC_PHASE_PAUSE, "phase %s outside a pause", rgc_phase_name(evs[i].phase)); start = evs[i].timestamp_ns; }
            open_phase[depth++] = evs[i].phase;
        } else {
            CHECK(depth > 0 && open_phase[depth - 1] == (int)evs[i].phase, "unbalanced end of %s", rgc_phase_name(evs[i].phase));
            depth--;
            if (depth == 0) { unsigned long long d = evs[i].timestamp_ns - start; total += d; if (d > maxp) maxp = d; pauses++; }
        }
    }
    CHECK(depth == 0, "unterminated phase");
    CHECK((unsigned long long)pauses == s.pauses, "pauses %d, stats %llu", pauses, (unsigned long long)s.pauses);
    if (s.increments) /* incremental: every pause is one increment of some cycle */
        CHECK(s.increments == s.pauses && s.collections <= s.pauses && s.cycle_increments >= 1, "increments %llu, pauses %llu",
              (unsigned long long)s.increments, (unsigned long long)s.pauses);
    else
        CHECK(pauses == (int)s.collections, "pauses %d, collections %llu", pauses, (unsigned long long)s.collections);
    CHECK(total == s.total_pause_ns && maxp == s.max_pause_ns, "pause totals disagree: %llu vs %llu", total, (unsigned long long)s.total_pause_ns);
    CHECK(strcmp(rgc_phase_name(RGC_PHASE_MARK), "mark") == 0 && strcmp(rgc_phase_name(99), "unknown") == 0, "phase names");
    RGC_POP(f);
    printf("ok\n");
    return 0;
}
