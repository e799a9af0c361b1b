//! Finalizers and disappearing links, and what happens after a collection
//! (`GC_gc_no`, `GC_PRINT_STATS`, running or announcing finalizers).

use crate::state::{
    enter, is_initialised, warn, GC_finalize_on_demand, GC_finalizer_notifier, GC_gc_no, GcWord, NotifierFn,
    PRINT_STATS,
};
use core::ffi::{c_int, c_void};
use core::sync::atomic::{AtomicBool, Ordering};
use gc_api::collector::Collector;
use gc_api::fatal;
use gc_marksweep::finalization::{FinalizerProc, LinkKind, Order, Registration};

/// `GC_SUCCESS`, `GC_DUPLICATE`, `GC_NO_MEMORY`, `GC_NOT_FOUND` (gc.h).
pub const GC_SUCCESS: c_int = 0;
pub const GC_DUPLICATE: c_int = 1;
pub const GC_NO_MEMORY: c_int = 2;
pub const GC_NOT_FOUND: c_int = 4;

static RUNNING_FINALIZERS: AtomicBool = AtomicBool::new(false);

/// Called after every call that may collect, with the collector's count
/// of collections: if it moved past `GC_gc_no`, see [`after_collection`].
#[inline]
pub fn after_possible_collection(collections: u64) {
    if collections as GcWord != GC_gc_no.get() {
        after_collection(collections);
    }
}

/// A collection finished (the collector now counts `collections`): update
/// `GC_gc_no`, print statistics if asked, and run or announce finalizers.
#[cold]
fn after_collection(collections: u64) {
    GC_gc_no.set(collections as GcWord);
    let (ready, (leaks, leak_count)) = {
        let mut c = enter("GC (after a collection)");
        if PRINT_STATS.load(Ordering::Relaxed) {
            let s = c.stats();
            // A hosted library: the fraction may go through core::fmt.
            let line = format!(
                "collection {}: {} bytes live in {} objects, heap {} bytes, last pause at most {:.3} ms",
                s.collections,
                s.live_bytes,
                s.live_objects,
                s.heap_size,
                s.max_pause_ns as f64 / 1e6
            );
            gc_api::fatal::report("GC_PRINT_STATS", &gc_api::msg!(line));
        }
        (c.plan.finalizers.ready_count(), c.plan.take_leaks())
    };
    crate::debugging::report_leaks(&leaks, leak_count);
    if ready != 0 {
        run_or_announce();
    }
}

/// Runs the ready finalizers, or under `GC_finalize_on_demand` calls
/// `GC_finalizer_notifier` instead.
fn run_or_announce() {
    if GC_finalize_on_demand.get() != 0 {
        if let Some(notify) = GC_finalizer_notifier.get() {
            // SAFETY: installed by the client with this signature.
            unsafe { notify() };
        }
    } else {
        invoke_all();
    }
}

/// Runs every ready finalizer, oldest first, outside the collector;
/// returns how many ran. A finalizer that allocates and so triggers a
/// collection does not start a nested round (invariant 3 of the crate).
pub fn invoke_all() -> usize {
    if RUNNING_FINALIZERS.swap(true, Ordering::Acquire) {
        return 0;
    }
    let mut ran = 0;
    loop {
        let next = enter("GC_invoke_finalizers").plan.finalizers.pop_ready();
        let Some((obj, reg)) = next else { break };
        // SAFETY: a finalizer the client registered for `obj`; `obj` stays
        // alive while it runs because this frame holds it (a conservative root).
        unsafe { (reg.proc_)(obj.cast(), reg.data) };
        core::hint::black_box(obj);
        ran += 1;
    }
    RUNNING_FINALIZERS.store(false, Ordering::Release);
    ran
}

