//! `aikg upstream NODE`: supply tiers (and, in `tiers`, the walk `aikg downstream` shares). Tier 1 is a direct supplier (or
//! customer), tier 2 one step further, and so on; each node is listed once, at its lowest tier,
//! with the relation and the node through which it was reached.
//!
//! Time: upstream from an artifact (a chip, a model, a dataset) follows what was valid at its
//! release, all the way up; downstream never walks through an artifact released before the start
//! node supplied it, and lists it as spared.

use super::{Ctx, Result};
use crate::analysis::supply::{Flow, SupplyView};
use crate::analysis::time::{self, walk_day};
use crate::export::SparkQuery;
use crate::table::{Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The node: id, name, Chinese name, alias or ticker
    node: String,
    /// At most this many tiers [default: all]
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    depth: Option<u32>,
    /// Every edge counts, whatever its dates: no --as-of view and no release-date walk (with
    /// --as spark-sql, a script that does the same)
    #[arg(long)]
    timeless: bool,
    /// Print the query that answers this elsewhere instead of answering
    #[arg(long = "as", value_enum, value_name = "LANGUAGE")]
    as_: Option<super::support::spark::As>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    tiers(ctx, args, Flow::Upstream)
}

/// The tiers from a node either way: `upstream` and `downstream` both answer with it.
pub(super) fn tiers(ctx: &Ctx, args: Args, flow: Flow) -> Result<()> {
    let g = &ctx.graph;
    let start = ctx.node(&args.node)?;
    let depth = args.depth.map(|d| d as usize);
    if args.as_.is_some() {
        let start = g.node(start).id.0.clone();
        return super::support::spark::print(ctx, &SparkQuery::Tiers { start, flow, depth }, args.timeless);
    }
    let today = if args.timeless { None } else { ctx.day() };
    let (day, reached, spared) = match (flow, today) {
        (Flow::Upstream, Some(day)) => {
            let walked = walk_day(g, start, day);
            if walked < day {
                let released = g.node(start).start.as_deref().unwrap_or_default();
                super::note(&format!(
                    "note: {} was made once, released {released}: its upstream is the chain as it stood then\n",
                    g.node(start).id
                ));
            }
            let view = SupplyView::at(g, Some(walked));
            (Some(walked), view.tiers(g, start, flow, depth), Default::default())
        }
        (Flow::Downstream, Some(day)) => {
            let walk = time::downstream(g, start, day, depth, false);
            (Some(day), walk.reached, walk.spared)
        }
        (_, None) => (None, SupplyView::new(g).tiers(g, start, flow, depth), Default::default()),
    };
    let evidence = SupplyView::at(g, day).evidence(g, start, flow, &reached);
    let via = match flow {
        Flow::Upstream => "supplies",
        Flow::Downstream => "supplied by",
    };
    let mut header = vec!["tier", "id", "name", "kind", "layer", "rel", via, "evidence"];
    if flow == Flow::Downstream {
        header.push("time");
    }
    let mut t = Table::new(&header);
    let name = &g.node(start).name;
    for (r, ev) in reached.into_iter().zip(evidence) {
        let n = g.node(r.node);
        let mut row = vec![
            r.tier.into(),
            (&n.id.0).into(),
            (&n.name).into(),
            (&n.kind).into(),
            (&n.layer).into(),
            (&g.edge(r.via_edge).rel).into(),
            (&g.node(r.via_node).id.0).into(),
            super::show::evidence(ev).into(),
        ];
        if flow == Flow::Downstream {
            let released = n.start.as_deref().unwrap_or("?");
            let why = spared
                .get(&r.node)
                .map(|s| format!("spared: {}", super::impact::spared_why(*s, released, name)));
            row.push(why.into());
        }
        t.push(row);
    }
    ctx.emit(&Output::Table(t))
}
