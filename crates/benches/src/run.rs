//! Building scenario programs per contender, running them, and turning what
//! they print into [`RunResult`]s.

use crate::metrics::{histogram_buckets, Mmu, Summary};
use crate::scenarios::{bdw_static_lib, Contender, Scenario};
use rgc_cli::{Link, Toolchain};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// MMU windows: 100 µs to 1 s, four points per decade.
pub const MMU_FROM_NS: u64 = 100_000;
pub const MMU_TO_NS: u64 = 1_000_000_000;
pub const MMU_PER_DECADE: u32 = 4;

/// What a scenario program prints (see `c/scenario.h`).
#[derive(Debug, Deserialize)]
struct RawRun {
    collector: String,
    failed: Option<String>,
    #[serde(default)]
    params: BTreeMap<String, String>,
    #[serde(default)]
    max_live_bytes: u64,
    #[serde(default)]
    heap_limit: u64,
    #[serde(default)]
    run_start_ns: u64,
    #[serde(default)]
    run_end_ns: u64,
    #[serde(default)]
    cpu_ns: u64,
    #[serde(default)]
    collections: u64,
    #[serde(default)]
    bytes_allocated: u64,
    #[serde(default)]
    peak_heap: u64,
    #[serde(default)]
    peak_rss_kb: u64,
    #[serde(default)]
    pauses_ns: Vec<u64>,
    /// Each pause's CPU time on the thread that ran it, in the order of
    /// `pauses_ns` (empty where the program has no thread CPU clock).
    #[serde(default)]
    pause_cpu_ns: Vec<u64>,
    #[serde(default)]
    latencies_ns: Vec<u64>,
    #[serde(flatten)]
    extra: BTreeMap<String, serde_json::Value>,
}

/// One scenario run under one collector: everything the report and the
/// plots need (the schema of `results.json`'s `runs`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunResult {
    pub scenario: String,
    pub collector: String,
    /// `main` for the scenario table, `live-sweep` for the max-pause vs
    /// live-heap chart.
    pub group: String,
    /// `null` if the run finished; otherwise why it failed.
    pub failed: Option<String>,
    pub params: BTreeMap<String, String>,
    pub max_live_bytes: u64,
    /// 0: no limit (the `none` baseline).
    pub heap_limit: u64,
    pub wall_s: f64,
    pub cpu_s: f64,
    /// Wall time over `none`'s in the same scenario (set by the report).
    pub overhead_vs_none: Option<f64>,
    pub collections: u64,
    pub bytes_allocated: u64,
    pub peak_heap: u64,
    pub peak_rss_bytes: u64,
    /// Text bytes the collector adds to the linked scenario binary.
    pub code_size_bytes: Option<u64>,
    pub pauses: Summary,
    /// The same pauses' CPU time on the thread that ran them: preemption
    /// by other tenants stretches wall time but not this. `None` where the
    /// program could not measure it (a board, bdwgc).
    #[serde(default)]
    pub pauses_cpu: Option<Summary>,
    /// Pause intervals `[start, end)` in ns since the measured run began.
    pub pause_intervals_ns: Vec<(u64, u64)>,
    /// `[window_ns, mmu]`, windows from 100 µs to 1 s.
    pub mmu: Vec<(u64, f64)>,
    pub latency: Option<Summary>,
    /// Latency sample as `[value_ns, count]` buckets (3 significant digits).
    pub latency_histogram: Vec<(u64, u64)>,
    /// Scenario-specific figures (deadline misses, hits, ...).
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl RunResult {
    fn failure(scenario: &Scenario, contender: &Contender, group: &str, why: String) -> RunResult {
        RunResult {
            scenario: scenario.name.into(),
            collector: contender.name().into(),
            group: group.into(),
            failed: Some(why),
            params: BTreeMap::new(),
            max_live_bytes: 0,
            heap_limit: 0,
            wall_s: 0.0,
            cpu_s: 0.0,
            overhead_vs_none: None,
            collections: 0,
            bytes_allocated: 0,
            peak_heap: 0,
            peak_rss_bytes: 0,
            code_size_bytes: None,
            pauses: Summary::default(),
            pauses_cpu: None,
            pause_intervals_ns: vec![],
            mmu: vec![],
            latency: None,
            latency_histogram: vec![],
            extra: BTreeMap::new(),
        }
    }

    pub fn ok(&self) -> bool {
        self.failed.is_none()
    }
}

/// Builds scenario binaries: rgc collectors through `rgc cc`'s toolchain,
/// bdw by compiling `c/bdw_rgc.c` and linking bdwgc's static library.
pub struct Builder {
    pub tc: Toolchain,
    pub out_dir: PathBuf,
    /// Text size of an empty C program: subtracted from code sizes.
    empty_text: Option<u64>,
}

