//! The collector instance, initialisation from bdwgc's environment
//! variables, the variables bdwgc exports, and the warning and
//! out-of-memory paths.

use core::cell::UnsafeCell;
use core::ffi::{c_char, c_void, CStr};
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use gc_api::cabi::{Entered, Instance};
use gc_api::config::{default_c_config, parse_size};
use gc_api::fatal;
use gc_marksweep::ConservativeGc;
use std::sync::Once;

/// `GC_word`: an unsigned integer the size of a pointer.
pub type GcWord = usize;
/// `GC_oom_func`.
pub type OomFn = unsafe extern "C" fn(GcWord) -> *mut c_void;
/// `GC_warn_proc`: a printf format with one conversion, and its argument.
pub type WarnProc = unsafe extern "C" fn(*mut c_char, GcWord);
/// `GC_finalizer_notifier_proc`.
pub type NotifierFn = unsafe extern "C" fn();

/// A C global variable: clients of bdwgc read and write some of its
/// variables directly (`GC_oom_fn = my_handler;`), so they are plain
/// memory, read with volatile loads because C may change them at any time.
#[repr(transparent)]
pub struct CVar<T: Copy>(UnsafeCell<T>);

// SAFETY: the variables are plain words that C clients read and write
// directly, from any thread, as they do bdwgc's (a client that races on
// one races as it would there); rgc writes them under the collector lock
// or once at `GC_init`, with volatile accesses of whole words.
unsafe impl<T: Copy> Sync for CVar<T> {}

impl<T: Copy> CVar<T> {
    pub const fn new(v: T) -> Self {
        CVar(UnsafeCell::new(v))
    }
    pub fn get(&self) -> T {
        // SAFETY: a valid T lives in the cell; volatile because C writes it directly.
        unsafe { self.0.get().read_volatile() }
    }
    pub fn set(&self, v: T) {
        // SAFETY: as for `get`.
        unsafe { self.0.get().write_volatile(v) }
    }
}

/// `GC_gc_no`: collections completed so far.
#[no_mangle]
pub static GC_gc_no: CVar<GcWord> = CVar::new(0);
/// `GC_oom_fn`: called with the size when an allocation fails; its result
/// is what the allocation returns.
#[no_mangle]
pub static GC_oom_fn: CVar<Option<OomFn>> = CVar::new(Some(default_oom_fn));
/// `GC_all_interior_pointers`: rgc always recognises interior pointers.
/// As in bdwgc, its value when the collector starts decides whether every
/// object gets an extra byte ([`extra_bytes`]).
#[no_mangle]
pub static GC_all_interior_pointers: CVar<i32> = CVar::new(1);
/// Bytes added to every request: 1 while `GC_all_interior_pointers` was
/// set at `GC_init`, else 0. Written once by `init`, read at allocation.
static EXTRA_BYTES: AtomicUsize = AtomicUsize::new(1);

/// bdwgc's `EXTRA_BYTES`: what every object gets past the bytes asked for,
/// so that a pointer just past its end still points into it and a write
/// of one byte too many stays inside it.
#[inline]
pub fn extra_bytes() -> usize {
    EXTRA_BYTES.load(Ordering::Relaxed)
}
/// `GC_finalize_on_demand`: when non-zero, finalizers run only in
/// `GC_invoke_finalizers`, and `GC_finalizer_notifier` is called instead.
#[no_mangle]
pub static GC_finalize_on_demand: CVar<i32> = CVar::new(0);
/// `GC_finalizer_notifier`.
#[no_mangle]
pub static GC_finalizer_notifier: CVar<Option<NotifierFn>> = CVar::new(None);

/// `GC_parallel`: the threads that mark beside the collecting one (rgc's
/// markers less one), set by `GC_init`; 0 before it.
#[no_mangle]
pub static GC_parallel: CVar<i32> = CVar::new(0);
/// `GC_on_abort`: called with the message of a fatal error before the
/// process aborts (rgc has printed the message already); C may write
/// NULL here directly, which calls nothing.
#[no_mangle]
pub static GC_on_abort: CVar<Option<AbortFn>> = CVar::new(Some(default_on_abort));
/// `GC_abort_func`.
pub type AbortFn = unsafe extern "C" fn(*const c_char);
/// `GC_set_markers_count`'s value before `GC_init` (0: rgc's default,
/// one marker per core, at most `gc_api::config::MAX_MARKERS`).
pub static MARKERS_REQUESTED: CVar<u32> = CVar::new(0);

