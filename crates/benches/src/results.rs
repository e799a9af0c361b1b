//! `results.json`: what one harness run measured, as the report, the
//! charts and the threads group read it.

use crate::run::RunResult;
use serde::{Deserialize, Serialize};

/// Bumped when a field changes meaning or goes away.
pub const SCHEMA: &str = "rgc-bench/1";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Results {
    pub schema: String,
    pub created_unix_s: u64,
    pub settings: Settings,
    /// Collectors that were asked for but could not run, and why.
    pub skipped: Vec<(String, String)>,
    pub runs: Vec<RunResult>,
    /// The memory-fit runs (see [`crate::memory`]).
    #[serde(default)]
    pub memory_fit: Vec<crate::memory::FitRun>,
    /// The machine's own scaling just before and just after the threads
    /// group (see [`crate::threads::machine_scaling`]): (workers, speedup)
    /// pairs; empty when the group did not run.
    #[serde(default)]
    pub machine_scaling_before: Vec<(u32, f64)>,
    #[serde(default)]
    pub machine_scaling_after: Vec<(u32, f64)>,
    /// Files written next to results.json.
    pub plots: Vec<String>,
    pub notes: Vec<String>,
}

fn growth() -> String {
    "growth".into()
}

fn late() -> String {
    "late".into()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    pub heap_mult: f64,
    /// rgc's heap policy for every run (`--heap-policy`).
    #[serde(default = "growth")]
    pub heap_policy: String,
    /// The incremental collector's pacing for every run (`--pacing`).
    #[serde(default = "late")]
    pub pacing: String,
    pub quick: bool,
    pub live_mb: Option<f64>,
    pub duration_s: Option<f64>,
    pub sweep_live_mb: Vec<f64>,
    pub sweep_scenario: String,
    pub cores: usize,
}
