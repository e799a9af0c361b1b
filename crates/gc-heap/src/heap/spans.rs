//! Allocation spans: runs of free cells of one size class that a thread's
//! inline allocation (`rgc_alloc` in `rgc.h`) bumps through without a call.
//!
//! A span is a maximal run of free cells in a small block that one thread's
//! allocator owns alone: a block taken from its class's partial list or a
//! free block, which no list holds while the span is in it. The cells of a
//! span are zeroed when it is handed out (heap invariant 6 then holds for
//! them), so an inline allocation writes only the header.
//!
//! Allocation bits are not set per object: the collector *settles* a span
//! ([`Heap::settle_span`]), setting the bits of the cells taken since it
//! last did, before anything reads them (see `crate::allocator`).

use super::Heap;
use crate::layout::*;

impl Heap {
    /// The next span of `class` for a thread whose last span ended at
    /// `limit` (null if it has none): the next run of free cells in that
    /// block, else the first run of a block newly taken for the class.
    /// Returns `(start, end)`, zeroed, or `None` when the heap is full.
    /// The thread's last span must be settled.
    pub fn take_span(&mut self, class: usize, limit: *mut u8) -> Option<(*mut u8, *mut u8)> {
        let size = CLASS_SIZES[class] as usize;
        if !limit.is_null() {
            // `limit` may be one past its block: its last byte is inside.
            let b = self.granule_of(limit.wrapping_sub(1)) / GRANULES_PER_BLOCK;
            let from = (limit as usize - self.block_addr(b) as usize) / size;
            if let Some(run) = self.free_run(b, class, from) {
                return Some(run);
            }
        }
        let (b, partial) = self.take_class_block(class)?;
        if !partial {
            let start = self.block_addr(b);
            // SAFETY: the whole block is the class's cells, already zero.
            return Some((start, unsafe { start.add(BLOCK_SIZE / size * size) }));
        }
        let run = self.free_run(b, class, 0);
        debug_assert!(run.is_some(), "a partial block has free cells");
        run
    }

    /// The first run of free cells (alloc bit clear) of the small block `b`
    /// at or after cell `from`, zeroed: they may hold dead objects.
    fn free_run(&mut self, b: usize, class: usize, from: usize) -> Option<(*mut u8, *mut u8)> {
        // SAFETY: block b is the caller's alone (a span's or a new one).
        unsafe { free_run_in(self.alloc_bits, self.blocks_base, self.block_addr(b), class, from, true) }
    }

    /// A block for `class` for a thread's stash, owned by the taker alone:
    /// the head of the class's partial list (true: its free cells hold dead
    /// objects) or a fresh, zeroed block (false). `None` when the heap is full.
    pub fn take_stash_block(&mut self, class: usize) -> Option<(*mut u8, bool)> {
        let (b, partial) = self.take_class_block(class)?;
        Some((self.block_addr(b), partial))
    }

    /// The allocation and mark bitmaps and the first block: what settling
    /// a thread's own cells without the heap needs ([`settle_cells`]).
    pub fn settle_geometry(&self) -> (*mut u64, *mut u64, *mut u8) {
        (self.alloc_bits, self.mark_bits, self.blocks_base)
    }

    /// Records the cells `[from, to)` of a span of `class` as allocated:
    /// sets their alloc bits, and their mark bits too when `black` (an
    /// incremental cycle is marking). Returns how many cells that is.
    pub fn settle_span(&mut self, class: usize, from: *mut u8, to: *mut u8, black: bool) -> usize {
        let size = CLASS_SIZES[class] as usize;
        debug_assert!(from <= to && (to as usize - from as usize) % size == 0, "a span holds whole cells");
        if black {
            // SAFETY: the span's cells lie in a block of this heap; while
            // marks are shared every writer of them is atomic.
            unsafe {
                match self.marks_shared {
                    true => mark_cells_before_publishing(self.mark_bits, self.blocks_base, class, from, to),
                    false => _ = settle_cells(self.mark_bits, self.blocks_base, class, from, to),
                }
            }
        }
        // SAFETY: as above.
        unsafe { settle_cells(self.alloc_bits, self.blocks_base, class, from, to) }
    }
}

