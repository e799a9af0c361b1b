//! The cycle: an ordered phase enum advanced by one [`Incremental::work`].
//!
//! Each arm of `work` does bounded chunks of its phase, charging each chunk
//! to the [`Budget`], and either finishes the phase (moving to the next) or
//! stops when the budget is spent, keeping its resume point in the phase
//! value itself.

use crate::barrier::{self, set_marking};
use crate::pacing::*;
pub use crate::phase::CyclePhase;
use alloc::vec::Vec;
use gc_api::event::Phase as Event;
use gc_api::platform::now_ns;
use gc_heap::heap::{ReleaseCursor, SweepCounts};
use gc_heap::layout::BLOCK_SIZE;
use gc_heap::mark::Source;
use gc_heap::runtime::TableCursor;
use gc_heap::{Plan, Runtime};

/// The incremental plan.
pub struct Incremental {
    pub(crate) phase: CyclePhase,
    pub(crate) pacer: Pacer,
    /// White finalizable objects found this cycle; queued for their
    /// finalizers once everything they reach is marked.
    dead_finalizable: Vec<*mut u8>,
    sweep_counts: SweepCounts,
    cycle_increments: u64,
    cycle_max_increment_ns: u64,
    /// The current failing allocation already ran an overrun collection.
    overrun_collected: bool,
    /// Bytes allocated since the previous cycle, when this one's sweep ended.
    pub(crate) cycle_allocated: usize,
    /// When the sweep ended and the runtime began counting allocation
    /// afresh: the end of the pacer's period (its allocation rate).
    pub(crate) cycle_allocated_at: u64,
    /// Increments and overruns since `rgc_init`, and the last completed
    /// cycle's increment count and longest increment (`rgc_get_stats`).
    increments: u64,
    overruns: u64,
    last_cycle: (u64, u64),
    /// The collector thread does the cycles (`rgc_config.background`);
    /// fixed at init. Its side is in `crate::background`.
    pub(crate) background: bool,
    /// A poll found a cycle due; the collector thread starts it.
    pub(crate) start_requested: bool,
    /// The work in progress runs with the mutators running (the collector
    /// thread's slice): phases stop where ending them needs the world
    /// stopped, and set `handshake_due`.
    pub(crate) concurrent: bool,
    /// The phase can only end with the world stopped (marking's
    /// termination, the start of the sweep): the collector thread's next
    /// step is a handshake. Cleared whenever the phase changes.
    pub(crate) handshake_due: bool,
    /// The increment in progress is a handshake: it stops once the phase
    /// that needed the world stopped has ended (and a cycle's start does
    /// only the root snapshot).
    pub(crate) handshake_only: bool,
    /// The marker is (or was, until the collector thread's next step) on
    /// loan to the collector thread since this time (`crate::background`).
    pub(crate) lent_since: Option<u64>,
}

impl Drop for Incremental {
    fn drop(&mut self) {
        // The next rgc_init must not inherit a set C fast-path flag (the
        // logs were emptied with the world stopped: `Gc`'s drop).
        barrier::rgc_incremental_marking.store(0, core::sync::atomic::Ordering::Relaxed);
        barrier::HAND_OFF.store(false, core::sync::atomic::Ordering::Relaxed);
        #[cfg(feature = "std")]
        gc_heap::store_log::drain_handed_off(|_| {});
    }
}

impl Incremental {
    pub fn phase(&self) -> CyclePhase {
        self.phase
    }

    /// Begins a cycle: snapshot the roots, turn the barriers on, allocate black.
    fn start_cycle(&mut self, rt: &mut Runtime) {
        rt.events_mut().cycle += 1;
        rt.reset_marker();
        rt.snapshot_roots();
        rt.set_allocate_black(true);
        set_marking(true);
        self.cycle_increments = 0;
        self.cycle_max_increment_ns = 0;
        self.pacer.begin_cycle(rt.allocated_since_gc(), allowance(rt), rt.heap().heap_bytes());
        self.phase = CyclePhase::Roots { next: 0 };
        if self.background {
            // Whoever started it (a late start, an assist, torture mode),
            // the collector thread works on it.
            #[cfg(feature = "std")]
            gc_api::background::wake();
        }
    }

