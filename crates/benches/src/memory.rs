//! The memory-fit table (issue 7, "memory overhead"): what each collector
//! needs beyond the live data, from `c/memory_fit.c` (its header comment
//! defines every figure).
//!
//! Three runs per collector:
//! - `fill`: a 4 MB region filled to 75 % of the heap's capacity with
//!   objects of mixed sizes, nothing freed (the layout's own cost:
//!   side tables, headers, size-class rounding, partly used blocks);
//! - `churn`: the same, then four times the live bytes replaced at random.
//!   A non-moving heap then holds its live objects spread over nearly
//!   every block, so `waste` counts the free cells between them too (the
//!   next allocations of their classes reuse them); the figure that matters
//!   is whether the run finishes: an object bigger than half a block needs
//!   whole free blocks in a row, and random deaths leave few;
//! - `ram-2.5MB`: 1 MB live, churned four times, in a 2.5 MB region that
//!   holds the heap and every table: the "1 MB live in 2.5 MB" on
//!   a board, where the region is all the RAM the collector has. It passes
//!   when it finishes;
//! - `rss`: 1 MB live without a region and with the collector's default
//!   heap policy, the peak resident memory of the whole process (and what
//!   it was before `rgc_init`: the program, the C library, rgc's code).
//!   On a Linux host the dynamically linked C library alone is 1.2 MB of
//!   it, and the default `heap_initial` lets the heap reach 4 MB before
//!   the first collection.
//!
//! bdwgc has no region mode and no side-table figures: it gets the `rss`
//! run only. `none` never frees: it gets `fill`, `ram-2.5MB` and `rss`
//! without churn.

use crate::run::Builder;
use crate::scenarios::{Contender, Scenario};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::process::Command;

/// The program, built like a scenario (it is not in the pause table).
pub const MEMORY_FIT: Scenario = Scenario {
    name: "memory-fit",
    source: "memory_fit.c",
    summary: "memory overhead at 75 % occupancy (mixed sizes) and peak RSS with 1 MB live",
    sized: false,
    latency: None,
    quick: &[],
};

/// What `memory_fit.c` prints (one JSON object).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FitRun {
    pub collector: String,
    /// `fill`, `churn` or `rss` (set by the harness).
    #[serde(default)]
    pub run: String,
    pub failed: Option<String>,
    #[serde(default)]
    pub region_bytes: u64,
    #[serde(default)]
    pub heap_capacity: u64,
    #[serde(default)]
    pub live_payload: u64,
    #[serde(default)]
    pub stats_live_bytes: u64,
    #[serde(default)]
    pub heap_size: u64,
    #[serde(default)]
    pub metadata_bytes: u64,
    #[serde(default)]
    pub peak_table_bytes: u64,
    #[serde(default)]
    pub waste_bytes: i64,
    #[serde(default)]
    pub overhead_percent: f64,
    #[serde(default)]
    pub rss_before_init_kb: u64,
    #[serde(default)]
    pub peak_rss_kb: u64,
}

/// The run that holds 1 MB live in a 2.5 MB region.
pub const RAM_RUN: &str = "ram-2.5MB";

/// The parameters of each run.
pub fn runs_for(contender: &Contender) -> Vec<(&'static str, Vec<&'static str>)> {
    let fill = ("fill", vec!["mode=occupancy", "churn=0"]);
    let churn = ("churn", vec!["mode=occupancy", "churn=4"]);
    let ram = (RAM_RUN, vec!["mode=occupancy", "region_kb=2560", "live_kb=1024", "churn=4"]);
    let rss = ("rss", vec!["mode=rss", "live_kb=1024", "heap_mult=0"]);
    match contender {
        Contender::Bdw { .. } => vec![rss],
        // The collector thread changes when cycles run, not what fits; and
        // a region (the RAM run) has no room for it.
        Contender::IncrementalBackground => vec![],
        c if c.is_baseline() => vec![
            fill,
            (RAM_RUN, vec!["mode=occupancy", "region_kb=2560", "live_kb=1024", "churn=0"]),
            ("rss", vec!["mode=rss", "live_kb=1024", "churn=0", "heap_mult=0"]),
        ],
        _ => vec![fill, churn, ram, rss],
    }
}

/// Runs the built program once with `args`.
pub fn run_one(exe: &Path, collector: &str, run: &str, args: &[&str]) -> FitRun {
    let failed =
        |why: String| FitRun { collector: collector.into(), run: run.into(), failed: Some(why), ..Default::default() };
    let out = match Command::new(exe).args(args).output() {
        Ok(o) => o,
        Err(e) => return failed(format!("cannot run {}: {e}", exe.display())),
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    match stdout.lines().rev().find_map(|l| serde_json::from_str::<FitRun>(l).ok()) {
        Some(mut r) => {
            r.run = run.into();
            r
        }
        None => {
            failed(format!("exited with {} without a result: {}", out.status, String::from_utf8_lossy(&out.stderr)))
        }
    }
}

/// Builds the program for each contender and runs its runs.
pub fn measure(builder: &Builder, contenders: &[Contender]) -> Vec<FitRun> {
    let mut rows = Vec::new();
    for c in contenders {
        let exe = match builder.build(&MEMORY_FIT, c) {
            Ok((exe, _)) => exe,
            Err(e) => {
                rows.push(FitRun {
                    collector: c.name().into(),
                    run: "build".into(),
                    failed: Some(e),
                    ..Default::default()
                });
                continue;
            }
        };
        for (run, args) in runs_for(c) {
            rows.push(run_one(&exe, c.name(), run, &args));
        }
    }
    rows
}

fn kb(bytes: u64) -> String {
    format!("{:.0} KB", bytes as f64 / 1024.0)
}

/// The table as Markdown.
pub fn table(rows: &[FitRun]) -> String {
    let mut s = String::from(
        "| collector | run | live | heap in use | side tables | collector tables (peak) | waste | overhead (% of heap) \
         | peak RSS | RSS before init |\n|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        if let Some(why) = &r.failed {
            let why: String = why.chars().take(120).collect();
            s += &format!("| {} | {} | failed: {why} | | | | | | | |\n", r.collector, r.run);
            continue;
        }
        let rss = r.run == "rss";
        let dash = || "-".to_string();
        s += &format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.collector,
            r.run,
            kb(r.live_payload),
            kb(r.heap_size),
            if r.collector.starts_with("bdw") { dash() } else { kb(r.metadata_bytes) },
            if r.collector.starts_with("bdw") { dash() } else { kb(r.peak_table_bytes) },
            if rss { dash() } else { kb(r.waste_bytes.max(0) as u64) },
            if rss { dash() } else { format!("{:.1} %", r.overhead_percent) },
            if rss { format!("{:.2} MB", r.peak_rss_kb as f64 / 1024.0) } else { dash() },
            if rss { format!("{:.2} MB", r.rss_before_init_kb as f64 / 1024.0) } else { dash() },
        );
    }
    s
}
