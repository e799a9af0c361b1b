//! # shadowstack: each thread's mutator context
//!
//! What generated code touches without calling rgc lives in one C
//! thread-local per thread, `rgc_mutator rgc_thread` ([`Context`]):
//! - its **shadow stack** ([`ShadowStack`]): one contiguous array of root
//!   slots, `base <= top <= limit`. Generated code pushes a frame of `n`
//!   slots with one bounds check, `n` stores of NULL and one store of `top`
//!   (all `static inline` in `rgc.h`), keeps its live object pointers in
//!   those slots across any call that may collect, and pops by restoring
//!   `top`;
//! - its **allocation spans** ([`Span`], one per small size class): runs of
//!   free, zeroed cells that `rgc.h`'s inline `rgc_alloc` bumps through.
//!   The collector owns what a span means (`gc_heap::allocator`); this crate
//!   only holds them.
//!
//! Beside each attached thread's context the library keeps a [`Local`]
//! (where its spans were last counted), and the registry lists them all.
//!
//! ## Invariants
//! 1. Slots in `[base, top)` hold NULL or a live object pointer.
//! 2. `top <= limit` always: a push that would pass `limit` calls
//!    `rgc_shadowstack_overflow`, which reports and aborts, so an overflow is
//!    never memory corruption. An unattached thread has all three pointers
//!    NULL, so its first push lands in the same error path.
//! 3. The registry lists exactly the attached threads' [`Local`]s; the
//!    collector scans every one's shadow stack and settles every one's spans.
//! 4. A thread's spans are empty and its `alloc_key` is 0 while it is not
//!    attached, so inline allocation always takes the out-of-line call.
//!
//! ## Threads
//! The collector reads another thread's context only while that thread is
//! stopped: parked at a safepoint ([`safepoint`], for collectors whose
//! threads run at once), or because there is only one (`refcount`). The registry itself is behind a spin
//! lock (attach and detach may race with anything); the lock order is the
//! collector lock, then the registry's.
//!
//! Start reading at [`Context`], then [`attach_current`].
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;

pub mod loan;
pub mod safepoint;
#[cfg(all(not(target_os = "none"), not(loom)))]
pub mod signals;
#[cfg(all(not(target_os = "none"), not(loom)))]
pub mod stack;
mod sync;
/// Announce an acquire or a release of a lock or hand-off to
/// ThreadSanitizer, which cannot see Rust's atomics; nothing outside the
/// `--cfg rgc_tsan` build (the C side's ThreadSanitizer run).
pub use sync::{tsan_acquire, tsan_release};

/// Publishes the calling thread's stack before it parks ([`stack`]); a
/// board and the loom models have no stacks to publish.
#[inline]
fn publish_stack(_local: &mut Local) {
    #[cfg(all(not(target_os = "none"), not(loom)))]
    stack::publish(_local);
}

use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::ptr::null_mut;
use core::sync::atomic::{AtomicBool, Ordering};

/// A root slot: NULL or an object pointer.
pub type Slot = *mut u8;

/// `rgc_shadowstack` from `rgc.h`; layout is ABI.
#[repr(C)]
#[derive(Debug)]
pub struct ShadowStack {
    pub top: *mut Slot,
    pub limit: *mut Slot,
    pub base: *mut Slot,
}

const _: () = assert!(core::mem::size_of::<ShadowStack>() == 3 * core::mem::size_of::<usize>());

/// Why a shadow stack could not be made or pushed. The C layer
/// (`gc_api::cabi`) turns each into its message; they are data here so
/// that this crate needs no formatting code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackError {
    /// `slots` slots would need more than `isize::MAX` bytes.
    TooLarge { slots: usize },
    /// A shadow stack of zero slots.
    NoSlots,
    /// The allocator refused `bytes` bytes for `slots` slots.
    OutOfMemory { bytes: usize, slots: usize },
    /// A push on a thread that has no shadow stack.
    NotAttached,
    /// A push of `requested` slots at `depth` past `capacity`.
    Overflow { requested: usize, depth: usize, capacity: usize },
    /// `attach_current` on a thread that already has a stack.
    AlreadyAttached,
}

impl ShadowStack {
    /// A descriptor with no storage (what an unattached thread has).
    pub const fn empty() -> Self {
        ShadowStack { top: null_mut(), limit: null_mut(), base: null_mut() }
    }

