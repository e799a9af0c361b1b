//! Collector phase events.
//!
//! Every collector brackets its work in [`Phase`]s and reports each start and
//! end, with a `CLOCK_MONOTONIC` timestamp, to the listener the program
//! installed with `rgc_set_event_listener`. [`Phase::Pause`] brackets exactly
//! the time the mutator is stopped (a whole stop-the-world collection, or one
//! increment); the pause statistics are computed from the same timestamps the
//! listener sees, so the two can never disagree.

use crate::abi::{EventListener, RgcEvent};
use crate::platform::now_ns;
use core::ffi::{c_void, CStr};

pub const EVENT_START: u32 = 0;
pub const EVENT_END: u32 = 1;

/// Collector phases (`rgc_phase` in the header). Values are ABI.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The mutator is stopped: encloses every other phase of a pause.
    Pause = 0,
    /// Scanning shadow stacks and global roots.
    Roots = 1,
    /// Transitive marking.
    Mark = 2,
    /// Clearing weak references whose referents died.
    Weak = 3,
    /// Keeping objects reachable from dead finalizable objects alive.
    FinalizeMark = 4,
    /// Reclaiming unmarked objects.
    Sweep = 5,
    /// Returning free blocks to the operating system.
    Release = 6,
    /// Running user finalizers (outside the pause).
    Finalizers = 7,
    /// An incremental cycle finished synchronously because the heap ran
    /// out (inside a [`Phase::Pause`]; also counted in `rgc_stats.overruns`).
    Overrun = 8,
    /// Reference counting: the zero-count table is checked against the
    /// roots, and objects no longer referenced are freed.
    Reconcile = 9,
    /// Reference counting: trial deletion over candidate cycle roots.
    Cycles = 10,
    /// Stopping the world: from raising the other threads' safepoint flags
    /// until every one is parked (the time to safepoint). Reported only
    /// when another thread is attached; it precedes the pause it enables.
    Safepoint = 11,
    /// Collector work on the incremental collector's background thread
    /// while the mutators run: not a pause. The phases it does (`Mark`,
    /// `Sweep`, ...) nest inside it; a handshake with the mutators is a
    /// [`Phase::Pause`] of its own, outside it.
    Background = 12,
}

/// Phase names, NUL-terminated so `rgc_phase_name` can hand them to C as is.
pub const PHASE_NAMES: [&CStr; 13] = [
    c"pause",
    c"roots",
    c"mark",
    c"weak",
    c"finalize-mark",
    c"sweep",
    c"release",
    c"finalizers",
    c"overrun",
    c"reconcile",
    c"cycles",
    c"safepoint",
    c"background",
];

impl Phase {
    pub fn name(self) -> &'static str {
        // The names are ASCII literals; the fallback is unreachable.
        PHASE_NAMES[self as usize].to_str().unwrap_or("?")
    }
}

/// Delivers events and keeps the pause statistics derived from them.
pub struct EventSink {
    listener: Option<EventListener>,
    user: *mut c_void,
    pause_start: u64,
    /// Between a pause's start and end events.
    in_pause: bool,
    /// Cycle number reported in events; collectors bump it per cycle.
    pub cycle: u64,
    pub total_pause_ns: u64,
    pub max_pause_ns: u64,
    pub pauses: u64,
}

impl Default for EventSink {
    fn default() -> Self {
        EventSink {
            listener: None,
            user: core::ptr::null_mut(),
            pause_start: 0,
            in_pause: false,
            cycle: 0,
            total_pause_ns: 0,
            max_pause_ns: 0,
            pauses: 0,
        }
    }
}

impl EventSink {
    pub fn set_listener(&mut self, listener: Option<EventListener>, user: *mut c_void) {
        self.listener = listener;
        self.user = user;
    }

    #[inline]
    fn emit(&self, kind: u32, phase: Phase, t: u64) {
        if let Some(listener) = self.listener {
            let ev = RgcEvent { kind, phase: phase as u32, timestamp_ns: t, cycle: self.cycle };
            // SAFETY: the program registered this callback through
            // rgc_set_event_listener, whose contract makes it callable with
            // an event pointer and its own user pointer.
            unsafe { listener(&ev, self.user) };
        }
    }

    /// Marks the start of `phase` and returns its timestamp.
    pub fn start(&mut self, phase: Phase) -> u64 {
        let t = now_ns();
        if phase == Phase::Pause {
            self.pause_start = t;
            self.in_pause = true;
        }
        self.emit(EVENT_START, phase, t);
        t
    }

    /// Marks the end of `phase` and returns its timestamp.
    pub fn end(&mut self, phase: Phase) -> u64 {
        let t = now_ns();
        if phase == Phase::Pause {
            let d = t.saturating_sub(self.pause_start);
            self.in_pause = false;
            self.total_pause_ns += d;
            self.max_pause_ns = self.max_pause_ns.max(d);
            self.pauses += 1;
        }
        self.emit(EVENT_END, phase, t);
        t
    }

    /// A pause that has already happened, from `start` to now (a thread
    /// that waited for the collector lock, measured by the thread itself):
    /// its start and end events are delivered now, with those timestamps.
    pub fn record_pause(&mut self, start: u64) -> u64 {
        let t = now_ns();
        let d = t.saturating_sub(start);
        self.total_pause_ns += d;
        self.max_pause_ns = self.max_pause_ns.max(d);
        self.pauses += 1;
        self.emit(EVENT_START, Phase::Pause, start);
        self.emit(EVENT_END, Phase::Pause, t);
        t
    }

    /// A phase outside any pause that has already happened, from `start`
    /// to now (the collector thread's marking without the lock, whose
    /// events wait until it holds the lock again): both events are
    /// delivered now, with those timestamps.
    pub fn record_span(&mut self, phase: Phase, start: u64) -> u64 {
        let t = now_ns();
        self.emit(EVENT_START, phase, start);
        self.emit(EVENT_END, phase, t);
        t
    }

    /// Every pause's time up to `now` (from [`now_ns`]), the one in
    /// progress included.
    pub fn pause_total_at(&self, now: u64) -> u64 {
        match self.in_pause {
            true => self.total_pause_ns + now.saturating_sub(self.pause_start),
            false => self.total_pause_ns,
        }
    }

    /// Runs `f` bracketed by `phase` events.
    #[inline]
    pub fn timed<R>(&mut self, phase: Phase, f: impl FnOnce(&mut Self) -> R) -> R {
        self.start(phase);
        let r = f(self);
        self.end(phase);
        r
    }
}
