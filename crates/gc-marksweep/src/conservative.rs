//! `--gc=conservative`: the Boehm-style plan. Roots are the precise ones
//! plus everything [`crate::ambiguous_roots`] finds by scanning memory, so
//! C code that keeps pointers only in locals, registers or static data
//! works without a shadow stack.

use crate::ambiguous_roots;
use crate::collection::{collect, step_due};
use gc_heap::{Gc, Plan, Runtime};

/// The conservative mark-sweep plan.
pub struct Conservative;

/// The collector type the C ABI exports.
pub type ConservativeGc = Gc<Conservative>;

impl Plan for Conservative {
    const NAME: &'static str = "conservative";
    const PRECISE: bool = false;

    fn new(_rt: &mut Runtime) -> Self {
        Conservative
    }

    fn collect(&mut self, rt: &mut Runtime) {
        collect(rt, ambiguous_roots::mark_all);
    }

    fn step(&mut self, rt: &mut Runtime, _budget_ns: u64) -> bool {
        step_due(rt) && {
            self.collect(rt);
            true
        }
    }
}
