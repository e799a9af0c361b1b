//! The atomics the safepoint protocol uses: `loom`'s under `cfg(loom)`
//! (its model test), `core`'s otherwise.

#[cfg(loom)]
pub use loom::sync::atomic::{fence, AtomicU32, AtomicUsize, Ordering};

#[cfg(not(loom))]
pub use core::sync::atomic::{fence, AtomicU32, AtomicUsize, Ordering};

/// Orders a thread's accesses against its own signal handler only (no
/// instruction); `loom` runs no signal handlers, so there it does nothing.
pub use core::sync::atomic::compiler_fence;

/// One round of waiting for another thread: spin briefly, then give the
/// processor away (another thread may need it to reach its safepoint,
/// which matters when threads outnumber cores).
#[inline]
pub fn spin(attempt: &mut u32) {
    *attempt = attempt.saturating_add(1);
    #[cfg(loom)]
    loom::thread::yield_now();
    #[cfg(not(loom))]
    {
        if *attempt < 64 {
            core::hint::spin_loop();
        } else {
            yield_now();
        }
    }
}

#[cfg(all(not(loom), not(target_os = "none")))]
fn yield_now() {
    // SAFETY: sched_yield has no preconditions.
    unsafe { libc::sched_yield() };
}

/// One thread on a board: nothing to yield to.
#[cfg(all(not(loom), target_os = "none"))]
fn yield_now() {
    core::hint::spin_loop();
}

/// ThreadSanitizer cannot see this crate's atomics (Rust's standard library
/// is not instrumented), so a build for the C side's ThreadSanitizer run
/// (`--cfg rgc_tsan`) tells it about each acquire and release of the
/// safepoint protocol; otherwise these do nothing. Without them, C code on
/// two threads that the protocol orders (an object written by one thread,
/// freed by a collection, its cell handed to another) looks like a race.
#[cfg(rgc_tsan)]
mod tsan {
    extern "C" {
        fn __tsan_acquire(addr: *mut core::ffi::c_void);
        fn __tsan_release(addr: *mut core::ffi::c_void);
    }
    pub fn acquire<T>(at: &T) {
        // SAFETY: an annotation; TSan only records the address.
        unsafe { __tsan_acquire(at as *const T as *mut core::ffi::c_void) }
    }
    pub fn release<T>(at: &T) {
        // SAFETY: as above.
        unsafe { __tsan_release(at as *const T as *mut core::ffi::c_void) }
    }
}
#[cfg(not(rgc_tsan))]
mod tsan {
    #[inline(always)]
    pub fn acquire<T>(_at: &T) {}
    #[inline(always)]
    pub fn release<T>(_at: &T) {}
}
pub use tsan::{acquire as tsan_acquire, release as tsan_release};
