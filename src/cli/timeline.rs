//! `aikg timeline`: dated milestones in order: every node's start (an event, a release, a launch,
//! a founding, as its kind's `start_label` says) and end, and dated lineage edges (mergers,
//! renames, acquisitions).

use super::{Ctx, Result};
use crate::table::{Cell, Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only entries dated in or after this year
    #[arg(long, value_name = "YEAR")]
    from: Option<u16>,
    /// Only entries dated in or before this year
    #[arg(long, value_name = "YEAR")]
    to: Option<u16>,
}

/// Relations whose `since` (or `as_of`) dates a change in lineage.
const LINEAGE: &[&str] = &["MERGED_INTO", "SUCCEEDED_BY", "ACQUIRED"];

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let g = &ctx.graph;
    let mut rows: Vec<(String, &str, String, String, String)> = Vec::new();
    for n in &g.dataset.nodes {
        let kind = g.dataset.schema.kind(&n.kind);
        if let Some(date) = &n.start {
            let what = kind.and_then(|k| k.start_label.as_deref()).unwrap_or("start");
            rows.push((date.clone(), what, n.id.0.clone(), n.name.clone(), n.kind.to_string()));
        }
        if let Some(date) = &n.end {
            rows.push((date.clone(), "end", n.id.0.clone(), n.name.clone(), n.kind.to_string()));
        }
    }
    for e in &g.dataset.edges {
        if LINEAGE.contains(&e.rel.as_str()) {
            if let Some(date) = e.more().since.as_ref().or(e.more().as_of.as_ref()) {
                let (from, to) = (g.node(e.from), g.node(e.to));
                rows.push((
                    date.to_string(),
                    "lineage",
                    from.id.0.clone(),
                    format!("{} {} {}", from.name, e.rel, to.name),
                    to.id.0.clone(),
                ));
            }
        }
    }
    let year = |d: &str| d.get(..4).and_then(|y| y.parse::<u16>().ok()).unwrap_or(0);
    rows.retain(|r| args.from.is_none_or(|f| year(&r.0) >= f) && args.to.is_none_or(|t| year(&r.0) <= t));
    rows.sort();
    let mut t = Table::new(&["date", "what", "id", "name", "detail"]);
    for (date, what, id, name, detail) in rows {
        t.push(vec![date.into(), Cell::from(what), id.into(), name.into(), detail.into()]);
    }
    ctx.emit(&Output::Table(t))
}
