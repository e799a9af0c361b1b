/* Throughput with several mutator threads: `threads` workers share one
 * heap with no lock around rgc (every collector but refcount, which runs
 * one thread and so one worker).
 *
 * Parameters: threads=2 work=trees|requests units=... live_mb=8
 *   work=trees     GCBench-like: each worker keeps a long-lived tree and
 *                  builds and drops temporary trees of depth 4..12; a unit
 *                  is one node.
 *   work=requests  request-server-like: each worker parses requests into
 *                  small objects and byte buffers, keeps per-session state
 *                  in a table shared by all workers (a pthread mutex per 16
 *                  sessions, waited for in a blocking region), and builds a
 *                  response;
 *                  a unit is one request.
 * The work is split evenly: N workers do the same total as one. Besides
 * the common fields the result has "threads", "work", "units" and
 * "safepoints_ns": each stop-the-world handshake's time to safepoint
 * (RGC_PHASE_SAFEPOINT events). */
#include "scenario.h"
#include <pthread.h>

typedef struct Node { struct Node *left, *right; long a, b; } Node;
static const uint32_t node_ptrs[] = { offsetof(Node, left), offsetof(Node, right) };
static rgc_type Node_t = { .size = sizeof(Node), .ptr_offsets = node_ptrs, .num_ptrs = 2, .name = "Node" };

typedef struct Request { void *method, *path, *body; struct Request *next; long id; } Request;
static const uint32_t request_ptrs[] = { offsetof(Request, method), offsetof(Request, path), offsetof(Request, body),
                                         offsetof(Request, next) };
static rgc_type Request_t = { .size = sizeof(Request), .ptr_offsets = request_ptrs, .num_ptrs = 4, .name = "Request" };

static sc_vec safepoints;
static uint64_t safepoint_start;
static void listener(const rgc_event *e, void *user) {
    if (e->phase == RGC_PHASE_SAFEPOINT) {
        if (e->kind == RGC_EVENT_START) safepoint_start = e->timestamp_ns;
        else sc_push(&safepoints, e->timestamp_ns - safepoint_start);
    }
    sc_listener(e, user);
}

static uint64_t tree_size(int d) { return ((uint64_t)1 << (d + 1)) - 1; }

/* A tree of depth d, built bottom-up; the frame keeps the parts alive. */
static Node *make_tree(int d) {
    Node *n = sc_check_alloc(rgc_alloc(&Node_t));
    if (d == 0) return n;
    RGC_FRAME(f, 2);
    f[0] = n;
    f[1] = make_tree(d - 1);
    RGC_STORE((Node *)f[0], ((Node *)f[0])->left, (Node *)f[1]);
    f[1] = make_tree(d - 1);
    RGC_STORE((Node *)f[0], ((Node *)f[0])->right, (Node *)f[1]);
    n = f[0];
    RGC_POP(f);
    return n;
}
static uint64_t count(const Node *n) { return n ? 1 + count(n->left) + count(n->right) : 0; }

#define SESSIONS 1024
#define STRIPES 64
static PtrArray *sessions; /* a global root: session i's latest request */
/* Session i is guarded by stripes[i % STRIPES], each on its own cache line. */
static struct { pthread_mutex_t m; char pad[64 - sizeof(pthread_mutex_t) % 64]; } stripes[STRIPES];

static long units_per_worker, long_depth;
static int concurrent;

static void *trees(void *arg) {
    uint64_t made = 0;
    RGC_FRAME(f, 2);
    f[1] = make_tree((int)long_depth);
    while (made < (uint64_t)units_per_worker) {
        for (int d = 4; d <= 12 && made < (uint64_t)units_per_worker; d += 2) {
            f[0] = make_tree(d);
            made += tree_size(d);
        }
    }
    if (count(f[1]) != tree_size((int)long_depth)) sc_die("a worker's long-lived tree lost nodes");
    RGC_POP(f);
    *(uint64_t *)arg = made;
    return NULL;
}

