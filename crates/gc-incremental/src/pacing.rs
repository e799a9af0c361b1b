//! When increments run, and how much each may do.
//!
//! Three rules decide, at each allocation poll during a cycle
//! ([`Pacer::decide`]):
//! 1. **Time** (Metronome): an increment may start once `window_ns` (W)
//!    has passed since the previous one started (with `even` pacing, the
//!    cycle's `Q/u`, below), and lasts at most `pause_ns` (Q). Any window
//!    of length W then holds at most Q of collector work, so
//!    MMU(W) ≥ 1 − Q/W.
//! 2. **Allocation tax**: the cycle must finish before the program has
//!    allocated its *headroom*: [`HEADROOM_PERCENT`] of the allowance left
//!    when the cycle began, the rest a margin for what the room estimate
//!    cannot see (fragmentation across size classes, live data growing
//!    during the cycle).
//!    The pacer compares two fractions: collector time spent this cycle over
//!    the cycle's estimated time, and bytes allocated this cycle over the
//!    headroom. While the second is ahead, increments run regardless of the
//!    window (with `late` pacing, the only way work exceeds Q per W; `even`
//!    also schedules more when the heap needs it, below), spread by the share rule
//!    below; past the headroom, one runs at every poll.
//! 3. **Spread tax** ([`Pacer::tax_due`]): the allocation ahead of the
//!    work (the *lag*, in bytes) must be worked off before the *room*, the
//!    headroom not yet allocated, runs out. The pacer gives the collector
//!    the share `u = lag / room` of the time (all of it once the lag
//!    reaches the room): a taxed increment starts only once
//!    `Q · (1 − u) / u` has passed since the previous one ended. A cycle
//!    that falls a little behind then works a little more in every window,
//!    instead of running increments back to back at every poll until it
//!    has caught up, which made whole milliseconds of pauses. As the room
//!    shrinks the share grows, so a cycle that keeps falling behind is
//!    taxed at every poll before the heap runs out, as before. Not with a
//!    collector thread, whose mutators assist at every poll once behind
//!    (see [`Pacer::tax_due`] for why).
//!
//! The estimate is the previous cycle's collector time plus 25 % (1 ns per
//! heap byte before the first cycle). A cycle run in one pause (an overrun
//! or `rgc_collect`) sets the estimate to that pause, and leaves the
//! expected allocation per cycle alone: learning "0 bytes, 0 ns" from it
//! would switch the tax off and make the next cycle overrun too. A cycle
//! that runs past its estimate is re-estimated at a quarter more than its
//! work so far, so the spread tax goes on; past the headroom it is taxed
//! at every poll, and if the heap still runs out, the plan finishes the
//! cycle synchronously and counts an overrun.
//!
//! ## When a cycle starts, and at what share (`RGC_PACING`)
//! `late` (the default) starts a cycle once the room left is 125 % of what
//! the last cycle allocated ([`Pacer::start_point`]) and schedules it at
//! the share `Q/W`. A cycle's allocation shrinks when the tax slows the
//! mutator, so the next one starts later still, and on a small heap most
//! of the work comes as tax: the collector works at a high share for a few
//! windows and then not at all until the next cycle, and MMU(10 ms) falls
//! far below one minus its share of the run (DESIGN.md, "Smooth pacing").
//!
//! `even` ([`Pacer::evenly`]) derives the start and the share from rates
//! measured over the last period (cycle end to cycle end): `g`, bytes
//! allocated per nanosecond the mutator ran, and `e`, the next cycle's
//! estimated work. A cycle run at the share `u` lasts `e / u` and the
//! mutator allocates `e · g · (1 − u) / u` meanwhile; that must fit the
//! headroom `H`. At `u = Q/W` it needs `a₀ = e · g · (W − Q) / Q` bytes, so
//! the cycle starts once `a₀ · 100 / HEADROOM_PERCENT` of room is left, as late
//! as the heap allows ([`Pacer::even_start`]). When even the whole
//! allowance is too little, it starts at once and runs at the smallest
//! share that fits, `u = e · g / (e · g + H)`, scheduling an increment
//! every `Q / u` instead of every `W` ([`Pacer::share_window`]). The
//! collector's share is then the same in every window of the cycle, and a
//! cycle spans the whole room. What that costs: everything allocated
//! during a cycle is black, so a cycle that spans the room frees only what
//! was allocated during the one before, and the program runs up to twice
//! as many cycles as with `late`.

use gc_api::config::Pacing;
use gc_api::platform::now_ns;

