//! The heap verifier (`RGC_VERIFY=1`, `rgc_verify_heap`).
//!
//! Checks, in order: the block table and bitmaps ([`crate::heap::Heap::check_structure`]);
//! free cells, on free lists and in threads' spans, as the allocator left
//! them (`heap::free_cells`: a damaged one names the object before it,
//! which was probably written past its end);
//! every object's header names a registered type; every pointer field and
//! every root holds null or a live object; the finalizer and weak-reference
//! tables list live objects; and, right after a full collection, that the
//! objects in the heap are exactly the ones the marker counted.

use crate::heap::Damage;
use crate::object::{for_each_pointer, header, object_bytes};
use crate::runtime::Runtime;
use gc_api::message::Hex;
use gc_api::{msg, Message};

impl Runtime {
    /// Runs the heap verifier if configured; aborts on a violation.
    pub fn verify_if_enabled(&mut self, after_full_collection: bool) {
        if self.config.verifying() {
            self.verify_or_abort(after_full_collection);
        }
    }

    /// Runs the heap verifier; aborts on a violation. Right after a full
    /// collection the heap must hold exactly what the marker counted.
    pub fn verify_or_abort(&mut self, after_full_collection: bool) {
        let expect = after_full_collection.then_some((self.counters.live_objects, self.counters.live_bytes));
        if let Err(msg) = verify(self, expect) {
            gc_api::fatal!("heap verifier", msg);
        }
    }
}

impl Runtime {
    /// Checks free lists and every thread's unused span cells; aborts,
    /// naming the object before a damaged cell, on a violation.
    pub fn check_free_cells_or_abort(&self) {
        if let Err(msg) = check_free_cells(self) {
            gc_api::fatal!("heap verifier", msg);
        }
    }
}

/// Returns the first violated invariant. `expect_live` is
/// `(objects, bytes)` counted by the last full collection, when the heap
/// should hold exactly those.
pub fn verify(rt: &Runtime, expect_live: Option<(u64, u64)>) -> Result<(), Message> {
    let heap = &rt.heap;
    heap.check_structure(expect_live.is_some())?;
    check_free_cells(rt)?;
    let mut error = None;
    let (mut objects, mut bytes) = (0u64, 0u64);
    heap.for_each_object(|obj| {
        // Garbage an incremental sweep has not reached yet may point to cells
        // it already freed; it is unreachable, so its fields mean nothing.
        // SAFETY: for_each_object yields allocated objects.
        if error.is_some() || (heap.awaiting_sweep(obj) && !unsafe { heap.is_marked(obj) }) {
            return;
        }
        // SAFETY: for_each_object yields allocated objects.
        let h = unsafe { header(obj) };
        let Some(info) = rt.types.get(h.type_id()) else {
            // SAFETY: the header is HEADER bytes before an allocated object.
            let before = suspect(rt, unsafe { obj.sub(crate::layout::HEADER) });
            error = Some(msg!("object ", obj, " has unregistered type id ", h.kind, before));
            return;
        };
        objects += 1;
        // SAFETY: the header is valid (checked above).
        bytes += unsafe { object_bytes(obj, &rt.types) } as u64;
        // SAFETY: a live object of type `info`.
        unsafe {
            for_each_pointer(obj, info, 0, |offset, v| {
                if !v.is_null() && !heap.is_object(v) && error.is_none() {
                    error = Some(msg!(
                        "object ",
                        obj,
                        " of type '",
                        info.name,
                        "' holds ",
                        v,
                        " in the pointer field at byte offset ",
                        offset,
                        ", which is not a live rgc object"
                    ));
                }
            })
        };
    });
    if let Some(e) = error {
        return Err(e);
    }
    let live = |what: &str, v: *mut u8| -> Result<(), Message> {
        if v.is_null() || heap.is_object(v) {
            Ok(())
        } else {
            Err(msg!(what, " holds ", v, ", not a live object"))
        }
    };
    let mut root_error = Ok(());
    // SAFETY: the world is stopped (Gc settles before verifying).
    unsafe {
        shadowstack::for_each_root(|slot| {
            if root_error.is_ok() {
                root_error = live("a shadow-stack slot", *slot);
            }
        })
    };
    root_error?;
    for &slot in &rt.globals {
        // SAFETY: registered slots stay valid.
        live("a global root", unsafe { *slot })?;
    }
    for &o in rt.finalizable.iter().chain(rt.pending_finalizers.iter()) {
        if !heap.is_object(o) {
            return Err(msg!("finalizer table lists ", o, ", which is not a live object"));
        }
    }
    for &w in &rt.weakrefs {
        if rt.object_type(w) != Some(gc_api::types::WEAKREF_TYPE) {
            return Err(msg!("weak-reference table lists ", w, ", which is not a live weakref"));
        }
        // SAFETY: a live weakref cell.
        live("a weak reference", unsafe { *(w as *const *mut u8) })?;
    }
    if let Some((o, b)) = expect_live {
        if (o, b) != (objects, bytes) {
            return Err(msg!(
                "after a full collection the heap holds ",
                objects,
                " objects / ",
                bytes,
                " bytes but marking found ",
                o,
                " / ",
                b
            ));
        }
    }
    Ok(())
}

/// Free lists, then every attached thread's unused span cells.
fn check_free_cells(rt: &Runtime) -> Result<(), Message> {
    rt.heap.check_free_lists().map_err(|d| damage_report(rt, d))?;
    let mut result = Ok(());
    // SAFETY: the world is stopped (Gc settles before verifying), so no
    // thread moves its spans meanwhile.
    unsafe {
        shadowstack::for_each_local(|l| {
            for (class, span) in (*l.ctx).spans.iter().enumerate().take(crate::layout::NUM_CLASSES) {
                if result.is_ok() {
                    result = rt.heap.check_unused_span(class, span.cursor, span.limit);
                }
            }
        })
    };
    result.map_err(|d| damage_report(rt, d))
}

/// The verifier's words for a damaged free cell.
pub fn damage_report(rt: &Runtime, d: Damage) -> Message {
    let place = if d.listed { "on a free list" } else { "in a thread's allocation span" };
    msg!(
        "the free ",
        d.cell_size,
        "-byte cell at ",
        d.cell,
        " ",
        place,
        " holds ",
        Hex(d.value as u64),
        " at byte ",
        d.offset,
        " (a free cell holds only its link)",
        suspect(rt, d.cell)
    )
}

/// Names the allocated object that ends where the cell at `cell` starts:
/// the likeliest culprit when that cell was written over.
fn suspect(rt: &Runtime, cell: *mut u8) -> Message {
    let Some(obj) = rt.heap.object_containing((cell as usize).wrapping_sub(1)) else {
        return msg!("; no object ends just before it (a write through a dangling or wild pointer?)");
    };
    // SAFETY: object_containing yields allocated objects.
    let h = unsafe { header(obj) };
    let name = rt.types.get(h.type_id()).map_or("?", |info| info.name.as_str());
    // SAFETY: as above; an unregistered type reads as 0 bytes.
    let bytes = if rt.types.get(h.type_id()).is_some() { unsafe { object_bytes(obj, &rt.types) } } else { 0 };
    msg!(
        "; the object before it, ",
        obj,
        " of type '",
        name,
        "' (",
        bytes,
        " bytes), was probably written past its end"
    )
}
