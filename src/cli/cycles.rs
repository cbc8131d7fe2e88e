//! `aikg cycles`: the loops that money runs in through supply and investment: a customer pays
//! its supplier, an investor pays into what it invests in; a loop of both is a circular deal (a
//! supplier that funds its customer, or rents back what it sold). Shortest first, each step with
//! its dated amount and sources. Tiers stay defined on such loops: a node's tier is its shortest
//! distance from the start, so a loop never makes a node its own supplier's tier.

use super::{Ctx, Result};
use crate::analysis::change::cycles;
use crate::model::Value;
use crate::table::{Cell, Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Loops of at most this many steps
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(2..=8))]
    max_len: u32,
    /// At most this many loops
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    top: u32,
}

/// Edge properties that carry an amount of money, in billions of US dollars.
const AMOUNTS: &[&str] = &["amount_usd_b", "contract_usd_b"];

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let g = &ctx.graph;
    let mut t =
        Table::new(&["loop", "step", "payer", "pays", "payee", "edge", "amount usd b", "date", "sources"]);
    for (i, steps) in cycles(g, args.max_len as usize, args.top as usize).into_iter().enumerate() {
        for (j, s) in steps.iter().enumerate() {
            let e = g.edge(s.edge);
            let m = e.more();
            let pays = if e.rel == "INVESTS_IN" { "invests in" } else { "pays for supply" };
            let amount = AMOUNTS.iter().find_map(|k| match m.props.get(*k) {
                Some(Value::Float(x)) => Some(Cell::Float(*x)),
                Some(Value::Int(x)) => Some(Cell::Int(*x)),
                _ => None,
            });
            t.push(vec![
                (i + 1).into(),
                (j + 1).into(),
                (&g.node(s.from).id.0).into(),
                pays.into(),
                (&g.node(s.to).id.0).into(),
                format!("{} {} {}", g.node(e.from).id, e.rel, g.node(e.to).id).into(),
                amount.unwrap_or(Cell::Null),
                m.since.as_ref().or(m.as_of.as_ref()).into(),
                Cell::List(e.sources.iter().map(|s| Cell::from(&s.0)).collect()),
            ]);
        }
    }
    ctx.emit(&Output::Table(t))
}
