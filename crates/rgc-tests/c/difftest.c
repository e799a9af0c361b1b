/* The C half of the differential tester: interprets a mutator program
 * (one op per line, see src/diff.rs for the grammar) through rgc.h exactly
 * as generated code would, and prints what the reference model predicts:
 *   check <count> <digest>       after K
 *   live <bytes> <objects>       after X
 * Ops whose preconditions fail are no-ops, with the same rules as the model,
 * so that a minimised program stays meaningful.
 *
 * A program that starts with "T n" has n threads: "@ i" starts thread i's
 * ops. Each thread runs its ops on its own attached thread, and prints its
 * lines prefixed "t<i> ", in thread order after all have finished. Threads
 * exchange objects through bounded channels (> t s sends slot s to thread
 * t, < t s receives from thread t into slot s; both wait in a blocking
 * region while the channel is full or empty). A thread changes and
 * traverses only its own objects (the id says whose); another thread's
 * object is checked but not traversed. At the end each thread leaves its
 * slots in global roots, and the main thread prints "live <bytes>
 * <objects>" after a full collection. */
#include "rgc.h"
#include "rgct_region.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { KIND_NODE = 1, KIND_ARR = 2, KIND_BYTES = 3 };
/* Every kind starts with [long id*4+kind][long epoch]. */
typedef struct Node { long id; long epoch; long check; void *f[2]; } Node;
typedef struct Arr { long id; long epoch; size_t len; void *items[]; } Arr;
/* Bytes buffers: [long id][long epoch][pattern bytes...] */

static const uint32_t node_ptrs[] = { offsetof(Node, f[0]), offsetof(Node, f[1]) };
static rgc_type Node_t = { .size = sizeof(Node), .ptr_offsets = node_ptrs, .num_ptrs = 2, .name = "DNode" };
static const uint32_t arr_item[] = { 0 };
static rgc_type Arr_t = { .size = sizeof(Arr), .flags = RGC_TYPE_VARSIZE, .item_size = 8, .item_ptr_offsets = arr_item,
                          .item_num_ptrs = 1, .length_offset = offsetof(Arr, len), .name = "DArr" };

#define MAXFRAMES 64
#define MAXTHREADS 8
#define CHAN_CAP 4

/* One interpreter: a thread's frames and output. */
typedef struct Interp {
    long me;
    void **frames[MAXFRAMES];
    int frame_size[MAXFRAMES];
    int nframes, nslots;
    long epoch;
    void **stack;
    size_t stack_cap;
    FILE *out;
    char *text;       /* this thread's ops (threaded programs) */
    void **final;     /* its slots at the end, global roots */
} Interp;

static int threaded, nthreads;

static void fail(const char *msg, long a) { printf("error %s %ld\n", msg, a); fflush(stdout); exit(3); }

static void **slot(Interp *in, long s) {
    for (int i = 0; i < in->nframes; i++) { if (s < in->frame_size[i]) return &in->frames[i][s]; s -= in->frame_size[i]; }
    return NULL;
}

/* Which thread made the object with this id (0 in a one-thread program). */
static long owner(long id) { return (id >> 2) >> 40; }
static int kind(void *p, long *id) {
    *id = ((long *)p)[0];
    int k = (int)(*id & 3);
    if (k == 0) fail("unrecognisable object (corrupted or freed) at", (long)p);
    return k;
}
static long *epoch_of(void *p) { return &((long *)p)[1]; }
static size_t nfields(void *p, int k) { return k == KIND_NODE ? 2 : k == KIND_ARR ? ((Arr *)p)->len : 0; }
static void **field(void *p, int k, size_t f) { return k == KIND_NODE ? &((Node *)p)->f[f] : &((Arr *)p)->items[f]; }

static unsigned long long mix(unsigned long long h) { h ^= h >> 33; h *= 0xff51afd7ed558ccdULL; h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53ULL; h ^= h >> 33; return h; }


static void check_integrity(void *p, int k, long id) {
    if (k == KIND_NODE && ((Node *)p)->check != id * 7 + 1) fail("node payload corrupted, id", id);
    if (k == KIND_BYTES) {
        size_t n = rgc_object_size(p);
        unsigned char *b = p;
        for (size_t i = 16; i < n; i++) if (b[i] != (unsigned char)(id + i)) fail("bytes payload corrupted, id", id);
    }
}

