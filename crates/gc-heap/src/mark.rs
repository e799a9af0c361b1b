//! The marker: an explicit mark stack, so marking depth never touches the
//! native stack (a 10-million-element list marks like any other graph).
//!
//! Arrays are scanned [`ARRAY_CHUNK`] items at a time: after each chunk the
//! array goes back on the stack with the index to resume from, so the stack
//! holds at most one continuation per array being scanned plus the children
//! of one chunk, and an incremental collector can stop between chunks.
//!
//! Work is counted in *units*: one unit per pointer slot examined. `drain`
//! takes a unit budget so incremental plans can bound an increment.

use crate::heap::Heap;
use crate::object::{array_length, header};
use alloc::vec::Vec;
use gc_api::fatal;
use gc_api::types::{TypeTable, BYTES_TYPE};

/// Items of an array scanned per mark-stack entry.
pub const ARRAY_CHUNK: usize = 256;

#[derive(Clone, Copy)]
struct Entry {
    obj: *mut u8,
    /// 0: scan the fixed part and the first chunk; n > 0: resume items at n.
    next_item: usize,
}

/// Marked objects and their requested bytes, for statistics.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MarkCounts {
    pub objects: u64,
    pub bytes: u64,
}

#[derive(Default)]
pub struct Marker {
    stack: Vec<Entry>,
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
    Field {
        obj: *mut u8,
        offset: usize,
    },
}

#[cold]
#[inline(never)]
fn bad_pointer(types: &TypeTable, value: *mut u8, source: Source) -> ! {
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
        Source::TempRoot | Source::FinalizerQueue => {
            fatal!("collector", "internal root {value:p} is not a live object ({source:?}); this is an rgc bug")
        }
        Source::Field { obj, offset } => {
            // SAFETY: `obj` was validated and marked before its fields were read.
            let t = unsafe { header(obj) }.type_id;
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
        if !unsafe { heap.mark(value) } {
            return;
        }
        // SAFETY: a live object's header (crate invariant 5).
        let h = unsafe { header(value) };
        self.counts.objects += 1;
        if h.type_id == BYTES_TYPE {
            self.counts.bytes += h.aux as u64;
            return;
        }
        let Some(info) = types.get(h.type_id) else {
            fatal!("collector", "object {value:p} has corrupt type id {} in its header (heap corruption: a write past the end of a neighbouring object?)", h.type_id)
        };
        self.counts.bytes += if info.varsize {
            // SAFETY: varsize objects carry their length in the fixed part.
            info.size as u64 + unsafe { array_length(value, info) } as u64 * info.item_size as u64
        } else {
            info.size as u64
        };
        if info.has_pointers() {
            self.stack.push(Entry { obj: value, next_item: 0 });
        }
    }

    /// Scans queued objects until the stack is empty (true) or `budget`
    /// units are spent (false).
    pub fn drain(&mut self, heap: &mut Heap, types: &TypeTable, budget: usize) -> bool {
        let mut spent = 0usize;
        while let Some(Entry { obj, next_item }) = self.stack.pop() {
            // SAFETY: only marked, validated objects are pushed.
            let info = types.get(unsafe { header(obj) }.type_id).expect("pushed objects have valid types");
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
                let end = len.min(next_item + ARRAY_CHUNK);
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
