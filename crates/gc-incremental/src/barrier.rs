//! The barriers: snapshot-at-the-beginning on stores, shading on weak reads.
//!
//! **Write barrier** (Yuasa deletion barrier). While a cycle is marking,
//! a store `obj.field = value` first shades the value it overwrites. An
//! object reachable when the cycle began can only become unreachable from
//! the collector's point of view by losing an edge, and every lost heap
//! edge now shades its target; edges from roots are covered by the root
//! snapshot. Stores need no barrier outside marking, and the stored value
//! never needs one (it is either from the snapshot or allocated black).
//!
//! The fast path lives in C: `RGC_STORE` (compiled with
//! `-DRGC_GC_INCREMENTAL`) tests [`rgc_incremental_marking`] and calls
//! `rgc_write_barrier` only while it is set. Generic builds always call
//! `rgc_write_barrier`, which tests the plan's own phase.
//!
//! **Weak-reference read barrier.** `rgc_weakref_get` during marking
//! shades the target it returns: the mutator could otherwise store a
//! white object that the snapshot never saw. Between the end of marking
//! and the sweep, an unmarked target is dead already (everything the
//! mutator can reach is marked by then), so the read clears the reference
//! and returns NULL, exactly what the weak phase is about to do.

use core::sync::atomic::{AtomicBool, Ordering};
use gc_heap::mark::Source;
use gc_heap::Runtime;

/// Nonzero exactly while a cycle is marking. `rgc.h` reads it as
/// `extern uint8_t` in `RGC_STORE`'s fast path; only [`set_marking`] writes
/// it, inside rgc calls (one collector instance per process).
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static rgc_incremental_marking: AtomicBool = AtomicBool::new(false);

/// Publishes the marking state to the C fast path.
pub fn set_marking(on: bool) {
    rgc_incremental_marking.store(on, Ordering::Relaxed);
}

/// Shades the value `slot` (a pointer field of `obj`) holds before it is overwritten.
///
/// # Safety
/// `obj` is a live object and `slot` one of its pointer fields.
#[cold]
#[inline(never)]
pub unsafe fn shade_overwritten(rt: &mut Runtime, obj: *mut u8, slot: *mut *mut u8) {
    // SAFETY: caller contract.
    let old = unsafe { *slot };
    let source = Source::Field { obj, offset: slot as usize - obj as usize };
    rt.marker.visit(&mut rt.heap, &rt.types, old, source);
}

/// Shades a weak reference's target that is about to be handed out while marking.
#[cold]
pub fn shade_weak_target(rt: &mut Runtime, weakref: *mut u8, target: *mut u8) {
    rt.marker.visit(&mut rt.heap, &rt.types, target, Source::WeakRef(weakref));
}