    /// Allocates zeroed storage for `slots` roots.
    pub fn with_capacity(slots: usize) -> Result<Self, StackError> {
        let layout = core::alloc::Layout::array::<Slot>(slots).map_err(|_| StackError::TooLarge { slots })?;
        // SAFETY: the layout has non-zero size (callers ask for >= 16 slots;
        // checked here for the zero case).
        if layout.size() == 0 {
            return Err(StackError::NoSlots);
        }
        // SAFETY: non-zero layout.
        let base = unsafe { alloc::alloc::alloc_zeroed(layout) } as *mut Slot;
        if base.is_null() {
            return Err(StackError::OutOfMemory { bytes: layout.size(), slots });
        }
        // SAFETY: `base` points to `slots` slots.
        Ok(ShadowStack { top: base, limit: unsafe { base.add(slots) }, base })
    }

    pub fn capacity(&self) -> usize {
        if self.base.is_null() {
            return 0;
        }
        // SAFETY: base and limit delimit one allocation (invariant 2).
        unsafe { self.limit.offset_from(self.base) as usize }
    }

    pub fn depth(&self) -> usize {
        if self.base.is_null() {
            return 0;
        }
        // SAFETY: base <= top within one allocation (invariant 2).
        unsafe { self.top.offset_from(self.base) as usize }
    }

    /// Pushes a frame of `n` NULL slots (the Rust twin of `rgc_frame_push`).
    pub fn push_frame(&mut self, n: usize) -> Result<*mut Slot, StackError> {
        if self.capacity() - self.depth() < n || self.base.is_null() {
            return Err(self.overflow_error(n));
        }
        let frame = self.top;
        for i in 0..n {
            // SAFETY: depth + n <= capacity, checked above.
            unsafe { frame.add(i).write(null_mut()) };
        }
        // SAFETY: as above.
        self.top = unsafe { frame.add(n) };
        Ok(frame)
    }

    /// Pops back to `frame`, which must be a frame pointer returned by push.
    pub fn pop_frame(&mut self, frame: *mut Slot) {
        debug_assert!(frame >= self.base && frame <= self.top, "pop of a frame that is not on this stack");
        self.top = frame;
    }

    /// The live root slots, bottom to top.
    pub fn slots(&self) -> &[Slot] {
        if self.base.is_null() {
            return &[];
        }
        // SAFETY: [base, top) is initialised storage of this stack (invariants 1, 2).
        unsafe { core::slice::from_raw_parts(self.base, self.depth()) }
    }

    /// Visits each live slot's address (so a collector could update it).
    pub fn for_each_slot(&self, mut f: impl FnMut(*mut Slot)) {
        let mut p = self.base;
        while p < self.top {
            f(p);
            // SAFETY: p < top <= limit.
            p = unsafe { p.add(1) };
        }
    }

    fn overflow_error(&self, requested: usize) -> StackError {
        if self.base.is_null() {
            return StackError::NotAttached;
        }
        StackError::Overflow { requested, depth: self.depth(), capacity: self.capacity() }
    }

    /// Frees the storage.
    ///
    /// # Safety
    /// The stack was made by [`ShadowStack::with_capacity`] and is not used again.
    pub unsafe fn free(&mut self) {
        if self.base.is_null() {
            return;
        }
        // SAFETY: `with_capacity` allocated exactly this layout, so it is valid
        // (size within isize::MAX, alignment a power of two).
        let layout = unsafe {
            core::alloc::Layout::from_size_align_unchecked(
                self.capacity() * core::mem::size_of::<Slot>(),
                core::mem::align_of::<Slot>(),
            )
        };
        // SAFETY: allocated with this layout in with_capacity.
        unsafe { alloc::alloc::dealloc(self.base.cast(), layout) };
        *self = ShadowStack::empty();
    }
}

/// How many allocation spans a thread has: one per small size class, and
/// [`NO_SPAN`], which is always empty.
pub const SPANS: usize = 16;
/// The span a type descriptor names when rgc.h's inline path must not serve
/// it (arrays, finalizers, big objects, collectors that count every
/// allocation): its cursor and limit stay null, so the inline path always
/// falls through to the out-of-line call.
pub const NO_SPAN: usize = SPANS - 1;

/// `rgc_alloc_span` from `rgc.h`: free cells `[cursor, limit)` of one size
/// class, zeroed, that the owning thread's inline allocation bumps through.
/// Both null while the thread has no span for that class.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub cursor: *mut u8,
    pub limit: *mut u8,
}

