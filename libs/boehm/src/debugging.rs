//! bdwgc's debugging and inspection entry points: leak finding's report,
//! the pointer checks `gc.h`'s `GC_DEBUG` macros call (`GC_same_obj`,
//! `GC_pre_incr`, ...), the dumps, the statistics structure, and the
//! size and kind queries. `GC_printf` and its siblings are variadic, so
//! they live in `printf.c` (`crate::printf`).

use crate::alloc::{granted_bytes, GC_realloc};
use crate::kinds;
use crate::state::{count_explicitly_freed, enter, explicitly_freed_since, is_initialised, CVar, GcWord};
use core::ffi::{c_char, c_int, c_void, CStr};
use gc_api::collector::Collector;
use gc_api::fatal;
use gc_heap::object::header;
use gc_marksweep::Leak;

use crate::printf::{rgc_boehm_err_printf as GC_err_printf, rgc_boehm_printf as GC_printf};

/// Prints leak finding's report for one collection, as bdwgc does after
/// it: a count, then one line per listed object (on stderr).
pub fn report_leaks(listed: &[Leak], count: usize) {
    if count == 0 {
        return;
    }
    // SAFETY: NUL-terminated formats whose conversions match the arguments.
    unsafe {
        GC_err_printf(c"Found %lu leaked objects:\n".as_ptr(), count as GcWord);
        for leak in listed {
            let kind = if leak.scanned { c"composite".as_ptr() } else { c"atomic".as_ptr() };
            GC_err_printf(c"object at %p of %lu bytes (%s)\n".as_ptr(), leak.obj, leak.bytes as GcWord, kind);
        }
        if count > listed.len() {
            GC_err_printf(c"... and %lu more\n".as_ptr(), (count - listed.len()) as GcWord);
        }
    }
}

// ---- pointer checks (gc.h's GC_DEBUG macros) ----------------------------------------------

/// `GC_same_obj_print_proc`: called by `GC_same_obj` with the two pointers
/// when they are not in the same object; the default is a fatal error.
#[no_mangle]
pub static GC_same_obj_print_proc: CVar<Option<unsafe extern "C" fn(*mut c_void, *mut c_void)>> =
    CVar::new(Some(default_same_obj_print_proc));
/// `GC_is_valid_displacement_print_proc`: called with a pointer into the
/// heap that is not inside an object; the default is a fatal error.
#[no_mangle]
pub static GC_is_valid_displacement_print_proc: CVar<Option<unsafe extern "C" fn(*mut c_void)>> =
    CVar::new(Some(default_displacement_print_proc));
/// `GC_is_visible_print_proc`: never called (see [`GC_is_visible`]).
#[no_mangle]
pub static GC_is_visible_print_proc: CVar<Option<unsafe extern "C" fn(*mut c_void)>> = CVar::new(None);

unsafe extern "C" fn default_same_obj_print_proc(p: *mut c_void, q: *mut c_void) {
    fatal!("GC_same_obj", p, " and ", q, " are not in the same heap object");
}

unsafe extern "C" fn default_displacement_print_proc(p: *mut c_void) {
    fatal!("GC_is_valid_displacement", p, " points into the heap but not into an object");
}

/// The object containing `p`, if any (null before `GC_init`).
fn object_of(call: &'static str, p: *mut c_void) -> Option<*mut u8> {
    if !is_initialised() {
        return None;
    }
    crate::state::object_at(&mut enter(call), p as usize)
}

/// `GC_same_obj`: returns `p`; if `p` or `q` points into a heap object and
/// the other does not point into the same one, calls
/// `GC_same_obj_print_proc` first.
#[no_mangle]
pub extern "C" fn GC_same_obj(p: *mut c_void, q: *mut c_void) -> *mut c_void {
    let (a, b) = (object_of("GC_same_obj", p), object_of("GC_same_obj", q));
    if (a.is_some() || b.is_some()) && a != b {
        if let Some(print) = GC_same_obj_print_proc.get() {
            // SAFETY: installed by the client (or the default) with this signature.
            unsafe { print(p, q) };
        }
    }
    p
}

/// `GC_pre_incr`: `*p += how_much`, checked by [`GC_same_obj`]; returns
/// the new value.
///
/// # Safety
/// `p` is a valid pointer to a pointer.
#[no_mangle]
pub unsafe extern "C" fn GC_pre_incr(p: *mut *mut c_void, how_much: isize) -> *mut c_void {
    // SAFETY: caller contract.
    let old = unsafe { *p };
    let new = GC_same_obj((old as *mut u8).wrapping_offset(how_much).cast(), old);
    // SAFETY: caller contract.
    unsafe { *p = new };
    new
}

