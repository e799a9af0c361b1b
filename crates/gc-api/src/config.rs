//! Every tuning knob in one place.
//!
//! A knob has a field in [`crate::RgcConfig`] (what `rgc_init` takes), a
//! default, and an `RGC_*` environment variable that overrides the config
//! struct unless `RGC_CONFIG_NO_ENV` is set, so a deployed binary can be
//! tuned without rebuilding. Bad values are rejected at init with the
//! variable's name and value; they are never silently clamped.

use crate::abi::{RgcConfig, CONFIG_NO_ENV};
use crate::message::{Message, Piece};
use crate::msg;
use alloc::string::String;

/// One row of the knob table (also printed by `rgc config`).
pub struct Knob {
    pub env: &'static str,
    pub field: &'static str,
    pub default: u64,
    pub unit: &'static str,
    pub doc: &'static str,
}

pub const MIB: u64 = 1 << 20;

/// The knobs, their defaults and what they do.
pub const KNOBS: &[Knob] = &[
    Knob {
        env: "RGC_HEAP_MAX",
        field: "heap_max",
        // 1G on a 32-bit target, where 4G is the whole address space.
        default: if usize::BITS >= 64 { 4096 * MIB } else { 1024 * MIB },
        unit: "bytes (K/M/G suffixes)",
        doc: "Upper bound on the heap. Address space for it is reserved at init; \
              pages are committed only when used. Past it the OOM handler runs. \
              Default 4G (1G on a 32-bit target); in region mode the region bounds it too.",
    },
    Knob {
        env: "RGC_HEAP_INITIAL",
        field: "heap_initial",
        default: 4 * MIB,
        unit: "bytes (K/M/G suffixes)",
        doc: "Bytes that may be allocated before the first collection (capped at heap_max).",
    },
    Knob {
        env: "RGC_GROWTH_PERCENT",
        field: "growth_percent",
        default: 100,
        unit: "percent",
        doc: "After a collection the next one is due once the heap holds \
              live × (1 + growth/100) bytes (but at least heap_initial).",
    },
    Knob {
        env: "RGC_HEAP_POLICY",
        field: "heap_policy",
        default: 0,
        unit: "growth, fixed or adaptive (or 0, 1, 2)",
        doc: "When collections start. growth: after allocating growth_percent of what the last \
              collection left (at least heap_initial). fixed: only when the heap reaches heap_max. \
              adaptive: after sqrt(live x allocation rate / collection speed) bytes \
              (MemBalancer's rule), capped by heap_max. refcount keeps growth.",
    },
    Knob {
        env: "RGC_MARKERS",
        field: "markers",
        default: 0,
        unit: "threads, at most 8 (0: automatic)",
        doc: "Threads that mark in a stop-the-world collection (marksweep, conservative, incremental's \
              whole-cycle fallback, refcount's backup trace), the collecting thread included. 0: one per core, at most 8 \
              (1 in region mode and on a board); 1: mark alone. More than 1 needs a hosted build \
              without a region.",
    },
    Knob {
        env: "RGC_BACKGROUND",
        field: "background",
        default: 0,
        unit: "auto, on or off (or 0, 1, 2)",
        doc: "Incremental: a collector thread runs the cycles while the mutators run (auto, the default: \
              when the process may run on two cores or more, in a hosted build without a region; off: \
              time slicing on the mutators' threads). on is refused in a region or a no_std build.",
    },
    Knob {
        env: "RGC_SHADOWSTACK_SLOTS",
        field: "shadowstack_slots",
        default: 1 << 20,
        unit: "slots (8 bytes each)",
        doc: "Capacity of each thread's shadow stack. Overflow is a clear fatal error.",
    },
    Knob {
        env: "RGC_PAUSE_US",
        field: "pause_us",
        default: 40,
        unit: "microseconds",
        doc: "Incremental collector: the longest increment of collector work (Q). \
              Each increment checks the clock and stops within a few microseconds of it.",
    },
    Knob {
        env: "RGC_WINDOW_US",
        field: "window_us",
        default: 500,
        unit: "microseconds",
        doc: "Incremental collector: at most pause_us of scheduled work in any window of \
              window_us (W), so MMU(W) >= 1 - Q/W while the pacer is not taxing allocation.",
    },
    Knob {
        env: "RGC_PACING",
        field: "pacing",
        default: 0,
        unit: "late or even (or 0, 1)",
        doc: "Incremental without a collector thread: late starts each cycle as late as the heap allows \
              and works pause_us per window_us, taxing allocation when it falls behind (fewest cycles); \
              even spreads each cycle over the allocation between cycles at the smallest share that \
              fits the heap, up to pause_us per pause_us/share (steadiest mutator share, more cycles). \
              even turns background auto off; with background on it is refused.",
    },
    Knob {
        env: "RGC_FREE_BUDGET",
        field: "free_budget",
        default: 16384,
        unit: "objects",
        doc: "Reference counting: a reconciliation frees at most this many objects (or twice \
              the objects allocated since the last one, if more); each allocation frees one \
              of the rest, so dropping a large structure never makes a long pause. \
              Full collections free everything.",
    },
    Knob {
        env: "RGC_TORTURE",
        field: "torture",
        default: 0,
        unit: "0/1",
        doc: "Collect at every allocation, so a missing root fails fast (incremental: \
              every allocation runs one tiny increment, so cycles interleave with every store).",
    },
    Knob {
        env: "RGC_VERIFY",
        field: "verify",
        default: 0,
        unit: "0/1",
        doc: "Check the heap's invariants after every collection (slow), free cells before every \
              sweep and each one before the allocator takes it: a write past an object's end is \
              reported naming that object.",
    },
    Knob {
        env: "RGC_META_BYTES",
        field: "meta_bytes",
        default: 0,
        unit: "bytes (K/M/G suffixes)",
        doc: "Region mode only (rgc_config.region set): bytes at the start of the region for the \
              collector's own tables (types, finalizer and weak-reference tables, roots, mark stack) \
              and every thread's shadow stack. 0: shadowstack_slots × 8 + region_size / 32.",
    },
];

