//! The C conformance suite, run against every collector.

use rgc_cli::COLLECTORS;
use rgc_tests::{build, describe, run};
use std::os::unix::process::ExitStatusExt;

/// Runs a passing program normally and under torture mode with the verifier.
fn passes(name: &str) {
    for gc in COLLECTORS {
        let exe = build(gc.name, name);
        for env in rgc_tests::environments(gc.name) {
            let out = run(gc.name, &exe, &[], env);
            assert!(
                out.status.success() && String::from_utf8_lossy(&out.stdout).contains("ok"),
                "{name} failed under --gc={} with {env:?}\n{}",
                gc.name,
                describe(&out)
            );
        }
    }
}

/// Runs a passing program inside a 4 MB region (`rgc_config.region`),
/// linked so that any call rgc makes to malloc, free or mmap aborts it.
/// `none` never frees, so it gets a region as large as everything the
/// programs allocate (64 MB).
fn passes_in_region(name: &str) {
    for gc in COLLECTORS {
        let exe = rgc_tests::build_region(gc.name, name);
        let region = if gc.collects { "4194304" } else { "67108864" };
        let out = run(gc.name, &exe, &[], &[("RGCT_REGION", region)]);
        assert!(
            out.status.success() && String::from_utf8_lossy(&out.stdout).contains("ok"),
            "{name} failed under --gc={} in a {region}-byte region\n{}",
            gc.name,
            describe(&out)
        );
    }
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        $( #[test] fn $name() { passes(stringify!($name)); } )*
        /// The whole suite again, each program in a 4 MB region.
        mod in_a_4mb_region {
            $( #[test] fn $name() { super::passes_in_region(stringify!($name)); } )*
        }
        const PROGRAMS: &[&str] = &[$(stringify!($name)),*];
    };
}

conformance!(
    graph_survives,
    reclaim_exact,
    deep_list,
    arrays,
    finalizers,
    weakrefs,
    oom,
    events,
    roots_threads,
    step,
    rss_shrinks,
    rewire,
    long_cycle,
    weak_read,
    cycles,
    saturate,
    candidates,
    threads,
    fragmented_refills,
    heap_policy,
    fork_child,
    background
);

#[test]
fn every_program_is_listed() {
    for entry in std::fs::read_dir(rgc_tests::c_dir()).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        let own_test = ["misuse", "difftest", "conservative_roots"];
        if path.extension().is_some_and(|e| e == "c") && !own_test.contains(&stem.as_str()) {
            assert!(PROGRAMS.contains(&stem.as_str()), "c/{stem}.c is not run by the conformance suite");
        }
    }
}

/// Roots only a conservative collector finds: pointers kept in C locals,
/// registers, static data and bss, and interior pointers, with no shadow
/// stack or `rgc_add_root`; normally and under torture with the verifier.
#[test]
fn conservative_roots_are_found() {
    let exe = build("conservative", "conservative_roots");
    for env in [&[][..], rgc_tests::TORTURE] {
        let out = run("conservative", &exe, &[], env);
        assert!(
            out.status.success() && String::from_utf8_lossy(&out.stdout).contains("ok"),
            "conservative_roots failed with {env:?}\n{}",
            describe(&out)
        );
    }
}

/// How a misuse case must end.
enum Outcome {
    /// abort() after printing a message containing every fragment.
    Aborts(&'static [&'static str]),
    /// Normal exit 0, with the fragments on stderr.
    Reports(&'static [&'static str]),
}
use Outcome::*;

struct Misuse {
    case: &'static str,
    outcome: Outcome,
    /// Only meaningful for collectors that trace.
    collects_only: bool,
    env: &'static [(&'static str, &'static str)],
    /// Extra environment for one collector: (collector, variables).
    env_for: Option<(&'static str, &'static [(&'static str, &'static str)])>,
    /// Misuse under this collector only.
    only_for: Option<&'static str>,
}

const fn m(case: &'static str, outcome: Outcome) -> Misuse {
    Misuse { case, outcome, collects_only: false, env: &[], env_for: None, only_for: None }
}

