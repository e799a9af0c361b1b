/* Roots the collector must find by itself: static data and bss, a shared
 * library's data, locals kept only in registers, and ranges added with
 * GC_add_roots (and no longer after GC_remove_roots). Liveness is watched
 * through disappearing links, which never keep their objects alive. */
#include "bt.h"

void boehm_lib_hold(void *p);
void *boehm_lib_held(void);

typedef struct Node { struct Node *next; long id; } Node;

static Node *in_data = (Node *)1; /* .data */
static Node *in_bss;              /* .bss */

/* A list of n nodes, each watched by a link in `watch` (a hidden array). */
__attribute__((noinline)) static Node *make_list(long n, long base, void **watch) {
    Node *head = NULL;
    for (long i = 0; i < n; i++) {
        Node *x = GC_NEW(Node);
        x->id = base + i;
        x->next = head;
        head = x;
        if (watch) {
            watch[i] = x;
            CHECK(GC_general_register_disappearing_link(&watch[i], x) == GC_SUCCESS, "register link");
        }
    }
    return head;
}

static long count_alive(void **watch, long n) {
    long alive = 0;
    for (long i = 0; i < n; i++) alive += watch[i] != NULL;
    return alive;
}

static void check_list(Node *head, long n, long base) {
    long i = n;
    for (Node *x = head; x; x = x->next) CHECK(x->id == base + --i, "node id %ld, expected %ld", x->id, base + i);
    CHECK(i == 0, "%ld nodes lost", i);
}

static void churn(long n) {
    for (long i = 0; i < n; i++) GC_MALLOC(32);
}

__attribute__((noinline)) static void registers_only(long n) {
    Node *a = make_list(n, 7000, NULL); /* most likely kept in a callee-saved register */
    for (int round = 0; round < 3; round++) {
        churn(bt_scale(50000, 10));
        bt_collect();
    }
    check_list(a, n, 7000);
}

int main(void) {
    GC_INIT();
    long n = bt_scale(2000, 40);
    /* The watch arrays live in malloc'd memory, which is never scanned. */
    void **w_data = calloc(n, sizeof *w_data), **w_bss = calloc(n, sizeof *w_bss), **w_lib = calloc(n, sizeof *w_lib);
    void **w_added = calloc(n, sizeof *w_added), **w_dropped = calloc(n, sizeof *w_dropped);
    in_data = make_list(n, 0, w_data);
    in_bss = make_list(n, 10000, w_bss);
    boehm_lib_hold(make_list(n, 20000, w_lib));
    /* Only a malloc'd block points to these: alive only while it is a root range. */
    Node **holder = malloc(2 * sizeof *holder);
    GC_add_roots(holder, holder + 2);
    holder[0] = make_list(n, 30000, w_added);
    holder[1] = make_list(n, 40000, w_dropped);
    registers_only(bt_scale(1000, 30));
    churn(bt_scale(100000, 10));
    bt_collect();
    CHECK(count_alive(w_data, n) == n, "objects held by .data were freed");
    CHECK(count_alive(w_bss, n) == n, "objects held by .bss were freed");
    CHECK(count_alive(w_lib, n) == n, "objects held by a shared library's data were freed");
    CHECK(count_alive(w_added, n) == n && count_alive(w_dropped, n) == n, "objects held by an added root range were freed");
    check_list(in_data, n, 0);
    check_list(in_bss, n, 10000);
    check_list(boehm_lib_held(), n, 20000);
    check_list(holder[0], n, 30000);
    /* Stop scanning the second word only: its list becomes garbage. */
    GC_remove_roots(holder + 1, holder + 2);
    bt_collect();
    CHECK(count_alive(w_dropped, n) == 0, "%ld of %ld objects survived the removal of their root range", count_alive(w_dropped, n), n);
    check_list(holder[0], n, 30000);
    /* Dropping the static roots frees their objects (allowing a few stale words). */
    in_data = in_bss = NULL;
    boehm_lib_hold(NULL);
    bt_collect();
    long left = count_alive(w_data, n) + count_alive(w_bss, n) + count_alive(w_lib, n);
    CHECK(left <= 3 * n / 50, "%ld of %ld dropped objects survived", left, 3 * n);
    printf("ok\n");
    return 0;
}
