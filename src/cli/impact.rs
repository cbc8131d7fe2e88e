//! `aikg impact NODE`: what depends on NODE through supply edges, tier by tier, and what
//! happens to each dependant if NODE stops: it breaks (it loses every supplier of an input it
//! needs, directly or through what it depends on), keeps supply, or is spared by time (an
//! artifact released before NODE supplied it, or a model already trained). Each verdict says why.

use super::{Ctx, Result};
use crate::analysis::supply::{Flow, SupplyView};
use crate::analysis::time::Spared;
use crate::analysis::{impact, Basis, Kept, Verdict};
use crate::table::{Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The node that fails: id, name, Chinese name, alias or ticker
    node: String,
    /// The fraction of its output it loses, above 0 and at most 1 (a full stop, the default);
    /// only a full stop cascades
    #[arg(long, default_value_t = 1.0, value_parser = parse_cut)]
    cut: f64,
    /// Also list the dependants it does not touch: those reached only through suppliers that keep
    /// supply (by default they are counted in a note)
    #[arg(long)]
    all: bool,
    /// Every edge counts, whatever its dates: no --as-of view and nothing spared by time (with
    /// --as spark-sql, a script that does the same)
    #[arg(long)]
    timeless: bool,
    /// Print the query that answers this elsewhere instead of answering
    #[arg(long = "as", value_enum, value_name = "LANGUAGE")]
    as_: Option<super::support::spark::As>,
}

fn parse_cut(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x <= 1.0 => Ok(x),
        _ => Err(format!("`{s}` is not a fraction above 0 and at most 1 (0.5 is half its output)")),
    }
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let g = &ctx.graph;
    let failed = ctx.node(&args.node)?;
    if args.as_.is_some() {
        let failed = g.node(failed).id.0.clone();
        return super::support::spark::print(
            ctx,
            &crate::export::SparkQuery::Impact { failed, cut: args.cut },
            args.timeless,
        );
    }
    let day = if args.timeless { None } else { ctx.day() };
    let dependants = impact(g, failed, day, args.cut);
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
    let mut untouched = 0;
    for (d, ev) in dependants.into_iter().zip(evidence) {
        if !args.all && matches!(d.verdict, Verdict::Keeps(Kept::SupplierKeeps)) {
            untouched += 1;
            continue;
        }
        let n = g.node(d.tiered.node);
        let (verdict, why) = match &d.verdict {
            Verdict::Breaks(input) => {
                ("breaks", format!("loses every {} supplier {}", input.0, input_text(g, input)))
            }
            Verdict::Loses { share, input, basis } => {
                let pct = crate::table::round(share * 100.0, 1);
                (
                    "loses supply",
                    format!(
                        "loses {pct}% of its {} input {} ({})",
                        input.0,
                        input_text(g, input),
                        basis_text(g, basis, name)
                    ),
                )
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
    ctx.emit(&Output::Table(t))?;
    if untouched > 0 {
        let (s, are) = if untouched == 1 { ("", "is") } else { ("s", "are") };
        super::note(&format!(
            "note: {untouched} further dependant{s}, reached only through suppliers that keep supply, {are} not listed (--all lists them)\n"
        ));
    }
    Ok(())
}

/// Where a share of an input comes from, in words.
fn basis_text(g: &crate::graph::KnowledgeGraph, basis: &Basis, failed: &str) -> String {
    match basis {
        Basis::Sole => format!("{failed} is its only supplier of it in the data"),
        Basis::EdgeShare(e) => {
            let m = g.edge(*e).more();
            let of = m.share_of.as_deref().unwrap_or("the input");
            let pct = g.edge(*e).share_pct.unwrap_or_default();
            let at = m.as_of.as_deref().map(|a| format!(", {a}")).unwrap_or_default();
            format!("split by its suppliers' shares: {failed} has {pct}% of {of}{at}")
        }
        Basis::Equal(n) => format!("no shares known: an equal split among its {n} suppliers"),
        Basis::Cascade(n) => format!("from suppliers that break upstream, of {n} in all"),
    }
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

/// Where an input comes from, in words: a layer ("from the semiconductors layer"), or for a
/// technology, which is an input of its own, the technology ("of EUV lithography").
fn input_text(
    g: &crate::graph::KnowledgeGraph,
    (_, from): &(crate::model::Sym, crate::model::Sym),
) -> String {
    match g.dataset.schema.layer(from.as_str()) {
        Some(_) => format!("from the {from} layer"),
        None => format!("of {from} (a technology no other supplier replaces)"),
    }
}
