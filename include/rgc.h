/*
 * rgc.h — the one C interface to every rgc garbage collector.
 *
 * Generated code (or a careful human) follows one discipline and links
 * against any collector library; `rgc cc --gc=NAME` does the compiling and
 * linking. The discipline:
 *
 *   1. Describe each heap type once with an `rgc_type` (usually a static).
 *   2. Allocate with rgc_alloc / rgc_alloc_array / rgc_alloc_bytes. Memory
 *      comes back zeroed; the pointer is 8-byte aligned.
 *   3. Keep every object pointer that must survive a call that may collect
 *      (any rgc_alloc*, rgc_collect, rgc_step, or a callee that calls them)
 *      in a shadow-stack slot: RGC_FRAME / rgc_frame_push, then RGC_POP.
 *      With a second attached thread, or the incremental collector's
 *      collector thread (on by default with two cores: RGC_BACKGROUND),
 *      every rgc call is a safepoint where another thread's collection may
 *      run, rgc_add_root included: register a global before storing an
 *      object in it, not after.
 *   4. Write every pointer into a heap object with RGC_STORE(obj, field, v).
 *   5. Register pointers held in global or static variables with rgc_add_root.
 *
 * Threads: call rgc_thread_attach() in each thread that holds roots or
 * allocates (rgc_init attaches the calling thread); a thread that exits
 * attached is detached by rgc. Each thread's inline code works on its own
 * context, rgc_thread (its shadow stack and allocation spans). What
 * threads may do at once depends on the collector:
 *   - marksweep, none, incremental, conservative: any number of attached
 *     threads allocate, store and call rgc at the same time, with no lock
 *     of the program's. Collection work stops the world: it waits until
 *     every other attached thread is at a safepoint (see "Safepoints"
 *     below), so every thread must reach one often. Under incremental each
 *     increment (at most RGC_PAUSE_US of work) stops the world, and so
 *     does a full store log (every 256 logged stores of a thread while a
 *     cycle marks); between increments threads run. Each thread's store
 *     log is its own (rgc_thread.log).
 *   - conservative also scans every attached thread's C stack and
 *     callee-saved registers as the thread left them when it parked: at
 *     a safepoint, in an rgc call, or in rgc_enter_blocking. A thread in a
 *     blocking region keeps running below that point, so pointers it needs
 *     after rgc_leave_blocking must be held in the function that called
 *     rgc_enter_blocking (or its callers), not in a callee that leaves the
 *     region. Threads that are not attached are not scanned.
 *   - refcount: one attached thread; attaching a second is a fatal error
 *     naming the collector.
 * Objects may be handed between threads through anything rooted (a global
 * root, a field of a reachable object), ordered by the program's own
 * synchronisation. Finalizers run on the thread whose rgc call found them,
 * after that call's collection, outside any pause; an event listener runs
 * on the thread that collects. Allocating from a thread that is not
 * attached is a fatal error naming the call; so is calling rgc from an
 * event listener.
 *
 * Errors: misuse (NULL or foreign pointers, contradictory type descriptors,
 * impossible sizes, calls before rgc_init) prints one line starting with
 * "rgc: <call>:" that names the bad value, then calls abort(). Running out
 * of heap is not misuse: it goes to the OOM handler (see rgc_set_oom_handler).
 *
 * Choosing a collector: compile with -DRGC_GC_<NAME> (rgc cc does this) to
 * get that collector's inline fast paths. The program then references the
 * symbol rgc_abi_<name>_v1, which only that collector's library defines, so
 * linking against another collector fails with
 *     undefined reference to `rgc_abi_<name>_v1'
 * Without any RGC_GC_* macro the header is generic: it works with every
 * library (stores go through a function call).
 */
#ifndef RGC_H
#define RGC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define RGC_LIKELY(x) __builtin_expect(!!(x), 1)
#define RGC_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define RGC_NORETURN __attribute__((noreturn))
#else
#define RGC_LIKELY(x) (x)
#define RGC_UNLIKELY(x) (x)
#define RGC_NORETURN
#endif

/* ------------------------------------------------------------------------
 * Type descriptors
 * ------------------------------------------------------------------------
 * An object of type T is laid out as
 *     [fixed part: T.size bytes][items: length * T.item_size bytes]
 * where the items exist only for RGC_TYPE_VARSIZE types. The pointer rgc
 * returns points at byte 0 of the fixed part.
 *
 * Rules (a descriptor that breaks one is a fatal error at its first use,
 * naming the type and the field):
 *   - pointer fields are pointer-aligned (8 bytes; 4 on a 32-bit target)
 *     and lie inside their area
 *     (ptr_offsets inside the fixed part, item_ptr_offsets inside one item),
 *     each listed once;
 *   - RGC_TYPE_POINTER_FREE types list no pointer fields;
 *   - RGC_TYPE_VARSIZE types have item_size > 0 and a size_t length field
 *     at length_offset (pointer-aligned, inside the fixed part, not a pointer
 *     field); rgc writes the length at allocation, the program must not
 *     change it; if items hold pointers, size and item_size are multiples
 *     of the pointer size;
 *   - fixed-size types leave item_size, item_num_ptrs and length_offset 0;
 *   - size is at most 1 GiB; only the flags below are set.
 * `id`, `generation` and the alloc_* fields must be 0 until rgc
 * assigns them (rgc writes them on first use; after rgc_shutdown and a new
 * rgc_init, the descriptor is registered again automatically); do not copy a
 * descriptor after use.
 * The finalizer, if any, runs once after an object of the type becomes
 * unreachable; see "Finalizers" below.
 */
#define RGC_TYPE_VARSIZE 1u
#define RGC_TYPE_POINTER_FREE 2u

typedef struct rgc_type {
    uint32_t size;
    uint32_t flags;
    const uint32_t *ptr_offsets;
    uint32_t num_ptrs;
    uint32_t item_size;
    const uint32_t *item_ptr_offsets;
    uint32_t item_num_ptrs;
    uint32_t length_offset;
    void (*finalizer)(void *obj);
    const char *name;
    uint32_t id;         /* written by rgc */
    uint32_t generation; /* written by rgc: which rgc_init the id belongs to */
    uint16_t alloc_span; /* written by rgc: the thread's allocation span the inline
                            rgc_alloc takes cells from (RGC_NO_SPAN: always call) */
    uint16_t alloc_cell; /* written by rgc: bytes of one such cell, header included */
    uint32_t alloc_key;  /* written by rgc: the inline rgc_alloc serves this descriptor
                            while (low 32 bits of its address) ^ alloc_key equals the
                            thread's alloc_key (so not a copy, not stale, not refused);
                            for a variable-size type, the inline rgc_alloc_array serves
                            it when that holds with RGC_ARRAY_KEY xored in too */
} rgc_type;

