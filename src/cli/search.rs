//! `aikg search TEXT`: nodes whose id, name, Chinese name, alias or ticker resembles TEXT.

use super::{Ctx, Result};
use crate::table::{Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to look for
    text: String,
    /// At most this many hits
    #[arg(long, default_value_t = 20)]
    limit: usize,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let g = &ctx.graph;
    let mut t = Table::new(&["score", "id", "name", "name_zh", "kind", "layer", "matched"]);
    for hit in crate::search::search(g, &args.text).into_iter().take(args.limit) {
        let n = g.node(hit.node);
        t.push(vec![
            i64::from(hit.score).into(),
            (&n.id.0).into(),
            (&n.name).into(),
            n.name_zh.as_ref().into(),
            (&n.kind).into(),
            (&n.layer).into(),
            hit.matched.into(),
        ]);
    }
    ctx.emit(&Output::Table(t))
}
