//! The count word: the object header's `gc` word under `--gc=refcount`.
//!
//! ```text
//!  31                              8 7          6       5           4           3..2     1         0
//! [ count (24 bits)                 | BUFFERED | YOUNG | FINALIZABLE | WEAK_TARGET | colour | ACYCLIC | LOGGED ]
//! ```
//!
//! | bits | name | set by | cleared by | read by |
//! |---|---|---|---|---|
//! | 8-31 | count: heap references to the object | `RGC_STORE` (+1 for the new value) | `RGC_STORE` (-1 for the old value), frees of referrers, trial deletion (restored unless garbage) | everyone |
//! | 0 | `LOGGED`: the store log, the zero-count table or the nursery lists the object | allocation; a decrement that logs; a reconciliation keeping a zero-count root listed | the reconciliation examining the entry | `RGC_STORE`, so an object is logged once per reconciliation |
//! | 1 | `ACYCLIC`: the type has no traced pointer field (byte buffers, weak-reference cells, pointer-free types) | allocation | never | `RGC_STORE` (no cycle candidacy) |
//! | 2-3 | colour ([`BLACK`], [`GRAY`], [`WHITE`], [`DOOMED`]) | the cycle collector; a reconciliation finding garbage (`DOOMED`: awaiting its free) | the cycle collector: outside it every object is `BLACK` except garbage awaiting its free | the cycle collector; `doom` (each garbage object is scheduled once) |
//! | 4 | `WEAK_TARGET`: a weak reference was created to the object | `rgc_weakref_new` | never | frees: weak references to it are cleared |
//! | 5 | `FINALIZABLE`: the finalizer has not been queued yet | allocation (type with a finalizer) | queueing the finalizer | frees: the object is queued instead |
//! | 6 | `YOUNG`: a young cycle candidate (new, not a root when first reconciled) | reconciliation | the cycle collector, when it has processed the young candidates; logging or candidacy (it becomes an ordinary candidate) | the cycle collector's young phase |
//! | 7 | `BUFFERED`: the candidate buffer lists the object | making it a candidate | the cycle collector taking the entry | `RGC_STORE` (a non-zero decrement of a candidate is not logged), candidacy (listed once) |
//!
//! `BUFFERED` is separate from `LOGGED` so that a candidate whose count
//! then drops to zero is still logged, and freed at the next
//! reconciliation rather than at the next cycle collection (Bacon and
//! Rajan's "buffered" flag): a candidate buffer holding many objects that
//! die, such as an LRU list's evicted entries, would otherwise hold their
//! memory for a whole cycle-collection interval.
//!
//! **Saturation.** A count that reaches [`MAX_COUNT`] (16,777,215 heap
//! references) sticks there: it is never incremented or decremented again,
//! and `rgc_refcount_sticky` is set. Neither counting nor trial deletion can
//! free a sticky object; the backup trace can (it recounts every object
//! from scratch), and a full collection runs it whenever the flag is set.
//!
//! `LOGGED`, `ACYCLIC`, `YOUNG`, `BUFFERED`, [`ONE`] and [`STICKY`] are ABI: `rgc.h` spells them
//! `RGC_RC_*` for the inline barrier (a unit test checks that the two agree).

use gc_api::fatal;
use gc_heap::object::GC_WORD_OFFSET;

pub const LOGGED: u32 = 1;
pub const ACYCLIC: u32 = 2;
pub const COLOUR_MASK: u32 = 0b1100;
/// Not being examined by the cycle collector (every object, outside it).
pub const BLACK: u32 = 0;
/// Trial deletion has subtracted the object's internal references.
pub const GRAY: u32 = 0b0100;
/// No reference from outside the gray subgraph: garbage unless revived.
pub const WHITE: u32 = 0b1000;
/// Garbage about to be freed: white and collected by the cycle collector,
/// or found by a reconciliation and waiting in `free_work`.
pub const DOOMED: u32 = 0b1100;
pub const WEAK_TARGET: u32 = 16;
pub const FINALIZABLE: u32 = 32;
pub const YOUNG: u32 = 64;
pub const BUFFERED: u32 = 128;
/// Flag bits a full recount keeps.
pub const PERMANENT_FLAGS: u32 = ACYCLIC | WEAK_TARGET | FINALIZABLE;
/// One count unit.
pub const ONE: u32 = 256;
/// The smallest word whose count is saturated.
pub const STICKY: u32 = 0xFFFF_FF00;
/// The saturated count.
pub const MAX_COUNT: u32 = STICKY >> 8;

#[inline]
pub fn count(w: u32) -> u32 {
    w >> 8
}

#[inline]
pub fn is_sticky(w: u32) -> bool {
    w >= STICKY
}

#[inline]
pub fn colour(w: u32) -> u32 {
    w & COLOUR_MASK
}

#[inline]
pub fn with_colour(w: u32, c: u32) -> u32 {
    (w & !COLOUR_MASK) | c
}

/// The count word of `obj`.
///
/// # Safety
/// `obj` is a live object of the heap.
#[inline]
pub unsafe fn get(obj: *mut u8) -> u32 {
    // SAFETY: the gc word is the last 4 bytes of the header before `obj`.
    unsafe { (obj.offset(GC_WORD_OFFSET) as *const u32).read() }
}