/* ------------------------------------------------------------------------
 * Configuration
 * ------------------------------------------------------------------------
 * Fill with rgc_config_default(), then change fields. Unless
 * RGC_CONFIG_NO_ENV is set in flags, each field is overridden by its
 * environment variable (sizes accept K, M, G suffixes):
 *   heap_max          RGC_HEAP_MAX           4G    heap limit; address space is reserved, pages committed on use
 *                                                  (1G on a 32-bit target)
 *   heap_initial      RGC_HEAP_INITIAL       4M    bytes allocated before the first collection
 *                                                  (capped at heap_max)
 *   growth_percent    RGC_GROWTH_PERCENT     100   next collection when heap holds live*(1+growth/100)
 *   shadowstack_slots RGC_SHADOWSTACK_SLOTS  1M    slots per thread's shadow stack
 *   pause_us          RGC_PAUSE_US           40    incremental: longest increment (Q), microseconds
 *   window_us         RGC_WINDOW_US          500   incremental: at most Q of scheduled work per W microseconds,
 *                                                  so MMU(W) >= 1 - Q/W unless the pacer taxes allocation
 *                                                  (or, with even pacing, needs a larger share: below)
 *   free_budget       RGC_FREE_BUDGET        16384 refcount: objects a reconciliation frees (or twice the
 *                                                  allocations since the last one); each allocation frees
 *                                                  one of the rest. Must be >= 1.
 *   torture           RGC_TORTURE            0     1: collect at every allocation (incremental: one tiny
 *                                                  increment per allocation)
 *   verify            RGC_VERIFY             0     1: check heap invariants after every collection
 *                                                  (rgc_init fails if the library was built
 *                                                  without its verifier: cargo feature "verify")
 *   meta_bytes        RGC_META_BYTES         0     region mode: bytes of the region for the collector's own
 *                                                  tables and the shadow stacks; 0: shadowstack_slots *
 *                                                  sizeof(void *) + region_size/32
 * `rgc config` prints this table from the library's own source of truth.
 *
 * Region mode (a board without an MMU, or a hard memory budget): set region
 * to a buffer you own (8-byte aligned) and region_size to its length, at
 * least 256K. rgc then never calls malloc or mmap after rgc_init: the first
 * meta_bytes of the region hold its tables (type table, finalizer and
 * weak-reference tables, roots, mark stack) and every thread's shadow stack,
 * and the rest holds the heap's block table, bitmaps and blocks (so the heap
 * is a little smaller than the rest: see rgc_get_stats' heap_max). heap_max
 * caps the heap further. The buffer needs no zeroing; rgc does not read what
 * it held before. After rgc_shutdown it is yours again.
 * When the heap is full, an allocation runs a collection and then the OOM
 * handler, as without a region. When the table area is full, an allocation
 * that needs a table entry (an object with a finalizer, a weak reference)
 * also goes to the OOM handler; anything else that would grow a table
 * (rgc_add_root, rgc_register_type, a thread attaching, refcount's
 * bookkeeping) stops with "rgc: <call>: the region's table area is full",
 * naming meta_bytes. Marking never needs more table space than it has: a
 * full mark stack falls back to rescanning the heap.
 * Misuse: region NULL with region_size > 0, region_size > 0 below the
 * minimum, or meta_bytes leaving too little heap: rgc_init fails with a
 * message naming the value.
 */
#define RGC_CONFIG_NO_ENV 1u

typedef struct rgc_config {
    uint32_t struct_size; /* sizeof(rgc_config); set by rgc_config_default */
    uint32_t flags;
    uint64_t heap_max;
    uint64_t heap_initial;
    uint32_t growth_percent;
    uint32_t shadowstack_slots;
    uint32_t torture;
    uint32_t verify;
    uint32_t pause_us;  /* incremental only */
    uint32_t window_us; /* incremental only */
    uint32_t free_budget; /* refcount only: objects a reconciliation frees before deferring the rest */
    uint32_t meta_bytes;  /* region mode: bytes of the region for collector tables and shadow stacks; 0: automatic */
    void *region;         /* NULL: reserve address space with mmap; else the caller's buffer (see below) */
    uint64_t region_size; /* bytes of region */
    uint32_t heap_policy; /* RGC_HEAP_POLICY_*: when collections start (below) */
    uint32_t markers;     /* threads marking a stop-the-world collection; 0: one per core (max 8) */
    uint32_t background;  /* incremental only: RGC_BACKGROUND_* (below) */
    uint32_t pacing;      /* incremental only: RGC_PACING_* (below) */
} rgc_config;

/* heap_policy (RGC_HEAP_POLICY=growth|fixed|adaptive):
 * - GROWTH (default): the next collection is due once the program has
 *   allocated growth_percent of what the last one left in the heap (at
 *   least heap_initial); heap_max is only a cap.
 * - FIXED: collect only when the heap reaches heap_max (as researchers
 *   compare collectors at a fixed heap size). Set heap_max: its default is
 *   the address-space cap, so a program would grow to it first.
 * - ADAPTIVE: the allowance between collections is
 *   sqrt(live x allocation rate / collection speed), MemBalancer's rule
 *   (Kirisame et al., OOPSLA 2022), measured at every collection and
 *   capped by heap_max; a program that allocates fast relative to how
 *   quickly its heap is traced gets more room.
 * marksweep, conservative and incremental (when a cycle starts) follow it;
 * none never collects, and refcount keeps the growth rule for its cycle
 * collection. Another value: rgc_init fails naming it. */
#define RGC_HEAP_POLICY_GROWTH 0u
#define RGC_HEAP_POLICY_FIXED 1u
#define RGC_HEAP_POLICY_ADAPTIVE 2u

