//! # rgc-cli: compiling and linking C programs against a collector
//!
//! The one place that knows which collectors exist ([`COLLECTORS`]), where
//! their libraries and `rgc.h` live ([`Toolchain`]), and how to call the C
//! compiler so that a program gets the collector's inline fast paths
//! (`-DRGC_GC_<NAME>`) and its library. The `rgc` binary, the tests and the
//! benchmark harness all go through here, so they link exactly the same way.
//!
//! Inside a source checkout, the toolchain runs `cargo build` for the
//! requested collector before linking (a no-op when it is fresh), so a
//! program never links a stale library. With `RGC_LIB_DIR` set it uses the
//! libraries found there and builds nothing.

pub mod board;
pub mod size;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A collector that `--gc=NAME` accepts.
pub struct CollectorInfo {
    pub name: &'static str,
    pub summary: &'static str,
    /// Whether a full collection frees exactly the unreachable objects.
    pub precise: bool,
    /// Whether it ever frees anything.
    pub collects: bool,
    /// Whether attached threads run at once (`gc_api::Threads::Concurrent`);
    /// refcount runs one thread.
    pub threads: bool,
}

/// Every collector, in the order tables list them.
pub const COLLECTORS: &[CollectorInfo] = &[
    CollectorInfo {
        name: "marksweep",
        summary: "precise stop-the-world mark-sweep over shadow-stack roots",
        precise: true,
        collects: true,
        threads: true,
    },
    CollectorInfo {
        name: "conservative",
        summary: "Boehm-style mark-sweep: roots found by scanning the C stack, registers and data segments",
        precise: false,
        collects: true,
        threads: true,
    },
    CollectorInfo {
        name: "incremental",
        summary: "real-time incremental mark-sweep: pauses bounded by RGC_PAUSE_US, time-paced",
        precise: true,
        collects: true,
        threads: true,
    },
    CollectorInfo {
        name: "refcount",
        summary: "deferred reference counting with trial-deletion cycle collection: frees garbage promptly",
        precise: true,
        collects: true,
        threads: false,
    },
    CollectorInfo {
        name: "none",
        summary: "allocates and never frees (the baseline for overhead)",
        precise: false,
        collects: false,
        threads: true,
    },
];

/// Looks a collector up, with an error that lists the valid names.
pub fn find_collector(name: &str) -> Result<&'static CollectorInfo, String> {
    COLLECTORS.iter().find(|c| c.name == name).ok_or_else(|| {
        format!(
            "unknown collector '{name}'; valid collectors: {} (rgc cc --gc=help describes them)",
            collector_names().join(", ")
        )
    })
}

pub fn collector_names() -> Vec<&'static str> {
    COLLECTORS.iter().map(|c| c.name).collect()
}

/// The `--gc=help` text.
pub fn collectors_help() -> String {
    let mut s = String::from("collectors (--gc=NAME):\n");
    for c in COLLECTORS {
        s += &format!("  {:<10} {}\n", c.name, c.summary);
    }
    s
}

/// The header, embedded so that a binary and its header always agree.
pub const RGC_H: &str = include_str!("../../../include/rgc.h");

/// How to link the collector library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Static,
    Shared,
}

/// Where libraries come from and how to build them.
#[derive(Debug, Clone)]
pub struct Toolchain {
    /// Directory holding `librgc_<name>.a` / `.so`.
    pub lib_dir: PathBuf,
    /// Directory holding `rgc.h`.
    pub include_dir: PathBuf,
    /// `Some(profile)` when libraries are built from this source checkout.
    pub cargo_profile: Option<String>,
    pub cc: String,
}

/// Runs `cmd` to completion, naming the program if it cannot start.
pub(crate) fn run_tool(cmd: &mut Command) -> Result<Output, String> {
    cmd.output().map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target"))
}

/// Where [`Toolchain::ensure_boehm`] put the Boehm-compatible library.
#[derive(Debug, Clone)]
pub struct BoehmLib {
    pub static_lib: PathBuf,
    /// Holds `libgc.so.1`: put it on `LD_LIBRARY_PATH`.
    pub so_dir: PathBuf,
    /// Holds `gc.h` and `gc/gc.h`.
    pub include_dir: PathBuf,
}

