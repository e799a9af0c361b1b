//! `librgc_incremental`: the real-time incremental collector behind the rgc C ABI.
gc_api::export_c_abi!(gc_incremental::IncrementalGc, rgc_abi_incremental_v1, "incremental");
