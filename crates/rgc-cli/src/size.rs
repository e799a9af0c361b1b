//! The code-size table: the text each collector adds to a minimal C program
//! (`embedded/size/minimal.c`), built the way a board would ship it: the
//! `no_std` library (`--no-default-features`: no heap verifier either) with
//! cargo profile `size`
//! (opt-level "s", LTO, one codegen unit, panic = "abort"), the C side
//! with `-Os -ffunction-sections -fdata-sections` and `--gc-sections`.
//!
//! "Added" is the program's `text` (code and read-only data, as `size`
//! reports it) minus that of the same program without a collector
//! (`-DSIZE_BASELINE`). It is measured on the board (Thumb-2) and on the
//! host, where bdwgc's `libgc.a` does the same work in the same program.
//!
//! [`BUDGETS`] holds each collector's goal and its ceiling: `rgc size
//! --check` fails when a collector's board text exceeds its ceiling by more
//! than [`CHECK_SLACK_PERCENT`]. The ceiling is what the collector measures
//! today; lower it whenever the code shrinks, down to the goal.

use crate::board::{build_no_std, Board, NO_STD_COLLECTORS};
use crate::{run_tool, workspace_root};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A collector's code-size budget on the board, in bytes of text.
pub struct Budget {
    pub gc: &'static str,
    /// Where the collector should get to (issue 7's targets).
    pub goal: u64,
    /// What it may not grow past (by more than the slack): today's size.
    pub ceiling: u64,
}

pub const BUDGETS: &[Budget] = &[
    Budget { gc: "none", goal: 4 << 10, ceiling: 32_000 },
    Budget { gc: "marksweep", goal: 16 << 10, ceiling: 49_800 },
    Budget { gc: "incremental", goal: 24 << 10, ceiling: 54_500 },
    Budget { gc: "refcount", goal: 16 << 10, ceiling: 64_300 },
];

/// How far past its ceiling a collector may grow before `--check` fails.
pub const CHECK_SLACK_PERCENT: u64 = 10;

/// One measurement.
#[derive(Debug, Clone)]
pub struct SizeRow {
    /// A collector, or `bdwgc`.
    pub program: String,
    /// `board` (Thumb-2, Cortex-M4) or `host`.
    pub platform: &'static str,
    /// Rust target or compiler the row was built for.
    pub target: String,
    /// Bytes of text the collector adds to the minimal program.
    pub added_text: u64,
}

fn minimal_c() -> PathBuf {
    workspace_root().join("embedded").join("size").join("minimal.c")
}

fn out_dir() -> Result<PathBuf, String> {
    let dir = crate::target_dir().join("rgc-size");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

/// Berkeley `text` of `elf` (code and read-only data), read with `size_tool`.
pub fn text_of(size_tool: &str, elf: &Path) -> Result<u64, String> {
    let out = run_tool(Command::new(size_tool).arg(elf))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().next())
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| format!("cannot read the text size of {} from {size_tool}: {stdout}", elf.display()))
}

/// The board rows: each `no_std` collector on `board`.
pub fn measure_board(board: &Board) -> Result<Vec<SizeRow>, String> {
    let libs = build_no_std(NO_STD_COLLECTORS, board.rust_target, "size", &[])?;
    let dir = out_dir()?;
    let flags = vec!["-Os".to_string(), "-std=gnu11".into(), "--specs=nano.specs".into()];
    let baseline = dir.join(format!("{}-baseline.elf", board.name));
    let mut base_flags = flags.clone();
    base_flags.push("-DSIZE_BASELINE".into());
    board.compile(None, &[minimal_c()], &base_flags, &baseline)?;
    let base = text_of(board.size_tool, &baseline)?;
    let mut rows = Vec::new();
    for gc in NO_STD_COLLECTORS {
        let elf = dir.join(format!("{}-{gc}.elf", board.name));
        board.compile(Some((gc, &libs)), &[minimal_c()], &flags, &elf)?;
        rows.push(SizeRow {
            program: gc.to_string(),
            platform: "board",
            target: board.rust_target.into(),
            added_text: text_of(board.size_tool, &elf)?.saturating_sub(base),
        });
    }
    Ok(rows)
}

