//! Allocation: `GC_malloc` and its kinds, `GC_realloc`, `GC_free`, the
//! string and aligned variants, and the `GC_debug_*` forms `-DGC_DEBUG`
//! selects (the same functions here: rgc keeps no debugging headers; use
//! `RGC_VERIFY=1` to check the heap instead).

use crate::finalize::after_possible_collection;
use crate::state::{ensure_init, enter, extra_bytes, is_object_start, object_at, out_of_memory, warn};
use core::ffi::{c_char, c_int, c_void};
use gc_api::abi::INLINE_BYTES_MAX;
use gc_api::collector::{AllocRequest, Collector};
use gc_api::fatal;
use gc_api::types::{BYTES_TYPE, MAX_BYTES_LEN, WORDS_TYPE};
use gc_heap::allocator::bump;
use gc_heap::layout::GRANULE;
use gc_heap::object::{header, Header, GC_WORD_OFFSET};
use gc_marksweep::ConservativeGc;
use shadowstack::NO_SPAN;

/// What an untyped object holds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// May hold pointers: scanned word by word (`GC_malloc`).
    Scanned,
    /// Holds no pointers: never scanned (`GC_malloc_atomic`).
    Atomic,
}

impl Kind {
    /// The built-in untyped type of its objects.
    #[inline]
    fn type_id(self) -> gc_api::TypeId {
        match self {
            Kind::Scanned => WORDS_TYPE,
            Kind::Atomic => BYTES_TYPE,
        }
    }
}

/// The size of the object a request for `bytes` gets, which `GC_size`
/// reports: bdwgc's slack, the extra byte ([`extra_bytes`]) rounded up to
/// rgc's granule (bdwgc rounds to 16 bytes; with rgc's 8-byte header that
/// would cost GCBench's 32-byte nodes a 56-byte cell instead of 48: see
/// `libs/boehm/README.md`). `None` past the 1 GiB limit of one object.
pub fn granted_bytes(bytes: usize) -> Option<usize> {
    let granted = bytes.checked_add(extra_bytes())?.checked_next_multiple_of(GRANULE)?.max(MIN_OBJECT_BYTES);
    (granted <= MAX_BYTES_LEN).then_some(granted)
}

/// The least an object gets: two words, as in bdwgc (`GC_size(GC_malloc(0))`
/// is 16 there, which its own test checks).
pub const MIN_OBJECT_BYTES: usize = 2 * core::mem::size_of::<usize>();

/// A zeroed collectable object of `bytes`: the next cell of the calling
/// thread's span when it has one (what rgc.h's inline `rgc_alloc_bytes`
/// does, in a few instructions), else [`allocate`].
#[inline(always)]
fn collectable(call: &'static str, bytes: usize, kind: Kind) -> *mut c_void {
    if bytes <= INLINE_BYTES_MAX {
        let granted = (bytes + extra_bytes()).next_multiple_of(GRANULE).max(MIN_OBJECT_BYTES);
        let Some(spans) = ConservativeGc::BYTES_SPANS.get((granted + 15) >> 3) else {
            return allocate(call, bytes, kind, false);
        };
        let class = spans.span as usize;
        let ctx = shadowstack::current();
        // SAFETY: the calling thread's context. Its spans are empty before
        // `GC_init`, in torture mode and on threads that are not attached,
        // which then take `allocate`'s checks; an untyped object of
        // `granted` bytes belongs to the span of its size. A stop of the
        // world waits for the span to be consistent again (deferred).
        let p = unsafe {
            shadowstack::signals::deferred(ctx, || {
                bump(&mut *ctx, class, Header::new(kind.type_id(), granted, 0), granted)
            })
        };
        if !p.is_null() {
            return p.cast();
        }
    }
    allocate(call, bytes, kind, false)
}

/// Allocates a zeroed untyped object of `bytes` (and the slack of
/// [`granted_bytes`]); `uncollectable` objects are roots until `GC_free`d.
/// Returns `GC_oom_fn(bytes)` on failure.
pub fn allocate(call: &'static str, bytes: usize, kind: Kind, uncollectable: bool) -> *mut c_void {
    allocate_laid_out(call, bytes, kind, uncollectable, 0)
}

/// [`allocate`] of an object whose header names `layout`, a layout id of
/// [`crate::kinds`] (0: none; only `<words>` objects have one).
pub fn allocate_laid_out(
    call: &'static str,
    bytes: usize,
    kind: Kind,
    uncollectable: bool,
    layout: u32,
) -> *mut c_void {
    ensure_init(); // GC_all_interior_pointers decides the slack from then on
    let Some(granted) = granted_bytes(bytes) else {
        warn("rgc: one object is limited to 1 GiB - 1 bytes; a request for %lu bytes fails", bytes);
        return out_of_memory(bytes);
    };
    let p = try_allocate_laid_out(call, granted, kind, uncollectable, layout);
    if p.is_null() {
        return out_of_memory(bytes);
    }
    p
}

