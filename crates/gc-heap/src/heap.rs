//! Blocks, size classes, packed runs ([`packed`]), large objects, side
//! bitmaps and the block table.
//!
//! The heap knows nothing about roots or types beyond the header it writes:
//! it hands out cells, answers "is this an object?" in O(1), keeps mark
//! bits, and sweeps. Policy (when to collect, how much to keep committed)
//! belongs to the caller.

pub(crate) use crate::block::BlockInfo;
pub use crate::block::BlockState;
use crate::layout::*;
use crate::memory::Memory;
use crate::object::Header;
use crate::view::{Geometry, MarkView};
use alloc::boxed::Box;
use core::ptr::null_mut;

mod free_cells;
mod holes;
mod packed;
mod spans;
pub use crate::layout::MAX_PACKED_RUN_BLOCKS;
pub use free_cells::Damage;
pub use packed::PACKED_RUN_CHUNK;
pub use spans::{free_run_in, mark_cells_before_publishing, settle_cells, settle_cells_atomic};

const NONE: u32 = u32::MAX;

#[derive(Clone, Copy)]
struct ClassState {
    /// Free cells ready for allocation, linked through their first word.
    free: *mut u8,
    /// Blocks of this class with free cells not yet in `free`.
    partial: u32,
}

/// Counts from one sweep.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepCounts {
    pub freed_cells: usize,
    pub freed_blocks: usize,
}

/// A heap over one [`Memory`] region.
pub struct Heap {
    mem: Box<dyn Memory>,
    table: *mut BlockInfo,
    mark_bits: *mut u64,
    alloc_bits: *mut u64,
    /// Bit per block: 1 = free and below the frontier.
    free_bits: *mut u64,
    blocks_base: *mut u8,
    nblocks: usize,
    /// At most this many blocks are in use at once (`nblocks` unless
    /// lowered by [`Heap::set_limit_bytes`]).
    limit_blocks: usize,
    /// Blocks at or above this index have never been used.
    frontier: usize,
    /// Where the next single-block search starts.
    hint: usize,
    classes: [ClassState; NUM_CLASSES],
    blocks_in_use: usize,
    peak_blocks: usize,
    /// During a sweep, blocks below this index have not been swept yet.
    sweep_cursor: usize,
    sweeping: bool,
    /// Free space in packed runs ([`packed`]).
    packed_holes: holes::Holes,
    /// The packed run the allocator may extend, or `NONE`.
    packed_last: u32,
    /// Blocks in packed runs.
    packed_blocks: usize,
    /// Mark bits may be set by a marker on another thread right now (the
    /// incremental collector's thread, `crate::lend` rule 1): this heap
    /// sets them atomically too. Fixed at init ([`Heap::share_marks`]).
    marks_shared: bool,
}

/// Where an incremental release of free blocks resumes.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReleaseCursor {
    pub next_block: usize,
    /// Free blocks still to keep committed before releasing any.
    pub keep_blocks: usize,
    pub released_bytes: usize,
}

/// Offsets of the metadata inside the region, for `nblocks` blocks.
struct Plan {
    table: usize,
    mark: usize,
    alloc: usize,
    free: usize,
    meta_end: usize,
}

fn round_up(x: usize, to: usize) -> usize {
    x.div_ceil(to) * to
}

impl Plan {
    fn for_blocks(nblocks: usize) -> Plan {
        let table = 0;
        let mark = round_up(table + nblocks * core::mem::size_of::<BlockInfo>(), 64);
        let alloc = mark + nblocks * BITMAP_BYTES_PER_BLOCK;
        let free = alloc + nblocks * BITMAP_BYTES_PER_BLOCK;
        let meta_end = round_up(free + nblocks.div_ceil(64) * 8, 64);
        Plan { table, mark, alloc, free, meta_end }
    }
}

impl Heap {
    /// Region size that holds metadata plus `nblocks` blocks (with
    /// alignment slack).
    pub fn region_bytes_for_blocks(nblocks: usize) -> usize {
        Plan::for_blocks(nblocks).meta_end + BLOCK_SIZE + nblocks * BLOCK_SIZE
    }

    /// Region size for a heap limit of `heap_max` bytes.
    pub fn region_bytes_for(heap_max: usize) -> usize {
        Self::region_bytes_for_blocks(heap_max / BLOCK_SIZE)
    }

