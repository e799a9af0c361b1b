//! Randomized differential tests: a bounded number of seeds per collector.
//! `rgc-difftest` (see README) runs millions.

use rgc_cli::COLLECTORS;
use rgc_tests::diff::check_seeds;

fn seeds(var: &str, default: u64) -> u64 {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn random_programs_match_the_model() {
    let n = seeds("RGC_DIFF_SEEDS", 150);
    for gc in COLLECTORS {
        if let Err(report) = check_seeds(gc.name, 0..n, 400, &[("RGC_HEAP_INITIAL", "256K")]) {
            panic!("{report}");
        }
    }
}

#[test]
fn random_programs_match_the_model_under_torture() {
    let n = seeds("RGC_DIFF_TORTURE_SEEDS", 40);
    for gc in COLLECTORS {
        if let Err(report) =
            check_seeds(gc.name, 1_000_000..1_000_000 + n, 300, &[("RGC_TORTURE", "1"), ("RGC_VERIFY", "1")])
        {
            panic!("{report}");
        }
    }
}
