// The thread-local mutator context must be a C `_Thread_local`:
// generated code reaches it from `static inline` functions in rgc.h, and
// stable Rust cannot export an ELF TLS symbol.
//
// On a bare-metal target (`target_os = "none"`) there is one thread and no
// TLS: rgc.h declares `rgc_thread` a plain global, which lib.rs defines, and no
// C compiler is needed.
fn main() {
    println!("cargo:rerun-if-changed=src/tls.c");
    println!("cargo:rerun-if-changed=../../include/rgc.h");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("none") {
        return;
    }
    cc::Build::new()
        .file("src/tls.c")
        .include("../../include")
        .flag_if_supported("-std=c11")
        .compile("rgc_shadowstack_tls");
}
