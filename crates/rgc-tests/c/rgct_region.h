/* Region mode for the test programs (included by rgct.h and difftest.c). */
#ifndef RGCT_REGION_H
#define RGCT_REGION_H
#include "rgc.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Region mode: with RGCT_REGION=<bytes> set, every program runs with
 * rgc_config.region pointing at a buffer of that size (filled with junk
 * first: rgc must not expect it zeroed), RGCT_REGION_SLOTS (default 4096)
 * shadow-stack slots, which come out of the region too, and heap_initial
 * at most an eighth of the region, so that collections come before the
 * heap is full. The buffer is made once and lent again after rgc_shutdown.
 * Programs run at their small (torture-mode) sizes there: see rgct_scale. */
static int rgct_in_region(void) { return getenv("RGCT_REGION") != NULL; }

static void rgct_apply_region(rgc_config *cfg) {
    const char *size = getenv("RGCT_REGION");
    if (!size) return;
    static void *region;
    static size_t region_size;
    if (!region) {
        region_size = strtoull(size, NULL, 0);
        /* malloc and round up, rather than aligned_alloc: newlib-nano (the
           board runs) has no posix_memalign behind its aligned_alloc. */
        char *raw = malloc(region_size + 64);
        region = raw ? (void *)(((uintptr_t)raw + 63) & ~(uintptr_t)63) : NULL;
        if (!region) {
            fprintf(stderr, "cannot allocate a %zu-byte region\n", region_size);
            exit(1);
        }
        memset(region, 0xa5, region_size);
    }
    cfg->region = region;
    cfg->region_size = region_size;
    const char *slots = getenv("RGCT_REGION_SLOTS");
    cfg->shadowstack_slots = slots ? (uint32_t)atoi(slots) : 4096;
    if (cfg->heap_initial > region_size / 8) cfg->heap_initial = region_size / 8;
}

/* rgc_init(cfg) (NULL: the defaults), in a region if the runner asks for one.
 * Unless the config says RGC_CONFIG_NO_ENV, RGC_TORTURE and RGC_VERIFY are
 * copied into it: on a board rgc reads no environment (the runner compiles
 * these settings into the program's getenv instead); on a host this
 * repeats rgc's own override, with the same exception. */
static int rgct_init_with(const rgc_config *cfg) {
    rgc_config c;
    if (cfg) c = *cfg;
    else rgc_config_default(&c);
    if (!(c.flags & RGC_CONFIG_NO_ENV)) {
        const char *torture = getenv("RGC_TORTURE"), *verify = getenv("RGC_VERIFY");
        if (torture) c.torture = (uint32_t)atoi(torture);
        if (verify) c.verify = (uint32_t)atoi(verify);
    }
    rgct_apply_region(&c);
    return rgc_init(&c);
}


#ifdef RGCT_TRAP_SYSTEM_ALLOC
/* Built with a collector library whose calls to these functions were
 * renamed (objcopy --redefine-sym): in region mode rgc must never reach
 * the system allocator or map memory after rgc_init. */
static void rgct_trapped(const char *what) {
    fprintf(stderr, "CHECK failed: rgc called %s in region mode\n", what);
    abort();
}
#define RGCT_TRAP(name) void rgct_trapped_##name(void) { rgct_trapped(#name); }
RGCT_TRAP(malloc) RGCT_TRAP(calloc) RGCT_TRAP(realloc) RGCT_TRAP(free) RGCT_TRAP(posix_memalign)
RGCT_TRAP(aligned_alloc) RGCT_TRAP(memalign) RGCT_TRAP(mmap) RGCT_TRAP(mmap64) RGCT_TRAP(munmap)
RGCT_TRAP(mremap) RGCT_TRAP(madvise)
#endif
#endif
