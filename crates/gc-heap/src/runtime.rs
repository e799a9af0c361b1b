//! What every collector shares beyond the heap: roots, finalizer and weak
//! reference tables, statistics and events. The [`crate::gc::Gc`] adapter
//! turns a [`crate::gc::Plan`] (a collector's policy) and this runtime into
//! a [`gc_api::Collector`].
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
//!
//! Each table walk also has a resumable `*_some` form that examines a
//! bounded number of entries and returns where to resume, so an
//! incremental plan can split it across increments; the whole-table forms
//! above are those with no bound.

use crate::heap::Heap;
use crate::mark::{MarkCounts, Marker, Source};
use crate::object::{header, Header};
use crate::sizing::{CycleEnd, Sizing};
use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;
use gc_api::abi::RgcStats;
use gc_api::event::{EventSink, Phase};
use gc_api::msg;
use gc_api::types::{TypeId, TypeTable};
use gc_api::{AllocRequest, Config, InitError};

/// Counters every plan shares, reported through `rgc_get_stats`. This
/// crate writes them, plans through [`Runtime`]'s `count_*` methods and
/// [`Runtime::forget_freed`]; a plan's own figures (increments, overruns,
/// refcount's frees) are its own and it reports them ([`crate::gc::Plan::report`]).
#[derive(Debug, Default, Clone, Copy)]
pub struct Counters {
    pub collections: u64,
    pub bytes_allocated: u64,
    pub objects_allocated: u64,
    pub live_bytes: u64,
    pub live_objects: u64,
    /// Heap bytes the live objects occupy (cells, large-object blocks).
    pub live_footprint: u64,
    pub finalizers_run: u64,
    pub weakrefs_cleared: u64,
    /// Requested bytes found live, summed over every completed trace.
    pub marked_bytes: u64,
}

/// The root values at one moment (the start of a collection), with enough
/// to name each one's source in an error message.
#[derive(Default)]
pub struct RootSnapshot {
    pub values: Vec<*mut u8>,
    stack_len: usize,
    globals: Vec<*mut *mut u8>,
    temps_end: usize,
}

impl RootSnapshot {
    /// Where `values[i]` came from.
    pub fn source(&self, i: usize) -> Source {
        let globals_end = self.stack_len + self.globals.len();
        if i < self.stack_len {
            Source::ShadowStack(i)
        } else if i < globals_end {
            Source::GlobalRoot(self.globals[i - self.stack_len])
        } else if i < self.temps_end {
            Source::TempRoot
        } else {
            Source::FinalizerQueue
        }
    }
}

/// Where a resumable compaction of a table (finalizable objects, weak
/// references) stands: entries before `write` are kept, `read` is next.
#[derive(Debug, Default, Clone, Copy)]
pub struct TableCursor {
    pub read: usize,
    pub write: usize,
}

