/* Global roots and a second thread's shadow stack are scanned. The
 * threads take turns through a lock of the program's own; each waits for
 * it in a blocking region, so a collection never waits for a thread that
 * waits for the lock (rgc.h, "Safepoints"). refcount runs one thread. */
#include "rgct.h"
#include <pthread.h>
#include <string.h>

static Node *global_node;
static pthread_mutex_t gil = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t step_lock = PTHREAD_MUTEX_INITIALIZER;
static int phase;

static void *worker(void *arg) {
    (void)arg;
    pthread_mutex_lock(&gil);
    CHECK(rgc_thread_attach() == 0, "attach");
    RGC_FRAME(f, 1);
    f[0] = new_node(4242);
    phase = 1;
    pthread_mutex_unlock(&gil);
    /* wait while the main thread collects */
    rgc_enter_blocking();
    for (;;) { pthread_mutex_lock(&gil); if (phase == 2) break; pthread_mutex_unlock(&gil); }
    rgc_leave_blocking();
    Node *n = f[0];
    CHECK(n->id == 4242, "worker's root lost: id %ld", n->id);
    check_node(n);
    RGC_POP(f);
    rgc_thread_detach();
    pthread_mutex_unlock(&gil);
    return NULL;
}

int main(void) {
    rgct_init();
    (void)step_lock;
    /* Registered first: with threads (or a collector thread), the call is
     * a safepoint where a collection may free what only an unregistered
     * global holds (rgc.h, rule 3). */
    rgc_add_root((void **)&global_node);
    global_node = new_node(99);
    int threads = strcmp(rgc_collector_name(), "refcount") != 0;
    pthread_t t;
    if (threads) {
        pthread_create(&t, NULL, worker, NULL);
        rgc_enter_blocking();
        for (;;) { pthread_mutex_lock(&gil); if (phase == 1) break; pthread_mutex_unlock(&gil); }
        rgc_leave_blocking();
    }
    for (int i = 0; i < rgct_scale(50000, 200); i++) new_node(-1);
    rgc_collect();
    if (threads) {
        phase = 2;
        pthread_mutex_unlock(&gil);
        rgc_enter_blocking();
        pthread_join(t, NULL);
        rgc_leave_blocking();
    }
    CHECK(global_node->id == 99, "global root lost");
    check_node(global_node);
    rgc_collect();
    if (rgct_precise()) CHECK(rgct_stats().live_objects == 1, "live %llu", (unsigned long long)rgct_stats().live_objects);
    rgc_remove_root((void **)&global_node);
    rgc_collect();
    if (rgct_precise()) CHECK(rgct_stats().live_objects == 0, "removed root still keeps its object");
    printf("ok\n");
    return 0;
}
