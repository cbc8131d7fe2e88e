//! `aikg check`: validate the data. Errors stop every command at load time; `check` also lists
//! warnings (lints) and, with `--claims`, the disputed claims the data records.

use super::{render_diags, CliError, Ctx, Result};
use crate::table::{Output, Table};

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
        return ctx.emit(&Output::Table(super::support::claims::table(&ctx.graph, None)));
    }
    let mut t = Table::new(&["check", "count"]);
    for (k, v) in [
        ("files", ctx.texts.files.len()),
        ("nodes", d.nodes.len()),
        ("edges", d.edges.len()),
        ("prices", d.prices.len()),
        ("observations", d.observations.len()),
        ("sources", d.sources.len()),
        ("errors", 0),
        ("warnings", ctx.warnings.len()),
    ] {
        t.push(vec![k.into(), v.into()]);
    }
    if !ctx.warnings.is_empty() {
        let text = render_diags(&ctx.warnings, &ctx.texts);
        super::note(&text);
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
