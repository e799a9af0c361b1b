//! Object lookups for the mark loop: the heap's block table and bitmap
//! addresses copied into a small `Copy` value.
//!
//! Marking resolves millions of candidate words (every word of a
//! conservatively scanned object, every stack word). Through `&mut Heap`
//! the compiler must reload the heap's base, frontier and bitmap addresses
//! after every mark-bit store and mark-stack push, because they might
//! alias; a [`Geometry`] held in a local lives in registers. Nothing here
//! changes while marking: the frontier only moves when a block is taken,
//! and a [`MarkView`] borrows the heap mutably for as long as it exists
//! (parallel markers each hold a copy, `MarkView::share`, and all of them
//! then set mark bits atomically).

use crate::bits::last_set_bit;
use crate::block::{BlockInfo, BlockState};
use crate::layout::*;
use core::marker::PhantomData;

/// Where the heap's objects are: enough to answer "is this an object?"
/// and "which object contains this address?" in O(1) (crate invariants 1
/// and 2). Valid until the heap next takes a block.
#[derive(Clone, Copy)]
pub struct Geometry {
    base: usize,
    /// Bytes of blocks below the frontier: every object lies in
    /// `base..base + used_bytes`.
    used_bytes: usize,
    /// Bytes of the whole reservation (every block the heap may ever use).
    reserved_bytes: usize,
    table: *const BlockInfo,
    alloc_bits: *const u64,
}

/// An object found from an address inside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    pub obj: *mut u8,
    /// Heap bytes its cell (or run of blocks) occupies: what
    /// [`crate::layout::footprint_bytes`] says for its size, known here
    /// from the block without reading the object.
    pub footprint: usize,
}

impl Found {
    /// No object (an empty slot).
    pub const NONE: Found = Found { obj: core::ptr::null_mut(), footprint: 0 };
}

impl Default for Found {
    fn default() -> Found {
        Found::NONE
    }
}

impl Geometry {
    /// Lookups over the blocks from `base` (`used_bytes` of them in use),
    /// with the heap's block table and allocation bitmap.
    pub(crate) fn new(
        base: usize,
        used_bytes: usize,
        reserved_bytes: usize,
        table: *const BlockInfo,
        alloc_bits: *const u64,
    ) -> Geometry {
        Geometry { base, used_bytes, reserved_bytes, table, alloc_bits }
    }

    #[inline]
    fn alloc_bit(&self, granule: usize) -> bool {
        // SAFETY: callers pass granules below the frontier, which the
        // allocation bitmap covers.
        unsafe { *self.alloc_bits.add(granule >> 6) & (1u64 << (granule & 63)) != 0 }
    }

    #[inline]
    fn info(&self, block: usize) -> BlockInfo {
        // SAFETY: callers pass blocks below the frontier, which have entries.
        unsafe { self.table.add(block).read() }
    }

    /// Crate invariant 2: is `p` the start of a live object? Reads only metadata.
    #[inline]
    pub fn is_object(&self, p: *const u8) -> bool {
        let off = (p as usize).wrapping_sub(HEADER).wrapping_sub(self.base);
        off & (GRANULE - 1) == 0 && off < self.used_bytes && self.alloc_bit(off >> GRANULE_SHIFT)
    }

    /// Could `p` be an object allocated since this view was made, or not
    /// yet settled? True for any address of an object start's alignment
    /// inside the heap's reservation; reads no metadata, since a block
    /// taken meanwhile may be having its table entry written
    /// (`crate::lend`, rule 3).
    pub fn may_be_new_cell(&self, p: *const u8) -> bool {
        let off = (p as usize).wrapping_sub(HEADER).wrapping_sub(self.base);
        off & (GRANULE - 1) == 0 && off < self.reserved_bytes
    }

    /// The object whose cell contains `addr` (an interior or exact
    /// pointer), or `None` when `addr` is outside every allocated cell.
    #[cfg_attr(feature = "std", inline(always))]
    #[cfg_attr(not(feature = "std"), inline)]
    pub fn object_containing(&self, addr: usize) -> Option<Found> {
        let off = addr.wrapping_sub(self.base);
        if off >= self.used_bytes {
            return None;
        }
        let block = off >> BLOCK_SHIFT;
        let info = self.info(block);
        let (cell_off, footprint) = if info.state == BlockState::Small as u8 {
            let class = info.class as usize;
            debug_assert!(class < NUM_CLASSES);
            // SAFETY: a small block's class came from `class_for_cell`.
            let (size, reciprocal) =
                unsafe { (*CLASS_SIZES.get_unchecked(class) as usize, *CLASS_RECIPROCALS.get_unchecked(class)) };
            let in_block = off & (BLOCK_SIZE - 1);
            let cell_in_block = ((in_block as u64 * reciprocal) >> 32) as usize * size;
            if cell_in_block + size > BLOCK_SIZE {
                return None; // the block's tail, past its last cell
            }
            ((block << BLOCK_SHIFT) + cell_in_block, size)
        } else if info.state >= BlockState::PackedHead as u8 {
            let (cell, size) = self.large_cell(block, info, off)?;
            // Found from its allocation bit: it is an object.
            return Some(Found { obj: (self.base + cell + PACKED_PREFIX) as *mut u8, footprint: size });
        } else {
            self.large_cell(block, info, off)?
        };
        self.alloc_bit(cell_off >> GRANULE_SHIFT)
            .then(|| Found { obj: (self.base + cell_off + HEADER) as *mut u8, footprint })
    }

