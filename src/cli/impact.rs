//! `aikg impact NODE`: what depends on NODE through supply edges, tier by tier, and what
//! happens to each dependant if NODE stops: it breaks (it loses every supplier of an input it
//! needs, directly or through what it depends on), keeps supply, or is spared by time (an
//! artifact released before NODE supplied it, or a model already trained). Each verdict says why.

use super::{Ctx, Result};
use crate::analysis::supply::{Flow, SupplyView};
use crate::analysis::time::Spared;
use crate::analysis::{impact, Kept, Verdict};
use crate::table::{Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The node that fails: id, name, Chinese name, alias or ticker
    node: String,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let g = &ctx.graph;
    let failed = ctx.node(&args.node)?;
    let day = ctx.day();
    let dependants = impact(g, failed, day);
    let reached: Vec<_> = dependants.iter().map(|d| d.tiered.clone()).collect();
    let evidence = SupplyView::at(g, day).evidence(g, failed, Flow::Downstream, &reached);
    let name = &g.node(failed).name;
    let mut t = Table::new(&[
        "tier",
        "id",
        "name",
        "kind",
        "layer",
        "rel",
        "supplied by",
        "verdict",
        "why",
        "evidence",
    ]);
    for (d, ev) in dependants.into_iter().zip(evidence) {
        let n = g.node(d.tiered.node);
        let (verdict, why) = match &d.verdict {
            Verdict::Breaks((rel, layer)) => {
                ("breaks", format!("loses every {rel} supplier from the {layer} layer"))
            }
            Verdict::Keeps(Kept::Alternative) => {
                ("keeps supply", "another supplier remains for each input it needs".to_string())
            }
            Verdict::Keeps(Kept::SupplierKeeps) => {
                ("keeps supply", format!("its supplier here, {}, keeps supply", g.node(d.tiered.via_node).id))
            }
            Verdict::Keeps(Kept::NotRequired) => {
                let rel = &g.edge(d.tiered.via_edge).rel;
                (
                    "keeps supply",
                    format!("what it takes from here ({rel}) is not a required input in the model"),
                )
            }
            Verdict::Spared(s) => ("spared", spared_why(*s, n.start.as_deref().unwrap_or("?"), name)),
        };
        let why = if d.sole_route {
            format!("{why}; every supply route into it passes through {name}")
        } else {
            why
        };
        t.push(vec![
            d.tiered.tier.into(),
            (&n.id.0).into(),
            (&n.name).into(),
            (&n.kind).into(),
            (&n.layer).into(),
            (&g.edge(d.tiered.via_edge).rel).into(),
            (&g.node(d.tiered.via_node).id.0).into(),
            verdict.into(),
            why.into(),
            super::show::evidence(ev).into(),
        ]);
    }
    ctx.emit(&Output::Table(t))
}

/// Why time spares a node released on `released` (as the data writes it), in words.
pub fn spared_why(s: Spared, released: &str, supplier: &str) -> String {
    match s {
        Spared::BeforeItExisted { .. } => format!("released {released}, before {supplier} existed"),
        Spared::NotInItsChain { .. } => {
            format!("released {released}; the data has no supply route from {supplier} to it as of then")
        }
        Spared::AlreadyMade { .. } => format!("already made ({released}): a stop now does not undo it"),
    }
}
