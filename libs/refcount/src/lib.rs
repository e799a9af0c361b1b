//! `librgc_refcount`: reference counting with a cycle collector behind the rgc C ABI.
gc_api::export_c_abi!(gc_refcount::RefcountGc, rgc_abi_refcount_v1, "refcount");
