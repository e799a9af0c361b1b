//! `rgc-bench` (also `rgc bench`): every scenario under every collector and
//! bdwgc, at equal memory; tables, results.json, charts and an HTML page.
//!
//! `cargo run --release -p benches` runs the default set in about a minute
//! on two cores. `--quick` is the CI smoke run.

use benches::plots;
use benches::report::{html_report, set_overheads, text_report, Results, Settings, SCHEMA};

use benches::run::{run, Builder, RunResult};
use benches::scenarios::{
    all_contenders, bdw_unavailable, find_contender, find_scenario, Contender, Scenario, SCENARIOS,
};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use rgc_cli::Toolchain;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "rgc bench", about = "Pause-time comparison of rgc's collectors (and bdwgc) on real-time scenarios")]
struct Args {
    /// Scenarios to run (comma-separated; default all): control-loop, gcbench, lru-cache, request-server, richards;
    /// and the groups threads (workers sharing a heap) and markers (parallel marking).
    #[arg(long, value_delimiter = ',')]
    scenario: Vec<String>,
    /// Collectors (comma-separated; default every rgc collector plus bdw and bdw-inc).
    #[arg(long, value_delimiter = ',')]
    gc: Vec<String>,
    /// Live data for the scenarios sized by it (control-loop, lru-cache, request-server), in MB.
    #[arg(long)]
    live_mb: Option<f64>,
    /// Heap limit as a multiple of each scenario's max live data (`none` always runs unlimited).
    #[arg(long, default_value_t = 2.0)]
    heap_mult: f64,
    /// When rgc's collectors start a collection (RGC_HEAP_POLICY): growth (after allocating what
    /// survived), fixed (only at the heap limit) or adaptive (MemBalancer's square-root rule).
    #[arg(long, default_value = "growth", value_parser = ["growth", "fixed", "adaptive"])]
    heap_policy: String,
    /// How the incremental collector paces its cycles without a collector thread (RGC_PACING): late
    /// (start as late as the heap allows, tax allocation when behind) or even (spread each cycle at
    /// the smallest share that fits the heap). incremental-bg's collector thread paces itself.
    #[arg(long, default_value = "late", value_parser = ["late", "even"])]
    pacing: String,
    /// Length of time-driven scenarios (control-loop), in seconds.
    #[arg(long)]
    duration: Option<f64>,
    /// Where results.json, the charts and index.html go.
    #[arg(long, default_value = "bench-results")]
    out: PathBuf,
    /// Tiny inputs, for smoke tests: seconds instead of a minute.
    #[arg(long)]
    quick: bool,
    /// Live sizes (MB, comma-separated) for the max-pause-versus-live-heap chart; "none" skips it.
    #[arg(long, default_value = "4,16,64")]
    sweep_mb: String,
    /// Check the structure of DIR/results.json (and the files it names), then exit.
    #[arg(long, value_name = "DIR")]
    validate: Option<PathBuf>,
    /// The scenario the live-size sweep runs.
    #[arg(long, default_value = "lru-cache")]
    sweep_scenario: String,
}

struct Job<'a> {
    scenario: &'a Scenario,
    contender: Contender,
    group: &'static str,
    params: Vec<(String, String)>,
}

fn params_for(sc: &Scenario, args: &Args, live_mb: Option<f64>) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = Vec::new();
    let mut set = |k: &str, v: String| {
        p.retain(|(key, _)| key != k);
        p.push((k.to_string(), v));
    };
    if args.quick {
        for (k, v) in sc.quick {
            set(k, v.to_string());
        }
    }
    if let (true, Some(mb)) = (sc.sized, live_mb) {
        set("live_mb", mb.to_string());
    }
    if let (true, Some(d)) = (sc.name == "control-loop", args.duration) {
        set("duration_s", d.to_string());
    }
    set("heap_mult", args.heap_mult.to_string());
    set("heap_policy", args.heap_policy.clone());
    set("pacing", args.pacing.clone());
    p
}

fn parse_sizes(list: &str) -> Result<Vec<f64>, String> {
    if list.is_empty() || list == "none" {
        return Ok(vec![]);
    }
    list.split(',')
        .map(|m| match m.trim().parse::<f64>() {
            Ok(v) if v > 0.0 => Ok(v),
            _ => Err(format!("--sweep-mb: '{m}' is not a positive size in MB")),
        })
        .collect()
}

