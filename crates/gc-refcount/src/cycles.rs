//! Cycle collection: synchronous trial deletion (Bacon and Rajan, 2001).
//!
//! Counting alone never frees a garbage cycle: each member keeps the next
//! one's count above zero. A garbage cycle becomes garbage when its last
//! outside reference goes, and that event makes some object a *candidate*:
//! a decrement that left a non-zero count, or an object that left the
//! roots, or a new object that was not a root when it was reconciled
//! ([`crate::reconcile`]). Trial deletion over a set of candidates:
//!
//! 1. **mark gray** everything reachable from the candidates, subtracting
//!    one from a child's count for every edge from a gray object: afterwards
//!    a gray object's count is the number of references from outside the
//!    gray subgraph;
//! 2. **scan**: a gray object with a count above zero, or that is a root
//!    (mark bit set; roots are not counted), is live: it and everything it
//!    reaches turn black again with their counts restored; the rest turn
//!    white;
//! 3. **collect white**: white objects are referenced only by white
//!    objects, so they are garbage. Weak references to them are cleared;
//!    those whose finalizer has not run are revived (with everything they
//!    reach, counts restored) and queued, exactly as marksweep treats
//!    unreachable finalizable objects; the others are freed. Their
//!    references to live objects were already subtracted in step 1.
//!
//! One run grays all candidates together, so each object is traversed a
//! bounded number of times per run however many candidates reach it (a
//! run per candidate would traverse a shared live structure once per
//! candidate: quadratic on a long list). `rgc_step` slices by candidates:
//! graying stops at the step's deadline (checked every [`CYCLE_CHUNK`]
//! candidates) and the rest wait for the next step; scanning and
//! collecting what was grayed then finish, costing about what graying
//! did. A cycle is found from any one of its members, so splitting the
//! candidates never loses one. The cost of a run is what its candidates
//! reach, not a bound on a pause.
//!
//! **Young candidates.** A new object that is referenced from the heap but
//! is not a root when first reconciled, and has a pointer field set, must
//! be a candidate (a cycle built and dropped by the program changes no
//! count; one with no pointer set is on no cycle yet, and losing the
//! references it had then would make it an ordinary candidate), yet most such objects
//! are just live new data hanging off old structures: trial deletion from
//! them would traverse those structures (a control loop's whole sample
//! history, every time). So they get a second, restricted run after the
//! full one: it grays, scans and restores only along edges between young
//! candidates, treating every other object as an outside reference. A
//! garbage cycle made only of new objects is made only of young
//! candidates, so the restricted run finds it; one that includes an older
//! object also needs that object to lose its outside references, which
//! makes it an ordinary candidate (a decrement, or leaving the roots), and
//! the full run finds the cycle from it. A young object freed by the
//! restricted run still counts as a reference for its older children
//! (those edges were never subtracted): their counts are decremented
//! afterwards, as if freed by counting. Young candidates are all
//! processed in every run (the restricted run is bounded by their
//! number), and lose their flag then.
//!
//! All traversals use explicit stacks. Every object is [`BLACK`] outside a
//! run. Saturated counts are never changed, so objects holding one stay
//! black: they are left to the backup trace.

use crate::plan::{CyclePass, CycleRequest, CYCLE_CHUNK};
use crate::reconcile::{add_candidate, for_each_child, list_in_zct};
use crate::word::{self, colour, with_colour, BLACK, BUFFERED, DOOMED, FINALIZABLE, GRAY, WEAK_TARGET, WHITE, YOUNG};
use crate::Refcount;
use alloc::vec::Vec;
use gc_api::platform::now_ns;
use gc_heap::Runtime;

/// Which edges a trial-deletion run follows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Edges {
    /// Every pointer field.
    All,
    /// From a young candidate to a young candidate only.
    Young,
}

impl Edges {
    /// The flag that marks a valid entry of this run's candidate list: an
    /// entry whose object lacks it is stale (the object was freed and its
    /// cell reused, or it moved to the other list).
    fn listed_flag(self) -> u32 {
        match self {
            Edges::All => BUFFERED,
            Edges::Young => YOUNG,
        }
    }

    /// Whether the edge `from -> to` takes part in this run.
    ///
    /// # Safety
    /// Both are live objects.
    #[inline]
    unsafe fn follows(self, from: *mut u8, to: *mut u8) -> bool {
        // SAFETY: caller contract.
        self == Edges::All || unsafe { word::get(from) & word::get(to) & YOUNG != 0 }
    }
}