/// # Safety
/// As for [`get`].
#[inline]
pub unsafe fn set(obj: *mut u8, w: u32) {
    // SAFETY: as in `get`.
    unsafe { (obj.offset(GC_WORD_OFFSET) as *mut u32).write(w) }
}

/// Adds one reference. Returns true when the count is (now) saturated.
///
/// # Safety
/// As for [`get`].
#[inline]
pub unsafe fn increment(obj: *mut u8) -> bool {
    // SAFETY: caller contract.
    let w = unsafe { get(obj) };
    if w >= STICKY - ONE {
        if w < STICKY {
            // SAFETY: caller contract.
            unsafe { set(obj, w + ONE) };
        }
        return true;
    }
    // SAFETY: caller contract.
    unsafe { set(obj, w + ONE) };
    false
}

/// Removes one reference; returns the new word, or `None` if the count is
/// saturated (it stays). A count already at zero means the counts are
/// wrong (a pointer was written without `RGC_STORE`): fatal, naming `obj`.
///
/// # Safety
/// As for [`get`].
#[inline]
pub unsafe fn decrement(obj: *mut u8) -> Option<u32> {
    // SAFETY: caller contract.
    let w = unsafe { get(obj) };
    let v = w.wrapping_sub(ONE);
    if v < STICKY - ONE {
        // SAFETY: caller contract.
        unsafe { set(obj, v) };
        return Some(v);
    }
    if w < ONE {
        underflow(obj);
    }
    None
}

#[cold]
#[inline(never)]
pub fn underflow(obj: *mut u8) -> ! {
    fatal!(
        "collector",
        "the reference count of object ",
        obj,
        " would drop below zero: a pointer to it was written into a heap object without RGC_STORE (under \
         --gc=refcount every heap pointer store must use it)"
    )
}

/// Whether a decrement that left word `v` must log the object: once per
/// object, for a count of zero (maybe garbage) or, for types that can form
/// cycles and objects not already candidates, a non-zero count (a possible
/// garbage-cycle root). A young candidate is logged: losing a reference
/// makes it an ordinary candidate (the logger clears `YOUNG`).
#[inline]
pub fn must_log(v: u32) -> bool {
    v & LOGGED == 0 && (v < ONE || v & (ACYCLIC | BUFFERED) == 0)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    fn object() -> [u64; 2] {
        [0, 0]
    }

    #[test]
    fn counts_saturate_and_stick() {
        let mut cell = object();
        let obj = cell.as_mut_ptr().wrapping_add(1) as *mut u8;
        // SAFETY (all calls): obj has a header word in front of it.
        unsafe {
            set(obj, STICKY - 2 * ONE | LOGGED);
            assert!(!increment(obj));
            assert_eq!(count(get(obj)), MAX_COUNT - 1);
            assert!(increment(obj), "reaching the maximum reports saturation");
            assert!(is_sticky(get(obj)));
            assert!(increment(obj), "a sticky count stays saturated");
            assert_eq!(get(obj), STICKY | LOGGED, "flags survive saturation");
            assert_eq!(decrement(obj), None, "a sticky count is never decremented");
            assert_eq!(get(obj), STICKY | LOGGED);
            set(obj, 2 * ONE | ACYCLIC);
            assert_eq!(decrement(obj), Some(ONE | ACYCLIC));
            assert_eq!(decrement(obj), Some(ACYCLIC));
        }
    }

    #[test]
    fn logging_rule() {
        assert!(must_log(0), "zero count: maybe garbage");
        assert!(must_log(ACYCLIC), "zero count of an acyclic object too");
        assert!(must_log(3 * ONE), "non-zero count of a cyclic type: a candidate");
        assert!(!must_log(3 * ONE | ACYCLIC), "acyclic objects are never cycle candidates");
        assert!(!must_log(LOGGED), "once per object");
        assert!(!must_log(LOGGED | 2 * ONE), "once per object");
        assert!(must_log(YOUNG | 2 * ONE), "a young candidate that loses a reference becomes an ordinary one");
        assert!(!must_log(BUFFERED | 2 * ONE), "a candidate is listed once");
        assert!(must_log(BUFFERED), "a candidate whose count reaches zero is logged, to be freed promptly");
    }

    /// `rgc.h` mirrors these constants for the inline barrier.
    #[test]
    fn header_constants_match() {
        let h = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../include/rgc.h")).unwrap();
        let define = |name: &str| -> u32 {
            let line = h.lines().find(|l| l.starts_with(&std::format!("#define {name} "))).unwrap();
            let v = line.split_whitespace().nth(2).unwrap().trim_end_matches('u');
            match v.strip_prefix("0x") {
                Some(hex) => u32::from_str_radix(hex, 16).unwrap(),
                None => v.parse().unwrap(),
            }
        };
        assert_eq!(define("RGC_RC_LOGGED"), LOGGED);
        assert_eq!(define("RGC_RC_ACYCLIC"), ACYCLIC);
        assert_eq!(define("RGC_RC_YOUNG"), YOUNG);
        assert_eq!(define("RGC_RC_BUFFERED"), BUFFERED);
        assert_eq!(define("RGC_RC_ONE"), ONE);
        assert_eq!(define("RGC_RC_STICKY"), STICKY);
    }
}
