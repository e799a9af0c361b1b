//! Deferred reference counting: the zero-count table and its reconciliation.
//!
//! Counts cover heap-to-heap references only. Roots (shadow-stack slots,
//! global roots, temp roots, the finalizer queue) are not counted: the
//! program writes them with plain stores. So a count of zero means
//! "garbage unless a root holds it", which only a look at the roots can
//! settle. Every object that may be in that state is listed in the
//! zero-count table (ZCT): new objects (born with count zero, held by the
//! program) and objects a store decremented. A **reconciliation** settles
//! them all at once:
//!
//! 1. drain the store log into the ZCT;
//! 2. snapshot the roots and set the mark bit of each root object (mark
//!    bits mean "is a root" in this collector, and only during a
//!    reconciliation; each root is validated first);
//! 3. examine the previous reconciliation's roots that are roots no more:
//!    a count of zero is garbage, a non-zero count makes the object a
//!    candidate cycle root (it may have been the last outside reference to
//!    a cycle, and leaving the roots changed no count);
//! 4. examine the objects allocated since the last reconciliation (the
//!    nursery) and the ZCT: count zero and not a root → free; count zero and
//!    a root → stays listed; non-zero and not a root → candidate (for a new
//!    object a *young* one: this is how a cycle built and dropped by the
//!    program, whose counts never decreased, is found); otherwise dropped;
//! 5. optionally collect cycles ([`crate::cycles`]);
//! 6. clear weak references to freed objects, drop queued finalizable
//!    objects from the finalizable table, clear the root marks.
//!
//! **Invariant** (between reconciliations): every object with a count of
//! zero is listed in the nursery, the ZCT or the store log, or was a root
//! at the last reconciliation (`prev_roots`), or awaits its free
//! (`free_work`) or its finalizer. Hence an unreachable object with count
//! zero is found to be garbage at the next reconciliation, and so is
//! everything it alone referenced.
//!
//! **Freeing** is recursive through an explicit work list, never native
//! recursion: freeing a 10-million-element list visits it iteratively.
//! A child whose count drops to zero is freed too unless it is a root
//! (then it is listed in the ZCT); one whose count stays non-zero becomes a
//! cycle candidate. An object whose finalizer has not run is queued for
//! finalization instead of freed, exactly when marksweep would queue it.
//!
//! **Frees are not pauses.** A reconciliation frees at most its *free
//! budget* of objects (the `free_budget` knob, default 16384, or twice the objects
//! allocated since the last one, so freeing keeps up with allocation);
//! the garbage beyond it stays in `free_work`, colour [`DOOMED`], and each
//! allocation frees one of those objects first (its freed cell is then
//! usually the one reused). So dropping a structure of any size costs the
//! next reconciliation a bounded pause. Such a deferred free cannot see the
//! roots, so a child whose count drops to zero is listed in the ZCT for the
//! next reconciliation instead of being freed. A full collection
//! (`rgc_collect`, heap exhaustion, torture mode) has no budget.

use crate::plan::CycleRequest;
use crate::tables;
use crate::word::{self, ACYCLIC, BUFFERED, DOOMED, FINALIZABLE, LOGGED, WEAK_TARGET, YOUNG};
use crate::Refcount;
use alloc::vec::Vec;
use gc_api::event::Phase;
use gc_api::types::{FIRST_USER_TYPE, WEAKREF_TYPE};
use gc_api::AllocRequest;
use gc_heap::mark::{bad_pointer, Source};
use gc_heap::object::{for_each_pointer, header, object_bytes, object_bytes_of};
use gc_heap::{store_log, Runtime};

