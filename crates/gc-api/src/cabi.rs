//! The C ABI glue, generic over any [`Collector`].
//!
//! Each collector library is one line: `gc_api::export_c_abi!(MyGc, rgc_abi_my_v1);`.
//! The macro declares the process-wide [`Instance`] and the `#[no_mangle]`
//! `rgc_*` functions, each of which only forwards to a function here. These
//! functions convert C arguments, validate them (naming the call and the
//! value on misuse), enter the collector, and run user callbacks at points
//! where the collector is not borrowed.
//!
//! What happens on misuse is documented per call in `include/rgc.h`.

use crate::abi::{descriptor_key, EventListener, OomHandler, RgcConfig, RgcStats, RgcType, SpanClass};
use crate::collector::{AllocRequest, Collector};
use crate::config::{default_c_config, Config};
use crate::event::{Phase, PHASE_NAMES};
use crate::fatal;
use crate::message::Message;
use crate::msg;
use crate::region;
use crate::types::{BYTES_TYPE, WEAKREF_TYPE};
use core::cell::UnsafeCell;
use core::ffi::{c_char, c_int, c_void};
use core::sync::atomic::{AtomicBool, Ordering};
use shadowstack::StackError;

/// The one collector instance of a process, plus the glue's own state.
///
/// Threads: `collector` is touched only by the holder of the collector lock
/// (`shadowstack::safepoint`), which every entry takes ([`Instance::enter`]);
/// `running_finalizers` is an atomic flag; `oom` is written and read under
/// the lock.
pub struct Instance<C> {
    collector: UnsafeCell<Option<C>>,
    /// Set while the glue runs finalizers, so that a finalizer that triggers
    /// a collection does not start a nested finalizer loop.
    running_finalizers: AtomicBool,
    /// The collector checks stores (`RGC_VERIFY`): written by `rgc_init`
    /// under the lock, read relaxed by `rgc_write_barrier` (a program's
    /// first store comes after its `rgc_init`).
    verifying: AtomicBool,
    oom: UnsafeCell<(Option<OomHandler>, *mut c_void)>,
}

// SAFETY: `collector` and `oom` are only reached through `Entered`, which
// holds the process's collector lock.
unsafe impl<C> Sync for Instance<C> {}

impl<C> Default for Instance<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C> Instance<C> {
    pub const fn new() -> Self {
        Instance {
            collector: UnsafeCell::new(None),
            running_finalizers: AtomicBool::new(false),
            verifying: AtomicBool::new(false),
            oom: UnsafeCell::new((None, core::ptr::null_mut())),
        }
    }
}

/// Exclusive access to the collector for the duration of one call: the
/// collector lock is held until it drops.
pub struct Entered<'a, C: Collector> {
    collector: &'a mut C,
    /// The calling thread's context (looked up once per call).
    ctx: *mut shadowstack::Context,
}

impl<C: Collector> core::ops::Deref for Entered<'_, C> {
    type Target = C;
    fn deref(&self) -> &C {
        self.collector
    }
}
impl<C: Collector> core::ops::DerefMut for Entered<'_, C> {
    fn deref_mut(&mut self) -> &mut C {
        self.collector
    }
}
impl<C: Collector> Drop for Entered<'_, C> {
    fn drop(&mut self) {
        self.collector.leaving();
        if C::THREADS == crate::Threads::Concurrent {
            // SAFETY: this thread's context, which took the lock in `enter`.
            unsafe { shadowstack::safepoint::leave_from(self.ctx) };
        } else {
            // SAFETY: this thread took the lock in `enter` (serialised).
            unsafe { shadowstack::safepoint::leave_serialised() };
        }
    }
}

/// Takes the collector lock for `call` (a safepoint for the calling
/// thread), or stops with a message on re-entry or inside a blocking
/// region. A collector that runs one thread checks without a locked
/// instruction, as before threads. Returns the caller's context and, if
/// it waited for the collector thread, when the wait began (a pause).
#[inline]
fn lock<C: Collector>(call: &'static str) -> (*mut shadowstack::Context, Option<u64>) {
    let ctx = shadowstack::current();
    // SAFETY: the calling thread's own context.
    if unsafe { shadowstack::in_blocking_region(ctx) } {
        in_blocking_region(call);
    }
    let mut waited = None;
    if C::THREADS == crate::Threads::Concurrent {
        if enter_concurrent(ctx, &mut waited).is_err() {
            reentered(call, "called while the collector is running on this thread (from an event listener?)");
        }
    // SAFETY: as above; the collector runs one thread (rgc.h).
    } else if unsafe { shadowstack::safepoint::enter_serialised(ctx) }.is_err() {
        reentered(
            call,
            "called while the collector is running (from an event listener, or from a second thread at the same \
             time: this collector runs one thread, see rgc.h, \"Threads\")",
        );
    }
    (ctx, waited)
}

/// Takes the collector lock for an attached thread (context `ctx`) of a
/// concurrent collector; sets `waited` to when the wait began if it waited
/// for the collector thread (hosted builds: only they have one).
#[inline]
fn enter_concurrent(
    ctx: *mut shadowstack::Context,
    waited: &mut Option<u64>,
) -> Result<(), shadowstack::safepoint::Reentered> {
    #[cfg(feature = "std")]
    {
        // SAFETY: the calling thread's own context.
        let wait = unsafe { shadowstack::safepoint::enter_timed(ctx, crate::platform::now_ns) }?;
        *waited = wait.filter(|w| w.holder == crate::background::holder()).map(|w| w.since);
        Ok(())
    }
    #[cfg(not(feature = "std"))]
    {
        let _ = waited;
        // SAFETY: the calling thread's own context.
        unsafe { shadowstack::safepoint::enter(ctx) }
    }
}

#[cold]
#[inline(never)]
fn not_initialised(call: &'static str) -> ! {
    shadowstack::safepoint::leave();
    fatal!(call, "rgc is not initialised: call rgc_init first (or rgc_init failed, or rgc_shutdown already ran)")
}

