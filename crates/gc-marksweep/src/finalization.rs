//! Per-object finalizers and disappearing links (the Boehm API's
//! `GC_register_finalizer*` and `GC_*_disappearing_link`), for the
//! conservative plan.
//!
//! rgc's own finalizers belong to a type and run in no particular order.
//! These belong to one object, carry a client word, and by default run in
//! *topological order*: if finalizable A reaches finalizable B, only A is
//! finalized in this collection, and B waits until A is gone. The ordering
//! pass runs after marking from the roots ([`ObjectFinalizers::run`]):
//! 1. every registered object still unmarked is a candidate;
//! 2. what each candidate reaches is marked, the candidate itself only if a
//!    path leads back to it ([`gc_heap::mark::Marker::scan_children`]);
//! 3. candidates still unmarked are *ready*: they are marked with all they
//!    reach and move to the ready queue, which is a root set until the
//!    client takes them ([`ObjectFinalizers::pop_ready`]).
//!
//! [`Order`] says how one registration takes part. Objects on a cycle of
//! ordered finalizable objects are never finalized (as in bdwgc).
//!
//! A disappearing link is a word the collector sets to null in the
//! collection that finds its target unreachable, before finalization (so a
//! link to an object that is about to be finalized is cleared too). A link
//! that lives inside a heap object is forgotten when that object dies. A
//! *long* link ([`LinkKind::Long`], `GC_register_long_link`) is cleared
//! only after the ordering pass, when its target is still unmarked: not
//! while the target waits for its finalizer, which could bring it back.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;
use core::ffi::c_void;
use gc_heap::mark::Source;
use gc_heap::Runtime;

/// A finalizer as the Boehm API declares it: `proc(object, client_data)`.
pub type FinalizerProc = unsafe extern "C" fn(*mut c_void, *mut c_void);

/// How a registration takes part in ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// `GC_register_finalizer`: not ready while another unreachable
    /// finalizable object, or a path from itself, reaches it.
    Topological,
    /// `GC_register_finalizer_ignore_self`: like `Topological`, but paths
    /// from the object back to itself do not count.
    IgnoreSelf,
    /// `GC_register_finalizer_no_order`: ready as soon as it is unreachable
    /// from the roots; what it reaches is not held back for it.
    NoOrder,
    /// `GC_register_finalizer_unreachable`: ready as soon as it is
    /// unreachable from the roots, but what it reaches waits for it.
    Unreachable,
}

/// One registration.
#[derive(Debug, Clone, Copy)]
pub struct Registration {
    pub proc_: FinalizerProc,
    pub data: *mut c_void,
    pub order: Order,
}

/// The registered finalizers and links of one heap.
#[derive(Default)]
pub struct ObjectFinalizers {
    /// Object address → its finalizer, while the object is reachable.
    registered: BTreeMap<usize, Registration>,
    /// Objects found unreachable, with their finalizers, oldest first; a
    /// root set.
    ready: VecDeque<(*mut u8, Registration)>,
    /// Link address → target object address, per [`LinkKind`].
    links: [BTreeMap<usize, usize>; 2],
}

/// When a link to an object is cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// When the object is found unreachable from the roots, before its
    /// finalizer runs (`GC_general_register_disappearing_link`).
    Short = 0,
    /// When the object is freed: not while a finalizer could still bring it
    /// back (`GC_register_long_link`).
    Long = 1,
}

impl ObjectFinalizers {
    /// Sets (or with `None` removes) the finalizer of `obj`; returns the one
    /// it replaces.
    pub fn register(&mut self, obj: *mut u8, reg: Option<Registration>) -> Option<Registration> {
        match reg {
            Some(r) => self.registered.insert(obj as usize, r),
            None => self.registered.remove(&(obj as usize)),
        }
    }

    /// The oldest ready finalizer, with its object; the caller keeps the
    /// object alive while the finalizer runs.
    pub fn pop_ready(&mut self) -> Option<(*mut u8, Registration)> {
        self.ready.pop_front()
    }

    pub fn ready_count(&self) -> usize {
        self.ready.len()
    }

    /// Finalizers registered and not yet ready.
    pub fn registered_count(&self) -> usize {
        self.registered.len()
    }

    /// Makes every registered finalizer ready, reachable objects' too, in
    /// address order (`GC_finalize_all`, for a program about to exit).
    pub fn make_all_ready(&mut self) {
        let all = core::mem::take(&mut self.registered);
        self.ready.extend(all.into_iter().map(|(obj, reg)| (obj as *mut u8, reg)));
    }

    /// Registers `link` to be cleared when `target` dies (as `kind` says).
    /// False when `link` is already registered as a link of that kind (its
    /// target is left unchanged).
    pub fn register_link(&mut self, kind: LinkKind, link: *mut *mut c_void, target: *mut u8) -> bool {
        match self.links[kind as usize].entry(link as usize) {
            alloc::collections::btree_map::Entry::Occupied(_) => false,
            alloc::collections::btree_map::Entry::Vacant(v) => {
                v.insert(target as usize);
                true
            }
        }
    }

