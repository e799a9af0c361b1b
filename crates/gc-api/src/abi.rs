//! `#[repr(C)]` structs shared with `include/rgc.h`.
//!
//! Every struct here has a twin in the header. Sizes and field offsets are
//! asserted on both sides (`static_assertions` below, `_Static_assert` in the
//! header), so a change to one side that forgets the other fails to compile.

use core::ffi::{c_char, c_void};
use static_assertions::{assert_eq_size, const_assert_eq};

/// Type flag: the object has a variable-size array of items after its fixed part.
pub const TYPE_VARSIZE: u32 = 1;
/// Type flag: the object holds no pointers at all; it is never scanned.
pub const TYPE_POINTER_FREE: u32 = 2;
/// All flags this version understands; any other bit is a descriptor error.
pub const TYPE_KNOWN_FLAGS: u32 = TYPE_VARSIZE | TYPE_POINTER_FREE;

/// A finalizer: called once with the object after it became unreachable.
pub type Finalizer = unsafe extern "C" fn(obj: *mut c_void);

/// `rgc_type`: a type descriptor written by generated code, usually as a
/// static. rgc validates it on first use and writes the assigned id into
/// [`RgcType::id`]; all other fields are read-only for rgc.
///
/// Layout of an object of this type (the pointer rgc hands out points at
/// byte 0 of the fixed part):
/// ```text
/// [fixed part: `size` bytes][items: length × `item_size` bytes]   (varsize only)
/// ```
/// The array length is a `size_t` at `length_offset` inside the fixed part;
/// rgc writes it at allocation and the program must not change it.
#[repr(C)]
#[derive(Debug)]
pub struct RgcType {
    /// Size of the fixed part in bytes.
    pub size: u32,
    /// `RGC_TYPE_*` flags.
    pub flags: u32,
    /// Byte offsets of pointer fields in the fixed part (`num_ptrs` entries).
    pub ptr_offsets: *const u32,
    pub num_ptrs: u32,
    /// Varsize only: size of one item in bytes.
    pub item_size: u32,
    /// Varsize only: byte offsets of pointer fields inside one item.
    pub item_ptr_offsets: *const u32,
    pub item_num_ptrs: u32,
    /// Varsize only: offset of the `size_t` length field in the fixed part.
    pub length_offset: u32,
    /// Called once when an object of this type has become unreachable.
    pub finalizer: Option<Finalizer>,
    /// NUL-terminated name used in diagnostics (may be NULL).
    pub name: *const c_char,
    /// Written by rgc: 0 until the type is registered, then its id.
    pub id: u32,
    /// Written by rgc: the [`crate::TypeTable`] generation `id` belongs to,
    /// so that a descriptor used before `rgc_shutdown` re-registers after
    /// the next `rgc_init`.
    pub generation: u32,
    /// Written by rgc: the span of the calling thread's
    /// [`shadowstack::Context`] that `rgc.h`'s inline `rgc_alloc` takes this
    /// type's cells from, or [`shadowstack::NO_SPAN`] (always the call).
    pub alloc_span: u16,
    /// Written by rgc: the bytes of one such cell, header included.
    pub alloc_cell: u16,
    /// Written by rgc: [`descriptor_key`] while the inline path may serve
    /// this descriptor, else 0.
    pub alloc_key: u32,
}
// 64-bit: 72 bytes, finalizer at 40, id at 56; 32-bit: 56, 32, 40.
const_assert_eq!(core::mem::size_of::<RgcType>(), 40 + 4 * core::mem::size_of::<usize>());
const_assert_eq!(core::mem::offset_of!(RgcType, alloc_span), 32 + 4 * core::mem::size_of::<usize>());
const_assert_eq!(core::mem::offset_of!(RgcType, finalizer), 24 + 2 * core::mem::size_of::<usize>());
const_assert_eq!(core::mem::offset_of!(RgcType, id), 24 + 4 * core::mem::size_of::<usize>());

/// Config flag: ignore `RGC_*` environment overrides.
pub const CONFIG_NO_ENV: u32 = 1;
/// `rgc_config.pacing`: a cycle starts as late as the heap allows and runs
/// at the share `pause_us / window_us`, taxing allocation when it falls
/// behind (the fewest cycles).
pub const PACING_LATE: u32 = 0;
/// `rgc_config.pacing`: a cycle's work is spread over the allocation
/// between cycles, at the smallest share of each window that finishes it
/// in the heap (the steadiest mutator share).
pub const PACING_EVEN: u32 = 1;
/// `rgc_config.heap_policy`: collect once the program has allocated what
/// the last collection left live times `growth_percent` (at least
/// `heap_initial`).
pub const HEAP_POLICY_GROWTH: u32 = 0;
/// `rgc_config.heap_policy`: collect only when the heap reaches `heap_max`.
pub const HEAP_POLICY_FIXED: u32 = 1;
/// `rgc_config.heap_policy`: headroom from the live size, the allocation
/// rate and the collection speed (MemBalancer's rule).
pub const HEAP_POLICY_ADAPTIVE: u32 = 2;

