//! `aikg gen --nodes N --edges M --seed S -o DIR`: a generated dataset folder in the shape of the
//! open dataset (the built-in one by default), for benchmarks and tests.

use std::path::PathBuf;

use super::support::progress::Progress;
use super::{check_output_folder, note, write_dataset, CliError, Ctx, Result};
use crate::gen::{generate, GenError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many nodes
    #[arg(long, value_name = "N")]
    nodes: usize,
    /// How many edges
    #[arg(long, value_name = "M")]
    edges: usize,
    /// The seed: the same seed gives the same dataset
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// The dataset folder to write; it must not exist or be empty, unless --force
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    /// Replace the folder if it exists
    #[arg(long)]
    force: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    check_output_folder(&args.output, args.force)?;
    let mut progress = Progress::new(2);
    progress.step("generating");
    let mut d = generate(&ctx.graph.dataset, args.nodes, args.edges, args.seed).map_err(|e| match e {
        GenError::EmptyTemplate => CliError::bad_input("the dataset has no edges to take a shape from"),
        GenError::TooLarge => CliError::bad_input(format!(
            "gen makes at most {} nodes and {} edges",
            crate::gen::MAX_NODES,
            crate::gen::MAX_EDGES
        )),
        GenError::TooFewNodes { classes } => CliError::bad_input(format!(
            "--nodes {} is fewer than the {classes} kinds of node the dataset has",
            args.nodes
        ))
        .with_help(&format!("ask for at least {classes} nodes")),
        GenError::TooManyEdges { placed } => CliError::bad_input(format!(
            "{} nodes cannot hold {} distinct edges; {placed} fitted",
            args.nodes, args.edges
        ))
        .with_help("ask for more nodes or fewer edges"),
    })?;
    progress.step("writing");
    write_dataset(&args.output, &mut d, args.force)?;
    progress.done();
    note(&format!(
        "generated {} nodes and {} edges into {}\n",
        d.nodes.len(),
        d.edges.len(),
        args.output.display()
    ));
    Ok(())
}
