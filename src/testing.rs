//! Shared fixtures for the unit tests: the built-in dataset and the `tests/fixtures/mini` graph.

use crate::graph::KnowledgeGraph;
use crate::model::Dataset;

/// The built-in dataset, loaded from its text.
pub fn builtin() -> Dataset {
    crate::load::load(&crate::embedded::texts()).expect("the built-in dataset loads").dataset
}

/// The three-node fixture in `tests/fixtures/mini` as a graph.
pub fn mini() -> KnowledgeGraph {
    let files = [
        ("schema.toml", include_str!("../tests/fixtures/mini/schema.toml")),
        ("sources.toml", include_str!("../tests/fixtures/mini/sources.toml")),
        ("chain.toml", include_str!("../tests/fixtures/mini/chain.toml")),
    ];
    let texts = crate::diag::Texts::of(files);
    KnowledgeGraph::new(crate::load::load(&texts).expect("the mini fixture is valid").dataset)
}
