//! Safepoints: the collector lock, each thread's state, and stopping the
//! world by handshake.
//!
//! ## The protocol (model-checked in `tests/loom_safepoint.rs`)
//! - Every attached thread is [`RUNNING`] (it may touch its context and the
//!   heap without calling rgc: inline allocation, stores, frame pushes) or
//!   [`PARKED`] (it touches neither: it waits for the collector lock, sits in
//!   a blocking region, or is stopped).
//! - The **collector lock** serialises everything rgc does outside inline
//!   code. A thread publishes [`PARKED`] (release) *before* it waits for the
//!   lock and [`RUNNING`] once it holds it ([`Lock::enter`]); so a
//!   thread waiting for the lock is always at a safepoint, and two threads
//!   that both want the lock never wait for each other's handshake.
//! - A thread holding the lock that must stop the world
//!   ([`stop_others`]) raises every other thread's `safepoint` flag and
//!   waits (acquire) until each is [`PARKED`]. A running thread sees its
//!   flag at its next poll (a span refill, any rgc call, `rgc_safepoint()`)
//!   and parks by asking for the lock, which it gets once the collector is
//!   done. The flags go down again before the lock is released.
//! - A thread leaving a blocking region runs again without the lock unless
//!   its flag is up ([`try_unpark`]): it publishes [`RUNNING`], then reads
//!   its flag, while the stopping thread raises the flag, then reads the
//!   state, each with a sequentially consistent fence between: one of the
//!   two sees the other, so a stopped thread never runs unseen.
//! - A thread [attaching](crate::attach_current) registers as [`PARKED`] and
//!   then passes through the lock, so it never runs while the world is
//!   stopped for a collection that did not stop it.
//!
//! Once a stopped thread is [`PARKED`], everything it wrote before (its
//! shadow stack, span cursors, heap stores) happens before the collector's
//! reads (the release/acquire pair on its state); everything the collector
//! wrote happens before the thread runs again (the lock's release/acquire).
//!
//! ## Who touches what
//! | state | written by | read by | ordering |
//! |---|---|---|---|
//! | [`Lock`] (`owner`) | the thread taking or releasing it | threads taking it | acquire on take, release on give |
//! | [`Lock`] (`waiting`) | threads that found it taken, while they wait | its holder ([`Lock::contended`], a hint to step aside) | relaxed: the owner word orders the rest |
//! | `Local::state` | its own thread | the thread holding the lock | release on [`PARKED`], acquire by the reader |
//! | `Context::safepoint` | the thread holding the lock | its own thread (inline poll, relaxed) | a hint: the lock orders the rest |

use crate::sync::{compiler_fence, fence, spin, tsan_acquire, tsan_release, AtomicU32, AtomicUsize, Ordering};
use crate::Context;
#[cfg(not(loom))]
use crate::Local;

/// May touch its context and the heap without calling rgc.
pub const RUNNING: u32 = 0;
/// At a safepoint: touches neither its context nor the heap.
pub const PARKED: u32 = 1;

/// The calling thread already holds the collector lock: an event listener
/// or a finalizer's caller called back into rgc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reentered;

/// The collector lock: 0 when free, else an id of its holder (the address
/// of its [`Context`]), so that re-entry from the same thread is told apart
/// from contention.
#[repr(align(64))] // its own cache line: every thread's slow path writes it
pub struct Lock {
    owner: AtomicUsize,
    /// Threads spinning for the lock: a holder that works long (the
    /// incremental collector's background thread) steps aside while it is
    /// not zero. Touched only on contention, so an uncontended entry pays
    /// nothing for it.
    waiting: AtomicU32,
}

impl Lock {
    #[cfg(not(loom))]
    pub const fn new() -> Lock {
        Lock { owner: AtomicUsize::new(0), waiting: AtomicU32::new(0) }
    }
    #[cfg(loom)]
    pub fn new() -> Lock {
        Lock { owner: AtomicUsize::new(0), waiting: AtomicU32::new(0) }
    }