/// `GC_post_incr`: as [`GC_pre_incr`], returning the old value.
///
/// # Safety
/// `p` is a valid pointer to a pointer.
#[no_mangle]
pub unsafe extern "C" fn GC_post_incr(p: *mut *mut c_void, how_much: isize) -> *mut c_void {
    // SAFETY: caller contract.
    let old = unsafe { *p };
    // SAFETY: caller contract.
    unsafe { GC_pre_incr(p, how_much) };
    old
}

/// `GC_is_valid_displacement`: returns `p`; if `p` points into a heap
/// block but into no object, calls `GC_is_valid_displacement_print_proc`
/// first. Every interior pointer is valid to rgc.
#[no_mangle]
pub extern "C" fn GC_is_valid_displacement(p: *mut c_void) -> *mut c_void {
    if !is_initialised() {
        return p;
    }
    let invalid = {
        let mut c = enter("GC_is_valid_displacement");
        c.rt.heap().in_use_block(p as usize) && crate::state::object_at(&mut c, p as usize).is_none()
    };
    if invalid {
        if let Some(print) = GC_is_valid_displacement_print_proc.get() {
            // SAFETY: installed by the client (or the default) with this signature.
            unsafe { print(p) };
        }
    }
    p
}

/// `GC_is_visible`: returns `p`. bdwgc checks that the collector scans the
/// memory `p` lies in; rgc scans every place bdwgc's check accepts (the
/// stacks, data segments, root ranges and heap objects), and does not
/// check memory it cannot see, so it never calls the print procedure.
#[no_mangle]
pub extern "C" fn GC_is_visible(p: *mut c_void) -> *mut c_void {
    p
}

/// `GC_register_displacement`: nothing to do, every interior pointer
/// keeps its object alive.
#[no_mangle]
pub extern "C" fn GC_register_displacement(_offset: GcWord) {}

#[no_mangle]
pub extern "C" fn GC_debug_register_displacement(_offset: GcWord) {}

// ---- dumps ------------------------------------------------------------------------------------

/// `GC_dump_named`: a summary of the collector's state on stdout, headed
/// by `name` when it is not null.
///
/// # Safety
/// `name` is null or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn GC_dump_named(name: *const c_char) {
    let title = if name.is_null() {
        String::new()
    } else {
        // SAFETY: caller contract.
        format!("{}: ", unsafe { CStr::from_ptr(name) }.to_string_lossy())
    };
    let (stats, ranges, finalizers) = {
        let mut c = enter("GC_dump");
        (c.stats(), c.plan.root_ranges().len(), c.plan.finalizers.registered_count())
    };
    let text = format!(
        "***rgc {title}{} collections, heap {} bytes ({} peak, {} limit), {} bytes in {} objects live after the last \
         collection, {} bytes allocated in all; {ranges} root ranges, {finalizers} finalizers registered\n",
        stats.collections,
        stats.heap_size,
        stats.peak_heap_size,
        stats.heap_max,
        stats.live_bytes,
        stats.live_objects,
        stats.bytes_allocated,
    );
    print(&text);
}

#[no_mangle]
pub extern "C" fn GC_dump() {
    // SAFETY: a null name.
    unsafe { GC_dump_named(core::ptr::null()) };
}

/// `GC_dump_regions`: the heap's one region.
#[no_mangle]
pub extern "C" fn GC_dump_regions() {
    let (lo, hi, used) = {
        let c = enter("GC_dump_regions");
        let (lo, hi) = c.rt.heap().reserved_range();
        (lo, hi, c.rt.heap().heap_bytes())
    };
    print(&format!("***rgc heap region {lo:#x}-{hi:#x}: {used} bytes in use\n"));
}

/// `GC_dump_finalization`: how many finalizers and links are registered.
#[no_mangle]
pub extern "C" fn GC_dump_finalization() {
    let (finalizers, ready) = {
        let c = enter("GC_dump_finalization");
        (c.plan.finalizers.registered_count(), c.plan.finalizers.ready_count())
    };
    print(&format!("***rgc finalization: {finalizers} finalizers registered, {ready} ready to run\n"));
}

/// `GC_print_free_list`: rgc's free cells are not kept per kind; prints
/// the heap's free bytes.
#[no_mangle]
pub extern "C" fn GC_print_free_list(_kind: c_int, _granules: usize) {
    print(&format!("***rgc free bytes: {}\n", crate::control::GC_get_free_bytes()));
}

fn print(text: &str) {
    let Ok(text) = std::ffi::CString::new(text) else { return };
    // SAFETY: a "%s" format with a NUL-terminated string.
    unsafe { GC_printf(c"%s".as_ptr(), text.as_ptr()) };
}

// ---- statistics and sizes ---------------------------------------------------------------------

