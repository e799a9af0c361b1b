//! `rgc-bench`: GCBench under every collector, side by side.
//!
//! `cargo run --release -p benches` builds each collector's library with the
//! release profile, compiles `c/gcbench.c` against it with `-O2`, runs it,
//! and prints one row per collector.

use benches::{c_dir, GcBenchResult};
use clap::Parser;
use rgc_cli::{Link, Toolchain, COLLECTORS};
use std::process::{Command, ExitCode};

#[derive(Parser)]
#[command(about = "Run the rgc benchmark scenarios under every collector")]
struct Args {
    /// Depth of the long-lived tree.
    #[arg(long, default_value_t = 16)]
    long_lived_depth: u32,
    /// Largest depth of the temporary trees.
    #[arg(long, default_value_t = 16)]
    max_depth: u32,
    /// Only these collectors (comma-separated).
    #[arg(long, value_delimiter = ',')]
    gc: Vec<String>,
    /// Print JSON lines instead of a table.
    #[arg(long)]
    json: bool,
}

fn run(args: &Args) -> Result<Vec<GcBenchResult>, String> {
    let tc = Toolchain::for_profile("release");
    let gcs: Vec<&str> = if args.gc.is_empty() {
        COLLECTORS.iter().map(|c| c.name).collect()
    } else {
        args.gc.iter().map(String::as_str).collect()
    };
    tc.ensure_built(&gcs)?;
    let out_dir = tc.lib_dir.join("rgc-bench-programs");
    std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    let mut results = Vec::new();
    for gc in gcs {
        let exe = out_dir.join(format!("gcbench-{gc}"));
        let src = c_dir().join("gcbench.c");
        let cc_args = vec!["-O2".into(), src.display().to_string(), "-o".into(), exe.display().to_string()];
        tc.compile(gc, &cc_args, Link::Static)?;
        eprintln!("running gcbench under --gc={gc} ...");
        let out = Command::new(&exe)
            .args([args.long_lived_depth.to_string(), args.max_depth.to_string()])
            .output()
            .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
        if !out.status.success() {
            return Err(format!(
                "gcbench failed under --gc={gc}: {:?}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let line = String::from_utf8_lossy(&out.stdout);
        let r: GcBenchResult = serde_json::from_str(line.trim())
            .map_err(|e| format!("bad output from gcbench under {gc}: {e}: {line}"))?;
        results.push(r);
    }
    Ok(results)
}

fn print_table(results: &[GcBenchResult]) {
    let base = results.iter().find(|r| r.collector == "none").map(|r| r.wall_s);
    println!(
        "{:<10} {:>8} {:>8} {:>8} {:>6} {:>11} {:>11} {:>10} {:>10} {:>11}",
        "collector",
        "wall s",
        "vs none",
        "cpu s",
        "GCs",
        "max pause",
        "total pause",
        "peak heap",
        "peak RSS",
        "mark MB/s"
    );
    for r in results {
        let ratio = base.map_or("-".into(), |b| format!("{:.2}x", r.wall_s / b));
        let mark = r.mark_rate_mb_s().map_or("-".into(), |m| format!("{m:.0}"));
        println!(
            "{:<10} {:>8.3} {:>8} {:>8.3} {:>6} {:>9.2}ms {:>9.1}ms {:>8.1}MB {:>8.1}MB {:>11}",
            r.collector,
            r.wall_s,
            ratio,
            r.cpu_s,
            r.collections,
            r.max_pause_ns as f64 / 1e6,
            r.total_pause_ns as f64 / 1e6,
            r.peak_heap as f64 / 1e6,
            r.peak_rss_kb as f64 / 1e3,
            mark
        );
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(results) => {
            if args.json {
                for r in &results {
                    println!("{}", serde_json::to_string(r).unwrap());
                }
            } else {
                println!(
                    "GCBench (long-lived depth {}, max depth {}), one run each:",
                    args.long_lived_depth, args.max_depth
                );
                print_table(&results);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("rgc-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
