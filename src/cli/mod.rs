//! The command line: argument parsing, loading the dataset, writing results and errors. This is
//! the only module that touches files, standard output or standard error.

mod check;
mod chokepoints;
mod claims;
mod concentration;
mod cycles;
mod diagram;
mod diff;
mod export;
mod gen;
mod impact;
mod import;
mod list;
mod neighbors;
mod path;
mod progress;
mod query;
mod rank;
mod render;
mod schema;
mod search;
mod shell;
mod show;
mod sources;
mod spark;
mod stats;
mod tiers;
mod timeline;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::analysis::evidence::{LeftOut, Policy};
use crate::analysis::supply::Flow;
use crate::analysis::time;
use crate::diag::{did_you_mean, render as render_diag, Diagnostic, Texts};
use crate::graph::{KnowledgeGraph, ResolveError};
use crate::load::{load, LoadError, Loaded};
use crate::model::{Dataset, Day, NodeIx, Tier};
use crate::render::{render, Format, Style};
use crate::table::Output;

const AFTER_HELP: &str = "\
Nodes can be named by id, name, Chinese name, alias or ticker, in any case.
Output is a table on a terminal and tab-separated values when piped; --format changes it.
Exit codes: 0 success (an empty result too), 2 bad input, 1 any other failure.";

