//! Heap sizing: how many bytes the program may allocate before the next
//! collection is due (`RGC_HEAP_POLICY`, [`gc_api::config::HeapPolicy`]).
//!
//! [`crate::runtime::Runtime::end_cycle`] asks [`Sizing::allowance`] once
//! per finished collection; the result is the *trigger*, in footprint
//! bytes. Whatever it says, an allocation that finds the heap at its
//! limit collects.
//!
//! - **growth** (the default): `heap × growth_percent / 100`, at least
//!   `heap_initial`. The heap limit is only a cap, so a program given three
//!   times its live data collects as if it had two.
//! - **fixed**: all the room left below `heap_max` ([`room`] of the
//!   runtime: capacity minus what survived, minus 1/8 of that for
//!   fragmentation), so a collection runs only when the heap is full, as
//!   researchers compare collectors at a fixed heap size.
//! - **adaptive**: MemBalancer's rule (Kirisame, Shenoy and Panchekha,
//!   "Optimal heap limits for reducing browser memory use", OOPSLA 2022).
//!   With `L` the live heap, `g` the allocation rate (bytes per second of
//!   mutator time) and `s` the collection speed (live bytes traced per
//!   second of collector time), the extra memory that minimises time and
//!   memory together for a cost `c` of memory is `E = sqrt(L · g / (c · s))`.
//!   rgc measures `s` as `L / t_gc` (a collection's work is proportional to
//!   what it traces), so `L · g / s = g · t_gc`: the bytes the program would
//!   allocate during one collection. `1 / c` is [`ADAPTIVE_SCALE`]. A
//!   program that allocates fast, or whose collections are slow, gets more
//!   room, and it grows as the square root of the live size rather than in
//!   proportion. Rates are smoothed over cycles (each cycle's estimate
//!   weighs half), and the allowance stays between [`ADAPTIVE_MIN`] and the
//!   room below the limit. Without a clock (a board that reports none) it
//!   is the growth rule.
//!
//! [`room`]: crate::runtime::Runtime::allocation_room

use gc_api::config::{Config, HeapPolicy};

/// `1 / c` of the adaptive rule: the memory, in bytes, that is worth one
/// unit of the time it saves. With it, a program that allocates 4 MB during
/// one collection's work gets 4 MB of room, one that allocates 64 MB gets
/// 16 MB: at heaps of a few MB the rule lands near the growth rule's
/// default, and it grows more slowly beyond.
pub const ADAPTIVE_SCALE: u64 = 4 << 20;

/// The least allowance the adaptive rule gives: below it collections would
/// come faster than their fixed costs (handshake, root scan) are worth.
pub const ADAPTIVE_MIN: usize = 256 << 10;

/// What one finished collection tells the policy.
#[derive(Debug, Clone, Copy)]
pub struct CycleEnd {
    /// Heap bytes in use after the collection (what survived, in footprint).
    pub heap_bytes: usize,
    /// Room left below the heap limit ([`crate::runtime::Runtime::allocation_room`]).
    pub room: usize,
    /// Footprint bytes allocated since the previous collection finished.
    pub allocated: usize,
    /// Now, in nanoseconds of the collector's clock (0: no clock).
    pub now_ns: u64,
    /// Every pause so far, this collection's included, in nanoseconds.
    pub pause_total_ns: u64,
}

/// The heap policy and what it remembers between collections.
pub struct Sizing {
    policy: HeapPolicy,
    /// When the previous collection finished, and the pause total then.
    last_end_ns: u64,
    last_pause_total_ns: u64,
    /// Smoothed `g · t_gc`: bytes allocated per collection's worth of
    /// collector time (0 until the first measurement).
    alloc_per_collection: u64,
}

impl Sizing {
    pub fn new(policy: HeapPolicy, now_ns: u64) -> Sizing {
        Sizing { policy, last_end_ns: now_ns, last_pause_total_ns: 0, alloc_per_collection: 0 }
    }

    /// The policy in force.
    pub fn policy(&self) -> HeapPolicy {
        self.policy
    }

    /// The allowance before the first collection: `heap_initial`, or under
    /// `fixed` the whole heap up to `capacity`.
    pub fn first_allowance(&self, config: &Config, capacity: usize) -> usize {
        let bytes = match self.policy {
            HeapPolicy::Fixed => capacity,
            HeapPolicy::Growth | HeapPolicy::Adaptive => config.heap_initial,
        };
        bytes.max(crate::layout::BLOCK_SIZE)
    }

