//! What every collector shares beyond the heap: roots, finalizer and weak
//! reference tables, statistics, events, and the [`Gc`] adapter that turns
//! a [`Plan`] (a collector's policy) into a [`gc_api::Collector`].
//!
//! A tracing collection is built from the phases here, in this order:
//! 1. [`Runtime::mark_roots`]: shadow stacks, global roots, temp roots and
//!    the queue of finalizers not yet run;
//! 2. [`Runtime::mark_transitive`];
//! 3. [`Runtime::clear_dead_weakrefs`]: a weak reference whose target is not
//!    strongly reachable is cleared *before* finalization can revive it;
//! 4. [`Runtime::queue_dead_finalizable`]: unreachable objects with a
//!    finalizer are queued and kept alive with everything they reach;
//! 5. [`Runtime::prune_weakrefs`] forgets dead weak-reference cells;
//! 6. [`Runtime::sweep`].

use crate::heap::Heap;
use crate::layout::cell_bytes;
use crate::mark::{Marker, Source};
use crate::object::{header, object_bytes, Header};
use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;
use gc_api::abi::{Finalizer, RgcStats};
use gc_api::event::{EventSink, Phase};
use gc_api::types::{TypeId, TypeTable, BYTES_TYPE};
use gc_api::{AllocRequest, Collector, Config, InitError};

/// Counters reported through `rgc_get_stats`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counters {
    pub collections: u64,
    pub bytes_allocated: u64,
    pub objects_allocated: u64,
    pub live_bytes: u64,
    pub live_objects: u64,
    pub finalizers_run: u64,
    pub weakrefs_cleared: u64,
    pub overruns: u64,
}

/// State shared by all plans.
pub struct Runtime {
    pub config: Config,
    pub heap: Heap,
    pub types: TypeTable,
    pub events: EventSink,
    pub marker: Marker,
    pub globals: Vec<*mut *mut u8>,
    pub temps: Vec<*mut u8>,
    /// Live objects whose type has a finalizer (not yet found unreachable).
    pub finalizable: Vec<*mut u8>,
    /// Unreachable finalizable objects whose finalizer has not run yet; a root set.
    pub pending_finalizers: VecDeque<*mut u8>,
    /// Every live weak-reference cell.
    pub weakrefs: Vec<*mut u8>,
    pub counters: Counters,
    /// Cell bytes allocated since the last collection finished.
    pub allocated_since_gc: usize,
    /// Collect once `allocated_since_gc` reaches this.
    pub trigger: usize,
}

impl Runtime {
    /// Builds a runtime with an `mmap`-reserved heap of `config.heap_max`.
    #[cfg(feature = "std")]
    pub fn new(config: Config) -> Result<Runtime, InitError> {
        let bytes = Heap::region_bytes_for(config.heap_max);
        let mem = crate::memory::MmapMemory::reserve(bytes).map_err(|e| {
            InitError(alloc::format!(
                "cannot reserve {bytes} bytes of address space for heap_max {}: {e}",
                config.heap_max
            ))
        })?;
        Self::with_memory(config, Box::new(mem))
    }

    /// Builds a runtime on any memory source (e.g. a caller's fixed region).
    pub fn with_memory(config: Config, mem: Box<dyn crate::memory::Memory>) -> Result<Runtime, InitError> {
        let heap = Heap::new(mem).map_err(|e| InitError(e.into()))?;
        Ok(Runtime {
            trigger: config.heap_initial.max(crate::layout::BLOCK_SIZE),
            config,
            heap,
            types: TypeTable::new(),
            events: EventSink::default(),
            marker: Marker::default(),
            globals: Vec::new(),
            temps: Vec::new(),
            finalizable: Vec::new(),
            pending_finalizers: VecDeque::new(),
            weakrefs: Vec::new(),
            counters: Counters::default(),
            allocated_since_gc: 0,
        })
    }

    /// True when policy says a collection is due before the next allocation.
    #[inline]
    pub fn collection_due(&self) -> bool {
        self.config.torture || self.allocated_since_gc >= self.trigger
    }

    // ---- phases of a tracing collection ----------------------------------------

    /// Marks every root (phase 1).
    pub fn mark_roots(&mut self) {
        self.marker.reset();
        let (heap, types, marker) = (&mut self.heap, &self.types, &mut self.marker);
        let mut index = 0;
        // SAFETY: rgc's one-mutator rule: no thread changes its shadow stack
        // while the collector runs.
        unsafe {
            shadowstack::for_each_root(|slot| {
                marker.visit(heap, types, *slot, Source::ShadowStack(index));
                index += 1;
            })
        };
        for &slot in &self.globals {
            // SAFETY: rgc_add_root's contract keeps registered slots valid.
            let v = unsafe { *slot };
            marker.visit(heap, types, v, Source::GlobalRoot(slot));
        }
        for &v in &self.temps {
            marker.visit(heap, types, v, Source::TempRoot);
        }
        for &v in &self.pending_finalizers {
            marker.visit(heap, types, v, Source::FinalizerQueue);
        }
    }

