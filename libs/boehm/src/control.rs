//! Initialisation, collection control, heap queries, root ranges, the
//! warning and out-of-memory hooks, and the thread entry points.

use crate::finalize::{after_possible_collection, GC_NOT_FOUND, GC_NO_MEMORY, GC_SUCCESS};
use crate::knobs::GC_dont_gc;
use crate::state::{
    ensure_init, enter, explicitly_freed_since, init, is_initialised, warn_text, AbortFn, GC_all_interior_pointers,
    GC_non_gc_bytes, GC_on_abort, GC_oom_fn, GC_parallel, GcWord, OomFn, WarnProc, FORCE_UNMAP_ON_GCOLLECT,
    FREE_SPACE_DIVISOR, MARKERS_REQUESTED, WARN_PROC,
};
use core::ffi::{c_char, c_int, c_uint, c_void};
use gc_api::collector::Collector;
use gc_api::fatal;

use crate::finalize::GC_DUPLICATE;

// ---- initialisation ---------------------------------------------------------

/// `GC_init` (and the `GC_INIT()` macro): starts the collector on the
/// calling thread; later calls do nothing. Reads `GC_INITIAL_HEAP_SIZE`,
/// `GC_MAXIMUM_HEAP_SIZE`, `GC_DONT_GC` and `GC_PRINT_STATS`.
#[no_mangle]
pub extern "C" fn GC_init() {
    init();
}

#[no_mangle]
pub extern "C" fn GC_is_init_called() -> c_int {
    is_initialised() as c_int
}

// ---- collection control -----------------------------------------------------

/// Runs `f` on the collector, then what follows a collection if one ran.
fn collecting(call: &'static str, f: impl FnOnce(&mut gc_marksweep::ConservativeGc)) {
    let collections = {
        let mut c = enter(call);
        f(&mut c);
        c.rt.counters().collections
    };
    after_possible_collection(collections);
}

/// `GC_gcollect`: a full collection, then the ready finalizers run (unless
/// `GC_finalize_on_demand`). Does nothing while collection is disabled.
#[no_mangle]
pub extern "C" fn GC_gcollect() {
    collecting("GC_gcollect", |c| c.collect());
}

/// `GC_gcollect_and_unmap`: the same; rgc returns free memory to the system
/// at the end of every collection anyway.
#[no_mangle]
pub extern "C" fn GC_gcollect_and_unmap() {
    GC_gcollect();
}

/// `GC_try_to_collect`: a full collection (rgc's collection is one short
/// pause and does not poll `stop`). Returns 0 when collection is disabled.
#[no_mangle]
pub extern "C" fn GC_try_to_collect(_stop: Option<unsafe extern "C" fn() -> c_int>) -> c_int {
    let mut done = false;
    collecting("GC_try_to_collect", |c| {
        done = c.plan.disabled == 0;
        c.collect();
    });
    done as c_int
}

/// `GC_collect_a_little`: collects if at least half of the allocation
/// allowance is used (idle time well spent). Returns 0: no collection is
/// ever left half done.
#[no_mangle]
pub extern "C" fn GC_collect_a_little() -> c_int {
    collecting("GC_collect_a_little", |c| {
        c.step(0);
    });
    0
}

/// `GC_disable`: one more reason not to collect (`GC_dont_gc`).
#[no_mangle]
pub extern "C" fn GC_disable() {
    drop(enter("GC_disable")); // initialised, and called from the right thread
    GC_dont_gc.set(GC_dont_gc.get().saturating_add(1));
}

/// `GC_enable`: undoes one `GC_disable`. Misuse: more enables than disables
/// is a fatal error.
#[no_mangle]
pub extern "C" fn GC_enable() {
    drop(enter("GC_enable")); // initialised, and called from the right thread
    if GC_dont_gc.get() <= 0 {
        fatal!("GC_enable", "called more times than GC_disable (collection is already enabled)");
    }
    GC_dont_gc.set(GC_dont_gc.get() - 1);
}

#[no_mangle]
pub extern "C" fn GC_is_disabled() -> c_int {
    drop(enter("GC_is_disabled")); // initialised, and called from the right thread
    (GC_dont_gc.get() != 0) as c_int
}

/// `GC_start_incremental_collection`: nothing (see [`GC_enable_incremental`]).
#[no_mangle]
pub extern "C" fn GC_start_incremental_collection() {}

/// `GC_start_performance_measurement`: nothing to start; rgc always
/// counts the time collections take (`GC_get_full_gc_total_time`).
#[no_mangle]
pub extern "C" fn GC_start_performance_measurement() {}

/// `GC_enable_incremental`: ignored. Boehm clients store pointers without
/// a write barrier, so rgc's incremental collector cannot serve them; the
/// conservative collector's pauses are short stop-the-world collections.
#[no_mangle]
pub extern "C" fn GC_enable_incremental() {
    ensure_init();
}

#[no_mangle]
pub extern "C" fn GC_is_incremental_mode() -> c_int {
    0
}

/// `GC_set_max_heap_size`: caps the heap (0: no cap beyond the reservation).
/// Blocks in use stay; the cap stops growth.
#[no_mangle]
pub extern "C" fn GC_set_max_heap_size(bytes: GcWord) {
    let mut c = enter("GC_set_max_heap_size");
    c.rt.heap_mut().set_limit_bytes(if bytes == 0 { usize::MAX } else { bytes });
}

/// `GC_expand_hp`: lets the program allocate `bytes` more before the next
/// collection, and at least that much after every later one. Returns 0
/// when the heap limit leaves no room for it.
#[no_mangle]
pub extern "C" fn GC_expand_hp(bytes: usize) -> c_int {
    let mut c = enter("GC_expand_hp");
    let rt = &mut c.rt;
    if rt.heap().heap_bytes().saturating_add(bytes) > rt.heap().capacity_bytes() {
        return 0;
    }
    rt.grow_initial_heap(bytes);
    rt.schedule_poll(rt.poll_at().saturating_add(bytes));
    1
}

/// `GC_set_free_space_divisor`: the next collection is due once the program
/// has allocated heap / `divisor` bytes (rgc's growth_percent = 100 / divisor).
#[no_mangle]
pub extern "C" fn GC_set_free_space_divisor(divisor: GcWord) {
    crate::knobs::set_divisor(&mut enter("GC_set_free_space_divisor"), divisor);
}

