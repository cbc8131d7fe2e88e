//! `aikg cycles`: the loops that money runs in through supply and investment: a customer pays
//! its supplier, an investor pays into what it invests in (or the round it joins, which pays
//! into what raised it: the relations marked `money = true`); a loop of both is a circular deal (a
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

/// Edge properties that carry an amount of money, and the US dollars in one unit of each.
const AMOUNTS: &[(&str, f64)] = &[("amount_usd", 1.0), ("contract_usd_b", 1e9)];

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
    let mut t =
        Table::new(&["loop", "step", "payer", "pays", "payee", "edge", "amount usd", "date", "sources"]);
    for (i, steps) in cycles(g, args.max_len as usize, args.top as usize).into_iter().enumerate() {
        for (j, s) in steps.iter().enumerate() {
            let e = g.edge(s.edge);
            let m = e.more();
            // A money relation reads as itself ("invests in", "funds"); a supply edge is paid for.
            let pays = if g.dataset.schema.is_money(&e.rel) {
                e.rel.to_lowercase().replace('_', " ")
            } else {
                "pays for supply".to_string()
            };
            // The edge's own amount, else the round's it joins or comes from (counted once there).
            let round = [e.from, e.to].into_iter().find(|&ix| g.node(ix).kind == "Round");
            let amount = AMOUNTS
                .iter()
                .find_map(|(k, unit)| number(m.props.get(*k)).map(|x| x * unit))
                .or_else(|| round.and_then(|ix| number(g.node(ix).props.get("amount_usd"))));
            t.push(vec![
                (i + 1).into(),
                (j + 1).into(),
                (&g.node(s.from).id.0).into(),
                pays.into(),
                (&g.node(s.to).id.0).into(),
                format!("{} {} {}", g.node(e.from).id, e.rel, g.node(e.to).id).into(),
                amount.map_or(Cell::Null, Cell::Float),
                m.since
                    .as_ref()
                    .or(m.as_of.as_ref())
                    .or(round.and_then(|ix| g.node(ix).start.as_ref()))
                    .into(),
                Cell::List(e.sources.iter().map(|s| Cell::from(&s.0)).collect()),
            ]);
        }
    }
    ctx.emit(&Output::Table(t))
}
