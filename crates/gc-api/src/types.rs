//! Type descriptors: validation and the type table.
//!
//! Generated code describes each heap type with an [`RgcType`]. rgc validates
//! a descriptor once, on its first use (or an explicit `rgc_register_type`),
//! copies what tracing needs into a [`TypeInfo`], and writes the new
//! [`TypeId`] back into the descriptor so later allocations find it in O(1).
//! A descriptor that contradicts itself is rejected with a message naming the
//! type and the offending field; it is never half-registered.

use crate::abi::{Finalizer, RgcType, TYPE_KNOWN_FLAGS, TYPE_POINTER_FREE, TYPE_VARSIZE};
use crate::message::{Hex, Message};
use crate::msg;
use alloc::string::String;
use alloc::vec::Vec;
use core::ffi::c_char;
use core::fmt;

/// Index into the [`TypeTable`]; stored in every object header.
pub type TypeId = u32;

/// Id 0 is never a valid type: a header holding it is corrupt.
pub const INVALID_TYPE: TypeId = 0;
/// Built-in: pointer-free byte buffer from `rgc_alloc_bytes`; its length lives
/// in the object header.
pub const BYTES_TYPE: TypeId = 1;
/// Built-in: a weak reference cell (one pointer the collector does not trace).
pub const WEAKREF_TYPE: TypeId = 2;
/// Built-in: an untyped object whose every aligned word may be a pointer
/// (what `GC_malloc` returns); scanned conservatively by the collectors that
/// support it. Its length lives in the header, like a byte buffer's.
pub const WORDS_TYPE: TypeId = 3;
/// The first id handed to a registered descriptor; smaller ids are built in.
pub const FIRST_USER_TYPE: TypeId = 4;

/// The longest untyped object (byte buffer or `<words>`): object headers
/// keep its length in 30 bits (see `gc_heap::object`).
pub const MAX_BYTES_LEN: usize = (1 << 30) - 1;
/// Type ids stay below this (the header's top two bits tag untyped objects).
pub const MAX_TYPES: usize = 1 << 30;

/// Upper bound on a fixed part, so sizes can never overflow in `u32` maths.
pub const MAX_FIXED_SIZE: u32 = 1 << 30;

/// A validated type: everything the collector needs to size and trace objects.
#[derive(Debug, Clone)]
pub struct TypeInfo {
    pub name: String,
    pub size: u32,
    pub varsize: bool,
    pub pointer_free: bool,
    pub ptr_offsets: Vec<u32>,
    pub item_size: u32,
    pub item_ptr_offsets: Vec<u32>,
    pub length_offset: u32,
    pub finalizer: Option<Finalizer>,
    /// The descriptor this was registered from (identity check on lookup).
    desc: *const RgcType,
}

impl TypeInfo {
    /// True when objects of this type contain pointers the marker must visit.
    #[inline]
    pub fn has_pointers(&self) -> bool {
        !self.pointer_free
    }

    /// Requested size in bytes of an object with `length` items, or `None`
    /// when it does not fit in `usize`.
    #[inline]
    pub fn size_with_items(&self, length: usize) -> Option<usize> {
        if !self.varsize {
            return Some(self.size as usize);
        }
        length.checked_mul(self.item_size as usize)?.checked_add(self.size as usize)
    }
}

/// Why a descriptor was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeError {
    pub type_name: String,
    pub reason: Message,
}

impl TypeError {
    /// `type descriptor '<name>' is invalid: <reason>`.
    pub fn message(&self) -> Message {
        msg!("type descriptor '", self.type_name, "' is invalid: ", self.reason)
    }
}

impl fmt::Display for TypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message().as_str())
    }
}

/// All registered types, indexed by [`TypeId`].
pub struct TypeTable {
    types: Vec<TypeInfo>,
    /// Layouts of `<words>` objects other than "every word" (see
    /// [`WordsLayout`]); id `n` is entry `n - 1`, id 0 is every word.
    layouts: Vec<WordsLayout>,
    /// Interprets [`TypeTable::layouts`]; set with the first layout.
    scanner: Option<WordsScanner>,
    /// Distinguishes this table's ids from those of earlier instances.
    generation: u32,
}

static NEXT_GENERATION: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(1);

impl Default for TypeTable {
    fn default() -> Self {
        Self::new()
    }
}