#[no_mangle]
pub extern "C" fn GC_get_free_space_divisor() -> GcWord {
    FREE_SPACE_DIVISOR.get()
}

// ---- queries ------------------------------------------------------------------

#[no_mangle]
pub extern "C" fn GC_get_heap_size() -> usize {
    enter("GC_get_heap_size").rt.heap().heap_bytes()
}

/// Heap bytes neither live at the last collection nor allocated since.
#[no_mangle]
pub extern "C" fn GC_get_free_bytes() -> usize {
    let c = enter("GC_get_free_bytes");
    let used = c.rt.counters().live_footprint as usize + c.rt.allocated_since_gc();
    c.rt.heap().heap_bytes().saturating_sub(used)
}

#[no_mangle]
pub extern "C" fn GC_get_bytes_since_gc() -> usize {
    enter("GC_get_bytes_since_gc").rt.allocated_since_gc()
}

#[no_mangle]
pub extern "C" fn GC_get_total_bytes() -> usize {
    enter("GC_get_total_bytes").rt.counters().bytes_allocated as usize
}

#[no_mangle]
pub extern "C" fn GC_get_unmapped_bytes() -> usize {
    0
}

/// `GC_get_memory_use`: heap bytes in use, the heap less its free bytes.
#[no_mangle]
pub extern "C" fn GC_get_memory_use() -> usize {
    GC_get_heap_size().saturating_sub(GC_get_free_bytes())
}

/// `GC_get_obtained_from_os_bytes`: the most heap and side-table memory
/// the collector has held at once (it never decreases).
#[no_mangle]
pub extern "C" fn GC_get_obtained_from_os_bytes() -> usize {
    let s = enter("GC_get_obtained_from_os_bytes").stats();
    (s.peak_heap_size + s.metadata_bytes) as usize
}

/// `GC_get_expl_freed_bytes_since_gc`: bytes `GC_free` released since the
/// last collection (the objects' requested sizes).
#[no_mangle]
pub extern "C" fn GC_get_expl_freed_bytes_since_gc() -> usize {
    explicitly_freed_since(enter("GC_get_expl_freed_bytes_since_gc").rt.counters().collections)
}

/// `GC_get_full_gc_total_time`: milliseconds spent in collections so far
/// (every rgc collection here is a full one).
#[no_mangle]
pub extern "C" fn GC_get_full_gc_total_time() -> core::ffi::c_ulong {
    (enter("GC_get_full_gc_total_time").stats().total_pause_ns / 1_000_000) as core::ffi::c_ulong
}

#[no_mangle]
pub extern "C" fn GC_set_non_gc_bytes(bytes: GcWord) {
    GC_non_gc_bytes.set(bytes);
}
#[no_mangle]
pub extern "C" fn GC_get_non_gc_bytes() -> GcWord {
    GC_non_gc_bytes.get()
}

/// `GC_set_force_unmap_on_gcollect`: kept only; rgc returns free memory
/// to the system at the end of every collection.
#[no_mangle]
pub extern "C" fn GC_set_force_unmap_on_gcollect(on: c_int) {
    FORCE_UNMAP_ON_GCOLLECT.set(on);
}
#[no_mangle]
pub extern "C" fn GC_get_force_unmap_on_gcollect() -> c_int {
    FORCE_UNMAP_ON_GCOLLECT.get()
}

#[no_mangle]
pub extern "C" fn GC_get_gc_no() -> GcWord {
    crate::state::GC_gc_no.get()
}

/// `GC_get_heap_usage_safe`: each non-null out-pointer gets its figure.
///
/// # Safety
/// The pointers are null or writable.
#[no_mangle]
pub unsafe extern "C" fn GC_get_heap_usage_safe(
    heap_size: *mut GcWord,
    free_bytes: *mut GcWord,
    unmapped_bytes: *mut GcWord,
    bytes_since_gc: *mut GcWord,
    total_bytes: *mut GcWord,
) {
    let figures = [
        (heap_size, GC_get_heap_size()),
        (free_bytes, GC_get_free_bytes()),
        (unmapped_bytes, 0),
        (bytes_since_gc, GC_get_bytes_since_gc()),
        (total_bytes, GC_get_total_bytes()),
    ];
    for (out, v) in figures {
        if !out.is_null() {
            // SAFETY: caller contract.
            unsafe { *out = v };
        }
    }
}

/// `GC_base`: the start of the object `p` points into, or NULL if it
/// points into none (any pointer may be asked about).
#[no_mangle]
pub extern "C" fn GC_base(p: *mut c_void) -> *mut c_void {
    if !is_initialised() {
        return core::ptr::null_mut();
    }
    // From a disclaim procedure or finalizer closure, inside a collection.
    if let Some(base) = crate::disclaim::base_now(p as usize) {
        return base.map_or(core::ptr::null_mut(), |b| b.cast());
    }
    crate::state::object_at(&mut enter("GC_base"), p as usize).map_or(core::ptr::null_mut(), |b| b.cast())
}

/// `GC_size`: the size of the object `p` points into (the size requested
/// for it, which bdwgc's documentation allows), or 0 if none.
#[no_mangle]
pub extern "C" fn GC_size(p: *const c_void) -> usize {
    if !is_initialised() {
        return 0;
    }
    let mut c = enter("GC_size");
    crate::state::object_at(&mut c, p as usize).map_or(0, |b| crate::state::size_of(&c, b))
}

/// `GC_is_heap_ptr`: non-zero when `p` points into a heap block in use.
#[no_mangle]
pub extern "C" fn GC_is_heap_ptr(p: *const c_void) -> c_int {
    (is_initialised() && enter("GC_is_heap_ptr").rt.heap().in_use_block(p as usize)) as c_int
}

/// `GC_get_version`: the bdwgc API level this library implements, as
/// `major << 16 | minor << 8 | micro`.
#[no_mangle]
pub extern "C" fn GC_get_version() -> u32 {
    (8 << 16) | (2 << 8) | 2
}

// ---- roots ----------------------------------------------------------------------