const MISUSES: &[Misuse] = &[
    m("before_init", Aborts(&["rgc: rgc_alloc:", "not initialised"])),
    m("bad_env", Reports(&["rgc: rgc_init:", "RGC_HEAP_MAX='12q'"])),
    m("double_init", Reports(&["rgc: rgc_init:", "already initialised"])),
    m("region_too_small", Reports(&["rgc: rgc_init:", "region_size 4096 is below the minimum"])),
    m("region_markers", Reports(&["rgc: rgc_init:", "markers 2 needs memory outside the region"])),
    m("too_many_markers", Reports(&["rgc: rgc_init:", "markers 9 is more than the maximum of 8"])),
    m("region_background", Reports(&["rgc: rgc_init:", "background 1 (on) needs memory outside the region"])),
    m("bad_background", Reports(&["rgc: rgc_init:", "background 7 is not RGC_BACKGROUND_AUTO (0)"])),
    Misuse {
        env: &[("RGC_BACKGROUND", "sometimes")],
        ..m("bad_env_background", Reports(&["rgc: rgc_init:", "RGC_BACKGROUND='sometimes' is not auto, on or off"]))
    },
    m("bad_pacing", Reports(&["rgc: rgc_init:", "pacing 2 is not RGC_PACING_LATE (0) or _EVEN (1)"])),
    m("region_meta_too_big", Reports(&["rgc: rgc_init:", "meta_bytes 1024000", "for the heap"])),
    m("region_tables_full", Aborts(&["rgc: region: the table area is full", "raise rgc_config.meta_bytes"])),
    m(
        "unaligned_field",
        Aborts(&["rgc: rgc_alloc:", "'Unaligned' is invalid", "ptr_offsets[0] = 4 is not a multiple of 8"]),
    ),
    m("pointer_free_with_ptrs", Aborts(&["'Contradiction' is invalid", "RGC_TYPE_POINTER_FREE is set"])),
    m("null_type", Aborts(&["rgc: rgc_alloc:", "descriptor is NULL"])),
    m("array_of_fixed", Aborts(&["rgc: rgc_alloc_array:", "'Node' is fixed-size"])),
    m("fixed_of_array", Aborts(&["rgc: rgc_alloc:", "'PtrArray' is variable-size"])),
    m("huge_length", Aborts(&["rgc: rgc_alloc_array:", "length 18446744073709551615"])),
    m("huge_bytes", Aborts(&["rgc: rgc_alloc_bytes:", "size 1099511627776"])),
    Misuse { collects_only: true, ..m("foreign_root", Aborts(&["shadow-stack slot #0", "not a live rgc object"])) },
    Misuse { collects_only: true, ..m("interior_root", Aborts(&["shadow-stack slot #0", "not a live rgc object"])) },
    m(
        "overrun_free",
        Aborts(&[
            "rgc: heap verifier:",
            "the free 40-byte cell",
            "holds 0x5a5a5a5a5a5a5a5a",
            "of type 'Node' (32 bytes), was probably written past its end",
        ]),
    ),
    // refcount takes cells from free lists, which the verifying allocator
    // checks before it follows a link (the others bump spans inline).
    Misuse {
        only_for: Some("refcount"),
        env: &[("RGC_VERIFY", "1")],
        ..m(
            "overrun_then_alloc",
            Aborts(&[
                "rgc: rgc_alloc:",
                "on a free list",
                "of type 'Node' (32 bytes), was probably written past its end",
            ]),
        )
    },
    m(
        "overrun_object",
        Aborts(&[
            "rgc: heap verifier:",
            "unregistered type id",
            "of type 'Node' (32 bytes), was probably written past its end",
        ]),
    ),
    // A plain store (no RGC_STORE) never reaches refcount's counts: its
    // verifier finds the field (a stored one is caught at the store, below).
    Misuse {
        collects_only: true,
        env_for: Some(("refcount", &[("RGC_VERIFY", "1")])),
        ..m("foreign_field", Aborts(&["of type 'Node' holds", "byte offset 0"]))
    },
    Misuse { collects_only: true, ..m("foreign_store", Aborts(&["byte offset 0", "not a live rgc object"])) },
    Misuse {
        collects_only: true,
        ..m("listener_reentry", Aborts(&["rgc_alloc_bytes:", "while the collector is running"]))
    },
    Misuse {
        collects_only: true,
        ..m("listener_blocks", Aborts(&["rgc_enter_blocking:", "while the collector is running"]))
    },
    Misuse {
        env: &[("RGC_SHADOWSTACK_SLOTS", "5000")],
        ..m("overflow", Aborts(&["shadow stack overflow", "capacity of 5000 slots"]))
    },
    m("unattached_thread", Aborts(&["no shadow stack", "rgc_thread_attach()"])),
    m("unattached_alloc", Aborts(&["rgc: rgc_alloc_bytes:", "not attached", "rgc_thread_attach()"])),
    Misuse {
        only_for: Some("refcount"),
        ..m("second_thread", Aborts(&["rgc: rgc_thread_attach:", "'refcount' collector runs one attached thread"]))
    },
    m("call_in_blocking", Aborts(&["rgc: rgc_collect:", "between rgc_enter_blocking and rgc_leave_blocking"])),
    m("blocking_twice", Aborts(&["rgc: rgc_enter_blocking:", "called twice"])),
    m("leave_without_enter", Aborts(&["rgc: rgc_leave_blocking:", "without rgc_enter_blocking"])),
    m("remove_unregistered", Aborts(&["rgc: rgc_remove_root:", "never registered"])),
    m("weakref_get_non_weak", Aborts(&["rgc: rgc_weakref_get:", "type 'Node', not a weak reference"])),
    m("weakref_foreign_target", Aborts(&["rgc: rgc_weakref_new: target", "not a live rgc object"])),
    m("object_size_foreign", Aborts(&["rgc: rgc_object_size: pointer", "not a live rgc object"])),
    Misuse {
        env: &[("RGC_HEAP_MAX", "1M")],
        ..m("oom_default", Aborts(&["rgc: rgc_alloc: out of memory", "heap_max is"]))
    },
    m("zero_pause", Aborts(&["rgc: rgc_set_pacing:", "pause budget 0 ns"])),
    m("window_below_pause", Aborts(&["rgc: rgc_set_pacing:", "window 50000 ns is shorter"])),
    Misuse {
        env: &[("RGC_WINDOW_US", "10")],
        ..m("bad_env_pacing", Reports(&["rgc: rgc_init:", "shorter than the pause budget", "window_us 10"]))
    },
    m("copied_descriptor", Aborts(&["rgc: rgc_alloc:", "never assigned"])),
];

