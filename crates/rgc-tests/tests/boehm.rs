//! The Boehm-API suite: programs in `c/boehm/` written against `gc.h`,
//! linked with rgc's `libgc.a`, run normally and in torture mode with the
//! heap verifier; the misuse cases; and the drop-in check, where programs
//! built against bdwgc's own header and `libgc.so.1` run on rgc's library
//! through `LD_LIBRARY_PATH`.

use rgc_cli::{BoehmLib, Toolchain};
use rgc_tests::{build_once, describe, C_FLAGS};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn boehm() -> &'static (Toolchain, BoehmLib) {
    static LIB: OnceLock<(Toolchain, BoehmLib)> = OnceLock::new();
    LIB.get_or_init(|| {
        let tc = Toolchain::for_profile("dev");
        let lib = tc.ensure_boehm().unwrap_or_else(|e| panic!("{e}"));
        (tc, lib)
    })
}

fn src_dir() -> PathBuf {
    rgc_tests::c_dir().join("boehm")
}

fn out_dir() -> PathBuf {
    boehm().0.lib_dir.join("rgc-tests").join("boehm")
}

fn cc(args: &[String]) {
    let out = Command::new(&boehm().0.cc).args(args).output().expect("run the C compiler");
    assert!(out.status.success(), "cc {args:?} failed:\n{}", describe(&out));
}

/// The shared library `boehm_roots.c` keeps a root in.
fn helper_lib() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            std::fs::create_dir_all(out_dir()).unwrap();
            let so = out_dir().join("libboehm_lib.so");
            let src = src_dir().join("boehm_lib.c");
            cc(&[
                "-shared".into(),
                "-fPIC".into(),
                "-O1".into(),
                src.display().to_string(),
                "-o".into(),
                so.display().to_string(),
            ]);
            so
        })
        .clone()
}

/// `c/boehm/<name>.c` linked with rgc's `libgc.a` (once per process).
fn build(name: &str) -> PathBuf {
    build_once(out_dir().join(name), |tmp| {
        let lib = &boehm().1;
        let mut args: Vec<String> = C_FLAGS.iter().map(|f| f.to_string()).collect();
        args.extend([
            format!("-I{}", lib.include_dir.display()),
            format!("-I{}", src_dir().display()),
            src_dir().join(format!("{name}.c")).display().to_string(),
            "-o".into(),
            tmp.display().to_string(),
            lib.static_lib.display().to_string(),
            helper_lib().display().to_string(),
            format!("-Wl,-rpath,{}", out_dir().display()),
            "-lpthread".into(),
            "-ldl".into(),
            "-lm".into(),
        ]);
        cc(&args);
    })
}

fn run(exe: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(exe);
    cmd.args(args).env_remove("RGC_TORTURE").env_remove("RGC_VERIFY").env_remove("GC_DONT_GC");
    cmd.envs(env.iter().copied());
    cmd.output().unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()))
}

fn passes(name: &str, args: &[&str]) {
    let exe = build(name);
    for env in [&[][..], rgc_tests::TORTURE] {
        let out = run(&exe, args, env);
        assert!(
            out.status.success() && String::from_utf8_lossy(&out.stdout).contains("ok"),
            "{name} {args:?} failed with {env:?}\n{}",
            describe(&out)
        );
    }
}

#[test]
fn boehm_alloc() {
    passes("boehm_alloc", &[]);
    passes("boehm_alloc", &["no_extra_byte"]);
}

/// Object kinds, mark procedures, typed and gcj objects (`gc_mark.h`,
/// `gc_typed.h`, `gc_gcj.h`).
#[test]
fn boehm_kinds() {
    passes("boehm_kinds", &[]);
}

/// Threads: registered by GC_pthread_create or by themselves, stopped by
/// the suspend signal even when they never call the collector.
#[test]
fn boehm_threads() {
    passes("boehm_threads", &[]);
}

/// Disclaim procedures and finalized objects (`gc_disclaim.h`).
#[test]
fn boehm_disclaim() {
    passes("boehm_disclaim", &[]);
}

#[test]
fn boehm_roots() {
    passes("boehm_roots", &[]);
}

#[test]
fn boehm_finalize() {
    passes("boehm_finalize", &[]);
}