    /// Advances the cycle within `budget`; true when it has just completed.
    pub(crate) fn work(&mut self, rt: &mut Runtime, budget: &mut Budget) -> bool {
        if self.phase.is_marking() && !self.concurrent {
            // What the mutator overwrote since the last increment is shaded
            // before any marking (and before termination is judged). The
            // collector thread cannot read the logs while their threads
            // run: its handshakes shade them. The marker comes home first,
            // or the shading would go to the hand-off, which a lent marker
            // may give back unemptied. The hand-off is grey too: marking
            // takes it in chunks (`drain_marker`).
            rt.recall_marker();
            barrier::shade_store_logs(rt);
        }
        loop {
            let phase = self.phase;
            if let CyclePhase::Idle = phase {
                return false;
            }
            rt.events_mut().start(phase.event());
            let next = self.advance(rt, budget);
            rt.events_mut().end(phase.event());
            match next {
                Some(CyclePhase::Idle) => {
                    self.phase = CyclePhase::Idle;
                    return true;
                }
                Some(next) => {
                    self.phase = next;
                    self.handshake_due = false;
                    // A collector thread marks on loan, without the lock:
                    // its locked slice stops where marking begins.
                    if self.handshake_only || (self.concurrent && matches!(next, CyclePhase::Mark)) {
                        return false;
                    }
                }
                None => return false,
            }
        }
    }

    /// Works on the current phase; `Some(next)` when it is finished, `None`
    /// when the budget ran out first (the resume point is saved).
    fn advance(&mut self, rt: &mut Runtime, budget: &mut Budget) -> Option<CyclePhase> {
        match &mut self.phase {
            CyclePhase::Idle => Some(CyclePhase::Idle),
            CyclePhase::Roots { next } => loop {
                let chunk = budget.chunk(ENTRIES_PER_CHECK);
                *next = rt.mark_snapshot_some(*next, chunk);
                if *next >= rt.root_snapshot().values.len() {
                    return Some(CyclePhase::Mark);
                }
                if budget.charge(chunk) {
                    return None;
                }
            },
            CyclePhase::Mark => {
                if !drain_marker(rt, budget) {
                    return None;
                }
                if self.concurrent {
                    // Only a handshake can judge termination: the threads'
                    // logs may hold values not shaded yet.
                    self.handshake_due = true;
                    return None;
                }
                // Termination: the snapshot is marked, the stack is empty and
                // so is the store log (shaded when this increment began, and
                // the mutator has not run since), so every object the
                // mutator can reach is marked.
                debug_assert_eq!(barrier::logged_entries(), 0);
                set_marking(false);
                Some(CyclePhase::Weak { next: 0 })
            }
            CyclePhase::Weak { next } => loop {
                *next = rt.clear_dead_weakrefs_some(*next, ENTRIES_PER_CHECK);
                if *next >= rt.weakref_count() {
                    // Objects allocated from now on are black, so at most
                    // the objects listed now can be found dead.
                    self.dead_finalizable.reserve(rt.finalizable().len());
                    return Some(CyclePhase::FinalizeScan { cursor: TableCursor::default(), shaded: 0 });
                }
                if budget.charge(ENTRIES_PER_CHECK) {
                    return None;
                }
            },
            CyclePhase::FinalizeScan { cursor, shaded } => loop {
                let done = rt.take_dead_finalizable_some(cursor, ENTRIES_PER_CHECK, &mut self.dead_finalizable);
                for &o in &self.dead_finalizable[*shaded..] {
                    rt.visit(o, Source::FinalizerQueue);
                }
                *shaded = self.dead_finalizable.len();
                if done {
                    return Some(CyclePhase::FinalizeMark);
                }
                if budget.charge(ENTRIES_PER_CHECK) {
                    return None;
                }
            },
            CyclePhase::FinalizeMark => {
                if !drain_marker(rt, budget) {
                    return None;
                }
                // Everything the dead objects reach is marked: their
                // finalizers may run (after this call returns).
                // One by one: VecDeque::extend's capacity check panics
                // through core::fmt; the queue has room already (see
                // `Runtime::reserve_finalizable`).
                for o in self.dead_finalizable.drain(..) {
                    rt.queue_finalizer(o);
                }
                Some(CyclePhase::PruneWeak { cursor: TableCursor::default() })
            }
            CyclePhase::PruneWeak { .. } if self.concurrent => {
                // Its end turns black allocation off in every thread and
                // retires their spans: the whole phase is a handshake's.
                self.handshake_due = true;
                None
            }
            CyclePhase::PruneWeak { cursor } => loop {
                if rt.prune_weakrefs_some(cursor, ENTRIES_PER_CHECK) {
                    rt.record_live_counts();
                    rt.set_allocate_black(false);
                    rt.begin_sweep();
                    self.sweep_counts = SweepCounts::default();
                    return Some(CyclePhase::Sweep);
                }
                if budget.charge(ENTRIES_PER_CHECK) {
                    return None;
                }
            },
            CyclePhase::Sweep => loop {
                if rt.heap_mut().sweep_some(1, &mut self.sweep_counts) {
                    self.cycle_allocated = rt.allocated_since_gc();
                    self.cycle_allocated_at = now_ns();
                    rt.end_cycle();
                    let keep_blocks = rt.trigger() / BLOCK_SIZE;
                    return Some(CyclePhase::Release { cursor: ReleaseCursor { keep_blocks, ..Default::default() } });
                }
                if budget.charge(SWEEP_UNITS_PER_BLOCK) {
                    return None;
                }
            },
            CyclePhase::Release { cursor } => loop {
                if rt.heap_mut().release_some(cursor, RELEASE_BLOCKS_PER_CHECK) {
                    return Some(CyclePhase::Idle);
                }
                if budget.charge(RELEASE_BLOCKS_PER_CHECK) {
                    return None;
                }
            },
        }
    }

