//! `aikg map [--layer LAYER] [-o FILE]`: the market map of a layer, one tile per segment.

use std::path::PathBuf;

use super::diagram::{command_line, Lang};
use super::render::run_dot;
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
    let ext = args
        .output
        .as_ref()
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if args.dpi.is_some() && ext.as_deref() != Some("png") {
        return Err(CliError::bad_input("--dpi applies to PNG output only"));
    }
    let bytes = match ext.as_deref() {
        None if args.output.is_none() => map::to_markdown(&m, lang, &footer).into_bytes(),
        Some("md") => map::to_markdown(&m, lang, &footer).into_bytes(),
        Some("dot") => map::to_dot(g, &m, lang, &footer).into_bytes(),
        Some(format @ ("svg" | "png" | "pdf")) => {
            let extra: Vec<String> = args.dpi.map(|d| format!("-Gdpi={d}")).into_iter().collect();
            run_dot(&map::to_dot(g, &m, lang, &footer), format, &extra)?
        }
        _ => {
            return Err(CliError::bad_input(format!(
                "cannot tell the format of `{}`",
                args.output.as_deref().unwrap_or(std::path::Path::new("")).display()
            ))
            .with_help("name the output FILE.svg, FILE.png, FILE.pdf, FILE.dot or FILE.md"))
        }
    };
    super::write_output(args.output.as_deref(), &bytes)
}