    /// Parks the caller (`state`, if it is an attached thread), takes the
    /// lock, and unparks it. Blocks while another thread holds the lock.
    pub fn enter(&self, me: usize, state: Option<&AtomicU32>) -> Result<(), Reentered> {
        self.enter_noting(me, state, |_| {})
    }

    /// [`Lock::enter`], calling `on_wait(holder)` once, before it waits, if
    /// the lock is taken (`holder` is the id the holder took it with).
    pub fn enter_noting(
        &self,
        me: usize,
        state: Option<&AtomicU32>,
        on_wait: impl FnOnce(usize),
    ) -> Result<(), Reentered> {
        if self.owner.load(Ordering::Relaxed) == me {
            return Err(Reentered);
        }
        if let Some(s) = state {
            tsan_release(s);
            s.store(PARKED, Ordering::Release);
        }
        if let Err(holder) = self.owner.compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed) {
            // A board runs one thread: nobody waits, nobody steps aside.
            #[cfg(not(target_os = "none"))]
            self.waiting.fetch_add(1, Ordering::Relaxed);
            on_wait(holder);
            let mut attempt = 0u32;
            while self.owner.compare_exchange_weak(0, me, Ordering::Acquire, Ordering::Relaxed).is_err() {
                spin(&mut attempt);
            }
            #[cfg(not(target_os = "none"))]
            self.waiting.fetch_sub(1, Ordering::Relaxed);
        }
        tsan_acquire(&self.owner);
        if let Some(s) = state {
            s.store(RUNNING, Ordering::Relaxed);
        }
        Ok(())
    }

    /// [`Lock::enter`] for a collector that runs one thread (not
    /// `Concurrent`): no locked instruction, as before threads. The check catches re-entry always
    /// and a second thread breaking the rule usually.
    #[inline]
    pub fn enter_serialised(&self, me: usize) -> Result<(), Reentered> {
        match self.owner.load(Ordering::Relaxed) {
            0 => {
                self.owner.store(me, Ordering::Relaxed);
                tsan_acquire(&self.owner);
                Ok(())
            }
            _ => Err(Reentered),
        }
    }

    /// Takes the lock if it is free, without parking the caller (`state`,
    /// if it is an attached thread, is left [`RUNNING`], as [`Lock::enter`]
    /// leaves it: a thread registers parked, and a stopper that took it
    /// for parked would not wait for it). True if it took the lock. A
    /// thread that never waits needs nothing published for a stopper,
    /// since nobody can stop the world while it holds the lock.
    #[inline]
    pub fn try_enter(&self, me: usize, state: Option<&AtomicU32>) -> bool {
        if self.owner.compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed).is_err() {
            return false;
        }
        tsan_acquire(&self.owner);
        if let Some(s) = state {
            // Read only by a lock holder: relaxed, as in `enter_noting`.
            s.store(RUNNING, Ordering::Relaxed);
        }
        true
    }

    /// Releases the lock.
    #[inline]
    pub fn leave(&self) {
        tsan_release(&self.owner);
        self.owner.store(0, Ordering::Release);
    }

    /// True when `me` holds the lock.
    #[inline]
    pub fn held_by(&self, me: usize) -> bool {
        self.owner.load(Ordering::Relaxed) == me
    }

    /// True while some thread waits for the lock (a hint: it may have
    /// stopped waiting by the time the caller acts on it).
    #[inline]
    pub fn contended(&self) -> bool {
        self.waiting.load(Ordering::Relaxed) != 0
    }
}

/// Raises one thread's flag and waits until it is parked; true if it had
/// to wait. The caller holds the lock.
pub fn stop_one(flag: &AtomicU32, state: &AtomicU32) -> bool {
    stop_one_kicking(flag, state, |_| {})
}

