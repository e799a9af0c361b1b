//! How much of the processor a background collector *can* leave the
//! mutator, from a stop-the-world run of the same scenario: the harness
//! prints it under each scenario's table, beside what the incremental
//! collector's thread reached, so that a missed MMU target can be told
//! apart from one that no collector of this kind can meet on the machine.
//!
//! ## The bound
//! The collector is a snapshot-at-the-beginning one that allocates black
//! (rgc's `incremental` with its collector thread): what the mutator
//! allocates while a cycle marks survives that cycle. While a cycle marks,
//! the mutator keeps a share `u` of its core; the collector marks on the
//! other `P − 1` cores and on what the mutator leaves of its own
//! (assists), at most `P − u` cores at once. Between cycles the mutator
//! may have its whole core.
//!
//! From the stop-the-world run (marksweep) come the mutator's time `T`
//! (wall time less pauses) and the time spent marking within it, `m`
//! summed over its cycles; per cycle `i`, marking took `mᵢ` on one core
//! and the program allocated `Hᵢ`, all the room the heap left above the
//! live data. A background cycle that marks what cycle `i` marked takes
//! at least `mᵢ / (P − u)` of wall time, during which the mutator
//! allocates `Fᵢ = u·A·mᵢ / (P − u)` (`A = ΣHᵢ / T`, its allocation rate),
//! black. After the cycle's sweep the heap still holds `Fᵢ`, and the next
//! cycle's `Fᵢ₊₁` must fit beside it in the room the heap leaves:
//! `Fᵢ + Fᵢ₊₁ ≤ Hᵢ`. Summed over the run, `2·ΣFᵢ ≤ ΣHᵢ`, that is
//! `2·u·A·m / (P − u) ≤ A·T`, so, with `x = m/T`,
//!
//! > while marking: u ≤ u_m = P / (1 + 2x).
//!
//! (The allocation rate cancels: only the share of its mutator's time the
//! stop-the-world collector spent marking matters. With `u` varying from
//! cycle to cycle, the smallest is below `u_m`.) MMU over windows shorter
//! than a cycle's marking cannot exceed `u_m`. Over the run, the mutator
//! runs `T`, of which `u·m/(P − u)` while marking and the rest alone; the
//! wall time is `T + (1 − u)·m/(P − u)`, so its average utilisation is
//! at most
//!
//! > on average: 1 / (1 + x·(1 − u_m)/(P − u_m)),
//!
//! (it grows with `u`, up to `u_m`), which bounds MMU over windows that
//! span several cycles.
//!
//! These are upper bounds for a collector of this kind: they count no
//! sweeping, root snapshots, hand-offs or handshakes, no floating garbage
//! beyond what marking allocates, no marking slowed by sharing memory with
//! the mutator, and they let assists mark at full rate beside the thread.
//! Marking with more than one marker in the stop-the-world run shortens
//! `m`, which loosens them further; one marker's `m` is the figure a
//! background collector with one marking thread is held to.

use crate::run::RunResult;

/// What the bound is computed from (see the module doc).
#[derive(Debug, Clone, Copy)]
pub struct StopTheWorldRun {
    /// The mutator's time in the measured run: wall time less pauses, ns.
    pub mutator_ns: f64,
    /// Time spent marking (`RGC_PHASE_MARK`) within the measured run, ns.
    pub mark_ns: f64,
}

impl StopTheWorldRun {
    /// The figures of a finished harness run that marked; `None`
    /// otherwise (or from results of a harness without `run_mark_ns`).
    pub fn of(r: &RunResult) -> Option<StopTheWorldRun> {
        let mark_ns = r.extra.get("run_mark_ns").and_then(|v| v.as_u64())? as f64;
        let run = StopTheWorldRun { mutator_ns: r.wall_s * 1e9 - r.pauses.total_ns as f64, mark_ns };
        (r.ok() && run.mutator_ns > 0.0 && run.mark_ns > 0.0).then_some(run)
    }

    /// `x = m/T`: marking time over the mutator's time.
    pub fn marking_share(&self) -> f64 {
        self.mark_ns / self.mutator_ns
    }

    /// The highest share of its core the mutator can keep while a
    /// snapshot-at-the-beginning background collector marks, on `cores`
    /// cores (`u_m`, at most 1).
    pub fn marking_bound(&self, cores: usize) -> f64 {
        (cores as f64 / (1.0 + 2.0 * self.marking_share())).min(1.0)
    }

