//! The disputed-claims table, shared by `check --claims` (every claim) and `show` (the claims
//! about one node and its edges): who says what, next to the value the data records.

use crate::fields;
use crate::graph::{Dir, KnowledgeGraph};
use crate::model::{Claim, Edge, EdgeIx, Node, NodeIx};
use crate::table::{Cell, Table};

/// Claims on every node and edge (`about: None`), or on one node and its edges.
pub fn table(g: &KnowledgeGraph, about: Option<NodeIx>) -> Table {
    let mut t = Table::new(&["subject", "property", "recorded", "claimed", "sources", "note"]);
    let nodes: Vec<&Node> = match about {
        Some(ix) => vec![g.node(ix)],
        None => g.dataset.nodes.iter().collect(),
    };
    for n in nodes {
        push(&mut t, &n.id.0, &n.claims, |p| node_recorded(n, p));
    }
    // In file order; for one node, only its own edges are read.
    let edges: Vec<EdgeIx> = match about {
        Some(ix) => {
            let mut at: Vec<EdgeIx> = g.incident(ix, Dir::Both).into_iter().map(|(e, _)| e).collect();
            at.sort_unstable();
            at.dedup();
            at
        }
        None => (0..g.dataset.edges.len()).collect(),
    };
    // The ends' ids come from the id column: a stored node is not decoded to name it.
    let d = &g.dataset;
    for e in edges.into_iter().map(|e| g.edge(e)) {
        let subject = format!("{} -{}-> {}", d.node_id(e.from), e.rel, d.node_id(e.to));
        push(&mut t, &subject, &e.more().claims, |p| recorded(e, p));
    }
    t
}

fn push(t: &mut Table, subject: &str, claims: &[Claim], recorded: impl Fn(&str) -> Cell) {
    for c in claims {
        t.push(vec![
            subject.into(),
            (&c.prop).into(),
            recorded(&c.prop),
            (&c.value).into(),
            Cell::List(c.sources.iter().map(|s| Cell::from(&s.0)).collect()),
            c.note.as_ref().into(),
        ]);
    }
}

/// The value a node records for a field or property, to set beside a claim about it.
fn node_recorded(n: &Node, prop: &str) -> Cell {
    match fields::find(&fields::NODE, prop) {
        Some(f) => (f.get)(n).into(),
        None => n.props.get(prop).map(Cell::from).unwrap_or(Cell::Null),
    }
}

/// The value an edge records for a field or property, to set beside a claim about it.
fn recorded(e: &Edge, prop: &str) -> Cell {
    match fields::find(&fields::EDGE, prop) {
        Some(f) => (f.get)(e).into(),
        None => e.more().props.get(prop).map(Cell::from).unwrap_or(Cell::Null),
    }
}