/// [`stop_one`] for a thread that may never poll: while it runs, `kick(n)`
/// interrupts it (`crate::signals` sends its suspend signal), the first
/// time with `n == 0` and again now and then while it has not parked
/// (`n` counts the kicks), so a signal that was blocked for a while still
/// gets through.
pub fn stop_one_kicking(flag: &AtomicU32, state: &AtomicU32, mut kick: impl FnMut(u32)) -> bool {
    flag.store(1, Ordering::Relaxed);
    // Pairs with the fence in `try_unpark`: either this sees the thread
    // running (and waits for it), or the thread sees the flag (and parks).
    fence(Ordering::SeqCst);
    let waited = state.load(Ordering::Acquire) != PARKED;
    let (mut attempt, mut kicks) = (0u32, 0u32);
    while state.load(Ordering::Acquire) != PARKED {
        if attempt % KICK_EVERY == 0 {
            kick(kicks);
            kicks += 1;
        }
        spin(&mut attempt);
    }
    tsan_acquire(state);
    waited
}

/// Rounds of waiting between two kicks of a thread that has not parked.
const KICK_EVERY: u32 = 4096;

/// A thread's *deferred region*: code that a suspend signal must not stop
/// in the middle of (allocation from its spans, which the collector
/// changes while the thread is stopped), and the request noted while it
/// ran. Regions do not nest. Only the thread itself and its own signal
/// handler touch it (the handler interrupts the thread, so the two never
/// run at once): relaxed atomics, plain loads and stores, and compiler
/// fences to keep the region's work inside it.
#[derive(Debug, Default)]
#[repr(C)]
pub struct Deferral {
    /// 1 while the thread is in a region.
    depth: AtomicU32,
    /// A suspend signal came while `depth > 0`: the thread parks when the
    /// region ends.
    pending: AtomicU32,
}

impl Deferral {
    #[cfg(not(loom))]
    pub const fn new() -> Deferral {
        Deferral { depth: AtomicU32::new(0), pending: AtomicU32::new(0) }
    }
    #[cfg(loom)]
    pub fn new() -> Deferral {
        Deferral { depth: AtomicU32::new(0), pending: AtomicU32::new(0) }
    }

    /// Enters the region.
    #[inline(always)]
    pub fn begin(&self) {
        debug_assert_eq!(self.depth.load(Ordering::Relaxed), 0, "deferred regions do not nest");
        self.depth.store(1, Ordering::Relaxed);
        compiler_fence(Ordering::SeqCst);
    }

    /// Leaves the region; true when a suspend request came meanwhile and
    /// the thread must park now (take the collector lock, which waits out
    /// the collection, as a poll does).
    #[inline(always)]
    #[must_use]
    pub fn end(&self) -> bool {
        compiler_fence(Ordering::SeqCst);
        self.depth.store(0, Ordering::Relaxed);
        compiler_fence(Ordering::SeqCst);
        self.pending.load(Ordering::Relaxed) != 0 && {
            self.pending.store(0, Ordering::Relaxed);
            true
        }
    }
}

/// What a suspend signal's handler decides, on the interrupted thread:
/// true when the thread must stop here ([`suspend`]); false when there is
/// nothing to do (it is parked already, or no stop is requested: a late
/// signal) or when it is in a deferred region, which then ends with a park.
pub fn on_suspend_signal(flag: &AtomicU32, state: &AtomicU32, deferral: &Deferral) -> bool {
    // Its own state: only this thread writes it.
    if state.load(Ordering::Relaxed) == PARKED || !requested(flag) {
        return false;
    }
    if deferral.depth.load(Ordering::Relaxed) != 0 {
        deferral.pending.store(1, Ordering::Relaxed);
        return false;
    }
    true
}

/// Stops the calling thread where a suspend signal interrupted it: parks
/// (its stack and registers published by the caller), waits with `wait`
/// until its flag is down, and runs again as a thread leaving a blocking
/// region does ([`try_unpark`]), waiting again if a new stop began.
pub fn suspend(flag: &AtomicU32, state: &AtomicU32, mut wait: impl FnMut()) {
    park(state);
    loop {
        while requested(flag) {
            wait();
        }
        if try_unpark(flag, state) {
            return;
        }
    }
}

/// A thread's poll: true when it must park (its flag is up).
#[inline]
pub fn requested(flag: &AtomicU32) -> bool {
    flag.load(Ordering::Relaxed) != 0
}