/// # Safety
/// `old_proc` and `old_data` are null or writable.
unsafe fn register(
    call: &'static str,
    obj: *mut c_void,
    proc_: Option<FinalizerProc>,
    data: *mut c_void,
    old_proc: *mut Option<FinalizerProc>,
    old_data: *mut *mut c_void,
    order: Order,
) {
    let old = {
        let mut c = enter(call);
        if !crate::state::is_object_start(&mut c, obj) {
            // bdwgc ignores such a call; rgc says so.
            drop(c);
            warn(
                &format!(
                    "rgc: {call}: {obj:p} is not the start of a GC_malloc object; no finalizer registered (value %lu)"
                ),
                obj as GcWord,
            );
            None
        } else {
            c.plan.finalizers.register(obj.cast(), proc_.map(|proc_| Registration { proc_, data, order }))
        }
    };
    // SAFETY: caller contract.
    unsafe {
        if !old_proc.is_null() {
            *old_proc = old.map(|r| r.proc_);
        }
        if !old_data.is_null() {
            *old_data = old.map_or(core::ptr::null_mut(), |r| r.data);
        }
    }
}

macro_rules! finalizer_entry_points {
    ($($name:ident, $debug:ident, $order:expr;)*) => {$(
        /// Registers (or with a NULL proc removes) the finalizer of `obj`,
        /// the start of a `GC_malloc` object, writing the previous one
        /// through the non-null out-pointers.
        ///
        /// # Safety
        /// `old_proc` and `old_data` are null or writable.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            obj: *mut c_void,
            proc_: Option<FinalizerProc>,
            data: *mut c_void,
            old_proc: *mut Option<FinalizerProc>,
            old_data: *mut *mut c_void,
        ) {
            // SAFETY: forwarded contract.
            unsafe { register(stringify!($name), obj, proc_, data, old_proc, old_data, $order) }
        }
        /// The `-DGC_DEBUG` form of the same call.
        ///
        /// # Safety
        /// As for the non-debug form.
        #[no_mangle]
        pub unsafe extern "C" fn $debug(
            obj: *mut c_void,
            proc_: Option<FinalizerProc>,
            data: *mut c_void,
            old_proc: *mut Option<FinalizerProc>,
            old_data: *mut *mut c_void,
        ) {
            // SAFETY: forwarded contract.
            unsafe { register(stringify!($debug), obj, proc_, data, old_proc, old_data, $order) }
        }
    )*};
}

finalizer_entry_points! {
    GC_register_finalizer, GC_debug_register_finalizer, Order::Topological;
    GC_register_finalizer_ignore_self, GC_debug_register_finalizer_ignore_self, Order::IgnoreSelf;
    GC_register_finalizer_no_order, GC_debug_register_finalizer_no_order, Order::NoOrder;
    GC_register_finalizer_unreachable, GC_debug_register_finalizer_unreachable, Order::Unreachable;
}

/// `GC_finalize_all`: makes every registered finalizer ready, reachable
/// objects' too, and runs them (unless `GC_finalize_on_demand`, as after
/// a collection). For a program about to exit.
#[no_mangle]
pub extern "C" fn GC_finalize_all() {
    if !is_initialised() {
        return;
    }
    enter("GC_finalize_all").plan.finalizers.make_all_ready();
    run_or_announce();
}

/// `GC_invoke_finalizers`: runs the ready finalizers; returns how many.
#[no_mangle]
pub extern "C" fn GC_invoke_finalizers() -> c_int {
    if !is_initialised() {
        return 0;
    }
    invoke_all() as c_int
}

/// `GC_should_invoke_finalizers`: non-zero when finalizers are ready.
#[no_mangle]
pub extern "C" fn GC_should_invoke_finalizers() -> c_int {
    (is_initialised() && enter("GC_should_invoke_finalizers").plan.finalizers.ready_count() > 0) as c_int
}

#[no_mangle]
pub extern "C" fn GC_set_finalize_on_demand(on: c_int) {
    GC_finalize_on_demand.set(on);
}
#[no_mangle]
pub extern "C" fn GC_get_finalize_on_demand() -> c_int {
    GC_finalize_on_demand.get()
}
#[no_mangle]
pub extern "C" fn GC_set_finalizer_notifier(f: Option<NotifierFn>) {
    GC_finalizer_notifier.set(f);
}
#[no_mangle]
pub extern "C" fn GC_get_finalizer_notifier() -> Option<NotifierFn> {
    GC_finalizer_notifier.get()
}