/* markers (RGC_MARKERS): threads that mark a stop-the-world collection
 * (marksweep, conservative, the Boehm layer, incremental's whole-cycle
 * fallback, refcount's backup trace), the collecting thread included; the others are helper threads
 * rgc starts at the first collection that has enough to mark, and that
 * sleep between collections. 0 (default): one per core, at most 8; 1 in
 * region mode and on a board. 1: no helper threads. More than 8, or more
 * than 1 in region mode or in a build without threads: rgc_init fails
 * naming the value. Parallel marking changes no result, only pause times. */

/* background (RGC_BACKGROUND=auto|on|off, incremental only): a collector
 * thread, started by rgc_init, does a cycle's marking and sweeping while
 * the mutators run; a mutator stops only for short handshakes (the root
 * snapshot, each attempt to end marking, the start of the sweep), for the
 * collector lock while the collector thread holds it (it steps aside at
 * the next chunk of work), and to assist when allocation outruns the
 * collector thread (each assist at most pause_us). AUTO (default): on
 * when the process may run on two cores or more (its CPU affinity
 * counts: under `taskset -c 0` it is off), in a hosted build without a
 * region; a board and region mode keep time slicing. OFF: time slicing
 * on the mutators' own threads (pacing, below). ON in region mode or in
 * a build without threads: rgc_init fails naming the value. The other collectors
 * ignore it. With the thread on, wrap blocking calls (I/O, waits, sleeps)
 * in rgc_enter_blocking/rgc_leave_blocking even in a program with one
 * thread of its own: the collector thread's handshakes wait for every
 * attached thread to reach a safepoint. */
#define RGC_BACKGROUND_AUTO 0u
#define RGC_BACKGROUND_ON 1u
#define RGC_BACKGROUND_OFF 2u

/* pacing (RGC_PACING=late|even, incremental without a collector thread):
 * - LATE (default): a cycle starts as late as the heap allows and does
 *   pause_us of work per window_us; when allocation gets ahead of it, it
 *   is taxed (more increments, spread by how far behind it is). The
 *   fewest cycles, but a small heap makes the tax frequent, so the
 *   mutator's share over 10 ms can fall well below 1 - pause_us/window_us.
 * - EVEN: the collector measures the allocation rate and a cycle's work
 *   and spreads each cycle over the allocation between cycles, at the
 *   smallest share u of the time that still finishes it within the heap,
 *   at least pause_us/window_us: an increment every pause_us/u, which is
 *   more than pause_us per window_us when the heap is small. The
 *   mutator's share is then steady, but a cycle that spans the room
 *   allocates all of it black, so the program runs more cycles
 *   (DESIGN.md, "Smooth pacing").
 * The collector thread paces itself: EVEN makes background AUTO mean off,
 * and EVEN with background ON makes rgc_init fail naming both. A board's
 * (no_std) build has LATE only: EVEN makes rgc_init fail there. Another
 * value: rgc_init fails naming it. */
#define RGC_PACING_LATE 0u
#define RGC_PACING_EVEN 1u

/* ------------------------------------------------------------------------
 * Statistics (cumulative since rgc_init)
 * ------------------------------------------------------------------------ */
typedef struct rgc_stats {
    uint32_t struct_size;
    uint32_t reserved0;
    uint64_t collections;       /* full collections completed (refcount: reconciliations and
                                   backup traces, each a pause that frees garbage) */
    uint64_t bytes_allocated;   /* sum of requested sizes of all allocations */
    uint64_t objects_allocated;
    uint64_t live_bytes;        /* requested bytes surviving the last full collection;
                                   for precise collectors exactly the reachable bytes */
    uint64_t live_objects;
    uint64_t heap_size;         /* bytes of heap blocks currently in use */
    uint64_t peak_heap_size;
    uint64_t heap_max;
    uint64_t total_pause_ns;    /* time the mutator was stopped */
    uint64_t max_pause_ns;
    uint64_t pauses;            /* number of pauses (collections or increments) */
    uint64_t finalizers_run;
    uint64_t weakrefs_cleared;
    uint64_t overruns;          /* incremental cycles finished synchronously because the
                                   heap ran out (each also reported as RGC_PHASE_OVERRUN) */
    uint64_t increments;        /* incremental: increments of all cycles (0 for others) */
    uint64_t cycle_increments;  /* incremental: increments of the last completed cycle */
    uint64_t cycle_max_increment_ns; /* incremental: longest increment of the last completed cycle */
    uint64_t freed_by_count;    /* refcount: objects freed when their count reached zero */
    uint64_t freed_by_cycles;   /* refcount: objects freed by the cycle collector */
    uint64_t reconciliations;   /* refcount: zero-count-table reconciliations (pauses) */
    uint64_t cycle_collections; /* refcount: cycle collections */
    uint64_t backup_traces;     /* refcount: backup traces (run only after a count saturated) */
    uint64_t metadata_bytes;    /* the heap's side tables (block table, mark and allocation
                                   bitmaps): in region mode everything in front of the blocks,
                                   fixed at init; otherwise those of the blocks used so far */
    uint64_t table_bytes;       /* the collector's tables (types, roots, finalizer and weak-
                                   reference tables, mark stack, zero-count table, shadow
                                   stacks) now in use: in region mode, of the table area */
    uint64_t peak_table_bytes;  /* most table_bytes at once since rgc_init (in region mode,
                                   what meta_bytes must cover) */
    uint64_t marked_bytes;      /* requested bytes found live, summed over every completed trace
                                   (incremental: objects allocated black included); over the time
                                   in RGC_PHASE_MARK, about a mark rate (roots are marked, but not
                                   scanned, in RGC_PHASE_ROOTS) */
    uint64_t markers;           /* threads that mark a stop-the-world collection: rgc_config.markers
                                   resolved; once helpers have started, less any the system refused */
} rgc_stats;

/* ------------------------------------------------------------------------
 * Events: each collector phase reports its start and end.
 * ------------------------------------------------------------------------
 * RGC_PHASE_PAUSE brackets exactly the time the mutator is stopped; the
 * other phases nest inside it, except RGC_PHASE_FINALIZERS (user finalizers
 * run after the pause) and RGC_PHASE_BACKGROUND. With a collector thread,
 * events come from that thread too (one at a time: the listener is never
 * called concurrently), and a mutator that waited for the collector lock
 * while the collector thread held it reports the wait as a pause once it
 * has the lock (both events then, with the wait's timestamps). Timestamps are CLOCK_MONOTONIC nanoseconds. The
 * listener runs inside the collector: it must not call any rgc_* function
 * (doing so is a fatal error) and should be quick.
 */