/// Whether this build has the heap verifier (cargo feature `verify`, on by
/// default). Without it, `verify` = 1 is rejected at init and
/// `rgc_verify_heap` is a fatal error, and the verifier's code (2 to 4 KB
/// of a board image) is left out.
pub const HAS_VERIFIER: bool = cfg!(feature = "verify");

/// Smallest `region_size` accepted: room for the table area and a heap of
/// a few blocks.
pub const REGION_MIN: usize = 256 * 1024;

/// A caller-provided region, split at init into the table area and the heap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// Address of the region, aligned up to 16.
    pub base: usize,
    /// Usable bytes from `base`.
    pub len: usize,
    /// Bytes from `base` given to the collector's tables; the heap gets the rest.
    pub meta_bytes: usize,
}

impl Region {
    /// The heap's part: `(address, bytes)`.
    pub fn heap_part(&self) -> (usize, usize) {
        (self.base + self.meta_bytes, self.len - self.meta_bytes)
    }
}

/// Validated configuration, as the collectors use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    pub heap_max: usize,
    pub heap_initial: usize,
    pub growth_percent: u32,
    pub shadowstack_slots: usize,
    pub torture: bool,
    pub verify: bool,
    /// Longest increment (Q), nanoseconds.
    pub pause_ns: u64,
    /// Scheduling window (W), nanoseconds.
    pub window_ns: u64,
    /// Reference counting: objects a reconciliation frees at least.
    pub free_budget: usize,
    /// Region mode: the caller's buffer (None: `mmap`).
    pub region: Option<Region>,
    pub heap_policy: HeapPolicy,
    /// Threads that mark a stop-the-world collection, 1..=[`MAX_MARKERS`]
    /// (resolved at init: `rgc_config.markers` 0 becomes one per core the
    /// process may run on, [`crate::platform::cores`]).
    pub markers: usize,
    /// The incremental collector does its cycles on a collector thread
    /// (resolved at init from `rgc_config.background`).
    pub background: bool,
    /// How the incremental collector paces its cycles without a collector
    /// thread. Not in a board's build, which has `late` only (carrying the
    /// field cost its image most of half a kilobyte).
    #[cfg(feature = "std")]
    pub pacing: Pacing,
}

/// How the incremental collector paces a cycle on the mutators' own
/// threads (`RGC_PACING`; the arithmetic is in `gc_incremental::pacing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pacing {
    /// Start as late as the heap allows, work `pause_us` per `window_us`,
    /// tax allocation when behind: the fewest cycles, bursts of work.
    Late,
    /// Spread each cycle over the allocation between cycles, at the
    /// smallest share of each window that finishes it in the heap.
    Even,
}

