//! `aikg sources [--weak]`: every source with its publisher, kind, tier and date, and what rests
//! on it: the nodes and edges citing it, and those citing it alone. `--weak` lists only the weak
//! sources, the load-bearing ones first: the review queue.

use super::{Ctx, Result};
use crate::analysis::evidence::citations;
use crate::model::Tier;
use crate::table::{Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only weak sources, the ones most facts rest on alone first
    #[arg(long)]
    weak: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let d = &ctx.graph.dataset;
    let mut rows: Vec<_> = citations(d)
        .into_iter()
        .filter_map(|(id, c)| d.source(id).map(|s| (s, c)))
        .filter(|(s, _)| !args.weak || s.tier == Tier::Weak)
        .collect();
    if args.weak {
        rows.sort_by(|(a, x), (b, y)| {
            (y.alone, y.nodes + y.edges).cmp(&(x.alone, x.nodes + x.edges)).then_with(|| a.id.cmp(&b.id))
        });
    }
    let mut t = Table::new(&[
        "source",
        "tier",
        "kind",
        "publisher",
        "date",
        "retrieved",
        "nodes",
        "edges",
        "alone",
        "url",
        "via",
    ]);
    for (s, c) in rows {
        t.push(vec![
            (&s.id.0).into(),
            s.tier.name().into(),
            (&s.kind).into(),
            s.publisher.as_ref().into(),
            s.date.as_ref().into(),
            s.retrieved.as_ref().into(),
            c.nodes.into(),
            c.edges.into(),
            c.alone.into(),
            (&s.url).into(),
            s.via.as_ref().into(),
        ]);
    }
    ctx.emit(&Output::Table(t))
}