#define RGC_EVENT_START 0u
#define RGC_EVENT_END 1u
enum rgc_phase {
    RGC_PHASE_PAUSE = 0,
    RGC_PHASE_ROOTS = 1,
    RGC_PHASE_MARK = 2,
    RGC_PHASE_WEAK = 3,
    RGC_PHASE_FINALIZE_MARK = 4,
    RGC_PHASE_SWEEP = 5,
    RGC_PHASE_RELEASE = 6,
    RGC_PHASE_FINALIZERS = 7,
    RGC_PHASE_OVERRUN = 8, /* an incremental cycle finished synchronously (heap ran out) */
    RGC_PHASE_RECONCILE = 9, /* refcount: zero-count table checked against the roots, garbage freed */
    RGC_PHASE_CYCLES = 10,   /* refcount: trial deletion over candidate cycle roots */
    RGC_PHASE_SAFEPOINT = 11, /* stopping the world: until every other attached thread is
                                 parked (time to safepoint); before the pause, only when
                                 another thread is attached */
    RGC_PHASE_BACKGROUND = 12 /* incremental with a collector thread (rgc_config.background):
                                 its work while the mutators run, NOT a pause; the phases it
                                 does nest inside it, and its handshakes are pauses outside it */
};

typedef struct rgc_event {
    uint32_t kind;  /* RGC_EVENT_START or RGC_EVENT_END */
    uint32_t phase; /* enum rgc_phase */
    uint64_t timestamp_ns;
    uint64_t cycle; /* 1-based collection number */
} rgc_event;

typedef void (*rgc_event_listener)(const rgc_event *event, void *user);
typedef void (*rgc_oom_handler)(const char *call, size_t requested, void *user);

/* ------------------------------------------------------------------------
 * The mutator context: what one thread's inline code touches
 * ------------------------------------------------------------------------
 * Each thread has one rgc_mutator, `rgc_thread`: its shadow stack and its
 * allocation spans. Inline code in this header reads and writes the
 * calling thread's own context only; the library reads every attached
 * thread's context inside rgc calls. Programs never touch it directly.
 */
typedef struct rgc_shadowstack {
    void **top;   /* next free slot */
    void **limit; /* one past the last slot */
    void **base;  /* first slot */
} rgc_shadowstack;

/* Free, zeroed cells [cursor, limit) of one size class, which the inline
 * allocation path hands out by bumping cursor. Both NULL while the thread
 * has no span of that class. */
typedef struct rgc_alloc_span {
    char *cursor;
    char *limit;
} rgc_alloc_span;

/* One span per small size class, and RGC_NO_SPAN, which stays empty. */
#define RGC_SPANS 16
#define RGC_NO_SPAN (RGC_SPANS - 1)

/* A thread's store log, which the inline barriers of incremental and
 * refcount append to: [start, pos) holds entries, a full log (pos == end)
 * is handed to rgc_store_log_flush. Both NULL while the thread is detached. */
typedef struct rgc_store_log {
    void **pos, **end;
} rgc_store_log_t;

typedef struct rgc_mutator {
    uint64_t allocated;  /* bytes requested inline, not yet counted by the library */
    rgc_shadowstack ss;
    rgc_alloc_span spans[RGC_SPANS];
    void *local;         /* the library's state for this thread */
    uint32_t alloc_key;  /* odd, from the rgc_init generation, while the thread allocates
                            from spans; 0 otherwise (see rgc_type.alloc_key) */
    uint32_t safepoint;  /* raised by a thread that stops the world; read with
                            rgc_safepoint() (a relaxed atomic load) */
    rgc_store_log_t log; /* the inline barriers' store log (incremental, refcount) */
} rgc_mutator;

/* On a bare-metal toolchain (no __unix__, __APPLE__ or _WIN32: a board
 * without an operating system, such as arm-none-eabi or riscv32-unknown-elf)
 * there is one thread, and the context is a plain global: no thread
 * pointer, no __aeabi_read_tp. Define RGC_SINGLE_THREAD to get the same on a
 * hosted system; the library must then be built the same way (the linker
 * rejects a mix: "TLS reference mismatches non-TLS definition"). */
#if !defined(RGC_SINGLE_THREAD) && !defined(__unix__) && !defined(__APPLE__) && !defined(_WIN32)
#define RGC_SINGLE_THREAD 1
#endif
#if defined(RGC_SINGLE_THREAD)
extern rgc_mutator rgc_thread;
#elif defined(__cplusplus)
extern thread_local rgc_mutator rgc_thread;
#else
extern _Thread_local rgc_mutator rgc_thread;
#endif

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
/* 64-bit and 32-bit targets (32-bit: pointers are 4 bytes, uint64_t is
 * 8-byte aligned, as on ARM EABI and RISC-V ILP32). */
