//! Heap geometry: every size constant in one place.
//!
//! Why these numbers:
//! - `GRANULE` (8 B) is the unit of the side bitmaps and of cell sizes.
//!   Objects are 8-byte aligned anyway (the header is 8 bytes), and an
//!   8-byte step lets the commonest small objects fit exactly: a 32-byte
//!   struct takes a 40-byte cell, not 48 (a 16-byte granule wasted up to
//!   15 bytes per object, 17 % of GCBench's heap). The bitmaps cost 1 bit
//!   per 8 bytes (1.6 % each, alloc and mark together 3.1 %).
//! - `BLOCK_SIZE` (4 KiB) is sized for small heaps (issue 7: a 4 MB heap
//!   on an 8 MB board). Every size class in use pins one partly used
//!   block, so that cost scales with the block: with 32 KiB blocks a 4 MB
//!   heap could not even be filled to 75 % with mixed sizes
//!   (`c/memory_fit.c` in the benches: 33 % overhead at 70 %); 8 KiB
//!   blocks filled with 19.7 %. Once objects past 1 KB were packed (below),
//!   4 KiB blocks took the overhead from 12.1 % to 11.3 %: the block table
//!   doubles (0.2 % to 0.4 % of the heap) and the pinned blocks halve.
//! - Small classes step by 8 B up to 64 B, by 16 B up to 128 B, then by
//!   quarters of a power of two up to 256 B, so internal fragmentation
//!   stays under 25 % (under 12.5 % past 128 B on average).
//! - Objects whose cell exceeds `MAX_SMALL_CELL` (256 B) but not
//!   `MAX_PACKED_CELL` are *packed*: placed one after another, to 16
//!   bytes, in runs of blocks, with their cell size in a word in front of
//!   the header (see `heap`'s `packed` module). In `c/memory_fit.c`'s mix
//!   (a 4 MB heap filled to 75 %) this took the overhead from 19.7 % to
//!   9.2 %: objects over 4 KB had whole blocks and wasted the tail of
//!   their last one, half a block on average; objects from 256 B to 4 KB
//!   had size classes that fit 7 to 2 cells to a block, so a 2,100-byte
//!   object took a 2,728-byte cell, and every class pinned a partly used
//!   block. (Moving the limit step by step: 4 KB gave 17.7 %, 2 KB 14.8 %,
//!   1 KB 12.7 %; see DESIGN.md for the rest.) Below 256 B classes stay:
//!   a free-list pop is cheaper than a bin search.
//! - Larger objects get whole blocks: their tail is under 1/8 of them.

/// Bytes per bitmap granule; cells are multiples of it.
pub const GRANULE: usize = 8;
pub const GRANULE_SHIFT: u32 = 3;
/// Bytes per block.
pub const BLOCK_SIZE: usize = 4 * 1024;
/// Longest packed run, in blocks (128 KB), which bounds the work of sweeping one run.
pub const MAX_PACKED_RUN_BLOCKS: usize = 32;
pub const BLOCK_SHIFT: u32 = 12;
pub const GRANULES_PER_BLOCK: usize = BLOCK_SIZE / GRANULE;
/// Bitmap bytes per block (one bit per granule).
pub const BITMAP_BYTES_PER_BLOCK: usize = GRANULES_PER_BLOCK / 8;
/// Object header in front of every object.
pub const HEADER: usize = 8;
/// Largest cell (header included) served from size-class blocks.
pub const MAX_SMALL_CELL: usize = 256;

/// Largest packed cell (size word and header included); larger objects
/// get runs of whole blocks.
pub const MAX_PACKED_CELL: usize = 64 * 1024;
/// Packed cells start at multiples of this and span multiples of it, so
/// every gap between them can hold a hole's two words.
pub const PACKED_ALIGN: usize = 16;
/// The word in front of a packed object's header that holds its cell size.
pub const SIZE_WORD: usize = 8;
/// Bytes from the start of a packed cell to its object.
pub const PACKED_PREFIX: usize = SIZE_WORD + HEADER;
/// The smallest packed cell (an object one byte too big for a size class).
pub const MIN_PACKED_CELL: usize = MAX_SMALL_CELL + PACKED_ALIGN;
const _: () = assert!(PACKED_PREFIX % PACKED_ALIGN == 0 && 2 * core::mem::size_of::<usize>() <= PACKED_ALIGN);

/// Cell sizes of the small size classes, header included.
pub const CLASS_SIZES: [u32; 15] = [
    16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, //
    160, 192, 224, 256, //
];
pub const NUM_CLASSES: usize = CLASS_SIZES.len();

