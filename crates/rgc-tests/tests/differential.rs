//! Randomized differential tests: a bounded number of seeds per collector.
//! `rgc-difftest` (see README) runs millions.

use rgc_cli::COLLECTORS;
use rgc_tests::diff::{check_seeds, check_seeds_threaded, Mix};

fn seeds(var: &str, default: u64) -> u64 {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn random_programs_match_the_model() {
    let n = seeds("RGC_DIFF_SEEDS", 150);
    for gc in COLLECTORS {
        if let Err(report) = check_seeds(gc.name, 0..n, 400, &[("RGC_HEAP_INITIAL", "256K")], Mix::Balanced) {
            panic!("{report}");
        }
    }
}

#[test]
fn random_programs_match_the_model_under_torture() {
    let n = seeds("RGC_DIFF_TORTURE_SEEDS", 40);
    for gc in COLLECTORS {
        if let Err(report) = check_seeds(gc.name, 1_000_000..1_000_000 + n, 300, rgc_tests::TORTURE, Mix::Balanced) {
            panic!("{report}");
        }
    }
}

/// Mutation-heavy programs with no full collections, under torture mode (one
/// tiny increment per allocation) and the verifier: every store and load
/// meets an incremental cycle in progress. Other collectors run them too.
#[test]
fn stores_during_a_cycle_match_the_model() {
    let n = seeds("RGC_DIFF_MUTATION_SEEDS", 60);
    for gc in COLLECTORS {
        let env = rgc_tests::TORTURE;
        if let Err(report) = check_seeds(gc.name, 2_000_000..2_000_000 + n, 400, &env, Mix::Mutation) {
            panic!("{report}");
        }
    }
}

/// Rings of every size (self-loops, rings through arrays) built, linked
/// into each other and dropped, normally and under torture with the
/// verifier: what a cycle collector must reclaim, and must not over-reclaim.
#[test]
fn cycles_are_reclaimed_exactly() {
    let n = seeds("RGC_DIFF_CYCLE_SEEDS", 60);
    for gc in COLLECTORS {
        for (seeds, env) in [
            (3_000_000..3_000_000 + n, &[("RGC_HEAP_INITIAL", "256K")][..]),
            (4_000_000..4_000_000 + n / 3, rgc_tests::TORTURE),
        ] {
            if let Err(report) = check_seeds(gc.name, seeds, 400, env, Mix::Cycles) {
                panic!("{report}");
            }
        }
    }
}

/// Reference counting with a free budget of one object per reconciliation,
/// under the verifier: nearly every free is deferred to a later allocation,
/// where the roots are not known, so children that reach count zero must
/// be listed for the next reconciliation and never freed on the spot.
#[test]
fn deferred_frees_match_the_model() {
    let n = seeds("RGC_DIFF_DEFERRED_SEEDS", 60);
    let env = [("RGC_FREE_BUDGET", "1"), ("RGC_VERIFY", "1"), ("RGC_HEAP_INITIAL", "256K")];
    for gc in COLLECTORS.iter().filter(|gc| gc.name == "refcount") {
        for (seeds, mix) in [(5_000_000..5_000_000 + n, Mix::Balanced), (6_000_000..6_000_000 + n, Mix::Cycles)] {
            if let Err(report) = check_seeds(gc.name, seeds, 400, &env, mix) {
                panic!("{report}");
            }
        }
    }
}

/// Threaded programs (3 threads, each with its own model, exchanging
/// objects through channels) under every collector whose threads run at
/// once, normally, under torture with the verifier, and mutation-heavy
/// (an incremental cycle meets every thread's stores).
#[test]
fn threaded_programs_match_the_model() {
    let n = seeds("RGC_DIFF_THREADED_SEEDS", 30);
    for gc in COLLECTORS.iter().filter(|gc| gc.threads) {
        for (seeds, env, mix) in [
            (7_000_000..7_000_000 + n, &[("RGC_HEAP_INITIAL", "256K")][..], Mix::Balanced),
            (8_000_000..8_000_000 + n / 3, rgc_tests::TORTURE, Mix::Balanced),
            (9_000_000..9_000_000 + n / 3, rgc_tests::TORTURE, Mix::Mutation),
        ] {
            if let Err(report) = check_seeds_threaded(gc.name, seeds, 3, 300, env, mix) {
                panic!("{report}");
            }
        }
    }
}

/// The incremental collector with its collector thread: threaded and
/// single-threaded programs, mutation-heavy, with the verifier, plainly
/// and under torture (then the mutators' tiny increments interleave with
/// the thread's work at random).
#[test]
fn programs_match_the_model_with_a_collector_thread() {
    let n = seeds("RGC_DIFF_THREADED_SEEDS", 30);
    let gc = "incremental";
    for (seeds, env, mix) in [
        (10_000_000..10_000_000 + n / 2, rgc_tests::BACKGROUND_VERIFY, Mix::Mutation),
        (11_000_000..11_000_000 + n / 3, rgc_tests::BACKGROUND_TORTURE, Mix::Mutation),
    ] {
        if let Err(report) = check_seeds(gc, seeds.clone(), 300, env, mix) {
            panic!("{report}");
        }
        if let Err(report) = check_seeds_threaded(gc, seeds, 3, 300, env, mix) {
            panic!("{report}");
        }
    }
}
