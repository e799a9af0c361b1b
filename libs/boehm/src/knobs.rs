//! bdwgc's tuning variables with their getters and setters.
//!
//! Honoured, through the conservative plan: `GC_dont_gc` (the count
//! `GC_disable` raises), `GC_find_leak`, `GC_no_dls`,
//! `GC_free_space_divisor` and the automatic-collection switch. C may
//! write the exported variables at any time, so [`apply`] copies them
//! into the plan at every entry into the collector.
//!
//! Kept and reported, with nothing in rgc to apply them to (each has a
//! row in `libs/boehm/README.md`'s differences table): the incremental
//! mode's time limit and rate, the generational `GC_full_freq`, heap
//! expansion (`GC_dont_expand`, `GC_max_retries`, `GC_use_entire_heap`,
//! `GC_min_bytes_allocd`, `GC_set_max_prior_attempts`), pre-collection of
//! roots, executable pages, `GC_java_finalization`, the manual dirty-bit
//! switch, the finalizer allocation credit, the stop function and the
//! heap-resize and await-finalize callbacks. The defaults are bdwgc 8.2's.

use crate::state::{warn_text, CVar, GcWord, FREE_SPACE_DIVISOR};
use core::ffi::{c_int, c_ulong, c_void};
use gc_marksweep::ConservativeGc;