impl Span {
    pub const EMPTY: Span = Span { cursor: null_mut(), limit: null_mut() };
}

/// `rgc_mutator` from `rgc.h`: what one thread's inline code touches. Its
/// layout is ABI (checked on both sides).
///
/// Who touches what:
/// - `ss`, `spans[i].cursor`, `allocated`: the owning thread, with plain
///   stores from inline C, and the collector while that thread is inside an
///   rgc call or stopped ([`safepoint`] orders the two).
/// - `spans[i].limit`, `alloc_key`, `local`: the library, inside rgc calls.
#[repr(C)]
#[derive(Debug)]
pub struct Context {
    /// Bytes requested by inline allocations not yet added to the
    /// statistics (the library counts and zeroes it when it settles the
    /// thread's spans). First, so that no field needs padding on a 32-bit
    /// target.
    pub allocated: u64,
    pub ss: ShadowStack,
    pub spans: [Span; SPANS],
    /// The library's state for this thread ([`Local`]); null while detached.
    pub local: *mut Local,
    /// Odd (from the type table's generation) while the thread allocates
    /// from spans, else 0; rgc.h's inline `rgc_alloc` serves a descriptor
    /// only when its key matches (`gc_api::abi::descriptor_key`).
    pub alloc_key: u32,
    /// Raised by a thread that stops the world, lowered before it lets the
    /// world run again; the owning thread polls it (`rgc_safepoint()`,
    /// relaxed) and parks ([`safepoint`]).
    pub safepoint: sync::AtomicU32,
    /// The thread's store log (`rgc_store_log_t`), where the inline
    /// barriers of `incremental` and `refcount` append values: see
    /// [`Local::drain_log`]. Its entries live in the thread's [`Local`];
    /// both cursors are null while the thread is detached.
    pub log: StoreLog,
}

/// `rgc_store_log_t` from `rgc.h`: `[start, pos)` holds entries the
/// collector has not taken yet; a full log (`pos == end`) makes the inline
/// barrier call `rgc_store_log_flush`.
///
/// Who touches it: its thread's inline barrier (plain stores, only while
/// the collector's own flag asks for logging, or always under `refcount`);
/// the collector inside that thread's rgc calls, or while the thread is
/// stopped (the safepoint handshake orders the two).
#[repr(C)]
#[derive(Debug)]
pub struct StoreLog {
    pub pos: *mut *mut u8,
    pub end: *mut *mut u8,
}

/// Entries in a thread's store log: one flush per this many logged stores.
pub const STORE_LOG_CAPACITY: usize = 256;

// The layout rgc.h checks with _Static_assert.
#[cfg(not(loom))]
const _: () = assert!(core::mem::offset_of!(Context, spans) == 8 + 3 * core::mem::size_of::<usize>());
#[cfg(not(loom))]
const _: () = assert!(core::mem::offset_of!(Context, alloc_key) == 8 + (4 + 2 * SPANS) * core::mem::size_of::<usize>());

#[cfg(not(loom))]
const _: () = assert!(core::mem::offset_of!(Context, log) == 16 + (4 + 2 * SPANS) * core::mem::size_of::<usize>());
#[cfg(not(loom))]
const _: () = assert!(core::mem::size_of::<Context>() == 16 + (6 + 2 * SPANS) * core::mem::size_of::<usize>());

impl Context {
    #[cfg(not(loom))]
    pub const fn empty() -> Self {
        Context {
            allocated: 0,
            ss: ShadowStack::empty(),
            spans: [Span::EMPTY; SPANS],
            local: null_mut(),
            alloc_key: 0,
            safepoint: sync::AtomicU32::new(0),
            log: StoreLog { pos: null_mut(), end: null_mut() },
        }
    }
}

