//! What rgc needs from the platform: a monotonic clock, somewhere to write
//! an error message, a way to stop, and (optionally) environment variables.
//!
//! On an operating system these come from libc (`clock_gettime`, `write` to
//! fd 2, `abort`, `getenv`), with or without `std`. On a bare-metal target
//! (`target_os = "none"`, such as `thumbv7em-none-eabihf`) there is no libc
//! to rely on, so the program supplies three C functions, declared in
//! `rgc.h` under "Bare-metal platform hooks":
//!
//! | hook | used for |
//! |------|----------|
//! | `uint64_t rgc_platform_now_ns(void)` | event timestamps, pause times, the incremental pacer |
//! | `void rgc_platform_write(const char *msg, size_t len)` | the one-line `rgc: <call>: …` error messages |
//! | `void rgc_platform_abort(void)` (must not return) | what a fatal error does after its message |
//!
//! A missing hook is a link error naming it, never a silent default. There
//! are no environment variables on a board: `RGC_*` overrides are ignored
//! and `rgc_config` alone decides.

/// Whether this build can get memory from the system (malloc and mmap).
/// Without it (no `std`), `rgc_init` needs a region.
pub const HAS_SYSTEM_MEMORY: bool = cfg!(feature = "std");

pub use imp::{abort, getenv, now_ns, write_message};

/// Processors this process may run on: its CPU affinity (so `taskset -c 0`
/// gives 1), else the online processors, else 1. Allocates nothing (region
/// mode's programs trap malloc), unlike `std::thread::available_parallelism`,
/// which reads cgroup files.
#[cfg(feature = "std")]
pub fn cores() -> usize {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: an all-zero cpu_set_t is a valid empty set; the call
        // writes at most its size.
        let n = unsafe {
            let mut set: libc::cpu_set_t = core::mem::zeroed();
            if libc::sched_getaffinity(0, core::mem::size_of::<libc::cpu_set_t>(), &mut set) == 0 {
                libc::CPU_COUNT(&set)
            } else {
                0
            }
        };
        if n > 0 {
            return n as usize;
        }
    }
    // SAFETY: sysconf has no preconditions.
    let online = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) };
    usize::try_from(online).ok().filter(|&n| n > 0).unwrap_or(1)
}

#[cfg(not(target_os = "none"))]
mod imp {
    use alloc::string::String;
    use core::ffi::CStr;

    /// `CLOCK_MONOTONIC` in nanoseconds.
    #[inline]
    pub fn now_ns() -> u64 {
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: `ts` is a valid, writable timespec; CLOCK_MONOTONIC always exists on Linux.
        unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
        ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
    }

    /// Writes `msg` to stderr (fd 2).
    pub fn write_message(msg: &[u8]) {
        // SAFETY: `msg` is readable for its length; fd 2 may be closed, in
        // which case write fails harmlessly.
        unsafe { libc::write(2, msg.as_ptr().cast(), msg.len()) };
    }

    /// Stops the process.
    pub fn abort() -> ! {
        // SAFETY: abort has no preconditions.
        unsafe { libc::abort() }
    }

    /// The environment variable `name` (a short ASCII constant), if set.
    pub fn getenv(name: &str) -> Option<String> {
        let mut buf = [0u8; 64];
        buf[..name.len()].copy_from_slice(name.as_bytes());
        // SAFETY: `buf` is NUL-terminated (names are short constants).
        let v = unsafe { libc::getenv(buf.as_ptr().cast()) };
        if v.is_null() {
            return None;
        }
        // SAFETY: getenv returns a NUL-terminated string owned by the environment.
        Some(String::from_utf8_lossy(unsafe { CStr::from_ptr(v) }.to_bytes()).into_owned())
    }
}

#[cfg(target_os = "none")]
mod imp {
    use alloc::string::String;

    extern "C" {
        fn rgc_platform_now_ns() -> u64;
        fn rgc_platform_write(msg: *const u8, len: usize);
        fn rgc_platform_abort() -> !;
    }

    /// The program's monotonic clock, in nanoseconds.
    #[inline]
    pub fn now_ns() -> u64 {
        // SAFETY: the hook takes no arguments; rgc.h documents that it must
        // be callable at any time after rgc_init is called.
        unsafe { rgc_platform_now_ns() }
    }

    /// Hands `msg` to the program's message hook.
    pub fn write_message(msg: &[u8]) {
        // SAFETY: `msg` is readable for `len` bytes, as the hook expects.
        unsafe { rgc_platform_write(msg.as_ptr(), msg.len()) }
    }

    /// Calls the program's abort hook.
    pub fn abort() -> ! {
        // SAFETY: the hook has no preconditions and does not return (rgc.h).
        unsafe { rgc_platform_abort() }
    }

    /// A board has no environment.
    pub fn getenv(_name: &str) -> Option<String> {
        None
    }
}