/// Calls `f` with each non-null pointer field value of `obj`, checking that
/// each is an object (fatal, naming the field, otherwise). Returns `obj`'s
/// requested size in bytes (what the live totals count), from the same
/// type lookup.
///
/// # Safety
/// `obj` is a live object.
#[inline]
pub(crate) unsafe fn for_each_child(rt: &Runtime, obj: *mut u8, mut f: impl FnMut(*mut u8)) -> usize {
    // SAFETY: caller contract.
    let h = unsafe { header(obj) };
    if let Some(len) = h.bytes_len() {
        return len;
    }
    let info = rt
        .types()
        .get(h.kind)
        .unwrap_or_else(|| gc_api::fatal::internal("a live object's header holds an unregistered type"));
    // SAFETY: caller contract: a live object of type `info`.
    let bytes = unsafe { object_bytes_of(obj, info) };
    if info.has_pointers() {
        // SAFETY: as above.
        unsafe {
            for_each_pointer(obj, info, 0, |offset, v| {
                if v.is_null() {
                    return;
                }
                if !rt.heap().is_object(v) {
                    bad_pointer(rt.types(), v, Source::Field { obj, offset });
                }
                f(v)
            })
        }
    }
    bytes
}

/// Whether `obj` has a non-null pointer field: one without cannot be on a
/// cycle now. (A new object with none is not made a young candidate: if it
/// later joins a garbage cycle, the references it had when reconciled must
/// go first, and each such loss makes it an ordinary candidate: a
/// decrement, or the free of the referrer, which decrements it.)
///
/// # Safety
/// `obj` is a live object.
unsafe fn has_child(rt: &Runtime, obj: *mut u8) -> bool {
    // SAFETY: caller contract.
    let h = unsafe { header(obj) };
    if h.bytes_len().is_some() {
        return false;
    }
    let Some(info) = rt.types().get(h.kind) else { return false };
    // SAFETY (reads): validated descriptors keep every pointer field inside the object.
    let set = |offset: usize| unsafe { !(obj.add(offset) as *const *mut u8).read().is_null() };
    if info.ptr_offsets.iter().any(|&o| set(o as usize)) {
        return true;
    }
    if !info.varsize || info.item_ptr_offsets.is_empty() {
        return false;
    }
    // SAFETY: caller contract: a live varsize object of type `info`.
    let len = unsafe { gc_heap::object::array_length(obj, info) };
    (0..len).any(|i| {
        let base = info.size as usize + i * info.item_size as usize;
        info.item_ptr_offsets.iter().any(|&o| set(base + o as usize))
    })
}

/// Lists `obj` (count zero, a root) in the ZCT unless the ZCT, the nursery
/// or the store log lists it already.
///
/// # Safety
/// `obj` is a live object.
#[inline]
pub(crate) unsafe fn list_in_zct(zct: &mut Vec<*mut u8>, obj: *mut u8) {
    // SAFETY: caller contract.
    let w = unsafe { word::get(obj) };
    if w & LOGGED == 0 {
        // SAFETY: caller contract.
        unsafe { word::set(obj, w | LOGGED) };
        tables::note(zct, obj);
    }
}

/// Makes `obj` a cycle candidate unless it is one already or its type
/// cannot form cycles. A young candidate becomes an ordinary one (its
/// young entry is then dropped).
///
/// # Safety
/// `obj` is a live object.
#[inline]
pub(crate) unsafe fn add_candidate(candidates: &mut Vec<*mut u8>, obj: *mut u8) {
    // SAFETY: caller contract.
    let w = unsafe { word::get(obj) };
    if w & (ACYCLIC | BUFFERED) == 0 {
        // SAFETY: caller contract.
        unsafe { word::set(obj, (w | BUFFERED) & !YOUNG) };
        tables::note(candidates, obj);
    }
}

