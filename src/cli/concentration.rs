//! `aikg concentration`: Herfindahl-Hirschman index, top-1 and top-3 share per market, from the
//! share figures on edges. A market is one `share_of` at one `as_of`.

use super::{Ctx, Result};
use crate::analysis::concentration::{markets, DOMINANT_SHARE};
use crate::table::{round, Cell, Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only markets with a participant in these layers (comma-separated)
    #[arg(long, value_name = "LAYER")]
    layer: Vec<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let g = &ctx.graph;
    let layers = ctx.layers(&args.layer)?;
    let mut t = Table::new(&[
        "market",
        "as_of",
        "holders",
        "covered %",
        "hhi",
        "top 1",
        "top 1 %",
        "top 3 %",
        "dominant",
        "evidence",
        "shares",
    ]);
    for m in markets(g) {
        if !layers.is_empty() && !m.shares.iter().any(|s| layers.iter().any(|l| *l == g.node(s.0).layer)) {
            continue;
        }
        let shares: Vec<Cell> = m
            .shares
            .iter()
            .map(|(n, p, _)| Cell::from(format!("{} {}", g.node(*n).id, round(*p, 2))))
            .collect();
        // The weakest figure in the market bounds what its index rests on.
        let evidence = m.shares.iter().map(|s| g.dataset.edge_tier(g.edge(s.2))).min().flatten();
        t.push(vec![
            (&m.share_of).into(),
            m.as_of.as_ref().into(),
            m.shares.len().into(),
            Cell::Float(round(m.covered, 2)),
            Cell::Float(round(m.hhi, 1)),
            m.shares.first().map(|s| Cell::from(&g.node(s.0).id.0)).unwrap_or(Cell::Null),
            Cell::Float(round(m.top1, 2)),
            Cell::Float(round(m.top3, 2)),
            (if m.dominated() { format!("yes (> {DOMINANT_SHARE}%)") } else { "no".to_string() }).into(),
            super::show::evidence(evidence).into(),
            Cell::List(shares),
        ]);
    }
    ctx.emit(&Output::Table(t))
}
