//! The threads, locks and atomics of the parallel-marking protocols: the
//! standard library's here; `tests/loom_marking.rs` compiles the protocol
//! files against `loom`'s instead.

pub use core::sync::atomic::{AtomicUsize, Ordering};
pub use std::sync::{Arc, Condvar, Mutex, MutexGuard};
pub use std::thread::JoinHandle;

/// A marker thread's stack: the marker keeps its work on the heap, so a
/// thread needs little more than its frames.
const MARKER_STACK_BYTES: usize = 256 * 1024;

/// Starts a thread named `name`; `None` if the system refuses.
pub fn spawn(name: alloc::string::String, f: impl FnOnce() + Send + 'static) -> Option<JoinHandle<()>> {
    std::thread::Builder::new().name(name).stack_size(MARKER_STACK_BYTES).spawn(f).ok()
}
