//! The store log: a fixed buffer that `RGC_STORE` fills with inline C.
//!
//! Collectors whose barrier records pointers (the incremental collector's
//! overwritten values, reference counting's decremented objects) let the C
//! fast path append to [`rgc_store_log`] without a call; only a full log
//! calls `rgc_store_log_flush`, which hands the entries to the collector
//! ([`drain`]) and returns the emptied log. A barrier that *calls* rgc on
//! every store makes the C compiler reload values around each store (30 %
//! on richards, measured for the incremental collector), hence the buffer.
//!
//! While the log is closed both cursors are null and the C side never
//! touches it (the collector's own flag says so). One mutator at a time
//! (rgc's threading rule), so there is one log per process.

use core::ptr::null_mut;
use core::sync::atomic::{AtomicPtr, Ordering};

/// Entries in the store log: one flush per this many logged stores.
pub const STORE_LOG_CAPACITY: usize = 256;

/// The log's cursor, as C sees it: `struct { void **pos, **end; }`. While
/// open, `[start, pos)` holds entries not yet drained and `end` is one past
/// the last entry.
#[repr(C)]
pub struct StoreLog {
    pos: AtomicPtr<*mut u8>,
    end: AtomicPtr<*mut u8>,
}

/// The store log `RGC_STORE` appends to.
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static rgc_store_log: StoreLog = StoreLog { pos: AtomicPtr::new(null_mut()), end: AtomicPtr::new(null_mut()) };

/// The log's entries. C writes them with plain stores through `pos`; Rust
/// reads them inside rgc calls, on the same thread (the mutator's), so the
/// accesses are ordered by the call itself.
static ENTRIES: [AtomicPtr<u8>; STORE_LOG_CAPACITY] = [const { AtomicPtr::new(null_mut()) }; STORE_LOG_CAPACITY];

fn start() -> *mut *mut u8 {
    // AtomicPtr<u8> has the layout of *mut u8.
    ENTRIES.as_ptr() as *mut *mut u8
}

/// Opens the log (empty) or closes it. Closing drops what it holds.
pub fn set_open(open: bool) {
    let (pos, end) = if open {
        // SAFETY: one past the end of the entries array.
        (start(), unsafe { start().add(STORE_LOG_CAPACITY) })
    } else {
        (null_mut(), null_mut())
    };
    rgc_store_log.pos.store(pos, Ordering::Relaxed);
    rgc_store_log.end.store(end, Ordering::Relaxed);
}

/// Entries not yet drained (0 while closed).
pub fn len() -> usize {
    let pos = rgc_store_log.pos.load(Ordering::Relaxed);
    if pos.is_null() {
        return 0;
    }
    // SAFETY: while non-null, pos lies within the entries array or one past it.
    unsafe { pos.offset_from(start()) as usize }
}

/// Calls `f` with each entry, oldest first, and empties the log. Returns
/// the log's position for C: its start while open, null while closed.
pub fn drain(mut f: impl FnMut(*mut u8)) -> *mut *mut u8 {
    let n = len();
    if n > 0 {
        ENTRIES[..n].iter().for_each(|e| f(e.load(Ordering::Relaxed)));
        rgc_store_log.pos.store(start(), Ordering::Relaxed);
    }
    rgc_store_log.pos.load(Ordering::Relaxed)
}

/// Appends from Rust (the out-of-line barrier), draining into `f` first
/// when the log is full. The log must be open.
pub fn push(value: *mut u8, f: impl FnMut(*mut u8)) {
    let mut pos = rgc_store_log.pos.load(Ordering::Relaxed);
    debug_assert!(!pos.is_null(), "the store log is open");
    if pos == rgc_store_log.end.load(Ordering::Relaxed) {
        pos = drain(f);
    }
    // SAFETY: pos is inside the entries array (not full after the drain).
    unsafe { pos.write(value) };
    // SAFETY: at most one past the end.
    rgc_store_log.pos.store(unsafe { pos.add(1) }, Ordering::Relaxed);
}
