//! `aikg export --to FORMAT [-o PATH]`: the dataset in another format.

use std::path::PathBuf;

use super::{write_output, Ctx, Result};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The format to write
    #[arg(long, value_enum)]
    to: To,
    /// Write to this file (atomically) instead of standard output
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum To {
    /// Lossless JSON: layers, kinds, relations, sources, nodes, edges (endpoints by id)
    Json,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let text = match args.to {
        To::Json => crate::export::to_json(&ctx.graph.dataset),
    };
    write_output(args.output.as_deref(), text.as_bytes())
}