static void push(Interp *in, size_t *sp, void *p) {
    if (*sp == in->stack_cap) {
        in->stack_cap = in->stack_cap * 2 + 64;
        in->stack = realloc(in->stack, in->stack_cap * sizeof *in->stack);
    }
    in->stack[(*sp)++] = p;
}

static void do_check(Interp *in) {
    long epoch = ++in->epoch;
    unsigned long long digest = 0, count = 0;
    size_t sp = 0;
    for (long s = 0; s < in->nslots; s++) {
        void *root = *slot(in, s);
        if (!root) continue;
        push(in, &sp, root);
        while (sp) {
            void *p = in->stack[--sp];
            long id; int k = kind(p, &id);
            if (owner(id) != in->me) { /* another thread's: checked, not traversed */
                check_integrity(p, k, id);
                continue;
            }
            long *ep = epoch_of(p);
            if (*ep == epoch) continue;
            *ep = epoch;
            check_integrity(p, k, id);
            count++;
            unsigned long long h = mix((unsigned long long)id);
            size_t n = nfields(p, k);
            for (size_t f = 0; f < n; f++) {
                void *c = *field(p, k, f);
                long cid = 0;
                if (c) { kind(c, &cid); cid += 1; }
                h = mix(h ^ (unsigned long long)cid ^ (f << 48));
                if (c) push(in, &sp, c);
            }
            digest += h;
        }
    }
    fprintf(in->out, "check %llu %llu\n", count, digest);
}

/* Channels between threads: chan[from][to], a ring of CHAN_CAP global
 * roots; `chan_lock` guards every channel. */
static void *chan[MAXTHREADS][MAXTHREADS][CHAN_CAP];
static int chan_head[MAXTHREADS][MAXTHREADS], chan_len[MAXTHREADS][MAXTHREADS];
static pthread_mutex_t chan_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t chan_changed = PTHREAD_COND_INITIALIZER;

/* Waits (in a blocking region: a collection need not wait for this
 * thread) until the channel has room (send) or an entry (receive); then
 * runs again, holding the lock, so the value moves between the channel
 * and the slot with this thread at no safepoint. */
static void chan_wait(long from, long to, int sending) {
    rgc_enter_blocking();
    pthread_mutex_lock(&chan_lock);
    while (sending ? chan_len[from][to] == CHAN_CAP : chan_len[from][to] == 0) pthread_cond_wait(&chan_changed, &chan_lock);
    rgc_leave_blocking();
}

static void chan_send(Interp *in, long to, void *v) {
    chan_wait(in->me, to, 1);
    int *len = &chan_len[in->me][to];
    chan[in->me][to][(chan_head[in->me][to] + *len) % CHAN_CAP] = v;
    (*len)++;
    pthread_cond_broadcast(&chan_changed);
    pthread_mutex_unlock(&chan_lock);
}

static void chan_receive(Interp *in, long from, void **s) {
    chan_wait(from, in->me, 0);
    int *head = &chan_head[from][in->me];
    *s = chan[from][in->me][*head];
    chan[from][in->me][*head] = NULL;
    *head = (*head + 1) % CHAN_CAP;
    chan_len[from][in->me]--;
    pthread_cond_broadcast(&chan_changed);
    pthread_mutex_unlock(&chan_lock);
}

