//! `aikg map [--layer LAYER] [-o FILE]`: the market map of a layer, one tile per segment.

use std::path::PathBuf;

use super::render::picture_or_markdown;
use super::support::diagram::{command_line, Lang};
use super::{CliError, Ctx, Result};
use crate::diagram::{dot, map};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The layer to map, one tile per segment
    #[arg(long, value_name = "LAYER", default_value = "crypto")]
    layer: String,
    /// Write the map to FILE: .svg, .png or .pdf (through Graphviz `dot`), .dot, or .md;
    /// without it, Markdown on standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Names on the map: English, Chinese, or both
    #[arg(long, value_enum, default_value_t = Lang::En)]
    lang: Lang,
    /// Resolution of a PNG, in dots per inch
    #[arg(long, value_name = "DPI", value_parser = clap::value_parser!(u32).range(24..=1200))]
    dpi: Option<u32>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let g = &ctx.graph;
    let layer = ctx.layers(std::slice::from_ref(&args.layer))?;
    let [layer] = layer.as_slice() else {
        return Err(CliError::bad_input("--layer takes one layer"));
    };
    let m = map::market_map(g, layer);
    let nodes = m.tiles.iter().flat_map(|t| t.entries.iter().map(|e| e.node)).collect();
    let footer = dot::footer_text(g, nodes, Some(command_line()));
    let lang = args.lang.into();
    let bytes = picture_or_markdown(
        args.output.as_deref(),
        args.dpi,
        || map::to_markdown(&m, lang, &footer),
        || map::to_dot(g, &m, lang, &footer),
    )?;
    super::write_output(args.output.as_deref(), &bytes)
}
