//! `aikg neighbors NODE`: the nodes within N hops, each with the edge that first reached it.

use super::{Ctx, Result};
use crate::graph::Dir;
use crate::table::{Output, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The node: id, name, Chinese name, alias or ticker
    node: String,
    /// How many hops to go
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=50))]
    depth: u32,
    /// Follow outgoing edges, incoming edges, or both
    #[arg(long, value_enum, default_value_t = Dir::Both)]
    direction: Dir,
    /// Follow only these relations (comma-separated)
    #[arg(long, value_name = "REL")]
    rel: Vec<String>,
}

/// The graph's one direction type on the command line (`out`, `in`, `both`).
impl clap::ValueEnum for Dir {
    fn value_variants<'a>() -> &'a [Self] {
        &Dir::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let g = &ctx.graph;
    let start = ctx.node(&args.node)?;
    let rels = ctx.relations(&args.rel)?;
    let dir = args.direction;
    let reached =
        g.neighbors(start, args.depth as usize, dir, &|rel| rels.is_empty() || rels.iter().any(|r| r == rel));
    let mut t = Table::new(&["depth", "from", "edge", "id", "name", "kind", "layer"]);
    for r in reached {
        let n = g.node(r.node);
        let (via, from) = match r.via {
            Some((e, prev)) => {
                let edge = g.edge(e);
                // Read the row as `from edge id`: the arrow keeps the edge's own direction.
                let arrow =
                    if edge.to == r.node { format!("-{}->", edge.rel) } else { format!("<-{}-", edge.rel) };
                (arrow.into(), (&g.node(prev).id.0).into())
            }
            None => (crate::table::Cell::Null, crate::table::Cell::Null),
        };
        t.push(vec![
            r.depth.into(),
            from,
            via,
            (&n.id.0).into(),
            (&n.name).into(),
            (&n.kind).into(),
            (&n.layer).into(),
        ]);
    }
    ctx.emit(&Output::Table(t))
}
