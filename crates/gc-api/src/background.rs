//! The collector thread: one thread per process that calls a collector's
//! [`crate::Collector::background_work`] while the mutators run (the incremental
//! collector with `rgc_config.background`).
//!
//! ## The protocol
//! - The thread is not attached: it has no shadow stack, allocates nothing,
//!   and is never stopped by a handshake. It enters the collector like any
//!   rgc call, by taking the collector lock (`shadowstack::safepoint`);
//!   that is what orders its work against every other call.
//! - One call of `background_work` does a bounded piece of work and says
//!   what next ([`BackgroundNext`]). Between calls the thread releases the
//!   lock, and while a thread waits for it ([`shadowstack::safepoint::contended`])
//!   it stays out until that thread has had it, so a mutator waits for the
//!   collector thread for at most one chunk of its work.
//! - [`wake`] (a mutator's poll, under the lock) unparks it; `park`'s token
//!   keeps a wake that comes before the park from being lost.
//! - [`stop`] (at `rgc_shutdown`, before the collector goes) asks it to
//!   leave and joins it; the caller counts as stopped meanwhile, so a
//!   handshake of the collector thread never waits for it.
//! - After `fork`, the child has no collector thread: [`wake`] starts a
//!   new one there (the parent's is recognised by its process id). The
//!   forking thread holds the collector lock across `fork`, so the child
//!   never inherits it held by a thread it does not have.
//!   `pthread_atfork` handlers do that once a collector thread was started.
//!
//! ## Who touches what
//! | state | written by | read by | ordering |
//! |---|---|---|---|
//! | `WORKER` | [`start`], [`stop`], [`wake`] (a respawn) | the same | its mutex |
//! | `STOP` | [`start`] (clears), [`stop`] (sets) | the collector thread, between calls | release / acquire |
//! | `PID` | [`start`]; a forked child's `pthread_atfork` handler, before it runs anything else | [`wake`] | relaxed: the collector lock orders [`start`] before every [`wake`], and the child's handler runs before the child has a second thread |
//! | `HOLDER` | the collector thread, once when it starts | [`holder`] (a mutator that waited for the lock) | relaxed: an id compared for reporting only |

use crate::collector::BackgroundNext;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

/// One call of collector-thread work, entering and leaving the collector.
pub type Step = Arc<dyn Fn() -> BackgroundNext + Send + Sync>;
/// Brings home whatever the collector lent its thread; called holding the
/// collector lock ([`before_fork`]).
pub type Recall = Arc<dyn Fn() + Send + Sync>;

struct Worker {
    handle: JoinHandle<()>,
    /// The process that started it (a forked child has no such thread).
    pid: u32,
    step: Step,
    recall: Recall,
}

static WORKER: Mutex<Option<Worker>> = Mutex::new(None);
/// This process's id, as `getpid` would say: [`wake`] compares it with
/// the worker's at every poll while a cycle runs, where a system call each
/// time cost lru-cache's mutator about 1 % of its run.
static PID: AtomicU32 = AtomicU32::new(0);
static STOP: AtomicBool = AtomicBool::new(false);
static HOLDER: AtomicUsize = AtomicUsize::new(0);

/// Starts the collector thread, which calls `step` until [`stop`];
/// `recall` is what [`before_fork`] calls.
pub fn start(step: Step, recall: Recall) {
    STOP.store(false, Ordering::Release);
    PID.store(std::process::id(), Ordering::Relaxed);
    static AT_FORK: std::sync::Once = std::sync::Once::new();
    // SAFETY: the three handlers are plain functions of this module.
    AT_FORK.call_once(|| unsafe {
        libc::pthread_atfork(Some(before_fork), Some(after_fork), Some(after_fork_in_child));
    });
    let mut worker = WORKER.lock().unwrap_or_else(|e| e.into_inner());
    *worker = Some(spawn(step, recall));
}

/// The forking thread took the collector lock in [`before_fork`] (false:
/// it held it already, from inside an rgc call).
static FORK_TOOK_LOCK: AtomicBool = AtomicBool::new(false);

