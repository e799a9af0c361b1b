//! The backup trace: a full mark-sweep that also recounts every object.
//!
//! Counting cannot free an object whose count saturated (see
//! [`crate::word`]), and trial deletion cannot either. Once any count has
//! saturated, a full collection ends with this trace: the shared marker
//! finds the reachable objects, weak references and finalizers are
//! processed exactly as in marksweep, the sweep frees the rest, and every
//! survivor's count is rebuilt from the references of the other survivors
//! (saturating again where it still must). The counting tables restart from
//! the root snapshot the trace took.

use crate::reconcile::{for_each_child, list_in_zct};
use crate::store_barrier;
use crate::word::{self, PERMANENT_FLAGS};
use crate::Refcount;
use gc_api::event::Phase;
use gc_heap::{store_log, Runtime};

impl Refcount {
    pub(crate) fn backup_trace(&mut self, rt: &mut Runtime) {
        rt.events_mut().cycle += 1;
        rt.events_mut().start(Phase::Pause);
        store_log::drain(|_| {});
        self.zct.clear();
        self.nursery.clear();
        self.candidates.clear();
        self.young_candidates.clear();
        self.free_work.clear(); // unreachable: the sweep frees them
        self.pass.running = false;
        self.prev_roots.clear();
        let queued_from = rt.pending_finalizers().len();
        rt.mark_everything();
        rt.events_mut().start(Phase::Sweep);
        self.recount(rt, queued_from);
        rt.sweep();
        rt.events_mut().end(Phase::Sweep);
        for &o in rt.pending_finalizers().iter() {
            // SAFETY: queued objects are live (the trace kept them).
            unsafe { list_in_zct(&mut self.zct, o) };
        }
        self.prev_roots.extend(rt.root_snapshot().values.iter().copied().filter(|v| !v.is_null()));
        crate::tables::clear_lost();
        self.counts.backup_traces += 1;
        rt.count_collection();
        rt.events_mut().end(Phase::Pause);
    }

    /// Rebuilds the count of every marked object from the marked objects'
    /// fields; clears the table and colour bits. Objects queued for
    /// finalization by this trace (`pending_finalizers[queued_from..]`)
    /// lose their finalizable bit.
    fn recount(&mut self, rt: &mut Runtime, queued_from: usize) {
        let heap = rt.heap();
        heap.for_each_object(|o| {
            // SAFETY: for_each_object yields live objects.
            if unsafe { heap.is_marked(o) } {
                // SAFETY: as above.
                unsafe { word::set(o, word::get(o) & PERMANENT_FLAGS) };
            }
        });
        for &o in rt.pending_finalizers().iter().skip(queued_from) {
            // SAFETY: queued objects are marked, live objects.
            unsafe { word::set(o, word::get(o) & !word::FINALIZABLE) };
        }
        let mut saturated = false;
        heap.for_each_object(|o| {
            // SAFETY: as above; children of marked objects are marked objects.
            if unsafe { heap.is_marked(o) } {
                unsafe { for_each_child(rt, o, |c| saturated |= word::increment(c)) };
            }
        });
        store_barrier::set_sticky(saturated);
    }
}