/// [`try_allocate`], then `layout` written to the new object's header.
pub fn try_allocate_laid_out(
    call: &'static str,
    bytes: usize,
    kind: Kind,
    uncollectable: bool,
    layout: u32,
) -> *mut c_void {
    let p = try_allocate(call, bytes, kind, uncollectable);
    if !p.is_null() && layout != 0 {
        debug_assert!(kind == Kind::Scanned, "only <words> objects have a layout");
        // SAFETY: a fresh `<words>` object of this layer, whose collector
        // word the conservative plan leaves to it. A collection that stops
        // the thread before this store scans it word by word, which keeps
        // at least what its layout would (and it holds zeros yet).
        unsafe { (p.cast::<u8>().offset(GC_WORD_OFFSET) as *mut u32).write(layout) };
    }
    p
}

/// [`allocate`] of at most `MAX_BYTES_LEN` bytes, null where it would call
/// `GC_oom_fn`.
fn try_allocate(call: &'static str, bytes: usize, kind: Kind, uncollectable: bool) -> *mut c_void {
    let type_id = kind.type_id();
    // A small collectable object comes from the thread's span, as rgc.h's
    // inline `rgc_alloc_bytes` does: no collector lock, no locked
    // instruction. Uncollectable ones are recorded under the lock.
    let small = !uncollectable && bytes <= INLINE_BYTES_MAX;
    let class = ConservativeGc::BYTES_SPANS.get((bytes + 15) >> 3).map_or(NO_SPAN, |c| c.span as usize);
    if small {
        let ctx = shadowstack::current();
        // SAFETY: the calling thread's context; a non-zero key says it is
        // attached and allocates from spans of this collector (torture
        // mode and threads other than the initialising one have none).
        if unsafe { (*ctx).alloc_key } != 0 {
            // SAFETY: an untyped object of `bytes` belongs to the span of
            // its size, like a byte buffer; the refill changes the span,
            // which a stop of the world waits out (deferred).
            let p = unsafe {
                shadowstack::signals::deferred(ctx, || {
                    ConservativeGc::alloc_without_lock(ctx, class, type_id, bytes, bytes)
                })
            };
            if !p.is_null() {
                return p.cast();
            }
        }
    }
    let (p, collections) = {
        let mut c = enter(call);
        // Cells `GC_free` gave back come first, before the span is refilled:
        // a program that frees what it allocates (with the collector
        // disabled, say) reuses them as under bdwgc instead of growing.
        let inline = small && !c.rt.heap().has_listed_free_cell(class);
        let req = AllocRequest { type_id, length: bytes, bytes, call, inline };
        // SAFETY: built-in untyped types take their length in bytes.
        let p = unsafe { c.alloc(&req) };
        if uncollectable && !p.is_null() {
            c.plan.set_uncollectable(p);
        }
        (p, c.rt.counters().collections)
    };
    after_possible_collection(collections);
    p.cast()
}

/// The base of the live object that starts at `p`, or a fatal error naming
/// `call` (an object's start is what `GC_free` and `GC_realloc` take).
fn expect_base(c: &mut ConservativeGc, call: &'static str, p: *mut c_void) -> Kind {
    if !is_object_start(c, p) {
        fatal!(
            call,
            p,
            " is not the start of an object allocated by GC_malloc (a foreign pointer, an interior pointer, or \
             already freed)"
        );
    }
    // SAFETY: validated just above.
    let h = unsafe { header(p.cast()) };
    match h.bytes_len() {
        Some(_) if h.is_words() => Kind::Scanned,
        Some(_) => Kind::Atomic,
        None => fatal!(call, p, " is a typed rgc object, not one from GC_malloc"),
    }
}