    /// Forgets `link`; false if it was not registered as that kind.
    pub fn unregister_link(&mut self, kind: LinkKind, link: *mut *mut c_void) -> bool {
        self.links[kind as usize].remove(&(link as usize)).is_some()
    }

    /// Moves the link registered at `from` to `to`: 0 on success (moving
    /// onto itself too), 1 when `to` is already a link, 2 when `from` is
    /// not one (the Boehm API's `GC_move_disappearing_link` codes shifted to
    /// start at 0, checked in bdwgc's order).
    pub fn move_link(&mut self, kind: LinkKind, from: *mut *mut c_void, to: *mut *mut c_void) -> u32 {
        // bdwgc's order: an unknown `from` first, then a move onto itself.
        let links = &mut self.links[kind as usize];
        if !links.contains_key(&(from as usize)) {
            return 2;
        }
        if from == to {
            return 0;
        }
        if links.contains_key(&(to as usize)) {
            return 1;
        }
        let target = links.remove(&(from as usize)).expect("checked above");
        links.insert(to as usize, target);
        0
    }

    /// An object of `len` bytes at `obj` was freed explicitly: forget its
    /// finalizer, the links to it and the links inside it.
    pub fn forget_object(&mut self, obj: *mut u8, len: usize) {
        let object = obj as usize..obj as usize + len.max(1);
        self.registered.remove(&object.start);
        for links in &mut self.links {
            links.retain(|link, target| !object.contains(link) && !object.contains(target));
        }
    }

    /// Marks the ready queue (it is a root set).
    pub fn mark_ready(&self, rt: &mut Runtime) {
        for &(obj, _) in &self.ready {
            rt.visit(obj, Source::FinalizerQueue);
        }
    }

    /// Clears dead links, runs the ordering pass (see the module doc), then
    /// clears dead long links. Called with everything reachable from the
    /// roots marked.
    pub fn run(&mut self, rt: &mut Runtime) {
        self.clear_dead_links(rt, LinkKind::Short);
        self.order_and_queue(rt);
        // Everything a finalizer could bring back is marked now.
        self.clear_dead_links(rt, LinkKind::Long);
    }

    /// The ordering pass: queues the finalizers that are ready and marks
    /// what they reach.
    fn order_and_queue(&mut self, rt: &mut Runtime) {
        let marked = |rt: &Runtime, o: usize| {
            // SAFETY: registered objects are live until finalized or freed.
            unsafe { rt.heap().is_marked(o as *const u8) }
        };
        let candidates: Vec<(usize, Order)> =
            self.registered.iter().filter(|(&o, _)| !marked(rt, o)).map(|(&o, r)| (o, r.order)).collect();
        if candidates.is_empty() {
            return;
        }
        // Paths from an IgnoreSelf object back to itself do not count: scan
        // each one alone and take back its own mark.
        for &(o, order) in &candidates {
            if order == Order::IgnoreSelf && !marked(rt, o) {
                self.scan_from(rt, o);
                if marked(rt, o) {
                    // SAFETY: a marked, live object of this heap.
                    unsafe { rt.take_back_mark(o as *mut u8) };
                }
            }
        }
        for &(o, order) in &candidates {
            if matches!(order, Order::Topological | Order::Unreachable) {
                self.scan_from(rt, o);
            }
        }
        for (o, order) in candidates {
            let ready = match order {
                Order::NoOrder | Order::Unreachable => true,
                Order::Topological | Order::IgnoreSelf => !marked(rt, o),
            };
            if ready {
                let reg = self.registered.remove(&o).expect("candidates are registered");
                rt.visit(o as *mut u8, Source::FinalizerQueue);
                self.ready.push_back((o as *mut u8, reg));
            }
        }
        rt.mark_transitive();
    }

    /// Marks what `obj` reaches, without marking `obj` itself first.
    fn scan_from(&self, rt: &mut Runtime, obj: usize) {
        // SAFETY: registered objects are live.
        unsafe { rt.scan_children(obj as *mut u8) };
        rt.mark_transitive();
    }

    /// Sets links whose target is unmarked to null and forgets them; forgets
    /// links that live inside unmarked heap objects.
    fn clear_dead_links(&mut self, rt: &mut Runtime, kind: LinkKind) {
        let heap = rt.heap();
        self.links[kind as usize].retain(|&link, &mut target| {
            // SAFETY (both): targets and heap objects holding links are
            // allocated until this sweep.
            if let Some(holder) = heap.object_containing(link) {
                if !unsafe { heap.is_marked(holder) } {
                    return false;
                }
            }
            if unsafe { heap.is_marked(target as *const u8) } {
                return true;
            }
            // SAFETY: the client registered `link` as a writable word that
            // stays valid until unregistered (GC_general_register_disappearing_link).
            unsafe { *(link as *mut usize) = 0 };
            false
        });
    }
}
