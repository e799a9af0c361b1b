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

use crate::heap::Heap;
use crate::object::{array_length, header};
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
/// growing `Vec` would copy megabytes inside one increment).
#[derive(Default)]
struct MarkStack {
    segments: Vec<Vec<Entry>>,
    /// One emptied segment kept, so a stack oscillating at a segment
    /// boundary does not allocate on every push.
    spare: Option<Vec<Entry>>,
}

impl MarkStack {
    #[inline]
    fn push(&mut self, e: Entry) {
        match self.segments.last_mut() {
            Some(top) if top.len() < SEGMENT => top.push(e),
            _ => self.push_segment(e),
        }
    }

    #[cold]
    fn push_segment(&mut self, e: Entry) {
        let mut seg = self.spare.take().unwrap_or_else(|| Vec::with_capacity(SEGMENT));
        seg.push(e);
        self.segments.push(seg);
    }

    #[inline]
    fn pop(&mut self) -> Option<Entry> {
        let top = self.segments.last_mut()?;
        let e = top.pop();
        if top.is_empty() {
            self.spare = self.segments.pop();
        }
        e
    }

    fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    fn clear(&mut self) {
        if let Some(seg) = self.segments.pop() {
            self.spare = Some(seg);
        }
        self.segments.clear();
        if let Some(seg) = self.spare.as_mut() {
            seg.clear();
        }
    }

    fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.segments.iter().flatten()
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

#[derive(Default)]
pub struct Marker {
    stack: MarkStack,
    pub counts: MarkCounts,
    /// Work units spent by [`Marker::drain`] since the last reset.
    pub units: u64,
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
        if value.is_null() {
            return;
        }
        if !heap.is_object(value) {
            bad_pointer(types, value, source);
        }
        // SAFETY: validated as an object just above.
        unsafe { self.mark_and_queue(heap, types, value) }
    }

    /// Marks the object `value` and queues it for scanning if it holds
    /// pointers (the part of [`Marker::visit`] after validation).
    ///
    /// # Safety
    /// `value` passes [`Heap::is_object`].
    #[inline]
    unsafe fn mark_and_queue(&mut self, heap: &mut Heap, types: &TypeTable, value: *mut u8) {
        // SAFETY: caller contract.
        if !unsafe { heap.mark(value) } {
            return;
        }
        // SAFETY: a live object's header (crate invariant 5).
        let h = unsafe { header(value) };
        self.counts.objects += 1;
        if let Some(len) = h.bytes_len() {
            self.count_bytes(len);
            if h.is_words() && len >= core::mem::size_of::<usize>() {
                self.stack.push(Entry { obj: value, next_item: 0 });
            }
            return;
        }
        let Some(info) = types.get(h.kind) else {
            fatal!("collector", "object {value:p} has corrupt type id {} in its header (heap corruption: a write past the end of a neighbouring object?)", h.kind)
        };
        self.count_bytes(if info.varsize {
            // SAFETY: varsize objects carry their length in the fixed part.
            info.size as usize + unsafe { array_length(value, info) } * info.item_size as usize
        } else {
            info.size as usize
        });
        if info.has_pointers() {
            self.stack.push(Entry { obj: value, next_item: 0 });
        }
    }

    /// Marks the object that `word` points into, if any (interior pointers
    /// included). Words that point nowhere into an allocated object are
    /// ignored: this never reports a bad pointer.
    #[inline]
    pub fn visit_ambiguous(&mut self, heap: &mut Heap, types: &TypeTable, word: usize) {
        let (lo, hi) = heap.used_range();
        if word.wrapping_sub(lo) < hi - lo {
            if let Some(obj) = heap.object_containing(word) {
                // SAFETY: object_containing returns allocated objects only.
                unsafe { self.mark_and_queue(heap, types, obj) };
            }
        }
    }

    /// Scans words `from..` of the `<words>` object `obj` (`len` bytes), at
    /// most [`WORDS_CHUNK`] and about `budget` of them, requeueing the rest.
    /// Returns the words examined.
    fn scan_words(
        &mut self,
        heap: &mut Heap,
        types: &TypeTable,
        obj: *mut u8,
        len: usize,
        from: usize,
        budget: usize,
    ) -> usize {
        let words = len / core::mem::size_of::<usize>();
        let end = words.min(from + WORDS_CHUNK.min(budget.max(1)));
        if end < words {
            self.stack.push(Entry { obj, next_item: end });
        }
        for i in from..end {
            let at = obj as usize + i * core::mem::size_of::<usize>();
            // SAFETY: word i lies inside the object (i < len / word size);
            // the mutator may store anything there, which is why it is
            // resolved as an ambiguous pointer.
            let v = unsafe { (at as *const usize).read() };
            self.visit_ambiguous(heap, types, v);
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
        let mut spent = 0usize;
        while let Some(Entry { obj, next_item }) = self.stack.pop() {
            // SAFETY: only marked, validated objects are pushed.
            let h = unsafe { header(obj) };
            if let Some(len) = h.bytes_len() {
                // Only `<words>` objects among the untyped ones are pushed.
                spent += self.scan_words(heap, types, obj, len, next_item, budget.saturating_sub(spent));
                if spent >= budget {
                    self.units += spent as u64;
                    return self.stack.is_empty();
                }
                continue;
            }
            let info = types.get(h.kind).expect("pushed objects have valid types");
            if next_item == 0 {
                for &off in &info.ptr_offsets {
                    // SAFETY: validated descriptors keep pointer fields inside the object.
                    let v = unsafe { *(obj.add(off as usize) as *const *mut u8) };
                    self.visit(heap, types, v, Source::Field { obj, offset: off as usize });
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
                        self.visit(heap, types, v, Source::Field { obj, offset });
                    }
                }
                spent += (end - next_item) * info.item_ptr_offsets.len();
            }
            if spent >= budget {
                self.units += spent as u64;
                return self.stack.is_empty();
            }
        }
        self.units += spent as u64;
        true
    }
}