impl Pacing {
    /// The pacing with this `rgc_config.pacing` value. A board's build
    /// (no `std`) has no even pacing: its code would not fit.
    pub fn from_c(v: u32) -> Option<Pacing> {
        match v {
            crate::abi::PACING_LATE => Some(Pacing::Late),
            crate::abi::PACING_EVEN if cfg!(feature = "std") => Some(Pacing::Even),
            _ => None,
        }
    }

    /// Its name, as `RGC_PACING` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Pacing::Late => "late",
            Pacing::Even => "even",
        }
    }
}

/// The most threads `markers` may ask for.
pub const MAX_MARKERS: usize = 8;

/// When collections start (`RGC_HEAP_POLICY`; the arithmetic is in
/// `gc_heap::sizing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeapPolicy {
    /// After allocating `growth_percent` of what survived, at least `heap_initial`.
    Growth,
    /// Only when the heap reaches `heap_max`.
    Fixed,
    /// MemBalancer's square-root rule.
    Adaptive,
}

impl HeapPolicy {
    /// The policy with this `rgc_config.heap_policy` value.
    pub fn from_c(v: u32) -> Option<HeapPolicy> {
        match v {
            crate::abi::HEAP_POLICY_GROWTH => Some(HeapPolicy::Growth),
            crate::abi::HEAP_POLICY_FIXED => Some(HeapPolicy::Fixed),
            crate::abi::HEAP_POLICY_ADAPTIVE => Some(HeapPolicy::Adaptive),
            _ => None,
        }
    }

    /// Its name, as `RGC_HEAP_POLICY` takes it.
    pub fn name(self) -> &'static str {
        match self {
            HeapPolicy::Growth => "growth",
            HeapPolicy::Fixed => "fixed",
            HeapPolicy::Adaptive => "adaptive",
        }
    }
}

/// What `rgc_init` says of a `pacing` it does not take.
const PACING_VALUES: &str = match cfg!(feature = "std") {
    true => " is not RGC_PACING_LATE (0) or _EVEN (1)",
    false => " is not RGC_PACING_LATE (0): a board's build has no even pacing",
};

/// The default of the knob whose field is `field`, at compile time, so
/// that code reading defaults does not keep the table (and its text) in a
/// board's image.
const fn knob_default(field: &str) -> u64 {
    let mut i = 0;
    while i < KNOBS.len() {
        if const_str_eq(KNOBS[i].field, field) {
            return KNOBS[i].default;
        }
        i += 1;
    }
    panic!("no knob has this field")
}

const fn const_str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The C struct filled with defaults (what `rgc_config_default` returns).
pub fn default_c_config() -> RgcConfig {
    RgcConfig {
        struct_size: core::mem::size_of::<RgcConfig>() as u32,
        flags: 0,
        heap_max: const { knob_default("heap_max") },
        heap_initial: const { knob_default("heap_initial") },
        growth_percent: const { knob_default("growth_percent") as u32 },
        shadowstack_slots: const { knob_default("shadowstack_slots") as u32 },
        torture: const { knob_default("torture") as u32 },
        verify: const { knob_default("verify") as u32 },
        pause_us: const { knob_default("pause_us") as u32 },
        window_us: const { knob_default("window_us") as u32 },
        free_budget: const { knob_default("free_budget") as u32 },
        meta_bytes: const { knob_default("meta_bytes") as u32 },
        region: core::ptr::null_mut(),
        region_size: 0,
        heap_policy: const { knob_default("heap_policy") as u32 },
        markers: const { knob_default("markers") as u32 },
        background: const { knob_default("background") as u32 },
        pacing: const { knob_default("pacing") as u32 },
    }
}

impl Config {
    /// Whether to check the heap after collections (`verify`). Always
    /// false without the verifier, so its code drops out of the build.
    #[inline]
    pub fn verifying(&self) -> bool {
        HAS_VERIFIER && self.verify
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::from_c(&default_c_config(), |_| None).expect("defaults are valid")
    }
}

/// Longest increment accepted by [`check_pacing`]: one second.
pub const MAX_PAUSE_NS: u64 = 1_000_000_000;

/// Validates an incremental pause budget `pause_ns` (Q) and window
/// `window_ns` (W): 1 µs ≤ Q ≤ 1 s and Q ≤ W. Used at init and by `rgc_set_pacing`.
pub fn check_pacing(pause_ns: u64, window_ns: u64) -> Result<(), Message> {
    if !(1000..=MAX_PAUSE_NS).contains(&pause_ns) {
        return Err(msg!("the pause budget ", pause_ns, " ns must be between 1 µs and 1 s"));
    }
    if window_ns < pause_ns {
        return Err(msg!("the window ", window_ns, " ns is shorter than the pause budget ", pause_ns, " ns"));
    }
    Ok(())
}