#[derive(Debug, Parser)]
#[command(
    name = "aikg",
    version,
    about = "A knowledge graph of the AI x crypto industry chain, from lithography to tokens",
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// Load the dataset from DIR (schema.toml, sources.toml, layer files) instead of the built-in one
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,

    /// Output format [default: table on a terminal, tsv when piped]
    #[arg(long, global = true, value_enum)]
    format: Option<Format>,

    /// When to use colour in tables
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,

    /// Analytics rest only on edges with a source of this tier or better
    #[arg(long, global = true, value_enum, default_value_t = MinTier::Weak, value_name = "TIER")]
    min_tier: MinTier,

    /// Analytics also use edges marked unverified (no citable source found)
    #[arg(long, global = true)]
    include_unverified: bool,

    /// The graph as it stood on DATE (YYYY, YYYY-MM or YYYY-MM-DD, read as the period's last day)
    #[arg(long, global = true, value_name = "DATE")]
    as_of: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The tiers of evidence, strongest first (see `aikg sources`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MinTier {
    /// Filings, company releases and documentation, papers, research firms
    Primary,
    /// Established news and analysis, or better
    Secondary,
    /// Any citable source (every edge not marked unverified)
    Weak,
}

impl From<MinTier> for Tier {
    fn from(t: MinTier) -> Tier {
        match t {
            MinTier::Primary => Tier::Primary,
            MinTier::Secondary => Tier::Secondary,
            MinTier::Weak => Tier::Weak,
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Counts per layer, kind and relation; sources; provenance coverage
    Stats(stats::Args),
    /// List the nodes that match the filters
    List(list::Args),
    /// Every field of one node, its properties, claims, sources and edges
    Show(show::Args),
    /// Fuzzy search over ids, names, Chinese names, aliases and tickers
    Search(search::Args),
    /// Every source with its tier and what rests on it; --weak for the review queue
    Sources(sources::Args),
    /// Nodes within N hops of a node
    Neighbors(neighbors::Args),
    /// Suppliers of a node, tier by tier (tier 1 = direct suppliers)
    Upstream(tiers::Args),
    /// Customers of a node, tier by tier (tier 1 = direct customers)
    Downstream(tiers::Args),
    /// Shortest path(s) between two nodes, with constraints applied during the search
    Path(path::Args),
    /// What depends on a node, tier by tier, and whether each dependant has another route
    Impact(impact::Args),
    /// Single points of failure: sole routes of supply, cut vertices, betweenness
    Chokepoints(chokepoints::Args),
    /// Herfindahl-Hirschman index and top shares per market, from share figures; --series for one market over time
    Concentration(concentration::Args),
    /// What changed in the chain between two dates: nodes, edges, shares, mergers and renames
    Diff(diff::Args),
    /// The loops money runs in through supply and investment (circular deals), shortest first
    Cycles(cycles::Args),
    /// Rank nodes by degree, PageRank or betweenness
    Rank(rank::Args),
    /// Run a read-only Cypher query (the query text, -f FILE, or standard input)
    Query(query::Args),
    /// The dataset as JSON, CSV or GraphML, or a diagram of a selection as DOT or Mermaid text
    Export(export::Args),
    /// A diagram of a selection as SVG or PNG, through Graphviz `dot`
    Render(render::Args),
    /// Node kinds with their properties and types, relations with the kinds they join
    Schema(schema::Args),
    /// Dated milestones: history events, releases, launches, mergers and renames
    Timeline(timeline::Args),
    /// Validate the data; list warnings and disputed claims
    Check(check::Args),
    /// A shell completion script (bash, zsh, fish, powershell, elvish) on standard output
    Completions(shell::CompletionArgs),
    /// The man page (roff) on standard output
    Man,
    /// Import a JSON export or Neo4j CSV files into a dataset folder that --data opens
    Import(import::Args),
    /// Generate a dataset folder shaped like the open dataset, for benchmarks and tests
    Gen(gen::Args),
}

/// A failure to report: the full text for standard error and the exit code.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub text: String,
}

impl CliError {
    /// Bad input: usage, unknown names, invalid data or queries. Exit code 2.
    pub fn bad_input(message: impl AsRef<str>) -> Self {
        CliError { code: 2, text: format!("error: {}\n", message.as_ref()) }
    }

    /// Any other failure (I/O). Exit code 1.
    pub fn failure(message: impl AsRef<str>) -> Self {
        CliError { code: 1, text: format!("error: {}\n", message.as_ref()) }
    }

    pub fn with_help(mut self, help: &str) -> Self {
        self.text.push_str(&format!("  = help: {help}\n"));
        self
    }
}

pub type Result<T> = std::result::Result<T, CliError>;

/// What every command gets: the graph and how to print.
pub struct Ctx {
    pub graph: KnowledgeGraph,
    pub texts: Texts,
    pub warnings: Vec<Diagnostic>,
    format: Format,
    style: Style,
    /// The day the graph is viewed on (`--as-of`, or the data's today for analytics).
    day: Option<Day>,
    /// The evidence policy the analytics follow (`--min-tier`, `--include-unverified`).
    policy: Policy,
}

impl Ctx {
    /// The day the graph is viewed on, if any.
    pub fn day(&self) -> Option<Day> {
        self.day
    }

    /// Resolves a node typed by a person, or explains why it cannot.
    pub fn node(&self, input: &str) -> Result<NodeIx> {
        self.graph.resolve(input).map_err(|e| self.resolve_error(e))
    }

    fn resolve_error(&self, e: ResolveError) -> CliError {
        let g = &self.graph;
        let describe = |ix: &NodeIx| {
            let n = g.node(*ix);
            format!("`{}` ({}, {})", n.id, n.name, n.kind)
        };
        match e {
            ResolveError::Unknown { input, closest } => {
                let err = CliError::bad_input(format!("no node is called `{input}`"));
                let names: Vec<String> = closest.iter().map(describe).collect();
                match names.as_slice() {
                    [] => err.with_help("try `aikg search TEXT`"),
                    [one] => err.with_help(&format!("did you mean {one}?")),
                    many => err.with_help(&format!("did you mean one of {}?", many.join(", "))),
                }
            }
            ResolveError::Ambiguous { input, candidates } => {
                let mut text =
                    format!("error: `{input}` names {} nodes; use one of these ids:\n", candidates.len());
                for ix in &candidates {
                    let n = g.node(*ix);
                    text.push_str(&format!("  {:<24} {} ({}, {})\n", n.id.0, n.name, n.kind, n.layer));
                }
                CliError { code: 2, text }
            }
        }
    }

    /// The layers named by a `--layer` flag (comma-separated), each checked against the schema.
    pub fn layers(&self, flag: &[String]) -> Result<Vec<String>> {
        let values = split_list(flag);
        let known: Vec<&str> = self.graph.dataset.schema.layers.iter().map(|l| l.id.as_str()).collect();
        self.check_values("layer", &values, &known)?;
        Ok(values)
    }

    /// The relations named by a `--rel` flag (comma-separated), each checked against the schema.
    pub fn relations(&self, flag: &[String]) -> Result<Vec<String>> {
        let values = split_list(flag);
        let known: Vec<&str> = self.graph.dataset.schema.relations.iter().map(|r| r.id.as_str()).collect();
        self.check_values("relation", &values, &known)?;
        Ok(values)
    }

    /// Checks a comma-separated filter against the allowed values.
    pub fn check_values(&self, flag: &str, values: &[String], allowed: &[&str]) -> Result<()> {
        match values.iter().find(|v| !allowed.contains(&v.as_str())) {
            Some(v) => Err(self.unknown_value(flag, v, allowed)),
            None => Ok(()),
        }
    }

    /// An unknown value of a flag, with the closest allowed ones (or all of them).
    pub fn unknown_value(&self, what: &str, value: &str, allowed: &[&str]) -> CliError {
        let close = crate::diag::closest(value, allowed.iter().copied(), 3);
        let err = CliError::bad_input(format!("unknown {what} `{value}`"));
        match did_you_mean(&close) {
            Some(h) => err.with_help(&h),
            None => err.with_help(&format!("one of: {}", allowed.join(", "))),
        }
    }

    fn emit(&self, output: &Output) -> Result<()> {
        write_stdout(render(output, self.format, self.style).as_bytes())
    }
}

/// Writes a note or warning to standard error; a closed standard error is not a failure.
pub fn note(text: &str) {
    let _ = io::stderr().write_all(text.as_bytes());
}

/// Writes to standard output; a closed pipe (`aikg list | head`) is a success.
fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(CliError::failure(format!("cannot write to standard output: {e}")))
        }
        _ => Ok(()),
    }
}

