//! # gc-none: allocate, never free (`--gc=none`)
//!
//! The baseline every other collector's overhead is measured against. It
//! allocates from the same heap as the real collectors (so allocation costs
//! compare like for like) and never marks, sweeps or runs finalizers; weak
//! references are never cleared. When `heap_max` is used up, the OOM handler
//! runs. `rgc_collect` and `rgc_step` do nothing, and `live_bytes` stays 0
//! because no collection ever measures it.
//!
//! Invariant: no mark bit is ever set. Phases: none. Knobs: `heap_max`
//! alone (`gc_api::config::KNOBS`). Threads: `Concurrent`; threads bump
//! their own spans and refill them from their own stash without the
//! collector lock, so allocation scales with cores (the harness's threads
//! group); statistics and lookups stop the world as under every plan.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]

use gc_heap::{Gc, Plan, Runtime};

pub struct NoCollection;

pub type NoneGc = Gc<NoCollection>;

impl Plan for NoCollection {
    const THREADS: gc_api::Threads = gc_api::Threads::Concurrent;
    const NAME: &'static str = "none";
    const PRECISE: bool = false;

    fn new(_rt: &mut Runtime) -> Self {
        NoCollection
    }
    fn collects(&self) -> bool {
        false
    }
    fn collect(&mut self, _rt: &mut Runtime) {}
    fn step(&mut self, _rt: &mut Runtime, _budget_ns: u64) -> bool {
        false
    }
}
