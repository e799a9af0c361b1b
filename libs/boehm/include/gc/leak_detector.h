/* rgc's leak_detector.h: the C allocation calls become the collector's
 * debugging ones, for a program that looks for leaks with GC_find_leak
 * (GC_FIND_LEAK=1 in the environment). CHECK_LEAKS() collects, which
 * reports what was allocated, is unreachable and was never freed. */
#ifndef RGC_BOEHM_LEAK_DETECTOR_H
#define RGC_BOEHM_LEAK_DETECTOR_H
#ifndef GC_DEBUG
#define GC_DEBUG
#endif
#include "gc.h"
#ifndef GC_DONT_INCLUDE_STDLIB
#include <stdlib.h>
#include <string.h>
#endif
#undef malloc
#define malloc(n) GC_MALLOC(n)
#undef calloc
#define calloc(m, n) GC_MALLOC((m) * (n))
#undef free
#define free(p) GC_FREE(p)
#undef realloc
#define realloc(p, n) GC_REALLOC(p, n)
#undef strdup
#define strdup(s) GC_STRDUP(s)
#undef strndup
#define strndup(s, n) GC_STRNDUP(s, n)
#undef memalign
#define memalign(a, n) GC_memalign(a, n)
#undef posix_memalign
#define posix_memalign(p, a, n) GC_posix_memalign(p, a, n)
#ifndef CHECK_LEAKS
#define CHECK_LEAKS() GC_gcollect()
#endif
#endif /* RGC_BOEHM_LEAK_DETECTOR_H */
