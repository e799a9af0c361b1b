//! `librgc_incremental`: the real-time incremental collector behind the rgc C ABI.
#![cfg_attr(not(feature = "std"), no_std)]
gc_api::export_c_abi!(gc_incremental::IncrementalGc, rgc_abi_incremental_v1, "incremental");
#[cfg(not(feature = "std"))]
gc_api::bare_metal_panic_handler!();