impl Refcount {
    /// Bookkeeping for a new object: its initial word, its ZCT entry, the
    /// live totals (this collector knows the live heap at every moment).
    #[inline]
    pub(crate) fn track_new_object(&mut self, rt: &mut Runtime, obj: *mut u8, req: &AllocRequest, footprint: usize) {
        // Byte buffers and weak-reference cells have no traced field and no finalizer.
        let info = (req.type_id >= FIRST_USER_TYPE).then(|| rt.types().get(req.type_id)).flatten();
        let mut w = LOGGED;
        if !info.is_some_and(|t| t.has_pointers()) {
            w |= ACYCLIC;
        }
        if info.is_some_and(|t| t.finalizer.is_some()) {
            w |= FINALIZABLE;
        }
        // SAFETY: obj was just allocated.
        unsafe { word::set(obj, w) };
        if !tables::note(&mut self.nursery, obj) {
            self.tables_overflowed(rt);
        }
        rt.count_live(true, req.bytes, footprint);
        if !self.free_work.is_empty() {
            self.free_one_deferred(rt);
        }
    }

    /// Frees one object a reconciliation's budget left (see "Frees are not pauses").
    #[inline(never)]
    fn free_one_deferred(&mut self, rt: &mut Runtime) {
        if let Some(o) = self.free_work.pop() {
            self.free_doomed(rt, o, false);
        }
    }

    /// The free budget of a reconciliation that is not part of a full collection.
    pub(crate) fn free_budget(&self, rt: &Runtime) -> usize {
        rt.config().free_budget.max(2 * self.nursery.len())
    }

    /// One reconciliation (steps 1-6 of the module doc), one pause, with
    /// the cycle collection `cycles` asks for, if any, freeing at most
    /// `free_budget` objects (see "Frees are not pauses").
    pub fn reconcile(&mut self, rt: &mut Runtime, cycles: Option<CycleRequest>, free_budget: usize) {
        self.free_budget = free_budget;
        rt.events_mut().cycle += 1;
        rt.events_mut().start(Phase::Pause);
        rt.events_mut().start(Phase::Reconcile);
        let zct = &mut self.zct;
        store_log::drain(|o| {
            tables::note(zct, o);
        });
        self.mark_roots(rt);
        self.examine_former_roots(rt);
        self.examine_nursery(rt);
        self.examine_zct(rt);
        self.drain_free_work(rt);
        rt.events_mut().end(Phase::Reconcile);
        let mut full_collection_done = false;
        if let Some(request) = cycles {
            if !self.candidates.is_empty() || !self.young_candidates.is_empty() {
                rt.events_mut().start(Phase::Cycles);
                let done = self.collect_cycles(rt, request);
                rt.events_mut().end(Phase::Cycles);
                if done {
                    self.counts.cycle_collections += 1;
                    full_collection_done = request.full;
                }
            }
        }
        self.finish_reconciliation(rt);
        if full_collection_done {
            self.tidy_heap(rt);
        }
        self.end_pause(rt);
    }

    fn end_pause(&mut self, rt: &mut Runtime) {
        self.counts.reconciliations += 1;
        rt.count_collection();
        self.set_reconcile_interval(rt);
        rt.events_mut().end(Phase::Pause);
        if rt.config().verifying() {
            self.verify(rt, false);
        }
    }

    /// Step 2: snapshot, validate and mark the roots.
    fn mark_roots(&mut self, rt: &mut Runtime) {
        rt.snapshot_roots();
        for i in 0..rt.root_snapshot().values.len() {
            let v = rt.root_snapshot().values[i];
            if v.is_null() {
                continue;
            }
            if !rt.heap().is_object(v) {
                bad_pointer(rt.types(), v, rt.root_snapshot().source(i));
            }
            // SAFETY: validated just above.
            unsafe { rt.heap_mut().mark(v) };
        }
    }

    /// Step 3. Entries are objects: nothing has been freed since they were
    /// roots, except by this loop (hence the check).
    fn examine_former_roots(&mut self, rt: &mut Runtime) {
        let prev = core::mem::take(&mut self.prev_roots);
        for &x in &prev {
            // SAFETY: checked to be an object first.
            if !rt.heap().is_object(x) || unsafe { rt.heap().is_marked(x) } {
                continue;
            }
            // SAFETY: an object (checked above).
            let w = unsafe { word::get(x) };
            if w & LOGGED != 0 {
                continue; // the ZCT or the nursery lists it: examined there
            }
            if word::count(w) == 0 {
                self.free_garbage(rt, x);
            } else {
                // SAFETY: an object.
                unsafe { add_candidate(&mut self.candidates, x) };
            }
        }
        self.prev_roots = prev;
    }