/// What the library keeps per attached thread beside its [`Context`]
/// (C sees only a pointer to it).
#[repr(C)]
#[derive(Debug)]
pub struct Local {
    /// The thread's context (its TLS `rgc_thread`), valid while attached.
    pub ctx: *mut Context,
    /// Per span, where the cells not yet counted begin: inline allocation
    /// has taken `[settled, cursor)` since the library last settled the
    /// span (set their allocation bits and counted them).
    pub settled: [*mut u8; SPANS],
    /// [`safepoint::RUNNING`] or [`safepoint::PARKED`]: written by its own
    /// thread, read by the thread that stops the world (see [`safepoint`]).
    pub state: sync::AtomicU32,
    /// Between `rgc_enter_blocking` and `rgc_leave_blocking`; its own
    /// thread alone reads and writes it.
    blocking: bool,
    /// Holds the collector lock of a collector whose threads run at once;
    /// its own thread alone reads and writes it ([`safepoint::enter`] and
    /// [`safepoint::leave`]). A one-thread collector's ordinary calls
    /// ([`safepoint::enter_serialised`]) skip its two stores and leave it
    /// clear, so there it does not say whether the thread is inside rgc.
    pub in_collector: bool,
    /// Blocks the thread owns for later spans, per size class: fresh,
    /// zeroed blocks of that class, taken under the collector lock and
    /// turned into spans without it (`gc_heap::allocator`). Touched by its
    /// own thread, and by the collector while the thread is stopped.
    pub stash: [[*mut u8; STASH]; SPANS],
    pub stash_len: [u8; SPANS],
    /// Cells settled without the collector lock, not yet in the statistics:
    /// objects and heap bytes (the next full settle adds them).
    pub unlocked_objects: u64,
    pub unlocked_footprint: u64,
    /// The heap's allocation and mark bitmaps and first block, for
    /// settling cells of the thread's own blocks without the lock (set at
    /// its first locked refill; the heap never moves them).
    pub alloc_bits: *mut u64,
    pub mark_bits: *mut u64,
    pub blocks_base: *mut u8,
    /// An incremental cycle is marking: cells settled without the lock get
    /// their mark bits too (allocated black). Written by the collector with
    /// the thread stopped, read by the thread.
    pub black: bool,
    /// The entries of the thread's store log (`Context::log` points here).
    log_entries: [*mut u8; STORE_LOG_CAPACITY],
    /// While parked, under a conservative collector: the callee-saved
    /// registers, and `[stack_lo, stack_hi)`, the frames of the thread's
    /// callers (`stack`; 0 until first published).
    pub regs: [usize; 12],
    pub stack_lo: usize,
    pub stack_hi: usize,
    /// Code a suspend signal must not stop in the middle of, and a request
    /// noted meanwhile ([`signals`]); its own thread and its signal handler
    /// alone touch it.
    pub deferral: safepoint::Deferral,
    /// The thread's `pthread_t`, which [`signals`] sends the suspend signal
    /// to. Written at attach, read by the thread stopping the world.
    pub pthread: usize,
    /// Non-zero while another thread holds this one suspended
    /// ([`safepoint::suspend_thread`]): its flag stays up across the
    /// world's resumptions. Written under the collector lock, read by the
    /// lock's holder and (relaxed) by the thread itself.
    pub suspended_ext: sync::AtomicU32,
}

impl Local {
    /// Between `rgc_enter_blocking` and `rgc_leave_blocking`.
    pub fn is_blocking(&self) -> bool {
        self.blocking
    }

    fn log_start(&mut self) -> *mut *mut u8 {
        self.log_entries.as_mut_ptr()
    }

    /// Points the thread's log at its (empty) entries.
    fn open_log(&mut self) {
        let start = self.log_start();
        // SAFETY: `ctx` is the thread's live context (module rule: its own
        // thread, or the collector while it is stopped); one past the end
        // of the entries array.
        unsafe { (*self.ctx).log = StoreLog { pos: start, end: start.add(STORE_LOG_CAPACITY) } };
    }

    /// Entries in the thread's store log not yet drained.
    pub fn log_len(&mut self) -> usize {
        let start = self.log_start();
        // SAFETY: as in open_log; `pos` lies within the entries or one past.
        unsafe { (*self.ctx).log.pos.offset_from(start) as usize }
    }

    /// Calls `f` with each entry of the thread's store log, oldest first,
    /// and empties the log. The caller is the thread itself (inside an rgc
    /// call) or the collector while the thread is stopped.
    pub fn drain_log(&mut self, mut f: impl FnMut(*mut u8)) {
        let n = self.log_len();
        self.log_entries[..n].iter().for_each(|&e| f(e));
        let start = self.log_start();
        // SAFETY: as in open_log.
        unsafe { (*self.ctx).log.pos = start };
    }

    /// The thread's log position, for `rgc_store_log_flush` to return.
    pub fn log_pos(&self) -> *mut *mut u8 {
        // SAFETY: as in open_log.
        unsafe { (*self.ctx).log.pos }
    }
}

