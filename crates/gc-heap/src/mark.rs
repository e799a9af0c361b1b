//! The marker: an explicit mark stack, so marking depth never touches the
//! native stack (a 10-million-element list marks like any other graph).
//!
//! Arrays are scanned [`ARRAY_CHUNK`] items at a time: after each chunk the
//! array goes back on the stack with the index to resume from, so the stack
//! holds at most one continuation per array being scanned plus the children
//! of one chunk, and an incremental collector can stop between chunks.
//!
//! Untyped `<words>` objects (the Boehm API's `GC_malloc`) have no pointer
//! map: every aligned word is an *ambiguous* pointer, kept only if it points
//! into an allocated object ([`Marker::visit_ambiguous`]), and they are
//! scanned [`WORDS_CHUNK`] words at a time like arrays.
//!
//! Work is counted in *units*: one unit per pointer slot (or word) examined.
//! `drain` takes a unit budget so incremental plans can bound an increment.
//!
//! Inside `drain`, an object found through a field or word is marked at
//! once but *queued* (its header read, counted, pushed) only after
//! [`PREFETCH_RING`] more marks, with a prefetch of its header issued at
//! marking time: the header read is the cache miss that dominated marking
//! (GCBench's mark time halved). `drain` empties the ring before it
//! returns, so between calls every marked object is counted and, if it
//! holds pointers, on the stack; the stack is the only grey set.
//!
//! All heap access while draining goes through one [`MarkView`], whose
//! addresses the compiler keeps in registers.

use crate::heap::Heap;
use crate::layout::HEADER;
use crate::object::{array_length, header};
use crate::view::{Found, MarkView};
use alloc::vec::Vec;
use gc_api::fatal;
use gc_api::types::TypeTable;

/// Items of an array scanned per mark-stack entry.
pub const ARRAY_CHUNK: usize = 256;
/// Words of a `<words>` object scanned per mark-stack entry.
pub const WORDS_CHUNK: usize = 2048;

#[derive(Clone, Copy)]
struct Entry {
    obj: *mut u8,
    /// 0: scan the fixed part and the first chunk; n > 0: resume items (or
    /// the words of a `<words>` object) at n.
    next_item: usize,
}

/// Entries per mark-stack segment (64 KiB).
const SEGMENT: usize = 4096;

/// A stack in fixed-size segments: a push never copies the stack (a
/// growing `Vec` would copy megabytes inside one increment). Pushes and
/// pops touch only `top`; crossing a segment boundary is the cold path.
#[derive(Default)]
struct MarkStack {
    /// The segment being pushed to and popped from.
    top: Vec<Entry>,
    /// Full segments below `top`, oldest first.
    below: Vec<Vec<Entry>>,
    /// One emptied segment kept, so a stack oscillating at a segment
    /// boundary does not allocate on every push.
    spare: Option<Vec<Entry>>,
}

impl MarkStack {
    #[inline]
    fn push(&mut self, e: Entry) {
        let len = self.top.len();
        if len < self.top.capacity() {
            // SAFETY: within capacity; `len + 1` entries are then initialised.
            unsafe {
                self.top.as_mut_ptr().add(len).write(e);
                self.top.set_len(len + 1);
            }
        } else {
            self.push_segment(e);
        }
    }

    #[cold]
    #[inline(never)]
    fn push_segment(&mut self, e: Entry) {
        let fresh = self.spare.take().unwrap_or_else(|| Vec::with_capacity(SEGMENT));
        let full = core::mem::replace(&mut self.top, fresh);
        if full.capacity() > 0 {
            self.below.push(full);
        }
        self.top.push(e);
    }

    #[inline]
    fn pop(&mut self) -> Option<Entry> {
        match self.top.pop() {
            Some(e) => Some(e),
            None => self.pop_segment(),
        }
    }

    #[cold]
    #[inline(never)]
    fn pop_segment(&mut self) -> Option<Entry> {
        let next = self.below.pop()?;
        self.spare = Some(core::mem::replace(&mut self.top, next));
        self.top.pop()
    }

    fn is_empty(&self) -> bool {
        self.top.is_empty() && self.below.is_empty()
    }

    fn clear(&mut self) {
        self.top.clear();
        self.below.clear();
    }

    fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.below.iter().flatten().chain(self.top.iter())
    }
}

/// Marked objects and their requested bytes, for statistics.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MarkCounts {
    pub objects: u64,
    /// Requested bytes.
    pub bytes: u64,
    /// Heap bytes occupied (cells or large-object blocks).
    pub footprint: u64,
}

