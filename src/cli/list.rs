//! `aikg list`: the nodes that match every given filter, upstream layers first, then by segment
//! (in schema order) and id.

use super::{split_list, Ctx, Result};
use crate::table::{Cell, Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only nodes in these layers (comma-separated)
    #[arg(long, value_name = "LAYER")]
    layer: Vec<String>,
    /// Only nodes of these kinds (comma-separated)
    #[arg(long, value_name = "KIND")]
    kind: Vec<String>,
    /// Only nodes with one of these tags (comma-separated)
    #[arg(long, value_name = "TAG")]
    tag: Vec<String>,
    /// Only nodes in these segments (comma-separated), e.g. compute, foundry
    #[arg(long, value_name = "SEGMENT")]
    segment: Vec<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let schema = &ctx.graph.dataset.schema;
    let layers = ctx.layers(&args.layer)?;
    let kinds = split_list(&args.kind);
    let tags = split_list(&args.tag);
    let segments = split_list(&args.segment);
    let kind_ids: Vec<&str> = schema.kinds.iter().map(|k| k.id.as_str()).collect();
    let mut segment_ids: Vec<&str> =
        schema.layers.iter().flat_map(|l| l.segments.iter().map(String::as_str)).collect();
    segment_ids.sort_unstable();
    segment_ids.dedup();
    ctx.check_values("kind", &kinds, &kind_ids)?;
    ctx.check_values("segment", &segments, &segment_ids)?;

    let mut nodes: Vec<_> = ctx
        .graph
        .dataset
        .nodes
        .iter()
        .filter(|n| layers.is_empty() || layers.iter().any(|l| *l == n.layer))
        .filter(|n| kinds.is_empty() || kinds.iter().any(|k| *k == n.kind))
        .filter(|n| tags.is_empty() || n.tags.iter().any(|t| tags.contains(t)))
        .filter(|n| {
            segments.is_empty() || n.segment.as_ref().is_some_and(|s| segments.iter().any(|x| x == s))
        })
        .collect();
    // Upstream layers first; within a layer, segments in schema order, then ids.
    let rank = |n: &crate::model::Node| {
        let layer = schema.layer_rank(&n.layer);
        let segment = schema
            .layer(&n.layer)
            .and_then(|l| n.segment.as_ref().and_then(|s| l.segments.iter().position(|x| x == s)));
        (layer, segment)
    };
    nodes.sort_by(|a, b| (rank(a), &a.id).cmp(&(rank(b), &b.id)));
    let mut t = Table::new(&["id", "name", "name_zh", "kind", "layer", "segment", "tags"]);
    for n in nodes {
        t.push(vec![
            (&n.id.0).into(),
            (&n.name).into(),
            n.name_zh.as_ref().into(),
            (&n.kind).into(),
            (&n.layer).into(),
            n.segment.as_ref().into(),
            Cell::from(n.tags.as_slice()),
        ]);
    }
    ctx.emit(&Output::Table(t))
}