impl Toolchain {
    /// The toolchain for a checkout build with cargo profile `profile`
    /// (`dev` or `release`).
    pub fn for_profile(profile: &str) -> Toolchain {
        let dir = if profile == "dev" { "debug" } else { profile };
        let lib_dir = target_dir().join(dir);
        Toolchain {
            include_dir: workspace_root().join("include"),
            lib_dir,
            cargo_profile: Some(profile.to_string()),
            cc: std::env::var("CC").unwrap_or_else(|_| "cc".into()),
        }
    }

    /// What the `rgc` binary uses: `RGC_LIB_DIR` if set, else the checkout
    /// build that matches the directory the binary runs from.
    pub fn discover() -> Result<Toolchain, String> {
        if let Some(dir) = std::env::var_os("RGC_LIB_DIR") {
            let lib_dir = PathBuf::from(dir);
            let include_dir = lib_dir.join("include");
            write_header(&include_dir)?;
            return Ok(Toolchain {
                lib_dir,
                include_dir,
                cargo_profile: None,
                cc: std::env::var("CC").unwrap_or_else(|_| "cc".into()),
            });
        }
        let exe = std::env::current_exe().map_err(|e| format!("cannot locate the rgc binary: {e}"))?;
        let profile =
            if exe.parent().and_then(|p| p.file_name()).is_some_and(|n| n == "release") { "release" } else { "dev" };
        if !workspace_root().join("Cargo.toml").exists() {
            return Err(format!(
                "the rgc source checkout ({}) is gone and RGC_LIB_DIR is not set: point RGC_LIB_DIR at a directory with librgc_<name>.a",
                workspace_root().display()
            ));
        }
        Ok(Toolchain::for_profile(profile))
    }

    pub fn static_lib(&self, gc: &str) -> PathBuf {
        self.lib_dir.join(format!("librgc_{gc}.a"))
    }

    pub fn shared_lib(&self, gc: &str) -> PathBuf {
        self.lib_dir.join(format!("librgc_{gc}.so"))
    }

    /// Builds the collector's libraries in a checkout (a no-op when fresh);
    /// elsewhere checks that they exist.
    pub fn ensure_built(&self, gcs: &[&str]) -> Result<(), String> {
        for gc in gcs {
            find_collector(gc)?;
        }
        if let Some(profile) = &self.cargo_profile {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let mut cmd = Command::new(cargo);
            cmd.current_dir(workspace_root()).args(["build", "--quiet", "--profile", profile]);
            for gc in gcs {
                cmd.args(["-p", &format!("rgc-{gc}")]);
            }
            let status = cmd.status().map_err(|e| format!("cannot run cargo to build the collector libraries: {e}"))?;
            if !status.success() {
                return Err(format!("building the collector libraries for {gcs:?} failed ({status})"));
            }
        }
        for gc in gcs {
            let lib = self.static_lib(gc);
            if !lib.exists() {
                return Err(format!("collector library {} is missing", lib.display()));
            }
        }
        Ok(())
    }

    /// The compiler command for `args` linked against collector `gc`.
    pub fn cc_command(&self, gc: &str, args: &[String], link: Link) -> Command {
        let mut cmd = Command::new(&self.cc);
        cmd.arg(format!("-I{}", self.include_dir.display()));
        cmd.arg(format!("-DRGC_GC_{}", gc.to_ascii_uppercase()));
        cmd.args(args);
        match link {
            Link::Static => {
                cmd.arg(self.static_lib(gc));
            }
            Link::Shared => {
                cmd.arg(format!("-L{}", self.lib_dir.display()));
                cmd.arg(format!("-lrgc_{gc}"));
                cmd.arg(format!("-Wl,-rpath,{}", self.lib_dir.display()));
            }
        }
        cmd.args(["-lpthread", "-ldl", "-lm"]);
        cmd
    }

