//! `librgc_marksweep`: the marksweep collector behind the rgc C ABI.
#![cfg_attr(not(feature = "std"), no_std)]
gc_api::export_c_abi!(gc_marksweep::MarkSweepGc, rgc_abi_marksweep_v1, "marksweep");
#[cfg(not(feature = "std"))]
gc_api::bare_metal_panic_handler!();
