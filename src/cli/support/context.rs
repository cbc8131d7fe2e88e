//! What every command gets (the graph, the format, the day of the view) and the notes it may
//! print on standard error.

use std::io::{self, Write};

use super::error::{CliError, Result};
use super::write::write_stdout;
use crate::analysis::evidence::{LeftOut, Policy};
use crate::diag::{Diagnostic, Texts};
use crate::graph::{KnowledgeGraph, ResolveError};
use crate::model::{Day, NodeIx};
use crate::render::{render, Format, Style};
use crate::table::Output;

/// What every command gets: the graph and how to print.
pub struct Ctx {
    pub(crate) graph: KnowledgeGraph,
    pub(crate) texts: Texts,
    pub(crate) warnings: Vec<Diagnostic>,
    pub(in crate::cli) format: Format,
    pub(in crate::cli) style: Style,
    /// The day the graph is viewed on (`--as-of`, or the data's today for analytics).
    pub(in crate::cli) day: Option<Day>,
    /// Whether that day was asked for (`--as-of`) rather than the data's today.
    pub(in crate::cli) as_of: bool,
    /// The evidence policy the analytics follow (`--min-tier`, `--include-unverified`).
    pub(in crate::cli) policy: Policy,
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

    pub(in crate::cli) fn resolve_error(&self, e: ResolveError) -> CliError {
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
                CliError::bad_input_text(text)
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
        let err = CliError::bad_input(format!("unknown {what} `{value}`"));
        match crate::diag::suggestion(value, allowed.iter().copied()) {
            Some(h) => err.with_help(&h),
            None => err,
        }
    }

    pub(in crate::cli) fn emit(&self, output: &Output) -> Result<()> {
        write_stdout(render(output, self.format, self.style).as_bytes())
    }
}

/// Writes a note or warning to standard error; a closed standard error is not a failure.
pub fn note(text: &str) {
    let _ = io::stderr().write_all(text.as_bytes());
}

/// Says on standard error which edges an analysis left out, and the flag that brings them back.
pub(in crate::cli) fn note_left_out(left_out: LeftOut, policy: Policy) {
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
pub(in crate::cli) fn terminal_width() -> Option<u16> {
    let asked = crossterm::terminal::size().ok().map(|(w, _)| w).filter(|w| *w > 0);
    asked.or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok())).or(Some(120))
}

/// Splits comma-separated flag values: `--layer cloud,data`.
pub fn split_list(values: &[String]) -> Vec<String> {
    values.iter().flat_map(|v| v.split(',')).map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect()
}