/// Calls `f` with each child of `o` along the edges `edges` follows.
///
/// # Safety
/// `o` is a live object.
#[inline]
unsafe fn for_each_edge(rt: &Runtime, o: *mut u8, edges: Edges, mut f: impl FnMut(*mut u8)) {
    // SAFETY: caller contract; children are validated by for_each_child.
    unsafe {
        if edges == Edges::Young && word::get(o) & YOUNG == 0 {
            return;
        }
        for_each_child(rt, o, |t| {
            if edges.follows(o, t) {
                f(t)
            }
        });
    }
}

impl Refcount {
    /// One cycle collection: if `request.full`, the full run over the
    /// ordinary candidates, graying them until the clock passes
    /// `request.deadline` (the rest wait for the next collection); then the
    /// restricted run over all young candidates. True when the collection
    /// is complete (no ordinary candidate is left, or none was asked for).
    /// Must run inside a reconciliation (roots marked).
    pub(crate) fn collect_cycles(&mut self, rt: &mut Runtime, request: CycleRequest) -> bool {
        if request.full {
            if !self.pass.running {
                self.pass = CyclePass { running: true, ..CyclePass::default() };
            }
            let mut full = core::mem::take(&mut self.candidates);
            let freed_before = self.counts.freed_by_cycles;
            self.trial_deletion(rt, &mut full, Edges::All, request.deadline);
            self.pass.freed += self.counts.freed_by_cycles - freed_before;
            full.clear();
            full.append(&mut self.candidates);
            self.candidates = full;
        }
        let mut young = core::mem::take(&mut self.young_candidates);
        self.trial_deletion(rt, &mut young, Edges::Young, u64::MAX);
        young.clear();
        self.young_candidates = young;
        if !request.full {
            return true;
        }
        let done = self.candidates.is_empty();
        if done {
            self.finish_cycle_pass();
        }
        done
    }

    /// Steps 1-3 over `list` (emptied; what is left for later goes back to
    /// `self.candidates`).
    fn trial_deletion(&mut self, rt: &mut Runtime, list: &mut Vec<*mut u8>, edges: Edges, deadline: u64) {
        let roots = self.settle(rt, list, edges);
        let mut grayed = roots.len();
        for (i, &s) in roots.iter().enumerate() {
            // SAFETY: settled candidates are live objects (nothing was freed since).
            if colour(unsafe { word::get(s) }) == BLACK {
                self.mark_gray(rt, s, edges);
            }
            if deadline != u64::MAX && i % CYCLE_CHUNK == CYCLE_CHUNK - 1 && now_ns() >= deadline {
                grayed = i + 1;
                break;
            }
        }
        for &s in &roots[grayed..] {
            // SAFETY: as above: left for the next run, listed again.
            unsafe { add_candidate(&mut self.candidates, s) };
        }
        for &s in &roots[..grayed] {
            self.scan(rt, s, edges);
        }
        for &s in &roots[..grayed] {
            self.collect_white(rt, s, edges);
        }
        self.reclaim_whites(rt, edges);
        if edges == Edges::Young {
            for &s in &roots {
                if rt.heap().is_object(s) {
                    // SAFETY: an object.
                    unsafe { word::set(s, word::get(s) & !YOUNG) };
                }
            }
        }
        self.settle_deferred(rt);
        let mut roots = roots;
        roots.clear();
        self.gray_roots = roots;
    }

    /// Moves every entry of `list` that still needs trial deletion to the
    /// returned list, dropping the others: stale ones, roots (live for now;
    /// they are examined again when they leave the roots), saturated ones
    /// (left to the backup trace). A candidate with count zero (freeing
    /// other candidates below can make one) is plain garbage and is freed
    /// here, before anything turns gray: a free during graying could drop
    /// a gray object's count to zero. Entries of the full run lose
    /// `BUFFERED` here; young ones keep `YOUNG` until the end of their run,
    /// since the run's edges are defined by it.
    fn settle(&mut self, rt: &mut Runtime, list: &mut Vec<*mut u8>, edges: Edges) -> Vec<*mut u8> {
        let mut roots = core::mem::take(&mut self.gray_roots);
        roots.clear();
        while let Some(s) = list.pop() {
            // SAFETY: is_object is checked first.
            if !rt.heap().is_object(s) || unsafe { word::get(s) } & edges.listed_flag() == 0 {
                continue; // stale: freed since it was listed, or listed again elsewhere
            }
            // SAFETY: an object (checked above); this entry is dropped now.
            let w = unsafe { word::get(s) } & !BUFFERED;
            // SAFETY: as above.
            unsafe { word::set(s, w) };
            // SAFETY: as above.
            if unsafe { rt.heap().is_marked(s) } || word::is_sticky(w) {
                // SAFETY: as above.
                unsafe { word::set(s, w & !YOUNG) };
                continue;
            }
            if word::count(w) == 0 {
                // SAFETY: as above.
                unsafe { word::set(s, w & !YOUNG) };
                self.free_garbage(rt, s); // may add candidates: popped in turn if full
                if edges == Edges::All {
                    list.append(&mut self.candidates);
                }
            } else {
                // Dropping a root loses at most the cycles through it.
                crate::tables::note(&mut roots, s);
            }
        }
        // Frees above may have freed or zeroed earlier entries.
        let mut zeroed = core::mem::take(&mut self.zeroed);
        roots.retain(|&s| {
            // SAFETY: is_object is checked first.
            let keep = rt.heap().is_object(s) && word::count(unsafe { word::get(s) }) > 0;
            if !keep && rt.heap().is_object(s) {
                // SAFETY: as above. It has count zero now: list it again.
                unsafe {
                    word::set(s, word::get(s) & !YOUNG);
                    if rt.heap().is_marked(s) {
                        list_in_zct(&mut self.zct, s);
                    } else {
                        crate::tables::note(&mut zeroed, s);
                    }
                }
            }
            keep
        });
        for &s in &zeroed {
            self.doom(rt, s);
        }
        zeroed.clear();
        self.zeroed = zeroed;
        self.drain_free_work(rt);
        roots
    }