/// `GC_add_roots`: scans `[low, high)` at every collection. An empty or
/// inverted range is ignored.
#[no_mangle]
pub extern "C" fn GC_add_roots(low: *mut c_void, high: *mut c_void) {
    if (low as usize) < high as usize {
        // SAFETY: the client promises the range stays readable until removed
        // (bdwgc's contract for GC_add_roots).
        unsafe { enter("GC_add_roots").plan.add_root_range(low as usize, high as usize) };
    }
}

/// `GC_remove_roots`: stops scanning `[low, high)`.
#[no_mangle]
pub extern "C" fn GC_remove_roots(low: *mut c_void, high: *mut c_void) {
    if (low as usize) < high as usize {
        enter("GC_remove_roots").plan.remove_root_range(low as usize, high as usize);
    }
}

/// `GC_clear_roots`: forgets every range `GC_add_roots` registered (the
/// stacks, registers and data segments are still scanned).
#[no_mangle]
pub extern "C" fn GC_clear_roots() {
    enter("GC_clear_roots").plan.clear_root_ranges();
}

/// `GC_exclude_static_roots`: stops scanning `[low, high)` of the data
/// segments. An empty or inverted range is ignored.
#[no_mangle]
pub extern "C" fn GC_exclude_static_roots(low: *mut c_void, high: *mut c_void) {
    enter("GC_exclude_static_roots").plan.exclude_static_range(low as usize, high as usize);
}

/// `GC_clear_exclusion_table`: scans the whole data segments again.
#[no_mangle]
pub extern "C" fn GC_clear_exclusion_table() {
    enter("GC_clear_exclusion_table").plan.clear_excluded_ranges();
}

/// `GC_register_has_static_roots_callback`: from the next collection on,
/// a shared library's writable segment is scanned only if `filter` (when
/// not null) returns non-zero for it; the executable's are always scanned.
/// It runs inside collections and must not call `GC_` functions.
#[no_mangle]
pub extern "C" fn GC_register_has_static_roots_callback(filter: Option<gc_marksweep::ambiguous_roots::SegmentFilter>) {
    enter("GC_register_has_static_roots_callback").plan.library_filter = filter;
}

/// `GC_set_start_callback`: `f` runs at the start of every collection,
/// with the collector entered: it must not call `GC_` functions. NULL
/// removes it.
#[no_mangle]
pub extern "C" fn GC_set_start_callback(f: Option<gc_marksweep::ClientHook>) {
    enter("GC_set_start_callback").plan.start_callback = f;
}
#[no_mangle]
pub extern "C" fn GC_get_start_callback() -> Option<gc_marksweep::ClientHook> {
    enter("GC_get_start_callback").plan.start_callback
}

/// The push-other-roots procedure in place before the program sets one:
/// nothing to push (rgc scans its own roots elsewhere). A program's
/// procedure calls it, as bdwgc asks, which is why it is a real function.
unsafe extern "C" fn no_other_roots() {}

/// `GC_push_other_roots`: bdwgc's variable behind
/// `GC_set_push_other_roots`, which old programs write directly; read at
/// each collection ([`push_other_roots`]).
#[no_mangle]
pub static GC_push_other_roots: crate::state::CVar<Option<gc_marksweep::ClientHook>> =
    crate::state::CVar::new(Some(no_other_roots));

/// The conservative plan's push-other-roots hook (set by `GC_init`): the
/// program's procedure, if it set one.
pub unsafe extern "C" fn push_other_roots() {
    if let Some(f) = GC_push_other_roots.get().filter(|&f| f as *const () != no_other_roots as *const ()) {
        // SAFETY: the program's procedure, called as bdwgc calls it.
        unsafe { f() };
    }
}

/// `GC_set_push_other_roots`: `f` runs while each collection marks its
/// roots and may push ranges with `GC_push_all` and its kin; it must not
/// call other `GC_` functions. NULL puts back the default.
#[no_mangle]
pub extern "C" fn GC_set_push_other_roots(f: Option<gc_marksweep::ClientHook>) {
    let _held = enter("GC_set_push_other_roots");
    GC_push_other_roots.set(Some(f.unwrap_or(no_other_roots)));
}
/// `GC_get_push_other_roots`: the procedure in place, never NULL.
#[no_mangle]
pub extern "C" fn GC_get_push_other_roots() -> gc_marksweep::ClientHook {
    let _held = enter("GC_get_push_other_roots");
    GC_push_other_roots.get().unwrap_or(no_other_roots)
}

/// `GC_push_finalizer_structures`: nothing to push: rgc marks its
/// finalizer tables itself.
#[no_mangle]
pub extern "C" fn GC_push_finalizer_structures() {}

/// Scans the word-aligned part of `[bottom, top)` as roots, from a
/// push-other-roots procedure; elsewhere a fatal error naming `call`.
fn push_range(call: &'static str, bottom: *mut c_void, top: *mut c_void) {
    let word = core::mem::size_of::<usize>();
    let lo = (bottom as usize).next_multiple_of(word);
    let hi = top as usize & !(word - 1);
    // From a mark procedure, the range goes to the marker scanning it.
    let in_mark_procedure = crate::kinds::with_visitor(|v| {
        // SAFETY: the program hands over a readable range, as bdwgc asks.
        (lo..hi).step_by(word).for_each(|a| v.visit_ambiguous(unsafe { *(a as *const usize) }))
    });
    // SAFETY: as above.
    if !in_mark_procedure && !unsafe { gc_marksweep::push_range(lo, hi.max(lo)) } {
        fatal!(
            call,
            "called outside a push-other-roots procedure or a mark procedure (ranges are pushed only while a \
             collection marks)"
        );
    }
}

/// `GC_push_all`: see [`GC_set_push_other_roots`].
#[no_mangle]
pub extern "C" fn GC_push_all(bottom: *mut c_void, top: *mut c_void) {
    push_range("GC_push_all", bottom, top);
}
/// `GC_push_all_eager`: the same (rgc scans every pushed range at once).
#[no_mangle]
pub extern "C" fn GC_push_all_eager(bottom: *mut c_void, top: *mut c_void) {
    push_range("GC_push_all_eager", bottom, top);
}
/// `GC_push_conditional`: the same whatever `all` says (every page counts
/// as dirty: there is no incremental mode).
#[no_mangle]
pub extern "C" fn GC_push_conditional(bottom: *mut c_void, top: *mut c_void, _all: c_int) {
    push_range("GC_push_conditional", bottom, top);
}