fn builtin(name: &str, size: u32) -> TypeInfo {
    TypeInfo {
        name: name.into(),
        size,
        varsize: false,
        pointer_free: true,
        ptr_offsets: Vec::new(),
        item_size: 0,
        item_ptr_offsets: Vec::new(),
        length_offset: 0,
        finalizer: None,
        desc: core::ptr::null(),
    }
}

impl TypeTable {
    pub fn new() -> Self {
        let types = alloc::vec![
            builtin("<invalid>", 0),
            builtin("<bytes>", 0),
            // A weak reference is pointer-free as far as tracing goes: the
            // collector clears its one slot instead of following it.
            builtin("<weakref>", 8),
            // Pointer-free as far as the type table goes: the marker scans
            // `<words>` objects by their header tag, word by word.
            builtin("<words>", 0),
        ];
        debug_assert_eq!(types.len() as u32, FIRST_USER_TYPE);
        let generation = NEXT_GENERATION.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
        TypeTable { types, layouts: Vec::new(), scanner: None, generation }
    }

    /// Which table this is: descriptors registered here carry it, and so
    /// does each thread's context while its spans serve this table's types.
    pub fn generation(&self) -> u32 {
        self.generation
    }

    /// Looks up a type by id; `None` for ids never handed out.
    #[inline]
    pub fn get(&self, id: TypeId) -> Option<&TypeInfo> {
        if id == INVALID_TYPE {
            return None;
        }
        self.types.get(id as usize)
    }

    /// Number of ids in use, including the built-ins.
    pub fn len(&self) -> usize {
        self.types.len()
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    /// The id of a descriptor this table registered, if it did and the
    /// descriptor still names it; `None` for anything else (unregistered,
    /// or a stale or corrupt id: [`TypeTable::resolve`] tells which). Reads
    /// only, so a collector may answer it while its marker, which reads
    /// the table too, works on another thread.
    ///
    /// # Safety
    /// `desc` points to a readable `RgcType` (rule 1 of [`TypeTable::resolve`]).
    #[inline]
    pub unsafe fn registered(&self, desc: *const RgcType) -> Option<TypeId> {
        // SAFETY: caller contract.
        let (id, generation) = unsafe { ((*desc).id, (*desc).generation) };
        match self.types.get(id as usize) {
            Some(info) if id != INVALID_TYPE && generation == self.generation && core::ptr::eq(info.desc, desc) => {
                Some(id)
            }
            _ => None,
        }
    }

    /// Resolves a descriptor to its id, registering it on first use.
    ///
    /// # Safety
    /// 1. `desc` points to a readable, writable `RgcType` that stays valid and
    ///    unmoved for as long as the collector lives.
    /// 2. Its `ptr_offsets`/`item_ptr_offsets` point to `num_ptrs`/`item_num_ptrs`
    ///    readable `u32`s (or are null when the count is 0 — checked).
    /// 3. `name` is null or a NUL-terminated string.
    pub unsafe fn resolve(&mut self, desc: *mut RgcType) -> Result<TypeId, TypeError> {
        // SAFETY: rule 1.
        let (id, generation) = unsafe { ((*desc).id, (*desc).generation) };
        if id != INVALID_TYPE && generation == self.generation {
            return match self.types.get(id as usize) {
                Some(info) if core::ptr::eq(info.desc, desc) => Ok(id),
                _ => Err(TypeError {
                    // SAFETY: rule 3.
                    type_name: unsafe { read_name((*desc).name) },
                    reason: msg!(
                        "its id field holds ",
                        id,
                        ", which this rgc instance never assigned to it (was the descriptor copied after \
                         registration, or is it uninitialised memory?)"
                    ),
                }),
            };
        }
        // SAFETY: rules 1-3 are forwarded.
        let mut info = unsafe { validate(desc) }?;
        if self.types.len() >= MAX_TYPES {
            return Err(TypeError {
                type_name: info.name,
                reason: msg!("rgc supports at most ", MAX_TYPES, " type ids, and all are in use"),
            });
        }
        info.desc = desc;
        let new_id = self.types.len() as TypeId;
        self.types.push(info);
        // SAFETY: rule 1 (writable).
        unsafe {
            (*desc).id = new_id;
            (*desc).generation = self.generation;
        }
        Ok(new_id)
    }
}

/// How the marker scans a `<words>` object whose header's collector word
/// (otherwise unused by the tracing collectors) holds a layout id other
/// than 0 (0: every word is an ambiguous pointer, the default).
///
/// Layouts are registered by a layer above the C ABI (the Boehm layer's
/// object kinds, typed objects and mark procedures, `libs/boehm`), which
/// also supplies the one [`WordsScanner`] that interprets them: rgc's
/// marker knows only that such an object exists, how long it is, and
/// which two words describe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordsLayout {
    /// The registering layer's descriptor word.
    pub descriptor: usize,
    /// A second word for the same layer (the Boehm layer: how the
    /// descriptor repeats over the object).
    pub param: usize,
}