    /// Step 1 from `s`.
    fn mark_gray(&mut self, rt: &Runtime, s: *mut u8, edges: Edges) {
        // SAFETY: s is a live object; so is every child (checked by for_each_child).
        unsafe { word::set(s, with_colour(word::get(s), GRAY)) };
        self.stack.push(s);
        while let Some(o) = self.stack.pop() {
            self.pass.grayed += (edges == Edges::All) as u64;
            let stack = &mut self.stack;
            // SAFETY: as above.
            unsafe {
                for_each_edge(rt, o, edges, |t| {
                    let mut w = word::get(t);
                    if !word::is_sticky(w) {
                        if word::count(w) == 0 {
                            word::underflow(t);
                        }
                        w -= word::ONE;
                    }
                    if colour(w) != GRAY {
                        w = with_colour(w, GRAY);
                        stack.push(t);
                    }
                    word::set(t, w);
                })
            };
        }
    }

    /// Step 2 from `s`.
    fn scan(&mut self, rt: &Runtime, s: *mut u8, edges: Edges) {
        self.stack.push(s);
        while let Some(o) = self.stack.pop() {
            // SAFETY: stack entries are live objects.
            let w = unsafe { word::get(o) };
            if colour(w) != GRAY {
                continue;
            }
            // SAFETY: as above.
            if word::count(w) > 0 || unsafe { rt.heap().is_marked(o) } {
                self.scan_black(rt, o, edges);
            } else {
                // SAFETY: as above.
                unsafe { word::set(o, with_colour(w, WHITE)) };
                let stack = &mut self.stack;
                // SAFETY: as above.
                unsafe { for_each_edge(rt, o, edges, |t| stack.push(t)) };
            }
        }
    }

    /// Turns `s` and every non-black object it reaches black, restoring the
    /// counts step 1 subtracted along the way. Uses its own stack (`whites`
    /// is empty until step 3), since `scan`'s is in use.
    fn scan_black(&mut self, rt: &Runtime, s: *mut u8, edges: Edges) {
        let stack = &mut self.whites;
        debug_assert!(stack.is_empty());
        // SAFETY: s is a live object; children are checked by for_each_child.
        unsafe { word::set(s, with_colour(word::get(s), BLACK)) };
        stack.push(s);
        while let Some(o) = stack.pop() {
            // SAFETY: as above.
            unsafe { restore_children(rt, o, edges, |t| stack.push(t)) };
        }
    }

    /// Step 3, collecting: the white objects reachable from `s` become
    /// [`DOOMED`] and are listed in `whites`.
    fn collect_white(&mut self, rt: &Runtime, s: *mut u8, edges: Edges) {
        self.stack.push(s);
        while let Some(o) = self.stack.pop() {
            // SAFETY: stack entries are live objects.
            let w = unsafe { word::get(o) };
            if colour(w) != WHITE {
                continue;
            }
            // SAFETY: as above.
            unsafe { word::set(o, with_colour(w, DOOMED)) };
            self.whites.push(o);
            let stack = &mut self.stack;
            // SAFETY: as above.
            unsafe { for_each_edge(rt, o, edges, |t| stack.push(t)) };
        }
    }

