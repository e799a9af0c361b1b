/* request-server: the embedded web-server workload. Each request's text
 * (as it would arrive from the network) is parsed into objects: a request
 * line and headers, all as heap strings; the session named by its cookie is
 * found (or created, evicting an old one) in a session table; the response
 * is built by string concatenation, the way an interpreter builds strings.
 * Driven in-process, closed loop; each request's latency is recorded.
 * Parameters: live_mb=8 requests=300000 history=8 (paths kept per session) */
#include "scenario.h"

typedef struct Str { size_t len; char s[]; } Str; /* pointer-free */
static rgc_type Str_t = { .size = sizeof(Str), .flags = RGC_TYPE_VARSIZE | RGC_TYPE_POINTER_FREE, .item_size = 1,
                          .length_offset = 0, .name = "Str" };

typedef struct Header { Str *name, *value; struct Header *next; } Header;
static const uint32_t header_ptrs[] = { offsetof(Header, name), offsetof(Header, value), offsetof(Header, next) };
static rgc_type Header_t = { .size = sizeof(Header), .ptr_offsets = header_ptrs, .num_ptrs = 3, .name = "Header" };

typedef struct Request { Str *method, *path, *version; Header *headers; } Request;
static const uint32_t request_ptrs[] = { offsetof(Request, method), offsetof(Request, path),
                                         offsetof(Request, version), offsetof(Request, headers) };
static rgc_type Request_t = { .size = sizeof(Request), .ptr_offsets = request_ptrs, .num_ptrs = 4, .name = "Request" };

typedef struct Session { Str *id; PtrArray *history; uint64_t visits; uint64_t key; } Session;
static const uint32_t session_ptrs[] = { offsetof(Session, id), offsetof(Session, history) };
static rgc_type Session_t = { .size = sizeof(Session), .ptr_offsets = session_ptrs, .num_ptrs = 2, .name = "Session" };

#define MAX_LINE 64 /* longest path or header value the generator makes */

static Str *str_new(const char *s, size_t n) {
    Str *r = sc_check_alloc(rgc_alloc_array(&Str_t, n));
    memcpy(r->s, s, n);
    return r;
}
/* a + b as a new string; a and b must be rooted by the caller. */
static Str *str_cat(void **a, const char *b, size_t bn) {
    Str *r = sc_check_alloc(rgc_alloc_array(&Str_t, ((Str *)*a)->len + bn));
    memcpy(r->s, ((Str *)*a)->s, ((Str *)*a)->len);
    memcpy(r->s + ((Str *)*a)->len, b, bn);
    return r;
}
static int str_eq(const Str *a, const char *b) { return a->len == strlen(b) && memcmp(a->s, b, a->len) == 0; }

/* Parses "METHOD PATH VERSION\r\n(Name: value\r\n)*\r\n". */
static Request *parse(const char *text) {
    RGC_FRAME(f, 2);
    f[0] = sc_check_alloc(rgc_alloc(&Request_t));
    const char *p = text, *sp = strchr(p, ' ');
    Str *s = str_new(p, (size_t)(sp - p));
    RGC_STORE((Request *)f[0], ((Request *)f[0])->method, s);
    p = sp + 1; sp = strchr(p, ' ');
    s = str_new(p, (size_t)(sp - p));
    RGC_STORE((Request *)f[0], ((Request *)f[0])->path, s);
    p = sp + 1; sp = strstr(p, "\r\n");
    s = str_new(p, (size_t)(sp - p));
    RGC_STORE((Request *)f[0], ((Request *)f[0])->version, s);
    p = sp + 2;
    while (strncmp(p, "\r\n", 2) != 0) {
        const char *colon = strchr(p, ':'), *eol = strstr(p, "\r\n");
        f[1] = sc_check_alloc(rgc_alloc(&Header_t));
        s = str_new(p, (size_t)(colon - p));
        RGC_STORE((Header *)f[1], ((Header *)f[1])->name, s);
        s = str_new(colon + 2, (size_t)(eol - colon - 2));
        RGC_STORE((Header *)f[1], ((Header *)f[1])->value, s);
        Request *r = f[0];
        RGC_STORE((Header *)f[1], ((Header *)f[1])->next, r->headers);
        RGC_STORE(r, r->headers, (Header *)f[1]);
        p = eol + 2;
    }
    Request *r = f[0];
    RGC_POP(f);
    return r;
}

static uint64_t session_key(const Request *r) {
    for (const Header *h = r->headers; h; h = h->next)
        if (str_eq(h->name, "Cookie") && h->value->len > 8) return strtoull(h->value->s + 8, NULL, 10);
    return 0;
}

