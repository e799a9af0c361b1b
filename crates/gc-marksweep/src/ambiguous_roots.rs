//! Finding roots by scanning memory (`--gc=conservative`).
//!
//! Every 8-byte-aligned word of these ranges that points anywhere into an
//! allocated object (interior pointers included) keeps that object alive:
//! 1. the callee-saved registers, spilled into a buffer on the stack by
//!    inline assembly, so a pointer that lives only in a register of some
//!    caller is seen;
//! 2. the collecting thread's C stack, from that buffer up to the stack's
//!    base (`pthread_getattr_np`, looked up once per thread);
//! 3. the writable `PT_LOAD` segments (data and bss) of the executable and
//!    of every loaded shared object (`dl_iterate_phdr`).
//!
//! Not scanned: the stacks of other threads (rgc runs one mutator at a
//! time; another attached thread's pointers must be in its shadow-stack
//! frames or in global roots), thread-local storage, and `malloc`ed memory.
//! The precise roots (shadow stacks, global roots) are marked as well.

use gc_heap::Runtime;
use std::cell::Cell;
use std::vec::Vec;

/// Marks everything the scanned ranges point into. The `exclude`d ranges
/// of the data segments are skipped: they hold the collector's own state
/// (the runtime and plan, which live in static storage when the collector
/// is a static), whose words point into the heap without being roots; the
/// heap's base address alone would keep the first object alive forever.
pub fn mark_all(rt: &mut Runtime, exclude: &[(usize, usize)]) {
    with_registers_spilled(rt, |rt, spill| {
        let base = stack_base();
        // SAFETY: from a live local of this thread's stack up to its base:
        // mapped, readable memory.
        unsafe { rt.mark_ambiguous_range(spill, base) };
    });
    for (lo, hi) in writable_segments() {
        for (lo, hi) in subtract(lo, hi, exclude) {
            // SAFETY: parts of writable PT_LOAD segments of loaded objects:
            // mapped and readable.
            unsafe { rt.mark_ambiguous_range(lo, hi) };
        }
    }
}

/// `[lo, hi)` minus every range of `exclude`, as disjoint ranges.
fn subtract(lo: usize, hi: usize, exclude: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut parts = std::vec![(lo, hi)];
    for &(xl, xh) in exclude {
        parts = parts
            .into_iter()
            .flat_map(|(l, h)| {
                if xh <= l || h <= xl {
                    return std::vec![(l, h)];
                }
                [(l, xl), (xh, h)].into_iter().filter(|&(a, b)| a < b).collect()
            })
            .collect();
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::subtract;

    #[test]
    fn subtract_cuts_out_excluded_ranges() {
        assert_eq!(subtract(0, 100, &[]), vec![(0, 100)]);
        assert_eq!(subtract(0, 100, &[(10, 20), (50, 60)]), vec![(0, 10), (20, 50), (60, 100)]);
        assert_eq!(subtract(0, 100, &[(0, 100)]), vec![]);
        assert_eq!(subtract(0, 100, &[(90, 200), (200, 300)]), vec![(0, 90)]);
        assert_eq!(subtract(10, 20, &[(0, 5)]), vec![(10, 20)]);
    }
}

/// Calls `f` with the address of a stack buffer holding the callee-saved
/// registers; every frame of the callers lies above it.
#[inline(never)]
fn with_registers_spilled(rt: &mut Runtime, f: impl FnOnce(&mut Runtime, usize)) {
    let mut spill = [0usize; 12];
    let at = spill.as_mut_ptr();
    // SAFETY: stores callee-saved registers into `spill` (12 words); reads
    // the registers, changes nothing else.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        core::arch::asm!(
            "mov [{at}], rbx", "mov [{at} + 8], rbp", "mov [{at} + 16], r12",
            "mov [{at} + 24], r13", "mov [{at} + 32], r14", "mov [{at} + 40], r15",
            at = in(reg) at, options(nostack, preserves_flags)
        )
    };
    // SAFETY: as above.
    #[cfg(target_arch = "aarch64")]
    unsafe {
        core::arch::asm!(
            "stp x19, x20, [{at}]", "stp x21, x22, [{at}, #16]", "stp x23, x24, [{at}, #32]",
            "stp x25, x26, [{at}, #48]", "stp x27, x28, [{at}, #64]", "stp x29, x30, [{at}, #80]",
            at = in(reg) at, options(nostack, preserves_flags)
        )
    };
    // SAFETY: as above.
    #[cfg(target_arch = "riscv64")]
    unsafe {
        core::arch::asm!(
            "sd s0, 0({at})", "sd s1, 8({at})", "sd s2, 16({at})", "sd s3, 24({at})",
            "sd s4, 32({at})", "sd s5, 40({at})", "sd s6, 48({at})", "sd s7, 56({at})",
            "sd s8, 64({at})", "sd s9, 72({at})", "sd s10, 80({at})", "sd s11, 88({at})",
            at = in(reg) at, options(nostack, preserves_flags)
        )
    };
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64", target_arch = "riscv64")))]
    compile_error!("--gc=conservative needs the callee-saved registers of this architecture spelled out here");
    core::hint::black_box(&mut spill);
    f(rt, at as usize);
    core::hint::black_box(&spill);
}

thread_local! {
    static STACK_BASE: Cell<usize> = const { Cell::new(0) };
}

/// The highest address of the calling thread's stack.
fn stack_base() -> usize {
    STACK_BASE.with(|base| {
        if base.get() == 0 {
            base.set(query_stack_base());
        }
        base.get()
    })
}

fn query_stack_base() -> usize {
    // SAFETY: a zeroed attr is filled by pthread_getattr_np before use and
    // destroyed after; the out-pointers are valid locals.
    unsafe {
        let mut attr: libc::pthread_attr_t = core::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            gc_api::fatal!("collector", "pthread_getattr_np failed: cannot find this thread's stack to scan it");
        }
        let (mut addr, mut size) = (core::ptr::null_mut(), 0usize);
        let ok = libc::pthread_attr_getstack(&attr, &mut addr, &mut size) == 0;
        libc::pthread_attr_destroy(&mut attr);
        if !ok {
            gc_api::fatal!("collector", "pthread_attr_getstack failed: cannot find this thread's stack to scan it");
        }
        addr as usize + size
    }
}

/// The writable loaded segments of the executable and every shared object.
fn writable_segments() -> Vec<(usize, usize)> {
    unsafe extern "C" fn each(info: *mut libc::dl_phdr_info, _size: usize, data: *mut libc::c_void) -> libc::c_int {
        // SAFETY: the loader passes a valid info for the duration of the
        // call; `data` is the Vec below.
        unsafe {
            let ranges = &mut *(data as *mut Vec<(usize, usize)>);
            let info = &*info;
            for i in 0..info.dlpi_phnum as usize {
                let ph = &*info.dlpi_phdr.add(i);
                if ph.p_type == libc::PT_LOAD && ph.p_flags & libc::PF_W != 0 {
                    let lo = info.dlpi_addr as usize + ph.p_vaddr as usize;
                    ranges.push((lo, lo + ph.p_memsz as usize));
                }
            }
        }
        0
    }
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    // SAFETY: the callback only pushes to `ranges`, which outlives the call.
    unsafe { libc::dl_iterate_phdr(Some(each), &mut ranges as *mut _ as *mut libc::c_void) };
    ranges
}