    /// Marks everything reachable from what is marked (phase 2).
    pub fn mark_transitive(&mut self) {
        self.marker.drain(&mut self.heap, &self.types, usize::MAX);
    }

    /// Clears weak references whose targets are unmarked (phase 3).
    pub fn clear_dead_weakrefs(&mut self) {
        for &w in &self.weakrefs {
            // SAFETY: weakref cells stay allocated while listed; slot 0 holds the target.
            let slot = w as *mut *mut u8;
            let target = unsafe { *slot };
            // SAFETY: targets are live objects or null (cleared when they die).
            if !target.is_null() && !unsafe { self.heap.is_marked(target) } {
                // SAFETY: as above.
                unsafe { *slot = core::ptr::null_mut() };
                self.counters.weakrefs_cleared += 1;
            }
        }
    }

    /// Queues unreachable finalizable objects and keeps what they reach (phase 4).
    pub fn queue_dead_finalizable(&mut self) {
        let heap = &self.heap;
        let mut dead = Vec::new();
        // SAFETY: listed objects are allocated until queued.
        self.finalizable.retain(|&o| unsafe { heap.is_marked(o) } || {
            dead.push(o);
            false
        });
        for &o in &dead {
            self.marker.visit(&mut self.heap, &self.types, o, Source::FinalizerQueue);
        }
        self.mark_transitive();
        self.pending_finalizers.extend(dead);
    }

    /// Forgets weak-reference cells that are themselves dead (phase 5).
    pub fn prune_weakrefs(&mut self) {
        let heap = &self.heap;
        // SAFETY: listed cells are allocated until swept, which comes after.
        self.weakrefs.retain(|&w| unsafe { heap.is_marked(w) });
    }

    /// Frees unmarked objects and records survivor statistics (phase 6).
    pub fn sweep(&mut self) {
        self.counters.live_objects = self.marker.counts.objects;
        self.counters.live_bytes = self.marker.counts.bytes;
        self.heap.sweep();
    }

    /// Sets the next trigger from the surviving heap and gives surplus free
    /// blocks back to the OS.
    pub fn finish_cycle(&mut self) {
        let after = self.heap.heap_bytes();
        let growth = after / 100 * self.config.growth_percent as usize;
        self.trigger = growth.max(self.config.heap_initial).max(crate::layout::BLOCK_SIZE);
        self.allocated_since_gc = 0;
        self.counters.collections += 1;
        self.events.start(Phase::Release);
        self.heap.release_free_blocks(self.trigger);
        self.events.end(Phase::Release);
    }

    /// Runs the heap verifier if configured; aborts on a violation.
    pub fn verify_if_enabled(&mut self, after_full_collection: bool) {
        if self.config.verify {
            self.verify_or_abort(after_full_collection);
        }
    }

    pub fn verify_or_abort(&mut self, after_full_collection: bool) {
        let expect = after_full_collection.then_some((self.counters.live_objects, self.counters.live_bytes));
        if let Err(msg) = crate::verify::verify(self, expect) {
            gc_api::fatal!("heap verifier", "{msg}");
        }
    }

    // ---- allocation bookkeeping ------------------------------------------------

    /// Allocates from the heap and does the bookkeeping; no collection.
    #[inline]
    pub fn try_alloc(&mut self, req: &AllocRequest) -> *mut u8 {
        let aux = if req.type_id == BYTES_TYPE { req.length as u32 } else { 0 };
        let p = self.heap.alloc(req.bytes, Header { type_id: req.type_id, aux });
        if p.is_null() {
            return p;
        }
        self.allocated_since_gc += cell_bytes(req.bytes);
        self.counters.bytes_allocated += req.bytes as u64;
        self.counters.objects_allocated += 1;
        if req.type_id > gc_api::types::WEAKREF_TYPE {
            let info = self.types.get(req.type_id).expect("registered type");
            if info.varsize {
                // SAFETY: the length field is inside the fresh object's fixed part.
                unsafe { *(p.add(info.length_offset as usize) as *mut usize) = req.length };
            }
            if info.finalizer.is_some() {
                self.finalizable.push(p);
            }
        }
        p
    }

