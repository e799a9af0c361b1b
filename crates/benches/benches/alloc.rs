//! Small-object allocation, against glibc malloc and bdwgc's GC_malloc,
//! in one run.
//!
//! Each iteration allocates a 32-byte object (two pointer fields and two
//! words), or a byte buffer of a given size, and drops it, so the rgc and
//! bdwgc figures include the amortised cost of collecting the garbage;
//! `malloc` is measured alone (frees happen outside the timed region) and as
//! a malloc+free pair. The loops are C (`benches/inline_alloc.c`, built by
//! `build.rs`), so rgc's figures are those of `rgc.h`'s inline path as a
//! compiled program gets it; `rgc_alloc_slow` is the out-of-line call alone.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use gc_api::RgcType;
use std::ffi::c_void;
use std::time::{Duration, Instant};

// Link the marksweep library's rlib: it exports the rgc_* symbols.
use rgc_marksweep as _;
// Link this package's library, which carries the C loops build.rs compiled.
use benches as _;

extern "C" {
    fn rgc_init_abi(cfg: *const c_void, tag: *const u8) -> i32;
    fn rgc_alloc_slow(t: *mut RgcType) -> *mut c_void;
    static rgc_abi_generic_v1: u8;
    fn rgc_bench_alloc_node(n: u64);
    fn rgc_bench_alloc_bytes(n: u64, size: usize);
    fn rgc_bench_malloc(n: u64, out: *mut *mut c_void);
    fn rgc_bench_malloc_free(n: u64);
    #[cfg(has_bdwgc)]
    fn rgc_bench_gc_malloc(n: u64);
    #[cfg(has_bdwgc)]
    fn GC_init();
    fn free(p: *mut c_void);
}

static PTRS: [u32; 2] = [0, 8];
static mut NODE: RgcType = RgcType {
    size: 32,
    flags: 0,
    ptr_offsets: PTRS.as_ptr(),
    num_ptrs: 2,
    item_size: 0,
    item_ptr_offsets: std::ptr::null(),
    item_num_ptrs: 0,
    length_offset: 0,
    finalizer: None,
    name: c"Node".as_ptr(),
    id: 0,
    generation: 0,
    alloc_span: 0,
    alloc_cell: 0,
    alloc_key: 0,
};

/// Times one C loop of `iters` allocations.
fn timed(iters: u64, f: impl FnOnce(u64)) -> Duration {
    let start = Instant::now();
    f(iters);
    start.elapsed()
}

fn alloc(c: &mut Criterion) {
    // SAFETY: default config; the tag is this library's own generic tag.
    assert_eq!(unsafe { rgc_init_abi(std::ptr::null(), &raw const rgc_abi_generic_v1) }, 0);
    let mut g = c.benchmark_group("alloc-32B");
    g.bench_function("rgc_alloc, inline (marksweep)", |b| {
        // SAFETY: rgc is initialised on this thread; the objects are dropped.
        b.iter_custom(|iters| timed(iters, |n| unsafe { rgc_bench_alloc_node(n) }))
    });
    g.bench_function("rgc_alloc_slow, the call alone (marksweep)", |b| {
        // SAFETY: the descriptor is a valid static; the result is dropped at once.
        b.iter(|| black_box(unsafe { rgc_alloc_slow(&raw mut NODE) }))
    });
    g.bench_function("malloc (allocation alone)", |b| {
        b.iter_custom(|iters| {
            let mut blocks = vec![std::ptr::null_mut(); iters as usize];
            // SAFETY: `blocks` has room for `iters` pointers.
            let t = timed(iters, |n| unsafe { rgc_bench_malloc(n, blocks.as_mut_ptr()) });
            // SAFETY: each block came from malloc.
            blocks.into_iter().for_each(|p| unsafe { free(p) });
            t
        })
    });
    g.bench_function("malloc+free", |b| {
        // SAFETY: a loop of malloc and free of the same block.
        b.iter_custom(|iters| timed(iters, |n| unsafe { rgc_bench_malloc_free(n) }))
    });
    #[cfg(has_bdwgc)]
    {
        // SAFETY: GC_init before any GC_malloc.
        unsafe { GC_init() };
        g.bench_function("GC_malloc (bdwgc)", |b| {
            // SAFETY: initialised above.
            b.iter_custom(|iters| timed(iters, |n| unsafe { rgc_bench_gc_malloc(n) }))
        });
    }
    #[cfg(not(has_bdwgc))]
    eprintln!("bdwgc not installed (apt-get install libgc-dev): GC_malloc skipped");
    g.finish();
    // Byte buffers past the size classes (256 B) take the packed path:
    // runs of blocks whose holes sit in bins by size, cells zeroed when
    // handed out. 32 and 200 bytes are classes (inline).
    let mut g = c.benchmark_group("alloc-bytes");
    for n in [32usize, 200, 300, 700, 3000] {
        g.bench_function(format!("rgc_alloc_bytes({n}) (marksweep)"), |b| {
            // SAFETY: initialised above; the buffers are dropped.
            b.iter_custom(|iters| timed(iters, |k| unsafe { rgc_bench_alloc_bytes(k, black_box(n)) }))
        });
    }
    g.finish();
}

criterion_group!(benches, alloc);
criterion_main!(benches);