    /// One increment: a pause of at most `budget`, starting a cycle if none runs.
    pub(crate) fn increment(&mut self, rt: &mut Runtime, mut budget: Budget) {
        let start = rt.events_mut().start(Event::Pause);
        let starting = matches!(self.phase, CyclePhase::Idle);
        if starting {
            // The root snapshot is root work (and a handshake that only
            // starts a cycle still shows what it did).
            rt.events_mut().start(Event::Roots);
            self.start_cycle(rt);
            rt.events_mut().end(Event::Roots);
        }
        // A handshake that starts a cycle takes the root snapshot only.
        let completed = !(starting && self.handshake_only) && self.work(rt, &mut budget);
        let end = rt.events_mut().end(Event::Pause);
        self.pacer.record_increment(start, end);
        self.count_increment(rt, end - start);
        if completed {
            self.pacer.end_cycle(self.cycle_allocated, self.cycle_allocated_at);
            self.complete_cycle(rt);
        } else {
            rt.schedule_poll(self.pacer.next_poll(rt.allocated_since_gc()));
        }
        self.verify_if_enabled(rt, false);
    }

    fn count_increment(&mut self, _rt: &mut Runtime, ns: u64) {
        self.increments += 1;
        self.cycle_increments += 1;
        self.cycle_max_increment_ns = self.cycle_max_increment_ns.max(ns);
    }

    /// Bookkeeping once the cycle is back at `Idle`.
    pub(crate) fn complete_cycle(&mut self, rt: &mut Runtime) {
        self.last_cycle = (self.cycle_increments, self.cycle_max_increment_ns);
        rt.schedule_poll(self.pacer.start_point(allowance(rt)));
    }

    /// Finishes any cycle in progress, then runs a whole fresh one, in one
    /// pause. An `overrun` (the heap ran out) is bracketed by its own event
    /// and counted.
    fn collect_now(&mut self, rt: &mut Runtime, overrun: bool) {
        let start = rt.events_mut().start(Event::Pause);
        if overrun {
            rt.events_mut().start(Event::Overrun);
            self.overruns += 1;
        }
        if !matches!(self.phase, CyclePhase::Idle) && self.work(rt, &mut Budget::unlimited()) {
            // The pacer learns what the interrupted cycle allocated and
            // cost, including this finish.
            self.pacer.record_work(now_ns().saturating_sub(start));
            self.pacer.end_cycle(self.cycle_allocated, self.cycle_allocated_at);
            self.complete_cycle(rt);
        }
        let fresh_start = now_ns();
        self.start_cycle(rt);
        self.work(rt, &mut Budget::unlimited());
        // A whole cycle in one pause: its duration is the best estimate of
        // a cycle's work (its allocation, none, says nothing).
        let fresh_end = now_ns();
        self.pacer.end_synchronous_cycle(fresh_end.saturating_sub(fresh_start), fresh_end);
        if overrun {
            rt.events_mut().end(Event::Overrun);
        }
        let end = rt.events_mut().end(Event::Pause);
        self.pacer.record_increment(start, end);
        self.count_increment(rt, end - start);
        self.complete_cycle(rt);
        self.verify_if_enabled(rt, true);
    }

