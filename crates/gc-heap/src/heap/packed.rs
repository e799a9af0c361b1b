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
//! Free space in runs is one list of holes in address order, each holding
//! its size and the next hole in its first two words (hence the 16-byte
//! alignment: every gap can hold them). Holes are not zeroed; a packed
//! cell is zeroed when it is handed out. Like the size classes' free
//! lists, the list is emptied when a sweep begins, so that during an
//! incremental sweep packed cells come only from runs already swept or
//! taken since, never from space the sweeper has yet to judge.
//!
//! ## Growth
//! When no hole fits, the run the allocator last took or grew
//! ([`Heap::packed_last`]) is extended over the free blocks right after
//! it, so consecutive objects pack across block boundaries, up to
//! [`MAX_PACKED_RUN_BLOCKS`] (which bounds the work of sweeping one run in
//! one step). Otherwise a new run is taken: the blocks the cell needs, or
//! more when packed runs already hold many blocks: half as many as they
//! hold, up to [`PACKED_RUN_CHUNK`]. Small objects take the blocks after a
//! run long before the next big object comes, so extension seldom works
//! while a heap fills, and a run of exactly the blocks needed leaves its
//! last block's tail to the few later objects small enough for it. In a
//! model of `c/memory_fit.c`'s mix, the packed waste of a 4 MB heap's
//! fill (47 objects) falls from 89 KB to 61 KB this way, and with 200
//! objects from 280 KB to 114 KB, while a program with 5 such objects
//! wastes 25 KB instead of 14 KB (8 KiB blocks and a chunk of 8 then; the
//! chunk is the same 64 KB in 4 KiB blocks now).
//!
//! ## Interior pointers
//! A cell containing an address starts at most [`MAX_PACKED_CELL`] bytes
//! before it, so [`Geometry::object_containing`](crate::view::Geometry)
//! scans the allocation bitmap back at most that far (128 words) and
//! checks the address against the found cell's size word.

use super::{BlockState, Heap, SweepCounts, NONE};
use crate::layout::*;
use core::ptr::null_mut;

/// Longest packed run, in blocks (128 KB), which bounds the work of sweeping one run.
pub const MAX_PACKED_RUN_BLOCKS: usize = 32;
/// Most blocks a new packed run takes beyond what its first cell needs.
pub const PACKED_RUN_CHUNK: usize = 16;
const _: () =
    assert!(PACKED_RUN_CHUNK <= MAX_PACKED_RUN_BLOCKS && MAX_PACKED_CELL <= MAX_PACKED_RUN_BLOCKS * BLOCK_SIZE);

/// The address-ordered list of free space in packed runs.
///
/// Space too small for any packed cell (under `min` bytes) is left out of
/// the list: every allocation would walk past it. A sweep finds it again
/// (it recomputes the gaps between live cells), and it joins the list
/// earlier if a neighbouring cell is freed (reference counting).
pub(super) struct Holes {
    first: *mut u8,
    min: usize,
}

/// The two words at the start of every hole.
#[repr(C)]
struct Hole {
    size: usize,
    next: *mut u8,
}

impl Holes {
    pub(super) const fn new(min: usize) -> Holes {
        Holes { first: null_mut(), min }
    }

    pub(super) fn clear(&mut self) {
        self.first = null_mut();
    }

    /// # Safety
    /// `h` is a hole of this list.
    unsafe fn get(h: *mut u8) -> Hole {
        // SAFETY: caller contract: a hole's first two words are a `Hole`
        // (16-byte aligned: PACKED_ALIGN).
        unsafe { (h as *mut Hole).read() }
    }

    /// # Safety
    /// `h` is `len` free bytes of a packed run, 16-byte aligned.
    unsafe fn put(h: *mut u8, size: usize, next: *mut u8) {
        // SAFETY: caller contract.
        unsafe { (h as *mut Hole).write(Hole { size, next }) };
    }

