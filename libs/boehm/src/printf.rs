//! `GC_printf`, `GC_err_printf` and `GC_log_printf` take variable
//! arguments, which stable Rust cannot define, so `printf.c` does the
//! work. A shared library built by Rust exports only Rust's symbols, so
//! each entry point here is a Rust function that jumps to its C twin,
//! leaving every register and the stack as the caller set them: the C
//! function then finds the caller's variable arguments where the ABI puts
//! them. (Rust never calls these with the signature written here.)

use core::ffi::{c_char, c_int};

extern "C" {
    /// `GC_printf`'s work: standard output.
    pub fn rgc_boehm_printf(format: *const c_char, ...);
    /// `GC_err_printf`'s work: standard error.
    pub fn rgc_boehm_err_printf(format: *const c_char, ...);
    fn rgc_boehm_log_printf(format: *const c_char, ...);
    fn rgc_boehm_set_log_fd(fd: c_int);
}

/// A tail jump to `$target`, exported as `$name`.
macro_rules! jump_to {
    ($name:ident => $target:ident) => {
        #[unsafe(naked)]
        #[no_mangle]
        pub extern "C" fn $name() {
            #[cfg(target_arch = "x86_64")]
            core::arch::naked_asm!("jmp {}", sym $target);
            #[cfg(target_arch = "aarch64")]
            core::arch::naked_asm!("b {}", sym $target);
            #[cfg(target_arch = "riscv64")]
            core::arch::naked_asm!("tail {}", sym $target);
        }
    };
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64", target_arch = "riscv64")))]
compile_error!("the Boehm layer's GC_printf needs its tail jump spelled out for this architecture (printf.rs)");

jump_to!(GC_printf => rgc_boehm_printf);
jump_to!(GC_err_printf => rgc_boehm_err_printf);
jump_to!(GC_log_printf => rgc_boehm_log_printf);

/// `GC_set_log_fd`: where `GC_log_printf` writes (standard error until
/// this is called).
#[no_mangle]
pub extern "C" fn GC_set_log_fd(fd: c_int) {
    // SAFETY: a plain C function taking an int.
    unsafe { rgc_boehm_set_log_fd(fd) }
}
