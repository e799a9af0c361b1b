//! Region mode's table area: where every Rust allocation rgc makes goes
//! once `rgc_init` was given a region.
//!
//! Each collector library installs [`RgcAllocator`] as its global
//! allocator. While a [`TableArea`] is active (between `rgc_init` with a
//! region and `rgc_shutdown`) it serves every allocation from the first
//! `meta_bytes` of the caller's region, through a first-fit free list
//! ([`crate::free_list`]); otherwise it forwards to the system allocator
//! (`std` builds) or fails (`no_std` builds, which have none). Freeing goes
//! by address, so a block the system allocator handed out before init can
//! still be freed after it.
//!
//! Invariants:
//! 1. The area is active only between [`activate`] and [`deactivate`], and
//!    [`deactivate`] succeeds only when every block it handed out has been
//!    freed: after `rgc_shutdown` nothing of rgc's points into the region.
//! 2. An allocation the area cannot serve is a clear fatal error naming
//!    `meta_bytes`, unless it was made inside [`fallibly`], where it returns
//!    null so that the caller can take the OOM path (`Vec::try_reserve`).
//!
//! rgc allocates its tables under the collector lock (attaching a thread
//! included), so this lock is uncontended in practice; it exists because
//! `GlobalAlloc` may be called from any thread. [`fallibly`]'s count is
//! global for the same reason: only the collector lock's holder uses it.

use crate::free_list::FreeList;
use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The table area of the process's one collector instance.
pub struct TableArea {
    lock: AtomicBool,
    free_list: UnsafeCell<FreeList>,
    /// `[lo, hi)` while active; both 0 otherwise.
    lo: AtomicUsize,
    hi: AtomicUsize,
    /// Nesting depth of [`fallibly`].
    fallible: AtomicUsize,
    /// Most bytes in use at once since activation (what `meta_bytes` must cover).
    peak: AtomicUsize,
}

// SAFETY: `free_list` is only touched with `lock` held.
unsafe impl Sync for TableArea {}

static AREA: TableArea = TableArea {
    lock: AtomicBool::new(false),
    free_list: UnsafeCell::new(FreeList::empty()),
    lo: AtomicUsize::new(0),
    hi: AtomicUsize::new(0),
    fallible: AtomicUsize::new(0),
    peak: AtomicUsize::new(0),
};

impl TableArea {
    fn with_free_list<R>(&self, f: impl FnOnce(&mut FreeList) -> R) -> R {
        while self.lock.swap(true, Ordering::Acquire) {
            core::hint::spin_loop();
        }
        // SAFETY: the lock is held, so this is the only reference.
        let r = f(unsafe { &mut *self.free_list.get() });
        self.lock.store(false, Ordering::Release);
        r
    }

    #[inline]
    fn is_active(&self) -> bool {
        self.hi.load(Ordering::Relaxed) != 0
    }

    #[inline]
    fn contains(&self, p: *mut u8) -> bool {
        let a = p as usize;
        a >= self.lo.load(Ordering::Relaxed) && a < self.hi.load(Ordering::Relaxed)
    }

    fn alloc(&self, layout: Layout) -> *mut u8 {
        let got = self.with_free_list(|fl| {
            let r = fl.allocate_first_fit(layout);
            self.peak.fetch_max(fl.used(), Ordering::Relaxed);
            r
        });
        match got {
            Some(p) => p,
            None if self.fallible.load(Ordering::Relaxed) > 0 => core::ptr::null_mut(),
            None => self.exhausted(layout.size()),
        }
    }

    #[cold]
    #[inline(never)]
    fn exhausted(&self, bytes: usize) -> ! {
        let (size, used) = self.with_free_list(|fl| (fl.size(), fl.used()));
        crate::fatal!(
            "region",
            "the table area is full: cannot allocate ",
            bytes,
            " bytes for the collector's tables (",
            used,
            " of meta_bytes ",
            size,
            " in use); raise rgc_config.meta_bytes (RGC_META_BYTES)"
        )
    }
}

/// Starts serving allocations from `[base, base + len)`.
///
/// # Safety
/// 1. The range is writable and used by nothing else until [`deactivate`]
///    succeeds.
/// 2. No area is active.
pub unsafe fn activate(base: *mut u8, len: usize) {
    debug_assert!(!AREA.is_active(), "a table area is already active");
    AREA.with_free_list(|fl| {
        // SAFETY: rule 1; the free list was empty (rule 2).
        *fl = unsafe { FreeList::new(base, len) };
    });
    AREA.peak.store(0, Ordering::Relaxed);
    AREA.lo.store(base as usize, Ordering::Relaxed);
    AREA.hi.store(base as usize + len, Ordering::Release);
}

