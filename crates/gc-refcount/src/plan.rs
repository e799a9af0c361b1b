//! The refcount plan: its state, and the policy that decides when to
//! reconcile, when to collect cycles, and when to trace.
//!
//! ## Tuning constants (fixed; the knobs it shares are in `gc_api::config::KNOBS`)
//! | constant | value | meaning |
//! |---|---|---|
//! | [`RECONCILE_MIN_BYTES`] | 256 KiB | heap bytes allocated between reconciliations, at least |
//! | [`RECONCILE_BYTES_PER_ROOT`] | 128 | ... and at least this per root, so scanning the roots stays a small share |
//! | [`CANDIDATES_MIN`] | 16384 | a cycle collection runs once this many ordinary candidates wait, ... |
//! | [`CANDIDATES_PER_LIVE`] | 1/2 | ... or half as many as there are live objects, if more |
//! | [`YOUNG_CANDIDATES_MAX`] | 16384 | a young-only collection runs once this many young candidates wait (its pause is about proportional to them) |
//! | [`CYCLE_CHUNK`] | 256 | candidates grayed between clock checks when `rgc_step` slices a run |
//! | [`UNPRODUCTIVE_SHARE`] | 1/4 | a cycle collection whose full run frees less than this share of the objects it traversed doubles the (ordinary) candidate threshold ... |
//! | [`MAX_CYCLE_BACKOFF`] | 64 | ... up to this multiple; a productive one resets it |
//!
//! The backoff is what keeps a large live structure that keeps losing
//! references (an LRU list relinked on every hit) from being traversed
//! over and over for nothing: every candidate in such a structure leads
//! trial deletion through all of it. Garbage cycles still cannot pile up
//! without bound: the heap-growth trigger is not backed off. Young
//! candidates have their own fixed threshold, neither scaled with the heap
//! nor backed off: each is processed once whenever its run comes, so
//! delaying them would only make longer pauses; and a young-only
//! collection leaves the ordinary candidates waiting.
//!
//! Knobs it reads: `free_budget` (see [`crate::reconcile`]), `heap_initial` and `growth_percent` (a cycle collection
//! also runs once the live heap grows by `growth_percent` over what the
//! last one left, and at least by `heap_initial`), `torture` (a full
//! collection at every allocation) and `verify`.

use crate::store_barrier;
use alloc::vec::Vec;
use gc_api::platform::now_ns;
use gc_api::AllocRequest;
use gc_heap::layout::BLOCK_SIZE;
use gc_heap::{store_log, Plan, Runtime};

pub const RECONCILE_MIN_BYTES: usize = 256 * 1024;
pub const RECONCILE_BYTES_PER_ROOT: usize = 128;
pub const CANDIDATES_MIN: usize = 16384;
pub const CANDIDATES_PER_LIVE: u64 = 2;
pub const YOUNG_CANDIDATES_MAX: usize = 16384;
pub const CYCLE_CHUNK: usize = 256;
pub const UNPRODUCTIVE_SHARE: u64 = 4;
pub const MAX_CYCLE_BACKOFF: u64 = 64;