    /// Shades what the threads logged while marking runs; outside marking,
    /// drops it. Entries can reach a log after marking ended: `rgc.h`
    /// declares the flush pure, so a compiled loop of stores may test the
    /// marking flag once and go on logging after a flush in which it
    /// waited, parked, while the collector thread ended marking. Such
    /// entries are overwrites after the snapshot's marking was complete:
    /// nothing needs them. Returns the calling thread's log position.
    fn take_store_logs(&mut self, rt: &mut Runtime) -> *mut *mut u8 {
        if self.phase.is_marking() {
            return barrier::shade_store_logs(rt);
        }
        gc_heap::store_log::drain(|_| {})
    }

    fn verify_if_enabled(&mut self, rt: &mut Runtime, after_full_collection: bool) {
        if rt.config().verifying() {
            self.verify_now(rt, after_full_collection);
        }
    }

    /// The shared heap checks, then the colour invariant of the current phase.
    pub(crate) fn verify_now(&mut self, rt: &mut Runtime, after_full_collection: bool) {
        // Logged values are as good as grey; shaded, the check sees them
        // so (only rgc_verify_heap between increments finds any, and a
        // collector thread's hand-off).
        if self.phase.is_marking() {
            barrier::shade_all_logged(rt);
        } else {
            self.take_store_logs(rt);
        }
        rt.verify_or_abort(after_full_collection);
        if let Err(msg) = crate::verify::check_colours(rt, self.phase) {
            gc_api::fatal!("heap verifier", msg);
        }
    }
}

/// Bytes the program may allocate between cycles: the growth allowance,
/// but never more than the room left below the heap limit.
fn allowance(rt: &Runtime) -> usize {
    rt.trigger().min(rt.allocation_room())
}

/// Drains the hand-off and the mark stack in clock-checked chunks (a
/// hand-off entry is a unit, like a pointer slot); true when both are
/// empty. Without a bound (a whole cycle in one pause: the heap ran out,
/// or `rgc_collect`) the hand-off is shaded whole and the stop-the-world
/// marker drains the stack, in parallel when `RGC_MARKERS` allows.
fn drain_marker(rt: &mut Runtime, budget: &mut Budget) -> bool {
    if budget.is_unlimited() {
        barrier::shade_all_logged(rt);
        rt.mark_transitive();
        return true;
    }
    loop {
        let chunk = budget.chunk(MARK_UNITS_PER_CHECK);
        let (shaded, left) = barrier::shade_handed_off_some(rt, chunk);
        let before = rt.marker().units;
        if rt.drain_some(chunk) && left == 0 {
            return true;
        }
        if budget.charge(shaded + (rt.marker().units - before) as usize) {
            return false;
        }
    }
}

impl Plan for Incremental {
    /// Threads run at once; every increment stops them (`Gc` settles, and
    /// so stops the world, before each plan call): see the crate doc's
    /// "Threads".
    const THREADS: gc_api::Threads = gc_api::Threads::Concurrent;
    /// Its barrier does more than store.
    const PLAIN_STORES: bool = false;
    const NAME: &'static str = "incremental";
    const PRECISE: bool = true;

    fn new(rt: &mut Runtime) -> Self {
        let plan = Incremental {
            phase: CyclePhase::Idle,
            pacer: match rt.config().background {
                true => Pacer::new(rt.config().pause_ns, rt.config().window_ns).with_collector_thread(),
                #[cfg(feature = "std")]
                false => Pacer::new(rt.config().pause_ns, rt.config().window_ns).with_pacing(rt.config().pacing),
                #[cfg(not(feature = "std"))]
                false => Pacer::new(rt.config().pause_ns, rt.config().window_ns),
            },
            dead_finalizable: Vec::new(),
            sweep_counts: SweepCounts::default(),
            cycle_increments: 0,
            cycle_max_increment_ns: 0,
            overrun_collected: false,
            cycle_allocated: 0,
            cycle_allocated_at: 0,
            increments: 0,
            overruns: 0,
            last_cycle: (0, 0),
            background: rt.config().background,
            start_requested: false,
            concurrent: false,
            handshake_due: false,
            handshake_only: false,
            lent_since: None,
        };
        rt.set_collector_thread(plan.background);
        barrier::HAND_OFF.store(plan.background, core::sync::atomic::Ordering::Relaxed);
        // The first cycle starts by the pacer's rule too, not at the
        // initial allowance (which may exceed the heap limit).
        rt.schedule_poll(plan.pacer.start_point(allowance(rt)));
        plan
    }

