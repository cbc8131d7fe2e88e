//! `aikg rank`: centrality on the dependency graph (each customer -> each of its suppliers, over
//! supply relations, parallel arcs merged). Degree counts every edge of the node.

use super::{Ctx, Result};
use crate::analysis::centrality::{betweenness, betweenness_scale, dependency_arcs, pagerank, PageRank};
use crate::table::{Cell, Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The measure to rank by
    #[arg(long, value_enum, default_value_t = By::Pagerank)]
    by: By,
    /// At most this many rows
    #[arg(long, value_name = "N", default_value_t = 20)]
    top: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum By {
    /// Edges at the node, any relation, both directions
    Degree,
    /// PageRank, damping 0.85, dangling rank spread uniformly, L1 tolerance 1e-12
    Pagerank,
    /// Brandes betweenness on the dependency graph, raw and normalised by (n-1)(n-2)
    Betweenness,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let g = &ctx.graph;
    let n = g.node_count();
    let (columns, scores): (&[&str], Vec<Vec<Cell>>) = match args.by {
        By::Degree => {
            let s = (0..n).map(|v| vec![Cell::from(g.degree(v))]).collect();
            (&["degree"], s)
        }
        By::Pagerank => {
            let arcs = dependency_arcs(g);
            let (pr, _) = pagerank(&arcs, PageRank::default());
            (&["pagerank"], pr.into_iter().map(|x| vec![Cell::Float(x)]).collect())
        }
        By::Betweenness => {
            let arcs = dependency_arcs(g);
            let scale = betweenness_scale(n);
            let bc = betweenness(&arcs);
            let s = bc.into_iter().map(|x| vec![Cell::Float(x), Cell::Float(x / scale)]).collect();
            (&["betweenness", "normalised"], s)
        }
    };
    let mut order: Vec<usize> = (0..n).collect();
    let key = |v: usize| match &scores[v][0] {
        Cell::Int(i) => *i as f64,
        Cell::Float(f) => *f,
        _ => 0.0,
    };
    order.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then_with(|| g.node(a).id.cmp(&g.node(b).id)));
    let mut cols = vec!["rank", "id", "name", "kind", "layer"];
    cols.extend_from_slice(columns);
    let mut t = Table::new(&cols);
    for (i, v) in order.into_iter().take(args.top).enumerate() {
        let node = g.node(v);
        let mut row = vec![
            (i + 1).into(),
            (&node.id.0).into(),
            (&node.name).into(),
            (&node.kind).into(),
            (&node.layer).into(),
        ];
        row.extend(scores[v].iter().cloned());
        t.push(row);
    }
    ctx.emit(&Output::Table(t))
}
