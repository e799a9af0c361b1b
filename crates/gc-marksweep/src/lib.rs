//! # gc-marksweep: precise stop-the-world mark-sweep (`--gc=marksweep`)
//!
//! A collection stops the mutator, marks from the shadow stacks and global
//! roots with the shared explicit-stack marker, processes weak references
//! and finalizers, and sweeps every block eagerly. Nothing is moved.
//!
//! Invariant: between collections every mark bit is clear; during one, the
//! phases of [`gc_heap::runtime`] run in their documented order inside a
//! single [`Phase::Pause`].
//!
//! Pacing: the next collection is due once the program has allocated
//! `max(heap_initial, heap_after_gc × growth_percent / 100)` bytes of cells,
//! or when the heap cannot satisfy an allocation. `rgc_step` runs a whole
//! collection once at least half of that allowance is used (a stop-the-world
//! collector cannot split one), so idle time is put to use early.
//!
//! Start reading at [`MarkSweep::collect`].
#![deny(unsafe_op_in_unsafe_fn)]

use gc_api::event::Phase;
use gc_heap::{Gc, Plan, Runtime};

/// The marksweep plan.
pub struct MarkSweep;

/// The collector type the C ABI exports.
pub type MarkSweepGc = Gc<MarkSweep>;

impl Plan for MarkSweep {
    const NAME: &'static str = "marksweep";
    const PRECISE: bool = true;

    fn new(_rt: &mut Runtime) -> Self {
        MarkSweep
    }

    fn collect(&mut self, rt: &mut Runtime) {
        rt.events.cycle += 1;
        rt.events.start(Phase::Pause);
        rt.mark_everything();
        rt.events.start(Phase::Sweep);
        rt.sweep();
        rt.events.end(Phase::Sweep);
        rt.finish_cycle();
        rt.events.end(Phase::Pause);
        rt.verify_if_enabled(true);
    }

    fn step(&mut self, rt: &mut Runtime, _budget_ns: u64) -> bool {
        if !rt.collection_due() && rt.allocated_since_gc * 2 < rt.trigger {
            return false;
        }
        self.collect(rt);
        true
    }
}
