//! Object kinds, mark descriptors and mark procedures: bdwgc's `gc_mark.h`
//! extension API, typed objects (`gc_typed.h`) and the `gcj` kind.
//!
//! A kind says how the collector finds the pointers in its objects. bdwgc
//! has four built in (its numbers: 0 pointer-free, 1 normal, 2
//! uncollectable, 3 atomic uncollectable) and lets a program add more with
//! [`GC_new_kind`], each with a *mark descriptor*, one word whose low two
//! bits say what the rest is ([`DS_TAGS`]):
//! - a length: scan that many bytes from the object's start (a kind made
//!   with `add_size` adds the object's size, so 0 means "every word");
//! - a bitmap: the most significant bit is the object's first word, and
//!   each set bit marks a word that may be a pointer;
//! - a mark procedure ([`GC_new_proc`]) and a word of its own: the
//!   procedure is called with the object and pushes what it reaches with
//!   `GC_mark_and_push`, or writes `(start, descriptor)` entries to the
//!   mark stack it is given;
//! - per object: the descriptor is a word inside the object, or (negative
//!   form, `gcj`) inside the table the object's first word points to.
//!
//! rgc keeps an object of any kind but the pointer-free ones as a
//! `<words>` object whose header's collector word holds a layout id
//! (`gc_api::types::WordsLayout`: the descriptor, and how it repeats);
//! rgc's marker hands such objects to [`scan`], which interprets the
//! descriptor here and sends every word that may be a pointer back to the
//! marker. Marking stays rgc's: a pushed pointer is marked at once, in
//! `GC_mark_and_push`, and queued on rgc's own mark stack; only entries a
//! procedure writes itself go through the small stack it is given, read
//! back when it returns.
//!
//! Invariants:
//! 1. A mark procedure runs only inside [`scan`], on the marking thread,
//!    with the world stopped; [`VISITOR`] is set exactly while one runs,
//!    so `GC_mark_and_push` from anywhere else is a fatal error.
//! 2. A kind, a procedure index and an extended bitmap, once handed out,
//!    never change (objects and descriptors name them).
//!
//! Start reading at [`scan`].

use crate::alloc::{allocate_laid_out, Kind};
use crate::state::{ensure_init, CVar, GcWord};
use core::cell::{Cell, RefCell};
use core::ffi::{c_char, c_int, c_void};
use core::sync::atomic::{AtomicUsize, Ordering};
use gc_api::collector::Collector;
use gc_api::fatal;
use gc_api::types::{WordsLayout, WordsVisitor, MAX_BYTES_LEN};
use std::sync::{Mutex, RwLock};

/// The low bits of a descriptor that say what it is.
pub const DS_TAGS: usize = 3;
/// A length in bytes (the whole word).
pub const DS_LENGTH: usize = 0;
/// A bitmap of the object's first words, most significant bit first.
pub const DS_BITMAP: usize = 1;
/// A mark procedure's index ([`LOG_MAX_MARK_PROCS`] bits) and its
/// environment, above the tag.
pub const DS_PROC: usize = 2;
/// The descriptor is stored in the object (or its type table).
pub const DS_PER_OBJECT: usize = 3;
const DS_TAG_BITS: u32 = 2;
/// Mark procedures a program may have: bdwgc's `GC_MAX_MARK_PROCS`.
const LOG_MAX_MARK_PROCS: u32 = 6;
pub const MAX_MARK_PROCS: usize = 1 << LOG_MAX_MARK_PROCS;
/// bdwgc's `GC_INDIR_PER_OBJ_BIAS`: the offset bias of a negative
/// per-object descriptor (the `gcj` form).
const INDIR_PER_OBJ_BIAS: isize = 0x10;
const SIGN_BIT: usize = 1 << (usize::BITS - 1);
const WORD: usize = core::mem::size_of::<usize>();

/// bdwgc's kind numbers of the built-in kinds.
pub const PTRFREE: c_int = 0;
pub const NORMAL: c_int = 1;
pub const UNCOLLECTABLE: c_int = 2;
pub const AUNCOLLECTABLE: c_int = 3;
/// Kinds a program may have in all, built-in ones included (bdwgc 8.2
/// allows 24).
pub const MAX_KINDS: usize = 64;

/// [`WordsLayout::param`] of a typed layout whose descriptor describes
/// the object once, from its start. Another value below [`KIND_BIT`] is
/// the size of the elements of an array, each described by the
/// descriptor (`GC_calloc_explicitly_typed`).
const ONCE: usize = 0;
/// Set in [`WordsLayout::param`] of a kind's layout, whose low bits hold
/// the kind's number: every kind has a layout of its own (so an object's
/// header names its kind, for `GC_get_kind_and_size` and disclaim
/// procedures), described once from the object's start.
const KIND_BIT: usize = 1 << 62;
/// Set besides [`KIND_BIT`] for a kind made with `add_size`: the
/// descriptor plus the object's length in bytes.
const PLUS_LENGTH_BIT: usize = 1 << 61;

