//! `aikg path FROM TO`: the shortest path (or all shortest paths) between two nodes, over edges
//! in either direction, one row per step.

use super::{split_list, Ctx, Result};
use crate::analysis::path::{shortest_paths, Constraints, ENUMERATION_CAP};
use crate::table::{Cell, Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Start node: id, name, Chinese name, alias or ticker
    from: String,
    /// End node
    to: String,
    /// Every shortest path, not just the first in sorted order
    #[arg(long)]
    all: bool,
    /// Paths of at most N edges
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_len: Option<u32>,
    /// Never pass through these nodes (comma-separated)
    #[arg(long, value_name = "NODE")]
    avoid: Vec<String>,
    /// Use only these relations (comma-separated)
    #[arg(long, value_name = "REL")]
    rel: Vec<String>,
    /// Pass only through nodes in these layers (comma-separated; the ends are exempt)
    #[arg(long, value_name = "LAYER")]
    layer: Vec<String>,
    /// Follow supply edges only, each step from a node to one of its suppliers: how FROM
    /// depends on TO
    #[arg(long)]
    upstream: bool,
    /// Print the query that answers this elsewhere instead of answering (the shortest path's
    /// length; no --all)
    #[arg(long = "as", value_enum, value_name = "LANGUAGE")]
    as_: Option<super::support::spark::As>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let g = &ctx.graph;
    let from = ctx.node(&args.from)?;
    let to = ctx.node(&args.to)?;
    let rels = ctx.relations(&args.rel)?;
    let layers = ctx.layers(&args.layer)?;
    let avoid = split_list(&args.avoid).iter().map(|a| ctx.node(a)).collect::<Result<_>>()?;
    let c = Constraints {
        rels: rels.into_iter().collect(),
        avoid,
        layers: layers.into_iter().collect(),
        max_len: args.max_len.map(|m| m as usize),
        upstream: args.upstream,
    };
    if args.as_.is_some() {
        if args.all {
            return Err(super::CliError::bad_input("--as spark-sql gives the shortest length: no --all"));
        }
        let id = |ix: &crate::model::NodeIx| g.node(*ix).id.0.clone();
        return super::support::spark::print(
            ctx,
            &crate::export::SparkQuery::Path {
                from: id(&from),
                to: id(&to),
                upstream: c.upstream,
                max_len: c.max_len,
                rels: c.rels.iter().cloned().collect(),
                avoid: c.avoid.iter().map(id).collect(),
                layers: c.layers.iter().cloned().collect(),
            },
            false,
        );
    }
    let limit = if args.all { ENUMERATION_CAP } else { 1 };
    let found = shortest_paths(g, from, to, &c, limit);
    let mut t = Table::new(&["path", "step", "from", "edge", "to", "to name", "evidence", "sources"]);
    for (i, path) in found.paths.iter().enumerate() {
        for (j, step) in path.iter().enumerate() {
            let e = g.edge(step.edge);
            let arrow = if step.forward { format!("-{}->", e.rel) } else { format!("<-{}-", e.rel) };
            t.push(vec![
                (i + 1).into(),
                (j + 1).into(),
                (&g.node(step.from).id.0).into(),
                arrow.into(),
                (&g.node(step.to).id.0).into(),
                (&g.node(step.to).name).into(),
                super::show::evidence(g.dataset.edge_tier(e)).into(),
                Cell::List(e.sources.iter().map(|s| Cell::from(&s.0)).collect()),
            ]);
        }
    }
    ctx.emit(&Output::Table(t))?;
    if found.paths.is_empty() {
        super::note(&format!(
            "note: no path from `{}` to `{}` under these constraints\n",
            g.node(from).id,
            g.node(to).id
        ));
    } else if found.truncated && args.all {
        super::note(&format!("note: stopped after {ENUMERATION_CAP} shortest paths\n"));
    } else if found.truncated {
        super::note("note: other shortest paths of the same length exist; --all lists them\n");
    }
    Ok(())
}
