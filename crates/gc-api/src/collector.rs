//! The [`Collector`] trait: what the C ABI glue needs from a collector.

use crate::abi::{Finalizer, RgcStats, SpanClass, BYTES_SPANS_LEN};
use crate::config::Config;
use crate::event::EventSink;
use crate::message::Message;
use crate::types::{TypeId, TypeTable};

/// One allocation, already validated by the glue.
#[derive(Debug, Clone, Copy)]
pub struct AllocRequest {
    pub type_id: TypeId,
    /// Item count for varsize types (written into the length field), byte
    /// count for byte buffers, 0 otherwise.
    pub length: usize,
    /// Requested size in bytes (fixed part plus items).
    pub bytes: usize,
    /// The C entry point, for diagnostics.
    pub call: &'static str,
    /// The request comes from `rgc.h`'s allocation path (`rgc_alloc_slow`,
    /// `rgc_alloc_bytes_slow`): the calling thread's allocation spans may
    /// serve it. Other callers (the Boehm API) allocate cell by cell.
    pub inline: bool,
}

/// How a collector lets threads use rgc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threads {
    /// Any number of attached threads allocate, store and call rgc at once;
    /// collections stop the world by handshake (`shadowstack::safepoint`).
    Concurrent,
    /// One attached thread: attaching a second is an error naming the
    /// collector.
    Single,
}

/// What the collector thread does after one [`Collector::background_work`].
pub enum BackgroundNext {
    /// Nothing is due: sleep until a mutator's poll wakes the thread.
    Sleep,
    /// More work: call again (after stepping aside for any thread that
    /// waits for the collector lock).
    Continue,
    /// Run this once the collector lock is released (marking without it),
    /// then as `Continue`.
    #[cfg(feature = "std")]
    Unlocked(alloc::boxed::Box<dyn FnOnce() + Send>),
}

impl core::fmt::Debug for BackgroundNext {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            BackgroundNext::Sleep => "Sleep",
            BackgroundNext::Continue => "Continue",
            #[cfg(feature = "std")]
            BackgroundNext::Unlocked(_) => "Unlocked",
        })
    }
}

/// Why `rgc_init` failed.
#[derive(Debug, Clone)]
pub struct InitError(pub Message);

/// A garbage collector behind the `rgc_*` C ABI.
///
/// The glue in [`crate::cabi`] owns exactly one instance per process and never
/// calls into it re-entrantly: user callbacks (event listeners, finalizers)
/// run either with the collector locked against re-entry or after the call
/// that produced them has returned.
///
/// Pointers in this interface are *object pointers*: the address the program
/// got from an allocation (the first byte of the object's fixed part).
pub trait Collector: Sized {
    /// The name used on the command line (`--gc=NAME`).
    const NAME: &'static str;
    /// True when a full collection frees every unreachable object, so that
    /// `live_bytes` equals the reachable bytes exactly.
    const PRECISE: bool;
    /// What threads may do at once.
    const THREADS: Threads;
    /// [`Collector::write_barrier`] is `*slot = value` and nothing else
    /// (outside `RGC_VERIFY`): the glue stores without entering.
    const PLAIN_STORES: bool = false;

    /// `rgc_bytes_spans`: the span and cell of a byte buffer of `n` bytes
    /// at index `(n + 15) / 8`, for `rgc.h`'s inline `rgc_alloc_bytes`.
    /// Collectors that allocate cell by cell keep every entry at
    /// [`SpanClass::NONE`].
    const BYTES_SPANS: [SpanClass; BYTES_SPANS_LEN] = [SpanClass::NONE; BYTES_SPANS_LEN];

    fn new(config: Config) -> Result<Self, InitError>;
    fn config(&self) -> &Config;
    fn types(&mut self) -> &mut TypeTable;
    fn types_ref(&self) -> &TypeTable;
    fn events(&mut self) -> &mut EventSink;

    /// Allocates a zeroed object, collecting or growing the heap as policy
    /// says. Returns null when the heap is exhausted even after a collection
    /// (the glue then runs the OOM handler).
    ///
    /// # Safety
    /// 1. `req.type_id` is registered in [`Collector::types`] and `req.bytes`
    ///    is the size that type needs for `req.length` items.
    /// 2. Every root the program holds is in a shadow-stack slot, a
    ///    registered global root or a temp root (a collection may run).
    unsafe fn alloc(&mut self, req: &AllocRequest) -> *mut u8;

    /// Performs `*slot = value` with whatever barrier the collector needs.
    ///
    /// # Safety
    /// 1. `obj` is a live object of this collector and `slot` one of its
    ///    pointer fields.
    /// 2. `value` is null or a live object.
    unsafe fn write_barrier(&mut self, obj: *mut u8, slot: *mut *mut u8, value: *mut u8);

    /// Allocates from the calling thread's span `span` (context `ctx`)
    /// without entering the collector, refilling the span from blocks the
    /// thread already owns; null when it cannot (then the caller enters).
    /// `type_id`, `length` and `bytes` describe the object as for
    /// [`Collector::alloc`]. Collectors without such blocks return null.
    ///
    /// # Safety
    /// `ctx` is the calling thread's context, attached; the type is
    /// registered in the current instance and its objects belong to span
    /// `span` (checked by the descriptor's key, or a byte buffer's size).
    unsafe fn alloc_without_lock(
        _ctx: *mut shadowstack::Context,
        _span: usize,
        _type_id: TypeId,
        _length: usize,
        _bytes: usize,
    ) -> *mut u8 {
        core::ptr::null_mut()
    }