#[no_mangle]
pub extern "C" fn GC_malloc(bytes: usize) -> *mut c_void {
    collectable("GC_malloc", bytes, Kind::Scanned)
}
#[no_mangle]
pub extern "C" fn GC_malloc_atomic(bytes: usize) -> *mut c_void {
    collectable("GC_malloc_atomic", bytes, Kind::Atomic)
}
#[no_mangle]
pub extern "C" fn GC_malloc_uncollectable(bytes: usize) -> *mut c_void {
    allocate("GC_malloc_uncollectable", bytes, Kind::Scanned, true)
}
#[no_mangle]
pub extern "C" fn GC_malloc_atomic_uncollectable(bytes: usize) -> *mut c_void {
    allocate("GC_malloc_atomic_uncollectable", bytes, Kind::Atomic, true)
}
/// rgc recognises every interior pointer, so the promise this makes
/// (only pointers near the start) changes nothing.
#[no_mangle]
pub extern "C" fn GC_malloc_ignore_off_page(bytes: usize) -> *mut c_void {
    collectable("GC_malloc_ignore_off_page", bytes, Kind::Scanned)
}
#[no_mangle]
pub extern "C" fn GC_malloc_atomic_ignore_off_page(bytes: usize) -> *mut c_void {
    collectable("GC_malloc_atomic_ignore_off_page", bytes, Kind::Atomic)
}

/// `GC_free`: frees `p` now (null is ignored); while more than one thread
/// is registered, its cell waits for the next collection instead (it is
/// no longer a root and has no finalizer). Misuse: `p` not the start of a
/// live `GC_malloc` object is a fatal error.
#[no_mangle]
pub extern "C" fn GC_free(p: *mut c_void) {
    if p.is_null() {
        return;
    }
    let mut c = enter("GC_free");
    expect_base(&mut c, "GC_free", p);
    let size = crate::state::size_of(&c, p.cast());
    let gc = &mut *c;
    // With other threads running, their spans may lie over the cell's
    // block, and releasing them means stopping every thread: the cell is
    // left to the next collection instead.
    if shadowstack::attached_count() > 1 {
        // SAFETY: validated as a live object; the client gives up its pointer.
        unsafe { gc.plan.forget(&mut gc.rt, p.cast()) };
    } else {
        // SAFETY: as above.
        unsafe { gc.plan.free(&mut gc.rt, p.cast()) };
    }
    crate::state::count_explicitly_freed(size, gc.rt.counters().collections);
}

/// `GC_realloc`: resizes in place when the object's cell has room, else
/// moves it (same kind, uncollectable stays uncollectable) and frees the
/// old one. `GC_realloc(NULL, n)` allocates; `GC_realloc(p, 0)` frees and
/// returns NULL.
#[no_mangle]
pub extern "C" fn GC_realloc(p: *mut c_void, bytes: usize) -> *mut c_void {
    const CALL: &str = "GC_realloc";
    if p.is_null() {
        return allocate(CALL, bytes, Kind::Scanned, false);
    }
    if bytes == 0 {
        GC_free(p);
        return core::ptr::null_mut();
    }
    let granted = granted_bytes(bytes);
    let (kind, uncollectable, old_len, layout) = {
        let mut c = enter(CALL);
        let kind = expect_base(&mut c, CALL, p);
        let gc = &mut *c;
        // SAFETY: a live untyped object (checked by expect_base).
        if granted.is_some_and(|g| unsafe { gc.plan.resize_in_place(&mut gc.rt, p.cast(), g) }) {
            return p;
        }
        // SAFETY: as above.
        let h = unsafe { header(p.cast()) };
        let layout = if kind == Kind::Scanned { h.gc } else { 0 };
        (kind, gc.plan.is_uncollectable(p.cast()), h.bytes_len().expect("untyped"), layout)
    };
    // `p` stays reachable from this frame (a conservative root) meanwhile.
    let q = allocate_laid_out(CALL, bytes, kind, uncollectable, layout);
    if !q.is_null() {
        // SAFETY: `q` is a fresh object of `granted` bytes (allocate
        // succeeded, so the size is within the limit), `p` holds `old_len`.
        let len = old_len.min(granted.unwrap_or(bytes));
        unsafe { core::ptr::copy_nonoverlapping(p as *const u8, q as *mut u8, len) };
        GC_free(p);
    }
    q
}

/// `GC_strdup`: an atomic copy of the string `s` (NULL gives NULL).
///
/// # Safety
/// `s` is null or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn GC_strdup(s: *const c_char) -> *mut c_char {
    if s.is_null() {
        return core::ptr::null_mut();
    }
    // SAFETY: caller contract.
    let n = unsafe { libc::strlen(s) };
    copy_string("GC_strdup", s, n)
}

/// `GC_strndup`: at most `n` characters of `s`, NUL-terminated.
///
/// # Safety
/// `s` is null, or readable up to its NUL or `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn GC_strndup(s: *const c_char, n: usize) -> *mut c_char {
    if s.is_null() {
        return core::ptr::null_mut();
    }
    // SAFETY: caller contract.
    let len = unsafe { libc::strnlen(s, n) };
    copy_string("GC_strndup", s, len)
}