/// True when the thread of `ctx` holds the collector lock (inside an rgc
/// call, an event listener included): its own flag, so asking costs no
/// read of the lock's contended cache line. Under a one-thread collector,
/// which does not keep the flag, ask [`safepoint::held_by`] instead.
///
/// # Safety
/// `ctx` is the calling thread's context.
pub unsafe fn in_collector(ctx: *const Context) -> bool {
    // SAFETY: caller contract; `local` is null or the thread's live Local.
    match unsafe { (*ctx).local.as_ref() } {
        Some(l) => l.in_collector,
        #[cfg(not(loom))]
        None => safepoint::held_by(ctx),
        #[cfg(loom)]
        None => false,
    }
}

/// Blocks a thread may hold per size class beyond its span's.
pub const STASH: usize = 4;

#[cfg(not(target_os = "none"))]
#[cfg_attr(loom, allow(improper_ctypes))]
extern "C" {
    /// Returns this thread's `rgc_thread` (defined in `tls.c`).
    fn rgc__mutator_current() -> *mut Context;
}

/// The calling thread's context.
#[cfg(not(target_os = "none"))]
pub fn current() -> *mut Context {
    // SAFETY: a plain accessor for a thread-local with static storage.
    unsafe { rgc__mutator_current() }
}

/// The one thread's context on a bare-metal target (`target_os =
/// "none"`), where `rgc.h` declares `rgc_thread` as a plain global
/// (`RGC_SINGLE_THREAD`). Defined here rather than in `tls.c` so that
/// building the library for a board needs no C compiler.
#[cfg(target_os = "none")]
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static mut rgc_thread: Context = Context::empty();

/// The calling thread's context.
#[cfg(target_os = "none")]
pub fn current() -> *mut Context {
    core::ptr::addr_of_mut!(rgc_thread)
}

/// True when the calling thread is attached (has a shadow stack).
#[inline]
pub fn current_is_attached() -> bool {
    // SAFETY: this thread's own context, which always exists.
    !unsafe { (*current()).ss.base }.is_null()
}

/// The calling thread's [`Local`], if it is attached.
///
/// # Safety
/// The caller holds no other reference to it (it is reached from the
/// collector only inside rgc calls, one at a time).
#[inline]
pub unsafe fn current_local<'a>() -> Option<&'a mut Local> {
    // SAFETY: this thread's own context; `local` is null or a live Local
    // (made by attach_current, freed by detach_current).
    unsafe { (*current()).local.as_mut() }
}

/// The registry of attached threads (invariant 3).
///
/// Written by [`attach_current`] and [`detach_current`] (any thread), read
/// by the collector's walks; `lock` (acquire on taking, release on
/// leaving) protects `locals`.
struct Registry {
    lock: AtomicBool,
    locals: UnsafeCell<Vec<*mut Local>>,
}

// SAFETY: `locals` is only touched while `lock` is held.
unsafe impl Sync for Registry {}

static REGISTRY: Registry = Registry { lock: AtomicBool::new(false), locals: UnsafeCell::new(Vec::new()) };

/// How many threads are attached, for decisions that may be stale (relaxed;
/// written under the registry's lock by attach and detach).
static ATTACHED: Padded = Padded(core::sync::atomic::AtomicUsize::new(0));

/// A cache line of its own (read on every refill, written rarely).
#[repr(align(64))]
struct Padded(core::sync::atomic::AtomicUsize);

/// [`attached_count`] without the registry's lock: exact only while no
/// thread attaches or detaches.
pub fn attached_hint() -> usize {
    ATTACHED.0.load(Ordering::Relaxed)
}

fn with_registry<R>(f: impl FnOnce(&mut Vec<*mut Local>) -> R) -> R {
    while REGISTRY.lock.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
        core::hint::spin_loop();
    }
    // SAFETY: we hold the lock.
    let r = f(unsafe { &mut *REGISTRY.locals.get() });
    REGISTRY.lock.store(false, Ordering::Release);
    r
}

/// Detaching a thread that exits while attached (hosted targets): a
/// pthread key whose destructor calls the library's `rgc_thread_detach`,
/// so an exiting thread never leaves its context registered (its TLS is
/// about to be freed) or its shadow stack allocated.
#[cfg(all(not(target_os = "none"), not(loom)))]
mod thread_exit {
    use core::ffi::c_void;
    use core::sync::atomic::{AtomicPtr, AtomicU32, Ordering};

