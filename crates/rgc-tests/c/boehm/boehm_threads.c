/* Threads on the Boehm API (GC_THREADS): threads made with pthread_create
 * (redirected to GC_pthread_create) allocate and collect at once; a thread
 * that never calls the collector, holding its only pointers to a list in
 * its registers and stack, is stopped by the suspend signal and scanned; a
 * thread registers itself, twice (GC_DUPLICATE), and unregisters; one
 * ends with pthread_exit while registered; one blocks in GC_do_blocking.
 * Written against bdwgc's API only: it passes on bdwgc's library too. */
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
/* The plain pthread_create and pthread_join, for the thread that registers
 * itself (bdwgc's GC_pthread_join knows only the threads it created). */
static int (*const plain_pthread_create)(pthread_t *, const pthread_attr_t *, void *(*)(void *),
                                         void *) = pthread_create;
static int (*const plain_pthread_join)(pthread_t, void **) = pthread_join;
#define GC_THREADS
#include "bt.h"
#include "gc/javaxfc.h" /* GC_suspend_thread and kin, in bdwgc */

#define WORKERS 3

struct node {
    struct node *left, *right;
    long value;
};

static struct node *tree(int depth, long value) {
    struct node *n = GC_MALLOC(sizeof *n);
    CHECK(n != NULL, "GC_MALLOC");
    n->value = value;
    if (depth > 0) {
        n->left = tree(depth - 1, 2 * value);
        n->right = tree(depth - 1, 2 * value + 1);
    }
    return n;
}

static long sum(const struct node *n) { return n ? n->value + sum(n->left) + sum(n->right) : 0; }

static long tree_sum(int depth, long value) {
    /* The values of a full tree rooted at `value`, computed without one. */
    long s = 0, first = value;
    for (int d = 0; d <= depth; d++, first *= 2)
        s += ((1L << d) * first) + ((1L << d) * ((1L << d) - 1)) / 2;
    return s;
}

static void *worker(void *arg) {
    long id = (long)arg;
    int depth = (int)bt_scale(12, 4);
    long rounds = bt_scale(30, 3);
    struct node *keep = tree(depth, id + 1);
    for (long r = 0; r < rounds; r++) {
        struct node *t = tree(depth, id + 1);
        CHECK(sum(t) == tree_sum(depth, id + 1), "worker %ld round %ld: a tree lost nodes", id, r);
        if (r % 10 == 0)
            GC_gcollect();
    }
    CHECK(sum(keep) == tree_sum(depth, id + 1), "worker %ld: its long-lived tree lost nodes", id);
    return (void *)(id * 10);
}

/* Never calls the collector once its list is made: only the suspend
 * signal stops it, and only its published stack and registers keep the
 * list alive while the workers reuse every freed cell of that size. */
static volatile int spinning = 1;
static volatile long spinner_checks;
#define LIST 500

__attribute__((noinline)) static struct node *make_list(void) {
    struct node *head = NULL;
    for (long i = 0; i < LIST; i++) {
        struct node *n = GC_MALLOC(sizeof *n);
        n->value = i;
        n->left = head;
        head = n;
    }
    return head;
}

static void *spinner(void *arg) {
    (void)arg;
    struct node *head = make_list();
    while (spinning) {
        long s = 0, count = 0;
        for (struct node *n = head; n; n = n->left, count++)
            s += n->value;
        CHECK(count == LIST && s == (long)LIST * (LIST - 1) / 2,
              "the spinning thread's list changed under it: %ld nodes, sum %ld", count, s);
        spinner_checks++;
    }
    return NULL;
}

/* Registers itself (twice), allocates, unregisters. */
static void *self_registering(void *arg) {
    (void)arg;
    struct GC_stack_base sb;
    CHECK(GC_get_stack_base(&sb) == GC_SUCCESS, "GC_get_stack_base");
    CHECK(!GC_thread_is_registered(), "a plain thread is not registered");
    CHECK(GC_register_my_thread(&sb) == GC_SUCCESS, "GC_register_my_thread");
    CHECK(GC_register_my_thread(&sb) == GC_DUPLICATE, "GC_register_my_thread twice");
    CHECK(GC_thread_is_registered(), "GC_thread_is_registered");
    struct node *t = tree(8, 5);
    GC_gcollect();
    CHECK(sum(t) == tree_sum(8, 5), "the self-registered thread's tree lost nodes");
    CHECK(GC_unregister_my_thread() == GC_SUCCESS, "GC_unregister_my_thread");
    CHECK(!GC_thread_is_registered(), "unregistered");
    return NULL;
}

