//! Where the [`Marker`] lives, and how the incremental collector's thread
//! borrows it to mark without the collector lock ([`LentMarker`]).
//!
//! The runtime reaches its marker through a [`MarkerHome`] (a pointer to
//! a separate allocation, so that holding `&mut Runtime` says nothing
//! about the marker's memory while it is lent). Every use from the lock's
//! side goes through `Deref`, which first makes sure the marker is home
//! ([`shadowstack::loan::Loan::recall`]: one acquire load when it is).
//!
//! ## Marking without the lock
//! [`crate::Runtime::lend_marker`], under the lock in the `Mark` phase,
//! lends the marker with what marking reads: the heap's geometry as of
//! the loan, the mark bitmap and the type table. The borrower then marks
//! (`Concurrent` sharing) with the lock free, so mutators refill, allocate
//! medium and large objects and register types meanwhile. What makes that
//! safe, rule by rule (each stated again where it is kept):
//! 1. **Mark bits are set atomically by everyone** while a collector
//!    thread exists: the marker, black settles (locked and lock-free) and
//!    black allocation under the lock (`Runtime::collector_thread`).
//! 2. **A cell allocated during the cycle gets its mark bit before its
//!    allocation bit**, with a release fence between (and one before, for
//!    its header). The marker reads the allocation bit, then (after an
//!    acquire fence) the mark bit, so it never marks, reads or scans a
//!    new object: a new object is black by rule.
//! 3. **A pointer that is not an allocated object start but lies in the
//!    heap's reservation at a cell alignment is skipped**: a cell
//!    allocated during the cycle and not settled yet, or in a block taken
//!    after the loan (beyond the geometry's frontier). Blocks that held
//!    objects when the cycle began keep their table entries until the
//!    sweep, so old objects' lookups read stable entries.
//! 4. **Nothing frees memory or moves the tables while lent**: the loan is
//!    only made in the `Mark` phase (no sweep, no release), the block table
//!    and bitmaps never move, and registering a type recalls the marker
//!    first (`Gc::types`), so the type table does not change under it.
//! 5. **Shading from the lock's side goes to the hand-off** while the
//!    marker is out (`Runtime::visit`), which the borrower drains between
//!    chunks, and an increment (with the marker home) with its marking.
//! 6. **Anything else that needs the marker recalls it** (an assist, a
//!    synchronous collection, the verifier): the borrower stops at its next
//!    chunk of [`LentMarker::mark`]'s `units_per_check`, and gives it back
//!    without needing the lock, so the recalling lock holder cannot wait
//!    for a thread that waits for it.

use crate::mark::Marker;
#[cfg(feature = "std")]
use crate::mark::{Concurrent, Source};
#[cfg(feature = "std")]
use crate::view::Geometry;
use alloc::boxed::Box;
use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;
#[cfg(feature = "std")]
use gc_api::types::TypeTable;
use shadowstack::loan::Loan;

/// The marker and whether it is lent.
struct MarkerCell {
    loan: Loan,
    /// Touched by lock holders while home, by the borrower while lent.
    marker: UnsafeCell<Marker>,
}

/// The runtime's handle on its marker (see the module doc).
pub struct MarkerHome {
    cell: NonNull<MarkerCell>,
}

impl Default for MarkerHome {
    fn default() -> Self {
        let cell = Box::new(MarkerCell { loan: Loan::new(), marker: UnsafeCell::new(Marker::default()) });
        MarkerHome { cell: NonNull::from(Box::leak(cell)) }
    }
}

impl MarkerHome {
    fn cell(&self) -> &MarkerCell {
        // SAFETY: allocated in `default`, freed only by `drop`.
        unsafe { self.cell.as_ref() }
    }

    /// Is the marker lent out right now? (A lock holder asks, to shade
    /// through the hand-off instead of recalling it.)
    #[inline]
    pub fn is_lent(&self) -> bool {
        self.cell().loan.is_lent()
    }

    /// Waits until the marker is home (recalling it if lent).
    #[inline]
    pub fn recall(&self) {
        self.cell().loan.recall();
    }
}

impl Deref for MarkerHome {
    type Target = Marker;
    #[inline]
    fn deref(&self) -> &Marker {
        self.recall();
        // SAFETY: home, and the caller holds the collector lock (or the
        // only reference to the runtime), so no one else touches it.
        unsafe { &*self.cell().marker.get() }
    }
}

impl DerefMut for MarkerHome {
    #[inline]
    fn deref_mut(&mut self) -> &mut Marker {
        self.recall();
        // SAFETY: as in `deref`.
        unsafe { &mut *self.cell().marker.get() }
    }
}

impl Drop for MarkerHome {
    fn drop(&mut self) {
        self.recall();
        // SAFETY: allocated by `Box` in `default`, home, dropped once.
        drop(unsafe { Box::from_raw(self.cell.as_ptr()) });
    }
}