    /// 0: no key yet, 1: being created, 2: `KEY` holds it. Written once,
    /// by whichever thread attaches first (compare-and-swap).
    static STATE: AtomicU32 = AtomicU32::new(0);
    /// The key; written once before `STATE` becomes 2 (release).
    static KEY: AtomicU32 = AtomicU32::new(0);
    /// The library's `rgc_thread_detach`; written by `rgc_init`.
    static HOOK: AtomicPtr<()> = AtomicPtr::new(core::ptr::null_mut());

    extern "C" fn on_exit(_value: *mut c_void) {
        let hook = HOOK.load(Ordering::Acquire);
        if !hook.is_null() {
            // SAFETY: only `set_hook` stores here, an `extern "C" fn()`.
            let detach: extern "C" fn() = unsafe { core::mem::transmute(hook) };
            detach();
        }
    }

    pub fn set_hook(detach: extern "C" fn()) {
        HOOK.store(detach as *mut (), Ordering::Release);
    }

    fn key() -> Option<libc::pthread_key_t> {
        loop {
            match STATE.compare_exchange(0, 1, Ordering::Acquire, Ordering::Acquire) {
                Ok(_) => {
                    let mut key: libc::pthread_key_t = 0;
                    // SAFETY: a valid out pointer and destructor.
                    let ok = unsafe { libc::pthread_key_create(&mut key, Some(on_exit)) } == 0;
                    KEY.store(key as u32, Ordering::Relaxed);
                    STATE.store(if ok { 2 } else { 0 }, Ordering::Release);
                    return ok.then_some(key);
                }
                Err(2) => return Some(KEY.load(Ordering::Relaxed) as libc::pthread_key_t),
                Err(_) => core::hint::spin_loop(),
            }
        }
    }

    /// The calling thread gets detached if it exits attached.
    pub fn arm() {
        if let Some(k) = key() {
            // SAFETY: a key made above; any non-null value arms the destructor.
            unsafe { libc::pthread_setspecific(k, 1 as *const c_void) };
        }
    }

    /// The calling thread detached itself.
    pub fn disarm() {
        if STATE.load(Ordering::Acquire) == 2 {
            // SAFETY: a key made by `key`; null disarms the destructor.
            unsafe { libc::pthread_setspecific(KEY.load(Ordering::Relaxed) as libc::pthread_key_t, core::ptr::null()) };
        }
    }
}

/// Makes `detach` (the library's `rgc_thread_detach`) run for any thread
/// that exits while attached. On a board (one thread) this does nothing.
pub fn set_thread_exit_hook(detach: extern "C" fn()) {
    #[cfg(all(not(target_os = "none"), not(loom)))]
    thread_exit::set_hook(detach);
    #[cfg(any(target_os = "none", loom))]
    let _ = detach;
}

/// The calling thread's `pthread_t` (0 where there are none).
fn this_pthread() -> usize {
    #[cfg(all(not(target_os = "none"), not(loom)))]
    // SAFETY: no preconditions.
    return unsafe { libc::pthread_self() } as usize;
    #[cfg(any(target_os = "none", loom))]
    0
}