/// Flags for every scenario build; unused library sections are dropped so
/// code sizes count only what the program can reach.
const CFLAGS: &[&str] = &["-O2", "-g0", "-ffunction-sections", "-Wl,--gc-sections"];

impl Builder {
    pub fn new(tc: Toolchain) -> Result<Builder, String> {
        let out_dir = tc.lib_dir.join("rgc-bench-programs");
        std::fs::create_dir_all(&out_dir).map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
        let mut b = Builder { tc, out_dir, empty_text: None };
        b.empty_text = b.measure_empty().ok();
        Ok(b)
    }

    fn measure_empty(&self) -> Result<u64, String> {
        let src = self.out_dir.join("empty.c");
        std::fs::write(&src, "int main(void) { return 0; }\n").map_err(|e| e.to_string())?;
        let exe = self.out_dir.join("empty");
        run_cc(Command::new(&self.tc.cc).args(CFLAGS).arg(&src).arg("-o").arg(&exe))?;
        text_size(&exe)
    }

    /// Compiles `scenario` for `contender`; returns the executable and the
    /// text bytes the collector adds (binary − scenario object − empty program).
    pub fn build(&self, scenario: &Scenario, contender: &Contender) -> Result<(PathBuf, Option<u64>), String> {
        let src = crate::c_dir().join(scenario.source);
        let stem = format!("{}-{}", scenario.name, contender.name());
        let exe = self.out_dir.join(&stem);
        let obj = self.out_dir.join(format!("{stem}.o"));
        let include = format!("-I{}", self.tc.include_dir.display());
        match contender {
            Contender::Rgc(_) | Contender::IncrementalBackground => {
                let (gc, extra) = match contender {
                    Contender::Rgc(gc) => (*gc, None),
                    _ => ("incremental", Some("-DSC_BACKGROUND")),
                };
                let define = format!("-DRGC_GC_{}", gc.to_ascii_uppercase());
                run_cc(
                    Command::new(&self.tc.cc)
                        .args(CFLAGS)
                        .args([&include, &define])
                        .args(extra)
                        .arg("-c")
                        .arg(&src)
                        .arg("-o")
                        .arg(&obj),
                )?;
                let args: Vec<String> = CFLAGS
                    .iter()
                    .copied()
                    .chain(extra)
                    .map(|s| s.to_string())
                    .chain([src.display().to_string(), "-o".into(), exe.display().to_string()])
                    .collect();
                self.tc.compile(gc, &args, Link::Static)?;
            }
            Contender::Bdw { incremental } => {
                let lib = bdw_static_lib().ok_or("bdwgc's libgc.a is missing (apt-get install libgc-dev)")?;
                let mut defs = vec!["-DRGC_GC_BDW".to_string()];
                if *incremental {
                    defs.push("-DRGC_BDW_INCREMENTAL".into());
                }
                run_cc(
                    Command::new(&self.tc.cc)
                        .args(CFLAGS)
                        .arg(&include)
                        .args(&defs)
                        .arg("-c")
                        .arg(&src)
                        .arg("-o")
                        .arg(&obj),
                )?;
                run_cc(
                    Command::new(&self.tc.cc)
                        .args(CFLAGS)
                        .arg(&include)
                        .args(&defs)
                        .arg(&src)
                        .arg(crate::c_dir().join("bdw_rgc.c"))
                        .arg(&lib)
                        .args(["-lpthread", "-ldl", "-o"])
                        .arg(&exe),
                )?;
            }
        }
        let added = match (text_size(&exe), text_size(&obj), self.empty_text) {
            (Ok(t), Ok(o), Some(e)) => Some(t.saturating_sub(o + e)),
            _ => None,
        };
        Ok((exe, added))
    }
}

