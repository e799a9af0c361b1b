//! `librgc_none`: the never-collecting baseline behind the rgc C ABI.
#![cfg_attr(not(feature = "std"), no_std)]
gc_api::export_c_abi!(gc_none::NoneGc, rgc_abi_none_v1, "none");
#[cfg(not(feature = "std"))]
gc_api::bare_metal_panic_handler!();
