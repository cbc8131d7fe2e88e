//! `aikg`: a knowledge graph of the AI x crypto industry chain.
//!
//! Data flows one way: data files -> [`load`] -> [`model::Dataset`] -> [`graph::KnowledgeGraph`]
//! -> a result ([`table::Output`]) -> [`render`] -> bytes. Only [`cli`] reads files or writes to
//! the terminal.

pub mod analysis;
pub mod cache;
pub mod cli;
pub mod diag;
pub mod diagram;
pub mod export;
pub mod gen;
pub mod graph;
pub mod import;
pub mod load;
pub mod model;
pub mod query;
pub mod render;
pub mod search;
pub mod table;

/// The dataset compiled into the binary.
pub mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}
