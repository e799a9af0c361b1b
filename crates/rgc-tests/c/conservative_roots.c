/* Roots a conservative collector must find without a shadow stack or
 * rgc_add_root: pointers held only in C locals (on the stack or in
 * registers), in static data and bss, and interior pointers into objects.
 * Run for --gc=conservative only: a precise collector frees these. */
#include "rgct.h"
#include <pthread.h>
#include <unistd.h>

static Node *in_data = (Node *)1;   /* .data: initialised to non-zero, overwritten below */
static Node *in_bss;                /* .bss */
static char *interior_only;         /* points into the middle of a byte buffer */

static Node *list(long n, long base) {
    Node *head = NULL;
    for (long i = 0; i < n; i++) {
        Node *x = new_node(base + i);
        x->left = head; /* plain stores: conservative needs no barrier */
        head = x;
    }
    return head;
}

static void check_list(Node *head, long n, long base) {
    long i = n;
    for (Node *x = head; x; x = x->left) {
        i--;
        check_node(x);
        CHECK(x->id == base + i, "list node %ld has id %ld", base + i, x->id);
    }
    CHECK(i == 0, "list lost %ld nodes", i);
}

static void churn(long n) {
    for (long i = 0; i < n; i++) new_node(-1);
}

__attribute__((noinline)) static void locals_survive(void) {
    Node *a = list(rgct_scale(1000, 50), 0);            /* likely in a callee-saved register */
    Node *volatile b = list(rgct_scale(1000, 50), 5000); /* on the stack */
    for (int round = 0; round < 5; round++) {
        churn(rgct_scale(100000, 20));
        rgc_collect();
    }
    check_list(a, rgct_scale(1000, 50), 0);
    check_list(b, rgct_scale(1000, 50), 5000);
}

/* Threads hold lists only in C locals while other threads collect: each
 * thread's registers and stack are scanned from what it published when it
 * parked (at an allocation refill, in rgc_collect's wait for the lock, in
 * a blocking region). */
static void *thread_locals(void *arg) {
    long base = 1000000 * (1 + (long)(intptr_t)arg), n = rgct_scale(300, 30);
    CHECK(rgc_thread_attach() == 0, "attach");
    Node *a = list(n, base);               /* likely in a callee-saved register */
    Node *volatile b = list(n, base + 5000); /* on the stack */
    for (int round = 0; round < 12; round++) {
        churn(rgct_scale(20000, 20));
        if (round % 4 == 0) rgc_collect();
        rgc_enter_blocking();
        usleep(300);
        rgc_leave_blocking();
    }
    check_list(a, n, base);
    check_list(b, n, base + 5000);
    rgc_thread_detach();
    return NULL;
}

static void threads_locals_survive(void) {
    enum { N = 3 };
    pthread_t t[N];
    for (long i = 0; i < N; i++) CHECK(pthread_create(&t[i], NULL, thread_locals, (void *)(intptr_t)i) == 0, "pthread_create");
    rgc_enter_blocking();
    for (int i = 0; i < N; i++) pthread_join(t[i], NULL);
    rgc_leave_blocking();
}

int main(void) {
    rgct_init();
    threads_locals_survive();
    in_data = list(rgct_scale(500, 30), 100000);
    in_bss = list(rgct_scale(500, 30), 200000);
    char *buf = rgc_alloc_bytes(4096);
    memset(buf, 0x5a, 4096);
    interior_only = buf + 1000;
    buf = NULL;
    locals_survive();
    churn(rgct_scale(200000, 20));
    rgc_collect();
    check_list(in_data, rgct_scale(500, 30), 100000);
    check_list(in_bss, rgct_scale(500, 30), 200000);
    for (int i = -1000; i < 3096; i++) CHECK((unsigned char)interior_only[i] == 0x5a, "byte %d of the buffer changed", i);
    CHECK(rgc_object_size(interior_only - 1000) == 4096, "interior pointer's object");

    /* Drop them all: nearly everything goes. */
    rgc_stats held = rgct_stats();
    in_data = in_bss = NULL;
    interior_only = NULL;
    churn(1000);
    rgc_collect();
    rgc_stats s = rgct_stats();
    CHECK(s.live_bytes < held.live_bytes / 4, "after dropping every root %llu of %llu bytes are still live",
          (unsigned long long)s.live_bytes, (unsigned long long)held.live_bytes);
    printf("ok\n");
    return 0;
}