fn copy_string(call: &'static str, s: *const c_char, len: usize) -> *mut c_char {
    let Some(size) = len.checked_add(1) else { return out_of_memory(len).cast() };
    let d = allocate(call, size, Kind::Atomic, false) as *mut c_char;
    if !d.is_null() {
        // SAFETY: `s` has `len` readable bytes; `d` has len + 1 (zeroed, so NUL-terminated).
        unsafe { core::ptr::copy_nonoverlapping(s, d, len) };
    }
    d
}

/// `GC_memalign`: `bytes` at an address that is a multiple of `align` (a
/// power of two). Above 8, rgc over-allocates and returns an interior
/// pointer, which keeps the object alive like any other; `GC_base` gives
/// the object's start. Misuse: `align` not a power of two returns NULL.
#[no_mangle]
pub extern "C" fn GC_memalign(align: usize, bytes: usize) -> *mut c_void {
    if !align.is_power_of_two() {
        warn("rgc: GC_memalign: alignment %lu is not a power of two; returning NULL", align);
        return core::ptr::null_mut();
    }
    if align <= gc_heap::layout::GRANULE {
        return allocate("GC_memalign", bytes, Kind::Scanned, false);
    }
    let Some(padded) = bytes.checked_add(align - gc_heap::layout::GRANULE) else {
        return out_of_memory(bytes);
    };
    let p = allocate("GC_memalign", padded, Kind::Scanned, false);
    if p.is_null() {
        return p;
    }
    let aligned = (p as usize).next_multiple_of(align);
    p.cast::<u8>().wrapping_add(aligned - p as usize).cast()
}

/// `GC_posix_memalign`: 0 and `*out` set, `EINVAL` for an alignment that
/// is not a power-of-two multiple of `sizeof(void *)`, `ENOMEM` on failure.
///
/// # Safety
/// `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn GC_posix_memalign(out: *mut *mut c_void, align: usize, bytes: usize) -> c_int {
    if !align.is_power_of_two() || align % core::mem::size_of::<*mut c_void>() != 0 {
        return libc::EINVAL;
    }
    let p = GC_memalign(align, bytes);
    if p.is_null() {
        return libc::ENOMEM;
    }
    // SAFETY: caller contract.
    unsafe { *out = p };
    0
}

// ---- GC_debug_*: -DGC_DEBUG routes the GC_MALLOC family here, with the
// caller's file and line, which rgc does not record.

#[no_mangle]
pub extern "C" fn GC_debug_malloc(bytes: usize, _file: *const c_char, _line: c_int) -> *mut c_void {
    collectable("GC_debug_malloc", bytes, Kind::Scanned)
}
#[no_mangle]
pub extern "C" fn GC_debug_malloc_atomic(bytes: usize, _file: *const c_char, _line: c_int) -> *mut c_void {
    collectable("GC_debug_malloc_atomic", bytes, Kind::Atomic)
}
#[no_mangle]
pub extern "C" fn GC_debug_malloc_uncollectable(bytes: usize, _file: *const c_char, _line: c_int) -> *mut c_void {
    allocate("GC_debug_malloc_uncollectable", bytes, Kind::Scanned, true)
}
#[no_mangle]
pub extern "C" fn GC_debug_malloc_atomic_uncollectable(
    bytes: usize,
    _file: *const c_char,
    _line: c_int,
) -> *mut c_void {
    allocate("GC_debug_malloc_atomic_uncollectable", bytes, Kind::Atomic, true)
}
#[no_mangle]
pub extern "C" fn GC_debug_malloc_ignore_off_page(bytes: usize, _file: *const c_char, _line: c_int) -> *mut c_void {
    collectable("GC_debug_malloc_ignore_off_page", bytes, Kind::Scanned)
}
#[no_mangle]
pub extern "C" fn GC_debug_malloc_atomic_ignore_off_page(
    bytes: usize,
    _file: *const c_char,
    _line: c_int,
) -> *mut c_void {
    collectable("GC_debug_malloc_atomic_ignore_off_page", bytes, Kind::Atomic)
}
#[no_mangle]
pub extern "C" fn GC_debug_realloc(p: *mut c_void, bytes: usize, _file: *const c_char, _line: c_int) -> *mut c_void {
    GC_realloc(p, bytes)
}
#[no_mangle]
pub extern "C" fn GC_debug_free(p: *mut c_void) {
    GC_free(p)
}
/// # Safety
/// As for [`GC_strdup`].
#[no_mangle]
pub unsafe extern "C" fn GC_debug_strdup(s: *const c_char, _file: *const c_char, _line: c_int) -> *mut c_char {
    // SAFETY: forwarded contract.
    unsafe { GC_strdup(s) }
}
/// # Safety
/// As for [`GC_strndup`].
#[no_mangle]
pub unsafe extern "C" fn GC_debug_strndup(
    s: *const c_char,
    n: usize,
    _file: *const c_char,
    _line: c_int,
) -> *mut c_char {
    // SAFETY: forwarded contract.
    unsafe { GC_strndup(s, n) }
}

