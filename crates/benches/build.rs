// The allocation microbenchmark compares against Boehm's collector when its
// development files are installed (Debian: libgc-dev); without them the
// bdwgc column is skipped and says so. Its loops are C (benches/inline_alloc.c)
// so that rgc.h's inline allocation is what gets measured.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(has_bdwgc)");
    println!("cargo:rerun-if-changed=benches/inline_alloc.c");
    println!("cargo:rerun-if-changed=../../include/rgc.h");
    let mut build = cc::Build::new();
    build.file("benches/inline_alloc.c").include("../../include").opt_level(2).flag_if_supported("-std=c11");
    if std::path::Path::new("/usr/include/gc.h").exists() || std::path::Path::new("/usr/include/gc/gc.h").exists() {
        println!("cargo:rustc-cfg=has_bdwgc");
        build.define("HAS_BDWGC", None);
    }
    build.compile("rgc_bench_loops");
    if std::path::Path::new("/usr/include/gc.h").exists() || std::path::Path::new("/usr/include/gc/gc.h").exists() {
        // After the loops' archive, which refers to GC_malloc.
        println!("cargo:rustc-link-lib=gc");
    }
}