    /// Where `rgc.h`'s inline `rgc_alloc` takes objects of the registered
    /// type `id` from (written into its descriptor): a span of the calling
    /// thread, or [`SpanClass::NONE`] for the out-of-line call.
    fn span_class(&self, _id: TypeId) -> SpanClass {
        SpanClass::NONE
    }

    /// Whether `rgc.h`'s inline `rgc_alloc_array` may serve small arrays of
    /// type `id` (registered, variable-size) from the byte buffers' spans.
    fn inline_arrays(&self, _id: TypeId) -> bool {
        false
    }

    /// The call that entered the collector is about to leave it (and
    /// release the collector lock): threads it stopped may run again.
    fn leaving(&mut self) {}

    /// The calling thread is about to detach: what its spans hold is
    /// counted and the spans are emptied, so nothing refers to it after.
    fn retire_thread(&mut self) {}

    /// Whether this instance wants a collector thread (`rgc_config.background`,
    /// for a collector that can use one): the glue starts it after
    /// `rgc_init` ([`crate::background`]).
    fn wants_background(&self) -> bool {
        false
    }

    /// One bounded piece of collector-thread work, called by that thread
    /// with the collector lock held and the other threads *running* (not
    /// stopped, not settled: the collector stops them itself where it must).
    fn background_work(&mut self) -> BackgroundNext {
        BackgroundNext::Sleep
    }

    /// Brings home whatever the collector thread borrowed to work on
    /// without the collector lock (called holding the lock, before
    /// `fork`), waiting for it.
    fn recall_background(&mut self) {}

    /// A full collection.
    fn collect(&mut self);

    /// At most `budget_ns` of collector work, if any is due. Returns true if
    /// it did some.
    fn step(&mut self, budget_ns: u64) -> bool;

    /// Statistics, exact as of this call (allocation spans settled).
    fn stats(&mut self) -> RgcStats;

    /// Registers a global root slot (a `void *` outside the heap).
    ///
    /// # Safety
    /// `slot` stays valid and holds null or a live object until removed.
    unsafe fn add_root(&mut self, slot: *mut *mut u8);
    /// Unregisters a root; false if it was not registered.
    fn remove_root(&mut self, slot: *mut *mut u8) -> bool;

    /// Keeps `obj` alive until the matching [`Collector::remove_temp_root`]
    /// (used by the glue around user callbacks that may allocate).
    fn push_temp_root(&mut self, obj: *mut u8);
    /// Forgets the most recent [`Collector::push_temp_root`] of `obj`.
    /// Threads push and remove in any order, each its own objects (a
    /// stack would hand one thread's root to another).
    fn remove_temp_root(&mut self, obj: *mut u8);

    /// Records that `weakref` (a fresh `<weakref>` object) weakly refers to `target`.
    ///
    /// # Safety
    /// Both are live objects of this collector (target may be null).
    unsafe fn register_weakref(&mut self, weakref: *mut u8, target: *mut u8);

    /// Reads the target of the live weak reference `weakref` (null once cleared).
    /// Incremental collectors override it: a target handed to the mutator
    /// while marking runs must be marked (a read barrier).
    ///
    /// # Safety
    /// `weakref` is a live `<weakref>` object of this collector.
    unsafe fn weakref_get(&mut self, weakref: *mut u8) -> *mut u8 {
        // SAFETY: caller contract: the first word of a weakref cell is its target.
        unsafe { *(weakref as *mut *mut u8) }
    }

    /// Sets the incremental pause budget (Q) and window (W), already
    /// validated by [`crate::config::check_pacing`]. Returns false for
    /// collectors without incremental pacing, which ignore it.
    fn set_pacing(&mut self, _pause_ns: u64, _window_ns: u64) -> bool {
        false
    }

    /// [`Collector::flush_store_log`] without entering the collector, when
    /// the collector can take the entries another way (a collector thread
    /// marks: they are handed to it); null when it cannot (then the caller
    /// enters). Must not run user code either.
    ///
    /// # Safety
    /// `ctx` is the calling thread's context, outside any rgc call.
    unsafe fn flush_without_lock(_ctx: *mut shadowstack::Context) -> *mut *mut u8 {
        core::ptr::null_mut()
    }

    /// Empties the collector's store log (the buffer an inline `RGC_STORE`
    /// fast path appends to), called by that fast path when the log is full,
    /// and returns where the next entry goes. It must not run user code
    /// (`rgc.h` declares it pure). Collectors without a log return null.
    fn flush_store_log(&mut self) -> *mut *mut u8 {
        core::ptr::null_mut()
    }

    /// The next finalizer due to run, with its object. The object is no
    /// longer tracked by the collector: the caller keeps it rooted while the
    /// finalizer runs.
    fn pop_finalizer(&mut self) -> Option<(Finalizer, *mut u8)>;

    /// True when [`Collector::pop_finalizer`] would return something.
    fn finalizers_pending(&self) -> bool;

    /// The type of the object at `p`, or `None` if `p` is not the start of a
    /// live object of this heap. Never dereferences a foreign pointer.
    fn object_type(&mut self, p: *const u8) -> Option<TypeId>;

    /// Requested size of the live object at `p` (as validated by [`Collector::object_type`]).
    fn object_size(&mut self, p: *const u8) -> Option<usize>;

    /// Checks the heap's invariants, aborting with a description on failure.
    fn verify(&mut self);
}