/// Parses `123`, `64K`, `16M`, `2G` (binary multiples).
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (digits, mult) = match s.as_bytes().last()? {
        b'k' | b'K' => (&s[..s.len() - 1], 1u64 << 10),
        b'm' | b'M' => (&s[..s.len() - 1], 1 << 20),
        b'g' | b'G' => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    digits.parse::<u64>().ok()?.checked_mul(mult)
}

impl Config {
    /// Validates a C config, applying environment overrides through `getenv`
    /// unless the struct says not to. A bare-metal target has no
    /// environment, so there the overrides (and the knob table's text) are
    /// left out.
    pub fn from_c(c: &RgcConfig, getenv: fn(&str) -> Option<String>) -> Result<Config, Message> {
        if c.struct_size as usize != core::mem::size_of::<RgcConfig>() {
            return Err(msg!(
                "rgc_config.struct_size is ",
                c.struct_size,
                " but this library expects ",
                core::mem::size_of::<RgcConfig>(),
                " (header and library versions differ, or the struct was not filled with rgc_config_default)"
            ));
        }
        let mut c = *c;
        if c.flags & CONFIG_NO_ENV == 0 && !cfg!(target_os = "none") {
            apply_env(&mut c, getenv)?;
        }
        let region = region_of(&c)?;
        let out_of_range = |what: &str, v: &dyn Piece, why: &str| Err(msg!(what, " ", v, why));
        let cfg = Config {
            // In region mode the region bounds the heap, so a larger
            // limit than the address space is harmless there.
            heap_max: match usize::try_from(c.heap_max) {
                Ok(max) => max,
                Err(_) if region.is_some() => usize::MAX,
                Err(_) => return out_of_range("heap_max", &c.heap_max, " does not fit in this address space"),
            },
            heap_initial: match usize::try_from(c.heap_initial) {
                Ok(n) => n,
                Err(_) => return out_of_range("heap_initial", &c.heap_initial, " is too large"),
            },
            growth_percent: c.growth_percent,
            shadowstack_slots: c.shadowstack_slots as usize,
            torture: c.torture != 0,
            verify: c.verify != 0,
            pause_ns: c.pause_us as u64 * 1000,
            window_ns: c.window_us as u64 * 1000,
            free_budget: c.free_budget as usize,
            markers: markers_of(c.markers, region.is_some())?,
            background: background_of(c.background, region.is_some())?,
            region,
            heap_policy: match HeapPolicy::from_c(c.heap_policy) {
                Some(p) => p,
                None => {
                    return out_of_range(
                        "heap_policy",
                        &c.heap_policy,
                        " is not RGC_HEAP_POLICY_GROWTH (0), _FIXED (1) or _ADAPTIVE (2)",
                    )
                }
            },
            #[cfg(feature = "std")]
            pacing: Pacing::from_c(c.pacing).unwrap_or(Pacing::Late),
        };
        if Pacing::from_c(c.pacing).is_none() {
            return out_of_range("pacing", &c.pacing, PACING_VALUES);
        }
        check_pacing(cfg.pause_ns, cfg.window_ns)
            .map_err(|e| msg!(e, " (pause_us ", c.pause_us, ", window_us ", c.window_us, ")"))?;
        // Even pacing schedules increments on the mutators' threads: with
        // it, auto means no collector thread, and on contradicts it.
        #[cfg(feature = "std")]
        let cfg = match (cfg.pacing, c.background) {
            (Pacing::Even, crate::abi::BACKGROUND_ON) => {
                return Err(msg!(
                    "pacing 1 (even) schedules the cycles' increments on the mutators' threads, but background 1 \
                     (on) gives the cycles to a collector thread, which paces itself: use background off (2) or \
                     auto (0) with even pacing"
                ))
            }
            (Pacing::Even, _) => Config { background: false, ..cfg },
            _ => cfg,
        };
        if cfg.heap_max < 64 * 1024 {
            return out_of_range("heap_max", &cfg.heap_max, " is below the minimum of 64K");
        }
        // Documented: an initial allowance above the limit means "up to the limit".
        let cfg = Config { heap_initial: cfg.heap_initial.min(cfg.heap_max), ..cfg };
        if cfg.free_budget == 0 {
            return Err(msg!("free_budget 0 would never free anything at a reconciliation: it must be at least 1"));
        }
        if cfg.shadowstack_slots < 16 {
            return out_of_range("shadowstack_slots", &cfg.shadowstack_slots, " is below the minimum of 16");
        }
        if cfg.verify && !HAS_VERIFIER {
            return Err(msg!(
                "verify is set (RGC_VERIFY) but this library was built without the heap verifier (cargo feature \
                 \"verify\")"
            ));
        }
        if cfg.growth_percent == 0 || cfg.growth_percent > 10_000 {
            return out_of_range("growth_percent", &cfg.growth_percent, " must be between 1 and 10000");
        }
        Ok(cfg)
    }
}

