// The thread-local shadow-stack descriptor must be a C `_Thread_local`:
// generated code reaches it from `static inline` functions in rgc.h, and
// stable Rust cannot export an ELF TLS symbol.
fn main() {
    println!("cargo:rerun-if-changed=src/tls.c");
    println!("cargo:rerun-if-changed=../../include/rgc.h");
    cc::Build::new()
        .file("src/tls.c")
        .include("../../include")
        .flag_if_supported("-std=c11")
        .compile("rgc_shadowstack_tls");
}