    /// Builds a heap filling `mem` with as many blocks as fit.
    pub fn new(mem: Box<dyn Memory>) -> Result<Heap, &'static str> {
        let len = mem.len();
        let mut nblocks = len / (BLOCK_SIZE + 2 * BITMAP_BYTES_PER_BLOCK + 17);
        while nblocks > 0 && Self::region_bytes_for_blocks(nblocks) > len {
            nblocks -= 1;
        }
        if nblocks < 2 {
            return Err("the heap region is too small for two blocks");
        }
        let plan = Plan::for_blocks(nblocks);
        let base = mem.base();
        if !mem.starts_zeroed() {
            // SAFETY: the metadata area lies inside the region (checked via
            // region_bytes_for_blocks above).
            unsafe { core::ptr::write_bytes(base, 0, plan.meta_end) };
        }
        let blocks_start = round_up(base as usize + plan.meta_end, BLOCK_SIZE);
        let dirty = !mem.starts_zeroed();
        // SAFETY: all offsets are inside the region (same check).
        let heap = unsafe {
            Heap {
                table: base.add(plan.table).cast(),
                mark_bits: base.add(plan.mark).cast(),
                alloc_bits: base.add(plan.alloc).cast(),
                free_bits: base.add(plan.free).cast(),
                blocks_base: blocks_start as *mut u8,
                nblocks,
                limit_blocks: nblocks,
                frontier: 0,
                hint: 0,
                classes: [ClassState { free: null_mut(), partial: NONE }; NUM_CLASSES],
                blocks_in_use: 0,
                peak_blocks: 0,
                sweep_cursor: 0,
                sweeping: false,
                packed_holes: holes::Holes::new(),
                packed_last: NONE,
                packed_blocks: 0,
                marks_shared: false,
                mem,
            }
        };
        let mut heap = heap;
        if dirty {
            for b in 0..nblocks {
                heap.info_mut(b).dirty = 1;
            }
        }
        Ok(heap)
    }

    /// Memory the side tables take: in a caller's region, everything in
    /// front of the blocks (tables and alignment padding); in a reservation,
    /// the tables of the blocks below the frontier (the rest is untouched).
    pub fn metadata_bytes(&self) -> usize {
        if self.mem.commits_on_touch() {
            Plan::for_blocks(self.frontier).meta_end
        } else {
            self.blocks_base as usize - self.mem.base() as usize
        }
    }

    pub fn capacity_blocks(&self) -> usize {
        self.limit_blocks
    }
    pub fn capacity_bytes(&self) -> usize {
        self.limit_blocks * BLOCK_SIZE
    }

    /// Caps the heap at `bytes` (rounded down to whole blocks, at least two,
    /// at most the region). Blocks already in use stay; the cap only stops
    /// new ones. Returns the cap in bytes.
    pub fn set_limit_bytes(&mut self, bytes: usize) -> usize {
        // Not `clamp`, whose panic path keeps core::fmt in a board image;
        // a heap always has two blocks at least (`Heap::new`).
        self.limit_blocks = (bytes / BLOCK_SIZE).max(2).min(self.nblocks);
        self.capacity_bytes()
    }
    pub fn blocks_in_use(&self) -> usize {
        self.blocks_in_use
    }
    /// Bytes of blocks holding objects (or cells of a class).
    pub fn heap_bytes(&self) -> usize {
        self.blocks_in_use * BLOCK_SIZE
    }
    pub fn peak_heap_bytes(&self) -> usize {
        self.peak_blocks * BLOCK_SIZE
    }
    pub fn released_bytes(&self) -> u64 {
        self.mem.released_bytes()
    }
    pub fn blocks_base(&self) -> *mut u8 {
        self.blocks_base
    }
    /// Where every object the heap will ever hold lies: the blocks of the
    /// whole reservation (bdwgc's plausible heap bounds).
    pub fn reserved_range(&self) -> (usize, usize) {
        let lo = self.blocks_base as usize;
        (lo, lo + self.nblocks * BLOCK_SIZE)
    }

    /// The address range of the blocks in use so far: every object lies in it.
    pub fn used_range(&self) -> (usize, usize) {
        let lo = self.blocks_base as usize;
        (lo, lo + self.frontier * BLOCK_SIZE)
    }

    // ---- block table ------------------------------------------------------

    #[inline]
    fn info(&self, b: usize) -> BlockInfo {
        debug_assert!(b < self.nblocks);
        // SAFETY: b < nblocks entries exist.
        unsafe { self.table.add(b).read() }
    }

    #[inline]
    fn info_mut(&mut self, b: usize) -> &mut BlockInfo {
        debug_assert!(b < self.nblocks);
        // SAFETY: b < nblocks; `&mut self` makes this the only reference.
        unsafe { &mut *self.table.add(b) }
    }

    #[inline]
    fn block_addr(&self, b: usize) -> *mut u8 {
        // SAFETY: b <= nblocks keeps the result inside (or one past) the region.
        unsafe { self.blocks_base.add(b << BLOCK_SHIFT) }
    }

    /// The block holding `addr`, if it is inside the heap's used blocks.
    #[inline]
    pub fn block_of(&self, addr: usize) -> Option<usize> {
        let off = addr.wrapping_sub(self.blocks_base as usize);
        let b = off >> BLOCK_SHIFT;
        (b < self.frontier).then_some(b)
    }

    pub fn block_state(&self, b: usize) -> BlockState {
        match self.info(b).state {
            1 => BlockState::Small,
            2 => BlockState::LargeHead,
            3 => BlockState::LargeTail,
            4 => BlockState::PackedHead,
            5 => BlockState::PackedTail,
            _ => BlockState::Free,
        }
    }

    // ---- side bitmaps -----------------------------------------------------

    #[inline]
    fn granule_of(&self, cell: *const u8) -> usize {
        (cell as usize - self.blocks_base as usize) >> GRANULE_SHIFT
    }

    #[inline]
    fn bit(words: *mut u64, g: usize) -> bool {
        // SAFETY: callers pass granules of used blocks, inside the bitmap.
        unsafe { *words.add(g >> 6) & (1u64 << (g & 63)) != 0 }
    }

    #[inline]
    fn set_bit(words: *mut u64, g: usize, on: bool) {
        // SAFETY: as in `bit`.
        unsafe {
            let w = words.add(g >> 6);
            if on {
                *w |= 1u64 << (g & 63);
            } else {
                *w &= !(1u64 << (g & 63));
            }
        }
    }

    /// The lookups of [`Geometry`], valid until the heap next takes a block.
    #[inline]
    pub fn geometry(&self) -> Geometry {
        let (lo, hi) = self.used_range();
        Geometry::new(lo, hi - lo, self.nblocks * BLOCK_SIZE, self.table, self.alloc_bits)
    }

    /// From now on a marker on another thread may set mark bits while
    /// this heap allocates black: set them atomically (`crate::lend`).
    pub fn share_marks(&mut self) {
        self.marks_shared = true;
    }

    /// The mark bitmap, for a marker's view made outside the heap's
    /// borrow ([`crate::Runtime::lend_marker`]).
    #[cfg(feature = "std")]
    pub(crate) fn mark_bits_ptr(&self) -> *mut u64 {
        self.mark_bits
    }

    /// Sets the mark bit of the cell at granule `g` before it becomes
    /// allocated (`crate::lend` rule 2, as [`spans::mark_cells_before_publishing`]
    /// does for a span's cells).
    #[inline]
    fn mark_new_cell(&mut self, g: usize) {
        // Only hosts have a collector thread, and every host has 64-bit atomics.
        #[cfg(target_has_atomic = "64")]
        if self.marks_shared {
            use core::sync::atomic::{fence, AtomicU64, Ordering};
            fence(Ordering::Release);
            // SAFETY: a granule of a used block, inside the bitmap; every
            // writer of mark bits is atomic while they are shared.
            unsafe { AtomicU64::from_ptr(self.mark_bits.add(g >> 6)) }.fetch_or(1u64 << (g & 63), Ordering::Relaxed);
            fence(Ordering::Release);
            return;
        }
        Self::set_bit(self.mark_bits, g, true);
    }

    /// The mark loop's view of the heap: lookups and mark bits.
    #[inline]
    pub fn mark_view(&mut self) -> MarkView<'_> {
        MarkView::new(self.geometry(), self.mark_bits)
    }

    /// Invariant 2: is `p` the start of a live object? Reads only metadata.
    #[inline]
    pub fn is_object(&self, p: *const u8) -> bool {
        self.geometry().is_object(p)
    }

    /// The object whose cell contains `addr` (an interior or exact pointer),
    /// in O(1) through the block table. Used by conservative root scanning.
    pub fn object_containing(&self, addr: usize) -> Option<*mut u8> {
        self.geometry().object_containing(addr).map(|found| found.obj)
    }

    /// Bytes the object `obj` may grow to without moving: its cell (or run
    /// of blocks) minus the header.
    ///
    /// # Safety
    /// `obj` passes [`Heap::is_object`].
    pub unsafe fn cell_capacity(&self, obj: *const u8) -> usize {
        // SAFETY: caller contract: the header is HEADER bytes before obj.
        let header_g = self.granule_of(unsafe { obj.sub(HEADER) });
        let b = header_g / GRANULES_PER_BLOCK;
        match self.block_state(b) {
            BlockState::Small => CLASS_SIZES[self.info(b).class as usize] as usize - HEADER,
            BlockState::PackedHead | BlockState::PackedTail => self.packed_size_at(header_g) - PACKED_PREFIX,
            _ => self.info(b).aux as usize * BLOCK_SIZE - HEADER,
        }
    }

    /// True when `addr` lies in a block that holds objects (allocated or
    /// free cells of a size class, or a large object).
    pub fn in_use_block(&self, addr: usize) -> bool {
        self.block_of(addr).is_some_and(|b| self.block_state(b) != BlockState::Free)
    }

    /// A dense index for `obj` (its cell's granule), below [`Heap::index_limit`];
    /// lets the verifier keep side sets as plain bitmaps.
    ///
    /// # Safety
    /// `obj` passes [`Heap::is_object`].
    #[inline]
    pub unsafe fn object_index(&self, obj: *const u8) -> usize {
        // SAFETY: caller contract.
        self.granule_of(unsafe { obj.sub(HEADER) })
    }

    /// One past the largest [`Heap::object_index`] of any current object.
    pub fn index_limit(&self) -> usize {
        self.frontier * GRANULES_PER_BLOCK
    }

    /// Sets the mark bit of object `obj`; true if it was clear.
    ///
    /// # Safety
    /// `obj` passes [`Heap::is_object`].
    #[inline]
    pub unsafe fn mark(&mut self, obj: *const u8) -> bool {
        // SAFETY: caller contract.
        unsafe { self.mark_view().mark::<crate::mark::Alone>(obj) }
    }

    /// # Safety
    /// `obj` passes [`Heap::is_object`].
    #[inline]
    pub unsafe fn is_marked(&self, obj: *const u8) -> bool {
        // SAFETY: caller contract.
        Self::bit(self.mark_bits, self.granule_of(unsafe { obj.sub(HEADER) }))
    }

    /// Clears the mark bit of object `obj`.
    ///
    /// # Safety
    /// `obj` passes [`Heap::is_object`].
    #[inline]
    pub unsafe fn unmark(&mut self, obj: *const u8) {
        // SAFETY: caller contract.
        Self::set_bit(self.mark_bits, self.granule_of(unsafe { obj.sub(HEADER) }), false);
    }

    /// Clears every mark bit without freeing anything (invariant 3 again
    /// after a verification trace).
    pub fn clear_marks(&mut self) {
        let words = self.frontier * GRANULES_PER_BLOCK / 64;
        // SAFETY: the mark bitmap covers the blocks below the frontier.
        unsafe { core::ptr::write_bytes(self.mark_bits, 0, words) };
    }

    // ---- block allocation -------------------------------------------------

    fn take_block(&mut self, b: usize) {
        if self.sweeping && b < self.sweep_cursor {
            self.info_mut(b).fresh = 1;
        }
        Self::set_bit(self.free_bits, b, false);
        self.blocks_in_use += 1;
        self.peak_blocks = self.peak_blocks.max(self.blocks_in_use);
    }

    /// One free block, preferring reuse below the frontier.
    fn alloc_block(&mut self) -> Option<usize> {
        if self.blocks_in_use >= self.limit_blocks {
            return None;
        }
        // Every block below the frontier is in use or free: when none is
        // free, skip the bitmap (scanning it made each new block of a
        // growing heap cost its whole size: 28 % of `none`'s time on trees).
        let words = if self.frontier > self.blocks_in_use { self.frontier.div_ceil(64) } else { 0 };
        for i in 0..words {
            let w = (self.hint / 64 + i) % words;
            // SAFETY: w < words <= bitmap length.
            let bits = unsafe { *self.free_bits.add(w) };
            if bits != 0 {
                let b = w * 64 + bits.trailing_zeros() as usize;
                if b < self.frontier {
                    self.hint = b;
                    self.take_block(b);
                    return Some(b);
                }
            }
        }
        if self.frontier < self.nblocks {
            let b = self.frontier;
            self.frontier += 1;
            self.take_block(b);
            return Some(b);
        }
        None
    }

    /// `n` contiguous free blocks (first fit, then extending the frontier).
    fn alloc_run(&mut self, n: usize) -> Option<usize> {
        if self.blocks_in_use + n > self.limit_blocks {
            return None;
        }
        let mut run = 0;
        let scan_to = if self.frontier > self.blocks_in_use { self.frontier } else { 0 };
        for b in 0..scan_to {
            if Self::bit(self.free_bits, b) {
                run += 1;
                if run == n {
                    let start = b + 1 - n;
                    (start..=b).for_each(|x| self.take_block(x));
                    return Some(start);
                }
            } else {
                run = 0;
            }
        }
        // `run` free blocks end at the frontier; extend past it.
        let start = self.frontier - run;
        if start + n > self.nblocks {
            return None;
        }
        self.frontier = start + n;
        for b in start..start + n {
            self.take_block(b);
        }
        Some(start)
    }

    fn free_block(&mut self, b: usize) {
        let info = self.info_mut(b);
        info.state = BlockState::Free as u8;
        info.dirty = 1;
        info.fresh = 0;
        info.unlinked = 0;
        info.next = NONE;
        Self::set_bit(self.free_bits, b, true);
        self.blocks_in_use -= 1;
    }

    // ---- object allocation --------------------------------------------------

    /// Allocates a cell for an object of `bytes` and writes its header.
    /// Returns the zeroed object, or null when no block is left.
    #[inline]
    pub fn alloc(&mut self, bytes: usize, header: Header) -> *mut u8 {
        self.alloc_sized(bytes, header, false).0
    }

    /// [`Heap::alloc`], also returning the heap bytes the object took (its
    /// [`crate::layout::footprint_bytes`], known here without a second lookup).
    #[inline]
    pub fn alloc_sized(&mut self, bytes: usize, header: Header, black: bool) -> (*mut u8, usize) {
        let cell_size = cell_bytes(bytes);
        let (cell, footprint) = match class_for_cell(cell_size) {
            Some(class) => {
                let cell = self.alloc_small(class);
                if cell.is_null() {
                    return (cell, 0);
                }
                // Invariant 6: free cells are zero past their link word,
                // which the header overwrites.
                // (Not under Miri: reading every allocated byte there more
                // than doubled the heap tests' time, and Miri looks for UB.)
                #[cfg(all(debug_assertions, not(miri)))]
                Self::check_zero_cell(cell, cell_size);
                (cell, CLASS_SIZES[class] as usize)
            }
            None => match packed_cell_bytes(bytes) {
                Some(packed) => {
                    let header_at = self.alloc_packed(packed);
                    if header_at.is_null() {
                        return (header_at, 0);
                    }
                    (header_at, packed)
                }
                None => {
                    let cell = self.alloc_large(bytes);
                    if cell.is_null() {
                        return (cell, 0);
                    }
                    (cell, large_blocks(bytes) * BLOCK_SIZE)
                }
            },
        };
        // SAFETY: the cell (from here) is ours and at least HEADER bytes long.
        unsafe { (cell as *mut Header).write(header) };
        if black {
            self.mark_new_cell(self.granule_of(cell));
        }
        Self::set_bit(self.alloc_bits, self.granule_of(cell), true);
        // SAFETY: inside the cell.
        (unsafe { cell.add(HEADER) }, footprint)
    }

    /// Invariant 6 for a cell just taken from a free list (debug builds).
    #[cfg(all(debug_assertions, not(miri)))]
    fn check_zero_cell(cell: *mut u8, cell_size: usize) {
        for at in (HEADER..cell_size).step_by(8) {
            // SAFETY: inside the cell (sizes are multiples of 8); raw reads,
            // no reference to the cell's bytes.
            let word = unsafe { (cell.add(at) as *const u64).read() };
            assert!(word == 0, "a free cell {cell:p} holds {word:#x} at byte {at} (invariant 6: free cells are zero)");
        }
    }

    /// The size class of the object `obj` (a live object) if it lives in
    /// a small block.
    pub fn small_class_of(&self, obj: *mut u8) -> Option<usize> {
        let b = self.block_of(obj.wrapping_sub(HEADER) as usize)?;
        (self.block_state(b) == BlockState::Small).then(|| self.info(b).class as usize)
    }

    /// True when size class `class` has a cell on its free list (a cell
    /// [`Heap::free_object`] gave back, or one of a partly used block
    /// linked for allocation outside spans).
    pub fn has_listed_free_cell(&self, class: usize) -> bool {
        !self.classes[class].free.is_null()
    }

    #[inline]
    fn alloc_small(&mut self, class: usize) -> *mut u8 {
        let state = &mut self.classes[class];
        let cell = state.free;
        if !cell.is_null() {
            // SAFETY: free cells hold the next link in their first word (invariant 4).
            state.free = unsafe { *(cell as *mut *mut u8) };
            return cell;
        }
        self.refill(class)
    }

    #[cold]
    #[inline(never)]
    fn refill(&mut self, class: usize) -> *mut u8 {
        let Some((b, partial)) = self.take_class_block(class) else {
            return null_mut();
        };
        if partial {
            let head = self.link_free_cells(b, class);
            debug_assert!(!head.is_null(), "a partial block has free cells");
            self.classes[class].free = head;
            return self.alloc_small(class);
        }
        let size = CLASS_SIZES[class] as usize;
        let start = self.block_addr(b);
        let count = BLOCK_SIZE / size;
        let mut next = null_mut();
        for i in (0..count).rev() {
            // SAFETY: cell i lies inside block b.
            unsafe {
                let cell = start.add(i * size);
                *(cell as *mut *mut u8) = next;
                next = cell;
            }
        }
        self.classes[class].free = next;
        self.alloc_small(class)
    }

    /// A block for `class` that its taker owns alone: the head of the
    /// class's partial list (true: its free cells are those with a clear
    /// alloc bit, still holding dead objects), else a free block made a
    /// block of the class, zeroed (false: every cell is free).
    fn take_class_block(&mut self, class: usize) -> Option<(usize, bool)> {
        let partial = self.classes[class].partial;
        if partial != NONE {
            let b = partial as usize;
            let info = self.info_mut(b);
            let next = info.next;
            info.next = NONE;
            info.unlinked = 0;
            self.classes[class].partial = next;
            return Some((b, true));
        }
        let b = self.alloc_block()?;
        let info = self.info_mut(b);
        let was_dirty = info.dirty == 1;
        info.state = BlockState::Small as u8;
        info.class = class as u8;
        info.dirty = 1;
        info.next = NONE;
        if was_dirty {
            // SAFETY: the whole block is ours (invariant 6 for its cells).
            unsafe { core::ptr::write_bytes(self.block_addr(b), 0, BLOCK_SIZE) };
        }
        Some((b, false))
    }

    #[cold]
    fn alloc_large(&mut self, bytes: usize) -> *mut u8 {
        let n = large_blocks(bytes);
        if n > self.limit_blocks {
            return null_mut();
        }
        let Some(head) = self.alloc_run(n) else {
            return null_mut();
        };
        let all_zero = (head..head + n).all(|b| self.info(b).dirty == 0);
        for b in head..head + n {
            let info = self.info_mut(b);
            info.state = if b == head { BlockState::LargeHead } else { BlockState::LargeTail } as u8;
            info.aux = if b == head { n as u32 } else { head as u32 };
            info.dirty = 1;
            info.next = NONE;
        }
        let cell = self.block_addr(head);
        if !all_zero {
            // SAFETY: the run holds n * BLOCK_SIZE >= HEADER + bytes bytes.
            unsafe { core::ptr::write_bytes(cell, 0, HEADER + bytes) };
        }
        cell
    }

    // ---- sweeping -------------------------------------------------------------

    /// Frees every allocated, unmarked cell and clears all mark bits
    /// (invariant 3). Empty blocks become free blocks.
    pub fn sweep(&mut self) -> SweepCounts {
        let mut counts = SweepCounts::default();
        self.begin_sweep();
        while !self.sweep_some(usize::MAX, &mut counts) {}
        counts
    }

    /// Starts a sweep that [`Heap::sweep_some`] advances. Free lists are
    /// emptied: until the sweep ends, small cells come only from blocks
    /// already swept (or fresh ones), so the sweeper never meets an object
    /// allocated after marking. Mark bits of unswept blocks stay meaningful.
    pub fn begin_sweep(&mut self) {
        for c in self.classes.iter_mut() {
            *c = ClassState { free: null_mut(), partial: NONE };
        }
        self.packed_holes.clear();
        self.packed_last = NONE;
        self.sweep_cursor = self.frontier;
        self.sweeping = true;
    }

    /// Sweeps up to `max_blocks` more blocks (downwards, so each class's
    /// partial list comes out in address order). True when the sweep is done.
    pub fn sweep_some(&mut self, max_blocks: usize, counts: &mut SweepCounts) -> bool {
        let mut budget = max_blocks;
        while self.sweep_cursor > 0 && budget > 0 {
            self.sweep_cursor -= 1;
            let b = self.sweep_cursor;
            if self.info(b).fresh == 1 {
                self.info_mut(b).fresh = 0;
                continue;
            }
            budget -= 1;
            match self.block_state(b) {
                BlockState::Small => self.sweep_small(b, counts),
                BlockState::LargeHead => {
                    let cell = self.block_addr(b);
                    let g = self.granule_of(cell);
                    if Self::bit(self.mark_bits, g) {
                        Self::set_bit(self.mark_bits, g, false);
                    } else {
                        Self::set_bit(self.alloc_bits, g, false);
                        let n = self.info(b).aux as usize;
                        for x in b..b + n {
                            self.free_block(x);
                        }
                        counts.freed_cells += 1;
                        counts.freed_blocks += n;
                    }
                }
                BlockState::PackedHead => self.sweep_packed(b, counts),
                BlockState::Free | BlockState::LargeTail | BlockState::PackedTail => {}
            }
        }
        self.sweeping = self.sweep_cursor > 0;
        !self.sweeping
    }

    /// Frees one object now (reference counting: its count reached zero or
    /// the cycle collector found it garbage). A small cell goes to the front
    /// of its class's free list, so the next allocation of that class reuses
    /// it; a packed cell becomes a hole; a large object's blocks become free
    /// blocks. Returns the heap
    /// bytes released (the object's footprint). Empty small blocks stay
    /// until [`Heap::rebuild_free_lists`].
    ///
    /// # Safety
    /// `obj` passes [`Heap::is_object`], nothing will read it again, and no
    /// sweep is in progress.
    pub unsafe fn free_object(&mut self, obj: *mut u8) -> usize {
        debug_assert!(!self.sweeping && self.is_object(obj));
        // SAFETY: caller contract: the cell starts HEADER bytes before obj.
        let cell = unsafe { obj.sub(HEADER) };
        let g = self.granule_of(cell);
        Self::set_bit(self.alloc_bits, g, false);
        Self::set_bit(self.mark_bits, g, false);
        let b = g / GRANULES_PER_BLOCK;
        match self.block_state(b) {
            BlockState::Small => {
                let class = self.info(b).class as usize;
                let size = CLASS_SIZES[class] as usize;
                if self.info(b).unlinked == 0 {
                    let state = &mut self.classes[class];
                    // SAFETY: the cell is free now: zero (invariant 6), its
                    // first word the link (invariant 4).
                    unsafe {
                        core::ptr::write_bytes(cell, 0, size);
                        *(cell as *mut *mut u8) = state.free;
                    }
                    state.free = cell;
                }
                size
            }
            BlockState::PackedHead | BlockState::PackedTail => self.free_packed(g),
            _ => {
                let n = self.info(b).aux as usize;
                (b..b + n).for_each(|x| self.free_block(x));
                n * BLOCK_SIZE
            }
        }
    }

    /// Rebuilds every free list from the allocation bitmap and frees empty
    /// blocks: a sweep that keeps every allocated object. Used by collectors
    /// that free objects one at a time ([`Heap::free_object`]), whose empty
    /// blocks would otherwise stay tied to their size class.
    pub fn rebuild_free_lists(&mut self) -> SweepCounts {
        let words = self.frontier * GRANULES_PER_BLOCK / 64;
        // SAFETY: both bitmaps cover at least the blocks below the frontier.
        unsafe { core::ptr::copy_nonoverlapping(self.alloc_bits, self.mark_bits, words) };
        self.sweep()
    }

    /// True while a sweep is in progress.
    pub fn is_sweeping(&self) -> bool {
        self.sweeping
    }

    /// True when `obj` (an object) lies in a block the current sweep has
    /// not reached yet, so its mark bit still decides whether it lives.
    pub fn awaiting_sweep(&self, obj: *const u8) -> bool {
        if !self.sweeping {
            return false;
        }
        let b = ((obj as usize).wrapping_sub(HEADER) - self.blocks_base as usize) >> BLOCK_SHIFT;
        let head = match self.block_state(b) {
            BlockState::LargeTail | BlockState::PackedTail => self.info(b).aux as usize,
            _ => b,
        };
        head < self.sweep_cursor && self.info(head).fresh == 0
    }

    fn sweep_small(&mut self, b: usize, counts: &mut SweepCounts) {
        let class = self.info(b).class as usize;
        let w0 = b * GRANULES_PER_BLOCK / 64;
        let (mut live, mut freed) = (0usize, 0usize);
        for w in w0..w0 + GRANULES_PER_BLOCK / 64 {
            // SAFETY: this block's words of both bitmaps. Only cell starts
            // have bits, so the surviving alloc bits are the live cells.
            unsafe {
                let (alloc, mark) = (self.alloc_bits.add(w), self.mark_bits.add(w));
                let before = *alloc;
                let after = before & *mark;
                *alloc = after;
                *mark = 0;
                live += after.count_ones() as usize;
                freed += (before ^ after).count_ones() as usize;
            }
        }
        counts.freed_cells += freed;
        if live == 0 {
            self.free_block(b);
            counts.freed_blocks += 1;
            return;
        }
        if live < BLOCK_SIZE / CLASS_SIZES[class] as usize {
            let partial = self.classes[class].partial;
            let entry = self.info_mut(b);
            entry.unlinked = 1;
            entry.next = partial;
            self.classes[class].partial = b as u32;
        }
    }

    /// Links the free cells of the small block `b` (those whose alloc bit
    /// is clear) into a list in address order; returns its head. The cells
    /// hold dead objects: each run of adjacent ones is zeroed with one call
    /// first (invariant 6), which also ends the list with a null link.
    fn link_free_cells(&mut self, b: usize, class: usize) -> *mut u8 {
        let size = CLASS_SIZES[class] as usize;
        let start = self.block_addr(b);
        let g0 = b * GRANULES_PER_BLOCK;
        let step = size >> GRANULE_SHIFT;
        let count = BLOCK_SIZE / size;
        let is_free = |h: &Self, i: usize| !Self::bit(h.alloc_bits, g0 + i * step);
        let mut head: *mut u8 = null_mut();
        let mut tail: *mut *mut u8 = &mut head;
        let mut i = 0;
        while i < count {
            if !is_free(self, i) {
                i += 1;
                continue;
            }
            let run = i;
            while i < count && is_free(self, i) {
                i += 1;
            }
            // SAFETY: cells run..i lie inside block b and are free
            // (invariant 4); `tail` is `head` or the link word of the last
            // cell linked, whose run is already zeroed.
            unsafe {
                core::ptr::write_bytes(start.add(run * size), 0, (i - run) * size);
                for cell in (run..i).map(|j| start.add(j * size)) {
                    *tail = cell;
                    tail = cell as *mut *mut u8;
                }
            }
        }
        head
    }

    /// Gives free blocks back to the memory source until at most
    /// `keep_bytes` of free blocks remain committed. Returns bytes released.
    pub fn release_free_blocks(&mut self, keep_bytes: usize) -> usize {
        let mut cursor = ReleaseCursor { keep_blocks: keep_bytes / BLOCK_SIZE, ..Default::default() };
        while !self.release_some(&mut cursor, usize::MAX) {}
        cursor.released_bytes
    }

    /// Examines up to `max_blocks` blocks from `cursor`, releasing runs of
    /// free blocks beyond the ones to keep; a run released in one call is at
    /// most `max_blocks` long, which bounds the `madvise` cost. True when done.
    pub fn release_some(&mut self, cursor: &mut ReleaseCursor, max_blocks: usize) -> bool {
        if !self.mem.starts_zeroed() {
            // A fixed region cannot give pages back; there is nothing to gain.
            return true;
        }
        let releasable = |h: &Self, b: usize| Self::bit(h.free_bits, b) && h.info(b).dirty == 1;
        let mut examined = 0;
        let mut b = cursor.next_block;
        while b < self.frontier && examined < max_blocks {
            if !releasable(self, b) || cursor.keep_blocks > 0 {
                if releasable(self, b) {
                    cursor.keep_blocks -= 1;
                }
                b += 1;
                examined += 1;
                continue;
            }
            let start = b;
            while b < self.frontier && releasable(self, b) && examined < max_blocks {
                self.info_mut(b).dirty = 0;
                b += 1;
                examined += 1;
            }
            let off = self.block_addr(start) as usize - self.mem.base() as usize;
            self.mem.release(off, (b - start) * BLOCK_SIZE);
            cursor.released_bytes += (b - start) * BLOCK_SIZE;
        }
        cursor.next_block = b;
        b >= self.frontier
    }

    // ---- iteration (verifier, statistics) ----------------------------------

    /// Visits every allocated object.
    pub fn for_each_object(&self, mut f: impl FnMut(*mut u8)) {
        for b in 0..self.frontier {
            match self.block_state(b) {
                BlockState::Small => {
                    let size = CLASS_SIZES[self.info(b).class as usize] as usize;
                    let start = self.block_addr(b);
                    for i in 0..BLOCK_SIZE / size {
                        let cell = start.wrapping_add(i * size);
                        if Self::bit(self.alloc_bits, self.granule_of(cell)) {
                            f(cell.wrapping_add(HEADER));
                        }
                    }
                }
                BlockState::LargeHead => {
                    let cell = self.block_addr(b);
                    if Self::bit(self.alloc_bits, self.granule_of(cell)) {
                        f(cell.wrapping_add(HEADER));
                    }
                }
                BlockState::PackedHead => {
                    self.for_each_packed(b, |hg| f(self.blocks_base.wrapping_add((hg << GRANULE_SHIFT) + HEADER)))
                }
                _ => {}
            }
        }
    }

    /// Checks the block table and bitmaps; returns a description of the
    /// first inconsistency. `marks_clear` asks to check invariant 3 too.
    pub fn check_structure(&self, marks_clear: bool) -> Result<(), gc_api::Message> {
        use gc_api::msg;
        let (mut in_use, mut packed_in_use, mut free_in_runs) = (0, 0, 0);
        let mut b = 0;
        while b < self.frontier {
            let free = Self::bit(self.free_bits, b);
            match self.block_state(b) {
                BlockState::Free => {
                    if !free {
                        return Err(msg!("block ", b, " is free but not in the free-block bitmap"));
                    }
                    b += 1;
                    continue;
                }
                _ if free => return Err(msg!("block ", b, " is in use but marked free")),
                BlockState::LargeTail => return Err(msg!("block ", b, " is a large-object tail without a head")),
                BlockState::PackedTail => return Err(msg!("block ", b, " is a packed-run tail without a head")),
                BlockState::PackedHead => {
                    let (n, free) = self.check_packed_run(b)?;
                    free_in_runs += free;
                    if marks_clear {
                        let mut marked = None;
                        self.for_each_packed(b, |hg| {
                            if Self::bit(self.mark_bits, hg) {
                                marked = Some(hg);
                            }
                        });
                        if let Some(hg) = marked {
                            return Err(msg!("packed cell at granule ", hg, " is marked outside a collection"));
                        }
                    }
                    in_use += n;
                    packed_in_use += n;
                    b += n;
                    continue;
                }
                BlockState::LargeHead => {
                    let n = self.info(b).aux as usize;
                    for t in b + 1..b + n {
                        if self.block_state(t) != BlockState::LargeTail || self.info(t).aux as usize != b {
                            return Err(msg!(
                                "large object at block ",
                                b,
                                " spans ",
                                n,
                                " blocks but block ",
                                t,
                                " does not point back"
                            ));
                        }
                    }
                    in_use += n;
                    b += n;
                    continue;
                }
                BlockState::Small => in_use += 1,
            }
            if marks_clear {
                let g0 = b * GRANULES_PER_BLOCK;
                for w in 0..GRANULES_PER_BLOCK / 64 {
                    // SAFETY: inside the bitmap for block b.
                    if unsafe { *self.mark_bits.add(g0 / 64 + w) } != 0 {
                        return Err(msg!("block ", b, " has mark bits set outside a collection"));
                    }
                }
            }
            b += 1;
        }
        if in_use != self.blocks_in_use {
            return Err(msg!(self.blocks_in_use, " blocks are counted in use but the table shows ", in_use));
        }
        if packed_in_use != self.packed_blocks {
            return Err(msg!(
                self.packed_blocks,
                " blocks are counted in packed runs but the table shows ",
                packed_in_use
            ));
        }
        self.check_holes(free_in_runs)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::memory::FixedMemory;
    use alloc::vec;
    use alloc::vec::Vec;

    /// A heap over a `Vec` (what a fixed-region board would pass), `blocks` blocks big.
    pub(super) fn heap(blocks: usize) -> (Heap, Vec<u64>) {
        let bytes = Heap::region_bytes_for_blocks(blocks);
        let mut buf = vec![0xa5a5_a5a5_a5a5_a5a5u64; bytes / 8 + 1];
        // SAFETY: the buffer outlives the heap in every test (returned alongside).
        let mem = unsafe { FixedMemory::new(buf.as_mut_ptr().cast(), bytes, false) };
        (Heap::new(alloc::boxed::Box::new(mem)).unwrap(), buf)
    }

    fn hdr(t: u32) -> Header {
        Header::new(t, 0, 0)
    }

    #[test]
    fn alloc_sized_reports_the_footprint() {
        let (mut h, _buf) = heap(48);
        for n in [1, 24, 100, MAX_SMALL_CELL - HEADER, MAX_SMALL_CELL, 3 * BLOCK_SIZE, MAX_PACKED_CELL] {
            let (p, footprint) = h.alloc_sized(n, hdr(3), false);
            assert!(!p.is_null());
            assert_eq!(footprint, footprint_bytes(n), "object of {n} bytes");
        }
    }

    #[test]
    fn allocations_are_zeroed_objects_with_o1_lookup() {
        let (mut h, _buf) = heap(8);
        let a = h.alloc(24, hdr(3));
        let b = h.alloc(100, hdr(4));
        let big = h.alloc(3 * BLOCK_SIZE, hdr(5));
        for (p, n) in [(a, 24), (b, 100), (big, 3 * BLOCK_SIZE)] {
            assert!(!p.is_null());
            assert_eq!(p as usize % 8, 0);
            assert!(h.is_object(p));
            // SAFETY: fresh objects of n bytes.
            assert!(unsafe { core::slice::from_raw_parts(p, n) }.iter().all(|&x| x == 0), "not zeroed");
            // interior pointers resolve to the object, but are not objects themselves
            assert_eq!(h.object_containing(p as usize + n / 2), Some(p));
            assert!(!h.is_object(p.wrapping_add(8)));
        }
        assert!(!h.is_object(core::ptr::null()));
        assert!(!h.is_object(&h as *const Heap as *const u8));
        assert_eq!(h.object_containing(0x10), None);
        h.check_structure(true).unwrap();
    }

    #[test]
    fn sweep_frees_exactly_the_unmarked() {
        let (mut h, _buf) = heap(80);
        let objs: Vec<*mut u8> = (0..500).map(|i| h.alloc(16 + (i % 3) * 40, hdr(3))).collect();
        // Whole-block objects (packed ones have their own tests).
        let big_live = h.alloc(2 * BLOCK_SIZE - 64 + MAX_PACKED_CELL, hdr(3));
        let big_dead = h.alloc(2 * BLOCK_SIZE - 64 + MAX_PACKED_CELL, hdr(3));
        assert!(!big_live.is_null() && !big_dead.is_null());
        for (i, &o) in objs.iter().enumerate() {
            if i % 2 == 0 {
                // SAFETY: o is an object.
                assert!(unsafe { h.mark(o) });
                assert!(!unsafe { h.mark(o) }, "second mark reports already marked");
            }
        }
        // SAFETY: objects.
        unsafe { h.mark(big_live) };
        let in_use = h.blocks_in_use();
        let counts = h.sweep();
        let big_blocks = large_blocks(2 * BLOCK_SIZE - 64 + MAX_PACKED_CELL);
        assert_eq!(counts.freed_cells, 251);
        // The dead large object's blocks, and any small block left without a live cell.
        assert!(counts.freed_blocks >= big_blocks && counts.freed_blocks <= big_blocks + 3);
        assert_eq!(h.blocks_in_use(), in_use - counts.freed_blocks);
        for (i, &o) in objs.iter().enumerate() {
            assert_eq!(h.is_object(o), i % 2 == 0, "object {i}");
        }
        assert!(h.is_object(big_live) && !h.is_object(big_dead));
        h.check_structure(true).unwrap();
        // freed cells (83 of this class) are reused before new blocks are taken
        let before = h.blocks_in_use();
        for _ in 0..80 {
            assert!(!h.alloc(16, hdr(3)).is_null());
        }
        assert_eq!(h.blocks_in_use(), before);
    }

    #[test]
    fn incremental_sweep_never_frees_what_was_allocated_meanwhile() {
        let (mut h, _buf) = heap(128);
        // Under Miri (CI), fewer objects: 40 s became about 10.
        let (n_old, per_step): (usize, usize) = if cfg!(miri) { (1200, 10) } else { (4000, 50) };
        let old: Vec<*mut u8> = (0..n_old).map(|_| h.alloc(48, hdr(3))).collect();
        let big_old = h.alloc(2 * BLOCK_SIZE, hdr(3));
        for &o in old.iter().step_by(3) {
            // SAFETY: o is an object.
            unsafe { h.mark(o) };
        }
        h.begin_sweep();
        let mut counts = SweepCounts::default();
        let mut new = Vec::new();
        // Interleave allocation (small, and large into blocks below the cursor) with sweeping.
        while !h.sweep_some(1, &mut counts) {
            for _ in 0..per_step {
                new.push(h.alloc(48, hdr(4)));
            }
            new.push(h.alloc(BLOCK_SIZE + 100, hdr(4)));
            assert!(h.is_sweeping());
        }
        assert!(!h.is_sweeping());
        // Its blocks may hold a new object by now, so count instead of probing the address.
        let unmarked = n_old - n_old.div_ceil(3);
        assert_eq!(counts.freed_cells, unmarked + 1, "unmarked small cells and the large object are freed");
        let _ = big_old;
        for (i, &o) in old.iter().enumerate() {
            // A freed cell may hold a new object (type 4) by now.
            // SAFETY: read only after is_object says an object starts there.
            let still_old = h.is_object(o) && unsafe { crate::object::header(o) }.type_id() == 3;
            assert_eq!(still_old, i % 3 == 0, "old object {i}");
        }
        for (i, &o) in new.iter().enumerate() {
            assert!(!o.is_null() && h.is_object(o), "object {i} allocated during the sweep was freed");
        }
        h.check_structure(true).unwrap();
        // A second, eager sweep with nothing marked frees everything, fresh blocks included.
        h.sweep();
        assert_eq!(h.blocks_in_use(), 0);
    }

    #[test]
    fn exhaustion_returns_null_and_empty_blocks_come_back() {
        let (mut h, _buf) = heap(4);
        let mut n = 0;
        while !h.alloc(1000, hdr(3)).is_null() {
            n += 1;
        }
        assert_eq!(n, 4 * (BLOCK_SIZE / 1024));
        assert!(h.alloc(5 * BLOCK_SIZE, hdr(3)).is_null());
        h.sweep();
        assert_eq!(h.blocks_in_use(), 0);
        assert!(!h.alloc(3 * BLOCK_SIZE, hdr(3)).is_null(), "freed blocks must serve a large object");
        h.check_structure(true).unwrap();
    }

    #[test]
    fn freed_objects_are_reused_and_empty_blocks_return_on_rebuild() {
        let (mut h, _buf) = heap(64);
        let objs: Vec<*mut u8> = (0..2000).map(|_| h.alloc(40, hdr(3))).collect();
        let big = h.alloc(MAX_PACKED_CELL, hdr(3));
        let n = large_blocks(MAX_PACKED_CELL);
        let in_use = h.blocks_in_use();
        // SAFETY: each object is freed once and not read again.
        assert_eq!(unsafe { h.free_object(big) }, n * BLOCK_SIZE, "a large object's blocks");
        assert_eq!(h.blocks_in_use(), in_use - n, "large blocks are freed at once");
        for &o in &objs[..1990] {
            // SAFETY: as above.
            assert_eq!(unsafe { h.free_object(o) }, 48);
            assert!(!h.is_object(o));
        }
        h.check_structure(true).unwrap();
        // The most recently freed cell is the next one handed out.
        assert_eq!(h.alloc(40, hdr(4)), objs[1989]);
        let before = h.blocks_in_use();
        let counts = h.rebuild_free_lists();
        assert!(counts.freed_blocks > 0 && h.blocks_in_use() < before, "empty blocks go back");
        assert_eq!(counts.freed_cells, 0, "a rebuild frees no object");
        for &o in objs[1990..].iter().chain([&objs[1989]]) {
            assert!(h.is_object(o), "the survivors are kept");
        }
        h.check_structure(true).unwrap();
    }

    /// A packed object's first and last 16 bytes and middle word (enough
    /// to see an overlapping neighbour, cheap enough for Miri).
    fn probes(p: *mut u8, n: usize) -> impl Iterator<Item = *mut u8> {
        let ends = (0..16.min(n)).chain(n.saturating_sub(16)..n).chain([n / 2]);
        ends.map(move |i| p.wrapping_add(i))
    }

    #[test]
    fn packed_objects_pack_across_blocks_and_resolve_interior_pointers() {
        let (mut h, _buf) = heap(64);
        let sizes = [MAX_SMALL_CELL, 5000, 12_345, 20_000, 7000, MAX_PACKED_CELL - PACKED_PREFIX];
        let objs: Vec<*mut u8> = sizes.iter().map(|&n| h.alloc(n, hdr(3))).collect();
        let mut expect_at = h.blocks_base() as usize + PACKED_PREFIX;
        let mut total = 0;
        for (&p, &n) in objs.iter().zip(&sizes) {
            let cell = packed_cell_bytes(n).unwrap();
            assert_eq!(p as usize, expect_at, "packed cells follow each other");
            assert_eq!(p as usize % PACKED_ALIGN, 0);
            expect_at += cell;
            total += cell;
            assert!(h.is_object(p));
            // SAFETY: p is an object.
            assert_eq!(unsafe { h.cell_capacity(p) }, cell - PACKED_PREFIX);
            // SAFETY: as above.
            assert_eq!(unsafe { h.geometry().footprint_of(p) }, cell);
            // Every address of the cell resolves to it, size word included.
            let step = if cfg!(miri) { 997 } else { 8 };
            for a in (p as usize - PACKED_PREFIX..p as usize + cell - PACKED_PREFIX).step_by(step) {
                let found = h.geometry().object_containing(a);
                assert_eq!(found.map(|f| (f.obj, f.footprint)), Some((p, cell)), "address {a:#x}, object {p:p}");
            }
            assert!(!h.is_object(p.wrapping_add(16)));
        }
        let needed = total.div_ceil(BLOCK_SIZE);
        assert!(
            (needed..needed + packed::PACKED_GROW_BLOCKS).contains(&h.blocks_in_use()),
            "one run of {} blocks for {needed} blocks' cells, grown in steps",
            h.blocks_in_use()
        );
        // The rest of the run is a hole: no object there.
        assert_eq!(h.object_containing(expect_at), None);
        assert_eq!(h.object_containing(expect_at - PACKED_PREFIX + 8), None);
        h.check_structure(true).unwrap();
        // Free the second and fourth; their holes serve later objects.
        for i in [1, 3] {
            // SAFETY: objects, freed once.
            unsafe { h.free_object(objs[i]) };
            assert_eq!(h.object_containing(objs[i] as usize + 100), None);
        }
        h.check_structure(true).unwrap();
        assert_eq!(h.alloc(5000, hdr(4)), objs[1], "a freed cell serves an object of its size");
        let in_use = h.blocks_in_use();
        assert!(!h.alloc(19_000, hdr(4)).is_null());
        assert_eq!(h.blocks_in_use(), in_use, "a freed cell's hole serves a smaller object");
        h.check_structure(true).unwrap();
    }

    #[test]
    fn packed_cells_survive_random_sweeps_and_frees() {
        // Under Miri (CI), a smaller heap and fewer rounds: 10 s, not 50.
        let (blocks, rounds, per_round) = if cfg!(miri) { (96, 4, 10) } else { (320, 60, 25) };
        let (mut h, _buf) = heap(blocks);
        // (object, bytes, tag): the model of what lives.
        let mut live: Vec<(*mut u8, usize, u8)> = Vec::new();
        let mut seed = 7u32;
        let mut rand = move || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as usize
        };
        let mut tag = 0u8;
        let mut alloc_some =
            |h: &mut Heap, live: &mut Vec<(*mut u8, usize, u8)>, rand: &mut dyn FnMut() -> usize, k| {
                for _ in 0..k {
                    let bytes = match rand() % 5 {
                        0 => 100 + rand() % 3000,
                        1..=3 => MAX_SMALL_CELL + rand() % (MAX_PACKED_CELL - MAX_SMALL_CELL - PACKED_PREFIX),
                        _ => MAX_PACKED_CELL + rand() % 20_000,
                    };
                    let p = h.alloc(bytes, hdr(3));
                    if p.is_null() {
                        return;
                    }
                    tag = tag.wrapping_add(1) | 1;
                    for q in probes(p, bytes) {
                        // SAFETY: inside the new object.
                        unsafe {
                            assert_eq!(*q, 0, "a new object of {bytes} bytes is not zeroed");
                            *q = tag;
                        }
                    }
                    live.push((p, bytes, tag));
                }
            };
        for round in 0..rounds {
            alloc_some(&mut h, &mut live, &mut rand, per_round);
            for &(p, n, t) in &live {
                assert!(h.is_object(p));
                // SAFETY: reads inside a live object.
                assert!(probes(p, n).all(|q| unsafe { *q } == t), "object {p:p} of {n} bytes was overwritten");
                assert_eq!(h.object_containing(p as usize + n - 1), Some(p));
            }
            // About half dies: freed one by one, or left unmarked for a sweep.
            let (dead, kept): (Vec<_>, Vec<_>) = live.drain(..).partition(|_| rand() % 2 == 0);
            live = kept;
            match round % 3 {
                0 => {
                    for &(p, _, _) in &dead {
                        // SAFETY: each dead object is freed once and not read again.
                        unsafe { h.free_object(p) };
                    }
                    if round % 2 == 0 {
                        h.rebuild_free_lists();
                    }
                }
                r => {
                    for &(p, _, _) in &live {
                        // SAFETY: live objects.
                        unsafe { h.mark(p) };
                    }
                    if r == 1 {
                        h.sweep();
                    } else {
                        // Incremental: objects allocated meanwhile must survive.
                        h.begin_sweep();
                        let mut counts = SweepCounts::default();
                        while !h.sweep_some(3, &mut counts) {
                            alloc_some(&mut h, &mut live, &mut rand, 1);
                        }
                    }
                }
            }
            for &(p, _, _) in &dead {
                assert!(
                    !h.is_object(p) || live.iter().any(|&(q, _, _)| q == p),
                    "a dead object at {p:p} is still allocated"
                );
            }
            h.check_structure(true).unwrap();
        }
        assert!(live.len() > 4, "the test kept objects alive");
    }

    #[test]
    fn a_sweep_gives_back_the_blocks_past_a_runs_last_live_cell() {
        let (mut h, _buf) = heap(32);
        let objs: Vec<*mut u8> = (0..6).map(|_| h.alloc(10_000, hdr(3))).collect();
        let cell = packed_cell_bytes(10_000).unwrap();
        assert_eq!(h.blocks_in_use(), (6 * cell).div_ceil(BLOCK_SIZE));
        // SAFETY: objects.
        unsafe { h.mark(objs[1]) };
        let counts = h.sweep();
        assert_eq!(counts.freed_cells, 5);
        assert_eq!(h.blocks_in_use(), (2 * cell).div_ceil(BLOCK_SIZE), "only the blocks up to the live cell stay");
        h.check_structure(true).unwrap();
        // The space in front of the live cell is a hole: the next cell goes there.
        assert_eq!(h.alloc(10_000, hdr(4)), objs[0]);
        h.check_structure(true).unwrap();
    }
}
