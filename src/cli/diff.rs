//! `aikg diff FROM TO`: what changed in the chain between two dates: nodes and edges that
//! appeared or ended, shares that moved (both values, each with its date), and mergers, renames
//! and acquisitions dated in between. Each date is read as the last day of its period.

use super::{CliError, Ctx, Result};
use crate::analysis::change::{diff, Change};
use crate::model::{Day, EdgeIx, SourceId};
use crate::table::{Cell, Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The earlier date: YYYY, YYYY-MM or YYYY-MM-DD
    from: String,
    /// The later date
    to: String,
}

/// When an edge began to hold, as the data writes it: the latest of its own first day (its
/// `since` or `as_of`, else, between two services, its first report or first reading: the rule of
/// `analysis::time::begins`) and its two ends' starts.
fn began(g: &crate::graph::KnowledgeGraph, e: EdgeIx) -> Option<String> {
    let edge = g.edge(e);
    let m = edge.more();
    let own = m.since.as_deref().or(m.as_of.as_deref()).or_else(|| {
        let day = crate::analysis::time::begins(&g.dataset, edge)?;
        let texts = edge.sources.iter().filter_map(|s| g.dataset.source(s));
        texts
            .flat_map(|s| [s.date.as_deref(), s.retrieved.as_deref()])
            .flatten()
            .find(|t| Day::first(t) == Some(day))
    });
    let starts = [g.node(edge.from), g.node(edge.to)].into_iter().filter_map(|n| n.start.as_deref());
    starts.chain(own).max_by_key(|s| Day::first(s)).map(str::to_string)
}

/// One change as printed: date, change, subject, detail, sources.
type Row<'a> = (Option<String>, &'a str, String, Option<String>, Vec<SourceId>);

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let g = &ctx.graph;
    let day = |s: &str| {
        Day::last(s).ok_or_else(|| {
            CliError::bad_input(format!("`{s}` is not a date")).with_help("write YYYY, YYYY-MM or YYYY-MM-DD")
        })
    };
    let (from, to) = (day(&args.from)?, day(&args.to)?);
    if from >= to {
        return Err(CliError::bad_input(format!("`{}` is not before `{}`", args.from, args.to))
            .with_help("give the earlier date first"));
    }
    let edge_text = |e: EdgeIx| {
        let edge = g.edge(e);
        format!("{} {} {}", g.node(edge.from).id, edge.rel, g.node(edge.to).id)
    };
    let share = |e: Option<EdgeIx>| {
        e.map_or("none".to_string(), |e| {
            let edge = g.edge(e);
            let at = edge.more().as_of.as_deref().unwrap_or("undated");
            format!("{}% ({at})", edge.share_pct.unwrap_or_default())
        })
    };
    let mut rows: Vec<Row> = Vec::new();
    for c in diff(g, from, to) {
        rows.push(match c {
            Change::NodeAppeared(n) | Change::NodeEnded(n) => {
                let node = g.node(n);
                let (date, what) = match c {
                    Change::NodeAppeared(_) => (node.start.clone(), "node appeared"),
                    _ => (node.end.clone(), "node ended"),
                };
                (date, what, node.id.0.clone(), Some(node.name.clone()), node.sources.to_vec())
            }
            Change::EdgeAppeared(e) => {
                let (edge, m) = (g.edge(e), g.edge(e).more());
                (began(g, e), "edge appeared", edge_text(e), m.note.clone(), edge.sources.to_vec())
            }
            Change::EdgeEnded(e) => {
                let (edge, m) = (g.edge(e), g.edge(e).more());
                // Its own `until`, else the end of the first of its ends to go.
                let ends = [g.node(edge.from), g.node(edge.to)].into_iter().filter_map(|n| n.end.clone());
                let date =
                    m.until.as_deref().map(str::to_string).or_else(|| ends.min_by_key(|s| Day::last(s)));
                (date, "edge ended", edge_text(e), m.note.clone(), edge.sources.to_vec())
            }
            Change::ShareMoved { holder, market, before, after } => {
                let date = after.and_then(|e| g.edge(e).more().as_of.as_deref().map(str::to_string));
                let sources =
                    [before, after].into_iter().flatten().flat_map(|e| g.edge(e).sources.to_vec()).collect();
                let subject = format!("{} in {market}", g.node(holder).id);
                (
                    date,
                    "share moved",
                    subject,
                    Some(format!("{} -> {}", share(before), share(after))),
                    sources,
                )
            }
            Change::Lineage(e) => {
                let (edge, m) = (g.edge(e), g.edge(e).more());
                let date = m.since.as_deref().or(m.as_of.as_deref()).map(str::to_string);
                (date, "lineage", edge_text(e), m.note.clone(), edge.sources.to_vec())
            }
        });
    }
    // Oldest first (undated last), then by kind of change and subject.
    rows.sort_by(|a, b| (a.0.is_none(), &a.0, a.1, &a.2).cmp(&(b.0.is_none(), &b.0, b.1, &b.2)));
    let mut t = Table::new(&["date", "change", "subject", "detail", "sources"]);
    for (date, change, subject, detail, sources) in rows {
        let sources = Cell::List(sources.iter().map(|s| Cell::from(&s.0)).collect());
        t.push(vec![date.into(), change.into(), subject.into(), detail.into(), sources]);
    }
    ctx.emit(&Output::Table(t))
}
