//! When parallel marking is over: every marker is out of work at once, and
//! none can get more.
//!
//! The argument, in terms of where grey work can be:
//! 1. in a marker's private stack, which only that marker touches;
//! 2. in a marker's public deque, which only its owner pushes to and
//!    anyone may steal from;
//! 3. in the hands of a thief, between its steal and its push.
//!
//! [`Termination`] counts the *active* markers. A marker is active while
//! it may hold work of kinds 1 or 3 or push to its deque, and it goes idle
//! only after finding its stack and its own deque empty and failing to
//! steal ([`Termination::out_of_work`]). An idle marker becomes active again
//! *before* it steals ([`Termination::try_activate`]), so work in a thief's
//! hands is always counted. Hence when the count is zero, no private stack
//! holds work, no thief holds any, and every deque is empty (each owner
//! emptied its own before going idle and nobody has pushed since, since
//! only active markers push). Zero is also made final (`try_activate`
//! never moves the count up from zero): a helper arriving late finds the
//! mark over without touching the count.
//!
//! Mark bits: each marker's last write to the heap comes before its
//! decrement (`AcqRel`), the decrements form one release sequence on the
//! counter, and seeing zero is an `Acquire` load, so the marker that sees
//! the end sees every mark bit and scanned object of every other marker.
//!
//! This file depends only on `super::sync`, so that the model test
//! (`tests/loom_marking.rs`) compiles it with `loom`'s atomics.

use super::sync::{AtomicUsize, Ordering};

/// The count of active markers (see the module doc).
///
/// Shared by every marker of one parallel mark; each marker writes it only
/// through [`Termination::out_of_work`] and [`Termination::wait_for_work`]
/// (read-modify-writes, `AcqRel`), and reads it with `Acquire` to learn
/// that marking is over, or `Relaxed` as a hint that someone is hungry.
pub struct Termination {
    active: AtomicUsize,
    /// Markers in the mark (those that started active, and helpers that
    /// joined): only a hint for offering work, written by each helper
    /// once with `Relaxed` and read with `Relaxed`.
    members: AtomicUsize,
}

impl Termination {
    /// A mark whose `active` markers hold all of the work (the collecting
    /// thread, with the roots' work on its stack); others join idle.
    pub fn new(active: usize) -> Termination {
        Termination { active: AtomicUsize::new(active), members: AtomicUsize::new(active) }
    }

    /// Whether marking is over (see the module doc: final once true).
    pub fn is_over(&self) -> bool {
        self.active.load(Ordering::Acquire) == 0
    }

    /// A helper joins the mark, idle (it then calls
    /// [`Termination::wait_for_work`]).
    pub fn join(&self) {
        self.members.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether a member of the mark is idle and would take work if offered
    /// (a hint, read without ordering).
    pub fn someone_is_hungry(&self) -> bool {
        self.active.load(Ordering::Relaxed) < self.members.load(Ordering::Relaxed)
    }

    /// Becomes active again to steal, unless marking is over (false).
    fn try_activate(&self) -> bool {
        let mut n = self.active.load(Ordering::Acquire);
        loop {
            if n == 0 {
                return false;
            }
            match self.active.compare_exchange_weak(n, n + 1, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return true,
                Err(now) => n = now,
            }
        }
    }

    /// An active marker's stack is empty: takes work from its own deque
    /// (`own`), then from others (`steal`); failing both, goes idle and
    /// waits ([`Termination::wait_for_work`]). `None`: marking is over.
    pub fn out_of_work<T>(
        &self,
        own: impl FnOnce() -> Option<T>,
        mut steal: impl FnMut() -> Option<T>,
        any_work: impl FnMut() -> bool,
        snooze: impl FnMut(),
    ) -> Option<T> {
        if let Some(work) = own().or_else(&mut steal) {
            return Some(work);
        }
        self.active.fetch_sub(1, Ordering::AcqRel);
        self.wait_for_work(steal, any_work, snooze)
    }

    /// An idle marker (one that just went idle, or a helper joining the
    /// mark) waits until some deque has work (`any_work`), becomes active
    /// and steals it (`steal`). `None`: marking is over.
    pub fn wait_for_work<T>(
        &self,
        mut steal: impl FnMut() -> Option<T>,
        mut any_work: impl FnMut() -> bool,
        mut snooze: impl FnMut(),
    ) -> Option<T> {
        loop {
            if self.is_over() {
                return None;
            }
            if any_work() {
                if !self.try_activate() {
                    return None;
                }
                if let Some(work) = steal() {
                    return Some(work);
                }
                // Someone else got it first.
                self.active.fetch_sub(1, Ordering::AcqRel);
            }
            snooze();
        }
    }
}