/// `rgc_config.background`: a collector thread when the process may run
/// on two cores or more, in a hosted build without a region; else none.
pub const BACKGROUND_AUTO: u32 = 0;
/// `rgc_config.background`: a collector thread, whatever the cores.
pub const BACKGROUND_ON: u32 = 1;
/// `rgc_config.background`: no collector thread (time slicing on the
/// mutators' threads only).
pub const BACKGROUND_OFF: u32 = 2;

/// `rgc_config`: what `rgc_init` accepts. Fill it with
/// `rgc_config_default` and change what you need; every field is listed with
/// its default and environment variable in [`crate::config::KNOBS`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct RgcConfig {
    /// `sizeof(rgc_config)` as the caller compiled it; checked by `rgc_init`.
    pub struct_size: u32,
    pub flags: u32,
    pub heap_max: u64,
    pub heap_initial: u64,
    pub growth_percent: u32,
    pub shadowstack_slots: u32,
    pub torture: u32,
    pub verify: u32,
    /// Incremental collectors: longest increment, in microseconds (Q).
    pub pause_us: u32,
    /// Incremental collectors: at most `pause_us` of work per window of this many microseconds (W).
    pub window_us: u32,
    /// Reference counting: objects a reconciliation frees before it defers
    /// the rest to later allocations.
    pub free_budget: u32,
    /// Region mode: bytes at the start of `region` set aside for the
    /// collector's own tables and the shadow stacks (0: automatic).
    pub meta_bytes: u32,
    /// Region mode: a caller-owned buffer that holds the whole heap and all
    /// collector metadata (null: reserve address space with `mmap`).
    pub region: *mut core::ffi::c_void,
    /// Bytes of `region`.
    pub region_size: u64,
    /// When collections start: [`HEAP_POLICY_GROWTH`], [`HEAP_POLICY_FIXED`]
    /// or [`HEAP_POLICY_ADAPTIVE`] (see [`crate::config::HeapPolicy`]).
    pub heap_policy: u32,
    /// Threads that mark in a stop-the-world collection, the collecting
    /// one included (0: one per core, at most 8; 1: no helpers).
    pub markers: u32,
    /// Incremental collector: whether a collector thread does the cycle's
    /// work while mutators run ([`BACKGROUND_AUTO`], [`BACKGROUND_ON`],
    /// [`BACKGROUND_OFF`]).
    pub background: u32,
    /// Incremental collector without a collector thread: when a cycle
    /// starts and how its work is spread ([`PACING_LATE`], [`PACING_EVEN`];
    /// see [`crate::config::Pacing`]).
    pub pacing: u32,
}
const_assert_eq!(core::mem::size_of::<RgcConfig>(), 88);
const_assert_eq!(core::mem::offset_of!(RgcConfig, pacing), 84);
const_assert_eq!(core::mem::offset_of!(RgcConfig, background), 80);
const_assert_eq!(core::mem::offset_of!(RgcConfig, heap_policy), 72);
const_assert_eq!(core::mem::offset_of!(RgcConfig, markers), 76);
const_assert_eq!(core::mem::offset_of!(RgcConfig, heap_max), 8);
const_assert_eq!(core::mem::offset_of!(RgcConfig, growth_percent), 24);
const_assert_eq!(core::mem::offset_of!(RgcConfig, pause_us), 40);
const_assert_eq!(core::mem::offset_of!(RgcConfig, free_budget), 48);
const_assert_eq!(core::mem::offset_of!(RgcConfig, region), 56);
const_assert_eq!(core::mem::offset_of!(RgcConfig, region_size), 64);