/// Sets the mark bits of the cells `[from, to)` of `class` before the
/// caller sets their allocation bits, for a marker that may run on another
/// thread meanwhile (`crate::lend` rule 2): a release fence for the cells'
/// headers, the bits by atomic OR, and a release fence before the
/// allocation bits.
///
/// # Safety
/// As for [`settle_cells_atomic`].
pub unsafe fn mark_cells_before_publishing(
    mark_bits: *mut u64,
    blocks_base: *mut u8,
    class: usize,
    from: *mut u8,
    to: *mut u8,
) {
    use core::sync::atomic::{fence, Ordering};
    fence(Ordering::Release);
    // SAFETY: forwarded contract.
    unsafe { settle_cells_atomic(mark_bits, blocks_base, class, from, to) };
    fence(Ordering::Release);
}

/// Sets the bits of the cells `[from, to)` of `class` in a bitmap of the
/// heap (its allocation or its mark bitmap), given the bitmap and the first
/// block ([`Heap::settle_geometry`]); returns how many cells that is.
///
/// # Safety
/// The cells lie in one block of that heap, which the caller's thread owns
/// (its span's or its stash's): no other thread writes those bitmap words
/// meanwhile (others touch them only while this thread is stopped; the
/// marker, which writes mark bits anywhere, runs with every other thread
/// stopped, except the incremental collector's thread, which is why mark
/// bits that it may meet are set with [`settle_cells_atomic`]).
pub unsafe fn settle_cells(
    alloc_bits: *mut u64,
    blocks_base: *mut u8,
    class: usize,
    from: *mut u8,
    to: *mut u8,
) -> usize {
    let size = CLASS_SIZES[class] as usize;
    let n = (to as usize - from as usize) / size;
    let g0 = (from as usize - blocks_base as usize) >> GRANULE_SHIFT;
    let step = size >> GRANULE_SHIFT;
    for i in 0..n {
        let g = g0 + i * step;
        // SAFETY: caller contract: a granule of a block of this heap.
        unsafe { *alloc_bits.add(g >> 6) |= 1u64 << (g & 63) };
    }
    n
}

/// [`settle_cells`] with one atomic OR per bitmap word: for a thread's
/// lock-free refill setting mark bits (allocating black) while the
/// incremental collector's thread may mark other cells of the block.
///
/// # Safety
/// As for [`settle_cells`], except that other threads may set bits of the
/// same words meanwhile, atomically.
#[cfg(target_has_atomic = "64")]
pub unsafe fn settle_cells_atomic(
    bits: *mut u64,
    blocks_base: *mut u8,
    class: usize,
    from: *mut u8,
    to: *mut u8,
) -> usize {
    use core::sync::atomic::{AtomicU64, Ordering};
    let size = CLASS_SIZES[class] as usize;
    let n = (to as usize - from as usize) / size;
    let g0 = (from as usize - blocks_base as usize) >> GRANULE_SHIFT;
    let step = size >> GRANULE_SHIFT;
    let (mut word, mut mask) = (usize::MAX, 0u64);
    let flush = |word: usize, mask: u64| {
        if mask != 0 {
            // SAFETY: caller contract: a word of the bitmap; every
            // concurrent writer of it uses atomics.
            unsafe { AtomicU64::from_ptr(bits.add(word)) }.fetch_or(mask, Ordering::Relaxed);
        }
    };
    for i in 0..n {
        let g = g0 + i * step;
        if g >> 6 != word {
            flush(word, mask);
            (word, mask) = (g >> 6, 0);
        }
        mask |= 1u64 << (g & 63);
    }
    flush(word, mask);
    n
}

/// Without 64-bit atomics there is no collector thread (it needs a hosted
/// build, and every host has them; `rgc_init` refuses it otherwise), so
/// nothing else writes the words: [`settle_cells`].
///
/// # Safety
/// As for [`settle_cells`].
#[cfg(not(target_has_atomic = "64"))]
pub unsafe fn settle_cells_atomic(
    bits: *mut u64,
    blocks_base: *mut u8,
    class: usize,
    from: *mut u8,
    to: *mut u8,
) -> usize {
    // SAFETY: forwarded contract.
    unsafe { settle_cells(bits, blocks_base, class, from, to) }
}

