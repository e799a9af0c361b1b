//! The marker: an explicit mark stack, so marking depth never touches the
//! native stack (a 10-million-element list marks like any other graph).
//!
//! Arrays are scanned [`ARRAY_CHUNK`] items at a time: after each chunk the
//! array goes back on the stack with the index to resume from, so the stack
//! holds at most one continuation per array being scanned plus the children
//! of one chunk, and an incremental collector can stop between chunks.
//!
//! Untyped `<words>` objects (the Boehm API's `GC_malloc`) have no pointer
//! map: every aligned word is an *ambiguous* pointer, kept only if it points
//! into an allocated object ([`Marker::visit_ambiguous`]), and they are
//! scanned [`WORDS_CHUNK`] words at a time like arrays.
//!
//! Work is counted in *units*: one unit per pointer slot (or word) examined.
//! `drain` takes a unit budget so incremental plans can bound an increment.
//!
//! Inside `drain`, an object found through a field or word is marked at
//! once but *queued* (its header read, counted, pushed) only after
//! [`PREFETCH_RING`] more marks, with a prefetch of its header issued at
//! marking time: the header read is the cache miss that dominated marking
//! (GCBench's mark time halved). `drain` empties the ring before it
//! returns, so between calls every marked object is counted and, if it
//! holds pointers, on the stack; the stack is the only grey set.
//!
//! All heap access while draining goes through the marker's [`MarkView`],
//! whose addresses the compiler keeps in registers.
//!
//! The mark loop is generic over [`Sharing`]: a marker alone sets mark bits
//! with plain stores; the markers of a parallel mark (`crate::parallel`)
//! set them atomically, offer work to each other and take it back.

use crate::heap::Heap;
use crate::layout::HEADER;
use crate::object::{array_length, header};
use crate::view::{Found, MarkView};
use alloc::vec::Vec;
use core::sync::atomic::Ordering;
use gc_api::fatal;
use gc_api::types::TypeTable;
#[cfg(feature = "std")]
use gc_api::types::{WordsLayout, WordsScanner, WordsVisitor};

/// Mark-bitmap words read per step of an overflow rescan (4096 granules).
const RESCAN_WORDS: usize = 64;

/// Whether scanning the object with header `h` can find pointers.
fn holds_pointers(types: &TypeTable, h: crate::object::Header) -> bool {
    match h.bytes_len() {
        Some(len) => h.is_words() && len >= core::mem::size_of::<usize>(),
        None => types.get(h.kind).is_some_and(|info| info.has_pointers()),
    }
}

/// Items of an array scanned per mark-stack entry.
pub const ARRAY_CHUNK: usize = 256;
/// Words of a `<words>` object scanned per mark-stack entry.
pub const WORDS_CHUNK: usize = 2048;

/// One unit of grey work: an object to scan, from an item on.
#[derive(Clone, Copy)]
pub(crate) struct Entry {
    obj: *mut u8,
    /// 0: scan the fixed part and the first chunk; n > 0: resume items (or
    /// the words of a `<words>` object) at n.
    next_item: usize,
}

#[cfg(test)]
impl Entry {
    pub(crate) fn new(obj: *mut u8, next_item: usize) -> Entry {
        Entry { obj, next_item }
    }
    pub(crate) fn next_item(&self) -> usize {
        self.next_item
    }
}

// SAFETY: an entry names a marked heap object; entries move between
// threads only inside a parallel mark, during which every marker may read
// every object and nobody else writes the heap (the world is stopped).
unsafe impl Send for Entry {}

/// What a marker does beyond its own stack: where work comes from when
/// the stack runs dry, and where it offers work to others. A marker alone
/// ([`Alone`]) does nothing; a parallel marker (`crate::parallel`) steals
/// and shares, and sets mark bits atomically.
pub(crate) trait Sharing {
    /// Another marker may set bits in the same mark-bitmap word: mark with
    /// an atomic read-modify-write.
    const ATOMIC: bool;
    /// Mutators run meanwhile (the incremental collector's thread marks
    /// while they store and allocate): fields are read with relaxed atomic
    /// loads, and a pointer to a cell a thread took from its span but has
    /// not settled yet is skipped, not reported (see [`Concurrent`]).
    const MUTATORS_RUN: bool = false;
    /// An overflowed stack is made up for here, by rescanning the heap (a
    /// parallel marker leaves it to the sequential drain that follows).
    const RESCANS: bool = !Self::ATOMIC;
    /// The stack and the prefetch ring are empty: more work, or `None`
    /// when there is none left (for a parallel marker: anywhere).
    fn refill(&mut self) -> Option<Entry>;
    /// Called before each entry is scanned: may move some of `stack`'s
    /// entries to where other markers find them. `ring` is the prefetch ring: marked objects this marker will queue
    /// and scan, which it keeps (a list walk's work is mostly there, with
    /// one entry on the stack).
    fn offer(&mut self, stack: &mut MarkStack, ring: &[Found]);
}

/// A marker on its own (every incremental step, every board, one marker).
pub(crate) struct Alone;

impl Sharing for Alone {
    const ATOMIC: bool = false;
    #[inline(always)]
    fn refill(&mut self) -> Option<Entry> {
        None
    }
    #[inline(always)]
    fn offer(&mut self, _stack: &mut MarkStack, _ring: &[Found]) {}
}

