//! Bare-metal builds: a collector library without `std` for a board, C
//! programs linked against it with the board's GCC, and a run on QEMU.
//!
//! The board support itself is C in `embedded/<board>/` (reset, the rgc
//! platform hooks, newlib's system calls over semihosting, a linker
//! script); this module only knows how to call the tools. The same steps
//! by hand are in the README ("On a board without an operating system").

use crate::{run_tool, workspace_root};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Collectors that build without `std`. `conservative` scans thread stacks
/// and the loader's data segments, which a board without an OS does not
/// describe.
pub const NO_STD_COLLECTORS: &[&str] = &["none", "marksweep", "incremental", "refcount"];

/// A board: the Rust target its libraries are built for, its C compiler,
/// and how QEMU emulates it.
pub struct Board {
    /// Directory under `embedded/` with `board.c` and `link.ld`.
    pub name: &'static str,
    pub rust_target: &'static str,
    pub cc: &'static str,
    /// Size tool of the same binutils.
    pub size_tool: &'static str,
    pub cflags: &'static [&'static str],
    /// Link arguments that go before the collector's library, so that the
    /// C library's memory routines serve it (see [`MPS2_AN386`]).
    pub libc_first: &'static [&'static str],
    /// The QEMU command, without `-kernel <elf>`.
    pub qemu: &'static [&'static str],
}

/// Arm's MPS2 with the AN386 image: a Cortex-M4F with 4 MB of code RAM,
/// 4 MB of data RAM and 16 MB of PSRAM. `-icount shift=3` runs one
/// instruction per 8 virtual nanoseconds, a 125 MHz core retiring one
/// instruction per cycle, the class of a Cortex-M4 or M7 board. Every time
/// the program reads, pause times included, is then an instruction count
/// (ns / 8): the same on every run and every host.
pub const MPS2_AN386: Board = Board {
    name: "mps2-an386",
    rust_target: "thumbv7em-none-eabihf",
    cc: "arm-none-eabi-gcc",
    size_tool: "arm-none-eabi-size",
    cflags: &["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"],
    // Rust code on Arm calls the EABI memory routines, and the Rust
    // library carries its own copies (compiler_builtins, 2.3 KB more than
    // newlib-nano's). Asking for newlib's first makes the linker take them
    // from libc, and compiler_builtins' weak ones are never pulled in.
    libc_first: &[
        "-Wl,-u,__aeabi_memcpy,-u,__aeabi_memcpy4,-u,__aeabi_memcpy8",
        "-Wl,-u,__aeabi_memmove,-u,__aeabi_memmove4,-u,__aeabi_memmove8",
        "-Wl,-u,__aeabi_memset,-u,__aeabi_memset4,-u,__aeabi_memset8",
        "-Wl,-u,__aeabi_memclr,-u,__aeabi_memclr4,-u,__aeabi_memclr8",
        "-lc",
    ],
    qemu: &[
        "qemu-system-arm",
        "-M",
        "mps2-an386",
        "-nographic",
        "-monitor",
        "none",
        "-serial",
        "none",
        "-semihosting-config",
        "enable=on,target=native",
        "-icount",
        "shift=3,align=off,sleep=off",
    ],
};

/// Builds the `no_std` libraries of `gcs` for `rust_target` with cargo
/// profile `profile` and the libraries' cargo `features` (besides `std`,
/// which is off), and returns the directory holding `librgc_<gc>.a`.
/// Builds with different features need different profiles: they share
/// the profile's output directory.
pub fn build_no_std(gcs: &[&str], rust_target: &str, profile: &str, features: &[&str]) -> Result<PathBuf, String> {
    for gc in gcs {
        if !NO_STD_COLLECTORS.contains(gc) {
            return Err(format!("--gc={gc} needs an operating system (no_std builds: {NO_STD_COLLECTORS:?})"));
        }
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace_root()).args([
        "build",
        "--quiet",
        "--no-default-features",
        "--profile",
        profile,
        "--target",
        rust_target,
    ]);
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")]);
    }
    for gc in gcs {
        cmd.args(["-p", &format!("rgc-{gc}")]);
    }
    let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "building the no_std libraries {gcs:?} for {rust_target} failed ({status}); \
             is the target installed (rustup target add {rust_target})?"
        ));
    }
    let dir = if profile == "dev" { "debug" } else { profile };
    Ok(crate::target_dir().join(rust_target).join(dir))
}

