/* Many mutator threads at once, with no lock around rgc: each builds and
 * checks its own lists, hands lists to the others through a rooted table,
 * makes weak references and finalizable objects that other threads meet,
 * spins without allocating (polling rgc_safepoint), and waits in blocking
 * regions. Threads start and exit in waves; half of them exit still
 * attached (rgc detaches them). Collectors whose threads must take turns
 * (rgc.h, "Threads") run the same work on the main thread alone. */
#include "rgct.h"
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#define SLOTS 16
#define LIST 24

/* Lists handed between threads: slot i holds a list's head (or NULL). The
 * slots are global roots; `table_lock` orders who reads and writes them. */
static Node *table[SLOTS];
static void *weak_table[SLOTS];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_long finalizable_made, finalized;

static void count_finalized(void *obj) {
    check_node(obj);
    atomic_fetch_add(&finalized, 1);
}
static rgc_type Final_type = { .size = sizeof(Node), .ptr_offsets = node_ptrs, .num_ptrs = 2,
                               .finalizer = count_finalized, .name = "Finalizable" };

/* Takes the table lock as a blocking call: a thread that waits for it
 * while another holds it and collects must not hold up the collection. */
static void lock_table(void) {
    rgc_enter_blocking();
    pthread_mutex_lock(&table_lock);
    rgc_leave_blocking();
}

/* A list of LIST nodes with ids base, base+1, ...: root f[0]. */
static void build_list(void **f, long base) {
    f[0] = NULL;
    for (long k = LIST - 1; k >= 0; k--) {
        Node *n = new_node(base + k);
        RGC_STORE(n, n->left, (Node *)f[0]);
        f[0] = n;
    }
}

static void check_list(const Node *n, const char *who) {
    CHECK(n != NULL, "%s: empty list", who);
    long base = n->id, k = 0;
    for (; n; n = n->left, k++) {
        check_node(n);
        CHECK(n->id == base + k, "%s: node %ld where %ld belongs", who, n->id, base + k);
    }
    CHECK(k == LIST, "%s: %ld nodes instead of %d", who, k, LIST);
}

struct worker { int index, rounds, detach; };

static void *worker(void *arg) {
    struct worker *w = arg;
    CHECK(rgc_thread_attach() == 0, "attach");
    RGC_FRAME(f, 4);
    unsigned seed = 12345u + (unsigned)w->index;
    for (int r = 0; r < w->rounds; r++) {
        long base = ((long)w->index * 100000 + r) * 1000;
        build_list(f, base);
        for (int g = 0; g < 50; g++) new_node(-1); /* garbage */
        check_list(f[0], "own list");
        /* A finalizable node and a weak reference to a node of the list. */
        Node *fin = rgc_alloc(&Final_type);
        CHECK(fin != NULL, "finalizable allocation");
        fin->id = base + 999;
        fin->check = rgct_payload(fin->id);
        atomic_fetch_add(&finalizable_made, 1);
        f[1] = rgc_weakref_new(((Node *)f[0])->left);
        /* Swap the list into a slot; check whatever was there. */
        unsigned slot = rgct_rand(&seed) % SLOTS;
        lock_table();
        Node *old = table[slot];
        void *old_weak = weak_table[slot];
        table[slot] = f[0];
        weak_table[slot] = f[1];
        f[0] = old;
        f[2] = old_weak;
        pthread_mutex_unlock(&table_lock);
        if (f[0]) check_list(f[0], "handed-over list");
        if (f[2]) {
            Node *t = rgc_weakref_get(f[2]);
            CHECK(t == NULL || (check_node(t), 1), "weak target");
        }
        /* Unlink the second node of whichever list this thread holds and
         * keep it in a root only while computing; then link it back. Other
         * threads' allocations meanwhile run collection work: the pointer
         * this store overwrote reaches an incremental collector only
         * through this thread's store log, which every increment drains. */
        if (!f[0]) build_list(f, base + 500);
        Node *head = f[0];
        f[3] = head->left;
        RGC_STORE(head, head->left, ((Node *)f[3])->left);
        /* Compute without allocating: poll so a collection need not wait. */
        volatile long sum = 0;
        for (int i = 0; i < 20000; i++) {
            sum += i;
            if ((i & 1023) == 0) rgc_safepoint();
        }
        /* And wait a millisecond, so that whole increments run elsewhere. */
        rgc_enter_blocking();
        usleep(1000);
        rgc_leave_blocking();
        head = f[0];
        RGC_STORE(head, head->left, (Node *)f[3]);
        check_list(f[0], "relinked list");
        f[0] = f[1] = f[2] = f[3] = NULL;
    }
    RGC_POP(f);
    if (w->detach) rgc_thread_detach();
    return NULL; /* otherwise rgc detaches the thread as it exits */
}

int main(void) {
    /* A small allowance between collections: many collections meet the
     * threads at every stage of their work. */
    rgc_config c;
    rgc_config_default(&c);
    c.heap_initial = 64 << 10;
    /* In a region, every thread's shadow stack lives in the table area:
     * room for five of them (4096 slots each) besides the tables. */
    if (rgct_in_region()) c.meta_bytes = 384 << 10;
    CHECK(rgct_init_with(&c) == 0, "rgc_init failed");
    for (int i = 0; i < SLOTS; i++) {
        rgc_add_root((void **)&table[i]);
        rgc_add_root(&weak_table[i]);
    }
    int concurrent = !rgct_is("refcount");
    int waves = (int)rgct_scale(4, 2), per_wave = concurrent ? 4 : 1;
    int rounds = (int)rgct_scale(60, 6);
    for (int wave = 0; wave < waves; wave++) {
        struct worker w[4];
        pthread_t t[4];
        for (int i = 0; i < per_wave; i++) {
            w[i] = (struct worker){ .index = wave * 4 + i, .rounds = rounds, .detach = i % 2 };
            if (concurrent) CHECK(pthread_create(&t[i], NULL, worker, &w[i]) == 0, "pthread_create");
        }
        if (!concurrent) {
            /* One at a time: the work runs on the main thread. */
            rgc_thread_detach();
            worker(&w[0]);
            if (!w[0].detach) rgc_thread_detach();
            CHECK(rgc_thread_attach() == 0, "reattach");
            continue;
        }
        rgc_enter_blocking();
        for (int i = 0; i < per_wave; i++) pthread_join(t[i], NULL);
        rgc_leave_blocking();
    }
    long lists = 0;
    for (int i = 0; i < SLOTS; i++)
        if (table[i]) {
            check_list(table[i], "final table");
            lists++;
        }
    rgc_collect();
    rgc_collect();
    if (rgct_exact()) {
        /* Left alive: the table's lists and the weak references' cells. */
        long weak = 0;
        for (int i = 0; i < SLOTS; i++) weak += weak_table[i] != NULL;
        rgc_stats s = rgct_stats();
        CHECK(s.live_objects == (unsigned long long)(lists * LIST + weak), "live %llu, expected %ld lists + %ld weak",
              (unsigned long long)s.live_objects, lists, weak);
        CHECK(atomic_load(&finalized) == atomic_load(&finalizable_made), "finalized %ld of %ld",
              atomic_load(&finalized), atomic_load(&finalizable_made));
    }
    printf("ok\n");
    return 0;
}
