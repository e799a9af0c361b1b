//! Parallel marking for a stop-the-world mark: the collecting thread and
//! up to `RGC_MARKERS - 1` helper threads drain the grey objects together
//! (hosted builds only; a board marks alone).
//!
//! ## How work moves
//! Each marker keeps what it finds on its own segmented stack, as a marker
//! alone does ([`Marker`]), with its own prefetch ring and counts. Beside
//! it each has a *public* work-stealing deque (`crossbeam-deque`): every
//! [`OFFER_EVERY`] entries scanned, a marker whose public deque is empty,
//! while some marker is idle, moves up to [`OFFER_BATCH`] of its *oldest*
//! entries there (nearest the roots, so likely the largest subgraphs); its
//! only entry too, when its prefetch ring holds work it keeps (walking a
//! list, the stack is one entry deep and the work is in the ring).
//! A marker whose stack runs dry pops its own public deque, then steals a
//! batch from another's. Arrays are scanned [`crate::mark::ARRAY_CHUNK`]
//! items per entry, so one large array is shared like many objects.
//!
//! ## What may race
//! Only mark bits: two markers may reach the same object, so every marker
//! sets bits with an atomic `fetch_or` ([`Sharing::ATOMIC`]) while the
//! mark runs in parallel. Objects and the rest of the heap's metadata are
//! only read (the world is stopped). Each marker's stack, ring and counts
//! are its own; the counts are added up at the end.
//!
//! ## When it ends
//! [`termination`] has the argument; [`crew`] the hand-off that lets the
//! collecting thread return while no helper still looks at the mark. Both
//! protocols are model-checked (`tests/loom_marking.rs`).
//!
//! ## When it runs
//! The collecting thread first marks alone for [`SOLO_NS`], unless the
//! last mark took longer: most collections of a small heap end before
//! helpers would pay for their wake-up. Torture mode skips that, so its
//! tiny collections exercise the parallel path.
//! A mark stack that overflowed (only when memory for a segment is
//! refused) is left to the sequential drain that follows, which rescans.

mod crew;
mod sync;
mod termination;

use crate::mark::{Entry, MarkCounts, MarkStack, Marker, Sharing};
use crate::view::{Found, MarkView};
use alloc::vec::Vec;
use crossbeam_deque::{Steal, Stealer, Worker};
use crossbeam_utils::Backoff;
use gc_api::types::TypeTable;
use std::sync::Mutex;
use termination::Termination;

/// Entries a marker scans between two looks at whether it should offer work.
const OFFER_EVERY: u32 = 32;
/// Most entries a marker moves to its public deque at once.
const OFFER_BATCH: usize = 16;
/// How long the collecting thread marks alone before it wakes the helpers,
/// unless the previous mark took longer than this (then at once: live data
/// changes slowly, so the last mark predicts the next). On GCBench-like
/// trees (marks of about 0.5 ms), waking helpers after 8192 units (20–50
/// µs), or after 100 or 300 µs, made the pauses 10–25 % longer in total
/// than marking alone: small marks pay more for atomic mark bits and the
/// helpers' wake-up than a second core gives back.
pub const SOLO_NS: u64 = 1_000_000;
/// Units marked between two looks at the clock while marking alone.
pub const SOLO_CHUNK_UNITS: usize = 4096;

/// The helper threads and each marker's state, kept between collections
/// (the threads sleep meanwhile). Owned by the runtime; used by whichever
/// thread collects, under the collector lock.
pub struct Markers {
    crew: crew::Crew,
    /// The collecting thread's public deque; its stealer is `stealers[0]`.
    own: Worker<Entry>,
    /// Helper `i`'s state at `helpers[i - 1]`: locked by helper `i` for a
    /// whole job, so uncontended.
    helpers: Vec<Mutex<HelperLane>>,
    /// Every marker's public deque, as the others steal from it
    /// (`stealers[i]` is marker `i`'s; 0 is the collecting thread).
    stealers: Vec<Stealer<Entry>>,
}

/// One helper's marker and public deque.
struct HelperLane {
    marker: Marker,
    public: Worker<Entry>,
}

// SAFETY: a helper lane's marker holds pointers to heap objects; it is
// used by one helper at a time (under its mutex), only during a
// stop-the-world mark, when every marker may read every object.
unsafe impl Send for HelperLane {}

/// What helpers marked, added up as each leaves.
#[derive(Default)]
struct Totals {
    counts: MarkCounts,
    units: u64,
    overflowed: bool,
}

/// Heap access shared by the markers of one job.
struct Shared<'a> {
    view: MarkView<'a>,
    types: &'a TypeTable,
}

// SAFETY: during a job every marker marks atomically and only reads the
// rest of the heap and the type table, which nobody writes (the world is
// stopped, and the collecting thread is inside the job).
unsafe impl Sync for Shared<'_> {}

