//! `librgc_refcount`: reference counting with a cycle collector behind the rgc C ABI.
#![cfg_attr(not(feature = "std"), no_std)]
gc_api::export_c_abi!(gc_refcount::RefcountGc, rgc_abi_refcount_v1, "refcount");
#[cfg(not(feature = "std"))]
gc_api::bare_metal_panic_handler!();