/// State shared by all plans.
pub struct Runtime {
    pub(crate) config: Config,
    pub(crate) heap: Heap,
    /// Boxed: a marker lent to the collector thread reads it while lock
    /// holders hold `&mut Runtime` (`crate::lend` rule 4), so it must not
    /// live inside the runtime's own memory.
    pub(crate) types: Box<TypeTable>,
    pub(crate) events: EventSink,
    /// The tracer, reached through its home: it may be lent to the
    /// collector thread ([`crate::lend`]).
    pub(crate) marker: crate::lend::MarkerHome,
    /// What was allocated black this cycle (counted live with what the
    /// marker counts, in [`Runtime::record_live_counts`]); apart from the
    /// marker's counts so that allocation never needs the marker home.
    pub(crate) black: MarkCounts,
    pub(crate) globals: Vec<*mut *mut u8>,
    pub(crate) temps: Vec<*mut u8>,
    /// Live objects whose type has a finalizer (not yet found unreachable).
    pub(crate) finalizable: Vec<*mut u8>,
    /// Unreachable finalizable objects whose finalizer has not run yet; a root set.
    pub(crate) pending_finalizers: VecDeque<*mut u8>,
    /// Every live weak-reference cell.
    pub(crate) weakrefs: Vec<*mut u8>,
    /// Read by plans through [`Runtime::counters`].
    pub(crate) counters: Counters,
    /// Heap bytes allocated since the last collection finished, counted as
    /// [`crate::layout::footprint_bytes`] (size-class cells, whole blocks
    /// for large objects): what the allocations take from the heap limit.
    /// Written by this crate's allocation paths and settling; plans read
    /// it and restart it through methods ([`Runtime::allocated_since_gc`]).
    pub(crate) allocated_since_gc: usize,
    /// The allocation allowance between collections (footprint bytes), set by
    /// [`Runtime::end_cycle`] through the heap policy ([`crate::sizing`]).
    pub(crate) trigger: usize,
    /// The heap policy and the rates it measures; only `end_cycle` asks it.
    sizing: Sizing,
    /// The allocation path calls the plan's `poll` once
    /// `allocated_since_gc` reaches this (stop-the-world plans: `trigger`).
    /// Plans move it with [`Runtime::schedule_poll`].
    pub(crate) poll_at: usize,
    /// Set by incremental plans while marking: new objects get their mark
    /// bit at allocation ("allocated black") and count as live.
    pub(crate) allocate_black: bool,
    /// Reused buffer for the root values of the current collection.
    pub(crate) roots: RootSnapshot,
    /// Threads allocate from spans (`crate::allocator`): the plan allows it
    /// ([`crate::gc::Plan::ALLOCATES_FROM_SPANS`]) and torture mode, which collects at
    /// every allocation, is off. Fixed at init.
    pub(crate) spans_enabled: bool,
    /// The plan's [`crate::gc::Plan::THREADS`]: with `Concurrent`, reading other
    /// threads' contexts or the heap as a whole first stops the world.
    pub(crate) threads: gc_api::Threads,
    /// Every other thread is stopped (until the current rgc call leaves).
    pub(crate) world_stopped: bool,
    /// The caller holds the collector lock with the world running (the
    /// incremental collector's thread): marking goes through
    /// [`crate::mark::Concurrent`]. Set and cleared by the plan around
    /// that work ([`Runtime::set_mutators_run`]).
    pub(crate) mutators_run: bool,
    /// A collector thread competes for the collector lock (the incremental
    /// collector's `background`): threads stash blocks even when one is
    /// attached, so that fewer refills take the lock. Fixed at init.
    pub(crate) collector_thread: bool,
    /// The helper threads of a parallel mark, started at the first mark
    /// that needs them (`config.markers` > 1); owned and used by whoever
    /// holds the collector lock.
    #[cfg(feature = "std")]
    pub(crate) parallel: Option<crate::parallel::Markers>,
    /// How long the last [`Runtime::mark_transitive`] took, with
    /// `config.markers` > 1 (see [`crate::parallel::SOLO_NS`]).
    #[cfg(feature = "std")]
    pub(crate) last_mark_ns: u64,
}

impl Runtime {
    /// Builds a runtime on the memory `config` asks for: the heap part of
    /// the caller's region (region mode), else an `mmap` reservation.
    pub fn new(config: Config) -> Result<Runtime, InitError> {
        let Some(region) = config.region else {
            return Self::reserved(config);
        };
        let (base, len) = region.heap_part();
        // SAFETY: the caller lent the region for the collector's life (rgc.h);
        // its heap part is used by nothing else (the table area is before it).
        let mem = unsafe { crate::memory::FixedMemory::new(base as *mut u8, len, false) };
        let mut rt = Self::with_memory(config, Box::new(mem))?;
        rt.heap.set_limit_bytes(config.heap_max);
        Ok(rt)
    }

    #[cfg(not(feature = "std"))]
    fn reserved(_config: Config) -> Result<Runtime, InitError> {
        Err(InitError(msg!("this build has no mmap: give rgc_init a region (rgc_config.region, region_size)")))
    }

    /// Builds a runtime with an `mmap`-reserved heap of `config.heap_max`.
    #[cfg(feature = "std")]
    fn reserved(config: Config) -> Result<Runtime, InitError> {
        let bytes = Heap::region_bytes_for(config.heap_max);
        let mem = crate::memory::MmapMemory::reserve(bytes).map_err(|e| {
            // Hosted only, so the OS error may go through core::fmt.
            let why = alloc::string::ToString::to_string(&e);
            InitError(msg!(
                "cannot reserve ",
                bytes,
                " bytes of address space for heap_max ",
                config.heap_max,
                ": ",
                why
            ))
        })?;
        Self::with_memory(config, Box::new(mem))
    }

