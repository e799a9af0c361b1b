//! Finding roots by scanning memory (`--gc=conservative`).
//!
//! Every 8-byte-aligned word of these ranges that points anywhere into an
//! allocated object (interior pointers included) keeps that object alive:
//! 1. the callee-saved registers, spilled into a buffer on the stack by
//!    inline assembly, so a pointer that lives only in a register of some
//!    caller is seen;
//! 2. the collecting thread's C stack, from that buffer up to the stack's
//!    base (`pthread_getattr_np`, looked up once per thread);
//! 3. every other attached thread's registers and C stack, as it published
//!    them when it parked (`shadowstack::stack`);
//! 4. the writable `PT_LOAD` segments (data and bss) of the executable and
//!    of every loaded shared object (`dl_iterate_phdr`), less the excluded
//!    ranges; the plan may skip the libraries' ([`Libraries`]: bdwgc's
//!    `GC_no_dls` and `GC_register_has_static_roots_callback`).
//!
//! Not scanned: threads that are not attached, thread-local storage, and
//! `malloc`ed memory.
//! The precise roots (shadow stacks, global roots) are marked as well.

use gc_heap::Runtime;
use std::cell::Cell;
use std::vec::Vec;

/// Marks everything the scanned ranges point into. The `exclude`d ranges
/// of the data segments are skipped: they hold the collector's own state
/// (the runtime and plan, which live in static storage when the collector
/// is a static), whose words point into the heap without being roots; the
/// heap's base address alone would keep the first object alive forever.
/// `name`, `start`, `size` of a shared library's writable segment; zero
/// leaves it unscanned (bdwgc's `GC_has_static_roots_func`).
pub type SegmentFilter =
    unsafe extern "C" fn(name: *const libc::c_char, start: *mut libc::c_void, size: usize) -> libc::c_int;

/// Which shared libraries' data segments [`mark_all`] scans (the
/// executable's always are).
#[derive(Clone, Copy)]
pub enum Libraries {
    All,
    None,
    /// The segments the filter accepts.
    Filtered(SegmentFilter),
}

pub fn mark_all(rt: &mut Runtime, exclude: &[(usize, usize)], libraries: Libraries) {
    shadowstack::stack::with_registers_spilled(|spill| {
        // A base the program set (a coroutine's stack: bdwgc's
        // GC_set_stackbottom) wins over the thread's own.
        // SAFETY: the collecting thread's own Local, read only.
        let set = unsafe { shadowstack::current_local() }.map_or(0, |l| l.stack_hi);
        let base = if set != 0 { set } else { stack_base() };
        // SAFETY: from a live local of this thread's stack up to its base:
        // mapped, readable memory.
        unsafe { rt.mark_ambiguous_range(spill, base) };
    });
    let me = shadowstack::current();
    // SAFETY: the world is stopped (Gc stops it before any plan call), so
    // every other attached thread is parked with its stack published.
    unsafe {
        shadowstack::for_each_local(|l| {
            if core::ptr::eq(l.ctx, me) || l.stack_lo == 0 {
                return; // the collecting thread, or one still attaching
            }
            let regs = l.regs.as_ptr_range();
            // SAFETY: the thread's published registers (a live array) and
            // its callers' frames, which stay put while it is parked.
            rt.mark_ambiguous_range(regs.start as usize, regs.end as usize);
            rt.mark_ambiguous_range(l.stack_lo, l.stack_hi);
        })
    };
    for (lo, hi) in writable_segments(libraries) {
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

thread_local! {
    static STACK_BASE: Cell<usize> = const { Cell::new(0) };
}

/// The highest address of the calling thread's stack.
fn stack_base() -> usize {
    STACK_BASE.with(|base| {
        if base.get() == 0 {
            base.set(shadowstack::stack::query_base());
        }
        base.get()
    })
}

/// The writable loaded segments of the executable and every shared object.
fn writable_segments(libraries: Libraries) -> Vec<(usize, usize)> {
    struct Walk {
        ranges: Vec<(usize, usize)>,
        libraries: Libraries,
        /// The loader lists the executable first.
        executable: bool,
    }
    unsafe extern "C" fn each(info: *mut libc::dl_phdr_info, _size: usize, data: *mut libc::c_void) -> libc::c_int {
        // SAFETY: the loader passes a valid info for the duration of the
        // call; `data` is the Walk below.
        unsafe {
            let walk = &mut *(data as *mut Walk);
            let info = &*info;
            let executable = core::mem::replace(&mut walk.executable, false);
            for i in 0..info.dlpi_phnum as usize {
                let ph = &*info.dlpi_phdr.add(i);
                if ph.p_type != libc::PT_LOAD || ph.p_flags & libc::PF_W == 0 {
                    continue;
                }
                let lo = info.dlpi_addr as usize + ph.p_vaddr as usize;
                let size = ph.p_memsz as usize;
                let scan = match walk.libraries {
                    _ if executable => true,
                    Libraries::All => true,
                    Libraries::None => false,
                    Libraries::Filtered(accepts) => accepts(info.dlpi_name, lo as *mut libc::c_void, size) != 0,
                };
                if scan {
                    walk.ranges.push((lo, lo + size));
                }
            }
            // Without libraries, stop after the executable.
            matches!(walk.libraries, Libraries::None) as libc::c_int
        }
    }
    let mut walk = Walk { ranges: Vec::new(), libraries, executable: true };
    // SAFETY: the callback only pushes to `walk`, which outlives the call;
    // a filter is the program's, called as bdwgc calls it.
    unsafe { libc::dl_iterate_phdr(Some(each), &mut walk as *mut Walk as *mut libc::c_void) };
    walk.ranges
}