/* Runs one thread's ops from `src`, then its final check. */
static void run(Interp *it, FILE *in) {
    char op[8];
    long a, b, c;
    it->epoch = 1;
    while (fscanf(in, "%7s", op) == 1) {
        switch (op[0]) {
        case 'F':
            if (fscanf(in, "%ld", &a) != 1) fail("bad F", 0);
            if (it->nframes < MAXFRAMES && a > 0) {
                it->frames[it->nframes] = rgc_frame_push((size_t)a);
                it->frame_size[it->nframes++] = (int)a;
                it->nslots += (int)a;
            }
            break;
        case 'P':
            if (it->nframes > 1) { it->nframes--; it->nslots -= it->frame_size[it->nframes]; rgc_frame_pop(it->frames[it->nframes]); }
            break;
        case 'N': {
            if (fscanf(in, "%ld %ld", &a, &b) != 2) fail("bad N", 0);
            void **s = slot(it, a); if (!s) break;
            Node *n = rgc_alloc(&Node_t);
            n->id = b; n->check = b * 7 + 1;
            *slot(it, a) = n;
            break;
        }
        case 'A': {
            if (fscanf(in, "%ld %ld %ld", &a, &b, &c) != 3) fail("bad A", 0);
            if (!slot(it, a)) break;
            Arr *arr = rgc_alloc_array(&Arr_t, (size_t)c);
            if (arr->len != (size_t)c) fail("array length not written", c);
            arr->id = b;
            *slot(it, a) = arr;
            break;
        }
        case 'B': {
            if (fscanf(in, "%ld %ld %ld", &a, &b, &c) != 3) fail("bad B", 0);
            if (!slot(it, a)) break;
            unsigned char *buf = rgc_alloc_bytes((size_t)c);
            ((long *)buf)[0] = b;
            for (long i = 16; i < c; i++) buf[i] = (unsigned char)(b + i);
            *slot(it, a) = buf;
            break;
        }
        case 'L': case 'U': {
            if (fscanf(in, "%ld %ld", &a, &b) != 2) fail("bad L/U", 0);
            if (op[0] == 'L' && fscanf(in, "%ld", &c) != 1) fail("bad L", 0);
            void **s = slot(it, a); if (!s || !*s) break;
            long id; int k = kind(*s, &id);
            if (owner(id) != it->me || (size_t)b >= nfields(*s, k)) break;
            void *v = NULL;
            if (op[0] == 'L') { void **t = slot(it, c); if (!t) break; v = *t; }
            RGC_STORE(*s, *field(*s, k, (size_t)b), v);
            break;
        }
        case 'G': {
            if (fscanf(in, "%ld %ld %ld", &a, &b, &c) != 3) fail("bad G", 0);
            void **s = slot(it, a), **t = slot(it, b); if (!s || !t || !*t) break;
            long id; int k = kind(*t, &id);
            if (owner(id) != it->me || (size_t)c >= nfields(*t, k)) break;
            *s = *field(*t, k, (size_t)c);
            break;
        }
        case 'Y': {
            long arrays;
            if (fscanf(in, "%ld %ld %ld %ld", &a, &b, &c, &arrays) != 4) fail("bad Y", 0);
            if (!slot(it, a) || c <= 0) break;
            /* tmp[0]: the first object, tmp[1]: the last one so far. */
            void **tmp = rgc_frame_push(2);
            for (long i = 0; i < c; i++) {
                long id = (b / 4 + i) * 4;
                void *o;
                if (arrays && i % 2 == 1) {
                    Arr *arr = rgc_alloc_array(&Arr_t, 2);
                    arr->id = id + KIND_ARR;
                    o = arr;
                } else {
                    Node *n = rgc_alloc(&Node_t);
                    n->id = id + KIND_NODE; n->check = n->id * 7 + 1;
                    o = n;
                }
                if (i == 0) tmp[0] = o;
                else { long pid; int k = kind(tmp[1], &pid); RGC_STORE(tmp[1], *field(tmp[1], k, 0), o); }
                tmp[1] = o;
            }
            { long pid; int k = kind(tmp[1], &pid); RGC_STORE(tmp[1], *field(tmp[1], k, 0), tmp[0]); }
            *slot(it, a) = tmp[0];
            rgc_frame_pop(tmp);
            break;
        }
        case 'C':
            if (fscanf(in, "%ld", &a) != 1) fail("bad C", 0);
            if (slot(it, a)) *slot(it, a) = NULL;
            break;
        case 'X': {
            rgc_collect();
            if (threaded) break; /* what the others hold changes meanwhile */
            rgc_stats st; rgc_get_stats(&st);
            fprintf(it->out, "live %llu %llu\n", (unsigned long long)st.live_bytes, (unsigned long long)st.live_objects);
            break;
        }
        case 'S':
            if (fscanf(in, "%ld", &a) != 1) fail("bad S", 0);
            rgc_step((uint64_t)a);
            break;
        case '>': case '<': {
            if (fscanf(in, "%ld %ld", &a, &b) != 2) fail("bad > or <", 0);
            void **s = slot(it, b);
            if (!threaded || a < 0 || a >= nthreads || a == it->me || !s) break;
            if (op[0] == '>') chan_send(it, a, *s);
            else chan_receive(it, a, s);
            break;
        }
        case 'K': do_check(it); break;
        default: fail("unknown op", op[0]);
        }
    }
    do_check(it);
}

