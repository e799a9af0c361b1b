//! Toggle references (`GC_toggleref_add`): objects whose external peer
//! decides, at each collection, whether they are held strongly, weakly or
//! not at all (bdwgc's support for runtimes bridging to a reference-counted
//! world, as Mono does).
//!
//! At the start of each collection the program's callback is asked about
//! every registered object still there; a strong one is a root of that
//! collection, a weak one is forgotten if nothing else keeps it, a dropped
//! one is forgotten. rgc asks with the world stopped (bdwgc: with the
//! world running, under the allocation lock); either way the callback must
//! not call `GC_` functions.

use crate::finalize::{GC_NO_MEMORY, GC_SUCCESS};
use crate::state::enter;
use core::ffi::{c_int, c_void};
use gc_heap::mark::Source;
use gc_heap::Runtime;
use std::sync::Mutex;

/// `GC_ToggleRefStatus`.
pub const DROP: c_int = 0;
pub const STRONG: c_int = 1;
pub const WEAK: c_int = 2;

/// `GC_toggleref_func`.
pub type ToggleRefFn = unsafe extern "C" fn(*mut c_void) -> c_int;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ref {
    Strong(usize),
    Weak(usize),
}

struct Table {
    callback: Option<ToggleRefFn>,
    /// Kept in memory the collector does not scan: strong entries are
    /// marked by [`mark_strong`], weak ones cleared by [`clear_dead_weak`].
    refs: Vec<Ref>,
}

/// Written by the program's calls (under the collector lock) and by
/// collections (the world stopped); the mutex is never contended when a
/// collection takes it.
static TABLE: Mutex<Table> = Mutex::new(Table { callback: None, refs: Vec::new() });

fn table() -> std::sync::MutexGuard<'static, Table> {
    TABLE.lock().unwrap_or_else(|e| e.into_inner())
}

/// `GC_set_toggleref_func`: the callback (NULL: none, and
/// `GC_toggleref_add` registers nothing).
#[no_mangle]
pub extern "C" fn GC_set_toggleref_func(f: Option<ToggleRefFn>) {
    let _held = enter("GC_set_toggleref_func");
    table().callback = f;
}

#[no_mangle]
pub extern "C" fn GC_get_toggleref_func() -> Option<ToggleRefFn> {
    let _held = enter("GC_get_toggleref_func");
    table().callback
}

/// `GC_toggleref_add`: registers `obj`, held strongly or weakly until the
/// callback says otherwise; `GC_SUCCESS` (also when no callback is set,
/// which registers nothing, as in bdwgc), `GC_NO_MEMORY` if the table
/// cannot grow. Misuse: `obj` not a heap object's start is fatal.
#[no_mangle]
pub extern "C" fn GC_toggleref_add(obj: *mut c_void, is_strong: c_int) -> c_int {
    const CALL: &str = "GC_toggleref_add";
    let mut c = enter(CALL);
    if !crate::state::is_object_start(&mut c, obj) {
        gc_api::fatal!(CALL, obj, " is not the start of a heap object");
    }
    let mut t = table();
    if t.callback.is_none() {
        return GC_SUCCESS;
    }
    if t.refs.try_reserve(1).is_err() {
        return GC_NO_MEMORY;
    }
    t.refs.push(if is_strong != 0 { Ref::Strong(obj as usize) } else { Ref::Weak(obj as usize) });
    GC_SUCCESS
}

/// Asks the callback about every registered object (see the module doc).
pub fn ask_the_program() {
    let mut t = table();
    let Some(callback) = t.callback else { return };
    let refs = core::mem::take(&mut t.refs);
    for r in refs {
        let (Ref::Strong(obj) | Ref::Weak(obj)) = r;
        // SAFETY: the program's callback, called as bdwgc calls it, with a
        // registered object that is still allocated.
        match unsafe { callback(obj as *mut c_void) } {
            STRONG => t.refs.push(Ref::Strong(obj)),
            WEAK => t.refs.push(Ref::Weak(obj)),
            DROP => {}
            other => gc_api::fatal!("collector", "the toggle-ref callback returned ", other, ", not 0, 1 or 2"),
        }
    }
}

/// The strong entries are roots.
pub fn mark_strong(rt: &mut Runtime) {
    let t = table();
    for r in &t.refs {
        if let Ref::Strong(obj) = *r {
            rt.visit(obj as *mut u8, Source::TempRoot);
        }
    }
}

/// Weak entries whose object nothing else kept are forgotten.
pub fn clear_dead_weak(rt: &mut Runtime) {
    let mut t = table();
    let heap = rt.heap();
    // SAFETY: registered objects are allocated until this collection's sweep.
    t.refs.retain(|r| !matches!(*r, Ref::Weak(obj) if !unsafe { heap.is_marked(obj as *const u8) }));
}