/// `GC_least_plausible_heap_addr` and `GC_greatest_plausible_heap_addr`:
/// every heap object lies strictly between them. rgc reserves its heap's
/// address range at `GC_init`, so they are set there (to the byte before
/// it and the byte after) and never move; null before.
#[no_mangle]
pub static GC_least_plausible_heap_addr: CVar<*mut c_void> = CVar::new(core::ptr::null_mut());
#[no_mangle]
pub static GC_greatest_plausible_heap_addr: CVar<*mut c_void> = CVar::new(core::ptr::null_mut());
/// `GC_stackbottom`: the initialising thread's stack base, set by
/// `GC_init`. A program that runs coroutines on stacks of its own (Crystal)
/// writes it at each switch; every collection scans that thread up to it
/// ([`sync_stack_bottom`]).
#[no_mangle]
pub static GC_stackbottom: CVar<*mut c_char> = CVar::new(core::ptr::null_mut());

/// `GC_non_gc_bytes`: bytes the program says it holds outside the
/// collected heap. bdwgc weighs them in its heap growth; rgc only keeps
/// the value (`GC_get_non_gc_bytes`, `GC_get_prof_stats`).
#[no_mangle]
pub static GC_non_gc_bytes: CVar<GcWord> = CVar::new(0);
/// `GC_set_force_unmap_on_gcollect`'s value: kept only, since rgc returns
/// free memory to the system at the end of every collection anyway.
pub static FORCE_UNMAP_ON_GCOLLECT: CVar<i32> = CVar::new(0);
/// Bytes `GC_free` released since the collection numbered in the second
/// field (`GC_get_expl_freed_bytes_since_gc`).
static EXPLICITLY_FREED: CVar<(GcWord, u64)> = CVar::new((0, 0));

/// Counts `bytes` freed by `GC_free` when the collector has completed
/// `collections` collections.
pub fn count_explicitly_freed(bytes: usize, collections: u64) {
    let (freed, at) = EXPLICITLY_FREED.get();
    EXPLICITLY_FREED.set((if at == collections { freed } else { 0 } + bytes, collections));
}

/// Bytes `GC_free` released since the last collection, which completed
/// `collections` collections.
pub fn explicitly_freed_since(collections: u64) -> GcWord {
    let (freed, at) = EXPLICITLY_FREED.get();
    if at == collections {
        freed
    } else {
        0
    }
}

pub static WARN_PROC: CVar<WarnProc> = CVar::new(default_warn_proc);
/// `GC_PRINT_STATS` was set: one line per collection on stderr.
pub static PRINT_STATS: AtomicBool = AtomicBool::new(false);
/// `GC_free_space_divisor` (bdwgc's default is 3; rgc's growth stays
/// [`BOEHM_GROWTH_PERCENT`] until the divisor changes: `crate::knobs`).
#[export_name = "GC_free_space_divisor"]
pub static FREE_SPACE_DIVISOR: CVar<GcWord> = CVar::new(3);

/// The heap may grow to live × 2.3 between collections (rgc's default is
/// × 2). Measured on GCBench against gc.h, with bdwgc's extra byte (its
/// 32-byte nodes take 48-byte cells): 150 % gave 24 collections and a
/// peak RSS of 32.4 MB against bdwgc's 30.2; 130 % gives 28 collections,
/// 27.4 MB, and the same wall time within noise (100 %: 36 collections,
/// 1.25× the time). `RGC_GROWTH_PERCENT` and `GC_set_free_space_divisor`
/// override it.
const BOEHM_GROWTH_PERCENT: u32 = 130;

pub static INSTANCE: Instance<ConservativeGc> = Instance::new();
static INIT: Once = Once::new();
static READY: AtomicBool = AtomicBool::new(false);

/// Initialises the collector on first use (invariant 1).
#[inline]
pub fn ensure_init() {
    if !READY.load(Ordering::Acquire) {
        init();
    }
}

