//! `aikg import FILE.. -o DIR`: a JSON export, or Neo4j admin-import CSV files, into a dataset
//! folder that `--data DIR` opens. The folder gets the TOML files of `data/FORMAT.md` and a
//! binary cache, so that opening it does not parse the TOML again; a large import (more than
//! [`TOML_EDGES`] edges) gets the cache only, unless `--toml`.

use std::path::PathBuf;

use super::support::progress::Progress;
use super::{
    check_output_folder, load_error, note, read_texts, write_cache_only, write_dataset, CliError, Result,
};
use crate::diag::Texts;
use crate::load::{LoadError, Loaded};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// One JSON file as `export --to json` writes it, or CSV files as `export --to csv` writes
    /// them (a nodes, an edges and a sources file, told apart by their headers)
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The dataset folder to write; it must not exist or be empty, unless --force
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    /// The schema.toml that CSV files follow [default: the built-in schema]
    #[arg(long, value_name = "FILE")]
    schema: Option<PathBuf>,
    /// Replace the folder if it exists
    #[arg(long)]
    force: bool,
    /// Write the TOML files beside the cache even for more than 100,000 edges (by default a
    /// large import gets the binary cache only)
    #[arg(long, conflicts_with = "cache_only")]
    toml: bool,
    /// Write the binary cache only, not the TOML files, whatever the size
    #[arg(long)]
    cache_only: bool,
}

/// The most edges an import writes as TOML files by default: beyond, text that nobody edits by
/// hand would cost more to write than the rest of the import.
pub const TOML_EDGES: usize = 100_000;

pub fn run(args: Args) -> Result<()> {
    check_output_folder(&args.output, args.force)?;
    let mut progress = Progress::new(3);
    let is =
        |ext: &str| args.files.iter().all(|f| f.extension().is_some_and(|x| x.eq_ignore_ascii_case(ext)));
    progress.step("reading");
    let (texts, loaded) = if is("json") && args.files.len() == 1 {
        if args.schema.is_some() {
            return Err(CliError::bad_input(
                "--schema applies to CSV files; a JSON export carries its schema",
            ));
        }
        let texts = read_texts(&args.files)?;
        progress.step("checking");
        let loaded = crate::import::from_json(&texts);
        (texts, loaded)
    } else if is("csv") {
        let mut texts = match &args.schema {
            Some(path) => read_texts(std::slice::from_ref(path))?,
            None => builtin_schema(),
        };
        texts.files.extend(read_texts(&args.files)?.files);
        progress.step("checking");
        let loaded = crate::import::from_csv(&texts);
        (texts, loaded)
    } else {
        return Err(CliError::bad_input("import takes one .json file or .csv files")
            .with_help("`aikg export --to json` and `aikg export --to csv -o DIR` write them"));
    };
    let Loaded { mut dataset, warnings } = loaded.map_err(|e| match e {
        LoadError::MissingFile(what) => CliError::bad_input(format!("the imported files include no {what}"))
            .with_help("`aikg export --to csv -o DIR` writes nodes.csv, edges.csv and sources.csv"),
        other => load_error(other, &texts, None),
    })?;
    // The input text is only needed to show errors; free it before writing.
    drop(texts);
    progress.step("writing");
    let toml = args.toml || (!args.cache_only && dataset.edges.len() <= TOML_EDGES);
    if toml {
        write_dataset(&args.output, &mut dataset, args.force)?;
    } else {
        write_cache_only(&args.output, &mut dataset, args.force)?;
    }
    progress.done();
    let n = warnings.len();
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    note(&format!(
        "imported {}, {} and {} into {}{}\n",
        count(dataset.nodes.len(), "node"),
        count(dataset.edges.len(), "edge"),
        count(dataset.sources.len(), "source"),
        args.output.display(),
        match (n, toml) {
            (0, true) => String::new(),
            (0, false) => " (the binary cache only; --toml writes the TOML files too)".to_string(),
            (_, true) => {
                let s = if n == 1 { "" } else { "s" };
                format!(" ({n} warning{s}: see `aikg --data {} check`)", args.output.display())
            }
            (_, false) => {
                let s = if n == 1 { "" } else { "s" };
                let dir = args.output.display();
                format!(" (the binary cache only; {n} warning{s}: with --toml, `aikg --data {dir} check` lists them)")
            }
        }
    ));
    Ok(())
}

fn builtin_schema() -> Texts {
    let schema = crate::embedded::FILES.iter().find(|(p, _)| p.ends_with("/schema.toml"));
    Texts::of(schema.copied())
}