    /// The heap footprint of the object `obj`, from its block.
    ///
    /// # Safety
    /// `obj` passes [`Geometry::is_object`].
    #[inline]
    pub unsafe fn footprint_of(&self, obj: *const u8) -> usize {
        let header = obj as usize - HEADER;
        let info = self.info((header - self.base) >> BLOCK_SHIFT);
        if info.state == BlockState::Small as u8 {
            CLASS_SIZES[info.class as usize] as usize
        } else if info.state >= BlockState::PackedHead as u8 {
            // SAFETY: caller contract: a packed object's cell, starting
            // with its size word, begins PACKED_PREFIX bytes before it.
            unsafe { (obj.sub(PACKED_PREFIX) as *const u32).read() as usize }
        } else {
            // A large object's cell starts its first block, so this is the head.
            info.aux as usize * BLOCK_SIZE
        }
    }

    /// The cell offset and footprint of the large object or packed cell
    /// holding `off` in `block`, if there is one.
    #[cold]
    fn large_cell(&self, block: usize, info: BlockInfo, off: usize) -> Option<(usize, usize)> {
        let head = match info.state {
            s if s == BlockState::LargeHead as u8 => block,
            s if s == BlockState::LargeTail as u8 => info.aux as usize,
            s if s == BlockState::PackedHead as u8 => return self.packed_cell(block, off),
            s if s == BlockState::PackedTail as u8 => return self.packed_cell(info.aux as usize, off),
            _ => return None,
        };
        Some((head << BLOCK_SHIFT, self.info(head).aux as usize * BLOCK_SIZE))
    }

    /// The packed cell containing heap offset `off` in the run at `head`:
    /// the nearest allocation bit at or before `off`'s granule (or the next
    /// granule, when `off` is a cell's size word), no further back than a
    /// packed cell can reach, and then the cell's size word decides.
    fn packed_cell(&self, head: usize, off: usize) -> Option<(usize, usize)> {
        let g = off >> GRANULE_SHIFT;
        let run_start = head * GRANULES_PER_BLOCK;
        let run_end = run_start + self.info(head).aux as usize * GRANULES_PER_BLOCK;
        let lowest = run_start.max((g + 1).saturating_sub(MAX_PACKED_CELL / GRANULE));
        // The header granule of the candidate cell.
        // SAFETY: granules of the run, below the frontier.
        let header_g = unsafe { last_set_bit(self.alloc_bits, lowest, (g + 1).min(run_end - 1)) }?;
        let cell = (header_g - 1) << GRANULE_SHIFT;
        // SAFETY: a cell whose allocation bit is set starts with its size word.
        let size = unsafe { ((self.base + cell) as *const u32).read() } as usize;
        (off >= cell && off < cell + size).then_some((cell, size))
    }
}

/// A [`Geometry`] plus the mark bitmap, borrowing the heap mutably: the
/// mark loop's only access to the heap.
pub struct MarkView<'h> {
    pub geometry: Geometry,
    mark_bits: *mut u64,
    /// The heap's mutable borrow (`Heap::mark_view` takes `&'h mut self`),
    /// as a borrow of the mark bitmap it writes.
    _heap: PhantomData<&'h mut [u64]>,
}

impl<'h> MarkView<'h> {
    /// One past the last granule of the blocks below the frontier.
    pub fn granule_limit(&self) -> usize {
        self.geometry.used_bytes >> GRANULE_SHIFT
    }

