//! ThreadSanitizer on the C side: the multi-threaded conformance programs,
//! compiled with `-fsanitize=thread` and linked against collector libraries
//! built with `--cfg rgc_tsan`, report no race.
//!
//! The Rust libraries are not instrumented, so their atomics are invisible
//! to TSan; `--cfg rgc_tsan` makes the safepoint protocol announce each of
//! its acquires and releases (`shadowstack`'s `sync` module). Without that,
//! C accesses the protocol orders (an object written by one thread, its cell
//! freed by a collection and handed to another) are reported as races;
//! with it, no report is suppressed. The incremental collector runs
//! twice, time-sliced and with its collector thread (whose store-log
//! hand-off and marker loan announce themselves the same way).
//!
//! Needs a C compiler with ThreadSanitizer (gcc's libtsan, or clang).
//! Without one the test says so and passes, unless `RGC_REQUIRE_TSAN=1`
//! (CI sets it) makes that a failure.

use rgc_tests::{c_dir, describe, run};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The programs with threads, run under every collector whose threads run
/// at once (`conservative_roots` under the conservative collector only: it
/// keeps objects in C locals alone).
const PROGRAMS: &[&str] = &["threads", "roots_threads", "conservative_roots"];

fn collectors() -> impl Iterator<Item = &'static str> {
    rgc_cli::COLLECTORS.iter().filter(|c| c.threads).map(|c| c.name)
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// True when `cc -fsanitize=thread` builds and runs a program here.
fn tsan_available(dir: &Path) -> bool {
    let src = dir.join("probe.c");
    std::fs::write(&src, "int main(void) { return 0; }\n").unwrap();
    let exe = dir.join("probe");
    Command::new("cc").arg("-fsanitize=thread").arg(&src).arg("-o").arg(&exe).output().is_ok_and(|o| o.status.success())
        && Command::new(&exe).output().is_ok_and(|o| o.status.success())
}

/// Builds the collector libraries with the protocol's TSan annotations,
/// in their own target directory; returns where the static libraries are.
fn tsan_libraries() -> PathBuf {
    let target = workspace().join("target/tsan");
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(workspace()).env("RUSTFLAGS", "--cfg rgc_tsan").args(["build", "--target-dir"]).arg(&target);
    for gc in collectors() {
        cmd.args(["-p", &format!("rgc-{gc}")]);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "building the TSan libraries failed\n{}", describe(&out));
    target.join("debug")
}

#[test]
fn threads_report_no_race_under_threadsanitizer() {
    let dir = workspace().join("target/tsan/programs");
    std::fs::create_dir_all(&dir).unwrap();
    if !tsan_available(&dir) {
        let msg = "ThreadSanitizer test skipped: cc -fsanitize=thread does not work here (gcc needs libtsan)";
        assert!(std::env::var_os("RGC_REQUIRE_TSAN").is_none(), "{msg}, and RGC_REQUIRE_TSAN is set");
        eprintln!("{msg}");
        return;
    }
    let libs = tsan_libraries();
    let include = workspace().join("include");
    for gc in collectors() {
        for prog in PROGRAMS {
            if *prog == "conservative_roots" && gc != "conservative" {
                continue;
            }
            let exe = dir.join(format!("{prog}-{gc}"));
            let out = Command::new("cc")
                .args(["-fsanitize=thread", "-O1", "-g", "-std=gnu11"])
                .arg(format!("-DRGC_GC_{}", gc.to_uppercase()))
                .arg(format!("-I{}", include.display()))
                .arg(format!("-I{}", c_dir().display()))
                .arg(c_dir().join(format!("{prog}.c")))
                .arg(libs.join(format!("librgc_{gc}.a")))
                .args(["-lpthread", "-ldl", "-lm", "-o"])
                .arg(&exe)
                .output()
                .unwrap();
            assert!(out.status.success(), "compiling {prog} for {gc} with TSan failed\n{}", describe(&out));
            let modes: &[&str] = if gc == "incremental" { &["off", "on"] } else { &["auto"] };
            for background in modes {
                let env = [("TSAN_OPTIONS", "halt_on_error=1 exitcode=66"), ("RGC_BACKGROUND", background)];
                let out = run(gc, &exe, &[], &env);
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(
                    out.status.success()
                        && String::from_utf8_lossy(&out.stdout).contains("ok")
                        && !stderr.contains("ThreadSanitizer"),
                    "{prog} under --gc={gc} (RGC_BACKGROUND={background}) with ThreadSanitizer\n{}",
                    describe(&out)
                );
            }
        }
    }
}