/// With a collector thread, a cycle starts early enough for
/// `BACKGROUND_START_FACTOR` times the allocation the last cycle saw: the
/// thread alone should finish it, and a cycle that assists shortened must
/// not make the next start later still. Measured: with 1 the mutators
/// assisted in most cycles.
pub const BACKGROUND_START_FACTOR: usize = 2;
/// With a collector thread, allocation may get 1/`ASSIST_SLACK_SHARE` of
/// the cycle's headroom ahead of the work before mutators assist.
pub const ASSIST_SLACK_SHARE: usize = 8;
/// Bytes allocated between polls while a cycle runs (capped at 1/64 of the
/// cycle's headroom, so small heaps are polled often enough).
pub const POLL_BYTES: usize = 8 << 10;
/// The share of the allowance left at a cycle's start that the pacer plans
/// to use; running into the other quarter means taxing every poll.
pub const HEADROOM_PERCENT: usize = 75;
/// A cycle gets at least 1/`MIN_CYCLE_SHARE` of the allowance as headroom,
/// whatever the last cycle allocated (a cycle finished synchronously
/// measured nothing useful).
pub const MIN_CYCLE_SHARE: usize = 4;
/// Work units one torture-mode increment does: tiny, so that a cycle spans
/// many allocations and every store meets a cycle in progress.
pub const TORTURE_UNITS: usize = 4;
/// Marking units (pointer slots examined) between two clock checks. Marking
/// a large heap misses the cache on most objects (100–200 ns each here), so
/// 64 units are up to about 10 µs of work: the most an increment overshoots.
pub const MARK_UNITS_PER_CHECK: usize = 64;
/// Roots or table entries handled between two clock checks.
pub const ENTRIES_PER_CHECK: usize = 256;
/// Units charged for sweeping one block (a block is a few microseconds of
/// work, so each is followed by a clock check): 64 per 32 KB, as sweeping
/// costs per granule of bitmap.
pub const SWEEP_UNITS_PER_BLOCK: usize = gc_heap::layout::BLOCK_SIZE / 512;
/// Blocks examined (and at most released) between two clock checks.
pub const RELEASE_BLOCKS_PER_CHECK: usize = 8;
/// The longest stretch of work the collector thread does while holding
/// the collector lock with the mutators running, unless a thread waits for
/// the lock (then it stops at the next clock check). Short enough that the
/// verifier (`RGC_VERIFY`) checks the colours often, long enough that its
/// events cost nothing measurable.
pub const BACKGROUND_SLICE_NS: u64 = 1_000_000;

/// Entries the hand-off may hold when the collector thread, finding
/// nothing grey, asks for the handshake that ends marking: it shades them
/// in its pause, charged to its budget like marking (a few nanoseconds
/// each, as most are marked already), so 1024 is a few microseconds; a
/// handshake that runs out of budget first leaves marking to go on.
pub const HANDSHAKE_HANDED_OFF: usize = 1024;

/// `a · b / c` in 64 bits (`c` > 0), exact while `a · b` fits and close
/// (saturating) beyond. Not 128-bit arithmetic: on a 32-bit board its
/// division routine alone would add kilobytes to the collector's code.
fn mul_div(a: u64, b: u64, c: u64) -> u64 {
    match a.checked_mul(b) {
        Some(product) => product / c,
        None => {
            let (big, small) = if a >= b { (a, b) } else { (b, a) };
            (big / c).saturating_mul(small).saturating_add((big % c).saturating_mul(small) / c)
        }
    }
}

/// How much one increment may do: a deadline, a number of work units, or both.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    deadline_ns: u64,
    units: usize,
    /// [`Budget::unlimited`]: charges change nothing, and a phase may
    /// finish its work in one go (marking in parallel).
    unbounded: bool,
    /// [`Budget::yielding`]: also stop when another thread waits for the
    /// collector lock.
    yields: bool,
}

impl Budget {
    /// Until `ns` after `now`.
    pub fn time(now: u64, ns: u64) -> Budget {
        Budget { deadline_ns: now.saturating_add(ns), units: usize::MAX, unbounded: false, yields: false }
    }
    /// This budget, stopping early at the first check that finds another
    /// thread waiting for the collector lock (the collector thread's work
    /// while the mutators run).
    pub fn yielding(self) -> Budget {
        Budget { yields: true, ..self }
    }
    /// `units` work units, whatever the clock says (torture mode: deterministic).
    pub fn units(units: usize) -> Budget {
        Budget { deadline_ns: u64::MAX, units, unbounded: false, yields: false }
    }
    /// No bound: a synchronous collection.
    pub fn unlimited() -> Budget {
        Budget { deadline_ns: u64::MAX, units: usize::MAX, unbounded: true, yields: false }
    }
    /// No bound: a whole cycle in one pause.
    pub fn is_unlimited(&self) -> bool {
        self.unbounded
    }
    /// The size of the next chunk: `preferred`, or less if fewer units are left.
    #[inline]
    pub fn chunk(&self, preferred: usize) -> usize {
        preferred.min(self.units).max(1)
    }