/// The reference-counting collector's state.
pub struct Refcount {
    /// Objects that may have a count of zero or be the root of a garbage
    /// cycle, not examined yet: each new object, each object the store log
    /// reported, and zero-count objects that were roots at the last
    /// reconciliation. Entries are hints: each is checked to be an object
    /// when examined, so a stale one costs a lookup, never a wrong free.
    pub(crate) zct: Vec<*mut u8>,
    /// Objects allocated since the last reconciliation (each one is new,
    /// has count zero when allocated, and is examined at the next one).
    pub(crate) nursery: Vec<*mut u8>,
    /// Possible roots of garbage cycles, for trial deletion (hints, as above).
    pub(crate) candidates: Vec<*mut u8>,
    /// New objects that were not roots when reconciled: possible garbage
    /// cycles among new objects (flagged `YOUNG`; see [`crate::cycles`]).
    pub(crate) young_candidates: Vec<*mut u8>,
    /// Objects whose count the young phase decremented late (see `cycles`).
    pub(crate) deferred: Vec<*mut u8>,
    /// The root values of the last reconciliation: an object that has left
    /// the roots since may be garbage.
    pub(crate) prev_roots: Vec<*mut u8>,
    /// Garbage waiting to be freed (colour `DOOMED`): within a
    /// reconciliation's free budget, or one per allocation after it.
    pub(crate) free_work: Vec<*mut u8>,
    /// Objects this reconciliation may still free.
    pub(crate) free_budget: usize,
    /// Scratch list of the children a free left with count zero.
    pub(crate) zeroed: Vec<*mut u8>,
    /// Traversal stack of the cycle collector.
    pub(crate) stack: Vec<*mut u8>,
    /// Candidates of the current trial-deletion chunk.
    pub(crate) gray_roots: Vec<*mut u8>,
    /// White objects collected by the current chunk.
    pub(crate) whites: Vec<*mut u8>,
    /// Objects marked as roots during this reconciliation beyond the root
    /// snapshot (finalizable objects just queued): unmarked at its end.
    pub(crate) extra_roots: Vec<*mut u8>,
    /// Objects kept alive for their finalizer whose weak references must be cleared.
    pub(crate) doomed_weak_targets: Vec<*mut u8>,
    /// A freed or doomed object had weak references, or a weak-reference cell was freed.
    pub(crate) weak_dirty: bool,
    /// Finalizers were queued: the finalizable table must drop them.
    pub(crate) finalizable_dirty: bool,
    /// Live footprint at which the next cycle collection is due.
    pub(crate) cycle_trigger: u64,
    /// Live footprint when the last cycle collection finished.
    pub(crate) cycle_base: u64,
    /// ZCT entries the last reconciliation kept (zero-count roots): not new work.
    pub(crate) zct_kept: usize,
    /// Multiplier of the candidate threshold (1 ..= [`MAX_CYCLE_BACKOFF`]).
    pub(crate) cycle_backoff: u64,
    /// The cycle collection in progress (it may span several `rgc_step`s).
    pub(crate) pass: CyclePass,
    /// Most allocation between reconciliations (lowered when the nursery
    /// could not grow; see [`crate::tables`]).
    pub(crate) interval_cap: usize,
    /// What this collector did since `rgc_init` (`rgc_get_stats`).
    pub(crate) counts: Counts,
}

/// Refcount's own figures for `rgc_get_stats`.
#[derive(Default, Clone, Copy)]
pub(crate) struct Counts {
    pub(crate) freed_by_count: u64,
    pub(crate) freed_by_cycles: u64,
    pub(crate) reconciliations: u64,
    pub(crate) cycle_collections: u64,
    pub(crate) backup_traces: u64,
}

/// A cycle collection for a reconciliation to run.
#[derive(Clone, Copy)]
pub struct CycleRequest {
    /// Graying of ordinary candidates stops once `CLOCK_MONOTONIC` passes
    /// this (`u64::MAX`: never; the rest wait for the next collection).
    pub deadline: u64,
    /// Whether the ordinary candidates are processed (the young ones always are).
    pub full: bool,
}

/// What the full run of the cycle collection in progress (it may span
/// several `rgc_step`s) has done so far, to judge whether it was worth its
/// cost. Young runs are left out: each young candidate is processed once
/// whenever its run comes, so delaying them saves nothing.
#[derive(Default)]
pub(crate) struct CyclePass {
    pub(crate) running: bool,
    /// Objects the full run turned gray (each is traversed about three times).
    pub(crate) grayed: u64,
    /// Objects the full run freed.
    pub(crate) freed: u64,
}

impl Refcount {
    /// Which cycle collection is due, if any: `fraction` = 1 for due, 2 for
    /// half due. Ordinary candidates wait for their (backed-off) threshold
    /// or heap growth; young ones for their own threshold or heap growth.
    /// A young-only collection leaves the ordinary candidates waiting.
    pub(crate) fn cycles_due(&self, rt: &Runtime, fraction: u64, deadline: u64) -> Option<CycleRequest> {
        let limit = (rt.counters().live_objects / CANDIDATES_PER_LIVE).max(CANDIDATES_MIN as u64);
        let grown = rt.counters().live_footprint.saturating_sub(self.cycle_base);
        let grown = grown * fraction >= self.cycle_trigger - self.cycle_base;
        let (ordinary, young) = (self.candidates.len() as u64, self.young_candidates.len() as u64);
        let full = ordinary > 0 && (grown || ordinary * fraction >= limit * self.cycle_backoff);
        let young = young > 0 && (grown || young * fraction >= YOUNG_CANDIDATES_MAX as u64);
        (full || young).then_some(CycleRequest { deadline, full })
    }