/// `GC_init`: builds the configuration from bdwgc's environment variables
/// (rgc's own `RGC_*` variables still apply on top) and starts the
/// conservative collector on the calling thread.
#[cold]
pub fn init() {
    INIT.call_once(|| {
        EXTRA_BYTES.store((GC_all_interior_pointers.get() != 0) as usize, Ordering::Relaxed);
        let mut cfg = default_c_config();
        cfg.growth_percent = BOEHM_GROWTH_PERCENT;
        cfg.heap_max = env_size("GC_MAXIMUM_HEAP_SIZE").unwrap_or_else(default_heap_max);
        if MARKERS_REQUESTED.get() != 0 {
            cfg.markers = MARKERS_REQUESTED.get().min(gc_api::config::MAX_MARKERS as u32);
        }
        // SAFETY: `call_on_abort` may run on any thread, with the lock
        // held: it only calls what the program put in GC_on_abort, as
        // bdwgc does.
        unsafe { gc_api::fatal::set_abort_hook(Some(call_on_abort)) };
        if let Some(initial) = env_size("GC_INITIAL_HEAP_SIZE") {
            cfg.heap_initial = initial;
        }
        // Before the first thread registers (this one, in init).
        crate::control::start_suspend_signal();
        // SAFETY: `cfg` is a complete config on our stack.
        if unsafe { gc_api::cabi::init(&INSTANCE, &cfg, true) } != 0 {
            fatal!("GC_init", "the collector could not start (the reason is printed above)");
        }
        if env_set("GC_DONT_GC") {
            crate::knobs::GC_dont_gc.set(1);
        }
        let mut c = INSTANCE.enter("GC_init");
        // Just outside the heap: these variables are in a scanned data
        // segment, and the heap's first address would keep its first object.
        let (lo, hi) = c.rt.heap().reserved_range();
        GC_least_plausible_heap_addr.set((lo - 1) as *mut c_void);
        GC_greatest_plausible_heap_addr.set(hi as *mut c_void);
        crate::kinds::init_free_list_variables();
        GC_stackbottom.set(shadowstack::stack::query_base() as *mut c_char);
        INITIAL_THREAD.store(shadowstack::current(), Ordering::Relaxed);
        STACKBOTTOM_APPLIED.store(GC_stackbottom.get() as usize, Ordering::Relaxed);
        c.plan.before_collection = Some(crate::hooks::before_collection);
        c.plan.mark_unconditionally = Some(crate::hooks::mark_extra);
        c.plan.before_sweep = Some(crate::hooks::before_sweep);
        c.plan.push_other_roots = Some(crate::control::push_other_roots);
        GC_parallel.set(c.rt.markers().saturating_sub(1) as i32);
        drop(c);
        PRINT_STATS.store(env_set("GC_PRINT_STATS"), Ordering::Relaxed);
        READY.store(true, Ordering::Release);
    });
}

/// The context of the thread that initialised the collector (written once
/// by `GC_init`, read by collections).
static INITIAL_THREAD: core::sync::atomic::AtomicPtr<shadowstack::Context> =
    core::sync::atomic::AtomicPtr::new(core::ptr::null_mut());

/// The `GC_stackbottom` the initial thread's scan last followed (written
/// under the collector lock).
static STACKBOTTOM_APPLIED: AtomicUsize = AtomicUsize::new(0);

/// Scans the initial thread up to `GC_stackbottom` if the program wrote it
/// since the last collection (bdwgc follows it too). Called by each
/// collection with the world stopped.
pub(crate) fn sync_stack_bottom() {
    let base = GC_stackbottom.get() as usize;
    if base == 0 || base == STACKBOTTOM_APPLIED.load(Ordering::Relaxed) {
        return;
    }
    let ctx = INITIAL_THREAD.load(Ordering::Relaxed);
    // SAFETY: a thread context lives as long as its thread; `local` is
    // null once the thread unregistered, else its Local, which the world
    // being stopped lets the collector write.
    if let Some(l) = unsafe { ctx.as_ref().and_then(|c| c.local.as_mut()) } {
        l.stack_hi = base;
    }
    STACKBOTTOM_APPLIED.store(base, Ordering::Relaxed);
}

/// `GC_set_stackbottom` moved the base of the thread with context `ctx`:
/// for the initial thread, `GC_stackbottom` follows (as in bdwgc).
pub fn stack_bottom_moved(ctx: *mut shadowstack::Context, base: usize) {
    if ctx == INITIAL_THREAD.load(Ordering::Relaxed) {
        GC_stackbottom.set(base as *mut c_char);
        STACKBOTTOM_APPLIED.store(base, Ordering::Relaxed);
    }
}

/// True once `GC_init` has run.
pub fn is_initialised() -> bool {
    READY.load(Ordering::Acquire)
}