    /// Charges `units` of work done; true when the increment must stop.
    #[inline]
    pub fn charge(&mut self, units: usize) -> bool {
        if self.unbounded {
            return false;
        }
        self.units = self.units.saturating_sub(units.max(1));
        self.units == 0
            || (self.deadline_ns != u64::MAX && now_ns() >= self.deadline_ns)
            || (self.yields && lock_is_wanted())
    }
}

/// True when a thread waits for the collector lock.
#[cfg(feature = "std")]
fn lock_is_wanted() -> bool {
    shadowstack::safepoint::contended()
}
/// No collector thread without `std`: nothing yields.
#[cfg(not(feature = "std"))]
fn lock_is_wanted() -> bool {
    false
}

/// What a poll should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Nothing yet: the window has not passed and the cycle is on schedule.
    Wait,
    /// The window has passed: a scheduled increment.
    Scheduled,
    /// Allocation is ahead of the work: a taxed increment, window or not.
    Tax,
}

/// Pacing state (see the module doc).
#[derive(Debug, Clone)]
pub struct Pacer {
    /// Q: the longest increment.
    pub pause_ns: u64,
    /// W: the scheduling window.
    pub window_ns: u64,
    /// Allocation may run ahead of the work by this many bytes before it is
    /// taxed: 0 on one core; with a collector thread, [`ASSIST_SLACK_SHARE`]
    /// of the headroom (set per cycle), which covers the thread's wake-up
    /// and keeps a mutator from assisting while the thread keeps pace.
    slack: usize,
    /// A collector thread does the work ([`Pacer::with_collector_thread`]).
    collector_thread: bool,
    last_start_ns: u64,
    /// When the last increment ended ([`Pacer::tax_due`] counts from it).
    last_end_ns: u64,
    cycle_start_alloc: usize,
    headroom: usize,
    cycle_work_ns: u64,
    estimate_ns: u64,
    last_cycle_alloc: Option<usize>,
    last_cycle_ns: Option<u64>,
    /// Cycles start and are scheduled by the measured rates (`RGC_PACING`
    /// `even`, [`Pacer::evenly`]).
    even: bool,
    /// When the last cycle ended (the current period began).
    period_start_ns: Option<u64>,
    /// The last period's allocation and the time the mutator ran in it
    /// (wall time less collector work): the allocation rate `g`.
    alloc_rate: Option<(u64, u64)>,
    /// Scheduled increments are this far apart in the current cycle: W,
    /// or `Q / u` for an even cycle that needs more than `Q/W`.
    cycle_window_ns: u64,
}

impl Pacer {
    pub fn new(pause_ns: u64, window_ns: u64) -> Pacer {
        Pacer {
            pause_ns,
            window_ns,
            last_start_ns: 0,
            last_end_ns: 0,
            cycle_start_alloc: 0,
            headroom: 1,
            cycle_work_ns: 0,
            estimate_ns: 1,
            last_cycle_alloc: None,
            last_cycle_ns: None,
            slack: 0,
            collector_thread: false,
            even: false,
            period_start_ns: None,
            alloc_rate: None,
            cycle_window_ns: window_ns,
        }
    }

    /// This pacer, following `pacing` (`RGC_PACING`).
    pub fn with_pacing(self, pacing: Pacing) -> Pacer {
        match pacing {
            Pacing::Late => self,
            Pacing::Even => self.evenly(),
        }
    }

    /// The pacer of `RGC_PACING=even`: cycles start and are scheduled by
    /// the measured rates (the module doc). A collector thread paces
    /// itself: with one, this changes nothing.
    pub fn evenly(self) -> Pacer {
        Pacer { even: true, ..self }
    }

    /// `e · g` in bytes: what the mutator allocates while it runs as long
    /// as the next cycle's estimated work (None: not an even pacer, or
    /// nothing measured yet).
    fn even_bytes_per_cycle_work(&self) -> Option<u64> {
        // A board's build has no even pacing (`gc_api::config` refuses it
        // there): its divisions would cost the board most of a kilobyte.
        if !cfg!(feature = "std") || !self.even || self.collector_thread {
            return None;
        }
        let (bytes, mutator_ns) = self.alloc_rate?;
        let work = self.last_cycle_ns?;
        Some(mul_div(work.saturating_add(work / 4), bytes, mutator_ns.max(1)))
    }