/// Where a [`WordsScanner`] sends what it finds: the marker, during a
/// collection, on the thread that marks (with the world stopped).
pub trait WordsVisitor {
    /// Marks the object `word` points into, if any (interior pointers
    /// included), and queues it for scanning; other words are ignored.
    fn visit_ambiguous(&mut self, word: usize);
    /// Whether `word` points into an object that is marked (a word that
    /// points into no object answers false).
    fn is_marked(&self, word: usize) -> bool;
}

/// Scans the `<words>` object `obj` of `len` bytes with layout `layout`,
/// sending each word that may be a pointer to `visitor`. Returns the words
/// it examined (the marker's work units).
///
/// # Safety
/// `obj` is a live `<words>` object of `len` bytes whose header names
/// `layout`; the world is stopped.
pub type WordsScanner =
    unsafe fn(obj: *mut u8, len: usize, layout: WordsLayout, visitor: &mut dyn WordsVisitor) -> usize;

/// Layout ids stay below this (ids are kept in the header's 32-bit
/// collector word; this bound keeps the table small enough to search).
pub const MAX_WORDS_LAYOUTS: usize = 1 << 16;

impl TypeTable {
    /// The id of `layout`, registering it on first use (with `scanner`,
    /// which must be the same for every layout of one table). `None` when
    /// [`MAX_WORDS_LAYOUTS`] are in use.
    pub fn words_layout_id(&mut self, layout: WordsLayout, scanner: WordsScanner) -> Option<u32> {
        debug_assert!(self.scanner.is_none_or(|s| s as usize == scanner as usize), "one scanner per table");
        self.scanner = Some(scanner);
        if let Some(i) = self.layouts.iter().position(|l| *l == layout) {
            return Some(i as u32 + 1);
        }
        if self.layouts.len() + 1 >= MAX_WORDS_LAYOUTS {
            return None;
        }
        self.layouts.push(layout);
        Some(self.layouts.len() as u32)
    }

    /// The layout with id `id` and its scanner; `None` for 0 (every word)
    /// and for ids never handed out (a collector that keeps something
    /// else in the collector word, refcount's count, never registers one).
    #[inline]
    pub fn words_layout(&self, id: u32) -> Option<(WordsLayout, WordsScanner)> {
        let layout = *self.layouts.get((id as usize).wrapping_sub(1))?;
        Some((layout, self.scanner?))
    }
}

/// Reads a C string for diagnostics, at most 128 bytes.
///
/// # Safety
/// `name` is null or points to a NUL-terminated string (or at least 128
/// readable bytes).
pub unsafe fn read_name(name: *const c_char) -> String {
    if name.is_null() {
        return "<unnamed>".into();
    }
    let mut out = String::new();
    for i in 0..128 {
        // SAFETY: the caller guarantees readable bytes up to the NUL.
        let b = unsafe { *name.add(i) } as u8;
        if b == 0 {
            break;
        }
        out.push(if b.is_ascii_graphic() || b == b' ' { b as char } else { '?' });
    }
    out
}

/// # Safety
/// `ptr` is null only if `count` is 0, else points to `count` readable `u32`s.
unsafe fn read_offsets(ptr: *const u32, count: u32) -> Vec<u32> {
    if count == 0 {
        return Vec::new();
    }
    // SAFETY: guaranteed by the caller.
    unsafe { core::slice::from_raw_parts(ptr, count as usize) }.to_vec()
}

/// Bytes of a pointer and of a `size_t` on this target (8, or 4 on a
/// 32-bit board): the alignment rgc.h asks of pointer and length fields.
const WORD: u32 = core::mem::size_of::<usize>() as u32;

fn check_offsets(offsets: &[u32], area: u32, what: &str) -> Result<(), Message> {
    for (i, &off) in offsets.iter().enumerate() {
        let field = || msg!(what, "[", i, "] = ", off);
        if off % WORD != 0 {
            return Err(msg!(
                field(),
                " is not a multiple of ",
                WORD,
                " (pointer fields must be ",
                WORD,
                "-byte aligned)"
            ));
        }
        if off as u64 + WORD as u64 > area as u64 {
            return Err(msg!(
                field(),
                " does not fit: the pointer would end at ",
                off as u64 + WORD as u64,
                " but the area is ",
                area,
                " bytes"
            ));
        }
        if offsets[..i].contains(&off) {
            return Err(msg!(field(), " is listed twice"));
        }
    }
    Ok(())
}