    /// Adds `len` free bytes at `start`, merging with the holes it touches
    /// unless `run_starts_at` says the boundary between them starts a run
    /// (holes never span two runs, which may be adjacent).
    ///
    /// # Safety
    /// `start..start + len` lies in a packed run, is free (no cell's
    /// allocation bit in it) and in no hole; both are multiples of 16.
    pub(super) unsafe fn insert(&mut self, start: *mut u8, len: usize, run_starts_at: impl Fn(*mut u8) -> bool) {
        debug_assert!(start as usize % PACKED_ALIGN == 0 && len % PACKED_ALIGN == 0 && len > 0);
        let mut prev: *mut u8 = null_mut();
        let mut next = self.first;
        // SAFETY (all hole accesses): holes of this list, and the range the
        // caller gives.
        unsafe {
            while !next.is_null() && next < start {
                prev = next;
                next = Self::get(next).next;
            }
            let (mut at, mut size) = (start, len);
            if !next.is_null() && start.wrapping_add(len) == next && !run_starts_at(next) {
                let n = Self::get(next);
                size += n.size;
                next = n.next;
            }
            if !prev.is_null() {
                let p = Self::get(prev);
                if prev.wrapping_add(p.size) == start && !run_starts_at(start) {
                    at = prev;
                    size += p.size;
                    Self::put(at, size, next);
                    return;
                }
                if size < self.min {
                    return;
                }
                Self::put(prev, p.size, at);
            } else if size < self.min {
                return;
            } else {
                self.first = at;
            }
            Self::put(at, size, next);
        }
    }

    /// Takes `len` bytes from the first hole big enough.
    pub(super) fn take_first_fit(&mut self, len: usize) -> Option<*mut u8> {
        let mut link: *mut *mut u8 = &mut self.first;
        // SAFETY: `link` is `self.first` or the `next` word of a hole of
        // this list; holes are free space in packed runs.
        unsafe {
            while !(*link).is_null() {
                let h = *link;
                let hole = Self::get(h);
                if hole.size >= len {
                    if hole.size - len < self.min {
                        // The rest could serve no cell: leave it out.
                        *link = hole.next;
                    } else {
                        let rest = h.add(len);
                        Self::put(rest, hole.size - len, hole.next);
                        *link = rest;
                    }
                    return Some(h);
                }
                link = &mut (*(h as *mut Hole)).next;
            }
        }
        None
    }

    /// Size of the hole that ends at `end`, or 0.
    pub(super) fn size_ending_at(&self, end: *mut u8) -> usize {
        let mut h = self.first;
        while !h.is_null() && h < end {
            // SAFETY: a hole of this list.
            let hole = unsafe { Self::get(h) };
            if h.wrapping_add(hole.size) == end {
                return hole.size;
            }
            h = hole.next;
        }
        0
    }