/// Leaves a blocking region without the lock when no thread is stopping
/// the world: true if the thread runs again. False when one is (its flag
/// is up); the thread is parked again then and must take the lock
/// ([`Lock::enter`]), which waits out the collection.
pub fn try_unpark(flag: &AtomicU32, state: &AtomicU32) -> bool {
    state.store(RUNNING, Ordering::Relaxed);
    fence(Ordering::SeqCst);
    if flag.load(Ordering::Acquire) == 0 {
        tsan_acquire(flag);
        return true;
    }
    park(state);
    false
}

/// Lowers a thread's flag once the world may run again (the collection's
/// writes happen before a [`try_unpark`] that sees it down).
pub fn lower(flag: &AtomicU32) {
    tsan_release(flag);
    flag.store(0, Ordering::Release);
}

/// Parks a thread outside the lock (a blocking region): it must not touch
/// its context or the heap until it takes the lock again.
pub fn park(state: &AtomicU32) {
    tsan_release(state);
    state.store(PARKED, Ordering::Release);
}

/// Leaves a blocking region (`rgc_leave_blocking`): without the lock
/// unless a collection is stopping the world, in which case it waits for it.
///
/// # Safety
/// `ctx` is the calling thread's context, in a blocking region.
#[cfg(not(loom))]
pub unsafe fn unblock(ctx: *mut Context) -> Result<(), Reentered> {
    // SAFETY: caller contract; `local` is null or the thread's live Local.
    if let Some(l) = unsafe { (*ctx).local.as_ref() } {
        // SAFETY: as above.
        if try_unpark(unsafe { &(*ctx).safepoint }, &l.state) {
            return Ok(());
        }
    }
    // Parked since the region began: the stack published then stays put
    // (the collector may be reading it).
    // SAFETY: forwarded contract.
    unsafe { enter_as(ctx, false) }?;
    leave();
    Ok(())
}

// ---- the process's lock and registry ------------------------------------

#[cfg(not(loom))]
static COLLECTOR_LOCK: Lock = Lock::new();

/// [`Lock::enter`] on the process's collector lock for the calling thread
/// (context `ctx`).
///
/// # Safety
/// `ctx` is the calling thread's context.
#[cfg(not(loom))]
pub unsafe fn enter(ctx: *mut Context) -> Result<(), Reentered> {
    // SAFETY: forwarded contract.
    unsafe { enter_as(ctx, true) }
}

/// A wait for the collector lock: who held it, and when the wait began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    /// The id the holder took the lock with ([`holder_id`] of its context).
    pub holder: usize,
    /// `clock()` when the wait began.
    pub since: u64,
}

/// [`enter`], reporting the wait if the lock was taken: its holder and
/// when it began (by `clock`, read only then).
///
/// # Safety
/// As for [`enter`].
#[cfg(not(loom))]
pub unsafe fn enter_timed(ctx: *mut Context, clock: fn() -> u64) -> Result<Option<Wait>, Reentered> {
    let mut wait = None;
    // SAFETY: forwarded contract.
    unsafe { enter_with(ctx, true, |holder| wait = Some(Wait { holder, since: clock() })) }?;
    Ok(wait)
}

/// The id a thread with context `ctx` holds the collector lock with.
pub fn holder_id(ctx: *const Context) -> usize {
    ctx as usize
}

/// In a forked child: no thread waits for the collector lock (the parent's
/// waiters were not copied), whatever the count the child inherited says.
#[cfg(not(loom))]
pub fn forget_waiters() {
    COLLECTOR_LOCK.waiting.store(0, Ordering::Relaxed);
}

/// True while another thread waits for the collector lock (see
/// [`Lock::contended`]).
#[cfg(not(loom))]
#[inline]
pub fn contended() -> bool {
    COLLECTOR_LOCK.contended()
}

/// [`enter`], publishing the thread's stack first if `publish` (see
/// [`crate::stack`]).
///
/// # Safety
/// As for [`enter`].
#[cfg(not(loom))]
unsafe fn enter_as(ctx: *mut Context, publish: bool) -> Result<(), Reentered> {
    // SAFETY: forwarded contract.
    unsafe { enter_with(ctx, publish, |_| {}) }
}