/// Objects marked while draining whose headers are still being
/// prefetched. Reading a freshly marked object's header right away stalls
/// on a cache miss per object; a short FIFO lets the prefetch land first
/// (the LIFO mark stack would pop the object again too soon for that).
const PREFETCH_RING: usize = 16;

#[derive(Default)]
pub struct Marker {
    stack: MarkStack,
    /// See [`PREFETCH_RING`]; empty (all [`Found::NONE`]) outside [`Marker::drain`].
    ring: [Found; PREFETCH_RING],
    ring_at: usize,
    pub counts: MarkCounts,
    /// Work units spent by [`Marker::drain`] since the last reset.
    pub units: u64,
}

/// Asks the CPU to start loading the cache line at `p` (a hint: no
/// effect on behaviour, and a no-op where there is no such instruction).
#[inline(always)]
fn prefetch(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults, whatever the address.
    unsafe {
        core::arch::x86_64::_mm_prefetch(p.cast(), core::arch::x86_64::_MM_HINT_T0)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Where a value being marked came from, for the error message.
#[derive(Clone, Copy, Debug)]
pub enum Source {
    ShadowStack(usize),
    GlobalRoot(*mut *mut u8),
    TempRoot,
    FinalizerQueue,
    /// The target of a weak reference handed to the mutator while marking.
    WeakRef(*mut u8),
    /// A value `RGC_STORE` overwrote while marking (the incremental store log).
    StoreLog,
    Field {
        obj: *mut u8,
        offset: usize,
    },
}

#[cold]
#[inline(never)]
pub fn bad_pointer(types: &TypeTable, value: *mut u8, source: Source) -> ! {
    match source {
        Source::ShadowStack(i) => fatal!(
            "collector",
            "shadow-stack slot #{i} (counting from the bottom) holds {value:p}, which is not a live rgc object \
             (a stale pointer kept across a collection, or a slot written with a non-object?)"
        ),
        Source::GlobalRoot(slot) => fatal!(
            "collector",
            "global root {slot:p} (from rgc_add_root) holds {value:p}, which is not a live rgc object"
        ),
        Source::WeakRef(w) => fatal!(
            "collector",
            "weak reference {w:p} holds {value:p}, which is not a live rgc object (was the weakref cell overwritten?)"
        ),
        Source::StoreLog => fatal!(
            "collector",
            "RGC_STORE overwrote {value:p} in a heap object, and that is not a live rgc object \
             (a pointer field held a foreign pointer, a freed object, or uninitialised data?)"
        ),
        Source::TempRoot | Source::FinalizerQueue => {
            fatal!("collector", "internal root {value:p} is not a live object ({source:?}); this is an rgc bug")
        }
        Source::Field { obj, offset } => {
            // SAFETY: `obj` was validated and marked before its fields were read.
            let t = unsafe { header(obj) }.type_id();
            let name = types.get(t).map(|i| i.name.as_str()).unwrap_or("<corrupt type id>");
            fatal!(
                "collector",
                "object {obj:p} of type '{name}' holds {value:p} in the pointer field at byte offset {offset}, \
                 which is not a live rgc object (a foreign pointer, a freed object, or uninitialised data?)"
            )
        }
    }
}

impl Marker {
    pub fn reset(&mut self) {
        self.stack.clear();
        self.ring = [Found::NONE; PREFETCH_RING];
        self.counts = MarkCounts::default();
        self.units = 0;
    }

    /// The grey objects: marked, queued for scanning. `(obj, first_item)`:
    /// an array resumed at item `first_item > 0` has its fixed part and
    /// earlier items scanned already.
    pub fn grey(&self) -> impl Iterator<Item = (*mut u8, usize)> + '_ {
        self.stack.iter().map(|e| (e.obj, e.next_item))
    }

    pub fn is_empty(&self) -> bool {
        self.stack.is_empty()
    }

    /// Marks `value` (null is ignored) and queues it for scanning if it
    /// holds pointers. A value that is not an object is a fatal error
    /// naming `source`.
    #[inline]
    pub fn visit(&mut self, heap: &mut Heap, types: &TypeTable, value: *mut u8, source: Source) {
        self.visit_in::<false>(&mut heap.mark_view(), types, value, source);
    }

    /// [`Marker::visit`] through `view`. `DEFER` (while draining): the
    /// object's header is read later, through the prefetch ring.
    #[inline(always)]
    fn visit_in<const DEFER: bool>(&mut self, view: &mut MarkView, types: &TypeTable, value: *mut u8, source: Source) {
        if value.is_null() {
            return;
        }
        if !view.geometry.is_object(value) {
            bad_pointer(types, value, source);
        }
        // SAFETY: validated as an object just above.
        if unsafe { view.mark(value) } {
            // SAFETY: as above.
            let footprint = unsafe { view.geometry.footprint_of(value) };
            self.hand_on::<DEFER>(types, Found { obj: value, footprint });
        }
    }

    /// Passes the just-marked `found` to the prefetch ring (`DEFER`) or
    /// straight to [`Marker::queue_marked`].
    #[inline(always)]
    fn hand_on<const DEFER: bool>(&mut self, types: &TypeTable, found: Found) {
        if DEFER {
            self.ring_insert(types, found);
        } else {
            // SAFETY: callers pass objects they have just marked.
            unsafe { self.queue_marked(types, found) };
        }
    }

    /// Counts the just-marked object `found` and queues it for scanning if
    /// it holds pointers.
    ///
    /// # Safety
    /// `found.obj` is a marked object.
    #[inline(always)]
    unsafe fn queue_marked(&mut self, types: &TypeTable, found: Found) {
        let value = found.obj;
        // SAFETY: a live object's header (crate invariant 5).
        let h = unsafe { header(value) };
        self.counts.objects += 1;
        let bytes = match h.bytes_len() {
            Some(len) => {
                if h.is_words() && len >= core::mem::size_of::<usize>() {
                    self.stack.push(Entry { obj: value, next_item: 0 });
                }
                len
            }
            None => {
                let Some(info) = types.get(h.kind) else {
                    fatal!("collector", "object {value:p} has corrupt type id {} in its header (heap corruption: a write past the end of a neighbouring object?)", h.kind)
                };
                if info.has_pointers() {
                    self.stack.push(Entry { obj: value, next_item: 0 });
                }
                if info.varsize {
                    // SAFETY: varsize objects carry their length in the fixed part.
                    info.size as usize + unsafe { array_length(value, info) } * info.item_size as usize
                } else {
                    info.size as usize
                }
            }
        };
        self.counts.bytes += bytes as u64;
        self.counts.footprint += found.footprint as u64;
    }

    /// Marks the object that `word` points into, if any (interior pointers
    /// included). Words that point nowhere into an allocated object are
    /// ignored: this never reports a bad pointer.
    #[inline]
    pub fn visit_ambiguous(&mut self, heap: &mut Heap, types: &TypeTable, word: usize) {
        self.visit_ambiguous_in::<false>(&mut heap.mark_view(), types, word);
    }

    /// [`Marker::visit_ambiguous`] through `view`; `DEFER` as for [`Marker::visit_in`].
    #[inline(always)]
    fn visit_ambiguous_in<const DEFER: bool>(&mut self, view: &mut MarkView, types: &TypeTable, word: usize) {
        if let Some(found) = view.geometry.object_containing(word) {
            // SAFETY: object_containing returns allocated objects only.
            if unsafe { view.mark(found.obj) } {
                self.hand_on::<DEFER>(types, found);
            }
        }
    }

    /// Puts the just-marked `found` in the prefetch ring, starting the load
    /// of its header, and queues the object it displaces (marked
    /// [`PREFETCH_RING`] marks ago, so its header is likely in cache).
    #[inline(always)]
    fn ring_insert(&mut self, types: &TypeTable, found: Found) {
        prefetch(found.obj.wrapping_sub(HEADER));
        let ready = core::mem::replace(&mut self.ring[self.ring_at], found);
        self.ring_at = (self.ring_at + 1) % PREFETCH_RING;
        if !ready.obj.is_null() {
            // SAFETY: ring entries are marked objects.
            unsafe { self.queue_marked(types, ready) };
        }
    }

    /// Queues the object that has waited longest in the prefetch ring;
    /// false when the ring is empty. (Taking one keeps the others in
    /// flight: the mark stack runs dry often, after every leaf.)
    #[inline]
    fn queue_oldest_in_ring(&mut self, types: &TypeTable) -> bool {
        for k in 0..PREFETCH_RING {
            let i = (self.ring_at + k) % PREFETCH_RING;
            let ready = core::mem::replace(&mut self.ring[i], Found::NONE);
            if !ready.obj.is_null() {
                // SAFETY: ring entries are marked objects.
                unsafe { self.queue_marked(types, ready) };
                return true;
            }
        }
        false
    }

    /// Queues every object waiting in the prefetch ring; true if that
    /// left anything to scan.
    #[cold]
    fn flush_ring(&mut self, types: &TypeTable) -> bool {
        for i in 0..PREFETCH_RING {
            let ready = core::mem::replace(&mut self.ring[i], Found::NONE);
            if !ready.obj.is_null() {
                // SAFETY: ring entries are marked objects.
                unsafe { self.queue_marked(types, ready) };
            }
        }
        !self.stack.is_empty()
    }

    /// Scans words `from..` of the `<words>` object `obj` (`len` bytes), at
    /// most [`WORDS_CHUNK`] and about `budget` of them, requeueing the rest.
    /// Returns the words examined.
    #[inline]
    fn scan_words(
        &mut self,
        view: &mut MarkView,
        types: &TypeTable,
        obj: *mut u8,
        len: usize,
        from: usize,
        budget: usize,
    ) -> usize {
        let words = len / core::mem::size_of::<usize>();
        let limit = WORDS_CHUNK.min(budget.max(1));
        let end = if words - from > limit {
            self.stack.push(Entry { obj, next_item: from + limit });
            from + limit
        } else {
            words
        };
        // SAFETY: words from..end lie inside the object (end <= len / word
        // size). The mutator may store anything there, which is why each is
        // resolved as an ambiguous pointer.
        let chunk = unsafe { core::slice::from_raw_parts((obj as *const usize).add(from), end - from) };
        for &v in chunk {
            self.visit_ambiguous_in::<true>(view, types, v);
        }
        end - from
    }

    /// Queues the live object `obj` for scanning without marking it: what
    /// it reaches gets marked, and `obj` itself only if a path leads back to
    /// it. (Ordered finalization asks "is this object reachable from another
    /// finalizable one?" this way.)
    ///
    /// # Safety
    /// `obj` passes [`Heap::is_object`].
    pub unsafe fn scan_children(&mut self, types: &TypeTable, obj: *mut u8) {
        // SAFETY: caller contract.
        let h = unsafe { header(obj) };
        let scanned = match h.bytes_len() {
            Some(len) => h.is_words() && len >= core::mem::size_of::<usize>(),
            None => types.get(h.kind).is_some_and(|info| info.has_pointers()),
        };
        if scanned {
            self.stack.push(Entry { obj, next_item: 0 });
        }
    }

    /// Counts a live object of `bytes` requested bytes.
    #[inline]
    pub fn count_bytes(&mut self, bytes: usize) {
        self.counts.bytes += bytes as u64;
        self.counts.footprint += crate::layout::footprint_bytes(bytes) as u64;
    }

    /// Scans queued objects until the stack is empty (true) or `budget`
    /// units are spent (false).
    pub fn drain(&mut self, heap: &mut Heap, types: &TypeTable, budget: usize) -> bool {
        let view = &mut heap.mark_view();
        let mut spent = 0usize;
        while spent < budget {
            let Some(Entry { obj, next_item }) = self.stack.pop() else {
                if self.queue_oldest_in_ring(types) {
                    continue;
                }
                break;
            };
            // SAFETY: only marked, validated objects are pushed.
            let h = unsafe { header(obj) };
            spent += match h.bytes_len() {
                // Only `<words>` objects among the untyped ones are pushed.
                Some(len) => self.scan_words(view, types, obj, len, next_item, budget - spent),
                None => self.scan_typed(view, types, obj, h.kind, next_item, budget - spent),
            };
        }
        // Outside `drain` the ring is empty: every marked object is counted
        // and, if it holds pointers, on the stack.
        self.flush_ring(types);
        self.units += spent as u64;
        self.stack.is_empty()
    }

    /// Scans the typed object `obj` from item `next_item` (0: its fixed
    /// part first), at most [`ARRAY_CHUNK`] items and about `budget`
    /// units, requeueing the rest. Returns the units spent.
    #[inline]
    fn scan_typed(
        &mut self,
        view: &mut MarkView,
        types: &TypeTable,
        obj: *mut u8,
        kind: u32,
        next_item: usize,
        budget: usize,
    ) -> usize {
        let info = types.get(kind).expect("pushed objects have valid types");
        let mut spent = 0;
        if next_item == 0 {
            for &off in &info.ptr_offsets {
                // SAFETY: validated descriptors keep pointer fields inside the object.
                let v = unsafe { *(obj.add(off as usize) as *const *mut u8) };
                self.visit_in::<true>(view, types, v, Source::Field { obj, offset: off as usize });
            }
            spent += info.ptr_offsets.len() + 1;
        }
        if info.varsize && !info.item_ptr_offsets.is_empty() {
            // SAFETY: a varsize object.
            let len = unsafe { array_length(obj, info) };
            // At most ARRAY_CHUNK items, and no more than the budget left
            // (at least one item, so every entry makes progress).
            let left = budget.saturating_sub(spent) / info.item_ptr_offsets.len();
            let end = len.min(next_item + ARRAY_CHUNK.min(left.max(1)));
            if end < len {
                self.stack.push(Entry { obj, next_item: end });
            }
            let item_size = info.item_size as usize;
            for i in next_item..end {
                let item_off = info.size as usize + i * item_size;
                for &off in &info.item_ptr_offsets {
                    let offset = item_off + off as usize;
                    // SAFETY: the item lies inside the object (length fixed at allocation).
                    let v = unsafe { *(obj.add(offset) as *const *mut u8) };
                    self.visit_in::<true>(view, types, v, Source::Field { obj, offset });
                }
            }
            spent += (end - next_item) * info.item_ptr_offsets.len();
        }
        spent
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::footprint_bytes;
    use crate::memory::FixedMemory;
    use crate::object::Header;
    use alloc::vec;
    use gc_api::types::{BYTES_TYPE, WORDS_TYPE};

    #[test]
    fn the_segmented_stack_is_lifo_across_segments() {
        let mut stack = MarkStack::default();
        let entry = |i: usize| Entry { obj: (i * 8) as *mut u8, next_item: i };
        for round in 0..2 {
            for i in 0..3 * SEGMENT + 5 {
                stack.push(entry(i));
            }
            assert_eq!(stack.iter().count(), 3 * SEGMENT + 5);
            for i in (0..3 * SEGMENT + 5).rev() {
                let e = stack.pop().expect("pushed");
                assert_eq!((e.obj as usize, e.next_item), (i * 8, i), "round {round}");
            }
            assert!(stack.pop().is_none() && stack.is_empty());
        }
    }

    /// A binary tree of `<words>` objects linked through interior and
    /// exact pointers, an atomic object whose contents look like a
    /// pointer, and garbage: every budget marks exactly the tree.
    #[test]
    fn drain_marks_exactly_the_reachable_whatever_the_budget() {
        // Miri interprets every step: a smaller tree still spans several
        // blocks and far more marks than the prefetch ring holds.
        const NODES: usize = if cfg!(miri) { 200 } else { 3000 };
        let bytes = Heap::region_bytes_for_blocks(64);
        let mut buf = vec![0u64; bytes / 8 + 1];
        // SAFETY: the buffer outlives the heap.
        let mem = unsafe { FixedMemory::new(buf.as_mut_ptr().cast(), bytes, false) };
        let mut heap = Heap::new(alloc::boxed::Box::new(mem)).unwrap();
        let types = TypeTable::new();
        let words = |heap: &mut Heap, n: usize| heap.alloc(n * 8, Header::new(WORDS_TYPE, n * 8, 0)) as *mut usize;
        let nodes: Vec<*mut usize> = (0..NODES).map(|_| words(&mut heap, 3)).collect();
        let garbage: Vec<*mut usize> = (0..NODES / 6).map(|_| words(&mut heap, 3)).collect();
        let atomic = heap.alloc(8, Header::new(BYTES_TYPE, 8, 0)) as *mut usize;
        for (i, &n) in nodes.iter().enumerate() {
            // SAFETY: 3-word objects.
            unsafe {
                *n = nodes.get(2 * i + 1).map_or(0, |&c| c as usize + 8); // interior
                *n.add(1) = nodes.get(2 * i + 2).map_or(0, |&c| c as usize);
                *n.add(2) = if i == 7 { atomic as usize } else { 12345 };
            }
        }
        // SAFETY: an 8-byte atomic object; never scanned, so garbage[0] stays white.
        unsafe { *atomic = garbage[0] as usize };
        let want_footprint = (NODES * footprint_bytes(24) + footprint_bytes(8)) as u64;
        for budget in [1, 2, 17, 1000, usize::MAX] {
            heap.clear_marks();
            let mut marker = Marker::default();
            marker.visit_ambiguous(&mut heap, &types, nodes[0] as usize + 5);
            let mut drains = 0;
            while !marker.drain(&mut heap, &types, budget) {
                drains += 1;
                assert!(marker.ring.iter().all(|f| f.obj.is_null()), "the ring is empty between drains");
            }
            for &n in &nodes {
                // SAFETY: objects of this heap.
                assert!(unsafe { heap.is_marked(n.cast()) }, "budget {budget}: reachable node lost");
            }
            for &g in &garbage {
                // SAFETY: as above.
                assert!(!unsafe { heap.is_marked(g.cast()) }, "budget {budget}: garbage marked");
            }
            assert_eq!(marker.counts.objects, NODES as u64 + 1, "budget {budget}");
            assert_eq!(marker.counts.bytes, (NODES * 24 + 8) as u64);
            assert_eq!(marker.counts.footprint, want_footprint);
            assert!(budget >= NODES || drains > 0, "a small budget takes several drains");
        }
        drop(heap);
    }
}