    /// Where an even cycle starts for an allowance of `allowance` bytes:
    /// once `a₀ · 100 / HEADROOM_PERCENT` is left, `a₀` being its allocation at
    /// the share Q/W (never with less than [`MIN_CYCLE_SHARE`] of the
    /// allowance left), or at once if the allowance is smaller.
    pub fn even_start(&self, allowance: usize) -> Option<usize> {
        let eg = self.even_bytes_per_cycle_work()?;
        let a0 = mul_div(eg, self.window_ns - self.pause_ns, self.pause_ns);
        let left = mul_div(a0, 100, HEADROOM_PERCENT as u64).max((allowance / MIN_CYCLE_SHARE) as u64);
        Some((allowance as u64).saturating_sub(left) as usize)
    }

    /// How far apart scheduled increments are in a cycle with `headroom`
    /// bytes: W, or for an even cycle whose allocation at the share Q/W
    /// does not fit, `Q / u` with `u = e · g / (e · g + headroom)`.
    pub fn share_window(&self, headroom: usize) -> u64 {
        let Some(eg) = self.even_bytes_per_cycle_work().filter(|&eg| eg > 0) else {
            return self.window_ns;
        };
        let window = mul_div(self.pause_ns, eg.saturating_add(headroom as u64), eg);
        window.min(self.window_ns).max(self.pause_ns)
    }

    /// The pacer of a collector whose thread does the cycles: allocation
    /// may get ahead of the work by [`ASSIST_SLACK_SHARE`] of the headroom
    /// before a mutator assists.
    pub fn with_collector_thread(self) -> Pacer {
        Pacer { collector_thread: true, ..self }
    }

    /// The allocation count (since the last cycle ended) at which the next
    /// cycle should start, for an allowance of `allowance` bytes: early
    /// enough that the allocation the last cycle saw, plus 25 %, still fits,
    /// and never later than [`MIN_CYCLE_SHARE`] of the allowance before its end.
    /// An even pacer starts by the measured rates instead
    /// ([`Pacer::even_start`]).
    pub fn start_point(&self, allowance: usize) -> usize {
        if let Some(start) = self.even_start(allowance) {
            return start;
        }
        let expected = self.last_cycle_alloc.map_or(allowance / 2, |a| a.saturating_add(a / 4));
        let expected = match self.collector_thread {
            true => expected.saturating_mul(BACKGROUND_START_FACTOR),
            false => expected,
        };
        allowance.saturating_sub(expected.max(allowance / MIN_CYCLE_SHARE))
    }

    /// A cycle starts with `allocated` bytes of the `allowance` used.
    pub fn begin_cycle(&mut self, allocated: usize, allowance: usize, heap_bytes: usize) {
        self.cycle_start_alloc = allocated;
        let left = allowance.saturating_sub(allocated).max(allowance / 8);
        self.headroom = (left / 100 * HEADROOM_PERCENT).max(1);
        self.slack = if self.collector_thread { self.headroom / ASSIST_SLACK_SHARE } else { 0 };
        self.cycle_work_ns = 0;
        self.estimate_ns = self.last_cycle_ns.map_or(heap_bytes as u64, |t| t.saturating_add(t / 4)).max(1);
        self.cycle_window_ns = self.share_window(self.headroom);
    }

    /// What to do at a poll at time `now` with `allocated` bytes used;
    /// `in_flight_ns` is collector work under way and not recorded yet
    /// (the collector thread's marking on loan, counted when it ends):
    /// without it, a mutator would find the cycle behind for as long as
    /// a loan lasts, and assist while the thread keeps pace.
    pub fn decide(&self, now: u64, allocated: usize, in_flight_ns: u64) -> Decision {
        let used = allocated.saturating_sub(self.cycle_start_alloc);
        let work = self.cycle_work_ns.saturating_add(in_flight_ns);
        if used >= self.headroom {
            return Decision::Tax;
        }
        if self.tax_due(now.saturating_sub(self.last_end_ns), used, work) {
            Decision::Tax
        } else if now >= self.last_start_ns.saturating_add(self.cycle_window_ns) {
            Decision::Scheduled
        } else {
            Decision::Wait
        }
    }

