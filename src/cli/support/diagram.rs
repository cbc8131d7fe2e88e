//! The selection flags shared by `export` and `render`, and turning them into diagram text.

use crate::cli::{CliError, Ctx, Result};
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
    /// One box per layer (and per segment of the edge and crypto layers) with node counts and the supply edges between boxes
    #[arg(long, conflicts_with_all = ["focus", "layer", "rel", "query"])]
    overview: bool,
}

/// How to draw: the options `export --to dot|mermaid` and `render` share.
#[derive(Debug, Clone, clap::Args)]
pub struct DrawArgs {
    /// Names on the diagram: English, Chinese, or both (Chinese on a second line)
    #[arg(long, value_enum, default_value_t = Lang::Both)]
    lang: Lang,
    /// Leave the legend out
    #[arg(long, conflicts_with = "compact_legend")]
    no_legend: bool,
    /// A two-line legend: layer colours and relation lines
    #[arg(long)]
    compact_legend: bool,
    /// Label every edge with its relation (by default only numbers: shares, amounts, stakes)
    #[arg(long)]
    edge_labels: bool,
    /// In a focus view along supply edges, also draw the edges that skip a tier or stay within one
    #[arg(long)]
    all_edges: bool,
    /// Collapse the least important nodes into "+N more" boxes beyond this many nodes; 0 draws
    /// every node in a box of its own (nodes alike do not share one either)
    #[arg(long, value_name = "N", default_value_t = diagram::MAX_NODES)]
    max_nodes: usize,
    /// colour, or print: white fills and black or grey lines, safe in greyscale
    #[arg(long, value_enum, default_value_t = Theme::Colour)]
    theme: Theme,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    En,
    Zh,
    Both,
}

impl From<Lang> for diagram::Lang {
    fn from(l: Lang) -> Self {
        match l {
            Lang::En => diagram::Lang::En,
            Lang::Zh => diagram::Lang::Zh,
            Lang::Both => diagram::Lang::Both,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Theme {
    Colour,
    Print,
}

impl DrawArgs {
    pub fn options(&self) -> diagram::Options {
        diagram::Options {
            lang: self.lang.into(),
            legend: if self.no_legend {
                diagram::Legend::None
            } else if self.compact_legend {
                diagram::Legend::Compact
            } else {
                diagram::Legend::Full
            },
            edge_labels: self.edge_labels,
            all_edges: self.all_edges,
            max_nodes: self.max_nodes,
            theme: match self.theme {
                Theme::Colour => diagram::Theme::Colour,
                Theme::Print => diagram::Theme::Print,
            },
            command: Some(command_line()),
        }
    }
}

/// The command as typed, for a diagram's footer: `aikg` and the arguments, each quoted when it
/// holds anything but letters, digits and `-_.,/:=@`. Where the picture is written (`-o FILE`)
/// and `--layout-report` are left out: the same picture has the same footer wherever it goes.
pub fn command_line() -> String {
    let mut parts = vec!["aikg".to_string()];
    let mut args = std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned());
    while let Some(a) = args.next() {
        if a == "-o" || a == "--output" {
            args.next();
            continue;
        }
        if a.starts_with("--output=") || (a.starts_with("-o") && a.len() > 2) || a == "--layout-report" {
            continue;
        }
        let plain = !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || "-_.,/:=@".contains(c));
        parts.push(if plain { a } else { format!("'{}'", a.replace('\'', "'\\''")) });
    }
    parts.join(" ")
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
pub fn text(ctx: &Ctx, args: &SelectArgs, draw: &DrawArgs, syntax: Syntax) -> Result<String> {
    let opts = draw.options();
    let g = &ctx.graph;
    if args.overview {
        let o = diagram::overview(g);
        return Ok(match syntax {
            Syntax::Dot => diagram::dot::overview(g, &o, &opts),
            Syntax::Mermaid => diagram::mermaid::overview(g, &o, &opts),
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
        Syntax::Dot => diagram::dot::subgraph(g, &sub, &opts),
        Syntax::Mermaid => diagram::mermaid::subgraph(g, &sub, &opts),
    })
}