/// `GC_dlopen`: `dlopen`. Collections need no guard here (one thread),
/// and a library's data segments are scanned from the next collection on.
///
/// # Safety
/// As for `dlopen`: `path` is null or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn GC_dlopen(path: *const c_char, mode: c_int) -> *mut c_void {
    // No collection starts meanwhile: one would walk the loaded objects
    // (`dl_iterate_phdr`), whose lock this thread may hold when stopped.
    GC_disable();
    // SAFETY: caller contract.
    let handle = unsafe { libc::dlopen(path, mode) };
    GC_enable();
    handle
}

// ---- marker threads ------------------------------------------------------------

/// `GC_get_parallel`: the threads that mark beside the collecting one
/// (rgc's markers less one; 0 before `GC_init`).
#[no_mangle]
pub extern "C" fn GC_get_parallel() -> c_int {
    GC_parallel.get()
}

/// `GC_set_markers_count`: how many threads mark a collection, counting
/// the collecting one (0: one per core), capped at rgc's limit of
/// `gc_api::config::MAX_MARKERS`. Only before `GC_init`; afterwards it
/// warns and changes nothing.
#[no_mangle]
pub extern "C" fn GC_set_markers_count(markers: c_uint) {
    if is_initialised() {
        warn_text("rgc: GC_set_markers_count after GC_init changes nothing (the markers are set at init)");
        return;
    }
    MARKERS_REQUESTED.set(markers);
}

/// `GC_start_mark_threads`: nothing to do: rgc starts its marker threads
/// with the collector, and a forked child starts its own.
#[no_mangle]
pub extern "C" fn GC_start_mark_threads() {
    ensure_init();
}

// ---- hooks ------------------------------------------------------------------------

/// `GC_ignore_warn_proc`: a warning procedure that prints nothing, for
/// `GC_set_warn_proc`.
#[no_mangle]
pub extern "C" fn GC_ignore_warn_proc(_msg: *mut c_char, _arg: GcWord) {}

/// `GC_set_abort_func`: `f` is called with the message of a fatal error
/// before the process aborts (if it returns, the process aborts anyway).
/// A null `f` is a fatal error, as bdwgc requires one.
#[no_mangle]
pub extern "C" fn GC_set_abort_func(f: Option<AbortFn>) {
    if f.is_none() {
        fatal!("GC_set_abort_func", "the abort function is NULL");
    }
    GC_on_abort.set(f);
    ensure_init();
}

/// `GC_get_abort_func`: what `GC_on_abort` holds (NULL only if the
/// program wrote NULL there).
#[no_mangle]
pub extern "C" fn GC_get_abort_func() -> Option<AbortFn> {
    GC_on_abort.get()
}

#[no_mangle]
pub extern "C" fn GC_set_warn_proc(p: WarnProc) {
    WARN_PROC.set(p);
}
#[no_mangle]
pub extern "C" fn GC_get_warn_proc() -> WarnProc {
    WARN_PROC.get()
}
#[no_mangle]
pub extern "C" fn GC_set_oom_fn(f: Option<OomFn>) {
    GC_oom_fn.set(f);
}
#[no_mangle]
pub extern "C" fn GC_get_oom_fn() -> Option<OomFn> {
    GC_oom_fn.get()
}
/// rgc always recognises interior pointers; the value is kept for
/// `GC_get_all_interior_pointers`.
#[no_mangle]
pub extern "C" fn GC_set_all_interior_pointers(on: c_int) {
    GC_all_interior_pointers.set(on);
}
#[no_mangle]
pub extern "C" fn GC_get_all_interior_pointers() -> c_int {
    GC_all_interior_pointers.get()
}

/// `GC_noop1`: keeps `x` observable (clients use it to keep a pointer live).
#[no_mangle]
pub extern "C" fn GC_noop1(x: GcWord) {
    core::hint::black_box(x);
}

// ---- threads ------------------------------------------------------------------------

/// Any thread may register (bdwgc needs this call before a thread it did
/// not create registers; rgc does not).
#[no_mangle]
pub extern "C" fn GC_allow_register_threads() {
    ensure_init();
}

/// `GC_register_my_thread`: registers the calling thread, whose stack ends
/// at `sb->mem_base` (its own base when `sb` or the base is null):
/// `GC_SUCCESS`, `GC_DUPLICATE` if it is registered already,
/// `GC_NO_MEMORY` if rgc could not make its context (reported).
///
/// # Safety
/// `sb` is null or readable.
#[no_mangle]
pub unsafe extern "C" fn GC_register_my_thread(sb: *const StackBase) -> c_int {
    ensure_init();
    if shadowstack::current_is_attached() {
        return GC_DUPLICATE;
    }
    if gc_api::cabi::thread_attach(&crate::state::INSTANCE) != 0 {
        return GC_NO_MEMORY;
    }
    // SAFETY: caller contract.
    let base = unsafe { sb.as_ref() }.map_or(core::ptr::null_mut(), |sb| sb.mem_base);
    // SAFETY: the thread's own Local, just made; a stop reads the base only
    // once the thread is parked, and one aligned store is whole even to
    // its own signal handler.
    if let (false, Some(l)) = (base.is_null(), unsafe { shadowstack::current_local() }) {
        l.stack_hi = base as usize;
    }
    GC_SUCCESS
}

/// `GC_unregister_my_thread`: the calling thread is no longer stopped or
/// scanned, and must not call `GC_` functions again until it registers;
/// `GC_SUCCESS` (`GC_NOT_FOUND` if it was not registered). A registered
/// thread that exits is unregistered by itself.
#[no_mangle]
pub extern "C" fn GC_unregister_my_thread() -> c_int {
    if !shadowstack::current_is_attached() {
        return GC_NOT_FOUND;
    }
    gc_api::cabi::thread_detach(&crate::state::INSTANCE);
    GC_SUCCESS
}

