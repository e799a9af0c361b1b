//! The collector thread's side of a cycle (`rgc_config.background`): what
//! it does while the mutators run, and the handshakes where it stops them.
//! The protocol, the colour invariant and what each thread touches are in
//! the crate doc ("Background"); the thread itself is `gc_api::background`.

use crate::cycle::{CyclePhase, Incremental};
use crate::pacing::{Budget, BACKGROUND_SLICE_NS};
#[cfg(feature = "std")]
use crate::pacing::{HANDSHAKE_HANDED_OFF, MARK_UNITS_PER_CHECK};
use gc_api::event::Phase as Event;
use gc_api::platform::now_ns;
use gc_api::BackgroundNext;
use gc_heap::Runtime;

impl Incremental {
    /// One step of the collector thread, called with the collector lock
    /// held and the world running: a handshake if the cycle needs one, else
    /// a slice of concurrent work; `Sleep` when no cycle runs or is due.
    pub(crate) fn collector_thread_step(&mut self, rt: &mut Runtime) -> BackgroundNext {
        #[cfg(feature = "std")]
        if self.end_loan(rt) {
            // It verified, stopping the world: the work goes on next step.
            return BackgroundNext::Continue;
        }
        match self.phase {
            CyclePhase::Idle if !self.start_requested => return BackgroundNext::Sleep,
            CyclePhase::Idle => {
                self.start_requested = false;
                self.handshake(rt);
            }
            _ if self.handshake_due => self.handshake(rt),
            #[cfg(feature = "std")]
            CyclePhase::Mark => return self.lend_marker(rt),
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

    /// Lends the marker to the collector thread for up to
    /// [`BACKGROUND_SLICE_NS`] of marking without the collector lock
    /// (`gc_heap::lend`), which [`Incremental::end_loan`] accounts for at
    /// the thread's next step.
    #[cfg(feature = "std")]
    fn lend_marker(&mut self, rt: &mut Runtime) -> BackgroundNext {
        let start = now_ns();
        self.lent_since = Some(start);
        // SAFETY: the rules of `gc_heap::lend`: this plan made the runtime
        // share mark bits (`set_collector_thread`) when it was created
        // with a collector thread, the only one to call this; the cycle is
        // marking (phase `Mark`), so nothing is freed until a handshake
        // ends it, which recalls the marker first; and it is home (the
        // previous loan ended before this thread's step took the lock).
        let lent = unsafe { rt.lend_marker() };
        BackgroundNext::Unlocked(alloc::boxed::Box::new(move || {
            lent.mark(start.saturating_add(BACKGROUND_SLICE_NS), MARK_UNITS_PER_CHECK);
        }))
    }

    /// After a loan (the marker is home again): reports it as one
    /// [`Event::Background`] span, counts its time as the cycle's work,
    /// and asks for the handshake that judges termination when nothing
    /// grey is left and the hand-off holds at most
    /// [`HANDSHAKE_HANDED_OFF`] entries (a program that stores all the time
    /// never leaves it empty: richards' collector thread, waiting for
    /// that, took the collector lock 17 000 times a run for loans of a
    /// microsecond). Under `RGC_VERIFY` it checks the colours, stopping
    /// the world (true).
    #[cfg(feature = "std")]
    fn end_loan(&mut self, rt: &mut Runtime) -> bool {
        let Some(start) = self.lent_since.take() else { return false };
        let ns = rt.take_lent_ns();
        rt.events_mut().record_span(Event::Background, start);
        self.pacer.record_work(ns);
        if matches!(self.phase, CyclePhase::Mark)
            && rt.marker().is_empty()
            && gc_heap::store_log::handed_off() <= HANDSHAKE_HANDED_OFF
        {
            self.handshake_due = true;
        }
        if !rt.config().verifying() {
            return false;
        }
        rt.settle_all();
        self.verify_now(rt, false);
        true
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
            // The rate it measures is unused here (the thread paces itself).
            self.pacer.end_cycle(self.cycle_allocated, self.cycle_allocated_at);
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

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use crate::cycle::tests::with_collector_thread;
    use gc_heap::store_log;

    /// Nothing grey and a few entries in the hand-off: the loan that found
    /// so asks for the handshake that ends marking (which shades them),
    /// instead of lending the marker again and again while the program's
    /// stores keep the hand-off from ever being empty.
    #[test]
    fn a_loan_that_finds_nothing_grey_asks_for_the_handshake_unless_much_is_handed_off() {
        let (_serial, mut rt, mut plan) = with_collector_thread();
        plan.phase = CyclePhase::Mark;
        let value = 0x1000 as *mut u8; // never shaded: the test takes it back
        for (entries, due) in [(10, true), (HANDSHAKE_HANDED_OFF + 1, false)] {
            for _ in 0..entries {
                store_log::hand_off_value(value);
            }
            plan.handshake_due = false;
            plan.lent_since = Some(now_ns());
            assert!(!plan.end_loan(&mut rt));
            assert_eq!(plan.handshake_due, due, "{entries} entries handed off");
            store_log::drain_handed_off(|_| {});
        }
        plan.phase = CyclePhase::Idle;
    }

    /// The collector thread's locked slice that finishes the root phase
    /// stops there: marking is for the loan, without the lock (marked
    /// under the lock, richards' mutator waited for it up to 4 ms).
    #[test]
    fn a_locked_slice_stops_where_marking_begins() {
        let (_serial, mut rt, mut plan) = with_collector_thread();
        plan.handshake(&mut rt);
        assert!(matches!(plan.phase, CyclePhase::Roots { .. }), "the handshake took the root snapshot only");
        plan.concurrent_slice(&mut rt);
        assert!(matches!(plan.phase, CyclePhase::Mark));
        assert!(!plan.handshake_due, "it stopped before marking (which, finding nothing, would ask for a handshake)");
    }
}
