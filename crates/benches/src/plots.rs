//! Charts (SVG and PNG, with `plotters`): MMU curves and pause
//! distributions per scenario, and max pause versus live heap.

use crate::report::main_runs;
use crate::results::Results;
use crate::run::RunResult;
use crate::scenarios::SCENARIOS;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// Fonts looked for, in order; text needs one (ab_glyph renders it).
const FONT_PATHS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
];

/// Registers a sans-serif font once; returns why not if none is installed.
pub fn init_fonts() -> Result<(), String> {
    static DONE: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    DONE.get_or_init(|| {
        let path = FONT_PATHS.iter().find(|p| Path::new(p).exists()).ok_or_else(|| {
            format!("no font found (looked for {}); apt-get install fonts-dejavu-core", FONT_PATHS.join(", "))
        })?;
        let bytes: &'static [u8] =
            Box::leak(std::fs::read(path).map_err(|e| format!("{path}: {e}"))?.into_boxed_slice());
        plotters::style::register_font("sans-serif", FontStyle::Normal, bytes)
            .map_err(|_| format!("{path} is not a usable font"))
    })
    .clone()
}

const PALETTE: &[RGBColor] = &[
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
];

/// A stable colour per collector across all charts.
fn colour(results: &Results, collector: &str) -> RGBColor {
    let mut names: Vec<&str> = results.runs.iter().map(|r| r.collector.as_str()).collect();
    names.dedup();
    let mut seen = Vec::new();
    for n in names {
        if !seen.contains(&n) {
            seen.push(n);
        }
    }
    let i = seen.iter().position(|n| *n == collector).unwrap_or(0);
    PALETTE[i % PALETTE.len()]
}

/// Draws `draw` into `<dir>/<stem>.svg` and `.png`; returns the file names.
fn both(
    dir: &Path,
    stem: &str,
    size: (u32, u32),
    draw: impl Fn(DrawingArea<SVGBackend, Shift>) -> DrawResult + Copy,
    draw_png: impl Fn(DrawingArea<BitMapBackend, Shift>) -> DrawResult,
) -> Result<Vec<String>, String> {
    let svg = format!("{stem}.svg");
    let png = format!("{stem}.png");
    let svg_path = dir.join(&svg);
    let png_path = dir.join(&png);
    draw(SVGBackend::new(&svg_path, size).into_drawing_area()).map_err(|e| format!("{svg}: {e}"))?;
    draw_png(BitMapBackend::new(&png_path, size).into_drawing_area()).map_err(|e| format!("{png}: {e}"))?;
    Ok(vec![svg, png])
}

fn mmu_chart<DB: DrawingBackend>(
    area: DrawingArea<DB, Shift>,
    results: &Results,
    runs: &[&RunResult],
    scenario: &str,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&area)
        .caption(format!("{scenario}: minimum mutator utilisation"), ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d((0.1f64..1000f64).log_scale(), 0f64..100f64)?;
    chart
        .configure_mesh()
        .x_desc("window (ms, log scale)")
        .y_desc("MMU (% of the window the mutator runs)")
        .x_label_formatter(&|x| format!("{x}"))
        .draw()?;
    for r in runs.iter().filter(|r| r.ok() && !r.mmu.is_empty()) {
        let c = colour(results, &r.collector);
        let pts: Vec<(f64, f64)> = r.mmu.iter().map(|&(w, m)| (w as f64 / 1e6, m * 100.0)).collect();
        line_with_points(&mut chart, pts, c, r.collector.clone(), 3)?;
    }
    finish(chart, &area, SeriesLabelPosition::LowerRight)
}

/// A labelled line through `pts`, with a dot at each point.
fn line_with_points<'a, DB: DrawingBackend + 'a, X: Ranged<ValueType = f64>, Y: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    pts: Vec<(f64, f64)>,
    c: RGBColor,
    label: String,
    radius: i32,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart
        .draw_series(LineSeries::new(pts.clone(), c.stroke_width(2)))?
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2)));
    chart.draw_series(pts.into_iter().map(|p| Circle::new(p, radius, c.filled())))?;
    Ok(())
}

