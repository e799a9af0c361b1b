//! # benches: how rgc's collectors compare
//!
//! - `rgc-bench` (the README's first command) compiles the C scenarios in
//!   `c/` against every collector with the release toolchain, runs them, and
//!   prints a table (and `--json` for machines).
//! - `benches/alloc.rs`: criterion microbenchmark of small-object allocation
//!   through the C ABI, against glibc `malloc` and bdwgc's `GC_malloc`.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What `c/gcbench.c` prints.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GcBenchResult {
    pub collector: String,
    pub wall_s: f64,
    pub cpu_s: f64,
    pub collections: u64,
    pub pauses: u64,
    pub total_pause_ns: u64,
    pub max_pause_ns: u64,
    pub bytes_allocated: u64,
    pub peak_heap: u64,
    pub peak_rss_kb: u64,
    pub final_live_bytes: u64,
    pub final_mark_ns: u64,
}

impl GcBenchResult {
    /// MB of live data marked per second in the final full collection.
    pub fn mark_rate_mb_s(&self) -> Option<f64> {
        (self.final_mark_ns > 0).then(|| self.final_live_bytes as f64 / 1e6 / (self.final_mark_ns as f64 / 1e9))
    }
}

pub fn c_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("c")
}
