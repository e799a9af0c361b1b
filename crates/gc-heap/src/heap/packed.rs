//! Packed runs: objects too big for a size class but whose cell is at most
//! [`MAX_PACKED_CELL`], placed one after another in runs of blocks.
//!
//! ## Cells
//! A packed cell is `[cell size (u32) | pad][header][object]`: it starts
//! at a multiple of [`PACKED_ALIGN`] from its run's (block-aligned) start
//! and spans a multiple of it. Its allocation and mark bits are those of
//! its header's granule, as for every object (crate invariant 2), so
//! marking, `is_object` and the verifier need nothing new. The size word
//! is written once, at allocation, and read by sweeping, lookups and
//! footprints; nothing else touches it.
//!
//! ## Runs
//! A run's first block is [`BlockState::PackedHead`] with `aux` = the
//! run's length in blocks; its later blocks are [`BlockState::PackedTail`]
//! with `aux` = the head. A run is swept as a unit at its head: dead cells
//! lose their allocation bit, the gaps between live cells become holes,
//! and the blocks past its last live cell go back to the free blocks (all
//! of them when nothing in it lives). A run is at most
//! [`MAX_PACKED_RUN_BLOCKS`] long, which bounds that step's work.
//!
//! ## Holes
//! Every free byte of a run is in exactly one hole, and holes are maximal:
//! a hole is followed by a cell or the run's end, never by another hole.
//! So the free space next to a cell is found from the allocation bitmap
//! alone: after a cell at granule `e` there is a hole exactly when no
//! header sits at `e + 1`; before a cell, the free space starts where the
//! last cell before it ends (a bitmap scan back, within the run). Holes
//! are kept in bins by size ([`super::holes`]); they are not zeroed, a
//! packed cell is zeroed when it is handed out. Like the size classes'
//! free lists, the bins are emptied when a sweep begins, so that during an
//! incremental sweep packed cells come only from runs already swept or
//! taken since, never from space the sweeper has yet to judge; sweeping a
//! run lists its gaps again, maximal by construction.
//!
//! ## Growth
//! When no hole fits, the run the allocator last took or grew
//! ([`Heap::packed_last`]) is extended over the free blocks right after
//! it, its free tail and the new blocks becoming one hole, so consecutive
//! objects pack across block boundaries, up to [`MAX_PACKED_RUN_BLOCKS`]
//! (which bounds the work of sweeping one run in one step). It grows by
//! at least [`PACKED_GROW_BLOCKS`]: a block at a time, runs of 700-byte
//! cells grew every fifth allocation, and 700-byte buffers took 83 ns
//! instead of 32. Otherwise a new run is taken: the blocks the cell needs,
//! or more when packed runs already hold many blocks: half as many as they
//! hold, up to [`PACKED_RUN_CHUNK`]. Small objects take the blocks after a
//! run long before the next big object comes, so extension seldom works
//! while a heap fills, and a run of exactly the blocks needed leaves its
//! last block's tail to the few later objects small enough for it. In a
//! model of `c/memory_fit.c`'s mix, the packed waste of a 4 MB heap's
//! fill (47 objects) falls from 89 KB to 61 KB this way, and with 200
//! objects from 280 KB to 114 KB, while a program with 5 such objects
//! wastes 25 KB instead of 14 KB (8 KiB blocks, 1 KB cells and a chunk of
//! 8 then; the chunk is the same 64 KB in 4 KiB blocks now).
//!
//! ## Interior pointers
//! A cell containing an address starts at most [`MAX_PACKED_CELL`] bytes
//! before it, so [`Geometry::object_containing`](crate::view::Geometry)
//! scans the allocation bitmap back at most that far (128 words) and
//! checks the address against the found cell's size word.

use super::holes::Holes;
use super::{BlockState, Heap, SweepCounts, NONE};
use crate::bits::last_set_bit;
use crate::layout::*;
use core::ptr::null_mut;

/// Most blocks a new packed run takes beyond what its first cell needs.
pub const PACKED_RUN_CHUNK: usize = 16;
/// Fewest blocks the last run grows by when it is extended, so runs of
/// small packed cells do not grow (and walk the bins) a block at a time.
pub const PACKED_GROW_BLOCKS: usize = 4;
const _: () =
    assert!(PACKED_RUN_CHUNK <= MAX_PACKED_RUN_BLOCKS && MAX_PACKED_CELL <= MAX_PACKED_RUN_BLOCKS * BLOCK_SIZE);

/// One allocated cell of a packed run, as a run walk finds it.
struct PackedCell {
    /// The granule of its object header (one after the size word).
    header_g: usize,
    /// Its cell size in bytes, from the size word.
    size: usize,
    /// The granule just past the cell.
    end_g: usize,
}

