//! # gc-api: what every rgc collector speaks
//!
//! rgc links generated C code against one C ABI (`include/rgc.h`) and lets the
//! program pick a collector at link time. This crate is the contract between
//! the two halves:
//!
//! - [`abi`]: the `#[repr(C)]` structs the header declares (type descriptors,
//!   configuration, statistics, events), each layout checked at compile time
//!   here and by `_Static_assert` in the header.
//! - [`types`]: validation of C type descriptors into [`TypeInfo`], and the
//!   [`TypeTable`] that maps the 32-bit type id stored in every object header
//!   back to its layout.
//! - [`config`]: every tuning knob, its default and its `RGC_*` environment
//!   override, in one table.
//! - [`event`]: phase start/end events with monotonic timestamps; pause
//!   accounting for the statistics is derived from the same events.
//! - [`collector`]: the [`Collector`] trait.
//! - [`cabi`]: the generic C entry points and the [`export_c_abi!`] macro that
//!   turns any `Collector` into a library exporting the `rgc_*` symbols.
//! - [`fatal`](mod@fatal): the one way rgc reports misuse: a message naming the call and
//!   the offending value, then `abort()`.
//! - [`message`]: error text built without `core::fmt` (the [`msg!`] macro),
//!   which keeps formatting code out of a board's image.
//! - `background` (hosted builds): the collector thread that runs a
//!   collector's [`Collector::background_work`] while the mutators run.
//! - [`region`]: region mode's table area, the global allocator that keeps
//!   every allocation rgc makes inside the caller's buffer.
//! - [`platform`]: the clock, message output and abort, from libc or (on a
//!   bare-metal target) from hooks the program supplies.
//!
//! Start reading at [`collector::Collector`], then `include/rgc.h`.
//!
//! ## Invariant
//! One collector instance per process. The glue enforces that the
//! collector is never re-entered from inside itself (an event listener
//! that calls back into rgc gets a clear error).
//!
//! ## Phases
//! A call's life in [`cabi`]: take the collector lock (a safepoint), check
//! the arguments, call the collector, release the lock (a collector that
//! stopped the world lowers the other threads' flags first), then run any
//! finalizers the call found, outside the lock.
//!
//! ## Knobs
//! [`config::KNOBS`], one table: name, environment variable, default, unit.
//!
//! ## Threads
//! Every entry into the collector holds the collector lock
//! (`shadowstack::safepoint`), which a thread takes as a safepoint; what
//! threads may do at once is each collector's [`Threads`]. A collector that
//! runs one thread is entered without a locked instruction.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;

pub mod abi;
#[cfg(feature = "std")]
pub mod background;
pub mod cabi;
pub mod collector;
pub mod config;
pub mod event;
pub mod fatal;
mod free_list;
pub mod message;
pub mod platform;
pub mod region;
pub mod types;

pub use abi::{RgcConfig, RgcEvent, RgcStats, RgcType};
pub use collector::{AllocRequest, BackgroundNext, Collector, InitError, Threads};
pub use config::Config;
pub use event::{EventSink, Phase};
pub use message::{Hex, Message};
pub use types::{TypeError, TypeId, TypeInfo, TypeTable};
