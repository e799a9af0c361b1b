//! One stop-the-world collection, and when `rgc_step` runs one: what both
//! plans share.

use gc_api::event::Phase;
use gc_heap::{MarkHooks, Runtime};

/// A whole collection in one pause: mark (precise roots, then the plan's
/// `hooks`), weak references, finalizers, sweep.
pub fn collect(rt: &mut Runtime, hooks: &mut impl MarkHooks) {
    rt.events_mut().cycle += 1;
    rt.events_mut().start(Phase::Pause);
    rt.mark_everything_with(hooks);
    rt.events_mut().start(Phase::Sweep);
    rt.sweep();
    rt.events_mut().end(Phase::Sweep);
    rt.finish_cycle();
    rt.events_mut().end(Phase::Pause);
    rt.verify_if_enabled(true);
}

/// Whether `rgc_step` should collect: at least half of the allocation
/// allowance is used.
pub fn step_due(rt: &Runtime) -> bool {
    rt.collection_due() || rt.allocated_since_gc() * 2 >= rt.trigger()
}
