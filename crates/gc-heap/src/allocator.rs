//! The collector's side of each thread's allocation spans (see
//! `heap::spans` for the heap's side and `rgc.h` for the inline path).
//!
//! A thread's [`shadowstack::Context`] holds one span per small size class.
//! Inline code bumps `cursor` and writes the header; nothing else. The
//! library makes that exact before anyone looks:
//! - **Settling** ([`Runtime::settle_all`]) sets the alloc bits of the cells
//!   taken since the last settle (`Local::settled` to `cursor`), adds them to
//!   the statistics and the allocation count that paces collections, and,
//!   while an incremental cycle marks, sets their mark bits (allocated
//!   black). [`crate::Gc`] settles every thread before it calls into a
//!   plan and before it answers a lookup or reads statistics, so plans,
//!   the marker, the verifier and `rgc_object_size` never see a cell that
//!   was allocated and not yet settled.
//! - **Retiring** ([`Runtime::retire_all`]) settles and then empties every
//!   span: a sweep starts only after it, so the sweeper owns every block,
//!   and no span hands out a cell the sweep has not judged.
//! - **Refilling** ([`Runtime::alloc_in_span`]) settles the calling thread,
//!   takes the next run of free cells ([`crate::Heap::take_span`]) and
//!   allocates the request from it. With other threads attached under a
//!   concurrent plan it also stashes a few blocks of the class for the
//!   thread, which later refills take without the collector lock
//!   ([`alloc_unlocked`]); their cells are counted in the thread's `Local`
//!   until the next full settle.
//!
//! Threading rule: the collector touches another thread's context only
//! while that thread is stopped: parked at a safepoint by
//! [`Runtime::stop_the_world`] under a concurrent plan, or kept out by the
//! program's own lock under the others (`gc_api::Threads`).

use crate::layout::{class_for_cell, CLASS_SIZES, HEADER, NUM_CLASSES};
use crate::object::Header;
use crate::runtime::Runtime;
use core::ptr::null_mut;
use gc_api::abi::{SpanClass, BYTES_SPANS_LEN};
use gc_api::AllocRequest;
use shadowstack::{Context, Local, Span, NO_SPAN};

// Span `c` serves size class `c`; the last one is never filled.
const _: () = assert!(NUM_CLASSES == NO_SPAN);

/// The span and cell of a small size class.
const fn span_of_class(class: usize) -> SpanClass {
    SpanClass { span: class as u16, cell: CLASS_SIZES[class] as u16 }
}

/// The size class of an object of `bytes`, if it has one (a search, for
/// building [`BYTES_SPANS`] at compile time; [`class_for_cell`] at run time).
const fn class_of(bytes: usize) -> Option<usize> {
    let cell = crate::layout::cell_bytes(bytes);
    let mut c = 0;
    while c < NUM_CLASSES {
        if CLASS_SIZES[c] as usize >= cell {
            return Some(c);
        }
        c += 1;
    }
    None
}

/// `rgc_bytes_spans` of collectors that allocate from spans.
pub const BYTES_SPANS: [SpanClass; BYTES_SPANS_LEN] = {
    let mut t = [SpanClass::NONE; BYTES_SPANS_LEN];
    let mut i = 1;
    while i < BYTES_SPANS_LEN {
        // Index i serves n with (n + 15) / 8 == i, at most 8 * i - 8 bytes.
        if let Some(c) = class_of(8 * i - 8) {
            t[i] = span_of_class(c);
        }
        i += 1;
    }
    t
};

impl Runtime {
    /// The span class of requests for type `id` (registered), or
    /// [`SpanClass::NONE`]: only fixed-size objects without a finalizer
    /// that fit a small class, and only when spans are in use.
    pub fn span_class(&self, id: gc_api::TypeId) -> SpanClass {
        if !self.spans_enabled {
            return SpanClass::NONE;
        }
        let Some(info) = self.types.get(id) else { return SpanClass::NONE };
        if id < gc_api::types::FIRST_USER_TYPE || info.varsize || info.finalizer.is_some() {
            return SpanClass::NONE;
        }
        match class_for_cell(crate::layout::cell_bytes(info.size as usize)) {
            Some(c) => span_of_class(c),
            None => SpanClass::NONE,
        }
    }

    /// Whether small arrays of type `id` (registered) come from spans: a
    /// variable-size user type without a finalizer, while spans are in
    /// use. They share the byte buffers' classes, by total size
    /// ([`BYTES_SPANS`]), up to [`gc_api::abi::INLINE_BYTES_MAX`] bytes.
    pub fn inline_arrays(&self, id: gc_api::TypeId) -> bool {
        self.spans_enabled
            && id >= gc_api::types::FIRST_USER_TYPE
            && self.types.get(id).is_some_and(|info| info.varsize && info.finalizer.is_none())
    }