    fn collect(&mut self, rt: &mut Runtime) {
        self.collect_now(rt, false);
    }

    fn alloc_failed(&mut self, rt: &mut Runtime, attempt: u32) -> bool {
        if attempt == 0 {
            self.overrun_collected = false;
        }
        if self.phase.is_marked_through() || matches!(self.phase, CyclePhase::Sweep) {
            // The garbage is found but not swept yet: sweep on, in bounded
            // increments, until the allocation fits (lazy sweeping).
            self.increment(rt, Budget::time(now_ns(), self.pacer.pause_ns));
            return true;
        }
        if self.overrun_collected {
            return false;
        }
        // Out of memory while marking (or idle): the pacer fell behind.
        self.collect_now(rt, true);
        self.overrun_collected = true;
        true
    }

    fn poll(&mut self, rt: &mut Runtime) {
        if rt.config().torture {
            self.increment(rt, Budget::units(TORTURE_UNITS));
            return;
        }
        let now = now_ns();
        let decision = match self.phase {
            CyclePhase::Idle if rt.allocated_since_gc() >= self.pacer.start_point(allowance(rt)) => {
                if self.background && !self.collector_thread_is_late(rt) {
                    self.request_start(rt);
                    return;
                }
                Decision::Scheduled
            }
            CyclePhase::Idle => {
                rt.schedule_poll(self.pacer.start_point(allowance(rt)));
                return;
            }
            _ => self.pacer.decide(now, rt.allocated_since_gc(), self.lent_since.map_or(0, |t| now.saturating_sub(t))),
        };
        match decision {
            Decision::Wait => rt.schedule_poll(self.pacer.next_poll(rt.allocated_since_gc())),
            // The collector thread does the scheduled work; mutators only
            // assist when allocation gets ahead of it.
            Decision::Scheduled if self.background && !matches!(self.phase, CyclePhase::Idle) => {
                // At each such poll (every few kilobytes: a mutex and an
                // unpark): a forked child's first one starts its own
                // collector thread here (`gc_api::background::wake`).
                #[cfg(feature = "std")]
                gc_api::background::wake();
                rt.schedule_poll(self.pacer.next_poll(rt.allocated_since_gc()))
            }
            Decision::Scheduled | Decision::Tax => self.increment(rt, Budget::time(now, self.pacer.pause_ns)),
        }
    }