    /// Step 4 for the objects allocated since the last reconciliation.
    /// One that is not a root but has a count is referenced from the heap:
    /// live, or part of a garbage structure the program built and dropped
    /// without ever decrementing a count. It becomes a *young* candidate,
    /// whose trial deletion stays among young candidates ([`crate::cycles`]).
    fn examine_nursery(&mut self, rt: &mut Runtime) {
        let mut nursery = core::mem::take(&mut self.nursery);
        for &y in &nursery {
            self.examine_entry(rt, y, true);
        }
        nursery.clear();
        self.nursery = nursery;
    }

    /// Step 4.
    fn examine_zct(&mut self, rt: &mut Runtime) {
        let entries = core::mem::take(&mut self.zct);
        for &z in &entries {
            self.examine_entry(rt, z, false);
        }
        // Keep the (larger) buffer for the next round, with the kept entries.
        let mut entries = entries;
        entries.clear();
        entries.append(&mut self.zct);
        self.zct = entries;
        self.zct_kept = self.zct.len();
    }

    /// Examines one listed object and drops its entry: count zero and not a
    /// root → freed; count zero and a root → listed again; otherwise, not a
    /// root → a candidate (a young one if `new`).
    fn examine_entry(&mut self, rt: &mut Runtime, o: *mut u8, new: bool) {
        if !rt.heap().is_object(o) {
            return; // freed since it was listed
        }
        // SAFETY: an object (checked above).
        let w = unsafe { word::get(o) } & !LOGGED;
        // SAFETY: as above.
        unsafe { word::set(o, w) };
        // SAFETY: as above.
        let root = unsafe { rt.heap().is_marked(o) };
        if word::count(w) == 0 {
            if root {
                // SAFETY: as above.
                unsafe { list_in_zct(&mut self.zct, o) };
            } else {
                self.free_garbage(rt, o);
            }
        } else if !root && !new {
            // SAFETY: as above.
            unsafe { add_candidate(&mut self.candidates, o) };
        } else if !root && w & (ACYCLIC | BUFFERED | YOUNG) == 0 && unsafe { has_child(rt, o) } {
            // SAFETY: as above.
            unsafe { word::set(o, w | YOUNG) };
            tables::note(&mut self.young_candidates, o);
        }
    }

    /// `x` (count zero, not a root) is garbage: frees it and, recursively,
    /// what only it held, within this reconciliation's free budget; the
    /// rest waits in `free_work` (see [`Refcount::doom`]).
    pub(crate) fn free_garbage(&mut self, rt: &mut Runtime, x: *mut u8) {
        self.doom(rt, x);
        self.drain_free_work(rt);
    }

    /// Frees doomed objects while this reconciliation's budget lasts.
    pub(crate) fn drain_free_work(&mut self, rt: &mut Runtime) {
        while self.free_budget > 0 {
            let Some(o) = self.free_work.pop() else { break };
            self.free_budget -= 1;
            self.free_doomed(rt, o, true);
        }
    }