/// Draws the legend at `pos` and writes the chart out.
fn finish<'a, DB: DrawingBackend + 'a, X: Ranged<ValueType = f64>, Y: Ranged<ValueType = f64>>(
    mut chart: ChartContext<'a, DB, Cartesian2d<X, Y>>,
    area: &DrawingArea<DB, Shift>,
    pos: SeriesLabelPosition,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart.configure_series_labels().position(pos).background_style(WHITE.mix(0.8)).border_style(BLACK).draw()?;
    area.present()?;
    Ok(())
}

const QUANTILES: &[&str] = &["p50", "p90", "p99", "p99.9", "max"];

fn pause_chart<DB: DrawingBackend>(
    area: DrawingArea<DB, Shift>,
    results: &Results,
    runs: &[&RunResult],
    scenario: &str,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE)?;
    let with_pauses: Vec<&&RunResult> = runs.iter().filter(|r| r.ok() && r.pauses.count > 0).collect();
    let values = |r: &RunResult| {
        let p = &r.pauses;
        [p.p50_ns, p.p90_ns, p.p99_ns, p.p999_ns, p.max_ns].map(|v| (v as f64 / 1e6).max(0.001))
    };
    let top = with_pauses.iter().flat_map(|r| values(r)).fold(0.01f64, f64::max) * 2.0;
    let bottom = with_pauses.iter().flat_map(|r| values(r)).fold(top, f64::min) / 2.0;
    let mut chart = ChartBuilder::on(&area)
        .caption(format!("{scenario}: pause-time distribution"), ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d(-0.3f64..(QUANTILES.len() as f64 - 0.7), (bottom..top).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("percentile of pauses")
        .y_desc("pause (ms, log scale)")
        .x_labels(QUANTILES.len())
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 0.01 && i >= 0.0 {
                QUANTILES.get(i as usize).map_or(String::new(), |s| s.to_string())
            } else {
                String::new()
            }
        })
        .disable_x_mesh()
        .draw()?;
    for r in with_pauses {
        let c = colour(results, &r.collector);
        let pts: Vec<(f64, f64)> = values(r).iter().enumerate().map(|(i, &v)| (i as f64, v)).collect();
        line_with_points(&mut chart, pts, c, format!("{} ({} pauses)", r.collector, r.pauses.count), 4)?;
    }
    finish(chart, &area, SeriesLabelPosition::UpperLeft)
}

fn sweep_chart<DB: DrawingBackend>(area: DrawingArea<DB, Shift>, results: &Results, sweep: &[&RunResult]) -> DrawResult
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE)?;
    let live = |r: &RunResult| r.max_live_bytes as f64 / 1048576.0;
    // Failed runs have no figures; they are left out of the axes too.
    let ok: Vec<&RunResult> = sweep.iter().copied().filter(|r| r.ok() && r.max_live_bytes > 0).collect();
    let xmax = ok.iter().map(|r| live(r)).fold(0.1f64, f64::max) * 1.5;
    let xmin = ok.iter().map(|r| live(r)).fold(f64::MAX, f64::min).min(xmax / 2.0) / 1.5;
    let ymax = sweep.iter().filter(|r| r.ok()).map(|r| r.pauses.max_ns as f64 / 1e6).fold(1f64, f64::max) * 1.15;
    let scenario = &results.settings.sweep_scenario;
    let mut chart = ChartBuilder::on(&area)
        .caption(format!("{scenario}: max pause versus live heap"), ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d((xmin..xmax).log_scale(), 0f64..ymax)?;
    chart
        .configure_mesh()
        .x_desc("max live data (MB, log scale)")
        .y_desc("max pause (ms)")
        .x_label_formatter(&|x| if *x < 1.0 { format!("{x:.2}") } else { format!("{x:.0}") })
        .draw()?;
    let mut collectors: Vec<&str> = sweep.iter().map(|r| r.collector.as_str()).collect();
    collectors.sort();
    collectors.dedup();
    for gc in collectors {
        let c = colour(results, gc);
        let mut pts: Vec<(f64, f64)> = sweep
            .iter()
            .filter(|r| r.collector == gc && r.ok() && r.collector != "none")
            .map(|r| (live(r), r.pauses.max_ns as f64 / 1e6))
            .collect();
        if pts.is_empty() {
            continue;
        }
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        line_with_points(&mut chart, pts, c, gc.to_string(), 4)?;
    }
    finish(chart, &area, SeriesLabelPosition::UpperLeft)
}

