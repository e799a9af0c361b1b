//! `librgc_marksweep`: the marksweep collector behind the rgc C ABI.
gc_api::export_c_abi!(gc_marksweep::MarkSweepGc, rgc_abi_marksweep_v1, "marksweep");
