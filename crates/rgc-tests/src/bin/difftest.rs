//! `rgc-difftest`: run the differential tester at scale, or replay a reproducer.
//!
//! ```text
//! cargo run --release -p rgc-tests --bin rgc-difftest -- --gc all --seeds 1000000
//! cargo run --release -p rgc-tests --bin rgc-difftest -- --gc all --threads 3 --seeds 1000000
//! cargo run -p rgc-tests --bin rgc-difftest -- --gc marksweep --replay repro.ops
//! ```

use clap::Parser;
use rgc_tests::diff::{check_seeds, check_seeds_threaded, parse, parse_threaded, run_program, run_threaded, Mix};

#[derive(Parser)]
#[command(about = "Randomized differential tester for rgc collectors")]
struct Args {
    /// Collector name, or `all`.
    #[arg(long, default_value = "all")]
    gc: String,
    /// Number of seeds.
    #[arg(long, default_value_t = 1000)]
    seeds: u64,
    /// First seed.
    #[arg(long, default_value_t = 0)]
    start: u64,
    /// Ops per program.
    #[arg(long, default_value_t = 400)]
    ops: usize,
    /// Collect at every allocation and verify the heap after each collection.
    #[arg(long)]
    torture: bool,
    /// Op mix: `balanced`; `mutation` (mostly stores and loads, no full
    /// collections: stresses barriers while a cycle runs); `cycles` (rings
    /// of every size built and dropped: stresses a cycle collector).
    #[arg(long, default_value = "balanced", value_parser = ["balanced", "mutation", "cycles"])]
    mix: String,
    /// Threads per program: 1 runs one-thread programs; more run threaded
    /// programs (each thread its own model, objects exchanged through
    /// channels) under the collectors whose threads run at once.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=8))]
    threads: u64,
    /// Run one saved program instead of generating.
    #[arg(long)]
    replay: Option<std::path::PathBuf>,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let gcs: Vec<&str> = if args.gc == "all" { rgc_cli::collector_names() } else { vec![args.gc.as_str()] };
    let env: &[(&str, &str)] =
        if args.torture { &[("RGC_TORTURE", "1"), ("RGC_VERIFY", "1")] } else { &[("RGC_HEAP_INITIAL", "256K")] };
    let mix = match args.mix.as_str() {
        "mutation" => Mix::Mutation,
        "cycles" => Mix::Cycles,
        _ => Mix::Balanced,
    };
    let mut failed = false;
    for gc in gcs {
        let info = match rgc_cli::find_collector(gc) {
            Ok(i) => i,
            Err(e) => {
                eprintln!("rgc-difftest: {e}");
                return std::process::ExitCode::from(2);
            }
        };
        if args.threads > 1 && !info.threads {
            println!("{gc}: skipped (it runs one thread; threaded programs need threads that run at once)");
            continue;
        }
        if let Some(path) = &args.replay {
            let text = std::fs::read_to_string(path).expect("readable program");
            let exe = rgc_tests::build(gc, "difftest");
            let outcome = if text.starts_with('T') {
                run_threaded(&exe, info, &parse_threaded(&text).expect("valid program"), env)
            } else {
                run_program(&exe, info, &parse(&text).expect("valid program"), env)
            };
            match outcome {
                Ok(()) => println!("{gc}: replay passes"),
                Err(e) => {
                    println!("{gc}: replay FAILS: {e}");
                    failed = true;
                }
            }
            continue;
        }
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
        let per = args.seeds.div_ceil(workers);
        let results: Vec<Result<u64, String>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..workers)
                .map(|w| {
                    let start = args.start + w * per;
                    let end = (start + per).min(args.start + args.seeds);
                    s.spawn(move || match args.threads {
                        1 => check_seeds(gc, start..end, args.ops, env, mix),
                        t => check_seeds_threaded(gc, start..end, t as usize, args.ops, env, mix),
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut passed = 0;
        for r in results {
            match r {
                Ok(n) => passed += n,
                Err(report) => {
                    println!("{report}");
                    failed = true;
                }
            }
        }
        println!("{gc}: {passed} seeds passed");
    }
    if failed {
        std::process::ExitCode::FAILURE
    } else {
        std::process::ExitCode::SUCCESS
    }
}