/* Allocates without registering (bdwgc allows it; rgc registers the
 * thread on the spot). */
static struct node *volatile from_unregistered;
static void *unregistered(void *arg) {
    (void)arg;
    from_unregistered = tree(4, 9);
    return NULL;
}

static void *exiting(void *arg) {
    (void)arg;
    tree(6, 1);
    pthread_exit((void *)7);
}

static void *sleep_briefly(void *arg) {
    (void)arg;
    usleep(20000);
    return (void *)1;
}

static void *blocking(void *arg) {
    (void)arg;
    struct node *t = tree(6, 3);
    for (int i = 0; i < 5; i++)
        CHECK(GC_do_blocking(sleep_briefly, NULL) == (void *)1, "GC_do_blocking's result");
    CHECK(sum(t) == tree_sum(6, 3), "the blocking thread's tree lost nodes");
    return NULL;
}

/* A thread the collector cannot stop hangs the program: fail instead. */
static void timed_out(int sig) {
    (void)sig;
    static const char text[] = "boehm_threads: timed out (a collection waits for a thread that does not stop?)\n";
    if (write(2, text, sizeof text - 1) < 0)
        _exit(3);
    _exit(2);
}

int main(void) {
    signal(SIGALRM, timed_out);
    alarm((unsigned)bt_scale(60, 600));
    GC_INIT();
    CHECK(GC_thread_is_registered(), "the initial thread is registered");
    pthread_t spin, workers[WORKERS], self, exit_thread, blocker;
    CHECK(pthread_create(&spin, NULL, spinner, NULL) == 0, "pthread_create");
    while (spinner_checks == 0)
        usleep(100);
    for (long i = 0; i < WORKERS; i++)
        CHECK(pthread_create(&workers[i], NULL, worker, (void *)i) == 0, "pthread_create");
    CHECK(pthread_create(&blocker, NULL, blocking, NULL) == 0, "pthread_create");
    CHECK(plain_pthread_create(&self, NULL, self_registering, NULL) == 0, "pthread_create");
    CHECK(pthread_create(&exit_thread, NULL, exiting, NULL) == 0, "pthread_create");
    /* A child forked while the others run has only this thread: it
     * allocates and collects without waiting for the parent's threads. */
    pid_t child = fork();
    CHECK(child >= 0, "fork");
    if (child == 0) {
        struct node *t = tree(10, 2);
        GC_gcollect();
        _exit(sum(t) == tree_sum(10, 2) ? 0 : 1);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "the forked child failed (status %d)", status);
    void *result;
    CHECK(pthread_join(exit_thread, &result) == 0 && result == (void *)7, "pthread_exit's value");
    for (long i = 0; i < WORKERS; i++) {
        CHECK(pthread_join(workers[i], &result) == 0 && result == (void *)(i * 10), "worker %ld's result", i);
    }
    CHECK(plain_pthread_join(self, NULL) == 0 && pthread_join(blocker, NULL) == 0, "pthread_join");
    pthread_t stranger;
    CHECK(plain_pthread_create(&stranger, NULL, unregistered, NULL) == 0 && plain_pthread_join(stranger, NULL) == 0,
          "an unregistered thread");
    CHECK(sum(from_unregistered) == tree_sum(4, 9), "the unregistered thread's tree");
    /* GC_suspend_thread holds the spinner where it is, across a collection,
     * until GC_resume_thread. */
    CHECK(!GC_is_thread_suspended(spin), "the spinner is not suspended yet");
    GC_suspend_thread(spin);
    CHECK(GC_is_thread_suspended(spin), "GC_is_thread_suspended");
    long held = spinner_checks;
    GC_gcollect();
    usleep(20000);
    CHECK(spinner_checks == held, "a suspended thread ran: %ld checks became %ld", held, spinner_checks);
    GC_resume_thread(spin);
    CHECK(!GC_is_thread_suspended(spin), "resumed");
    while (spinner_checks == held)
        usleep(100);
    long before = spinner_checks;
    GC_gcollect(); /* with the spinner alone running, and the ended threads gone */
    spinning = 0;
    CHECK(pthread_join(spin, NULL) == 0, "pthread_join");
    CHECK(spinner_checks > before, "the spinner ran after the last collection");
    printf("ok\n");
    return 0;
}