    /// Whether a taxed increment is due `elapsed` ns after the last one
    /// ended: rule 3 of the module doc, for `used` bytes allocated this
    /// cycle (below the headroom) and `work` ns of collector work done.
    ///
    /// The lag is the allocation past what the work done covers, beyond
    /// the slack: `used − slack − headroom · work / estimate` bytes. With
    /// `room = headroom − used` and the share `u = lag / room`, the gap
    /// after an increment of Q is `Q · (1 − u) / u = Q · (room − lag) / lag`.
    /// Computed multiplied through by `estimate` and `lag`, in 128 bits
    /// and without a division: on a 32-bit board a 64-bit division routine
    /// alone adds most of a kilobyte to the collector's code.
    ///
    /// A cycle past its estimate is assumed to have a quarter of its work
    /// so far still to do (its estimate becomes `work · 5/4`): without
    /// that, the work done would cover the whole headroom, and such a
    /// cycle would go untaxed until the headroom ran out and then be taxed
    /// at every poll.
    ///
    /// With a collector thread neither applies. Its work is the thread's
    /// time on loan, which counts a preempted or waiting thread too, so a
    /// cycle often runs past its estimate while on schedule: re-estimated,
    /// lru-cache's mutator assisted so much more that its MMU(1 ms) fell
    /// from 0.58–0.85 to 0.43–0.46 (three harness runs). And a tax is due
    /// as soon as the cycle is behind:
    /// an assist recalls the one marker, so it adds no marking, only slows
    /// the allocation down, and spread out it slowed it too little (the
    /// harness's lru-cache and request-server under
    /// `RGC_HEAP_POLICY=fixed` overran 3 and 4 times where assisting at
    /// every poll did not).
    pub fn tax_due(&self, elapsed: u64, used: usize, work: u64) -> bool {
        let estimate = match work > self.estimate_ns && !self.collector_thread {
            true => work.saturating_add(work / 4),
            false => self.estimate_ns,
        } as u128;
        // Both sides of `lag > 0`, times the estimate.
        let allocated = used.saturating_sub(self.slack) as u128 * estimate;
        let covered = work as u128 * self.headroom as u128;
        let Some(lag) = allocated.checked_sub(covered).filter(|&lag| lag > 0) else {
            return false;
        };
        if self.collector_thread {
            return true;
        }
        let room = self.headroom.saturating_sub(used) as u128 * estimate;
        elapsed as u128 * lag >= self.pause_ns as u128 * room.saturating_sub(lag)
    }

    /// The allocation count at which to poll next during a cycle.
    pub fn next_poll(&self, allocated: usize) -> usize {
        allocated.saturating_add(POLL_BYTES.min(self.headroom / 64).max(256))
    }

    /// `rgc_set_pacing`: a new Q and W, from the next decision on.
    pub fn set_pacing(&mut self, pause_ns: u64, window_ns: u64) {
        self.pause_ns = pause_ns;
        self.window_ns = window_ns;
        self.cycle_window_ns = self.share_window(self.headroom);
    }

    /// An increment ran from `start` to `end`.
    pub fn record_increment(&mut self, start: u64, end: u64) {
        self.last_start_ns = start;
        self.last_end_ns = end;
        self.cycle_work_ns += end.saturating_sub(start);
    }

    /// Collector work of `ns` outside [`Pacer::record_increment`] (finishing
    /// a cycle synchronously): it belongs to the cycle's cost.
    pub fn record_work(&mut self, ns: u64) {
        self.cycle_work_ns += ns;
    }

    /// A cycle ran start to finish in one pause of `ns`, ending at `now`:
    /// that is the work of a cycle. The allocation the pacer expects per
    /// cycle stays as it was (a synchronous cycle allocates nothing), and
    /// the allocation rate is measured afresh from `now`.
    pub fn end_synchronous_cycle(&mut self, ns: u64, now: u64) {
        self.last_cycle_ns = Some(ns);
        self.period_start_ns = Some(now);
    }

