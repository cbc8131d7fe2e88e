//! `aikg series [--metric M] [--kind K] [--layer L] [--segment S] [NODE..]`: dated observations of
//! nodes' metrics, one row per observation, sorted by node, metric and date.

use super::{split_list, Ctx, Result};
use crate::analysis::series;
use crate::model::{NodeIx, Observation, SourceId};
use crate::table::{Cell, Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only these nodes (id, name, Chinese name, alias or ticker)
    #[arg(value_name = "NODE")]
    nodes: Vec<String>,
    /// Only these metrics (comma-separated), e.g. market_cap_usd,price_usd
    #[arg(long, value_name = "METRIC")]
    metric: Vec<String>,
    /// Only nodes of these kinds (comma-separated)
    #[arg(long, value_name = "KIND")]
    kind: Vec<String>,
    /// Only nodes in these layers (comma-separated)
    #[arg(long, value_name = "LAYER")]
    layer: Vec<String>,
    /// Only nodes in these segments (comma-separated), e.g. compute, foundry
    #[arg(long, value_name = "SEGMENT")]
    segment: Vec<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let g = &ctx.graph;
    let schema = &g.dataset.schema;
    let metrics = split_list(&args.metric);
    let metric_ids: Vec<&str> = schema.metrics.iter().map(|m| m.id.as_str()).collect();
    ctx.check_values("metric", &metrics, &metric_ids)?;
    let kinds = split_list(&args.kind);
    let kind_ids: Vec<&str> = schema.kinds.iter().map(|k| k.id.as_str()).collect();
    ctx.check_values("kind", &kinds, &kind_ids)?;
    let layers = ctx.layers(&args.layer)?;
    let segments = split_list(&args.segment);
    let mut segment_ids: Vec<&str> =
        schema.layers.iter().flat_map(|l| l.segments.iter().map(String::as_str)).collect();
    segment_ids.sort_unstable();
    segment_ids.dedup();
    ctx.check_values("segment", &segments, &segment_ids)?;
    let named: Vec<NodeIx> = args.nodes.iter().map(|n| ctx.node(n)).collect::<Result<_>>()?;

    let keep = |o: &Observation| {
        // A node the view does not hold (not yet founded on --as-of) shows no series.
        let Some(ix) = g.id_lookup(&o.node.0) else { return false };
        let n = g.node(ix);
        (named.is_empty() || named.contains(&ix))
            && (metrics.is_empty() || metrics.contains(&o.metric))
            && (kinds.is_empty() || kinds.iter().any(|k| *k == n.kind))
            && (layers.is_empty() || layers.iter().any(|l| *l == n.layer))
            && (segments.is_empty() || n.segment.as_ref().is_some_and(|s| segments.iter().any(|x| x == s)))
    };
    let mut t = Table::new(&["node", "metric", "date", "period", "value", "unit", "confidence", "sources"]);
    for o in series::rows(&g.dataset.observations, &keep) {
        t.push(row(ctx, o, true));
    }
    ctx.emit(&Output::Table(t))
}

/// One observation as a row: [node,] metric, date, period, value, unit, confidence, sources.
pub(super) fn row(ctx: &Ctx, o: &Observation, with_node: bool) -> Vec<Cell> {
    let unit = ctx.graph.dataset.schema.metric(&o.metric).map(|m| m.unit.as_str()).unwrap_or_default();
    let mut cells: Vec<Cell> = Vec::with_capacity(8);
    if with_node {
        cells.push((&o.node.0).into());
    }
    cells.extend([
        (&o.metric).into(),
        (&o.date).into(),
        o.period.as_ref().into(),
        o.value.into(),
        unit.into(),
        o.confidence().into(),
        Cell::List(o.sources.iter().map(|s: &SourceId| Cell::from(&s.0)).collect()),
    ]);
    cells
}
