//! [`Gc`]: a [`Plan`] (a collector's policy) and the shared [`Runtime`],
//! made into a [`gc_api::Collector`]. Here the C ABI's calls meet the
//! threading rules: before any call into a plan, any lookup and any
//! statistic, every thread is settled (and, under a concurrent plan,
//! stopped: `crate::allocator`); a thread's refill settles only itself.

use crate::object::{header, object_bytes, Header};
use crate::runtime::Runtime;
use gc_api::abi::{Finalizer, RgcStats};
use gc_api::event::EventSink;
use gc_api::types::{TypeId, TypeTable};
use gc_api::{AllocRequest, Collector, Config, InitError};

/// A collector's policy: when to collect and how. [`Gc`] supplies the rest.
pub trait Plan: Sized {
    const NAME: &'static str;
    const PRECISE: bool;
    /// Threads may allocate small objects from spans without a call
    /// (`crate::allocator`); false for plans that must see every allocation.
    const ALLOCATES_FROM_SPANS: bool = true;
    /// What threads may do at once ([`gc_api::Threads`]). A concurrent plan
    /// finds every other thread stopped whenever [`Gc`] calls into it.
    const THREADS: gc_api::Threads;
    /// [`Plan::write_barrier`] is the default plain store.
    const PLAIN_STORES: bool = true;
    /// The plan for a fresh runtime; it may set the runtime's first poll point.
    fn new(rt: &mut Runtime) -> Self;
    /// Whether this plan ever collects (false for `none`).
    fn collects(&self) -> bool {
        true
    }
    /// A full collection: afterwards every object unreachable when it was
    /// called is freed.
    fn collect(&mut self, rt: &mut Runtime);
    /// Called on allocation once [`Runtime::collection_due`] says so.
    fn poll(&mut self, rt: &mut Runtime) {
        self.collect(rt);
    }
    /// The heap could not satisfy an allocation (for the `attempt`-th time,
    /// from 0). Returns true to have the allocation retried, false to fail it.
    fn alloc_failed(&mut self, rt: &mut Runtime, attempt: u32) -> bool {
        attempt == 0 && {
            self.collect(rt);
            true
        }
    }
    /// A new object was handed out (after the runtime's bookkeeping):
    /// `footprint` heap bytes for `req`.
    #[inline]
    fn allocated(&mut self, _rt: &mut Runtime, _obj: *mut u8, _req: &AllocRequest, _footprint: usize) {}
    /// A weak reference to `target` (a live object, or null) was created.
    fn weakref_registered(&mut self, _rt: &mut Runtime, _target: *mut u8) {}
    /// Up to `budget_ns` of work if due; true if any was done.
    fn step(&mut self, rt: &mut Runtime, budget_ns: u64) -> bool;
    /// See [`Collector::wants_background`].
    fn wants_background(&self, _rt: &Runtime) -> bool {
        false
    }
    /// See [`Collector::background_work`]: unlike every other plan call,
    /// the world runs and no thread was settled.
    fn background(&mut self, _rt: &mut Runtime) -> gc_api::BackgroundNext {
        gc_api::BackgroundNext::Sleep
    }
    /// See [`Collector::weakref_get`].
    ///
    /// # Safety
    /// `weakref` is a live weak-reference cell.
    unsafe fn weakref_get(&mut self, _rt: &mut Runtime, weakref: *mut u8) -> *mut u8 {
        // SAFETY: caller contract: slot 0 of a weakref cell is its target.
        unsafe { *(weakref as *mut *mut u8) }
    }
    /// See [`Collector::set_pacing`].
    fn set_pacing(&mut self, _rt: &mut Runtime, _pause_ns: u64, _window_ns: u64) -> bool {
        false
    }
    /// Adds the plan's own figures (increments, overruns, refcount's frees)
    /// to the statistics.
    fn report(&self, _stats: &mut RgcStats) {}
    /// See [`Collector::flush_without_lock`].
    ///
    /// # Safety
    /// As there.
    unsafe fn flush_unlocked(_ctx: *mut shadowstack::Context) -> *mut *mut u8 {
        core::ptr::null_mut()
    }
    /// See [`Collector::flush_store_log`].
    fn flush_store_log(&mut self, _rt: &mut Runtime) -> *mut *mut u8 {
        core::ptr::null_mut()
    }
    /// Checks the heap's invariants (and the plan's own), aborting on a violation.
    fn verify(&mut self, rt: &mut Runtime) {
        rt.verify_or_abort(false);
    }
    /// The store with this plan's barrier.
    ///
    /// # Safety
    /// As for [`Collector::write_barrier`].
    #[inline]
    unsafe fn write_barrier(&mut self, _rt: &mut Runtime, _obj: *mut u8, slot: *mut *mut u8, value: *mut u8) {
        // SAFETY: caller contract: slot is a pointer field of a live object.
        unsafe { *slot = value };
    }
}

