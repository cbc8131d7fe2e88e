//! `aikg chokepoints`: single points of failure in the supply graph, ranked, each with the
//! reason it is listed.

use super::{Ctx, Result};
use crate::analysis::chokepoints::chokepoints;
use crate::analysis::supply::SupplyView;
use crate::analysis::time::made_by;
use crate::table::{round, Cell, Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only chokepoints in these layers (comma-separated)
    #[arg(long, value_name = "LAYER")]
    layer: Vec<String>,
    /// At most this many rows
    #[arg(long, value_name = "N")]
    top: Option<usize>,
}

/// How many dominated nodes to name in the explanation.
const NAMED: usize = 4;

fn count(n: usize) -> String {
    if n == 1 {
        "1 node".to_string()
    } else {
        format!("{n} nodes")
    }
}

/// The first few ids of a list, and how many more.
fn examples(ctx: &Ctx, nodes: &[usize]) -> String {
    let names: Vec<&str> = nodes.iter().take(NAMED).map(|d| ctx.graph.node(*d).id.0.as_str()).collect();
    match nodes.len().saturating_sub(NAMED) {
        0 => names.join(", "),
        more => format!("{} and {more} more", names.join(", ")),
    }
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let g = &ctx.graph;
    let layers = ctx.layers(&args.layer)?;
    let day = ctx.day();
    let view = SupplyView::at(g, day);
    let immune = day.map(|d| made_by(g, d)).unwrap_or_default();
    let mut t = Table::new(&[
        "rank",
        "id",
        "name",
        "layer",
        "breaks",
        "sole route to",
        "downstream",
        "cut vertex",
        "betweenness",
        "why",
    ]);
    let rows = chokepoints(g, &view, &immune)
        .into_iter()
        .filter(|c| layers.is_empty() || layers.iter().any(|l| *l == g.node(c.node).layer))
        .take(args.top.unwrap_or(usize::MAX));
    for (i, c) in rows.enumerate() {
        let n = g.node(c.node);
        let mut why = Vec::new();
        if !c.breaks.is_empty() {
            let verb = if c.breaks.len() == 1 {
                "loses every supplier of an input it needs"
            } else {
                "lose every supplier of an input they need"
            };
            why.push(format!("if it stops, {} {verb} ({})", count(c.breaks.len()), examples(ctx, &c.breaks)));
        }
        if !c.dominates.is_empty() {
            why.push(format!(
                "every supply route into {} passes through it ({})",
                count(c.dominates.len()),
                examples(ctx, &c.dominates)
            ));
        }
        if c.cut_vertex {
            why.push("removing it splits the supply graph".to_string());
        }
        t.push(vec![
            (i + 1).into(),
            (&n.id.0).into(),
            (&n.name).into(),
            (&n.layer).into(),
            c.breaks.len().into(),
            c.dominates.len().into(),
            c.downstream.into(),
            (if c.cut_vertex { "yes" } else { "no" }).into(),
            Cell::Float(round(c.betweenness, 6)),
            why.join("; ").into(),
        ]);
    }
    ctx.emit(&Output::Table(t))
}
