//! `aikg export --to FORMAT [selection] [-o PATH]`: the dataset, or a diagram of part of it, in
//! another format.

use std::path::PathBuf;

use super::support::diagram::{text, DrawArgs, SelectArgs, Syntax};
use super::{write_files, write_output, CliError, Ctx, Result};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The format to write
    #[arg(long, value_enum)]
    to: To,
    /// Write to this file (atomically) instead of standard output; for csv and parquet, the
    /// folder to write nodes, edges and sources into
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,
    /// The database a --to cypher script is for [default: neo4j]
    #[arg(long, value_enum)]
    dialect: Option<Dialect>,
    #[command(flatten)]
    select: SelectArgs,
    #[command(flatten)]
    draw: DrawArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Dialect {
    /// Neo4j 5: a uniqueness constraint on id per label, then CREATE statements
    Neo4j,
    /// Memgraph: an index on id per label, then CREATE statements
    Memgraph,
    /// Kùzu and LadybugDB: a typed node table per kind and rel table per relation, then CREATE
    /// statements
    Kuzu,
    /// FalkorDB: an index on id per label, then CREATE statements, one statement per line
    Falkordb,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum To {
    /// Lossless JSON of the whole dataset: layers, kinds, relations, sources, nodes, edges
    Json,
    /// Neo4j admin-import CSV of the whole dataset: nodes.csv, edges.csv, sources.csv (needs -o DIR)
    Csv,
    /// Parquet of the whole dataset, the CSV's tables typed: nodes.parquet, edges.parquet,
    /// sources.parquet (needs -o DIR); what the Spark SQL of `--as spark-sql` reads
    Parquet,
    /// GraphML of the whole dataset, for Gephi and yEd
    Graphml,
    /// A Cypher script that recreates the whole dataset in Neo4j, Memgraph, FalkorDB, Kùzu or LadybugDB (see --dialect)
    Cypher,
    /// Graphviz DOT of the selection
    Dot,
    /// A Mermaid flowchart of the selection
    Mermaid,
}

impl Args {
    /// Whether the format reads back as the same dataset (so it carries observations, not the
    /// metric values standing on a day).
    pub fn round_trip(&self) -> bool {
        matches!(self.to, To::Json | To::Csv | To::Parquet)
    }
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let whole_only = |name: &str| {
        CliError::bad_input(format!(
            "--to {name} exports the whole dataset; selection flags apply to dot and mermaid"
        ))
    };
    if args.dialect.is_some() && args.to != To::Cypher {
        return Err(CliError::bad_input("--dialect applies to --to cypher only"));
    }
    let d = &ctx.graph.dataset;
    let text = match args.to {
        To::Json if args.select.is_whole() => crate::export::to_json(d),
        To::Graphml if args.select.is_whole() => crate::export::to_graphml(d),
        To::Cypher if args.select.is_whole() => {
            let dialect = match args.dialect.unwrap_or(Dialect::Neo4j) {
                Dialect::Neo4j => crate::export::Dialect::Neo4j,
                Dialect::Memgraph => crate::export::Dialect::Memgraph,
                Dialect::Kuzu => crate::export::Dialect::Kuzu,
                Dialect::Falkordb => crate::export::Dialect::FalkorDB,
            };
            crate::export::to_cypher(d, dialect)
        }
        To::Csv if args.select.is_whole() => {
            let Some(dir) = &args.output else {
                return Err(CliError::bad_input("--to csv writes three files: name a folder with -o DIR"));
            };
            let files = crate::export::to_csv(d).map_err(|e| {
                CliError::bad_input(e).with_help("remove the `;` from the item, or export with --to json")
            })?;
            std::fs::create_dir_all(dir)
                .map_err(|e| CliError::failure(format!("cannot create `{}`: {e}", dir.display())))?;
            return write_files(dir, &files);
        }
        To::Parquet if args.select.is_whole() => {
            let Some(dir) = &args.output else {
                return Err(CliError::bad_input(
                    "--to parquet writes three files: name a folder with -o DIR",
                ));
            };
            let files = crate::export::to_parquet(d).map_err(CliError::bad_input)?;
            std::fs::create_dir_all(dir)
                .map_err(|e| CliError::failure(format!("cannot create `{}`: {e}", dir.display())))?;
            return write_files(dir, &files);
        }
        To::Json => return Err(whole_only("json")),
        To::Parquet => return Err(whole_only("parquet")),
        To::Graphml => return Err(whole_only("graphml")),
        To::Csv => return Err(whole_only("csv")),
        To::Cypher => return Err(whole_only("cypher")),
        To::Dot => text(ctx, &args.select, &args.draw, Syntax::Dot)?,
        To::Mermaid => text(ctx, &args.select, &args.draw, Syntax::Mermaid)?,
    };
    write_output(args.output.as_deref(), text.as_bytes())
}