/// The host's Rust target triple (`rustc -vV`).
fn host_triple() -> Result<String, String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = run_tool(Command::new(rustc).arg("-vV"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .ok_or_else(|| "rustc -vV printed no host triple".into())
}

/// Where bdwgc's static library is, if installed (Debian's libgc-dev).
fn bdwgc_static_lib() -> Option<PathBuf> {
    let candidates = ["/usr/lib/x86_64-linux-gnu/libgc.a", "/usr/lib/aarch64-linux-gnu/libgc.a", "/usr/lib/libgc.a"];
    let header = Path::new("/usr/include/gc.h").exists();
    candidates.iter().map(PathBuf::from).find(|p| header && p.exists())
}

/// The host rows: each `no_std` collector (in a region, as on the board),
/// and bdwgc when its static library is installed.
pub fn measure_host() -> Result<Vec<SizeRow>, String> {
    let triple = host_triple()?;
    let libs = build_no_std(NO_STD_COLLECTORS, &triple, "size", &[])?;
    let dir = out_dir()?;
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let build = |out: &Path, extra: &[String]| -> Result<u64, String> {
        let mut cmd = Command::new(&cc);
        cmd.args(["-Os", "-std=gnu11", "-ffunction-sections", "-fdata-sections"])
            .arg(format!("-I{}", workspace_root().join("include").display()))
            .arg(minimal_c())
            .args(extra)
            .args(["-Wl,--gc-sections", "-o"])
            .arg(out);
        let o = run_tool(&mut cmd)?;
        if !o.status.success() {
            return Err(format!("{cc} failed for {}:\n{}", out.display(), String::from_utf8_lossy(&o.stderr)));
        }
        text_of("size", out)
    };
    let base = build(&dir.join("host-baseline"), &["-DSIZE_BASELINE".into()])?;
    let mut rows = Vec::new();
    for gc in NO_STD_COLLECTORS {
        let lib = libs.join(format!("librgc_{gc}.a"));
        let extra =
            [format!("-DRGC_GC_{}", gc.to_ascii_uppercase()), "-DSIZE_HOSTED_NO_STD".into(), lib.display().to_string()];
        rows.push(SizeRow {
            program: gc.to_string(),
            platform: "host",
            target: triple.clone(),
            added_text: build(&dir.join(format!("host-{gc}")), &extra)?.saturating_sub(base),
        });
    }
    if let Some(libgc) = bdwgc_static_lib() {
        let extra = ["-DSIZE_BDWGC".into(), libgc.display().to_string(), "-lpthread".into()];
        rows.push(SizeRow {
            program: "bdwgc".into(),
            platform: "host",
            target: format!("{triple} (libgc.a)"),
            added_text: build(&dir.join("host-bdwgc"), &extra)?.saturating_sub(base),
        });
    }
    Ok(rows)
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

/// The table as Markdown: a row per collector, board and host side by side.
pub fn table(rows: &[SizeRow]) -> String {
    let find = |program: &str, platform: &str| {
        rows.iter().find(|r| r.program == program && r.platform == platform).map(|r| r.added_text)
    };
    let mut s = String::from(
        "| collector | board (Cortex-M4, Thumb-2) | goal | ceiling (CI) | host (no_std) |\n|---|---|---|---|---|\n",
    );
    let mut programs: Vec<&str> = NO_STD_COLLECTORS.to_vec();
    programs.push("bdwgc");
    for p in programs {
        let budget = BUDGETS.iter().find(|b| b.gc == p);
        let cell = |v: Option<u64>| v.map(kb).unwrap_or_else(|| "-".into());
        if find(p, "board").is_none() && find(p, "host").is_none() {
            continue;
        }
        s += &format!(
            "| {p} | {} | {} | {} | {} |\n",
            cell(find(p, "board")),
            cell(budget.map(|b| b.goal)),
            cell(budget.map(|b| b.ceiling)),
            cell(find(p, "host")),
        );
    }
    s
}

/// Fails when a board row exceeds its ceiling by more than the slack.
pub fn check(rows: &[SizeRow]) -> Result<(), String> {
    let mut over = Vec::new();
    for b in BUDGETS {
        let Some(row) = rows.iter().find(|r| r.program == b.gc && r.platform == "board") else {
            over.push(format!("{}: not measured", b.gc));
            continue;
        };
        let limit = b.ceiling + b.ceiling * CHECK_SLACK_PERCENT / 100;
        if row.added_text > limit {
            over.push(format!(
                "{} adds {} bytes of text on the board, past its ceiling of {} by more than {CHECK_SLACK_PERCENT} % \
                 (limit {limit}); see rgc_cli::size::BUDGETS",
                b.gc, row.added_text, b.ceiling
            ));
        }
    }
    if over.is_empty() {
        Ok(())
    } else {
        Err(over.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(program: &str, added_text: u64) -> SizeRow {
        SizeRow { program: program.into(), platform: "board", target: "t".into(), added_text }
    }

    #[test]
    fn the_check_allows_the_slack_and_no_more() {
        let at = |slack: u64| -> Vec<SizeRow> {
            BUDGETS.iter().map(|b| row(b.gc, b.ceiling + b.ceiling * slack / 100)).collect()
        };
        assert!(check(&at(CHECK_SLACK_PERCENT)).is_ok());
        let mut rows = at(0);
        rows[1].added_text = BUDGETS[1].ceiling * 2;
        let err = check(&rows).unwrap_err();
        assert!(err.contains(BUDGETS[1].gc) && !err.contains(BUDGETS[0].gc), "{err}");
        rows.remove(0);
        assert!(check(&rows).unwrap_err().contains("not measured"));
        assert!(table(&at(0)).contains(&format!("| {} |", BUDGETS[0].gc)));
    }
}
