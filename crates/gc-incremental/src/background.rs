//! The collector thread's side of a cycle (`rgc_config.background`): what
//! it does while the mutators run, and the handshakes where it stops them.
//! The protocol, the colour invariant and what each thread touches are in
//! the crate doc ("Background"); the thread itself is `gc_api::background`.

use crate::cycle::{CyclePhase, Incremental};
use crate::pacing::{Budget, BACKGROUND_SLICE_NS};
use gc_api::event::Phase as Event;
use gc_api::platform::now_ns;
use gc_api::BackgroundNext;
use gc_heap::Runtime;

impl Incremental {
    /// One step of the collector thread, called with the collector lock
    /// held and the world running: a handshake if the cycle needs one, else
    /// a slice of concurrent work; `Sleep` when no cycle runs or is due.
    pub(crate) fn collector_thread_step(&mut self, rt: &mut Runtime) -> BackgroundNext {
        match self.phase {
            CyclePhase::Idle if !self.start_requested => return BackgroundNext::Sleep,
            CyclePhase::Idle => {
                self.start_requested = false;
                self.handshake(rt);
            }
            _ if self.handshake_due => self.handshake(rt),
            _ => self.concurrent_slice(rt),
        }
        match self.phase {
            CyclePhase::Idle => BackgroundNext::Sleep,
            _ => BackgroundNext::Continue,
        }
    }

    /// A poll found a cycle due: wake the collector thread to start it.
    /// The mutator polls again after the next few kilobytes.
    pub(crate) fn request_start(&mut self, rt: &mut Runtime) {
        self.start_requested = true;
        #[cfg(feature = "std")]
        gc_api::background::wake();
        rt.schedule_poll(self.pacer.next_poll(rt.allocated_since_gc()));
    }

    /// True when a cycle was requested and the collector thread has not
    /// started it within [`LATE_START_SHARE`] of the allowance: the mutator
    /// starts it itself (a machine too busy to run the thread must not
    /// turn into overruns).
    pub(crate) fn collector_thread_is_late(&self, rt: &Runtime) -> bool {
        let allowance = rt.trigger().min(rt.allocation_room());
        self.start_requested
            && rt.allocated_since_gc() >= self.pacer.start_point(allowance).saturating_add(allowance / LATE_START_SHARE)
    }

    /// Stops the world and runs one increment of at most the pause budget
    /// that ends the phase needing it: a cycle's root snapshot, an attempt
    /// to end marking (the threads' logs shaded first), or the weak-pruning
    /// phase and the start of the sweep. The pause is reported like any
    /// increment's; the world runs again when the collector thread leaves
    /// the collector.
    fn handshake(&mut self, rt: &mut Runtime) {
        self.handshake_due = false;
        rt.settle_all();
        self.handshake_only = true;
        self.increment(rt, Budget::time(now_ns(), self.pacer.pause_ns));
        self.handshake_only = false;
    }

    /// Up to [`BACKGROUND_SLICE_NS`] of the cycle's work with the mutators
    /// running, stopping at the next clock check once a thread waits for
    /// the collector lock; bracketed by [`Event::Background`].
    fn concurrent_slice(&mut self, rt: &mut Runtime) {
        rt.set_mutators_run(true);
        self.concurrent = true;
        let start = rt.events_mut().start(Event::Background);
        let mut budget = Budget::time(start, BACKGROUND_SLICE_NS).yielding();
        let completed = self.work(rt, &mut budget);
        let end = rt.events_mut().end(Event::Background);
        self.concurrent = false;
        rt.set_mutators_run(false);
        self.pacer.record_work(end.saturating_sub(start));
        if completed {
            self.pacer.end_cycle(self.cycle_allocated);
            self.complete_cycle(rt);
        }
        if rt.config().verifying() {
            // The colours as a handshake would find them.
            rt.settle_all();
            self.verify_now(rt, false);
        }
    }
}

/// A cycle the collector thread has not started after the start point
/// plus 1/`LATE_START_SHARE` of the allowance is started by the mutator.
pub const LATE_START_SHARE: usize = 8;