#[test]
fn boehm_limits() {
    passes("boehm_limits", &[]);
    let out = run(&build("boehm_limits"), &["dont_gc"], &[("GC_DONT_GC", "1")]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok"), "GC_DONT_GC\n{}", describe(&out));
}

#[test]
fn boehm_gcbench() {
    passes("boehm_gcbench", &["12"]);
}

#[test]
fn boehm_print_stats_and_heap_size_variables() {
    let exe = build("boehm_gcbench");
    let out = run(&exe, &["10"], &[("GC_PRINT_STATS", "1"), ("GC_INITIAL_HEAP_SIZE", "64M")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}", describe(&out));
    // A 64 MiB initial allowance covers depth 10 with no collection before the explicit ones.
    assert!(!stderr.contains("collection 1:"), "collected despite GC_INITIAL_HEAP_SIZE=64M\n{stderr}");
    let out = run(&exe, &["10"], &[("GC_PRINT_STATS", "1")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rgc: GC_PRINT_STATS: collection 1:"), "no statistics line\n{}", describe(&out));
    let out = run(&exe, &["14"], &[("GC_MAXIMUM_HEAP_SIZE", "2M")]);
    assert!(!out.status.success(), "depth 14 fitted in 2 MiB\n{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("out of memory"), "{}", describe(&out));
}

/// The smaller entry points (`c/boehm/boehm_extras.c`), normally and in
/// torture mode (whose `RGC_MARKERS` wins over `GC_set_markers_count`):
/// `GC_parallel` is the markers less one. `GC_set_markers_count` after
/// `GC_init` warns; the warning `GC_ignore_warn_proc` swallows does not
/// appear.
#[test]
fn boehm_extras() {
    let exe = build("boehm_extras");
    let lib = helper_lib();
    let lib = lib.to_str().unwrap();
    let cases: &[(&[(&str, &str)], &[&str])] = &[
        (&[], &[lib, "0", "one-marker"]),
        (&[("RGC_MARKERS", "2")], &[lib, "1"]),
        (rgc_tests::TORTURE, &[lib, "2", "one-marker"]),
    ];
    for (env, args) in cases {
        let out = run(&exe, args, env);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && String::from_utf8_lossy(&out.stdout).contains("ok"),
            "boehm_extras {args:?} failed with {env:?}\n{}",
            describe(&out)
        );
        assert!(stderr.contains("GC_set_markers_count after GC_init"), "no warning\n{}", describe(&out));
        assert!(!stderr.contains("finalizer"), "GC_ignore_warn_proc printed a warning\n{}", describe(&out));
    }
}

/// bdwgc's variables and debugging calls (`c/boehm/boehm_knobs.c`),
/// normally and in torture mode, with the printf family's output; then
/// leak finding's report: the dropped objects, not the freed one.
#[test]
fn boehm_knobs() {
    let exe = build("boehm_knobs");
    let lib = helper_lib();
    let lib = lib.to_str().unwrap();
    for env in [&[][..], rgc_tests::TORTURE] {
        let out = run(&exe, &[lib], env);
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success() && stdout.contains("ok"), "boehm_knobs failed with {env:?}\n{}", describe(&out));
        for (text, expect) in [
            (&stdout, "GC_printf 42 to stdout\n"),
            (&stdout, "GC_log_printf 2.5 after GC_set_log_fd(1)\n"),
            (&stdout, "***rgc "),
            (&stderr, "GC_err_printf 7 to stderr\n"),
            (&stderr, "GC_log_printf to stderr\n"),
        ] {
            assert!(text.contains(expect), "boehm_knobs: {expect:?} missing\n{}", describe(&out));
        }
    }
    let out = run(&exe, &[lib, "leaks"], &[]);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && stdout.contains("ok"), "boehm_knobs leaks\n{}", describe(&out));
    let found: usize = stderr
        .lines()
        .find_map(|l| l.strip_prefix("Found ")?.strip_suffix(" leaked objects:")?.parse().ok())
        .unwrap_or_else(|| panic!("no leak report\n{}", describe(&out)));
    // A stale copy of a pointer on the stack may keep one or two alive.
    assert!((95..=100).contains(&found), "{found} of 100 dropped objects reported\n{}", describe(&out));
    let listed = stderr.lines().filter(|l| l.starts_with("object at ") && l.ends_with(" bytes (composite)")).count();
    assert_eq!(listed, 40, "the report lists the first 40\n{}", describe(&out));
    let freed = stdout.lines().find_map(|l| l.strip_prefix("freed object at ")).expect("the freed address");
    assert!(!stderr.contains(&format!("object at {freed} ")), "the freed object was reported\n{}", describe(&out));
}

/// Each misuse stops the program with a message naming the call.
#[test]
fn boehm_misuse() {
    let exe = build("boehm_misuse");
    let cases: &[(&str, &[&str])] = &[
        ("free_foreign", &["rgc: GC_free:", "not the start of an object allocated by GC_malloc"]),
        ("free_interior", &["rgc: GC_free:", "not the start"]),
        ("realloc_foreign", &["rgc: GC_realloc:", "not the start"]),
        ("unmatched_enable", &["rgc: GC_enable:", "more times than GC_disable"]),
        ("link_foreign", &["rgc: GC_general_register_disappearing_link: object", "not inside a live GC_malloc object"]),
        ("link_misaligned", &["rgc: GC_general_register_disappearing_link: link", "not an aligned"]),
        ("abort_func", &["rgc: GC_free:", "abort func called with: rgc: GC_free:"]),
        ("abort_func_null", &["rgc: GC_set_abort_func: the abort function is NULL"]),
        ("end_stubborn_foreign", &["rgc: GC_debug_end_stubborn_change:", "does not point into an object"]),
        ("store_and_dirty_foreign", &["rgc: GC_debug_ptr_store_and_dirty:", "does not point into an object"]),
        ("store_and_dirty_misaligned", &["rgc: GC_debug_ptr_store_and_dirty:", "not an aligned pointer slot"]),
        ("store_and_dirty_past_end", &["rgc: GC_debug_ptr_store_and_dirty:", "not an aligned pointer slot"]),
        ("abort_func_reenters", &["rgc: GC_free:", "abort func called with: rgc: GC_free:", "rgc: GC_malloc:"]),
        ("overrun", &["rgc: heap verifier:", "of type '<words>' (40 bytes), was probably written past its end"]),
        ("abort_on_oom", &["rgc: GC_abort_on_oom: out of memory"]),
        ("push_outside", &["rgc: GC_push_all:", "outside a push-other-roots procedure"]),
        ("mark_and_push_outside", &["rgc: GC_mark_and_push: called with", "outside a mark procedure"]),
        ("unknown_kind", &["rgc: GC_generic_malloc: kind 40 does not exist"]),
        ("gcj_before_init", &["rgc: GC_gcj_malloc: called before GC_init_gcj_malloc"]),
        ("proc_overflows", &["rgc: collector: mark procedure 8 returned", "outside the mark stack it was given"]),
    ];
    for (case, expect) in cases {
        let out = run(&exe, &[case], &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "misuse {case} was not detected\n{}", describe(&out));
        for e in *expect {
            assert!(stderr.contains(e), "misuse {case}: expected {e:?}\n{}", describe(&out));
        }
        // An abort function runs once, even when it fails itself.
        assert!(stderr.matches("abort func called").count() <= 1, "misuse {case}\n{}", describe(&out));
    }
}

/// Programs compiled against bdwgc's own `gc.h` and linked with `-lgc`
/// run on rgc's `libgc.so.1` unchanged. Skipped (with a note) where
/// bdwgc's development files are not installed; CI installs them.
#[test]
fn drop_in_for_bdwgc_builds() {
    if !Path::new("/usr/include/gc.h").exists() {
        eprintln!("bdwgc's gc.h is not installed: drop-in check skipped");
        return;
    }
    std::fs::create_dir_all(out_dir()).unwrap();
    for name in ["boehm_gcbench", "boehm_finalize", "boehm_kinds", "boehm_threads"] {
        let exe = out_dir().join(format!("{name}-bdwgc"));
        // No -I for rgc's header: bt.h's #include "gc.h" finds bdwgc's.
        cc(&[
            "-O1".into(),
            "-std=gnu11".into(),
            format!("-I{}", src_dir().display()),
            src_dir().join(format!("{name}.c")).display().to_string(),
            "-o".into(),
            exe.display().to_string(),
            "-lgc".into(),
        ]);
        let out =
            run(&exe, &["12"], &[("LD_LIBRARY_PATH", boehm().1.so_dir.to_str().unwrap()), ("GC_PRINT_STATS", "1")]);
        assert!(
            out.status.success() && String::from_utf8_lossy(&out.stdout).contains("ok"),
            "{name} built for bdwgc failed on rgc's libgc.so.1\n{}",
            describe(&out)
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("rgc: GC_PRINT_STATS"),
            "{name} did not run on rgc's library\n{}",
            describe(&out)
        );
    }
}

#[test]
fn every_boehm_program_is_run() {
    let run_here = [
        "boehm_alloc",
        "boehm_roots",
        "boehm_finalize",
        "boehm_limits",
        "boehm_gcbench",
        "boehm_misuse",
        "boehm_lib",
        "boehm_extras",
        "boehm_knobs",
        "boehm_kinds",
        "boehm_threads",
        "boehm_disclaim",
    ];
    for entry in std::fs::read_dir(src_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "c") {
            let stem = path.file_stem().unwrap().to_str().unwrap();
            assert!(run_here.contains(&stem), "c/boehm/{stem}.c is not run by tests/boehm.rs");
        }
    }
}

/// A deterministic HTML report: headings, long paragraphs, tables, lists
/// and links, enough for w3m to allocate tens of megabytes.
fn report_html(sections: usize) -> String {
    const WORDS: [&str; 12] =
        ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "omega"];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut word = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        WORDS[(seed % WORDS.len() as u64) as usize]
    };
    let mut html = String::from("<html><head><title>rgc drop-in</title></head><body><h1>Report</h1>\n");
    for s in 0..sections {
        html += &format!("<h2>Section {s}</h2>\n<p>");
        for _ in 0..300 {
            html += word();
            html.push(' ');
        }
        html += "</p>\n<table border=1><tr><th>id</th><th>name</th><th>value</th></tr>\n";
        for r in 0..60 {
            html += &format!(
                "<tr><td>{}</td><td>{} <b>{}</b></td><td>{}.{:03}</td></tr>\n",
                s * 100 + r,
                word(),
                word(),
                r,
                s
            );
        }
        html += "</table><ul>";
        for i in 0..30 {
            html += &format!("<li><a href='#{i}'>{}</a>", word());
        }
        html += "</ul>\n";
    }
    html + "</body></html>\n"
}

