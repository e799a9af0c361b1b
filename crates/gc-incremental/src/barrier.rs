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
//! **The store log.** `RGC_STORE` (compiled with `-DRGC_GC_INCREMENTAL`)
//! tests [`rgc_incremental_marking`] and, only while it is set, appends the
//! overwritten value (if not null) to the thread's store log
//! (`rgc_thread.log`, a fixed buffer of [`store_log::STORE_LOG_CAPACITY`]
//! entries), in inline C. Only a full log calls into rgc:
//! `rgc_store_log_flush` shades the entries and returns the emptied log.
//! Every increment shades every thread's log when it begins, with the
//! other threads stopped (the final handshake of a cycle's marking is
//! that of the increment that finds the mark stack empty), so marking
//! never runs (and termination is never judged) with overwritten values
//! unshaded.
//! Shading is the mutator's barrier work, as when each store shaded its own
//! old value: a flush costs at most 256 mark visits (a few microseconds),
//! counted as mutator time, like an allocation's slow path. It cannot be
//! deferred into the increments' budget: a mutator storing faster than a
//! small budget shades would then keep marking from ever terminating.
//! With a collector thread a full log goes to the hand-off instead, which
//! the thread shades between chunks of marking; an increment takes the
//! hand-off in chunks charged to its budget, and a locked flush only the
//! threads' own logs. The hand-off is not bounded (it grows while the
//! thread is kept from running: on richards, 300 000 entries in the 4 ms
//! the kernel once left it waiting behind the mutator on one core), so
//! nothing with a deadline takes it whole. Marking still ends: an assist
//! shades the hand-off while its mutator stores nothing, and the heap's
//! limit ends the cycle synchronously at worst.
//!
//! Why this shape, measured on richards with no cycle running
//! (`RGC_HEAP_INITIAL=4G`): a barrier that *calls* rgc while marking, even
//! on a never-taken branch, cost 30 % over a plain store, because the C
//! compiler must assume the call writes memory and reloads values around
//! every store. `rgc.h` therefore declares `rgc_store_log_flush`
//! `__attribute__((pure))`, which is true as far as the program can see:
//! the flush runs no user code (no events, no finalizers) and writes only
//! collector-private memory; C stores the returned position itself. The
//! flag is a `uint32_t`, not a byte, because a byte may alias anything and
//! would be reloaded after every store (another 5 %). With both, richards
//! (the most store-heavy scenario) runs about 7 % slower than with plain
//! stores; what is left is the register pressure of the never-taken call
//! (callee-saved registers pushed in small functions). A register-preserving
//! assembly trampoline would remove most of that, per architecture.
//!
//! Generic builds (no `-DRGC_GC_*`) call `rgc_write_barrier`, which shades
//! the old value at once.
//!
//! **Weak-reference read barrier.** `rgc_weakref_get` during marking
//! shades the target it returns: the mutator could otherwise store a
//! white object that the snapshot never saw. Between the end of marking
//! and the sweep, an unmarked target is dead already (everything the
//! mutator can reach is marked by then), so the read clears the reference
//! and returns NULL, exactly what the weak phase is about to do.

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use gc_heap::mark::Source;
use gc_heap::store_log;
use gc_heap::Runtime;

/// Nonzero exactly while a cycle is marking. `rgc.h` reads it as
/// `extern uint32_t` in `RGC_STORE`'s fast path; only [`set_marking`] writes
/// it, inside rgc calls with every other thread stopped (one collector
/// instance per process). The handshake that resumes a stopped thread
/// orders the write before the thread's next store; a thread in a blocking
/// region meets it when it leaves (`shadowstack::safepoint`).
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static rgc_incremental_marking: AtomicU32 = AtomicU32::new(0);

/// A collector thread marks (`rgc_config.background`): a full log is
/// handed to it ([`hand_off_unlocked`]) instead of shaded under the
/// collector lock. Written by the plan's creation and drop, under the lock
/// and before any thread stores (`rgc_init`) or after every thread stopped
/// storing (`rgc_shutdown`); read relaxed by a thread whose log is full.
pub static HAND_OFF: AtomicBool = AtomicBool::new(false);

/// Turns the barriers on or off, for the C fast path and the store logs.
/// Turning them off drops whatever the logs hold: marking has terminated
/// (they are empty then) or the cycle is abandoned.
pub fn set_marking(on: bool) {
    store_log::clear();
    rgc_incremental_marking.store(on as u32, Ordering::Relaxed);
}

