//! Stopping threads that never poll: a suspend signal.
//!
//! rgc's own threads park at safepoints they poll. A Boehm client's
//! threads never poll (bdwgc stops them with signals), so a library that
//! serves such threads turns this on ([`enable`]): a thread stopping the
//! world then sends each thread it waits for the suspend signal
//! ([`kick`]). Its handler, on the interrupted thread
//! ([`crate::safepoint::on_suspend_signal`]):
//! - returns at once if the thread is parked already (it waits for the
//!   collector lock or sits in a blocking region) or no stop is requested
//!   (a late signal);
//! - notes the request if the thread is in a *deferred region*
//!   ([`deferred`]: allocation from its spans, which the collector changes
//!   while the thread is stopped); the region's end parks the thread
//!   through the collector lock, as a poll does;
//! - otherwise publishes the thread's registers and stack and parks right
//!   there: the stack range starts in the handler's own frame, below the
//!   signal frame, which holds every register of the interrupted code
//!   (caller-saved ones too, which a poll never needs). It sleeps on its
//!   flag (a futex) until the stopper lowers it ([`wake`]), then runs on
//!   as a thread leaving a blocking region does, and puts back what it had
//!   published before, in case the signal came between a publication and
//!   the park it was for.
//!
//! There is no restart signal: the futex wakes the thread.
//!
//! Who touches what: [`SIGNAL`] is written once, by [`enable`] before any
//! thread it concerns is registered, and read relaxed; everything else is
//! the safepoint protocol's (`crate::safepoint`, whose loom model covers
//! the handler's decisions).

use crate::safepoint::{on_suspend_signal, suspend, Deferral};
use crate::Local;
use core::ffi::c_int;
use core::sync::atomic::{AtomicI32, AtomicU32, Ordering};

/// The suspend signal, 0 while threads are not stopped with signals.
static SIGNAL: AtomicI32 = AtomicI32::new(0);

/// Why [`enable`] failed: the `errno` of `sigaction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignalError(pub c_int);

/// Stops registered threads with `signal` from now on: installs its
/// handler. Call it before registering the threads it concerns.
pub fn enable(signal: c_int) -> Result<(), SignalError> {
    // SAFETY: a zeroed sigaction is a valid start; the handler is
    // async-signal-safe (atomics, a futex, errno saved and restored).
    unsafe {
        let mut action: libc::sigaction = core::mem::zeroed();
        action.sa_sigaction = on_signal as extern "C" fn(c_int) as usize;
        action.sa_flags = libc::SA_RESTART;
        // Nothing else runs on a stopped thread (a handler that jumped out
        // would leave it running while the collector takes it for stopped),
        // except the faults its own code could raise.
        libc::sigfillset(&mut action.sa_mask);
        for fault in [libc::SIGSEGV, libc::SIGBUS, libc::SIGFPE, libc::SIGILL, libc::SIGTRAP] {
            libc::sigdelset(&mut action.sa_mask, fault);
        }
        if libc::sigaction(signal, &action, core::ptr::null_mut()) != 0 {
            return Err(SignalError(*libc::__errno_location()));
        }
    }
    SIGNAL.store(signal, Ordering::Relaxed);
    Ok(())
}

/// The suspend signal, if threads are stopped with one.
pub fn signal() -> Option<c_int> {
    Some(SIGNAL.load(Ordering::Relaxed)).filter(|&s| s != 0)
}

/// True once [`enable`] succeeded.
#[inline]
pub fn enabled() -> bool {
    SIGNAL.load(Ordering::Relaxed) != 0
}

/// Sends the registered thread `l` the suspend signal (the `kicks`-th time
/// for this stop). A thread that no longer exists is a fatal error: it
/// exited without being unregistered, which its exit hook prevents.
pub(crate) fn kick(l: &Local, _kicks: u32) {
    // SAFETY: `pthread` is the id of a registered thread, which has not
    // finished (it unregisters first, under the lock the caller holds).
    let err = unsafe { libc::pthread_kill(l.pthread as libc::pthread_t, SIGNAL.load(Ordering::Relaxed)) };
    if err != 0 {
        let text = "rgc: collector: cannot send the suspend signal to a registered thread (did it exit without \
                    unregistering?)\n";
        // SAFETY: writes a live buffer of that length to stderr; abort
        // does not return.
        unsafe {
            libc::write(2, text.as_ptr().cast(), text.len());
            libc::abort()
        }
    }
}

