/* Each case misuses the API; the runner checks that the process stops with
 * the documented message (or, for init errors, that rgc_init fails). */
#include "rgct.h"
#include <pthread.h>

static rgc_type Bad_unaligned = { .size = 16, .ptr_offsets = (const uint32_t[]){ 4 }, .num_ptrs = 1, .name = "Unaligned" };
static rgc_type Bad_pointer_free = { .size = 16, .flags = RGC_TYPE_POINTER_FREE, .ptr_offsets = (const uint32_t[]){ 0 }, .num_ptrs = 1, .name = "Contradiction" };

static void *thread_push(void *arg) { (void)arg; RGC_FRAME(f, 1); (void)f; return NULL; }
static void *thread_alloc(void *arg) { (void)arg; return rgc_alloc_bytes(16); }
static void *thread_attach(void *arg) { (void)arg; rgc_thread_attach(); rgc_thread_detach(); return NULL; }
static void reenter(const rgc_event *e, void *u) { (void)e; (void)u; rgc_alloc_bytes(8); }
static void block_inside(const rgc_event *e, void *u) { (void)e; (void)u; rgc_enter_blocking(); }

int main(int argc, char **argv) {
    CHECK(argc == 2, "usage: misuse CASE");
    const char *c = argv[1];
    if (!strcmp(c, "before_init")) { rgc_alloc(&Node_type); return 0; }
    if (!strcmp(c, "bad_env")) {
        setenv("RGC_HEAP_MAX", "12q", 1);
        CHECK(rgc_init(NULL) == -1, "init accepted RGC_HEAP_MAX=12q");
        return 0;
    }
    if (!strcmp(c, "too_many_markers")) {
        rgc_config cfg;
        rgc_config_default(&cfg);
        cfg.markers = 9;
        CHECK(rgc_init(&cfg) == -1, "init accepted 9 markers");
        return 0;
    }
    if (!strcmp(c, "bad_background")) {
        rgc_config cfg;
        rgc_config_default(&cfg);
        cfg.background = 7;
        CHECK(rgc_init(&cfg) == -1, "init accepted background 7");
        return 0;
    }
    if (!strcmp(c, "bad_pacing")) {
        rgc_config cfg;
        rgc_config_default(&cfg);
        cfg.pacing = 2;
        CHECK(rgc_init(&cfg) == -1, "init accepted pacing 2");
        return 0;
    }
    if (!strcmp(c, "bad_env_background")) { /* RGC_BACKGROUND=sometimes set by the runner */
        CHECK(rgc_init(NULL) == -1, "init accepted RGC_BACKGROUND=sometimes");
        return 0;
    }
    if (!strcmp(c, "bad_env_pacing")) { /* RGC_WINDOW_US=10 set by the runner */
        CHECK(rgc_init(NULL) == -1, "init accepted a window shorter than the pause");
        return 0;
    }
    if (!strncmp(c, "region_", 7)) {
        static uint64_t region[(1 << 20) / 8];
        rgc_config cfg;
        rgc_config_default(&cfg);
        cfg.region = region;
        cfg.region_size = sizeof region;
        cfg.shadowstack_slots = 1024;
        if (!strcmp(c, "region_too_small")) cfg.region_size = 4096;
        if (!strcmp(c, "region_meta_too_big")) cfg.meta_bytes = 1000 << 10;
        if (!strcmp(c, "region_markers")) cfg.markers = 2;
        if (!strcmp(c, "region_background")) cfg.background = RGC_BACKGROUND_ON;
        if (strcmp(c, "region_tables_full")) {
            CHECK(rgc_init(&cfg) == -1, "init accepted %s", c);
            return 0;
        }
        /* A 1 MB region with 32K of tables: registering thousands of
         * roots fills them; the error names meta_bytes. */
        cfg.meta_bytes = 32 << 10;
        CHECK(rgc_init(&cfg) == 0, "init in a 1 MB region");
        static void *roots[100000];
        for (int i = 0; i < 100000; i++) rgc_add_root(&roots[i]);
        return 0;
    }
    rgct_init();
    RGC_FRAME(f, 2);
    if (!strcmp(c, "unaligned_field")) rgc_alloc(&Bad_unaligned);
    else if (!strcmp(c, "pointer_free_with_ptrs")) rgc_alloc(&Bad_pointer_free);
    else if (!strcmp(c, "null_type")) rgc_alloc(NULL);
    else if (!strcmp(c, "zero_pause")) rgc_set_pacing(0, 1000000);
    else if (!strcmp(c, "window_below_pause")) rgc_set_pacing(100000, 50000);
    /* Each type is registered by a correct allocation first, so the inline
     * paths see it and must refuse it themselves (the array key). */
    else if (!strcmp(c, "array_of_fixed")) { f[0] = new_node(1); rgc_alloc_array(&Node_type, 3); }
    else if (!strcmp(c, "fixed_of_array")) { f[0] = rgc_alloc_array(&PtrArray_type, 2); rgc_alloc(&PtrArray_type); }
    else if (!strcmp(c, "huge_length")) rgc_alloc_array(&PtrArray_type, (size_t)-1);
    else if (!strcmp(c, "huge_bytes")) rgc_alloc_bytes((size_t)1 << 40);
    else if (!strcmp(c, "foreign_root")) { f[0] = malloc(64); rgc_collect(); }
    else if (!strcmp(c, "foreign_field")) { Node *n = new_node(1); f[0] = n; n->left = malloc(64); rgc_collect(); }
    else if (!strcmp(c, "foreign_store")) { Node *n = new_node(1); f[0] = n; RGC_STORE(n, n->left, (Node *)malloc(64)); rgc_collect(); }
    else if (!strcmp(c, "interior_root")) { f[0] = (char *)new_node(1) + 8; rgc_collect(); }
    /* 24 bytes past a Node's end: the next cell of a fresh block is free
     * (in a span, or on refcount's free list), or (overrun_object) holds
     * the second Node, whose header is overwritten. */
    else if (!strcmp(c, "overrun_free")) { f[0] = new_node(1); memset((char *)f[0] + sizeof(Node), 0x5a, 24); rgc_verify_heap(); }
    else if (!strcmp(c, "overrun_then_alloc")) { f[0] = new_node(1); memset((char *)f[0] + sizeof(Node), 0x5a, 24); f[1] = new_node(2); }
    else if (!strcmp(c, "overrun_object")) {
        f[0] = new_node(1);
        f[1] = new_node(2);
        CHECK((char *)f[1] == (char *)f[0] + sizeof(Node) + 8, "the two nodes are not neighbours");
        memset((char *)f[0] + sizeof(Node), 0x5a, 24);
        rgc_verify_heap();
    }
    else if (!strcmp(c, "overflow")) { for (;;) rgc_frame_push(1000); }
    else if (!strcmp(c, "unattached_thread")) { pthread_t t; pthread_create(&t, NULL, thread_push, NULL); pthread_join(t, NULL); }
    else if (!strcmp(c, "second_thread")) { pthread_t t; pthread_create(&t, NULL, thread_attach, NULL); pthread_join(t, NULL); }
    else if (!strcmp(c, "call_in_blocking")) { rgc_enter_blocking(); rgc_collect(); }
    else if (!strcmp(c, "blocking_twice")) { rgc_enter_blocking(); rgc_enter_blocking(); }
    else if (!strcmp(c, "leave_without_enter")) rgc_leave_blocking();
    else if (!strcmp(c, "unattached_alloc")) { pthread_t t; pthread_create(&t, NULL, thread_alloc, NULL); pthread_join(t, NULL); }
    else if (!strcmp(c, "listener_reentry")) { rgc_set_event_listener(reenter, NULL); rgc_collect(); }
    else if (!strcmp(c, "listener_blocks")) { rgc_set_event_listener(block_inside, NULL); rgc_collect(); }
    else if (!strcmp(c, "remove_unregistered")) { static void *g; rgc_remove_root(&g); }
    else if (!strcmp(c, "weakref_get_non_weak")) { f[0] = new_node(1); rgc_weakref_get(f[0]); }
    else if (!strcmp(c, "weakref_foreign_target")) { int x; rgc_weakref_new(&x); }
    else if (!strcmp(c, "object_size_foreign")) { int x; rgc_object_size(&x); }
    else if (!strcmp(c, "double_init")) { CHECK(rgc_init(NULL) == -1, "second init accepted"); return 0; }
    else if (!strcmp(c, "oom_default")) { for (;;) { Node *n = new_node(1); RGC_STORE(n, n->left, (Node *)f[0]); f[0] = n; } }
    else if (!strcmp(c, "copied_descriptor")) { rgc_alloc(&Node_type); rgc_type copy = Node_type; rgc_alloc(&copy); }
    else { fprintf(stderr, "unknown case %s\n", c); return 2; }
    printf("misuse case %s was not detected\n", c);
    return 0;
}