    /// The class a span would serve `req` from, if spans may serve it.
    #[inline]
    pub fn span_class_of_request(&self, req: &AllocRequest) -> Option<usize> {
        if !req.inline || !self.spans_enabled {
            return None;
        }
        let untyped = req.type_id == gc_api::types::BYTES_TYPE || req.type_id == gc_api::types::WORDS_TYPE;
        let by_size = untyped || self.inline_arrays(req.type_id);
        let class = if by_size {
            BYTES_SPANS.get((req.bytes + 15) >> 3)?.span as usize
        } else {
            self.span_class(req.type_id).span as usize
        };
        (class != NO_SPAN).then_some(class)
    }

    /// Counts the cells `local`'s thread took from its spans since the
    /// last settle: alloc bits (and mark bits while allocating black),
    /// statistics, and the allocation count that paces collections.
    ///
    /// # Safety
    /// `local` is a registered thread's, and that thread is not allocating
    /// (it is the caller, or stopped: see the module doc).
    pub unsafe fn settle(&mut self, local: &mut Local) {
        // SAFETY: caller contract: registered, so `ctx` is its live context.
        let ctx = unsafe { &mut *local.ctx };
        let black = self.allocate_black;
        let (mut objects, mut footprint) = (0usize, 0usize);
        for class in 0..NUM_CLASSES {
            let (from, to) = (local.settled[class], ctx.spans[class].cursor);
            if from != to {
                let n = self.heap.settle_span(class, from, to, black);
                objects += n;
                footprint += n * CLASS_SIZES[class] as usize;
                local.settled[class] = to;
            }
        }
        objects += core::mem::take(&mut local.unlocked_objects) as usize;
        footprint += core::mem::take(&mut local.unlocked_footprint) as usize;
        let bytes = core::mem::take(&mut ctx.allocated);
        if objects == 0 && bytes == 0 {
            return;
        }
        self.counters.objects_allocated += objects as u64;
        self.counters.bytes_allocated += bytes;
        self.allocated_since_gc += footprint;
        if black {
            self.black.count_allocated_black(objects, bytes, footprint);
        }
    }

    /// [`Runtime::settle`] for one span of the thread: what a refill of
    /// that span needs (the rest waits for the next full settle).
    ///
    /// # Safety
    /// As for [`Runtime::settle`].
    pub unsafe fn settle_span_of(&mut self, local: &mut Local, class: usize) {
        // SAFETY: caller contract: registered, so `ctx` is its live context.
        let ctx = unsafe { &mut *local.ctx };
        let (from, to) = (local.settled[class], ctx.spans[class].cursor);
        if from == to {
            self.count_unlocked(local);
            return;
        }
        let black = self.allocate_black;
        let n = self.heap.settle_span(class, from, to, black);
        let footprint = n * CLASS_SIZES[class] as usize;
        local.settled[class] = to;
        // The bytes of every class: the counter is the thread's, and the
        // full settle that follows before anyone reads statistics counts
        // the other classes' cells.
        let bytes = core::mem::take(&mut ctx.allocated);
        self.counters.objects_allocated += n as u64;
        self.counters.bytes_allocated += bytes;
        self.allocated_since_gc += footprint;
        if black {
            self.black.count_allocated_black(n, bytes, footprint);
        }
        self.count_unlocked(local);
    }

    /// Adds the cells `local`'s thread settled without the lock to the
    /// counters (and, while allocating black, to the marker's), so that
    /// the allocation that paces collections sees them at the thread's
    /// next locked refill.
    fn count_unlocked(&mut self, local: &mut Local) {
        let objects = core::mem::take(&mut local.unlocked_objects);
        let footprint = core::mem::take(&mut local.unlocked_footprint) as usize;
        self.counters.objects_allocated += objects;
        self.allocated_since_gc += footprint;
        if local.black {
            // Their requested bytes went with the thread's byte counter.
            self.black.count_allocated_black(objects as usize, 0, footprint);
        }
    }

    /// Settles every attached thread (see the module doc), stopping the
    /// others first under a concurrent plan.
    pub fn settle_all(&mut self) {
        self.stop_the_world();
        if !self.spans_enabled {
            return;
        }
        // SAFETY: the caller is inside an rgc call and the world is stopped,
        // every other attached thread outside one.
        unsafe { shadowstack::for_each_local(|l| self.settle(l)) };
    }

