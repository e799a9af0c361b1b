/* A process that forks after rgc started its marker threads: the child
 * has rgc's state but not those threads. The child must still collect
 * (marking with helpers of its own), keep what is reachable, and shut
 * down (rgc_shutdown must not wait for the parent's threads); the parent
 * must be unaffected. */
#include "rgct.h"
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

/* Threads of this process (Linux): the program's one, plus rgc's markers. */
static long threads_now(void) {
    DIR *d = opendir("/proc/self/task");
    CHECK(d != NULL, "cannot list /proc/self/task");
    long n = 0;
    for (struct dirent *e; (e = readdir(d));) n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* The collector thread, if it runs: one more thread, in the parent from
 * rgc_init and in the child from its first cycle. */
static long collector_threads(void) { return rgct_collector_thread(); }

/* Collectors whose rgc_collect marks with rgc_config.markers threads. */
static int marks_in_parallel(void) {
    const char *gc = rgc_collector_name();
    return strcmp(gc, "none") && strcmp(gc, "refcount");
}

/* A complete binary tree of `depth` levels, built bottom-up through
 * shadow-stack roots (every allocation may collect). */
static Node *tree(int depth, long *next_id) {
    RGC_FRAME(f, 2);
    if (depth > 1) {
        f[0] = tree(depth - 1, next_id);
        f[1] = tree(depth - 1, next_id);
    }
    Node *n = new_node((*next_id)++);
    RGC_STORE(n, n->left, (Node *)f[0]);
    RGC_STORE(n, n->right, (Node *)f[1]);
    RGC_POP(f);
    return n;
}

static long count(Node *n) {
    if (!n) return 0;
    CHECK(n->check == rgct_payload(n->id), "node %ld corrupt", n->id);
    return 1 + count(n->left) + count(n->right);
}

int main(void) {
    rgct_init();
    /* Normally 2^19 nodes: marking them takes milliseconds on any machine,
     * past the time rgc marks alone before it starts helpers (SOLO_NS). */
    int depth = rgct_torture() || rgct_in_region() ? 10 : 19;
    long want = (1l << depth) - 1, next_id = 0;
    RGC_FRAME(f, 1);
    f[0] = tree(depth, &next_id);
    rgc_collect(); /* enough to mark for the helper threads to start */
    unsigned long long markers = rgct_stats().markers;
    /* The helpers started, and only they: one thread per marker (and the
     * collector thread, if it runs). */
    if (marks_in_parallel())
        CHECK(threads_now() == (long)markers + collector_threads(), "%ld threads for %llu markers", threads_now(), markers);
    fflush(stdout);
    pid_t child = fork();
    CHECK(child >= 0, "fork failed");
    if (child == 0) {
        for (int i = 0; i < 3; i++) {
            rgc_collect();
            CHECK(count(f[0]) == want, "child: the tree lost nodes after collection %d", i);
        }
        CHECK(rgct_stats().markers == markers, "child: %llu markers, the parent had %llu",
              (unsigned long long)rgct_stats().markers, markers);
        /* The parent's helpers are not here: the child started its own. */
        if (marks_in_parallel())
            CHECK(threads_now() == (long)markers + collector_threads(), "child: %ld threads for %llu markers",
                  threads_now(), markers);
        RGC_POP(f);
        rgc_shutdown();
        _exit(0);
    }
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child, "waitpid failed");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child failed (status 0x%x)", status);
    rgc_collect();
    CHECK(count(f[0]) == want, "parent: the tree lost nodes");
    RGC_POP(f);
    printf("ok\n");
    return 0;
}
