//! The object header.
//!
//! Every object is preceded by one 8-byte [`Header`]:
//!
//! | field  | set by     | changed by | read by |
//! |--------|------------|------------|---------|
//! | `kind` | allocation: the type id, or [`BYTES_KIND`] / [`WORDS_KIND`] plus the length of an untyped object (`<bytes>`, `<words>`) | never (the cell is freed as a whole) | marker, verifier, `rgc_object_size`, everything through [`Header::type_id`] |
//! | `gc`   | allocation: 0, or the collector's initial word | the collector that owns it (refcount: count and flags, see `gc-refcount`) | that collector only |
//!
//! Mark and allocation state live in side bitmaps, not in the header, so
//! that sweeping never touches dead objects' memory and conservative
//! lookups never read a header before the bitmap says an object is there.
//!
//! An untyped object's length lives in `kind` (not in `gc`) so that every
//! collector gets the whole `gc` word: reference counting needs a count in
//! every object, byte buffers included. Bit 31 of `kind` tags an untyped
//! object and bit 30 says whether the marker scans it word by word
//! (`<words>`, the Boehm API's `GC_malloc`) or not (`<bytes>`). The price is
//! a 1 GiB - 1 limit on one untyped object and 2^30 type ids, both checked
//! where they are created.

use crate::layout::HEADER;
use gc_api::types::{TypeId, TypeInfo, TypeTable, BYTES_TYPE, WORDS_TYPE};

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The type id, or [`BYTES_KIND`] / [`WORDS_KIND`] | length for an untyped object.
    pub kind: u32,
    /// The collector's word (0 unless a collector uses it).
    pub gc: u32,
}

const _: () = assert!(core::mem::size_of::<Header>() == HEADER);

/// Set in `kind` for every untyped object.
const UNTYPED_BIT: u32 = 1 << 31;
/// Set in `kind`, besides [`UNTYPED_BIT`], for an untyped object the marker scans.
const SCANNED_BIT: u32 = 1 << 30;
/// The length bits of an untyped object's `kind`.
const LENGTH_MASK: u32 = SCANNED_BIT - 1;
/// `kind` of a byte buffer, or-ed with its length.
pub const BYTES_KIND: u32 = UNTYPED_BIT;
/// `kind` of a `<words>` object, or-ed with its length in bytes.
pub const WORDS_KIND: u32 = UNTYPED_BIT | SCANNED_BIT;
const _: () = assert!(gc_api::types::MAX_BYTES_LEN == LENGTH_MASK as usize);
const _: () = assert!(gc_api::types::MAX_TYPES == SCANNED_BIT as usize);

/// Byte offset of the `gc` word from the object pointer (C reaches it as
/// `((uint32_t *)obj)[-1]`).
pub const GC_WORD_OFFSET: isize = -4;

impl Header {
    /// The header of a new object of type `type_id` (an untyped object of
    /// `length` bytes when it is [`BYTES_TYPE`] or [`WORDS_TYPE`]).
    #[inline]
    pub fn new(type_id: TypeId, length: usize, gc: u32) -> Header {
        let untyped = |tag: u32| {
            debug_assert!(length <= gc_api::types::MAX_BYTES_LEN, "checked where untyped objects are requested");
            tag | length as u32
        };
        let kind = match type_id {
            BYTES_TYPE => untyped(BYTES_KIND),
            WORDS_TYPE => untyped(WORDS_KIND),
            _ => type_id,
        };
        Header { kind, gc }
    }

    /// The object's type ([`BYTES_TYPE`] or [`WORDS_TYPE`] for untyped objects).
    /// A damaged header with [`SCANNED_BIT`] alone gives an id no type has
    /// (ids stay below that bit), so the verifier reports it.
    #[inline]
    pub fn type_id(self) -> TypeId {
        match self.kind & WORDS_KIND {
            BYTES_KIND => BYTES_TYPE,
            WORDS_KIND => WORDS_TYPE,
            _ => self.kind,
        }
    }