fn run_cc(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("cannot run the C compiler: {e}"))?;
    if !out.status.success() {
        return Err(format!("{cmd:?} failed:\n{}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(())
}

/// The `text` size `size(1)` reports for an object or executable.
pub fn text_size(path: &Path) -> Result<u64, String> {
    rgc_cli::size::text_of("size", path)
}

/// The CPU times of the pauses wholly inside the measured run `start..end`,
/// one per merged pause of `clipped` (`metrics::clip_pauses` of
/// `intervals`; clipping keeps part of a pause that straddles the run's
/// ends, whose CPU time cannot be split, so it is left out). Overlapping
/// pauses (a mutator's wait for the collector thread and the handshake it
/// waited for) are one merged pause: its CPU time is the sum of theirs. A
/// lock wait's own CPU time is unknown ([`CPU_UNKNOWN`]): a merged pause
/// made of waits only counts its wall time, an upper bound.
fn merged_pause_cpu(intervals: &[(u64, u64)], cpu: &[u64], clipped: &[(u64, u64)], start: u64, end: u64) -> Vec<u64> {
    let mut merged_cpu = vec![None::<u64>; clipped.len()];
    let mut whole = vec![true; clipped.len()];
    for (&(s, e), &c) in intervals.iter().zip(cpu) {
        let at = clipped.partition_point(|&(ms, _)| ms <= s.max(start)).saturating_sub(1);
        if e <= start || s >= end || at >= clipped.len() {
            continue;
        }
        if c != CPU_UNKNOWN {
            merged_cpu[at] = Some(merged_cpu[at].unwrap_or(0) + c);
        }
        whole[at] &= s >= start && e <= end;
    }
    merged_cpu
        .into_iter()
        .zip(whole)
        .zip(clipped)
        .filter(|&((_, w), _)| w)
        .map(|((c, _), &(s, e))| c.unwrap_or(e - s))
        .collect()
}

/// A pause's CPU time in `pause_cpu_ns` when it was not measured: a wait
/// for the collector lock, delivered once it was over (`scenario.h`'s
/// `SC_CPU_UNKNOWN`).
pub const CPU_UNKNOWN: u64 = u64::MAX;

/// Runs one built scenario and computes its metrics.
pub fn run(
    exe: &Path,
    scenario: &Scenario,
    contender: &Contender,
    group: &str,
    params: &[(String, String)],
    code_size: Option<u64>,
) -> RunResult {
    let mut cmd = Command::new(exe);
    for (k, v) in params {
        // `none` never frees: it runs unlimited as the baseline.
        let v = if k == "heap_mult" && contender.is_baseline() { "0" } else { v };
        cmd.arg(format!("{k}={v}"));
    }
    let out = match cmd.output() {
        Ok(o) => o,
        Err(e) => return RunResult::failure(scenario, contender, group, format!("cannot run {}: {e}", exe.display())),
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let raw: Option<RawRun> = stdout.lines().rev().find_map(|l| serde_json::from_str(l).ok());
    let Some(raw) = raw else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
        let why = format!(
            "exited with {} without a result: {}",
            out.status,
            tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
        );
        return RunResult::failure(scenario, contender, group, why);
    };
    if let Some(why) = raw.failed {
        return RunResult::failure(scenario, contender, group, why);
    }
    let (start, end) = (raw.run_start_ns, raw.run_end_ns.max(raw.run_start_ns));
    let intervals: Vec<(u64, u64)> = raw.pauses_ns.chunks_exact(2).map(|p| (p[0], p[1])).collect();
    let mmu = Mmu::new(&intervals, start, end);
    let clipped = crate::metrics::clip_pauses(&intervals, start, end);
    let durations: Vec<u64> = clipped.iter().map(|&(s, e)| e - s).collect();
    let cpu = match raw.pause_cpu_ns.len() == intervals.len() {
        true => merged_pause_cpu(&intervals, &raw.pause_cpu_ns, &clipped, start, end),
        false => vec![],
    };
    debug_assert_eq!(raw.collector, contender.name());
    RunResult {
        scenario: scenario.name.into(),
        collector: raw.collector,
        group: group.into(),
        failed: None,
        params: raw.params,
        max_live_bytes: raw.max_live_bytes,
        heap_limit: raw.heap_limit,
        wall_s: (end - start) as f64 / 1e9,
        cpu_s: raw.cpu_ns as f64 / 1e9,
        overhead_vs_none: None,
        collections: raw.collections,
        bytes_allocated: raw.bytes_allocated,
        peak_heap: raw.peak_heap,
        peak_rss_bytes: raw.peak_rss_kb * 1024,
        code_size_bytes: code_size,
        pauses: Summary::of(&durations),
        pauses_cpu: (!cpu.is_empty()).then(|| Summary::of(&cpu)),
        pause_intervals_ns: clipped.iter().map(|&(s, e)| (s - start, e - start)).collect(),
        mmu: mmu.curve(MMU_FROM_NS, MMU_TO_NS, MMU_PER_DECADE),
        latency: (!raw.latencies_ns.is_empty()).then(|| Summary::of(&raw.latencies_ns)),
        latency_histogram: histogram_buckets(&raw.latencies_ns),
        extra: raw.extra,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A wait overlapping the handshake it waited for counts the
    /// handshake's CPU time; a wait alone, its wall time; a pause that
    /// straddles the run's end, nothing.
    #[test]
    fn a_lock_waits_cpu_time_is_the_work_it_waited_for_or_its_length() {
        let intervals = [(100, 130), (105, 125), (200, 210), (290, 320)];
        let cpu = [CPU_UNKNOWN, 18, CPU_UNKNOWN, 25];
        let (start, end) = (0, 300);
        let clipped = crate::metrics::clip_pauses(&intervals, start, end);
        assert_eq!(merged_pause_cpu(&intervals, &cpu, &clipped, start, end), [18, 10]);
    }
}
