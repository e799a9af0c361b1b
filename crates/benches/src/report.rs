//! `results.json`, the terminal tables and the HTML page.

use crate::run::RunResult;
use crate::scenarios::SCENARIOS;
use std::fmt::Write as _;

pub use crate::results::{Results, Settings, SCHEMA};

/// Fills `overhead_vs_none` from the `none` run of the same scenario and group.
pub fn set_overheads(runs: &mut [RunResult]) {
    let bases: Vec<(String, String, String, f64)> = runs
        .iter()
        .filter(|r| r.collector == "none" && r.ok())
        .map(|r| (r.scenario.clone(), r.group.clone(), format!("{:?}", r.params.get("live_mb")), r.wall_s))
        .collect();
    for r in runs.iter_mut().filter(|r| r.ok()) {
        let key = format!("{:?}", r.params.get("live_mb"));
        if let Some(b) = bases.iter().find(|b| b.0 == r.scenario && b.1 == r.group && b.2 == key) {
            if b.3 > 0.0 {
                r.overhead_vs_none = Some(r.wall_s / b.3);
            }
        }
    }
}

fn ms(ns: u64) -> String {
    let v = ns as f64 / 1e6;
    if v == 0.0 {
        "0".into()
    } else if v < 1.0 {
        format!("{v:.3}")
    } else {
        format!("{v:.2}")
    }
}
fn mb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1048576.0)
}

/// MMU at a window, from the stored curve (the nearest stored window).
pub fn mmu_at(r: &RunResult, window_ns: u64) -> Option<f64> {
    r.mmu.iter().find(|&&(w, _)| w >= window_ns).map(|&(_, m)| m)
}

pub const TABLE_COLUMNS: &[&str] = &[
    "collector",
    "wall s",
    "vs none",
    "cpu s",
    "GCs",
    "overruns",
    "pauses",
    "p50 ms",
    "p99 ms",
    "p99.9 ms",
    "max ms",
    "CPU p99.9 ms",
    "CPU max ms",
    "total ms",
    "MMU 1ms",
    "MMU 10ms",
    "latency p99 ms",
    "latency max ms",
    "heap limit MB",
    "peak heap MB",
    "peak RSS MB",
    "code KB",
];

/// One row of a scenario's table, as strings (the terminal and HTML share it).
pub fn table_row(r: &RunResult) -> Vec<String> {
    if let Some(why) = &r.failed {
        let mut row = vec![r.collector.clone(), "FAILED".into()];
        row.push(why.clone());
        return row;
    }
    let opt = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or("-".to_string(), f);
    vec![
        r.collector.clone(),
        format!("{:.3}", r.wall_s),
        opt(r.overhead_vs_none, &|x| format!("{x:.2}x")),
        format!("{:.3}", r.cpu_s),
        r.collections.to_string(),
        r.extra.get("overruns").map_or("-".into(), |v| v.to_string()),
        r.pauses.count.to_string(),
        ms(r.pauses.p50_ns),
        ms(r.pauses.p99_ns),
        ms(r.pauses.p999_ns),
        ms(r.pauses.max_ns),
        r.pauses_cpu.as_ref().map_or("-".into(), |c| ms(c.p999_ns)),
        r.pauses_cpu.as_ref().map_or("-".into(), |c| ms(c.max_ns)),
        ms(r.pauses.total_ns),
        opt(mmu_at(r, 1_000_000), &|x| format!("{:.0}%", x * 100.0)),
        opt(mmu_at(r, 10_000_000), &|x| format!("{:.0}%", x * 100.0)),
        r.latency.as_ref().map_or("-".into(), |l| ms(l.p99_ns)),
        r.latency.as_ref().map_or("-".into(), |l| ms(l.max_ns)),
        if r.heap_limit == 0 { "none".into() } else { mb(r.heap_limit) },
        mb(r.peak_heap),
        mb(r.peak_rss_bytes),
        r.code_size_bytes.map_or("-".into(), |b| format!("{:.1}", b as f64 / 1024.0)),
    ]
}