_Static_assert(sizeof(void *) == 8 || sizeof(void *) == 4, "rgc supports 64-bit and 32-bit targets");
_Static_assert(sizeof(rgc_type) == 40 + 4 * sizeof(void *), "rgc_type layout");
_Static_assert(offsetof(rgc_type, alloc_span) == 32 + 4 * sizeof(void *), "rgc_type layout");
_Static_assert(offsetof(rgc_type, finalizer) == 24 + 2 * sizeof(void *), "rgc_type layout");
_Static_assert(offsetof(rgc_type, id) == 24 + 4 * sizeof(void *), "rgc_type layout");
_Static_assert(sizeof(rgc_config) == 88, "rgc_config layout");
_Static_assert(offsetof(rgc_config, background) == 80, "rgc_config layout");
_Static_assert(offsetof(rgc_config, pacing) == 84, "rgc_config layout");
_Static_assert(offsetof(rgc_config, heap_policy) == 72, "rgc_config layout");
_Static_assert(offsetof(rgc_config, markers) == 76, "rgc_config layout");
_Static_assert(offsetof(rgc_config, heap_max) == 8, "rgc_config layout");
_Static_assert(offsetof(rgc_config, growth_percent) == 24, "rgc_config layout");
_Static_assert(offsetof(rgc_config, pause_us) == 40, "rgc_config layout");
_Static_assert(offsetof(rgc_config, free_budget) == 48, "rgc_config layout");
_Static_assert(offsetof(rgc_config, region) == 56, "rgc_config layout");
_Static_assert(offsetof(rgc_config, region_size) == 64, "rgc_config layout");
_Static_assert(sizeof(rgc_stats) == 224, "rgc_stats layout");
_Static_assert(offsetof(rgc_stats, marked_bytes) == 208, "rgc_stats layout");
_Static_assert(offsetof(rgc_stats, metadata_bytes) == 184, "rgc_stats layout");
_Static_assert(offsetof(rgc_stats, freed_by_count) == 144, "rgc_stats layout");
_Static_assert(offsetof(rgc_stats, increments) == 120, "rgc_stats layout");
_Static_assert(offsetof(rgc_stats, live_bytes) == 32, "rgc_stats layout");
_Static_assert(sizeof(rgc_event) == 24, "rgc_event layout");
_Static_assert(sizeof(rgc_shadowstack) == 3 * sizeof(void *), "rgc_shadowstack layout");
_Static_assert(offsetof(rgc_mutator, spans) == 8 + 3 * sizeof(void *), "rgc_mutator layout");
_Static_assert(offsetof(rgc_mutator, alloc_key) == 8 + (4 + 2 * RGC_SPANS) * sizeof(void *), "rgc_mutator layout");
_Static_assert(offsetof(rgc_mutator, log) == 16 + (4 + 2 * RGC_SPANS) * sizeof(void *), "rgc_mutator layout");
_Static_assert(sizeof(rgc_mutator) == 16 + (6 + 2 * RGC_SPANS) * sizeof(void *), "rgc_mutator layout");
#endif

/* Reports "shadow stack overflow" (or "thread not attached") and aborts. */
RGC_NORETURN void rgc_shadowstack_overflow(size_t requested);

/* Pushes a frame of n slots, all NULL, and returns its first slot. On
 * overflow it reports the depth and capacity and aborts; it never writes past
 * the stack. Cost: one comparison, n stores, one store of top. */
static inline void **rgc_frame_push(size_t n) {
    void **frame = rgc_thread.ss.top;
    if (RGC_UNLIKELY((size_t)(rgc_thread.ss.limit - frame) < n || frame == NULL))
        rgc_shadowstack_overflow(n);
    for (size_t i = 0; i < n; i++) frame[i] = NULL;
    rgc_thread.ss.top = frame + n;
    return frame;
}

/* Pops every frame pushed since (and including) `frame`. */
static inline void rgc_frame_pop(void **frame) { rgc_thread.ss.top = frame; }

/* RGC_FRAME(f, 3); ... f[0] = obj; ... RGC_POP(f); */
#define RGC_FRAME(name, n) void **name = rgc_frame_push(n)
#define RGC_POP(name) rgc_frame_pop(name)

/* ------------------------------------------------------------------------
 * Lifecycle
 * ------------------------------------------------------------------------ */

/* Fills *out with the defaults. Misuse: out == NULL is fatal. */
void rgc_config_default(rgc_config *out);

/* The library half of rgc_init; call rgc_init instead. */
int rgc_init_abi(const rgc_config *config, const void *abi_tag);

#if defined(RGC_GC_MARKSWEEP)
extern const uint8_t rgc_abi_marksweep_v1;
#define RGC_ABI_TAG (&rgc_abi_marksweep_v1)
#elif defined(RGC_GC_CONSERVATIVE)
extern const uint8_t rgc_abi_conservative_v1;
#define RGC_ABI_TAG (&rgc_abi_conservative_v1)
#elif defined(RGC_GC_INCREMENTAL)
extern const uint8_t rgc_abi_incremental_v1;
#define RGC_ABI_TAG (&rgc_abi_incremental_v1)
#elif defined(RGC_GC_REFCOUNT)
extern const uint8_t rgc_abi_refcount_v1;
#define RGC_ABI_TAG (&rgc_abi_refcount_v1)
#elif defined(RGC_GC_NONE)
extern const uint8_t rgc_abi_none_v1;
#define RGC_ABI_TAG (&rgc_abi_none_v1)
#elif defined(RGC_GC_BDW)
/* The benchmark harness's reference: this ABI over the system's bdwgc
 * (crates/benches/c/bdw_rgc.c). Not an rgc collector. */
extern const uint8_t rgc_abi_bdw_v1;
#define RGC_ABI_TAG (&rgc_abi_bdw_v1)
#else
#define RGC_GENERIC 1
extern const uint8_t rgc_abi_generic_v1;
#define RGC_ABI_TAG (&rgc_abi_generic_v1)
#endif

/* Initialises the collector with `config` (NULL: defaults plus environment)
 * and attaches the calling thread's shadow stack. Returns 0, or -1 after
 * printing why (invalid config or environment value, already initialised,
 * address space unavailable). */
static inline int rgc_init(const rgc_config *config) { return rgc_init_abi(config, RGC_ABI_TAG); }

/* Releases the heap and the calling thread's shadow stack. Every object
 * pointer becomes invalid; rgc_init may be called again. Finalizers of
 * still-live objects do not run. Misuse: calling it from a finalizer or
 * before rgc_init is fatal. */
void rgc_shutdown(void);

/* The collector's name, e.g. "marksweep". */
const char *rgc_collector_name(void);

/* Attaches/detaches the calling thread: its shadow stack, and the
 * allocation spans its inline rgc_alloc takes cells from (detaching counts
 * what they handed out and gives the rest back). A thread that exits while
 * attached is detached by rgc as it exits (a thread-specific destructor),
 * so its context never stays registered. Attaching is a safepoint: it
 * waits out a collection under way. Attaching twice returns -1 with a
 * message; detaching a thread that is not attached does nothing. Under
 * refcount, attaching a second thread is fatal (see "Threads" above). */
int rgc_thread_attach(void);
void rgc_thread_detach(void);