// ---- batches and the "stubborn" API ---------------------------------------------

/// `GC_malloc_many`: several zeroed objects of `bytes` (at least a word,
/// with the slack of [`granted_bytes`]), linked through their first word
/// (`GC_NEXT`), the last one's null, as many as
/// `GC_generic_malloc_many` gives (`crate::kinds::many`). Returns
/// `GC_oom_fn(bytes)` if not even one could be allocated.
#[no_mangle]
pub extern "C" fn GC_malloc_many(bytes: usize) -> *mut c_void {
    const CALL: &str = "GC_malloc_many";
    ensure_init(); // the slack depends on GC_all_interior_pointers at GC_init
    let Some(size) = granted_bytes(bytes.max(core::mem::size_of::<*mut c_void>())) else {
        return allocate(CALL, bytes, Kind::Scanned, false);
    };
    crate::kinds::many(CALL, size, crate::kinds::NORMAL)
}

/// `GC_malloc_stubborn`: `GC_malloc` (bdwgc no longer has stubborn
/// objects either).
#[no_mangle]
pub extern "C" fn GC_malloc_stubborn(bytes: usize) -> *mut c_void {
    collectable("GC_malloc_stubborn", bytes, Kind::Scanned)
}
#[no_mangle]
pub extern "C" fn GC_debug_malloc_stubborn(bytes: usize, _file: *const c_char, _line: c_int) -> *mut c_void {
    collectable("GC_debug_malloc_stubborn", bytes, Kind::Scanned)
}
/// `GC_change_stubborn`: nothing to do.
#[no_mangle]
pub extern "C" fn GC_change_stubborn(_p: *const c_void) {}
#[no_mangle]
pub extern "C" fn GC_debug_change_stubborn(_p: *const c_void) {}
/// `GC_end_stubborn_change`: records nothing, since every collection
/// scans the whole heap (bdwgc marks the page dirty for its incremental
/// mode, which rgc's Boehm layer does not have).
#[no_mangle]
pub extern "C" fn GC_end_stubborn_change(_p: *const c_void) {}
/// `GC_debug_end_stubborn_change`: as [`GC_end_stubborn_change`], after
/// checking that `p` points into a heap object (a fatal error otherwise,
/// as in bdwgc's debugging build).
#[no_mangle]
pub extern "C" fn GC_debug_end_stubborn_change(p: *const c_void) {
    let _ = expect_inside_object("GC_debug_end_stubborn_change", p);
}

/// `GC_ptr_store_and_dirty`: `*p = q`, then [`GC_end_stubborn_change`].
///
/// # Safety
/// `p` is a writable, aligned pointer slot.
#[no_mangle]
pub unsafe extern "C" fn GC_ptr_store_and_dirty(p: *mut c_void, q: *const c_void) {
    // SAFETY: caller contract.
    unsafe { *(p as *mut *const c_void) = q };
    GC_end_stubborn_change(p);
}

/// `GC_debug_ptr_store_and_dirty`: [`GC_ptr_store_and_dirty`] into a heap
/// object only: a `p` that is not an aligned pointer slot wholly inside a
/// live heap object is a fatal error naming it.
///
/// # Safety
/// As for [`GC_ptr_store_and_dirty`].
#[no_mangle]
pub unsafe extern "C" fn GC_debug_ptr_store_and_dirty(p: *mut c_void, q: *const c_void) {
    const CALL: &str = "GC_debug_ptr_store_and_dirty";
    let (base, size) = expect_inside_object(CALL, p);
    let slot = core::mem::size_of::<*mut c_void>();
    if p as usize % slot != 0 || p as usize + slot > base as usize + size {
        fatal!(CALL, p, " is not an aligned pointer slot inside the object at ", base);
    }
    // SAFETY: an aligned slot inside a live heap object (checked above).
    unsafe { *(p as *mut *const c_void) = q };
}

/// The start and size of the live heap object `p` points into, or a
/// fatal error naming `call`.
fn expect_inside_object(call: &'static str, p: *const c_void) -> (*mut u8, usize) {
    let mut c = enter(call);
    match object_at(&mut c, p as usize) {
        Some(base) => (base, crate::state::size_of(&c, base)),
        None => fatal!(call, p, " does not point into an object of the collected heap"),
    }
}
