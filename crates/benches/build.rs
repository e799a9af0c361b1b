// The allocation microbenchmark compares against Boehm's collector when its
// development files are installed (Debian: libgc-dev); without them the
// bdwgc column is skipped and says so.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(has_bdwgc)");
    if std::path::Path::new("/usr/include/gc.h").exists() || std::path::Path::new("/usr/include/gc/gc.h").exists() {
        println!("cargo:rustc-cfg=has_bdwgc");
    }
}
