/* The incremental collector's collector thread (RGC_BACKGROUND=on) marks
 * and sweeps while this thread rewires a graph of chains and allocates
 * garbage, without ever calling rgc_step: every node must survive intact,
 * and a full collection must then find exactly the reachable ones. Bursts
 * of 1000 rewires without an allocation fill the store log, which is then
 * handed to the collector thread while it marks; every 500 iterations this
 * thread sleeps in a blocking region so that the thread marks alone. Every
 * other burst stores through the out-of-line barrier (rgc_write_barrier,
 * a generic build's store), whose full log is shaded under the collector
 * lock (through the hand-off when the thread is marking without the lock;
 * gc-heap's `lend` tests that path directly). With
 * the thread on (the
 * runner sets RGC_BACKGROUND), its work must show as RGC_PHASE_BACKGROUND
 * events (not under torture mode, where the mutator takes the collector
 * lock at every allocation and the thread seldom gets it); with it off,
 * or under another collector, none may come. */
#include "rgct.h"
#include <time.h>

static unsigned long background_slices, pauses;

static void listener(const rgc_event *e, void *user) {
    (void)user;
    if (e->kind != RGC_EVENT_START) return;
    if (e->phase == RGC_PHASE_BACKGROUND) background_slices++;
    if (e->phase == RGC_PHASE_PAUSE) pauses++;
}

/* rgct_rewire through rgc_write_barrier instead of the inline RGC_STORE. */
static void rewire_out_of_line(PtrArray *a, unsigned *seed) {
    size_t i = rgct_rand(seed) % a->length, j = rgct_rand(seed) % a->length;
    Node *head = a->items[i];
    if (!head || !head->left) return;
    Node *x = head->left;
    rgc_write_barrier(head, (void **)&head->left, x->left);
    rgc_write_barrier(x, (void **)&x->left, a->items[j]);
    rgc_write_barrier(a, (void **)&a->items[j], x);
    Node *other = a->items[rgct_rand(seed) % a->length];
    rgc_write_barrier(x, (void **)&x->right, other);
    if (other) rgc_write_barrier(other, (void **)&other->right, NULL);
}

int main(void) {
    rgc_config cfg;
    rgc_config_default(&cfg);
    cfg.heap_initial = 256 << 10; /* cycles start often */
    cfg.verify = 1;               /* the colours after every step (the heap is small) */
    CHECK(rgct_init_with(&cfg) == 0, "init");
    rgc_set_event_listener(listener, NULL);
    RGC_FRAME(f, 1);
    /* The same work however the runner scales others: the heap is small
     * enough for the verifier at every step, the run long enough for many
     * cycles. */
    long chains = 16, per_chain = 16, n = chains * per_chain;
    rgct_build_chains(&f[0], chains, per_chain);
    unsigned seed = 4242;
    long iterations = rgct_torture() ? 20000 : 200000;
    for (long it = 0; it < iterations; it++) {
        new_node(-1); /* garbage: the allocation that paces cycles */
        int out_of_line = it / 250 % 2;
        for (int k = it % 250 == 249 ? 1000 : 1; k > 0; k--)
            out_of_line ? rewire_out_of_line(f[0], &seed) : rgct_rewire(f[0], &seed);
        if (it % 500 == 0) {
            /* Let the collector thread run alone (this thread counts as
             * stopped), whatever the machine's load: marking may end
             * while the last rewires' overwritten values sit in this
             * thread's store log, which only a handshake may shade. */
            rgc_enter_blocking();
            struct timespec pause = { 0, 200 * 1000 };
            nanosleep(&pause, NULL);
            rgc_leave_blocking();
        }
    }
    long count, id_sum;
    rgct_check_chains(f[0], &count, &id_sum);
    CHECK(count == n && id_sum == n * (n - 1) / 2, "%ld nodes (id sum %ld) survive of %ld", count, id_sum, n);
    int thread_on = rgct_collector_thread();
    rgc_stats s = rgct_stats();
    if (thread_on && !rgct_torture())
        CHECK(background_slices > 0 && s.collections >= 2, "%lu slices of the collector thread in %llu cycles",
              background_slices, (unsigned long long)s.collections);
    else if (!thread_on)
        CHECK(background_slices == 0, "%lu slices of a collector thread that is off", background_slices);
    rgc_collect();
    if (rgct_precise())
        CHECK(rgct_stats().live_objects == (unsigned long long)n + 1, "live objects %llu, expected %ld",
              (unsigned long long)rgct_stats().live_objects, n + 1);
    RGC_POP(f);
    rgc_shutdown();
    printf("ok\n");
    return 0;
}
