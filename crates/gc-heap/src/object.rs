//! The object header.
//!
//! Every object is preceded by one 8-byte [`Header`]:
//!
//! | field     | set by            | cleared by | read by |
//! |-----------|-------------------|------------|---------|
//! | `type_id` | allocation        | never (the cell is freed as a whole) | marker, sweeper stats, verifier, `rgc_object_size` |
//! | `aux`     | allocation: the byte length of a `<bytes>` buffer, 0 for every other type | never | object size of byte buffers |
//!
//! Mark and allocation state live in side bitmaps, not in the header, so
//! that sweeping never touches dead objects' memory and conservative
//! lookups never read a header before the bitmap says an object is there.

use crate::layout::HEADER;
use gc_api::types::{TypeInfo, TypeTable, BYTES_TYPE};

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub type_id: u32,
    pub aux: u32,
}

const _: () = assert!(core::mem::size_of::<Header>() == HEADER);

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
    if h.type_id == BYTES_TYPE {
        return h.aux as usize;
    }
    let info = types.get(h.type_id).expect("header holds a registered type");
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
