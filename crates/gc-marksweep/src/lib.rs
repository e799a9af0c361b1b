//! # gc-marksweep: stop-the-world mark-sweep, with precise roots
//! (`--gc=marksweep`) or conservative ones (`--gc=conservative`)
//!
//! A collection stops the mutator, marks from the roots with the shared
//! explicit-stack marker, processes weak references and finalizers, and
//! sweeps every block eagerly. Nothing is moved. The two plans differ only
//! in where roots come from:
//! - [`MarkSweep`]: the shadow stacks and registered global roots, exactly;
//! - [`Conservative`]: those, plus every word of each attached thread's C
//!   stack and callee-saved registers and of the writable data segments of
//!   the executable and every loaded shared object ([`ambiguous_roots`]).
//!   A word that points anywhere into an allocated object keeps it alive.
//!   This plan also serves the Boehm API (`libs/boehm`): untyped objects
//!   scanned word by word, root ranges, uncollectable objects, explicit
//!   frees and ordered per-object finalizers ([`finalization`]).
//!
//! ## Invariant
//! Between collections every mark bit is clear; during one, the phases of
//! [`gc_heap::runtime`] run in their documented order inside a single
//! [`gc_api::event::Phase::Pause`], with every other thread stopped.
//!
//! ## Phases
//! One pause: stop the world (a handshake), settle and retire every
//! thread's spans, mark (conservative: scanned ranges first), weak
//! references, finalizers, sweep every block, resume ([`collection::collect`]).
//!
//! ## Knobs (pacing)
//! The next collection is due once the program has allocated the heap
//! policy's allowance (`RGC_HEAP_POLICY`, `gc_heap::sizing`; by default
//! `max(heap_initial, heap_after_gc × growth_percent / 100)` bytes of cells),
//! or when the heap cannot satisfy an allocation. `rgc_step` runs a whole
//! collection once at least half of that allowance is used (a stop-the-world
//! collector cannot split one), so idle time is put to use early. The knobs
//! themselves are in `gc_api::config::KNOBS`.
//!
//! ## Threads
//! Both plans are `Concurrent`: attached threads allocate and store at
//! once; a collection runs on the thread that found it due, with the others
//! parked. Under [`Conservative`] each parked thread has published its
//! callee-saved registers and the bottom of its callers' frames
//! (`shadowstack::stack`), and [`ambiguous_roots`] scans every attached
//! thread's. Threads that are not attached are not scanned.
//!
//! Start reading at [`collection::collect`].
//!
//! Without the `std` feature only [`MarkSweep`] is built: scanning the C
//! stack and data segments needs the host's threads and loader.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;

#[cfg(feature = "std")]
pub mod ambiguous_roots;
pub mod collection;
#[cfg(feature = "std")]
mod conservative;
#[cfg(feature = "std")]
pub mod finalization;
mod precise;

#[cfg(feature = "std")]
pub use conservative::{in_push_hook, push_range, ClientHook, Conservative, ConservativeGc, Leak, LISTED_LEAKS};
pub use precise::{MarkSweep, MarkSweepGc};
