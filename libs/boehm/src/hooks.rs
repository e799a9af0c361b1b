//! What the conservative plan calls back into this layer for, at each
//! collection (installed by `GC_init`; each part costs nothing until a
//! program uses it).

use gc_heap::Runtime;

/// First, with the world stopped.
pub fn before_collection() {
    crate::state::sync_stack_bottom();
    crate::toggleref::ask_the_program();
}

/// While the roots are marked.
pub fn mark_extra(rt: &mut Runtime) {
    crate::disclaim::mark_from_all_objects(rt);
    crate::toggleref::mark_strong(rt);
}

/// Once marking is done, before the sweep.
pub fn before_sweep(rt: &mut Runtime) {
    crate::disclaim::run_disclaim_procs(rt);
    crate::toggleref::clear_dead_weak(rt);
}
