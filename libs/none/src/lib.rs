//! `librgc_none`: the never-collecting baseline behind the rgc C ABI.
gc_api::export_c_abi!(gc_none::NoneGc, rgc_abi_none_v1, "none");