/// The marker on loan to the collector thread, with what marking reads
/// ([`crate::Runtime::lend_marker`]).
#[cfg(feature = "std")]
pub struct LentMarker {
    cell: NonNull<MarkerCell>,
    geometry: Geometry,
    mark_bits: *mut u64,
    types: *const TypeTable,
}

#[cfg(feature = "std")]
// SAFETY: made to be moved to the collector thread; what it points to is
// governed by the loan's rules (module doc).
unsafe impl Send for LentMarker {}

#[cfg(feature = "std")]
impl LentMarker {
    /// # Safety
    /// The caller made the loan under the rules of the module doc and
    /// keeps them until [`LentMarker::mark`] returns.
    pub(crate) unsafe fn new(
        home: &mut MarkerHome,
        geometry: Geometry,
        mark_bits: *mut u64,
        types: *const TypeTable,
    ) -> LentMarker {
        home.cell().loan.lend();
        LentMarker { cell: home.cell, geometry, mark_bits, types }
    }

    /// Marks what the hand-off holds and what is grey, `units_per_check`
    /// units between checks, until nothing grey is left (true), the clock
    /// reaches `deadline_ns`, or a lock holder recalls the marker; then
    /// gives it back (dropping `self`). The time it took is added to
    /// [`Marker::lent_ns`].
    pub fn mark(self, deadline_ns: u64, units_per_check: usize) -> bool {
        // SAFETY: the loan (module doc): the cell lives while lent, and the
        // marker, the table and the bitmap are this thread's to use.
        let cell = unsafe { self.cell.as_ref() };
        // SAFETY: as above: lent to this thread, which alone touches it.
        let marker = unsafe { &mut *cell.marker.get() };
        // SAFETY: rule 4: not changed while lent.
        let types = unsafe { &*self.types };
        let mut view = crate::view::MarkView::new(self.geometry, self.mark_bits);
        let start = gc_api::platform::now_ns();
        let done = loop {
            // In chunks too, so that a recall is noticed soon.
            let left = crate::store_log::drain_handed_off_some(units_per_check, |v| {
                marker.visit_with(&mut view, types, v, Source::StoreLog)
            });
            if marker.drain_with(&mut view, types, units_per_check, &mut Concurrent) && left == 0 {
                break true;
            }
            if cell.loan.recalled() || gc_api::platform::now_ns() >= deadline_ns {
                break false;
            }
        };
        marker.lent_ns += gc_api::platform::now_ns().saturating_sub(start);
        done
    }
}

#[cfg(feature = "std")]
impl Drop for LentMarker {
    /// Gives the marker back, after [`LentMarker::mark`] or without it
    /// (a panic on the way must not leave a recaller waiting forever).
    fn drop(&mut self) {
        // SAFETY: the cell lives while lent (module doc).
        unsafe { self.cell.as_ref() }.loan.give_back();
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use crate::mark::Source;
    use crate::Runtime;
    use gc_api::types::BYTES_TYPE;
    use gc_api::{AllocRequest, Config};

    /// Rule 5: a lock holder's shading while the marker is out reaches the
    /// borrower through the hand-off, and the borrower marks it.
    #[test]
    fn shading_while_the_marker_is_lent_goes_through_the_hand_off() {
        let _serial = crate::store_log::tests::HAND_OFF.lock().unwrap_or_else(|e| e.into_inner());
        // Over a buffer of 4 blocks (Miri runs this; the buffer outlives `rt`).
        let bytes = crate::heap::Heap::region_bytes_for_blocks(4);
        let mut buf = alloc::vec![0u64; bytes / 8 + 1];
        // SAFETY: the buffer is used by nothing else and dropped after `rt`.
        let mem = unsafe { crate::memory::FixedMemory::new(buf.as_mut_ptr().cast(), bytes, false) };
        let mut rt = Runtime::with_memory(Config::default(), alloc::boxed::Box::new(mem)).unwrap();
        rt.set_collector_thread(true);
        let req = AllocRequest { type_id: BYTES_TYPE, length: 8, bytes: 8, call: "test", inline: false };
        let (obj, _) = rt.try_alloc(&req);
        assert!(!obj.is_null());
        rt.reset_marker();
        // SAFETY: a collector thread is declared, nothing is freed while
        // lent, and the marker is home.
        let lent = unsafe { rt.lend_marker() };
        assert!(rt.marker.is_lent());
        rt.visit(obj, Source::StoreLog);
        assert_eq!(crate::store_log::handed_off(), 1, "shaded into the hand-off");
        assert!(lent.mark(u64::MAX, 64), "the borrower empties the hand-off and the stack");
        assert!(!rt.marker.is_lent());
        // SAFETY: obj is the object allocated above.
        assert!(unsafe { rt.heap().is_marked(obj) }, "the borrower marked it");
        assert_eq!(rt.marker().counts.objects, 1);
        drop(rt);
        drop(buf);
    }
}
