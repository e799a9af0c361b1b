/* Helpers for the Boehm-API tests: they include only gc.h (rgc's, or
 * bdwgc's for comparison), never rgc.h. */
#ifndef BT_H
#define BT_H
#include "gc.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        if (!(cond)) {                                                    \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                 \
            fputc('\n', stderr);                                          \
            exit(1);                                                      \
        }                                                                 \
    } while (0)

/* RGC_TORTURE=1 collects at every allocation: tests shrink their loops. */
static inline long bt_scale(long normal, long torture) {
    const char *t = getenv("RGC_TORTURE");
    return t && *t && strcmp(t, "0") ? torture : normal;
}

/* Overwrites the dead part of the stack below the caller, so stale copies
 * of pointers there do not keep objects alive (a conservative collector
 * cannot tell them from live ones). */
__attribute__((noinline)) static void bt_scrub_stack(void) {
    char buf[32768];
    memset(buf, 0, sizeof buf);
    /* Without this the compiler drops the dead memset, and then the whole
       call (it did, at -O1: the tests passed only while no stale pointer
       happened to sit where the collector's frames go). */
    __asm__ volatile("" : : "r"(buf) : "memory");
}

/* Collects with a scrubbed stack. */
__attribute__((noinline)) static void bt_collect(void) {
    bt_scrub_stack();
    GC_gcollect();
}

/* Finalizers that count: counted_object returns a fresh 32-byte object
 * whose finalizer adds one to `finalized`, hidden so that no copy stays in
 * a register or on the caller's frame; collect_and_count collects, runs
 * the ready finalizers and returns the count. */
static int finalized;
static void count_finalized(void *obj, void *data) {
    (void)obj;
    (void)data;
    finalized++;
}

__attribute__((noinline)) static GC_word counted_object(void) {
    void *p = GC_MALLOC(32);
    GC_REGISTER_FINALIZER(p, count_finalized, NULL, NULL, NULL);
    return GC_HIDE_POINTER(p);
}

static int collect_and_count(void) {
    bt_collect();
    GC_invoke_finalizers();
    return finalized;
}
#endif