/// The drop-in proof: Debian's `w3m`, built against bdwgc and linked with
/// `libgc.so.1`, renders the same page identically on rgc's library (no
/// rebuild, only `LD_LIBRARY_PATH`), while rgc collects. Skipped with a
/// note where w3m is not installed; CI installs it.
#[test]
fn w3m_renders_the_same_on_rgc() {
    let Ok(w3m) = which("w3m") else {
        eprintln!("w3m is not installed: drop-in check skipped (apt-get install w3m)");
        return;
    };
    std::fs::create_dir_all(out_dir()).unwrap();
    let so_dir = boehm().1.so_dir.to_str().unwrap().to_string();
    let ldd = Command::new("ldd").arg(&w3m).env("LD_LIBRARY_PATH", &so_dir).output().expect("run ldd");
    let ldd = String::from_utf8_lossy(&ldd.stdout).to_string();
    assert!(ldd.contains(&format!("libgc.so.1 => {so_dir}/libgc.so.1")), "w3m would not load rgc's libgc.so.1:\n{ldd}");
    for (sections, env) in [(40, &[][..]), (1, rgc_tests::TORTURE)] {
        let page = out_dir().join(format!("report{sections}.html"));
        std::fs::write(&page, report_html(sections)).unwrap();
        let dump = |rgc: bool| {
            let mut cmd = Command::new(&w3m);
            cmd.args(["-dump", "-cols", "100"]).arg(&page).env("TERM", "dumb").env("HOME", out_dir());
            if rgc {
                cmd.env("LD_LIBRARY_PATH", &so_dir).env("GC_PRINT_STATS", "1").envs(env.iter().copied());
            }
            cmd.output().expect("run w3m")
        };
        let (bdwgc, rgc) = (dump(false), dump(true));
        assert!(bdwgc.status.success() && bdwgc.stdout.len() > 1000, "w3m on bdwgc:\n{}", describe(&bdwgc));
        assert!(rgc.status.success(), "w3m on rgc:\n{}", describe(&rgc));
        assert!(
            bdwgc.stdout == rgc.stdout,
            "w3m's output differs between bdwgc and rgc ({sections} sections, {env:?})"
        );
        let collections = String::from_utf8_lossy(&rgc.stderr).matches("rgc: GC_PRINT_STATS: collection").count();
        assert!(collections >= 3, "rgc collected {collections} times while w3m ran ({sections} sections, {env:?})");
    }
}