/// The incremental collector's thread, marking while the mutators run
/// (`gc-incremental`'s crate doc, "Background"), with the collector lock
/// or on loan without it ([`crate::lend`], whose rules this relies on).
/// What may happen meanwhile, and why marking stays correct:
/// - Mutators overwrite fields: each old value was logged by the deletion
///   barrier, and the marker reads either value (an aligned word, loaded
///   atomically), so SATB's argument holds as in any increment.
/// - Threads allocate black, setting mark bits atomically, as the marker
///   does, and before the allocation bit (`lend` rules 1 and 2): a cell
///   the marker sees allocated and unmarked existed when the cycle began.
/// - A thread stores a pointer to a cell it allocated during the cycle and
///   has not settled (its allocation bit is clear), or to a cell of a
///   block taken after the marker's view of the heap was made: such a
///   cell is black by rule and needs no scan, so the marker skips any
///   cell-aligned address inside the heap's reservation that is not an
///   allocated object. Everything else that is not an object is the
///   program's error, reported as always (the verifier, which runs with
///   the world stopped, catches the rest).
#[cfg(feature = "std")]
pub(crate) struct Concurrent;

#[cfg(feature = "std")]
impl Sharing for Concurrent {
    const ATOMIC: bool = true;
    const MUTATORS_RUN: bool = true;
    const RESCANS: bool = true;
    #[inline(always)]
    fn refill(&mut self) -> Option<Entry> {
        None
    }
    #[inline(always)]
    fn offer(&mut self, _stack: &mut MarkStack, _ring: &[Found]) {}
}

/// Reads the pointer field at `slot`: a relaxed atomic load while mutators
/// may write it (`S::MUTATORS_RUN`), a plain read otherwise (the same
/// instruction on the targets rgc supports; the type says which it is).
///
/// # Safety
/// `slot` is an aligned pointer field of a live object.
#[inline(always)]
unsafe fn load_field<S: Sharing>(slot: *const *mut u8) -> *mut u8 {
    if S::MUTATORS_RUN {
        // SAFETY: caller contract; every concurrent writer stores whole
        // aligned words (RGC_STORE), so no access is torn.
        unsafe { core::sync::atomic::AtomicPtr::from_ptr(slot as *mut *mut u8) }.load(Ordering::Relaxed)
    } else {
        // SAFETY: caller contract.
        unsafe { *slot }
    }
}

/// Entries per mark-stack segment (16 KiB).
const SEGMENT: usize = 1024;

/// A stack in fixed-size segments: a push never copies the stack (a
/// growing `Vec` would copy megabytes inside one increment). Pushes and
/// pops touch only `top`; crossing a segment boundary is the cold path.
///
/// `top` always has room for [`SEGMENT`] entries (it is only ever swapped
/// for another segment of that capacity), so a push onto an empty stack
/// always succeeds. A later segment the memory
/// cannot provide (region mode's table area is full) makes the push fail:
/// the marker then falls back to rescanning the heap (see [`Marker::drain`]).
pub(crate) struct MarkStack {
    /// The segment being pushed to and popped from.
    top: Vec<Entry>,
    /// Segments below `top`, oldest first: full, except that the oldest may
    /// have given entries away ([`MarkStack::take_oldest`]); never empty.
    below: Vec<Vec<Entry>>,
    /// One emptied segment kept, so a stack oscillating at a segment
    /// boundary does not allocate on every push.
    spare: Option<Vec<Entry>>,
    /// Segments the stack may hold at once ([`Marker::limit_stack`]).
    max_segments: usize,
}

impl MarkStack {
    fn new() -> MarkStack {
        MarkStack { top: Vec::with_capacity(SEGMENT), below: Vec::new(), spare: None, max_segments: usize::MAX }
    }

    /// False when the stack is full and no segment could be had.
    #[inline]
    #[must_use]
    fn push(&mut self, e: Entry) -> bool {
        let len = self.top.len();
        if len < self.top.capacity() {
            // SAFETY: within capacity; `len + 1` entries are then initialised.
            unsafe {
                self.top.as_mut_ptr().add(len).write(e);
                self.top.set_len(len + 1);
            }
            true
        } else {
            self.push_segment(e)
        }
    }

    #[cold]
    #[inline(never)]
    fn push_segment(&mut self, e: Entry) -> bool {
        if self.below.len() + 1 >= self.max_segments {
            return false;
        }
        let fresh = match self.spare.take() {
            Some(spare) => spare,
            None => {
                let mut fresh = Vec::new();
                if !gc_api::region::try_reserve(&mut fresh, SEGMENT) || !gc_api::region::try_reserve(&mut self.below, 1)
                {
                    return false;
                }
                fresh
            }
        };
        let full = core::mem::replace(&mut self.top, fresh);
        self.below.push(full);
        self.top.push(e);
        true
    }

    #[inline]
    fn pop(&mut self) -> Option<Entry> {
        match self.top.pop() {
            Some(e) => Some(e),
            None => self.pop_segment(),
        }
    }

    #[cold]
    #[inline(never)]
    fn pop_segment(&mut self) -> Option<Entry> {
        let next = self.below.pop()?;
        self.spare = Some(core::mem::replace(&mut self.top, next));
        self.top.pop()
    }

    fn is_empty(&self) -> bool {
        self.top.is_empty() && self.below.is_empty()
    }

    /// Entries on the stack.
    #[cfg(feature = "std")]
    pub(crate) fn len(&self) -> usize {
        self.top.len() + self.below.iter().map(Vec::len).sum::<usize>()
    }

    #[cfg(feature = "std")]
    /// Removes up to `max` of the oldest entries (those nearest the roots,
    /// whose subgraphs are likely the largest) and passes them to `f`.
    pub(crate) fn take_oldest(&mut self, max: usize, mut f: impl FnMut(Entry)) {
        let oldest = self.below.first_mut().unwrap_or(&mut self.top);
        let n = max.min(oldest.len());
        for e in oldest.drain(..n) {
            f(e);
        }
        if self.below.first().is_some_and(|s| s.is_empty()) {
            let emptied = self.below.remove(0);
            self.spare.get_or_insert(emptied);
        }
    }