    /// Stops every other thread (a concurrent plan; others serialise
    /// themselves) until the current rgc call leaves the collector.
    pub fn stop_the_world(&mut self) {
        if self.threads != gc_api::Threads::Concurrent || self.world_stopped {
            return;
        }
        // Alone, there is nobody to stop (a thread attaching meanwhile
        // waits for the lock this call holds).
        let others = shadowstack::attached_count() > 1 || !shadowstack::current_is_attached();
        if others {
            self.events.start(gc_api::Phase::Safepoint);
            // SAFETY: the caller is inside an rgc call, so it holds the
            // collector lock; `current()` is its own context.
            unsafe { shadowstack::safepoint::stop_others(shadowstack::current()) };
            self.events.end(gc_api::Phase::Safepoint);
        }
        self.world_stopped = true;
    }

    /// Lowers the other threads' safepoint flags; they run once the
    /// current call releases the collector lock.
    #[inline]
    pub fn resume_the_world(&mut self) {
        if self.world_stopped {
            self.resume_others();
        }
    }

    #[inline(never)]
    fn resume_others(&mut self) {
        // SAFETY: as in stop_the_world.
        unsafe { shadowstack::safepoint::resume_others(shadowstack::current()) };
        self.world_stopped = false;
    }

    /// Starts or stops allocating black (an incremental cycle's marking),
    /// for the locked paths and for every thread's unlocked refills, which
    /// then set their cells' mark bits themselves. Call with the world
    /// stopped (inside a plan call, after `Gc` settled every thread, so
    /// each thread's unsettled cells are all of one colour).
    pub fn set_allocate_black(&mut self, on: bool) {
        self.allocate_black = on;
        // SAFETY: the caller's contract: every other thread is stopped.
        unsafe { shadowstack::for_each_local(|l| l.black = on) };
    }

    /// Settles every thread and empties its spans. Under the verifier, the
    /// free cells are checked first: a sweep forgets free lists and spans,
    /// and damage to them would go unseen (`crate::verify`).
    pub fn retire_all(&mut self) {
        self.stop_the_world();
        if self.config.verifying() {
            self.check_free_cells_or_abort();
        }
        if !self.spans_enabled {
            return;
        }
        // SAFETY: as in settle_all.
        unsafe {
            shadowstack::for_each_local(|l| {
                self.settle(l);
                retire(l);
            })
        };
    }

    /// Before the small object `obj` is freed explicitly and its cell put
    /// on its class's free list: a thread's span in the same block would
    /// find the cell again in the allocation bitmap (a refill goes on from
    /// the span's end, and a stashed block is searched whole), and the
    /// cell would be handed out twice. So a span whose end lies at or
    /// before the cell in its block is settled and emptied (the thread's
    /// next allocation of the class takes another run), and a stashed
    /// block holding the cell leaves the stash (the next sweep finds it).
    /// Cells before a span's end were allocated from it or before it, and
    /// no refill returns to them.
    pub fn release_spans_over(&mut self, obj: *mut u8) {
        let Some(class) = self.heap.small_class_of(obj) else { return };
        if !self.spans_enabled {
            return;
        }
        let cell = obj.wrapping_sub(HEADER) as usize;
        let block_of = |p: usize| p & !(crate::layout::BLOCK_SIZE - 1);
        // SAFETY: inside an rgc call with every other thread stopped (Gc
        // settles, stopping them, before every plan call).
        unsafe {
            shadowstack::for_each_local(|l| {
                let limit = (*l.ctx).spans[class].limit as usize;
                if limit != 0 && block_of(limit - 1) == block_of(cell) && limit <= cell {
                    self.settle_span_of(l, class);
                    (*l.ctx).spans[class] = Span::EMPTY;
                    l.settled[class] = null_mut();
                }
                let len = l.stash_len[class] as usize;
                if let Some(i) = (0..len).find(|&i| block_of(l.stash[class][i] as usize) == block_of(cell)) {
                    l.stash[class][i] = l.stash[class][len - 1];
                    l.stash_len[class] -= 1;
                }
            })
        };
    }

    /// Settles the calling thread's spans only: its own cells become
    /// objects, without stopping the others (whose spans are theirs).
    pub fn settle_current(&mut self) {
        if !self.spans_enabled {
            return;
        }
        // SAFETY: the caller's own Local, inside an rgc call (so it is not
        // allocating); a thread settles cells of its own blocks only, as a
        // refill without the lock does.
        if let Some(local) = unsafe { shadowstack::current_local() } {
            // SAFETY: as above.
            unsafe { self.settle(local) };
        }
    }