/// Wakes a thread sleeping in its handler on `flag` (just lowered).
pub(crate) fn wake(flag: &AtomicU32) {
    if enabled() {
        // SAFETY: a futex wake on an aligned u32 that lives as long as the
        // thread's context; waking nobody is harmless.
        unsafe { libc::syscall(libc::SYS_futex, flag.as_ptr(), libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG, i32::MAX) };
    }
}

/// Sleeps while `flag` is raised (it may return early: the caller checks).
fn sleep_on(flag: &AtomicU32) {
    // SAFETY: a futex wait on an aligned u32 of the thread's own context;
    // it returns at once unless the value is still 1.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            flag.as_ptr(),
            libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
            1u32,
            core::ptr::null::<u8>(),
        )
    };
}

extern "C" fn on_signal(_signal: c_int) {
    // SAFETY: errno is this thread's; the handler must not change what
    // the interrupted code sees in it.
    let errno = unsafe { *libc::__errno_location() };
    let ctx = crate::current();
    // SAFETY: the interrupted thread's own context; `local` is null or its
    // live Local (it cannot detach while interrupted). Fields are reached
    // through raw pointers: the interrupted code may hold a reference to
    // the Local, and touches other fields than these.
    unsafe {
        let local = (*ctx).local;
        if !local.is_null() {
            let flag = &(*ctx).safepoint;
            if on_suspend_signal(flag, &(*local).state, &(*local).deferral) {
                stop_here(local, flag);
            }
        }
        *libc::__errno_location() = errno;
    }
}

/// Runs `f` in a deferred region of the thread whose context is `ctx`
/// (see the module doc): a suspend signal that comes meanwhile is acted
/// on when `f` returns. Just `f()` for a thread that is not attached.
/// Regions do not nest.
///
/// # Safety
/// `ctx` is the calling thread's context, and it holds no lock of rgc's.
#[inline(always)]
pub unsafe fn deferred<R>(ctx: *mut crate::Context, f: impl FnOnce() -> R) -> R {
    // SAFETY: caller contract; `local` is null or the thread's Local,
    // which stays while it is attached (and it detaches only in an rgc
    // call, outside such a region).
    let Some(local) = (unsafe { (*ctx).local.as_ref() }) else { return f() };
    let deferral: &Deferral = &local.deferral;
    deferral.begin();
    let result = f();
    if deferral.end() {
        park_now();
    }
    result
}

/// Stops the calling thread where it is, as its handler would, while its
/// flag is up: a stop requested during a deferred region, or a suspension
/// (`GC_suspend_thread`) that found it outside C code.
#[cold]
#[inline(never)]
fn park_now() {
    let ctx = crate::current();
    // SAFETY: this thread's own context; `local` is null or its Local. It
    // holds no lock of rgc's here (a deferred region never spans the
    // collector lock).
    unsafe {
        let local = (*ctx).local;
        if local.is_null() {
            return;
        }
        let flag = &(*ctx).safepoint;
        if !crate::safepoint::requested(flag) {
            return;
        }
        stop_here(local, flag);
    }
}

/// Publishes the calling thread's registers and stack from here, parks it
/// until its flag goes down, and puts back what it had published before
/// (in case this interrupted a publication and the park it was for).
///
/// # Safety
/// `local` is the calling thread's live Local and `flag` its context's
/// safepoint flag. Fields are reached through raw pointers: code this
/// interrupted may hold a reference to the Local, and touches other fields.
unsafe fn stop_here(local: *mut Local, flag: &AtomicU32) {
    crate::stack::with_registers_spilled(|spill| {
        // SAFETY: caller contract.
        unsafe {
            let regs = core::ptr::addr_of_mut!((*local).regs);
            let lo = core::ptr::addr_of_mut!((*local).stack_lo);
            let before = (regs.read(), lo.read());
            regs.write(*(spill as *const [usize; crate::stack::SPILL_WORDS]));
            lo.write(spill);
            suspend(flag, &(*local).state, || sleep_on(flag));
            regs.write(before.0);
            lo.write(before.1);
        }
    });
}

/// Stops the calling thread here if another thread holds it suspended
/// (`GC_suspend_thread`) and it has just let go of the collector lock or
/// left a blocking region, where no signal could stop it.
pub fn honour_suspension() {
    // SAFETY: this thread's own context; `local` is null or its Local.
    let held = unsafe { (*crate::current()).local.as_ref() }
        .is_some_and(|l| l.suspended_ext.load(core::sync::atomic::Ordering::Relaxed) != 0);
    if held {
        park_now();
    }
}