    /// Builds a runtime on any memory source (e.g. a caller's fixed region).
    pub fn with_memory(config: Config, mem: Box<dyn crate::memory::Memory>) -> Result<Runtime, InitError> {
        let heap = Heap::new(mem).map_err(|e| InitError(msg!(e)))?;
        let sizing = Sizing::new(config.heap_policy, gc_api::platform::now_ns());
        let trigger = sizing.first_allowance(&config, heap.capacity_bytes());
        Ok(Runtime {
            trigger,
            sizing,
            poll_at: trigger,
            allocate_black: false,
            roots: RootSnapshot::default(),
            spans_enabled: false,
            threads: gc_api::Threads::Single,
            world_stopped: false,
            mutators_run: false,
            collector_thread: false,
            #[cfg(feature = "std")]
            parallel: None,
            #[cfg(feature = "std")]
            last_mark_ns: 0,
            config,
            heap,
            types: Box::new(TypeTable::new()),
            events: EventSink::default(),
            marker: Default::default(),
            black: MarkCounts::default(),
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
        self.config.torture || self.allocated_since_gc >= self.poll_at
    }

    // ---- phases of a tracing collection ----------------------------------------

    /// Copies every root value into [`Runtime::roots`]: shadow stacks, global
    /// roots, temp roots, then the queue of finalizers not yet run. Costs one
    /// load and store per root; this is the only part of an incremental
    /// cycle proportional to the shadow-stack depth.
    pub fn snapshot_roots(&mut self) {
        let snap = &mut self.roots;
        snap.values.clear();
        // SAFETY: the world is stopped (Gc settles, and so stops it, before
        // any plan call): no thread changes its shadow stack
        // while the collector runs.
        unsafe { shadowstack::for_each_root(|slot| snap.values.push(*slot)) };
        snap.stack_len = snap.values.len();
        snap.globals.clear();
        snap.globals.extend_from_slice(&self.globals);
        // SAFETY: rgc_add_root's contract keeps registered slots valid.
        snap.values.extend(self.globals.iter().map(|&slot| unsafe { *slot }));
        snap.values.extend_from_slice(&self.temps);
        snap.temps_end = snap.values.len();
        snap.values.extend(self.pending_finalizers.iter().copied());
    }

    /// Marks the snapshot's roots from index `from`, at most `max` of them;
    /// returns the index to resume from.
    pub fn mark_snapshot_some(&mut self, from: usize, max: usize) -> usize {
        let end = self.roots.values.len().min(from.saturating_add(max));
        for i in from..end {
            let source = self.roots.source(i);
            self.visit(self.roots.values[i], source);
        }
        end
    }

    /// A collector thread competes for the collector lock (set by the plan
    /// at creation): a thread's refills stash blocks even when it is the
    /// only one attached, and mark bits are set atomically (the thread may
    /// mark without the lock, [`crate::lend`]).
    pub fn set_collector_thread(&mut self, on: bool) {
        self.collector_thread = on;
        if on {
            self.heap.share_marks();
        }
    }

    /// Declares whether the other threads run while the caller holds the
    /// collector lock (true: the collector thread's concurrent work, from
    /// a point where the world is not stopped). Marking is atomic and
    /// tolerates unsettled cells meanwhile ([`crate::mark::Concurrent`]).
    pub fn set_mutators_run(&mut self, run: bool) {
        debug_assert!(!(run && self.world_stopped), "the world is stopped: the mutators do not run");
        self.mutators_run = run;
    }

    /// Starts a trace and marks every root (phase 1).
    pub fn mark_roots(&mut self) {
        self.reset_marker();
        self.mark_precise_roots();
    }

    /// Marks the shadow stacks, global and temporary roots and the
    /// finalizer queue, adding to the trace under way.
    fn mark_precise_roots(&mut self) {
        self.snapshot_roots();
        self.mark_snapshot_some(0, usize::MAX);
    }

    /// Marks alone for up to [`crate::parallel::SOLO_NS`] from `start`, or
    /// not at all after a mark that took longer (and in torture mode); true
    /// if that finished the mark.
    #[cfg(feature = "std")]
    fn mark_alone_briefly(&mut self, start: u64) -> bool {
        if self.config.torture || self.last_mark_ns >= crate::parallel::SOLO_NS {
            return self.marker.drain(&mut self.heap, &self.types, 0);
        }
        let until = start.saturating_add(crate::parallel::SOLO_NS);
        loop {
            if self.marker.drain(&mut self.heap, &self.types, crate::parallel::SOLO_CHUNK_UNITS) {
                return true;
            }
            if gc_api::platform::now_ns() >= until {
                return false;
            }
        }
    }

    /// Threads that mark a stop-the-world collection: the configured
    /// count, or those the helper threads' start left.
    pub fn markers(&self) -> usize {
        #[cfg(feature = "std")]
        if let Some(m) = &self.parallel {
            return m.participants();
        }
        self.config.markers
    }

    /// Marks everything reachable from what is marked (phase 2), with
    /// `config.markers` threads once the work is large enough (see
    /// [`crate::parallel`]). The world is stopped: this runs inside a
    /// plan call.
    pub fn mark_transitive(&mut self) {
        #[cfg(feature = "std")]
        if self.config.markers > 1 {
            let start = gc_api::platform::now_ns();
            if !self.mark_alone_briefly(start) {
                if self.parallel.as_ref().is_some_and(|m| m.inherited()) {
                    // A forked child: start its own helpers (see `Crew::inherited`).
                    core::mem::forget(self.parallel.take());
                }
                let helpers = self.config.markers - 1;
                let markers = self.parallel.get_or_insert_with(|| crate::parallel::Markers::new(helpers));
                // SAFETY: plan calls run with the world stopped (`Gc`
                // settles first), and this view is the heap's only one.
                unsafe { markers.drain(&mut self.marker, &mut self.heap.mark_view(), &self.types) };
            }
            self.marker.drain(&mut self.heap, &self.types, usize::MAX);
            self.last_mark_ns = gc_api::platform::now_ns().saturating_sub(start);
            return;
        }
        self.marker.drain(&mut self.heap, &self.types, usize::MAX);
    }

    /// Clears weak references whose targets are unmarked (phase 3).
    pub fn clear_dead_weakrefs(&mut self) {
        self.clear_dead_weakrefs_some(0, usize::MAX);
    }

    /// Phase 3 for `weakrefs[from..]`, at most `max` entries; returns the
    /// index to resume from (`weakrefs.len()` when done).
    pub fn clear_dead_weakrefs_some(&mut self, from: usize, max: usize) -> usize {
        let end = self.weakrefs.len().min(from.saturating_add(max));
        for &w in &self.weakrefs[from..end] {
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
        end
    }

    /// Queues unreachable finalizable objects and keeps what they reach (phase 4).
    pub fn queue_dead_finalizable(&mut self) {
        let first_dead = self.pending_finalizers.len();
        let mut cursor = TableCursor::default();
        let (table, pending, heap) = (&mut self.finalizable, &mut self.pending_finalizers, &self.heap);
        // Never allocates: the queue has room for every finalizable object
        // (see `reserve_finalizable`).
        // SAFETY: listed objects are allocated until queued.
        while !compact_some(table, &mut cursor, usize::MAX, |o| unsafe { heap.is_marked(o) } || {
            pending.push_back(o);
            false
        }) {}
        // `skip`, not indexing: VecDeque's index check panics through core::fmt.
        for &o in self.pending_finalizers.iter().skip(first_dead) {
            self.marker.visit(&mut self.heap, &self.types, o, Source::FinalizerQueue);
        }
        self.mark_transitive();
    }

    /// Makes room for one more finalizable object: a table entry, and room
    /// in the finalizer queue for every finalizable object, so that
    /// queueing them during a collection never allocates. False when the
    /// memory for that is exhausted (region mode: the table area).
    #[cold]
    fn reserve_finalizable(&mut self) -> bool {
        let (table, pending) = (&mut self.finalizable, &mut self.pending_finalizers);
        gc_api::region::try_reserve(table, 1)
            && gc_api::region::fallibly(|| pending.try_reserve(table.len() + 1).is_ok())
    }

    /// Moves unmarked objects of the finalizable table to `dead`, keeping
    /// the table's order, examining at most `max` entries. True when the
    /// whole table is done. Entries appended meanwhile are examined too.
    pub fn take_dead_finalizable_some(
        &mut self,
        cursor: &mut TableCursor,
        max: usize,
        dead: &mut Vec<*mut u8>,
    ) -> bool {
        let heap = &self.heap;
        // SAFETY: listed objects are allocated until queued.
        compact_some(&mut self.finalizable, cursor, max, |o| unsafe { heap.is_marked(o) } || {
            dead.push(o);
            false
        })
    }

    /// Forgets weak-reference cells that are themselves dead (phase 5).
    pub fn prune_weakrefs(&mut self) {
        let mut cursor = TableCursor::default();
        while !self.prune_weakrefs_some(&mut cursor, usize::MAX) {}
    }

    /// Phase 5 for at most `max` entries; true when done.
    pub fn prune_weakrefs_some(&mut self, cursor: &mut TableCursor, max: usize) -> bool {
        let heap = &self.heap;
        // SAFETY: listed cells are allocated until swept, which comes after.
        compact_some(&mut self.weakrefs, cursor, max, |w| unsafe { heap.is_marked(w) })
    }

    /// Marks every object that a word of `[lo, hi)` points into (interior
    /// pointers included), for conservative root scanning. Words are read
    /// at pointer alignment; words that do not point into an allocated
    /// object are ignored.
    ///
    /// # Safety
    /// `[lo, hi)` is readable memory.
    pub unsafe fn mark_ambiguous_range(&mut self, lo: usize, hi: usize) {
        const WORD: usize = core::mem::size_of::<usize>();
        let mut at = (lo + WORD - 1) & !(WORD - 1);
        while at + WORD <= hi {
            // SAFETY: caller contract; aligned above.
            let v = unsafe { (at as *const usize).read_volatile() };
            self.marker.visit_ambiguous(&mut self.heap, &self.types, v);
            at += WORD;
        }
    }

    /// Phases 1-5 in one go, each reported as its event: what a
    /// stop-the-world collection does before it sweeps.
    pub fn mark_everything(&mut self) {
        self.mark_everything_with(&mut ());
    }

    /// [`Runtime::mark_everything`], with a plan's [`MarkHooks`]: roots the
    /// runtime does not know, and a step between clearing weak references
    /// and queueing typed finalizers.
    pub fn mark_everything_with(&mut self, hooks: &mut impl MarkHooks) {
        self.events.start(Phase::Roots);
        // The plan's roots first: a conservative plan scans the C stack,
        // collector frames included, and the frames `mark_roots` calls
        // would leave object pointers in stack slots that the scan's own
        // frames then reuse without writing (stale values kept a dead
        // object alive in debug builds, whose frames are large).
        self.reset_marker();
        hooks.mark_extra_roots(self);
        self.mark_precise_roots();
        self.events.end(Phase::Roots);
        self.events.start(Phase::Mark);
        self.mark_transitive();
        self.events.end(Phase::Mark);
        self.events.start(Phase::Weak);
        self.clear_dead_weakrefs();
        self.events.end(Phase::Weak);
        self.events.start(Phase::FinalizeMark);
        hooks.before_finalizers(self);
        self.queue_dead_finalizable();
        self.prune_weakrefs();
        self.events.end(Phase::FinalizeMark);
    }

    /// Frees unmarked objects and records survivor statistics (phase 6).
    pub fn sweep(&mut self) {
        self.record_live_counts();
        self.retire_all();
        self.heap.sweep();
    }

    /// Starts a sweep that [`crate::Heap::sweep_some`] advances, once every
    /// thread's spans are retired (the sweeper then owns every block).
    pub fn begin_sweep(&mut self) {
        self.retire_all();
        self.heap.begin_sweep();
    }

    /// Marking is complete: what it counted is the live data.
    pub fn record_live_counts(&mut self) {
        let mut live = self.marker.counts;
        live.add(&self.black);
        self.counters.live_objects = live.objects;
        self.counters.live_bytes = live.bytes;
        self.counters.live_footprint = live.footprint;
        self.counters.marked_bytes += live.bytes;
    }

    /// Ends a collection after sweeping: sets the next allowance from the
    /// surviving heap and restarts the allocation count.
    pub fn end_cycle(&mut self) {
        let now_ns = gc_api::platform::now_ns();
        let end = CycleEnd {
            heap_bytes: self.heap.heap_bytes(),
            room: self.allocation_room(),
            allocated: self.allocated_since_gc,
            now_ns,
            pause_total_ns: self.events.pause_total_at(now_ns),
        };
        self.trigger = self.sizing.allowance(&self.config, end);
        self.poll_at = self.trigger;
        self.allocated_since_gc = 0;
        self.counters.collections += 1;
    }

    /// Cell bytes that can be allocated before the heap limit: the heap
    /// minus what the last collection found live, minus 1/8 of that for
    /// fragmentation (free cells of one size class cannot serve another).
    pub fn allocation_room(&self) -> usize {
        let live = self.counters.live_footprint;
        (self.heap.capacity_bytes() as u64).saturating_sub(live.saturating_add(live / 8)) as usize
    }

    /// [`Runtime::end_cycle`], then gives free blocks beyond the next
    /// cycle's allowance back to the OS.
    pub fn finish_cycle(&mut self) {
        self.end_cycle();
        self.events.start(Phase::Release);
        self.heap.release_free_blocks(self.trigger);
        self.events.end(Phase::Release);
    }

    // ---- pacing: what plans read and set ------------------------------------------

    /// Heap bytes (footprint) allocated since the last collection finished.
    pub fn allocated_since_gc(&self) -> usize {
        self.allocated_since_gc
    }

    /// The allocation allowance between collections, from the last one's
    /// survivors ([`Runtime::end_cycle`]).
    pub fn trigger(&self) -> usize {
        self.trigger
    }

    /// Where the allocation path calls the plan's `poll` next.
    pub fn poll_at(&self) -> usize {
        self.poll_at
    }

    /// Has the allocation path call the plan's `poll` once
    /// [`Runtime::allocated_since_gc`] reaches `at` (at once if it has).
    pub fn schedule_poll(&mut self, at: usize) {
        self.poll_at = at;
    }

    /// Counts allocation from zero again (a plan that collected by its own
    /// rule: refcount's reconciliation).
    pub fn restart_allocation_count(&mut self) {
        self.allocated_since_gc = 0;
    }

    /// Takes `footprint` bytes freed explicitly (`GC_free`) back from the
    /// allocation count.
    pub fn uncount_allocation(&mut self, footprint: usize) {
        self.allocated_since_gc = self.allocated_since_gc.saturating_sub(footprint);
    }

    // ---- the space and the tracer, for plans --------------------------------------
    // Plans in other crates reach the runtime's parts only through these:
    // shared references to read, and a few named operations that keep the
    // tables' invariants (finalizable objects stay registered, weak cells
    // stay listed) instead of handing out the tables themselves.

    /// The settings rgc_init was given.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Raises the heap the program may fill before its first collection,
    /// and the least allowance after every later one (bdwgc's `GC_expand_hp`).
    pub fn grow_initial_heap(&mut self, bytes: usize) {
        self.config.heap_initial = self.config.heap_initial.saturating_add(bytes);
    }

    /// Sets how much the heap may grow between collections, as a percentage
    /// of what survived (bdwgc's `GC_set_free_space_divisor`).
    pub fn set_growth_percent(&mut self, percent: u32) {
        self.config.growth_percent = percent;
    }

    /// The heap: blocks, block table, bitmaps.
    pub fn heap(&self) -> &Heap {
        &self.heap
    }

    /// The heap, to mark, free or release blocks (a plan's collection work).
    pub fn heap_mut(&mut self) -> &mut Heap {
        &mut self.heap
    }

    /// The registered types.
    pub fn types(&self) -> &TypeTable {
        &self.types
    }

    /// The event listener and pause accounting, to report phases.
    pub fn events_mut(&mut self) -> &mut EventSink {
        &mut self.events
    }

    /// The tracer (its counts and grey work), to read.
    pub fn marker(&self) -> &Marker {
        &self.marker
    }

    /// Marks `value` (if it is an unmarked object) and queues it for
    /// tracing; `source` names where it came from in a verifier's report.
    pub fn visit(&mut self, value: *mut u8, source: Source) {
        // Only a hosted build has a collector thread (and so a board's
        // image keeps no concurrent marker).
        #[cfg(feature = "std")]
        if self.marker.is_lent() {
            // The collector thread shades it (`crate::lend` rule 5).
            return crate::store_log::hand_off_value(value);
        }
        #[cfg(feature = "std")]
        if self.mutators_run {
            return self.marker.visit_concurrently(&mut self.heap, &self.types, value, source);
        }
        self.marker.visit(&mut self.heap, &self.types, value, source);
    }

    /// Queues the children of the marked object `obj` for tracing.
    ///
    /// # Safety
    /// `obj` is a live object of this heap.
    pub unsafe fn scan_children(&mut self, obj: *mut u8) {
        // SAFETY: forwarded contract.
        unsafe { self.marker.scan_children(&self.types, obj) }
    }

    /// Clears the mark of `obj` and takes it back out of the tracer's live
    /// counts (marksweep's finalization, which marked an object only to
    /// find what its finalizer reaches).
    ///
    /// # Safety
    /// `obj` is a marked, live object of this heap.
    pub unsafe fn take_back_mark(&mut self, obj: *mut u8) {
        // SAFETY: forwarded contract. The footprint is the cell's, as the
        // marker counted it (a packed cell or a resized object's may be
        // larger than its bytes need).
        let (bytes, footprint) = unsafe {
            self.heap.unmark(obj);
            (crate::object::object_bytes(obj, &self.types), self.heap.geometry().footprint_of(obj))
        };
        let c = &mut self.marker.counts;
        c.objects -= 1;
        c.bytes -= bytes as u64;
        c.footprint -= footprint as u64;
    }

    /// Empties the tracer's work for a new cycle.
    pub fn reset_marker(&mut self) {
        self.marker.reset();
        self.black = MarkCounts::default();
    }

    /// Lends the marker to the calling thread, which will mark without
    /// the collector lock ([`crate::lend::LentMarker::mark`]) through a
    /// view of the heap as it is now.
    ///
    /// # Safety
    /// The rules of [`crate::lend`] hold until the loan ends: the collector
    /// thread exists ([`Runtime::set_collector_thread`], so every mark
    /// bit is set atomically), the cycle is marking (nothing is freed or
    /// released), and the marker is home.
    #[cfg(feature = "std")]
    pub unsafe fn lend_marker(&mut self) -> crate::lend::LentMarker {
        debug_assert!(self.collector_thread && !self.marker.is_lent());
        let (geometry, mark_bits) = (self.heap.geometry(), self.heap.mark_bits_ptr());
        // SAFETY: forwarded contract.
        unsafe { crate::lend::LentMarker::new(&mut self.marker, geometry, mark_bits, &*self.types) }
    }

    /// The time the marker spent marking on loan since this was last
    /// asked (it waits for the marker to be home).
    pub fn take_lent_ns(&mut self) -> u64 {
        core::mem::take(&mut self.marker.lent_ns)
    }

    /// Makes sure the marker is home (recalling it from the collector
    /// thread): before anything changes what a lent marker reads.
    pub fn recall_marker(&self) {
        self.marker.recall();
    }

    /// Traces at most about `budget` units of grey work; true when none
    /// is left.
    pub fn drain_some(&mut self, budget: usize) -> bool {
        #[cfg(feature = "std")]
        if self.mutators_run {
            return self.marker.drain_concurrently(&mut self.heap, &self.types, budget);
        }
        self.marker.drain(&mut self.heap, &self.types, budget)
    }

    /// How many weak-reference cells are listed.
    pub fn weakref_count(&self) -> usize {
        self.weakrefs.len()
    }

    /// The root values of the current collection.
    pub fn root_snapshot(&self) -> &RootSnapshot {
        &self.roots
    }

    /// The current values of the registered global roots.
    ///
    /// # Safety
    /// No other thread writes them meanwhile: the world is stopped (as in
    /// every plan call, which `Gc` makes after settling, and so stopping,
    /// every thread) or the collector runs one thread.
    pub unsafe fn global_values(&self) -> impl Iterator<Item = *mut u8> + '_ {
        // SAFETY: each registered address is a readable pointer slot
        // (rgc_add_root's contract) until rgc_remove_root; the caller
        // rules out a racing write.
        self.globals.iter().map(|&slot| unsafe { *slot })
    }

    /// The temporary roots (rgc_push_temp_root).
    pub fn temp_roots(&self) -> &[*mut u8] {
        &self.temps
    }

    /// Live objects whose type has a finalizer, not yet found unreachable.
    pub fn finalizable(&self) -> &[*mut u8] {
        &self.finalizable
    }

    /// Unreachable finalizable objects whose finalizers have not run: a root set.
    pub fn pending_finalizers(&self) -> &VecDeque<*mut u8> {
        &self.pending_finalizers
    }

    /// Queues the finalizer of the unreachable object `obj`; the caller
    /// takes it out of [`Runtime::finalizable`] (now or, as refcount does,
    /// at its next [`Runtime::retain_finalizable`]).
    pub fn queue_finalizer(&mut self, obj: *mut u8) {
        self.pending_finalizers.push_back(obj);
    }

    /// Keeps the finalizable objects for which `keep` holds (refcount drops
    /// those it queued or freed).
    pub fn retain_finalizable(&mut self, keep: impl FnMut(&*mut u8) -> bool) {
        self.finalizable.retain(keep);
    }

    /// Keeps the weak-reference cells for which `keep(heap, cell)` holds
    /// (refcount drops the freed ones, clearing the rest as it goes).
    pub fn retain_weakrefs(&mut self, mut keep: impl FnMut(&Heap, *mut u8) -> bool) {
        let heap = &self.heap;
        self.weakrefs.retain(|&cell| keep(heap, cell));
    }

    // ---- counters: what plans read and add to --------------------------------------

    /// The shared counters.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// A collection finished (a plan that does not end its cycles with
    /// [`Runtime::end_cycle`]: refcount's reconciliations and backup traces).
    pub fn count_collection(&mut self) {
        self.counters.collections += 1;
    }

    /// `n` weak references were cleared (their targets died).
    pub fn count_weakrefs_cleared(&mut self, n: u64) {
        self.counters.weakrefs_cleared += n;
    }

    /// `n` more bytes were handed out in place (an untyped object grown
    /// within its cell).
    pub fn count_bytes_allocated(&mut self, n: u64) {
        self.counters.bytes_allocated += n;
    }

    /// An object of `bytes` bytes and `footprint` heap bytes was freed
    /// explicitly (`GC_free`): it leaves the allocation count, and the live
    /// figures if the last collection counted it.
    pub fn forget_freed(&mut self, bytes: usize, footprint: usize) {
        self.uncount_allocation(footprint);
        let c = &mut self.counters;
        c.live_bytes = c.live_bytes.saturating_sub(bytes as u64);
        c.live_objects = c.live_objects.saturating_sub(1);
        c.live_footprint = c.live_footprint.saturating_sub(footprint as u64);
    }

    /// A plan that keeps the live figures exact between collections
    /// (refcount) counts an object in (allocated) or out (freed).
    pub fn count_live(&mut self, added: bool, bytes: usize, footprint: usize) {
        let c = &mut self.counters;
        if added {
            c.live_objects += 1;
            c.live_bytes += bytes as u64;
            c.live_footprint += footprint as u64;
        } else {
            debug_assert!(c.live_objects > 0, "more objects freed than counted live");
            c.live_objects -= 1;
            c.live_bytes -= bytes as u64;
            c.live_footprint -= footprint as u64;
        }
    }

    // ---- allocation bookkeeping ------------------------------------------------

    /// Allocates from the heap and does the bookkeeping; no collection.
    /// Returns the object (null when the heap is full) and its footprint.
    /// An object that needs a table entry (a finalizer, a weak-reference
    /// cell) gets its room first, and is not allocated without it.
    #[inline]
    pub fn try_alloc(&mut self, req: &AllocRequest) -> (*mut u8, usize) {
        let typed = req.type_id >= gc_api::types::FIRST_USER_TYPE;
        let (varsize, length_offset, finalizable) = if typed {
            let info = self
                .types
                .get(req.type_id)
                .unwrap_or_else(|| gc_api::fatal::internal("an allocation's type is not registered"));
            (info.varsize, info.length_offset as usize, info.finalizer.is_some())
        } else {
            (false, 0, false)
        };
        if finalizable && self.finalizable.len() == self.finalizable.capacity() && !self.reserve_finalizable() {
            return (core::ptr::null_mut(), 0);
        }
        if req.type_id == gc_api::types::WEAKREF_TYPE && !gc_api::region::try_reserve(&mut self.weakrefs, 1) {
            return (core::ptr::null_mut(), 0);
        }
        if self.config.verifying() {
            self.check_next_free_cell(req);
        }
        let (p, footprint) =
            self.heap.alloc_sized(req.bytes, Header::new(req.type_id, req.length, 0), self.allocate_black);
        if p.is_null() {
            return (p, 0);
        }
        self.allocated_since_gc += footprint;
        self.counters.bytes_allocated += req.bytes as u64;
        self.counters.objects_allocated += 1;
        if self.allocate_black {
            self.allocated_black(req.bytes);
        }
        if varsize {
            // SAFETY: the length field is inside the fresh object's fixed part.
            unsafe { *(p.add(length_offset) as *mut usize) = req.length };
        }
        if finalizable {
            self.finalizable.push(p);
        }
        (p, footprint)
    }

    /// Under the verifier, the free cell `req` is about to get, before the
    /// allocator follows its link: a damaged one stops the program here,
    /// naming the object before it, not later where the damage spreads.
    #[cold]
    fn check_next_free_cell(&self, req: &AllocRequest) {
        let Some(class) = crate::layout::class_for_cell(crate::layout::cell_bytes(req.bytes)) else { return };
        if let Err(d) = self.heap.check_free_list_head(class) {
            gc_api::fatal!(req.call, crate::verify::damage_report(self, d));
        }
    }

    /// Counts the object just allocated black (`alloc_sized` marked it).
    #[cold]
    fn allocated_black(&mut self, bytes: usize) {
        self.black.count_allocated_black(1, bytes as u64, crate::layout::footprint_bytes(bytes));
    }

    pub fn stats(&self) -> RgcStats {
        let c = &self.counters;
        let (table_bytes, peak_table_bytes) = gc_api::region::table_usage();
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
            overruns: 0,
            increments: 0,
            cycle_increments: 0,
            cycle_max_increment_ns: 0,
            freed_by_count: 0,
            freed_by_cycles: 0,
            reconciliations: 0,
            cycle_collections: 0,
            backup_traces: 0,
            metadata_bytes: self.heap.metadata_bytes() as u64,
            table_bytes: table_bytes as u64,
            peak_table_bytes: peak_table_bytes as u64,
            marked_bytes: c.marked_bytes,
            markers: self.markers() as u64,
        }
    }

    /// Type of the object at `p`, if it is one.
    pub fn object_type(&self, p: *const u8) -> Option<TypeId> {
        // SAFETY: validated as an object first.
        self.heap.is_object(p).then(|| unsafe { header(p) }.type_id())
    }
}

/// Keeps the entries of `table` for which `keep` holds, in order, examining
/// at most `max` from `cursor`; true when the table is done. Entries pushed
/// while a compaction is under way are examined as well.
fn compact_some(
    table: &mut Vec<*mut u8>,
    cursor: &mut TableCursor,
    max: usize,
    mut keep: impl FnMut(*mut u8) -> bool,
) -> bool {
    let end = table.len().min(cursor.read.saturating_add(max));
    while cursor.read < end {
        let v = table[cursor.read];
        cursor.read += 1;
        if keep(v) {
            table[cursor.write] = v;
            cursor.write += 1;
        }
    }
    if cursor.read < table.len() {
        return false;
    }
    table.truncate(cursor.write);
    true
}

/// What a plan adds to [`Runtime::mark_everything_with`].
pub trait MarkHooks {
    /// Marks roots the runtime does not track (the conservative plan's
    /// scanned ranges), first in the trace, before the precise roots.
    fn mark_extra_roots(&mut self, _rt: &mut Runtime) {}
    /// Runs once everything reachable is marked and dead weak references
    /// are cleared, before typed finalizers are queued; whatever it marks
    /// it must drain ([`Runtime::mark_transitive`]).
    fn before_finalizers(&mut self, _rt: &mut Runtime) {}
}

/// No hooks: a precise plan.
impl MarkHooks for () {}

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