    /// The cycle ended at `now`, with `allocated` bytes used since the
    /// previous one ended: the period's allocation rate is that over the
    /// time the mutator ran (the period less the cycle's work).
    pub fn end_cycle(&mut self, allocated: usize, now: u64) {
        self.last_cycle_alloc = Some(allocated.saturating_sub(self.cycle_start_alloc));
        self.last_cycle_ns = Some(self.cycle_work_ns);
        if let Some(start) = self.period_start_ns {
            let mutator_ns = now.saturating_sub(start).saturating_sub(self.cycle_work_ns);
            self.alloc_rate = Some((allocated as u64, mutator_ns.max(1)));
        }
        self.period_start_ns = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole-cycle fallback marks in parallel only if its budget is
    /// still unlimited after the phases before marking charged it.
    #[test]
    fn an_unlimited_budget_stays_unlimited_whatever_it_is_charged() {
        let mut b = Budget::unlimited();
        for _ in 0..4 {
            assert!(!b.charge(usize::MAX / 2), "an unlimited budget never runs out");
        }
        assert!(b.is_unlimited());
        assert!(!Budget::units(5).is_unlimited() && !Budget::time(0, 1000).is_unlimited());
    }

    #[test]
    fn windows_space_scheduled_increments() {
        let mut p = Pacer::new(40_000, 500_000);
        p.begin_cycle(0, 1 << 20, 1 << 20);
        // Enough work already charged that allocation is not ahead.
        p.record_increment(1_000_000, 1_000_000 + 40_000);
        assert_eq!(p.decide(1_100_000, 0, 0), Decision::Wait);
        assert_eq!(p.decide(1_500_000, 0, 0), Decision::Scheduled);
    }

    #[test]
    fn allocation_ahead_of_work_is_taxed() {
        let mut p = Pacer::new(40_000, 500_000);
        // First cycle: the estimate is 1 ns per heap byte (here 1000 ns).
        p.begin_cycle(0, 1_000_000, 1000);
        let headroom = 1_000_000 / 100 * HEADROOM_PERCENT;
        p.record_increment(0, 500);
        assert_eq!(p.decide(600, headroom * 2 / 5, 0), Decision::Wait, "40 % allocated, 50 % of the work done");
        // 60 % allocated, 50 % of the work done: a lag of 75 000 bytes with
        // 300 000 left, the share 1/4: three pause budgets after the end.
        assert_eq!(p.decide(600, headroom * 3 / 5, 0), Decision::Wait, "60 % allocated, too soon after the last");
        assert_eq!(p.decide(120_500, headroom * 3 / 5, 0), Decision::Tax, "60 % allocated, 50 % of the work done");
        assert_eq!(p.decide(600_000, headroom / 10, 0), Decision::Scheduled, "on schedule, window passed");
        // Past the headroom, taxed whatever the estimate says.
        p.record_increment(600, 1_000_000_000);
        assert_eq!(p.decide(1_000_000_001, 1_000_000, 0), Decision::Tax);
    }

    #[test]
    fn cycles_start_early_enough_for_the_last_cycles_allocation() {
        let mut p = Pacer::new(40_000, 500_000);
        assert_eq!(p.start_point(1_000_000), 500_000, "no history: half the allowance");
        p.begin_cycle(0, 1_000_000, 0);
        p.end_cycle(400_000, 0);
        assert_eq!(p.start_point(1_000_000), 500_000, "the last cycle's allocation plus 25 %");
        p.begin_cycle(0, 1_000_000, 0);
        p.end_cycle(1000, 0);
        assert_eq!(p.start_point(1_000_000), 750_000, "at least a quarter of the allowance");
        // The next estimate is the last cycle's collector time plus 25 %.
        p.begin_cycle(0, 1_000_000, 0);
        p.record_increment(0, 800);
        p.end_cycle(1000, 0);
        p.begin_cycle(0, 1_000_000, 0);
        p.record_increment(0, 500);
        let headroom = 1_000_000 / 100 * HEADROOM_PERCENT;
        assert_eq!(p.decide(0, headroom * 499 / 1000, 0), Decision::Wait, "500 of 1000 ns done, 49.9 % allocated");
        // 750 bytes behind with 374 250 left: the share 1/499.
        assert_eq!(gap(&p, headroom * 501 / 1000, 500), Some(40_000 * 373_500 / 750));
    }

    /// Rule 3: a taxed increment waits `Q · (room − lag) / lag` after the
    /// last one ended, so the collector's share is the lag over the room.
    #[test]
    fn taxed_increments_are_spread_by_the_share_of_the_room_the_lag_takes() {
        // A window long enough that only the tax decides.
        let mut p = Pacer::new(40_000, 1_000_000_000);
        p.begin_cycle(0, 1_000_000, 1000);
        // Headroom 750 000, estimate 1000 ns; 400 ns done covers 300 000 bytes.
        p.record_increment(0, 400);
        assert_eq!(gap(&p, 300_000, 400), None, "on schedule");
        // 100 000 behind, 350 000 left: the share 2/7, a gap of 2.5 Q.
        assert_eq!(gap(&p, 400_000, 400), Some(100_000));
        assert_eq!(p.decide(100_399, 400_000, 0), Decision::Wait);
        assert_eq!(p.decide(100_400, 400_000, 0), Decision::Tax);
        // The lag as large as the room, or larger: every poll.
        assert_eq!(gap(&p, 525_000, 400), Some(0));
        assert_eq!(gap(&p, 600_000, 400), Some(0));
        assert_eq!(p.decide(400, 600_000, 0), Decision::Tax);
        // At the estimate (1000 ns done of 1000) the work covers it all.
        p.record_work(600);
        assert_eq!(gap(&p, 700_000, 1000), None);
        // Past it (1200 ns): a quarter more to do, so 600 000 of 750 000
        // covered; 100 000 behind with 50 000 left, or 50 000 behind with
        // 100 000 left (the share 1/2).
        assert_eq!(gap(&p, 700_000, 1200), Some(0));
        assert_eq!(gap(&p, 650_000, 1200), Some(40_000));
        assert_eq!(gap(&p, 600_000, 1200), None);
        // Past the headroom, whatever the work.
        assert_eq!(p.decide(400, 750_000, 0), Decision::Tax);
    }

    /// `RGC_PACING=even`: the start and the share come from the measured
    /// allocation rate and the estimated work (the module doc's arithmetic).
    #[test]
    fn an_even_pacer_starts_and_schedules_by_the_measured_rates() {
        let history = |p: Pacer| {
            let mut p = p;
            p.begin_cycle(0, 1_000_000, 0);
            p.end_cycle(0, 1_000_000);
            // 2 MB allocated in 4 ms, 0.8 ms of it collector work: the
            // mutator allocated 0.625 bytes per ns it ran.
            p.begin_cycle(0, 1_000_000, 0);
            p.record_increment(2_000_000, 2_800_000);
            p.end_cycle(2_000_000, 5_000_000);
            p
        };
        let fresh = Pacer::new(40_000, 500_000).evenly();
        assert_eq!(fresh.even_start(4_000_000), None, "nothing measured yet");
        assert_eq!(fresh.start_point(4_000_000), 2_000_000, "until then, the late rule");
        let mut p = history(Pacer::new(40_000, 500_000).evenly());
        // e = 1 ms (0.8 ms plus 25 %), e·g = 625 000 bytes; at the share
        // Q/W = 8 % a cycle allocates a0 = 625 000 · 11.5 = 7 187 500, so it
        // starts with a0 / 75 % = 9 583 333 left.
        assert_eq!(p.even_start(20_000_000), Some(20_000_000 - 9_583_333));
        assert_eq!(p.start_point(20_000_000), 20_000_000 - 9_583_333);
        assert_eq!(p.share_window(7_187_500), 500_000, "a0 fits the headroom: W");
        assert_eq!(p.even_start(40_000_000), Some(30_000_000), "at least a quarter of the allowance left");
        // 4 MB is too little: start at once, headroom 3 MB, u = 625 000 /
        // 3 625 000, an increment every Q / u = 232 µs.
        assert_eq!(p.start_point(4_000_000), 0);
        p.begin_cycle(0, 4_000_000, 0);
        assert_eq!(p.share_window(3_000_000), 232_000);
        p.record_increment(10_000_000, 10_040_000);
        assert_eq!(p.decide(10_231_999, 100_000, 0), Decision::Wait);
        assert_eq!(p.decide(10_232_000, 100_000, 0), Decision::Scheduled);
        // A late pacer with the same history: 125 % of the last cycle's
        // allocation, and W.
        let late = history(Pacer::new(40_000, 500_000));
        assert_eq!(late.start_point(4_000_000), 1_500_000);
        assert_eq!(late.share_window(3_000_000), 500_000);
        // So is a collector thread's, even if asked to be even.
        let thread = history(Pacer::new(40_000, 500_000).with_collector_thread().evenly());
        assert_eq!(thread.even_start(4_000_000), None);
        // A synchronous cycle keeps the rate and measures the next period from its end.
        p.end_synchronous_cycle(2_000_000, 20_000_000);
        p.begin_cycle(0, 4_000_000, 0);
        p.end_cycle(1_000_000, 24_000_000);
        assert_eq!(p.alloc_rate, Some((1_000_000, 4_000_000)));
    }

    #[test]
    fn mul_div_is_exact_when_the_product_fits_and_close_beyond() {
        assert_eq!(mul_div(6, 7, 4), 10);
        assert_eq!(mul_div(u64::MAX, 1, 1), u64::MAX);
        // 2^63 · 6 / 3 overflows the product; (2^63 / 3) · 6 + (2^63 mod 3) · 6 / 3.
        assert_eq!(mul_div(1 << 63, 6, 3), u64::MAX, "saturates");
        assert_eq!(mul_div(1 << 62, 6, 8), 3 << 60, "exact when c divides the larger factor");
    }

    /// The shortest wait after an increment after which a tax is due
    /// ([`Pacer::tax_due`]), or `None` if none ever is.
    fn gap(p: &Pacer, used: usize, work: u64) -> Option<u64> {
        if !p.tax_due(u64::MAX, used, work) {
            return None;
        }
        let (mut lo, mut hi) = (0u64, u64::MAX);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match p.tax_due(mid, used, work) {
                true => hi = mid,
                false => lo = mid + 1,
            }
        }
        Some(lo)
    }