#[test]
fn misuse_gets_a_clear_error() {
    let mut failures = Vec::new();
    for gc in COLLECTORS {
        let exe = build(gc.name, "misuse");
        for case in MISUSES {
            if case.collects_only && !gc.collects || case.only_for.is_some_and(|only| only != gc.name) {
                continue;
            }
            let mut env = case.env.to_vec();
            if let Some((name, extra)) = case.env_for {
                if name == gc.name {
                    env.extend_from_slice(extra);
                }
            }
            let out = run(gc.name, &exe, &[case.case], &env);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let (want_abort, fragments) = match case.outcome {
                Aborts(f) => (true, f),
                Reports(f) => (false, f),
            };
            let status_ok = if want_abort { out.status.signal() == Some(libc_sigabrt()) } else { out.status.success() };
            if !status_ok || !fragments.iter().all(|f| stderr.contains(f)) {
                failures.push(format!(
                    "--gc={} case {}: expected {fragments:?}\n{}",
                    gc.name,
                    case.case,
                    describe(&out)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn libc_sigabrt() -> i32 {
    6
}

#[test]
fn linking_against_the_wrong_collector_fails_with_a_named_symbol() {
    let tc = rgc_tests::toolchain();
    let src = rgc_tests::c_dir().join("step.c");
    let exe = tc.lib_dir.join("rgc-tests").join("wrong-link");
    // Compiled for marksweep (-DRGC_GC_MARKSWEEP), linked with none's library.
    let cmd = tc.cc_command(
        "marksweep",
        &[
            format!("-I{}", rgc_tests::c_dir().display()),
            src.display().to_string(),
            "-o".into(),
            exe.display().to_string(),
        ],
        rgc_cli::Link::Static,
    );
    let args: Vec<_> =
        cmd.get_args().map(|a| a.to_string_lossy().replace("librgc_marksweep.a", "librgc_none.a")).collect();
    let mut cmd2 = std::process::Command::new(cmd.get_program());
    cmd2.args(args);
    let out = cmd2.output().unwrap();
    assert!(!out.status.success(), "linking marksweep code against librgc_none.a succeeded");
    assert!(String::from_utf8_lossy(&out.stderr).contains("rgc_abi_marksweep_v1"), "{}", describe(&out));
}
