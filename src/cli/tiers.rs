//! `aikg upstream NODE` / `aikg downstream NODE`: supply tiers. Tier 1 is a direct supplier (or
//! customer), tier 2 one step further, and so on; each node is listed once, at its lowest tier,
//! with the relation and the node through which it was reached.

use super::{Ctx, Result};
use crate::analysis::supply::{Flow, SupplyView};
use crate::table::{Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The node: id, name, Chinese name, alias or ticker
    node: String,
    /// At most this many tiers [default: all]
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    depth: Option<u32>,
}

pub fn run(ctx: &Ctx, args: Args, flow: Flow) -> Result<()> {
    let g = &ctx.graph;
    let start = ctx.node(&args.node)?;
    let view = SupplyView::new(g);
    let reached = view.tiers(g, start, flow, args.depth.map(|d| d as usize));
    let via = match flow {
        Flow::Upstream => "supplies",
        Flow::Downstream => "supplied by",
    };
    let evidence = view.evidence(g, start, flow, &reached);
    let mut t = Table::new(&["tier", "id", "name", "kind", "layer", "rel", via, "evidence"]);
    for (r, ev) in reached.into_iter().zip(evidence) {
        let n = g.node(r.node);
        t.push(vec![
            r.tier.into(),
            (&n.id.0).into(),
            (&n.name).into(),
            (&n.kind).into(),
            (&n.layer).into(),
            (&g.edge(r.via_edge).rel).into(),
            (&g.node(r.via_node).id.0).into(),
            super::show::evidence(ev).into(),
        ]);
    }
    ctx.emit(&Output::Table(t))
}