/// Removes what a killed run left while writing `name` into `dir`: temporary files and folders
/// named `.NAME.aikg-tmp-PID` whose process is gone. Where the system cannot say whether a
/// process lives (no `/proc`), nothing is removed.
fn clear_leftovers(dir: &Path, name: &str) {
    let proc = Path::new("/proc");
    if !proc.is_dir() {
        return;
    }
    let prefix = format!(".{name}.aikg-tmp-");
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = file.strip_prefix(&prefix).and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid != std::process::id() && !proc.join(pid.to_string()).exists() {
            let path = entry.path();
            let _ = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
        }
    }
}

/// Writes `bytes` to `path` atomically (a temporary file in the same folder, then a rename), or
/// to standard output when there is no path. A failed run leaves no partial file.
pub fn write_output(path: Option<&Path>, bytes: &[u8]) -> Result<()> {
    let Some(path) = path else {
        return write_stdout(bytes);
    };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| CliError::bad_input(format!("`{}` is not a file path", path.display())))?;
    clear_leftovers(dir, &name.to_string_lossy());
    let tmp = dir.join(format!(".{}.aikg-tmp-{}", name.to_string_lossy(), std::process::id()));
    let fail = |e: io::Error| CliError::failure(format!("cannot write `{}`: {e}", path.display()));
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })
}

/// Writes several files into `dir` as one: each to a temporary file first, then all renamed, so
/// that a failure while writing leaves none of them behind.
pub fn write_files<T: AsRef<[u8]>>(dir: &Path, files: &[(&str, T)]) -> Result<()> {
    let mut staged = Vec::new();
    let mut result = Ok(());
    for (name, contents) in files {
        clear_leftovers(dir, name);
        let tmp = dir.join(format!(".{name}.aikg-tmp-{}", std::process::id()));
        if let Err(e) = std::fs::write(&tmp, contents) {
            result = Err(CliError::failure(format!("cannot write `{}`: {e}", dir.join(name).display())));
            let _ = std::fs::remove_file(&tmp);
            break;
        }
        staged.push((tmp, dir.join(name)));
    }
    if result.is_ok() {
        for (done, (tmp, path)) in staged.iter().enumerate() {
            if let Err(e) = std::fs::rename(tmp, path) {
                result = Err(CliError::failure(format!("cannot write `{}`: {e}", path.display())));
                // The set is whole or absent: take back the files already renamed.
                for (_, written) in &staged[..done] {
                    let _ = std::fs::remove_file(written);
                }
                break;
            }
        }
    }
    for (tmp, _) in &staged {
        let _ = std::fs::remove_file(tmp);
    }
    result
}

