//! Free space in packed runs, in bins by size (segregated good fit).
//!
//! A hole is a multiple of [`PACKED_ALIGN`] bytes, aligned to it, and
//! holds its size and the next hole of its bin in its first two words
//! (which is why packed cells are 16-byte aligned: every gap can hold
//! them, so every free byte of a run can be listed, however small).
//!
//! Bin `b` holds the holes whose size lies in `[bin_min(b), bin_min(b + 1))`:
//! four bins per power of two, from 16 bytes up to [`MAX_HOLE`]. A bit per
//! bin says whether it holds any. To find `len` bytes, the first few
//! holes of `len`'s own bin are tried (an exact fit is common: a freed
//! cell is listed as it was), then the first hole of the smallest bigger
//! bin that holds any, found from the bitmap in O(1), and only then the
//! rest of the own bin. So holes too small for a request are seldom walked
//! past: a heap whose runs each end in a 1 KB tail serves 3 KB requests
//! without looking at those tails. (An address-ordered first-fit list,
//! before, walked every one of them: 3 KB buffers took 131 ns instead of
//! 89 once runs grew in steps.)
//!
//! The bins do not keep holes in address order or merge them; the heap
//! (`packed`) keeps holes maximal (no two adjacent) by construction and
//! finds a hole's neighbours from the allocation bitmap.

use crate::layout::{BLOCK_SIZE, MAX_PACKED_RUN_BLOCKS, PACKED_ALIGN};
use core::ptr::null_mut;

/// Largest hole: a whole packed run of the longest length.
pub const MAX_HOLE: usize = MAX_PACKED_RUN_BLOCKS * BLOCK_SIZE;
const MIN_SHIFT: u32 = PACKED_ALIGN.trailing_zeros();
/// Bins per power of two, as a shift.
const SUB_SHIFT: u32 = 2;
const BIN_COUNT: usize = bin_of(MAX_HOLE) + 1;
/// Holes of a request's own bin looked at before a bigger bin is split.
pub const OWN_BIN_WALK: usize = 8;
const _: () = assert!(BIN_COUNT <= 64 && PACKED_ALIGN.is_power_of_two());

/// The bin of a hole of `size` bytes (a nonzero multiple of `PACKED_ALIGN`).
const fn bin_of(size: usize) -> usize {
    // Sizes under four steps get a bin each (there are only three).
    const LINEAR: usize = 1 << (MIN_SHIFT + SUB_SHIFT);
    if size < LINEAR {
        return (size >> MIN_SHIFT) - 1;
    }
    let log = usize::BITS - 1 - size.leading_zeros();
    let sub = (size >> (log - SUB_SHIFT)) & ((1 << SUB_SHIFT) - 1);
    (((log - MIN_SHIFT - SUB_SHIFT) as usize) << SUB_SHIFT) + sub + (LINEAR >> MIN_SHIFT) - 1
}

/// The two words at the start of every hole.
#[repr(C)]
struct Hole {
    size: usize,
    next: *mut u8,
}

/// Free space in packed runs (see the module docs).
pub(in crate::heap) struct Holes {
    bins: [*mut u8; BIN_COUNT],
    /// Bit `b` set when bin `b` holds a hole.
    nonempty: u64,
}

impl Holes {
    pub(in crate::heap) const fn new() -> Holes {
        Holes { bins: [null_mut(); BIN_COUNT], nonempty: 0 }
    }

    /// Forgets every hole (the space stays free; a sweep lists it again).
    pub(in crate::heap) fn clear(&mut self) {
        *self = Holes::new();
    }

    /// # Safety
    /// `h` is a hole of these bins.
    unsafe fn get(h: *mut u8) -> Hole {
        // SAFETY: caller contract: a hole starts with a `Hole`, aligned
        // (PACKED_ALIGN is at least two words).
        unsafe { (h as *mut Hole).read() }
    }

    /// The size of the hole at `h`.
    ///
    /// # Safety
    /// `h` is a hole of these bins.
    pub(in crate::heap) unsafe fn size_at(h: *mut u8) -> usize {
        // SAFETY: caller contract.
        unsafe { Self::get(h).size }
    }

