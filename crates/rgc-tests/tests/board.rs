//! The conformance suite and the control-loop scenario on an emulated
//! Cortex-M4 board (QEMU's mps2-an386, see `rgc_cli::board`), against each
//! collector's `no_std` library in a region, as a board without an OS runs
//! them.
//!
//! Needs `arm-none-eabi-gcc` (with newlib), `qemu-system-arm` and the
//! `thumbv7em-none-eabihf` Rust target. Without them these tests say so and
//! pass, unless `RGC_REQUIRE_BOARD=1` (CI sets it) makes that a failure.

use rgc_cli::board::{board_defines, build_no_std, Board, MPS2_AN386, NO_STD_COLLECTORS};
use rgc_tests::{build_once, c_dir, describe};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// The conformance programs a board can run: all but `roots_threads` and
/// `threads` (a board has one thread) and `rss_shrinks` (no process, no RSS).
const PROGRAMS: &[&str] = &[
    "graph_survives",
    "reclaim_exact",
    "deep_list",
    "arrays",
    "finalizers",
    "weakrefs",
    "oom",
    "events",
    "step",
    "rewire",
    "long_cycle",
    "weak_read",
    "cycles",
    "saturate",
    "candidates",
];

/// Left out under torture mode with the verifier: a collection at every
/// allocation of an emulated core takes them from under a second to a
/// minute or more. The host runs every program that way.
const TOO_SLOW_FOR_TORTURE: &[&str] = &["reclaim_exact", "arrays", "oom", "candidates"];

const TIMEOUT: Duration = Duration::from_secs(120);

/// The board and the directory of its libraries, or `None` (after saying
/// why) when the tools are missing and CI does not require them.
fn board() -> Option<(&'static Board, &'static Path)> {
    static LIBS: OnceLock<Option<PathBuf>> = OnceLock::new();
    let libs = LIBS.get_or_init(|| {
        let missing = MPS2_AN386.missing_tools();
        if !missing.is_empty() {
            let msg = format!(
                "board tests skipped: {missing:?} not found (apt-get install gcc-arm-none-eabi \
                 libnewlib-arm-none-eabi qemu-system-arm)"
            );
            assert!(std::env::var_os("RGC_REQUIRE_BOARD").is_none(), "{msg}, and RGC_REQUIRE_BOARD is set");
            eprintln!("{msg}");
            return None;
        }
        // What `rgc size` measures (profile `size`) plus the heap verifier,
        // which the torture runs use; profile `board` keeps the two apart.
        let libs = build_no_std(NO_STD_COLLECTORS, MPS2_AN386.rust_target, "board", &["verify"]);
        Some(libs.unwrap_or_else(|e| panic!("{e}")))
    });
    libs.as_deref().map(|dir| (&MPS2_AN386, dir))
}

/// Builds `c/<program>.c` for the board with `env` compiled in, and runs it.
fn run_on_board(board: &Board, libs: &Path, gc: &str, program: &str, mode: &str, env: &[(&str, &str)]) {
    let info = rgc_cli::find_collector(gc).unwrap();
    let region = if info.collects { "4194304" } else { "12582912" };
    let mut all_env = vec![
        ("RGCT_PRECISE", if info.precise { "1" } else { "0" }),
        ("RGCT_COLLECTS", if info.collects { "1" } else { "0" }),
        ("RGCT_REGION", region),
    ];
    all_env.extend_from_slice(env);
    let elf = libs.join("rgc-tests").join(mode).join(gc).join(format!("{program}.elf"));
    let elf = build_once(elf, |tmp| {
        let mut flags: Vec<String> =
            ["-O1", "-g", "-std=gnu11", "-Wall", "-Werror", "-Wno-unused-function", "-Wno-unused-variable"]
                .map(String::from)
                .to_vec();
        flags.push(format!("-I{}", c_dir().display()));
        flags.extend(board_defines(&[program], &all_env).unwrap());
        board
            .compile(Some((gc, libs)), &[c_dir().join(format!("{program}.c"))], &flags, tmp)
            .unwrap_or_else(|e| panic!("{e}"));
    });
    let out = board.run(&elf, TIMEOUT).unwrap_or_else(|e| panic!("{program} under --gc={gc} ({mode}): {e}"));
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("ok"),
        "{program} failed on {} under --gc={gc} ({mode})\n{}",
        board.name,
        describe(&out)
    );
}