impl Heap {
    /// The cell size written in front of the packed object whose header
    /// is at granule `header_g`.
    #[inline]
    pub(super) fn packed_size_at(&self, header_g: usize) -> usize {
        // SAFETY: a packed cell with its allocation bit set starts one
        // granule before its header, inside its run.
        unsafe { (self.blocks_base.add((header_g - 1) << GRANULE_SHIFT) as *const u32).read() as usize }
    }

    /// The first granule at or after `from` and before `limit` whose
    /// allocation bit is set.
    pub(super) fn next_alloc_bit(&self, from: usize, limit: usize) -> Option<usize> {
        let mut g = from;
        while g < limit {
            // SAFETY: g is below the frontier, inside the bitmap.
            let word = unsafe { *self.alloc_bits.add(g >> 6) } >> (g & 63);
            if word != 0 {
                let found = g + word.trailing_zeros() as usize;
                return (found < limit).then_some(found);
            }
            g = (g | 63) + 1;
        }
        None
    }

    /// The packed run at `head`: its length in blocks and its granules
    /// `start..limit`.
    fn packed_run_span(&self, head: usize) -> (usize, usize, usize) {
        let n = self.info(head).aux as usize;
        (n, head * GRANULES_PER_BLOCK, (head + n) * GRANULES_PER_BLOCK)
    }

    /// The head of the packed run that block `b` belongs to, if any.
    fn packed_run_of(&self, b: usize) -> Option<usize> {
        match self.block_state(b) {
            BlockState::PackedHead => Some(b),
            BlockState::PackedTail => Some(self.info(b).aux as usize),
            _ => None,
        }
    }

    /// The first packed cell whose header granule is at or after `from`
    /// and before `limit`. Walking a run is `from = cell.end_g` until
    /// this returns `None`.
    fn next_packed_cell(&self, from: usize, limit: usize) -> Option<PackedCell> {
        let header_g = self.next_alloc_bit(from, limit)?;
        let size = self.packed_size_at(header_g);
        // The `max` keeps a walk moving even over a corrupt size word, so
        // `check_packed_run` reports it instead of looping.
        let end_g = (header_g - 1 + (size >> GRANULE_SHIFT)).max(header_g + 1);
        Some(PackedCell { header_g, size, end_g })
    }

    /// A zeroed packed cell of `cell` bytes with its size word written;
    /// returns where its header goes, or null when the heap is full.
    pub(super) fn alloc_packed(&mut self, cell: usize) -> *mut u8 {
        loop {
            if let Some((start, size)) = self.packed_holes.take(cell) {
                // SAFETY: the hole's `size` bytes of free space are ours;
                // its rest stays free space of the same run.
                unsafe {
                    if size > cell {
                        self.packed_holes.push(start.add(cell), size - cell);
                    }
                    core::ptr::write_bytes(start, 0, cell);
                    (start as *mut u32).write(cell as u32);
                    return start.add(SIZE_WORD);
                }
            }
            if !self.grow_packed(cell) {
                return null_mut();
            }
        }
    }

    /// Makes room for a packed cell of `cell` bytes: extends the last run
    /// over the free blocks after it, or takes a new run. False when the
    /// heap has no room.
    fn grow_packed(&mut self, cell: usize) -> bool {
        if self.packed_last != NONE {
            let head = self.packed_last as usize;
            let (len, run_start, end_g) = self.packed_run_span(head);
            let tail_g = self.free_space_before(end_g, run_start);
            let have = (end_g - tail_g) << GRANULE_SHIFT;
            // No hole fits `cell`, so the free tail is smaller.
            let extra = (cell - have).div_ceil(BLOCK_SIZE);
            let room = MAX_PACKED_RUN_BLOCKS.saturating_sub(len);
            let step = extra.max(PACKED_GROW_BLOCKS).min(room);
            let end = head + len;
            if let Some(n) = [step, extra].into_iter().find(|&n| n >= extra && n <= room && self.take_blocks_at(end, n))
            {
                for b in end..end + n {
                    self.set_packed_block(b, BlockState::PackedTail, head);
                }
                self.info_mut(head).aux = (len + n) as u32;
                self.packed_blocks += n;
                if tail_g < end_g {
                    let listed = self.packed_holes.remove(self.granule_addr(tail_g), have);
                    debug_assert!(listed, "a run's free tail is one hole");
                }
                self.add_hole(tail_g, (end + n) * GRANULES_PER_BLOCK);
                return true;
            }
        }
        let chunk = (self.packed_blocks / 2).min(PACKED_RUN_CHUNK);
        let need = cell.div_ceil(BLOCK_SIZE);
        let want = need.max(chunk);
        let Some((head, n)) =
            self.alloc_run(want).map(|h| (h, want)).or_else(|| self.alloc_run(need).map(|h| (h, need)))
        else {
            return false;
        };
        self.packed_blocks += n;
        self.set_packed_block(head, BlockState::PackedHead, n);
        for b in head + 1..head + n {
            self.set_packed_block(b, BlockState::PackedTail, head);
        }
        self.packed_last = head as u32;
        self.add_hole(head * GRANULES_PER_BLOCK, (head + n) * GRANULES_PER_BLOCK);
        true
    }