fn scenario_caption(runs: &[&RunResult]) -> String {
    let first = runs.iter().find(|r| r.ok());
    let mut s = String::new();
    if let Some(r) = first {
        let params: Vec<String> =
            r.params.iter().filter(|(k, _)| *k != "heap_mult").map(|(k, v)| format!("{k}={v}")).collect();
        if r.max_live_bytes < 100 * 1024 {
            let _ = write!(s, "max live {:.1} KB", r.max_live_bytes as f64 / 1024.0);
        } else {
            let _ = write!(s, "max live {} MB", mb(r.max_live_bytes));
        }
        if !params.is_empty() {
            let _ = write!(s, "; {}", params.join(" "));
        }
        if let Some(m) = r.extra.get("deadline_misses") {
            let _ = write!(
                s,
                "; deadline {} ms",
                r.extra.get("deadline_ns").and_then(|v| v.as_u64()).map_or("?".into(), ms)
            );
            let _ = m;
        }
    }
    s
}

/// The runs of one scenario's main table.
pub fn main_runs<'a>(results: &'a Results, scenario: &str) -> Vec<&'a RunResult> {
    results.runs.iter().filter(|r| r.scenario == scenario && r.group == "main").collect()
}

/// The terminal report: one table per scenario.
pub fn text_report(results: &Results) -> String {
    let mut out = format!(
        "rgc bench: heap limit {}x max live, heap policy {}, incremental pacing {}, {} cores\n",
        results.settings.heap_mult, results.settings.heap_policy, results.settings.pacing, results.settings.cores
    );
    for sc in SCENARIOS {
        let runs = main_runs(results, sc.name);
        if runs.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n== {} ({}): {}", sc.name, sc.summary, scenario_caption(&runs));
        let rows: Vec<Vec<String>> = runs.iter().map(|r| table_row(r)).collect();
        let widths: Vec<usize> = (0..TABLE_COLUMNS.len())
            .map(|i| {
                rows.iter()
                    .filter(|r| r.len() == TABLE_COLUMNS.len())
                    .map(|r| r[i].len())
                    .chain([TABLE_COLUMNS[i].len()])
                    .max()
                    .unwrap()
            })
            .collect();
        let line = |cells: &[String]| {
            let mut l = String::new();
            for (i, c) in cells.iter().enumerate() {
                if i == 0 {
                    let _ = write!(l, "{c:<w$}", w = widths[0]);
                } else if cells.len() == TABLE_COLUMNS.len() {
                    let _ = write!(l, "  {c:>w$}", w = widths[i]);
                } else {
                    let _ = write!(l, "  {c}");
                }
            }
            l
        };
        let header: Vec<String> = TABLE_COLUMNS.iter().map(|s| s.to_string()).collect();
        let _ = writeln!(out, "{}", line(&header));
        for r in &rows {
            let _ = writeln!(out, "{}", line(r));
        }
        for r in &runs {
            if let Some(m) = r.extra.get("deadline_misses") {
                let ticks = r.extra.get("ticks").and_then(|v| v.as_u64()).unwrap_or(0);
                let _ = writeln!(out, "   {}: {m} deadline misses in {ticks} ticks", r.collector);
            }
            let n = |k: &str| r.extra.get(k).and_then(|v| v.as_u64()).unwrap_or(0);
            if n("reconciliations") > 0 {
                let _ = writeln!(
                    out,
                    "   {}: {} reconciliations, {} cycle collections, {} backup traces; freed {} objects by count, \
                     {} by the cycle collector; peak heap {:.2}x max live",
                    r.collector,
                    n("reconciliations"),
                    n("cycle_collections"),
                    n("backup_traces"),
                    n("freed_by_count"),
                    n("freed_by_cycles"),
                    r.peak_heap as f64 / r.max_live_bytes.max(1) as f64
                );
            }
        }
        if let Some(line) = crate::bound::line(&runs, results.settings.cores) {
            let _ = writeln!(out, "   {line}");
        }
    }
    for (gc, why) in &results.skipped {
        let _ = writeln!(out, "skipped {gc}: {why}");
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A self-contained page with every table and chart.
pub fn html_report(results: &Results) -> String {
    let mut h = String::new();
    h.push_str("<!doctype html><html><head><meta charset=\"utf-8\"><title>rgc-bench results</title><style>");
    h.push_str(
        "body{font-family:sans-serif;margin:2em;max-width:1400px}table{border-collapse:collapse;font-size:13px}",
    );
    h.push_str(
        "td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}td:first-child,th:first-child{text-align:left}",
    );
    h.push_str("th{background:#eee}img{max-width:100%;border:1px solid #ddd;margin:6px 0}.fail{color:#b00}</style></head><body>");
    let _ = write!(
        h,
        "<h1>rgc-bench</h1><p>Heap limit = {}&times; each scenario's analytic max live data (floor 1 MiB; <code>none</code> runs \
         unlimited as the baseline); rgc's heap policy: {}; the incremental collector's pacing: {}. One run per cell on {} cores; quick mode: {}. Pauses come \
         from each collector's pause events; MMU is exact over the measured run. Raw data: \
         <a href=\"results.json\">results.json</a>.</p>",
        results.settings.heap_mult,
        esc(&results.settings.heap_policy),
        esc(&results.settings.pacing),
        results.settings.cores,
        results.settings.quick
    );
    for note in &results.notes {
        let _ = write!(h, "<p><i>{}</i></p>", esc(note));
    }
    for sc in SCENARIOS {
        let runs = main_runs(results, sc.name);
        if runs.is_empty() {
            continue;
        }
        let _ =
            write!(h, "<h2>{}</h2><p>{}. {}</p><table><tr>", sc.name, esc(sc.summary), esc(&scenario_caption(&runs)));
        for c in TABLE_COLUMNS {
            let _ = write!(h, "<th>{}</th>", esc(c));
        }
        h.push_str("</tr>");
        for r in &runs {
            let row = table_row(r);
            if row.len() == TABLE_COLUMNS.len() {
                h.push_str("<tr>");
                for c in &row {
                    let _ = write!(h, "<td>{}</td>", esc(c));
                }
                h.push_str("</tr>");
            } else {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td class=\"fail\" colspan=\"{}\" style=\"text-align:left\">FAILED: {}</td></tr>",
                    esc(&row[0]),
                    TABLE_COLUMNS.len() - 1,
                    esc(&row[2])
                );
            }
        }
        h.push_str("</table>");
        if let Some(line) = crate::bound::line(&runs, results.settings.cores) {
            let _ = write!(h, "<p>{}</p>", esc(&line));
        }
        for p in results
            .plots
            .iter()
            .filter(|p| p.ends_with(".svg") && !p.starts_with("max-pause") && p.contains(&format!("-{}.", sc.name)))
        {
            let _ = write!(h, "<div><img src=\"{p}\" alt=\"{p}\"></div>");
        }
    }
    if let Some(p) = results.plots.iter().find(|p| p.starts_with("max-pause-vs-live") && p.ends_with(".svg")) {
        let _ = write!(h, "<h2>Max pause versus live heap</h2><img src=\"{p}\" alt=\"{p}\">");
    }
    let threads = crate::threads::table(results);
    if !threads.is_empty() {
        let _ = write!(h, "<h2>Threads</h2><pre>{}</pre>", esc(threads.trim()));
        if let Some(p) = results.plots.iter().find(|p| p.starts_with("threads-scaling") && p.ends_with(".svg")) {
            let _ = write!(h, "<img src=\"{p}\" alt=\"{p}\">");
        }
    }
    let markers = crate::markers::table(results);
    if !markers.is_empty() {
        let _ = write!(h, "<h2>Parallel marking</h2><pre>{}</pre>", esc(markers.trim()));
    }
    for (gc, why) in &results.skipped {
        let _ = write!(h, "<p class=\"fail\">skipped {}: {}</p>", esc(gc), esc(why));
    }
    h.push_str("</body></html>\n");
    h
}

/// Checks the structure of a results directory (not its timings): the
/// schema, a main run per scenario and collector, internally consistent
/// figures, and every chart and page it names. CI runs this after
/// `rgc bench --quick`.
pub fn validate(results: &Results, dir: &std::path::Path) -> Result<(), String> {
    if results.schema != SCHEMA {
        return Err(format!("schema is '{}', expected '{SCHEMA}'", results.schema));
    }
    let mut collectors: Vec<&str> = results.runs.iter().map(|r| r.collector.as_str()).collect();
    collectors.sort();
    collectors.dedup();
    let scenarios: Vec<&str> = SCENARIOS.iter().map(|s| s.name).filter(|n| !main_runs(results, n).is_empty()).collect();
    if scenarios.is_empty() && crate::threads::rows(results).is_empty() && crate::markers::rows(results).is_empty() {
        return Err("no runs".into());
    }
    crate::threads::validate(results)?;
    crate::markers::validate(results)?;
    for sc in &scenarios {
        for gc in &collectors {
            let n = main_runs(results, sc).iter().filter(|r| r.collector == *gc).count();
            if n != 1 {
                return Err(format!("{sc} has {n} main runs under {gc}, expected 1"));
            }
        }
    }
    for r in &results.runs {
        let what = format!("{} under {} ({})", r.scenario, r.collector, r.group);
        if let Some(why) = &r.failed {
            if why.is_empty() {
                return Err(format!("{what} failed without a reason"));
            }
            continue;
        }
        if !(r.wall_s > 0.0) || r.max_live_bytes == 0 || r.peak_rss_bytes == 0 {
            return Err(format!("{what}: wall time, max live and peak RSS must be positive"));
        }
        if r.pauses.count != r.pause_intervals_ns.len() as u64 {
            return Err(format!("{what}: {} pauses but {} intervals", r.pauses.count, r.pause_intervals_ns.len()));
        }
        if let Some(cpu) = r.pauses_cpu.as_ref().filter(|c| c.count > r.pauses.count) {
            return Err(format!("{what}: CPU times for {} pauses but only {} pauses", cpu.count, r.pauses.count));
        }
        let total: u64 = r.pause_intervals_ns.iter().map(|&(s, e)| e - s).sum();
        if total != r.pauses.total_ns || r.pause_intervals_ns.iter().any(|&(s, e)| e < s) {
            return Err(format!("{what}: pause intervals do not add up to the total pause time"));
        }
        if r.pauses.count > 0
            && !(r.pauses.p50_ns <= r.pauses.p99_ns && r.pauses.p999_ns <= r.pauses.max_ns + r.pauses.max_ns / 500)
        {
            return Err(format!("{what}: pause percentiles are out of order: {:?}", r.pauses));
        }
        if r.mmu.is_empty() || r.mmu.iter().any(|&(_, m)| !(0.0..=1.0).contains(&m)) {
            return Err(format!("{what}: MMU curve missing or outside [0, 1]"));
        }
        if r.collector == "none" && r.pauses.count > 0 {
            return Err(format!("{what}: the none collector reported pauses"));
        }
        let latency_scenario = SCENARIOS.iter().any(|s| s.name == r.scenario && s.latency.is_some());
        if latency_scenario != r.latency.is_some() {
            return Err(format!(
                "{what}: latency summary present: {}, expected {latency_scenario}",
                r.latency.is_some()
            ));
        }
        if let Some(l) = &r.latency {
            let n: u64 = r.latency_histogram.iter().map(|&(_, c)| c).sum();
            if n != l.count {
                return Err(format!("{what}: latency histogram holds {n} samples, summary says {}", l.count));
            }
        }
    }
    for f in results.plots.iter().map(String::as_str).chain(["index.html"]) {
        let p = dir.join(f);
        match std::fs::metadata(&p) {
            Ok(m) if m.len() > 0 => {}
            _ => return Err(format!("{} is missing or empty", p.display())),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Summary;
    use std::collections::BTreeMap;

    fn run(collector: &str, wall: f64) -> RunResult {
        RunResult {
            scenario: "gcbench".into(),
            collector: collector.into(),
            group: "main".into(),
            failed: None,
            params: BTreeMap::new(),
            max_live_bytes: 1 << 20,
            heap_limit: 2 << 20,
            wall_s: wall,
            cpu_s: wall,
            overhead_vs_none: None,
            collections: 3,
            bytes_allocated: 10 << 20,
            peak_heap: 2 << 20,
            peak_rss_bytes: 4 << 20,
            code_size_bytes: Some(2048),
            pauses: Summary::of(&[1_000_000, 2_000_000]),
            pauses_cpu: None,
            pause_intervals_ns: vec![(0, 1_000_000), (5_000_000, 7_000_000)],
            mmu: vec![(1_000_000, 0.0), (10_000_000, 0.7)],
            latency: None,
            latency_histogram: vec![],
            extra: BTreeMap::new(),
        }
    }

    fn results_of(runs: Vec<RunResult>) -> Results {
        Results {
            schema: SCHEMA.into(),
            created_unix_s: 0,
            settings: Settings {
                heap_mult: 2.0,
                heap_policy: "growth".into(),
                pacing: "late".into(),
                quick: true,
                live_mb: None,
                duration_s: None,
                sweep_live_mb: vec![],
                sweep_scenario: "lru-cache".into(),
                cores: 2,
            },
            skipped: vec![],
            machine_scaling_before: vec![],
            machine_scaling_after: vec![],
            runs,
            memory_fit: vec![],
            plots: vec![],
            notes: vec![],
        }
    }

    #[test]
    fn overhead_is_relative_to_none_in_the_same_scenario() {
        let mut runs = vec![run("marksweep", 3.0), run("none", 2.0)];
        set_overheads(&mut runs);
        assert_eq!(runs[0].overhead_vs_none, Some(1.5));
        assert_eq!(runs[1].overhead_vs_none, Some(1.0));
    }

    #[test]
    fn json_round_trips_with_the_documented_fields() {
        let results = results_of(vec![run("marksweep", 1.0)]);
        let v: serde_json::Value = serde_json::to_value(&results).unwrap();
        let r = &v["runs"][0];
        for key in ["scenario", "collector", "pauses", "pause_intervals_ns", "mmu", "peak_rss_bytes", "code_size_bytes"]
        {
            assert!(!r[key].is_null(), "run lacks {key}");
        }
        assert_eq!(r["pauses"]["count"], 2);
        assert_eq!(r["pause_intervals_ns"][1], serde_json::json!([5_000_000, 7_000_000]));
        let back: Results = serde_json::from_value(v).unwrap();
        assert_eq!(back.runs[0].pauses, results.runs[0].pauses);
    }

    #[test]
    fn validation_catches_inconsistent_results() {
        let dir = std::env::temp_dir().join(format!("rgc-validate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "x").unwrap();
        let mut results = results_of(vec![run("marksweep", 1.0), run("none", 1.0)]);
        results.runs[1].pauses = Summary::default();
        results.runs[1].pause_intervals_ns.clear();
        assert_eq!(validate(&results, &dir), Ok(()));
        let mut bad = results.clone();
        bad.runs[0].pause_intervals_ns.pop();
        assert!(validate(&bad, &dir).unwrap_err().contains("2 pauses but 1 intervals"));
        let mut bad = results.clone();
        bad.runs.pop();
        assert!(validate(&bad, &dir).is_ok(), "one collector is still consistent");
        let mut bad = results.clone();
        bad.runs[1].pauses = Summary::of(&[5]);
        bad.runs[1].pause_intervals_ns = vec![(0, 5)];
        assert!(validate(&bad, &dir).unwrap_err().contains("none collector reported pauses"));
        let mut bad = results.clone();
        bad.plots.push("mmu-gcbench.svg".into());
        assert!(validate(&bad, &dir).unwrap_err().contains("missing"));
        let mut bad = results.clone();
        bad.runs[0].mmu.clear();
        assert!(validate(&bad, &dir).unwrap_err().contains("MMU"));
        let mut bad = results;
        bad.schema = "other".into();
        assert!(validate(&bad, &dir).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn table_shows_failures_and_mmu() {
        let mut f = run("bdw", 0.0);
        f.failed = Some("out of memory".into());
        assert_eq!(table_row(&f), vec!["bdw", "FAILED", "out of memory"]);
        let row = table_row(&run("marksweep", 1.0));
        assert_eq!(row.len(), TABLE_COLUMNS.len());
        assert_eq!(row[5], "-", "no overrun count reported");
        assert_eq!(row[14], "0%");
        assert_eq!(row[15], "70%");
        assert_eq!(row[10], "2.00");
        assert_eq!((row[11].as_str(), row[12].as_str()), ("-", "-"), "no CPU times reported");
        let mut with_cpu = run("marksweep", 1.0);
        with_cpu.pauses_cpu = Some(Summary::of(&[500_000, 1_500_000]));
        assert_eq!(table_row(&with_cpu)[12], "1.50");
    }
}
