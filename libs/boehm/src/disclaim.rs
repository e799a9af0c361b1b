//! Disclaim procedures and finalized objects: bdwgc's `gc_disclaim.h`.
//!
//! A disclaim procedure belongs to a kind (one of `GC_new_kind`'s): each
//! collection calls it, with the world stopped and the collector lock
//! held, for every object of that kind that marking did not reach, before
//! the sweep frees it; a non-zero answer keeps the object (and, here, what
//! it reaches) for one more cycle. A kind registered with `mark_from_all`
//! has every object's words scanned at each collection, reached or not,
//! so what an unreachable object points to is still there when its
//! procedure runs.
//!
//! `GC_finalized_malloc` builds on it: a kind of its own whose objects
//! carry a finalizer closure in a hidden first word, run by the disclaim
//! procedure (no ordering between such objects, unlike
//! `GC_register_finalizer`).
//!
//! bdwgc calls disclaim procedures while it sweeps lazily, from whichever
//! allocation reaches the block; rgc sweeps in the collection, so it calls
//! them there (see `libs/boehm/README.md`).

use crate::kinds::{add_kind, generic_malloc, layout_of_kind, DS_LENGTH};
use crate::state::enter;
use core::ffi::{c_int, c_void};
use core::sync::atomic::{AtomicI32, AtomicPtr, Ordering};
use gc_api::fatal;
use gc_heap::mark::Source;
use gc_heap::object::header;
use gc_heap::Runtime;
use std::sync::RwLock;

/// `GC_disclaim_proc`.
pub type DisclaimProc = unsafe extern "C" fn(*mut c_void) -> c_int;

struct Disclaim {
    /// The layout id of the kind's objects.
    layout: u32,
    proc_: DisclaimProc,
    mark_from_all: bool,
}

/// The registered procedures: written under the collector lock, read by
/// collections (the lock is uncontended then: the world is stopped).
static DISCLAIMS: RwLock<Vec<Disclaim>> = RwLock::new(Vec::new());

/// The runtime whose collection is calling disclaim procedures, while
/// they run ([`GC_is_marked`](crate::kinds::GC_is_marked) reads marks
/// through it); null otherwise. Written and read by the collecting thread.
static DISCLAIMING: AtomicPtr<Runtime> = AtomicPtr::new(core::ptr::null_mut());

/// `GC_register_disclaim_proc`: `proc_` runs for each unreached object of
/// kind `kind` before it is freed (see the module doc). Registering again
/// replaces the procedure. Misuse: a built-in kind, or one that does not
/// exist, is a fatal error.
#[no_mangle]
pub extern "C" fn GC_register_disclaim_proc(kind: c_int, proc_: Option<DisclaimProc>, mark_from_all: c_int) {
    const CALL: &str = "GC_register_disclaim_proc";
    let layout = layout_of_kind(CALL, kind);
    let Some(proc_) = proc_ else { fatal!(CALL, "the disclaim procedure is NULL") };
    let c = enter(CALL);
    let mut table = DISCLAIMS.write().unwrap_or_else(|e| e.into_inner());
    table.retain(|d| d.layout != layout);
    table.push(Disclaim { layout, proc_, mark_from_all: mark_from_all != 0 });
    drop(c);
}

/// The objects of kinds with a disclaim procedure that `pick` accepts (by
/// the procedure's entry), with their lengths.
fn objects_of_disclaimed_kinds(
    rt: &Runtime,
    pick: impl Fn(&Disclaim, bool) -> bool,
) -> Vec<(usize, usize, DisclaimProc)> {
    let table = DISCLAIMS.read().unwrap_or_else(|e| e.into_inner());
    let mut found = Vec::new();
    if table.is_empty() {
        return found;
    }
    let heap = rt.heap();
    heap.for_each_object(|obj| {
        // SAFETY: for_each_object yields allocated objects.
        let h = unsafe { header(obj) };
        if !h.is_words() || h.gc == 0 {
            return;
        }
        if let Some(d) = table.iter().find(|d| d.layout == h.gc) {
            // SAFETY: as above.
            if pick(d, unsafe { heap.is_marked(obj) }) {
                found.push((obj as usize, h.bytes_len().unwrap_or(0), d.proc_));
            }
        }
    });
    found
}

/// While roots are marked: the words of every object of a `mark_from_all`
/// kind are scanned, reached or not.
pub(crate) fn mark_from_all_objects(rt: &mut Runtime) {
    for (obj, len, _) in objects_of_disclaimed_kinds(rt, |d, _| d.mark_from_all) {
        // SAFETY: an allocated object's own bytes.
        unsafe { rt.mark_ambiguous_range(obj, obj + len) };
    }
}

