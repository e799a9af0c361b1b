//! Checks of the counting invariants (`RGC_VERIFY=1`, `rgc_verify_heap`),
//! on top of the shared heap verifier. After every reconciliation:
//! - every count equals the number of heap pointer fields that refer to
//!   the object (saturated counts excepted): a pointer written without
//!   `RGC_STORE` shows up here;
//! - every object is black (the cycle collector left nothing gray or
//!   white), except the garbage awaiting its free, which is doomed with
//!   count zero;
//! - every object with count zero is listed (ZCT, nursery, store log) or
//!   was a root at the last reconciliation or awaits its finalizer, so it
//!   will be freed once unreachable (the candidate buffers do not count:
//!   they are processed only at cycle collections);
//! - each table flag matches its table: `LOGGED` objects are in the ZCT or
//!   the nursery, `BUFFERED` ones in the candidate buffer, `YOUNG` ones in
//!   the young-candidate buffer (a flag without its entry would, for
//!   example, keep an object from ever becoming a candidate again);
//! - the finalizable bit is set exactly for the objects in the finalizable table;
//! - the heap holds exactly the running live totals.
//!
//! After a full collection, additionally: a trace from the roots reaches
//! every object in the heap (nothing unreachable survived).

use crate::word::{self, BLACK, BUFFERED, DOOMED, FINALIZABLE, LOGGED, YOUNG};
use crate::Refcount;
use alloc::vec;
use alloc::vec::Vec;
use gc_api::fatal;
use gc_api::{msg, Message};
use gc_heap::object::{for_each_pointer, header};
use gc_heap::{store_log, Runtime};

struct Bitset(Vec<u64>);

impl Bitset {
    fn new(n: usize) -> Bitset {
        Bitset(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn get(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
}

impl Refcount {
    /// Runs the checks; a violation is fatal.
    pub(crate) fn verify(&mut self, rt: &mut Runtime, after_full_collection: bool) {
        let zct = &mut self.zct;
        store_log::drain(|o| {
            crate::tables::note(zct, o);
        });
        let result = gc_heap::verify::verify(rt, Some((rt.counters().live_objects, rt.counters().live_bytes)))
            .and_then(|()| self.check_counts(rt))
            .and_then(|()| if after_full_collection { check_all_reachable(rt) } else { Ok(()) });
        if let Err(msg) = result {
            fatal!("heap verifier", msg);
        }
    }

    fn check_counts(&self, rt: &Runtime) -> Result<(), Message> {
        if crate::tables::lost() {
            // Tables dropped entries (see `tables`): the flags and the
            // tables disagree until the backup trace that is due.
            return Ok(());
        }
        let heap = rt.heap();
        let n = heap.index_limit();
        // SAFETY (index calls below): arguments pass is_object.
        let index = |o: *mut u8| unsafe { heap.object_index(o) };
        let Some(mut refs) = gc_api::region::scratch(n, 0u32) else {
            gc_api::fatal::report(
                "heap verifier",
                &msg!("count check skipped: no room for its ", n, "-entry scratch table in the region's table area"),
            );
            return Ok(());
        };
        heap.for_each_object(|o| {
            // SAFETY: a live object; the shared verifier checked its type.
            let h = unsafe { header(o) };
            if h.bytes_len().is_some() {
                return;
            }
            if let Some(info) = rt.types().get(h.kind) {
                // SAFETY: as above.
                unsafe {
                    for_each_pointer(o, info, 0, |_, v| {
                        if !v.is_null() && heap.is_object(v) {
                            refs[index(v)] = refs[index(v)].saturating_add(1);
                        }
                    })
                };
            }
        });
        let set_of = |entries: &mut dyn Iterator<Item = &*mut u8>| {
            let mut set = Bitset::new(n);
            entries.filter(|&&e| heap.is_object(e)).for_each(|&e| set.set(index(e)));
            set
        };
        let logged = set_of(&mut self.zct.iter().chain(&self.nursery));
        let doomed = set_of(&mut self.free_work.iter());
        let listed = set_of(
            &mut self
                .zct
                .iter()
                .chain(&self.nursery)
                .chain(&self.prev_roots)
                .chain(rt.pending_finalizers())
                .chain(&self.free_work),
        );
        let flag_tables = [
            (LOGGED, "LOGGED", "zero-count table or nursery", logged),
            (BUFFERED, "BUFFERED", "candidate buffer", set_of(&mut self.candidates.iter())),
            (YOUNG, "YOUNG", "young-candidate buffer", set_of(&mut self.young_candidates.iter())),
        ];
        let mut finalizable = Bitset::new(n);
        for &o in rt.finalizable() {
            finalizable.set(index(o));
        }
        let mut error = None;
        heap.for_each_object(|o| {
            if error.is_some() {
                return;
            }
            // SAFETY: a live object.
            let (w, t) = unsafe { (word::get(o), header(o).type_id()) };
            let name = rt.types().get(t).map_or("?", |i| i.name.as_str());
            let (count, expected) = (word::count(w), refs[index(o)]);
            let object = || msg!("object ", o, " of type '", name, "'");
            error = if word::colour(w) != BLACK && !(word::colour(w) == DOOMED && doomed.get(index(o))) {
                Some(msg!(object(), " is not black outside the cycle collector"))
            } else if doomed.get(index(o)) && (word::colour(w) != DOOMED || count != 0) {
                Some(msg!(object(), " awaits its free but is not doomed with count zero"))
            } else if !word::is_sticky(w) && count != expected {
                Some(msg!(
                    object(),
                    " has reference count ",
                    count,
                    " but ",
                    expected,
                    " heap pointer fields refer to it (a pointer written without RGC_STORE?)"
                ))
            } else if count == 0 && !listed.get(index(o)) {
                Some(msg!(object(), " has count 0 but no table lists it: it would never be freed"))
            } else if (w & FINALIZABLE != 0) != finalizable.get(index(o)) {
                Some(msg!(object(), ": finalizable bit and finalizer table disagree"))
            } else if let Some((_, flag, table, _)) =
                flag_tables.iter().find(|(bit, _, _, set)| w & bit != 0 && !set.get(index(o)))
            {
                Some(msg!(object(), " is flagged ", flag, " but the ", table, " does not list it"))
            } else {
                None
            };
        });
        error.map_or(Ok(()), Err)
    }
}

/// Traces from the roots and checks that it reaches every object in the heap.
fn check_all_reachable(rt: &mut Runtime) -> Result<(), Message> {
    rt.mark_roots();
    rt.mark_transitive();
    let reached = rt.marker().counts;
    rt.heap_mut().clear_marks();
    let c = rt.counters();
    if (reached.objects, reached.bytes) != (c.live_objects, c.live_bytes) {
        return Err(msg!(
            "after a full collection the heap holds ",
            c.live_objects,
            " objects / ",
            c.live_bytes,
            " bytes but only ",
            reached.objects,
            " / ",
            reached.bytes,
            " are reachable: garbage survived"
        ));
    }
    Ok(())
}
