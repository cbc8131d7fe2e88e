//! `aikg cycles`: the loops that money runs in between parties (companies, organisations,
//! projects, people) through supply and investment: a customer pays its supplier, an investor
//! pays into what it invests in (or the round it joins, which pays into what raised it: the
//! relations marked `money = true`). A step is one edge or two through a node that is not a party
//! (a chip bought from its designer, a round joined); a loop of both supply and money is a circular
//! deal (a supplier that funds its customer), a loop of supply alone a rent-back. Shortest first,
//! each step with its dated amount and sources. Tiers stay defined on such loops: a node's tier is
//! its shortest distance from the start, so a loop never makes a node its own supplier's tier.

use super::{Ctx, Result};
use crate::analysis::change::cycles;
use crate::model::{EdgeIx, Value};
use crate::table::{Cell, Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Loops of at most this many steps between parties
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(2..=8))]
    max_len: u32,
    /// At most this many loops
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    top: u32,
}

/// Edge properties that carry an amount of money, and the US dollars in one unit of each.
const AMOUNTS: &[(&str, f64)] = &[("amount_usd", 1.0), ("contract_usd", 1.0)];

/// A number property as a float.
fn number(v: Option<&Value>) -> Option<f64> {
    match v {
        Some(Value::Float(x)) => Some(*x),
        Some(Value::Int(x)) => Some(*x as f64),
        _ => None,
    }
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let g = &ctx.graph;
    let mut t = Table::new(&[
        "loop",
        "step",
        "payer",
        "pays",
        "payee",
        "via",
        "edges",
        "routes",
        "amount usd",
        "date",
        "sources",
    ]);
    for (i, steps) in cycles(g, args.max_len as usize, args.top as usize).into_iter().enumerate() {
        for (j, s) in steps.iter().enumerate() {
            let first = g.edge(s.edges[0]);
            // A money relation reads as itself ("invests in", "funds"); a supply edge is paid for.
            let pays = if g.dataset.schema.is_money(&first.rel) {
                first.rel.to_lowercase().replace('_', " ")
            } else {
                "pays for supply".to_string()
            };
            // A round on the way holds the amount, counted once there, and its date.
            let round = s.via.filter(|&ix| g.node(ix).kind == "Round");
            let amount = s
                .edges
                .iter()
                .find_map(|&e| {
                    AMOUNTS
                        .iter()
                        .find_map(|(k, unit)| number(g.edge(e).more().props.get(*k)).map(|x| x * unit))
                })
                .or_else(|| round.and_then(|ix| number(g.node(ix).props.get("amount_usd"))));
            // The step holds once all its edges do: the latest of their dates.
            let date = s
                .edges
                .iter()
                .filter_map(|&e| {
                    g.edge(e)
                        .more()
                        .since
                        .as_deref()
                        .or(g.edge(e).more().as_of.as_deref())
                        .map(str::to_string)
                })
                .chain(round.and_then(|ix| g.node(ix).start.clone()))
                .max();
            let mut sources: Vec<Cell> = Vec::new();
            for &e in &s.edges {
                for src in g.edge(e).sources.iter() {
                    if !sources.iter().any(|c| matches!(c, Cell::Str(x) if *x == src.0)) {
                        sources.push(Cell::from(&src.0));
                    }
                }
            }
            t.push(vec![
                (i + 1).into(),
                (j + 1).into(),
                (&g.node(s.from).id.0).into(),
                pays.into(),
                (&g.node(s.to).id.0).into(),
                s.via.map_or(Cell::Null, |ix| (&g.node(ix).id.0).into()),
                Cell::List(s.edges.iter().map(|&e| edge_text(g, e).into()).collect()),
                s.routes.into(),
                amount.map_or(Cell::Null, Cell::Float),
                date.into(),
                Cell::List(sources),
            ]);
        }
    }
    ctx.emit(&Output::Table(t))
}

/// An edge as the data writes it: `from REL to`.
fn edge_text(g: &crate::graph::KnowledgeGraph, e: EdgeIx) -> String {
    let e = g.edge(e);
    format!("{} {} {}", g.node(e.from).id, e.rel, g.node(e.to).id)
}