    /// Lists `size` free bytes at `start`.
    ///
    /// # Safety
    /// `start..start + size` is free space of one packed run in no hole;
    /// `start` and `size` are multiples of [`PACKED_ALIGN`], `size` is
    /// nonzero and at most [`MAX_HOLE`].
    pub(in crate::heap) unsafe fn push(&mut self, start: *mut u8, size: usize) {
        debug_assert!(start as usize % PACKED_ALIGN == 0 && size % PACKED_ALIGN == 0);
        debug_assert!(size > 0 && size <= MAX_HOLE);
        let b = bin_of(size);
        // SAFETY: caller contract: the space is ours to write.
        unsafe { (start as *mut Hole).write(Hole { size, next: self.bins[b] }) };
        self.bins[b] = start;
        self.nonempty |= 1 << b;
    }

    /// Takes a hole of at least `len` bytes out of the bins, and returns
    /// it and its size; the caller lists what it does not use. The
    /// order, closest fit first:
    /// 1. the first big enough among the first [`OWN_BIN_WALK`] holes of
    ///    `len`'s own bin (similar sizes: an exact fit is common, since
    ///    freed cells are listed as they were);
    /// 2. the first hole of the smallest bin above, found from the bitmap;
    /// 3. the rest of `len`'s own bin.
    pub(in crate::heap) fn take(&mut self, len: usize) -> Option<(*mut u8, usize)> {
        debug_assert!(len > 0 && len % PACKED_ALIGN == 0);
        let own = bin_of(len);
        if own >= BIN_COUNT {
            return None;
        }
        let fits = |_: *mut u8, size: usize| size >= len;
        if let Some(found) = self.unlink_first_where(own, OWN_BIN_WALK, fits) {
            return Some(found);
        }
        let above = if own + 1 < BIN_COUNT { self.nonempty >> (own + 1) << (own + 1) } else { 0 };
        if above != 0 {
            let b = above.trailing_zeros() as usize;
            let h = self.bins[b];
            // SAFETY: the first hole of a nonempty bin.
            let hole = unsafe { Self::get(h) };
            self.set_first(b, hole.next);
            return Some((h, hole.size));
        }
        self.unlink_first_where(own, usize::MAX, fits)
    }

    /// Takes the hole at `start`, of `size` bytes, out of its bin. False
    /// when it is not listed there.
    pub(in crate::heap) fn remove(&mut self, start: *mut u8, size: usize) -> bool {
        self.unlink_first_where(bin_of(size), usize::MAX, |h, _| h == start).is_some()
    }

    /// Unlinks and returns the first hole of bin `b`, among its first
    /// `max_walk`, that `pick` accepts.
    fn unlink_first_where(
        &mut self,
        b: usize,
        max_walk: usize,
        pick: impl Fn(*mut u8, usize) -> bool,
    ) -> Option<(*mut u8, usize)> {
        let mut prev: *mut u8 = null_mut();
        let mut h = self.bins[b];
        for _ in 0..max_walk {
            if h.is_null() {
                break;
            }
            // SAFETY: a hole of bin b.
            let hole = unsafe { Self::get(h) };
            if pick(h, hole.size) {
                if prev.is_null() {
                    self.set_first(b, hole.next);
                } else {
                    // SAFETY: `prev` is the hole of bin b before `h`.
                    unsafe { (*(prev as *mut Hole)).next = hole.next };
                }
                return Some((h, hole.size));
            }
            prev = h;
            h = hole.next;
        }
        None
    }

    fn set_first(&mut self, b: usize, h: *mut u8) {
        self.bins[b] = h;
        if h.is_null() {
            self.nonempty &= !(1 << b);
        }
    }

    /// Calls `f(start, size)` for every hole, bin by bin.
    pub(in crate::heap) fn for_each(&self, mut f: impl FnMut(*mut u8, usize)) {
        for &first in &self.bins {
            let mut h = first;
            while !h.is_null() {
                // SAFETY: a hole of these bins.
                let hole = unsafe { Self::get(h) };
                f(h, hole.size);
                h = hole.next;
            }
        }
    }

