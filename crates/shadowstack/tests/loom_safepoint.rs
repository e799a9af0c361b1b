//! Model checks of the safepoint protocol (`shadowstack::safepoint`):
//! every interleaving `loom` can find, with its memory model.
//!
//! Run with `RUSTFLAGS="--cfg loom" cargo test -p shadowstack --release --test loom_safepoint`
//! (CI does). What each model checks:
//! - a stopped thread's state (its shadow stack, its span cursors: here one
//!   `UnsafeCell`) is read by the collector without a data race, and the
//!   thread's next write comes after the collector let go;
//! - two threads that both stop the world never deadlock and never both
//!   run their collection at once;
//! - a thread in a blocking region counts as stopped, and leaving the
//!   region waits for the collection;
//! - a thread that took the lock without parking (`Lock::try_enter`) is
//!   running again, so a stopper waits for it (leaving the state parked
//!   makes the collector read its roots while it writes them);
//! - a thread that never polls is stopped by its suspend signal, never
//!   inside a deferred region (handling the signal there, or not parking
//!   when the region ends, makes the collector read what it writes).
//!
//! Each model fails when the protocol is broken: publishing `PARKED`
//! without release, or taking the lock before parking, shows up as a data
//! race or a deadlock (checked by hand when the models were written).
#![cfg(loom)]

use loom::cell::UnsafeCell;
use loom::sync::atomic::{AtomicU32, Ordering};
use loom::sync::Arc;
use loom::thread;
use shadowstack::safepoint::{
    lower, on_suspend_signal, park, requested, stop_one, stop_one_kicking, suspend, try_unpark, Deferral, Lock, RUNNING,
};

/// One mutator thread as the protocol sees it.
struct Mutator {
    state: AtomicU32,
    flag: AtomicU32,
    /// What the thread writes while running and the collector reads while
    /// the thread is stopped.
    roots: UnsafeCell<u64>,
}

impl Mutator {
    fn new() -> Mutator {
        Mutator { state: AtomicU32::new(RUNNING), flag: AtomicU32::new(0), roots: UnsafeCell::new(0) }
    }
    /// A safepoint poll: parks through the lock when asked to.
    fn poll(&self, lock: &Lock, id: usize) {
        if requested(&self.flag) {
            lock.enter(id, Some(&self.state)).unwrap();
            lock.leave();
        }
    }
    fn write(&self, v: u64) {
        // SAFETY (model): loom reports any access that races with this.
        self.roots.with_mut(|p| unsafe { *p = v });
    }
    fn read(&self) -> u64 {
        self.roots.with(|p| unsafe { *p })
    }
}

/// The collector's side: stop `other`, read its roots, resume it.
fn collect(lock: &Lock, me: &Mutator, my_id: usize, other: &Mutator) -> u64 {
    lock.enter(my_id, Some(&me.state)).unwrap();
    stop_one(&other.flag, &other.state);
    let seen = other.read();
    lower(&other.flag);
    lock.leave();
    seen
}

/// Runs `second(lock, b, a)` on a second thread while the model's first
/// runs `first(lock, a, b)`, over one lock; `loom` explores every
/// interleaving and checks every access to the mutators' roots.
fn model(first: fn(&Lock, &Mutator, &Mutator), second: fn(&Lock, &Mutator, &Mutator)) {
    loom::model(move || {
        let lock = Arc::new(Lock::new());
        let a = Arc::new(Mutator::new());
        let b = Arc::new(Mutator::new());
        let t = {
            let (lock, a, b) = (lock.clone(), a.clone(), b.clone());
            thread::spawn(move || second(&lock, &b, &a))
        };
        first(&lock, &a, &b);
        t.join().unwrap();
    });
}

/// A mutator that writes its roots, polls, and ends in a blocking region.
fn mutate_and_poll(lock: &Lock, m: &Mutator, _other: &Mutator) {
    for i in 1..=2 {
        m.write(i);
        m.poll(lock, 2);
    }
    park(&m.state);
}

#[test]
fn a_stopped_thread_is_read_without_a_race() {
    model(collect_once, mutate_and_poll);
}

/// Writes its roots, stops the other thread, reads its roots, then parks.
fn write_collect_park(lock: &Lock, me: &Mutator, other: &Mutator, id: usize) {
    me.write(1);
    collect(lock, me, id, other);
    park(&me.state);
}