    /// Called when a cycle collection has processed every candidate:
    /// backs the candidate threshold off if it freed little.
    pub(crate) fn finish_cycle_pass(&mut self) {
        self.cycle_backoff = if self.pass.freed * UNPRODUCTIVE_SHARE < self.pass.grayed {
            (self.cycle_backoff * 2).min(MAX_CYCLE_BACKOFF)
        } else {
            1
        };
        self.pass.running = false;
    }

    /// Sets the next cycle collection's heap trigger from the live heap now.
    pub(crate) fn set_cycle_trigger(&mut self, rt: &Runtime) {
        let live = rt.counters().live_footprint;
        // In usize: the live heap fits the address space, and on a 32-bit
        // board a u64 division would link a 1 KB routine for this one line.
        let growth = (live as usize / 100 * rt.config().growth_percent as usize) as u64;
        self.cycle_base = live;
        self.cycle_trigger = live + growth.max(rt.config().heap_initial as u64).max(BLOCK_SIZE as u64);
    }

    /// Allocation until the next reconciliation: a bounded interval, longer
    /// with many roots so that scanning them stays a small share.
    pub(crate) fn set_reconcile_interval(&mut self, rt: &mut Runtime) {
        let roots = self.prev_roots.len();
        rt.restart_allocation_count();
        rt.schedule_poll(
            RECONCILE_MIN_BYTES.max(roots.saturating_mul(RECONCILE_BYTES_PER_ROOT)).min(self.interval_cap),
        );
    }

    /// The nursery could not grow (region mode's table area is full): the
    /// next allocation runs a full collection, and reconciliations come
    /// sooner from now on, before the nursery fills up again.
    #[cold]
    pub(crate) fn tables_overflowed(&mut self, rt: &mut Runtime) {
        self.interval_cap = (rt.allocated_since_gc() / 4 * 3).max(BLOCK_SIZE);
        rt.schedule_poll(0);
    }

    /// Anything new for a reconciliation to examine?
    fn has_new_entries(&self) -> bool {
        self.zct.len() > self.zct_kept || !self.nursery.is_empty() || store_log::len() > 0
    }

    /// A full collection: reconcile and collect every cycle until nothing
    /// more is freed, trace if a count saturated, then give empty blocks back.
    pub fn full_collection(&mut self, rt: &mut Runtime) {
        loop {
            let before = self.counts.freed_by_count + self.counts.freed_by_cycles;
            self.reconcile(rt, Some(CycleRequest { deadline: u64::MAX, full: true }), usize::MAX);
            let freed = self.counts.freed_by_count + self.counts.freed_by_cycles - before;
            if freed == 0 && self.candidates.is_empty() && self.young_candidates.is_empty() {
                break;
            }
        }
        if store_barrier::sticky() || crate::tables::lost() {
            self.backup_trace(rt);
        }
        self.tidy_heap(rt);
        self.set_reconcile_interval(rt);
        if rt.config().verifying() {
            self.verify(rt, true);
        }
    }

    /// After a cycle collection: empty small blocks go back to the free
    /// pool (and beyond the next interval's needs, to the OS) once the heap
    /// holds a quarter more than the live data.
    pub(crate) fn tidy_heap(&mut self, rt: &mut Runtime) {
        self.set_cycle_trigger(rt);
        let live = rt.counters().live_footprint as usize;
        if rt.heap().heap_bytes() > live + live / 4 + 8 * BLOCK_SIZE {
            rt.heap_mut().rebuild_free_lists();
        }
        let keep = 2 * rt.poll_at().max(RECONCILE_MIN_BYTES);
        rt.heap_mut().release_free_blocks(keep);
    }
}

