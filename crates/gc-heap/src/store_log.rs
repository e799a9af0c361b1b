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

#[cfg(feature = "std")]
pub use handoff::{drain_handed_off, drain_handed_off_some, hand_off, hand_off_value, handed_off, RecentValues};

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

/// The hand-off: where a thread's full log goes while a collector thread
/// marks (the incremental collector's `background`), so that a full log
/// costs the thread a copy under a small mutex, not the collector lock
/// and a stop of the world.
///
/// Who touches it: any attached thread appends ([`hand_off`], its own log,
/// outside rgc calls, while it runs); the holder of the collector lock
/// takes the entries ([`drain_handed_off`]), the collector thread between
/// chunks of marking, any thread at a handshake. The mutex orders both.
/// Entries handed off count as grey until taken and shaded: the handshake
/// that judges termination takes them all first, with the world stopped,
/// so none can be missed (a thread's hand-off completes before it parks).
#[cfg(feature = "std")]
mod handoff {
    use std::sync::{Mutex, MutexGuard};
    use std::vec::Vec;

    /// Overwritten values handed off and not yet taken.
    struct Entries(Vec<*mut u8>);
    // SAFETY: the pointers are heap addresses used as values; the mutex
    // serialises every access to the vector.
    unsafe impl Send for Entries {}

    static HANDED_OFF: Mutex<Entries> = Mutex::new(Entries(Vec::new()));

    /// The hand-off, locked. ThreadSanitizer cannot see the standard
    /// library's mutex (it is not instrumented), but it sees the vector's
    /// `malloc` and `memcpy`: the lock and unlock are announced to it
    /// (`shadowstack::tsan_acquire`, nothing outside its build).
    struct Locked(MutexGuard<'static, Entries>);

    impl Drop for Locked {
        fn drop(&mut self) {
            // Before the guard's own drop unlocks.
            shadowstack::tsan_release(&HANDED_OFF);
        }
    }

    impl core::ops::Deref for Locked {
        type Target = Vec<*mut u8>;
        fn deref(&self) -> &Vec<*mut u8> {
            &self.0 .0
        }
    }

    impl core::ops::DerefMut for Locked {
        fn deref_mut(&mut self) -> &mut Vec<*mut u8> {
            &mut self.0 .0
        }
    }

    fn lock() -> Locked {
        let guard = HANDED_OFF.lock().unwrap_or_else(|e| e.into_inner());
        shadowstack::tsan_acquire(&HANDED_OFF);
        Locked(guard)
    }

    /// Moves the entries of the calling thread's log to the hand-off and
    /// empties the log; returns the log's new position. Most repeats of a
    /// value within the log are left out ([`RecentValues`]), before the
    /// mutex is taken.
    ///
    /// # Safety
    /// `local` is the calling thread's, attached; no other code touches it
    /// meanwhile (the thread is running, outside any rgc call).
    pub unsafe fn hand_off(local: &mut shadowstack::Local) -> *mut *mut u8 {
        let mut kept = [core::ptr::null_mut(); super::STORE_LOG_CAPACITY];
        let mut n = 0;
        let mut recent = RecentValues::new();
        local.drain_log(|e| {
            if recent.is_new(e) {
                kept[n] = e;
                n += 1;
            }
        });
        lock().extend_from_slice(&kept[..n]);
        local.log_pos()
    }

    /// A filter of the values a log has just given: a direct-mapped table
    /// of [`RecentValues::SLOTS`] entries. Shading a value twice does
    /// nothing the first time did not, so a repeat may be dropped, and
    /// only an exact repeat is (a collision lets a value through). The
    /// collector thread shades what the mutators hand off, and a program
    /// that keeps overwriting the same few objects logs them over and
    /// over: richards handed off 35 to 122 million entries a run (80 000
    /// in a millisecond, more than the thread shades between its chunks of
    /// marking), and fewer than a million with this filter.
    pub struct RecentValues([*mut u8; RecentValues::SLOTS]);

    impl RecentValues {
        /// Slots: a power of two; 64 pointers are one 512-byte table on
        /// the stack of a thread whose log is full.
        pub const SLOTS: usize = 64;

        pub fn new() -> RecentValues {
            RecentValues([core::ptr::null_mut(); RecentValues::SLOTS])
        }

        /// False when `value` is in the table (seen already); else it is
        /// put there (in place of the value its slot held), and true.
        #[inline]
        pub fn is_new(&mut self, value: *mut u8) -> bool {
            let slot = &mut self.0[RecentValues::slot_of(value)];
            if *slot == value {
                return false;
            }
            *slot = value;
            true
        }

        /// Fibonacci hashing of the granule address: neighbouring objects
        /// spread over the table.
        #[inline]
        pub(crate) fn slot_of(value: *mut u8) -> usize {
            let hash = (value as usize >> 4).wrapping_mul(0x9E37_79B9_7F4A_7C15u64 as usize);
            hash >> (usize::BITS - RecentValues::SLOTS.trailing_zeros())
        }
    }

    impl Default for RecentValues {
        fn default() -> RecentValues {
            RecentValues::new()
        }
    }

    /// Hands off one value to shade (a lock holder's shading while the
    /// marker is lent, `crate::lend` rule 5).
    pub fn hand_off_value(value: *mut u8) {
        if !value.is_null() {
            lock().push(value);
        }
    }

    /// Entries handed off and not yet taken.
    pub fn handed_off() -> usize {
        lock().len()
    }

    /// Calls `f` with at most `max` handed-off entries (the newest) and
    /// forgets them; the rest wait (the lent marker, which must notice a
    /// recall within a chunk of work). Returns how many are left.
    pub fn drain_handed_off_some(max: usize, mut f: impl FnMut(*mut u8)) -> usize {
        let mut taken = [core::ptr::null_mut(); 64];
        let (n, left) = {
            let mut entries = lock();
            let n = entries.len().min(max).min(taken.len());
            let from = entries.len() - n;
            taken[..n].copy_from_slice(&entries[from..]);
            entries.truncate(from);
            (n, entries.len())
        };
        taken[..n].iter().for_each(|&e| f(e));
        left
    }

    /// Calls `f` with every handed-off entry, oldest first, and forgets
    /// them (the collector lock's holder). The mutex is not held while `f`
    /// runs, so threads hand off meanwhile; the vector's memory is reused.
    pub fn drain_handed_off(mut f: impl FnMut(*mut u8)) {
        let mut taken = core::mem::take(&mut *lock());
        taken.iter().for_each(|&e| f(e));
        taken.clear();
        let mut entries = lock();
        if entries.is_empty() {
            *entries = taken;
        }
    }
}

#[cfg(all(test, feature = "std"))]
pub(crate) mod tests {
    use super::*;

