//! Refcount's hint tables (ZCT, nursery, candidates, former roots, free
//! work, trial-deletion roots) when memory for them runs out.
//!
//! In region mode the tables live in the region's fixed table area, and a
//! table may be unable to grow. Their entries are hints whose loss is
//! safe: an object that should have been listed is simply not examined, so
//! it is never freed by counting (a leak, never a wrong free); a doomed
//! object left off the free work stays unfreed, its children's counts too
//! high. The traversal stacks of trial deletion and the lists that undo
//! marks or clear weak references are not hints: they are ordinary vectors,
//! and their exhaustion is the table area's fatal error. What was
//! lost is found again by the backup trace ([`crate::backup`]), which
//! frees every unreachable object and rebuilds the counts and tables. So a
//! lost entry makes the next collection a full one that ends with that
//! trace (invariants 2 and 3 of the crate hold again after it), and
//! shortens the interval between reconciliations, so that the tables stop
//! overflowing.

use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, Ordering};

/// Set when an entry was dropped for want of memory; cleared by the backup trace.
static LOST: AtomicBool = AtomicBool::new(false);

/// Appends `o` to `list`, or records the loss if `list` cannot grow.
/// Returns false on a loss.
#[inline]
pub(crate) fn note(list: &mut Vec<*mut u8>, o: *mut u8) -> bool {
    if list.len() == list.capacity() && !grow(list) {
        LOST.store(true, Ordering::Relaxed);
        return false;
    }
    list.push(o);
    true
}

#[cold]
#[inline(never)]
fn grow(list: &mut Vec<*mut u8>) -> bool {
    gc_api::region::try_reserve(list, list.capacity().max(16))
}

/// Whether an entry was lost since the last backup trace.
pub(crate) fn lost() -> bool {
    LOST.load(Ordering::Relaxed)
}

/// The backup trace rebuilt the tables: nothing is lost any more.
pub(crate) fn clear_lost() {
    LOST.store(false, Ordering::Relaxed);
}
