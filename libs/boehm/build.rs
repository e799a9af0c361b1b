// The shared library answers to the name programs linked against bdwgc
// ask the loader for; bdwgc's variadic printf functions are C.
fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libgc.so.1");
    println!("cargo:rerun-if-changed=src/printf.c");
    cc::Build::new().file("src/printf.c").flag_if_supported("-std=c11").compile("rgc_boehm_printf");
}