/// Unregisters a thread that exits registered (`shadowstack::set_thread_exit_hook`),
/// also from inside `GC_do_blocking` (cancelled, or `pthread_exit` there).
pub extern "C" fn unregister_exiting_thread() {
    let ctx = shadowstack::current();
    // SAFETY: the exiting thread's own context; leaving the region only
    // clears its flag (the detach below takes the lock, waiting out any
    // collection).
    unsafe { shadowstack::leave_blocking_region(ctx) };
    gc_api::cabi::thread_detach(&crate::state::INSTANCE);
}

#[no_mangle]
pub extern "C" fn GC_thread_is_registered() -> c_int {
    shadowstack::current_is_attached() as c_int
}

type StartRoutine = extern "C" fn(*mut c_void) -> *mut c_void;

/// What a thread made by [`GC_pthread_create`] starts with: an
/// uncollectable object, so that `arg` stays reachable until the new
/// thread, registered, holds it itself.
#[repr(C)]
struct StartInfo {
    start: StartRoutine,
    arg: *mut c_void,
}

extern "C" fn start_registered(info: *mut c_void) -> *mut c_void {
    // SAFETY: null asks for this thread's own stack base.
    unsafe { GC_register_my_thread(core::ptr::null()) };
    // SAFETY: the StartInfo GC_pthread_create made, which only this thread
    // uses from now on.
    let StartInfo { start, arg } = unsafe { (info as *const StartInfo).read() };
    crate::alloc::GC_free(info);
    // The program's start routine, called as pthread_create would.
    let result = start(core::hint::black_box(arg));
    GC_unregister_my_thread();
    result
}

/// `GC_pthread_create` (what bdwgc's gc.h makes of `pthread_create` under
/// `GC_THREADS`): a thread registered from its first instruction to its
/// last (also when it ends with `pthread_exit` or is cancelled). Misuse:
/// calling it from a thread that is not registered is fatal.
///
/// # Safety
/// As for `pthread_create`.
#[no_mangle]
pub unsafe extern "C" fn GC_pthread_create(
    thread: *mut libc::pthread_t,
    attr: *const libc::pthread_attr_t,
    start: StartRoutine,
    arg: *mut c_void,
) -> c_int {
    let info = crate::alloc::GC_malloc_uncollectable(core::mem::size_of::<StartInfo>()) as *mut StartInfo;
    if info.is_null() {
        return libc::EAGAIN;
    }
    // SAFETY: a fresh object of that size.
    unsafe { info.write(StartInfo { start, arg }) };
    // SAFETY: forwarded contract; `start_registered` takes the info.
    let err = unsafe { libc::pthread_create(thread, attr, start_registered, info.cast()) };
    if err != 0 {
        crate::alloc::GC_free(info.cast());
    }
    err
}

/// # Safety
/// As for `pthread_join`.
#[no_mangle]
pub unsafe extern "C" fn GC_pthread_join(thread: libc::pthread_t, out: *mut *mut c_void) -> c_int {
    // A collection may stop the world meanwhile: this thread counts as
    // stopped while it waits.
    let mut call = (thread, out, 0);
    unsafe extern "C" fn join(call: *mut c_void) -> *mut c_void {
        // SAFETY: the tuple below, alive across the call.
        let call = unsafe { &mut *(call as *mut (libc::pthread_t, *mut *mut c_void, c_int)) };
        // SAFETY: forwarded contract.
        call.2 = unsafe { libc::pthread_join(call.0, call.1) };
        core::ptr::null_mut()
    }
    // SAFETY: `join` takes the tuple, which lives across the call.
    unsafe { blocking(join, &mut call as *mut _ as *mut c_void) };
    call.2
}

/// # Safety
/// As for `pthread_detach`.
#[no_mangle]
pub unsafe extern "C" fn GC_pthread_detach(thread: libc::pthread_t) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { libc::pthread_detach(thread) }
}

/// # Safety
/// As for `pthread_cancel`.
#[no_mangle]
pub unsafe extern "C" fn GC_pthread_cancel(thread: libc::pthread_t) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { libc::pthread_cancel(thread) }
}

/// `GC_pthread_exit`: `pthread_exit`; the thread unregisters as it ends.
///
/// # Safety
/// As for `pthread_exit`.
#[no_mangle]
pub unsafe extern "C" fn GC_pthread_exit(value: *mut c_void) -> ! {
    // SAFETY: forwarded contract.
    unsafe { libc::pthread_exit(value) }
}

/// `GC_pthread_sigmask`: `pthread_sigmask`, except that the suspend
/// signal is never blocked (a thread that blocked it could not be stopped).
///
/// # Safety
/// As for `pthread_sigmask`.
#[no_mangle]
pub unsafe extern "C" fn GC_pthread_sigmask(how: c_int, set: *const libc::sigset_t, old: *mut libc::sigset_t) -> c_int {
    let mut allowed: libc::sigset_t;
    let mut set = set;
    if let (Some(signal), false) = (shadowstack::signals::signal(), set.is_null()) {
        if how != libc::SIG_UNBLOCK {
            // SAFETY: `set` is readable (caller contract); the copy is ours.
            unsafe {
                allowed = set.read();
                libc::sigdelset(&mut allowed, signal);
            }
            set = &allowed;
        }
    }
    // SAFETY: forwarded contract.
    unsafe { libc::pthread_sigmask(how, set, old) }
}

/// The signal `GC_set_suspend_signal` chose before `GC_init` (0: rgc's
/// default, [`DEFAULT_SUSPEND_SIGNAL`]).
static SUSPEND_SIGNAL: crate::state::CVar<c_int> = crate::state::CVar::new(0);
/// bdwgc's default suspend signal on Linux.
pub const DEFAULT_SUSPEND_SIGNAL: c_int = libc::SIGPWR;

/// Starts stopping registered threads with the suspend signal (from
/// `GC_init`, before the first thread registers).
pub fn start_suspend_signal() {
    let signal = match SUSPEND_SIGNAL.get() {
        0 => DEFAULT_SUSPEND_SIGNAL,
        s => s,
    };
    if let Err(e) = shadowstack::signals::enable(signal) {
        fatal!("GC_init", "cannot install the handler of the suspend signal ", signal, " (errno ", e.0, ")");
    }
    shadowstack::set_thread_exit_hook(unregister_exiting_thread);
    handle_fork();
}