/// `-DBOARD_ARGS=...` and `-DBOARD_ENV=...` for `board.c`: a board has no
/// shell, so a program's argv and environment are compiled in.
pub fn board_defines(args: &[&str], env: &[(&str, &str)]) -> Result<Vec<String>, String> {
    let quote = |s: &str| {
        if s.contains(['"', '\\']) {
            Err(format!("board arguments and environment cannot hold quotes or backslashes: {s:?}"))
        } else {
            Ok(format!("\"{s}\""))
        }
    };
    let args: Vec<String> = args.iter().map(|a| quote(a)).collect::<Result<_, _>>()?;
    let env: Vec<String> = env.iter().map(|(k, v)| quote(&format!("{k}={v}"))).collect::<Result<_, _>>()?;
    let mut defines = vec![format!("-DBOARD_ARGS={}", args.join(","))];
    if !env.is_empty() {
        defines.push(format!("-DBOARD_ENV={}", env.join(",")));
    }
    Ok(defines)
}

impl Board {
    /// The tools this board needs that are not on `PATH`.
    pub fn missing_tools(&self) -> Vec<&'static str> {
        [self.cc, self.size_tool, self.qemu[0]].into_iter().filter(|t| !on_path(t)).collect()
    }

    /// `embedded/<name>/`.
    pub fn support_dir(&self) -> PathBuf {
        workspace_root().join("embedded").join(self.name)
    }

    /// Compiles `sources` with the board support into `out` (an ELF file),
    /// linked against `librgc_<gc>.a` from `lib_dir` when `gc` is given.
    /// `extra` goes to the compiler before the sources (-O, -D, -I, ...).
    pub fn compile(
        &self,
        gc: Option<(&str, &Path)>,
        sources: &[PathBuf],
        extra: &[String],
        out: &Path,
    ) -> Result<(), String> {
        let dir = self.support_dir();
        let mut cmd = Command::new(self.cc);
        cmd.args(self.cflags)
            .arg(format!("-I{}", workspace_root().join("include").display()))
            .args(extra)
            .args(["-nostartfiles", "-ffunction-sections", "-fdata-sections"])
            .arg(format!("-T{}", dir.join("link.ld").display()))
            .arg(dir.join("board.c"))
            .args(sources);
        if let Some((gc, lib_dir)) = gc {
            cmd.arg(format!("-DRGC_GC_{}", gc.to_ascii_uppercase()));
            cmd.args(self.libc_first);
            cmd.arg(lib_dir.join(format!("librgc_{gc}.a")));
        }
        // newlib's objects carry no .note.GNU-stack; a board has no
        // executable-stack question to warn about.
        cmd.args(["-Wl,--gc-sections", "-Wl,--no-warn-execstack", "-o"]).arg(out);
        let output = run_tool(&mut cmd)?;
        if !output.status.success() {
            return Err(format!("{} failed for {out:?}:\n{}", self.cc, String::from_utf8_lossy(&output.stderr)));
        }
        Ok(())
    }

    /// Runs `elf` on the emulated board; a run longer than `timeout` (of
    /// host time) is killed and reported as an error.
    pub fn run(&self, elf: &Path, timeout: Duration) -> Result<Output, String> {
        let mut child = Command::new(self.qemu[0])
            .args(&self.qemu[1..])
            .arg("-kernel")
            .arg(elf)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.qemu[0]))?;
        // Drained while the board runs, so a chatty program never blocks on a full pipe.
        let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                if let Some(mut p) = pipe {
                    let _ = p.read_to_end(&mut bytes);
                }
                bytes
            })
        };
        let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
        let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().map_err(|e| format!("waiting for {}: {e}", self.qemu[0]))? {
                break Some(status);
            }
            if start.elapsed() > timeout {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let out = Output {
            status: status.unwrap_or_default(),
            stdout: stdout.join().unwrap_or_default(),
            stderr: stderr.join().unwrap_or_default(),
        };
        match status {
            Some(_) => Ok(out),
            None => Err(format!(
                "{} did not finish within {timeout:?} on {}; it printed:\n{}{}",
                elf.display(),
                self.name,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )),
        }
    }
}

/// Whether `tool` is an executable on `PATH`.
pub fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()))
}
