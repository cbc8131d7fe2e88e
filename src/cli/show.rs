//! `aikg show NODE`: everything the dataset knows about one node.

use super::{Ctx, Result};
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

fn sources_cell(ids: &[SourceId]) -> Cell {
    Cell::List(ids.iter().map(|s| Cell::from(&s.0)).collect())
}

fn show(ctx: &Ctx, ix: usize) -> Vec<Section> {
    let g = &ctx.graph;
    let n = g.node(ix);
    let mut fields = Table::new(&["field", "value"]);
    let mut field = |k: &str, v: Cell| {
        if v != Cell::Null && v != Cell::List(vec![]) {
            fields.push(vec![k.into(), v]);
        }
    };
    field("id", (&n.id.0).into());
    field("name", (&n.name).into());
    field("name_zh", n.name_zh.as_ref().into());
    field("kind", (&n.kind).into());
    field("layer", (&n.layer).into());
    field("segment", n.segment.as_ref().into());
    field("aliases", n.aliases.as_slice().into());
    field("tags", n.tags.as_slice().into());
    field("summary", n.summary.as_ref().into());
    field("start", n.start.as_ref().into());
    field("end", n.end.as_ref().into());
    field("lifecycle", g.lifecycle(ix).name().into());
    field("sources", sources_cell(&n.sources));
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
    sections.extend(super::rounds::sections(g, ix, &inc));
    let claims = super::claims::table(g, Some(ix));
    if !claims.rows.is_empty() {
        sections.push(Section { title: "disputed claims".into(), table: claims });
    }

    for (title, dir, list) in [("out", "to", &out), ("in", "from", &inc)] {
        let mut t = Table::new(&[
            "rel",
            dir,
            "name",
            "share_pct",
            "share_of",
            "as_of",
            "status",
            "evidence",
            "note",
            "sources",
        ]);
        for &(e, other) in list {
            let edge = g.edge(e);
            let o = g.node(other);
            t.push(vec![
                (&edge.rel).into(),
                (&o.id.0).into(),
                (&o.name).into(),
                edge.share_pct.into(),
                edge.more().share_of.as_ref().into(),
                edge.more().as_of.as_ref().into(),
                edge.more().status.as_ref().into(),
                evidence(g.dataset.edge_tier(edge)).into(),
                edge.more().note.as_ref().into(),
                sources_cell(&edge.sources),
            ]);
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
        cited.extend(&edge.sources);
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
