//! Model checks of the parallel-marking protocols (`gc_heap::parallel`):
//! every interleaving `loom` can find, with its memory model. The protocol
//! files are compiled here against `loom`'s threads, locks and atomics.
//!
//! Run with `RUSTFLAGS="--cfg rgc_loom" cargo test -p gc-heap --release --test loom_marking`
//! (CI does). What each model checks:
//! - termination: markers sharing work through deques stop only when every
//!   reachable node is scanned, and the marker that sees the end sees every
//!   other marker's scan (a read that the protocol does not order after the
//!   write is a data race to `loom`);
//! - the crew's hand-off: no helper touches a job after `run` returns, and
//!   a helper joins each job at most once.
//!
//! Each model fails when the protocol is broken (checked by hand when the
//! models were written): a thief that steals before it counts itself active
//! leaves a node unscanned when the other marker sees the end; a marker that
//! counts itself idle before popping its own deque miscounts, and marking
//! never ends; a `run` that does not wait for its helpers to leave races
//! with them on the job's data.
#![cfg(rgc_loom)]

extern crate alloc;

/// What the protocol files import as `super::sync`.
mod sync {
    pub use loom::sync::atomic::{AtomicUsize, Ordering};
    pub use loom::sync::{Arc, Condvar, Mutex, MutexGuard};
    pub use loom::thread::JoinHandle;

    pub fn spawn(_name: alloc::string::String, f: impl FnOnce() + Send + 'static) -> Option<JoinHandle<()>> {
        Some(loom::thread::spawn(f))
    }
}

#[allow(dead_code)]
#[path = "../src/parallel/crew.rs"]
mod crew;
#[allow(dead_code)]
#[path = "../src/parallel/termination.rs"]
mod termination;

use loom::cell::UnsafeCell;
use loom::sync::atomic::{AtomicBool, Ordering};
use loom::sync::{Arc, Mutex};
use std::collections::VecDeque;
use termination::Termination;

/// The graph: node `i`'s children. Nodes 1 and 2 both reach 3, so two
/// markers can meet there; 5 is unreachable.
const CHILDREN: [&[usize]; 6] = [&[1, 2], &[3], &[3, 4], &[], &[], &[3]];
const REACHABLE: [bool; 6] = [true, true, true, true, true, false];

struct Graph {
    marked: Vec<AtomicBool>,
    /// Written by the marker that scans the node; read at the end.
    scanned: Vec<UnsafeCell<bool>>,
}

// SAFETY (model): a node is scanned by the one marker that marked it, and
// read at the end; loom reports it if the protocol lets those race.
unsafe impl Sync for Graph {}

/// Two markers: each one's public deque, the termination count.
struct Mark {
    graph: Graph,
    deques: [Mutex<VecDeque<usize>>; 2],
    termination: Termination,
}

impl Mark {
    fn steal(&self, me: usize) -> Option<usize> {
        self.deques[1 - me].lock().unwrap().pop_front()
    }
    fn any_work(&self, me: usize) -> bool {
        !self.deques[1 - me].lock().unwrap().is_empty()
    }

    /// One marker: scans its stack, offers its oldest entry when the other
    /// is idle, and asks the protocol for work when it runs dry.
    fn run(&self, me: usize, mut stack: Vec<usize>, joins_idle: bool) {
        let snooze = loom::thread::yield_now;
        if joins_idle {
            self.termination.join();
            match self.termination.wait_for_work(|| self.steal(me), || self.any_work(me), snooze) {
                Some(n) => stack.push(n),
                None => return self.check_all_scanned(),
            }
        }
        loop {
            while let Some(n) = stack.pop() {
                for &c in CHILDREN[n] {
                    if !self.graph.marked[c].swap(true, Ordering::Relaxed) {
                        stack.push(c);
                    }
                }
                // SAFETY (model): loom reports any access racing with this.
                self.graph.scanned[n].with_mut(|p| unsafe { *p = true });
                if stack.len() > 1 && self.termination.someone_is_hungry() {
                    let oldest = stack.remove(0);
                    self.deques[me].lock().unwrap().push_back(oldest);
                }
            }
            let own = || self.deques[me].lock().unwrap().pop_back();
            match self.termination.out_of_work(own, || self.steal(me), || self.any_work(me), snooze) {
                Some(n) => stack.push(n),
                None => return self.check_all_scanned(),
            }
        }
    }

    fn check_all_scanned(&self) {
        for (n, &reachable) in REACHABLE.iter().enumerate() {
            // SAFETY (model): as above.
            let scanned = self.graph.scanned[n].with(|p| unsafe { *p });
            assert_eq!(scanned, reachable, "node {n} at the end of marking");
        }
    }
}

/// The collecting thread holds the root's work and is active; a helper
/// joins idle.
#[test]
fn marking_ends_only_when_every_reachable_node_is_scanned() {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(|| {
        let graph = Graph {
            marked: (0..6).map(|i| AtomicBool::new(i == 0)).collect(),
            scanned: (0..6).map(|_| UnsafeCell::new(false)).collect(),
        };
        let mark = Arc::new(Mark {
            graph,
            deques: [Mutex::new(VecDeque::new()), Mutex::new(VecDeque::new())],
            termination: Termination::new(1),
        });
        let helper = {
            let mark = Arc::clone(&mark);
            loom::thread::spawn(move || mark.run(1, Vec::new(), true))
        };
        mark.run(0, vec![0], false);
        helper.join().unwrap();
    });
}

/// What a job touches: a counter per participant, written inside the job
/// and read by the owner after `run`.
struct Slots([UnsafeCell<u32>; 2]);

// SAFETY (model): each slot is written by one participant inside a job and
// read by the owner after `run`; loom reports it if the crew lets those race.
unsafe impl Sync for Slots {}

/// Two jobs in a row on a crew of one helper: after each `run` the owner
/// reads what the helper wrote, and the helper ran each job at most once.
#[test]
fn no_helper_touches_a_job_after_run_returns() {
    loom::model(|| {
        let crew = crew::Crew::new(1, "model");
        let slots = &Slots([UnsafeCell::new(0), UnsafeCell::new(0)]);
        for round in 1..=2u32 {
            // SAFETY (model): see `Slots`.
            let job = |id: usize| slots.0[id].with_mut(|p| unsafe { *p += 1 });
            crew.run(&job, || slots.0[0].with_mut(|p| unsafe { *p += 1 }));
            // SAFETY (model): as above.
            let (own, helper) = (slots.0[0].with(|p| unsafe { *p }), slots.0[1].with(|p| unsafe { *p }));
            assert_eq!(own, round);
            assert!(helper <= round, "a helper ran a job twice");
        }
        drop(crew);
    });
}