/// [`enter_as`], calling `on_wait` as [`Lock::enter_noting`] does.
///
/// # Safety
/// As for [`enter`].
#[cfg(not(loom))]
unsafe fn enter_with(ctx: *mut Context, publish: bool, on_wait: impl FnOnce(usize)) -> Result<(), Reentered> {
    // SAFETY: caller contract; `local` is null or the thread's live Local.
    let local = unsafe { (*ctx).local };
    // It may wait, parked: what it holds must be visible first (a few
    // stores, only while a conservative collector asked for them). A free
    // lock is taken first without parking, so an uncontended entry (every
    // `GC_malloc` of a one-thread bdwgc client) publishes nothing: spilling
    // cost a fifth of GCBench's time against `gc.h`.
    let me = holder_id(ctx);
    if publish && !COLLECTOR_LOCK.held_by(me) {
        // SAFETY: as above.
        let state = unsafe { local.as_ref() }.map(|l: &Local| &l.state);
        if COLLECTOR_LOCK.try_enter(me, state) {
            // SAFETY: as above; only this thread writes its flag.
            if let Some(l) = unsafe { local.as_mut() } {
                l.in_collector = true;
            }
            return Ok(());
        }
        // SAFETY: as above; only this thread writes what it publishes.
        if let Some(l) = unsafe { local.as_mut() } {
            crate::publish_stack(l);
        }
    }
    // SAFETY: as above.
    let state = unsafe { local.as_ref() }.map(|l: &Local| &l.state);
    COLLECTOR_LOCK.enter_noting(me, state, on_wait)?;
    // SAFETY: as above; only this thread writes its flag.
    if let Some(l) = unsafe { local.as_mut() } {
        l.in_collector = true;
    }
    Ok(())
}

/// [`Lock::enter_serialised`] on the process's collector lock. It does not
/// raise the thread's `in_collector` flag (one thread needs no cheap
/// answer to [`crate::in_collector`]: it asks [`held_by`]); release it
/// with [`leave_serialised`].
///
/// # Safety
/// As for [`enter`]; the program serialises its threads' use of rgc.
#[cfg(not(loom))]
#[inline]
pub unsafe fn enter_serialised(ctx: *mut Context) -> Result<(), Reentered> {
    COLLECTOR_LOCK.enter_serialised(ctx as usize)
}

/// Releases the process's collector lock (taken by the calling thread).
#[cfg(not(loom))]
pub fn leave() {
    // SAFETY: the calling thread's own context.
    unsafe { leave_from(crate::current()) }
}

/// [`leave`] for a caller that has its context at hand.
///
/// # Safety
/// `ctx` is the calling thread's context, and it holds the lock.
#[cfg(not(loom))]
#[inline]
pub unsafe fn leave_from(ctx: *mut Context) {
    // SAFETY: caller contract; `local` null or the thread's Local.
    if let Some(l) = unsafe { (*ctx).local.as_mut() } {
        l.in_collector = false;
    }
    COLLECTOR_LOCK.leave()
}

/// Releases the lock taken by [`enter_serialised`], which left the
/// thread's flag alone.
///
/// # Safety
/// The calling thread holds the lock, taken by [`enter_serialised`]
/// (releasing another thread's lock would let two threads into the
/// collector).
#[cfg(not(loom))]
#[inline]
pub unsafe fn leave_serialised() {
    COLLECTOR_LOCK.leave()
}

/// True when the calling thread (context `ctx`) holds the collector lock.
#[cfg(not(loom))]
pub fn held_by(ctx: *const Context) -> bool {
    COLLECTOR_LOCK.held_by(ctx as usize)
}