    pub fn stats(&self) -> RgcStats {
        let c = &self.counters;
        RgcStats {
            struct_size: core::mem::size_of::<RgcStats>() as u32,
            reserved0: 0,
            collections: c.collections,
            bytes_allocated: c.bytes_allocated,
            objects_allocated: c.objects_allocated,
            live_bytes: c.live_bytes,
            live_objects: c.live_objects,
            heap_size: self.heap.heap_bytes() as u64,
            peak_heap_size: self.heap.peak_heap_bytes() as u64,
            heap_max: self.heap.capacity_bytes() as u64,
            total_pause_ns: self.events.total_pause_ns,
            max_pause_ns: self.events.max_pause_ns,
            pauses: self.events.pauses,
            finalizers_run: c.finalizers_run,
            weakrefs_cleared: c.weakrefs_cleared,
            overruns: c.overruns,
        }
    }

    /// Type of the object at `p`, if it is one.
    pub fn object_type(&self, p: *const u8) -> Option<TypeId> {
        // SAFETY: validated as an object first.
        self.heap.is_object(p).then(|| unsafe { header(p) }.type_id)
    }
}

/// A collector's policy: when to collect and how. [`Gc`] supplies the rest.
pub trait Plan: Sized {
    const NAME: &'static str;
    const PRECISE: bool;
    fn new(rt: &Runtime) -> Self;
    /// Whether this plan ever collects (false for `none`).
    fn collects(&self) -> bool {
        true
    }
    /// A full collection.
    fn collect(&mut self, rt: &mut Runtime);
    /// Up to `budget_ns` of work if due; true if any was done.
    fn step(&mut self, rt: &mut Runtime, budget_ns: u64) -> bool;
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

impl<P: Plan> Collector for Gc<P> {
    const NAME: &'static str = P::NAME;
    const PRECISE: bool = P::PRECISE;

    #[cfg(feature = "std")]
    fn new(config: Config) -> Result<Self, InitError> {
        let rt = Runtime::new(config)?;
        let plan = P::new(&rt);
        Ok(Gc { rt, plan })
    }

    #[cfg(not(feature = "std"))]
    fn new(_config: Config) -> Result<Self, InitError> {
        Err(InitError("this build has no memory source: use Runtime::with_memory".into()))
    }

    fn config(&self) -> &Config {
        &self.rt.config
    }
    fn types(&mut self) -> &mut TypeTable {
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
        if collects && self.rt.collection_due() {
            self.plan.collect(&mut self.rt);
        }
        let p = self.rt.try_alloc(req);
        if !p.is_null() || !collects {
            return p;
        }
        self.plan.collect(&mut self.rt);
        self.rt.try_alloc(req)
    }

    #[inline]
    unsafe fn write_barrier(&mut self, obj: *mut u8, slot: *mut *mut u8, value: *mut u8) {
        // SAFETY: forwarded contract.
        unsafe { self.plan.write_barrier(&mut self.rt, obj, slot, value) }
    }

    fn collect(&mut self) {
        if self.plan.collects() {
            self.plan.collect(&mut self.rt);
        }
    }

    fn step(&mut self, budget_ns: u64) -> bool {
        self.plan.step(&mut self.rt, budget_ns)
    }

    fn stats(&self) -> RgcStats {
        self.rt.stats()
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

    fn pop_temp_root(&mut self) -> *mut u8 {
        self.rt.temps.pop().expect("temp roots are pushed and popped in pairs")
    }

    unsafe fn register_weakref(&mut self, weakref: *mut u8, target: *mut u8) {
        // SAFETY: a fresh weakref cell has 8 bytes of payload for the target.
        unsafe { *(weakref as *mut *mut u8) = target };
        self.rt.weakrefs.push(weakref);
    }

    fn pop_finalizer(&mut self) -> Option<(Finalizer, *mut u8)> {
        let obj = self.rt.pending_finalizers.pop_front()?;
        // SAFETY: queued objects are kept alive as roots until popped.
        let t = unsafe { header(obj) }.type_id;
        let f = self.rt.types.get(t).and_then(|i| i.finalizer).expect("queued objects have finalizers");
        self.rt.counters.finalizers_run += 1;
        Some((f, obj))
    }

    #[inline]
    fn finalizers_pending(&self) -> bool {
        !self.rt.pending_finalizers.is_empty()
    }

    fn object_type(&self, p: *const u8) -> Option<TypeId> {
        self.rt.object_type(p)
    }

    fn object_size(&self, p: *const u8) -> Option<usize> {
        // SAFETY: validated as an object first.
        self.rt.heap.is_object(p).then(|| unsafe { object_bytes(p, &self.rt.types) })
    }

    fn verify(&mut self) {
        self.rt.verify_or_abort(false);
    }
}

/// Formats a one-line summary (used by the CLI and tests).
pub fn describe(stats: &RgcStats) -> String {
    alloc::format!(
        "collections={} live={}B/{} objects heap={}B max_pause={}ns",
        stats.collections,
        stats.live_bytes,
        stats.live_objects,
        stats.heap_size,
        stats.max_pause_ns
    )
}
