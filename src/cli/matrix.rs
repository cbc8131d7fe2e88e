//! `aikg matrix QUERY [-o FILE]`: a grid from a query returning pairs.

use std::path::PathBuf;

use super::render::picture_or_markdown;
use super::support::diagram::command_line;
use super::{CliError, Ctx, Result};
use crate::diagram::{dot, matrix};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A read-only Cypher query returning (row, column) or (row, column, value), e.g.
    /// `MATCH (p:Project)-[:OFFERS]->(c:Chip) RETURN p, c`
    #[arg(value_name = "CYPHER")]
    query: String,
    /// Write the grid to FILE: .svg, .png or .pdf (through Graphviz `dot`), .dot, or .md;
    /// without it, Markdown on standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The title over the picture [default: the query]
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
    /// Resolution of a PNG, in dots per inch
    #[arg(long, value_name = "DPI", value_parser = clap::value_parser!(u32).range(24..=1200))]
    dpi: Option<u32>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let g = &ctx.graph;
    let (columns, rows) = crate::query::run_values(g, &args.query, &Default::default(), None)
        .map_err(|e| CliError::bad_input_text(crate::diag::render(&e.diagnostic(), "query", &args.query)))?;
    let m = matrix::from_rows(g, &columns, &rows).map_err(|e| {
        CliError::bad_input(e).with_help(
            "return two columns, e.g. `RETURN p, c`, or three with a value: `RETURN p, c, r.share_pct`",
        )
    })?;
    let nodes = {
        let (nodes, edges) = crate::query::mentioned(&rows);
        let mut all: Vec<_> = nodes.into_iter().collect();
        all.extend(edges.iter().flat_map(|&e| [g.edge(e).from, g.edge(e).to]));
        all
    };
    let footer = dot::footer_text(g, nodes, Some(command_line()));
    let title = args.title.clone().unwrap_or_else(|| {
        format!("aikg: {} × {} ({} × {})", columns[0], columns[1], m.rows.len(), m.cols.len())
    });
    let bytes = picture_or_markdown(
        args.output.as_deref(),
        args.dpi,
        || matrix::to_markdown(&m, &footer),
        || matrix::to_dot(&m, &title, &footer),
    )?;
    super::write_output(args.output.as_deref(), &bytes)
}