    /// The allowance until the next collection, from the one that just
    /// finished (see the module doc).
    pub fn allowance(&mut self, config: &Config, end: CycleEnd) -> usize {
        let elapsed = end.now_ns.saturating_sub(self.last_end_ns);
        let gc_ns = end.pause_total_ns.saturating_sub(self.last_pause_total_ns);
        let mutator_ns = elapsed.saturating_sub(gc_ns);
        self.last_end_ns = end.now_ns;
        self.last_pause_total_ns = end.pause_total_ns;
        let growth = || growth_allowance(end.heap_bytes, config.growth_percent, config.heap_initial);
        let bytes = match self.policy {
            // Today's rule, unchanged: past the room, the allocation that
            // finds the heap full collects.
            HeapPolicy::Growth => growth(),
            HeapPolicy::Fixed => end.room,
            HeapPolicy::Adaptive if end.now_ns == 0 || mutator_ns == 0 => growth(),
            HeapPolicy::Adaptive => {
                let sample = allocated_during(end.allocated, gc_ns, mutator_ns);
                self.alloc_per_collection = match self.alloc_per_collection {
                    0 => sample,
                    before => before / 2 + sample / 2,
                };
                adaptive_allowance(self.alloc_per_collection).min(end.room)
            }
        };
        bytes.max(crate::layout::BLOCK_SIZE)
    }
}

/// The growth rule: `heap × growth_percent / 100`, at least `heap_initial`.
pub fn growth_allowance(heap_bytes: usize, growth_percent: u32, heap_initial: usize) -> usize {
    (heap_bytes / 100).saturating_mul(growth_percent as usize).max(heap_initial)
}

/// `g · t_gc`: what the program allocated (`allocated` bytes over
/// `mutator_ns`) scaled to `gc_ns` of collector time.
///
/// In 64-bit arithmetic without library calls on a 32-bit board (see
/// [`div`]): a product past 2^64 divides first, and saturates.
pub fn allocated_during(allocated: usize, gc_ns: u64, mutator_ns: u64) -> u64 {
    let (a, m) = (allocated as u64, mutator_ns.max(1));
    match fits_product(a, gc_ns) {
        true => div(a * gc_ns, m),
        false => {
            let per_ns = div(a, m);
            if fits_product(per_ns, gc_ns) {
                per_ns * gc_ns
            } else {
                u64::MAX
            }
        }
    }
}

/// Whether `a × b` surely fits in 64 bits (from the operands' widths, so a
/// 32-bit board needs no overflow-checking multiply; it may say no to a
/// product just under 2^64).
fn fits_product(a: u64, b: u64) -> bool {
    a.leading_zeros() + b.leading_zeros() >= 64
}

/// `n / d` (`d` > 0) by shift and subtract. It runs once per collection;
/// on a 32-bit board, `u64` division and `isqrt` took the adaptive rule from
/// 0.8 KB to 2.3 KB of every tracing collector's code (`rgc size`).
fn div(n: u64, d: u64) -> u64 {
    if d > 1 << 63 {
        return (n >= d) as u64;
    }
    let (mut q, mut r) = (0u64, 0u64);
    for i in (0..64).rev() {
        // r < d ≤ 2^63, so the shift cannot overflow.
        r = (r << 1) | ((n >> i) & 1);
        if r >= d {
            r -= d;
            q |= 1 << i;
        }
    }
    q
}