/// A collector made of the shared [`Runtime`] and a [`Plan`].
pub struct Gc<P: Plan> {
    pub rt: Runtime,
    pub plan: P,
}

impl<P: Plan> Gc<P> {
    /// [`Collector::alloc`] for a request a span serves: the refill of
    /// `rgc.h`'s inline path (kept out of line, away from the cell-by-cell
    /// path's code).
    #[inline(never)]
    fn alloc_from_span(&mut self, class: usize, req: &AllocRequest) -> *mut u8 {
        let collects = self.plan.collects();
        // SAFETY: enter_to_allocate checked that the caller is attached,
        // and only this call touches its Local.
        let local = unsafe { shadowstack::current_local() }
            .unwrap_or_else(|| gc_api::fatal::internal("an attached thread has no Local"));
        // SAFETY: the calling thread's own Local, registered.
        unsafe { self.rt.settle_span_of(local, class) };
        if collects && self.rt.collection_due() {
            self.rt.settle_all();
            self.plan.poll(&mut self.rt);
        }
        let mut attempt = 0;
        loop {
            // SAFETY: the caller's Local; `class` is the request's.
            let p = unsafe { self.rt.alloc_in_span(local, class, req) };
            if !p.is_null() || !collects {
                return p;
            }
            self.rt.settle_all();
            if !self.plan.alloc_failed(&mut self.rt, attempt) {
                return p;
            }
            attempt += 1;
        }
    }
}

impl<P: Plan> Collector for Gc<P> {
    const NAME: &'static str = P::NAME;
    const PRECISE: bool = P::PRECISE;
    const THREADS: gc_api::Threads = P::THREADS;
    const PLAIN_STORES: bool = P::PLAIN_STORES;

    const BYTES_SPANS: [gc_api::abi::SpanClass; gc_api::abi::BYTES_SPANS_LEN] =
        if P::ALLOCATES_FROM_SPANS { crate::allocator::BYTES_SPANS } else { [gc_api::abi::SpanClass::NONE; _] };

    fn new(config: Config) -> Result<Self, InitError> {
        let mut rt = Runtime::new(config)?;
        rt.spans_enabled = P::ALLOCATES_FROM_SPANS && !config.torture;
        rt.threads = P::THREADS;
        let plan = P::new(&mut rt);
        Ok(Gc { rt, plan })
    }

    fn config(&self) -> &Config {
        &self.rt.config
    }
    fn types(&mut self) -> &mut TypeTable {
        // A lent marker reads the table (`crate::lend` rule 4).
        self.rt.recall_marker();
        &mut self.rt.types
    }
    fn types_ref(&self) -> &TypeTable {
        &self.rt.types
    }
    fn events(&mut self) -> &mut EventSink {
        &mut self.rt.events
    }

    #[inline]
    unsafe fn alloc(&mut self, req: &AllocRequest) -> *mut u8 {
        let collects = self.plan.collects();
        if P::ALLOCATES_FROM_SPANS {
            if let Some(class) = self.rt.span_class_of_request(req) {
                return self.alloc_from_span(class, req);
            }
        }
        if collects && self.rt.collection_due() {
            self.rt.settle_all();
            self.plan.poll(&mut self.rt);
        }
        let (mut p, mut footprint) = self.rt.try_alloc(req);
        if p.is_null() && collects {
            let mut attempt = 0;
            self.rt.settle_all();
            while p.is_null() && self.plan.alloc_failed(&mut self.rt, attempt) {
                (p, footprint) = self.rt.try_alloc(req);
                attempt += 1;
            }
        }
        if !p.is_null() {
            self.plan.allocated(&mut self.rt, p, req, footprint);
        }
        p
    }

    fn span_class(&self, id: TypeId) -> gc_api::abi::SpanClass {
        self.rt.span_class(id)
    }

    fn inline_arrays(&self, id: TypeId) -> bool {
        P::ALLOCATES_FROM_SPANS && self.rt.inline_arrays(id)
    }

    unsafe fn alloc_without_lock(
        ctx: *mut shadowstack::Context,
        span: usize,
        type_id: TypeId,
        length: usize,
        bytes: usize,
    ) -> *mut u8 {
        if P::THREADS != gc_api::Threads::Concurrent || !P::ALLOCATES_FROM_SPANS || span >= crate::layout::NUM_CLASSES {
            return core::ptr::null_mut();
        }
        // SAFETY: forwarded contract.
        unsafe { crate::allocator::alloc_unlocked(ctx, span, Header::new(type_id, length, 0), bytes) }
    }