/// `GC_general_register_disappearing_link`: `*link` is set to NULL in the
/// collection that finds `obj` unreachable. Returns `GC_SUCCESS`, or
/// `GC_DUPLICATE` if `link` is registered already. Misuse: a NULL or
/// misaligned `link`, or an `obj` that is not in a live `GC_malloc`
/// object, is a fatal error.
#[no_mangle]
pub extern "C" fn GC_general_register_disappearing_link(link: *mut *mut c_void, obj: *const c_void) -> c_int {
    register_link("GC_general_register_disappearing_link", LinkKind::Short, link, obj)
}

/// `GC_register_long_link`: `*link` is set to NULL once `obj` is freed:
/// unlike a disappearing link, not while `obj` waits for its finalizer,
/// which may bring it back. Returns and misuse as for
/// [`GC_general_register_disappearing_link`].
#[no_mangle]
pub extern "C" fn GC_register_long_link(link: *mut *mut c_void, obj: *const c_void) -> c_int {
    register_link("GC_register_long_link", LinkKind::Long, link, obj)
}

fn register_link(call: &'static str, kind: LinkKind, link: *mut *mut c_void, obj: *const c_void) -> c_int {
    if link.is_null() || (link as usize) % core::mem::align_of::<*mut c_void>() != 0 {
        fatal!(call, "link ", link, " is not an aligned, non-NULL pointer");
    }
    let mut c = enter(call);
    let Some(base) = crate::state::object_at(&mut c, obj as usize) else {
        fatal!(call, "object ", obj, " is not inside a live GC_malloc object");
    };
    if c.plan.finalizers.register_link(kind, link, base) {
        GC_SUCCESS
    } else {
        GC_DUPLICATE
    }
}

/// `GC_register_disappearing_link`: the link is cleared when the object
/// containing it dies.
#[no_mangle]
pub extern "C" fn GC_register_disappearing_link(link: *mut *mut c_void) -> c_int {
    GC_general_register_disappearing_link(link, link.cast())
}

/// `GC_unregister_disappearing_link`: 1 if `link` was registered, else 0.
#[no_mangle]
pub extern "C" fn GC_unregister_disappearing_link(link: *mut *mut c_void) -> c_int {
    unregister_link("GC_unregister_disappearing_link", LinkKind::Short, link)
}

/// `GC_unregister_long_link`: 1 if `link` was registered as a long link.
#[no_mangle]
pub extern "C" fn GC_unregister_long_link(link: *mut *mut c_void) -> c_int {
    unregister_link("GC_unregister_long_link", LinkKind::Long, link)
}

fn unregister_link(call: &'static str, kind: LinkKind, link: *mut *mut c_void) -> c_int {
    if !is_initialised() {
        return 0;
    }
    enter(call).plan.finalizers.unregister_link(kind, link) as c_int
}

/// `GC_move_disappearing_link`: `GC_SUCCESS`, `GC_DUPLICATE` if `to` is a
/// link already, `GC_NOT_FOUND` if `from` is not one.
#[no_mangle]
pub extern "C" fn GC_move_disappearing_link(from: *mut *mut c_void, to: *mut *mut c_void) -> c_int {
    move_link("GC_move_disappearing_link", LinkKind::Short, from, to)
}

/// `GC_move_long_link`: as [`GC_move_disappearing_link`], for long links.
#[no_mangle]
pub extern "C" fn GC_move_long_link(from: *mut *mut c_void, to: *mut *mut c_void) -> c_int {
    move_link("GC_move_long_link", LinkKind::Long, from, to)
}

fn move_link(call: &'static str, kind: LinkKind, from: *mut *mut c_void, to: *mut *mut c_void) -> c_int {
    if !is_initialised() {
        return GC_NOT_FOUND;
    }
    match enter(call).plan.finalizers.move_link(kind, from, to) {
        0 => GC_SUCCESS,
        1 => GC_DUPLICATE,
        _ => GC_NOT_FOUND,
    }
}