/// Stops serving allocations from the area. Fails with the bytes still
/// allocated (and leaves the area active) unless all were freed.
pub fn deactivate() -> Result<(), usize> {
    let used = AREA.with_free_list(|fl| fl.used());
    if used != 0 {
        return Err(used);
    }
    AREA.hi.store(0, Ordering::Release);
    AREA.lo.store(0, Ordering::Relaxed);
    AREA.with_free_list(|fl| *fl = FreeList::empty());
    Ok(())
}

/// Whether region mode is on: allocations come from the table area.
pub fn is_active() -> bool {
    AREA.is_active()
}

/// `(bytes in use, most in use at once, size)` of the active area.
pub fn usage() -> (usize, usize, usize) {
    let (used, size) = AREA.with_free_list(|fl| (fl.used(), fl.size()));
    (used, AREA.peak.load(Ordering::Relaxed), size)
}

/// Bytes rgc's tables hold from the system allocator (hosted builds
/// outside region mode), and the most at once since [`reset_table_peak`].
static SYSTEM_IN_USE: AtomicUsize = AtomicUsize::new(0);
static SYSTEM_PEAK: AtomicUsize = AtomicUsize::new(0);

fn count_system(grown: usize, shrunk: usize) {
    let now = SYSTEM_IN_USE.fetch_add(grown, Ordering::Relaxed).wrapping_add(grown);
    SYSTEM_IN_USE.fetch_sub(shrunk, Ordering::Relaxed);
    SYSTEM_PEAK.fetch_max(now, Ordering::Relaxed);
}

/// `(bytes in use, most in use at once)` of rgc's tables: the table area's
/// while it is active, else what rgc holds from the system allocator.
/// The peak counts from activation, or from [`reset_table_peak`].
pub fn table_usage() -> (usize, usize) {
    if AREA.is_active() {
        let (used, peak, _) = usage();
        (used, peak)
    } else {
        (SYSTEM_IN_USE.load(Ordering::Relaxed), SYSTEM_PEAK.load(Ordering::Relaxed))
    }
}

/// Restarts the system allocator's peak from what is in use now (`rgc_init`).
pub fn reset_table_peak() {
    SYSTEM_PEAK.store(SYSTEM_IN_USE.load(Ordering::Relaxed), Ordering::Relaxed);
}

/// Runs `f`, during which an allocation the table area cannot serve
/// returns null instead of stopping the program: for `try_reserve` calls
/// whose failure the caller turns into the OOM path.
pub fn fallibly<R>(f: impl FnOnce() -> R) -> R {
    AREA.fallible.fetch_add(1, Ordering::Relaxed);
    let r = f();
    AREA.fallible.fetch_sub(1, Ordering::Relaxed);
    r
}

/// Reserves room for `extra` more elements of `v`, taking the table area's
/// exhaustion as a failure rather than a fatal error.
pub fn try_reserve<T>(v: &mut alloc::vec::Vec<T>, extra: usize) -> bool {
    fallibly(|| v.try_reserve(extra).is_ok())
}

/// A vector of `n` copies of `value`, or None if the memory for it cannot
/// be had (region mode: the table area is full). For the verifiers'
/// scratch tables, which are proportional to the heap.
pub fn scratch<T: Clone>(n: usize, value: T) -> Option<alloc::vec::Vec<T>> {
    let mut v = alloc::vec::Vec::new();
    try_reserve(&mut v, n).then(|| {
        v.resize(n, value);
        v
    })
}

/// The global allocator of every rgc collector library.
pub struct RgcAllocator;