    /// The granule where the free space that ends at granule `g` of a
    /// packed run starting at granule `run_start` begins: the end of the
    /// last cell before `g`, or the run's start (`g` itself when a cell
    /// ends there). Scans the allocation bitmap back, within the run.
    fn free_space_before(&self, g: usize, run_start: usize) -> usize {
        if g == run_start {
            return g;
        }
        // SAFETY: granules of one run, below the frontier.
        match unsafe { last_set_bit(self.alloc_bits, run_start, g - 1) } {
            Some(hg) => hg - 1 + (self.packed_size_at(hg) >> GRANULE_SHIFT),
            None => run_start,
        }
    }

    fn granule_addr(&self, g: usize) -> *mut u8 {
        self.blocks_base.wrapping_add(g << GRANULE_SHIFT)
    }

    fn set_packed_block(&mut self, b: usize, state: BlockState, aux: usize) {
        let info = self.info_mut(b);
        info.state = state as u8;
        info.aux = aux as u32;
        info.dirty = 1;
        info.next = NONE;
    }

    /// Takes blocks `start..start + n` if all are free (or beyond the
    /// frontier) and the limit allows.
    fn take_blocks_at(&mut self, start: usize, n: usize) -> bool {
        if self.blocks_in_use + n > self.limit_blocks || start + n > self.nblocks {
            return false;
        }
        if (start..(start + n).min(self.frontier)).any(|b| !Self::bit(self.free_bits, b)) {
            return false;
        }
        self.frontier = self.frontier.max(start + n);
        (start..start + n).for_each(|b| self.take_block(b));
        true
    }

    /// Sweeps the packed run whose head is `head`: frees its unmarked
    /// cells, clears the marks of the others, and lists the gaps between
    /// them as holes (or frees the run when nothing in it lives).
    pub(super) fn sweep_packed(&mut self, head: usize, counts: &mut SweepCounts) {
        let (n, g0, limit) = self.packed_run_span(head);
        let mut gap = g0;
        let mut any_live = false;
        let mut from = g0;
        while let Some(cell) = self.next_packed_cell(from, limit) {
            if Self::bit(self.mark_bits, cell.header_g) {
                Self::set_bit(self.mark_bits, cell.header_g, false);
                self.add_hole(gap, cell.header_g - 1);
                gap = cell.end_g;
                any_live = true;
            } else {
                Self::set_bit(self.alloc_bits, cell.header_g, false);
                counts.freed_cells += 1;
            }
            from = cell.end_g;
        }
        if !any_live {
            (head..head + n).for_each(|b| self.free_block(b));
            counts.freed_blocks += n;
            self.packed_blocks -= n;
            if self.packed_last == head as u32 {
                self.packed_last = NONE;
            }
            return;
        }
        // Blocks past the last live cell go back: free blocks serve any
        // size, and a new run takes them again if packed cells need them.
        let keep = gap.div_ceil(GRANULES_PER_BLOCK) - head;
        if keep < n {
            (head + keep..head + n).for_each(|b| self.free_block(b));
            counts.freed_blocks += n - keep;
            self.packed_blocks -= n - keep;
            self.info_mut(head).aux = keep as u32;
        }
        self.add_hole(gap, (head + keep) * GRANULES_PER_BLOCK);
    }

    /// Lists granules `from..to` of one packed run as a hole: free space,
    /// in no hole yet, with no free space right before or after it in the
    /// run (holes stay maximal, which `free_packed` relies on).
    fn add_hole(&mut self, from: usize, to: usize) {
        if to > from {
            // SAFETY: callers pass free granules of one run, which no hole holds.
            unsafe { self.packed_holes.push(self.granule_addr(from), (to - from) << GRANULE_SHIFT) };
        }
    }

