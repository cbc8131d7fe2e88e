//! `aikg stats`: what the dataset holds and how well it is sourced.

use std::collections::BTreeMap;

use super::{Ctx, Result};
use crate::analysis::evidence::TierMix;
use crate::analysis::time::{self, Dating};
use crate::model::Supply;
use crate::table::{Cell, Output, Section, Table};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(ctx: &Ctx, _args: Args) -> Result<()> {
    ctx.emit(&Output::Report(stats(ctx)))
}

fn stats(ctx: &Ctx) -> Vec<Section> {
    let d = &ctx.graph.dataset;
    let claims = d.nodes.iter().map(|n| n.claims.len()).sum::<usize>()
        + d.edges.iter().map(|e| e.more().claims.len()).sum::<usize>();
    let mut totals = Table::new(&["item", "count"]);
    for (item, count) in [
        ("nodes", d.nodes.len()),
        ("edges", d.edges.len()),
        ("sources", d.sources.len()),
        ("disputed claims", claims),
        ("layers", d.schema.layers.len()),
        ("kinds", d.schema.kinds.len()),
        ("relations", d.schema.relations.len()),
    ] {
        totals.push(vec![item.into(), count.into()]);
    }

    let mut layers = Table::new(&["layer", "name", "name_zh", "nodes", "segments"]);
    for l in &d.schema.layers {
        let in_layer = d.nodes.iter().filter(|n| n.layer == l.id);
        let mut per_segment: BTreeMap<&str, usize> = BTreeMap::new();
        let mut count = 0usize;
        for n in in_layer {
            count += 1;
            if let Some(s) = &n.segment {
                *per_segment.entry(s.as_str()).or_default() += 1;
            }
        }
        // Segments in schema order, with their counts.
        let segments: Vec<Cell> = l
            .segments
            .iter()
            .filter_map(|s| per_segment.get(s.as_str()).map(|c| Cell::from(format!("{s} {c}"))))
            .collect();
        layers.push(vec![
            (&l.id).into(),
            (&l.name).into(),
            l.name_zh.as_ref().into(),
            count.into(),
            Cell::List(segments),
        ]);
    }

    let mut kinds = Table::new(&["kind", "nodes"]);
    for k in &d.schema.kinds {
        kinds.push(vec![(&k.id).into(), d.nodes.iter().filter(|n| n.kind == k.id).count().into()]);
    }

    let mut relations = Table::new(&["relation", "supply", "edges", "with share"]);
    for r in &d.schema.relations {
        let of_rel = d.edges.iter().filter(|e| e.rel == r.id);
        let (n, shares) =
            of_rel.fold((0usize, 0usize), |(n, s), e| (n + 1, s + usize::from(e.share_pct.is_some())));
        let supply = match r.supply {
            Some(Supply::Forward) => "forward",
            Some(Supply::Reverse) => "reverse",
            None => "",
        };
        relations.push(vec![(&r.id).into(), supply.into(), n.into(), shares.into()]);
    }

    let pct = |part: usize, whole: usize| -> Cell {
        if whole == 0 {
            Cell::Null
        } else {
            Cell::Float((part as f64 * 1000.0 / whole as f64).round() / 10.0)
        }
    };
    let nodes = d.nodes.len();
    let edges = d.edges.len();
    let mut provenance = Table::new(&["measure", "count", "of", "percent"]);
    let mut row = |measure: &str, part: usize, whole: usize| {
        provenance.push(vec![measure.into(), part.into(), whole.into(), pct(part, whole)]);
    };
    row("nodes citing a source", d.nodes.iter().filter(|n| !n.sources.is_empty()).count(), nodes);
    row("edges citing a source", d.edges.iter().filter(|e| !e.sources.is_empty()).count(), edges);
    row("nodes with a Chinese name", d.nodes.iter().filter(|n| n.name_zh.is_some()).count(), nodes);
    row("nodes with a summary", d.nodes.iter().filter(|n| n.summary.is_some()).count(), nodes);
    row("edges with a share figure", d.edges.iter().filter(|e| e.share_pct.is_some()).count(), edges);
    row(
        "edges with a date",
        d.edges.iter().filter(|e| e.more().as_of.is_some() || e.more().since.is_some()).count(),
        edges,
    );
    let cited = d.cited();
    row("sources cited", d.sources.keys().filter(|s| cited.contains(s)).count(), d.sources.len());

    // The tier of the best source behind each item; unverified edges have none.
    let supply = |e: &&crate::model::Edge| d.schema.relation(&e.rel).is_some_and(|r| r.supply.is_some());
    let mut evidence = Table::new(&[
        "items",
        "count",
        "primary",
        "secondary",
        "weak",
        "unverified",
        "primary or secondary %",
    ]);
    let mixes = [
        ("nodes", TierMix::of(d.nodes.iter().map(|n| Some(d.best_tier(&n.sources))))),
        ("edges", TierMix::of(d.edges.iter().map(|e| d.edge_tier(e)))),
        ("supply edges", TierMix::of(d.edges.iter().filter(supply).map(|e| d.edge_tier(e)))),
        (
            "share figures",
            TierMix::of(d.edges.iter().filter(|e| e.share_pct.is_some()).map(|e| d.edge_tier(e))),
        ),
        ("sources", TierMix::of(d.sources.values().map(|s| Some(s.tier)))),
    ];
    for (items, m) in mixes {
        evidence.push(vec![
            items.into(),
            m.total().into(),
            m.primary.into(),
            m.secondary.into(),
            m.weak.into(),
            m.unverified.into(),
            pct(m.primary + m.secondary, m.total()),
        ]);
    }

    // How each supply edge's first day is known, and which nodes have a start.
    let mut dating = Table::new(&["supply edges dated by", "count", "%"]);
    let supply_edges: Vec<_> = d.edges.iter().filter(supply).collect();
    for how in Dating::ALL {
        let n = supply_edges.iter().filter(|e| time::dating(d, e) == how).count();
        dating.push(vec![how.label().into(), n.into(), pct(n, supply_edges.len())]);
    }
    let mut starts = Table::new(&["kind", "nodes", "with a start", "%"]);
    for k in &d.schema.kinds {
        let of_kind: Vec<_> = d.nodes.iter().filter(|n| n.kind == k.id).collect();
        if of_kind.is_empty() {
            continue;
        }
        let dated = of_kind.iter().filter(|n| n.start.is_some()).count();
        starts.push(vec![
            k.id.as_str().into(),
            of_kind.len().into(),
            dated.into(),
            pct(dated, of_kind.len()),
        ]);
    }

    let (per_metric, per_kind) = series(d);
    let mut sections = vec![
        Section { title: "totals".into(), table: totals },
        Section { title: "layers".into(), table: layers },
        Section { title: "kinds".into(), table: kinds },
        Section { title: "relations".into(), table: relations },
        Section { title: "provenance".into(), table: provenance },
        Section { title: "evidence (best source tier)".into(), table: evidence },
        Section { title: "time: how supply edges are dated".into(), table: dating },
        Section { title: "time: nodes with a start date".into(), table: starts },
    ];
    // A schema with no metrics has no series to count.
    if !d.schema.metrics.is_empty() {
        sections.push(Section { title: "series: observations per metric".into(), table: per_metric });
        sections.push(Section { title: "series: nodes with an observation".into(), table: per_kind });
    }
    sections
}