/// Throughput with 1, 2 and 4 workers over one worker's, per work and
/// collector (`crate::threads`).
fn scaling_chart<DB: DrawingBackend>(area: DrawingArea<DB, Shift>, results: &Results) -> DrawResult
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE)?;
    let rows = crate::threads::rows(results);
    let xmax = rows.iter().map(|r| r.workers as f64).fold(2.0, f64::max) + 0.5;
    let ymax = rows.iter().filter_map(|r| r.speedup).fold(2.0, f64::max) * 1.15;
    let mut chart = ChartBuilder::on(&area)
        .caption(format!("threads: throughput over one worker ({} cores)", results.settings.cores), ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d(0.5f64..xmax, 0f64..ymax)?;
    chart.configure_mesh().x_desc("workers").y_desc("speedup over 1 worker").draw()?;
    let mut series: Vec<(String, String)> = rows.iter().map(|r| (r.run.collector.clone(), r.work.clone())).collect();
    series.dedup();
    for (i, (gc, work)) in series.iter().enumerate() {
        let mut pts: Vec<(f64, f64)> = rows
            .iter()
            .filter(|r| &r.run.collector == gc && &r.work == work)
            .filter_map(|r| r.speedup.map(|s| (r.workers as f64, s)))
            .collect();
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        let c = PALETTE[i % PALETTE.len()];
        line_with_points(&mut chart, pts, c, format!("{gc}, {work}"), 4)?;
    }
    finish(chart, &area, SeriesLabelPosition::UpperLeft)
}

/// Writes every chart into `dir`; returns the file names written.
pub fn write_all(results: &Results, dir: &Path) -> Result<Vec<String>, String> {
    init_fonts()?;
    let mut files = Vec::new();
    let size = (900, 560);
    for sc in SCENARIOS {
        let runs = main_runs(results, sc.name);
        if runs.iter().all(|r| !r.ok()) {
            continue;
        }
        let stem = format!("mmu-{}", sc.name);
        files.extend(both(
            dir,
            &stem,
            size,
            |a| mmu_chart(a, results, &runs, sc.name),
            |a| mmu_chart(a, results, &runs, sc.name),
        )?);
        if runs.iter().any(|r| r.ok() && r.pauses.count > 0) {
            let stem = format!("pauses-{}", sc.name);
            files.extend(both(
                dir,
                &stem,
                size,
                |a| pause_chart(a, results, &runs, sc.name),
                |a| pause_chart(a, results, &runs, sc.name),
            )?);
        }
    }
    let sweep: Vec<&RunResult> = results.runs.iter().filter(|r| r.group == "live-sweep").collect();
    if sweep.iter().any(|r| r.ok() && r.pauses.count > 0) {
        let stem = format!("max-pause-vs-live-{}", results.settings.sweep_scenario);
        files.extend(both(dir, &stem, size, |a| sweep_chart(a, results, &sweep), |a| sweep_chart(a, results, &sweep))?);
    }
    if crate::threads::rows(results).iter().any(|r| r.speedup.is_some()) {
        files.extend(both(dir, "threads-scaling", size, |a| scaling_chart(a, results), |a| scaling_chart(a, results))?);
    }
    Ok(files)
}
