//! The table area's allocator: an address-ordered first-fit free list over
//! one caller-provided buffer.
//!
//! Why not a crate: the one we used (`linked_list_allocator`) reports its
//! internal assertions through `core::fmt` with `Debug` pointers, which
//! kept 2–3 KB of formatting code in every board image. This one is about
//! 150 lines, and its one check (a block freed twice, or one that was never
//! handed out) reports through [`crate::fatal!`].
//!
//! Layout rules, which make every split leave a usable hole:
//! 1. Every hole and every block starts at a multiple of [`UNIT`] and spans
//!    a multiple of [`UNIT`] bytes. A request is rounded up to that.
//! 2. A hole holds its size and the address of the next hole (in address
//!    order) in its first two words, so [`UNIT`] (two words) is also the
//!    smallest hole. Rule 1 means a remainder is either 0 or a whole hole:
//!    no sliver is ever lost.
//! 3. Adjacent holes are merged on free, so the list never holds two holes
//!    that touch.

use core::alloc::Layout;
use core::ptr::null_mut;

/// Granule of the table area: two words (a hole's header).
pub const UNIT: usize = 2 * core::mem::size_of::<usize>();

/// A free hole's header, at the hole's start.
#[repr(C)]
struct Hole {
    size: usize,
    next: *mut Hole,
}

/// The free list. All fields are plain numbers so that it can live in a
/// `static` (the empty list) before a buffer is known.
pub struct FreeList {
    first: *mut Hole,
    size: usize,
    used: usize,
}

#[inline]
fn round_up(n: usize, to: usize) -> usize {
    (n + to - 1) & !(to - 1)
}

impl FreeList {
    /// A list with no buffer: every allocation fails.
    pub const fn empty() -> Self {
        FreeList { first: null_mut(), size: 0, used: 0 }
    }

    /// A list serving `[base, base + len)`, trimmed inwards to [`UNIT`].
    ///
    /// # Safety
    /// The range is writable and used by nothing else while this list (or
    /// a list it is moved into) serves from it.
    pub unsafe fn new(base: *mut u8, len: usize) -> Self {
        let start = round_up(base as usize, UNIT);
        let end = (base as usize).saturating_add(len) & !(UNIT - 1);
        if end <= start {
            return FreeList::empty();
        }
        // Derived from `base`, not cast from the number, to keep its provenance.
        let hole = base.wrapping_add(start - base as usize).cast::<Hole>();
        // SAFETY: `[start, end)` is inside the caller's range (rule of this
        // fn), aligned for `Hole` and at least UNIT bytes long.
        unsafe { hole.write(Hole { size: end - start, next: null_mut() }) };
        FreeList { first: hole, size: end - start, used: 0 }
    }

    /// Bytes the list serves from (after trimming).
    pub fn size(&self) -> usize {
        self.size
    }

    /// Bytes handed out and not yet freed (rounded up to [`UNIT`]).
    pub fn used(&self) -> usize {
        self.used
    }

    /// The first hole that fits `layout`, carved out; None if none does.
    pub fn allocate_first_fit(&mut self, layout: Layout) -> Option<*mut u8> {
        let size = round_up(layout.size().max(1), UNIT);
        let align = layout.align().max(UNIT);
        let mut link: *mut *mut Hole = &mut self.first;
        // SAFETY: every hole on the list lies inside the buffer and holds a
        // valid header (rules 1–2); `link` always points at the list head or
        // at a hole's `next` field.
        unsafe {
            while !(*link).is_null() {
                let hole = *link;
                let (hole_start, hole_end) = (hole as usize, hole as usize + (*hole).size);
                let start = round_up(hole_start, align);
                if let Some(end) = start.checked_add(size).filter(|&end| end <= hole_end) {
                    let next = (*hole).next;
                    // What is left after the block becomes a hole of its own.
                    let after = if end < hole_end {
                        let h = hole.cast::<u8>().add(end - hole_start).cast::<Hole>();
                        h.write(Hole { size: hole_end - end, next });
                        h
                    } else {
                        next
                    };
                    if start > hole_start {
                        // Alignment padding in front stays a hole (rule 1: it is >= UNIT).
                        (*hole).size = start - hole_start;
                        (*hole).next = after;
                    } else {
                        *link = after;
                    }
                    self.used += size;
                    return Some(hole.cast::<u8>().add(start - hole_start));
                }
                link = &mut (*hole).next;
            }
        }
        None
    }

    /// Returns a block to the list, merging it with its neighbours.
    ///
    /// # Safety
    /// `ptr` was returned by [`Self::allocate_first_fit`] on this list with
    /// a layout of the same size, and is not used again.
    pub unsafe fn deallocate(&mut self, ptr: *mut u8, layout: Layout) {
        let size = round_up(layout.size().max(1), UNIT);
        let (start, end) = (ptr as usize, ptr as usize + size);
        let mut prev: *mut Hole = null_mut();
        let mut next = self.first;
        // SAFETY: as in `allocate_first_fit`, every hole on the list is valid;
        // the freed block is ours again (rule of this fn) and UNIT-aligned.
        unsafe {
            while !next.is_null() && (next as usize) < start {
                prev = next;
                next = (*next).next;
            }
            let prev_end = if prev.is_null() { 0 } else { prev as usize + (*prev).size };
            if start % UNIT != 0 || prev_end > start || (!next.is_null() && end > next as usize) {
                crate::fatal!(
                    "region",
                    "freeing ",
                    size,
                    " bytes at ",
                    ptr,
                    " that overlap a free hole of the table area: freed twice, or never allocated there"
                );
            }
            self.used -= size;
            // Merge with the following hole, then with the preceding one.
            let (mut size, mut after) = (size, next);
            if !next.is_null() && end == next as usize {
                size += (*next).size;
                after = (*next).next;
            }
            if !prev.is_null() && prev_end == start {
                (*prev).size += size;
                (*prev).next = after;
            } else {
                let hole = ptr.cast::<Hole>();
                hole.write(Hole { size, next: after });
                if prev.is_null() {
                    self.first = hole;
                } else {
                    (*prev).next = hole;
                }
            }
        }
    }