    /// Empties the stack, keeping one segment.
    fn clear(&mut self) {
        if let Some(bottom) = self.below.first_mut() {
            core::mem::swap(&mut self.top, bottom);
        }
        self.top.clear();
        self.below.clear();
        self.spare = None;
    }

    fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.below.iter().flatten().chain(self.top.iter())
    }
}

/// Marked objects and their requested bytes, for statistics.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MarkCounts {
    pub objects: u64,
    /// Requested bytes.
    pub bytes: u64,
    /// Heap bytes occupied (cells or large-object blocks).
    pub footprint: u64,
}

impl MarkCounts {
    /// Counts `objects` allocated black as marked: `bytes` requested,
    /// `footprint` heap bytes.
    pub fn count_allocated_black(&mut self, objects: usize, bytes: u64, footprint: usize) {
        self.objects += objects as u64;
        self.bytes += bytes;
        self.footprint += footprint as u64;
    }

    /// Adds another marker's counts (parallel marking).
    pub fn add(&mut self, other: &MarkCounts) {
        self.objects += other.objects;
        self.bytes += other.bytes;
        self.footprint += other.footprint;
    }
}

/// Objects marked while draining whose headers are still being
/// prefetched. Reading a freshly marked object's header right away stalls
/// on a cache miss per object; a short FIFO lets the prefetch land first
/// (the LIFO mark stack would pop the object again too soon for that).
const PREFETCH_RING: usize = 16;

pub struct Marker {
    stack: MarkStack,
    /// A push failed since the last rescan began: some marked object
    /// holding pointers may be on no stack (see [`Marker::drain`]).
    overflowed: bool,
    /// While rescanning: the heap granule to look for marked objects from.
    rescan_from: Option<usize>,
    /// See [`PREFETCH_RING`]; empty (all [`Found::NONE`]) outside [`Marker::drain`].
    ring: [Found; PREFETCH_RING],
    ring_at: usize,
    pub counts: MarkCounts,
    /// Work units spent by [`Marker::drain`] since the last reset.
    pub units: u64,
    /// Time spent marking on loan ([`crate::lend::LentMarker`]) since the
    /// owner last took it (the incremental plan's pacing reads and clears it).
    pub lent_ns: u64,
}