    #[test]
    fn budgets_stop_on_units_or_time() {
        let mut b = Budget::units(100);
        assert!(!b.charge(60));
        assert!(b.charge(60));
        let mut t = Budget::time(now_ns(), 0);
        assert!(t.charge(1), "an expired deadline stops at the first check");
        let mut u = Budget::unlimited();
        assert!(!u.charge(usize::MAX / 2));
    }

    /// With a collector thread: cycles start at twice the last cycle's
    /// allocation (plus 25 %) before the end of the allowance, at three
    /// quarters of it at the latest, and allocation may get an eighth of
    /// the headroom ahead of the work before a mutator assists.
    #[test]
    fn a_collector_thread_starts_early_and_allows_slack() {
        let mut p = Pacer::new(40_000, 500_000).with_collector_thread();
        assert_eq!(p.start_point(1_000_000), 0, "no history: half the allowance, twice over");
        p.begin_cycle(0, 1_000_000, 0);
        p.end_cycle(50_000, 0);
        assert_eq!(p.start_point(1_000_000), 750_000, "2 x 62 500 is less than a quarter of the allowance");
        p.begin_cycle(0, 1_000_000, 0);
        p.end_cycle(300_000, 0);
        assert_eq!(p.start_point(1_000_000), 250_000, "2 x 375 000 before the end");
        // Headroom 750 000, slack 93 750; estimate 1 ns per heap byte: 1000 ns.
        let mut p = Pacer::new(40_000, 500_000).with_collector_thread();
        p.begin_cycle(0, 1_000_000, 1000);
        p.record_work(500);
        assert_eq!(
            p.decide(0, 93_750 + 375_000, 0),
            Decision::Wait,
            "at half the work, half the headroom plus the slack"
        );
        assert_eq!(gap(&p, 93_750 + 375_002, 500), Some(0), "past it: at every poll (a collector thread's)");
        assert_eq!(p.decide(0, 93_750 + 375_002, 10), Decision::Wait, "unless a loan has marked for 10 ns more");
        // 51 % of the work done, 60 % of the headroom past the slack:
        // behind, so an assist at once.
        assert_eq!(p.decide(0, 93_750 + 450_000, 10), Decision::Tax);
        let mut alone = Pacer::new(40_000, 500_000);
        alone.begin_cycle(0, 1_000_000, 1000);
        alone.record_work(500);
        assert_eq!(gap(&alone, 375_002, 500), Some(40_000 * 374_996 / 2), "one core: no slack");
    }

