//! The threads group: `c/threads.c` with 1, 2 and 4 workers sharing one
//! heap, on GCBench-like trees and request-server-like requests, under the
//! collectors whose threads run at once.
//!
//! Figures, per work, collector and worker count, from one run of each:
//! - throughput: units (tree nodes, requests) per second of wall time, and
//!   the speedup over one worker of the same harness run;
//! - the collector's share: its pauses' total over the wall time (a
//!   stop-the-world collection stops every worker, so this share does not
//!   shrink with more workers: collection stays on one core until the
//!   off-core issue);
//! - the bound that share sets: with one worker's share `s`, N workers can
//!   run at most `1 / (s + (1 - s) / N)` times as fast (N at most the
//!   number of cores) while collection
//!   stays on one core (Amdahl's law; an upper bound, since a longer
//!   heap's collections are no cheaper per unit allocated);
//! - the machine's own scaling: N threads of busy work without rgc
//!   ([`machine_scaling`]), measured just before and after the group's
//!   runs; the table shows both. On a shared machine the second core is
//!   not always all ours: a run can scale no further than the machine
//!   gave while it ran, somewhere between the two;
//! - time to safepoint: each stop-the-world handshake, from raising the
//!   other threads' flags until all are parked (`RGC_PHASE_SAFEPOINT`).
//!   With more threads than cores a running worker may be preempted while
//!   the collector waits for it, so the tail grows with the scheduler's
//!   time slice.

use crate::metrics::Summary;
use crate::results::Results;
use crate::run::RunResult;
use crate::scenarios::Scenario;
use std::fmt::Write;

pub const SCENARIO: Scenario = Scenario {
    name: "threads",
    source: "threads.c",
    summary: "N workers on one heap, no lock around rgc: GCBench-like trees or request-server-like requests",
    sized: false,
    latency: None,
    quick: &[("units_trees", "400000"), ("units_requests", "40000")],
};

/// The harness group its runs belong to.
pub const GROUP: &str = "threads";
/// Worker counts (the machine has 2 cores; 4 shows what oversubscription does).
pub const WORKERS: &[u32] = &[1, 2, 4];
pub const WORKS: &[&str] = &["trees", "requests"];
/// Collectors whose threads run at once (`gc_api::Threads::Concurrent`).
pub const COLLECTORS: &[&str] = &["marksweep", "conservative", "incremental", "none"];

/// The program's parameters for one run.
pub fn params(
    work: &str,
    workers: u32,
    quick: bool,
    heap_mult: f64,
    heap_policy: &str,
    pacing: &str,
) -> Vec<(String, String)> {
    let mut p = vec![
        ("threads".to_string(), workers.to_string()),
        ("work".to_string(), work.to_string()),
        ("heap_mult".to_string(), heap_mult.to_string()),
        ("heap_policy".to_string(), heap_policy.to_string()),
        ("pacing".to_string(), pacing.to_string()),
    ];
    if quick {
        let key = format!("units_{work}");
        if let Some((_, v)) = SCENARIO.quick.iter().find(|(k, _)| *k == key) {
            p.push(("units".into(), v.to_string()));
        }
    }
    p
}

/// One row of the table.
pub struct Row<'a> {
    pub run: &'a RunResult,
    pub work: String,
    pub workers: u64,
    pub units_per_s: f64,
    /// Over one worker of the same work and collector, if that run is there.
    pub speedup: Option<f64>,
    pub gc_share: f64,
    /// What one worker's collector share allows this many workers (see the
    /// module doc), if that run is there.
    pub bound: Option<f64>,
    pub safepoints: Summary,
}

fn work_of(r: &RunResult) -> String {
    r.extra.get("work").and_then(|v| v.as_str()).unwrap_or("?").to_string()
}

fn workers_of(r: &RunResult) -> u64 {
    r.extra.get("threads").and_then(|v| v.as_u64()).unwrap_or(0)
}

/// The group's finished runs as rows, in run order.
pub fn rows(results: &Results) -> Vec<Row<'_>> {
    let runs: Vec<&RunResult> = results.runs.iter().filter(|r| r.group == GROUP && r.ok()).collect();
    let rate = |r: &RunResult| r.extra.get("units").and_then(|v| v.as_u64()).unwrap_or(0) as f64 / r.wall_s.max(1e-9);
    let share = |r: &RunResult| r.pauses.total_ns as f64 / 1e9 / r.wall_s.max(1e-9);
    // More workers than cores share them.
    let cores = results.settings.cores.max(1) as u64;
    runs.iter()
        .map(|r| {
            let base =
                runs.iter().find(|b| b.collector == r.collector && work_of(b) == work_of(r) && workers_of(b) == 1);
            let ttsp: Vec<u64> = r
                .extra
                .get("safepoints_ns")
                .and_then(|v| v.as_array())
                .map(|a| a.iter().filter_map(|x| x.as_u64()).collect())
                .unwrap_or_default();
            Row {
                run: r,
                work: work_of(r),
                workers: workers_of(r),
                units_per_s: rate(r),
                speedup: base.map(|b| rate(r) / rate(b)),
                gc_share: share(r),
                bound: base.map(|b| amdahl(share(b).min(1.0), workers_of(r).min(cores))),
                safepoints: Summary::of(&ttsp),
            }
        })
        .collect()
}