/// Checks, before any work, that `dir` can become a dataset folder: it does not exist, or is an
/// empty folder, or `force` allows replacing a folder.
pub fn check_output_folder(dir: &Path, force: bool) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(CliError::bad_input(format!("`{}` is a file, not a folder", dir.display())));
    }
    let occupied = std::fs::read_dir(dir).map(|mut entries| entries.next().is_some()).unwrap_or(false);
    if occupied && !force {
        return Err(CliError::bad_input(format!("`{}` exists and is not empty", dir.display()))
            .with_help("name a new folder, or pass --force to replace it"));
    }
    Ok(())
}

/// Writes a dataset folder (TOML files and the cache) as a whole: into a temporary folder
/// beside `dir`, renamed into place at the end, so that a failure leaves nothing behind.
pub fn write_dataset(dir: &Path, d: &mut Dataset, force: bool) -> Result<()> {
    let fail = |what: &str, path: &Path, e: std::io::Error| {
        CliError::failure(format!("cannot {what} `{}`: {e}", path.display()))
    };
    check_output_folder(dir, force)?;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "dataset".into());
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    clear_leftovers(parent, &name);
    let tmp = dir.with_file_name(format!(".{name}.aikg-tmp-{}", std::process::id()));
    let files = crate::export::to_toml(d);
    // The nodes now live in the folder's nodes.toml: their origins say so, in the cache too.
    if let Some((name, text)) = files.iter().find(|(name, _)| *name == "nodes.toml") {
        let file: std::sync::Arc<str> = dir.join(name).display().to_string().into();
        let headers = text.lines().enumerate().filter(|(_, l)| *l == "[[node]]").map(|(i, _)| i + 1);
        for (node, line) in d.nodes.iter_mut().zip(headers) {
            node.origin = crate::model::Origin { file: file.clone(), line };
        }
    }
    let result = (|| {
        std::fs::create_dir_all(&tmp).map_err(|e| fail("create", &tmp, e))?;
        let mut paths = Vec::new();
        for (file, text) in files {
            let path = tmp.join(file);
            std::fs::write(&path, text).map_err(|e| fail("write", &path, e))?;
            paths.push(path);
        }
        // The stamp records sizes and times, which a rename keeps, in the order `open` lists them.
        paths.sort();
        let cache = crate::cache::encode(d, &stamp(&paths));
        std::fs::write(tmp.join(CACHE_FILE), cache).map_err(|e| fail("write", &tmp.join(CACHE_FILE), e))?;
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| fail("replace", dir, e))?;
        }
        std::fs::rename(&tmp, dir).map_err(|e| fail("create", dir, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

/// The entry point: parse, run, report.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = io::stderr().write_all(e.text.as_bytes());
            ExitCode::from(e.code)
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let stdout_tty = io::stdout().is_terminal();
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stdout_tty && std::env::var_os("NO_COLOR").is_none(),
    };
    let format = cli.format.unwrap_or(if stdout_tty { Format::Table } else { Format::Tsv });
    let width = if stdout_tty { terminal_width() } else { None };
    let command = match cli.command {
        Command::Import(a) => return import::run(a),
        Command::Completions(a) => return shell::completions(a),
        Command::Man => return shell::man(),
        other => other,
    };
    // `check` reports every diagnostic, so it always reads the text; other commands take the
    // cache when it is current.
    let as_of = match cli.as_of.as_deref() {
        None => None,
        Some(s) => Some(Day::last(s).ok_or_else(|| {
            CliError::bad_input(format!("--as-of `{s}` is not a date"))
                .with_help("write YYYY, YYYY-MM or YYYY-MM-DD")
        })?),
    };
    let mut opened = open(cli.data.as_deref(), !matches!(command, Command::Check(_)))?;
    let policy = Policy { min_tier: cli.min_tier.into(), include_unverified: cli.include_unverified };
    let left_out = if command.is_analytic() { policy.apply(&mut opened.dataset) } else { LeftOut::default() };
    // The day of the view: --as-of, or for analytics the data's own today. Commands that walk
    // artifacts at their own release keep every edge and take the day; the others see the
    // dataset as it stood on it.
    let day = as_of.or_else(|| command.is_analytic().then(|| time::today(&opened.dataset)).flatten());
    if let Some(d) = day.filter(|_| !command.walks_in_time()) {
        opened.dataset = time::as_of(opened.dataset, d);
    }
    let ctx = Ctx {
        graph: KnowledgeGraph::new(opened.dataset),
        texts: opened.texts,
        warnings: opened.warnings,
        format,
        style: Style { color, width },
        day,
        policy,
    };
    let result = match command {
        Command::Stats(a) => stats::run(&ctx, a),
        Command::Schema(a) => schema::run(&ctx, a),
        Command::List(a) => list::run(&ctx, a),
        Command::Show(a) => show::run(&ctx, a),
        Command::Search(a) => search::run(&ctx, a),
        Command::Sources(a) => sources::run(&ctx, a),
        Command::Neighbors(a) => neighbors::run(&ctx, a),
        Command::Upstream(a) => tiers::run(&ctx, a, Flow::Upstream),
        Command::Downstream(a) => tiers::run(&ctx, a, Flow::Downstream),
        Command::Path(a) => path::run(&ctx, a),
        Command::Impact(a) => impact::run(&ctx, a),
        Command::Chokepoints(a) => chokepoints::run(&ctx, a),
        Command::Concentration(a) => concentration::run(&ctx, a),
        Command::Diff(a) => diff::run(&ctx, a),
        Command::Cycles(a) => cycles::run(&ctx, a),
        Command::Rank(a) => rank::run(&ctx, a),
        Command::Query(a) => query::run_cmd(&ctx, a),
        Command::Export(a) => export::run(&ctx, a),
        Command::Render(a) => render::run(&ctx, a),
        Command::Timeline(a) => timeline::run(&ctx, a),
        Command::Check(a) => check::run(&ctx, a),
        Command::Gen(a) => gen::run(&ctx, a),
        // Handled before the dataset is opened.
        Command::Import(_) | Command::Completions(_) | Command::Man => Ok(()),
    };
    if result.is_ok() {
        note_left_out(left_out, policy);
    }
    // The process ends here: freeing the graph one allocation at a time would only cost time.
    std::mem::forget(ctx);
    result
}