/// Knobs whose environment variable takes a name: (field, name, value).
const NAMED_VALUES: &[(&str, &str, u32)] = &[
    ("heap_policy", "growth", crate::abi::HEAP_POLICY_GROWTH),
    ("heap_policy", "fixed", crate::abi::HEAP_POLICY_FIXED),
    ("heap_policy", "adaptive", crate::abi::HEAP_POLICY_ADAPTIVE),
    ("background", "auto", crate::abi::BACKGROUND_AUTO),
    ("background", "on", crate::abi::BACKGROUND_ON),
    ("background", "off", crate::abi::BACKGROUND_OFF),
    ("pacing", "late", crate::abi::PACING_LATE),
    ("pacing", "even", crate::abi::PACING_EVEN),
];

/// Applies the `RGC_*` environment variables to `c`.
fn apply_env(c: &mut RgcConfig, getenv: fn(&str) -> Option<String>) -> Result<(), Message> {
    for knob in KNOBS {
        let Some(text) = getenv(knob.env) else {
            continue;
        };
        let named = NAMED_VALUES.iter().find(|&&(field, name, _)| field == knob.field && name == text.trim());
        let value = named.map(|&(_, _, v)| v as u64).or_else(|| parse_size(&text)).ok_or_else(|| match NAMED_VALUES
            .iter()
            .any(|&(field, _, _)| field == knob.field)
        {
            true => msg!("environment variable ", knob.env, "='", text, "' is not ", knob.unit),
            false => msg!("environment variable ", knob.env, "='", text, "' is not a number (", knob.unit, ")"),
        })?;
        let too_big = || msg!("environment variable ", knob.env, "='", text, "' is out of range");
        let narrow = |v: u64| u32::try_from(v).map_err(|_| too_big());
        match knob.field {
            "heap_max" => c.heap_max = value,
            "heap_initial" => c.heap_initial = value,
            "growth_percent" => c.growth_percent = narrow(value)?,
            "shadowstack_slots" => c.shadowstack_slots = narrow(value)?,
            "torture" => c.torture = value as u32,
            "verify" => c.verify = value as u32,
            "pause_us" => c.pause_us = narrow(value)?,
            "window_us" => c.window_us = narrow(value)?,
            "free_budget" => c.free_budget = narrow(value)?,
            "meta_bytes" => c.meta_bytes = narrow(value)?,
            "heap_policy" => c.heap_policy = narrow(value)?,
            "markers" => c.markers = narrow(value)?,
            "background" => c.background = narrow(value)?,
            "pacing" => c.pacing = narrow(value)?,
            _ => unreachable!("knob {} has no config field", knob.field),
        }
    }
    Ok(())
}

/// Resolves `rgc_config.markers` (`requested`; 0 is automatic): more than
/// one needs threads (a hosted build) and the system allocator (no region,
/// whose table area holds every table of the collector's).
fn markers_of(requested: u32, in_region: bool) -> Result<usize, Message> {
    let requested = requested as usize;
    if requested > MAX_MARKERS {
        return Err(msg!("markers ", requested, " is more than the maximum of ", MAX_MARKERS));
    }
    if requested > 1 && in_region {
        return Err(msg!(
            "markers ",
            requested,
            " needs memory outside the region for the markers' work queues: use 1 (or 0) in region mode"
        ));
    }
    if requested > 1 && !cfg!(feature = "std") {
        return Err(msg!("markers ", requested, " needs threads, and this build (no_std) has none: use 1 (or 0)"));
    }
    if requested != 0 {
        return Ok(requested);
    }
    #[cfg(feature = "std")]
    if !in_region {
        return Ok(crate::platform::cores().min(MAX_MARKERS));
    }
    Ok(1)
}

