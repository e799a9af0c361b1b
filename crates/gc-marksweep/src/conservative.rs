//! `--gc=conservative`: the Boehm-style plan. Roots are the precise ones
//! plus everything [`crate::ambiguous_roots`] finds by scanning memory, so
//! C code that keeps pointers only in locals, registers or static data
//! works without a shadow stack.
//!
//! The plan also carries what the Boehm API needs beyond the rgc ABI:
//! ranges the client adds as roots (`GC_add_roots`), uncollectable objects
//! (`GC_malloc_uncollectable`: roots until freed explicitly), explicit
//! frees (`GC_free`), per-object finalizers and links
//! ([`crate::finalization`]), and turning collection off (`GC_disable`).

use crate::ambiguous_roots;
use crate::collection::{collect, step_due};
use crate::finalization::ObjectFinalizers;
use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use gc_heap::mark::Source;
use gc_heap::object::header;
use gc_heap::{Gc, MarkHooks, Plan, Runtime};

/// Leaked objects a collection lists in full ([`Conservative::find_leaks`]);
/// the rest are only counted (bdwgc lists 40 as well).
pub const LISTED_LEAKS: usize = 40;

/// An object leak finding reported: allocated, unreachable, never freed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leak {
    pub obj: usize,
    pub bytes: usize,
    /// Whether the object is scanned for pointers (`GC_malloc`), or not
    /// (`GC_malloc_atomic`).
    pub scanned: bool,
}

/// A program's function the collector calls with no argument; it must not
/// call into the collector (bdwgc's rule for these hooks too).
pub type ClientHook = unsafe extern "C" fn();

/// The runtime marking the roots, while a push-other-roots hook runs
/// ([`push_range`] marks through it). Written and read only by the
/// collecting thread, inside a collection (relaxed: no other thread reads
/// it); null otherwise.
static PUSHING: core::sync::atomic::AtomicPtr<Runtime> = core::sync::atomic::AtomicPtr::new(core::ptr::null_mut());

/// True while a push-other-roots hook runs on this thread (inside a
/// collection, with the world stopped).
pub fn in_push_hook() -> bool {
    !PUSHING.load(core::sync::atomic::Ordering::Relaxed).is_null()
}

/// Scans `[lo, hi)` word by word as roots, if a push-other-roots hook is
/// running on this thread (`GC_push_all`); false otherwise.
///
/// # Safety
/// The range is readable.
pub unsafe fn push_range(lo: usize, hi: usize) -> bool {
    let rt = PUSHING.load(core::sync::atomic::Ordering::Relaxed);
    if rt.is_null() {
        return false;
    }
    if lo < hi {
        // SAFETY: set only while `mark_extra_roots` holds the runtime and
        // calls the hook on this thread; the range is the caller's.
        unsafe { (*rt).mark_ambiguous_range(lo, hi) };
    }
    true
}

/// The conservative mark-sweep plan.
#[derive(Default)]
pub struct Conservative {
    /// Collection is off while this is non-zero (`GC_disable` nests).
    pub disabled: u32,
    /// Collect only when asked (`GC_gcollect`), never because allocation
    /// made one due or failed (`GC_set_disable_automatic_collection`).
    pub only_on_request: bool,
    /// Scan only the executable's data segments, not those of shared
    /// libraries (`GC_no_dls`).
    pub skip_libraries: bool,
    /// Decides which segments of shared libraries are scanned
    /// (`GC_register_has_static_roots_callback`).
    pub library_filter: Option<ambiguous_roots::SegmentFilter>,
    /// Leak finding (`GC_find_leak`): each collection records the objects
    /// it is about to free, which the program never freed itself.
    pub find_leaks: bool,
    /// The last collection's leaks: the first [`LISTED_LEAKS`], and how
    /// many there were in all.
    leaks: (Vec<Leak>, usize),
    /// Parts of the data segments not scanned (`GC_exclude_static_roots`).
    excluded: Vec<(usize, usize)>,
    /// Called at the start of every collection (`GC_set_start_callback`).
    pub start_callback: Option<ClientHook>,
    /// Called while the roots are marked: marks more from objects the
    /// library names (the Boehm layer's "mark from all" kinds).
    pub mark_unconditionally: Option<fn(&mut Runtime)>,
    /// Called once marking and finalizer ordering are done, before the
    /// sweep: may mark more (the Boehm layer's disclaim procedures).
    pub before_sweep: Option<fn(&mut Runtime)>,
    /// Called first at every collection, with the world stopped: the
    /// library serving the plan updates what threads publish (the Boehm
    /// layer: the initial thread's stack base from `GC_stackbottom`).
    pub before_collection: Option<fn()>,
    /// Called while the roots are marked; it pushes more ranges with
    /// [`push_range`] (`GC_set_push_other_roots`).
    pub push_other_roots: Option<ClientHook>,
    /// Address ranges scanned word by word at every collection.
    root_ranges: Vec<(usize, usize)>,
    /// Objects that are roots until freed explicitly.
    uncollectable: BTreeSet<usize>,
    pub finalizers: ObjectFinalizers,
}

