//! Pause statistics and minimum mutator utilisation, computed exactly from
//! the pause intervals a run recorded.

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// A half-open interval `[start, end)` in nanoseconds.
pub type Interval = (u64, u64);

/// Keeps the parts of `pauses` inside `[start, end)`, sorted and merged.
pub fn clip_pauses(pauses: &[Interval], start: u64, end: u64) -> Vec<Interval> {
    let mut v: Vec<Interval> =
        pauses.iter().map(|&(s, e)| (s.max(start), e.min(end))).filter(|&(s, e)| e > s).collect();
    v.sort_unstable();
    let mut merged: Vec<Interval> = Vec::with_capacity(v.len());
    for (s, e) in v {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// Exact minimum mutator utilisation over one time span.
///
/// MMU(w) is the smallest fraction of any window of length `w` inside the
/// span during which the mutator ran (Cheng and Blelloch; the definition
/// Go's trace tool and the Metronome papers use). The paused time inside a
/// window is piecewise linear in the window's position, with corners where
/// a window edge meets a pause edge, so the minimum is at a window that
/// starts where a pause starts or ends where a pause ends (or at the span's
/// ends). Each candidate costs two binary searches.
pub struct Mmu {
    start: u64,
    end: u64,
    pauses: Vec<Interval>,
    /// `paused_before[i]`: total pause length of `pauses[..i]`.
    paused_before: Vec<u64>,
}

impl Mmu {
    /// `pauses` need not be sorted; they are clipped to `[start, end)`.
    pub fn new(pauses: &[Interval], start: u64, end: u64) -> Mmu {
        let pauses = clip_pauses(pauses, start, end);
        let mut paused_before = Vec::with_capacity(pauses.len() + 1);
        let mut total = 0;
        paused_before.push(0);
        for &(s, e) in &pauses {
            total += e - s;
            paused_before.push(total);
        }
        Mmu { start, end, pauses, paused_before }
    }

    /// Total paused time before instant `t`.
    fn paused_until(&self, t: u64) -> u64 {
        let i = self.pauses.partition_point(|&(s, _)| s < t);
        if i == 0 {
            return 0;
        }
        let (_, e) = self.pauses[i - 1];
        self.paused_before[i] - e.saturating_sub(t)
    }

    /// Paused time inside `[a, a + w)`.
    fn paused_in(&self, a: u64, w: u64) -> u64 {
        self.paused_until(a + w) - self.paused_until(a)
    }

    /// MMU for windows of `w` ns, or `None` if the span is shorter than `w`.
    pub fn at(&self, w: u64) -> Option<f64> {
        if w == 0 || self.end - self.start < w {
            return None;
        }
        let last = self.end - w;
        let mut worst = self.paused_in(self.start, w).max(self.paused_in(last, w));
        for &(s, e) in &self.pauses {
            for a in [s, e.saturating_sub(w)] {
                worst = worst.max(self.paused_in(a.clamp(self.start, last), w));
            }
        }
        Some(1.0 - worst as f64 / w as f64)
    }

    /// The curve at log-spaced windows from `from` to `to` ns (inclusive),
    /// `per_decade` points per factor of ten; windows longer than the span
    /// are left out.
    pub fn curve(&self, from: u64, to: u64, per_decade: u32) -> Vec<(u64, f64)> {
        let mut out = Vec::new();
        let steps = ((to as f64 / from as f64).log10() * per_decade as f64).round() as u32;
        for k in 0..=steps {
            let w = (from as f64 * 10f64.powf(k as f64 / per_decade as f64)).round() as u64;
            if let Some(m) = self.at(w) {
                out.push((w, m));
            }
        }
        out
    }
}

/// Distribution of durations (pauses or latencies), in nanoseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub count: u64,
    pub total_ns: u64,
    pub p50_ns: u64,
    pub p90_ns: u64,
    pub p99_ns: u64,
    pub p999_ns: u64,
    pub max_ns: u64,
}

/// A histogram good to 3 significant digits from 1 ns to an hour.
/// The median of `values` (the mean of the middle two for an even count;
/// NaN for none).
pub fn median_f64(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

pub fn histogram(values: impl IntoIterator<Item = u64>) -> Histogram<u64> {
    let mut h = Histogram::<u64>::new_with_bounds(1, 3_600_000_000_000, 3).expect("valid histogram bounds");
    for v in values {
        h.saturating_record(v.max(1));
    }
    h
}

impl Summary {
    /// Percentiles from an hdr histogram (3 significant digits; the max
    /// and the total are exact).
    pub fn of(values: &[u64]) -> Summary {
        if values.is_empty() {
            return Summary::default();
        }
        let h = histogram(values.iter().copied());
        Summary {
            count: values.len() as u64,
            total_ns: values.iter().sum(),
            p50_ns: h.value_at_quantile(0.5),
            p90_ns: h.value_at_quantile(0.9),
            p99_ns: h.value_at_quantile(0.99),
            p999_ns: h.value_at_quantile(0.999),
            max_ns: *values.iter().max().unwrap(),
        }
    }
}

/// `(value, count)` pairs of every distinct recorded bucket: a compact form
/// of a large latency sample that is still enough to redraw it.
pub fn histogram_buckets(values: &[u64]) -> Vec<(u64, u64)> {
    let h = histogram(values.iter().copied());
    h.iter_recorded().map(|v| (v.value_iterated_to(), v.count_at_value())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1_000_000;

    #[test]
    fn mmu_without_pauses_is_one() {
        let m = Mmu::new(&[], 0, 1000 * MS);
        assert_eq!(m.at(MS), Some(1.0));
        assert_eq!(m.at(2000 * MS), None, "window longer than the run");
    }

    #[test]
    fn mmu_of_one_pause_by_hand() {
        // A 10 ms pause at 100 ms in a 1 s run.
        let m = Mmu::new(&[(100 * MS, 110 * MS)], 0, 1000 * MS);
        assert_eq!(m.at(5 * MS), Some(0.0), "a window inside the pause");
        assert_eq!(m.at(10 * MS), Some(0.0));
        assert_eq!(m.at(20 * MS), Some(0.5));
        assert_eq!(m.at(100 * MS), Some(0.9));
        assert_eq!(m.at(1000 * MS), Some(0.99));
    }

    #[test]
    fn mmu_finds_the_worst_cluster_of_pauses() {
        // 2 ms pauses every 10 ms from 0 to 50 ms, then one 2 ms pause at 500 ms.
        let mut p: Vec<Interval> = (0..5).map(|i| (i * 10 * MS, i * 10 * MS + 2 * MS)).collect();
        p.push((500 * MS, 502 * MS));
        let m = Mmu::new(&p, 0, 1000 * MS);
        // A 12 ms window can hold two whole pauses (at 0 and 10 ms): 4 of 12 paused.
        assert!((m.at(12 * MS).unwrap() - 8.0 / 12.0).abs() < 1e-12);
        // A 42 ms window holds all five: 10 of 42 paused.
        assert!((m.at(42 * MS).unwrap() - 32.0 / 42.0).abs() < 1e-12);
        assert_eq!(m.at(2 * MS), Some(0.0));
    }

    #[test]
    fn mmu_window_ending_at_a_pause_end() {
        // Pauses [10,14) and [20,21) ms in [0,100). The worst 11 ms window is
        // [10, 21), holding both: 5 ms paused.
        let m = Mmu::new(&[(10 * MS, 14 * MS), (20 * MS, 21 * MS)], 0, 100 * MS);
        assert!((m.at(11 * MS).unwrap() - 6.0 / 11.0).abs() < 1e-12);
        // The worst 7 ms window holds all of the first pause: 4 ms paused.
        assert!((m.at(7 * MS).unwrap() - 3.0 / 7.0).abs() < 1e-12);
    }

    #[test]
    fn mmu_matches_a_brute_force_scan() {
        let mut seed = 12345u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for _ in 0..200 {
            let span = 200 + next(300);
            let pauses: Vec<Interval> = (0..next(8))
                .map(|_| {
                    let s = next(span);
                    (s, s + 1 + next(30))
                })
                .collect();
            let clipped = clip_pauses(&pauses, 0, span);
            let m = Mmu::new(&pauses, 0, span);
            for w in [1, 3, 10, 37, 100, span] {
                let worst = (0..=span - w)
                    .map(|a| clipped.iter().map(|&(s, e)| e.min(a + w).saturating_sub(s.max(a))).sum::<u64>())
                    .max()
                    .unwrap();
                assert_eq!(m.at(w), Some(1.0 - worst as f64 / w as f64), "pauses {clipped:?} span {span} w {w}");
            }
        }
    }

    #[test]
    fn pauses_are_clipped_to_the_run() {
        let p = [(0, 10), (95, 120), (30, 40), (35, 50)];
        assert_eq!(clip_pauses(&p, 5, 100), vec![(5, 10), (30, 50), (95, 100)]);
        let m = Mmu::new(&p, 5, 100);
        assert_eq!(m.paused_in(5, 95), 5 + 20 + 5);
    }

    #[test]
    fn mmu_curve_is_log_spaced_and_monotone_here() {
        let m = Mmu::new(&[(100 * MS, 110 * MS)], 0, 1000 * MS);
        let c = m.curve(MS / 10, 1000 * MS, 1);
        let windows: Vec<u64> = c.iter().map(|&(w, _)| w).collect();
        assert_eq!(windows, vec![MS / 10, MS, 10 * MS, 100 * MS, 1000 * MS]);
        assert!(c.windows(2).all(|p| p[0].1 <= p[1].1));
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(super::median_f64(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(super::median_f64(vec![4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(super::median_f64(vec![]).is_nan());
    }

    #[test]
    fn percentiles_by_hand() {
        // 99 pauses of 1 ms and one of 100 ms.
        let mut v = vec![MS; 99];
        v.push(100 * MS);
        let s = Summary::of(&v);
        assert_eq!(s.count, 100);
        assert_eq!(s.total_ns, 199 * MS);
        assert_eq!(s.max_ns, 100 * MS);
        let close = |a: u64, b: u64| (a as f64 - b as f64).abs() <= b as f64 * 1e-3;
        assert!(close(s.p50_ns, MS), "{}", s.p50_ns);
        assert!(close(s.p99_ns, MS), "{}", s.p99_ns);
        assert!(close(s.p999_ns, 100 * MS), "{}", s.p999_ns);
        // 1..=1000 µs: the median is 500 µs, p90 900 µs.
        let v: Vec<u64> = (1..=1000).map(|i| i * 1000).collect();
        let s = Summary::of(&v);
        assert!(close(s.p50_ns, 500_000), "{}", s.p50_ns);
        assert!(close(s.p90_ns, 900_000), "{}", s.p90_ns);
        assert_eq!(Summary::of(&[]), Summary::default());
    }

    #[test]
    fn buckets_keep_every_sample() {
        let v = [5u64, 5, 7, 1_000_000];
        let b = histogram_buckets(&v);
        assert_eq!(b.iter().map(|&(_, c)| c).sum::<u64>(), 4);
        assert_eq!(b[0], (5, 2));
    }
}

/// The machine's own floor for pause measurements: `samples` stretches of
/// `busy_ns` of busy work that stop at the first clock check past the
/// deadline (checks about every microsecond, as an increment's), separated
/// by gaps of four times as long, timed like pauses. Interrupts and other
/// tenants stretch some of them; a collector's pause percentiles on the
/// same machine cannot be expected below these.
/// The calling thread's CPU time, in nanoseconds.
fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// The same fixed work (calibrated to take about `busy_ns` of CPU time)
/// run `samples` times, each timed by the thread's CPU clock: how much the
/// CPU time of unchanged work varies on this machine. Other tenants'
/// cache and memory traffic, interrupts and a hypervisor's stolen time
/// all land in it, so a pause's CPU time cannot be steadier than this.
pub fn cpu_noise_floor(busy_ns: u64, samples: usize) -> Summary {
    let work = |iterations: u64| {
        let mut x = 0u64;
        for k in 0..iterations {
            x = std::hint::black_box(x.wrapping_add(k));
        }
        x
    };
    let timed = |iterations: u64| {
        let start = thread_cpu_ns();
        std::hint::black_box(work(iterations));
        thread_cpu_ns() - start
    };
    // The median of a few runs, so one slow run does not set the size.
    let median_of = |iterations: u64| {
        let mut t: Vec<u64> = (0..9).map(|_| timed(iterations)).collect();
        t.sort_unstable();
        t[4]
    };
    let mut iterations = 1000u64;
    while median_of(iterations) < busy_ns {
        iterations += iterations / 4;
    }
    let durations: Vec<u64> = (0..samples).map(|_| timed(iterations)).collect();
    Summary::of(&durations)
}

pub fn noise_floor(busy_ns: u64, samples: usize) -> Summary {
    let clock = std::time::Instant::now();
    let now = || clock.elapsed().as_nanos() as u64;
    let mut sink = 0u64;
    let mut durations = Vec::with_capacity(samples);
    for _ in 0..samples {
        let start = now();
        let mut t = start;
        while t < start + busy_ns {
            for k in 0..200u64 {
                sink = std::hint::black_box(sink.wrapping_add(k));
            }
            t = now();
        }
        durations.push(t - start);
        while now() < t + 4 * busy_ns {
            std::hint::spin_loop();
        }
    }
    std::hint::black_box(sink);
    Summary::of(&durations)
}