/* ------------------------------------------------------------------------
 * Safepoints (threads)
 * ------------------------------------------------------------------------
 * A collection that stops the world waits until every other attached
 * thread is at a safepoint: inside any rgc call (an allocation that
 * refills its span counts: about every 4 KB of small objects), in
 * rgc_safepoint(), or between rgc_enter_blocking() and
 * rgc_leave_blocking(). A thread that runs long without allocating (a
 * loop over data, a wait) keeps the others waiting: call rgc_safepoint()
 * in such loops, and bracket blocking calls (read, poll, pthread_join,
 * a lock another rgc thread may hold) with the blocking pair.
 * Between rgc_enter_blocking and rgc_leave_blocking the thread must not
 * touch rgc objects, its shadow-stack frames, or call rgc: its roots are
 * scanned as they were when it entered. Misuse (entering twice, leaving
 * without entering, any rgc call inside, or calling these from an event
 * listener) is fatal, naming the call. */
void rgc_safepoint_slow(void);
void rgc_enter_blocking(void);
void rgc_leave_blocking(void);

/* One relaxed load and a branch; parks only when a collection asks. */
static inline void rgc_safepoint(void) {
#if defined(__GNUC__) || defined(__clang__)
    if (RGC_UNLIKELY(__atomic_load_n(&rgc_thread.safepoint, __ATOMIC_RELAXED))) rgc_safepoint_slow();
#else
    if (RGC_UNLIKELY(*(volatile uint32_t *)&rgc_thread.safepoint)) rgc_safepoint_slow();
#endif
}

/* ------------------------------------------------------------------------
 * Allocation. All memory is zeroed. May collect: keep roots in the shadow
 * stack. On heap exhaustion the OOM handler runs and, if it returns, the
 * call returns NULL.
 * ------------------------------------------------------------------------ */

/* Validates and registers `type` now (otherwise done on first allocation)
 * and returns its id. Misuse: NULL or an invalid descriptor is fatal. */
uint32_t rgc_register_type(rgc_type *type);

#if defined(RGC_GC_BDW)
/* The harness's bdwgc reference has no spans: plain calls. */
void *rgc_alloc(rgc_type *type);
void *rgc_alloc_bytes(size_t n);
#else
/* The out-of-line halves of rgc_alloc and rgc_alloc_bytes: they refill
 * the calling thread's span (which is where they poll for collections)
 * and serve every request the inline path does not. Programs call
 * rgc_alloc and rgc_alloc_bytes; other languages' FFIs may call these. */
void *rgc_alloc_slow(rgc_type *type);
void *rgc_alloc_bytes_slow(size_t n);

/* Byte buffers of at most RGC_INLINE_BYTES_MAX bytes are served inline:
 * rgc_bytes_spans[(n + 15) / 8] names their span and cell size. */
#define RGC_INLINE_BYTES_MAX 248
typedef struct rgc_span_class {
    uint16_t span; /* index into rgc_mutator.spans */
    uint16_t cell; /* bytes of one cell, header included */
} rgc_span_class;
extern const rgc_span_class rgc_bytes_spans[RGC_INLINE_BYTES_MAX / 8 + 2];

/* The inline allocation path: a cell from the thread's span `span`, with
 * the 8-byte header (`kind`, then the collector's word, 0) written in
 * front of the object. NULL when the span is empty. No call, no lock, no
 * locked instruction. */
static inline void *rgc_alloc_in_span_(uint32_t span, uint32_t cell, uint32_t kind, size_t bytes) {
    rgc_alloc_span *s = &rgc_thread.spans[span];
    char *p = s->cursor;
    if (RGC_UNLIKELY(p == s->limit)) return NULL;
    s->cursor = p + cell;
    ((uint32_t *)p)[0] = kind;
    ((uint32_t *)p)[1] = 0;
    rgc_thread.allocated += bytes;
    return p + 8;
}

/* A fixed-size object. Misuse: a VARSIZE type is fatal.
 * Inline when the type is registered (its first allocation registers it),
 * has no finalizer, and fits a small size class, and the collector
 * allocates from spans (not refcount, not under RGC_TORTURE): a bump of the
 * thread's span and a header store. Otherwise, and whenever the span is
 * empty, it calls rgc_alloc_slow. */
static inline void *rgc_alloc(rgc_type *type) {
    /* The NULL test costs nothing for a static descriptor (the compiler
     * knows its address); rgc_alloc_slow reports a NULL one. */
    if (RGC_LIKELY(type != NULL && ((uint32_t)(uintptr_t)type ^ type->alloc_key) == rgc_thread.alloc_key)) {
        void *p = rgc_alloc_in_span_(type->alloc_span, type->alloc_cell, type->id, type->size);
        if (RGC_LIKELY(p != NULL)) return p;
    }
    return rgc_alloc_slow(type);
}

/* A pointer-free buffer of n bytes (never scanned). Misuse: n >= 1 GiB is
 * fatal. Inline up to RGC_INLINE_BYTES_MAX bytes, as rgc_alloc. */
static inline void *rgc_alloc_bytes(size_t n) {
    if (RGC_LIKELY(n <= RGC_INLINE_BYTES_MAX)) {
        rgc_span_class c = rgc_bytes_spans[(n + 15) >> 3];
        /* A byte buffer's header: bit 31 tags it, the low bits hold n. */
        void *p = rgc_alloc_in_span_(c.span, c.cell, 0x80000000u | (uint32_t)n, n);
        if (RGC_LIKELY(p != NULL)) return p;
    }
    return rgc_alloc_bytes_slow(n);
}
#endif

/* A variable-size object with `length` items; rgc stores `length` in its
 * length field. Misuse: a fixed-size type, or a length whose byte size
 * overflows (e.g. a negative length cast to size_t), is fatal. */
#if defined(RGC_GC_BDW)
void *rgc_alloc_array(rgc_type *type, size_t length);
#else
/* The out-of-line half of rgc_alloc_array (other FFIs may call it, or the
 * library's plain rgc_alloc_array). */
void *rgc_alloc_array_slow(rgc_type *type, size_t length);

/* Xored into a variable-size descriptor's alloc_key (gc_api::abi::ARRAY_KEY),
 * so that rgc_alloc and rgc_alloc_array never accept each other's types. */
#define RGC_ARRAY_KEY 2u

/* Inline, as rgc_alloc_bytes, when the whole object is at most
 * RGC_INLINE_BYTES_MAX bytes, the type is registered and has no finalizer,
 * and the collector allocates from spans: a bump of the span of its size,
 * the header and the length field. Otherwise rgc_alloc_array_slow. */