/// `struct GC_prof_stats_s` (bdwgc 8.2's fields, in its order).
#[repr(C)]
#[derive(Default)]
pub struct ProfStats {
    pub heapsize_full: GcWord,
    pub free_bytes_full: GcWord,
    pub unmapped_bytes: GcWord,
    pub bytes_allocd_since_gc: GcWord,
    pub allocd_bytes_before_gc: GcWord,
    pub non_gc_bytes: GcWord,
    pub gc_no: GcWord,
    pub markers_m1: GcWord,
    pub bytes_reclaimed_since_gc: GcWord,
    pub reclaimed_bytes_before_gc: GcWord,
    pub expl_freed_bytes_since_gc: GcWord,
    pub obtained_from_os_bytes: GcWord,
}

/// `GC_get_prof_stats`: fills up to `size` bytes of `out` with the
/// statistics (fields past `size` are left alone) and returns how many
/// bytes it filled. rgc does not count reclaimed bytes: those two fields
/// are 0.
///
/// # Safety
/// `out` points to `size` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn GC_get_prof_stats(out: *mut ProfStats, size: usize) -> usize {
    use crate::control::{GC_get_bytes_since_gc, GC_get_free_bytes, GC_get_heap_size, GC_get_total_bytes};
    let since = GC_get_bytes_since_gc();
    let collections = enter("GC_get_prof_stats").rt.counters().collections;
    let stats = ProfStats {
        heapsize_full: GC_get_heap_size(),
        free_bytes_full: GC_get_free_bytes(),
        unmapped_bytes: 0,
        bytes_allocd_since_gc: since,
        allocd_bytes_before_gc: GC_get_total_bytes().wrapping_sub(since),
        non_gc_bytes: crate::state::GC_non_gc_bytes.get(),
        gc_no: crate::state::GC_gc_no.get(),
        markers_m1: crate::state::GC_parallel.get().max(0) as GcWord,
        bytes_reclaimed_since_gc: 0,
        reclaimed_bytes_before_gc: 0,
        expl_freed_bytes_since_gc: explicitly_freed_since(collections),
        obtained_from_os_bytes: crate::control::GC_get_obtained_from_os_bytes(),
    };
    let n = size.min(core::mem::size_of::<ProfStats>());
    // SAFETY: caller contract: `out` has `size` >= n writable bytes.
    unsafe { core::ptr::copy_nonoverlapping(&stats as *const ProfStats as *const u8, out as *mut u8, n) };
    n
}

/// `GC_get_prof_stats_unsafe`: the same (one thread, nothing to lock).
///
/// # Safety
/// As for [`GC_get_prof_stats`].
#[no_mangle]
pub unsafe extern "C" fn GC_get_prof_stats_unsafe(out: *mut ProfStats, size: usize) -> usize {
    // SAFETY: forwarded contract.
    unsafe { GC_get_prof_stats(out, size) }
}

/// `GC_get_size_map_at`: the size an object of `i` bytes gets (what
/// `GC_size` reports), or `(size_t)-1` for a negative `i` or one past
/// the largest object.
#[no_mangle]
pub extern "C" fn GC_get_size_map_at(i: c_int) -> usize {
    crate::state::ensure_init(); // the slack depends on GC_all_interior_pointers at GC_init
    usize::try_from(i).ok().and_then(granted_bytes).unwrap_or(usize::MAX)
}

/// `GC_get_kind_and_size`: the kind of the object starting at `p`
/// (0 `GC_malloc_atomic`, 1 `GC_malloc`, 2 uncollectable, 3 atomic
/// uncollectable: bdwgc's kind numbers; a kind of `GC_new_kind`'s, or 1
/// for a typed object), and its size in `*size` if
/// `size` is not null. Misuse: `p` not the start of a heap object is fatal.
///
/// # Safety
/// `size` is null or writable.
#[no_mangle]
pub unsafe extern "C" fn GC_get_kind_and_size(p: *const c_void, size: *mut usize) -> c_int {
    const CALL: &str = "GC_get_kind_and_size";
    let mut c = enter(CALL);
    let start = crate::state::is_object_start(&mut c, p);
    let Some(bytes) = start.then(|| crate::state::size_of(&c, p.cast())) else {
        fatal!(CALL, p, " is not the start of a heap object");
    };
    // SAFETY: a live object (found just above).
    let h = unsafe { header(p.cast()) };
    let scanned = h.bytes_len().is_none() || h.is_words();
    let uncollectable = c.plan.is_uncollectable(p as *mut u8);
    drop(c);
    if !size.is_null() {
        // SAFETY: caller contract.
        unsafe { *size = bytes };
    }
    match (uncollectable, scanned) {
        (false, false) => kinds::PTRFREE,
        (false, true) if h.is_words() && h.gc != 0 => kinds::kind_of_layout(h.gc),
        (false, true) => kinds::NORMAL,
        (true, true) => kinds::UNCOLLECTABLE,
        (true, false) => kinds::AUNCOLLECTABLE,
    }
}