/// Observations per metric, and how many nodes of each kind a metric describes have any.
fn series(d: &crate::model::Dataset) -> (Table, Table) {
    let mut per_metric = Table::new(&["metric", "unit", "observations", "nodes"]);
    for m in &d.schema.metrics {
        let of: Vec<_> = d.observations.iter().filter(|o| o.metric == m.id).collect();
        let nodes: std::collections::BTreeSet<&str> = of.iter().map(|o| o.node.0.as_str()).collect();
        per_metric.push(vec![
            m.id.as_str().into(),
            m.unit.as_str().into(),
            of.len().into(),
            nodes.len().into(),
        ]);
    }
    let observed: std::collections::BTreeSet<&str> =
        d.observations.iter().map(|o| o.node.0.as_str()).collect();
    let mut kinds: Vec<&str> =
        d.schema.metrics.iter().flat_map(|m| m.kinds.iter().map(String::as_str)).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut per_kind = Table::new(&["kind", "nodes", "with an observation", "%"]);
    for k in kinds {
        let of_kind: Vec<_> = d.nodes.iter().filter(|n| n.kind == k).collect();
        let with = of_kind.iter().filter(|n| observed.contains(n.id.0.as_str())).count();
        let pct = if of_kind.is_empty() {
            Cell::Null
        } else {
            Cell::Float((with as f64 * 1000.0 / of_kind.len() as f64).round() / 10.0)
        };
        per_kind.push(vec![k.into(), of_kind.len().into(), with.into(), pct]);
    }
    (per_metric, per_kind)
}