static inline void *rgc_alloc_array(rgc_type *type, size_t length) {
    if (RGC_LIKELY(type != NULL && length <= RGC_INLINE_BYTES_MAX &&
                   ((uint32_t)(uintptr_t)type ^ type->alloc_key ^ RGC_ARRAY_KEY) == rgc_thread.alloc_key)) {
        uint64_t n = (uint64_t)type->size + (uint64_t)length * type->item_size;
        if (RGC_LIKELY(n <= RGC_INLINE_BYTES_MAX)) {
            rgc_span_class c = rgc_bytes_spans[(n + 15) >> 3];
            char *p = (char *)rgc_alloc_in_span_(c.span, c.cell, type->id, (size_t)n);
            if (RGC_LIKELY(p != NULL)) {
                *(size_t *)(p + type->length_offset) = length;
                return p;
            }
        }
    }
    return rgc_alloc_array_slow(type, length);
}
#endif

/* Requested size in bytes of the object at p. Misuse: p not the start of a
 * live object is fatal. */
size_t rgc_object_size(const void *p);

/* ------------------------------------------------------------------------
 * Stores: use RGC_STORE(obj, obj->field, value) for EVERY pointer store into
 * a heap object (including array items). Stores into shadow-stack slots and
 * local variables need no barrier.
 * ------------------------------------------------------------------------ */

/* Performs *slot = value with the collector's barrier. Under RGC_VERIFY it
 * also checks that obj and value are live objects (fatal otherwise). */
void rgc_write_barrier(void *obj, void **slot, void *value);

/* The incremental RGC_STORE's slow path: hands the values in the full store
 * log to the collector and returns the emptied log's first entry (NULL
 * outside marking). Only RGC_STORE calls it; other collectors return NULL.
 * Declared pure on purpose: it runs no user code (no event listener, no
 * finalizer) and writes only collector-private memory, so the compiler
 * need not reload the program's data around every store. */
void **rgc_store_log_flush(void) __attribute__((pure));


#if defined(RGC_GC_MARKSWEEP) || defined(RGC_GC_CONSERVATIVE) || defined(RGC_GC_NONE) || defined(RGC_GC_BDW)
/* These collectors need no barrier: a plain store. */
#define RGC_STORE(obj, field, value) ((void)(obj), (field) = (value))
#elif defined(RGC_GC_INCREMENTAL)
/* Nonzero exactly while an incremental cycle is marking; written only
 * inside rgc calls. While it is set, a store appends the value it
 * overwrites (if not NULL) to the store log, inline; only a full log calls
 * rgc_store_log_flush. Outside marking a store costs one load and a branch.
 * `field` and `value` are each evaluated once. */
extern uint32_t rgc_incremental_marking;
#define RGC_STORE(obj, field, value)                                             \
    do {                                                                         \
        __typeof__(field) *rgc_store_slot_ = &(field);                           \
        __typeof__(field) rgc_store_value_ = (value);                            \
        (void)(obj);                                                             \
        if (__builtin_expect(rgc_incremental_marking, 0)) {                      \
            void *rgc_store_old_ = (void *)*rgc_store_slot_;                     \
            if (rgc_store_old_) {                                                \
                if (__builtin_expect(rgc_thread.log.pos == rgc_thread.log.end, 0)) \
                    rgc_thread.log.pos = rgc_store_log_flush();                  \
                *rgc_thread.log.pos++ = rgc_store_old_;                          \
            }                                                                    \
        }                                                                        \
        *rgc_store_slot_ = rgc_store_value_;                                     \
    } while (0)
#elif defined(RGC_GC_REFCOUNT)
/* Deferred reference counting: a store increments the new value's count
 * and decrements the old one's, in the header word just before the object.
 * A decrement that leaves zero, or (for types with pointer fields, unless
 * the object is a cycle candidate already: BUFFERED flag) a non-zero
 * count, appends the object to the store log once (LOGGED flag; a young
 * cycle candidate is logged, to become an ordinary one); storing the value
 * a field already holds changes nothing. Nothing is freed inside a store. A value that is neither NULL nor inside
 * the heap, or a count about to go below zero, calls
 * rgc_refcount_store_error, which names the object, field and value and
 * aborts. The flag and count layout is documented in gc-refcount's word.rs. */
extern uintptr_t rgc_refcount_heap_base; /* v is in the heap iff v - base < span */
extern uintptr_t rgc_refcount_heap_span;
extern uint32_t rgc_refcount_sticky; /* set once a count saturates */
RGC_NORETURN void rgc_refcount_store_error(void *obj, void **slot, void *old_value, void *new_value);
#define RGC_RC_LOGGED 1u
#define RGC_RC_ACYCLIC 2u
#define RGC_RC_YOUNG 64u
#define RGC_RC_BUFFERED 128u
#define RGC_RC_ONE 256u
#define RGC_RC_STICKY 0xFFFFFF00u
static inline void rgc_rc_store_(void *obj, void **slot, void *old_value, void *new_value) {
    if (old_value == new_value) return;
    if (RGC_LIKELY((uintptr_t)new_value - rgc_refcount_heap_base < rgc_refcount_heap_span)) {
        uint32_t *w = (uint32_t *)new_value - 1;
        uint32_t v = *w;
        if (RGC_LIKELY(v < RGC_RC_STICKY - RGC_RC_ONE)) {
            *w = v + RGC_RC_ONE;
        } else {
            if (v < RGC_RC_STICKY) *w = v + RGC_RC_ONE;
            rgc_refcount_sticky = 1;
        }
    } else if (new_value) {
        rgc_refcount_store_error(obj, slot, old_value, new_value);
    }
    if (RGC_LIKELY((uintptr_t)old_value - rgc_refcount_heap_base < rgc_refcount_heap_span)) {
        uint32_t *w = (uint32_t *)old_value - 1;
        uint32_t v = *w - RGC_RC_ONE;
        if (RGC_LIKELY(v < RGC_RC_STICKY - RGC_RC_ONE)) {
            *w = v;
            if (!(v & RGC_RC_LOGGED) && (v < RGC_RC_ONE || !(v & (RGC_RC_ACYCLIC | RGC_RC_BUFFERED)))) {
                *w = (v | RGC_RC_LOGGED) & ~RGC_RC_YOUNG;
                if (RGC_UNLIKELY(rgc_thread.log.pos == rgc_thread.log.end)) rgc_thread.log.pos = rgc_store_log_flush();
                *rgc_thread.log.pos++ = old_value;
            }
        } else if (*w < RGC_RC_ONE) {
            rgc_refcount_store_error(obj, slot, old_value, new_value);
        }
    } else if (old_value) {
        rgc_refcount_store_error(obj, slot, old_value, new_value);
    }
}
/* `obj`, `field` and `value` are each evaluated once. */
#define RGC_STORE(obj, field, value)                                                  \
    do {                                                                              \
        void *rgc_store_obj_ = (void *)(obj);                                         \
        __typeof__(field) *rgc_store_slot_ = &(field);                                \
        __typeof__(field) rgc_store_value_ = (value);                                 \
        void *rgc_store_old_ = (void *)*rgc_store_slot_;                              \
        *rgc_store_slot_ = rgc_store_value_;                                          \
        rgc_rc_store_(rgc_store_obj_, (void **)rgc_store_slot_, rgc_store_old_,       \
                      (void *)rgc_store_value_);                                      \
    } while (0)
