// The shared library answers to the name programs linked against bdwgc
// ask the loader for.
fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libgc.so.1");
}