/// The embedded code-size table (`rgc size`), printed and written to
/// `code-size.md`, when the board's tools are installed.
fn print_code_size_table(out: &std::path::Path) {
    let board = &rgc_cli::board::MPS2_AN386;
    let missing = board.missing_tools();
    if !missing.is_empty() {
        println!("\ncode size table skipped: {missing:?} not installed (see README, \"On a board\")");
        return;
    }
    let rows = rgc_cli::size::measure_board(board).and_then(|mut rows| {
        rows.extend(rgc_cli::size::measure_host()?);
        Ok(rows)
    });
    match rows {
        Ok(rows) => {
            let table = format!(
                "Text each no_std collector adds to embedded/size/minimal.c (-Os, LTO, --gc-sections):\n\n{}",
                rgc_cli::size::table(&rows)
            );
            println!("\n{table}");
            if let Err(e) = std::fs::write(out.join("code-size.md"), table) {
                eprintln!("rgc bench: cannot write code-size.md: {e}");
            }
        }
        Err(e) => eprintln!("rgc bench: code size table failed: {e}"),
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    match bench(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rgc bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn validate(dir: &std::path::Path) -> Result<(), String> {
    let path = dir.join("results.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let results: Results =
        serde_json::from_str(&text).map_err(|e| format!("{} does not fit the schema: {e}", path.display()))?;
    benches::report::validate(&results, dir)?;
    println!("{}: {} runs, {} charts, structure ok", path.display(), results.runs.len(), results.plots.len());
    Ok(())
}

fn bench(args: &Args) -> Result<(), String> {
    if let Some(dir) = &args.validate {
        return validate(dir);
    }
    if !(args.heap_mult > 0.0) {
        return Err(format!("--heap-mult must be positive, got {}", args.heap_mult));
    }
    let threads_group = args.scenario.is_empty() || args.scenario.iter().any(|s| s == benches::threads::SCENARIO.name);
    let markers_group = args.scenario.is_empty() || args.scenario.iter().any(|s| s == benches::markers::GROUP);
    let scenarios: Vec<&Scenario> = if args.scenario.is_empty() {
        SCENARIOS.iter().collect()
    } else {
        args.scenario
            .iter()
            .filter(|s| *s != benches::threads::SCENARIO.name && *s != benches::markers::GROUP)
            .map(|s| find_scenario(s))
            .collect::<Result<_, _>>()?
    };
    let mut contenders: Vec<Contender> = if args.gc.is_empty() {
        all_contenders()
    } else {
        args.gc.iter().map(|g| find_contender(g)).collect::<Result<_, _>>()?
    };
    let mut skipped = Vec::new();
    if let Some(why) = bdw_unavailable() {
        for c in contenders.iter().filter(|c| matches!(c, Contender::Bdw { .. })) {
            eprintln!("rgc bench: skipping {}: {why}", c.name());
            skipped.push((c.name().to_string(), why.clone()));
        }
        contenders.retain(|c| !matches!(c, Contender::Bdw { .. }));
    }
    let sweep_scenario = find_scenario(&args.sweep_scenario)?;
    if !sweep_scenario.sized {
        return Err(format!("--sweep-scenario {} has no live-size parameter", sweep_scenario.name));
    }

    let mut jobs = Vec::new();
    for sc in &scenarios {
        for c in &contenders {
            jobs.push(Job {
                scenario: sc,
                contender: c.clone(),
                group: "main",
                params: params_for(sc, args, args.live_mb),
            });
        }
    }
    let mut sweep_sizes = parse_sizes(&args.sweep_mb)?;
    if args.quick {
        sweep_sizes.iter_mut().for_each(|m| *m /= 8.0);
    }
    for &mb in &sweep_sizes {
        for c in &contenders {
            jobs.push(Job {
                scenario: sweep_scenario,
                contender: c.clone(),
                group: "live-sweep",
                params: params_for(sweep_scenario, args, Some(mb)),
            });
        }
    }

    if threads_group {
        for c in contenders.iter().filter(|c| benches::threads::COLLECTORS.contains(&c.name())) {
            for work in benches::threads::WORKS {
                for &n in benches::threads::WORKERS {
                    jobs.push(Job {
                        scenario: &benches::threads::SCENARIO,
                        contender: c.clone(),
                        group: benches::threads::GROUP,
                        params: benches::threads::params(
                            work,
                            n,
                            args.quick,
                            args.heap_mult,
                            &args.heap_policy,
                            &args.pacing,
                        ),
                    });
                }
            }
        }
    }

    if markers_group {
        let sc = find_scenario(benches::markers::SCENARIO)?;
        let live = if args.quick { benches::markers::LIVE_MB / 8.0 } else { benches::markers::LIVE_MB };
        for c in contenders.iter().filter(|c| benches::markers::COLLECTORS.contains(&c.name())) {
            for &n in benches::markers::MARKERS {
                let mut params = params_for(sc, args, Some(live));
                params.push(("markers".into(), n.to_string()));
                jobs.push(Job { scenario: sc, contender: c.clone(), group: benches::markers::GROUP, params });
            }
        }
    }

    let tc = Toolchain::for_profile("release");
    let rgc_names: Vec<&str> = contenders
        .iter()
        .filter_map(|c| match c {
            Contender::Rgc(n) => Some(*n),
            Contender::IncrementalBackground => Some("incremental"),
            Contender::Bdw { .. } => None,
        })
        .collect();
    eprintln!("rgc bench: building the collectors (release) ...");
    tc.ensure_built(&rgc_names)?;
    let builder = Builder::new(tc)?;
    let style = ProgressStyle::with_template("{prefix:>9} [{bar:30}] {pos}/{len} {msg}").unwrap().progress_chars("=> ");

    let mut to_build: Vec<(&Scenario, Contender)> = Vec::new();
    for j in &jobs {
        if !to_build.iter().any(|(s, c)| s.name == j.scenario.name && *c == j.contender) {
            to_build.push((j.scenario, j.contender.clone()));
        }
    }
    let bar = ProgressBar::new(to_build.len() as u64).with_style(style.clone()).with_prefix("building");
    let mut built = Vec::new();
    for (sc, c) in &to_build {
        bar.set_message(format!("{} for {}", sc.name, c.name()));
        let (exe, size) = builder.build(sc, c)?;
        built.push((sc.name, c.clone(), exe, size));
        bar.inc(1);
    }
    bar.finish_and_clear();

    let bar = ProgressBar::new(jobs.len() as u64).with_style(style).with_prefix("running");
    let mut runs: Vec<RunResult> = Vec::new();
    let mut machine_before = None;
    for j in &jobs {
        if j.group == benches::threads::GROUP && machine_before.is_none() {
            machine_before = Some(benches::threads::machine_scaling(benches::threads::WORKERS, 3));
        }
        bar.set_message(format!("{} ({}) under {}", j.scenario.name, j.group, j.contender.name()));
        let (_, _, exe, size) = built.iter().find(|b| b.0 == j.scenario.name && b.1 == j.contender).unwrap();
        let r = run(exe, j.scenario, &j.contender, j.group, &j.params, *size);
        if let Some(why) = &r.failed {
            bar.println(format!("{} under {}: FAILED: {why}", j.scenario.name, j.contender.name()));
        }
        runs.push(r);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let machine_scaling_after = match machine_before {
        Some(_) => benches::threads::machine_scaling(benches::threads::WORKERS, 3),
        None => vec![],
    };
    let machine_scaling_before = machine_before.unwrap_or_default();
    set_overheads(&mut runs);
    eprintln!("rgc bench: memory fit (overhead at 75 % occupancy, peak RSS with 1 MB live) ...");
    let memory_fit = benches::memory::measure(&builder, &contenders);

    // Sized like the incremental collector's default increment.
    let floor_ns = gc_api::config::Config::default().pause_ns;
    let floor = benches::metrics::noise_floor(floor_ns, 10_000);
    let cpu_floor = benches::metrics::cpu_noise_floor(floor_ns, 10_000);
    let us = |ns: u64| ns as f64 / 1e3;
    let floor_note = format!(
        "machine noise floor: {} us of busy work, timed 10000 times like a pause, took p50 {:.1} us, p99 {:.1} us, \
         p99.9 {:.1} us, max {:.1} us. Interrupts and other tenants stretch pauses this much whatever the collector. \
         The same fixed work timed by the thread's CPU clock took p50 {:.1} us, p99 {:.1} us, p99.9 {:.1} us, max \
         {:.1} us: a pause's CPU time varies this much with no change in its work.",
        floor_ns / 1000,
        us(floor.p50_ns),
        us(floor.p99_ns),
        us(floor.p999_ns),
        us(floor.max_ns),
        us(cpu_floor.p50_ns),
        us(cpu_floor.p99_ns),
        us(cpu_floor.p999_ns),
        us(cpu_floor.max_ns)
    );
    let mut results = Results {
        schema: SCHEMA.into(),
        created_unix_s: std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()),
        settings: Settings {
            heap_mult: args.heap_mult,
            heap_policy: args.heap_policy.clone(),
            pacing: args.pacing.clone(),
            quick: args.quick,
            live_mb: args.live_mb,
            duration_s: args.duration,
            sweep_live_mb: sweep_sizes,
            sweep_scenario: sweep_scenario.name.into(),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        },
        skipped,
        runs,
        memory_fit,
        machine_scaling_before,
        machine_scaling_after,
        plots: vec![],
        notes: vec![
            "bdw pauses: bdwgc's event API reports stop-the-world collections; in bdw-inc only the world-stopped \
             part of each collection is a pause, and its incremental marking inside GC_malloc shows in the \
             mutator latency instead."
                .into(),
            floor_note.clone(),
            "code KB: text the collector adds to the statically linked scenario (binary - scenario object - \
             empty program); rgc libraries are release builds with LTO, bdw is Debian's libgc.a."
                .into(),
        ],
    };
    std::fs::create_dir_all(&args.out).map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    match plots::write_all(&results, &args.out) {
        Ok(files) => results.plots = files,
        Err(e) => {
            eprintln!("rgc bench: no charts: {e}");
            results.notes.push(format!("no charts: {e}"));
        }
    }
    let json = serde_json::to_string(&results).map_err(|e| e.to_string())?;
    let json_path = args.out.join("results.json");
    std::fs::write(&json_path, json).map_err(|e| format!("cannot write {}: {e}", json_path.display()))?;
    let html_path = args.out.join("index.html");
    std::fs::write(&html_path, html_report(&results))
        .map_err(|e| format!("cannot write {}: {e}", html_path.display()))?;
    print!("{}", text_report(&results));
    let threads_table = benches::threads::table(&results);
    print!("{threads_table}");
    if !threads_table.is_empty() {
        if let Err(e) = std::fs::write(args.out.join("threads.md"), &threads_table) {
            eprintln!("rgc bench: cannot write threads.md: {e}");
        }
    }
    let markers_table = benches::markers::table(&results);
    print!("{markers_table}");
    if !markers_table.is_empty() {
        if let Err(e) = std::fs::write(args.out.join("markers.md"), &markers_table) {
            eprintln!("rgc bench: cannot write markers.md: {e}");
        }
    }
    println!("\n{floor_note}");
    let fit = format!(
        "Memory fit (crates/benches/c/memory_fit.c): overhead = side tables + collector tables + waste, as % of \
         the heap's capacity. fill and churn: a 4 MB region with the live payload at 75 % of the heap; \
         ram-2.5MB: 1 MB live, churned, in a 2.5 MB region (it passes when it finishes); rss: 1 MB live \
         with default settings, the process's peak RSS:\n\n{}",
        benches::memory::table(&results.memory_fit)
    );
    println!("\n{fit}");
    if let Err(e) = std::fs::write(args.out.join("memory-fit.md"), &fit) {
        eprintln!("rgc bench: cannot write memory-fit.md: {e}");
    }
    match benches::boehm::table(&builder, args.quick) {
        Ok(table) => {
            println!("\n{table}");
            if let Err(e) = std::fs::write(args.out.join("boehm.md"), &table) {
                eprintln!("rgc bench: cannot write boehm.md: {e}");
            }
        }
        Err(e) => println!("\nBoehm-API table skipped: {e}"),
    }
    print_code_size_table(&args.out);
    println!(
        "\nwrote {} , {} and {} charts in {}",
        json_path.display(),
        html_path.display(),
        results.plots.len(),
        args.out.display()
    );
    Ok(())
}