#else
#define RGC_STORE(obj, field, value)                                                   \
    do {                                                                               \
        __typeof__(field) rgc_store_value_ = (value);                                  \
        rgc_write_barrier((void *)(obj), (void **)&(field), (void *)rgc_store_value_); \
    } while (0)
#endif

/* ------------------------------------------------------------------------
 * Roots, collection, statistics
 * ------------------------------------------------------------------------ */

/* Registers a global/static variable holding NULL or an object pointer.
 * Misuse: NULL slot is fatal; rgc_remove_root of an unregistered slot is
 * fatal. Registering the same slot twice is allowed (remove it twice). */
void rgc_add_root(void **slot);
void rgc_remove_root(void **slot);

/* A full collection, then any due finalizers. */
void rgc_collect(void);

/* Donates up to budget_ns of collector work. The incremental collector
 * does at most that much (overshooting by at most a few microseconds),
 * starting a cycle if none is running and at least half of the allocation
 * allowance before the next one is used; a 1 kHz control loop calls it at
 * the end of each tick. Stop-the-world collectors (marksweep) run a full
 * collection under the same condition, since they cannot split one; `none`
 * does nothing. Returns 1 if it did work, 0 if none was due. */
int rgc_step(uint64_t budget_ns);

/* Incremental collector: at most pause_ns of collector work per increment
 * (Q) and per window of window_ns (W), from now on; MMU(W) >= 1 - Q/W while
 * the pacer is not taxing allocation to finish a cycle before the heap
 * target. Returns 1 if applied, 0 if this collector has no incremental
 * pacing (the call is accepted and ignored, so the same program runs on
 * every collector). Misuse: pause_ns outside 1 us .. 1 s, or
 * window_ns < pause_ns, is fatal. */
int rgc_set_pacing(uint64_t pause_ns, uint64_t window_ns);

/* Fills *out. Misuse: NULL is fatal. */
void rgc_get_stats(rgc_stats *out);

/* Installs (or with NULL removes) the event listener. */
void rgc_set_event_listener(rgc_event_listener listener, void *user);

/* Name of a phase ("pause", "mark", ...; "unknown" if out of range). */
const char *rgc_phase_name(uint32_t phase);

/* Installs (or with NULL removes) the out-of-memory handler. It is called
 * with the name of the failing call and the requested size. It may abort,
 * longjmp out, or return, in which case the allocation returns NULL.
 * Without a handler, running out of memory prints the call, the size,
 * heap_max and the live bytes, and aborts. */
void rgc_set_oom_handler(rgc_oom_handler handler, void *user);

/* Checks every heap invariant now (fatal with a description on failure).
 * Fatal too, saying so, in a library built without the verifier (the
 * board build by default: cargo feature "verify"). */
void rgc_verify_heap(void);

/* ------------------------------------------------------------------------
 * Finalizers (declared in rgc_type.finalizer)
 * ------------------------------------------------------------------------
 * When an object with a finalizer becomes unreachable, it and everything
 * reachable from it stay alive; after the collection finishes, its
 * finalizer runs exactly once, on the thread that triggered the collection,
 * at the end of that rgc_alloc*, rgc_collect or rgc_step call. A finalizer
 * may allocate and call any rgc function except rgc_shutdown. It may store
 * the object somewhere reachable ("resurrection"); the finalizer will not
 * run again. Weak references to the object are cleared before the
 * finalizer runs.
 */

/* ------------------------------------------------------------------------
 * Weak references
 * ------------------------------------------------------------------------
 * A weak reference is a small heap object (root it like any other) whose
 * target is cleared to NULL by the first collection that finds the target
 * not strongly reachable. Misuse: a target or weakref that is not a live
 * rgc object (or not a weakref) is fatal.
 */
void *rgc_weakref_new(void *target);
void *rgc_weakref_get(void *weakref);

/* ------------------------------------------------------------------------
 * Bare-metal platform hooks
 * ------------------------------------------------------------------------
 * A collector library built for a target without an operating system
 * (cargo build --no-default-features --target thumbv7em-none-eabihf, say;
 * README, "On a board") uses no libc. The program defines these three
 * functions instead; a missing one is a link error naming it. Such a
 * build has no system allocator: rgc_init needs config->region (without
 * one it fails with a message), and it reads no environment variables.
 * There is one thread: rgc_thread is a plain global (RGC_SINGLE_THREAD).
 */
#if defined(RGC_SINGLE_THREAD)
/* Monotonic time in nanoseconds, for events, pause statistics and the
 * incremental collector's pacing. Any free-running counter scaled to ns
 * will do; its resolution bounds how finely pauses are measured. */
uint64_t rgc_platform_now_ns(void);
/* Writes one error message of len bytes (a UART, semihosting, a log). */
void rgc_platform_write(const char *msg, size_t len);
/* Called after a fatal error's message; must not return (reset, halt, or
 * hand over to a debugger). */
RGC_NORETURN void rgc_platform_abort(void);
#endif

#ifdef __cplusplus
}
#endif

#endif /* RGC_H */
