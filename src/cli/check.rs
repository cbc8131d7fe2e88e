//! `aikg check`: validate the data. Errors stop every command at load time; `check` also lists
//! warnings (lints) and, with `--claims`, the disputed claims the data records.

use super::{render_diags, CliError, Ctx, Result};
use crate::table::{Cell, Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Fail (exit 2) on warnings too
    #[arg(long)]
    strict: bool,
    /// List every disputed claim: who says what, against the recorded value
    #[arg(long)]
    claims: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let d = &ctx.graph.dataset;
    if args.claims {
        return ctx.emit(&Output::Table(claims(ctx)));
    }
    let mut t = Table::new(&["check", "count"]);
    for (k, v) in [
        ("files", ctx.texts.files.len()),
        ("nodes", d.nodes.len()),
        ("edges", d.edges.len()),
        ("sources", d.sources.len()),
        ("errors", 0),
        ("warnings", ctx.warnings.len()),
    ] {
        t.push(vec![k.into(), v.into()]);
    }
    if !ctx.warnings.is_empty() {
        let text = render_diags(&ctx.warnings, &ctx.texts);
        eprint!("{text}");
    }
    ctx.emit(&Output::Table(t))?;
    if args.strict && !ctx.warnings.is_empty() {
        return Err(CliError::bad_input(format!(
            "{} warning{} (--strict)",
            ctx.warnings.len(),
            if ctx.warnings.len() == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}

fn claims(ctx: &Ctx) -> Table {
    let g = &ctx.graph;
    let mut t = Table::new(&["subject", "property", "recorded", "claimed", "sources", "note"]);
    let src = |ids: &[crate::model::SourceId]| Cell::List(ids.iter().map(|s| Cell::from(&s.0)).collect());
    for n in &g.dataset.nodes {
        for c in &n.claims {
            t.push(vec![
                (&n.id.0).into(),
                (&c.prop).into(),
                n.props.get(&c.prop).map(Cell::from).unwrap_or(Cell::Null),
                (&c.value).into(),
                src(&c.sources),
                c.note.as_ref().into(),
            ]);
        }
    }
    for e in &g.dataset.edges {
        for c in &e.claims {
            let subject = format!("{} -{}-> {}", g.node(e.from).id, e.rel, g.node(e.to).id);
            let recorded = match c.prop.as_str() {
                "share_pct" => e.share_pct.into(),
                other => e.props.get(other).map(Cell::from).unwrap_or(Cell::Null),
            };
            t.push(vec![
                subject.into(),
                (&c.prop).into(),
                recorded,
                (&c.value).into(),
                src(&c.sources),
                c.note.as_ref().into(),
            ]);
        }
    }
    t
}