/// `struct GC_ms_entry`: one entry of bdwgc's mark stack.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct MsEntry {
    pub start: *mut c_void,
    pub descr: GcWord,
}

/// `GC_mark_proc`.
pub type MarkProc = unsafe extern "C" fn(*mut GcWord, *mut MsEntry, *mut MsEntry, GcWord) -> *mut MsEntry;

/// Entries of the mark stack a procedure is given: what it may write
/// itself between the pointer it gets and the limit (pushes through
/// `GC_mark_and_push` take none of them).
const PROC_STACK_ENTRIES: usize = 4096;

/// What a kind allocates.
#[derive(Clone, Copy)]
struct KindInfo {
    /// `<bytes>` objects, never scanned.
    atomic: bool,
    /// Roots until freed (`GC_generic_malloc_uncollectable` of kinds 2, 3).
    uncollectable: bool,
    /// The layout id of its objects' headers (0: every word).
    layout: u32,
}

/// Every kind, by bdwgc's number. Written by [`GC_new_kind`] and
/// [`GC_init_gcj_malloc`], read by allocation, from any registered thread;
/// never taken while marking (a thread stopped while holding it would
/// hold up nothing the collector needs).
static KINDS: Mutex<Vec<KindInfo>> = Mutex::new(Vec::new());

/// Mark procedures by index: a `MarkProc` as an address, 0 for a free
/// index, or [`EXTENDED_BITMAP`]. Written once per index under
/// [`PROC_LOCK`] (release), read while marking, on any marker (acquire).
static PROCS: [AtomicUsize; MAX_MARK_PROCS] = [const { AtomicUsize::new(0) }; MAX_MARK_PROCS];
/// Serialises [`GC_new_proc`]'s search for a free index.
static PROC_LOCK: Mutex<()> = Mutex::new(());
/// Indices below this are for procedures a program installs at a fixed
/// index (`GC_init_gcj_malloc`); [`GC_new_proc`] hands out the others
/// (bdwgc's `GC_RESERVED_MARK_PROCS`).
const RESERVED_MARK_PROCS: usize = 8;
/// The [`PROCS`] value that stands for rgc's own scan of a bitmap too
/// long for one descriptor word ([`GC_make_descriptor`]); the
/// descriptor's environment indexes [`EXTENDED`].
const EXTENDED_BITMAP: usize = 1;
/// Its index, taken like a program's at the first long bitmap (0 until
/// then); written under the collector lock, read relaxed.
static EXTENDED_BITMAP_INDEX: AtomicUsize = AtomicUsize::new(0);

/// Bitmaps of more than a descriptor word's bits, by index. Appended by
/// [`GC_make_descriptor`], read while marking (the read lock is then
/// uncontended: the world is stopped).
static EXTENDED: RwLock<Vec<Box<[usize]>>> = RwLock::new(Vec::new());

