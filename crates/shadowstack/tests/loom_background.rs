//! Model checks of the incremental collector's collector-thread protocols
//! (`gc_api::background`, `gc_incremental::background`), built on the
//! safepoint protocol (`shadowstack::safepoint`), for every interleaving
//! `loom` finds:
//! - **The store-log hand-off and the handshake that ends marking.** A
//!   mutator logs overwritten values into its own log while it runs; a full
//!   log is handed off (appended to a shared list under a mutex) unless a
//!   handshake waits for the thread, which then parks through the lock. The
//!   collector thread, holding the lock with the mutator running, takes the
//!   hand-off between chunks of work; its handshake stops the mutator, then
//!   takes the mutator's log and the hand-off. The model checks that the
//!   handshake has seen every value the mutator logged before it stopped
//!   (none is lost, none read with a race), which is what lets marking end.
//!   (The collector takes the hand-off in chunks, within a handshake's
//!   budget; it judges termination only in a handshake that took it all,
//!   which is the handshake modelled here.)
//! - **Stepping aside.** A thread that waits for the lock is seen
//!   ([`Lock::contended`]) by the collector thread, which releases the lock
//!   at its next check and stays out until the waiter has had it: neither
//!   thread waits forever.
//!
//! - **The marker on loan** (`shadowstack::loan`, `gc_heap::lend`). The
//!   collector thread lends itself the marker under the lock, releases the
//!   lock and marks; a mutator that takes the lock and needs the marker
//!   recalls it and waits. The model checks that the two never touch the
//!   marker at once (loom's cell tracking), that neither waits forever
//!   (the borrower gives it back without the lock), and that no work is
//!   lost.
//!
//! Run with `RUSTFLAGS="--cfg loom" cargo test -p shadowstack --release --test loom_background`
//! (CI does). Each model fails when its protocol is broken (checked by hand
//! when they were written): a handshake that does not take the hand-off
//! loses a value; a hand-off that ignores a waiting handshake, in a model
//! where the hand-off list is read without the mutex, races.
#![cfg(loom)]

use loom::cell::UnsafeCell;
use loom::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use loom::sync::{Arc, Mutex};
use loom::thread;
use shadowstack::loan::Loan;
use shadowstack::safepoint::{lower, park, requested, stop_one, Lock, RUNNING};

/// Entries a mutator's log holds before it must flush.
const CAPACITY: usize = 1;

/// The mutator as the protocol sees it: its state and safepoint flag, and
/// its store log (values written while it runs, read by the collector
/// only while it is stopped).
struct Mutator {
    state: AtomicU32,
    flag: AtomicU32,
    log: UnsafeCell<Vec<u32>>,
}

/// What both threads share: the collector lock and the hand-off list.
struct Shared {
    lock: Lock,
    handed_off: Mutex<Vec<u32>>,
    /// Values the mutator logged, counted by the mutator (for the check).
    logged: AtomicUsize,
}

const MUTATOR: usize = 1;
const COLLECTOR: usize = 2;

/// `RGC_STORE` while marking: log `value`; a full log is handed off, or,
/// with a handshake waiting, flushed through the lock (where the thread
/// parks and the handshake takes the log itself).
fn store(s: &Shared, m: &Mutator, value: u32) {
    let full = m.log.with(|l| unsafe { (*l).len() } == CAPACITY);
    if full {
        if requested(&m.flag) {
            s.lock.enter(MUTATOR, Some(&m.state)).unwrap();
            // The locked flush: the handshake took the log meanwhile, or
            // this thread drains it itself (shading, under the lock).
            let entries = m.log.with_mut(|l| unsafe { core::mem::take(&mut *l) });
            s.handed_off.lock().unwrap().extend(entries);
            s.lock.leave();
        } else {
            let entries = m.log.with_mut(|l| unsafe { core::mem::take(&mut *l) });
            s.handed_off.lock().unwrap().extend(entries);
        }
    }
    m.log.with_mut(|l| unsafe { (*l).push(value) });
    s.logged.fetch_add(1, Ordering::Relaxed);
}

