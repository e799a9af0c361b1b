//! How much of the processor a background collector *can* leave the
//! mutator, from a stop-the-world run of the same scenario: the harness
//! prints it under each scenario's table, beside what the incremental
//! collector's thread reached, so that a missed MMU target can be told
//! apart from one that no collector of this kind can meet on the machine.
//!
//! ## The bound
//! The collector is a snapshot-at-the-beginning one that allocates black
//! (rgc's `incremental` with its collector thread): what the mutator
//! allocates while a cycle marks survives that cycle. On `P` cores, one of
//! them the mutator's, the collector runs on the other `P − 1` and, when
//! it falls behind, on the mutator's own (assists). The mutator's
//! utilisation `u` is its share of its core over the run.
//!
//! From the stop-the-world run (marksweep) come:
//! - `T`: the mutator's time (wall time less pauses), and `A = alloc / T`
//!   its allocation rate at full speed;
//! - `H = alloc / collections`: what a cycle may allocate, start to start,
//!   at that heap size (all the room the heap leaves above the live data);
//! - `m = marked / collections / M`: one cycle's marking time, with `M`
//!   the run's mark rate (marked bytes per ns of marking).
//!
//! While a background cycle marks (for `m`, at best: all `P` cores at
//! once only if the mutator stops), the mutator allocates `F = u·A·m`,
//! black. That survives the cycle, so the room the next cycle starts from
//! is `H − F`, and the run needs `alloc / (H − F)` cycles, each marking
//! for `m`: `C = alloc·m / (H − F)` of collector time. The cores give the
//! collector at most `(P − u)·T/u` over the run (`T/u` of wall time).
//! `C ≤ (P − u)·T/u` with `alloc = A·T` and `k = A·m` (what one cycle's
//! marking lets the mutator allocate at full speed) becomes
//!
//! > k·u² − ((P + 1)·k + H)·u + P·H ≥ 0,
//!
//! whose smaller root is the highest sustainable `u`; MMU over any window
//! that spans whole cycles cannot exceed it. It is an upper bound: it
//! leaves out sweeping, the root snapshot, the hand-offs and handshakes,
//! marking slowed by sharing memory with the mutator, and the floating
//! garbage a snapshot keeps (the stop-the-world run's live data is less),
//! and it counts assists as marking at full rate beside the thread. With
//! more than one marker in the stop-the-world run, `M` is their combined
//! rate, which raises the bound further.

use crate::run::RunResult;

/// What the bound is computed from (see the module doc).
#[derive(Debug, Clone, Copy)]
pub struct StopTheWorldRun {
    /// The mutator's time: wall time less pauses, ns.
    pub mutator_ns: f64,
    pub allocated_bytes: f64,
    pub marked_bytes: f64,
    /// Time spent marking (`RGC_PHASE_MARK`), ns.
    pub mark_ns: f64,
    pub collections: f64,
}

impl StopTheWorldRun {
    /// The figures of a finished harness run that collected and marked;
    /// `None` otherwise.
    pub fn of(r: &RunResult) -> Option<StopTheWorldRun> {
        let figure = |k: &str| r.extra.get(k).and_then(|v| v.as_u64()).unwrap_or(0) as f64;
        let run = StopTheWorldRun {
            mutator_ns: r.wall_s * 1e9 - r.pauses.total_ns as f64,
            allocated_bytes: r.bytes_allocated as f64,
            marked_bytes: figure("marked_bytes"),
            mark_ns: figure("mark_ns"),
            collections: r.collections as f64,
        };
        let usable = r.ok() && run.mutator_ns > 0.0 && run.mark_ns > 0.0 && run.marked_bytes > 0.0;
        (usable && run.collections > 0.0 && run.allocated_bytes > 0.0).then_some(run)
    }

    /// `k / H`: what one cycle's marking lets the mutator allocate at full
    /// speed, over what a cycle may allocate.
    pub fn allocation_during_marking_share(&self) -> f64 {
        let rate = self.allocated_bytes / self.mutator_ns;
        let marking_ns = self.marked_bytes / self.collections / (self.marked_bytes / self.mark_ns);
        rate * marking_ns / (self.allocated_bytes / self.collections)
    }

