/* The C half of the differential tester: interprets a mutator program
 * (one op per line, see src/diff.rs for the grammar) through rgc.h exactly
 * as generated code would, and prints what the reference model predicts:
 *   check <count> <digest>       after K
 *   live <bytes> <objects>       after X
 * Ops whose preconditions fail are no-ops, with the same rules as the model,
 * so that a minimised program stays meaningful. */
#include "rgc.h"
#include "rgct_region.h"
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
static void **frames[MAXFRAMES];
static int frame_size[MAXFRAMES];
static int nframes, nslots;

static void fail(const char *msg, long a) { printf("error %s %ld\n", msg, a); fflush(stdout); exit(3); }

static void **slot(long s) {
    for (int i = 0; i < nframes; i++) { if (s < frame_size[i]) return &frames[i][s]; s -= frame_size[i]; }
    return NULL;
}
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

static long epoch = 1;
static void **stack; static size_t stack_cap;

static void check_integrity(void *p, int k, long id) {
    if (k == KIND_NODE && ((Node *)p)->check != id * 7 + 1) fail("node payload corrupted, id", id);
    if (k == KIND_BYTES) {
        size_t n = rgc_object_size(p);
        unsigned char *b = p;
        for (size_t i = 16; i < n; i++) if (b[i] != (unsigned char)(id + i)) fail("bytes payload corrupted, id", id);
    }
}

static void do_check(void) {
    epoch++;
    unsigned long long digest = 0, count = 0;
    size_t sp = 0;
    for (long s = 0; s < nslots; s++) {
        void *root = *slot(s);
        if (!root) continue;
        if (sp == stack_cap) { stack_cap = stack_cap * 2 + 64; stack = realloc(stack, stack_cap * sizeof *stack); }
        stack[sp++] = root;
        while (sp) {
            void *p = stack[--sp];
            long id; int k = kind(p, &id);
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
                if (c) {
                    if (sp == stack_cap) { stack_cap = stack_cap * 2 + 64; stack = realloc(stack, stack_cap * sizeof *stack); }
                    stack[sp++] = c;
                }
            }
            digest += h;
        }
    }
    printf("check %llu %llu\n", count, digest);
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: difftest PROGRAM\n"); return 2; }
    FILE *in = fopen(argv[1], "r");
    if (!in) { perror(argv[1]); return 2; }
    if (rgct_init_with(NULL) != 0) return 2;
    char op[8];
    long a, b, c;
    while (fscanf(in, "%7s", op) == 1) {
        switch (op[0]) {
        case 'F':
            if (fscanf(in, "%ld", &a) != 1) fail("bad F", 0);
            if (nframes < MAXFRAMES && a > 0) { frames[nframes] = rgc_frame_push((size_t)a); frame_size[nframes++] = (int)a; nslots += (int)a; }
            break;
        case 'P':
            if (nframes > 1) { nframes--; nslots -= frame_size[nframes]; rgc_frame_pop(frames[nframes]); }
            break;
        case 'N': {
            if (fscanf(in, "%ld %ld", &a, &b) != 2) fail("bad N", 0);
            void **s = slot(a); if (!s) break;
            Node *n = rgc_alloc(&Node_t);
            n->id = b; n->check = b * 7 + 1;
            *slot(a) = n;
            break;
        }
        case 'A': {
            if (fscanf(in, "%ld %ld %ld", &a, &b, &c) != 3) fail("bad A", 0);
            if (!slot(a)) break;
            Arr *arr = rgc_alloc_array(&Arr_t, (size_t)c);
            if (arr->len != (size_t)c) fail("array length not written", c);
            arr->id = b;
            *slot(a) = arr;
            break;
        }
        case 'B': {
            if (fscanf(in, "%ld %ld %ld", &a, &b, &c) != 3) fail("bad B", 0);
            if (!slot(a)) break;
            unsigned char *buf = rgc_alloc_bytes((size_t)c);
            ((long *)buf)[0] = b;
            for (long i = 16; i < c; i++) buf[i] = (unsigned char)(b + i);
            *slot(a) = buf;
            break;
        }
        case 'L': case 'U': {
            if (fscanf(in, "%ld %ld", &a, &b) != 2) fail("bad L/U", 0);
            if (op[0] == 'L' && fscanf(in, "%ld", &c) != 1) fail("bad L", 0);
            void **s = slot(a); if (!s || !*s) break;
            long id; int k = kind(*s, &id);
            if ((size_t)b >= nfields(*s, k)) break;
            void *v = NULL;
            if (op[0] == 'L') { void **t = slot(c); if (!t) break; v = *t; }
            RGC_STORE(*s, *field(*s, k, (size_t)b), v);
            break;
        }
        case 'G': {
            if (fscanf(in, "%ld %ld %ld", &a, &b, &c) != 3) fail("bad G", 0);
            void **s = slot(a), **t = slot(b); if (!s || !t || !*t) break;
            long id; int k = kind(*t, &id);
            if ((size_t)c >= nfields(*t, k)) break;
            *s = *field(*t, k, (size_t)c);
            break;
        }
        case 'Y': {
            long arrays;
            if (fscanf(in, "%ld %ld %ld %ld", &a, &b, &c, &arrays) != 4) fail("bad Y", 0);
            if (!slot(a) || c <= 0) break;
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
            *slot(a) = tmp[0];
            rgc_frame_pop(tmp);
            break;
        }
        case 'C':
            if (fscanf(in, "%ld", &a) != 1) fail("bad C", 0);
            if (slot(a)) *slot(a) = NULL;
            break;
        case 'X': {
            rgc_collect();
            rgc_stats st; rgc_get_stats(&st);
            printf("live %llu %llu\n", (unsigned long long)st.live_bytes, (unsigned long long)st.live_objects);
            break;
        }
        case 'S':
            if (fscanf(in, "%ld", &a) != 1) fail("bad S", 0);
            rgc_step((uint64_t)a);
            break;
        case 'K': do_check(); break;
        default: fail("unknown op", op[0]);
        }
    }
    do_check();
    return 0;
}