/// `GC_set_suspend_signal`: the signal that stops registered threads for
/// a collection (before `GC_init`; later calls change nothing, as in
/// bdwgc). rgc has no restart signal (a stopped thread sleeps on a futex),
/// so `GC_set_thr_restart_signal` does nothing and
/// `GC_get_thr_restart_signal` returns -1, bdwgc's "no signal is used".
#[no_mangle]
pub extern "C" fn GC_set_suspend_signal(signal: c_int) {
    if !is_initialised() {
        SUSPEND_SIGNAL.set(signal);
    }
}
#[no_mangle]
pub extern "C" fn GC_set_thr_restart_signal(_signal: c_int) {}
/// `GC_get_suspend_signal`: the signal in use (or to be used).
#[no_mangle]
pub extern "C" fn GC_get_suspend_signal() -> c_int {
    shadowstack::signals::signal().unwrap_or(match SUSPEND_SIGNAL.get() {
        0 => DEFAULT_SUSPEND_SIGNAL,
        s => s,
    })
}
#[no_mangle]
pub extern "C" fn GC_get_thr_restart_signal() -> c_int {
    -1
}

/// Threads `GC_suspend_thread` holds, by `pthread_t` (a thread that has
/// ended, or is not registered, counts too, as in bdwgc). Changed under
/// the collector lock.
static SUSPENDED: std::sync::Mutex<Vec<usize>> = std::sync::Mutex::new(Vec::new());

/// `GC_suspend_thread`: holds the registered thread `thread` (a
/// `pthread_t`) stopped, wherever it is, until `GC_resume_thread`;
/// collections go on meanwhile and scan it. Suspending the calling thread
/// blocks it until another resumes it. Suspending twice is once.
#[no_mangle]
pub extern "C" fn GC_suspend_thread(thread: *mut c_void) {
    let c = enter("GC_suspend_thread");
    let mut held = SUSPENDED.lock().unwrap_or_else(|e| e.into_inner());
    if held.contains(&(thread as usize)) {
        return;
    }
    held.push(thread as usize);
    drop(held);
    // SAFETY: the collector lock is held (`c`); the caller's own context.
    unsafe { shadowstack::safepoint::suspend_thread(shadowstack::current(), thread as usize) };
    drop(c);
    shadowstack::signals::honour_suspension();
}
/// `GC_resume_thread`: lets a suspended thread run again (nothing if it
/// is not suspended).
#[no_mangle]
pub extern "C" fn GC_resume_thread(thread: *mut c_void) {
    let _held = enter("GC_resume_thread");
    SUSPENDED.lock().unwrap_or_else(|e| e.into_inner()).retain(|&t| t != thread as usize);
    // SAFETY: the collector lock is held.
    unsafe { shadowstack::safepoint::resume_thread(thread as usize) };
}
#[no_mangle]
pub extern "C" fn GC_is_thread_suspended(thread: *mut c_void) -> c_int {
    let _held = enter("GC_is_thread_suspended");
    SUSPENDED.lock().unwrap_or_else(|e| e.into_inner()).contains(&(thread as usize)) as c_int
}

/// `GC_stop_world_external`: stops every other registered thread and
/// holds the collector lock until `GC_start_world_external`, which must
/// come from the same thread (misuse: without a stop before, it is fatal).
#[no_mangle]
pub extern "C" fn GC_stop_world_external() {
    let mut held = crate::state::enter_anew("GC_stop_world_external");
    held.rt.stop_the_world();
    crate::state::hold(&mut held);
    *WORLD_STOPPED.lock().unwrap_or_else(|e| e.into_inner()) = Some(SendEntered(held));
}
#[no_mangle]
pub extern "C" fn GC_start_world_external() {
    let held = WORLD_STOPPED.lock().unwrap_or_else(|e| e.into_inner()).take();
    if held.is_none() {
        fatal!("GC_start_world_external", "the world is not stopped (no GC_stop_world_external before)");
    }
    crate::state::let_go();
    // Dropped after the mutex: it lets the world run and releases the lock.
    drop(held);
}

/// The collector lock's guard between `GC_stop_world_external` and
/// `GC_start_world_external` (see [`ALLOC_LOCK`]).
static WORLD_STOPPED: std::sync::Mutex<Option<SendEntered>> = std::sync::Mutex::new(None);

/// `GC_on_thread_event_proc`.
pub type ThreadEventProc = unsafe extern "C" fn(c_int, *mut c_void);
static THREAD_EVENT: crate::state::CVar<Option<ThreadEventProc>> = crate::state::CVar::new(None);

/// `GC_set_on_thread_event`: kept and returned; never called, since no
/// thread is suspended for a collection here.
#[no_mangle]
pub extern "C" fn GC_set_on_thread_event(f: Option<ThreadEventProc>) {
    THREAD_EVENT.set(f);
}
#[no_mangle]
pub extern "C" fn GC_get_on_thread_event() -> Option<ThreadEventProc> {
    THREAD_EVENT.get()
}

/// `GC_register_altstack`: nothing to record (rgc scans no signal stacks).
#[no_mangle]
pub extern "C" fn GC_register_altstack(_stack: *mut c_void, _size: GcWord, _alt: *mut c_void, _alt_size: GcWord) {}

/// The collector lock, held by the forking thread across `fork` (so that
/// no collection is under way, or starts, when the process is copied).
static FORK_HELD: std::sync::Mutex<Option<SendEntered>> = std::sync::Mutex::new(None);
/// The forking thread was in a blocking region, left for the fork.
static FORK_WAS_BLOCKING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

extern "C" fn before_fork() {
    let ctx = shadowstack::current();
    // SAFETY: the calling thread's own context.
    let blocking = unsafe { shadowstack::in_blocking_region(ctx) };
    if blocking {
        gc_api::cabi::leave_blocking();
    }
    FORK_WAS_BLOCKING.store(blocking, std::sync::atomic::Ordering::Relaxed);
    let held = crate::state::enter_anew("fork");
    *FORK_HELD.lock().unwrap_or_else(|e| e.into_inner()) = Some(SendEntered(held));
}

