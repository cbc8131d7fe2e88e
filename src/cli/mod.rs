//! The command line: argument parsing, loading the dataset, writing results and errors. This is
//! the only module that touches files, standard output or standard error.
//!
//! One file per command, named after it, each with `run` as its entry; what the commands share
//! and are not commands themselves is in `support/`.

mod check;
mod chokepoints;
mod completions;
mod concentration;
mod cycles;
mod diff;
mod downstream;
mod estimate;
mod export;
mod gen;
mod impact;
mod import;
mod list;
mod man;
mod map;
mod matrix;
mod neighbors;
mod path;
mod query;
mod rank;
mod render;
mod schema;
mod search;
mod series;
mod show;
mod sources;
mod stats;
mod support;
mod timeline;
mod upstream;

pub use support::context::{note, split_list, Ctx};
use support::context::{note_left_out, terminal_width};
pub use support::error::{CliError, Exit, Result};
pub(crate) use support::open::{load_error, read_texts};
use support::open::{open, render_diags};
pub use support::open::{stamp, CACHE_FILE};
use support::write::write_stdout;
pub use support::write::{check_output_folder, write_cache_only, write_dataset, write_files, write_output};

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::Resettable;
use clap::{Args, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::analysis::evidence::{LeftOut, Policy};
use crate::analysis::time;
use crate::graph::KnowledgeGraph;
use crate::model::{Day, Tier};
use crate::render::{Format, Style};

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
pub(crate) struct Cli {
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

/// A subcommand's arguments, defined only when that subcommand is the one parsed (clap's
/// `defer`), not on every run for all of them. Help and completions still see them all: clap
/// defines what it has deferred before it prints.
#[derive(Debug)]
struct Lazy<T>(T);

/// Defines `T`'s arguments on a subcommand whose description is already set: the variant's doc
/// comment, which a flattened group's own doc comment must not replace (defined up front, the
/// arguments came first and the variant's description after them).
fn define<T: Args>(cmd: clap::Command, update: bool) -> clap::Command {
    let (about, long_about) = (cmd.get_about().cloned(), cmd.get_long_about().cloned());
    let cmd = if update { T::augment_args_for_update(cmd) } else { T::augment_args(cmd) };
    let kept = |text: Option<clap::builder::StyledStr>| text.map_or(Resettable::Reset, Resettable::Value);
    cmd.about(kept(about)).long_about(kept(long_about))
}

impl<T: Args> Args for Lazy<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.defer(|cmd| define::<T>(cmd, false))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        cmd.defer(|cmd| define::<T>(cmd, true))
    }

    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

impl<T: FromArgMatches> FromArgMatches for Lazy<T> {
    fn from_arg_matches(m: &clap::ArgMatches) -> std::result::Result<Self, clap::Error> {
        T::from_arg_matches(m).map(Lazy)
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> std::result::Result<(), clap::Error> {
        self.0.update_from_arg_matches(m)
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Counts per layer, kind and relation; sources; provenance coverage
    Stats(Lazy<stats::Args>),
    /// List the nodes that match the filters
    List(Lazy<list::Args>),
    /// Every field of one node, its properties, claims, sources and edges
    Show(Lazy<show::Args>),
    /// Fuzzy search over ids, names, Chinese names, aliases and tickers
    Search(Lazy<search::Args>),
    /// Every source with its tier and what rests on it; --weak for the review queue
    Sources(Lazy<sources::Args>),
    /// Nodes within N hops of a node
    Neighbors(Lazy<neighbors::Args>),
    /// Suppliers of a node, tier by tier (tier 1 = direct suppliers)
    Upstream(Lazy<upstream::Args>),
    /// Customers of a node, tier by tier (tier 1 = direct customers)
    Downstream(Lazy<downstream::Args>),
    /// Shortest path(s) between two nodes, with constraints applied during the search
    Path(Lazy<path::Args>),
    /// What depends on a node, tier by tier, and whether each dependant has another route
    Impact(Lazy<impact::Args>),
    /// Single points of failure: sole routes of supply, cut vertices, betweenness
    Chokepoints(Lazy<chokepoints::Args>),
    /// Herfindahl-Hirschman index and top shares per market, from share figures; --series for one market over time
    Concentration(Lazy<concentration::Args>),
    /// What changed in the chain between two dates: nodes, edges, shares, mergers and renames
    Diff(Lazy<diff::Args>),
    /// Training or serving compute from the rules of thumb: FLOPs, chip-hours, days, energy, cost per provider
    Estimate(Lazy<estimate::Args>),
    /// Dated observations of nodes' metrics (token markets, revenue, power), one row each
    Series(Lazy<series::Args>),
    /// The loops money runs in through supply and investment (circular deals), shortest first
    Cycles(Lazy<cycles::Args>),
    /// Rank nodes by degree, PageRank or betweenness
    Rank(Lazy<rank::Args>),
    /// Run a read-only Cypher query (the query text, -f FILE, or standard input)
    Query(Lazy<query::Args>),
    /// The dataset as JSON, CSV or GraphML, or a diagram of a selection as DOT or Mermaid text
    Export(Lazy<export::Args>),
    /// A diagram of a selection as SVG, PNG or PDF, through Graphviz `dot`
    Render(Lazy<render::Args>),
    /// The market map of a layer (crypto x AI by default): one tile per segment, tickers inside
    Map(Lazy<map::Args>),
    /// A grid from a query returning pairs: rows, columns and marks or values
    Matrix(Lazy<matrix::Args>),
    /// Node kinds with their properties and types, relations with the kinds they join
    Schema(Lazy<schema::Args>),
    /// Dated milestones: history events, releases, launches, mergers and renames
    Timeline(Lazy<timeline::Args>),
    /// Validate the data; list warnings and disputed claims
    Check(Lazy<check::Args>),
    /// A shell completion script (bash, zsh, fish, powershell, elvish) on standard output
    Completions(Lazy<completions::Args>),
    /// The man page (roff) on standard output
    Man,
    /// Import a JSON export or Neo4j CSV files into a dataset folder that --data opens
    Import(Lazy<import::Args>),
    /// Generate a dataset folder shaped like the open dataset, for benchmarks and tests
    Gen(Lazy<gen::Args>),
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
            ExitCode::from(e.exit.code())
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
        Command::Import(a) => return import::run(a.0),
        Command::Completions(a) => return completions::run(a.0),
        Command::Man => return man::run(),
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
    if left_out != LeftOut::default() {
        // The stored names of the edges' properties may include those of edges left out.
        opened.index.iter_mut().for_each(|i| i.edge_props = None);
    }
    // The day of the view: --as-of, or for analytics the data's own today. Commands that walk
    // artifacts at their own release keep every edge and take the day; the others see the
    // dataset as it stood on it.
    let day = as_of.or_else(|| command.is_analytic().then(|| time::today(&opened.dataset)).flatten());
    if let Some(d) = day.filter(|_| !command.walks_in_time()) {
        opened.dataset = time::as_of(opened.dataset, d);
        // The dated view may drop nodes: the stored index no longer describes them.
        opened.index = None;
    }
    // Each node's metrics as they stood on the view's day (the data's today by default), as
    // properties; the round-trip exports carry the observations instead.
    if command.shows_metrics() {
        let on = as_of.or_else(|| time::today(&opened.dataset));
        crate::analysis::series::apply(&mut opened.dataset, on);
    }
    let ctx = Ctx {
        graph: KnowledgeGraph::with_index(opened.dataset, opened.index),
        texts: opened.texts,
        warnings: opened.warnings,
        format,
        style: Style { color, width },
        day,
        as_of: as_of.is_some(),
        policy,
    };
    let result = match command {
        Command::Stats(a) => stats::run(&ctx, a.0),
        Command::Schema(a) => schema::run(&ctx, a.0),
        Command::Map(a) => map::run(&ctx, a.0),
        Command::Matrix(a) => matrix::run(&ctx, a.0),
        Command::List(a) => list::run(&ctx, a.0),
        Command::Show(a) => show::run(&ctx, a.0),
        Command::Search(a) => search::run(&ctx, a.0),
        Command::Sources(a) => sources::run(&ctx, a.0),
        Command::Neighbors(a) => neighbors::run(&ctx, a.0),
        Command::Upstream(a) => upstream::run(&ctx, a.0),
        Command::Downstream(a) => downstream::run(&ctx, a.0),
        Command::Path(a) => path::run(&ctx, a.0),
        Command::Impact(a) => impact::run(&ctx, a.0),
        Command::Chokepoints(a) => chokepoints::run(&ctx, a.0),
        Command::Concentration(a) => concentration::run(&ctx, a.0),
        Command::Diff(a) => diff::run(&ctx, a.0),
        Command::Cycles(a) => cycles::run(&ctx, a.0),
        Command::Series(a) => series::run(&ctx, a.0),
        Command::Estimate(a) => estimate::run(&ctx, a.0),
        Command::Rank(a) => rank::run(&ctx, a.0),
        Command::Query(a) => query::run(&ctx, a.0),
        Command::Export(a) => export::run(&ctx, a.0),
        Command::Render(a) => render::run(&ctx, a.0),
        Command::Timeline(a) => timeline::run(&ctx, a.0),
        Command::Check(a) => check::run(&ctx, a.0),
        Command::Gen(a) => gen::run(&ctx, a.0),
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
    /// Commands whose nodes carry their standing metrics as properties: all but the exports that
    /// must read back as the same dataset, which carry the observations themselves.
    fn shows_metrics(&self) -> bool {
        match self {
            Command::Export(a) => !a.0.round_trip(),
            Command::Gen(_) | Command::Check(_) => false,
            _ => true,
        }
    }

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
                | Command::Estimate(_)
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
