//! `rgc`: compile C programs against an rgc collector.
//!
//! ```text
//! rgc cc --gc=marksweep prog.c -O2 -o prog     compile and link
//! rgc cc --gc=help                             list collectors
//! rgc config                                   list tuning knobs
//! rgc bench --quick                            the pause-time harness
//! rgc size [--check] [--json FILE]             the code-size table
//! ```

use clap::{Parser, Subcommand};
use rgc_cli::{collectors_help, config_table, find_collector, Link, Toolchain};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "rgc", version, about = "rgc: pluggable garbage collectors behind one C ABI")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Compile and link C sources against a collector: rgc cc --gc=NAME [cc args...]
    Cc {
        /// Collector name; `help` lists them.
        #[arg(long)]
        gc: String,
        /// Link the shared library (librgc_NAME.so) instead of the static one.
        #[arg(long)]
        shared: bool,
        /// Print the compiler command before running it.
        #[arg(long, short = 'v')]
        verbose: bool,
        /// Arguments for the C compiler (sources, -o, -O2, ...).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// List the collectors.
    List,
    /// Print every tuning knob, its environment variable and default.
    Config,
    /// Measure the text each no_std collector adds to a minimal C program,
    /// on the Cortex-M4 board and on the host (with bdwgc beside it).
    Size {
        /// Fail when a collector's board text is past its ceiling by more than the slack.
        #[arg(long)]
        check: bool,
        /// Also write the rows as JSON to this file.
        #[arg(long)]
        json: Option<std::path::PathBuf>,
        /// Skip the host rows (board only).
        #[arg(long)]
        board_only: bool,
    },
    /// Run the pause-time harness (rgc-bench): rgc bench [--quick] [--scenario ...] [--gc ...] ...
    Bench {
        /// Arguments for rgc-bench (see rgc bench --help).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

/// `rgc bench` runs the harness binary built beside `rgc` (the harness
/// depends on this crate, so it cannot be linked into it).
fn bench(args: &[String]) -> Result<(), String> {
    let me = std::env::current_exe().map_err(|e| format!("cannot locate the rgc executable: {e}"))?;
    let harness = me.with_file_name("rgc-bench");
    if !harness.exists() {
        return Err(format!(
            "{} is not built; run `cargo build --release -p benches` (or `cargo run --release -p benches -- ARGS`)",
            harness.display()
        ));
    }
    let status = std::process::Command::new(&harness)
        .args(args)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", harness.display()))?;
    if !status.success() {
        return Err(format!("rgc-bench failed ({status})"));
    }
    Ok(())
}

fn size(check: bool, json: Option<&std::path::Path>, board_only: bool) -> Result<(), String> {
    let board = &rgc_cli::board::MPS2_AN386;
    let missing = board.missing_tools();
    if !missing.is_empty() {
        return Err(format!(
            "the board's tools are missing: {missing:?} (Debian: apt-get install gcc-arm-none-eabi \
             libnewlib-arm-none-eabi qemu-system-arm; rustup target add {})",
            board.rust_target
        ));
    }
    let mut rows = rgc_cli::size::measure_board(board)?;
    if !board_only {
        rows.extend(rgc_cli::size::measure_host()?);
    }
    println!("Text each collector adds to embedded/size/minimal.c (no_std, -Os, LTO, --gc-sections):\n");
    print!("{}", rgc_cli::size::table(&rows));
    if let Some(path) = json {
        let value: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({"program": r.program, "platform": r.platform, "target": r.target,
                                   "added_text": r.added_text})
            })
            .collect();
        let text = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if check {
        rgc_cli::size::check(&rows)?;
        println!("\nsize check passed (ceilings + {} %)", rgc_cli::size::CHECK_SLACK_PERCENT);
    }
    Ok(())
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Cmd::List => print!("{}", collectors_help()),
        Cmd::Config => print!("{}", config_table()),
        Cmd::Bench { args } => bench(&args)?,
        Cmd::Size { check, json, board_only } => size(check, json.as_deref(), board_only)?,
        Cmd::Cc { gc, shared, verbose, args } => {
            if gc == "help" {
                print!("{}", collectors_help());
                return Ok(());
            }
            find_collector(&gc)?;
            if args.is_empty() {
                return Err("no C compiler arguments given (e.g. rgc cc --gc=marksweep prog.c -o prog)".into());
            }
            let tc = Toolchain::discover()?;
            let link = if shared { Link::Shared } else { Link::Static };
            if verbose {
                eprintln!("{:?}", tc.cc_command(&gc, &args, link));
            }
            tc.compile(&gc, &args, link)?;
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("rgc: {msg}");
            ExitCode::from(2)
        }
    }
}