thread_local! {
    /// The marker, while a mark procedure runs on this thread (invariant 1).
    static VISITOR: Cell<Option<*mut (dyn WordsVisitor + 'static)>> = const { Cell::new(None) };
    /// The mark stack handed to mark procedures on this thread.
    static PROC_STACK: RefCell<Vec<MsEntry>> = const { RefCell::new(Vec::new()) };
}

/// Calls `f` with the marker if a mark procedure is running on this
/// thread; false otherwise.
pub fn with_visitor(f: impl FnOnce(&mut dyn WordsVisitor)) -> bool {
    match VISITOR.get() {
        // SAFETY: set only while `call_proc` holds the visitor borrowed
        // for the procedure's call on this thread (invariant 1).
        Some(v) => {
            f(unsafe { &mut *v });
            true
        }
        None => false,
    }
}

/// rgc's marker calls this for every `<words>` object whose header names
/// a layout the Boehm layer registered: it sends each word `layout` says
/// may be a pointer to `visitor`. Returns the words examined.
///
/// # Safety
/// As for `gc_api::types::WordsScanner`.
pub unsafe fn scan(obj: *mut u8, len: usize, layout: WordsLayout, visitor: &mut dyn WordsVisitor) -> usize {
    let start = obj as usize;
    // Entries mark procedures write, scanned after them, one at a time: a
    // procedure that pushes itself back for the rest of its object (as
    // bdwgc recommends for large ones) takes no native stack per piece.
    let mut entries = Vec::new();
    let v = &mut *visitor;
    let mut words = match layout.param {
        // SAFETY (all three): the object's `len` bytes are readable.
        param if param & KIND_BIT != 0 => {
            let descr = layout.descriptor.wrapping_add(if param & PLUS_LENGTH_BIT != 0 { len } else { 0 });
            unsafe { scan_descr(start, Some(len), descr, v, &mut entries) }
        }
        ONCE => unsafe { scan_descr(start, Some(len), layout.descriptor, v, &mut entries) },
        stride => (0..len / stride)
            .map(|i| unsafe { scan_descr(start + i * stride, Some(stride), layout.descriptor, v, &mut entries) })
            .sum(),
    };
    while let Some(e) = entries.pop() {
        // SAFETY: the procedure promised what its entries describe.
        words += unsafe { scan_descr(e.start as usize, None, e.descr, v, &mut entries) };
    }
    words
}

/// Reads the word at `addr` (not necessarily aligned: array elements of
/// any size).
///
/// # Safety
/// `addr..addr + WORD` is readable.
unsafe fn word_at(addr: usize) -> usize {
    // SAFETY: caller contract.
    unsafe { (addr as *const usize).read_unaligned() }
}

/// Per-object descriptors followed from one object before rgc stops
/// (bdwgc follows them for ever; a chain this long is a program's bug).
const MAX_INDIRECTIONS: usize = 8;

/// Scans from `start` as `descr` says, reading no further than `limit`
/// bytes when it is known (an object; a procedure's own entries are taken
/// as they are, as in bdwgc); entries a mark procedure writes go to
/// `entries`. Returns the words examined.
///
/// # Safety
/// What `descr` describes from `start` is readable (up to `limit`).
unsafe fn scan_descr(
    start: usize,
    limit: Option<usize>,
    mut descr: usize,
    v: &mut dyn WordsVisitor,
    entries: &mut Vec<MsEntry>,
) -> usize {
    let mut indirections = 0;
    while descr & DS_TAGS == DS_PER_OBJECT {
        indirections += 1;
        if indirections > MAX_INDIRECTIONS {
            fatal!(
                "collector",
                "the object at ",
                start as *const u8,
                " has a chain of more than ",
                MAX_INDIRECTIONS,
                " per-object descriptors"
            );
        }
        // SAFETY: the descriptor says where its object's real one is.
        match unsafe { per_object(start, limit, descr) } {
            Some(real) => descr = real,
            None => return indirections,
        }
    }
    indirections
        + match descr & DS_TAGS {
            DS_LENGTH => {
                let words = limit.map_or(descr, |l| descr.min(l)) / WORD;
                // SAFETY: inside the described prefix.
                (0..words).for_each(|i| v.visit_ambiguous(unsafe { word_at(start + i * WORD) }));
                words
            }
            DS_BITMAP => {
                let max = limit.map_or(usize::BITS as usize, |l| l / WORD);
                let mut bits = descr & !DS_TAGS;
                let mut i = 0;
                while bits != 0 && i < max {
                    if bits & SIGN_BIT != 0 {
                        // SAFETY: word `i` of the object (below `max`).
                        v.visit_ambiguous(unsafe { word_at(start + i * WORD) });
                    }
                    bits <<= 1;
                    i += 1;
                }
                i
            }
            _ => {
                let index = (descr >> DS_TAG_BITS) & (MAX_MARK_PROCS - 1);
                let env = descr >> (DS_TAG_BITS + LOG_MAX_MARK_PROCS);
                // SAFETY: forwarded.
                unsafe { call_proc(start, limit, index, env, v, entries) }
            }
        }
}

/// The descriptor a per-object descriptor leads to: at an offset in the
/// object, or (negative form) at an offset in the table the object's
/// first word points to; `None` when that pointer is null (an object on a
/// free list) or the word lies outside the object.
///
/// # Safety
/// As for [`scan_descr`]; a negative form's table is readable.
unsafe fn per_object(start: usize, limit: Option<usize>, descr: usize) -> Option<usize> {
    if descr & SIGN_BIT == 0 {
        let offset = descr & !DS_TAGS;
        if limit.is_some_and(|l| offset + WORD > l) {
            return None;
        }
        // SAFETY: inside the object (checked when its length is known).
        return Some(unsafe { word_at(start + offset) });
    }
    if limit.is_some_and(|l| l < WORD) {
        return None;
    }
    // SAFETY: the object's first word.
    let table = unsafe { word_at(start) };
    if table == 0 {
        return None;
    }
    let offset = -(descr as isize + (INDIR_PER_OBJ_BIAS - DS_PER_OBJECT as isize));
    // SAFETY: the table the program's descriptor promises.
    Some(unsafe { word_at(table.wrapping_add_signed(offset)) })
}

/// Runs mark procedure `index` on the object at `start` and adds the
/// entries it wrote to its mark stack to `entries`. Returns the words
/// examined (one for the call).
///
/// # Safety
/// As for [`scan_descr`].
unsafe fn call_proc(
    start: usize,
    limit: Option<usize>,
    index: usize,
    env: usize,
    v: &mut dyn WordsVisitor,
    entries: &mut Vec<MsEntry>,
) -> usize {
    let proc = PROCS[index].load(Ordering::Acquire);
    if proc == EXTENDED_BITMAP {
        // SAFETY: forwarded.
        return unsafe { scan_extended(start, limit, env, v) };
    }
    if proc == 0 {
        fatal!(
            "collector",
            "the object at ",
            start as *const u8,
            " has a descriptor naming mark procedure ",
            index,
            ", which GC_new_proc never returned"
        );
    }
    // SAFETY: only `MarkProc`s are stored besides the two values above.
    let proc: MarkProc = unsafe { core::mem::transmute::<usize, MarkProc>(proc) };
    PROC_STACK.with_borrow_mut(|stack| {
        if stack.capacity() < PROC_STACK_ENTRIES {
            stack.reserve_exact(PROC_STACK_ENTRIES);
        }
        let base = stack.as_mut_ptr();
        let empty = base.wrapping_sub(1);
        let limit = base.wrapping_add(PROC_STACK_ENTRIES);
        // SAFETY: erasing the borrow's lifetime is sound because VISITOR
        // is cleared before this returns (invariant 1).
        let erased = unsafe {
            core::mem::transmute::<*mut dyn WordsVisitor, *mut (dyn WordsVisitor + 'static)>(v as *mut dyn WordsVisitor)
        };
        let outer = VISITOR.replace(Some(erased));
        // SAFETY: the program's procedure, called as bdwgc calls it: the
        // object, the top of an empty stack, its limit, the environment.
        let top = unsafe { proc(start as *mut GcWord, empty, limit, env) };
        VISITOR.set(outer);
        let pushed = (top as isize).wrapping_sub(empty as isize) / core::mem::size_of::<MsEntry>() as isize;
        if !(0..=PROC_STACK_ENTRIES as isize).contains(&pushed) || (top as usize) < (empty as usize) {
            fatal!(
                "collector",
                "mark procedure ",
                index,
                " returned ",
                top as *const u8,
                ", outside the mark stack it was given (",
                base as *const u8,
                " with room for ",
                PROC_STACK_ENTRIES,
                " entries)"
            );
        }
        // SAFETY: the procedure wrote entries 0..pushed of the reserved stack.
        entries.extend_from_slice(unsafe { core::slice::from_raw_parts(base, pushed as usize) });
    });
    1
}

/// Scans from `start` as the extended bitmap `index` says (one bit per
/// word, least significant bit of the first word first).
///
/// # Safety
/// As for [`scan_descr`].
unsafe fn scan_extended(start: usize, limit: Option<usize>, index: usize, v: &mut dyn WordsVisitor) -> usize {
    let table = EXTENDED.read().unwrap_or_else(|e| e.into_inner());
    let Some(bits) = table.get(index) else {
        fatal!(
            "collector",
            "the object at ",
            start as *const u8,
            " names typed descriptor ",
            index,
            ", which does not exist"
        )
    };
    let max = limit.map_or(usize::MAX, |l| l / WORD);
    let words = (bits.len() * usize::BITS as usize).min(max);
    for i in (0..words).filter(|&i| bits[i / usize::BITS as usize] >> (i % usize::BITS as usize) & 1 != 0) {
        // SAFETY: word `i` of the described object.
        v.visit_ambiguous(unsafe { word_at(start + i * WORD) });
    }
    words
}

/// Registers `layout` in the collector's type table: its header id.
fn layout_id(call: &'static str, layout: WordsLayout) -> u32 {
    let mut c = crate::state::enter(call);
    c.types()
        .words_layout_id(layout, scan)
        .unwrap_or_else(|| fatal!(call, "more than ", gc_api::types::MAX_WORDS_LAYOUTS, " different object layouts"))
}

/// The kinds table, with the built-in kinds on first use.
fn kinds() -> std::sync::MutexGuard<'static, Vec<KindInfo>> {
    let mut kinds = KINDS.lock().unwrap_or_else(|e| e.into_inner());
    if kinds.is_empty() {
        let kind = |atomic, uncollectable| KindInfo { atomic, uncollectable, layout: 0 };
        kinds.extend([kind(true, false), kind(false, false), kind(false, true), kind(true, true)]);
    }
    kinds
}

fn kind_info(call: &'static str, k: c_int) -> KindInfo {
    let kinds = kinds();
    match usize::try_from(k).ok().and_then(|k| kinds.get(k)) {
        Some(&info) => info,
        None => fatal!(call, "kind ", k, " does not exist (GC_new_kind returned ", kinds.len() - 1, " last)"),
    }
}

/// The layout id of kind `k`'s objects, which must be one of
/// `GC_new_kind`'s (a fatal error naming `call` otherwise).
pub(crate) fn layout_of_kind(call: &'static str, k: c_int) -> u32 {
    match kind_info(call, k).layout {
        0 => fatal!(call, "kind ", k, " is built in; this needs a kind made by GC_new_kind"),
        layout => layout,
    }
}

/// The kind of `<words>` objects with layout `layout` ([`NORMAL`] for
/// typed objects, which have no kind).
pub fn kind_of_layout(layout: u32) -> c_int {
    kinds().iter().position(|k| k.layout != 0 && k.layout == layout).map_or(NORMAL, |k| k as c_int)
}

pub(crate) fn add_kind(call: &'static str, descr: usize, add_size: bool) -> c_int {
    ensure_init();
    let mut kinds = kinds();
    let kind = kinds.len();
    if kind >= MAX_KINDS {
        fatal!(call, "rgc's Boehm layer has room for ", MAX_KINDS, " object kinds, and all are in use");
    }
    let param = KIND_BIT | if add_size { PLUS_LENGTH_BIT } else { 0 } | kind;
    let layout = layout_id(call, WordsLayout { descriptor: descr, param });
    kinds.push(KindInfo { atomic: false, uncollectable: false, layout });
    kind as c_int
}

/// `GC_new_kind`: a kind whose objects are scanned as `descr` says (plus
/// their size with `add_size`). The free list is not used: rgc's
/// allocator keeps its own. Every object is cleared, whatever
/// `clear_new_objects` says. Misuse: more than [`MAX_KINDS`] kinds is fatal.
#[no_mangle]
pub extern "C" fn GC_new_kind(_free_list: *mut *mut c_void, descr: GcWord, add_size: c_int, _clear: c_int) -> u32 {
    add_kind("GC_new_kind", descr, add_size != 0) as u32
}
/// `GC_new_kind_inner`: [`GC_new_kind`] (there is no lock to hold).
#[no_mangle]
pub extern "C" fn GC_new_kind_inner(
    _free_list: *mut *mut c_void,
    descr: GcWord,
    add_size: c_int,
    _clear: c_int,
) -> u32 {
    add_kind("GC_new_kind_inner", descr, add_size != 0) as u32
}

/// Entries of a free list as bdwgc sizes them (`MAXOBJGRANULES + 1`).
const FREE_LIST_ENTRIES: usize = 129;

/// `GC_new_free_list`: a zeroed free list for [`GC_new_kind`]. rgc never
/// reads it; it stays allocated for good, as in bdwgc.
#[no_mangle]
pub extern "C" fn GC_new_free_list() -> *mut *mut c_void {
    Box::leak(vec![core::ptr::null_mut::<c_void>(); FREE_LIST_ENTRIES].into_boxed_slice()).as_mut_ptr()
}
/// `GC_new_free_list_inner`: [`GC_new_free_list`].
#[no_mangle]
pub extern "C" fn GC_new_free_list_inner() -> *mut *mut c_void {
    GC_new_free_list()
}

/// bdwgc's free lists of the built-in kinds, for old code that takes
/// their address: always empty here (the allocator keeps its own).
#[no_mangle]
pub static GC_objfreelist_ptr: CVar<*mut *mut c_void> = CVar::new(core::ptr::null_mut());
#[no_mangle]
pub static GC_aobjfreelist_ptr: CVar<*mut *mut c_void> = CVar::new(core::ptr::null_mut());
#[no_mangle]
pub static GC_uobjfreelist_ptr: CVar<*mut *mut c_void> = CVar::new(core::ptr::null_mut());
#[no_mangle]
pub static GC_auobjfreelist_ptr: CVar<*mut *mut c_void> = CVar::new(core::ptr::null_mut());

/// Points the free-list variables at empty lists (from `GC_init`).
pub fn init_free_list_variables() {
    for var in [&GC_objfreelist_ptr, &GC_aobjfreelist_ptr, &GC_uobjfreelist_ptr, &GC_auobjfreelist_ptr] {
        var.set(GC_new_free_list());
    }
}

/// Stores `proc` at a free index, or at `at` if given; its index.
fn add_proc(call: &'static str, proc: usize, at: Option<usize>) -> usize {
    let _held = PROC_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let free = || (RESERVED_MARK_PROCS..MAX_MARK_PROCS).find(|&i| PROCS[i].load(Ordering::Relaxed) == 0);
    let Some(index) = at.or_else(free) else {
        fatal!(
            call,
            "rgc's Boehm layer has room for ",
            MAX_MARK_PROCS - RESERVED_MARK_PROCS,
            " mark procedures, and all are in use"
        )
    };
    PROCS[index].store(proc, Ordering::Release);
    index
}

/// `GC_new_proc`: the index of a new mark procedure, for `GC_MAKE_PROC`.
/// Misuse: a null procedure, or more than [`MAX_MARK_PROCS`] less the
/// [`RESERVED_MARK_PROCS`], is fatal.
#[no_mangle]
pub extern "C" fn GC_new_proc(proc: Option<MarkProc>) -> u32 {
    new_proc("GC_new_proc", proc)
}
/// `GC_new_proc_inner`: [`GC_new_proc`].
#[no_mangle]
pub extern "C" fn GC_new_proc_inner(proc: Option<MarkProc>) -> u32 {
    new_proc("GC_new_proc_inner", proc)
}

fn new_proc(call: &'static str, proc: Option<MarkProc>) -> u32 {
    let Some(proc) = proc else { fatal!(call, "the mark procedure is NULL") };
    add_proc(call, proc as usize, None) as u32
}

/// The index of [`EXTENDED_BITMAP`], installed on first use. The caller
/// holds the collector lock.
fn extended_bitmap_proc() -> usize {
    match EXTENDED_BITMAP_INDEX.load(Ordering::Relaxed) {
        0 => {
            let index = add_proc("GC_make_descriptor", EXTENDED_BITMAP, None);
            EXTENDED_BITMAP_INDEX.store(index, Ordering::Relaxed);
            index
        }
        index => index,
    }
}

/// `GC_mark_and_push`: from a mark procedure, marks the object `obj`
/// points into (any interior pointer; anything else is ignored) and
/// queues it on rgc's mark stack; returns `msp` unchanged, since nothing
/// went on the procedure's own stack. Misuse: calling it outside a mark
/// procedure is fatal.
#[no_mangle]
pub extern "C" fn GC_mark_and_push(
    obj: *mut c_void,
    msp: *mut MsEntry,
    _limit: *mut MsEntry,
    _src: *mut *mut c_void,
) -> *mut MsEntry {
    if !with_visitor(|v| v.visit_ambiguous(obj as usize)) {
        fatal!("GC_mark_and_push", "called with ", obj, " outside a mark procedure");
    }
    msp
}

/// `GC_is_marked`: inside a mark procedure or a disclaim procedure,
/// whether the object `p` points into is marked yet. Elsewhere rgc keeps no marks (they are cleared at
/// the end of each collection) and answers 0 for a heap object. Misuse: a
/// `p` outside the heap is fatal.
#[no_mangle]
pub extern "C" fn GC_is_marked(p: *const c_void) -> c_int {
    let mut marked = false;
    if with_visitor(|v| marked = v.is_marked(p as usize)) {
        return marked as c_int;
    }
    if let Some(marked) = crate::disclaim::is_marked_now(p as usize) {
        return marked as c_int;
    }
    let mut c = crate::state::enter("GC_is_marked");
    if crate::state::object_at(&mut c, p as usize).is_none() {
        fatal!("GC_is_marked", p, " does not point into an object of the collected heap");
    }
    0
}

/// `GC_set_mark_bit`: inside a mark procedure, marks the object and (more
/// than bdwgc does) queues it, so what it reaches is kept too; elsewhere
/// nothing (no marks are kept between collections).
#[no_mangle]
pub extern "C" fn GC_set_mark_bit(p: *const c_void) {
    with_visitor(|v| v.visit_ambiguous(p as usize));
}

/// `GC_clear_mark_bit`: nothing: rgc cannot unmark an object it may have
/// scanned already, and keeps no marks between collections.
#[no_mangle]
pub extern "C" fn GC_clear_mark_bit(_p: *const c_void) {}

/// Allocates `bytes` of kind `k`.
pub(crate) fn generic_malloc(call: &'static str, bytes: usize, k: c_int, uncollectable: bool) -> *mut c_void {
    let info = kind_info(call, k);
    let kind = if info.atomic { Kind::Atomic } else { Kind::Scanned };
    allocate_laid_out(call, bytes, kind, uncollectable || info.uncollectable, info.layout)
}

/// `GC_generic_malloc`: `bytes` of kind `k`, cleared. Misuse: a kind that
/// does not exist is fatal.
#[no_mangle]
pub extern "C" fn GC_generic_malloc(bytes: usize, k: c_int) -> *mut c_void {
    generic_malloc("GC_generic_malloc", bytes, k, false)
}
#[no_mangle]
pub extern "C" fn GC_generic_malloc_ignore_off_page(bytes: usize, k: c_int) -> *mut c_void {
    generic_malloc("GC_generic_malloc_ignore_off_page", bytes, k, false)
}
/// `GC_generic_malloc_uncollectable`: as [`GC_generic_malloc`], a root
/// until `GC_free`d.
#[no_mangle]
pub extern "C" fn GC_generic_malloc_uncollectable(bytes: usize, k: c_int) -> *mut c_void {
    generic_malloc("GC_generic_malloc_uncollectable", bytes, k, true)
}
#[no_mangle]
pub extern "C" fn GC_generic_or_special_malloc(bytes: usize, k: c_int) -> *mut c_void {
    generic_malloc("GC_generic_or_special_malloc", bytes, k, false)
}
#[no_mangle]
pub extern "C" fn GC_debug_generic_or_special_malloc(
    bytes: usize,
    k: c_int,
    _file: *const c_char,
    _line: c_int,
) -> *mut c_void {
    generic_malloc("GC_debug_generic_or_special_malloc", bytes, k, false)
}
/// `GC_malloc_kind`: [`GC_generic_malloc`].
#[no_mangle]
pub extern "C" fn GC_malloc_kind(bytes: usize, k: c_int) -> *mut c_void {
    generic_malloc("GC_malloc_kind", bytes, k, false)
}
#[no_mangle]
pub extern "C" fn GC_malloc_kind_global(bytes: usize, k: c_int) -> *mut c_void {
    generic_malloc("GC_malloc_kind_global", bytes, k, false)
}

/// Objects `GC_generic_malloc_many` returns at most, and the bytes it
/// aims for.
const MANY_MAX_OBJECTS: usize = 64;
const MANY_BYTES: usize = 4096;

/// `GC_generic_malloc_many`: `*result` = several cleared objects of kind
/// `k` and `bytes` each (a multiple of the granule, as bdwgc requires,
/// and no extra byte), linked through their first word, the last one's
/// null; about [`MANY_BYTES`], at most [`MANY_MAX_OBJECTS`]; null if not
/// even one could be allocated. As in bdwgc, the program keeps the list
/// reachable, and marks the links of a pointer-free kind itself.
///
/// # Safety
/// `result` is writable.
#[no_mangle]
pub unsafe extern "C" fn GC_generic_malloc_many(bytes: usize, k: c_int, result: *mut *mut c_void) {
    let list = many("GC_generic_malloc_many", bytes, k);
    // SAFETY: caller contract.
    unsafe { *result = list };
}

/// The list [`GC_generic_malloc_many`] returns (`GC_malloc_many` too).
pub fn many(call: &'static str, bytes: usize, k: c_int) -> *mut c_void {
    let info = kind_info(call, k);
    let Some(size) = bytes.max(WORD).checked_next_multiple_of(WORD).filter(|&s| s <= MAX_BYTES_LEN) else {
        // Past what one object may hold: the single allocation reports it.
        return generic_malloc(call, bytes, k, false);
    };
    let count = (MANY_BYTES / size).clamp(1, MANY_MAX_OBJECTS);
    // The objects stay reachable from this array, on the stack (a
    // conservative root), until the list is handed over: a pointer-free
    // kind's links are not scanned.
    let mut objects = [core::ptr::null_mut::<c_void>(); MANY_MAX_OBJECTS];
    let mut made = 0;
    let kind = if info.atomic { Kind::Atomic } else { Kind::Scanned };
    while made < count {
        let p = crate::alloc::try_allocate_laid_out(call, size, kind, info.uncollectable, info.layout);
        if p.is_null() {
            break;
        }
        objects[made] = p;
        made += 1;
        core::hint::black_box(&mut objects);
    }
    if made == 0 {
        return crate::state::out_of_memory(bytes);
    }
    for i in 0..made {
        let next = objects.get(i + 1).copied().filter(|_| i + 1 < made).unwrap_or(core::ptr::null_mut());
        // SAFETY: fresh objects of at least a word.
        unsafe { *(objects[i] as *mut *mut c_void) = next };
    }
    objects[0]
}

// ---- gc_typed.h -----------------------------------------------------------------

/// Bits a bitmap descriptor has room for.
const BITMAP_BITS: usize = usize::BITS as usize - DS_TAG_BITS as usize;

/// `GC_make_descriptor`: the descriptor of objects whose word `i`
/// (`i < len`) may be a pointer when bit `i` of `bitmap` is set (bit `i %
/// 64` of word `i / 64`), in bdwgc's format: a length when every word up
/// to the last pointer is one, a bitmap when it fits, else a reference to
/// a copy of the bitmap that rgc keeps.
///
/// # Safety
/// `bitmap` holds `len` readable bits.
#[no_mangle]
pub unsafe extern "C" fn GC_make_descriptor(bitmap: *const GcWord, len: usize) -> GcWord {
    let bit = |i: usize| {
        // SAFETY: caller contract: i < len.
        unsafe { *bitmap.add(i / usize::BITS as usize) >> (i % usize::BITS as usize) & 1 != 0 }
    };
    let Some(last) = (0..len).rev().find(|&i| bit(i)) else {
        return DS_LENGTH; // no pointers
    };
    if (0..last).all(bit) {
        return (last + 1) * WORD | DS_LENGTH;
    }
    if last < BITMAP_BITS {
        let word = (0..=last).filter(|&i| bit(i)).fold(0, |d, i| d | SIGN_BIT >> i);
        return word | DS_BITMAP;
    }
    const BITS: usize = usize::BITS as usize;
    let words = (last + 1).div_ceil(BITS);
    let copy: Box<[usize]> = (0..words)
        .map(|w| (0..BITS).filter(|&b| w * BITS + b <= last && bit(w * BITS + b)).fold(0, |d, b| d | 1 << b))
        .collect();
    // Under the collector lock: no collection reads the table meanwhile,
    // and no thread is stopped while it holds the table's lock.
    let held = crate::state::enter("GC_make_descriptor");
    let index = extended_bitmap_proc();
    let mut table = EXTENDED.write().unwrap_or_else(|e| e.into_inner());
    table.push(copy);
    let descr = proc_descriptor(index, table.len() - 1);
    drop(table);
    drop(held);
    descr
}

/// bdwgc's `GC_MAKE_PROC(index, env)`.
fn proc_descriptor(index: usize, env: usize) -> usize {
    ((env << LOG_MAX_MARK_PROCS | index) << DS_TAG_BITS) | DS_PROC
}

fn typed(call: &'static str, bytes: usize, descr: GcWord, param: usize) -> *mut c_void {
    ensure_init();
    let layout = layout_id(call, WordsLayout { descriptor: descr, param });
    allocate_laid_out(call, bytes, Kind::Scanned, false, layout)
}

/// `GC_malloc_explicitly_typed`: `bytes`, scanned as `descr` (from
/// [`GC_make_descriptor`]) says.
#[no_mangle]
pub extern "C" fn GC_malloc_explicitly_typed(bytes: usize, descr: GcWord) -> *mut c_void {
    typed("GC_malloc_explicitly_typed", bytes, descr, ONCE)
}
#[no_mangle]
pub extern "C" fn GC_malloc_explicitly_typed_ignore_off_page(bytes: usize, descr: GcWord) -> *mut c_void {
    typed("GC_malloc_explicitly_typed_ignore_off_page", bytes, descr, ONCE)
}
/// `GC_calloc_explicitly_typed`: `n` elements of `size` bytes, each
/// scanned as `descr` says. `n * size` past what one object may hold
/// calls `GC_oom_fn`.
#[no_mangle]
pub extern "C" fn GC_calloc_explicitly_typed(n: usize, size: usize, descr: GcWord) -> *mut c_void {
    const CALL: &str = "GC_calloc_explicitly_typed";
    let Some(bytes) = n.checked_mul(size) else {
        crate::state::warn("rgc: GC_calloc_explicitly_typed: %lu elements overflow the address space", n);
        return crate::state::out_of_memory(usize::MAX);
    };
    typed(CALL, bytes, descr, if size == 0 || n <= 1 { ONCE } else { size })
}

// ---- gcj ----------------------------------------------------------------------------

/// `GC_gcj_kind` and `GC_gcj_debug_kind`: the kind of `GC_gcj_malloc`'s
/// objects, set by [`GC_init_gcj_malloc`].
#[no_mangle]
pub static GC_gcj_kind: CVar<c_int> = CVar::new(0);
#[no_mangle]
pub static GC_gcj_debug_kind: CVar<c_int> = CVar::new(0);
/// Offset of the descriptor in a `gcj` type table (bdwgc's `MARK_DESCR_OFFSET`).
const GCJ_DESCR_OFFSET: isize = WORD as isize;

/// `GC_init_gcj_malloc`: makes the `gcj` kind: an object's first word
/// points to its type table, whose second word is its descriptor. `proc`
/// becomes mark procedure `index`, for descriptors that name it (a null
/// `proc`, or an index outside the reserved ones, 0 to 7, installs none).
/// Calling it again changes nothing.
#[no_mangle]
pub extern "C" fn GC_init_gcj_malloc(index: c_int, proc: *mut c_void) {
    ensure_init();
    if GC_gcj_kind.get() != 0 {
        return;
    }
    if let Ok(i @ 0..RESERVED_MARK_PROCS) = usize::try_from(index) {
        if !proc.is_null() {
            add_proc("GC_init_gcj_malloc", proc as usize, Some(i));
        }
    }
    let descr = (-GCJ_DESCR_OFFSET - INDIR_PER_OBJ_BIAS) as usize | DS_PER_OBJECT;
    let kind = add_kind("GC_init_gcj_malloc", descr, false);
    GC_gcj_kind.set(kind);
    GC_gcj_debug_kind.set(kind);
}

fn gcj_malloc(call: &'static str, bytes: usize, table: *mut c_void) -> *mut c_void {
    if GC_gcj_kind.get() == 0 {
        fatal!(call, "called before GC_init_gcj_malloc");
    }
    let p = generic_malloc(call, bytes.max(WORD), GC_gcj_kind.get(), false);
    if !p.is_null() {
        // SAFETY: a fresh object of at least a word.
        unsafe { *(p as *mut *mut c_void) = table };
    }
    p
}

/// `GC_gcj_malloc`: `bytes` of the `gcj` kind, its first word `table`.
/// Misuse: before [`GC_init_gcj_malloc`], fatal.
#[no_mangle]
pub extern "C" fn GC_gcj_malloc(bytes: usize, table: *mut c_void) -> *mut c_void {
    gcj_malloc("GC_gcj_malloc", bytes, table)
}
#[no_mangle]
pub extern "C" fn GC_gcj_malloc_ignore_off_page(bytes: usize, table: *mut c_void) -> *mut c_void {
    gcj_malloc("GC_gcj_malloc_ignore_off_page", bytes, table)
}
#[no_mangle]
pub extern "C" fn GC_debug_gcj_malloc(
    bytes: usize,
    table: *mut c_void,
    _file: *const c_char,
    _line: c_int,
) -> *mut c_void {
    gcj_malloc("GC_debug_gcj_malloc", bytes, table)
}
