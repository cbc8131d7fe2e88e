//! `aikg concentration`: Herfindahl-Hirschman index, top-1 and top-3 share per market, from the
//! share figures on edges. A market is one `share_of`; each dated point of it one `as_of`. By
//! default each market's latest point on the view's day; `--series MARKET` every point of one
//! market, oldest first, with how the index moved.

use super::{Ctx, Result};
use crate::analysis::concentration::{latest, markets, Market, DOMINANT_SHARE};
use crate::table::{round, Cell, Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only markets with a participant in these layers (comma-separated)
    #[arg(long, value_name = "LAYER")]
    layer: Vec<String>,
    /// Every dated point of one market (its `share_of`, as `aikg concentration` lists it)
    #[arg(long, value_name = "MARKET")]
    series: Option<String>,
    /// Every share figure counts, whatever its dates and its edge's (with --as spark-sql too)
    #[arg(long)]
    timeless: bool,
    /// Print the query that answers this elsewhere instead of answering (each market's latest
    /// point; no --layer or --series)
    #[arg(long = "as", value_enum, value_name = "LANGUAGE")]
    as_: Option<super::support::spark::As>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let g = &ctx.graph;
    let layers = ctx.layers(&args.layer)?;
    if args.as_.is_some() {
        if !layers.is_empty() || args.series.is_some() {
            return Err(super::CliError::bad_input("--as spark-sql takes neither --layer nor --series"));
        }
        return super::support::spark::print(ctx, &crate::export::SparkQuery::Concentration, args.timeless);
    }
    let all = markets(g, if args.timeless { None } else { ctx.day() });
    let mut chosen: Vec<Market> = match &args.series {
        None => latest(all),
        Some(name) => {
            let known: Vec<&str> = all.iter().map(|m| m.share_of.as_str()).collect();
            let wanted = known.iter().find(|k| k.eq_ignore_ascii_case(name)).map(|k| k.to_string());
            let Some(wanted) = wanted else {
                let mut names = known.clone();
                names.sort_unstable();
                names.dedup();
                return Err(ctx.unknown_value("market", name, &names));
            };
            let mut points: Vec<Market> = all.into_iter().filter(|m| m.share_of == wanted).collect();
            points.sort_by(|a, b| a.as_of.cmp(&b.as_of));
            points
        }
    };
    chosen.retain(|m| {
        layers.is_empty() || m.shares.iter().any(|s| layers.iter().any(|l| *l == g.node(s.0).layer))
    });
    let mut header = vec!["market", "as_of", "holders", "covered %", "hhi"];
    if args.series.is_some() {
        header.push("hhi change");
    }
    header.extend(["top 1", "top 1 %", "top 3 %", "dominant", "evidence", "shares"]);
    let mut t = Table::new(&header);
    let mut previous: Option<f64> = None;
    for m in chosen {
        let shares: Vec<Cell> = m
            .shares
            .iter()
            .map(|(n, p, _)| Cell::from(format!("{} {}", g.node(*n).id, round(*p, 2))))
            .collect();
        // The weakest figure in the market bounds what its index rests on.
        let evidence = m.shares.iter().map(|s| g.dataset.edge_tier(g.edge(s.2))).min().flatten();
        let mut row = vec![
            (&m.share_of).into(),
            m.as_of.as_ref().into(),
            m.shares.len().into(),
            Cell::Float(round(m.covered, 2)),
            Cell::Float(round(m.hhi, 1)),
        ];
        if args.series.is_some() {
            row.push(previous.map_or(Cell::Null, |p| Cell::Float(round(m.hhi - p, 1))));
            previous = Some(m.hhi);
        }
        row.extend([
            m.shares.first().map(|s| Cell::from(&g.node(s.0).id.0)).unwrap_or(Cell::Null),
            Cell::Float(round(m.top1, 2)),
            Cell::Float(round(m.top3, 2)),
            (if m.dominated() { format!("yes (> {DOMINANT_SHARE}%)") } else { "no".to_string() }).into(),
            super::show::evidence(evidence).into(),
            Cell::List(shares),
        ]);
        t.push(row);
    }
    ctx.emit(&Output::Table(t))
}