    /// Calls `f(start, size)` for every hole, in address order.
    pub(super) fn for_each(&self, mut f: impl FnMut(*mut u8, usize)) {
        let mut h = self.first;
        while !h.is_null() {
            // SAFETY: a hole of this list.
            let hole = unsafe { Self::get(h) };
            f(h, hole.size);
            h = hole.next;
        }
    }
}

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
            if let Some(start) = self.packed_holes.take_first_fit(cell) {
                // SAFETY: `cell` bytes of free space in a packed run are ours.
                unsafe {
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

    /// Makes room for a packed cell of `cell` bytes: extends the last run,
    /// or takes a new one. False when the heap has no room.
    fn grow_packed(&mut self, cell: usize) -> bool {
        if self.packed_last != NONE {
            let head = self.packed_last as usize;
            let len = self.info(head).aux as usize;
            let end = head + len;
            let have = self.packed_holes.size_ending_at(self.block_addr(end));
            let extra = (cell - have).div_ceil(BLOCK_SIZE);
            if len + extra <= MAX_PACKED_RUN_BLOCKS && self.take_blocks_at(end, extra) {
                for b in end..end + extra {
                    self.set_packed_block(b, BlockState::PackedTail, head);
                }
                self.info_mut(head).aux = (len + extra) as u32;
                self.packed_blocks += extra;
                self.add_hole(end * GRANULES_PER_BLOCK, (end + extra) * GRANULES_PER_BLOCK);
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

    /// Lists granules `from..to` of one packed run (free space, in no
    /// hole yet) as a hole.
    fn add_hole(&mut self, from: usize, to: usize) {
        if to <= from {
            return;
        }
        let (base, table, frontier) = (self.blocks_base as usize, self.table, self.frontier);
        let run_starts_at = |at: *mut u8| {
            let off = at as usize - base;
            let b = off >> BLOCK_SHIFT;
            // SAFETY: b < frontier has a table entry.
            off & (BLOCK_SIZE - 1) == 0
                && b < frontier
                && unsafe { (*table.add(b)).state } == BlockState::PackedHead as u8
        };
        // SAFETY: callers pass free granules of one run, which no hole holds.
        unsafe {
            self.packed_holes.insert(
                self.blocks_base.add(from << GRANULE_SHIFT),
                (to - from) << GRANULE_SHIFT,
                run_starts_at,
            )
        };
    }

    /// Frees the packed object whose header is at granule `header_g`
    /// (reference counting); returns its cell size.
    pub(super) fn free_packed(&mut self, header_g: usize) -> usize {
        let size = self.packed_size_at(header_g);
        self.add_hole(header_g - 1, header_g - 1 + (size >> GRANULE_SHIFT));
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
    /// aligned, sized for packing and disjoint.
    pub(super) fn check_packed_run(&self, head: usize) -> Result<usize, gc_api::Message> {
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
        }
        Ok(n)
    }

    /// Every hole lies in a packed run and holds no cell.
    pub(super) fn check_holes(&self) -> Result<(), gc_api::Message> {
        use gc_api::msg;
        let mut result = Ok(());
        self.packed_holes.for_each(|h, size| {
            if result.is_err() {
                return;
            }
            let g = (h as usize - self.blocks_base as usize) >> GRANULE_SHIFT;
            let last = g + (size >> GRANULE_SHIFT) - 1;
            let run_of = |g: usize| {
                let b = g / GRANULES_PER_BLOCK;
                match self.block_state(b) {
                    BlockState::PackedHead => Some(b),
                    BlockState::PackedTail => Some(self.info(b).aux as usize),
                    _ => None,
                }
            };
            if last / GRANULES_PER_BLOCK >= self.frontier || run_of(g).is_none() || run_of(g) != run_of(last) {
                result = Err(msg!("a hole of ", size, " bytes at granule ", g, " is not inside one packed run"));
            } else if let Some(hg) = self.next_alloc_bit(g, last + 1) {
                result = Err(msg!("a hole at granule ", g, " holds an allocated cell at granule ", hg));
            }
        });
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    /// The hole list against a model: which units are free, and which of
    /// those are listed (space under the list's minimum is left out).
    #[test]
    fn holes_merge_and_fit_first() {
        const UNITS: usize = 64;
        for min_units in [1, 3] {
            let mut buf: Vec<u128> = vec![0; UNITS];
            let base = buf.as_mut_ptr() as *mut u8;
            let (mut free, mut listed) = ([false; UNITS], [false; UNITS]);
            let mut holes = Holes::new(min_units * 16);
            let mut seed = 12345u32;
            let steps = if cfg!(miri) { 100 } else { 5000 };
            for _ in 0..steps {
                seed = seed.wrapping_mul(1664525).wrapping_add(1013904223);
                let at = (seed >> 8) as usize % UNITS;
                let len = 1 + (seed >> 20) as usize % 4;
                if seed & 1 == 0 {
                    // Free a run of taken units, if one starts here.
                    if at + len <= UNITS && free[at..at + len].iter().all(|&f| !f) {
                        // SAFETY: the units are inside `buf` and not in a hole.
                        unsafe { holes.insert(base.wrapping_add(at * 16), len * 16, |_| false) };
                        free[at..at + len].iter_mut().for_each(|f| *f = true);
                        let touches = (at > 0 && listed[at - 1]) || (at + len < UNITS && listed[at + len]);
                        if touches || len >= min_units {
                            listed[at..at + len].iter_mut().for_each(|l| *l = true);
                        }
                    }
                } else {
                    // First fit: the start of the lowest hole of `len` units or more.
                    let want = runs_of(&listed).into_iter().find(|&(_, n)| n >= len).map(|(s, _)| s);
                    let got = holes.take_first_fit(len * 16).map(|p| (p as usize - base as usize) / 16);
                    assert_eq!(got, want, "taking {len} units (minimum {min_units})");
                    if let Some(s) = got {
                        let mut end = s + len;
                        free[s..end].iter_mut().for_each(|f| *f = false);
                        listed[s..end].iter_mut().for_each(|l| *l = false);
                        let rest = listed[end..].iter().take_while(|&&l| l).count();
                        if rest < min_units {
                            while end < UNITS && listed[end] {
                                listed[end] = false;
                                end += 1;
                            }
                        }
                    }
                }
                // The list is exactly the maximal listed runs, in order.
                let mut in_list = Vec::new();
                holes.for_each(|h, size| in_list.push(((h as usize - base as usize) / 16, size / 16)));
                let runs = runs_of(&listed);
                assert_eq!(in_list, runs, "minimum {min_units}");
                assert!(listed.iter().zip(&free).all(|(&l, &f)| !l || f), "a listed unit is free");
                if let Some(&(s, n)) = runs.last() {
                    let end = base.wrapping_add((s + n) * 16);
                    assert_eq!(holes.size_ending_at(end), n * 16);
                }
            }
        }
    }

    fn runs_of(units: &[bool]) -> Vec<(usize, usize)> {
        let mut runs = Vec::new();
        let mut u = 0;
        while u < units.len() {
            if units[u] {
                let s = u;
                while u < units.len() && units[u] {
                    u += 1;
                }
                runs.push((s, u - s));
            } else {
                u += 1;
            }
        }
        runs
    }
}