/// `rgc_stats`: cumulative counters since `rgc_init`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RgcStats {
    pub struct_size: u32,
    pub reserved0: u32,
    /// Full collections completed (refcount: reconciliations and backup traces, each a pause).
    pub collections: u64,
    /// Sum of the requested sizes of every object ever allocated.
    pub bytes_allocated: u64,
    pub objects_allocated: u64,
    /// Requested bytes of the objects that survived the last full collection
    /// (for precise collectors: exactly the reachable bytes).
    pub live_bytes: u64,
    pub live_objects: u64,
    /// Bytes of heap blocks currently committed to objects.
    pub heap_size: u64,
    pub peak_heap_size: u64,
    pub heap_max: u64,
    /// Time spent in stop-the-world pauses (or increments), in nanoseconds.
    pub total_pause_ns: u64,
    pub max_pause_ns: u64,
    /// Number of pauses (collections, or increments for incremental collectors).
    pub pauses: u64,
    pub finalizers_run: u64,
    pub weakrefs_cleared: u64,
    /// Collections that had to finish synchronously because the heap ran
    /// out during an incremental cycle (always 0 for stop-the-world collectors).
    pub overruns: u64,
    /// Increments of all cycles (equal to `pauses` for incremental collectors, 0 otherwise).
    pub increments: u64,
    /// Increments of the last completed cycle.
    pub cycle_increments: u64,
    /// Longest increment of the last completed cycle, in nanoseconds.
    pub cycle_max_increment_ns: u64,
    /// Reference counting: objects freed because their count reached zero.
    pub freed_by_count: u64,
    /// Reference counting: objects freed by the cycle collector (garbage cycles).
    pub freed_by_cycles: u64,
    /// Reference counting: zero-count-table reconciliations (each a pause).
    pub reconciliations: u64,
    /// Reference counting: cycle collections (each one or more pauses).
    pub cycle_collections: u64,
    /// Reference counting: backup traces (needed only once a count saturated).
    pub backup_traces: u64,
    /// The heap's side tables (block table, bitmaps): in region mode all
    /// of the region in front of the blocks (fixed at init, padding
    /// included); otherwise those of the blocks used so far.
    pub metadata_bytes: u64,
    /// Bytes the collector's own tables hold now (region mode: of the
    /// table area; see [`crate::region::table_usage`]).
    pub table_bytes: u64,
    /// Most `table_bytes` at once since `rgc_init`.
    pub peak_table_bytes: u64,
    /// Requested bytes found live, summed over every completed trace
    /// (incremental: objects allocated black included); over the time in
    /// `RGC_PHASE_MARK`, about a mark rate.
    pub marked_bytes: u64,
    /// Threads that mark a stop-the-world collection: `rgc_config.markers`
    /// resolved; once helpers have started, less any the system refused.
    pub markers: u64,
}
const_assert_eq!(core::mem::size_of::<RgcStats>(), 224);
const_assert_eq!(core::mem::offset_of!(RgcStats, marked_bytes), 208);
const_assert_eq!(core::mem::offset_of!(RgcStats, metadata_bytes), 184);
const_assert_eq!(core::mem::offset_of!(RgcStats, freed_by_count), 144);
const_assert_eq!(core::mem::offset_of!(RgcStats, increments), 120);
const_assert_eq!(core::mem::offset_of!(RgcStats, live_bytes), 32);

/// `rgc_event`: one phase boundary, delivered to the event listener.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RgcEvent {
    /// `RGC_EVENT_START` (0) or `RGC_EVENT_END` (1).
    pub kind: u32,
    /// An `rgc_phase` value; see [`crate::event::Phase`].
    pub phase: u32,
    /// `CLOCK_MONOTONIC` in nanoseconds.
    pub timestamp_ns: u64,
    /// Number of the collection cycle this phase belongs to (1-based).
    pub cycle: u64,
}
const_assert_eq!(core::mem::size_of::<RgcEvent>(), 24);

/// Event listener callback.
pub type EventListener = unsafe extern "C" fn(event: *const RgcEvent, user: *mut c_void);

/// Out-of-memory handler: receives the call name, the requested byte count
/// and the user pointer. If it returns, the allocation returns NULL.
pub type OomHandler = unsafe extern "C" fn(call: *const c_char, requested: usize, user: *mut c_void);

assert_eq_size!(Option<Finalizer>, *const c_void);
assert_eq_size!(Option<EventListener>, *const c_void);

/// `rgc_span_class`: where `rgc.h`'s inline path takes cells of one size
/// from, as a type descriptor's `alloc_span`/`alloc_cell` and the entries
/// of `rgc_bytes_spans` say.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpanClass {
    /// Index into the thread's spans ([`shadowstack::NO_SPAN`]: none).
    pub span: u16,
    /// Bytes of one cell, header included.
    pub cell: u16,
}

impl SpanClass {
    /// Served by the out-of-line call only.
    pub const NONE: SpanClass = SpanClass { span: shadowstack::NO_SPAN as u16, cell: 0 };
}

/// `RGC_INLINE_BYTES_MAX`: byte buffers up to this size are allocated inline.
pub const INLINE_BYTES_MAX: usize = 248;
/// Entries of `rgc_bytes_spans`, indexed by `(n + 15) / 8` for `n` bytes.
pub const BYTES_SPANS_LEN: usize = INLINE_BYTES_MAX / 8 + 2;

/// A thread's `alloc_key` while it allocates from spans for the type table
/// of `generation`: odd, so that it never equals what an unregistered
/// descriptor (key 0, 8-aligned address) yields.
pub const fn thread_key(generation: u32) -> u32 {
    (generation << 1) | 1
}

/// The `alloc_key` of the descriptor at `desc` registered in `generation`:
/// `rgc.h`'s inline `rgc_alloc` serves it iff `low32(desc) ^ key` is the
/// thread's key, which fails for a copy of the descriptor (another
/// address), a descriptor of an earlier `rgc_init` (another generation),
/// and a thread without spans (key 0, an even result).
pub fn descriptor_key(desc: *const RgcType, generation: u32) -> u32 {
    (desc as usize as u32) ^ thread_key(generation)
}

/// Xored into the `alloc_key` of a variable-size descriptor whose small
/// arrays `rgc.h`'s inline `rgc_alloc_array` may serve (`RGC_ARRAY_KEY`):
/// the two inline paths then never accept each other's descriptors (a
/// fixed-size type given to `rgc_alloc_array`, or an array type to
/// `rgc_alloc`, fails the key check and reaches the call that reports it).
/// Even, so keys stay odd.
pub const ARRAY_KEY: u32 = 2;