/// Gives the calling thread a shadow stack of `slots` slots and registers it.
pub fn attach_current(slots: usize) -> Result<(), StackError> {
    let ctx = current();
    // SAFETY: `ctx` is this thread's own context.
    if !unsafe { (*ctx).ss.base }.is_null() {
        return Err(StackError::AlreadyAttached);
    }
    let stack = ShadowStack::with_capacity(slots)?;
    let local = alloc::boxed::Box::into_raw(alloc::boxed::Box::new(Local {
        ctx,
        settled: [null_mut(); SPANS],
        state: sync::AtomicU32::new(safepoint::PARKED),
        blocking: false,
        in_collector: false,
        stash: [[null_mut(); STASH]; SPANS],
        stash_len: [0; SPANS],
        unlocked_objects: 0,
        unlocked_footprint: 0,
        alloc_bits: null_mut(),
        mark_bits: null_mut(),
        blocks_base: null_mut(),
        black: false,
        log_entries: [null_mut(); STORE_LOG_CAPACITY],
        regs: [0; 12],
        stack_lo: 0,
        stack_hi: 0,
        deferral: safepoint::Deferral::new(),
        pthread: this_pthread(),
        suspended_ext: sync::AtomicU32::new(0),
    }));
    // A suspend signal's handler cannot look its stack up (not
    // async-signal-safe): it is known before the thread can be signalled.
    #[cfg(all(not(target_os = "none"), not(loom)))]
    if signals::enabled() {
        // SAFETY: just made, not yet registered: this thread's alone.
        unsafe { (*local).stack_hi = stack::query_base() };
    }
    // SAFETY: just made, not yet registered: this thread's alone.
    unsafe { (*local).open_log() };
    // SAFETY: as above; nothing else touches a detached thread's context.
    unsafe {
        (*ctx).ss = stack;
        (*ctx).spans = [Span::EMPTY; SPANS];
        (*ctx).allocated = 0;
        (*ctx).local = local;
    }
    with_registry(|r| {
        r.push(local);
        ATTACHED.0.store(r.len(), Ordering::Relaxed);
    });
    #[cfg(all(not(target_os = "none"), not(loom)))]
    thread_exit::arm();
    // Registered parked; run only once no collection is under way (one
    // that began before the registration did not stop this thread).
    #[cfg(not(loom))]
    {
        // SAFETY: the calling thread's own context.
        if unsafe { safepoint::enter(ctx) }.is_ok() {
            safepoint::leave();
        } else {
            // Attaching from inside rgc (a listener): already the holder.
            // SAFETY: as above; this thread holds the lock, so it runs.
            unsafe { (*local).state.store(safepoint::RUNNING, sync::Ordering::Relaxed) };
        }
    }
    Ok(())
}

/// Releases the calling thread's shadow stack and unregisters it; a no-op
/// if it has none. The collector must have retired the thread's spans
/// first (their cells counted, the spans emptied).
pub fn detach_current() {
    let ctx = current();
    // SAFETY: this thread's own context.
    let local = unsafe { (*ctx).local };
    #[cfg(all(not(target_os = "none"), not(loom)))]
    if !local.is_null() {
        thread_exit::disarm();
    }
    with_registry(|r| {
        r.retain(|&l| l != local);
        ATTACHED.0.store(r.len(), Ordering::Relaxed);
        if r.is_empty() {
            // Hand the buffer back: in region mode it lives in the caller's
            // region, which is the caller's again after rgc_shutdown.
            *r = Vec::new();
        }
    });
    // SAFETY: this thread's own context; `local` was made by attach_current
    // and is no longer registered.
    unsafe {
        debug_assert!((*ctx).spans.iter().all(|s| s.cursor == s.limit), "spans retired before detaching");
        (*ctx).ss.free();
        // Unlinked before it is freed: a suspend signal that arrives late
        // (`signals`) must find no Local rather than a freed one.
        (*ctx).local = null_mut();
        core::sync::atomic::compiler_fence(Ordering::SeqCst);
        if !local.is_null() {
            drop(alloc::boxed::Box::from_raw(local));
        }
        (*ctx).alloc_key = 0;
        (*ctx).spans = [Span::EMPTY; SPANS];
        (*ctx).log = StoreLog { pos: null_mut(), end: null_mut() };
    }
}

/// In the child of a `fork`, which has only the thread that forked: every
/// other thread's registration goes (their Locals are leaked: the memory
/// was the parent's threads', whose stacks the child does not have).
#[cfg(all(not(target_os = "none"), not(loom)))]
pub fn forget_other_threads_after_fork() {
    let me = current();
    with_registry(|r| {
        // SAFETY: registered Locals are live (the child's copies).
        r.retain(|&l| core::ptr::eq(unsafe { (*l).ctx }, me));
        ATTACHED.0.store(r.len(), Ordering::Relaxed);
    });
    safepoint::forget_waiters();
}

/// How many threads are attached.
pub fn attached_count() -> usize {
    with_registry(|r| r.len())
}

/// Visits every attached thread's [`Local`] (and through it, its context).
///
/// # Safety
/// No attached thread runs rgc code or inline allocation while this runs
/// (it is stopped, see [`safepoint`]), and `f` does not attach or detach.
pub unsafe fn for_each_local(mut f: impl FnMut(&mut Local)) {
    // SAFETY: registered Locals stay valid until detached, which cannot
    // happen during the call per the contract.
    with_registry(|r| r.iter().for_each(|&l| f(unsafe { &mut *l })));
}

