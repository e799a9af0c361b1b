//! # rgc-boehm: bdwgc's C API on rgc's conservative collector
//!
//! Programs written for the Boehm-Demers-Weiser collector (bdwgc) include
//! `gc.h` and link `libgc`. This crate is that library: `libgc.so` with the
//! soname `libgc.so.1` (so an already-built program runs on it through
//! `LD_LIBRARY_PATH`) and `libgc.a`, exporting the `GC_*` functions and
//! variables as real symbols. The header is `libs/boehm/include/gc.h`.
//!
//! Every function converts its C arguments and delegates to the
//! `--gc=conservative` plan ([`gc_marksweep::ConservativeGc`]): `GC_malloc`
//! objects are untyped `<words>` objects scanned word by word,
//! `GC_malloc_atomic` ones are `<bytes>` objects that are never scanned,
//! and per-object finalizers and disappearing links live in
//! [`gc_marksweep::finalization`]. Objects of the program's own kinds
//! (`gc_mark.h`, `gc_typed.h`) are `<words>` objects whose header names a
//! layout that [`kinds`] interprets for rgc's marker. Where rgc behaves differently from bdwgc,
//! `libs/boehm/README.md` has the one table of differences.
//!
//! Invariants:
//! 1. The collector is initialised at most once, by `GC_init` or by the
//!    first call that needs it ([`state::ensure_init`]).
//! 2. Only registered threads call into it: the one that initialised the
//!    collector, those `GC_pthread_create` made, those that called
//!    `GC_register_my_thread`, and any other, which its first call
//!    registers ([`state::enter`]). They never poll a safepoint: a collection stops
//!    them with the suspend signal (`shadowstack::signals`), except inside
//!    an allocation from their span, which the signal waits out.
//! 3. Finalizers run outside the collector (never while it is entered),
//!    and never nested in one another ([`finalize::invoke_all`]).
//! 4. Small collectable objects come from the thread's allocation span
//!    without entering the collector ([`alloc`]); every entry settles the
//!    calling thread's spans first ([`state::enter`]), because this layer
//!    reads the heap directly (`GC_base`, `GC_size`, finalizer
//!    registration) and a cell taken from a span is an object only once
//!    settled; a lookup that misses settles every thread's, stopping the
//!    others ([`state::object_at`]).
//!
//! Start reading at [`state`], then [`alloc`].
#![deny(unsafe_op_in_unsafe_fn)]
#![allow(non_upper_case_globals, non_snake_case)]

pub mod alloc;
pub mod control;
pub mod debugging;
pub mod disclaim;
pub mod finalize;
mod hooks;
pub mod kinds;
pub mod knobs;
pub mod printf;
pub mod state;
pub mod toggleref;
