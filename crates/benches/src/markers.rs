//! The markers group: the stop-the-world collectors on lru-cache at a large
//! live heap ([`LIVE_MB`]), marking alone and with helper threads
//! (`rgc_config.markers`, [`MARKERS`]).
//!
//! Figures, per collector and marker count, from one run of each:
//! - max and median pause, wall time and the collecting thread's CPU time
//!   (helpers' CPU time is not in it: with two markers a pause's CPU time
//!   is about half of the marking work);
//! - the mark rate: bytes found live (`rgc_stats.marked_bytes`) over the
//!   time in `RGC_PHASE_MARK`, summed over the run;
//! - max pause over the one-marker run's of the same collector.

use crate::metrics::Summary;
use crate::results::Results;
use crate::run::RunResult;
use std::fmt::Write;

/// The harness group its runs belong to, also the name `--scenario` takes.
pub const GROUP: &str = "markers";
/// The scenario it runs.
pub const SCENARIO: &str = "lru-cache";
/// Live data, MB (`--quick` divides it by 8).
pub const LIVE_MB: f64 = 64.0;
/// Marker counts compared.
pub const MARKERS: &[u32] = &[1, 2];
/// The collectors whose collections mark in parallel.
pub const COLLECTORS: &[&str] = &["marksweep", "conservative"];

/// One row of the table.
pub struct Row<'a> {
    pub run: &'a RunResult,
    pub markers: u64,
    /// Bytes found live per second of marking.
    pub mark_rate: Option<f64>,
    /// Max pause over the one-marker run's, if that run is there.
    pub max_pause_ratio: Option<f64>,
}

fn figure(r: &RunResult, key: &str) -> u64 {
    r.extra.get(key).and_then(|v| v.as_u64()).unwrap_or(0)
}

/// The group's finished runs as rows, in run order.
pub fn rows(results: &Results) -> Vec<Row<'_>> {
    let runs: Vec<&RunResult> = results.runs.iter().filter(|r| r.group == GROUP && r.ok()).collect();
    runs.iter()
        .map(|r| {
            let base = runs.iter().find(|b| b.collector == r.collector && figure(b, "markers") == 1);
            let mark_ns = figure(r, "mark_ns");
            Row {
                run: r,
                markers: figure(r, "markers"),
                mark_rate: (mark_ns > 0).then(|| figure(r, "marked_bytes") as f64 / (mark_ns as f64 / 1e9)),
                max_pause_ratio: base
                    .filter(|b| b.pauses.max_ns > 0)
                    .map(|b| r.pauses.max_ns as f64 / b.pauses.max_ns as f64),
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
    let live = rows[0].run.params.get("live_mb").map_or("?", |s| s.as_str());
    // What the machine gave two threads around the threads group, if it ran.
    let two = |v: &[(u32, f64)]| v.iter().find(|(n, _)| *n == 2).map(|(_, x)| format!("{x:.2}x"));
    let machine = match (two(&results.machine_scaling_before), two(&results.machine_scaling_after)) {
        (Some(a), Some(b)) => {
            format!("Two threads of busy work ran {a} and {b} as fast as one (before and after the threads group).\n")
        }
        _ => String::new(),
    };
    let mut out = format!(
        "\n== markers: {SCENARIO} at {live} MB live, stop-the-world collections marked by 1 or more threads, \
         on {} cores\n{machine}\n| collector | markers | collections | pause p50 / max (ms) | CPU p50 / max (ms) | \
         max pause vs 1 marker | mark rate (MB/s) |\n|---|---|---|---|---|---|---|\n",
        results.settings.cores
    );
    let ms = |ns: u64| ns as f64 / 1e6;
    for r in &rows {
        let cpu = r
            .run
            .pauses_cpu
            .as_ref()
            .map_or("-".into(), |c: &Summary| format!("{:.2} / {:.2}", ms(c.p50_ns), ms(c.max_ns)));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.2} / {:.2} | {} | {} | {} |",
            r.run.collector,
            r.markers,
            r.run.collections,
            ms(r.run.pauses.p50_ns),
            ms(r.run.pauses.max_ns),
            cpu,
            r.max_pause_ratio.map_or("-".into(), |x| format!("{x:.2}x")),
            r.mark_rate.map_or("-".into(), |x| format!("{:.0}", x / 1e6)),
        );
    }
    for run in results.runs.iter().filter(|r| r.group == GROUP && !r.ok()) {
        let _ =
            writeln!(out, "{} under {}: FAILED: {}", run.scenario, run.collector, run.failed.as_deref().unwrap_or(""));
    }
    out
}

/// Checks the group's runs for `rgc bench --validate`: each says how many
/// threads marked, and a run that collected measured its marking.
pub fn validate(results: &Results) -> Result<(), String> {
    for r in rows(results) {
        if r.markers == 0 || (r.run.collections > 0 && r.mark_rate.is_none()) {
            return Err(format!(
                "markers run under {} lacks its figures (markers {}, mark_ns {}, collections {})",
                r.run.collector,
                r.markers,
                figure(r.run, "mark_ns"),
                r.run.collections
            ));
        }
    }
    Ok(())
}