/// Asks the CPU to start loading the cache line at `p` (a hint: no
/// effect on behaviour, and a no-op where there is no such instruction).
#[inline(always)]
fn prefetch(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults, whatever the address.
    unsafe {
        core::arch::x86_64::_mm_prefetch(p.cast(), core::arch::x86_64::_MM_HINT_T0)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Where a value being marked came from, for the error message.
#[derive(Clone, Copy, Debug)]
pub enum Source {
    ShadowStack(usize),
    GlobalRoot(*mut *mut u8),
    TempRoot,
    FinalizerQueue,
    /// The target of a weak reference handed to the mutator while marking.
    WeakRef(*mut u8),
    /// A value `RGC_STORE` overwrote while marking (the incremental store log).
    StoreLog,
    Field {
        obj: *mut u8,
        offset: usize,
    },
}

#[cold]
#[inline(never)]
pub fn bad_pointer(types: &TypeTable, value: *mut u8, source: Source) -> ! {
    match source {
        Source::ShadowStack(i) => fatal!(
            "collector",
            "shadow-stack slot #",
            i,
            " (counting from the bottom) holds ",
            value,
            ", which is not a live rgc object (a stale pointer kept across a collection, or a slot written with a \
             non-object?)"
        ),
        Source::GlobalRoot(slot) => fatal!(
            "collector",
            "global root ",
            slot,
            " (from rgc_add_root) holds ",
            value,
            ", which is not a live rgc object"
        ),
        Source::WeakRef(w) => fatal!(
            "collector",
            "weak reference ",
            w,
            " holds ",
            value,
            ", which is not a live rgc object (was the weakref cell overwritten?)"
        ),
        Source::StoreLog => fatal!(
            "collector",
            "RGC_STORE overwrote ",
            value,
            " in a heap object, and that is not a live rgc object (a pointer field held a foreign pointer, a freed \
             object, or uninitialised data?)"
        ),
        Source::TempRoot => {
            fatal!("collector", "internal root ", value, " is not a live object (TempRoot); this is an rgc bug")
        }
        Source::FinalizerQueue => {
            fatal!("collector", "internal root ", value, " is not a live object (FinalizerQueue); this is an rgc bug")
        }
        Source::Field { obj, offset } => {
            // SAFETY: `obj` was validated and marked before its fields were read.
            let t = unsafe { header(obj) }.type_id();
            let name = types.get(t).map(|i| i.name.as_str()).unwrap_or("<corrupt type id>");
            fatal!(
                "collector",
                "object ",
                obj,
                " of type '",
                name,
                "' holds ",
                value,
                " in the pointer field at byte offset ",
                offset,
                ", which is not a live rgc object (a foreign pointer, a freed object, or uninitialised data?)"
            )
        }
    }
}

impl Default for Marker {
    fn default() -> Self {
        Marker {
            stack: MarkStack::new(),
            overflowed: false,
            rescan_from: None,
            ring: [Found::NONE; PREFETCH_RING],
            ring_at: 0,
            counts: MarkCounts::default(),
            units: 0,
            lent_ns: 0,
        }
    }
}

impl Marker {
    pub fn reset(&mut self) {
        self.stack.clear();
        self.overflowed = false;
        self.rescan_from = None;
        self.ring = [Found::NONE; PREFETCH_RING];
        self.counts = MarkCounts::default();
        self.units = 0;
    }

    /// The grey objects: marked, queued for scanning. `(obj, first_item)`:
    /// an array resumed at item `first_item > 0` has its fixed part and
    /// earlier items scanned already.
    pub fn grey(&self) -> impl Iterator<Item = (*mut u8, usize)> + '_ {
        self.stack.iter().map(|e| (e.obj, e.next_item))
    }

    /// No grey object is left: the stack is empty and no overflow awaits
    /// a rescan.
    pub fn is_empty(&self) -> bool {
        self.stack.is_empty() && !self.overflowed && self.rescan_from.is_none()
    }

    #[cfg(test)]
    pub(crate) fn stack_mut(&mut self) -> &mut MarkStack {
        &mut self.stack
    }

    /// Queues work handed over by another marker (parallel marking).
    #[cfg(feature = "std")]
    pub(crate) fn push_entry(&mut self, e: Entry) {
        self.push(e);
    }

    /// Adds what other markers of a parallel mark counted and spent; an
    /// `overflowed` one leaves marked objects that only a rescan finds.
    #[cfg(feature = "std")]
    pub(crate) fn absorb(&mut self, counts: &MarkCounts, units: u64, overflowed: bool) {
        self.counts.add(counts);
        self.units += units;
        self.overflowed |= overflowed;
    }

    /// Caps the mark stack at `segments` segments of [`SEGMENT`] entries
    /// (at least one): past it, marking falls back to rescanning the heap.
    /// Without a cap the stack is limited by memory only.
    pub fn limit_stack(&mut self, segments: usize) {
        self.stack.max_segments = segments.max(1);
    }

    /// Whether [`Marker::grey`] may be missing grey objects: the stack
    /// overflowed, and some marked objects wait for a rescan of the heap.
    pub fn grey_is_partial(&self) -> bool {
        self.overflowed || self.rescan_from.is_some()
    }

    /// Queues `e`; on overflow the object stays marked and a rescan of the
    /// heap will queue it again.
    #[inline]
    fn push(&mut self, e: Entry) {
        if !self.stack.push(e) {
            self.overflowed = true;
        }
    }

    /// Marks `value` (null is ignored) and queues it for scanning if it
    /// holds pointers. A value that is not an object is a fatal error
    /// naming `source`.
    #[inline]
    pub fn visit(&mut self, heap: &mut Heap, types: &TypeTable, value: *mut u8, source: Source) {
        self.visit_in::<false, Alone>(&mut heap.mark_view(), types, value, source);
    }

    /// [`Marker::visit`] while the mutators run ([`Concurrent`]).
    #[cfg(feature = "std")]
    pub fn visit_concurrently(&mut self, heap: &mut Heap, types: &TypeTable, value: *mut u8, source: Source) {
        self.visit_in::<false, Concurrent>(&mut heap.mark_view(), types, value, source);
    }

    /// [`Marker::visit_concurrently`] through `view` (the lent marker's).
    #[cfg(feature = "std")]
    pub(crate) fn visit_with(&mut self, view: &mut MarkView, types: &TypeTable, value: *mut u8, source: Source) {
        self.visit_in::<false, Concurrent>(view, types, value, source);
    }

    /// [`Marker::visit`] through `view`. `DEFER` (while draining): the
    /// object's header is read later, through the prefetch ring. `S` says
    /// whether the mark bit is set atomically.
    #[inline(always)]
    fn visit_in<const DEFER: bool, S: Sharing>(
        &mut self,
        view: &mut MarkView,
        types: &TypeTable,
        value: *mut u8,
        source: Source,
    ) {
        if value.is_null() {
            return;
        }
        if !view.geometry.is_object(value) {
            if S::MUTATORS_RUN && view.geometry.may_be_new_cell(value) {
                return; // allocated during this cycle, not settled yet: black by rule
            }
            bad_pointer(types, value, source);
        }
        if S::MUTATORS_RUN {
            // Pairs with the release fence of a lock-free refill's settle:
            // a cell seen allocated has its header visible.
            core::sync::atomic::fence(Ordering::Acquire);
        }
        // SAFETY: validated as an object just above.
        if unsafe { view.mark::<S>(value) } {
            // SAFETY: as above.
            let footprint = unsafe { view.geometry.footprint_of(value) };
            self.hand_on::<DEFER>(types, Found { obj: value, footprint });
        }
    }

    /// Passes the just-marked `found` to the prefetch ring (`DEFER`) or
    /// straight to [`Marker::queue_marked`].
    #[inline(always)]
    fn hand_on<const DEFER: bool>(&mut self, types: &TypeTable, found: Found) {
        if DEFER {
            self.ring_insert(types, found);
        } else {
            // SAFETY: callers pass objects they have just marked.
            unsafe { self.queue_marked(types, found) };
        }
    }

    /// Counts the just-marked object `found` and queues it for scanning if
    /// it holds pointers.
    ///
    /// # Safety
    /// `found.obj` is a marked object.
    #[inline(always)]
    unsafe fn queue_marked(&mut self, types: &TypeTable, found: Found) {
        let value = found.obj;
        // SAFETY: a live object's header (crate invariant 5).
        let h = unsafe { header(value) };
        self.counts.objects += 1;
        let bytes = match h.bytes_len() {
            Some(len) => {
                if h.is_words() && len >= core::mem::size_of::<usize>() {
                    self.push(Entry { obj: value, next_item: 0 });
                }
                len
            }
            None => {
                let Some(info) = types.get(h.kind) else {
                    fatal!(
                        "collector",
                        "object ",
                        value,
                        " has corrupt type id ",
                        h.kind,
                        " in its header (heap corruption: a write past the end of a neighbouring object?)"
                    )
                };
                if info.has_pointers() {
                    self.push(Entry { obj: value, next_item: 0 });
                }
                if info.varsize {
                    // SAFETY: varsize objects carry their length in the fixed part.
                    info.size as usize + unsafe { array_length(value, info) } * info.item_size as usize
                } else {
                    info.size as usize
                }
            }
        };
        self.counts.bytes += bytes as u64;
        self.counts.footprint += found.footprint as u64;
    }

    /// Marks the object that `word` points into, if any (interior pointers
    /// included). Words that point nowhere into an allocated object are
    /// ignored: this never reports a bad pointer.
    #[inline]
    pub fn visit_ambiguous(&mut self, heap: &mut Heap, types: &TypeTable, word: usize) {
        self.visit_ambiguous_in::<false, Alone>(&mut heap.mark_view(), types, word);
    }

    /// [`Marker::visit_ambiguous`] through `view`; `DEFER` as for [`Marker::visit_in`].
    #[inline(always)]
    fn visit_ambiguous_in<const DEFER: bool, S: Sharing>(
        &mut self,
        view: &mut MarkView,
        types: &TypeTable,
        word: usize,
    ) {
        if let Some(found) = view.geometry.object_containing(word) {
            if S::MUTATORS_RUN {
                // As in `visit_in`.
                core::sync::atomic::fence(Ordering::Acquire);
            }
            // SAFETY: object_containing returns allocated objects only.
            if unsafe { view.mark::<S>(found.obj) } {
                self.hand_on::<DEFER>(types, found);
            }
        }
    }

    /// Puts the just-marked `found` in the prefetch ring, starting the load
    /// of its header, and queues the object it displaces (marked
    /// [`PREFETCH_RING`] marks ago, so its header is likely in cache).
    #[inline(always)]
    fn ring_insert(&mut self, types: &TypeTable, found: Found) {
        prefetch(found.obj.wrapping_sub(HEADER));
        let ready = core::mem::replace(&mut self.ring[self.ring_at], found);
        self.ring_at = (self.ring_at + 1) % PREFETCH_RING;
        if !ready.obj.is_null() {
            // SAFETY: ring entries are marked objects.
            unsafe { self.queue_marked(types, ready) };
        }
    }

    /// Queues the object that has waited longest in the prefetch ring;
    /// false when the ring is empty. (Taking one keeps the others in
    /// flight: the mark stack runs dry often, after every leaf.)
    #[inline]
    fn queue_oldest_in_ring(&mut self, types: &TypeTable) -> bool {
        for k in 0..PREFETCH_RING {
            let i = (self.ring_at + k) % PREFETCH_RING;
            let ready = core::mem::replace(&mut self.ring[i], Found::NONE);
            if !ready.obj.is_null() {
                // SAFETY: ring entries are marked objects.
                unsafe { self.queue_marked(types, ready) };
                return true;
            }
        }
        false
    }

    /// Queues every object waiting in the prefetch ring; true if that
    /// left anything to scan.
    #[cold]
    fn flush_ring(&mut self, types: &TypeTable) -> bool {
        for i in 0..PREFETCH_RING {
            let ready = core::mem::replace(&mut self.ring[i], Found::NONE);
            if !ready.obj.is_null() {
                // SAFETY: ring entries are marked objects.
                unsafe { self.queue_marked(types, ready) };
            }
        }
        !self.stack.is_empty()
    }

    /// Scans words `from..` of the `<words>` object `obj` (`len` bytes), at
    /// most [`WORDS_CHUNK`] and about `budget` of them, requeueing the rest.
    /// Returns the words examined.
    // Inlined into the drain loop on hosts, where the loop's speed is what
    // GCBench measures; a board keeps the code smaller.
    #[cfg_attr(feature = "std", inline(always))]
    #[cfg_attr(not(feature = "std"), inline)]
    fn scan_words<S: Sharing>(
        &mut self,
        view: &mut MarkView,
        types: &TypeTable,
        obj: *mut u8,
        len: usize,
        from: usize,
        budget: usize,
    ) -> usize {
        let words = len / core::mem::size_of::<usize>();
        let limit = WORDS_CHUNK.min(budget.max(1));
        let end = if words - from > limit {
            self.push(Entry { obj, next_item: from + limit });
            from + limit
        } else {
            words
        };
        // SAFETY: words from..end lie inside the object (end <= len / word
        // size). The mutator may store anything there, which is why each is
        // resolved as an ambiguous pointer.
        let first = unsafe { (obj as *const *mut u8).add(from) };
        for i in 0..end - from {
            // SAFETY: as above.
            let v = unsafe { load_field::<S>(first.add(i)) };
            self.visit_ambiguous_in::<true, S>(view, types, v as usize);
        }
        end - from
    }

    /// Scans the `<words>` object `obj` (`len` bytes) whole, through the
    /// scanner of its `layout` (see [`WordsLayout`]). Returns the words the
    /// scanner examined.
    #[cfg(feature = "std")]
    #[cold]
    #[inline(never)]
    fn scan_laid_out<S: Sharing>(
        &mut self,
        view: &mut MarkView,
        types: &TypeTable,
        obj: *mut u8,
        len: usize,
        layout: WordsLayout,
        scanner: WordsScanner,
    ) -> usize {
        /// The marker as the scanner sees it.
        struct Visit<'a, 'h, S> {
            marker: &'a mut Marker,
            view: &'a mut MarkView<'h>,
            types: &'a TypeTable,
            sharing: core::marker::PhantomData<S>,
        }
        impl<S: Sharing> WordsVisitor for Visit<'_, '_, S> {
            fn visit_ambiguous(&mut self, word: usize) {
                self.marker.visit_ambiguous_in::<false, S>(self.view, self.types, word);
            }
            fn is_marked(&self, word: usize) -> bool {
                // SAFETY: object_containing returns allocated objects only.
                self.view.geometry.object_containing(word).is_some_and(|f| unsafe { self.view.is_marked(f.obj) })
            }
        }
        let mut visit = Visit::<S> { marker: self, view, types, sharing: core::marker::PhantomData };
        // SAFETY: a marked `<words>` object of `len` bytes naming `layout`
        // (drain's caller stops the world, or marks as the plan allows).
        unsafe { scanner(obj, len, layout, &mut visit) }
    }

    /// Queues the live object `obj` for scanning without marking it: what
    /// it reaches gets marked, and `obj` itself only if a path leads back to
    /// it. (Ordered finalization asks "is this object reachable from another
    /// finalizable one?" this way.)
    ///
    /// # Safety
    /// `obj` passes [`Heap::is_object`].
    pub unsafe fn scan_children(&mut self, types: &TypeTable, obj: *mut u8) {
        // SAFETY: caller contract.
        if holds_pointers(types, unsafe { header(obj) }) {
            // An unmarked object would be missed by a rescan: this push
            // must not fail, so the stack must be empty.
            assert!(self.stack.is_empty(), "scan_children needs an empty mark stack");
            let pushed = self.stack.push(Entry { obj, next_item: 0 });
            debug_assert!(pushed, "the first segment is never freed");
        }
    }

    /// One step of the fallback for a mark stack that overflowed: a pass
    /// over the heap's mark bitmap queues every marked object that holds
    /// pointers, one at a time (the stack is empty each time, so the push
    /// succeeds), and the drain loop scans it before the pass goes on.
    /// Scanning an object twice only finds its children marked already. A
    /// pass during which the stack overflowed again is followed by another;
    /// each overflow drops a newly marked object, so passes end. Returns
    /// the work units spent: one per bitmap word read.
    #[cold]
    #[inline(never)]
    fn rescan_step(&mut self, view: &MarkView, types: &TypeTable) -> usize {
        let from = self.rescan_from.unwrap_or_else(|| {
            self.overflowed = false;
            0
        });
        let (next, resume, words) = view.next_marked(from, RESCAN_WORDS);
        self.rescan_from = Some(resume);
        if let Some(obj) = next {
            // SAFETY: a marked object (mark bits are set on objects only).
            if holds_pointers(types, unsafe { header(obj) }) {
                let pushed = self.stack.push(Entry { obj, next_item: 0 });
                debug_assert!(pushed, "the first segment is never freed");
            }
        } else if resume >= view.granule_limit() {
            // A pass that overflowed again is followed by another.
            self.rescan_from = self.overflowed.then_some(0);
            self.overflowed = false;
        }
        words
    }

    /// Counts a live object of `bytes` requested bytes.
    #[inline]
    pub fn count_bytes(&mut self, bytes: usize) {
        self.counts.bytes += bytes as u64;
        self.counts.footprint += crate::layout::footprint_bytes(bytes) as u64;
    }

    /// Scans queued objects until the stack is empty (true) or `budget`
    /// units are spent (false).
    pub fn drain(&mut self, heap: &mut Heap, types: &TypeTable, budget: usize) -> bool {
        self.drain_with(&mut heap.mark_view(), types, budget, &mut Alone)
    }

    /// [`Marker::drain`] while the mutators run ([`Concurrent`]).
    #[cfg(feature = "std")]
    pub fn drain_concurrently(&mut self, heap: &mut Heap, types: &TypeTable, budget: usize) -> bool {
        self.drain_with(&mut heap.mark_view(), types, budget, &mut Concurrent)
    }

    /// [`Marker::drain`] through `view`, taking and offering work through
    /// `sharing`. A parallel marker (`S::ATOMIC`) leaves an overflow's
    /// rescan to the sequential drain that follows the parallel one (a
    /// rescan reads the mark bitmap, which other markers are writing).
    #[inline(always)]
    pub(crate) fn drain_with<S: Sharing>(
        &mut self,
        view: &mut MarkView,
        types: &TypeTable,
        budget: usize,
        sharing: &mut S,
    ) -> bool {
        let mut spent = 0usize;
        while spent < budget {
            let Entry { obj, next_item } = match self.stack.pop() {
                Some(e) => e,
                None => {
                    if self.queue_oldest_in_ring(types) {
                        continue;
                    }
                    if S::RESCANS && (self.overflowed || self.rescan_from.is_some()) {
                        spent += self.rescan_step(view, types);
                        continue;
                    }
                    match sharing.refill() {
                        Some(e) => e,
                        None => break,
                    }
                }
            };
            sharing.offer(&mut self.stack, &self.ring);
            // SAFETY: only marked, validated objects are pushed.
            let h = unsafe { header(obj) };
            spent += match h.bytes_len() {
                // Only `<words>` objects among the untyped ones are pushed;
                // one with a layout in its collector word is scanned by it
                // (layouts come from the Boehm layer, a hosted library).
                #[cfg(feature = "std")]
                Some(len) if h.gc != 0 => match types.words_layout(h.gc) {
                    Some((layout, scanner)) => self.scan_laid_out::<S>(view, types, obj, len, layout, scanner),
                    None => self.scan_words::<S>(view, types, obj, len, next_item, budget - spent),
                },
                Some(len) => self.scan_words::<S>(view, types, obj, len, next_item, budget - spent),
                None => self.scan_typed::<S>(view, types, obj, h.kind, next_item, budget - spent),
            };
        }
        // Outside `drain` the ring is empty: every marked object is counted
        // and, if it holds pointers, on the stack.
        self.flush_ring(types);
        self.units += spent as u64;
        self.is_empty()
    }

    /// Scans the typed object `obj` from item `next_item` (0: its fixed
    /// part first), at most [`ARRAY_CHUNK`] items and about `budget`
    /// units, requeueing the rest. Returns the units spent.
    #[inline]
    fn scan_typed<S: Sharing>(
        &mut self,
        view: &mut MarkView,
        types: &TypeTable,
        obj: *mut u8,
        kind: u32,
        next_item: usize,
        budget: usize,
    ) -> usize {
        let info =
            types.get(kind).unwrap_or_else(|| gc_api::fatal::internal("a marked object holds an unregistered type"));
        let mut spent = 0;
        if next_item == 0 {
            for &off in &info.ptr_offsets {
                // SAFETY: validated descriptors keep pointer fields inside the object.
                let v = unsafe { load_field::<S>(obj.add(off as usize) as *const *mut u8) };
                self.visit_in::<true, S>(view, types, v, Source::Field { obj, offset: off as usize });
            }
            spent += info.ptr_offsets.len() + 1;
        }
        if info.varsize && !info.item_ptr_offsets.is_empty() {
            // SAFETY: a varsize object.
            let len = unsafe { array_length(obj, info) };
            // At most ARRAY_CHUNK items, and no more than the budget left
            // (at least one item, so every entry makes progress).
            let left = budget.saturating_sub(spent) / info.item_ptr_offsets.len();
            let end = len.min(next_item + ARRAY_CHUNK.min(left.max(1)));
            if end < len {
                self.push(Entry { obj, next_item: end });
            }
            let item_size = info.item_size as usize;
            for i in next_item..end {
                let item_off = info.size as usize + i * item_size;
                for &off in &info.item_ptr_offsets {
                    let offset = item_off + off as usize;
                    // SAFETY: the item lies inside the object (length fixed at allocation).
                    let v = unsafe { load_field::<S>(obj.add(offset) as *const *mut u8) };
                    self.visit_in::<true, S>(view, types, v, Source::Field { obj, offset });
                }
            }
            spent += (end - next_item) * info.item_ptr_offsets.len();
        }
        spent
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::layout::footprint_bytes;
    use crate::memory::FixedMemory;
    use crate::object::Header;
    use alloc::vec;
    use gc_api::types::{BYTES_TYPE, WORDS_TYPE};

    /// A heap of `blocks` blocks over a buffer (returned: it must outlive the heap).
    pub(crate) fn heap_of(blocks: usize) -> (Heap, Vec<u64>) {
        let bytes = Heap::region_bytes_for_blocks(blocks);
        let mut buf = vec![0u64; bytes / 8 + 1];
        // SAFETY: the buffer is returned with the heap; callers drop the heap first.
        let mem = unsafe { FixedMemory::new(buf.as_mut_ptr().cast(), bytes, false) };
        (Heap::new(alloc::boxed::Box::new(mem)).unwrap(), buf)
    }

    /// A `<words>` object of `n` words.
    pub(crate) fn words(heap: &mut Heap, n: usize) -> *mut usize {
        heap.alloc(n * 8, Header::new(WORDS_TYPE, n * 8, 0)) as *mut usize
    }

    #[test]
    fn the_segmented_stack_is_lifo_across_segments() {
        let mut stack = MarkStack::new();
        let entry = |i: usize| Entry { obj: (i * 8) as *mut u8, next_item: i };
        for round in 0..2 {
            for i in 0..3 * SEGMENT + 5 {
                assert!(stack.push(entry(i)));
            }
            assert_eq!(stack.iter().count(), 3 * SEGMENT + 5);
            for i in (0..3 * SEGMENT + 5).rev() {
                let e = stack.pop().expect("pushed");
                assert_eq!((e.obj as usize, e.next_item), (i * 8, i), "round {round}");
            }
            assert!(stack.pop().is_none() && stack.is_empty());
        }
        stack.max_segments = 2;
        assert!((0..2 * SEGMENT).all(|i| stack.push(entry(i))));
        assert!(!stack.push(entry(0)), "a capped stack refuses the push");
        assert_eq!(stack.pop().map(|e| e.next_item), Some(2 * SEGMENT - 1));
    }

    /// A mark stack capped at one segment overflows on a `<words>` object
    /// holding more pointers than the segment has entries; the rescan of
    /// the heap must still mark everything reachable, and count each
    /// object once, whatever the budget.
    #[test]
    fn an_overflowing_mark_stack_falls_back_to_rescanning_the_heap() {
        const FAN: usize = if cfg!(miri) { SEGMENT + 50 } else { 3 * SEGMENT };
        let (mut heap, _buf) = heap_of(32);
        let types = TypeTable::new();
        let hub = words(&mut heap, FAN);
        // Each spoke points to a leaf: what only a scan of the spoke finds.
        let spokes: Vec<*mut usize> = (0..FAN).map(|_| words(&mut heap, 1)).collect();
        let leaves: Vec<*mut usize> = (0..FAN).map(|_| words(&mut heap, 1)).collect();
        let garbage = words(&mut heap, 1);
        for i in 0..FAN {
            // SAFETY: the hub has FAN words, spokes one each.
            let (spoke, leaf) = (spokes[i], leaves[i]);
            unsafe {
                *hub.add(i) = spoke as usize;
                *spoke = leaf as usize;
                *leaf = 777;
            }
        }
        for budget in [usize::MAX, 300] {
            heap.clear_marks();
            let mut marker = Marker::default();
            marker.limit_stack(1);
            marker.visit_ambiguous(&mut heap, &types, hub as usize);
            let mut rounds = 0;
            while !marker.drain(&mut heap, &types, budget) {
                rounds += 1;
                assert!(rounds < 100_000, "budget {budget}: marking does not finish");
            }
            assert!(marker.is_empty() && !marker.grey_is_partial());
            for &o in spokes.iter().chain(&leaves) {
                // SAFETY: objects of this heap.
                assert!(unsafe { heap.is_marked(o.cast()) }, "budget {budget}: reachable object lost");
            }
            // SAFETY: as above.
            assert!(!unsafe { heap.is_marked(garbage.cast()) }, "garbage marked");
            assert_eq!(marker.counts.objects, 1 + 2 * FAN as u64, "budget {budget}: objects counted once");
        }
        drop(heap);
    }

    /// A `<words>` object whose collector word names a registered layout
    /// is scanned by the layout's scanner only; one whose word holds
    /// anything else (refcount's count) is scanned word by word.
    #[cfg(feature = "std")]
    #[test]
    fn a_laid_out_words_object_is_scanned_by_its_scanner() {
        /// Visits word 0 only.
        unsafe fn first_word(obj: *mut u8, _len: usize, layout: WordsLayout, v: &mut dyn WordsVisitor) -> usize {
            assert_eq!(layout, WordsLayout { descriptor: 7, param: 9 });
            // SAFETY: a live object of at least a word.
            v.visit_ambiguous(unsafe { *(obj as *const usize) });
            1
        }
        let (mut heap, _buf) = heap_of(8);
        let mut types = TypeTable::new();
        let id = types.words_layout_id(WordsLayout { descriptor: 7, param: 9 }, first_word).unwrap();
        let with_gc = |heap: &mut Heap, gc: u32| heap.alloc(16, Header::new(WORDS_TYPE, 16, gc)) as *mut usize;
        let laid_out = with_gc(&mut heap, id);
        let counted = with_gc(&mut heap, 77);
        let targets: Vec<*mut usize> = (0..4).map(|_| words(&mut heap, 1)).collect();
        // SAFETY: two-word objects.
        unsafe {
            *laid_out = targets[0] as usize;
            *laid_out.add(1) = targets[1] as usize;
            *counted = targets[2] as usize;
            *counted.add(1) = targets[3] as usize;
        }
        let mut marker = Marker::default();
        marker.visit_ambiguous(&mut heap, &types, laid_out as usize);
        marker.visit_ambiguous(&mut heap, &types, counted as usize);
        assert!(marker.drain(&mut heap, &types, usize::MAX));
        // SAFETY: objects of this heap.
        let marked: Vec<bool> = targets.iter().map(|&t| unsafe { heap.is_marked(t.cast()) }).collect();
        assert_eq!(marked, [true, false, true, true]);
        drop(heap);
    }

    /// A binary tree of `<words>` objects linked through interior and
    /// exact pointers, an atomic object whose contents look like a
    /// pointer, and garbage: every budget marks exactly the tree.
    #[test]
    fn drain_marks_exactly_the_reachable_whatever_the_budget() {
        // Miri interprets every step: a smaller tree still spans several
        // blocks and far more marks than the prefetch ring holds.
        const NODES: usize = if cfg!(miri) { 200 } else { 3000 };
        let (mut heap, _buf) = heap_of(64);
        let types = TypeTable::new();
        let nodes: Vec<*mut usize> = (0..NODES).map(|_| words(&mut heap, 3)).collect();
        let garbage: Vec<*mut usize> = (0..NODES / 6).map(|_| words(&mut heap, 3)).collect();
        let atomic = heap.alloc(8, Header::new(BYTES_TYPE, 8, 0)) as *mut usize;
        for (i, &n) in nodes.iter().enumerate() {
            // SAFETY: 3-word objects.
            unsafe {
                *n = nodes.get(2 * i + 1).map_or(0, |&c| c as usize + 8); // interior
                *n.add(1) = nodes.get(2 * i + 2).map_or(0, |&c| c as usize);
                *n.add(2) = if i == 7 { atomic as usize } else { 12345 };
            }
        }
        // SAFETY: an 8-byte atomic object; never scanned, so garbage[0] stays white.
        unsafe { *atomic = garbage[0] as usize };
        let want_footprint = (NODES * footprint_bytes(24) + footprint_bytes(8)) as u64;
        for budget in [1, 2, 17, 1000, usize::MAX] {
            heap.clear_marks();
            let mut marker = Marker::default();
            marker.visit_ambiguous(&mut heap, &types, nodes[0] as usize + 5);
            let mut drains = 0;
            while !marker.drain(&mut heap, &types, budget) {
                drains += 1;
                assert!(marker.ring.iter().all(|f| f.obj.is_null()), "the ring is empty between drains");
            }
            for &n in &nodes {
                // SAFETY: objects of this heap.
                assert!(unsafe { heap.is_marked(n.cast()) }, "budget {budget}: reachable node lost");
            }
            for &g in &garbage {
                // SAFETY: as above.
                assert!(!unsafe { heap.is_marked(g.cast()) }, "budget {budget}: garbage marked");
            }
            assert_eq!(marker.counts.objects, NODES as u64 + 1, "budget {budget}");
            assert_eq!(marker.counts.bytes, (NODES * 24 + 8) as u64);
            assert_eq!(marker.counts.footprint, want_footprint);
            assert!(budget >= NODES || drains > 0, "a small budget takes several drains");
        }
        drop(heap);
    }
}