/// Stops every attached thread but the caller (context `me`): they stay
/// parked until the caller releases the lock; [`resume_others`] lowers
/// their flags first. Returns how many it had to wait for.
///
/// # Safety
/// The caller holds the collector lock and its context is `me`.
pub unsafe fn stop_others(me: *const Context) -> usize {
    // Threads stopped by signal are all signalled first, so that they stop
    // at once rather than one after another.
    #[cfg(all(not(target_os = "none"), not(loom)))]
    if crate::signals::enabled() {
        // SAFETY: as below.
        unsafe {
            crate::for_each_registered(|l| {
                if !core::ptr::eq(l.ctx, me) {
                    (*l.ctx).safepoint.store(1, Ordering::Relaxed);
                }
            });
            // As in `stop_one_kicking`: this sees a thread running, or the
            // thread sees its flag.
            fence(Ordering::SeqCst);
            crate::for_each_registered(|l| {
                if !core::ptr::eq(l.ctx, me) && l.state.load(Ordering::Relaxed) != PARKED {
                    crate::signals::kick(l, 0);
                }
            });
        }
    }
    let mut waited = 0;
    // SAFETY: registered Locals are live; the lock keeps them from
    // detaching (detaching takes it).
    unsafe {
        crate::for_each_registered(|l| {
            if !core::ptr::eq(l.ctx, me) && stop_registered(l) {
                waited += 1;
            }
        })
    };
    waited
}

/// Holds the registered thread whose `pthread_t` is `thread` stopped until
/// [`resume_thread`] (bdwgc's `GC_suspend_thread`): its flag stays up
/// across collections. The caller itself is only marked (it stops once it
/// lets go of the lock: `crate::signals::honour_suspension`). False when
/// no registered thread has that id.
///
/// # Safety
/// The caller holds the collector lock; its context is `me`.
#[cfg(all(not(target_os = "none"), not(loom)))]
pub unsafe fn suspend_thread(me: *const Context, thread: usize) -> bool {
    let mut found = false;
    // SAFETY: as in stop_others.
    unsafe {
        crate::for_each_registered(|l| {
            if l.pthread != thread || found {
                return;
            }
            found = true;
            if l.suspended_ext.swap(1, Ordering::Relaxed) != 0 {
                return;
            }
            if core::ptr::eq(l.ctx, me) {
                (*l.ctx).safepoint.store(1, Ordering::Relaxed);
            } else {
                stop_registered(l);
            }
        })
    };
    found
}

/// Lets the thread [`suspend_thread`] held run again. False when no
/// registered thread has that id.
///
/// # Safety
/// As for [`suspend_thread`].
#[cfg(all(not(target_os = "none"), not(loom)))]
pub unsafe fn resume_thread(thread: usize) -> bool {
    let mut found = false;
    // SAFETY: as in stop_others.
    unsafe {
        crate::for_each_registered(|l| {
            if l.pthread == thread && !found {
                found = true;
                if l.suspended_ext.swap(0, Ordering::Relaxed) != 0 {
                    lower(&(*l.ctx).safepoint);
                    crate::signals::wake(&(*l.ctx).safepoint);
                }
            }
        })
    };
    found
}

/// Stops the registered thread `l`, with its suspend signal if the
/// library stops threads that way (`crate::signals`).
///
/// # Safety
/// As for [`stop_others`]; `l` is registered.
unsafe fn stop_registered(l: &crate::Local) -> bool {
    // SAFETY: a registered thread's context lives while it is registered.
    let flag = unsafe { &(*l.ctx).safepoint };
    #[cfg(all(not(target_os = "none"), not(loom)))]
    if crate::signals::enabled() {
        // Kicked once already by `stop_others`.
        return stop_one_kicking(flag, &l.state, |kicks| {
            if kicks > 0 {
                crate::signals::kick(l, kicks)
            }
        });
    }
    stop_one(flag, &l.state)
}

/// Lowers every other thread's flag (the caller still holds the lock).
///
/// # Safety
/// As for [`stop_others`].
pub unsafe fn resume_others(me: *const Context) {
    // SAFETY: as in stop_others.
    unsafe {
        crate::for_each_registered(|l| {
            // The caller's own flag is down; one held suspended stays up.
            if core::ptr::eq(l.ctx, me) || l.suspended_ext.load(Ordering::Relaxed) != 0 {
                return;
            }
            lower(&(*l.ctx).safepoint);
            // A thread stopped by its signal sleeps until its flag goes down.
            #[cfg(all(not(target_os = "none"), not(loom)))]
            crate::signals::wake(&(*l.ctx).safepoint);
        })
    };
}
