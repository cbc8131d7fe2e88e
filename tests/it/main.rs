//! The integration tests, one test binary with a module per concern (one binary links once;
//! ten linked slowly). Snapshot names do not carry the module path (see `common::settings`), so
//! every snapshot in `snapshots/` keeps its name. Run one module with `cargo test --test it
//! MODULE::`, e.g. `cargo test --test it differential::`.

#[macro_use]
mod common;

mod bad_data;
mod bad_input;
mod cli;
mod cli_new_commands;
mod cli_series;
mod cli_spark;
mod core_boundary;
mod dataset;
mod diagrams;
mod differential;
mod output_safety;
mod queries;
mod roundtrip;
