//! `aikg show NODE`: everything the dataset knows about one node.

use super::{Ctx, Result};
use crate::fields;
use crate::graph::Dir;
use crate::model::{SourceId, Tier, UNVERIFIED};
use crate::table::{Cell, Output, Section, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The node: id, name, Chinese name, alias or ticker
    node: String,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let ix = ctx.node(&args.node)?;
    ctx.emit(&Output::Report(show(ctx, ix)))
}

/// An edge's evidence in words: its best source's tier, or `unverified`.
pub fn evidence(tier: Option<Tier>) -> &'static str {
    tier.map_or(UNVERIFIED, Tier::name)
}

/// The node's fields in the order `show` lists them: every registry field, with its kind (not a
/// field) after its Chinese name.
const NODE_SHOWN: [&str; 13] = [
    "id",
    "name",
    "name_zh",
    "kind",
    "layer",
    "segment",
    "aliases",
    "tags",
    "summary",
    "start",
    "end",
    "lifecycle",
    "sources",
];

/// The edge fields a node's edge tables show between the other end and the evidence (the
/// registry's values; the note follows the evidence).
const SHOWN: [&str; 4] = ["share_pct", "share_of", "as_of", "status"];

fn show(ctx: &Ctx, ix: usize) -> Vec<Section> {
    let g = &ctx.graph;
    let n = g.node(ix);
    let mut fields = Table::new(&["field", "value"]);
    let mut field = |k: &str, v: Cell| {
        if v != Cell::Null && v != Cell::List(vec![]) {
            fields.push(vec![k.into(), v]);
        }
    };
    for name in NODE_SHOWN {
        let value = match (name, fields::find(&fields::NODE, name)) {
            // The lifecycle in force: the node's own, else its kind's.
            ("lifecycle", _) => g.lifecycle(ix).name().into(),
            (_, Some(f)) => (f.get)(n).into(),
            _ => (&n.kind).into(),
        };
        field(name, value);
    }
    field("defined at", format!("{}:{}", n.origin.file, n.origin.line).into());
    let mut sections = vec![Section { title: "node".into(), table: fields }];

    if !n.props.is_empty() {
        let mut props = Table::new(&["property", "value"]);
        for (k, v) in &n.props {
            props.push(vec![k.into(), v.into()]);
        }
        sections.push(Section { title: "properties".into(), table: props });
    }

    // The node's whole series, whatever the view's day.
    let own = |o: &crate::model::Observation| o.node == n.id;
    let observations = crate::analysis::series::rows(&g.dataset.observations, &own);
    if !observations.is_empty() {
        let mut t = Table::new(&["metric", "date", "period", "value", "unit", "confidence", "sources"]);
        for o in &observations {
            t.push(super::series::row(ctx, o, false));
        }
        sections.push(Section { title: "series".into(), table: t });
    }

    let out = g.incident(ix, Dir::Out);
    let inc = g.incident(ix, Dir::In);
    sections.extend(super::support::rounds::sections(g, ix, &inc));
    let claims = super::support::claims::table(g, Some(ix));
    if !claims.rows.is_empty() {
        sections.push(Section { title: "disputed claims".into(), table: claims });
    }

    for (title, dir, list) in [("out", "to", &out), ("in", "from", &inc)] {
        let header = ["rel", dir, "name"].into_iter().chain(SHOWN).chain(["evidence", "note", "sources"]);
        let mut t = Table::new(&header.collect::<Vec<_>>());
        for &(e, other) in list {
            let edge = g.edge(e);
            // The other end's id and name from the columns: a stored neighbour is not decoded.
            let (id, name) = (g.dataset.node_id(other), g.dataset.node_name(other));
            let field = |name| fields::find(&fields::EDGE, name).map_or(Cell::Null, |f| (f.get)(edge).into());
            let mut row: Vec<Cell> = vec![(&edge.rel).into(), id.into(), name.into()];
            row.extend(SHOWN.map(field));
            row.extend([evidence(g.dataset.edge_tier(edge)).into(), field("note"), field("sources")]);
            t.push(row);
        }
        if !t.rows.is_empty() {
            sections.push(Section { title: format!("edges {title}"), table: t });
        }
    }

    // Every source cited by the node, its claims and its edges, with URLs.
    let mut cited: Vec<&SourceId> =
        n.sources.iter().chain(n.claims.iter().flat_map(|c| &c.sources)).collect();
    for &(e, _) in out.iter().chain(&inc) {
        let edge = g.edge(e);
        cited.extend(edge.sources.iter());
        cited.extend(edge.more().claims.iter().flat_map(|c| &c.sources));
    }
    cited.extend(observations.iter().flat_map(|o| &o.sources));
    cited.sort();
    cited.dedup();
    let mut sources = Table::new(&["source", "tier", "kind", "publisher", "date", "title", "url"]);
    for id in cited {
        if let Some(s) = g.dataset.source(id) {
            sources.push(vec![
                (&s.id.0).into(),
                s.tier.name().into(),
                (&s.kind).into(),
                s.publisher.as_ref().into(),
                s.date.as_ref().into(),
                (&s.title).into(),
                (&s.url).into(),
            ]);
        }
    }
    sections.push(Section { title: "sources".into(), table: sources });
    sections
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_lists_every_node_field_once() {
        for f in &fields::NODE {
            assert_eq!(NODE_SHOWN.iter().filter(|n| **n == f.name).count(), 1, "{}", f.name);
        }
        assert_eq!(NODE_SHOWN.len(), fields::NODE.len() + 1, "the fields and the kind");
    }
}