/// `ceil(2^32 / size)` per class: `(offset * r) >> 32` is `offset / size`
/// exactly for every offset inside a block (offset × size < 2^32), without
/// a division. Conservative scanning resolves every candidate word this way.
pub const CLASS_RECIPROCALS: [u64; NUM_CLASSES] = {
    let mut r = [0u64; NUM_CLASSES];
    let mut c = 0;
    while c < NUM_CLASSES {
        r[c] = (1u64 << 32).div_ceil(CLASS_SIZES[c] as u64);
        c += 1;
    }
    r
};
const _: () = assert!((BLOCK_SIZE as u64) * (MAX_SMALL_CELL as u64) < 1 << 32);

const LOOKUP_LEN: usize = MAX_SMALL_CELL / GRANULE + 1;

/// Size class per cell size in granules (index = ceil(cell / GRANULE)).
static CLASS_OF_GRANULES: [u8; LOOKUP_LEN] = {
    let mut t = [0u8; LOOKUP_LEN];
    let mut g = 0;
    let mut c = 0;
    while g < LOOKUP_LEN {
        while (CLASS_SIZES[c] as usize) < g * GRANULE {
            c += 1;
        }
        t[g] = c as u8;
        g += 1;
    }
    t
};

/// Bytes a cell needs for an object of `bytes` (header included, rounded to granules).
#[inline]
pub const fn cell_bytes(bytes: usize) -> usize {
    (bytes + HEADER + GRANULE - 1) & !(GRANULE - 1)
}

/// Heap bytes an object of `bytes` occupies: its size class's cell, its
/// packed cell, or the whole blocks of a large object.
#[inline]
pub fn footprint_bytes(bytes: usize) -> usize {
    let cell = cell_bytes(bytes);
    match class_for_cell(cell) {
        Some(class) => CLASS_SIZES[class] as usize,
        None => packed_cell_bytes(bytes).unwrap_or_else(|| large_blocks(bytes) * BLOCK_SIZE),
    }
}

/// The packed cell of an object of `bytes` (too big for a size class), or
/// `None` when it is too big to pack.
#[inline]
pub const fn packed_cell_bytes(bytes: usize) -> Option<usize> {
    if bytes > MAX_PACKED_CELL - PACKED_PREFIX {
        return None;
    }
    Some((bytes + PACKED_PREFIX + PACKED_ALIGN - 1) & !(PACKED_ALIGN - 1))
}

/// The size class for a cell of `cell` bytes, or `None` for a large object.
#[inline]
pub fn class_for_cell(cell: usize) -> Option<usize> {
    if cell > MAX_SMALL_CELL {
        return None;
    }
    Some(CLASS_OF_GRANULES[cell >> GRANULE_SHIFT] as usize)
}

/// Blocks needed by a large object of `bytes`.
#[inline]
pub const fn large_blocks(bytes: usize) -> usize {
    (bytes + HEADER).div_ceil(BLOCK_SIZE)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Pure arithmetic over every offset of a block (no unsafe code for Miri
    // to check), and 70 s under Miri: the ordinary test run covers it.
    #[test]
    #[cfg_attr(miri, ignore)]
    fn classes_fit_and_are_tight() {
        for bytes in 0..=MAX_SMALL_CELL - HEADER {
            let cell = cell_bytes(bytes);
            let class = class_for_cell(cell).unwrap();
            let size = CLASS_SIZES[class] as usize;
            assert!(size >= cell, "{bytes} bytes got class {size}");
            if class > 0 {
                assert!((CLASS_SIZES[class - 1] as usize) < cell, "{bytes} bytes skipped a smaller class");
            }
            assert_eq!(size % GRANULE, 0);
        }
        assert_eq!(class_for_cell(MAX_SMALL_CELL + GRANULE), None);
        let smallest_packed = MAX_SMALL_CELL - HEADER + 1;
        assert_eq!(class_for_cell(cell_bytes(smallest_packed)), None);
        assert_eq!(packed_cell_bytes(smallest_packed), Some(MIN_PACKED_CELL));
        assert_eq!(packed_cell_bytes(MAX_PACKED_CELL - PACKED_PREFIX), Some(MAX_PACKED_CELL));
        assert_eq!(packed_cell_bytes(MAX_PACKED_CELL - PACKED_PREFIX + 1), None);
        for (c, &size) in CLASS_SIZES.iter().enumerate() {
            for off in 0..BLOCK_SIZE as u64 {
                assert_eq!((off * CLASS_RECIPROCALS[c]) >> 32, off / size as u64, "offset {off}, cell {size}");
            }
        }
        assert!(BLOCK_SIZE / MAX_SMALL_CELL >= 2);
    }
}
