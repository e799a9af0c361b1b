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
#endif
