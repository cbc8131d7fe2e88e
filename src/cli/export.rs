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
    /// Write to this file (atomically) instead of standard output; for csv, the folder to write
    /// nodes.csv, edges.csv and sources.csv into
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,
    #[command(flatten)]
    select: SelectArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum To {
    /// Lossless JSON of the whole dataset: layers, kinds, relations, sources, nodes, edges
    Json,
    /// Neo4j admin-import CSV of the whole dataset: nodes.csv, edges.csv, sources.csv (needs -o DIR)
    Csv,
    /// GraphML of the whole dataset, for Gephi and yEd
    Graphml,
    /// Graphviz DOT of the selection
    Dot,
    /// A Mermaid flowchart of the selection
    Mermaid,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let whole_only = |name: &str| {
        CliError::bad_input(format!(
            "--to {name} exports the whole dataset; selection flags apply to dot and mermaid"
        ))
    };
    let d = &ctx.graph.dataset;
    let text = match args.to {
        To::Json if args.select.is_whole() => crate::export::to_json(d),
        To::Graphml if args.select.is_whole() => crate::export::to_graphml(d),
        To::Csv if args.select.is_whole() => {
            let Some(dir) = &args.output else {
                return Err(CliError::bad_input("--to csv writes three files: name a folder with -o DIR"));
            };
            std::fs::create_dir_all(dir)
                .map_err(|e| CliError::failure(format!("cannot create `{}`: {e}", dir.display())))?;
            for (name, contents) in crate::export::to_csv(d) {
                write_output(Some(&dir.join(name)), contents.as_bytes())?;
            }
            return Ok(());
        }
        To::Json => return Err(whole_only("json")),
        To::Graphml => return Err(whole_only("graphml")),
        To::Csv => return Err(whole_only("csv")),
        To::Dot => text(ctx, &args.select, Syntax::Dot)?,
        To::Mermaid => text(ctx, &args.select, Syntax::Mermaid)?,
    };
    write_output(args.output.as_deref(), text.as_bytes())
}