impl Plan for Refcount {
    /// Counts are updated by plain stores: one thread until refcount's
    /// own threading lands.
    const THREADS: gc_api::Threads = gc_api::Threads::Single;
    /// Its barrier does more than store.
    const PLAIN_STORES: bool = false;
    const NAME: &'static str = "refcount";
    const PRECISE: bool = true;
    /// Every new object is a zero-count-table entry, so each allocation is
    /// seen by the collector: no spans.
    const ALLOCATES_FROM_SPANS: bool = false;

    fn new(rt: &mut Runtime) -> Self {
        store_barrier::attach(rt);
        let mut rc = Refcount {
            zct: Vec::new(),
            nursery: Vec::new(),
            candidates: Vec::new(),
            young_candidates: Vec::new(),
            deferred: Vec::new(),
            prev_roots: Vec::new(),
            free_work: Vec::new(),
            free_budget: 0,
            zeroed: Vec::new(),
            stack: Vec::new(),
            gray_roots: Vec::new(),
            whites: Vec::new(),
            extra_roots: Vec::new(),
            doomed_weak_targets: Vec::new(),
            weak_dirty: false,
            finalizable_dirty: false,
            cycle_trigger: 0,
            cycle_base: 0,
            zct_kept: 0,
            cycle_backoff: 1,
            pass: CyclePass::default(),
            interval_cap: usize::MAX,
            counts: Counts::default(),
        };
        rc.set_cycle_trigger(rt);
        rc.set_reconcile_interval(rt);
        rc
    }

    fn collect(&mut self, rt: &mut Runtime) {
        self.full_collection(rt);
    }

    fn poll(&mut self, rt: &mut Runtime) {
        if rt.config().torture {
            return self.full_collection(rt);
        }
        if crate::tables::lost() {
            return self.full_collection(rt);
        }
        let cycles = self.cycles_due(rt, 1, u64::MAX);
        self.reconcile(rt, cycles, self.free_budget(rt));
    }

    fn alloc_failed(&mut self, rt: &mut Runtime, attempt: u32) -> bool {
        if attempt > 0 {
            return false;
        }
        self.full_collection(rt);
        true
    }

    #[inline]
    fn allocated(&mut self, rt: &mut Runtime, obj: *mut u8, req: &AllocRequest, footprint: usize) {
        self.track_new_object(rt, obj, req, footprint);
    }

    fn weakref_registered(&mut self, _rt: &mut Runtime, target: *mut u8) {
        if !target.is_null() {
            // SAFETY: rgc_weakref_new validated the target as a live object.
            unsafe { crate::word::set(target, crate::word::get(target) | crate::word::WEAK_TARGET) };
        }
    }

    /// Reconciles if anything new is listed, and collects cycles until the
    /// deadline if a cycle collection is at least half due.
    fn step(&mut self, rt: &mut Runtime, budget_ns: u64) -> bool {
        if rt.config().torture {
            self.full_collection(rt);
            return true;
        }
        let cycles = self.cycles_due(rt, 2, now_ns().saturating_add(budget_ns));
        if cycles.is_none() && !self.has_new_entries() {
            return false;
        }
        self.reconcile(rt, cycles, self.free_budget(rt));
        true
    }

    fn flush_store_log(&mut self, _rt: &mut Runtime) -> *mut *mut u8 {
        let zct = &mut self.zct;
        store_log::drain(|o| {
            crate::tables::note(zct, o);
        })
    }

    fn report(&self, stats: &mut gc_api::abi::RgcStats) {
        let c = self.counts;
        stats.freed_by_count = c.freed_by_count;
        stats.freed_by_cycles = c.freed_by_cycles;
        stats.reconciliations = c.reconciliations;
        stats.cycle_collections = c.cycle_collections;
        stats.backup_traces = c.backup_traces;
    }

    fn verify(&mut self, rt: &mut Runtime) {
        self.verify(rt, false);
    }

    #[inline]
    unsafe fn write_barrier(&mut self, rt: &mut Runtime, obj: *mut u8, slot: *mut *mut u8, value: *mut u8) {
        // SAFETY: forwarded contract.
        unsafe { self.store(rt, obj, slot, value) }
    }
}

impl Drop for Refcount {
    fn drop(&mut self) {
        store_barrier::detach();
    }
}
