//! Each parked thread's C stack and registers, for the conservative
//! collector, which scans every attached thread's stack.
//!
//! A thread that parks (waits for the collector lock, is stopped at a
//! safepoint, or enters a blocking region) first spills its callee-saved
//! registers into its [`Local`] and records the lowest address of its
//! callers' frames ([`publish`]): everything the C code above it holds,
//! in frames or registers, is then in `Local::regs` or in
//! `[stack_lo, stack_hi)`. Caller-saved registers are dead across the call
//! into rgc. A thread in a blocking region keeps running below that
//! address; the frames above it are the ones that called
//! `rgc_enter_blocking`, which stay put until `rgc_leave_blocking`.
//!
//! Threading rule: `regs`, `stack_lo` and `stack_hi` are written by their
//! own thread before it publishes `PARKED` (release) and read by the
//! collector after it has seen `PARKED` (acquire) with the world stopped;
//! a thread that leaves a blocking region and must park again
//! ([`crate::safepoint::unblock`]) does not publish again, so the collector
//! never reads them while they change.
//!
//! Publishing costs a few stores per park, paid only while a conservative
//! collector asked for it ([`set_publishing`]).

use crate::Local;
use core::sync::atomic::{AtomicBool, Ordering};

/// Callee-saved registers spilled per thread (the most of any supported
/// architecture: riscv64's s0-s11).
pub const SPILL_WORDS: usize = 12;

/// Whether parking threads publish their stacks. Written by a collector's
/// initialisation (before other threads attach), read relaxed at each park.
static PUBLISHING: AtomicBool = AtomicBool::new(false);

/// Makes every thread publish its stack and registers when it parks.
pub fn set_publishing(on: bool) {
    PUBLISHING.store(on, Ordering::Relaxed);
}

/// Records `local`'s registers and the bottom of its callers' frames, if
/// a conservative collector asked for it. Called by the thread itself just
/// before it parks.
#[inline]
pub(crate) fn publish(local: &mut Local) {
    if PUBLISHING.load(Ordering::Relaxed) {
        publish_now(local);
    }
}

#[inline(never)]
fn publish_now(local: &mut Local) {
    with_registers_spilled(|spill| {
        // SAFETY: `spill` is SPILL_WORDS words of this frame's buffer.
        local.regs.copy_from_slice(unsafe { core::slice::from_raw_parts(spill as *const usize, SPILL_WORDS) });
        local.stack_lo = spill;
    });
    if local.stack_hi == 0 {
        local.stack_hi = query_base();
    }
}

/// Calls `f` with the address of a stack buffer holding the callee-saved
/// registers ([`SPILL_WORDS`] words); every frame of the callers lies above it.
#[inline(never)]
pub fn with_registers_spilled<R>(f: impl FnOnce(usize) -> R) -> R {
    let mut spill = [0usize; SPILL_WORDS];
    let at = spill.as_mut_ptr();
    // SAFETY: stores callee-saved registers into `spill` (12 words); reads
    // the registers, changes nothing else.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        core::arch::asm!(
            "mov [{at}], rbx", "mov [{at} + 8], rbp", "mov [{at} + 16], r12",
            "mov [{at} + 24], r13", "mov [{at} + 32], r14", "mov [{at} + 40], r15",
            at = in(reg) at, options(nostack, preserves_flags)
        )
    };
    // SAFETY: as above.
    #[cfg(target_arch = "aarch64")]
    unsafe {
        core::arch::asm!(
            "stp x19, x20, [{at}]", "stp x21, x22, [{at}, #16]", "stp x23, x24, [{at}, #32]",
            "stp x25, x26, [{at}, #48]", "stp x27, x28, [{at}, #64]", "stp x29, x30, [{at}, #80]",
            at = in(reg) at, options(nostack, preserves_flags)
        )
    };
    // SAFETY: as above.
    #[cfg(target_arch = "riscv64")]
    unsafe {
        core::arch::asm!(
            "sd s0, 0({at})", "sd s1, 8({at})", "sd s2, 16({at})", "sd s3, 24({at})",
            "sd s4, 32({at})", "sd s5, 40({at})", "sd s6, 48({at})", "sd s7, 56({at})",
            "sd s8, 64({at})", "sd s9, 72({at})", "sd s10, 80({at})", "sd s11, 88({at})",
            at = in(reg) at, options(nostack, preserves_flags)
        )
    };
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64", target_arch = "riscv64")))]
    compile_error!("--gc=conservative needs the callee-saved registers of this architecture spelled out here");
    core::hint::black_box(&mut spill);
    let r = f(at as usize);
    core::hint::black_box(&spill);
    r
}

/// The highest address of the calling thread's stack.
pub fn query_base() -> usize {
    // SAFETY: a zeroed attr is filled by pthread_getattr_np before use and
    // destroyed after; the out-pointers are valid locals.
    unsafe {
        let mut attr: libc::pthread_attr_t = core::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            stack_unknown("pthread_getattr_np failed");
        }
        let (mut addr, mut size) = (core::ptr::null_mut(), 0usize);
        let ok = libc::pthread_attr_getstack(&attr, &mut addr, &mut size) == 0;
        libc::pthread_attr_destroy(&mut attr);
        if !ok {
            stack_unknown("pthread_attr_getstack failed");
        }
        addr as usize + size
    }
}

#[cold]
fn stack_unknown(why: &str) -> ! {
    // No gc_api here (it depends on this crate): the same message shape.
    for part in ["rgc: collector: ", why, ": cannot find this thread's stack to scan it\n"] {
        // SAFETY: writes a live buffer of that length to stderr.
        unsafe { libc::write(2, part.as_ptr().cast(), part.len()) };
    }
    // SAFETY: abort does not return.
    unsafe { libc::abort() }
}