/// The integer square root, digit by digit (see [`div`] for why not `isqrt`).
fn sqrt(n: u64) -> u64 {
    let (mut x, mut root, mut bit) = (n, 0u64, 1u64 << 62);
    while bit > x {
        bit >>= 2;
    }
    while bit != 0 {
        if x >= root + bit {
            x -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    root
}

/// The adaptive rule's allowance for `alloc_per_collection` = `g · t_gc`:
/// `sqrt(g · t_gc · ADAPTIVE_SCALE)`, at least [`ADAPTIVE_MIN`].
///
/// The product saturates past 2^64 (over 4 TB per collection), which the
/// room below the heap limit caps anyway.
pub fn adaptive_allowance(alloc_per_collection: u64) -> usize {
    let e = match fits_product(alloc_per_collection, ADAPTIVE_SCALE) {
        true => sqrt(alloc_per_collection * ADAPTIVE_SCALE),
        false => sqrt(u64::MAX),
    };
    usize::try_from(e).unwrap_or(usize::MAX).max(ADAPTIVE_MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end(heap_bytes: usize, room: usize, allocated: usize, now_ns: u64, pause_total_ns: u64) -> CycleEnd {
        CycleEnd { heap_bytes, room, allocated, now_ns, pause_total_ns }
    }

    fn config(policy: HeapPolicy) -> Config {
        Config { heap_policy: policy, ..Config::default() }
    }

    #[test]
    fn growth_by_hand() {
        // 10 MB survived, 100 %: 10 MB, above heap_initial's 4 MB.
        assert_eq!(growth_allowance(10_000_000, 100, 4 << 20), 10_000_000);
        assert_eq!(growth_allowance(1_000_000, 100, 4 << 20), 4 << 20);
        assert_eq!(growth_allowance(1_000_000, 300, 0), 3_000_000);
        let mut s = Sizing::new(HeapPolicy::Growth, 0);
        assert_eq!(s.allowance(&config(HeapPolicy::Growth), end(10_000_000, 64 << 20, 0, 5, 1)), 10_000_000);
        // As before policies: the room below the limit does not cap it (the
        // allocation that finds the heap full collects).
        assert_eq!(s.allowance(&config(HeapPolicy::Growth), end(10_000_000, 6_000_000, 0, 9, 2)), 10_000_000);
    }

    #[test]
    fn fixed_takes_all_the_room() {
        let c = config(HeapPolicy::Fixed);
        let mut s = Sizing::new(HeapPolicy::Fixed, 0);
        assert_eq!(s.first_allowance(&c, 96 << 20), 96 << 20);
        assert_eq!(s.allowance(&c, end(1 << 20, 50 << 20, 0, 10, 1)), 50 << 20);
        // Never below one block, even with no room (the next allocation
        // finds the heap full and collects).
        assert_eq!(s.allowance(&c, end(1 << 20, 0, 0, 20, 2)), crate::layout::BLOCK_SIZE);
    }

    #[test]
    fn adaptive_by_hand() {
        // 100 MB allocated in 1 s of mutator time, collections taking
        // 40 ms: g · t_gc = 4 MB, and sqrt(4 MB · 4 MB) = 4 MB.
        assert_eq!(allocated_during(100 << 20, 40_000_000, 1_000_000_000), (100u64 << 20) / 25);
        assert_eq!(adaptive_allowance(4 << 20), 4 << 20);
        assert_eq!(adaptive_allowance(64 << 20), 16 << 20);
        assert_eq!(adaptive_allowance(0), ADAPTIVE_MIN);
        assert_eq!(allocated_during(usize::MAX, u64::MAX, 1), u64::MAX, "saturates");
        assert_eq!(adaptive_allowance(u64::MAX), (u64::MAX.isqrt()) as usize);
    }

    #[test]
    fn division_and_square_root_match_the_library() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..if cfg!(miri) { 300 } else { 10_000 } {
            x = x.rotate_left(13) ^ x.wrapping_mul(0x2545_f491_4f6c_dd1d);
            let n = x >> (x % 64);
            let d = (x.rotate_left(29) >> (x % 61)).max(1);
            assert_eq!(div(n, d), n / d, "{n} / {d}");
            assert_eq!(sqrt(n), n.isqrt(), "sqrt {n}");
        }
        for (n, d) in [(u64::MAX, 1), (u64::MAX, u64::MAX), (5, u64::MAX), (u64::MAX, (1 << 63) + 1), (0, 7)] {
            assert_eq!(div(n, d), n / d, "{n} / {d}");
        }
        for n in [0, 1, 2, 3, 4, 15, 16, 17, u64::MAX] {
            assert_eq!(sqrt(n), n.isqrt(), "sqrt {n}");
        }
        let c = config(HeapPolicy::Adaptive);
        let mut s = Sizing::new(HeapPolicy::Adaptive, 0);
        // The room caps it.
        let mut capped = Sizing::new(HeapPolicy::Adaptive, 0);
        assert_eq!(capped.allowance(&c, end(1 << 20, 1 << 20, 100 << 20, 1_040_000_000, 40_000_000)), 1 << 20);
        // 1.04 s elapsed, 40 ms of it paused: 1 s of mutator time.
        let first = s.allowance(&c, end(1 << 20, 1 << 30, 100 << 20, 1_040_000_000, 40_000_000));
        assert_eq!(first, adaptive_allowance((100u64 << 20) / 25));
        // The next cycle allocates four times as fast: the estimate moves
        // half way, so the allowance grows by sqrt(2.5), not sqrt(4).
        let second = s.allowance(&c, end(1 << 20, 1 << 30, 400 << 20, 2_080_000_000, 80_000_000));
        assert_eq!(second, adaptive_allowance((100u64 << 20) / 25 * 5 / 2));
        // Without a clock: the growth rule.
        let mut s = Sizing::new(HeapPolicy::Adaptive, 0);
        assert_eq!(s.allowance(&c, end(10_000_000, 1 << 30, 1 << 20, 0, 0)), 10_000_000);
    }
}