#[test]
fn the_conformance_subset_passes_on_the_board() {
    let Some((board, libs)) = board() else { return };
    for gc in NO_STD_COLLECTORS {
        for program in PROGRAMS {
            run_on_board(board, libs, gc, program, "normal", &[]);
        }
    }
}

#[test]
fn the_conformance_subset_passes_on_the_board_under_torture() {
    let Some((board, libs)) = board() else { return };
    for gc in NO_STD_COLLECTORS {
        for program in PROGRAMS.iter().filter(|p| !TOO_SLOW_FOR_TORTURE.contains(p)) {
            run_on_board(board, libs, gc, program, "torture", &[("RGC_TORTURE", "1"), ("RGC_VERIFY", "1")]);
        }
    }
}

#[test]
fn board_programs_are_conformance_programs() {
    for p in PROGRAMS.iter().chain(TOO_SLOW_FOR_TORTURE) {
        assert!(c_dir().join(format!("{p}.c")).exists(), "c/{p}.c does not exist");
    }
    for p in TOO_SLOW_FOR_TORTURE {
        assert!(PROGRAMS.contains(p), "{p} is left out under torture but not run normally either");
    }
}

/// The harness's control loop (1 kHz, 1 MB live, 1 s of board time) on
/// every collector that collects: it must keep its window intact (the
/// scenario checks every sample and stops otherwise) and report a pause for
/// each collection. Prints each collector's longest pause and deadline
/// misses; the figures are deterministic (QEMU's -icount).
#[test]
fn the_control_loop_runs_on_the_board() {
    let Some((board, libs)) = board() else { return };
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../benches/c/control_loop.c");
    for gc in NO_STD_COLLECTORS.iter().filter(|gc| rgc_cli::find_collector(gc).unwrap().collects) {
        let elf = libs.join("rgc-tests").join("control-loop").join(format!("{gc}.elf"));
        let elf = build_once(elf, |tmp| {
            let mut flags: Vec<String> = vec!["-O2".into(), "-std=gnu11".into()];
            flags.push(format!("-I{}", source.parent().unwrap().display()));
            flags.extend(board_defines(&["control_loop", "live_mb=1", "duration_s=1"], &[]).unwrap());
            board.compile(Some((gc, libs)), &[source.clone()], &flags, tmp).unwrap_or_else(|e| panic!("{e}"));
        });
        let out = board.run(&elf, TIMEOUT).unwrap_or_else(|e| panic!("control loop under --gc={gc}: {e}"));
        assert!(out.status.success(), "control loop failed under --gc={gc}\n{}", describe(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let field = |key: &str| -> u64 {
            let at = stdout.find(&format!("\"{key}\":")).unwrap_or_else(|| panic!("no {key} in {stdout}"));
            let rest = &stdout[at + key.len() + 3..];
            rest[..rest.find(|c: char| !c.is_ascii_digit()).unwrap()].parse().unwrap()
        };
        let pauses: Vec<u64> = {
            let at = stdout.find("\"pauses_ns\":[").expect("pauses") + 13;
            let list = &stdout[at..at + stdout[at..].find(']').unwrap()];
            list.split(',').filter(|s| !s.is_empty()).map(|s| s.parse().unwrap()).collect()
        };
        let longest = pauses.chunks(2).map(|p| p[1] - p[0]).max().unwrap_or(0);
        assert_eq!(field("ticks"), 1000);
        assert!(field("collections") > 0 && !pauses.is_empty(), "--gc={gc} never collected\n{stdout}");
        eprintln!(
            "board control loop --gc={gc}: {} pauses, longest {longest} ns ({} instructions), {} of 1000 deadlines missed",
            pauses.len() / 2,
            longest / 8,
            field("deadline_misses")
        );
    }
}
