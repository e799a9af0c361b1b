//! Checks that free cells are as the allocator left them, for the
//! verifier (`RGC_VERIFY=1`): a cell on a free list starts with a link to
//! the next free cell of its class and is zero past it (heap invariants 4
//! and 6), and the cells of a thread's span past its cursor are zero.
//!
//! A program that writes past an object's end writes into the cell after
//! it. If that cell is free, the allocator would follow a damaged link, or
//! hand out a "fresh" object that is not zero, and fail far from the cause.
//! These checks find the damage first, and [`Damage`] says where it is, so
//! the verifier can name the object before it (`crate::verify`).

use super::{BlockState, Heap};
use crate::layout::*;

/// A free cell a write damaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Damage {
    /// The damaged cell's start.
    pub cell: *mut u8,
    /// Bytes from the cell's start to the damaged word.
    pub offset: usize,
    /// What the word holds.
    pub value: usize,
    /// Where the cell is: on its class's free list, or in a thread's span.
    pub listed: bool,
    /// The cell's size, header included.
    pub cell_size: usize,
}

impl Heap {
    /// Checks every small class's free list: each cell on it is a free
    /// cell of the class whose link is null or another such cell, and
    /// which reads zero past the link. A list that loops is reported at
    /// the cell where the walk gave up.
    pub fn check_free_lists(&self) -> Result<(), Damage> {
        for class in 0..NUM_CLASSES {
            let mut cell = self.classes[class].free;
            // More steps than the heap has granules means a loop.
            let mut steps = self.frontier * GRANULES_PER_BLOCK;
            while !cell.is_null() {
                let next = self.check_listed_cell(class, cell)?;
                steps -= 1;
                if steps == 0 {
                    let cell_size = CLASS_SIZES[class] as usize;
                    return Err(Damage { cell, offset: 0, value: next as usize, listed: true, cell_size });
                }
                cell = next;
            }
        }
        Ok(())
    }

    /// Checks the cell at the head of `class`'s free list, the next one
    /// the allocator takes, and its link. The verifying allocator calls
    /// this before each allocation of the class (`Runtime::try_alloc`).
    pub fn check_free_list_head(&self, class: usize) -> Result<(), Damage> {
        let head = self.classes[class].free;
        if head.is_null() {
            return Ok(());
        }
        self.check_listed_cell(class, head).map(|_| ())
    }

    /// Checks that the cells `[from, to)` of a span of `class` are zero
    /// (a span's cells are zeroed when the thread takes it).
    pub fn check_unused_span(&self, class: usize, from: *mut u8, to: *mut u8) -> Result<(), Damage> {
        let cell_size = CLASS_SIZES[class] as usize;
        let mut cell = from;
        while cell < to {
            if let Some((offset, value)) = first_nonzero_word(cell, 0, cell_size) {
                return Err(Damage { cell, offset, value, listed: false, cell_size });
            }
            cell = cell.wrapping_add(cell_size);
        }
        Ok(())
    }

    /// Checks `cell`, a free cell on `class`'s list (the caller found it
    /// there, through links this function accepted): its link and the rest
    /// of its words. Returns the link.
    fn check_listed_cell(&self, class: usize, cell: *mut u8) -> Result<*mut u8, Damage> {
        let cell_size = CLASS_SIZES[class] as usize;
        let damaged = |offset, value| Damage { cell, offset, value, listed: true, cell_size };
        if !self.is_free_cell_of(class, cell) {
            // Only the list's head can get here (every other cell was a
            // link this function accepted): the cell popped before it was
            // damaged and is someone's object now; report the head.
            return Err(damaged(0, cell as usize));
        }
        // SAFETY: a free cell of the class: readable, its first word the link.
        let next = unsafe { *(cell as *const *mut u8) };
        if !next.is_null() && !self.is_free_cell_of(class, next) {
            return Err(damaged(0, next as usize));
        }
        match first_nonzero_word(cell, GRANULE, cell_size) {
            Some((offset, value)) => Err(damaged(offset, value)),
            None => Ok(next),
        }
    }

    /// Whether `p` starts a free cell of `class`: inside a used small block
    /// of that class, on a cell boundary, with its allocation bit clear.
    fn is_free_cell_of(&self, class: usize, p: *mut u8) -> bool {
        let Some(b) = self.block_of(p as usize) else { return false };
        let size = CLASS_SIZES[class] as usize;
        let offset = p as usize - self.block_addr(b) as usize;
        self.block_state(b) == BlockState::Small
            && self.info(b).class as usize == class
            && offset % size == 0
            && offset + size <= BLOCK_SIZE
            && !Self::bit(self.alloc_bits, self.granule_of(p))
    }
}

/// The first word of `cell` from byte `from` to `to` that is not zero, as
/// `(offset, value)`.
fn first_nonzero_word(cell: *mut u8, from: usize, to: usize) -> Option<(usize, usize)> {
    (from..to).step_by(GRANULE).find_map(|offset| {
        // SAFETY: callers pass cells of the heap's used blocks and offsets
        // inside them; a raw read, no reference to the bytes.
        let value = unsafe { (cell.add(offset) as *const usize).read() };
        (value != 0).then_some((offset, value))
    })
}