impl Markers {
    /// Starts `helpers` helper threads (fewer if the system refuses some).
    pub fn new(helpers: usize) -> Markers {
        let crew = crew::Crew::new(helpers, "rgc-marker");
        let own = Worker::new_fifo();
        let mut stealers = alloc::vec![own.stealer()];
        let helpers = (0..crew.helpers())
            .map(|_| {
                let public = Worker::new_fifo();
                stealers.push(public.stealer());
                Mutex::new(HelperLane { marker: Marker::default(), public })
            })
            .collect();
        Markers { crew, own, helpers, stealers }
    }

    /// Whether the helper threads belong to the parent of this (forked)
    /// process: then this value must be forgotten, not used or dropped.
    pub fn inherited(&self) -> bool {
        self.crew.inherited()
    }

    /// Markers taking part, the collecting thread included.
    pub fn participants(&self) -> usize {
        self.stealers.len()
    }

    /// Drains `marker` (the collecting thread's, holding the roots' work)
    /// together with every helper that wakes in time, and adds what the
    /// helpers marked to its counts. On return no marker holds work, except
    /// that `marker` may have an overflow to rescan: the caller finishes
    /// with a sequential [`Marker::drain`].
    ///
    /// # Safety
    /// The world is stopped: nothing but this mark writes the heap, and
    /// `view` is the heap's only view.
    pub unsafe fn drain(&self, marker: &mut Marker, view: &mut MarkView, types: &TypeTable) {
        let termination = Termination::new(1);
        let totals = Mutex::new(Totals::default());
        // SAFETY: every marker of this job marks with `ParallelLane`
        // (atomic), and the caller rules out other writers.
        let shared = &Shared { view: unsafe { view.share() }, types };
        let (helpers, stealers) = (&self.helpers, &self.stealers[..]);
        let job = |id: usize| {
            let mut lane = helpers[id - 1].lock().unwrap_or_else(|e| e.into_inner());
            let HelperLane { marker, public } = &mut *lane;
            marker.reset();
            let mut sharing = ParallelLane::new(public, stealers, id, &termination);
            termination.join();
            let backoff = Backoff::new();
            let first = termination.wait_for_work(|| sharing.steal(), || sharing.any_work(), || backoff.snooze());
            if let Some(first) = first {
                marker.push_entry(first);
                // SAFETY: as for `shared` above.
                let mut view = unsafe { shared.view.share() };
                marker.drain_with(&mut view, shared.types, usize::MAX, &mut sharing);
            }
            let mut t = totals.lock().unwrap_or_else(|e| e.into_inner());
            t.counts.add(&marker.counts);
            t.units += marker.units;
            t.overflowed |= marker.grey_is_partial();
        };
        self.crew.run(&job, || {
            let mut sharing = ParallelLane::new(&self.own, stealers, 0, &termination);
            marker.drain_with(view, types, usize::MAX, &mut sharing);
        });
        debug_assert!(self.stealers.iter().all(Stealer::is_empty), "a deque kept work past termination");
        let t = totals.into_inner().unwrap_or_else(|e| e.into_inner());
        marker.absorb(&t.counts, t.units, t.overflowed);
    }
}

/// One marker's part in a parallel mark: the [`Sharing`] of its drain.
struct ParallelLane<'a> {
    public: &'a Worker<Entry>,
    stealers: &'a [Stealer<Entry>],
    /// This marker's index in `stealers`.
    me: usize,
    termination: &'a Termination,
    /// Entries left to scan before the next look at offering work.
    countdown: u32,
    backoff: Backoff,
}

impl<'a> ParallelLane<'a> {
    fn new(
        public: &'a Worker<Entry>,
        stealers: &'a [Stealer<Entry>],
        me: usize,
        termination: &'a Termination,
    ) -> ParallelLane<'a> {
        ParallelLane { public, stealers, me, termination, countdown: OFFER_EVERY, backoff: Backoff::new() }
    }

    /// Takes a batch from another marker's public deque into this one's,
    /// and one entry of it; the others are tried in turn from the next.
    fn steal(&self) -> Option<Entry> {
        let n = self.stealers.len();
        loop {
            let mut retry = false;
            for k in 1..n {
                match self.stealers[(self.me + k) % n].steal_batch_and_pop(self.public) {
                    Steal::Success(e) => return Some(e),
                    Steal::Retry => retry = true,
                    Steal::Empty => {}
                }
            }
            if !retry {
                return None;
            }
        }
    }

    /// Whether another marker's public deque has work.
    fn any_work(&self) -> bool {
        self.stealers.iter().enumerate().any(|(i, s)| i != self.me && !s.is_empty())
    }

    /// Moves some of `stack`'s oldest entries to the public deque, if it
    /// is empty and some marker is idle. The stack's only entry goes too
    /// when `ring` holds work this marker keeps: walking a list, or a large
    /// array whose continuation is popped whenever the stack runs dry, a
    /// marker's stack is one entry deep, and a helper would otherwise get
    /// nothing for the whole walk.
    #[cold]
    #[inline(never)]
    fn offer_now(&mut self, stack: &mut MarkStack, ring: &[Found]) {
        if self.termination.someone_is_hungry() && self.public.is_empty() {
            let len = stack.len();
            let keeps = len > 1 || (len == 1 && ring.iter().any(|f| !f.obj.is_null()));
            if keeps {
                stack.take_oldest(OFFER_BATCH.min(len.div_ceil(2)), |e| self.public.push(e));
            }
        }
    }
}