    /// Schedules garbage `o` (count zero, not a root; during a
    /// reconciliation) to be freed. What needs the root marks or must
    /// happen before any allocation is done now: a finalizable object is
    /// queued instead; a weak-reference cell is freed at once (the weak
    /// table forgets freed cells at the end of this reconciliation, before
    /// a cell can be reused); weak references to `o` are cleared at the
    /// end of this reconciliation, so `rgc_weakref_get` can never return
    /// it. Anything else turns [`DOOMED`] (once: a second call is a no-op)
    /// and joins `free_work`, to be freed within the free budget or, one
    /// per allocation, later ([`Refcount::free_doomed`]).
    pub(crate) fn doom(&mut self, rt: &mut Runtime, o: *mut u8) {
        // SAFETY: o is a live object.
        let w = unsafe { word::get(o) };
        // SAFETY: as above. A marked object is a root, or was queued for
        // finalization by this reconciliation (listed already, either way).
        if word::colour(w) == DOOMED || unsafe { rt.heap().is_marked(o) } {
            return;
        }
        if w & FINALIZABLE != 0 {
            return self.queue_finalizer(rt, o);
        }
        // SAFETY: as above.
        if unsafe { header(o) }.type_id() == WEAKREF_TYPE {
            self.release(rt, o, w);
            self.counts.freed_by_count += 1;
            return;
        }
        if w & WEAK_TARGET != 0 {
            self.doomed_weak_targets.push(o);
            self.weak_dirty = true;
        }
        // SAFETY: as above.
        unsafe { word::set(o, word::with_colour(w, DOOMED)) };
        tables::note(&mut self.free_work, o);
    }

    /// Frees doomed `o`. Its children lose a reference: one left with a
    /// count becomes a cycle candidate; one left with none is garbage if
    /// it is not a root, which only a reconciliation can tell
    /// (`in_reconciliation`: roots are marked); otherwise it is listed in
    /// the ZCT, for the next one to settle.
    pub(crate) fn free_doomed(&mut self, rt: &mut Runtime, o: *mut u8, in_reconciliation: bool) {
        let Refcount { zct, candidates, zeroed, free_work, .. } = self;
        // SAFETY: doomed objects are live until freed here; so are their children.
        let bytes = unsafe {
            for_each_child(rt, o, |c| match word::decrement(c) {
                Some(v) if word::count(v) == 0 => {
                    if !in_reconciliation || rt.heap().is_marked(c) {
                        list_in_zct(zct, c);
                    } else if v & (FINALIZABLE | WEAK_TARGET) == 0 && header(c).kind != WEAKREF_TYPE {
                        // `doom`'s common case, inline: its count was not zero
                        // before, so it is not doomed yet.
                        word::set(c, word::with_colour(v, DOOMED));
                        tables::note(free_work, c);
                    } else {
                        tables::note(zeroed, c);
                    }
                }
                Some(_) => add_candidate(candidates, c),
                None => {}
            })
        };
        // SAFETY: as above.
        self.release_sized(rt, o, unsafe { word::get(o) }, bytes);
        self.counts.freed_by_count += 1;
        while let Some(c) = self.zeroed.pop() {
            self.doom(rt, c);
        }
    }

    /// Returns `o`'s cell to the heap and updates the live totals.
    pub(crate) fn release(&mut self, rt: &mut Runtime, o: *mut u8, w: u32) {
        // SAFETY: o is a live object about to be freed.
        let bytes = unsafe { object_bytes(o, rt.types()) };
        self.release_sized(rt, o, w, bytes);
    }

    /// [`Refcount::release`] for a caller that knows `o`'s requested size.
    fn release_sized(&mut self, rt: &mut Runtime, o: *mut u8, w: u32, bytes: usize) {
        // SAFETY: o is a live object about to be freed.
        if w & WEAK_TARGET != 0 || unsafe { header(o) }.type_id() == WEAKREF_TYPE {
            self.weak_dirty = true;
        }
        // SAFETY: nothing refers to o any more (its count is zero or it is
        // garbage), and no sweep runs in this collector.
        let footprint = unsafe { rt.heap_mut().free_object(o) };
        rt.count_live(false, bytes, footprint);
    }

