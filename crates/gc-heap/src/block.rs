//! The block table's entries: what each block of the heap holds. Shared by
//! the heap, which writes them, and the lookups of `view`, which read them.

/// What a block holds (`BlockInfo::state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum BlockState {
    /// Never used (above the frontier) or swept empty.
    Free = 0,
    /// Cells of one size class.
    Small = 1,
    /// First block of a large object; `aux` = number of blocks.
    LargeHead = 2,
    /// Later block of a large object; `aux` = index of its head block.
    LargeTail = 3,
    /// First block of a run of packed cells; `aux` = number of blocks.
    PackedHead = 4,
    /// Later block of a packed run; `aux` = index of its head block.
    PackedTail = 5,
}

/// One block-table entry.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct BlockInfo {
    pub(crate) state: u8,
    pub(crate) class: u8,
    /// 0 when every byte of the block is known to read zero, 1 when it may
    /// not. (Zero means "clean" so that a fresh mapping's block table needs
    /// no initialising pass: touching every entry of a large reservation's
    /// table cost megabytes of resident memory.)
    pub(crate) dirty: u8,
    /// 1 when the block was taken during an incremental sweep, below the
    /// sweep cursor: its objects are new, and the sweeper skips it once
    /// (clearing the flag). Set by `take_block`, cleared by the sweeper and
    /// by `free_block`.
    pub(crate) fresh: u8,
    /// Small: 1 while the block is on its class's partial list with its
    /// free cells not yet linked: `Heap::refill` links them from the
    /// allocation bitmap when it takes the block (lazy sweeping: the sweep
    /// itself touches only bitmaps). `Heap::free_object` leaves a cell of
    /// such a block to that linking instead of listing it twice. Set by the
    /// sweeper, cleared by `refill` and `free_block`.
    pub(crate) unlinked: u8,
    pub(crate) _pad: [u8; 3],
    /// Link in a class's list of partly free blocks.
    pub(crate) next: u32,
    pub(crate) aux: u32,
}

const _: () = assert!(core::mem::size_of::<BlockInfo>() == 16);
