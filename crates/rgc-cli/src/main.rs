//! `rgc`: compile C programs against an rgc collector.
//!
//! ```text
//! rgc cc --gc=marksweep prog.c -O2 -o prog     compile and link
//! rgc cc --gc=help                             list collectors
//! rgc config                                   list tuning knobs
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
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Cmd::List => print!("{}", collectors_help()),
        Cmd::Config => print!("{}", config_table()),
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