    /// Serialises the tests that use the process's one hand-off.
    pub(crate) static HAND_OFF: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[test]
    fn recent_values_drop_exact_repeats_only() {
        let mut recent = RecentValues::new();
        let (a, b) = (0x1000 as *mut u8, 0x2000 as *mut u8);
        assert!(recent.is_new(a));
        assert!(recent.is_new(b));
        assert!(!recent.is_new(a), "a repeat");
        assert!(!recent.is_new(b), "a repeat");
        // Values that share a slot evict each other: each is let through.
        let c =
            (1..).map(|i| (0x1000 + 16 * i) as *mut u8).find(|&v| RecentValues::slot_of(v) == RecentValues::slot_of(a));
        let c = c.unwrap();
        assert!(recent.is_new(c));
        assert!(recent.is_new(a), "evicted by c, so new again");
    }

    /// A full log handed off arrives without its repeats, in order.
    #[test]
    #[cfg_attr(miri, ignore = "the thread's context is a C thread-local Miri cannot call")]
    fn a_log_is_handed_off_without_repeats() {
        let _serial = HAND_OFF.lock().unwrap_or_else(|e| e.into_inner());
        shadowstack::attach_current(16).unwrap();
        let values: [usize; 7] = [0x1000, 0x2000, 0x1000, 0x1000, 0x3000, 0x2000, 0x4000];
        for v in values {
            assert!(append(v as *mut u8));
        }
        // SAFETY: this thread's own Local, attached above, outside any rgc call.
        let local = unsafe { shadowstack::current_local() }.unwrap();
        // SAFETY: as above.
        unsafe { hand_off(local) };
        assert_eq!(local.log_len(), 0, "the log is emptied");
        let mut got = std::vec::Vec::new();
        drain_handed_off(|v| got.push(v as usize));
        assert_eq!(got, [0x1000, 0x2000, 0x3000, 0x4000]);
        shadowstack::detach_current();
    }
}
