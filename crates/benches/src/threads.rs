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
pub fn params(work: &str, workers: u32, quick: bool, heap_mult: f64) -> Vec<(String, String)> {
    let mut p = vec![
        ("threads".to_string(), workers.to_string()),
        ("work".to_string(), work.to_string()),
        ("heap_mult".to_string(), heap_mult.to_string()),
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
                gc_share: r.pauses.total_ns as f64 / 1e9 / r.wall_s.max(1e-9),
                safepoints: Summary::of(&ttsp),
            }
        })
        .collect()
}

/// The terminal table (markdown), or "" when the group did not run.
pub fn table(results: &Results) -> String {
    let rows = rows(results);
    if rows.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\n== threads ({}), on {} cores\n\n| work | collector | workers | units/s | speedup | collector share | \
         collections | time to safepoint p50 / p99 / max (us) | max pause (ms) |\n|---|---|---|---|---|---|---|---|---|\n",
        SCENARIO.summary, results.settings.cores
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
            "| {} | {} | {} | {:.3e} | {} | {:.1} % | {} | {} | {:.2} |",
            r.work,
            r.run.collector,
            r.workers,
            r.units_per_s,
            r.speedup.map_or("-".into(), |s| format!("{s:.2}x")),
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