/// An exported variable and its getter and setter.
macro_rules! exported {
    ($(#[$doc:meta])* $var:ident: $t:ty = $default:expr, $get:ident, $set:ident) => {
        $(#[$doc])*
        #[no_mangle]
        pub static $var: CVar<$t> = CVar::new($default);
        #[no_mangle]
        pub extern "C" fn $get() -> $t {
            $var.get()
        }
        #[no_mangle]
        pub extern "C" fn $set(value: $t) {
            $var.set(value)
        }
    };
}

/// A setting with no exported variable, and its getter and setter.
macro_rules! setting {
    ($(#[$doc:meta])* $name:ident: $t:ty = $default:expr, $get:ident, $set:ident) => {
        $(#[$doc])*
        static $name: CVar<$t> = CVar::new($default);
        #[no_mangle]
        pub extern "C" fn $get() -> $t {
            $name.get()
        }
        #[no_mangle]
        pub extern "C" fn $set(value: $t) {
            $name.set(value)
        }
    };
}

/// `GC_dont_gc`: collection is off while it is non-zero; `GC_disable`
/// adds one, `GC_enable` takes one away (`GC_DONT_GC` starts it at 1).
#[no_mangle]
pub static GC_dont_gc: CVar<c_int> = CVar::new(0);

exported! {
    /// Leak finding: every collection reports the objects it frees that
    /// the program never freed (`crate::debugging::report_leaks`).
    GC_find_leak: c_int = 0, GC_get_find_leak, GC_set_find_leak
}
exported! {
    /// Non-zero: the data segments of shared libraries are not scanned.
    GC_no_dls: c_int = 0, GC_get_no_dls, GC_set_no_dls
}
exported! {
    /// Kept: rgc orders finalizers topologically whatever its value.
    GC_java_finalization: c_int = 1, GC_get_java_finalization, GC_set_java_finalization
}
exported! {
    /// Kept: every rgc collection is a full one.
    GC_full_freq: c_int = 19, GC_get_full_freq, GC_set_full_freq
}
exported! {
    /// Kept: rgc grows the heap by its growth policy.
    GC_dont_expand: c_int = 0, GC_get_dont_expand, GC_set_dont_expand
}
exported! {
    /// Kept: a failed allocation is retried once, after a collection.
    GC_max_retries: GcWord = 0, GC_get_max_retries, GC_set_max_retries
}
exported! {
    /// Kept: rgc has no incremental mode here (999999 is bdwgc's "no limit").
    GC_time_limit: c_ulong = 999_999, GC_get_time_limit, GC_set_time_limit
}
/// `GC_use_entire_heap`: kept.
#[no_mangle]
pub static GC_use_entire_heap: CVar<c_int> = CVar::new(0);

setting! {
    /// Non-zero: collections happen only when asked for (`GC_gcollect`).
    DISABLE_AUTOMATIC_COLLECTION: c_int = 0,
    GC_get_disable_automatic_collection,
    GC_set_disable_automatic_collection
}
setting! {
    /// Kept (incremental mode).
    RATE: c_int = 10, GC_get_rate, GC_set_rate
}
setting! {
    /// Kept (incremental mode).
    MAX_PRIOR_ATTEMPTS: c_int = 1, GC_get_max_prior_attempts, GC_set_max_prior_attempts
}
setting! {
    /// Kept: rgc's allowance between collections comes from its growth policy.
    MIN_BYTES_ALLOCD: usize = 1, GC_get_min_bytes_allocd, GC_set_min_bytes_allocd
}
exported! {
    /// Kept: rgc scans the roots once, inside the collection.
    GC_dont_precollect: c_int = 0, GC_get_dont_precollect, GC_set_dont_precollect
}
setting! {
    /// Kept: finalizers do not earn allocation credit.
    ALLOCD_BYTES_PER_FINALIZER: GcWord = 10_000,
    GC_get_allocd_bytes_per_finalizer,
    GC_set_allocd_bytes_per_finalizer
}
setting! {
    /// Kept: rgc keeps no dirty bits.
    MANUAL_VDB_ALLOWED: c_int = 0, GC_get_manual_vdb_allowed, GC_set_manual_vdb_allowed
}
setting! {
    /// `GC_stop_func`: kept, not polled (a collection is one short pause).
    STOP_FUNC: Option<unsafe extern "C" fn() -> c_int> = None, GC_get_stop_func, GC_set_stop_func
}
exported! {
    /// Kept, never called.
    GC_on_heap_resize: Option<unsafe extern "C" fn(GcWord)> = None, GC_get_on_heap_resize, GC_set_on_heap_resize
}
setting! {
    /// Kept, never called.
    AWAIT_FINALIZE: Option<unsafe extern "C" fn(*mut c_void)> = None,
    GC_get_await_finalize_proc,
    GC_set_await_finalize_proc
}

/// `GC_set_pages_executable`: rgc's heap pages are never executable, so a
/// request for executable pages is refused with a warning.
#[no_mangle]
pub extern "C" fn GC_set_pages_executable(on: c_int) {
    if on != 0 {
        warn_text("rgc: GC_set_pages_executable(1): rgc's heap is never executable; the request is ignored");
    }
}
#[no_mangle]
pub extern "C" fn GC_get_pages_executable() -> c_int {
    0
}

/// `GC_incremental_protection_needs`: `GC_PROTECTS_NONE` (0): rgc never
/// write-protects the heap (there is no incremental mode here).
#[no_mangle]
pub extern "C" fn GC_incremental_protection_needs() -> c_int {
    0
}

/// `struct GC_timeval_s`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Timeval {
    pub tv_ms: c_ulong,
    pub tv_nsec: c_ulong,
}

/// `GC_set_time_limit_tv`: kept, as `GC_set_time_limit` (milliseconds;
/// the nanoseconds are kept too).
#[no_mangle]
pub extern "C" fn GC_set_time_limit_tv(tv: Timeval) {
    GC_time_limit.set(tv.tv_ms);
    TIME_LIMIT_NS.set(tv.tv_nsec);
}
static TIME_LIMIT_NS: CVar<c_ulong> = CVar::new(0);
#[no_mangle]
pub extern "C" fn GC_get_time_limit_tv() -> Timeval {
    Timeval { tv_ms: GC_time_limit.get(), tv_nsec: TIME_LIMIT_NS.get() }
}

/// The divisor last turned into the growth percent: writing
/// `GC_free_space_divisor` directly takes effect at the next call into
/// the collector, when it differs from this.
static APPLIED_DIVISOR: CVar<GcWord> = CVar::new(3);

/// Copies the honoured variables into the plan (every entry, since C may
/// have written them).
#[inline]
pub fn apply(c: &mut ConservativeGc) {
    c.plan.disabled = GC_dont_gc.get().max(0) as u32;
    c.plan.find_leaks = GC_find_leak.get() != 0;
    c.plan.skip_libraries = GC_no_dls.get() != 0;
    c.plan.only_on_request = DISABLE_AUTOMATIC_COLLECTION.get() != 0;
    let divisor = FREE_SPACE_DIVISOR.get();
    if divisor != APPLIED_DIVISOR.get() {
        set_divisor(c, divisor);
    }
}

/// Collect once about heap / `divisor` bytes were allocated.
pub fn set_divisor(c: &mut ConservativeGc, divisor: GcWord) {
    let divisor = divisor.max(1);
    FREE_SPACE_DIVISOR.set(divisor);
    APPLIED_DIVISOR.set(divisor);
    c.rt.set_growth_percent((100 / divisor).max(1) as u32);
}