    /// The length of an untyped object, `None` for typed objects.
    #[inline]
    pub fn bytes_len(self) -> Option<usize> {
        (self.kind & UNTYPED_BIT != 0).then_some((self.kind & LENGTH_MASK) as usize)
    }

    /// True for a `<words>` object: untyped, and scanned word by word.
    #[inline]
    pub fn is_words(self) -> bool {
        self.kind & WORDS_KIND == WORDS_KIND
    }

    /// The same header describing an untyped object of `length` bytes
    /// (`GC_realloc` within one cell).
    #[inline]
    pub fn with_bytes_len(self, length: usize) -> Header {
        debug_assert!(self.bytes_len().is_some() && length <= gc_api::types::MAX_BYTES_LEN);
        Header { kind: (self.kind & !LENGTH_MASK) | length as u32, gc: self.gc }
    }
}

/// The header of the object at `obj`.
///
/// # Safety
/// `obj` is an object pointer of a heap (invariant 2 of the crate holds for it).
#[inline]
pub unsafe fn header(obj: *const u8) -> Header {
    // SAFETY: the header is the HEADER bytes right before the object.
    unsafe { (obj.sub(HEADER) as *const Header).read() }
}

/// Item count of a varsize object.
///
/// # Safety
/// `obj` is a live object of type `info`, which is varsize.
#[inline]
pub unsafe fn array_length(obj: *const u8, info: &TypeInfo) -> usize {
    // SAFETY: validated descriptors keep the length field inside the fixed part.
    unsafe { (obj.add(info.length_offset as usize) as *const usize).read() }
}

/// Requested size in bytes of the object at `obj`.
///
/// # Safety
/// `obj` is a live object whose header names a type registered in `types`.
#[inline]
pub unsafe fn object_bytes(obj: *const u8, types: &TypeTable) -> usize {
    // SAFETY: caller contract.
    let h = unsafe { header(obj) };
    if let Some(len) = h.bytes_len() {
        return len;
    }
    let info =
        types.get(h.kind).unwrap_or_else(|| gc_api::fatal::internal("an object header holds an unregistered type"));
    // SAFETY: caller contract.
    unsafe { object_bytes_of(obj, info) }
}

/// Requested size in bytes of the object at `obj`, whose type is `info`.
///
/// # Safety
/// `obj` is a live object of type `info`.
#[inline]
pub unsafe fn object_bytes_of(obj: *const u8, info: &TypeInfo) -> usize {
    if info.varsize {
        // SAFETY: caller contract; the length was written at allocation and
        // the allocation succeeded, so the product fits.
        info.size as usize + unsafe { array_length(obj, info) } * info.item_size as usize
    } else {
        info.size as usize
    }
}

/// Calls `f(offset, value)` for each pointer field of `obj`: the fixed
/// part's fields when `first_item` is 0, then the pointer fields of items
/// `first_item..` (pointer-free items cost nothing).
///
/// # Safety
/// `obj` is a live object of type `info`.
#[inline]
pub unsafe fn for_each_pointer(obj: *const u8, info: &TypeInfo, first_item: usize, mut f: impl FnMut(usize, *mut u8)) {
    // SAFETY (all reads below): validated descriptors keep every pointer
    // field inside the object, whose length was fixed at allocation.
    let read = |offset: usize| unsafe { *(obj.add(offset) as *const *mut u8) };
    if first_item == 0 {
        info.ptr_offsets.iter().for_each(|&o| f(o as usize, read(o as usize)));
    }
    if info.varsize && !info.item_ptr_offsets.is_empty() {
        // SAFETY: caller contract: a live varsize object.
        let len = unsafe { array_length(obj, info) };
        for i in first_item..len {
            let base = info.size as usize + i * info.item_size as usize;
            info.item_ptr_offsets.iter().for_each(|&o| f(base + o as usize, read(base + o as usize)));
        }
    }
}