    fn retire_thread(&mut self) {
        if !P::PLAIN_STORES {
            // The thread's store log goes away with it: its entries are
            // the plan's first (with the others stopped, as at any flush).
            self.rt.settle_all();
            self.plan.flush_store_log(&mut self.rt);
        }
        self.rt.retire_current();
    }

    #[inline]
    fn leaving(&mut self) {
        self.rt.resume_the_world();
    }

    #[inline]
    unsafe fn write_barrier(&mut self, obj: *mut u8, slot: *mut *mut u8, value: *mut u8) {
        // SAFETY: forwarded contract.
        unsafe { self.plan.write_barrier(&mut self.rt, obj, slot, value) }
    }

    fn collect(&mut self) {
        if self.plan.collects() {
            self.rt.settle_all();
            self.plan.collect(&mut self.rt);
        }
    }

    fn step(&mut self, budget_ns: u64) -> bool {
        self.rt.settle_all();
        self.plan.step(&mut self.rt, budget_ns)
    }

    fn wants_background(&self) -> bool {
        self.plan.wants_background(&self.rt)
    }

    fn background_work(&mut self) -> gc_api::BackgroundNext {
        self.plan.background(&mut self.rt)
    }

    fn recall_background(&mut self) {
        self.rt.recall_marker();
    }

    fn stats(&mut self) -> RgcStats {
        self.rt.settle_all();
        let mut stats = self.rt.stats();
        self.plan.report(&mut stats);
        stats
    }

    unsafe fn add_root(&mut self, slot: *mut *mut u8) {
        self.rt.globals.push(slot);
    }

    fn remove_root(&mut self, slot: *mut *mut u8) -> bool {
        match self.rt.globals.iter().rposition(|&s| s == slot) {
            Some(i) => {
                self.rt.globals.swap_remove(i);
                true
            }
            None => false,
        }
    }

    fn push_temp_root(&mut self, obj: *mut u8) {
        self.rt.temps.push(obj);
    }

    fn remove_temp_root(&mut self, obj: *mut u8) {
        let at = self.rt.temps.iter().rposition(|&o| o == obj);
        let at = at.unwrap_or_else(|| gc_api::fatal::internal("a temp root removed that was not pushed"));
        self.rt.temps.swap_remove(at);
    }

    unsafe fn register_weakref(&mut self, weakref: *mut u8, target: *mut u8) {
        self.rt.settle_all();
        // SAFETY: a fresh weakref cell has 8 bytes of payload for the target.
        unsafe { *(weakref as *mut *mut u8) = target };
        self.rt.weakrefs.push(weakref);
        self.plan.weakref_registered(&mut self.rt, target);
    }

    unsafe fn weakref_get(&mut self, weakref: *mut u8) -> *mut u8 {
        self.rt.settle_all();
        // SAFETY: forwarded contract.
        unsafe { self.plan.weakref_get(&mut self.rt, weakref) }
    }

    fn set_pacing(&mut self, pause_ns: u64, window_ns: u64) -> bool {
        self.plan.set_pacing(&mut self.rt, pause_ns, window_ns)
    }

    unsafe fn flush_without_lock(ctx: *mut shadowstack::Context) -> *mut *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { P::flush_unlocked(ctx) }
    }

    fn flush_store_log(&mut self) -> *mut *mut u8 {
        self.rt.settle_all();
        self.plan.flush_store_log(&mut self.rt)
    }

    fn pop_finalizer(&mut self) -> Option<(Finalizer, *mut u8)> {
        let obj = self.rt.pending_finalizers.pop_front()?;
        // SAFETY: queued objects are kept alive as roots until popped.
        let t = unsafe { header(obj) }.type_id();
        let f = self.rt.types.get(t).and_then(|i| i.finalizer);
        let f = f.unwrap_or_else(|| gc_api::fatal::internal("an object queued for finalization has no finalizer"));
        self.rt.counters.finalizers_run += 1;
        Some((f, obj))
    }

    #[inline]
    fn finalizers_pending(&self) -> bool {
        !self.rt.pending_finalizers.is_empty()
    }

    fn object_type(&mut self, p: *const u8) -> Option<TypeId> {
        self.rt.settle_all();
        self.rt.object_type(p)
    }

    fn object_size(&mut self, p: *const u8) -> Option<usize> {
        self.rt.settle_all();
        // SAFETY: validated as an object first.
        self.rt.heap.is_object(p).then(|| unsafe { object_bytes(p, &self.rt.types) })
    }

    fn verify(&mut self) {
        self.rt.settle_all();
        self.plan.verify(&mut self.rt);
    }
}

impl<P: Plan> Drop for Gc<P> {
    /// Threads still attached keep their contexts: their spans must not
    /// point into the heap that goes away now.
    fn drop(&mut self) {
        self.rt.stop_the_world();
        self.rt.forget_spans();
        self.rt.resume_the_world();
    }
}