/// Once marking is done, before the sweep: each unreached object of a
/// kind with a disclaim procedure is offered to it; those it keeps are
/// marked, with what they reach.
pub(crate) fn run_disclaim_procs(rt: &mut Runtime) {
    let unreached = objects_of_disclaimed_kinds(rt, |_, marked| !marked);
    if unreached.is_empty() {
        return;
    }
    DISCLAIMING.store(rt, Ordering::Relaxed);
    let kept: Vec<usize> = unreached
        .into_iter()
        // SAFETY: the program's procedure, called as bdwgc calls it, with
        // an object of its kind.
        .filter(|&(obj, _, proc_)| unsafe { proc_(obj as *mut c_void) } != 0)
        .map(|(obj, _, _)| obj)
        .collect();
    DISCLAIMING.store(core::ptr::null_mut(), Ordering::Relaxed);
    for obj in kept {
        rt.visit(obj as *mut u8, Source::TempRoot);
    }
    rt.mark_transitive();
}

/// Whether the object `p` points into is marked, if a disclaim procedure
/// is running on this thread (`None` otherwise).
pub fn is_marked_now(p: usize) -> Option<bool> {
    let rt = DISCLAIMING.load(Ordering::Relaxed);
    // SAFETY: set only while `run_disclaim_procs` holds the runtime and
    // calls procedures on this thread, which read marks only.
    let rt = unsafe { rt.as_ref() }?;
    let heap = rt.heap();
    // SAFETY: object_containing yields allocated objects.
    Some(heap.object_containing(p).is_some_and(|obj| unsafe { heap.is_marked(obj) }))
}

/// The object `p` points into, if a disclaim procedure is running on this
/// thread (`GC_base` from it: the collector lock is held by this very
/// collection); `None` otherwise.
pub fn base_now(p: usize) -> Option<Option<*mut u8>> {
    let rt = DISCLAIMING.load(Ordering::Relaxed);
    // SAFETY: as in `is_marked_now`.
    let rt = unsafe { rt.as_ref() }?;
    Some(rt.heap().object_containing(p))
}

/// `GC_finalization_proc`.
pub type FinalizerProc = unsafe extern "C" fn(*mut c_void, *mut c_void);

/// `struct GC_finalizer_closure`.
#[repr(C)]
pub struct FinalizerClosure {
    pub proc_: FinalizerProc,
    pub cd: *mut c_void,
}

/// Tags the closure pointer in a finalized object's hidden word (bdwgc's
/// `FINALIZER_CLOSURE_FLAG`): a cleared word (not yet set up) runs nothing.
const CLOSURE_FLAG: usize = 1;
const WORD: usize = core::mem::size_of::<usize>();

/// The kind of `GC_finalized_malloc`'s objects, 0 before
/// [`GC_init_finalized_malloc`]; written once under the collector lock.
static FINALIZED_KIND: AtomicI32 = AtomicI32::new(0);

unsafe extern "C" fn run_closure(obj: *mut c_void) -> c_int {
    // SAFETY: an object of the finalized kind: at least its hidden word.
    let word = unsafe { *(obj as *const usize) };
    if word & CLOSURE_FLAG != 0 {
        let closure = (word & !CLOSURE_FLAG) as *const FinalizerClosure;
        // SAFETY: the closure the program passed to GC_finalized_malloc,
        // kept alive by the tagged pointer to it; called as bdwgc does.
        unsafe { ((*closure).proc_)((obj as *mut u8).add(WORD).cast(), (*closure).cd) };
    }
    0
}

/// `GC_init_finalized_malloc`: makes the kind of `GC_finalized_malloc`'s
/// objects (once; later calls do nothing).
#[no_mangle]
pub extern "C" fn GC_init_finalized_malloc() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let kind = add_kind("GC_init_finalized_malloc", DS_LENGTH, true);
        GC_register_disclaim_proc(kind, Some(run_closure), 1);
        FINALIZED_KIND.store(kind, Ordering::Relaxed);
    });
}

/// `GC_finalized_malloc`: `size` bytes, cleared, whose closure `fc` runs
/// (with the object and `fc->cd`) in the collection that finds the object
/// unreachable, before it is freed; the closure must not call `GC_`
/// functions (the world is stopped). Misuse: calling it before
/// `GC_init_finalized_malloc`, or with a null closure, is fatal.
///
/// # Safety
/// `fc` stays valid while the object lives.
#[no_mangle]
pub unsafe extern "C" fn GC_finalized_malloc(size: usize, fc: *const FinalizerClosure) -> *mut c_void {
    const CALL: &str = "GC_finalized_malloc";
    let kind = FINALIZED_KIND.load(Ordering::Relaxed);
    if kind == 0 {
        fatal!(CALL, "called before GC_init_finalized_malloc");
    }
    if fc.is_null() {
        fatal!(CALL, "the finalizer closure is NULL");
    }
    let Some(bytes) = size.checked_add(WORD) else {
        return crate::state::out_of_memory(size);
    };
    let obj = generic_malloc(CALL, bytes, kind, false);
    if obj.is_null() {
        return obj;
    }
    // SAFETY: a fresh object of at least a word.
    unsafe { *(obj as *mut usize) = fc as usize | CLOSURE_FLAG };
    // SAFETY: past the hidden word, inside the object.
    unsafe { (obj as *mut u8).add(WORD).cast() }
}
