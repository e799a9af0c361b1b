//! # gc-heap: the heap every rgc collector shares
//!
//! Collectors ("plans", in MMTk's sense) differ in *when* and *how much* they
//! trace; they share *where objects live* and *how an object is traced*.
//! Start at [`gc::Gc`], which turns any [`gc::Plan`] into a
//! [`gc_api::Collector`], then read [`heap::Heap`].
//!
//! Who owns what (MMTk's split): the *space* is [`heap::Heap`] (blocks,
//! block table, bitmaps) with the tables of [`runtime::Runtime`] (types,
//! finalizable objects, weak references, global roots); each thread's
//! *allocator* is its spans and stash (`shadowstack::Context` and `Local`,
//! driven by [`allocator`]); the *tracer* is [`mark::Marker`] with the root
//! snapshot. [`gc::Gc`] is where the C ABI's calls meet them.
//!
//! ## Layout of one heap
//! A single region of memory, obtained through the [`memory::Memory`]
//! abstraction (an `mmap` reservation, or a caller-provided buffer), holds
//! all metadata and all objects:
//! ```text
//! [block table][mark bitmap][alloc bitmap][free-block bitmap][pad][block 0][block 1]...
//! ```
//! Blocks are [`layout::BLOCK_SIZE`] bytes, aligned to their size. A block
//! is free, holds cells of one size class, is part of a run of packed cells
//! (cells from 256 B to 64 KB, see [`heap`]'s `packed` module), or is part of
//! a large object. Every object lives in a *cell*: an 8-byte header
//! followed by the object (a packed cell has its size in a word in front).
//!
//! ## Invariants
//! 1. An address's block is `(addr - blocks_base) >> BLOCK_SHIFT`: O(1).
//! 2. The alloc bit of a granule is set iff a live (not yet swept) object's
//!    header starts at that granule (its cell's start, except in a packed
//!    cell, whose size word comes first). Hence a pointer `p` is an object exactly
//!    when `p - HEADER` is granule-aligned, inside the heap, and has its alloc
//!    bit set; no pointer is ever dereferenced before passing that check.
//! 3. Mark bits are clear outside a collection; during one, a set mark bit
//!    means "reachable, found". Sweeping clears them.
//! 4. Free cells have their alloc bit clear. A free cell on a free list holds
//!    the link; the free cells of a block on a partial list with `unlinked`
//!    set are linked only when the allocator takes the block (lazy sweeping).
//! 5. Every header of an allocated cell holds a registered type id.
//! 6. A free cell on a free list reads zero past its first word (the
//!    link, which the new object's header overwrites), so allocating a
//!    small object writes only its header: cells are zeroed in bulk when
//!    the allocator takes a block (a whole dirty block, or each run of
//!    free cells of a partly used one) and by [`Heap::free_object`].
//!    (Packed cells are zeroed when handed out instead: their free space
//!    is holes of any size, not cells of a class.)
//!
//!
//! ## Phases
//! A tracing collection runs the steps of [`runtime`] in order: mark the
//! roots, mark transitively, clear dead weak references, queue dead
//! finalizable objects (and mark what they reach), forget dead weak
//! references, sweep. Each has a bounded, resumable form for the
//! incremental plan. Before a sweep every thread's spans are retired
//! ([`allocator`]).
//!
//! ## Knobs
//! All in `gc_api::config::KNOBS` (environment and `rgc_config`): the heap
//! limit and initial allowance, the heap policy and growth percentage that
//! set the next allowance ([`sizing`], asked by
//! [`runtime::Runtime::end_cycle`]), torture mode (collect at
//! every allocation, no spans), the verifier ([`verify`]) and the
//! number of markers (`parallel`). Sizes and classes are constants in
//! [`layout`].
//!
//! ## Threads
//! - A thread's spans, stash and store log are its own: it bumps its spans
//!   inline and refills them from its stash without the collector lock;
//!   the collector touches them only with the thread stopped.
//! - Everything else here (heap, tables, marker, counters) is touched only
//!   under the collector lock (`shadowstack::safepoint`), and the heap as a
//!   whole only with every other thread stopped: [`gc::Gc`] settles all
//!   threads, which stops them under a concurrent plan, before every plan
//!   call, lookup and statistic. The exceptions: a lock-free refill, which
//!   writes only the allocation-bitmap words of blocks its thread owns
//!   (and mark bits, atomically, while allocating black:
//!   [`allocator::alloc_unlocked`]); and the incremental collector's
//!   thread marking with the marker on loan ([`lend`], whose numbered
//!   rules say what everyone else may do meanwhile).
//! - A stop-the-world mark may run on helper threads (`parallel`, hosted
//!   builds): they only read the heap and set mark bits atomically, each
//!   with its own stack and counts, and the collecting thread returns only
//!   once every helper has left the mark.
//!
//! The crate uses only `core` and `alloc` except the `mmap` memory
//! source (feature `std`).
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;

pub mod allocator;
mod bits;
mod block;
pub mod gc;
pub mod heap;
pub mod layout;
pub mod lend;
pub mod mark;
pub mod memory;
pub mod object;
#[cfg(feature = "std")]
pub mod parallel;
pub mod runtime;
pub mod sizing;
pub mod store_log;
pub mod verify;
pub mod view;

pub use gc::{Gc, Plan};
pub use heap::Heap;
pub use runtime::{MarkHooks, Runtime};
