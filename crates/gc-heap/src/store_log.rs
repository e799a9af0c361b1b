//! The store logs: per thread, a fixed buffer that `RGC_STORE` fills with
//! inline C.
//!
//! Collectors whose barrier records pointers (the incremental collector's
//! overwritten values, reference counting's decremented objects) let the C
//! fast path append to the calling thread's log (`rgc_thread.log`,
//! [`shadowstack::StoreLog`]) without a call; only a full log calls
//! `rgc_store_log_flush`, which hands the entries to the collector
//! ([`drain`]) and returns the emptied log. A barrier that *calls* rgc on
//! every store makes the C compiler reload values around each store (30 %
//! on richards, measured for the incremental collector), hence the buffer.
//!
//! Threading rule: a thread's log is written by its own inline barrier and
//! read by the collector only while that thread is inside an rgc call or
//! stopped. [`drain`] and [`len`] read every attached thread's log, so they
//! run where [`crate::Gc`] has stopped the world (it does before every
//! plan call under a concurrent plan; `refcount` runs one thread).
//! A log's entries live in the thread's [`shadowstack::Local`], from attach
//! to detach; a thread that detaches hands its entries over first
//! ([`crate::Gc`]'s `retire_thread`).

use core::ptr::null_mut;

pub use shadowstack::STORE_LOG_CAPACITY;

/// Entries in every attached thread's log not yet drained.
pub fn len() -> usize {
    let mut n = 0;
    // SAFETY: the module's threading rule: every other thread is stopped.
    unsafe { shadowstack::for_each_local(|l| n += l.log_len()) };
    n
}

/// Calls `f` with each entry of every attached thread's log (each thread's
/// oldest first) and empties the logs. Returns the calling thread's log
/// position for C (null if it is not attached).
pub fn drain(mut f: impl FnMut(*mut u8)) -> *mut *mut u8 {
    // SAFETY: the module's threading rule.
    unsafe { shadowstack::for_each_local(|l| l.drain_log(&mut f)) };
    // SAFETY: inside an rgc call, so no other code touches the caller's Local.
    unsafe { shadowstack::current_local() }.map_or(null_mut(), |l| l.log_pos())
}

/// Empties every attached thread's log without looking at the entries
/// (they point into a heap that is going away, or the barrier that logged
/// them is being turned off after marking has taken every entry).
pub fn clear() {
    drain(|_| {});
}

/// Appends `value` to the calling thread's log from Rust (the generic
/// `rgc_write_barrier`); false when the log is full or the thread is not
/// attached (the caller then shades at once).
pub fn append(value: *mut u8) -> bool {
    // SAFETY: inside an rgc call, so no other code touches the caller's Local.
    let Some(local) = (unsafe { shadowstack::current_local() }) else { return false };
    if local.log_len() == STORE_LOG_CAPACITY {
        return false;
    }
    // SAFETY: the caller's own, attached context: the log has room, so
    // `pos` points at a free entry.
    unsafe {
        let log = &mut (*local.ctx).log;
        log.pos.write(value);
        log.pos = log.pos.add(1);
    }
    true
}
