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
//! All traversals use explicit stacks. Every object is [`BLACK`] outside a
//! chunk. Saturated counts are never changed, so objects holding one stay
//! black: they are left to the backup trace.

use crate::plan::CYCLE_CHUNK;
use crate::reconcile::for_each_child;
use crate::word::{self, colour, with_colour, BLACK, DOOMED, FINALIZABLE, GRAY, LOGGED, WEAK_TARGET, WHITE};
use crate::Refcount;
use gc_api::clock::now_ns;
use gc_heap::Runtime;

impl Refcount {
    /// One trial-deletion run (steps 1-3) over the candidates, graying
    /// them until the clock passes `deadline` (`u64::MAX`: all of them);
    /// the rest wait for the next run. True when no candidate is left.
    /// Must run inside a reconciliation (roots marked).
    pub(crate) fn collect_cycles(&mut self, rt: &mut Runtime, deadline: u64) -> bool {
        self.settle_candidates(rt);
        let roots = core::mem::take(&mut self.gray_roots);
        let mut grayed = 0;
        for (i, &s) in roots.iter().enumerate() {
            // SAFETY: settled candidates are live objects (nothing was freed since).
            if colour(unsafe { word::get(s) }) == BLACK {
                self.mark_gray(rt, s);
            }
            grayed = i + 1;
            if deadline != u64::MAX && i % CYCLE_CHUNK == CYCLE_CHUNK - 1 && now_ns() >= deadline {
                break;
            }
        }
        for &s in &roots[grayed..] {
            // SAFETY: as above: left for the next run, listed again.
            unsafe { crate::reconcile::add_candidate(&mut self.candidates, s) };
        }
        for &s in &roots[..grayed] {
            self.scan(rt, s);
        }
        for &s in &roots[..grayed] {
            self.collect_white(rt, s);
        }
        self.reclaim_whites(rt);
        let mut roots = roots;
        roots.clear();
        self.gray_roots = roots;
        self.candidates.is_empty()
    }

    /// Moves every candidate that still needs trial deletion to
    /// `gray_roots`, dropping the others: freed ones, roots (live for now;
    /// they are examined again when they leave the roots), saturated ones
    /// (left to the backup trace). A candidate whose count dropped to zero
    /// meanwhile (the barrier does not log a listed object twice) is plain
    /// garbage and is freed here, before anything turns gray: a free
    /// during graying could drop a gray object's count to zero.
    fn settle_candidates(&mut self, rt: &mut Runtime) {
        self.gray_roots.clear();
        while let Some(s) = self.candidates.pop() {
            if !rt.heap.is_object(s) {
                continue; // freed since it was listed
            }
            // SAFETY: an object (checked above); this entry is dropped now.
            let w = unsafe { word::get(s) } & !LOGGED;
            // SAFETY: as above.
            unsafe { word::set(s, w) };
            // SAFETY: as above.
            if unsafe { rt.heap.is_marked(s) } || word::is_sticky(w) {
                continue;
            }
            if word::count(w) == 0 {
                self.free_garbage(rt, s); // may add candidates: popped in turn
            } else {
                self.gray_roots.push(s);
            }
        }
        // Frees above may have freed or zeroed earlier entries.
        self.gray_roots.retain(|&s| {
            // SAFETY: is_object is checked first.
            rt.heap.is_object(s) && word::count(unsafe { word::get(s) }) > 0
        });
    }

    /// Step 1 from `s`.
    fn mark_gray(&mut self, rt: &Runtime, s: *mut u8) {
        // SAFETY: s is a live object; so is every child (checked by for_each_child).
        unsafe { word::set(s, with_colour(word::get(s), GRAY)) };
        self.stack.push(s);
        while let Some(o) = self.stack.pop() {
            let stack = &mut self.stack;
            // SAFETY: as above.
            unsafe {
                for_each_child(rt, o, |t| {
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
    fn scan(&mut self, rt: &Runtime, s: *mut u8) {
        self.stack.push(s);
        while let Some(o) = self.stack.pop() {
            // SAFETY: stack entries are live objects.
            let w = unsafe { word::get(o) };
            if colour(w) != GRAY {
                continue;
            }
            // SAFETY: as above.
            if word::count(w) > 0 || unsafe { rt.heap.is_marked(o) } {
                self.scan_black(rt, o);
            } else {
                // SAFETY: as above.
                unsafe { word::set(o, with_colour(w, WHITE)) };
                let stack = &mut self.stack;
                // SAFETY: as above.
                unsafe { for_each_child(rt, o, |t| stack.push(t)) };
            }
        }
    }

    /// Turns `s` and every non-black object it reaches black, restoring the
    /// counts step 1 subtracted along the way. Uses its own stack (`whites`
    /// is empty until step 3), since `scan`'s is in use.
    fn scan_black(&mut self, rt: &Runtime, s: *mut u8) {
        let stack = &mut self.whites;
        debug_assert!(stack.is_empty());
        // SAFETY: s is a live object; children are checked by for_each_child.
        unsafe { word::set(s, with_colour(word::get(s), BLACK)) };
        stack.push(s);
        while let Some(o) = stack.pop() {
            // SAFETY: as above.
            unsafe { restore_children(rt, o, |t| stack.push(t)) };
        }
    }

    /// Step 3, collecting: the white objects reachable from `s` become
    /// [`DOOMED`] and are listed in `whites`.
    fn collect_white(&mut self, rt: &Runtime, s: *mut u8) {
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
            unsafe { for_each_child(rt, o, |t| stack.push(t)) };
        }
    }

    /// Step 3, reclaiming: finalizable garbage is revived and queued, weak
    /// references to the garbage are cleared, the rest is freed.
    fn reclaim_whites(&mut self, rt: &mut Runtime) {
        let whites = core::mem::take(&mut self.whites);
        for &o in &whites {
            // SAFETY: white objects are live until freed below.
            let w = unsafe { word::get(o) };
            if w & FINALIZABLE != 0 {
                if colour(w) == DOOMED {
                    self.revive(rt, o);
                }
                self.queue_finalizer(rt, o);
            }
        }
        for &o in &whites {
            // SAFETY: as above.
            let w = unsafe { word::get(o) };
            if colour(w) == DOOMED {
                self.release(rt, o, w);
                rt.counters.freed_by_cycles += 1;
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

    /// Turns doomed `s` and the doomed objects it reaches black, restoring
    /// the counts of their references (they stay alive for a finalizer).
    fn revive(&mut self, rt: &Runtime, s: *mut u8) {
        // SAFETY: s is a live object.
        unsafe { word::set(s, with_colour(word::get(s), BLACK)) };
        self.stack.push(s);
        while let Some(o) = self.stack.pop() {
            let stack = &mut self.stack;
            // SAFETY: as above; restore_children only pushes objects it turned black.
            unsafe { restore_children(rt, o, |t| stack.push(t)) };
        }
    }
}

/// Adds back one count to each child of `o` and turns the non-black ones
/// black, calling `push` for each (to be processed the same way).
///
/// # Safety
/// `o` is a live object.
unsafe fn restore_children(rt: &Runtime, o: *mut u8, mut push: impl FnMut(*mut u8)) {
    // SAFETY: caller contract; children are checked by for_each_child.
    unsafe {
        for_each_child(rt, o, |t| {
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