    #[test]
    fn a_synchronous_cycle_sets_the_estimate_and_keeps_the_allocation() {
        let mut p = Pacer::new(40_000, 500_000);
        p.begin_cycle(0, 1 << 20, 1 << 20);
        p.record_increment(0, 1000);
        p.end_cycle(600_000, 0);
        let start = p.start_point(1 << 20);
        // An overrun: the collection runs whole, in 5 ms, allocating nothing.
        p.begin_cycle(0, 1 << 20, 1 << 20);
        p.end_synchronous_cycle(5_000_000, 0);
        assert_eq!(p.start_point(1 << 20), start, "the expected allocation per cycle is kept");
        p.begin_cycle(0, 1 << 20, 1 << 20);
        p.record_increment(10_000_000, 10_040_000);
        // 40 us of an estimated 6.25 ms done, 10 % of the heap allocated:
        // behind, by 99 824.2 bytes of 786 375 of headroom, 681 518 left:
        // due 40 µs · (681 518 − 99 824.2) / 99 824.2 = 233 087.3 ns after.
        assert_eq!(p.decide(10_040_000 + 233_088, (1 << 20) / 10, 0), Decision::Tax);
        assert_eq!(p.decide(10_040_000 + 233_087, (1 << 20) / 10, 0), Decision::Wait);
    }
}