    /// Settles and empties the calling thread's spans (it is detaching).
    pub fn retire_current(&mut self) {
        // SAFETY: the caller's own Local, inside an rgc call.
        if let Some(local) = unsafe { shadowstack::current_local() } {
            // SAFETY: the calling thread, registered while it has a Local.
            unsafe { self.settle(local) };
            retire(local);
        }
    }

    /// Empties every thread's spans and store log without counting them:
    /// the heap they point into is going away (`rgc_shutdown`).
    pub fn forget_spans(&mut self) {
        // SAFETY: as in settle_all.
        unsafe {
            shadowstack::for_each_local(|l| {
                retire(l);
                l.drain_log(|_| {});
                l.unlocked_objects = 0;
                l.unlocked_footprint = 0;
                (*l.ctx).allocated = 0;
                (*l.ctx).alloc_key = 0;
            })
        };
    }

    /// Allocates `req` (of size class `class`) from the calling thread's
    /// span, refilling it when empty; null when the heap is full. The
    /// object is counted when the thread is next settled.
    ///
    /// # Safety
    /// `local` is the calling thread's; `req` is a request
    /// [`Runtime::span_class_of_request`] gave `class` for.
    pub unsafe fn alloc_in_span(&mut self, local: &mut Local, class: usize, req: &AllocRequest) -> *mut u8 {
        // SAFETY: caller contract: the calling thread's live context.
        let ctx = unsafe { &mut *local.ctx };
        ctx.alloc_key = gc_api::abi::thread_key(self.types.generation());
        let mut span = ctx.spans[class];
        if span.cursor == span.limit {
            // The spent span is counted before its block is left.
            // SAFETY: the calling thread, registered.
            unsafe { self.settle_span_of(local, class) };
            let Some((start, end)) = self.heap.take_span(class, span.limit) else {
                return null_mut();
            };
            local.settled[class] = start;
            span = Span { cursor: start, limit: end };
            self.fill_stash(local, class);
        }
        let cell = span.cursor;
        let typed = req.type_id >= gc_api::types::FIRST_USER_TYPE;
        let length_at = self.types.get(req.type_id).filter(|i| typed && i.varsize).map(|i| i.length_offset as usize);
        // SAFETY: `cell` is a free, zeroed cell of the class inside the
        // span, which holds whole cells; the context is the caller's; an
        // array's length field lies inside its fixed part.
        unsafe {
            let ctx = &mut *local.ctx;
            ctx.spans[class] = Span { cursor: cell.add(CLASS_SIZES[class] as usize), limit: span.limit };
            ctx.allocated += req.bytes as u64;
            (cell as *mut Header).write(Header::new(req.type_id, req.length, 0));
            if let Some(at) = length_at {
                *(cell.add(HEADER + at) as *mut usize) = req.length;
            }
            cell.add(HEADER)
        }
    }
}

impl Runtime {
    /// Under a concurrent plan, lets the thread's next refills take the
    /// next free run of its span's block without the lock
    /// ([`alloc_unlocked`]: one thread too, where a fragmented block's short
    /// runs made every few objects a locked refill); and with other threads
    /// attached, gives it up to [`shadowstack::STASH`] more blocks of
    /// `class` (partly used ones first, as for spans) for the refills after
    /// that. A stash entry is the block's address, with bit 0 set for a
    /// partly used block.
    fn fill_stash(&mut self, local: &mut Local, class: usize) {
        if self.threads != gc_api::Threads::Concurrent {
            return;
        }
        (local.alloc_bits, local.mark_bits, local.blocks_base) = self.heap.settle_geometry();
        local.black = self.allocate_black;
        if shadowstack::attached_hint() < 2 && !self.collector_thread {
            return;
        }
        while (local.stash_len[class] as usize) < shadowstack::STASH {
            let Some((block, partial)) = self.heap.take_stash_block(class) else { break };
            local.stash[class][local.stash_len[class] as usize] = block.wrapping_add(partial as usize);
            local.stash_len[class] += 1;
        }
    }
}

