//! The scenarios and the collectors ("contenders") the harness runs them on.

use std::path::Path;

/// One C scenario in `c/`.
pub struct Scenario {
    pub name: &'static str,
    pub source: &'static str,
    pub summary: &'static str,
    /// Takes `live_mb=` (its live data is a parameter).
    pub sized: bool,
    /// Reports a latency per tick or request.
    pub latency: Option<&'static str>,
    /// Parameters for `--quick` (CI smoke runs): small and fast.
    pub quick: &'static [(&'static str, &'static str)],
}

pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "control-loop",
        source: "control_loop.c",
        summary: "1 kHz periodic task, a few KB per tick, sliding window of live data, deadline per tick",
        sized: true,
        latency: Some("tick response"),
        quick: &[("duration_s", "0.3"), ("live_mb", "2")],
    },
    Scenario {
        name: "gcbench",
        source: "gcbench.c",
        summary: "GCBench binary trees (top-down, bottom-up) with a long-lived tree and array",
        sized: false,
        latency: None,
        quick: &[("long_depth", "12"), ("max_depth", "12"), ("array", "50000")],
    },
    Scenario {
        name: "lru-cache",
        source: "lru_cache.c",
        summary: "large long-lived hash map with LRU eviction and steady churn",
        sized: true,
        latency: None,
        quick: &[("ops", "50000"), ("live_mb", "2")],
    },
    Scenario {
        name: "request-server",
        source: "request_server.c",
        summary: "embedded web server: parse requests into objects, session table, build responses",
        sized: true,
        latency: Some("request"),
        quick: &[("requests", "5000"), ("live_mb", "1")],
    },
    Scenario {
        name: "richards",
        source: "richards.c",
        summary: "OS scheduler simulation: mostly mutator work and pointer stores",
        sized: false,
        latency: None,
        quick: &[("iterations", "200")],
    },
];

pub fn find_scenario(name: &str) -> Result<&'static Scenario, String> {
    SCENARIOS.iter().find(|s| s.name == name).ok_or_else(|| {
        let names: Vec<_> = SCENARIOS.iter().map(|s| s.name).collect();
        format!("unknown scenario '{name}'; the scenarios are: {}", names.join(", "))
    })
}

/// What a scenario is linked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contender {
    /// An rgc collector, by its `--gc` name.
    Rgc(&'static str),
    /// The system's bdwgc behind the same ABI (`c/bdw_rgc.c`), optionally
    /// with `GC_enable_incremental`.
    Bdw { incremental: bool },
    /// `incremental` with its collector thread (`rgc_config.background`
    /// on; the scenario is compiled with `-DSC_BACKGROUND`).
    IncrementalBackground,
}

impl Contender {
    pub fn name(&self) -> &'static str {
        match self {
            Contender::Rgc(n) => n,
            Contender::Bdw { incremental: false } => "bdw",
            Contender::Bdw { incremental: true } => "bdw-inc",
            Contender::IncrementalBackground => "incremental-bg",
        }
    }
    /// `none` never collects: it runs without a heap limit as the baseline.
    pub fn is_baseline(&self) -> bool {
        *self == Contender::Rgc("none")
    }
}

/// Every rgc collector, incremental-bg after incremental, then bdw and bdw-inc.
pub fn all_contenders() -> Vec<Contender> {
    let mut v: Vec<Contender> = Vec::new();
    for c in rgc_cli::COLLECTORS {
        v.push(Contender::Rgc(c.name));
        if c.name == "incremental" {
            v.push(Contender::IncrementalBackground);
        }
    }
    v.push(Contender::Bdw { incremental: false });
    v.push(Contender::Bdw { incremental: true });
    v
}

pub fn find_contender(name: &str) -> Result<Contender, String> {
    all_contenders().into_iter().find(|c| c.name() == name).ok_or_else(|| {
        let names: Vec<_> = all_contenders().iter().map(|c| c.name()).collect();
        format!("unknown collector '{name}'; the choices are: {}", names.join(", "))
    })
}

/// Why bdw cannot run here, if it cannot: the harness links bdwgc's static
/// library (so its code size is comparable) and needs its header.
pub fn bdw_unavailable() -> Option<String> {
    let header = Path::new("/usr/include/gc/gc.h");
    if !header.exists() {
        return Some("bdwgc's header /usr/include/gc/gc.h is missing (apt-get install libgc-dev)".into());
    }
    if bdw_static_lib().is_none() {
        return Some("bdwgc's static library libgc.a is missing (apt-get install libgc-dev)".into());
    }
    None
}

pub fn bdw_static_lib() -> Option<std::path::PathBuf> {
    [
        "/usr/lib/x86_64-linux-gnu/libgc.a",
        "/usr/lib/aarch64-linux-gnu/libgc.a",
        "/usr/lib/libgc.a",
        "/usr/local/lib/libgc.a",
    ]
    .iter()
    .map(std::path::PathBuf::from)
    .find(|p| p.exists())
}