static void *requests(void *arg) {
    uint64_t seed = (uint64_t)(uintptr_t)arg * 0x9e3779b97f4a7c15u + 1, sum = 0;
    RGC_FRAME(f, 2);
    for (long r = 0; r < units_per_worker; r++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        f[0] = sc_check_alloc(rgc_alloc(&Request_t));
        ((Request *)f[0])->id = (long)(seed >> 33);
        void *s = sc_check_alloc(rgc_alloc_bytes(8));
        RGC_STORE((Request *)f[0], ((Request *)f[0])->method, s);
        s = sc_check_alloc(rgc_alloc_bytes(24 + (seed >> 60)));
        RGC_STORE((Request *)f[0], ((Request *)f[0])->path, s);
        s = sc_check_alloc(rgc_alloc_bytes(64 + (seed >> 57)));
        memset(s, (int)r, 64);
        RGC_STORE((Request *)f[0], ((Request *)f[0])->body, s);
        f[1] = sc_check_alloc(rgc_alloc_bytes(200)); /* the response */
        size_t i = (size_t)(seed >> 40) % SESSIONS;
        pthread_mutex_t *lock = &stripes[i % STRIPES].m;
        if (concurrent) {
            rgc_enter_blocking();
            pthread_mutex_lock(lock);
            rgc_leave_blocking();
        }
        Request *prev = sessions->items[i];
        if (prev) sum += (uint64_t)prev->id;
        RGC_STORE(sessions, sessions->items[i], f[0]);
        if (concurrent) pthread_mutex_unlock(lock);
    }
    RGC_POP(f);
    *(uint64_t *)arg = sum;
    return NULL;
}

typedef struct { pthread_t t; uint64_t result; void *(*work)(void *); } Worker;

static void *worker(void *arg) {
    Worker *w = arg;
    if (rgc_thread_attach() != 0) sc_die("rgc_thread_attach failed");
    w->work(&w->result);
    rgc_thread_detach();
    return NULL;
}

int main(int argc, char **argv) {
    sc_begin(argc, argv, "threads");
    long nthreads = sc_param_long("threads", 2);
    const char *work = sc_param_str("work");
    if (!work) work = "trees";
    int is_trees = strcmp(work, "trees") == 0;
    if (!is_trees && strcmp(work, "requests") != 0) sc_die("work='%s' is not trees or requests", work);
    if (nthreads < 1 || nthreads > 64) sc_die("threads=%ld is not between 1 and 64", nthreads);
    long units = sc_scaled("units", is_trees ? 20000000 : 2000000);
    long_depth = sc_param_long("long_depth", 14);
    /* Live: each worker's long-lived tree and two temporary trees, or the
     * sessions' requests with their strings. */
    uint64_t live = is_trees ? (uint64_t)nthreads * (tree_size((int)long_depth) + 2 * tree_size(12)) * sizeof(Node)
                             : SESSIONS * (sizeof(Request) + 8 + 40 + 200) + ptrarray_bytes(SESSIONS);
    sc_init_heap(live);
    rgc_set_event_listener(listener, NULL);
    concurrent = strcmp(rgc_collector_name(), "refcount") != 0;
    if (!concurrent) nthreads = 1;
    units_per_worker = units / nthreads;
    for (int i = 0; i < STRIPES; i++) pthread_mutex_init(&stripes[i].m, NULL);
    RGC_FRAME(f, 1);
    f[0] = sc_check_alloc(rgc_alloc_array(&PtrArray_type, SESSIONS));
    sessions = f[0];
    rgc_add_root((void **)&sessions);
    Worker w[64];
    sc_run_start();
    for (long i = 0; i < nthreads; i++) {
        w[i].work = is_trees ? trees : requests;
        w[i].result = (uint64_t)i + 1;
        if (pthread_create(&w[i].t, NULL, worker, &w[i]) != 0) sc_die("pthread_create failed");
    }
    rgc_enter_blocking();
    uint64_t checksum = 0;
    for (long i = 0; i < nthreads; i++) {
        pthread_join(w[i].t, NULL);
        checksum += w[i].result;
    }
    rgc_leave_blocking();
    sc_run_end();
    RGC_POP(f);
    rgc_set_event_listener(NULL, NULL);
    size_t cap = 200 + safepoints.len * 21, len;
    char *extra = malloc(cap);
    if (!extra) sc_die("out of malloc memory");
    len = (size_t)snprintf(extra, cap, "\"threads\":%ld,\"work\":\"%s\",\"units\":%llu,\"safepoints_ns\":[", nthreads,
                           work, (unsigned long long)(units_per_worker * nthreads));
    for (size_t i = 0; i < safepoints.len; i++)
        len += (size_t)snprintf(extra + len, cap - len, i ? ",%llu" : "%llu", (unsigned long long)safepoints.items[i]);
    snprintf(extra + len, cap - len, "]");
    sc_finish(checksum, extra);
    free(extra);
    return 0;
}