/// True when the thread of `ctx` is in a blocking region.
///
/// # Safety
/// `ctx` is the calling thread's context.
pub unsafe fn in_blocking_region(ctx: *const Context) -> bool {
    // SAFETY: caller contract; `local` is null or the thread's live Local.
    unsafe { (*ctx).local.as_ref() }.is_some_and(|l| l.blocking)
}

/// Enters a blocking region: parks the thread ([`safepoint::park`]).
/// False if it is not attached or already in one.
///
/// # Safety
/// `ctx` is the calling thread's context, which does not hold the
/// collector lock.
pub unsafe fn enter_blocking_region(ctx: *mut Context) -> bool {
    // SAFETY: caller contract; only this thread writes `blocking`.
    match unsafe { (*ctx).local.as_mut() } {
        Some(l) if !l.blocking => {
            l.blocking = true;
            publish_stack(l);
            safepoint::park(&l.state);
            true
        }
        _ => false,
    }
}

/// Leaves a blocking region (the caller then takes the collector lock to
/// run again). False if the thread is not in one.
///
/// # Safety
/// As for [`enter_blocking_region`].
pub unsafe fn leave_blocking_region(ctx: *mut Context) -> bool {
    // SAFETY: caller contract; only this thread writes `blocking`.
    match unsafe { (*ctx).local.as_mut() } {
        Some(l) if l.blocking => {
            l.blocking = false;
            true
        }
        _ => false,
    }
}

/// Visits every attached thread's [`Local`], shared.
///
/// # Safety
/// `f` does not attach or detach; Locals stay live while registered.
pub unsafe fn for_each_registered(mut f: impl FnMut(&Local)) {
    // SAFETY: registered Locals stay valid until detached.
    with_registry(|r| r.iter().for_each(|&l| f(unsafe { &*l })));
}

/// Visits every root slot of every attached thread.
///
/// # Safety
/// No attached thread pushes, pops or detaches while this runs (rgc's
/// threads are stopped, see [`safepoint`]).
pub unsafe fn for_each_root(mut f: impl FnMut(*mut Slot)) {
    // SAFETY: registered contexts stay valid until detached, which cannot
    // happen during the call per the contract.
    with_registry(|r| r.iter().for_each(|&l| unsafe { (*(*l).ctx).ss.for_each_slot(&mut f) }));
}

/// Why a push of `requested` slots failed on the calling thread.
pub fn overflow_error(requested: usize) -> StackError {
    // SAFETY: this thread's own context.
    unsafe { (*current()).ss.overflow_error(requested) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_push_zero_and_pop() {
        let mut ss = ShadowStack::with_capacity(8).unwrap();
        let f = ss.push_frame(3).unwrap();
        unsafe { *f.add(1) = 0x1000 as Slot };
        let g = ss.push_frame(2).unwrap();
        assert_eq!(ss.depth(), 5);
        assert_eq!(ss.slots()[1], 0x1000 as Slot);
        assert!(ss.slots()[3].is_null());
        ss.pop_frame(g);
        ss.pop_frame(f);
        assert_eq!(ss.depth(), 0);
        // Stale data from the popped frame must not leak into a new one.
        let f = ss.push_frame(3).unwrap();
        assert!(unsafe { *f.add(1) }.is_null());
        unsafe { ss.free() };
    }

    #[test]
    fn overflow_is_an_error_not_a_write() {
        let mut ss = ShadowStack::with_capacity(4).unwrap();
        ss.push_frame(3).unwrap();
        let err = ss.push_frame(2).unwrap_err();
        assert_eq!(err, StackError::Overflow { requested: 2, depth: 3, capacity: 4 });
        assert_eq!(ss.depth(), 3);
        unsafe { ss.free() };
        let mut none = ShadowStack::empty();
        assert_eq!(none.push_frame(1).unwrap_err(), StackError::NotAttached);
    }

    #[test]
    fn visits_each_live_slot() {
        let mut ss = ShadowStack::with_capacity(16).unwrap();
        let f = ss.push_frame(4).unwrap();
        for i in 0..4 {
            unsafe { *f.add(i) = (i * 16) as Slot };
        }
        let mut seen = Vec::new();
        ss.for_each_slot(|s| seen.push(unsafe { *s } as usize));
        assert_eq!(seen, [0, 16, 32, 48]);
        unsafe { ss.free() };
    }
}