/// `fork` copies the collector lock as it is: if the collector thread held
/// it, the child (which has no such thread) would wait for it forever. So
/// the forking thread takes the lock first (waiting, parked, for the
/// collector thread's step to end) and both processes release it after.
/// The thread may also be marking without the lock, on loan: the marker
/// is recalled first, or the child would wait for it forever too.
extern "C" fn before_fork() {
    // SAFETY: the calling thread's own context.
    let took = unsafe { shadowstack::safepoint::enter(shadowstack::current()) }.is_ok();
    FORK_TOOK_LOCK.store(took, Ordering::Relaxed);
    let recall = WORKER.lock().unwrap_or_else(|e| e.into_inner()).as_ref().map(|w| w.recall.clone());
    if let Some(recall) = recall {
        recall();
    }
}

/// Releases what [`before_fork`] took, in the parent and in the child.
extern "C" fn after_fork() {
    if FORK_TOOK_LOCK.swap(false, Ordering::Relaxed) {
        shadowstack::safepoint::leave();
    }
}

/// [`after_fork`] in the child, which also forgets the parent's waiters
/// for the lock (the parent's collector thread was one, waiting for the
/// forking thread): counted, they would keep the child's collector thread
/// stepping aside forever.
extern "C" fn after_fork_in_child() {
    PID.store(std::process::id(), Ordering::Relaxed);
    shadowstack::safepoint::forget_waiters();
    after_fork();
}

fn spawn(step: Step, recall: Recall) -> Worker {
    let run = step.clone();
    let handle = thread::Builder::new()
        .name("rgc-collector".into())
        .spawn(move || {
            HOLDER.store(shadowstack::safepoint::holder_id(shadowstack::current()), Ordering::Relaxed);
            while !STOP.load(Ordering::Acquire) {
                match run() {
                    BackgroundNext::Sleep => thread::park(),
                    BackgroundNext::Continue => step_aside(),
                    // `background_step` ran it, outside the lock.
                    BackgroundNext::Unlocked(_) => step_aside(),
                }
            }
        })
        .unwrap_or_else(|e| crate::fatal!("rgc_init", "cannot start the collector thread: ", e.to_string().as_str()));
    Worker { handle, pid: std::process::id(), step, recall }
}

/// Stays out of the collector until every thread that was waiting for the
/// lock has had it (a waiter counts itself out once it holds the lock, so
/// this ends; re-entering at once would let the collector thread win the
/// lock again and again against a waiter that is slow to wake).
fn step_aside() {
    let mut attempt = 0u32;
    while shadowstack::safepoint::contended() {
        attempt += 1;
        if attempt < 64 {
            core::hint::spin_loop();
        } else {
            thread::yield_now();
        }
    }
}

/// Asks the collector thread to look for work. Call with the collector
/// lock held (it is the caller's poll that found work due).
pub fn wake() {
    let mut worker = WORKER.lock().unwrap_or_else(|e| e.into_inner());
    let Some(w) = worker.as_mut() else { return };
    if w.pid != PID.load(Ordering::Relaxed) {
        // A forked child: the parent's thread does not exist here.
        let (step, recall) = (w.step.clone(), w.recall.clone());
        let old = core::mem::replace(w, spawn(step, recall));
        core::mem::forget(old.handle);
    }
    w.handle.thread().unpark();
}

/// The id the collector thread holds the collector lock with (0 before it
/// started): a mutator that waited for this holder reports the wait as a
/// pause.
pub fn holder() -> usize {
    HOLDER.load(Ordering::Relaxed)
}

/// True when a collector thread runs in this process.
pub fn running() -> bool {
    let worker = WORKER.lock().unwrap_or_else(|e| e.into_inner());
    worker.as_ref().is_some_and(|w| w.pid == std::process::id())
}

/// Stops the collector thread, if one runs, and waits for it to leave.
/// Call without the collector lock; the calling thread, if attached,
/// counts as stopped while it waits.
pub fn stop() {
    let Some(w) = WORKER.lock().unwrap_or_else(|e| e.into_inner()).take() else { return };
    STOP.store(true, Ordering::Release);
    if w.pid != std::process::id() {
        core::mem::forget(w.handle);
        return;
    }
    w.handle.thread().unpark();
    let ctx = shadowstack::current();
    // SAFETY: the calling thread's own context; outside the collector.
    let parked = unsafe { shadowstack::enter_blocking_region(ctx) };
    let _ = w.handle.join();
    if parked {
        // SAFETY: as above; it entered the region just above.
        unsafe {
            shadowstack::leave_blocking_region(ctx);
            let _ = shadowstack::safepoint::unblock(ctx);
        }
    }
    HOLDER.store(0, Ordering::Relaxed);
}