fn which(program: &str) -> Result<PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|d| d.join(program)).find(|p| p.is_file()))
        .ok_or(())
}

/// Runs `cmd` on bdwgc's library and on rgc's (with `GC_PRINT_STATS`), and
/// checks that both succeed with the same standard output and that rgc
/// collected at least once. `what` names the run in messages.
fn same_on_both(what: &str, mut cmd: impl FnMut() -> Command) {
    let bdwgc = cmd().output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let so_dir = boehm().1.so_dir.to_str().unwrap().to_string();
    let rgc = cmd().env("LD_LIBRARY_PATH", &so_dir).env("GC_PRINT_STATS", "1").output().unwrap();
    assert!(bdwgc.status.success(), "{what} on bdwgc:\n{}", describe(&bdwgc));
    assert!(rgc.status.success(), "{what} on rgc:\n{}", describe(&rgc));
    assert!(
        bdwgc.stdout == rgc.stdout,
        "{what}: outputs differ\nbdwgc:\n{}\nrgc:\n{}",
        describe(&bdwgc),
        describe(&rgc)
    );
    let collections = String::from_utf8_lossy(&rgc.stderr).matches("rgc: GC_PRINT_STATS: collection").count();
    assert!(collections >= 1, "{what}: rgc never collected (did it load rgc's library?)\n{}", describe(&rgc));
}

