//! # rgc-tests: what every collector must pass
//!
//! - `tests/conformance.rs` compiles each program in `c/` with `rgc cc`'s
//!   toolchain for every collector in [`rgc_cli::COLLECTORS`] and runs it
//!   normally, then in torture mode with the heap verifier, then the misuse
//!   cases, each of which must stop with its documented message.
//! - [`diff`] is the randomized differential tester: a seeded generator of
//!   mutator programs run through the C ABI (by `c/difftest.c`) and against
//!   a reference model in Rust.
//!
//! A new collector joins both by being listed in `COLLECTORS`.

pub mod diff;

use rgc_cli::{Link, Toolchain};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};

/// Directory of the C test programs.
pub fn c_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("c")
}

/// The toolchain, with every collector library built once per process.
pub fn toolchain() -> &'static Toolchain {
    static TC: OnceLock<Toolchain> = OnceLock::new();
    TC.get_or_init(|| {
        let tc = Toolchain::for_profile("dev");
        tc.ensure_built(&rgc_cli::collector_names()).unwrap_or_else(|e| panic!("{e}"));
        tc
    })
}

/// Torture mode with the verifier, and three markers, so that every
/// collection (however small, and on a machine of any core count) marks
/// in parallel where the collector can.
///
/// The incremental collector runs it time-sliced (with its collector
/// thread, it is [`BACKGROUND_TORTURE`]).
pub const TORTURE: &[(&str, &str)] =
    &[("RGC_TORTURE", "1"), ("RGC_VERIFY", "1"), ("RGC_MARKERS", "3"), ("RGC_BACKGROUND", "off")];

/// The incremental collector without its collector thread, whatever the
/// default of `RGC_BACKGROUND`.
pub const TIME_SLICING: &[(&str, &str)] = &[("RGC_BACKGROUND", "off")];

/// The incremental collector's collector thread (`RGC_BACKGROUND`), at
/// full scale. (`c/background.c` turns the verifier on itself: it checks
/// the colours after every slice of the thread's work, walking the heap.)
pub const BACKGROUND: &[(&str, &str)] = &[("RGC_BACKGROUND", "on")];

/// [`BACKGROUND`] with the verifier, for small programs (the differential
/// tester's).
pub const BACKGROUND_VERIFY: &[(&str, &str)] = &[("RGC_BACKGROUND", "on"), ("RGC_VERIFY", "1")];

/// [`BACKGROUND`] under torture mode: every allocation also runs a tiny
/// increment on the mutator's thread, so the two interleave at random.
pub const BACKGROUND_TORTURE: &[(&str, &str)] =
    &[("RGC_BACKGROUND", "on"), ("RGC_VERIFY", "1"), ("RGC_TORTURE", "1"), ("RGC_MARKERS", "3")];

/// The incremental collector's even pacing (`RGC_PACING`), at full scale:
/// cycles start as soon as the heap needs them, at the share it needs.
pub const EVEN_PACING: &[(&str, &str)] = &[("RGC_PACING", "even"), ("RGC_BACKGROUND", "off")];

/// The environments a program runs in for collector `gc`: plain (for the
/// incremental collector [`TIME_SLICING`]), torture, and for the
/// incremental collector [`EVEN_PACING`], [`BACKGROUND`] and
/// [`BACKGROUND_TORTURE`].
pub fn environments(gc: &str) -> Vec<&'static [(&'static str, &'static str)]> {
    if gc != "incremental" {
        return vec![&[][..], TORTURE];
    }
    vec![TIME_SLICING, TORTURE, EVEN_PACING, BACKGROUND, BACKGROUND_TORTURE]
}

/// Flags every C test program is compiled with.
pub const C_FLAGS: &[&str] =
    &["-O1", "-g", "-std=gnu11", "-Wall", "-Werror", "-Wno-unused-function", "-Wno-unused-variable"];

/// Runs `compile(tmp)` to produce `exe` once per process, unless an earlier
/// call already did; returns `exe`.
///
/// Tests run in parallel threads: the lock makes the first caller compile
/// while the others wait, and the compiler writes a temporary file that is
/// renamed into place, so nobody executes a half-written binary.
pub fn build_once(exe: PathBuf, compile: impl FnOnce(&Path)) -> PathBuf {
    static BUILT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if built.contains(&exe) {
        return exe;
    }
    std::fs::create_dir_all(exe.parent().expect("a file path")).unwrap();
    let tmp = exe.with_extension(format!("tmp{}", std::process::id()));
    compile(&tmp);
    std::fs::rename(&tmp, &exe).unwrap();
    built.push(exe.clone());
    exe
}