#[cfg(test)]
mod tests {
    use super::super::tests::heap;
    use crate::layout::*;
    use crate::object::Header;

    /// Bumps `n` cells of `class` through a span as inline code does;
    /// returns the objects.
    fn bump(span: &mut (*mut u8, *mut u8), class: usize, n: usize) -> alloc::vec::Vec<*mut u8> {
        let size = CLASS_SIZES[class] as usize;
        (0..n)
            .map(|i| {
                assert!(span.0 < span.1, "span has room for cell {i}");
                let cell = span.0;
                // SAFETY: a free cell of the span.
                unsafe {
                    (cell as *mut Header).write(Header::new(7, 0, 0));
                    span.0 = cell.add(size);
                    cell.add(HEADER)
                }
            })
            .collect()
    }

    #[test]
    fn spans_skip_live_cells_and_settle_exactly_what_was_taken() {
        let (mut h, _buf) = heap(8);
        let class = 2; // 32-byte cells, 128 a block
        let mut span = h.take_span(class, core::ptr::null_mut()).unwrap();
        let start = span.0;
        assert_eq!(span.1 as usize - span.0 as usize, BLOCK_SIZE / 32 * 32, "a fresh block is one span");
        let objs = bump(&mut span, class, 10);
        assert!(!h.is_object(objs[0]), "not an object before it is settled");
        assert_eq!(h.settle_span(class, start, span.0, false), 10);
        assert!(objs.iter().all(|&o| h.is_object(o)));
        assert!(!h.is_object(span.0.wrapping_add(HEADER)), "cells past the cursor stay free");
        // Cells 0, 2, 4, ... live: a sweep leaves runs of one free cell, and
        // the rest of the block (cells 10..) one long run.
        for &o in objs.iter().step_by(2) {
            // SAFETY: settled objects of this heap.
            unsafe { h.mark(o) };
        }
        h.sweep();
        let mut taken = 0;
        let mut limit = core::ptr::null_mut();
        while taken < 5 {
            let run = h.take_span(class, limit).unwrap();
            for cell in (run.0 as usize..run.1 as usize).step_by(32) {
                let obj = (cell + HEADER) as *mut u8;
                assert!(!h.is_object(obj), "a span never covers a live cell");
                // SAFETY: inside the run.
                assert!((0..32).all(|b| unsafe { *(cell as *const u8).add(b) } == 0), "span cells are zero");
            }
            taken += 1;
            limit = run.1;
        }
        assert!(objs.iter().step_by(2).all(|&o| h.is_object(o)), "live cells survive");
        h.check_structure(true).unwrap();
    }
}

/// The first run of free cells (alloc bit clear) of the small block at
/// `block` (of `class`) at or after cell `from`, zeroed when `zero` (cells
/// of a swept block hold dead objects; a fresh block's are zero already).
///
/// # Safety
/// `block` is a small block of `class` in the heap of `alloc_bits` and
/// `blocks_base`, owned by the caller's thread (as for [`settle_cells`]).
pub unsafe fn free_run_in(
    alloc_bits: *mut u64,
    blocks_base: *mut u8,
    block: *mut u8,
    class: usize,
    from: usize,
    zero: bool,
) -> Option<(*mut u8, *mut u8)> {
    let size = CLASS_SIZES[class] as usize;
    let count = BLOCK_SIZE / size;
    let g0 = (block as usize - blocks_base as usize) >> GRANULE_SHIFT;
    let step = size >> GRANULE_SHIFT;
    let is_free = |i: usize| {
        let g = g0 + i * step;
        // SAFETY: caller contract: a granule of this block.
        unsafe { *alloc_bits.add(g >> 6) & (1u64 << (g & 63)) == 0 }
    };
    let mut i = from;
    while i < count && !is_free(i) {
        i += 1;
    }
    if i == count {
        return None;
    }
    let first = i;
    while i < count && is_free(i) {
        i += 1;
    }
    // SAFETY: cells first..i lie inside the block, free, the caller's.
    unsafe {
        if zero {
            core::ptr::write_bytes(block.add(first * size), 0, (i - first) * size);
        }
        Some((block.add(first * size), block.add(i * size)))
    }
}