/// The collector thread: one concurrent step that takes the hand-off, then
/// the handshake that ends marking. Returns every value it took.
fn collector(s: &Shared, m: &Mutator) -> Vec<u32> {
    let mut shaded = Vec::new();
    s.lock.enter(COLLECTOR, None).unwrap();
    shaded.extend(s.handed_off.lock().unwrap().drain(..));
    s.lock.leave();
    s.lock.enter(COLLECTOR, None).unwrap();
    stop_one(&m.flag, &m.state);
    // The mutator is stopped: its count and its log are stable.
    let logged = s.logged.load(Ordering::Relaxed);
    shaded.extend(s.handed_off.lock().unwrap().drain(..));
    shaded.extend(m.log.with_mut(|l| unsafe { core::mem::take(&mut *l) }));
    lower(&m.flag);
    s.lock.leave();
    assert_eq!(shaded.len(), logged, "the handshake must have seen every value logged before it: {shaded:?}");
    shaded
}

#[test]
fn the_handshake_sees_every_logged_value() {
    loom::model(|| {
        let s = Arc::new(Shared { lock: Lock::new(), handed_off: Mutex::new(Vec::new()), logged: AtomicUsize::new(0) });
        let m = Arc::new(Mutator {
            state: AtomicU32::new(RUNNING),
            flag: AtomicU32::new(0),
            log: UnsafeCell::new(Vec::new()),
        });
        let t = {
            let (s, m) = (s.clone(), m.clone());
            thread::spawn(move || {
                for v in 1..=3 {
                    store(&s, &m, v);
                }
                // Then it stops at its next safepoint for good.
                park(&m.state);
            })
        };
        let shaded = collector(&s, &m);
        t.join().unwrap();
        let mut sorted = shaded.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), shaded.len(), "no value is taken twice: {shaded:?}");
    });
}

#[test]
fn the_collector_thread_steps_aside_for_a_waiter() {
    loom::model(|| {
        let lock = Arc::new(Lock::new());
        let work = Arc::new(AtomicUsize::new(0));
        let mutator = {
            let (lock, work) = (lock.clone(), work.clone());
            thread::spawn(move || {
                // A refill: takes the lock once, whoever holds it now.
                let state = AtomicU32::new(RUNNING);
                lock.enter(MUTATOR, Some(&state)).unwrap();
                work.fetch_add(100, Ordering::Relaxed);
                lock.leave();
            })
        };
        // The collector thread: chunks of work, each checking for a
        // waiter; after releasing, it waits until the waiter has had the
        // lock (bounded here by the model's two chunks).
        for _ in 0..2 {
            lock.enter(COLLECTOR, None).unwrap();
            work.fetch_add(1, Ordering::Relaxed);
            let wanted = lock.contended();
            lock.leave();
            if wanted {
                while lock.contended() {
                    thread::yield_now();
                }
            }
        }
        mutator.join().unwrap();
        assert_eq!(work.load(Ordering::Relaxed), 102);
    });
}

#[test]
fn a_lent_marker_comes_back_when_recalled() {
    loom::model(|| {
        let lock = Arc::new(Lock::new());
        let loan = Arc::new(Loan::new());
        // The marker's work so far: touched by whoever has the marker.
        let marker = Arc::new(UnsafeCell::new(0u32));
        let mutator = {
            let (lock, loan, marker) = (lock.clone(), loan.clone(), marker.clone());
            thread::spawn(move || {
                // An assist: takes the lock, then needs the marker.
                let state = AtomicU32::new(RUNNING);
                lock.enter(MUTATOR, Some(&state)).unwrap();
                loan.recall();
                marker.with_mut(|m| unsafe { *m += 100 });
                lock.leave();
            })
        };
        // The collector thread: lends under the lock, marks without it in
        // chunks that each check for a recall, gives it back; then its
        // next step takes the lock and finds the marker home.
        lock.enter(COLLECTOR, None).unwrap();
        loan.lend();
        lock.leave();
        let mut chunks = 0;
        for _ in 0..2 {
            marker.with_mut(|m| unsafe { *m += 1 });
            chunks += 1;
            if loan.recalled() {
                break;
            }
        }
        loan.give_back();
        mutator.join().unwrap();
        lock.enter(COLLECTOR, None).unwrap();
        assert!(!loan.is_lent());
        assert_eq!(marker.with(|m| unsafe { *m }), 100 + chunks);
        lock.leave();
    });
}
