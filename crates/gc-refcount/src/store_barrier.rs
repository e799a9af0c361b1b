//! The store barrier: `RGC_STORE` keeps the counts.
//!
//! A store `obj.field = value` increments `value`'s count and decrements the
//! count of the value it overwrites. A decrement that leaves zero (maybe
//! garbage) or, for a type that can form cycles, a non-zero count (maybe
//! the last outside reference to a cycle) logs the object, once
//! ([`word::must_log`]). Storing the value a field already holds changes
//! nothing (it would otherwise make a spurious cycle candidate). Nothing is freed inside a store: the program may
//! hold the old value in a C local until its next rgc call, so frees wait
//! for the next reconciliation, which checks the roots first.
//!
//! **Inline in C.** Compiled with `-DRGC_GC_REFCOUNT`, `RGC_STORE` does all
//! of this inline: two range checks against [`rgc_refcount_heap_base`] and
//! [`rgc_refcount_heap_span`] (which also filter NULL), two count updates,
//! and an append to the thread's store log ([`gc_heap::store_log`]); only a
//! full log calls rgc (`rgc_store_log_flush`, which moves the entries into
//! the zero-count table). A value outside the heap, or a count about to go
//! below zero, calls [`rgc_refcount_store_error`], which names the object,
//! the field and the value, and aborts: a foreign pointer never has its
//! "count" written. A count about to saturate sets
//! [`rgc_refcount_sticky`] inline (see [`crate::word`]).
//!
//! Generic builds call `rgc_write_barrier`, which does the same in Rust
//! ([`Refcount::store`]) and also checks that both values are objects.

use crate::word::{self, must_log, LOGGED};
use crate::Refcount;
use core::ffi::c_void;
use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use gc_api::{fatal, msg, Message};
use gc_heap::layout::BLOCK_SIZE;
use gc_heap::object::header;
use gc_heap::{store_log, Runtime};

/// Start of the heap's blocks; `RGC_STORE` treats a value `v` as an object
/// when `v - base < span` (unsigned, so NULL and foreign pointers fail).
/// Zero outside `rgc_init` .. `rgc_shutdown`.
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static rgc_refcount_heap_base: AtomicUsize = AtomicUsize::new(0);

/// Length of the heap's block area (0 outside init .. shutdown).
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static rgc_refcount_heap_span: AtomicUsize = AtomicUsize::new(0);

/// Set (by C or Rust) when a count saturates; cleared by a backup trace
/// that finds no saturated count.
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static rgc_refcount_sticky: AtomicU32 = AtomicU32::new(0);

/// Publishes the heap range and empties the store logs for a new collector.
pub fn attach(rt: &Runtime) {
    let span = rt.heap().capacity_blocks() * BLOCK_SIZE;
    rgc_refcount_heap_base.store(rt.heap().blocks_base() as usize, Ordering::Relaxed);
    rgc_refcount_heap_span.store(span, Ordering::Relaxed);
    rgc_refcount_sticky.store(0, Ordering::Relaxed);
    store_log::clear();
}

/// Withdraws the heap range and drops what the logs hold (at `rgc_shutdown`).
pub fn detach() {
    rgc_refcount_heap_base.store(0, Ordering::Relaxed);
    rgc_refcount_heap_span.store(0, Ordering::Relaxed);
    store_log::clear();
}

/// Whether some count may be saturated.
pub fn sticky() -> bool {
    rgc_refcount_sticky.load(Ordering::Relaxed) != 0
}

pub fn set_sticky(on: bool) {
    rgc_refcount_sticky.store(on as u32, Ordering::Relaxed);
}

fn in_heap(p: *mut u8) -> bool {
    let base = rgc_refcount_heap_base.load(Ordering::Relaxed);
    (p as usize).wrapping_sub(base) < rgc_refcount_heap_span.load(Ordering::Relaxed)
}

impl Refcount {
    /// `*slot = value` with the counting barrier (the generic build's
    /// `RGC_STORE`, and what the inline C version does, with full checks).
    ///
    /// # Safety
    /// `obj` is a live object and `slot` one of its pointer fields.
    pub unsafe fn store(&mut self, rt: &mut Runtime, obj: *mut u8, slot: *mut *mut u8, value: *mut u8) {
        // SAFETY: caller contract.
        let old = unsafe { *slot };
        for v in [value, old] {
            if !v.is_null() && !rt.heap().is_object(v) {
                store_error(obj, slot, old, value);
            }
        }
        // SAFETY: caller contract.
        unsafe { *slot = value };
        if old == value {
            return;
        }
        if !value.is_null() {
            // SAFETY: checked to be an object above.
            if unsafe { word::increment(value) } {
                set_sticky(true);
            }
        }
        if !old.is_null() {
            // SAFETY: checked to be an object above.
            if let Some(v) = unsafe { word::decrement(old) } {
                if must_log(v) {
                    // SAFETY: as above.
                    unsafe { word::set(old, (v | LOGGED) & !word::YOUNG) };
                    crate::tables::note(&mut self.zct, old);
                }
            }
        }
    }
}

/// Diagnoses a store the inline barrier refused, and aborts.
#[cold]
fn store_error(obj: *mut u8, slot: *mut *mut u8, old: *mut u8, value: *mut u8) -> ! {
    let offset = (slot as usize).wrapping_sub(obj as usize);
    let what = if !value.is_null() && !in_heap(value) || !old.is_null() && !in_heap(old) {
        let (bad, role) = if !value.is_null() && !in_heap(value) {
            (value, "the value stored")
        } else {
            (old, "the value overwritten (written without RGC_STORE?)")
        };
        msg!(role, ", ", bad, ", is not a live rgc object")
    } else {
        // Both in the heap: the old value's count was already zero.
        msg!(
            "the count of the overwritten value ",
            old,
            " is already zero: a pointer to it was written into a heap object without RGC_STORE"
        )
    };
    let type_name = if in_heap(obj) {
        // SAFETY: obj lies in the heap's blocks; its header word is readable.
        let t = unsafe { header(obj) }.type_id();
        msg!(" (type id ", t, ")")
    } else {
        Message::new()
    };
    fatal!(
        "RGC_STORE",
        "storing ",
        value,
        " into the field at byte offset ",
        offset,
        " of object ",
        obj,
        type_name,
        ": ",
        what
    )
}

/// `RGC_STORE`'s error path (inline C under `-DRGC_GC_REFCOUNT`).
///
/// # Safety
/// Only `RGC_STORE` calls it, with the store's operands. It reads nothing
/// through them unless they lie in the heap.
#[no_mangle]
pub unsafe extern "C" fn rgc_refcount_store_error(
    obj: *mut c_void,
    slot: *mut *mut c_void,
    old: *mut c_void,
    value: *mut c_void,
) -> ! {
    store_error(obj.cast(), slot.cast(), old.cast(), value.cast())
}
