//! `aikg`: a knowledge graph of the AI x crypto industry chain.
//!
//! Data flows one way: data files -> [`load`] -> [`model::Dataset`] -> [`graph::KnowledgeGraph`]
//! -> a result ([`table::Output`]) -> [`render`] -> bytes. Only [`cli`] reads files or writes to
//! the terminal.
//!
//! # The build-time core
//!
//! [`cache`], [`diag`], [`fields`], [`items`], [`load`] and [`model`] are the build-time core:
//! `build.rs` compiles them (by `#[path]`) to load the built-in data and embed it in the cache
//! format. The rule: outside their tests, these files import only each other (`crate::cache`,
//! `crate::diag`, `crate::fields`, `crate::items`, `crate::load`, `crate::model`), the standard library and the crates in `[build-dependencies]`. The test
//! `core_boundary` (in `tests/it/`) reads the set from `build.rs` and fails on any other import.

pub mod analysis;
pub mod cache;
pub mod cli;
pub mod diag;
pub mod diagram;
pub mod export;
pub mod fields;
pub mod gen;
pub mod graph;
pub mod import;
pub mod items;
pub mod load;
pub mod model;
pub mod query;
pub mod render;
pub mod search;
pub mod table;
#[cfg(test)]
mod testing;

/// The dataset compiled into the binary.
pub mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

    /// The built-in data files as [`crate::diag::Texts`].
    pub fn texts() -> crate::diag::Texts {
        crate::diag::Texts::of(FILES.iter().copied())
    }
}