#[cold]
#[inline(never)]
fn in_blocking_region(call: &'static str) -> ! {
    fatal!(
        call,
        "called between rgc_enter_blocking and rgc_leave_blocking (a thread in a blocking region must not use rgc \
         or its objects)"
    )
}

#[cold]
#[inline(never)]
fn reentered(call: &'static str, message: &str) -> ! {
    fatal!(call, message)
}

impl<C: Collector> Instance<C> {
    /// Enters the collector, or stops with a message if it is not
    /// initialised or the calling thread is already inside it.
    #[inline]
    pub fn enter(&self, call: &'static str) -> Entered<'_, C> {
        let (ctx, waited) = lock::<C>(call);
        // SAFETY: the collector lock is ours, so no other reference to the
        // collector exists until the returned guard drops.
        match unsafe { &mut *self.collector.get() } {
            Some(collector) => {
                if let Some(since) = waited {
                    collector.events().record_pause(since);
                }
                Entered { collector, ctx }
            }
            None => not_initialised(call),
        }
    }

    /// [`Instance::enter`] for a call that allocates: the calling thread
    /// must be attached, because an object allocated by a thread without a
    /// shadow stack has nowhere to be rooted, and (under the conservative
    /// collector) its C stack is not scanned.
    #[inline]
    pub fn enter_to_allocate(&self, call: &'static str) -> Entered<'_, C> {
        let entered = self.enter(call);
        // SAFETY: the calling thread's own context.
        if unsafe { (*entered.ctx).ss.base }.is_null() {
            not_attached(call);
        }
        entered
    }

    /// True when a collector exists (read under the lock).
    fn initialised(&self) -> bool {
        // SAFETY: the caller holds the collector lock.
        unsafe { (*self.collector.get()).is_some() }
    }
}

#[cold]
#[inline(never)]
fn not_attached(call: &'static str) -> ! {
    fatal!(
        call,
        "called from a thread that is not attached to rgc: call rgc_thread_attach() in every thread before it allocates \
         (rgc_init attaches only the thread that calls it)"
    )
}

/// `rgc_config_default`.
///
/// # Safety
/// `out` is null (fatal error) or writable.
pub unsafe fn config_default(out: *mut RgcConfig) {
    if out.is_null() {
        fatal!("rgc_config_default", "out is NULL");
    }
    // SAFETY: checked non-null; writable per contract.
    unsafe { out.write(default_c_config()) };
}

/// `rgc_init_abi`: returns 0, or -1 after printing why.
///
/// # Safety
/// `cfg` is null (use defaults) or points to a readable `rgc_config`.
pub unsafe fn init<C: Collector>(inst: &'static Instance<C>, cfg: *const RgcConfig, abi_matches: bool) -> c_int {
    const CALL: &str = "rgc_init";
    if !abi_matches {
        fatal::report(
            CALL,
            &msg!(
                "this program was compiled for a different collector than '",
                C::NAME,
                "' (its rgc.h ABI tag does not match)"
            ),
        );
        return -1;
    }
    lock::<C>(CALL);
    // SAFETY: forwarded contract.
    let result = unsafe { init_locked(inst, cfg) };
    // SAFETY: the lock is ours, taken above.
    let background = result == 0 && unsafe { (*inst.collector.get()).as_ref() }.is_some_and(|c| c.wants_background());
    shadowstack::safepoint::leave();
    if background {
        start_collector_thread(inst);
    }
    result
}

/// Starts the collector thread of `inst` ([`crate::background`]).
#[cfg(feature = "std")]
fn start_collector_thread<C: Collector>(inst: &'static Instance<C>) {
    let recall = move || {
        // SAFETY: called holding the collector lock (`background::before_fork`).
        if let Some(c) = unsafe { &mut *inst.collector.get() } {
            c.recall_background();
        }
    };
    crate::background::start(std::sync::Arc::new(move || background_step(inst)), std::sync::Arc::new(recall));
}
#[cfg(not(feature = "std"))]
fn start_collector_thread<C: Collector>(_inst: &'static Instance<C>) {}

/// One call of collector-thread work: enters the collector (which must
/// exist: `rgc_shutdown` stops the thread first) and leaves it, then does
/// any work the collector gave it for outside the lock.
#[cfg(feature = "std")]
fn background_step<C: Collector>(inst: &'static Instance<C>) -> crate::BackgroundNext {
    let next = inst.enter("rgc (collector thread)").background_work();
    match next {
        crate::BackgroundNext::Unlocked(work) => {
            work();
            crate::BackgroundNext::Continue
        }
        next => next,
    }
}

/// [`init`] with the collector lock held.
///
/// # Safety
/// As for [`init`].
unsafe fn init_locked<C: Collector>(inst: &Instance<C>, cfg: *const RgcConfig) -> c_int {
    const CALL: &str = "rgc_init";
    if inst.initialised() {
        fatal::report(CALL, &msg!("rgc is already initialised (call rgc_shutdown first)"));
        return -1;
    }
    let c_cfg = if cfg.is_null() {
        default_c_config()
    } else {
        // SAFETY: non-null and readable per contract.
        unsafe { *cfg }
    };
    if !crate::platform::HAS_SYSTEM_MEMORY
        && (c_cfg.region.is_null() || c_cfg.region_size < crate::config::REGION_MIN as u64)
    {
        // Checked before anything allocates: without a system allocator
        // even an error message could not be built outside a region.
        fatal::report(
            CALL,
            &msg!(
                "this build has no system allocator (no std): set rgc_config.region to a buffer of at least ",
                crate::config::REGION_MIN,
                " bytes (region ",
                c_cfg.region,
                ", region_size ",
                c_cfg.region_size,
                ")"
            ),
        );
        return -1;
    }
    let config = match parse_config(&c_cfg) {
        Ok(c) => c,
        Err(()) => return -1,
    };
    region::reset_table_peak();
    if let Some(r) = config.region {
        // SAFETY: the caller lent the region (rgc.h); the table area is its
        // first `meta_bytes`, and no area is active (not initialised).
        unsafe { region::activate(r.base as *mut u8, r.meta_bytes) };
    }
    let failed = |msg: &Message| {
        fatal::report(CALL, msg);
        leave_region(CALL);
        -1
    };
    if let Err(e) = shadowstack::attach_current(config.shadowstack_slots) {
        return failed(&msg!("cannot create the main thread's shadow stack: ", stack_error_message(e)));
    }
    match C::new(config) {
        Ok(collector) => {
            inst.verifying.store(collector.config().verifying(), Ordering::Relaxed);
            // SAFETY: not initialised, and the lock is ours.
            unsafe { *inst.collector.get() = Some(collector) };
            0
        }
        Err(e) => {
            shadowstack::detach_current();
            failed(&e.0)
        }
    }
}

/// Validates the C config, reporting what is wrong. With a region, even
/// the error messages are built in it: no allocation of rgc's ever reaches
/// the system allocator in region mode (the split is not known yet, so the
/// whole region serves, briefly).
fn parse_config(c_cfg: &RgcConfig) -> Result<Config, ()> {
    let whole = (!c_cfg.region.is_null() && c_cfg.region_size >= crate::config::REGION_MIN as u64)
        .then(|| (c_cfg.region as *mut u8, c_cfg.region_size as usize));
    if let Some((base, len)) = whole {
        // SAFETY: the caller lent the region (rgc.h) and no area is active.
        unsafe { region::activate(base, len) };
    }
    let parsed = Config::from_c(c_cfg, crate::platform::getenv).map_err(|msg| fatal::report("rgc_init", &msg));
    if whole.is_some() {
        leave_region("rgc_init");
    }
    parsed
}

/// Deactivates the table area, if active; anything still allocated in it
/// is an rgc bug (the region is about to be the caller's again).
fn leave_region(call: &'static str) {
    if region::is_active() {
        if let Err(left) = region::deactivate() {
            fatal!(call, left, " bytes of collector tables are still allocated in the region (an rgc bug)");
        }
    }
}

/// `rgc_shutdown`: drops the collector and releases its memory.
pub fn shutdown<C: Collector>(inst: &Instance<C>) {
    if inst.running_finalizers.load(Ordering::Acquire) {
        fatal!("rgc_shutdown", "called from a finalizer");
    }
    // The collector thread goes first: it must not find the collector gone.
    #[cfg(feature = "std")]
    crate::background::stop();
    // Enter to get the usual checks, then drop the collector through the
    // cell while the lock is still held, so nothing can observe it half-gone.
    let entered = inst.enter("rgc_shutdown");
    core::mem::forget(entered);
    // SAFETY: the collector lock is ours (the guard was forgotten without
    // releasing it), so no reference to the collector exists.
    unsafe { *inst.collector.get() = None };
    shadowstack::detach_current();
    shadowstack::safepoint::leave();
    if region::is_active() && shadowstack::attached_count() > 0 {
        fatal!(
            "rgc_shutdown",
            shadowstack::attached_count(),
            " other threads are still attached; in region mode their shadow stacks live in the region, \
             so every thread must call rgc_thread_detach before rgc_shutdown"
        );
    }
    leave_region("rgc_shutdown");
}

/// The id of a registered type, looked up without [`Collector::types`],
/// which would recall a marker lent to the collector thread (it is for
/// changing the table): every allocation's slow path passes here. A build
/// without `std` has no collector thread, and the lookup would only add
/// code to a board's image (`None`: `resolve` answers).
///
/// # Safety
/// `desc` is a readable descriptor.
#[inline]
unsafe fn registered_type<C: Collector>(c: &C, desc: *const RgcType) -> Option<crate::types::TypeId> {
    #[cfg(feature = "std")]
    // SAFETY: caller contract.
    return unsafe { c.types_ref().registered(desc) };
    #[cfg(not(feature = "std"))]
    {
        let _ = (c, desc);
        None
    }
}

/// # Safety
/// `desc` is null (fatal) or a valid descriptor as [`crate::TypeTable::resolve`] requires.
unsafe fn resolve<C: Collector>(c: &mut C, call: &'static str, desc: *mut RgcType) -> u32 {
    if desc.is_null() {
        fatal!(call, "the type descriptor is NULL");
    }
    // SAFETY: forwarded contract.
    let id = match unsafe { registered_type(c, desc) } {
        Some(id) => id,
        // SAFETY: forwarded contract.
        None => match unsafe { c.types().resolve(desc) } {
            Ok(id) => id,
            Err(e) => fatal!(call, e.message()),
        },
    };
    if C::BYTES_SPANS[1].span as usize == shadowstack::NO_SPAN {
        return id; // a collector that never allocates from spans
    }
    let key = descriptor_key(desc, c.types_ref().generation());
    // SAFETY: forwarded contract (readable and writable). A matching key
    // says the span fields were written for this id already (the common
    // case: a refill). Written only when they change, so that threads
    // reading the descriptor share its cache line.
    unsafe {
        let array_key = key ^ crate::abi::ARRAY_KEY;
        if (*desc).alloc_key != key && (*desc).alloc_key != array_key {
            let class = c.span_class(id);
            let key = if class != SpanClass::NONE {
                key
            } else if c.inline_arrays(id) {
                array_key
            } else {
                0
            };
            if ((*desc).alloc_span, (*desc).alloc_cell, (*desc).alloc_key) != (class.span, class.cell, key) {
                (*desc).alloc_span = class.span;
                (*desc).alloc_cell = class.cell;
                (*desc).alloc_key = key;
            }
        }
    }
    id
}

/// `rgc_register_type`.
///
/// # Safety
/// As for [`crate::TypeTable::resolve`]: `desc` is a valid, writable descriptor
/// that outlives the collector.
pub unsafe fn register_type<C: Collector>(inst: &Instance<C>, desc: *mut RgcType) -> u32 {
    // SAFETY: forwarded contract.
    unsafe { resolve(&mut *inst.enter("rgc_register_type"), "rgc_register_type", desc) }
}

/// Calls the OOM handler, or reports and aborts if none is installed.
fn out_of_memory<C: Collector>(inst: &Instance<C>, call: &'static str, bytes: usize) {
    // SAFETY: the handler cell is only written by set_oom_handler, never concurrently.
    let (handler, user) = unsafe { *inst.oom.get() };
    match handler {
        Some(h) => {
            let mut name = [0u8; 40];
            name[..call.len().min(39)].copy_from_slice(&call.as_bytes()[..call.len().min(39)]);
            // SAFETY: installed by the program with this signature; `name` is NUL-terminated.
            unsafe { h(name.as_ptr().cast(), bytes, user) }
        }
        None => {
            let s = inst.enter(call).stats();
            fatal!(
                call,
                "out of memory: cannot allocate ",
                bytes,
                " bytes; heap_max is ",
                s.heap_max,
                " bytes, ",
                s.live_bytes,
                " bytes were live after the last collection (raise RGC_HEAP_MAX, or install a handler with \
                 rgc_set_oom_handler)"
            )
        }
    }
}

/// Runs queued finalizers unless a finalizer loop is already running
/// (on any thread). `keep` is null, or an object the caller is about to
/// return, which the caller made a temp root in the same entry that
/// allocated it: between that entry and this function's, the thread parks
/// at a safepoint (taking the lock), and another thread may collect. It
/// stays rooted while finalizers run, and is released and returned at the
/// end (rgc never moves objects).
pub fn run_finalizers<C: Collector>(inst: &Instance<C>, keep: *mut u8) -> *mut u8 {
    if !inst.running_finalizers.swap(true, Ordering::Acquire) {
        let mut started = false;
        loop {
            let next = {
                let mut c = inst.enter("rgc (running finalizers)");
                let next = c.pop_finalizer();
                match next {
                    Some((_, obj)) => {
                        if !started {
                            c.events().start(Phase::Finalizers);
                            started = true;
                        }
                        c.push_temp_root(obj);
                    }
                    None if started => {
                        c.events().end(Phase::Finalizers);
                    }
                    None => {}
                }
                next
            };
            let Some((finalizer, obj)) = next else { break };
            // SAFETY: the finalizer came from a validated type descriptor; the
            // object is rooted as a temp root while it runs, and the collector is
            // not entered, so the finalizer may call back into rgc.
            unsafe { finalizer(obj.cast()) };
            inst.enter("rgc (running finalizers)").remove_temp_root(obj);
        }
        inst.running_finalizers.store(false, Ordering::Release);
    }
    if !keep.is_null() {
        // From here the caller holds it (in a C local until it stores it
        // in its frame, without passing a safepoint).
        inst.enter("rgc (running finalizers)").remove_temp_root(keep);
    }
    keep
}

/// What an allocating entry hands [`finish_alloc`]: finalizers are due, so
/// the new object `p` (if any) becomes a temp root before the entry ends
/// (see [`run_finalizers`]).
fn due_finalizers<C: Collector>(c: &mut C, p: *mut u8) -> bool {
    let pending = c.finalizers_pending();
    if pending && !p.is_null() {
        c.push_temp_root(p);
    }
    pending
}

/// Handles exhaustion and due finalizers after an allocation; `pending`
/// says whether the collector has finalizers queued (checked while it was
/// entered, so the common case costs no second entry).
#[inline]
fn finish_alloc<C: Collector>(
    inst: &Instance<C>,
    call: &'static str,
    p: *mut u8,
    bytes: usize,
    pending: bool,
) -> *mut c_void {
    if p.is_null() {
        out_of_memory(inst, call, bytes);
        return core::ptr::null_mut();
    }
    if pending {
        return run_finalizers(inst, p).cast();
    }
    p.cast()
}

/// `rgc_alloc` and `rgc_alloc_array`.
///
/// # Safety
/// `desc` as for [`register_type`].
pub unsafe fn alloc<C: Collector>(
    inst: &Instance<C>,
    call: &'static str,
    desc: *mut RgcType,
    length: Option<usize>,
) -> *mut c_void {
    if C::THREADS == crate::Threads::Concurrent && !desc.is_null() {
        let ctx = shadowstack::current();
        // SAFETY: the descriptor is readable (contract); a key that matches
        // the thread's (non-zero) key says it is registered in this
        // instance, with this span and cell (or, with ARRAY_KEY, that its
        // small arrays come from the byte buffers' spans): the inline
        // path's own check.
        unsafe {
            let key = (*ctx).alloc_key;
            let mine = key != 0 && (desc as usize as u32) ^ (*desc).alloc_key == key;
            let my_arrays = key != 0 && (desc as usize as u32) ^ (*desc).alloc_key ^ crate::abi::ARRAY_KEY == key;
            let id = (*desc).id;
            match length {
                None if mine => {
                    let p = C::alloc_without_lock(ctx, (*desc).alloc_span as usize, id, 0, (*desc).size as usize);
                    if !p.is_null() {
                        return p.cast();
                    }
                }
                Some(n) if my_arrays && n <= crate::abi::INLINE_BYTES_MAX => {
                    let bytes = (*desc).size as usize + n * (*desc).item_size as usize;
                    if bytes <= crate::abi::INLINE_BYTES_MAX {
                        let p =
                            C::alloc_without_lock(ctx, C::BYTES_SPANS[(bytes + 15) >> 3].span as usize, id, n, bytes);
                        if !p.is_null() {
                            // The length field, inside the fixed part (validated at registration).
                            (p.add((*desc).length_offset as usize) as *mut usize).write(n);
                            return p.cast();
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let (p, bytes, pending) = {
        let mut c = inst.enter_to_allocate(call);
        // SAFETY: forwarded contract.
        let type_id = unsafe { resolve(&mut *c, call, desc) };
        let info = c.types_ref().get(type_id).unwrap_or_else(|| fatal::internal("a resolved type is not in the table"));
        match (info.varsize, length) {
            (true, None) => fatal!(call, "type '", info.name, "' is variable-size: allocate it with rgc_alloc_array"),
            (false, Some(_)) => fatal!(call, "type '", info.name, "' is fixed-size: allocate it with rgc_alloc"),
            _ => {}
        }
        let length_is_none = length.is_none();
        let length = length.unwrap_or(0);
        let Some(bytes) = info.size_with_items(length).filter(|&b| b <= isize::MAX as usize) else {
            fatal!(
                call,
                "type '",
                info.name,
                "' with length ",
                length,
                " needs more than isize::MAX bytes (is the length negative?)"
            )
        };
        // Small arrays of types the inline path serves refill its spans.
        let inline = length_is_none || c.inline_arrays(type_id);
        let req = AllocRequest { type_id, length, bytes, call, inline };
        // SAFETY: the type is registered and `bytes` computed from it.
        let p = unsafe { c.alloc(&req) };
        (p, bytes, due_finalizers(&mut *c, p))
    };
    finish_alloc(inst, call, p, bytes, pending)
}

/// `rgc_alloc_bytes`.
pub fn alloc_bytes<C: Collector>(inst: &Instance<C>, n: usize) -> *mut c_void {
    const CALL: &str = "rgc_alloc_bytes";
    if n > crate::types::MAX_BYTES_LEN {
        fatal!(
            CALL,
            "size ",
            n,
            " exceeds the byte-buffer limit of ",
            crate::types::MAX_BYTES_LEN,
            " bytes, 1 GiB - 1 (use an array type for larger data)"
        );
    }
    if C::THREADS == crate::Threads::Concurrent && n <= crate::abi::INLINE_BYTES_MAX {
        let span = C::BYTES_SPANS[(n + 15) >> 3].span as usize;
        let ctx = shadowstack::current();
        // SAFETY: the calling thread's context; a non-zero key says it is
        // attached and allocates from spans of this instance.
        if unsafe { (*ctx).alloc_key } != 0 {
            // SAFETY: a byte buffer of `n` bytes belongs to `span`.
            let p = unsafe { C::alloc_without_lock(ctx, span, BYTES_TYPE, n, n) };
            if !p.is_null() {
                return p.cast();
            }
        }
    }
    let req = AllocRequest { type_id: BYTES_TYPE, length: n, bytes: n, call: CALL, inline: true };
    let mut c = inst.enter_to_allocate(CALL);
    // SAFETY: BYTES_TYPE is built in; `bytes` equals the length for it.
    let p = unsafe { c.alloc(&req) };
    let pending = due_finalizers(&mut *c, p);
    drop(c);
    finish_alloc(inst, CALL, p, n, pending)
}

/// `rgc_write_barrier`: the out-of-line store for generic builds and barrier slow paths.
///
/// # Safety
/// As for [`Collector::write_barrier`].
pub unsafe fn write_barrier<C: Collector>(
    inst: &Instance<C>,
    obj: *mut c_void,
    slot: *mut *mut c_void,
    value: *mut c_void,
) {
    const CALL: &str = "rgc_write_barrier";
    if C::PLAIN_STORES && !inst.verifying.load(Ordering::Relaxed) {
        // The store is all there is: no lock, so that threads' stores in
        // a generic build do not queue behind each other.
        // SAFETY: forwarded contract: a pointer field of a live object.
        unsafe { *slot = value };
        return;
    }
    let mut c = inst.enter(CALL);
    if c.config().verifying() {
        if c.object_type(obj.cast()).is_none() {
            fatal!(CALL, "object ", obj, " is not a live rgc object");
        }
        if !value.is_null() && c.object_type(value.cast()).is_none() {
            fatal!(CALL, "stored value ", value, " is not a live rgc object");
        }
    }
    // SAFETY: forwarded contract.
    unsafe { c.write_barrier(obj.cast(), slot.cast(), value.cast()) }
}

/// `rgc_store_log_flush`: the store log's slow path (the inline
/// `RGC_STORE` of incremental and refcount). The thread must be attached:
/// a detached thread has no log (both cursors null), so its first logged
/// store lands here.
pub fn store_log_flush<C: Collector>(inst: &Instance<C>) -> *mut *mut c_void {
    // SAFETY: the calling thread's own context, outside the collector
    // (re-entry from a listener takes the locked path, which reports it).
    let pos = unsafe { C::flush_without_lock(shadowstack::current()) };
    if !pos.is_null() {
        return pos.cast();
    }
    inst.enter_to_allocate("rgc_store_log_flush").flush_store_log().cast()
}

/// # Safety
/// `slot` stays valid until removed and always holds null or a live object.
pub unsafe fn add_root<C: Collector>(inst: &Instance<C>, slot: *mut *mut c_void) {
    if slot.is_null() {
        fatal!("rgc_add_root", "slot is NULL");
    }
    // SAFETY: forwarded contract.
    unsafe { inst.enter("rgc_add_root").add_root(slot.cast()) }
}

pub fn remove_root<C: Collector>(inst: &Instance<C>, slot: *mut *mut c_void) {
    if !inst.enter("rgc_remove_root").remove_root(slot.cast()) {
        fatal!("rgc_remove_root", "slot ", slot, " was never registered with rgc_add_root");
    }
}

pub fn collect<C: Collector>(inst: &Instance<C>) {
    inst.enter("rgc_collect").collect();
    run_finalizers(inst, core::ptr::null_mut());
}

pub fn step<C: Collector>(inst: &Instance<C>, budget_ns: u64) -> c_int {
    let did = inst.enter("rgc_step").step(budget_ns);
    run_finalizers(inst, core::ptr::null_mut());
    did as c_int
}

/// # Safety
/// `out` is null (fatal) or writable.
pub unsafe fn get_stats<C: Collector>(inst: &Instance<C>, out: *mut RgcStats) {
    if out.is_null() {
        fatal!("rgc_get_stats", "out is NULL");
    }
    let s = inst.enter("rgc_get_stats").stats();
    // SAFETY: checked non-null, writable per contract.
    unsafe { out.write(s) };
}

pub fn set_event_listener<C: Collector>(inst: &Instance<C>, f: Option<EventListener>, user: *mut c_void) {
    inst.enter("rgc_set_event_listener").events().set_listener(f, user);
}

pub fn set_oom_handler<C: Collector>(inst: &Instance<C>, f: Option<OomHandler>, user: *mut c_void) {
    let _guard = inst.enter("rgc_set_oom_handler");
    // SAFETY: we hold the collector, so no OOM handler is being read.
    unsafe { *inst.oom.get() = (f, user) };
}

fn expect_object<C: Collector>(c: &mut C, call: &'static str, what: &str, p: *const c_void) -> u32 {
    match c.object_type(p.cast()) {
        Some(t) => t,
        None => fatal!(call, what, " ", p, " is not a live rgc object (NULL, freed, foreign, or an interior pointer)"),
    }
}

pub fn weakref_new<C: Collector>(inst: &Instance<C>, target: *mut c_void) -> *mut c_void {
    const CALL: &str = "rgc_weakref_new";
    let req = AllocRequest { type_id: WEAKREF_TYPE, length: 0, bytes: 8, call: CALL, inline: false };
    let (w, pending) = {
        let mut c = inst.enter_to_allocate(CALL);
        if !target.is_null() {
            expect_object(&mut *c, CALL, "target", target);
        }
        c.push_temp_root(target.cast());
        // SAFETY: built-in type with its fixed size; the target is rooted.
        let w = unsafe { c.alloc(&req) };
        c.remove_temp_root(target.cast());
        if !w.is_null() {
            // SAFETY: both are live objects of this collector.
            unsafe { c.register_weakref(w, target.cast()) };
        }
        (w, due_finalizers(&mut *c, w))
    };
    finish_alloc(inst, CALL, w, 8, pending)
}

/// # Safety
/// `weakref` is null (fatal) or any pointer; it is validated before use.
pub unsafe fn weakref_get<C: Collector>(inst: &Instance<C>, weakref: *mut c_void) -> *mut c_void {
    const CALL: &str = "rgc_weakref_get";
    let mut c = inst.enter(CALL);
    let t = expect_object(&mut *c, CALL, "weakref", weakref);
    if t != WEAKREF_TYPE {
        let name = c.types_ref().get(t).map(|i| i.name.clone()).unwrap_or_default();
        fatal!(CALL, weakref, " is an object of type '", name, "', not a weak reference from rgc_weakref_new");
    }
    // SAFETY: validated as a live weakref object.
    unsafe { c.weakref_get(weakref.cast()) }.cast()
}

/// `rgc_set_pacing`: 1 if the collector paces increments, 0 if it ignores pacing.
pub fn set_pacing<C: Collector>(inst: &Instance<C>, pause_ns: u64, window_ns: u64) -> c_int {
    const CALL: &str = "rgc_set_pacing";
    if let Err(e) = crate::config::check_pacing(pause_ns, window_ns) {
        fatal!(CALL, e);
    }
    inst.enter(CALL).set_pacing(pause_ns, window_ns) as c_int
}

pub fn object_size<C: Collector>(inst: &Instance<C>, p: *const c_void) -> usize {
    const CALL: &str = "rgc_object_size";
    let mut c = inst.enter(CALL);
    expect_object(&mut *c, CALL, "pointer", p);
    c.object_size(p.cast()).unwrap_or(0)
}

pub fn verify_heap<C: Collector>(inst: &Instance<C>) {
    if !crate::config::HAS_VERIFIER {
        fatal!("rgc_verify_heap", "this library was built without the heap verifier (cargo feature \"verify\")");
    }
    inst.enter("rgc_verify_heap").verify();
}

pub fn thread_attach<C: Collector>(inst: &Instance<C>) -> c_int {
    const CALL: &str = "rgc_thread_attach";
    // Attached under the lock: the new stack is allocated while no
    // collection runs (in region mode, from the table area, whose fallible
    // sections belong to the lock's holder).
    let entered = inst.enter(CALL);
    let slots = entered.config().shadowstack_slots;
    if C::THREADS == crate::Threads::Single && shadowstack::attached_count() > 0 && !shadowstack::current_is_attached()
    {
        fatal!(
            CALL,
            "the '",
            C::NAME,
            "' collector runs one attached thread, and one is attached already (use marksweep or none for \
             threads; see rgc.h, \"Threads\")"
        );
    }
    let result = shadowstack::attach_current(slots);
    drop(entered);
    match result {
        Ok(()) => 0,
        Err(e) => {
            fatal::report(CALL, &stack_error_message(e));
            -1
        }
    }
}

/// `rgc_thread_detach`: counts and empties the thread's spans (if rgc is
/// initialised), then releases its shadow stack.
pub fn thread_detach<C: Collector>(inst: &Instance<C>) {
    const CALL: &str = "rgc_thread_detach";
    lock::<C>(CALL);
    if inst.initialised() {
        // SAFETY: initialised, and the lock is ours.
        if let Some(c) = unsafe { (*inst.collector.get()).as_mut() } {
            c.retire_thread();
            // Retiring stopped the world: let it run again, as every call
            // does when it leaves (else the next holder of the lock would
            // take a world with threads running for a stopped one).
            c.leaving();
        }
    }
    // Unregistered under the lock: a thread stopping the world never waits
    // for a thread that is leaving.
    shadowstack::detach_current();
    shadowstack::safepoint::leave();
}

/// Makes the library's `rgc_thread_detach` run for threads that exit
/// attached (`shadowstack::set_thread_exit_hook`).
pub fn set_thread_exit_hook(detach: extern "C" fn()) {
    shadowstack::set_thread_exit_hook(detach)
}

/// `rgc_safepoint`'s slow path: parks the calling thread until the
/// collection that asked for it is done.
pub fn safepoint_slow<C: Collector>(inst: &Instance<C>) {
    let (_, waited) = lock::<C>("rgc_safepoint");
    if let Some(since) = waited {
        // SAFETY: the collector lock is ours.
        if let Some(c) = unsafe { (*inst.collector.get()).as_mut() } {
            c.events().record_pause(since);
        }
    }
    shadowstack::safepoint::leave();
}

/// `rgc_enter_blocking`: the calling thread counts as stopped until
/// `rgc_leave_blocking`.
pub fn enter_blocking<C: Collector>() {
    const CALL: &str = "rgc_enter_blocking";
    let ctx = shadowstack::current();
    // SAFETY: the calling thread's own context.
    unsafe {
        let inside = match C::THREADS {
            crate::Threads::Concurrent => shadowstack::in_collector(ctx),
            // The thread's flag is not kept (see `lock`); the lock's line is
            // not contended with one thread.
            crate::Threads::Single => shadowstack::safepoint::held_by(ctx),
        };
        if inside {
            fatal!(CALL, "called while the collector is running on this thread (from an event listener?)");
        }
        if !shadowstack::enter_blocking_region(ctx) {
            fatal!(CALL, "called twice without rgc_leave_blocking in between, or from a thread that is not attached");
        }
    }
}

/// `rgc_leave_blocking`: waits out any collection, then runs on.
pub fn leave_blocking() {
    const CALL: &str = "rgc_leave_blocking";
    let ctx = shadowstack::current();
    // SAFETY: the calling thread's own context.
    if !unsafe { shadowstack::leave_blocking_region(ctx) } {
        fatal!(CALL, "called without rgc_enter_blocking before it");
    }
    // SAFETY: as above; the thread was in a blocking region.
    if unsafe { shadowstack::safepoint::unblock(ctx) }.is_err() {
        fatal!(CALL, "called while the collector is running on this thread (from an event listener?)");
    }
}

pub fn phase_name(phase: u32) -> *const c_char {
    PHASE_NAMES.get(phase as usize).map_or(c"unknown".as_ptr(), |n| n.as_ptr())
}

/// Declares the process's collector instance and exports every `rgc_*`
/// symbol for it. `$abi` is the collector's link-time tag
/// (`rgc_abi_<name>_v1`), which code compiled with `-DRGC_GC_<NAME>` references.
#[macro_export]
macro_rules! export_c_abi {
    ($collector:ty, $abi:ident, $name:literal) => {
        mod rgc_c_abi {
            use super::*;
            use core::ffi::{c_char, c_int, c_void};
            use $crate::cabi as glue;
            use $crate::{RgcConfig, RgcStats, RgcType};
            type C = $collector;
            static INSTANCE: glue::Instance<C> = glue::Instance::new();
            $crate::rgc_global_allocator!();

            /// Link-time tag of this collector (see rgc.h, "Choosing a collector").
            #[no_mangle]
            pub static $abi: u8 = 0;
            /// Link-time tag for programs compiled without `-DRGC_GC_<NAME>`.
            #[no_mangle]
            pub static rgc_abi_generic_v1: u8 = 0;

            #[no_mangle]
            pub unsafe extern "C" fn rgc_config_default(out: *mut RgcConfig) {
                // SAFETY: contract forwarded from rgc.h.
                unsafe { glue::config_default(out) }
            }
            #[no_mangle]
            pub unsafe extern "C" fn rgc_init_abi(cfg: *const RgcConfig, tag: *const u8) -> c_int {
                let ok = core::ptr::eq(tag, &$abi) || core::ptr::eq(tag, &rgc_abi_generic_v1);
                glue::set_thread_exit_hook(rgc_thread_detach);
                // SAFETY: contract forwarded from rgc.h.
                unsafe { glue::init(&INSTANCE, cfg, ok) }
            }
            #[no_mangle]
            pub extern "C" fn rgc_shutdown() {
                glue::shutdown(&INSTANCE)
            }
            #[no_mangle]
            pub extern "C" fn rgc_collector_name() -> *const c_char {
                concat!($name, "\0").as_ptr().cast()
            }
            #[no_mangle]
            pub unsafe extern "C" fn rgc_register_type(t: *mut RgcType) -> u32 {
                // SAFETY: contract forwarded from rgc.h.
                unsafe { glue::register_type(&INSTANCE, t) }
            }
            /// Where `rgc.h`'s inline `rgc_alloc_bytes` takes each small size from.
            #[no_mangle]
            pub static rgc_bytes_spans: [$crate::abi::SpanClass; $crate::abi::BYTES_SPANS_LEN] =
                <C as $crate::Collector>::BYTES_SPANS;
            #[no_mangle]
            pub unsafe extern "C" fn rgc_alloc_slow(t: *mut RgcType) -> *mut c_void {
                // SAFETY: contract forwarded from rgc.h.
                unsafe { glue::alloc(&INSTANCE, "rgc_alloc", t, None) }
            }
            /// `rgc_alloc` for callers that cannot use rgc.h's inline path.
            #[no_mangle]
            pub unsafe extern "C" fn rgc_alloc(t: *mut RgcType) -> *mut c_void {
                // SAFETY: contract forwarded from rgc.h.
                unsafe { glue::alloc(&INSTANCE, "rgc_alloc", t, None) }
            }
            #[no_mangle]
            pub unsafe extern "C" fn rgc_alloc_array_slow(t: *mut RgcType, length: usize) -> *mut c_void {
                // SAFETY: contract forwarded from rgc.h.
                unsafe { glue::alloc(&INSTANCE, "rgc_alloc_array", t, Some(length)) }
            }
            /// `rgc_alloc_array` for callers that cannot use rgc.h's inline path.
            #[no_mangle]
            pub unsafe extern "C" fn rgc_alloc_array(t: *mut RgcType, length: usize) -> *mut c_void {
                // SAFETY: contract forwarded from rgc.h.
                unsafe { glue::alloc(&INSTANCE, "rgc_alloc_array", t, Some(length)) }
            }
            #[no_mangle]
            pub extern "C" fn rgc_alloc_bytes_slow(n: usize) -> *mut c_void {
                glue::alloc_bytes(&INSTANCE, n)
            }
            /// `rgc_alloc_bytes` for callers that cannot use rgc.h's inline path.
            #[no_mangle]
            pub extern "C" fn rgc_alloc_bytes(n: usize) -> *mut c_void {
                glue::alloc_bytes(&INSTANCE, n)
            }
            #[no_mangle]
            pub unsafe extern "C" fn rgc_write_barrier(obj: *mut c_void, slot: *mut *mut c_void, value: *mut c_void) {
                // SAFETY: contract forwarded from rgc.h.
                unsafe { glue::write_barrier(&INSTANCE, obj, slot, value) }
            }
            #[no_mangle]
            pub extern "C" fn rgc_store_log_flush() -> *mut *mut c_void {
                glue::store_log_flush(&INSTANCE)
            }
            #[no_mangle]
            pub unsafe extern "C" fn rgc_add_root(slot: *mut *mut c_void) {
                // SAFETY: contract forwarded from rgc.h.
                unsafe { glue::add_root(&INSTANCE, slot) }
            }
            #[no_mangle]
            pub extern "C" fn rgc_remove_root(slot: *mut *mut c_void) {
                glue::remove_root(&INSTANCE, slot)
            }
            #[no_mangle]
            pub extern "C" fn rgc_collect() {
                glue::collect(&INSTANCE)
            }
            #[no_mangle]
            pub extern "C" fn rgc_step(budget_ns: u64) -> c_int {
                glue::step(&INSTANCE, budget_ns)
            }
            #[no_mangle]
            pub extern "C" fn rgc_set_pacing(pause_ns: u64, window_ns: u64) -> c_int {
                glue::set_pacing(&INSTANCE, pause_ns, window_ns)
            }
            #[no_mangle]
            pub unsafe extern "C" fn rgc_get_stats(out: *mut RgcStats) {
                // SAFETY: contract forwarded from rgc.h.
                unsafe { glue::get_stats(&INSTANCE, out) }
            }
            #[no_mangle]
            pub extern "C" fn rgc_set_event_listener(f: Option<$crate::abi::EventListener>, user: *mut c_void) {
                glue::set_event_listener(&INSTANCE, f, user)
            }
            #[no_mangle]
            pub extern "C" fn rgc_phase_name(phase: u32) -> *const c_char {
                glue::phase_name(phase)
            }
            #[no_mangle]
            pub extern "C" fn rgc_set_oom_handler(f: Option<$crate::abi::OomHandler>, user: *mut c_void) {
                glue::set_oom_handler(&INSTANCE, f, user)
            }
            #[no_mangle]
            pub extern "C" fn rgc_weakref_new(target: *mut c_void) -> *mut c_void {
                glue::weakref_new(&INSTANCE, target)
            }
            #[no_mangle]
            pub unsafe extern "C" fn rgc_weakref_get(w: *mut c_void) -> *mut c_void {
                // SAFETY: the pointer is validated before use.
                unsafe { glue::weakref_get(&INSTANCE, w) }
            }
            #[no_mangle]
            pub extern "C" fn rgc_object_size(p: *const c_void) -> usize {
                glue::object_size(&INSTANCE, p)
            }
            #[no_mangle]
            pub extern "C" fn rgc_verify_heap() {
                glue::verify_heap(&INSTANCE)
            }
            #[no_mangle]
            pub extern "C" fn rgc_thread_attach() -> c_int {
                glue::thread_attach(&INSTANCE)
            }
            #[no_mangle]
            pub extern "C" fn rgc_thread_detach() {
                glue::thread_detach(&INSTANCE)
            }
            #[no_mangle]
            pub extern "C" fn rgc_safepoint_slow() {
                glue::safepoint_slow(&INSTANCE)
            }
            #[no_mangle]
            pub extern "C" fn rgc_enter_blocking() {
                glue::enter_blocking::<C>()
            }
            #[no_mangle]
            pub extern "C" fn rgc_leave_blocking() {
                glue::leave_blocking()
            }
            #[no_mangle]
            pub extern "C" fn rgc_shadowstack_overflow(requested: usize) -> ! {
                $crate::cabi::shadowstack_overflow(requested)
            }
        }
    };
}

pub fn shadowstack_overflow(requested: usize) -> ! {
    fatal!("rgc_frame_push", stack_error_message(shadowstack::overflow_error(requested)))
}

/// What a [`StackError`] means to the program.
fn stack_error_message(e: StackError) -> Message {
    match e {
        StackError::TooLarge { slots } => msg!(slots, " slots is too large"),
        StackError::NoSlots => msg!("a shadow stack needs at least one slot"),
        StackError::OutOfMemory { bytes, slots } => msg!("cannot allocate ", bytes, " bytes for ", slots, " slots"),
        StackError::NotAttached => msg!(
            "this thread has no shadow stack: call rgc_thread_attach() in every thread that uses rgc before \
             pushing frames"
        ),
        StackError::Overflow { requested, depth, capacity } => msg!(
            "shadow stack overflow: pushing a frame of ",
            requested,
            " slots at depth ",
            depth,
            " exceeds the capacity of ",
            capacity,
            " slots (raise RGC_SHADOWSTACK_SLOTS, or look for frames that are pushed but never popped)"
        ),
        StackError::AlreadyAttached => msg!("this thread is already attached (rgc_thread_attach called twice?)"),
    }
}
