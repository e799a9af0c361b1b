//! `--gc=marksweep`: roots are exactly the shadow stacks and global roots.

use crate::collection::{collect, step_due};
use gc_heap::{Gc, Plan, Runtime};

/// The precise mark-sweep plan.
pub struct MarkSweep;

/// The collector type the C ABI exports.
pub type MarkSweepGc = Gc<MarkSweep>;

impl Plan for MarkSweep {
    const THREADS: gc_api::Threads = gc_api::Threads::Concurrent;
    const NAME: &'static str = "marksweep";
    const PRECISE: bool = true;

    fn new(_rt: &mut Runtime) -> Self {
        MarkSweep
    }

    fn collect(&mut self, rt: &mut Runtime) {
        collect(rt, &mut ());
    }

    fn step(&mut self, rt: &mut Runtime, _budget_ns: u64) -> bool {
        step_due(rt) && {
            self.collect(rt);
            true
        }
    }
}