/// Enters the collector for `call`, initialising it first (invariants 1
/// and 2), with the calling thread's spans settled (invariant 4).
#[inline]
pub fn enter(call: &'static str) -> Entry {
    let held = HELD.get();
    if !held.is_null() {
        // Called from inside GC_call_with_alloc_lock (or between
        // GC_alloc_lock and GC_alloc_unlock) on the thread holding it.
        return Entry::Held(held);
    }
    Entry::Own(enter_anew(call))
}

/// The collector, entered by this call or by an enclosing one that holds
/// the collector lock for the program (the allocation lock's calls).
pub enum Entry {
    Own(Entered<'static, ConservativeGc>),
    Held(*mut ConservativeGc),
}

impl core::ops::Deref for Entry {
    type Target = ConservativeGc;
    fn deref(&self) -> &ConservativeGc {
        match self {
            Entry::Own(c) => c,
            // SAFETY: HELD points at the collector of a guard that lives
            // (on this thread) while it is set, and is not used meanwhile.
            Entry::Held(c) => unsafe { &**c },
        }
    }
}

impl core::ops::DerefMut for Entry {
    fn deref_mut(&mut self) -> &mut ConservativeGc {
        match self {
            Entry::Own(c) => c,
            // SAFETY: as in `deref`.
            Entry::Held(c) => unsafe { &mut **c },
        }
    }
}

std::thread_local! {
    /// The collector while this thread holds the collector lock for the
    /// program (`GC_call_with_alloc_lock`, `GC_alloc_lock`): `GC_` calls
    /// from there, which bdwgc allows for those documented to need the
    /// lock held, use it instead of taking the lock again. Null otherwise.
    static HELD: core::cell::Cell<*mut ConservativeGc> = const { core::cell::Cell::new(core::ptr::null_mut()) };
}

/// Makes `GC_` calls on this thread use `c` until [`let_go`] (the caller
/// keeps the guard alive meanwhile and does not use it).
pub fn hold(c: &mut ConservativeGc) {
    HELD.set(c);
}

/// Ends [`hold`].
pub fn let_go() {
    HELD.set(core::ptr::null_mut());
}

/// [`enter`], taking the collector lock.
pub fn enter_anew(call: &'static str) -> Entered<'static, ConservativeGc> {
    ensure_init();
    if !shadowstack::current_is_attached() {
        register_on_first_call(call);
    }
    let mut c = INSTANCE.enter(call);
    if suspended() {
        // Another thread suspended this one while it waited for the lock
        // (`GC_suspend_thread`): it stops here, then enters.
        drop(c);
        shadowstack::signals::honour_suspension();
        c = INSTANCE.enter(call);
    }
    c.rt.settle_current();
    crate::knobs::apply(&mut c);
    c
}

/// True when another thread holds the calling one suspended.
#[inline]
fn suspended() -> bool {
    // SAFETY: the calling thread's own Local, read only.
    unsafe { shadowstack::current_local() }.is_some_and(|l| l.suspended_ext.load(Ordering::Relaxed) != 0)
}

/// The object `p` points into (interior pointers too), if any. A cell
/// another thread took from its span is an object only once settled: a
/// miss inside a block in use settles every thread, stopping the others
/// (invariant 4), and looks again.
pub fn object_at(c: &mut ConservativeGc, p: usize) -> Option<*mut u8> {
    if let Some(obj) = c.rt.heap().object_containing(p) {
        return Some(obj);
    }
    if shadowstack::attached_count() > 1 && c.rt.heap().in_use_block(p) {
        c.rt.settle_all();
        return c.rt.heap().object_containing(p);
    }
    None
}

/// The requested size of `obj`, which [`object_at`] found (read from its
/// header: `Collector::object_size` would settle, and so stop, every
/// thread).
pub fn size_of(c: &ConservativeGc, obj: *const u8) -> usize {
    debug_assert!(c.rt.heap().is_object(obj));
    // SAFETY: a live object (the caller found it with `object_at`).
    unsafe { gc_heap::object::object_bytes(obj, c.rt.types()) }
}

/// True when `p` is the start of an object (see [`object_at`]).
pub fn is_object_start(c: &mut ConservativeGc, p: *const c_void) -> bool {
    object_at(c, p as usize) == Some(p as *mut u8)
}

/// A thread that calls in without registering is registered on the spot:
/// bdwgc lets it allocate, unscanned and unstopped (and aborts if it then
/// collects); rgc scans and stops it like any other from then on, until
/// it unregisters or exits.
#[cold]
#[inline(never)]
fn register_on_first_call(call: &'static str) {
    // SAFETY: null asks for the thread's own stack base.
    if unsafe { crate::control::GC_register_my_thread(core::ptr::null()) } != crate::finalize::GC_SUCCESS {
        fatal!(call, "called from a thread that is not registered, and registering it failed (reported above)");
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
}

fn env_set(name: &str) -> bool {
    env(name).is_some_and(|v| !v.is_empty() && v != "0")
}

/// A size from the environment (`123`, `64k`, `8M`, `1G`). A value that
/// does not parse is reported through the warning procedure and ignored.
fn env_size(name: &'static str) -> Option<u64> {
    let v = env(name)?;
    match parse_size(&v) {
        Some(n) => Some(n),
        None => {
            warn_text(&format!(
                "rgc: {name}={v} is not a size (use a byte count with an optional k, M or G suffix); ignored"
            ));
            None
        }
    }
}

/// Without `GC_MAXIMUM_HEAP_SIZE`, the heap may grow to 3/4 of physical
/// memory: rgc reserves its heap up front, and the kernel refuses a
/// reservation larger than memory.
fn default_heap_max() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let (pages, page) = unsafe { (libc::sysconf(libc::_SC_PHYS_PAGES), libc::sysconf(libc::_SC_PAGESIZE)) };
    if pages <= 0 || page <= 0 {
        return 1 << 30;
    }
    (pages as u64 * page as u64 / 4 * 3).max(64 << 20)
}

/// Reports through the warning procedure: `format` holds one `%lu`-style
/// conversion for `arg` (the bdwgc convention), or none.
pub fn warn(format: &str, arg: GcWord) {
    let mut text: Vec<u8> = format.as_bytes().to_vec();
    text.push(b'\n');
    text.push(0);
    // SAFETY: a NUL-terminated buffer that outlives the call.
    unsafe { (WARN_PROC.get())(text.as_mut_ptr().cast(), arg) };
}

/// [`warn`] for a message with no conversion: any `%` is escaped.
pub fn warn_text(text: &str) {
    warn(&text.replace('%', "%%"), 0);
}

extern "C" {
    /// glibc's `dprintf` (not in the `libc` crate).
    fn dprintf(fd: libc::c_int, format: *const c_char, ...) -> libc::c_int;
}

/// The abort hook rgc's fatal errors call: whatever `GC_on_abort` holds
/// now (C may have written the variable directly).
unsafe extern "C" fn call_on_abort(msg: *const c_char) {
    if let Some(f) = GC_on_abort.get() {
        // SAFETY: the hook's contract (`gc_api::fatal::AbortHook`): a
        // NUL-terminated line; GC_on_abort holds null or a function of
        // that type.
        unsafe { f(msg) }
    }
}

/// bdwgc's default prints the message; rgc's fatal path has printed it
/// already, so the default does nothing more.
unsafe extern "C" fn default_on_abort(_msg: *const c_char) {}

unsafe extern "C" fn default_warn_proc(msg: *mut c_char, arg: GcWord) {
    // SAFETY: `msg` is a NUL-terminated printf format with at most one
    // conversion, which `arg` satisfies (the bdwgc convention).
    unsafe { dprintf(2, msg, arg) };
}

/// bdwgc's default: warn and return NULL, so the allocation returns NULL.
unsafe extern "C" fn default_oom_fn(bytes: GcWord) -> *mut c_void {
    warn(
        "rgc: out of memory: cannot allocate %lu bytes within the heap limit (raise GC_MAXIMUM_HEAP_SIZE or \
         GC_set_max_heap_size); returning NULL",
        bytes,
    );
    core::ptr::null_mut()
}

/// The allocation of `bytes` failed: the result of `GC_oom_fn`.
#[cold]
pub fn out_of_memory(bytes: usize) -> *mut c_void {
    match GC_oom_fn.get() {
        // SAFETY: installed by the client with this signature.
        Some(f) => unsafe { f(bytes) },
        None => core::ptr::null_mut(),
    }
}

/// A C string argument as text, for messages.
///
/// # Safety
/// `s` is null or NUL-terminated.
pub unsafe fn c_text(s: *const c_char) -> String {
    if s.is_null() {
        return "(null)".into();
    }
    // SAFETY: caller contract.
    unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned()
}