/// Validates a descriptor against the rules documented in `rgc.h`.
///
/// # Safety
/// As for [`TypeTable::resolve`].
unsafe fn validate(desc: *const RgcType) -> Result<TypeInfo, TypeError> {
    // SAFETY: rule 1 of `resolve`.
    let d = unsafe { &*desc };
    // SAFETY: rule 3.
    let name = unsafe { read_name(d.name) };
    let fail = |reason: Message| TypeError { type_name: name.clone(), reason };
    if d.flags & !TYPE_KNOWN_FLAGS != 0 {
        return Err(fail(msg!("unknown flag bits ", Hex((d.flags & !TYPE_KNOWN_FLAGS) as u64))));
    }
    if d.size > MAX_FIXED_SIZE {
        return Err(fail(msg!("size ", d.size, " exceeds the maximum fixed size ", MAX_FIXED_SIZE)));
    }
    if d.num_ptrs > 0 && d.ptr_offsets.is_null() {
        return Err(fail(msg!("num_ptrs is ", d.num_ptrs, " but ptr_offsets is NULL")));
    }
    if d.item_num_ptrs > 0 && d.item_ptr_offsets.is_null() {
        return Err(fail(msg!("item_num_ptrs is ", d.item_num_ptrs, " but item_ptr_offsets is NULL")));
    }
    let varsize = d.flags & TYPE_VARSIZE != 0;
    let pointer_free = d.flags & TYPE_POINTER_FREE != 0;
    // SAFETY: rule 2, with the null checks above.
    let ptr_offsets = unsafe { read_offsets(d.ptr_offsets, d.num_ptrs) };
    // SAFETY: as above.
    let item_ptr_offsets = unsafe { read_offsets(d.item_ptr_offsets, d.item_num_ptrs) };
    if pointer_free && (!ptr_offsets.is_empty() || !item_ptr_offsets.is_empty()) {
        return Err(fail(msg!("RGC_TYPE_POINTER_FREE is set but the descriptor lists pointer fields")));
    }
    check_offsets(&ptr_offsets, d.size, "ptr_offsets").map_err(fail)?;
    if varsize {
        if d.item_size == 0 {
            return Err(fail(msg!("RGC_TYPE_VARSIZE is set but item_size is 0")));
        }
        if d.length_offset % WORD != 0 || d.length_offset as u64 + WORD as u64 > d.size as u64 {
            return Err(fail(msg!(
                "length_offset ",
                d.length_offset,
                " must be ",
                WORD,
                "-byte aligned and leave room for a size_t inside the fixed part of ",
                d.size,
                " bytes"
            )));
        }
        if ptr_offsets.contains(&d.length_offset) {
            return Err(fail(msg!("length_offset ", d.length_offset, " is also listed as a pointer field")));
        }
        check_offsets(&item_ptr_offsets, d.item_size, "item_ptr_offsets").map_err(fail)?;
        if !item_ptr_offsets.is_empty() && (d.size % WORD != 0 || d.item_size % WORD != 0) {
            return Err(fail(msg!(
                "items hold pointers, so size (",
                d.size,
                ") and item_size (",
                d.item_size,
                ") must be multiples of ",
                WORD
            )));
        }
    } else if d.item_size != 0 || d.item_num_ptrs != 0 || d.length_offset != 0 {
        return Err(fail(msg!("item_size, item_num_ptrs or length_offset is set but RGC_TYPE_VARSIZE is not")));
    }
    // A type with no pointer fields at all is pointer-free whether or not the
    // flag says so; recording that skips scanning it.
    let pointer_free = pointer_free || (ptr_offsets.is_empty() && item_ptr_offsets.is_empty());
    Ok(TypeInfo {
        name,
        size: d.size,
        varsize,
        pointer_free,
        ptr_offsets,
        item_size: d.item_size,
        item_ptr_offsets,
        length_offset: d.length_offset,
        finalizer: d.finalizer,
        desc: core::ptr::null(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::ptr;

    fn desc(size: u32, flags: u32, ptrs: &'static [u32]) -> RgcType {
        RgcType {
            size,
            flags,
            ptr_offsets: if ptrs.is_empty() { ptr::null() } else { ptrs.as_ptr() },
            num_ptrs: ptrs.len() as u32,
            item_size: 0,
            item_ptr_offsets: ptr::null(),
            item_num_ptrs: 0,
            length_offset: 0,
            finalizer: None,
            name: c"T".as_ptr(),
            id: 0,
            generation: 0,
            alloc_span: 0,
            alloc_cell: 0,
            alloc_key: 0,
        }
    }

    #[test]
    fn registers_once_and_reuses_id() {
        let mut t = TypeTable::new();
        let mut d = desc(16, 0, &[0, 8]);
        let id = unsafe { t.resolve(&mut d) }.unwrap();
        assert_eq!(id, FIRST_USER_TYPE);
        assert_eq!(d.id, id);
        assert_eq!(unsafe { t.resolve(&mut d) }.unwrap(), id);
        assert_eq!(t.get(id).unwrap().ptr_offsets, [0, 8]);
    }

    /// The read-only lookup of the allocation path: the id of a
    /// registered descriptor, nothing for one it must register or reject.
    #[test]
    fn registered_answers_only_for_the_descriptor_it_registered() {
        let mut t = TypeTable::new();
        let mut d = desc(16, 0, &[0, 8]);
        assert_eq!(unsafe { t.registered(&d) }, None, "not registered yet");
        let id = unsafe { t.resolve(&mut d) }.unwrap();
        assert_eq!(unsafe { t.registered(&d) }, Some(id));
        d.generation = d.generation.wrapping_add(1);
        assert_eq!(unsafe { t.registered(&d) }, None, "an id another instance assigned");
        d.generation = d.generation.wrapping_sub(1);
        let copy = RgcType { ..d };
        assert_eq!(unsafe { t.registered(&copy) }, None, "a copy holds the id but is another descriptor");
    }

    #[test]
    fn rejects_contradictions() {
        let mut t = TypeTable::new();
        let cases: [(RgcType, &str); 5] = [
            (desc(16, TYPE_POINTER_FREE, &[0]), "POINTER_FREE"),
            (desc(16, 0, &[12]), "not a multiple of 8"),
            (desc(16, 0, &[16]), "does not fit"),
            (desc(16, 0, &[8, 8]), "twice"),
            (desc(16, 0x80, &[]), "unknown flag"),
        ];
        for (mut d, needle) in cases {
            let err = unsafe { t.resolve(&mut d) }.unwrap_err();
            assert!(err.to_string().contains(needle), "{err} should mention {needle}");
            assert_eq!(d.id, 0, "a rejected descriptor must stay unregistered");
        }
    }

    #[test]
    fn varsize_rules() {
        let mut t = TypeTable::new();
        let mut d = desc(8, TYPE_VARSIZE, &[]);
        assert!(unsafe { t.resolve(&mut d) }.unwrap_err().reason.contains("item_size is 0"));
        let mut d = desc(8, TYPE_VARSIZE, &[]);
        d.item_size = 8;
        d.item_ptr_offsets = [0u32].as_ptr();
        d.item_num_ptrs = 1;
        let id = unsafe { t.resolve(&mut d) }.unwrap();
        let info = t.get(id).unwrap();
        assert_eq!(info.size_with_items(3), Some(32));
        assert_eq!(info.size_with_items(usize::MAX), None);
        let mut d = desc(8, 0, &[]);
        d.item_size = 8;
        assert!(unsafe { t.resolve(&mut d) }.unwrap_err().reason.contains("VARSIZE is not"));
    }

    #[test]
    fn copied_descriptor_is_rejected() {
        let mut t = TypeTable::new();
        let mut d = desc(8, 0, &[]);
        unsafe { t.resolve(&mut d) }.unwrap();
        let mut copy = desc(8, 0, &[]);
        copy.id = d.id;
        copy.generation = d.generation;
        assert!(unsafe { t.resolve(&mut copy) }.unwrap_err().reason.contains("never assigned"));
    }

    #[test]
    fn a_new_table_reregisters_old_descriptors() {
        let mut d = desc(8, 0, &[]);
        let mut first = TypeTable::new();
        unsafe { first.resolve(&mut d) }.unwrap();
        unsafe { first.resolve(&mut desc(8, 0, &[])) }.unwrap();
        let mut second = TypeTable::new();
        let id = unsafe { second.resolve(&mut d) }.unwrap();
        assert_eq!(id, FIRST_USER_TYPE);
        assert_eq!(d.generation, second.generation);
    }
}
