//! `aikg export --to FORMAT [selection] [-o PATH]`: the dataset, or a diagram of part of it, in
//! another format.

use std::path::PathBuf;

use super::diagram::{text, SelectArgs, Syntax};
use super::{write_output, CliError, Ctx, Result};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The format to write
    #[arg(long, value_enum)]
    to: To,
    /// Write to this file (atomically) instead of standard output
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,
    #[command(flatten)]
    select: SelectArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum To {
    /// Lossless JSON of the whole dataset: layers, kinds, relations, sources, nodes, edges
    Json,
    /// Graphviz DOT of the selection
    Dot,
    /// A Mermaid flowchart of the selection
    Mermaid,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let text = match args.to {
        To::Json if args.select.is_whole() => crate::export::to_json(&ctx.graph.dataset),
        To::Json => {
            return Err(CliError::bad_input(
                "--to json exports the whole dataset; selection flags apply to dot and mermaid",
            ))
        }
        To::Dot => text(ctx, &args.select, Syntax::Dot)?,
        To::Mermaid => text(ctx, &args.select, Syntax::Mermaid)?,
    };
    write_output(args.output.as_deref(), text.as_bytes())
}