/// Releases what [`before_fork`] took.
fn after_fork() {
    let held = FORK_HELD.lock().unwrap_or_else(|e| e.into_inner()).take();
    drop(held);
    if FORK_WAS_BLOCKING.load(std::sync::atomic::Ordering::Relaxed) {
        // SAFETY: the calling thread's own context; it left the region in
        // `before_fork` and holds no lock.
        unsafe { shadowstack::enter_blocking_region(shadowstack::current()) };
    }
}

extern "C" fn after_fork_in_parent() {
    after_fork();
}

/// The child has only the forking thread: the others' registrations go
/// before anything can try to stop them.
extern "C" fn after_fork_in_child() {
    shadowstack::forget_other_threads_after_fork();
    after_fork();
}

/// Makes `fork` safe for the collector (from `GC_init`).
pub fn handle_fork() {
    // SAFETY: registers three handlers with the signatures pthread_atfork takes.
    unsafe { libc::pthread_atfork(Some(before_fork), Some(after_fork_in_parent), Some(after_fork_in_child)) };
}

/// `GC_atfork_prepare`, `_parent`, `_child`: nothing to do: rgc handles
/// `fork` itself, always (`pthread_atfork` handlers installed by `GC_init`
/// hold the collector lock across it, and the child forgets the parent's
/// other threads).
#[no_mangle]
pub extern "C" fn GC_atfork_prepare() {}
#[no_mangle]
pub extern "C" fn GC_atfork_parent() {}
#[no_mangle]
pub extern "C" fn GC_atfork_child() {}
/// `GC_set_handle_fork`: kept; see [`GC_atfork_prepare`].
#[no_mangle]
pub extern "C" fn GC_set_handle_fork(_value: c_int) {}

/// `GC_fn_type`.
pub type ClientFn = unsafe extern "C" fn(*mut c_void) -> *mut c_void;

/// `GC_call_with_alloc_lock`: `f(arg)` holding the collector lock, so no
/// other thread allocates or collects meanwhile. As in bdwgc, `f` must not
/// call `GC_` functions: one that enters the collector is a fatal error.
///
/// # Safety
/// `f` is callable with `arg`.
#[no_mangle]
pub unsafe extern "C" fn GC_call_with_alloc_lock(f: ClientFn, arg: *mut c_void) -> *mut c_void {
    let mut held = enter("GC_call_with_alloc_lock");
    let own = matches!(held, crate::state::Entry::Own(_));
    if own {
        crate::state::hold(&mut held);
    }
    // SAFETY: caller contract.
    let result = unsafe { f(arg) };
    if own {
        crate::state::let_go();
    }
    drop(held);
    result
}

/// Set while `GC_alloc_lock` holds the collector lock: the guard, kept
/// until `GC_alloc_unlock` (written and read by the thread holding it).
static ALLOC_LOCK: std::sync::Mutex<Option<SendEntered>> = std::sync::Mutex::new(None);