/// The speedup `workers` threads can reach when a share `serial` of one
/// thread's run cannot be spread over them.
pub fn amdahl(serial: f64, workers: u64) -> f64 {
    1.0 / (serial + (1.0 - serial) / workers.max(1) as f64)
}

/// Busy work that touches no memory: what one unit of it costs does not
/// depend on how many threads run it at once, on a machine that gives each
/// thread its own core.
fn busy(iterations: u64) -> u64 {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..iterations {
        x = std::hint::black_box(x.rotate_left(7) ^ x.wrapping_mul(3));
    }
    x
}

/// The machine's scaling right now: for each worker count, a fixed total
/// of busy work (no memory touched) split evenly over that many threads, as its speedup
/// over one thread (the best of `rounds`, to see through a moment's
/// preemption). About 0.1 s per round and count.
pub fn machine_scaling(workers: &[u32], rounds: u32) -> Vec<(u32, f64)> {
    const TOTAL: u64 = 60_000_000;
    let time = |n: u32| {
        let start = std::time::Instant::now();
        std::thread::scope(|s| {
            for _ in 0..n {
                s.spawn(|| busy(TOTAL / n as u64));
            }
        });
        start.elapsed().as_secs_f64()
    };
    let best = |n: u32| (0..rounds.max(1)).map(|_| time(n)).fold(f64::INFINITY, f64::min);
    let one = best(1);
    workers.iter().map(|&n| (n, if n == 1 { 1.0 } else { one / best(n) })).collect()
}

/// The terminal table (markdown), or "" when the group did not run.
pub fn table(results: &Results) -> String {
    let rows = rows(results);
    if rows.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\n== threads ({}), on {} cores\n{}\n| work | collector | workers | units/s | speedup | bound | collector \
         share | collections | time to safepoint p50 / p99 / max (us) | max pause (ms) |\n\
         |---|---|---|---|---|---|---|---|---|---|\n",
        SCENARIO.summary,
        results.settings.cores,
        machine_line(&results.machine_scaling_before, &results.machine_scaling_after)
    );
    for r in &rows {
        let ttsp = if r.safepoints.count == 0 {
            "-".to_string()
        } else {
            format!(
                "{:.1} / {:.1} / {:.1} ({} handshakes)",
                r.safepoints.p50_ns as f64 / 1e3,
                r.safepoints.p99_ns as f64 / 1e3,
                r.safepoints.max_ns as f64 / 1e3,
                r.safepoints.count
            )
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.3e} | {} | {} | {:.1} % | {} | {} | {:.2} |",
            r.work,
            r.run.collector,
            r.workers,
            r.units_per_s,
            r.speedup.map_or("-".into(), |s| format!("{s:.2}x")),
            r.bound.map_or("-".into(), |s| format!("{s:.2}x")),
            100.0 * r.gc_share,
            r.run.collections,
            ttsp,
            r.run.pauses.max_ns as f64 / 1e6
        );
    }
    for run in results.runs.iter().filter(|r| r.group == GROUP && !r.ok()) {
        let _ =
            writeln!(out, "{} under {}: FAILED: {}", run.scenario, run.collector, run.failed.as_deref().unwrap_or(""));
    }
    out
}

/// The lines above the table: the machine's scaling (if measured) and
/// what the bound column means.
fn machine_line(before: &[(u32, f64)], after: &[(u32, f64)]) -> String {
    let figures = |v: &[(u32, f64)]| v.iter().map(|(n, s)| format!("{n}: {s:.2}x")).collect::<Vec<_>>().join(", ");
    let machine = match (before.is_empty(), after.is_empty()) {
        (false, false) => format!(
            "The machine itself (threads of busy work, no rgc): before the group {}; after it {}.\n",
            figures(before),
            figures(after)
        ),
        _ => String::new(),
    };
    format!(
        "\n{machine}bound: what stop-the-world collection on one core allows, from one worker's collector \
         share (Amdahl).\n"
    )
}

/// Checks the group's runs for `rgc bench --validate`.
pub fn validate(results: &Results) -> Result<(), String> {
    for r in rows(results) {
        if r.workers == 0 || r.units_per_s <= 0.0 || !WORKS.contains(&r.work.as_str()) {
            return Err(format!(
                "threads run under {} lacks its figures (workers {}, work '{}', rate {})",
                r.run.collector, r.workers, r.work, r.units_per_s
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amdahl_bound_by_hand() {
        // Half serial: two workers take 0.5 + 0.25 of the time.
        assert!((amdahl(0.5, 2) - 1.0 / 0.75).abs() < 1e-12);
        assert!((amdahl(0.0, 4) - 4.0).abs() < 1e-12);
        assert!((amdahl(1.0, 4) - 1.0).abs() < 1e-12);
        // 57.6 % collector share (trees, one worker, heap 2x live): 1.27x.
        assert!((amdahl(0.576, 2) - 1.269).abs() < 1e-3);
    }
}