    /// `(start, size)` of each hole in address order, for tests.
    #[cfg(test)]
    fn holes(&self) -> alloc::vec::Vec<(usize, usize)> {
        let mut out = alloc::vec::Vec::new();
        let mut h = self.first;
        while !h.is_null() {
            // SAFETY: holes on the list are valid (rules 1–2).
            unsafe {
                out.push((h as usize, (*h).size));
                h = (*h).next;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    /// A small deterministic generator (xorshift), so failures replay.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self, below: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % below as u64) as usize
        }
    }

    /// Random allocations and frees against a model: blocks never overlap
    /// each other or the buffer's edges, keep their alignment, survive
    /// (a pattern written into each is intact when it is freed), and once
    /// everything is freed the list is one hole again, as at the start.
    #[test]
    fn random_traffic_keeps_blocks_disjoint_and_coalesces_back_to_one_hole() {
        // Miri runs this too (CI), a thousand times slower: a smaller
        // buffer and fewer steps still fill it many times over.
        let (words, steps) = if cfg!(miri) { (512, 400) } else { (4096, 20_000) };
        // u128: 16-byte aligned, so no bytes are trimmed (UNIT is 16 on 64-bit).
        let mut buf = alloc::vec![0u128; words];
        let (base, len) = (buf.as_mut_ptr() as *mut u8, buf.len() * 16);
        // SAFETY: `buf` outlives the list and nothing else touches it.
        let mut fl = unsafe { FreeList::new(base, len) };
        let initial = fl.holes();
        assert_eq!(initial.len(), 1);
        let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut failures = 0;
        for step in 0..steps {
            if live.is_empty() || rng.next(3) != 0 {
                let layout = Layout::from_size_align(1 + rng.next(700), 1 << rng.next(7)).unwrap();
                match fl.allocate_first_fit(layout) {
                    Some(p) => {
                        assert_eq!(p as usize % layout.align(), 0, "misaligned at step {step}");
                        let (a, b) = (p as usize, p as usize + layout.size());
                        assert!(a >= base as usize && b <= base as usize + len, "outside the buffer");
                        for &(q, l, _) in &live {
                            let (c, d) = (q as usize, q as usize + l.size());
                            assert!(b <= c || d <= a, "overlap at step {step}");
                        }
                        let tag = step as u8;
                        // SAFETY: the block is ours and `layout.size()` long.
                        unsafe { core::ptr::write_bytes(p, tag, layout.size()) };
                        live.push((p, layout, tag));
                    }
                    None => failures += 1,
                }
            } else {
                let (p, layout, tag) = live.swap_remove(rng.next(live.len()));
                // SAFETY: the block is ours and `layout.size()` long.
                let bytes = unsafe { core::slice::from_raw_parts(p, layout.size()) };
                assert!(bytes.iter().all(|&b| b == tag), "a block was overwritten");
                // SAFETY: `p` came from `fl` with `layout`.
                unsafe { fl.deallocate(p, layout) };
            }
            let holes = fl.holes();
            for w in holes.windows(2) {
                assert!(w[0].0 + w[0].1 < w[1].0, "holes unordered or unmerged: {w:?}");
            }
            let free: usize = holes.iter().map(|h| h.1).sum();
            assert_eq!(free + fl.used(), fl.size(), "bytes lost at step {step}");
        }
        assert!(failures > 0 && failures < steps, "the test never filled the buffer");
        for (p, layout, _) in live.drain(..) {
            // SAFETY: `p` came from `fl` with `layout`.
            unsafe { fl.deallocate(p, layout) };
        }
        assert_eq!(fl.holes(), initial);
        assert_eq!(fl.used(), 0);
        drop(buf);
    }

    #[test]
    fn a_block_that_fills_the_buffer_exactly_fits_and_one_byte_more_does_not() {
        let mut buf = alloc::vec![0u128; 32];
        // SAFETY: `buf` outlives the list.
        let mut fl = unsafe { FreeList::new(buf.as_mut_ptr() as *mut u8, 512) };
        assert!(fl.allocate_first_fit(Layout::from_size_align(513, 8).unwrap()).is_none());
        let p = fl.allocate_first_fit(Layout::from_size_align(512, 8).unwrap()).unwrap();
        assert_eq!(fl.used(), 512);
        assert!(fl.allocate_first_fit(Layout::from_size_align(1, 1).unwrap()).is_none());
        // SAFETY: `p` came from `fl` with this layout.
        unsafe { fl.deallocate(p, Layout::from_size_align(512, 8).unwrap()) };
        assert_eq!(fl.holes(), alloc::vec![(p as usize, 512)]);
        drop(buf);
    }
}