    /// Queues `o`'s finalizer instead of freeing it. `o` (and what it
    /// references) stays; it is a root from now on (marked for the rest of
    /// this reconciliation) and is listed in the ZCT, so it is examined again
    /// once its finalizer has run. Weak references to it are cleared first,
    /// as marksweep clears them before finalization can revive the target.
    pub(crate) fn queue_finalizer(&mut self, rt: &mut Runtime, o: *mut u8) {
        // SAFETY: o is a live object.
        let w = unsafe { word::get(o) } & !FINALIZABLE;
        // SAFETY: as above.
        unsafe { word::set(o, w) };
        if w & WEAK_TARGET != 0 {
            self.doomed_weak_targets.push(o);
            self.weak_dirty = true;
        }
        self.finalizable_dirty = true;
        rt.queue_finalizer(o);
        // SAFETY: as above.
        if unsafe { rt.heap_mut().mark(o) } {
            self.extra_roots.push(o);
        }
        // SAFETY: as above.
        unsafe { list_in_zct(&mut self.zct, o) };
    }

    /// Step 6.
    fn finish_reconciliation(&mut self, rt: &mut Runtime) {
        if self.weak_dirty {
            self.clear_weakrefs(rt);
        }
        if self.finalizable_dirty {
            self.finalizable_dirty = false;
            // SAFETY: listed objects are never freed before they are queued,
            // and queued ones stay alive until their finalizer has run.
            rt.retain_finalizable(|&o| unsafe { word::get(o) } & FINALIZABLE != 0);
        }
        self.prev_roots.clear();
        for i in 0..rt.root_snapshot().values.len() {
            let v = rt.root_snapshot().values[i];
            if !v.is_null() {
                // SAFETY: validated when marked; roots are never freed.
                unsafe { rt.heap_mut().unmark(v) };
                tables::note(&mut self.prev_roots, v);
            }
        }
        for &o in &self.extra_roots {
            // SAFETY: queued objects stay alive.
            unsafe { rt.heap_mut().unmark(o) };
        }
        self.extra_roots.clear();
    }

    /// Clears weak references whose target was freed or queued for
    /// finalization, and forgets freed weak-reference cells. No object has
    /// been allocated since the frees, so a freed cell is not an object.
    fn clear_weakrefs(&mut self, rt: &mut Runtime) {
        self.weak_dirty = false;
        sort_addresses(&mut self.doomed_weak_targets);
        let doomed = &self.doomed_weak_targets;
        let mut cleared = 0;
        rt.retain_weakrefs(|heap, cell| {
            if !heap.is_object(cell) {
                return false;
            }
            let slot = cell as *mut *mut u8;
            // SAFETY: a live weak-reference cell; slot 0 is its target.
            let target = unsafe { *slot };
            if !target.is_null() && (!heap.is_object(target) || doomed.binary_search(&target).is_ok()) {
                // SAFETY: as above.
                unsafe { *slot = core::ptr::null_mut() };
                cleared += 1;
            }
            true
        });
        rt.count_weakrefs_cleared(cleared);
        self.doomed_weak_targets.clear();
    }
}

/// Sorts addresses ascending with a heapsort: O(n log n) with no
/// allocation, in about 150 bytes of code, where `sort_unstable` brings
/// 2.5 KB of sorting networks and quicksort into a board's image for
/// lists that hold a handful of weak-reference targets.
fn sort_addresses(v: &mut [*mut u8]) {
    fn sift_down(v: &mut [*mut u8], mut root: usize, end: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= end {
                return;
            }
            if child + 1 < end && v[child] < v[child + 1] {
                child += 1;
            }
            if v[root] >= v[child] {
                return;
            }
            v.swap(root, child);
            root = child;
        }
    }
    let n = v.len();
    for root in (0..n / 2).rev() {
        sift_down(v, root, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::sort_addresses;
    use alloc::vec::Vec;

    #[test]
    fn sort_addresses_agrees_with_the_standard_sort() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in (0..40).chain([100, 257, 1000]) {
            let mut v: Vec<*mut u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    // Few distinct values, so duplicates are common too.
                    ((seed % 64) * 8) as usize as *mut u8
                })
                .collect();
            let mut expected = v.clone();
            expected.sort_unstable();
            sort_addresses(&mut v);
            assert_eq!(v, expected, "length {len}");
        }
    }
}