/// Allocates an object of size class `class` from the calling thread's
/// span, refilling it from the thread's stash: no collector lock, no
/// shared heap structure (the thread owns the blocks and their bitmap
/// words). Null when the span is empty and the stash too, or when a
/// collection asks the thread to stop: then the caller takes the locked
/// path, which is also where it parks.
///
/// # Safety
/// `ctx` is the calling thread's context; `class` a small size class;
/// `header` and `bytes` describe an object of that class.
pub unsafe fn alloc_unlocked(ctx: *mut Context, class: usize, header: Header, bytes: usize) -> *mut u8 {
    // SAFETY: caller contract: the calling thread's own context.
    let ctx = unsafe { &mut *ctx };
    // SAFETY: `local` is null or the thread's live Local (only it and a
    // collector that stopped it touch it).
    let Some(local) = (unsafe { ctx.local.as_mut() }) else { return null_mut() };
    // A collection waiting for this thread, or a call from a blocking
    // region (misuse, which the locked path reports): not here.
    if shadowstack::safepoint::requested(&ctx.safepoint) || local.is_blocking() {
        return null_mut();
    }
    let size = CLASS_SIZES[class] as usize;
    let mut span = ctx.spans[class];
    if span.cursor == span.limit {
        if span.limit.is_null() || local.alloc_bits.is_null() {
            return null_mut(); // no span yet: the locked path makes one
        }
        let (bits, base) = (local.alloc_bits, local.blocks_base);
        // The spent span's cells, counted at the next refill or settle;
        // black while a cycle marks.
        if local.black {
            // The collector thread may be marking: its mark bits are set
            // atomically, as these are, and before the allocation bits.
            // SAFETY: the span's cells lie in a block this thread owns; only
            // this thread writes its allocation words while it runs (module
            // doc of `heap::spans`), mark words are shared, atomically.
            unsafe {
                crate::heap::mark_cells_before_publishing(
                    local.mark_bits,
                    base,
                    class,
                    local.settled[class],
                    span.cursor,
                )
            };
        }
        // SAFETY: as above.
        let n = unsafe { crate::heap::settle_cells(bits, base, class, local.settled[class], span.cursor) };
        local.unlocked_objects += n as u64;
        local.unlocked_footprint += (n * size) as u64;
        local.settled[class] = span.cursor;
        // The next free run of the same block, else of a stashed block.
        let limit = span.limit as usize;
        let block = (((limit - 1 - base as usize) & !(crate::layout::BLOCK_SIZE - 1)) + base as usize) as *mut u8;
        // SAFETY: the span's block is this thread's (until retired).
        let mut next =
            unsafe { crate::heap::free_run_in(bits, base, block, class, (limit - block as usize) / size, true) };
        if next.is_none() {
            let len = local.stash_len[class] as usize;
            if len == 0 {
                return null_mut();
            }
            local.stash_len[class] -= 1;
            let entry = local.stash[class][len - 1] as usize;
            let (block, partial) = ((entry & !1) as *mut u8, entry & 1 == 1);
            // SAFETY: a stashed block of the class, this thread's; a fresh
            // one is zero already.
            next = unsafe { crate::heap::free_run_in(bits, base, block, class, 0, partial) };
        }
        let Some((start, end)) = next else { return null_mut() };
        local.settled[class] = start;
        span = Span { cursor: start, limit: end };
    }
    ctx.spans[class] = span;
    // SAFETY: the span is not empty (refilled just above).
    unsafe { bump(ctx, class, header, bytes) }
}

/// `rgc.h`'s inline `rgc_alloc_in_span_` for Rust callers: the next cell of
/// the calling thread's span of size class `class`, with `header` written,
/// or null when the span is empty. No lock, no shared state.
///
/// # Safety
/// `ctx` is the calling thread's context; `class` a small size class;
/// `header` and `bytes` describe an object of that class.
#[inline(always)]
pub unsafe fn bump(ctx: &mut Context, class: usize, header: Header, bytes: usize) -> *mut u8 {
    let span = &mut ctx.spans[class];
    let cell = span.cursor;
    if cell == span.limit {
        return null_mut();
    }
    // SAFETY: a free, zeroed cell of the span, which holds whole cells
    // of the class (heap invariant 6).
    unsafe {
        span.cursor = cell.add(CLASS_SIZES[class] as usize);
        ctx.allocated += bytes as u64;
        (cell as *mut Header).write(header);
        cell.add(HEADER)
    }
}

/// Empties `local`'s spans and stash (settled already): the blocks go to
/// the next sweep, which finds the stashed ones empty.
fn retire(local: &mut Local) {
    // SAFETY: a registered thread's live context, not allocating.
    let ctx = unsafe { &mut *local.ctx };
    for class in 0..NUM_CLASSES {
        ctx.spans[class] = Span::EMPTY;
        local.settled[class] = null_mut();
        local.stash_len[class] = 0;
    }
}
