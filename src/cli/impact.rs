//! `aikg impact NODE`: what depends on NODE through supply edges, tier by tier. Two verdicts per
//! dependant: `other route` (some supply route into it avoids NODE: NODE does not dominate it)
//! and `breaks` (the cascade model: it loses every supplier of one of its inputs, directly or
//! through what it depends on).

use super::{Ctx, Result};
use crate::analysis::impact;
use crate::analysis::supply::{Flow, SupplyView};
use crate::table::{Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The node that fails: id, name, Chinese name, alias or ticker
    node: String,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let g = &ctx.graph;
    let failed = ctx.node(&args.node)?;
    let view = SupplyView::new(g);
    let dependants = impact(g, &view, failed);
    let reached: Vec<_> = dependants.iter().map(|d| d.tiered.clone()).collect();
    let evidence = view.evidence(g, failed, Flow::Downstream, &reached);
    let mut t = Table::new(&[
        "tier",
        "id",
        "name",
        "kind",
        "layer",
        "rel",
        "supplied by",
        "other route",
        "breaks",
        "evidence",
    ]);
    for (d, ev) in dependants.into_iter().zip(evidence) {
        let n = g.node(d.tiered.node);
        t.push(vec![
            d.tiered.tier.into(),
            (&n.id.0).into(),
            (&n.name).into(),
            (&n.kind).into(),
            (&n.layer).into(),
            (&g.edge(d.tiered.via_edge).rel).into(),
            (&g.node(d.tiered.via_node).id.0).into(),
            match d.has_alternative {
                Some(true) => "yes",
                Some(false) => "no",
                None => "unknown (supply cycle)",
            }
            .into(),
            (if d.breaks { "yes" } else { "no" }).into(),
            super::show::evidence(ev).into(),
        ]);
    }
    ctx.emit(&Output::Table(t))
}