    /// Frees the packed object whose header is at granule `header_g`
    /// (reference counting; its allocation bit is already clear), merging
    /// its cell with the holes right before and after it; returns its
    /// cell size.
    pub(super) fn free_packed(&mut self, header_g: usize) -> usize {
        let size = self.packed_size_at(header_g);
        let (cell_g, end_g) = (header_g - 1, header_g - 1 + (size >> GRANULE_SHIFT));
        let head = self
            .packed_run_of(cell_g / GRANULES_PER_BLOCK)
            .unwrap_or_else(|| gc_api::fatal::internal("a packed cell outside a packed run"));
        let (_, run_start, run_end) = self.packed_run_span(head);
        let from = self.free_space_before(cell_g, run_start);
        if from < cell_g {
            let listed = self.packed_holes.remove(self.granule_addr(from), (cell_g - from) << GRANULE_SHIFT);
            debug_assert!(listed, "free space before a cell is one hole");
        }
        let mut to = end_g;
        // Free space after the cell (no header one granule in) is a hole.
        if end_g < run_end && !Self::bit(self.alloc_bits, end_g + 1) {
            let at = self.granule_addr(end_g);
            // SAFETY: a hole starts at the end of the cell (holes are maximal).
            let after = unsafe { Holes::size_at(at) };
            let listed = self.packed_holes.remove(at, after);
            debug_assert!(listed, "free space after a cell is one hole");
            to += after >> GRANULE_SHIFT;
        }
        self.add_hole(from, to);
        size
    }

    /// Calls `f(header granule)` for every packed cell of the run at `head`.
    pub(super) fn for_each_packed(&self, head: usize, mut f: impl FnMut(usize)) {
        let (_, mut from, limit) = self.packed_run_span(head);
        while let Some(cell) = self.next_packed_cell(from, limit) {
            f(cell.header_g);
            from = cell.end_g;
        }
    }

    /// The packed run at `head`: its tails point back, its cells are
    /// aligned, sized for packing and disjoint. Returns its length in
    /// blocks and its free bytes (what its cells leave).
    pub(super) fn check_packed_run(&self, head: usize) -> Result<(usize, usize), gc_api::Message> {
        use gc_api::msg;
        let (n, mut from, limit) = self.packed_run_span(head);
        if n == 0 || n > MAX_PACKED_RUN_BLOCKS || head + n > self.frontier {
            return Err(msg!("packed run at block ", head, " claims ", n, " blocks"));
        }
        for t in head + 1..head + n {
            if self.block_state(t) != BlockState::PackedTail || self.info(t).aux as usize != head {
                return Err(msg!(
                    "packed run at block ",
                    head,
                    " spans ",
                    n,
                    " blocks but block ",
                    t,
                    " does not point back"
                ));
            }
        }
        let mut cell_bytes = 0;
        while let Some(cell) = self.next_packed_cell(from, limit) {
            let cell_g = cell.header_g - 1;
            if (cell_g << GRANULE_SHIFT) % PACKED_ALIGN != 0
                || cell.size % PACKED_ALIGN != 0
                || cell.size <= MAX_SMALL_CELL
                || cell.size > MAX_PACKED_CELL
                || cell.end_g > limit
            {
                return Err(msg!("packed cell at granule ", cell_g, " of run ", head, " has size ", cell.size));
            }
            if self.next_alloc_bit(cell.header_g + 1, cell.end_g).is_some() {
                return Err(msg!("packed cell at granule ", cell_g, " overlaps the next cell"));
            }
            from = cell.end_g;
            cell_bytes += cell.size;
        }
        Ok((n, n * BLOCK_SIZE - cell_bytes))
    }

    /// Every hole lies in one packed run, holds no cell and is maximal
    /// (a cell or the run's end follows it), and the bins are consistent.
    /// Outside a sweep the holes hold exactly the `free_in_runs` bytes the
    /// runs' cells leave free; during one, runs not yet swept have none.
    pub(super) fn check_holes(&self, free_in_runs: usize) -> Result<(), gc_api::Message> {
        use gc_api::msg;
        self.packed_holes.check_bins()?;
        let mut result = Ok(());
        let mut listed = 0;
        self.packed_holes.for_each(|h, size| {
            listed += size;
            if result.is_err() {
                return;
            }
            let g = (h as usize - self.blocks_base as usize) >> GRANULE_SHIFT;
            let end = g + (size >> GRANULE_SHIFT);
            let run_of = |g: usize| self.packed_run_of(g / GRANULES_PER_BLOCK);
            let run = run_of(g);
            if (end - 1) / GRANULES_PER_BLOCK >= self.frontier || run.is_none() || run != run_of(end - 1) {
                result = Err(msg!("a hole of ", size, " bytes at granule ", g, " is not inside one packed run"));
            } else if let Some(hg) = self.next_alloc_bit(g, end) {
                result = Err(msg!("a hole at granule ", g, " holds an allocated cell at granule ", hg));
            } else if run.is_some_and(|r| end < self.packed_run_span(r).2 && !Self::bit(self.alloc_bits, end + 1)) {
                result = Err(msg!("the hole at granule ", g, " is followed by free space (holes are maximal)"));
            }
        });
        result?;
        if listed > free_in_runs || (!self.sweeping && listed != free_in_runs) {
            return Err(msg!("holes list ", listed, " bytes but packed runs have ", free_in_runs, " free"));
        }
        Ok(())
    }
}