impl Command {
    /// Commands that read time themselves: they keep every edge and node, and walk each
    /// artifact as of its release (see `analysis::time`).
    fn walks_in_time(&self) -> bool {
        matches!(
            self,
            Command::Upstream(_)
                | Command::Downstream(_)
                | Command::Impact(_)
                | Command::Chokepoints(_)
                | Command::Concentration(_)
                | Command::Diff(_)
        )
    }

    /// Analytics rest on the edges that `--min-tier` and `--include-unverified` admit; data
    /// commands (list, show, query, export, stats, sources, check…) see every edge with its tier.
    fn is_analytic(&self) -> bool {
        matches!(
            self,
            Command::Neighbors(_)
                | Command::Upstream(_)
                | Command::Downstream(_)
                | Command::Path(_)
                | Command::Impact(_)
                | Command::Chokepoints(_)
                | Command::Concentration(_)
                | Command::Rank(_)
                | Command::Render(_)
                | Command::Diff(_)
                | Command::Cycles(_)
        )
    }
}

/// Says on standard error which edges an analysis left out, and the flag that brings them back.
fn note_left_out(left_out: LeftOut, policy: Policy) {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    if left_out.unverified > 0 {
        let n = left_out.unverified;
        note(&format!("note: left out {n} unverified edge{} (--include-unverified uses them)\n", plural(n)));
    }
    if left_out.below_tier > 0 {
        let n = left_out.below_tier;
        note(&format!(
            "note: left out {n} edge{} with no {} or better source (--min-tier)\n",
            plural(n),
            policy.min_tier
        ));
    }
}

/// The width of the terminal on standard output: what the terminal says, else `COLUMNS`, else 120.
fn terminal_width() -> Option<u16> {
    let asked = crossterm::terminal::size().ok().map(|(w, _)| w).filter(|w| *w > 0);
    asked.or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok())).or(Some(120))
}

/// A loaded dataset, with the texts and warnings when it was read from text (not from a cache).
struct Opened {
    dataset: Dataset,
    texts: Texts,
    warnings: Vec<Diagnostic>,
}

/// The name of the binary cache in a dataset folder.
pub const CACHE_FILE: &str = "aikg.cache";