    /// The bins' own consistency: each hole sits in the bin of its size,
    /// and the bitmap matches the bins.
    pub(in crate::heap) fn check_bins(&self) -> Result<(), gc_api::Message> {
        for (b, &first) in self.bins.iter().enumerate() {
            if first.is_null() == (self.nonempty & (1 << b) != 0) {
                return Err(gc_api::msg!("hole bin ", b, " disagrees with the bin bitmap"));
            }
            let mut h = first;
            while !h.is_null() {
                // SAFETY: a hole of these bins.
                let hole = unsafe { Self::get(h) };
                if hole.size == 0 || hole.size % PACKED_ALIGN != 0 || bin_of(hole.size) != b {
                    return Err(gc_api::msg!("a hole of ", hole.size, " bytes sits in bin ", b));
                }
                h = hole.next;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    #[test]
    fn bins_cover_every_size_in_order() {
        let mut last = 0;
        for size in (PACKED_ALIGN..=MAX_HOLE).step_by(PACKED_ALIGN) {
            let b = bin_of(size);
            assert!(b == last || b == last + 1, "size {size}: bin {b} after {last}");
            last = b;
        }
        assert_eq!(last, BIN_COUNT - 1);
        // Four bins per power of two past the smallest sizes.
        assert_eq!(bin_of(4096) + 4, bin_of(8192));
        assert_eq!(bin_of(4096), bin_of(4096 + 1008));
        assert_ne!(bin_of(4096), bin_of(4096 + 1024));
    }

    /// The bins against a model (a list of free holes): `take` finds a hole
    /// whenever one big enough exists and never returns a smaller one, and
    /// `remove` takes out exactly the hole named.
    #[test]
    fn take_finds_a_fit_whenever_one_exists() {
        const UNIT: usize = PACKED_ALIGN;
        const UNITS: usize = 1024;
        let mut buf: Vec<u128> = vec![0; UNITS];
        let base = buf.as_mut_ptr() as *mut u8;
        let mut model: Vec<(usize, usize)> = Vec::new(); // (start unit, units)
        let mut holes = Holes::new();
        // Cut the buffer into holes of random sizes, then take and give back.
        let mut seed = 99u32;
        let mut rand = |n: usize| {
            seed = seed.wrapping_mul(1664525).wrapping_add(1013904223);
            (seed >> 8) as usize % n
        };
        let mut at = 0;
        while at < UNITS {
            let n = (1 + rand(300)).min(UNITS - at);
            // SAFETY: units at..at + n of `buf`, in no hole.
            unsafe { holes.push(base.wrapping_add(at * UNIT), n * UNIT) };
            model.push((at, n));
            at += n;
        }
        let steps = if cfg!(miri) { 200 } else { 5000 };
        for _ in 0..steps {
            holes.check_bins().unwrap();
            match rand(3) {
                0 => {
                    let want = 1 + rand(320);
                    let got = holes.take(want * UNIT);
                    let exists = model.iter().any(|&(_, n)| n >= want);
                    assert_eq!(got.is_some(), exists, "taking {want} units");
                    if let Some((h, size)) = got {
                        let start = (h as usize - base as usize) / UNIT;
                        let i = model.iter().position(|&(s, _)| s == start).expect("a listed hole");
                        assert_eq!(model[i].1 * UNIT, size);
                        assert!(model[i].1 >= want, "a hole of {} units for {want}", model[i].1);
                        let (s, n) = model.swap_remove(i);
                        if n > want {
                            // SAFETY: the rest of the hole just taken.
                            unsafe { holes.push(base.wrapping_add((s + want) * UNIT), (n - want) * UNIT) };
                            model.push((s + want, n - want));
                        }
                    }
                }
                1 if !model.is_empty() => {
                    let (s, n) = model.swap_remove(rand(model.len()));
                    assert!(holes.remove(base.wrapping_add(s * UNIT), n * UNIT));
                    assert!(!holes.remove(base.wrapping_add(s * UNIT), n * UNIT), "removed twice");
                    // SAFETY: the hole just removed.
                    unsafe { holes.push(base.wrapping_add(s * UNIT), n * UNIT) };
                    model.push((s, n));
                }
                _ => {}
            }
            let mut listed = Vec::new();
            holes.for_each(|h, size| listed.push(((h as usize - base as usize) / UNIT, size / UNIT)));
            listed.sort();
            let mut expected = model.clone();
            expected.sort();
            assert_eq!(listed, expected);
        }
    }
}