/// Resolves `rgc_config.background` (`requested`): a collector thread
/// needs threads (a hosted build) and the system allocator (no region).
#[cfg(feature = "std")]
fn background_of(requested: u32, in_region: bool) -> Result<bool, Message> {
    use crate::abi::{BACKGROUND_AUTO, BACKGROUND_OFF, BACKGROUND_ON};
    let hosted = cfg!(feature = "std") && !in_region;
    match requested {
        BACKGROUND_OFF => Ok(false),
        BACKGROUND_ON if in_region => Err(msg!(
            "background 1 (on) needs memory outside the region for the collector thread: use off (2) in region mode"
        )),
        BACKGROUND_ON if !hosted => {
            Err(msg!("background 1 (on) needs threads, and this build (no_std) has none: use off (2)"))
        }
        BACKGROUND_ON if !cfg!(target_has_atomic = "64") => {
            Err(msg!("background 1 (on) needs 64-bit atomic operations, which this target lacks: use off (2)"))
        }
        BACKGROUND_ON => Ok(true),
        BACKGROUND_AUTO => Ok(hosted && cfg!(target_has_atomic = "64") && crate::platform::cores() >= 2),
        _ => Err(background_unknown(requested)),
    }
}

/// [`background_of`] without threads (a board's build: every byte counts).
#[cfg(not(feature = "std"))]
fn background_of(requested: u32, _in_region: bool) -> Result<bool, Message> {
    match requested {
        crate::abi::BACKGROUND_AUTO | crate::abi::BACKGROUND_OFF => Ok(false),
        crate::abi::BACKGROUND_ON => {
            Err(msg!("background 1 (on) needs threads, and this build (no_std) has none: use off (2)"))
        }
        _ => Err(background_unknown(requested)),
    }
}

fn background_unknown(requested: u32) -> Message {
    msg!("background ", requested, " is not RGC_BACKGROUND_AUTO (0), RGC_BACKGROUND_ON (1) or RGC_BACKGROUND_OFF (2)")
}