    /// Looks for the first marked object whose cell starts at granule
    /// `from` or later, reading at most `max_words` words of the mark
    /// bitmap. Returns the object, if found, the granule to resume from
    /// (past the object, or past the words read; [`Self::granule_limit`]
    /// at the end), and the words read.
    pub fn next_marked(&self, from: usize, max_words: usize) -> (Option<*mut u8>, usize, usize) {
        let limit = self.granule_limit();
        let mut g = from;
        let mut words = 0;
        while g < limit && words < max_words {
            // SAFETY: g is below the frontier, inside the mark bitmap.
            let word = unsafe { *self.mark_bits.add(g >> 6) } >> (g & 63);
            words += 1;
            if word != 0 {
                let found = g + word.trailing_zeros() as usize;
                if found >= limit {
                    break;
                }
                let cell = self.geometry.base + (found << GRANULE_SHIFT);
                return (Some((cell + HEADER) as *mut u8), found + 1, words);
            }
            g = (g | 63) + 1;
        }
        (None, g.min(limit), words)
    }

    pub(crate) fn new(geometry: Geometry, mark_bits: *mut u64) -> MarkView<'h> {
        MarkView { geometry, mark_bits, _heap: PhantomData }
    }

    /// Sets the mark bit of `obj`; true if it was clear. With
    /// `S::ATOMIC`, other views of the same heap may be marking at once
    /// (parallel marking), and the bit is set with an atomic `fetch_or`.
    ///
    /// # Safety
    /// `obj` passes [`Geometry::is_object`]. Without `S::ATOMIC`, no other
    /// view writes the bitmap meanwhile (as when this view is the heap's
    /// only one, from [`crate::Heap::mark_view`]).
    #[inline(always)]
    pub(crate) unsafe fn mark<S: crate::mark::Sharing>(&mut self, obj: *const u8) -> bool {
        let granule = (obj as usize - HEADER - self.geometry.base) >> GRANULE_SHIFT;
        let bit = 1u64 << (granule & 63);
        // SAFETY: an object's granule is below the frontier, inside the
        // mark bitmap.
        let word = unsafe { self.mark_bits.add(granule >> 6) };
        if S::ATOMIC {
            // SAFETY: as above; every concurrent writer uses atomics too
            // (caller contract).
            return unsafe { mark_atomic(word, bit) };
        }
        // SAFETY: as above, and nothing else writes the bitmap meanwhile.
        unsafe {
            if *word & bit != 0 {
                return false;
            }
            *word |= bit;
        }
        true
    }

    #[cfg(feature = "std")]
    /// Whether `obj` is marked. Other views may be setting bits meanwhile
    /// (a parallel mark): the word is read atomically where that can be.
    ///
    /// # Safety
    /// `obj` passes [`Geometry::is_object`].
    pub(crate) unsafe fn is_marked(&self, obj: *const u8) -> bool {
        let granule = (obj as usize - HEADER - self.geometry.base) >> GRANULE_SHIFT;
        // SAFETY: an object's granule is below the frontier, inside the bitmap.
        let word = unsafe { self.mark_bits.add(granule >> 6) };
        #[cfg(target_has_atomic = "64")]
        // SAFETY: aligned, and concurrent writers use atomics (`mark`).
        let bits = unsafe { core::sync::atomic::AtomicU64::from_ptr(word) }.load(core::sync::atomic::Ordering::Relaxed);
        #[cfg(not(target_has_atomic = "64"))]
        // SAFETY: as above; such targets have no parallel marking.
        let bits = unsafe { *word };
        bits & (1 << (granule & 63)) != 0
    }

    /// A copy of this view for another marker of a parallel mark.
    #[cfg(feature = "std")]
    ///
    /// # Safety
    /// While copies exist, every view of the heap marks with `S::ATOMIC`
    /// and nothing else writes the heap's objects or metadata.
    pub(crate) unsafe fn share(&self) -> MarkView<'h> {
        MarkView { geometry: self.geometry, mark_bits: self.mark_bits, _heap: PhantomData }
    }
}

/// Sets `bit` in `*word` atomically; true if it was clear. The load first
/// keeps the locked instruction off objects already marked (most pointers
/// a marker follows lead to one).
///
/// # Safety
/// `word` is a mark-bitmap word that every concurrent writer sets atomically.
#[cfg(target_has_atomic = "64")]
#[inline(always)]
unsafe fn mark_atomic(word: *mut u64, bit: u64) -> bool {
    use core::sync::atomic::{AtomicU64, Ordering};
    // SAFETY: aligned (a u64 of the bitmap) and only accessed atomically
    // while markers share it (caller contract). Relaxed: the mark's end
    // is ordered by the termination counter (`crate::parallel`).
    let word = unsafe { AtomicU64::from_ptr(word) };
    word.load(Ordering::Relaxed) & bit == 0 && word.fetch_or(bit, Ordering::Relaxed) & bit == 0
}

/// Parallel marking is hosted-only, and every host has 64-bit atomics.
#[cfg(not(target_has_atomic = "64"))]
unsafe fn mark_atomic(_word: *mut u64, _bit: u64) -> bool {
    gc_api::fatal::internal("parallel marking on a target without 64-bit atomics")
}