/// Entries in the threads' logs and the hand-off not yet shaded.
pub fn logged_entries() -> usize {
    #[cfg(feature = "std")]
    return store_log::len() + store_log::handed_off();
    #[cfg(not(feature = "std"))]
    return store_log::len();
}

/// Shades every value in the threads' own store logs and empties them;
/// not the hand-off. Returns the calling thread's new log position. Cost:
/// one mark visit per entry, at most [`store_log::STORE_LOG_CAPACITY`] per
/// thread; no user code runs.
pub fn shade_store_logs(rt: &mut Runtime) -> *mut *mut u8 {
    store_log::drain(|old| rt.visit(old, Source::StoreLog))
}

/// Shades everything logged: the hand-off and the threads' logs. Unbounded
/// (the hand-off grows while a collector thread is kept from running), so
/// only for work that is unbounded anyway: a whole cycle in one pause, and
/// the verifier. Increments take the hand-off in chunks
/// ([`shade_handed_off_some`]).
pub fn shade_all_logged(rt: &mut Runtime) -> *mut *mut u8 {
    #[cfg(feature = "std")]
    store_log::drain_handed_off(|old| rt.visit(old, Source::StoreLog));
    shade_store_logs(rt)
}

/// Shades at most `max` entries of the hand-off (the newest; at most 64 a
/// call); returns how many it shaded and how many are left. Only the
/// collector lock's holder calls it. Without a collector thread nothing
/// fills the hand-off: it does not take the hand-off's mutex then (time
/// slicing calls it for every chunk of marking).
pub fn shade_handed_off_some(rt: &mut Runtime, max: usize) -> (usize, usize) {
    #[cfg(feature = "std")]
    if HAND_OFF.load(Ordering::Relaxed) {
        let mut shaded = 0;
        let left = store_log::drain_handed_off_some(max, |old| {
            shaded += 1;
            rt.visit(old, Source::StoreLog)
        });
        return (shaded, left);
    }
    let _ = (rt, max);
    (0, 0)
}

/// `rgc_store_log_flush` without the collector lock: while a collector
/// thread marks, the calling thread's full log is handed to it
/// (`gc_heap::store_log::hand_off`). Null when that does not apply (no
/// collector thread, not marking, a handshake waits for this thread, or it
/// is in a blocking region): the caller takes the locked path, which is
/// also where it parks.
///
/// # Safety
/// `ctx` is the calling thread's context, outside any rgc call.
pub unsafe fn hand_off_unlocked(ctx: *mut shadowstack::Context) -> *mut *mut u8 {
    #[cfg(feature = "std")]
    {
        if !HAND_OFF.load(Ordering::Relaxed) || rgc_incremental_marking.load(Ordering::Relaxed) == 0 {
            return core::ptr::null_mut();
        }
        // SAFETY: caller contract; `local` is null or the thread's live Local.
        let ctx = unsafe { &mut *ctx };
        let Some(local) = (unsafe { ctx.local.as_mut() }) else { return core::ptr::null_mut() };
        if shadowstack::safepoint::requested(&ctx.safepoint) || local.is_blocking() {
            return core::ptr::null_mut();
        }
        // SAFETY: the thread's own Local, outside rgc calls.
        return unsafe { store_log::hand_off(local) };
    }
    #[cfg(not(feature = "std"))]
    {
        let _ = ctx;
        core::ptr::null_mut()
    }
}

/// Logs the value `slot` (a pointer field of `obj`) holds before it is
/// overwritten, as the inline barrier does: into the calling thread's log,
/// or, when that is full, shading every log and the value (the value may
/// be a cell another thread has not had settled yet, so the others stop
/// first, as for any flush).
///
/// # Safety
/// `obj` is a live object and `slot` one of its pointer fields.
#[cold]
#[inline(never)]
pub unsafe fn log_overwritten(rt: &mut Runtime, obj: *mut u8, slot: *mut *mut u8) {
    // SAFETY: caller contract.
    let old = unsafe { *slot };
    if store_log::append(old) {
        return;
    }
    rt.settle_all();
    shade_store_logs(rt);
    let source = Source::Field { obj, offset: slot as usize - obj as usize };
    rt.visit(old, source);
}

/// Shades a weak reference's target that is about to be handed out while marking.
#[cold]
pub fn shade_weak_target(rt: &mut Runtime, weakref: *mut u8, target: *mut u8) {
    rt.visit(target, Source::WeakRef(weakref));
}