/// The collector type the C ABI exports.
pub type ConservativeGc = Gc<Conservative>;

impl Plan for Conservative {
    /// Threads run at once; a collection stops them and scans the stack
    /// and registers each published when it parked (`shadowstack::stack`).
    const THREADS: gc_api::Threads = gc_api::Threads::Concurrent;
    const NAME: &'static str = "conservative";
    const PRECISE: bool = false;

    fn new(_rt: &mut Runtime) -> Self {
        shadowstack::stack::set_publishing(true);
        Conservative::default()
    }

    /// While collection is disabled the allocator only grows the heap.
    fn collects(&self) -> bool {
        self.disabled == 0
    }

    /// Does nothing while collection is disabled (as bdwgc's `GC_gcollect`).
    fn collect(&mut self, rt: &mut Runtime) {
        if self.disabled == 0 {
            if let Some(hook) = self.before_collection {
                hook();
            }
            if let Some(hook) = self.start_callback {
                // SAFETY: the program's hook, called as bdwgc calls it.
                unsafe { hook() };
            }
            collect(rt, self);
        }
    }

    fn step(&mut self, rt: &mut Runtime, _budget_ns: u64) -> bool {
        self.disabled == 0 && step_due(rt) && {
            self.collect(rt);
            true
        }
    }

    fn poll(&mut self, rt: &mut Runtime) {
        if !self.only_on_request {
            self.collect(rt);
        }
    }

    /// Collects once before the allocation is retried, unless collections
    /// happen only on request.
    fn alloc_failed(&mut self, rt: &mut Runtime, attempt: u32) -> bool {
        attempt == 0 && !self.only_on_request && {
            self.collect(rt);
            true
        }
    }
}

impl MarkHooks for Conservative {
    fn mark_extra_roots(&mut self, rt: &mut Runtime) {
        // First, as in bdwgc, where the hook runs before the threads'
        // stacks are pushed: a program may move a thread's stack base
        // from it (Crystal's fibers: `GC_set_stackbottom`).
        if let Some(hook) = self.push_other_roots {
            PUSHING.store(rt, core::sync::atomic::Ordering::Relaxed);
            // SAFETY: the program's hook, called as bdwgc calls it; its
            // pushes reach `rt` through PUSHING, on this thread.
            unsafe { hook() };
            PUSHING.store(core::ptr::null_mut(), core::sync::atomic::Ordering::Relaxed);
        }
        let own = |p: usize, size: usize| (p, p + size);
        let mut exclude = Vec::with_capacity(self.excluded.len() + 2);
        exclude.push(own(rt as *const Runtime as usize, core::mem::size_of::<Runtime>()));
        exclude.push(own(self as *const Self as usize, core::mem::size_of::<Self>()));
        exclude.extend_from_slice(&self.excluded);
        let libraries = match (self.skip_libraries, self.library_filter) {
            (true, _) => ambiguous_roots::Libraries::None,
            (false, Some(filter)) => ambiguous_roots::Libraries::Filtered(filter),
            (false, None) => ambiguous_roots::Libraries::All,
        };
        ambiguous_roots::mark_all(rt, &exclude, libraries);
        for &(lo, hi) in &self.root_ranges {
            // SAFETY: `add_root_range`'s contract keeps the range readable.
            unsafe { rt.mark_ambiguous_range(lo, hi) };
        }
        for &o in &self.uncollectable {
            rt.visit(o as *mut u8, Source::TempRoot);
        }
        if let Some(hook) = self.mark_unconditionally {
            hook(rt);
        }
        self.finalizers.mark_ready(rt);
    }

    fn before_finalizers(&mut self, rt: &mut Runtime) {
        self.finalizers.run(rt);
        if let Some(hook) = self.before_sweep {
            hook(rt);
        }
        if self.find_leaks {
            self.record_leaks(rt);
        }
    }
}

impl Conservative {
    /// Scans `[lo, hi)` at every collection; a range that overlaps or
    /// touches a registered one is merged with it.
    ///
    /// # Safety
    /// The range stays readable until removed.
    pub unsafe fn add_root_range(&mut self, lo: usize, hi: usize) {
        let (mut lo, mut hi) = (lo, hi);
        self.root_ranges.retain(|&(l, h)| {
            let overlaps = l <= hi && lo <= h;
            if overlaps {
                lo = lo.min(l);
                hi = hi.max(h);
            }
            !overlaps
        });
        self.root_ranges.push((lo, hi));
    }

    /// Forgets every range [`Conservative::add_root_range`] registered (the
    /// stacks and the program's data segments are scanned as before).
    pub fn clear_root_ranges(&mut self) {
        self.root_ranges.clear();
    }

    /// Stops scanning `[lo, hi)`: registered ranges are cut to what lies
    /// outside it.
    pub fn remove_root_range(&mut self, lo: usize, hi: usize) {
        let mut kept = Vec::with_capacity(self.root_ranges.len() + 1);
        for &(l, h) in &self.root_ranges {
            if h <= lo || hi <= l {
                kept.push((l, h));
                continue;
            }
            if l < lo {
                kept.push((l, lo));
            }
            if hi < h {
                kept.push((hi, h));
            }
        }
        self.root_ranges = kept;
    }

