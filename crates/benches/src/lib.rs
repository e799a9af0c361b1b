//! # benches: how rgc's collectors compare
//!
//! - `rgc-bench` (also `rgc bench`; the README's first command) builds every
//!   C scenario in `c/` against every collector, plus bdwgc as a reference,
//!   runs them at equal memory (a heap of `--heap-mult` × each scenario's
//!   analytic max live data), and writes tables, `results.json`, charts and
//!   an HTML page. Start at [`scenarios`], then [`run`] and [`metrics`].
//!   It also prints the memory-fit table ([`memory`]: overhead at 75 %
//!   occupancy, peak RSS with 1 MB live), the Boehm-API table ([`boehm`]:
//!   GCBench against `gc.h` on bdwgc and rgc), the embedded code-size table,
//!   and the threads table ([`threads`]: 1, 2 and 4 workers on one heap).
//!   Under each scenario's table it prints the utilisation a background
//!   collector could reach at most, from marksweep's run ([`bound`]).
//! - `benches/alloc.rs`: criterion microbenchmark of small-object allocation
//!   through the C ABI, against glibc `malloc` and bdwgc's `GC_malloc`.
//!
//! Scenario programs share `c/scenario.h` (parameters, heap sizing, pause
//! and latency recording, the JSON they print). `c/bdw_rgc.c` implements
//! the rgc ABI over bdwgc so the same scenario code runs there.

use std::path::{Path, PathBuf};

pub mod boehm;
pub mod bound;
pub mod markers;
pub mod memory;
pub mod metrics;
pub mod plots;
pub mod report;
pub mod results;
pub mod run;
pub mod scenarios;
pub mod threads;

pub fn c_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("c")
}