    unsafe fn flush_unlocked(ctx: *mut shadowstack::Context) -> *mut *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { barrier::hand_off_unlocked(ctx) }
    }

    fn wants_background(&self, _rt: &Runtime) -> bool {
        self.background
    }

    fn background(&mut self, rt: &mut Runtime) -> gc_api::BackgroundNext {
        self.collector_thread_step(rt)
    }

    fn step(&mut self, rt: &mut Runtime, budget_ns: u64) -> bool {
        if let CyclePhase::Idle = self.phase {
            let due = rt.config().torture || rt.allocated_since_gc() >= self.pacer.start_point(allowance(rt)) / 2;
            if !due {
                return false;
            }
        }
        self.increment(rt, Budget::time(now_ns(), budget_ns));
        true
    }

    #[inline]
    unsafe fn write_barrier(&mut self, rt: &mut Runtime, obj: *mut u8, slot: *mut *mut u8, value: *mut u8) {
        // SAFETY (both blocks): caller contract: slot is a pointer field of the live object obj.
        if self.phase.is_marking() && !unsafe { *slot }.is_null() {
            unsafe { barrier::log_overwritten(rt, obj, slot) };
        }
        unsafe { *slot = value };
    }

    unsafe fn weakref_get(&mut self, rt: &mut Runtime, weakref: *mut u8) -> *mut u8 {
        let slot = weakref as *mut *mut u8;
        // SAFETY: caller contract: a live weakref cell, whose slot 0 is its target.
        let target = unsafe { *slot };
        if target.is_null() {
            return target;
        }
        if self.phase.is_marking() {
            barrier::shade_weak_target(rt, weakref, target);
        // SAFETY: targets of listed weakrefs are live objects.
        } else if self.phase.is_marked_through() && !unsafe { rt.heap().is_marked(target) } {
            // SAFETY: as above.
            unsafe { *slot = core::ptr::null_mut() };
            rt.count_weakrefs_cleared(1);
            return core::ptr::null_mut();
        }
        target
    }

    fn flush_store_log(&mut self, rt: &mut Runtime) -> *mut *mut u8 {
        // No events here: rgc.h declares the flush pure (see the barrier
        // module); its bounded shading is barrier work, like a slow path.
        self.take_store_logs(rt)
    }

    fn report(&self, stats: &mut gc_api::abi::RgcStats) {
        stats.increments = self.increments;
        stats.overruns = self.overruns;
        (stats.cycle_increments, stats.cycle_max_increment_ns) = self.last_cycle;
    }

    fn set_pacing(&mut self, _rt: &mut Runtime, pause_ns: u64, window_ns: u64) -> bool {
        self.pacer.set_pacing(pause_ns, window_ns);
        true
    }

    fn verify(&mut self, rt: &mut Runtime) {
        self.verify_now(rt, false);
    }
}

#[cfg(all(test, feature = "std"))]
pub(crate) mod tests {
    use super::*;
    use gc_api::types::BYTES_TYPE;
    use gc_api::{AllocRequest, Config};
    use gc_heap::store_log;

    /// Serialises the tests that use the process's one hand-off and
    /// marking flag.
    pub(crate) static GLOBALS: std::sync::Mutex<()> = std::sync::Mutex::new(());

    /// A runtime and plan as `rgc_init` makes them with a collector thread
    /// (which is not started: the test calls its steps), and the guard
    /// that keeps the other such tests out meanwhile.
    pub(crate) fn with_collector_thread() -> (std::sync::MutexGuard<'static, ()>, Runtime, Incremental) {
        let serial = GLOBALS.lock().unwrap_or_else(|e| e.into_inner());
        let mut rt = Runtime::new(Config { background: true, ..Config::default() }).unwrap();
        rt.set_collector_thread(true);
        let plan = <Incremental as Plan>::new(&mut rt);
        (serial, rt, plan)
    }

    /// With a collector thread, the hand-off is grey work like any other:
    /// an increment shades it in chunks charged to its budget, and marking
    /// does not end while any of it is left. (Shaded whole, as it once
    /// was, 300 000 entries made a 2 ms pause on richards.) A whole cycle
    /// in one pause still takes all of it.
    #[test]
    fn an_increment_shades_the_hand_off_within_its_budget() {
        let (_serial, mut rt, mut plan) = with_collector_thread();
        let req = AllocRequest { type_id: BYTES_TYPE, length: 8, bytes: 8, call: "test", inline: false };
        let (obj, _) = rt.try_alloc(&req);
        assert!(!obj.is_null());
        // The collector thread's handshake that starts a cycle.
        plan.handshake_only = true;
        plan.increment(&mut rt, Budget::units(1));
        plan.handshake_only = false;
        assert!(matches!(plan.phase(), CyclePhase::Roots { .. }));
        const ENTRIES: usize = 20_000;
        for _ in 0..ENTRIES {
            store_log::hand_off_value(obj);
        }
        plan.increment(&mut rt, Budget::units(1000));
        let left = store_log::handed_off();
        assert!(left > 0 && left < ENTRIES, "one increment shaded part of the hand-off: {left} of {ENTRIES} left");
        assert!(matches!(plan.phase(), CyclePhase::Mark), "marking went on: {:?}", plan.phase());
        // SAFETY: obj is the object allocated above.
        assert!(unsafe { rt.heap().is_marked(obj) }, "what it shaded is marked");
        plan.collect_now(&mut rt, false);
        assert_eq!(store_log::handed_off(), 0, "a whole cycle takes the hand-off whole");
        assert!(matches!(plan.phase(), CyclePhase::Idle));
    }
}