/// Validates `region`, `region_size` and `meta_bytes` and splits the region.
fn region_of(c: &RgcConfig) -> Result<Option<Region>, Message> {
    if c.region.is_null() {
        if c.region_size != 0 {
            return Err(msg!("region is NULL but region_size is ", c.region_size));
        }
        return Ok(None);
    }
    let size = usize::try_from(c.region_size)
        .map_err(|_| msg!("region_size ", c.region_size, " does not fit in this address space"))?;
    let addr = c.region as usize;
    if addr % 8 != 0 {
        return Err(msg!("region ", c.region, " is not 8-byte aligned"));
    }
    if size < REGION_MIN || addr.checked_add(size).is_none() {
        return Err(msg!("region_size ", size, " is below the minimum of ", REGION_MIN, " (256K)"));
    }
    let base = (addr + 15) & !15;
    let len = (size - (base - addr)) & !15;
    let meta_bytes = match c.meta_bytes as usize {
        0 => (c.shadowstack_slots as usize).saturating_mul(core::mem::size_of::<usize>()).saturating_add(len / 32),
        n => n,
    };
    let meta_bytes = meta_bytes.saturating_add(15) & !15;
    // The heap needs its metadata, alignment slack and two blocks at least.
    let heap_min = 4 * 32 * 1024;
    if meta_bytes >= len || len - meta_bytes < heap_min {
        return Err(msg!(
            "meta_bytes ",
            meta_bytes,
            " (shadowstack_slots ",
            c.shadowstack_slots,
            " × 8 + region_size / 32 when meta_bytes is 0) leaves less than ",
            heap_min,
            " bytes of the ",
            size,
            "-byte region for the heap"
        ));
    }
    Ok(Some(Region { base, len, meta_bytes }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("4096"), Some(4096));
        assert_eq!(parse_size("64K"), Some(65536));
        assert_eq!(parse_size("3m"), Some(3 << 20));
        assert_eq!(parse_size("2G"), Some(2 << 30));
        assert_eq!(parse_size("12q"), None);
        assert_eq!(parse_size(""), None);
    }

    #[test]
    fn env_overrides_and_errors() {
        let c = default_c_config();
        let cfg = Config::from_c(&c, |k| (k == "RGC_HEAP_MAX").then(|| "8M".into())).unwrap();
        assert_eq!(cfg.heap_max, 8 << 20);
        let err = Config::from_c(&c, |k| (k == "RGC_TORTURE").then(|| "yes".into())).unwrap_err();
        assert!(err.contains("RGC_TORTURE='yes'"), "{err}");
        let mut no_env = c;
        no_env.flags = CONFIG_NO_ENV;
        assert_eq!(Config::from_c(&no_env, |_| Some("1".into())).unwrap(), Config::default());
        let mut bad = c;
        bad.struct_size = 12;
        assert!(Config::from_c(&bad, |_| None).unwrap_err().contains("struct_size is 12"));
        let err = Config::from_c(&c, |k| (k == "RGC_WINDOW_US").then(|| "10".into())).unwrap_err();
        assert!(err.contains("shorter than the pause budget") && err.contains("window_us 10"), "{err}");
        let err = Config::from_c(&c, |k| (k == "RGC_PAUSE_US").then(|| "0".into())).unwrap_err();
        assert!(err.contains("between 1 µs and 1 s"), "{err}");
        let capped = Config::from_c(&c, |k| (k == "RGC_HEAP_MAX").then(|| "1M".into())).unwrap();
        assert_eq!(capped.heap_initial, 1 << 20);
    }

    /// Both ways: CI also runs these tests with the feature off
    /// (`--no-default-features --features std`).
    #[test]
    fn verify_needs_the_verifier() {
        let mut c = default_c_config();
        c.flags = CONFIG_NO_ENV;
        c.verify = 1;
        match Config::from_c(&c, |_| None) {
            Ok(cfg) => assert!(HAS_VERIFIER && cfg.verifying()),
            Err(e) => assert!(!HAS_VERIFIER && e.contains("built without the heap verifier"), "{e}"),
        }
        c.verify = 0;
        assert!(!Config::from_c(&c, |_| None).unwrap().verifying());
    }

    /// A config (environment ignored) for a 256 KiB region in `region`.
    fn in_region(region: &mut [u128; 1 << 14]) -> RgcConfig {
        let mut c = default_c_config();
        c.flags = CONFIG_NO_ENV;
        c.region = region.as_mut_ptr().cast();
        c.region_size = core::mem::size_of_val(region) as u64;
        c.meta_bytes = 64 << 10;
        c
    }

    #[test]
    fn markers_resolve_to_the_cores_and_refuse_what_cannot_run() {
        let mut c = default_c_config();
        c.flags = CONFIG_NO_ENV;
        let cores = crate::platform::cores();
        assert!(cores >= 1);
        assert_eq!(Config::from_c(&c, |_| None).unwrap().markers, cores.min(MAX_MARKERS));
        c.markers = 1;
        assert_eq!(Config::from_c(&c, |_| None).unwrap().markers, 1);
        c.markers = MAX_MARKERS as u32;
        assert_eq!(Config::from_c(&c, |_| None).unwrap().markers, MAX_MARKERS, "more markers than cores is allowed");
        c.markers = MAX_MARKERS as u32 + 1;
        let err = Config::from_c(&c, |_| None).unwrap_err().to_string();
        assert!(err.contains("markers 9 is more than the maximum of 8"), "{err}");
        let env = Config::from_c(&default_c_config(), |k| (k == "RGC_MARKERS").then(|| "3".into())).unwrap();
        assert_eq!(env.markers, 3);
        let mut region = [0u128; 1 << 14];
        let mut c = in_region(&mut region);
        assert_eq!(Config::from_c(&c, |_| None).unwrap().markers, 1, "automatic is one marker in a region");
        c.markers = 2;
        let err = Config::from_c(&c, |_| None).unwrap_err().to_string();
        assert!(err.contains("markers 2 needs memory outside the region"), "{err}");
    }

    #[test]
    fn background_resolves_by_cores_and_refuses_what_cannot_run() {
        use crate::abi::{BACKGROUND_AUTO, BACKGROUND_OFF, BACKGROUND_ON};
        let mut c = default_c_config();
        c.flags = CONFIG_NO_ENV;
        assert_eq!(c.background, BACKGROUND_AUTO, "auto by default");
        let auto = Config::from_c(&c, |_| None).unwrap().background;
        assert_eq!(auto, crate::platform::cores() >= 2, "auto: on with two cores or more");
        c.background = BACKGROUND_ON;
        assert!(Config::from_c(&c, |_| None).unwrap().background, "on even with one core");
        c.background = BACKGROUND_OFF;
        assert!(!Config::from_c(&c, |_| None).unwrap().background);
        c.background = 3;
        let err = Config::from_c(&c, |_| None).unwrap_err().to_string();
        assert!(err.contains("background 3 is not RGC_BACKGROUND_AUTO (0)"), "{err}");
        let env =
            |getenv: fn(&str) -> Option<String>| Config::from_c(&default_c_config(), getenv).map(|c| c.background);
        assert!(env(|k| (k == "RGC_BACKGROUND").then(|| "on".into())).unwrap());
        assert!(env(|k| (k == "RGC_BACKGROUND").then(|| "1".into())).unwrap());
        assert!(!env(|k| (k == "RGC_BACKGROUND").then(|| "off".into())).unwrap());
        let err = env(|k| (k == "RGC_BACKGROUND").then(|| "maybe".into())).unwrap_err().to_string();
        assert!(err.contains("RGC_BACKGROUND='maybe' is not auto, on or off"), "{err}");
        let mut region = [0u128; 1 << 14];
        let mut c = in_region(&mut region);
        c.background = BACKGROUND_AUTO;
        assert!(!Config::from_c(&c, |_| None).unwrap().background, "auto is off in a region");
        c.background = BACKGROUND_ON;
        let err = Config::from_c(&c, |_| None).unwrap_err().to_string();
        assert!(err.contains("background 1 (on) needs memory outside the region"), "{err}");
    }

    #[test]
    fn pacing_is_late_by_default_and_takes_names() {
        let mut c = default_c_config();
        c.flags = CONFIG_NO_ENV;
        assert_eq!(Config::from_c(&c, |_| None).unwrap().pacing, Pacing::Late, "late by default");
        c.pacing = crate::abi::PACING_EVEN;
        assert_eq!(Config::from_c(&c, |_| None).unwrap().pacing, Pacing::Even);
        c.pacing = 5;
        let err = Config::from_c(&c, |_| None).unwrap_err().to_string();
        assert!(err.contains("pacing 5 is not RGC_PACING_LATE (0) or _EVEN (1)"), "{err}");
        let env = |getenv: fn(&str) -> Option<String>| Config::from_c(&default_c_config(), getenv).map(|c| c.pacing);
        assert_eq!(env(|k| (k == "RGC_PACING").then(|| "even".into())).unwrap(), Pacing::Even);
        assert_eq!(env(|k| (k == "RGC_PACING").then(|| "0".into())).unwrap(), Pacing::Late);
        let err = env(|k| (k == "RGC_PACING").then(|| "smooth".into())).unwrap_err().to_string();
        assert!(err.contains("RGC_PACING='smooth' is not late or even"), "{err}");
        assert_eq!(Pacing::Even.name(), "even");
        // Even pacing is the mutators' own: auto gives no collector thread, on is refused.
        let mut c = default_c_config();
        c.flags = CONFIG_NO_ENV;
        c.pacing = crate::abi::PACING_EVEN;
        assert!(!Config::from_c(&c, |_| None).unwrap().background, "even pacing: auto is off");
        c.background = crate::abi::BACKGROUND_ON;
        let err = Config::from_c(&c, |_| None).unwrap_err().to_string();
        assert!(err.contains("pacing 1 (even)") && err.contains("background 1 (on)"), "{err}");
    }

    #[test]
    fn a_region_is_validated_and_split() {
        // u128: 16-byte aligned, so the region is not trimmed (Miri's
        // allocations of u64s are often only 8-byte aligned).
        let mut buf = alloc::vec![0u128; (1 << 20) / 16];
        let mut c = default_c_config();
        c.flags = CONFIG_NO_ENV;
        c.shadowstack_slots = 1024;
        c.region_size = 4096;
        let err = Config::from_c(&c, |_| None).unwrap_err();
        assert!(err.contains("region is NULL but region_size is 4096"), "{err}");
        c.region = buf.as_mut_ptr().cast();
        let err = Config::from_c(&c, |_| None).unwrap_err();
        assert!(err.contains("region_size 4096 is below the minimum"), "{err}");
        c.region_size = 1 << 20;
        let r = Config::from_c(&c, |_| None).unwrap().region.expect("region mode");
        assert_eq!((r.base, r.len), (buf.as_ptr() as usize, 1 << 20));
        assert_eq!(r.meta_bytes, 1024 * 8 + (1 << 20) / 32, "automatic split");
        assert_eq!(r.heap_part(), (r.base + r.meta_bytes, (1 << 20) - r.meta_bytes));
        c.meta_bytes = 1000 << 10;
        let err = Config::from_c(&c, |_| None).unwrap_err();
        assert!(err.contains("meta_bytes 1024000") && err.contains("less than"), "{err}");
        c.meta_bytes = 0;
        c.region = buf.as_mut_ptr().cast::<u8>().wrapping_add(4).cast();
        let err = Config::from_c(&c, |_| None).unwrap_err();
        assert!(err.contains("not 8-byte aligned"), "{err}");
    }
}
