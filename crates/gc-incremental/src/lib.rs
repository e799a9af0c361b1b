//! # gc-incremental: the real-time collector (`--gc=incremental`)
//!
//! An incremental, non-moving, snapshot-at-the-beginning (SATB) mark-sweep
//! over the shared heap ([`gc_heap`]), run on the mutator's thread in short
//! increments. Pauses depend on the pause budget, not on the heap size.
//!
//! ## The colour invariant
//! *Black* = marked and scanned, *grey* = marked and queued (or a root
//! snapshot entry not yet marked), *white* = unmarked. From the moment the
//! root snapshot is taken until marking terminates (phases `Roots` and
//! `Mark`), the **weak tri-colour invariant** holds:
//!
//! > every object reachable from the roots is black or grey, or is reachable
//! > from a grey object through a path of white objects.
//!
//! It holds because the roots are snapshotted when the cycle starts, every
//! heap pointer the mutator overwrites is logged and shaded before marking
//! continues (the deletion barrier and its store log, [`barrier`]; logged
//! values count as grey), `rgc_weakref_get` shades what it hands out, and
//! objects allocated during the cycle are born black. Marking terminates
//! when the snapshot is processed and the mark stack is empty: then no
//! grey objects exist, so every reachable object is black. From then until
//! the sweep (phases `Weak` to `PruneWeak`) *every reachable object is
//! marked*; during `Sweep`, *every reachable object in a block the sweeper
//! has not reached is marked*; in `Idle` no mark bit is set.
//! [`verify::check_colours`] checks exactly these statements, by phase,
//! after every increment under `RGC_VERIFY=1`.
//!
//! Black objects *may* point to white ones (a store into a black object of a
//! white value reached from a grey one); that is what SATB allows and the
//! strong invariant forbids. SATB needs no root rescan when marking ends,
//! so termination is bounded, which is why it was chosen.
//!
//! ## Phases ([`phase::CyclePhase`], advanced by [`cycle::Incremental::work`])
//! | phase | work per chunk | barriers |
//! |---|---|---|
//! | `Idle` | none: allocate until the start point | off |
//! | start (inside the first increment) | copy every root value: O(shadow-stack depth), the one step that is not chunked | turned on |
//! | `Roots` | mark 256 snapshot entries | on, allocate black |
//! | `Mark` | scan ~256 pointer slots (arrays in chunks of 256 items) | on, allocate black |
//! | `Weak` | clear 256 weak refs with white targets | weak reads of white targets return NULL |
//! | `FinalizeScan` | move 256 white finalizable objects to the dead list | 〃 |
//! | `FinalizeMark` | mark what dead finalizable objects reach | 〃 |
//! | `PruneWeak` | forget 256 dead weak-ref cells | 〃 |
//! | `Sweep` | sweep one 32 KiB block; allocation uses swept or fresh blocks only | off |
//! | `Release` | `madvise` at most 8 free blocks beyond the next allowance | off |
//!
//! The clock is read after every chunk, so an increment overruns its budget
//! by at most one chunk (about a microsecond of marking or one block of
//! sweeping). Finalizers run after the increment's pause, at the end of the
//! rgc call, like every collector's.
//!
//! ## Pacing ([`pacing`])
//! Work is scheduled by time, as in Metronome: an increment of at most Q
//! (`pause_us`) may start once W (`window_us`) has passed since the previous
//! one started, checked at allocation polls every 8 KiB. So MMU(W) ≥ 1 − Q/W.
//! A cycle starts when the allocation since the last cycle reaches the
//! allowance (the heap policy's, `gc_heap::sizing`, capped by the room
//! below the heap limit) minus what the previous cycle allocated plus 25 % (at least a
//! quarter of the allowance is kept for each cycle). The cycle plans to
//! finish within 75 % of the allowance left when it starts; the rest is a
//! margin for fragmentation and live data growing during the cycle. If
//! allocation gets ahead of the estimated work (the last cycle's collector
//! time plus 25 %), each poll runs an increment regardless of the window
//! (the allocation tax): pauses stay bounded by Q, utilisation gives way. If
//! the heap runs out anyway, the cycle is finished synchronously: an
//! **overrun**, reported as `RGC_PHASE_OVERRUN` and in `rgc_stats.overruns`.
//! The first cycle starts by the same rule, and allocation is counted in
//! heap footprint (size-class cells), the unit of the heap limit.
//! `rgc_step(budget)` runs one increment of that budget, starting a cycle
//! once half of the start point is reached.
//!
//! ## Threads
//! `Concurrent`: attached threads allocate and store at once, each
//! appending overwritten values to its own store log (`rgc_thread.log`).
//! Collector work stops the world: every increment (so the cycle's root
//! snapshot, which copies every thread's shadow stack, and the increment
//! that judges termination, which first drains every thread's log), every
//! full log's flush, and the verifier. Between increments the threads run.
//! While a cycle marks, a thread's lock-free refills set the mark bits of
//! the cells they settle (the thread owns those blocks' bitmap words while
//! it runs; the marker runs only with the world stopped), so every cell
//! allocated during marking is black. Why the snapshot is not ragged (taken by each thread at its
//! own safepoint): global roots have no barrier; see DESIGN.md, "Threads
//! (issue 26, step 3)".
//!
//! ## Background: the collector thread (`RGC_BACKGROUND`, [`background`])
//! With `rgc_config.background` on, a collector thread (`gc_api::background`)
//! does the cycle: the same phases, through the same [`cycle::Incremental::work`],
//! in two kinds of step.
//! - **Marking on loan** (phase `Mark`, up to [`pacing::BACKGROUND_SLICE_NS`]
//!   a step, reported as one `RGC_PHASE_BACKGROUND` span, not a pause):
//!   the thread lends itself the marker under the collector lock, releases
//!   the lock and marks without it (`gc_heap::lend`, whose numbered rules
//!   say what makes that safe). The mutators meanwhile take the lock for
//!   everything they need (refills, medium and large objects, type
//!   registration); their shading goes to the hand-off, and what needs
//!   the marker itself (an assist, `rgc_collect`, the verifier) recalls
//!   it, which the thread notices within a chunk of
//!   [`pacing::MARK_UNITS_PER_CHECK`] units.
//! - **Concurrent slices** (the other phases' work with the world running:
//!   the snapshot's roots, the weak and finalizer tables, sweeping and
//!   releasing; up to [`pacing::BACKGROUND_SLICE_NS`], bracketed by
//!   `RGC_PHASE_BACKGROUND`): the thread holds the collector lock, so
//!   nothing else in rgc runs, but the mutators run their inline code
//!   (allocation from spans and lock-free refills from stashed blocks,
//!   `RGC_STORE` with its store log, shadow-stack pushes). It stops at the
//!   next chunk's clock check once a thread waits for the lock, and stays
//!   out until that thread has had it.
//! - **Handshakes** (an increment of at most Q with the world stopped, a
//!   pause): the root snapshot that starts a cycle; each attempt to end
//!   marking, which first shades every thread's log, then takes the
//!   hand-off in chunks with the marking, charged to its budget; and
//!   the whole `PruneWeak` phase with the start of the sweep (it turns black
//!   allocation off in every thread and retires their spans).
//!
//! What each thread touches while the world runs: the collector thread, the
//! marker (its stack, counts), mark bits (atomic OR), object fields (relaxed
//! loads), and, in locked slices only, the tables and the sweep's blocks (no
//! thread owns an unswept block); a mutator, its own spans, stash blocks and
//! their allocation bits, mark bits of cells it allocates while marking
//! (atomic OR, before their allocation bits), its store log, the hand-off
//! (`gc_heap::store_log`), where a full log goes while marking instead of
//! into a locked flush, and, under the lock while the marker is lent,
//! everything but the marker.
//!
//! The colour invariant is the one above, with two additions: values in the
//! hand-off count as grey, like logged ones; and a cell a thread allocated
//! but has not settled is black by rule (its settle marks it; every thread
//! is settled at the handshake that ends marking). **Termination**: only an
//! increment with the world stopped judges it (the collector thread's
//! handshake, or a mutator's assist, `rgc_step` or `rgc_collect`), once it
//! has shaded every log and the whole hand-off and emptied the stack; a
//! loan that leaves nothing grey and at most [`pacing::HANDSHAKE_HANDED_OFF`]
//! values in the hand-off asks for a handshake. If the handshake's budget
//! ends first, the world runs again and the thread goes on. A program that
//! stores all the time may refill the hand-off as fast as it is shaded:
//! repeats within a log are filtered out as it is handed off
//! (`gc_heap::store_log::RecentValues`), assists shade it while their
//! mutator stores nothing, and at worst the heap's limit ends the cycle in
//! one pause, which takes everything whole.
//! The verifier (`RGC_VERIFY`) checks the colours after every handshake and
//! every slice, stopping the world to do so. Mutators assist (an increment
//! on their thread) only when allocation gets more than
//! [`pacing::ASSIST_SLACK_SHARE`] of the headroom ahead of the work, and
//! start a cycle themselves if the thread is late ([`background::LATE_START_SHARE`]).
//! The protocols are model-checked in `shadowstack/tests/loom_background.rs`.
//!
//! ## Knobs and defaults (all in [`gc_api::config::KNOBS`])
//! | knob | env | default | meaning |
//! |---|---|---|---|
//! | `pause_us` | `RGC_PAUSE_US` | 40 | Q, the longest increment |
//! | `window_us` | `RGC_WINDOW_US` | 500 | W: at most Q of scheduled work per W |
//! | `growth_percent` | `RGC_GROWTH_PERCENT` | 100 | heap target = live × (1 + growth) |
//! | `heap_initial` | `RGC_HEAP_INITIAL` | 4M | allowance before the first cycle |
//! | `heap_policy` | `RGC_HEAP_POLICY` | growth | the allowance between cycles: growth, fixed (all the room) or adaptive |
//! | `background` | `RGC_BACKGROUND` | auto | a collector thread does the cycles (auto: with two cores or more, hosted, no region) |
//! | `pacing` | `RGC_PACING` | late | without the thread: start late and tax, or spread each cycle evenly ([`pacing`]'s module doc) |
//! | `torture` | `RGC_TORTURE` | 0 | every allocation runs one increment of 4 work units |
//!
//! Fixed tuning constants (chunk sizes, poll interval) are in [`pacing`].
//! `rgc_set_pacing(pause_ns, window_ns)` changes Q and W at run time.
//!
//! Start reading at [`cycle::Incremental::increment`].
#![deny(unsafe_op_in_unsafe_fn)]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod background;
pub mod barrier;
pub mod cycle;
pub mod pacing;
pub mod phase;
pub mod verify;

pub use cycle::Incremental;
pub use phase::CyclePhase;

/// The collector type the C ABI exports.
pub type IncrementalGc = gc_heap::Gc<Incremental>;