#[test]
fn two_collectors_take_turns() {
    model(|l, me, o| write_collect_park(l, me, o, 1), |l, me, o| write_collect_park(l, me, o, 2));
}

/// Stops the other thread once and checks what it saw.
fn collect_once(lock: &Lock, c: &Mutator, m: &Mutator) {
    assert!(collect(lock, c, 1, m) <= 2);
}

/// Writes, waits in a blocking region, leaves it (without the lock when
/// `lock_free` and no collection stops the world), writes again.
fn blocking_region(lock: &Lock, m: &Mutator, lock_free: bool) {
    m.write(1);
    park(&m.state); // rgc_enter_blocking
    if !(lock_free && try_unpark(&m.flag, &m.state)) {
        lock.enter(2, Some(&m.state)).unwrap(); // rgc_leave_blocking, the locked way
        lock.leave();
    }
    m.write(2);
    park(&m.state);
}

/// A thread that registers parked (as attaching does), takes the free
/// lock without parking (the conservative collector's entry: nothing to
/// publish when it need not wait), then writes its roots and polls.
fn register_enter_free_then_mutate(lock: &Lock, m: &Mutator, _other: &Mutator) {
    park(&m.state);
    if !lock.try_enter(2, Some(&m.state)) {
        lock.enter(2, Some(&m.state)).unwrap();
    }
    lock.leave();
    m.write(1);
    m.poll(lock, 2);
    park(&m.state);
}

#[test]
fn a_thread_that_took_a_free_lock_is_waited_for() {
    model(collect_once, register_enter_free_then_mutate);
}

#[test]
fn a_blocking_region_counts_as_stopped() {
    model(collect_once, |l, m, _| blocking_region(l, m, false));
}

#[test]
fn leaving_a_blocking_region_without_the_lock_never_runs_unseen() {
    model(collect_once, |l, m, _| blocking_region(l, m, true));
}

/// A thread that never polls (a Boehm client's): the stopper interrupts
/// it with its suspend signal, which the model delivers between any two
/// of its steps (`deliver`), as a real signal lands between instructions.
struct Signalled {
    m: Mutator,
    deferral: Deferral,
    /// A signal sent and not yet handled.
    signal: AtomicU32,
}

impl Signalled {
    /// The handler, if a signal is pending: stops right here unless the
    /// thread is parked or in a deferred region (which then ends parked).
    fn deliver(&self) {
        if self.signal.swap(0, Ordering::Relaxed) != 0 && on_suspend_signal(&self.m.flag, &self.m.state, &self.deferral)
        {
            suspend(&self.m.flag, &self.m.state, thread::yield_now);
        }
    }
}

/// Allocates in a deferred region (its roots read 1 while a span is half
/// updated, which the collector must never see), then writes its roots
/// as running C code does, then ends (parked for good, as a thread that
/// unregisters).
fn never_polls(lock: &Lock, s: &Signalled) {
    s.deliver();
    s.deferral.begin();
    s.m.write(1);
    s.deliver();
    s.m.write(2);
    if s.deferral.end() {
        lock.enter(2, Some(&s.m.state)).unwrap();
        lock.leave();
    }
    s.deliver();
    s.m.write(4);
    s.deliver();
    park(&s.m.state);
}

/// Stops the signalled thread (sending the signal while it runs), reads
/// its roots, resumes it.
fn stop_by_signal(lock: &Lock, me: &Mutator, s: &Signalled) -> u64 {
    lock.enter(1, Some(&me.state)).unwrap();
    stop_one_kicking(&s.m.flag, &s.m.state, |_| s.signal.store(1, Ordering::Relaxed));
    let seen = s.m.read();
    assert_ne!(seen, 1, "stopped inside a deferred region");
    lower(&s.m.flag);
    lock.leave();
    seen
}

#[test]
fn a_thread_that_never_polls_is_stopped_by_its_signal_outside_deferred_regions() {
    loom::model(|| {
        let lock = Arc::new(Lock::new());
        let collector = Arc::new(Mutator::new());
        let s = Arc::new(Signalled { m: Mutator::new(), deferral: Deferral::new(), signal: AtomicU32::new(0) });
        let t = {
            let (lock, s) = (lock.clone(), s.clone());
            thread::spawn(move || never_polls(&lock, &s))
        };
        assert!(stop_by_signal(&lock, &collector, &s) <= 4);
        t.join().unwrap();
    });
}