    /// The highest average utilisation over the run such a collector can
    /// leave the mutator on `cores` cores (at most 1).
    pub fn average_bound(&self, cores: usize) -> f64 {
        let u = self.marking_bound(cores);
        if u >= 1.0 {
            return 1.0;
        }
        1.0 / (1.0 + self.marking_share() * (1.0 - u) / (cores as f64 - u))
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
        "bound: a background snapshot collector on {cores} cores leaves the mutator at most {:.2} of its core while \
         it marks and {:.2} on average here (marksweep marked for {:.2} of its mutator's time, with {markers} \
         marker{}; benches::bound){reached}",
        stw.marking_bound(cores),
        stw.average_bound(cores),
        stw.marking_share(),
        if markers == 1 { "" } else { "s, which loosens the bound" },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(mutator_ms: f64, mark_ms: f64) -> StopTheWorldRun {
        StopTheWorldRun { mutator_ns: mutator_ms * 1e6, mark_ns: mark_ms * 1e6 }
    }

    /// By hand: marking took as long as the mutator ran (x = 1): on two
    /// cores u_m = 2/3 and the average 1/(1 + (1/3)/(4/3)) = 0.8; on one
    /// core 1/3 and 1/(1 + (2/3)/(2/3)) = 0.5.
    #[test]
    fn marking_as_long_as_the_mutator_allows_two_thirds_on_two_cores() {
        let r = run(50.0, 50.0);
        assert!((r.marking_bound(2) - 2.0 / 3.0).abs() < 1e-12);
        assert!((r.average_bound(2) - 0.8).abs() < 1e-12);
        assert!((r.marking_bound(1) - 1.0 / 3.0).abs() < 1e-12);
        assert!((r.average_bound(1) - 0.5).abs() < 1e-12);
    }

    /// By hand: x = 0.8 gives u_m = 2/2.6 on two cores and the average
    /// 1/(1 + 0.8·0.1875) = 1/1.15; faster marking (x = 0.25) leaves the
    /// mutator its whole core (2/1.5, capped at 1).
    #[test]
    fn faster_marking_or_more_cores_raise_the_bound() {
        assert!((run(50.0, 40.0).marking_bound(2) - 2.0 / 2.6).abs() < 1e-12);
        assert!((run(50.0, 40.0).average_bound(2) - 1.0 / 1.15).abs() < 1e-12);
        assert_eq!(run(50.0, 12.5).marking_bound(2), 1.0);
        assert_eq!(run(50.0, 12.5).average_bound(2), 1.0);
        assert!(run(50.0, 40.0).marking_bound(4) > run(50.0, 40.0).marking_bound(2));
    }

    /// A run from a harness that did not record marking within the run,
    /// or one that never marked, gives no bound.
    #[test]
    fn a_run_without_marking_figures_gives_none() {
        let mut r: RunResult = serde_json::from_str(RUN).unwrap();
        assert!(StopTheWorldRun::of(&r).is_some());
        r.extra.remove("run_mark_ns");
        assert!(StopTheWorldRun::of(&r).is_none());
        r.extra.insert("run_mark_ns".into(), 0.into());
        assert!(StopTheWorldRun::of(&r).is_none());
    }

    const RUN: &str = r#"{"scenario":"gcbench","collector":"marksweep","group":"main","failed":null,"params":{},
        "max_live_bytes":1,"heap_limit":2,"wall_s":0.1,"cpu_s":0.1,"overhead_vs_none":null,"collections":3,
        "bytes_allocated":10,"peak_heap":1,"peak_rss_bytes":1,"code_size_bytes":null,
        "pauses":{"count":1,"total_ns":40000000,"p50_ns":1,"p90_ns":1,"p99_ns":1,"p999_ns":1,"max_ns":1},
        "pause_intervals_ns":[],"mmu":[],"latency":null,"latency_histogram":[],
        "extra":{"run_mark_ns":30000000,"markers":1}}"#;

    /// The figures come from the run: 60 ms of mutator time (100 − 40),
    /// 30 ms of marking.
    #[test]
    fn the_figures_are_the_runs() {
        let r = StopTheWorldRun::of(&serde_json::from_str(RUN).unwrap()).unwrap();
        assert!((r.marking_share() - 0.5).abs() < 1e-9);
        assert!((r.marking_bound(2) - 1.0).abs() < 1e-12);
    }
}