static void *thread_main(void *arg) {
    Interp *it = arg;
    if (rgc_thread_attach() != 0) fail("attach failed, thread", it->me);
    FILE *in = fmemopen(it->text, strlen(it->text), "r");
    run(it, in);
    fclose(in);
    /* Leave the slots where the final collection finds them. */
    it->final = calloc((size_t)it->nslots + 1, sizeof(void *));
    for (long s = 0; s < it->nslots; s++) {
        it->final[s] = *slot(it, s);
        rgc_add_root(&it->final[s]);
    }
    while (it->nframes > 0) rgc_frame_pop(it->frames[--it->nframes]);
    rgc_thread_detach();
    return NULL;
}

/* Reads a threaded program: "T n", then "@ i" and thread i's ops. */
static int split_threads(FILE *f, Interp *its) {
    int n = 0;
    if (fscanf(f, " T %d", &n) != 1 || n < 1 || n > MAXTHREADS) fail("bad T", n);
    size_t cap[MAXTHREADS] = { 0 }, len[MAXTHREADS] = { 0 };
    long cur = -1;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '@') {
            cur = atol(line + 1);
            if (cur < 0 || cur >= n) fail("bad @", cur);
            continue;
        }
        if (cur < 0) continue;
        size_t l = strlen(line);
        if (len[cur] + l + 1 > cap[cur]) {
            cap[cur] = (len[cur] + l + 1) * 2;
            its[cur].text = realloc(its[cur].text, cap[cur]);
        }
        memcpy(its[cur].text + len[cur], line, l + 1);
        len[cur] += l;
    }
    for (int i = 0; i < n; i++) {
        its[i].me = i;
        if (!its[i].text) its[i].text = calloc(1, 1);
    }
    return n;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: difftest PROGRAM\n"); return 2; }
    FILE *in = fopen(argv[1], "r");
    if (!in) { perror(argv[1]); return 2; }
    if (rgct_init_with(NULL) != 0) return 2;
    int first = fgetc(in);
    ungetc(first, in);
    if (first != 'T') {
        Interp one = { .me = 0, .out = stdout };
        run(&one, in);
        return 0;
    }
    threaded = 1;
    static Interp its[MAXTHREADS];
    int n = nthreads = split_threads(in, its);
    for (int f = 0; f < MAXTHREADS; f++)
        for (int t = 0; t < MAXTHREADS; t++)
            for (int k = 0; k < CHAN_CAP; k++) rgc_add_root(&chan[f][t][k]);
    char *outs[MAXTHREADS];
    size_t out_len[MAXTHREADS];
    pthread_t tid[MAXTHREADS];
    for (int i = 0; i < n; i++) {
        its[i].out = open_memstream(&outs[i], &out_len[i]);
        if (pthread_create(&tid[i], NULL, thread_main, &its[i]) != 0) fail("pthread_create", i);
    }
    rgc_enter_blocking();
    for (int i = 0; i < n; i++) pthread_join(tid[i], NULL);
    rgc_leave_blocking();
    for (int i = 0; i < n; i++) {
        fclose(its[i].out);
        char *save, *l = strtok_r(outs[i], "\n", &save);
        for (; l; l = strtok_r(NULL, "\n", &save)) printf("t%d %s\n", i, l);
    }
    rgc_collect();
    rgc_stats st;
    rgc_get_stats(&st);
    printf("live %llu %llu\n", (unsigned long long)st.live_bytes, (unsigned long long)st.live_objects);
    return 0;
}
