//! # gc-refcount: reference counting with a cycle collector (`--gc=refcount`)
//!
//! Deferred reference counting in the style of Deutsch and Bobrow, plus
//! synchronous trial deletion (Bacon and Rajan) for cycles, over the shared
//! heap ([`gc_heap`]). The generated code is the same as for every other
//! collector: shadow-stack frames, `RGC_STORE`, `rgc_alloc*`. No extra
//! increment or decrement calls.
//!
//! ## How the pieces fit
//! - [`store_barrier`]: `RGC_STORE` keeps heap-to-heap counts (inline in C)
//!   and logs objects whose count fell; roots are never counted.
//! - [`reconcile`]: at bounded intervals the zero-count table is checked
//!   against the roots; unreferenced objects are freed at once, recursively,
//!   with an explicit work list. This is where memory comes back, so the
//!   heap stays close to the live data.
//! - [`cycles`]: trial deletion over candidate cycle roots, plus a run
//!   restricted to young candidates (new objects not held by a root).
//! - [`backup`]: a full trace that recounts, needed only after a count
//!   saturated ([`word`] explains saturation).
//! - [`plan`]: when each of these runs, and the tuning constants.
//! - [`verify`]: the invariants, checked under `RGC_VERIFY=1`.
//! - [`tables`]: what happens when a hint table cannot grow (region mode).
//!
//! ## Invariants
//! 1. Outside a reconciliation an object's count is the number of heap
//!    pointer fields (of live objects) that refer to it, unless saturated.
//! 2. Every object with count zero is listed in the nursery, the
//!    zero-count table or the store log, or was a root at the last
//!    reconciliation.
//! 3. Every garbage cycle is reachable from a listed object or candidate
//!    (a cycle of new objects only: from a young candidate).
//! 4. Mark bits mean "is a root" and are set only during a reconciliation;
//!    colour bits are black outside the cycle collector.
//!
//! Invariants 2 and 3 have one exception: a table that could not grow for
//! want of memory (region mode) drops the entry, and the next collection is
//! a full one ending with the backup trace, which restores them (see
//! [`tables`]).
//!
//! From 1 and 2, a reconciliation frees every unreachable object that no
//! garbage cycle holds; from 3, a cycle collection over every candidate
//! frees the rest. So a full collection (`rgc_collect`) leaves exactly the
//! reachable objects, as marksweep does.
//!
//! ## Pauses
//! A reconciliation (`RGC_PHASE_RECONCILE`) and a cycle collection
//! (`RGC_PHASE_CYCLES`, inside the same pause) stop the mutator. Costs:
//! reconciliation is proportional to the roots, the table, and the garbage
//! it frees; a cycle collection to what its candidates reach.
//!
//! ## Knobs
//! `RGC_FREE_BUDGET` (objects freed per reconciliation before the rest is
//! deferred), and the heap limit, initial allowance and growth shared with
//! every collector: all in `gc_api::config::KNOBS`.
//!
//! ## Threads
//! `Single`: one attached thread; a second `rgc_thread_attach` is a fatal
//! error naming the collector (count updates in the inline barrier are
//! plain read-modify-writes). The store log is the thread's own
//! (`rgc_thread.log`), like every collector's. Threads for refcount are
//! issue 29.
//!
//! Start reading at [`reconcile`], then [`cycles`].
#![deny(unsafe_op_in_unsafe_fn)]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod backup;
pub mod cycles;
pub mod plan;
pub mod reconcile;
pub mod store_barrier;
pub mod tables;
pub mod verify;
pub mod word;

pub use plan::Refcount;

/// The collector type the C ABI exports.
pub type RefcountGc = gc_heap::Gc<Refcount>;