    /// The registered root ranges (merged, in no particular order).
    pub fn root_ranges(&self) -> &[(usize, usize)] {
        &self.root_ranges
    }

    /// Stops scanning `[lo, hi)` of the data segments (the stacks, root
    /// ranges and uncollectable objects are scanned as before).
    pub fn exclude_static_range(&mut self, lo: usize, hi: usize) {
        if lo < hi {
            self.excluded.push((lo, hi));
        }
    }

    /// Scans the whole data segments again.
    pub fn clear_excluded_ranges(&mut self) {
        self.excluded.clear();
    }

    /// After marking (finalizable objects and what they reach included):
    /// every object still unmarked is garbage the sweep will free, and,
    /// since `GC_free` removed the ones the program freed, a leak.
    fn record_leaks(&mut self, rt: &Runtime) {
        let (listed, count) = &mut self.leaks;
        listed.clear();
        *count = 0;
        let heap = rt.heap();
        heap.for_each_object(|obj| {
            // SAFETY: for_each_object yields allocated objects; marking is done.
            if unsafe { heap.is_marked(obj) } {
                return;
            }
            *count += 1;
            if listed.len() < LISTED_LEAKS {
                // SAFETY: as above: a live header.
                let h = unsafe { header(obj) };
                // SAFETY: as above.
                let bytes = unsafe { gc_heap::object::object_bytes(obj, rt.types()) };
                listed.push(Leak { obj: obj as usize, bytes, scanned: h.bytes_len().is_none() || h.is_words() });
            }
        });
    }

    /// The leaks the last collection found (see [`Conservative::find_leaks`]):
    /// the first [`LISTED_LEAKS`] and the total; empties the record.
    pub fn take_leaks(&mut self) -> (Vec<Leak>, usize) {
        core::mem::take(&mut self.leaks)
    }

    /// Makes `obj` a root until [`Conservative::free`] frees it.
    pub fn set_uncollectable(&mut self, obj: *mut u8) {
        self.uncollectable.insert(obj as usize);
    }

    pub fn is_uncollectable(&self, obj: *mut u8) -> bool {
        self.uncollectable.contains(&(obj as usize))
    }

    /// Frees `obj` now, with its finalizer and links. The caller promises
    /// nothing uses it again (`GC_free`).
    ///
    /// # Safety
    /// `obj` passes [`gc_heap::Heap::is_object`] and the client holds no
    /// other reference to it that it will use.
    pub unsafe fn free(&mut self, rt: &mut Runtime, obj: *mut u8) {
        // SAFETY: forwarded contract.
        let len = unsafe { self.forget(rt, obj) };
        // A thread's span must not find the cell again (it goes on the
        // class's free list).
        rt.release_spans_over(obj);
        // SAFETY: caller contract; the conservative plan sweeps eagerly
        // inside a collection, so no sweep is in progress between calls.
        let footprint = unsafe { rt.heap_mut().free_object(obj) };
        rt.forget_freed(len, footprint);
    }

    /// What [`Conservative::free`] does but return the cell: `obj` is no
    /// longer a root, has no finalizer or links, and goes to the next
    /// collection that finds it unreachable. Returns its length.
    ///
    /// # Safety
    /// As for [`Conservative::free`].
    pub unsafe fn forget(&mut self, rt: &mut Runtime, obj: *mut u8) -> usize {
        // SAFETY: caller contract.
        let len = unsafe { gc_heap::object::object_bytes(obj, rt.types()) };
        self.uncollectable.remove(&(obj as usize));
        self.finalizers.forget_object(obj, len);
        len
    }

    /// Changes the length of the untyped object `obj` to `len` bytes in
    /// place, if its cell holds that many; false otherwise. Bytes that
    /// become part of the object read as zero.
    ///
    /// # Safety
    /// `obj` is a live untyped object (`<bytes>` or `<words>`).
    pub unsafe fn resize_in_place(&mut self, rt: &mut Runtime, obj: *mut u8, len: usize) -> bool {
        // SAFETY: caller contract.
        let (h, cap) = unsafe { (header(obj), rt.heap().cell_capacity(obj)) };
        let old = h.bytes_len().expect("caller contract: an untyped object");
        if len > cap || len > gc_api::types::MAX_BYTES_LEN {
            return false;
        }
        if len > old {
            // SAFETY: [old, len) lies inside the cell (len <= cap).
            unsafe { core::ptr::write_bytes(obj.add(old), 0, len - old) };
        }
        // SAFETY: the header precedes the object in its cell.
        unsafe { (obj.sub(gc_heap::layout::HEADER) as *mut gc_heap::object::Header).write(h.with_bytes_len(len)) };
        rt.count_bytes_allocated(len.saturating_sub(old) as u64);
        true
    }
}