/* Finds or creates the session; table is in *table_slot (a PtrArray). */
static Session *session_for(void **table_slot, uint64_t key, long history) {
    PtrArray *t = *table_slot;
    size_t i = (size_t)(key % t->length);
    Session *s = t->items[i];
    if (s && s->key == key) return s;
    /* A new session replaces whatever held the slot: the old one is garbage. */
    RGC_FRAME(f, 1);
    f[0] = sc_check_alloc(rgc_alloc(&Session_t));
    char id[32];
    int n = snprintf(id, sizeof id, "%llu", (unsigned long long)key);
    Str *ids = str_new(id, (size_t)n);
    RGC_STORE((Session *)f[0], ((Session *)f[0])->id, ids);
    PtrArray *h = sc_check_alloc(rgc_alloc_array(&PtrArray_type, (size_t)history));
    RGC_STORE((Session *)f[0], ((Session *)f[0])->history, h);
    s = f[0];
    s->key = key;
    t = *table_slot;
    RGC_STORE(t, t->items[i], (void *)s);
    RGC_POP(f);
    return s;
}

/* Builds the response for request f[0] of session f[1]. */
static Str *respond(void **f, long history) {
    Request *r = f[0];
    Session *s = f[1];
    s->visits++;
    RGC_STORE(s->history, s->history->items[s->visits % (uint64_t)history], (void *)r->path);
    RGC_FRAME(g, 1);
    const char *head = "<html><body><h1>Board status</h1><ul>";
    g[0] = str_new(head, strlen(head));
    char buf[160];
    for (long k = 0; k < history; k++) {
        Str *p = ((Session *)f[1])->history->items[k];
        if (!p) continue;
        int n = snprintf(buf, sizeof buf, "<li>%.*s</li>", (int)p->len, p->s);
        g[0] = str_cat(&g[0], buf, (size_t)n);
    }
    int n = snprintf(buf, sizeof buf, "</ul><p>visits: %llu</p></body></html>",
                     (unsigned long long)((Session *)f[1])->visits);
    g[0] = str_cat(&g[0], buf, (size_t)n);
    size_t body_len = ((Str *)g[0])->len;
    n = snprintf(buf, sizeof buf, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %zu\r\n\r\n",
                 body_len);
    Str *resp = sc_check_alloc(rgc_alloc_array(&Str_t, (size_t)n + body_len));
    memcpy(resp->s, buf, (size_t)n);
    memcpy(resp->s + n, ((Str *)g[0])->s, body_len);
    RGC_POP(g);
    return resp;
}

int main(int argc, char **argv) {
    sc_begin(argc, argv, "request-server");
    double live_mb = sc_param("live_mb", 8);
    long requests = sc_scaled("requests", 300000);
    long history = sc_param_long("history", 8);
    if (history < 1) sc_die("history must be at least 1");
    /* A session: the object, its id (<= 20 digits), its history array and
     * up to `history` paths (each <= MAX_LINE bytes). */
    uint64_t per_session = sizeof(Session) + sizeof(Str) + 20 + ptrarray_bytes((size_t)history) +
                           (uint64_t)history * (sizeof(Str) + MAX_LINE);
    size_t nsessions = (size_t)(live_mb * 1024 * 1024 / (double)(per_session + sizeof(void *)));
    if (nsessions < 1) nsessions = 1;
    /* One request in flight: its objects, the response and the strings
     * concatenated into it are bounded by 16 KiB for these generators. */
    const uint64_t in_flight = 16 * 1024;
    sc_init_heap(ptrarray_bytes(nsessions) + (nsessions + 1) * per_session + in_flight);

    RGC_FRAME(f, 3); /* f[0]: request, f[1]: session, f[2]: session table */
    f[2] = sc_check_alloc(rgc_alloc_array(&PtrArray_type, nsessions));
    char text[512];
    uint64_t checksum = 0;
    sc_run_start();
    for (long i = 0; i < requests; i++) {
        /* Most requests come from recent visitors; some from new ones. */
        uint64_t key = 1 + sc_rand() % (nsessions * 2);
        int n = snprintf(text, sizeof text,
                         "GET /sensors/%llu/reading?window=%ld HTTP/1.1\r\nHost: board.local\r\n"
                         "User-Agent: rgc-bench/1.0\r\nAccept: text/html\r\nCookie: session=%llu\r\n\r\n",
                         (unsigned long long)(sc_rand() % 1000), i % 60, (unsigned long long)key);
        if (n >= (int)sizeof text) sc_die("request text too long");
        uint64_t t0 = sc_now_ns();
        f[0] = parse(text);
        f[1] = session_for(&f[2], session_key(f[0]), history);
        Str *resp = respond(f, history);
        checksum += resp->len;
        sc_latency(sc_now_ns() - t0);
        if (!str_eq(((Request *)f[0])->method, "GET")) sc_die("request %ld parsed wrongly", i);
        f[0] = f[1] = NULL;
    }
    sc_run_end();
    char extra[120];
    snprintf(extra, sizeof extra, "\"requests\":%ld,\"sessions\":%zu", requests, nsessions);
    sc_finish(checksum, extra);
    RGC_POP(f);
    return 0;
}
