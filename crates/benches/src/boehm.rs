//! The Boehm-API table: GCBench written against `gc.h`
//! (`crates/rgc-tests/c/boehm/boehm_gcbench.c`, the program the Boehm
//! suite runs) on Debian's bdwgc, on rgc's `libgc.a`, and as the drop-in:
//! the binary built against bdwgc, run on rgc's `libgc.so.1` through
//! `LD_LIBRARY_PATH`. The three run in turn, [`RUNS`] times; the table
//! gives the medians and each rgc figure over bdwgc's.
//!
//! This is how the README's Boehm table and issue 28's "at or below 0.8×
//! bdwgc's wall time with no more RSS" are measured. Skipped where
//! bdwgc's development files are missing.

use crate::metrics::median_f64;
use crate::run::Builder;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs of each library (`--quick`: [`QUICK_RUNS`]).
pub const RUNS: usize = 7;
pub const QUICK_RUNS: usize = 3;
/// GCBench's depth (`--quick`: [`QUICK_DEPTH`]).
pub const DEPTH: u32 = 16;
pub const QUICK_DEPTH: u32 = 12;

/// The program's source directory (it includes `bt.h` from there).
fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../rgc-tests/c/boehm")
}

/// One library's figures from one run: wall_ms, max_pause_ms,
/// collections, peak_rss_kb (the program's `key=value` line).
type Figures = BTreeMap<String, f64>;

fn parse(stdout: &str) -> Option<Figures> {
    let line = stdout.lines().find(|l| l.starts_with("gcbench "))?;
    let figures: Figures = line
        .split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .filter_map(|(k, v)| Some((k.to_string(), v.parse().ok()?)))
        .collect();
    ["wall_ms", "max_pause_ms", "collections", "peak_rss_kb"]
        .iter()
        .all(|k| figures.contains_key(*k))
        .then_some(figures)
}

/// The table, or why it was skipped.
pub fn table(builder: &Builder, quick: bool) -> Result<String, String> {
    if let Some(why) = crate::scenarios::bdw_unavailable() {
        return Err(why);
    }
    let lib = builder.tc.ensure_boehm()?;
    let dir = builder.out_dir.join("boehm");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let src = source_dir().join("boehm_gcbench.c");
    let compile = |exe: &Path, rgc: bool| -> Result<(), String> {
        let mut cmd = Command::new(&builder.tc.cc);
        cmd.arg("-O2");
        if rgc {
            cmd.arg(format!("-I{}", lib.include_dir.display()));
        }
        cmd.arg(format!("-I{}", source_dir().display())).arg(&src).arg("-o").arg(exe);
        if rgc {
            cmd.arg(&lib.static_lib).args(["-lpthread", "-ldl", "-lm"]);
        } else {
            cmd.args(["-lgc", "-lm"]);
        }
        let out = cmd.output().map_err(|e| format!("cannot run {}: {e}", builder.tc.cc))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!("building {} failed:\n{}", exe.display(), String::from_utf8_lossy(&out.stderr)))
        }
    };
    let (bdw_exe, rgc_exe) = (dir.join("gcbench-bdwgc"), dir.join("gcbench-rgc"));
    compile(&bdw_exe, false)?;
    compile(&rgc_exe, true)?;
    let depth = if quick { QUICK_DEPTH } else { DEPTH }.to_string();
    let rows: [(&str, &Path, Option<&Path>); 3] = [
        ("bdwgc (Debian)", &bdw_exe, None),
        ("rgc `libgc.a`", &rgc_exe, None),
        ("rgc `libgc.so.1` under the bdwgc-built binary", &bdw_exe, Some(&lib.so_dir)),
    ];
    let mut samples: Vec<Vec<Figures>> = vec![Vec::new(); rows.len()];
    for _ in 0..if quick { QUICK_RUNS } else { RUNS } {
        for (i, (name, exe, so_dir)) in rows.iter().enumerate() {
            let mut cmd = Command::new(exe);
            cmd.arg(&depth);
            for var in ["RGC_TORTURE", "RGC_VERIFY", "GC_DONT_GC", "GC_PRINT_STATS"] {
                cmd.env_remove(var);
            }
            if let Some(d) = so_dir {
                cmd.env("LD_LIBRARY_PATH", d);
            }
            let out = cmd.output().map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
            let stdout = String::from_utf8_lossy(&out.stdout);
            let figures = parse(&stdout)
                .filter(|_| out.status.success())
                .ok_or_else(|| format!("{name}: GCBench failed\n{stdout}{}", String::from_utf8_lossy(&out.stderr)))?;
            samples[i].push(figures);
        }
    }
    let median = |i: usize, key: &str| median_f64(samples[i].iter().map(|f| f[key]).collect());
    let mut t = format!(
        "GCBench against gc.h (crates/rgc-tests/c/boehm/boehm_gcbench.c, depth {depth}), medians of {} alternating \
         runs:\n\n| library | wall ms | max pause ms | collections | peak RSS |\n|---|---|---|---|---|\n",
        samples[0].len()
    );
    let (bdw_wall, bdw_rss) = (median(0, "wall_ms"), median(0, "peak_rss_kb"));
    for (i, (name, ..)) in rows.iter().enumerate() {
        let (wall, rss) = (median(i, "wall_ms"), median(i, "peak_rss_kb"));
        let ratio = |x: f64, of: f64| if i == 0 { String::new() } else { format!(" ({:.2}×)", x / of) };
        let _ = writeln!(
            t,
            "| {name} | {wall:.0}{} | {:.1} | {:.0} | {:.1} MB{} |",
            ratio(wall, bdw_wall),
            median(i, "max_pause_ms"),
            median(i, "collections"),
            rss / 1024.0,
            ratio(rss, bdw_rss)
        );
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn parses_the_programs_line() {
        let f = parse("gcbench depth=16 wall_ms=174.5 max_pause_ms=3.5 total_pause_ms=58 collections=24 peak_rss_kb=30000 heap_bytes=1\nok\n")
            .expect("a complete line");
        assert_eq!((f["wall_ms"], f["collections"], f["peak_rss_kb"]), (174.5, 24.0, 30000.0));
        assert!(parse("gcbench depth=16 wall_ms=1\n").is_none(), "a line missing figures is refused");
    }
}
