//! Lending a lock's state to a thread that works on it without the lock.
//!
//! The incremental collector's thread marks without the collector lock
//! (`gc_heap::runtime::LentMarker`): under the lock it *lends* itself the
//! marker, releases the lock, marks, and *gives it back*; meanwhile the
//! mutators take the lock for everything else (refills, registrations),
//! and one that needs the marker (an assist, `rgc_collect`) *recalls* it:
//! the borrower stops at its next check and gives it back, and the
//! recalling thread waits for that, holding the lock, so the borrower can
//! never take it out again before the recaller is done.
//!
//! | state | written by | read by | ordering |
//! |---|---|---|---|
//! | `HOME` → `LENT` | the owner side, holding the lock ([`Loan::lend`]) | the borrower, the lock's next holders | relaxed: the lock orders it |
//! | `LENT` → `RECALLED` | a lock holder ([`Loan::recall`]) | the borrower, at each check ([`Loan::recalled`]) | relaxed: a request only |
//! | → `HOME` | the borrower ([`Loan::give_back`], a swap) | lock holders ([`Loan::recall`], [`Loan::is_lent`]) | release / acquire: the borrower's writes to the lent state happen before the next holder's reads; a waiting recaller reads with read-modify-writes, which meet the swap in one order |
//!
//! `shadowstack/tests/loom_background.rs` model-checks it with the lock.

use crate::sync::{spin, AtomicU32, Ordering};

const HOME: u32 = 0;
const LENT: u32 = 1;
const RECALLED: u32 = 2;

/// Whether some lock-guarded state is lent out (see the module doc).
#[derive(Debug)]
pub struct Loan {
    state: AtomicU32,
}

impl Default for Loan {
    fn default() -> Self {
        Self::new()
    }
}

impl Loan {
    #[cfg(not(loom))]
    pub const fn new() -> Loan {
        Loan { state: AtomicU32::new(HOME) }
    }
    #[cfg(loom)]
    pub fn new() -> Loan {
        Loan { state: AtomicU32::new(HOME) }
    }

    /// Lends the state out. Call holding the lock, with the state home.
    pub fn lend(&self) {
        debug_assert_eq!(self.state.load(Ordering::Relaxed), HOME, "lent twice");
        self.state.store(LENT, Ordering::Relaxed);
    }

    /// The borrower: true once a lock holder wants the state back.
    #[inline]
    pub fn recalled(&self) -> bool {
        self.state.load(Ordering::Relaxed) == RECALLED
    }

    /// The borrower: gives the state back; it must not touch it after.
    pub fn give_back(&self) {
        crate::sync::tsan_release(&self.state);
        // A swap, not a store: the recaller's waiting reads are
        // read-modify-writes too, so both sides meet in one total order.
        self.state.swap(HOME, Ordering::Release);
    }

    /// A lock holder: is the state out? (False: it is home, and the
    /// borrower's writes are visible.)
    #[inline]
    pub fn is_lent(&self) -> bool {
        let lent = self.state.load(Ordering::Acquire) != HOME;
        if !lent {
            crate::sync::tsan_acquire(&self.state);
        }
        lent
    }

    /// A lock holder: makes sure the state is home, asking the borrower
    /// for it and waiting if it is out. The borrower gives it back at its
    /// next check (a chunk of work) without needing the lock.
    #[inline]
    pub fn recall(&self) {
        if self.is_lent() {
            self.wait_for_return();
        }
    }

    #[cold]
    #[inline(never)]
    fn wait_for_return(&self) {
        // Fails harmlessly if the borrower has just given it back.
        let _ = self.state.compare_exchange(LENT, RECALLED, Ordering::Relaxed, Ordering::Relaxed);
        let mut attempt = 0;
        // A read-modify-write reads the latest value (a plain load may go
        // on returning an older one in the memory model `loom` checks);
        // this is the cold path, once per chunk of the borrower's work.
        while self.state.fetch_or(0, Ordering::Acquire) != HOME {
            spin(&mut attempt);
        }
        crate::sync::tsan_acquire(&self.state);
    }
}