/// A language runtime on rgc's `libgc.so.1`: Debian's Guile 3.0, unchanged,
/// runs the Scheme programs in `scheme/` (allocation, strings and hash
/// tables, weak tables and guardians, threads and futures) with the same
/// output as on bdwgc. Skipped with a note where Guile is not installed
/// (`RGC_REQUIRE_GUILE=1` makes that a failure); CI installs it.
#[test]
fn guile_runs_the_same_on_rgc() {
    let Ok(guile) = which("guile") else {
        assert!(std::env::var_os("RGC_REQUIRE_GUILE").is_none(), "guile is required but not installed");
        eprintln!("guile is not installed: Guile check skipped (apt-get install guile-3.0)");
        return;
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scheme");
    for program in ["alloc", "strings", "weak", "threads"] {
        let file = dir.join(format!("{program}.scm"));
        same_on_both(&format!("guile {program}.scm"), || {
            let mut cmd = Command::new(&guile);
            cmd.arg("--no-auto-compile").arg(&file).env("GUILE_AUTO_COMPILE", "0").env("HOME", out_dir());
            cmd
        });
    }
}

/// Crystal, whose runtime uses bdwgc with fibers on stacks of their own
/// (`GC_stackbottom`, `GC_set_stackbottom`, push-other-roots), and threads
/// under `-Dpreview_mt`: the compiler builds `crystal/fibers.cr` on both
/// libraries, and the program, single- and multi-threaded, prints the same
/// on both. Skipped with a note where Crystal is not installed
/// (`RGC_REQUIRE_CRYSTAL=1` makes that a failure); CI installs it.
#[test]
fn crystal_runs_the_same_on_rgc() {
    let Ok(crystal) = which("crystal") else {
        assert!(std::env::var_os("RGC_REQUIRE_CRYSTAL").is_none(), "crystal is required but not installed");
        eprintln!("crystal is not installed: Crystal check skipped (apt-get install crystal)");
        return;
    };
    let dir = out_dir().join("crystal");
    std::fs::create_dir_all(&dir).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("crystal").join("fibers.cr");
    let build = |out: &str, flags: &[&str], rgc: bool| {
        let mut cmd = Command::new(&crystal);
        cmd.arg("build").args(flags).arg(&source).arg("-o").arg(dir.join(out));
        cmd.env("CRYSTAL_CACHE_DIR", dir.join(format!("cache-{out}"))).env("HOME", &dir);
        if rgc {
            cmd.env("LD_LIBRARY_PATH", boehm().1.so_dir.to_str().unwrap());
        }
        let done = cmd.output().expect("run crystal");
        assert!(done.status.success(), "crystal build {out} (compiler on rgc: {rgc}):\n{}", describe(&done));
    };
    build("fibers", &[], false);
    build("fibers-by-rgc", &[], true);
    build("fibers-mt", &["-Dpreview_mt"], false);
    for (exe, workers) in [("fibers", "1"), ("fibers-by-rgc", "1"), ("fibers-mt", "4")] {
        same_on_both(&format!("crystal program {exe}"), || {
            let mut cmd = Command::new(dir.join(exe));
            cmd.env("CRYSTAL_WORKERS", workers);
            cmd
        });
    }
}

/// bdwgc 8.2.2's own test programs (`c/bdwgc-8.2.2`, copied unchanged with
/// their origin noted there), built with threads as its `make check`
/// builds them, run three ways (the C++ test the first two, with Debian's
/// `libgccpp`): built against bdwgc's headers and linked
/// with Debian's `libgc.so.1`; the same binaries on rgc's `libgc.so.1`
/// through `LD_LIBRARY_PATH`; built against rgc's `gc.h` and linked with
/// rgc's `libgc.a` (the three programs that include bdwgc's private
/// `gc_priv.h` get it, with rgc's public headers under it). Every program
/// passes all three. Skipped with a note where Debian's bdwgc is not
/// installed (CI installs it).
#[test]
fn bdwgc_test_programs() {
    if !Path::new("/usr/include/gc.h").exists() {
        eprintln!(
            "bdwgc's development files are not installed: its test programs are skipped (apt-get install libgc-dev)"
        );
        return;
    }
    // (program, source); staticrootstest also needs its two libraries.
    const PROGRAMS: [(&str, &str); 13] = [
        ("gctest", "test"),
        ("hugetest", "huge_test"),
        ("middletest", "middle"),
        ("realloc_test", "realloc_test"),
        ("smashtest", "smash_test"),
        ("staticrootstest", "staticrootstest"),
        ("threadkey_test", "threadkey_test"),
        ("threadleaktest", "thread_leak_test"),
        ("subthreadcreate_test", "subthread_create"),
        ("initsecondarythread_test", "initsecondarythread"),
        ("disclaim_test", "disclaim_test"),
        ("disclaim_weakmap_test", "disclaim_weakmap_test"),
        ("leaktest", "leak_test"),
    ];
    // What bdwgc's configure defines for a threaded Linux build.
    const DEFINES: [&str; 11] = [
        "-DGC_THREADS",
        "-DGC_BUILTIN_ATOMIC",
        "-DPARALLEL_MARK",
        "-DTHREAD_LOCAL_ALLOC",
        "-DNO_EXECUTE_PERMISSION",
        "-DALL_INTERIOR_POINTERS",
        "-DGC_GCJ_SUPPORT",
        "-DENABLE_DISCLAIM",
        "-DJAVA_FINALIZATION",
        "-DGC_ENABLE_SUSPEND_THREAD",
        "-DHANDLE_FORK",
    ];
    let src = rgc_tests::c_dir().join("bdwgc-8.2.2");
    let lib = &boehm().1;
    let rgc_include = lib.include_dir.display().to_string();
    let out = out_dir().join("bdwgc-tests");
    // rgc's build finds bdwgc's private headers here, and through them
    // bdwgc's internal gc_tiny_fl.h and rgc's public headers.
    let private = out.join("private-headers");
    std::fs::create_dir_all(private.join("private")).unwrap();
    for entry in std::fs::read_dir(src.join("include/private")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), private.join("private").join(entry.file_name())).unwrap();
    }
    std::fs::copy(src.join("include/gc_tiny_fl.h"), private.join("gc_tiny_fl.h")).unwrap();
    for header in ["gc_mark.h", "gc_typed.h", "gc_inline.h", "gc_gcj.h", "gc_disclaim.h"] {
        std::fs::write(private.join(header), format!("#include \"gc/{header}\"\n")).unwrap();
    }
    let with_rgc = lib.so_dir.to_str().unwrap().to_string();
    let run = |exe: &Path, rgc: bool| {
        let mut cmd = Command::new("timeout");
        cmd.arg("300").arg(exe).env_remove("RGC_TORTURE").env_remove("RGC_VERIFY").current_dir(&out);
        if rgc {
            cmd.env("LD_LIBRARY_PATH", &with_rgc);
        }
        cmd.output().expect("run a bdwgc test program")
    };
    // Per program: passed on bdwgc, on rgc's .so, built with rgc's headers.
    let mut passed = std::collections::BTreeMap::<&str, [bool; 3]>::new();
    let mut failures = Vec::new();
    for (build, rgc_headers) in [("bdwgc", false), ("rgc", true)] {
        let dir = out.join(build);
        std::fs::create_dir_all(&dir).unwrap();
        let mut flags: Vec<String> = ["-O2", "-w"].iter().map(|s| s.to_string()).collect();
        flags.extend(DEFINES.iter().map(|d| d.to_string()));
        if rgc_headers {
            flags.extend([
                format!("-I{rgc_include}"),
                format!("-I{rgc_include}/gc"),
                format!("-I{}", private.display()),
            ]);
        } else {
            flags.push(format!("-I{}", src.join("include").display()));
        }
        let link: Vec<String> = if rgc_headers {
            vec![lib.static_lib.display().to_string(), "-lpthread".into(), "-ldl".into(), "-lm".into()]
        } else {
            vec!["-lgc".into(), "-lpthread".into(), "-ldl".into()]
        };
        for (name, extra) in [("staticrootslib_test", &[][..]), ("staticrootslib2_test", &["-DSTATICROOTSLIB2"][..])] {
            let mut args = flags.clone();
            args.extend(extra.iter().map(|s| s.to_string()));
            args.extend(["-shared".into(), "-fPIC".into(), src.join("tests/staticrootslib.c").display().to_string()]);
            args.extend(["-o".into(), dir.join(format!("lib{name}.so")).display().to_string()]);
            if !rgc_headers {
                args.push("-lgc".into());
            }
            cc(&args);
        }
        for (program, source) in PROGRAMS {
            let exe = dir.join(program);
            let mut args = flags.clone();
            args.extend([src.join(format!("tests/{source}.c")).display().to_string(), "-o".into()]);
            args.push(exe.display().to_string());
            if program == "staticrootstest" {
                args.extend([
                    "-DSTATICROOTSLIB2".into(),
                    format!("-L{}", dir.display()),
                    "-lstaticrootslib_test".into(),
                    "-lstaticrootslib2_test".into(),
                    format!("-Wl,-rpath,{}", dir.display()),
                ]);
            }
            args.extend(link.iter().cloned());
            cc(&args);
            let runs: Vec<(usize, Output)> = if rgc_headers {
                vec![(2, run(&exe, false))]
            } else {
                vec![(0, run(&exe, false)), (1, run(&exe, true))]
            };
            for (column, done) in runs {
                passed.entry(program).or_default()[column] = done.status.success();
                if !done.status.success() {
                    failures.push(format!("{program} (column {column}):\n{}", describe(&done)));
                }
            }
        }
    }
    // The C++ test, with Debian's libgccpp: built for bdwgc and run on both
    // libraries (rgc has no gc_cpp.h of its own yet).
    let cpp = out.join("bdwgc").join("test_cpp");
    let mut args: Vec<String> = ["-O2", "-w"].iter().map(|s| s.to_string()).collect();
    args.extend(DEFINES.iter().map(|d| d.to_string()));
    args.extend([
        format!("-I{}", src.join("include").display()),
        src.join("tests/test_cpp.cc").display().to_string(),
        "-o".into(),
        cpp.display().to_string(),
        "-lgccpp".into(),
        "-lgc".into(),
        "-lpthread".into(),
    ]);
    let built = Command::new("c++").args(&args).output().expect("run the C++ compiler");
    assert!(built.status.success(), "c++ {args:?}:\n{}", describe(&built));
    for (column, rgc) in [(0, false), (1, true)] {
        let done = run(&cpp, rgc);
        passed.entry("test_cpp").or_default()[column] = done.status.success();
        if !done.status.success() {
            failures.push(format!("test_cpp (column {column}):\n{}", describe(&done)));
        }
    }
    let mark = |ok: bool| if ok { "pass" } else { "FAIL" };
    let mut table = String::from(
        "| program | bdwgc | bdwgc's binary on rgc's .so | built with rgc's gc.h and libgc.a |\n|---|---|---|---|\n",
    );
    for (program, [a, b, c]) in &passed {
        let rgc_build = if *program == "test_cpp" { "not built (no gc_cpp.h in rgc)" } else { mark(*c) };
        table += &format!("| {program} | {} | {} | {rgc_build} |\n", mark(*a), mark(*b));
    }
    eprintln!("{table}");
    assert!(failures.is_empty(), "bdwgc's test programs failed:\n{}", failures.join("\n"));
}