    /// Links `librgc_<gc>.so` from the static library when it is missing or
    /// older. Done here rather than as a cargo `cdylib` because rustc's
    /// version script hides C symbols, and generated code must reach the
    /// C-defined thread-local `rgc_thread`; our script exports exactly `rgc_*`.
    pub fn ensure_shared(&self, gc: &str) -> Result<PathBuf, String> {
        let a = self.static_lib(gc);
        let so = self.shared_lib(gc);
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        if modified(&so).is_some() && modified(&so) >= modified(&a) {
            return Ok(so);
        }
        let script = self.lib_dir.join("rgc-exports.map");
        std::fs::write(&script, "{ global: rgc_*; local: *; };\n")
            .map_err(|e| format!("cannot write {}: {e}", script.display()))?;
        let out = Command::new(&self.cc)
            .arg("-shared")
            .arg("-o")
            .arg(&so)
            .arg("-Wl,--whole-archive")
            .arg(&a)
            .arg("-Wl,--no-whole-archive")
            .arg("-Wl,--gc-sections")
            .arg(format!("-Wl,--version-script={}", script.display()))
            .args(["-lpthread", "-ldl", "-lm"])
            .output()
            .map_err(|e| format!("cannot run '{}' to link {}: {e}", self.cc, so.display()))?;
        if !out.status.success() {
            return Err(format!("linking {} failed:\n{}", so.display(), String::from_utf8_lossy(&out.stderr)));
        }
        Ok(so)
    }

    /// Builds the Boehm-compatible library (`libs/boehm`) in a checkout and
    /// returns where it is: `libgc.a`, and a directory holding `libgc.so.1`
    /// for `LD_LIBRARY_PATH` (a link to cargo's `libgc.so`).
    pub fn ensure_boehm(&self) -> Result<BoehmLib, String> {
        let profile = self.cargo_profile.as_deref().ok_or("the Boehm layer is built from a source checkout")?;
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .current_dir(workspace_root())
            .args(["build", "--quiet", "--profile", profile, "-p", "rgc-boehm"])
            .status()
            .map_err(|e| format!("cannot run cargo to build libs/boehm: {e}"))?;
        if !status.success() {
            return Err(format!("building libs/boehm failed ({status})"));
        }
        let so_dir = self.lib_dir.join("boehm-so");
        std::fs::create_dir_all(&so_dir).map_err(|e| format!("cannot create {}: {e}", so_dir.display()))?;
        let link = so_dir.join("libgc.so.1");
        if std::fs::read_link(&link).is_err() {
            std::os::unix::fs::symlink(self.lib_dir.join("libgc.so"), &link)
                .map_err(|e| format!("cannot link {}: {e}", link.display()))?;
        }
        Ok(BoehmLib {
            static_lib: self.lib_dir.join("libgc.a"),
            so_dir,
            include_dir: workspace_root().join("libs/boehm/include"),
        })
    }

    /// Builds (if needed) and compiles; returns an error with the
    /// compiler's output on failure.
    pub fn compile(&self, gc: &str, args: &[String], link: Link) -> Result<(), String> {
        self.ensure_built(&[gc])?;
        if link == Link::Shared {
            self.ensure_shared(gc)?;
        }
        let out = self
            .cc_command(gc, args, link)
            .output()
            .map_err(|e| format!("cannot run the C compiler '{}': {e}", self.cc))?;
        if !out.status.success() {
            return Err(format!(
                "C compilation against --gc={gc} failed ({}):\n{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(())
    }
}

fn write_header(dir: &Path) -> Result<(), String> {
    let path = dir.join("rgc.h");
    if std::fs::read_to_string(&path).ok().as_deref() == Some(RGC_H) {
        return Ok(());
    }
    std::fs::create_dir_all(dir)
        .and_then(|_| std::fs::write(&path, RGC_H))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The knob table printed by `rgc config`.
pub fn config_table() -> String {
    let mut s = format!("{:<24} {:<18} {:>12}  {}\n", "environment", "rgc_config field", "default", "meaning");
    for k in gc_api::config::KNOBS {
        s += &format!("{:<24} {:<18} {:>12}  {} [{}]\n", k.env, k.field, k.default, k.doc, k.unit);
    }
    s
}
