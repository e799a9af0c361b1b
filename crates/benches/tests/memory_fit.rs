//! Memory fit (issue 7): each collector's overhead with the live payload
//! at 75 % of a 4 MB region's heap, held to the goal, and 1 MB
//! live (churned four times, except by `none`) in a 2.5 MB region.
//! `c/memory_fit.c` is deterministic (a seeded generator, a fixed heap
//! layout), so the figures move only when the heap's layout or a
//! collector's tables change.

use benches::memory::{run_one, runs_for, FitRun, RAM_RUN};
use benches::run::Builder;
use benches::scenarios::Contender;
use rgc_cli::{Toolchain, COLLECTORS};

/// Issue 7's goal: side tables, collector tables and waste within this
/// share of the heap at 75 % occupancy. Every collector meets it (9.2 %,
/// refcount 9.5 %, with objects past 256 bytes packed).
const GOAL_PERCENT: f64 = 10.0;

fn fit_runs() -> Vec<FitRun> {
    let builder = Builder::new(Toolchain::for_profile("dev")).unwrap_or_else(|e| panic!("{e}"));
    let mut rows = Vec::new();
    for gc in COLLECTORS {
        let c = Contender::Rgc(gc.name);
        let (exe, _) = builder.build(&benches::memory::MEMORY_FIT, &c).unwrap_or_else(|e| panic!("{e}"));
        for (run, args) in runs_for(&c).into_iter().filter(|(run, _)| *run == "fill" || *run == RAM_RUN) {
            rows.push(run_one(&exe, gc.name, run, &args));
        }
    }
    rows
}

#[test]
fn three_quarters_full_is_within_the_goal_and_1_mb_live_fits_in_2_5_mb() {
    let rows = fit_runs();
    println!("{}", benches::memory::table(&rows));
    for r in &rows {
        let info = COLLECTORS.iter().find(|c| c.name == r.collector).unwrap();
        assert!(r.failed.is_none(), "{} ({}) failed: {:?}", r.collector, r.run, r.failed);
        if r.run == RAM_RUN {
            // Finishing is the test: 1 MB live, churned, in 2.5 MB of RAM.
            assert_eq!((r.region_bytes, r.live_payload >> 20), (2560 << 10, 1), "{}: {}", r.collector, r.run);
            continue;
        }
        assert!(
            r.live_payload * 100 >= r.heap_capacity * 74,
            "{}: live {} is not 75 % of {}",
            r.collector,
            r.live_payload,
            r.heap_capacity
        );
        if info.precise && info.collects {
            // A precise collector's statistics count exactly the live payload.
            assert_eq!(r.stats_live_bytes, r.live_payload, "{}: rgc_stats.live_bytes", r.collector);
        }
        assert!(r.metadata_bytes > 0 && r.peak_table_bytes > 0, "{}: the table figures must be reported", r.collector);
        let overhead = r.metadata_bytes as i64 + r.peak_table_bytes as i64 + r.waste_bytes;
        let percent = 100.0 * overhead as f64 / r.heap_capacity as f64;
        assert!((percent - r.overhead_percent).abs() < 0.01, "{}: the program's arithmetic", r.collector);
        assert!(
            r.overhead_percent <= GOAL_PERCENT,
            "{}: {:.1} % overhead at 75 % occupancy, past the goal of {GOAL_PERCENT} %",
            r.collector,
            r.overhead_percent
        );
    }
}