    /// Step 3, reclaiming: finalizable garbage is revived and queued, weak
    /// references to the garbage are cleared, the rest is freed. In the
    /// young run, a freed object's edges to objects outside the run were
    /// never subtracted: those children are decremented here. Surviving
    /// children of freed objects are examined again afterwards.
    fn reclaim_whites(&mut self, rt: &mut Runtime, edges: Edges) {
        let whites = core::mem::take(&mut self.whites);
        // SAFETY: white objects are live.
        if edges == Edges::Young && whites.iter().any(|&o| unsafe { word::get(o) } & FINALIZABLE != 0) {
            return self.defer_to_full_run(rt, whites);
        }
        for &o in &whites {
            // SAFETY: white objects are live until freed below.
            let w = unsafe { word::get(o) };
            if w & FINALIZABLE != 0 {
                if colour(w) == DOOMED {
                    self.revive(rt, o, edges);
                }
                self.queue_finalizer(rt, o);
            }
        }
        // Before any is freed (children are validated as objects): what the
        // garbage referenced and survives lost references. Edges the run did
        // not follow (young run) are decremented now; all such children are
        // examined again (settle_deferred), since a split run may have kept
        // one alive only because of garbage found later.
        for &o in &whites {
            // SAFETY: as above.
            if colour(unsafe { word::get(o) }) != DOOMED {
                continue;
            }
            let deferred = &mut self.deferred;
            // SAFETY: as above; children are validated.
            unsafe {
                for_each_child(rt, o, |c| {
                    if colour(word::get(c)) == DOOMED {
                        return;
                    }
                    if edges.follows(o, c) || word::decrement(c).is_some() {
                        deferred.push(c);
                    }
                })
            };
        }
        for &o in &whites {
            // SAFETY: as above.
            let w = unsafe { word::get(o) };
            if colour(w) == DOOMED {
                self.release(rt, o, w);
                self.counts.freed_by_cycles += 1;
            } else if w & WEAK_TARGET != 0 {
                // Revived for a finalizer: not strongly reachable, so weak
                // references to it are cleared all the same.
                self.doomed_weak_targets.push(o);
                self.weak_dirty = true;
            }
        }
        let mut whites = whites;
        whites.clear();
        self.whites = whites;
    }

    /// Garbage with a finalizer found by the young run: marksweep would keep
    /// everything it reaches for the finalizer and clear weak references to
    /// all of that, but the young run does not know what the garbage holds
    /// outside the young candidates. So the whole lot is revived (counts
    /// restored) and becomes ordinary candidates, for a full run to settle
    /// (`rgc_collect` runs one at once).
    fn defer_to_full_run(&mut self, rt: &mut Runtime, mut whites: Vec<*mut u8>) {
        for &o in &whites {
            // SAFETY: white objects are live.
            if colour(unsafe { word::get(o) }) == DOOMED {
                self.revive(rt, o, Edges::Young);
            }
        }
        for &o in &whites {
            // SAFETY: as above.
            unsafe { add_candidate(&mut self.candidates, o) };
        }
        whites.clear();
        self.whites = whites;
    }

    /// Surviving children of freed garbage: freed if their count is zero
    /// and they are not roots, else listed like any decremented object.
    fn settle_deferred(&mut self, rt: &mut Runtime) {
        while let Some(c) = self.deferred.pop() {
            if !rt.heap().is_object(c) {
                continue;
            }
            // SAFETY: an object (checked above).
            unsafe {
                if word::count(word::get(c)) > 0 {
                    add_candidate(&mut self.candidates, c);
                } else if rt.heap().is_marked(c) {
                    list_in_zct(&mut self.zct, c);
                } else {
                    self.free_garbage(rt, c);
                }
            }
        }
    }

    /// Turns doomed `s` and the doomed objects it reaches black, restoring
    /// the counts of their references (they stay alive for a finalizer).
    fn revive(&mut self, rt: &Runtime, s: *mut u8, edges: Edges) {
        // SAFETY: s is a live object.
        unsafe { word::set(s, with_colour(word::get(s), BLACK)) };
        self.stack.push(s);
        while let Some(o) = self.stack.pop() {
            let stack = &mut self.stack;
            // SAFETY: as above; restore_children only pushes objects it turned black.
            unsafe { restore_children(rt, o, edges, |t| stack.push(t)) };
        }
    }
}

/// Adds back one count along each edge `edges` follows from `o` and turns
/// the non-black children black, calling `push` for each (to be processed
/// the same way).
///
/// # Safety
/// `o` is a live object.
unsafe fn restore_children(rt: &Runtime, o: *mut u8, edges: Edges, mut push: impl FnMut(*mut u8)) {
    // SAFETY: caller contract; children are checked by for_each_child.
    unsafe {
        for_each_edge(rt, o, edges, |t| {
            let mut w = word::get(t);
            if !word::is_sticky(w) {
                w += word::ONE;
            }
            if colour(w) != BLACK {
                w = with_colour(w, BLACK);
                push(t);
            }
            word::set(t, w);
        })
    };
}