    /// The highest mutator utilisation a snapshot-at-the-beginning
    /// background collector can sustain on `cores` cores (1.0 when
    /// nothing limits it).
    pub fn utilisation_bound(&self, cores: usize) -> f64 {
        let p = cores as f64;
        // Divide the quadratic by H: x·u² − ((P + 1)·x + 1)·u + P ≥ 0.
        let x = self.allocation_during_marking_share();
        if x <= 0.0 {
            return 1.0;
        }
        let b = (p + 1.0) * x + 1.0;
        let root = (b - (b * b - 4.0 * x * p).sqrt()) / (2.0 * x);
        root.clamp(0.0, 1.0)
    }
}

/// The sentence the reports print under a scenario's table: the bound
/// from its marksweep run, beside the MMU(10 ms) the incremental
/// collector's thread reached; `None` without a usable marksweep run.
pub fn line(runs: &[&RunResult], cores: usize) -> Option<String> {
    let marksweep = runs.iter().find(|r| r.collector == "marksweep")?;
    let stw = StopTheWorldRun::of(marksweep)?;
    let markers = marksweep.extra.get("markers").and_then(|v| v.as_u64()).unwrap_or(1);
    let reached = runs
        .iter()
        .find(|r| r.collector == "incremental-bg" && r.ok())
        .and_then(|r| crate::report::mmu_at(r, 10_000_000))
        .map_or(String::new(), |m| format!("; incremental-bg reached MMU(10 ms) {m:.2}"));
    Some(format!(
        "bound: a background snapshot collector on {cores} cores leaves the mutator at most {:.2} of its core here \
         (from marksweep's run with {markers} marker{}: a cycle's marking allows {:.2} of a cycle's allocation; \
         benches::bound){reached}",
        stw.utilisation_bound(cores),
        if markers == 1 { "" } else { "s, whose combined rate makes it looser" },
        stw.allocation_during_marking_share(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(mutator_ms: f64, allocated_mb: f64, marked_mb: f64, mark_ms: f64, collections: f64) -> StopTheWorldRun {
        StopTheWorldRun {
            mutator_ns: mutator_ms * 1e6,
            allocated_bytes: allocated_mb * 1e6,
            marked_bytes: marked_mb * 1e6,
            mark_ns: mark_ms * 1e6,
            collections,
        }
    }

    /// By hand: A = 2 MB/ms (100 MB in 50 ms), H = 4 MB (25 cycles), one
    /// cycle marks 4 MB at 2 MB/ms, so m = 2 ms and k = 4 MB = H. On two
    /// cores u² − 4u + 2 ≥ 0: u ≤ 2 − √2.
    #[test]
    fn a_cycle_whose_marking_allocates_its_whole_room_allows_two_minus_root_two() {
        let r = run(50.0, 100.0, 100.0, 50.0, 25.0);
        assert!((r.allocation_during_marking_share() - 1.0).abs() < 1e-9);
        assert!((r.utilisation_bound(2) - (2.0 - 2f64.sqrt())).abs() < 1e-9);
    }

    /// By hand: the same run marking at 2.5 MB/ms (m = 1.6 ms, k = 0.8·H):
    /// 0.8u² − 3.4u + 2 ≥ 0 on two cores, u ≤ (3.4 − √5.16)/1.6; on one
    /// core 0.8u² − 2.6u + 1 ≥ 0, u ≤ (2.6 − √3.56)/1.6.
    #[test]
    fn faster_marking_or_more_cores_raise_the_bound() {
        let r = run(50.0, 100.0, 100.0, 40.0, 25.0);
        assert!((r.utilisation_bound(2) - (3.4 - 5.16f64.sqrt()) / 1.6).abs() < 1e-9);
        assert!((r.utilisation_bound(1) - (2.6 - 3.56f64.sqrt()) / 1.6).abs() < 1e-9);
        assert!(r.utilisation_bound(2) > run(50.0, 100.0, 100.0, 50.0, 25.0).utilisation_bound(2));
    }

    /// With many cores the collector keeps up whatever the mutator does.
    #[test]
    fn the_bound_never_exceeds_one() {
        assert_eq!(run(50.0, 100.0, 100.0, 5.0, 25.0).utilisation_bound(64), 1.0);
    }
}
