//! The colour invariant as a runnable check (`RGC_VERIFY=1`, `rgc_verify_heap`).
//!
//! Colours: *black* = marked and scanned, *grey* = marked and on the mark
//! stack (or a root-snapshot entry not yet marked), *white* = unmarked.
//! The check computes, from the heap as it is now:
//! - the *protected* set: white objects reachable from a grey object (or a
//!   pending snapshot entry) through white objects only;
//! - every object reachable from the current roots;
//!
//! and requires, by phase (see the crate doc for why each holds):
//! - `Roots`, `Mark`: every reachable object is black, grey or protected;
//! - `Weak` to `PruneWeak`: every reachable object is marked;
//! - `Sweep`: every reachable object the sweeper has not reached is marked;
//! - `Idle`: no mark bit is set.

use crate::phase::CyclePhase;
use alloc::vec::Vec;
use gc_api::types::BYTES_TYPE;
use gc_api::{msg, Message};
use gc_heap::object::{for_each_pointer, header};
use gc_heap::{Heap, Runtime};

/// The verifier's scratch memory ran out. In region mode its work lists
/// and object sets come from the table area, which is sized for the
/// collector, not for a heap-sized traversal: the check is then skipped
/// (and says so), never turned into a fatal error.
struct OutOfScratch;

/// A set of objects as a bitmap over [`Heap::object_index`].
struct ObjectSet(Vec<u64>);

impl ObjectSet {
    fn new(heap: &Heap) -> Result<ObjectSet, OutOfScratch> {
        gc_api::region::scratch(heap.index_limit().div_ceil(64), 0u64).map(ObjectSet).ok_or(OutOfScratch)
    }
    /// Adds `obj`; true if it was not there.
    fn insert(&mut self, heap: &Heap, obj: *mut u8) -> bool {
        // SAFETY: callers pass objects (checked with is_object).
        let i = unsafe { heap.object_index(obj) };
        let (w, bit) = (i / 64, 1u64 << (i % 64));
        let fresh = self.0[w] & bit == 0;
        self.0[w] |= bit;
        fresh
    }
    fn contains(&self, heap: &Heap, obj: *mut u8) -> bool {
        // SAFETY: as in insert.
        let i = unsafe { heap.object_index(obj) };
        self.0[i / 64] & (1u64 << (i % 64)) != 0
    }
}

/// Calls `f` with each pointer field value of `obj` from item `first_item`.
fn children(rt: &Runtime, obj: *mut u8, first_item: usize, mut f: impl FnMut(*mut u8)) {
    // SAFETY: callers pass live objects; their headers hold registered types.
    let t = unsafe { header(obj) }.type_id();
    if t == BYTES_TYPE {
        return;
    }
    let Some(info) = rt.types().get(t) else { return };
    // SAFETY: a live object of type `info`.
    unsafe { for_each_pointer(obj, info, first_item, |_, v| f(v)) };
}

/// A work list whose growth may fail (see [`OutOfScratch`]).
struct WorkList<T> {
    items: Vec<T>,
    out_of_scratch: bool,
}

impl<T> WorkList<T> {
    fn new() -> Self {
        WorkList { items: Vec::new(), out_of_scratch: false }
    }
    fn push(&mut self, v: T) {
        if self.items.len() == self.items.capacity() && !gc_api::region::try_reserve(&mut self.items, 64) {
            self.out_of_scratch = true;
            return;
        }
        self.items.push(v);
    }
    fn pop(&mut self) -> Result<Option<T>, OutOfScratch> {
        if self.out_of_scratch {
            return Err(OutOfScratch);
        }
        Ok(self.items.pop())
    }
}

fn is_live_object(rt: &Runtime, v: *mut u8) -> bool {
    !v.is_null() && rt.heap().is_object(v)
}

/// Checks the invariant for `phase`; returns the first violation.
pub fn check_colours(rt: &Runtime, phase: CyclePhase) -> Result<(), Message> {
    if let CyclePhase::Idle = phase {
        return rt.heap().check_structure(true);
    }
    check_reachable_colours(rt, phase).unwrap_or_else(|OutOfScratch| {
        // Said once: under torture mode the verifier runs at every allocation.
        static SAID: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);
        if !SAID.swap(true, core::sync::atomic::Ordering::Relaxed) {
            gc_api::fatal::report(
                "heap verifier",
                &msg!(
                    "colour check skipped (phase ",
                    phase.name(),
                    ", and later ones like it): no room for its work lists in the region's table area"
                ),
            );
        }
        Ok(())
    })
}

fn check_reachable_colours(rt: &Runtime, phase: CyclePhase) -> Result<Result<(), Message>, OutOfScratch> {
    let heap = rt.heap();
    // SAFETY (is_marked calls below): applied to objects only.
    let marked = |o: *mut u8| unsafe { heap.is_marked(o) };
    let mut protected = ObjectSet::new(heap)?;
    if phase.is_marking() {
        let mut work: WorkList<*mut u8> = WorkList::new();
        for (grey, first_item) in rt.marker().grey() {
            children(rt, grey, first_item, |v| work.push(v));
        }
        if rt.marker().grey_is_partial() {
            // The mark stack overflowed: any marked object may still be
            // grey, waiting for the marker's rescan of the heap.
            heap.for_each_object(|o| {
                if marked(o) {
                    children(rt, o, 0, |v| work.push(v));
                }
            });
        }
        if let CyclePhase::Roots { next } = phase {
            rt.root_snapshot().values[next.min(rt.root_snapshot().values.len())..].iter().for_each(|&v| work.push(v));
        }
        while let Some(o) = work.pop()? {
            if is_live_object(rt, o) && !marked(o) && protected.insert(heap, o) {
                children(rt, o, 0, |v| work.push(v));
            }
        }
    }
    let mut seen = ObjectSet::new(heap)?;
    let mut work: WorkList<(*mut u8, &'static str)> = WorkList::new();
    // SAFETY: the world is stopped (`Gc` settles, and so stops it, before
    // the verifier): no shadow stack changes while we read.
    unsafe { shadowstack::for_each_root(|slot| work.push((*slot, "a shadow-stack slot"))) };
    // SAFETY: the world is stopped, as above.
    unsafe { rt.global_values() }.for_each(|v| work.push((v, "a global root")));
    rt.temp_roots().iter().for_each(|&v| work.push((v, "a temp root")));
    rt.pending_finalizers().iter().for_each(|&v| work.push((v, "the finalizer queue")));
    while let Some((o, from)) = work.pop()? {
        if !is_live_object(rt, o) || !seen.insert(heap, o) {
            continue;
        }
        let ok = if phase.is_marking() {
            marked(o) || protected.contains(heap, o)
        } else if phase.is_marked_through() {
            marked(o)
        } else {
            !heap.awaiting_sweep(o) || marked(o)
        };
        if !ok {
            let t = rt.object_type(o).unwrap_or(0);
            let name = rt.types().get(t).map(|i| i.name.as_str()).unwrap_or("?");
            return Ok(Err(msg!(
                "colour invariant broken in phase ",
                phase.name(),
                ": object ",
                o,
                " of type '",
                name,
                "', reachable from ",
                from,
                ", is white and no grey object reaches it through white objects (a store missed the write barrier?)"
            )));
        }
        children(rt, o, 0, |v| work.push((v, "the heap")));
    }
    Ok(Ok(()))
}
