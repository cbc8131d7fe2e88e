//! `aikg query CYPHER`, `aikg query -f FILE`, or the query on standard input.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use super::{CliError, Ctx, Result};
use crate::query::{parse_param, Val};
use crate::table::Output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The query; without it and without -f, the query is read from standard input
    #[arg(conflicts_with = "file")]
    query: Option<String>,
    /// Read the query from FILE
    #[arg(short, long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// A parameter: --param name=value (numbers, true/false/null, 'strings', [lists]; other text is a string)
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// Stop the query after this many seconds (fractions allowed)
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    timeout: f64,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let (name, text) = match (&args.query, &args.file) {
        (Some(q), _) => ("query".to_string(), q.clone()),
        (None, Some(path)) => {
            let text = super::support::open::read_text(path)?;
            (path.display().to_string(), text)
        }
        (None, None) => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|e| {
                CliError::bad_input(format!("cannot read the query from standard input: {e}"))
            })?;
            ("stdin".to_string(), text)
        }
    };
    if text.trim().is_empty() {
        return Err(
            CliError::bad_input("the query is empty").with_help("aikg query 'MATCH (n:Chip) RETURN n.name'")
        );
    }
    let mut params: BTreeMap<String, Val> = BTreeMap::new();
    for p in &args.params {
        let Some((k, v)) = p.split_once('=') else {
            return Err(CliError::bad_input(format!("--param `{p}` has no `=`"))
                .with_help("write --param name=value"));
        };
        let name = k.trim().trim_start_matches('$');
        let is_name = name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_alphanumeric() || c == '_');
        if !is_name {
            return Err(CliError::bad_input(format!("--param `{p}` has no name before `=`"))
                .with_help("write --param name=value, the name as the query spells it after `$`"));
        }
        let value = parse_param(v);
        let digits = v.trim().strip_prefix('-').unwrap_or(v.trim());
        if matches!(value, Val::Str(_)) && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CliError::bad_input(format!(
                "--param `{p}`: {} does not fit in a 64-bit integer",
                v.trim()
            ))
            .with_help("write it as a float (1e21) or quote it as a string ('...')"));
        }
        params.insert(name.to_string(), value);
    }
    if !(args.timeout > 0.0 && args.timeout < 1e9) {
        return Err(CliError::bad_input(format!(
            "--timeout {} is not a positive number of seconds",
            args.timeout
        )));
    }
    let timeout = std::time::Duration::from_secs_f64(args.timeout);
    match crate::query::run(&ctx.graph, &text, &params, Some(timeout)) {
        Ok(table) => ctx.emit(&Output::Table(table)),
        Err(e) => Err(CliError::bad_input_text(crate::diag::render(&e.diagnostic(), &name, &text))),
    }
}