/// The collector lock's guard, handed from `GC_alloc_lock` to
/// `GC_alloc_unlock` on the same thread.
struct SendEntered(#[allow(dead_code)] gc_api::cabi::Entered<'static, gc_marksweep::ConservativeGc>);
// SAFETY: it is only ever dropped by the thread that made it (bdwgc's
// rule: the thread that locked unlocks).
unsafe impl Send for SendEntered {}

/// `GC_alloc_lock` and `GC_alloc_unlock`: take and release the collector
/// lock (see [`GC_call_with_alloc_lock`]). Misuse: unlocking a lock not
/// taken is a fatal error.
#[no_mangle]
pub extern "C" fn GC_alloc_lock() {
    let mut held = crate::state::enter_anew("GC_alloc_lock");
    crate::state::hold(&mut held);
    *ALLOC_LOCK.lock().unwrap_or_else(|e| e.into_inner()) = Some(SendEntered(held));
}
/// Misuse: unlocking without the lock, or from another thread than the
/// one that locked, is a fatal error.
#[no_mangle]
pub extern "C" fn GC_alloc_unlock() {
    let mut slot = ALLOC_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: the calling thread's own context.
    if slot.is_none() || !unsafe { shadowstack::in_collector(shadowstack::current()) } {
        fatal!("GC_alloc_unlock", "the allocation lock is not held by this thread (no GC_alloc_lock before it)");
    }
    let held = slot.take();
    drop(slot);
    crate::state::let_go();
    drop(held);
}

/// `GC_do_blocking`: `f(arg)`, with the calling thread counted as
/// stopped meanwhile (a collection does not wait for it, and scans its
/// stack only above this call). `f` must not touch the collected heap or
/// call `GC_` functions, except inside [`GC_call_with_gc_active`]. On a
/// thread that is not registered, or already in such a call, just `f(arg)`.
///
/// # Safety
/// `f` is callable with `arg`.
#[no_mangle]
pub unsafe extern "C" fn GC_do_blocking(f: ClientFn, arg: *mut c_void) -> *mut c_void {
    // SAFETY: forwarded contract.
    unsafe { blocking(f, arg) }
}

/// [`GC_do_blocking`].
///
/// # Safety
/// As for [`GC_do_blocking`].
unsafe fn blocking(f: ClientFn, arg: *mut c_void) -> *mut c_void {
    let ctx = shadowstack::current();
    // SAFETY: the calling thread's own context; it holds no lock here.
    if !unsafe { shadowstack::enter_blocking_region(ctx) } {
        // SAFETY: caller contract.
        return unsafe { f(arg) };
    }
    // SAFETY: caller contract.
    let result = unsafe { f(arg) };
    gc_api::cabi::leave_blocking();
    shadowstack::signals::honour_suspension();
    result
}

/// `GC_call_with_gc_active`: `f(arg)` with the thread running as usual
/// again, inside [`GC_do_blocking`]'s function (elsewhere just `f(arg)`).
///
/// # Safety
/// `f` is callable with `arg`.
#[no_mangle]
pub unsafe extern "C" fn GC_call_with_gc_active(f: ClientFn, arg: *mut c_void) -> *mut c_void {
    let ctx = shadowstack::current();
    // SAFETY: the calling thread's own context.
    if !unsafe { shadowstack::in_blocking_region(ctx) } {
        // SAFETY: caller contract.
        return unsafe { f(arg) };
    }
    gc_api::cabi::leave_blocking();
    shadowstack::signals::honour_suspension();
    // SAFETY: caller contract.
    let result = unsafe { f(arg) };
    // SAFETY: as above; it left the region just now.
    unsafe { shadowstack::enter_blocking_region(ctx) };
    result
}

/// `struct GC_stack_base` (x86-64 and aarch64: the base only).
#[repr(C)]
pub struct StackBase {
    pub mem_base: *mut c_void,
}

/// `GC_get_stack_base`: the calling thread's stack base (its highest
/// address); `GC_SUCCESS`.
///
/// # Safety
/// `sb` is writable.
#[no_mangle]
pub unsafe extern "C" fn GC_get_stack_base(sb: *mut StackBase) -> c_int {
    // SAFETY: caller contract.
    unsafe { (*sb).mem_base = shadowstack::stack::query_base() as *mut c_void };
    GC_SUCCESS
}

/// `GC_stack_base_func`.
pub type StackBaseFn = unsafe extern "C" fn(*mut StackBase, *mut c_void) -> *mut c_void;

/// `GC_call_with_stack_base`: `f(&base, arg)` with the calling thread's
/// stack base.
///
/// # Safety
/// `f` is callable with those arguments.
#[no_mangle]
pub unsafe extern "C" fn GC_call_with_stack_base(f: StackBaseFn, arg: *mut c_void) -> *mut c_void {
    let mut sb = StackBase { mem_base: shadowstack::stack::query_base() as *mut c_void };
    // SAFETY: caller contract; `sb` lives across the call.
    unsafe { f(&mut sb, arg) }
}

/// `GC_get_my_stackbottom`: fills `sb` with the calling thread's stack
/// base and returns a non-null handle for `GC_set_stackbottom`.
///
/// # Safety
/// `sb` is writable.
#[no_mangle]
pub unsafe extern "C" fn GC_get_my_stackbottom(sb: *mut StackBase) -> *mut c_void {
    // SAFETY: caller contract.
    unsafe { GC_get_stack_base(sb) };
    shadowstack::current().cast()
}

/// `GC_set_stackbottom`: from now on the stack of the registered thread
/// `thread` (a handle from `GC_get_my_stackbottom`; null: the calling
/// thread) is scanned up to `sb->mem_base` (a program that runs
/// coroutines on stacks of its own says so at each switch, and pushes
/// the other stacks itself). Misuse: a handle that is not a registered
/// thread's is a fatal error.
///
/// # Safety
/// `sb` is readable; the base is the top of the stack the thread runs on.
#[no_mangle]
pub unsafe extern "C" fn GC_set_stackbottom(thread: *mut c_void, sb: *const StackBase) {
    const CALL: &str = "GC_set_stackbottom";
    // SAFETY: caller contract.
    let base = unsafe { (*sb).mem_base } as usize;
    let me = shadowstack::current();
    if thread.is_null() || thread == me.cast() {
        // SAFETY: the thread's own Local; a collection reads the base only
        // while the thread is parked, and one aligned store is whole even
        // to its own signal handler.
        match unsafe { shadowstack::current_local() } {
            Some(l) => l.stack_hi = base,
            None => fatal!(CALL, "called from a thread that is not registered"),
        }
        crate::state::stack_bottom_moved(me, base);
        return;
    }
    // Another thread's: with that thread stopped (the call is rare: a
    // program switching coroutines sets its own thread's), by this call
    // or by the collection whose push-other-roots hook makes it (Crystal
    // sets every thread's there).
    // SAFETY: the calling thread's own context.
    let collecting = gc_marksweep::in_push_hook() && unsafe { shadowstack::in_collector(me) };
    let mut held = (!collecting).then(|| enter(CALL));
    if let Some(c) = held.as_mut() {
        c.rt.stop_the_world();
    }
    let mut found = false;
    // SAFETY: registered Locals live while registered; the lock keeps
    // them registered (detaching takes it), and their threads are stopped.
    unsafe {
        shadowstack::for_each_local(|l| {
            if l.ctx.cast() == thread {
                l.stack_hi = base;
                found = true;
                crate::state::stack_bottom_moved(l.ctx, base);
            }
        })
    };
    if !found {
        fatal!(CALL, "thread handle ", thread, " is not a registered thread's (from GC_get_my_stackbottom?)");
    }
}

// ---- collection events ----------------------------------------------------------

/// `GC_on_collection_event_proc`: called with a `GC_EventType`.
pub type CollectionEventProc = unsafe extern "C" fn(c_int);

static COLLECTION_EVENT: crate::state::CVar<Option<CollectionEventProc>> = crate::state::CVar::new(None);

/// Maps rgc's phase events to bdwgc's: the pause is `GC_EVENT_START` (0)
/// to `GC_EVENT_END` (5), marking 1 and 2, sweeping ("reclaim") 3 and 4.
unsafe extern "C" fn forward_event(event: *const gc_api::abi::RgcEvent, _user: *mut c_void) {
    use gc_api::event::Phase;
    // SAFETY: the collector passes a valid event for the duration of the call.
    let (kind, phase) = unsafe { ((*event).kind, (*event).phase) };
    let bdwgc = match phase {
        p if p == Phase::Pause as u32 => [0, 5],
        p if p == Phase::Mark as u32 => [1, 2],
        p if p == Phase::Sweep as u32 => [3, 4],
        _ => return,
    };
    if let Some(f) = COLLECTION_EVENT.get() {
        // SAFETY: installed by the client with this signature. It runs while
        // the collector is stopped and must not call GC_ functions (as in bdwgc).
        unsafe { f(bdwgc[(kind != 0) as usize]) };
    }
}

/// `GC_set_on_collection_event`: `f` hears the start and end of every
/// collection, of its marking and of its sweeping. It must not call GC_
/// functions (a call is a fatal error naming it).
#[no_mangle]
pub extern "C" fn GC_set_on_collection_event(f: Option<CollectionEventProc>) {
    COLLECTION_EVENT.set(f);
    let listener: Option<gc_api::abi::EventListener> = f.map(|_| forward_event as gc_api::abi::EventListener);
    enter("GC_set_on_collection_event").events().set_listener(listener, core::ptr::null_mut());
}

#[no_mangle]
pub extern "C" fn GC_get_on_collection_event() -> Option<CollectionEventProc> {
    COLLECTION_EVENT.get()
}