/// Compiles `c/<name>.c` for `gc` (once per process) and returns the binary.
pub fn build(gc: &str, name: &str) -> PathBuf {
    let exe = toolchain().lib_dir.join("rgc-tests").join(gc).join(name);
    build_once(exe, |tmp| {
        let src = c_dir().join(format!("{name}.c"));
        let mut args: Vec<String> = C_FLAGS.iter().map(|f| f.to_string()).collect();
        args.extend([
            format!("-I{}", c_dir().display()),
            src.display().to_string(),
            "-o".into(),
            tmp.display().to_string(),
        ]);
        toolchain().compile(gc, &args, Link::Static).unwrap_or_else(|e| panic!("{e}"));
    })
}

/// Functions rgc must not call in region mode: `c/rgct_region.h` defines a
/// trap `rgct_trapped_<name>` for each.
pub const TRAPPED: &[&str] = &[
    "malloc",
    "calloc",
    "realloc",
    "free",
    "posix_memalign",
    "aligned_alloc",
    "memalign",
    "mmap",
    "mmap64",
    "munmap",
    "mremap",
    "madvise",
];

/// `librgc_<gc>.a` with every call to a [`TRAPPED`] function renamed to
/// its trap (`objcopy --redefine-sym`), so that a region-mode program
/// linked with it aborts if rgc ever reaches the system allocator.
pub fn trapped_lib(gc: &str) -> PathBuf {
    let out = toolchain().lib_dir.join("rgc-tests").join("trapped").join(format!("librgc_{gc}.a"));
    build_once(out, |tmp| {
        let mut cmd = Command::new("objcopy");
        for f in TRAPPED {
            cmd.arg(format!("--redefine-sym={f}=rgct_trapped_{f}"));
        }
        let status = cmd
            .arg(toolchain().static_lib(gc))
            .arg(tmp)
            .status()
            .unwrap_or_else(|e| panic!("cannot run objcopy (binutils): {e}"));
        assert!(status.success(), "objcopy failed on librgc_{gc}.a");
    })
}

/// [`build`] for region mode: `c/<name>.c` with the traps of
/// `c/rgct_region.h`, linked with [`trapped_lib`].
pub fn build_region(gc: &str, name: &str) -> PathBuf {
    let exe = toolchain().lib_dir.join("rgc-tests").join("region").join(gc).join(name);
    let lib = trapped_lib(gc);
    build_once(exe, |tmp| {
        let src = c_dir().join(format!("{name}.c"));
        let mut args: Vec<String> = C_FLAGS.iter().map(|f| f.to_string()).collect();
        args.extend([
            "-DRGCT_TRAP_SYSTEM_ALLOC".into(),
            format!("-I{}", c_dir().display()),
            src.display().to_string(),
            "-o".into(),
            tmp.display().to_string(),
        ]);
        let cc = toolchain().cc_command(gc, &args, Link::Static);
        let plain = toolchain().static_lib(gc);
        let out = Command::new(cc.get_program())
            .args(cc.get_args().map(|a| if Path::new(a) == plain { lib.as_os_str() } else { a }))
            .output()
            .unwrap_or_else(|e| panic!("cannot run the C compiler: {e}"));
        assert!(out.status.success(), "compiling {name} for region mode failed:\n{}", describe(&out));
    })
}

/// Runs `exe` with the collector's property variables and `env`.
pub fn run(gc: &str, exe: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let info = rgc_cli::find_collector(gc).unwrap();
    let mut cmd = Command::new(exe);
    cmd.args(args)
        .env("RGCT_PRECISE", if info.precise { "1" } else { "0" })
        .env("RGCT_COLLECTS", if info.collects { "1" } else { "0" })
        .env_remove("RGC_TORTURE")
        .env_remove("RGC_VERIFY")
        .env_remove("RGC_HEAP_MAX")
        .env_remove("RGC_PACING")
        .env_remove("RGC_BACKGROUND");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()))
}

/// A readable summary of a finished process.
pub fn describe(out: &Output) -> String {
    format!(
        "status: {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
