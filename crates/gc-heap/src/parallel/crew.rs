//! The marker threads: started once, asleep between collections, lent to
//! one job at a time.
//!
//! [`Crew::run`] hands a job to the helpers and runs its own share on the
//! calling thread. The job lives on the caller's stack, so the hand-off
//! must guarantee that no helper touches it once `run` returns:
//! 1. `run` publishes the job under the crew's mutex and wakes everyone;
//! 2. a helper *joins* the job under the mutex (counting itself in
//!    `running`) only while the job is still published;
//! 3. when the caller's own share is done, `run` withdraws the job under
//!    the mutex, so nobody joins any more, and waits until `running` is
//!    zero.
//!
//! A helper that wakes late (the scheduler gave its core to someone else)
//! finds the job withdrawn and sleeps again: the caller never waits for a
//! thread that has not started, only for those inside the job, and the
//! job's own protocol (for marking, [`super::termination`]) makes those
//! finish once the caller's share is done.
//!
//! This file depends only on `super::sync`, so that the model test
//! (`tests/loom_marking.rs`) compiles it with `loom`'s threads and locks.

use super::sync::{spawn, Arc, Condvar, JoinHandle, Mutex, MutexGuard};

/// A job as the helpers see it: called with the helper's number (1..).
type Job = dyn Fn(usize) + Sync;

/// The published job, its lifetime erased (see the module doc: helpers
/// use it only between joining and leaving, while `run` waits).
#[derive(Clone, Copy)]
struct JobRef(*const Job);

// SAFETY: the pointee is `Sync`; the hand-off protocol bounds its use.
unsafe impl Send for JobRef {}

/// What the crew's mutex protects. Written by `run` (publish, withdraw),
/// by helpers (join, leave) and by `Drop` (stop); read by all of them,
/// always under the lock.
struct State {
    /// The job helpers may join, while `run` has it published.
    job: Option<JobRef>,
    /// Bumped at each publication, so a helper joins each job once.
    generation: u64,
    /// Helpers inside the current job.
    running: usize,
    /// The crew is being dropped: helpers exit.
    stop: bool,
}

/// Shared by the owner and its helper threads through an `Arc`.
struct Shared {
    state: Mutex<State>,
    /// Signalled when a job is published, or on stop.
    job_posted: Condvar,
    /// Signalled when the last running helper leaves a job.
    all_left: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A helper never panics while holding the lock (the runtime aborts
        // on panic), so the lock is never poisoned.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A set of helper threads (the owner's thread is not among them).
pub struct Crew {
    shared: Arc<Shared>,
    helpers: usize,
    threads: alloc::vec::Vec<JoinHandle<()>>,
    /// The process that started the threads ([`Crew::inherited`]).
    pid: u32,
}

impl Crew {
    /// Starts up to `helpers` threads, named `name-1`, `name-2`, …; fewer if
    /// the system refuses some (see [`Crew::helpers`]).
    pub fn new(helpers: usize, name: &str) -> Crew {
        let shared = Arc::new(Shared {
            state: Mutex::new(State { job: None, generation: 0, running: 0, stop: false }),
            job_posted: Condvar::new(),
            all_left: Condvar::new(),
        });
        let mut threads = alloc::vec::Vec::new();
        for id in 1..=helpers {
            let mine = Arc::clone(&shared);
            match spawn(alloc::format!("{name}-{id}"), move || helper(&mine, id)) {
                Some(t) => threads.push(t),
                None => break,
            }
        }
        Crew { shared, helpers: threads.len(), threads, pid: std::process::id() }
    }

    /// The helper threads running.
    pub fn helpers(&self) -> usize {
        self.helpers
    }

    /// Runs `own()` on this thread while the helpers that wake in time run
    /// `job(id)`; returns `own`'s result once every helper that joined has
    /// left. `job` must return promptly once `own` has returned (the crew
    /// waits for it).
    pub fn run<R>(&self, job: &(dyn Fn(usize) + Sync), own: impl FnOnce() -> R) -> R {
        // SAFETY: only the lifetime is erased; the job is withdrawn, and
        // every helper that joined has left, before this function returns.
        let erased: *const Job = unsafe { core::mem::transmute::<&(dyn Fn(usize) + Sync), &'static Job>(job) };
        {
            let mut state = self.shared.lock();
            state.job = Some(JobRef(erased));
            state.generation += 1;
        }
        self.shared.job_posted.notify_all();
        // Withdraws the job and waits for the helpers inside it, even if
        // `own` unwinds (tests unwind; the libraries abort on panic).
        let _withdraw = Withdraw(&self.shared);
        own()
    }

    /// Whether this crew was started by another process: this one is a
    /// child forked since, where its threads do not exist and its lock may
    /// have been held at the fork. Such a crew must be forgotten, not used
    /// or dropped.
    pub fn inherited(&self) -> bool {
        self.pid != std::process::id()
    }
}

/// Withdraws `run`'s job when dropped, and waits until no helper is inside it.
struct Withdraw<'a>(&'a Shared);

impl Drop for Withdraw<'_> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.job = None;
        while state.running > 0 {
            state = self.0.all_left.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// Aborts the process if a helper's job unwinds: the owner would otherwise
/// wait for it forever (the libraries abort on panic anyway; tests unwind).
struct AbortOnUnwind;

impl Drop for AbortOnUnwind {
    fn drop(&mut self) {
        if std::thread::panicking() {
            std::process::abort();
        }
    }
}

/// A helper thread's life: wait for a job it has not joined yet, join,
/// run its share, leave.
fn helper(shared: &Shared, id: usize) {
    let mut joined = 0u64;
    loop {
        let job = {
            let mut state = shared.lock();
            loop {
                if state.stop {
                    return;
                }
                if let (Some(job), true) = (state.job, state.generation != joined) {
                    joined = state.generation;
                    state.running += 1;
                    break job;
                }
                state = shared.job_posted.wait(state).unwrap_or_else(|e| e.into_inner());
            }
        };
        let unwinding = AbortOnUnwind;
        // SAFETY: joined under the lock while published; `run` waits for
        // this helper to leave before the job goes away.
        unsafe { (*job.0)(id) };
        core::mem::forget(unwinding);
        let mut state = shared.lock();
        state.running -= 1;
        if state.running == 0 {
            shared.all_left.notify_all();
        }
    }
}

impl Drop for Crew {
    fn drop(&mut self) {
        if self.inherited() {
            // A forked child: the threads are not here to join, and the
            // lock may be held by one of them forever.
            core::mem::forget(core::mem::take(&mut self.threads));
            core::mem::forget(Arc::clone(&self.shared));
            return;
        }
        self.shared.lock().stop = true;
        self.shared.job_posted.notify_all();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}
