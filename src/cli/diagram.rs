//! The selection flags shared by `export` and `render`, and turning them into diagram text.

use super::{CliError, Ctx, Result};
use crate::diagram::{self, Focus, Reach, Selection};
use crate::graph::Dir;

#[derive(Debug, Clone, clap::Args)]
pub struct SelectArgs {
    /// Draw the neighbourhood of this node (id, name, Chinese name, alias or ticker)
    #[arg(long, value_name = "NODE")]
    focus: Option<String>,
    /// Tiers (or hops) around --focus
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=10))]
    depth: u32,
    /// How --focus grows: along supply edges (upstream, downstream or both: supply), or along any
    /// edge (out, in, both)
    #[arg(long, value_enum, default_value_t = Direction::Supply)]
    direction: Direction,
    /// Only nodes in these layers (comma-separated)
    #[arg(long, value_name = "LAYER")]
    layer: Vec<String>,
    /// Only these relations (comma-separated)
    #[arg(long, value_name = "REL")]
    rel: Vec<String>,
    /// Draw the nodes, relationships and paths a Cypher query returns
    #[arg(long, value_name = "CYPHER", conflicts_with = "focus")]
    query: Option<String>,
    /// One box per layer (and per crypto segment) with node counts and the supply edges between boxes
    #[arg(long, conflicts_with_all = ["focus", "layer", "rel", "query"])]
    overview: bool,
}

impl SelectArgs {
    /// No selection flag given.
    pub fn is_whole(&self) -> bool {
        self.focus.is_none()
            && self.layer.is_empty()
            && self.rel.is_empty()
            && !self.overview
            && self.query.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Direction {
    Upstream,
    Downstream,
    Supply,
    Out,
    In,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Dot,
    Mermaid,
}

/// The diagram text for the selection.
pub fn text(ctx: &Ctx, args: &SelectArgs, syntax: Syntax) -> Result<String> {
    let g = &ctx.graph;
    if args.overview {
        let o = diagram::overview(g);
        return Ok(match syntax {
            Syntax::Dot => diagram::dot::overview(g, &o),
            Syntax::Mermaid => diagram::mermaid::overview(g, &o),
        });
    }
    let layers = ctx.layers(&args.layer)?;
    let rels = ctx.relations(&args.rel)?;
    let focus = match &args.focus {
        Some(name) => {
            let reach = match args.direction {
                Direction::Upstream => Reach::Upstream,
                Direction::Downstream => Reach::Downstream,
                Direction::Supply => Reach::Supply,
                Direction::Out => Reach::Edges(Dir::Out),
                Direction::In => Reach::Edges(Dir::In),
                Direction::Both => Reach::Edges(Dir::Both),
            };
            Some(Focus { node: ctx.node(name)?, depth: args.depth as usize, reach })
        }
        None => None,
    };
    let query = match &args.query {
        Some(text) => {
            let (_, rows) = crate::query::run_values(g, text, &Default::default(), None).map_err(|e| {
                CliError::bad_input_text(crate::diag::render(&e.diagnostic(), "--query", text))
            })?;
            Some(crate::query::mentioned(&rows))
        }
        None => None,
    };
    let selection =
        Selection { query, focus, layers: layers.into_iter().collect(), rels: rels.into_iter().collect() };
    let sub = diagram::select(g, &selection);
    Ok(match syntax {
        Syntax::Dot => diagram::dot::subgraph(g, &sub),
        Syntax::Mermaid => diagram::mermaid::subgraph(g, &sub),
    })
}
