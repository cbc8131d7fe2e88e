//! Whole-dataset exports. `json` is lossless: schema, sources, nodes and edges with every field,
//! edges naming their endpoints by id.

use serde::Serialize;

use crate::model::{Dataset, Edge, Layer, Node, Relation, Source};

#[derive(Serialize)]
struct JsonDataset<'a> {
    layers: &'a [Layer],
    kinds: Vec<JsonKind<'a>>,
    relations: &'a [Relation],
    sources: Vec<&'a Source>,
    nodes: &'a [Node],
    edges: Vec<JsonEdge<'a>>,
}

#[derive(Serialize)]
struct JsonKind<'a> {
    id: &'a str,
    shape: &'a str,
    description: &'a str,
    props: std::collections::BTreeMap<&'a str, &'static str>,
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    from: &'a str,
    to: &'a str,
    #[serde(flatten)]
    edge: &'a Edge,
}

/// The dataset as one pretty-printed JSON document.
pub fn to_json(d: &Dataset) -> String {
    let doc = JsonDataset {
        layers: &d.schema.layers,
        kinds: d
            .schema
            .kinds
            .iter()
            .map(|k| JsonKind {
                id: &k.id,
                shape: &k.shape,
                description: &k.description,
                props: k.props.iter().map(|(p, t)| (p.as_str(), t.name())).collect(),
            })
            .collect(),
        relations: &d.schema.relations,
        sources: d.sources.values().collect(),
        nodes: &d.nodes,
        edges: d
            .edges
            .iter()
            .map(|e| JsonEdge { from: &d.nodes[e.from].id.0, to: &d.nodes[e.to].id.0, edge: e })
            .collect(),
    };
    // Every value is a string, a finite number, a bool or a container of them: cannot fail.
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