impl Sharing for ParallelLane<'_> {
    const ATOMIC: bool = true;

    fn refill(&mut self) -> Option<Entry> {
        let (public, backoff) = (self.public, &self.backoff);
        backoff.reset();
        self.termination.out_of_work(|| public.pop(), || self.steal(), || self.any_work(), || backoff.snooze())
    }

    #[inline(always)]
    fn offer(&mut self, stack: &mut MarkStack, ring: &[Found]) {
        self.countdown -= 1;
        if self.countdown == 0 {
            self.countdown = OFFER_EVERY;
            self.offer_now(stack, ring);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mark::tests::{heap_of, words};
    use crate::Heap;

    /// A graph where markers meet: `n` three-word nodes, each pointing at
    /// two pseudo-random others (so most nodes have several parents), and a
    /// hub whose words point at every 7th node (one large object, shared
    /// out in chunks). Returns the hub and the nodes; a few stay unreachable.
    fn tangled_graph(heap: &mut Heap, n: usize) -> (*mut usize, Vec<*mut usize>) {
        let nodes: Vec<*mut usize> = (0..n).map(|_| words(heap, 3)).collect();
        let mut x = 12345u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as usize
        };
        for &node in &nodes {
            // Children only among the first 90 %: the rest is reachable
            // only from the hub, or not at all.
            let (a, b) = (nodes[next() % (n * 9 / 10)], nodes[next() % (n * 9 / 10)]);
            // SAFETY: three-word objects of this heap.
            unsafe {
                *node = a as usize;
                *node.add(1) = b as usize + 8; // an interior pointer
                *node.add(2) = 42;
            }
        }
        let hub = words(heap, n / 7);
        for i in 0..n / 7 {
            // SAFETY: the hub has n / 7 words.
            unsafe { *hub.add(i) = nodes[i * 7] as usize };
        }
        (hub, nodes)
    }

    /// Marks from `hub` alone, or with `helpers` helper threads; returns
    /// the marked nodes and what the marker counted.
    fn mark_from(heap: &mut Heap, hub: *mut usize, nodes: &[*mut usize], helpers: usize) -> (Vec<bool>, MarkCounts) {
        let types = TypeTable::new();
        heap.clear_marks();
        let mut marker = Marker::default();
        marker.visit_ambiguous(heap, &types, hub as usize);
        if helpers > 0 {
            let markers = Markers::new(helpers);
            assert_eq!(markers.participants(), helpers + 1, "helper threads started");
            // SAFETY: the heap is this test's alone; the view is its only one.
            unsafe { markers.drain(&mut marker, &mut heap.mark_view(), &types) };
        }
        assert!(marker.drain(heap, &types, usize::MAX));
        // SAFETY: objects of this heap.
        let marked = nodes.iter().map(|&o| unsafe { heap.is_marked(o.cast()) }).collect();
        (marked, marker.counts)
    }

    /// Parallel marking marks exactly what a marker alone marks, and
    /// counts each object once, whatever the number of helpers.
    #[test]
    fn parallel_marking_marks_and_counts_exactly_what_one_marker_does() {
        const NODES: usize = if cfg!(miri) { 300 } else { 60_000 };
        let (mut heap, _buf) = heap_of(if cfg!(miri) { 16 } else { 512 });
        let (hub, nodes) = tangled_graph(&mut heap, NODES);
        let (alone, alone_counts) = mark_from(&mut heap, hub, &nodes, 0);
        assert!(alone.iter().any(|&m| !m), "the graph has unreachable nodes");
        for helpers in [1, 3] {
            for round in 0..if cfg!(miri) { 1 } else { 5 } {
                let (marked, counts) = mark_from(&mut heap, hub, &nodes, helpers);
                assert!(marked == alone, "{helpers} helpers, round {round}: marked a different set");
                assert_eq!(counts, alone_counts, "{helpers} helpers, round {round}: counts differ");
            }
        }
        drop(heap);
    }

    /// A marker shares its oldest entries, and what is left is still a stack.
    #[test]
    fn take_oldest_removes_from_the_bottom() {
        let mut marker = Marker::default();
        let entry = |i: usize| Entry::new((i * 16) as *mut u8, i);
        for i in 0..3000 {
            marker.push_entry(entry(i));
        }
        let mut taken = Vec::new();
        marker.stack_mut().take_oldest(5, |e| taken.push(e.next_item()));
        assert_eq!(taken, [0, 1, 2, 3, 4]);
        assert_eq!(marker.stack_mut().len(), 2995);
        let rest: Vec<usize> = marker.grey().map(|(_, item)| item).collect();
        assert_eq!(rest, (5..3000).collect::<Vec<_>>(), "the order of the rest is kept");
    }
}
