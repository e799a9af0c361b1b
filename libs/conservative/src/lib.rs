//! `librgc_conservative`: the conservative collector behind the rgc C ABI.
gc_api::export_c_abi!(gc_marksweep::ConservativeGc, rgc_abi_conservative_v1, "conservative");