// SAFETY: blocks come either from the table area's free list (which hands
// out disjoint, suitably aligned blocks of the requested size) or from the
// system allocator, and each is returned to the one it came from (decided
// by address: the area's range is disjoint from the system's blocks).
unsafe impl GlobalAlloc for RgcAllocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if AREA.is_active() {
            AREA.alloc(layout)
        } else {
            // SAFETY: forwarded GlobalAlloc contract.
            let p = unsafe { system::alloc(layout) };
            if !p.is_null() {
                count_system(layout.size(), 0);
            }
            p
        }
    }

    /// Forwarded rather than left to the default (alloc, then zero every
    /// byte): the system's calloc hands big blocks out as fresh pages, which
    /// cost no memory until touched. A default shadow stack is 8 MB that
    /// mostly stays untouched; zeroing it by hand made it all resident.
    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if AREA.is_active() {
            let p = AREA.alloc(layout);
            if !p.is_null() {
                // SAFETY: the area just handed out `layout.size()` bytes at `p`.
                unsafe { core::ptr::write_bytes(p, 0, layout.size()) };
            }
            p
        } else {
            // SAFETY: forwarded GlobalAlloc contract.
            let p = unsafe { system::alloc_zeroed(layout) };
            if !p.is_null() {
                count_system(layout.size(), 0);
            }
            p
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if AREA.contains(ptr) {
            // SAFETY: `ptr` came from the area with this layout (GlobalAlloc contract).
            AREA.with_free_list(|fl| unsafe { fl.deallocate(ptr, layout) });
        } else {
            count_system(0, layout.size());
            // SAFETY: not the area's, so the system allocator's.
            unsafe { system::dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !AREA.is_active() && !AREA.contains(ptr) {
            // SAFETY: the system allocator's block, forwarded contract.
            let p = unsafe { system::realloc(ptr, layout, new_size) };
            if !p.is_null() {
                count_system(new_size, layout.size());
            }
            return p;
        }
        // SAFETY: `new_size` with the old alignment is a valid layout (GlobalAlloc contract).
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: forwarded contract.
        let fresh = unsafe { self.alloc(new_layout) };
        if !fresh.is_null() {
            // SAFETY: both blocks hold at least min(old, new) bytes and are disjoint.
            unsafe {
                core::ptr::copy_nonoverlapping(ptr, fresh, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        fresh
    }
}

#[cfg(feature = "std")]
mod system {
    use core::alloc::{GlobalAlloc, Layout};
    use std::alloc::System;

    /// # Safety
    /// As for [`GlobalAlloc::alloc`].
    pub unsafe fn alloc(layout: Layout) -> *mut u8 {
        // SAFETY: forwarded.
        unsafe { System.alloc(layout) }
    }
    /// # Safety
    /// As for [`GlobalAlloc::alloc_zeroed`].
    pub unsafe fn alloc_zeroed(layout: Layout) -> *mut u8 {
        // SAFETY: forwarded.
        unsafe { System.alloc_zeroed(layout) }
    }
    /// # Safety
    /// As for [`GlobalAlloc::dealloc`].
    pub unsafe fn dealloc(ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
    /// # Safety
    /// As for [`GlobalAlloc::realloc`].
    pub unsafe fn realloc(ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Without `std` there is no system allocator: only the table area serves.
#[cfg(not(feature = "std"))]
mod system {
    use core::alloc::Layout;

    /// # Safety
    /// None: always fails.
    pub unsafe fn alloc(_layout: Layout) -> *mut u8 {
        core::ptr::null_mut()
    }
    /// # Safety
    /// None: always fails.
    pub unsafe fn alloc_zeroed(_layout: Layout) -> *mut u8 {
        core::ptr::null_mut()
    }
    /// # Safety
    /// Never called: nothing was handed out.
    pub unsafe fn dealloc(_ptr: *mut u8, _layout: Layout) {}
    /// # Safety
    /// None: always fails.
    pub unsafe fn realloc(_ptr: *mut u8, _layout: Layout, _new_size: usize) -> *mut u8 {
        core::ptr::null_mut()
    }
}

/// Declares [`RgcAllocator`] as the global allocator (each collector
/// library does, through [`crate::export_c_abi!`]).
#[macro_export]
macro_rules! rgc_global_allocator {
    () => {
        #[global_allocator]
        static RGC_ALLOCATOR: $crate::region::RgcAllocator = $crate::region::RgcAllocator;
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    // The area is process-wide: one test exercises it, in sequence.
    #[test]
    fn the_area_serves_frees_and_reports_what_is_left() {
        let mut buf = alloc::vec![0u64; 4096];
        let (base, len) = (buf.as_mut_ptr() as *mut u8, buf.len() * 8);
        // SAFETY: `buf` outlives the activation and nothing else uses it.
        unsafe { activate(base, len) };
        let layout = Layout::from_size_align(100, 8).unwrap();
        let a = RgcAllocator;
        // SAFETY: non-zero layout.
        let p = unsafe { a.alloc(layout) };
        assert!(AREA.contains(p), "allocation did not come from the area");
        assert_eq!(deactivate(), Err(usage().0), "deactivated with a block outstanding");
        // Too big for the area, inside `fallibly`: null, not a fatal error.
        let huge = Layout::from_size_align(len * 2, 8).unwrap();
        // SAFETY: non-zero layout.
        assert!(fallibly(|| unsafe { a.alloc(huge) }).is_null());
        // SAFETY: `p` came from `a` with `layout`.
        let q = unsafe { a.realloc(p, layout, 1000) };
        assert!(AREA.contains(q));
        // SAFETY: `q` came from `a` with size 1000.
        unsafe { a.dealloc(q, Layout::from_size_align(1000, 8).unwrap()) };
        assert!(usage().1 >= 1000);
        assert_eq!(deactivate(), Ok(()));
        assert!(!is_active());
        drop(buf);
    }
}