/// Opens the built-in dataset or the folder `dir`, from the binary cache when `cached` allows it
/// and the cache is current. A folder whose cache is stale gets a fresh one; a folder without a
/// cache (a hand-edited dataset) is not written to.
fn open(dir: Option<&Path>, cached: bool) -> Result<Opened> {
    let from_text = |dataset| Opened { dataset, texts: Texts::default(), warnings: Vec::new() };
    let Some(dir) = dir else {
        if let Some(d) = cached.then(|| crate::cache::decode(crate::embedded::CACHE, b"built-in")).flatten() {
            return Ok(from_text(d));
        }
        let texts = Texts {
            files: crate::embedded::FILES.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect(),
        };
        let Loaded { dataset, warnings } = load(&texts).map_err(|e| load_error(e, &texts, None))?;
        return Ok(Opened { dataset, texts, warnings });
    };
    let paths = toml_files(dir)?;
    let stamp = stamp(&paths);
    let cache_path = dir.join(CACHE_FILE);
    let cache = std::fs::read(&cache_path).ok();
    if let Some(d) = cache.as_ref().filter(|_| cached).and_then(|bytes| crate::cache::decode(bytes, &stamp)) {
        return Ok(from_text(d));
    }
    let texts = read_texts(&paths)?;
    let Loaded { dataset, warnings } = load(&texts).map_err(|e| load_error(e, &texts, Some(dir)))?;
    if cache.is_some() {
        // Best effort: a read-only folder still opens, only more slowly next time.
        let _ = write_output(Some(&cache_path), &crate::cache::encode(&dataset, &stamp));
    }
    Ok(Opened { dataset, texts, warnings })
}

/// What a cache was made from: each data file's name, size and modification time.
pub fn stamp(paths: &[PathBuf]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).ok();
        let modified = meta.as_ref().and_then(|m| m.modified().ok());
        let since = modified.and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).unwrap_or_default();
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        out.extend_from_slice(
            format!("{name}\t{}\t{}\n", meta.map_or(0, |m| m.len()), since.as_nanos()).as_bytes(),
        );
    }
    out
}

/// Every `*.toml` file of a dataset folder, sorted by name.
fn toml_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        let err = CliError::bad_input(format!("cannot open the dataset folder `{}`: {e}", dir.display()));
        err.with_help("--data takes a folder with schema.toml, sources.toml and layer files")
    })?;
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| CliError::failure(format!("cannot list `{}`: {e}", dir.display())))?;
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "toml") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}

/// Reads data files as UTF-8 text.
pub(crate) fn read_texts(paths: &[PathBuf]) -> Result<Texts> {
    let mut files = Vec::new();
    for path in paths {
        let bytes = std::fs::read(path)
            .map_err(|e| CliError::failure(format!("cannot read `{}`: {e}", path.display())))?;
        let text = String::from_utf8(bytes).map_err(|e| not_utf8(path, &e))?;
        files.push((path.display().to_string(), text));
    }
    Ok(Texts { files })
}

/// A located error for a file that is not UTF-8, pointing at the first bad byte.
fn not_utf8(path: &Path, e: &std::string::FromUtf8Error) -> CliError {
    let at = e.utf8_error().valid_up_to();
    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
    // The lossy text keeps every valid byte before the first invalid one in place.
    let d =
        Diagnostic::error(0, at..at + 1, "the file is not UTF-8 text").with_help("save the file as UTF-8");
    CliError { code: 2, text: render_diag(&d, &path.display().to_string(), &text) }
}

pub(crate) fn load_error(e: LoadError, texts: &Texts, dir: Option<&Path>) -> CliError {
    match e {
        LoadError::MissingFile(name) => {
            let place = dir.map_or("the built-in dataset".to_string(), |d| format!("`{}`", d.display()));
            CliError::bad_input(format!("{place} has no {name}"))
                .with_help("a dataset folder holds schema.toml, sources.toml and one file per layer")
        }
        LoadError::Invalid(diags) => {
            let mut text = render_diags(&diags, texts);
            let n = diags.len();
            text.push_str(&format!("error: the dataset has {n} error{}\n", if n == 1 { "" } else { "s" }));
            CliError { code: 2, text }
        }
    }
}

fn render_diags(diags: &[Diagnostic], texts: &Texts) -> String {
    diags
        .iter()
        .map(|d| {
            let (name, text) = &texts.files[d.file];
            render_diag(d, name, text) + "\n"
        })
        .collect()
}

/// Splits comma-separated flag values: `--layer cloud,data`.
pub fn split_list(values: &[String]) -> Vec<String> {
    values.iter().flat_map(|v| v.split(',')).map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect()
}