/// `GC_incr_bytes_allocd`: counts `n` more bytes allocated (for clients
/// that allocate on the collector's behalf).
#[no_mangle]
pub extern "C" fn GC_incr_bytes_allocd(n: usize) {
    enter("GC_incr_bytes_allocd").rt.count_bytes_allocated(n as u64);
}

/// `GC_incr_bytes_freed`: counts `n` more bytes freed explicitly.
#[no_mangle]
pub extern "C" fn GC_incr_bytes_freed(n: usize) {
    let collections = enter("GC_incr_bytes_freed").rt.counters().collections;
    count_explicitly_freed(n, collections);
}

/// `GC_debug_header_size`: rgc adds no debugging header.
#[no_mangle]
pub static GC_debug_header_size: usize = 0;

#[no_mangle]
pub extern "C" fn GC_get_debug_header_size() -> usize {
    0
}

/// `GC_debug_malloc_replacement`: `GC_malloc` (the replacement for
/// `malloc` that `-DREDIRECT_MALLOC` builds use).
#[no_mangle]
pub extern "C" fn GC_debug_malloc_replacement(bytes: usize) -> *mut c_void {
    crate::alloc::GC_malloc(bytes)
}

/// `GC_debug_realloc_replacement`: `GC_realloc`.
#[no_mangle]
pub extern "C" fn GC_debug_realloc_replacement(p: *mut c_void, bytes: usize) -> *mut c_void {
    GC_realloc(p, bytes)
}

/// `GC_abort_on_oom`: a fatal "out of memory" error (through the abort
/// function).
#[no_mangle]
pub extern "C" fn GC_abort_on_oom() {
    fatal!("GC_abort_on_oom", "out of memory (the program gave up on an allocation)");
}

/// `GC_clear_stack`: returns `arg` (rgc does not clear stack areas).
#[no_mangle]
pub extern "C" fn GC_clear_stack(arg: *mut c_void) -> *mut c_void {
    arg
}

/// `GC_deinit`: nothing; rgc's heap stays until the process exits.
#[no_mangle]
pub extern "C" fn GC_deinit() {}

/// `GC_reachable_object_proc`.
pub type ReachableObjectProc = unsafe extern "C" fn(*mut c_void, usize, *mut c_void);

/// `GC_enumerate_reachable_objects_inner`: calls `proc_(obj, size, data)`
/// for every object in the heap: after a collection, the ones it found
/// reachable, and those allocated since (bdwgc: the ones marked by the
/// last collection). The list is taken first, so `proc_` may call `GC_`
/// functions; objects it frees are still visited.
///
/// # Safety
/// `proc_` is callable with those arguments.
#[no_mangle]
pub unsafe extern "C" fn GC_enumerate_reachable_objects_inner(proc_: ReachableObjectProc, data: *mut c_void) {
    let objects: Vec<(usize, usize)> = {
        let mut c = enter("GC_enumerate_reachable_objects_inner");
        c.rt.settle_all(); // every thread's cells
        let mut all = Vec::new();
        c.rt.heap().for_each_object(|obj| all.push(obj as usize));
        all.into_iter().map(|o| (o, crate::state::size_of(&c, o as *const u8))).collect()
    };
    for (obj, size) in objects {
        // SAFETY: caller contract; `obj` was an object a moment ago (the
        // list, on this stack, keeps every one alive meanwhile).
        unsafe { proc_(obj as *mut c_void, size, data) };
    }
}

/// Bytes of bdwgc's `GC_arrays` in Debian's library.
const GC_ARRAYS_BYTES: usize = 0x2c9f0;

/// `GC_arrays`: bdwgc's internal state, which no public header declares;
/// present (zeroed, never read or written by rgc) so that a program linked
/// against bdwgc that names it loads. It costs no memory until touched.
#[no_mangle]
pub static GC_arrays: CVar<[u64; GC_ARRAYS_BYTES / 8]> = CVar::new([0; GC_ARRAYS_BYTES / 8]);

/// `GC_register_describe_type_fn`: accepted and never called: rgc's
/// reports (the leak list, `GC_dump`) do not describe objects by kind.
#[no_mangle]
pub extern "C" fn GC_register_describe_type_fn(_kind: c_int, _describe: *mut c_void) {}

/// `GC_is_tmp_root`: 0; rgc has no temporary root sections.
#[no_mangle]
pub extern "C" fn GC_is_tmp_root(_p: *mut c_void) -> c_int {
    0
}
