/* rgc's gc_typed.h: objects whose pointer words a bitmap describes
 * (bdwgc's typed allocation), on rgc's conservative collector. */
#ifndef RGC_BOEHM_GC_TYPED_H
#define RGC_BOEHM_GC_TYPED_H
#include "gc.h"
#ifdef __cplusplus
extern "C" {
#endif

#define GC_WORDSZ (8 * sizeof(GC_word))
/* Bitmaps: bit i of the bitmap is bit (i % GC_WORDSZ) of word i / GC_WORDSZ. */
#define GC_get_bit(bm, index) (((bm)[(index) / GC_WORDSZ] >> ((index) % GC_WORDSZ)) & 1)
#define GC_set_bit(bm, index) ((bm)[(index) / GC_WORDSZ] |= (GC_word)1 << ((index) % GC_WORDSZ))
#define GC_WORD_OFFSET(t, f) (offsetof(t, f) / sizeof(GC_word))
#define GC_WORD_LEN(t) (sizeof(t) / sizeof(GC_word))
#define GC_BITMAP_SIZE(t) ((GC_WORD_LEN(t) + GC_WORDSZ - 1) / GC_WORDSZ)

typedef GC_word GC_descr;

/* The descriptor of objects whose word i (i < len) may be a pointer when
 * bit i of bitmap is set; rgc keeps a copy of a long bitmap. */
GC_API GC_descr GC_CALL GC_make_descriptor(const GC_word *bitmap, size_t len);

/* An object of size_in_bytes scanned as d says (its first words), cleared. */
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL GC_malloc_explicitly_typed(size_t size_in_bytes, GC_descr d);
GC_API GC_ATTR_MALLOC GC_ATTR_ALLOC_SIZE(1) void *GC_CALL
GC_malloc_explicitly_typed_ignore_off_page(size_t size_in_bytes, GC_descr d);
/* nelements elements of element_size_in_bytes, each scanned as d says. */
GC_API GC_ATTR_MALLOC GC_ATTR_CALLOC_SIZE(1, 2) void *GC_CALL
GC_calloc_explicitly_typed(size_t nelements, size_t element_size_in_bytes, GC_descr d);

#define GC_MALLOC_EXPLICITLY_TYPED(bytes, d) GC_malloc_explicitly_typed(bytes, d)
#define GC_CALLOC_EXPLICITLY_TYPED(n, bytes, d) GC_calloc_explicitly_typed(n, bytes, d)

#ifdef __cplusplus
}
#endif
#endif /* RGC_BOEHM_GC_TYPED_H */
