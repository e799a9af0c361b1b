//! Small-object allocation through the C ABI, against glibc malloc and
//! bdwgc's GC_malloc, in one run.
//!
//! Each iteration allocates a 32-byte object (two pointer fields and two
//! words), or a byte buffer of a given size, and drops it, so the rgc and bdwgc figures include the amortised
//! cost of collecting the garbage; `malloc` is measured alone (frees happen
//! outside the timed region) and as a malloc+free pair.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use gc_api::RgcType;
use std::ffi::c_void;

// Link the marksweep library's rlib: it exports the rgc_* symbols.
use rgc_marksweep as _;

extern "C" {
    fn rgc_init_abi(cfg: *const c_void, tag: *const u8) -> i32;
    fn rgc_alloc(t: *mut RgcType) -> *mut c_void;
    fn rgc_alloc_bytes(n: usize) -> *mut c_void;
    static rgc_abi_generic_v1: u8;
}

#[cfg(has_bdwgc)]
#[link(name = "gc")]
extern "C" {
    fn GC_init();
    fn GC_malloc(n: usize) -> *mut c_void;
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
};

fn alloc(c: &mut Criterion) {
    // SAFETY: default config; the tag is this library's own generic tag.
    assert_eq!(unsafe { rgc_init_abi(std::ptr::null(), &raw const rgc_abi_generic_v1) }, 0);
    let mut g = c.benchmark_group("alloc-32B");
    g.bench_function("rgc_alloc (marksweep)", |b| {
        // SAFETY: the descriptor is a valid static; the result is dropped at once.
        b.iter(|| black_box(unsafe { rgc_alloc(&raw mut NODE) }))
    });
    g.bench_function("malloc (allocation alone)", |b| {
        b.iter_custom(|iters| {
            let mut blocks = Vec::with_capacity(iters as usize);
            let start = std::time::Instant::now();
            for _ in 0..iters {
                // SAFETY: plain malloc; freed below, outside the timed region.
                blocks.push(black_box(unsafe { libc_malloc(32) }));
            }
            let elapsed = start.elapsed();
            // SAFETY: each block came from malloc above.
            blocks.into_iter().for_each(|p| unsafe { libc_free(p) });
            elapsed
        })
    });
    g.bench_function("malloc+free", |b| {
        // SAFETY: malloc then free of the same block.
        b.iter(|| unsafe { libc_free(black_box(libc_malloc(32))) })
    });
    #[cfg(has_bdwgc)]
    {
        // SAFETY: GC_init before any GC_malloc.
        unsafe { GC_init() };
        // SAFETY: initialised above.
        g.bench_function("GC_malloc (bdwgc)", |b| b.iter(|| black_box(unsafe { GC_malloc(32) })));
    }
    #[cfg(not(has_bdwgc))]
    eprintln!("bdwgc not installed (apt-get install libgc-dev): GC_malloc skipped");
    g.finish();
    // Byte buffers past the size classes (256 B) take the packed path:
    // runs of blocks whose holes sit in bins by size, cells zeroed when
    // handed out. 200 bytes is a class.
    let mut g = c.benchmark_group("alloc-bytes");
    for n in [200usize, 300, 700, 3000] {
        g.bench_function(format!("rgc_alloc_bytes({n}) (marksweep)"), |b| {
            // SAFETY: initialised above; the result is dropped at once.
            b.iter(|| black_box(unsafe { rgc_alloc_bytes(black_box(n)) }))
        });
    }
    g.finish();
}

extern "C" {
    #[link_name = "malloc"]
    fn libc_malloc(n: usize) -> *mut c_void;
    #[link_name = "free"]
    fn libc_free(p: *mut c_void);
}

criterion_group!(benches, alloc);
criterion_main!(benches);
