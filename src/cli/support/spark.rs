//! `--as spark-sql` on the supply analytics (upstream, downstream, impact, path, concentration):
//! instead of answering, print the Spark SQL script that answers the same question over the
//! Parquet export (see `export::to_spark_sql` and docs/spark.md).

use crate::cli::{write_stdout, Ctx, Result};
use crate::export::{to_spark_sql, SparkQuery, When};

/// What an analytic prints instead of its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum As {
    /// The Spark SQL script that answers it over `aikg export --to parquet` (see spark/)
    SparkSql,
}

/// Prints the script for `q` under the context's evidence policy, on the context's day: `--as-of`,
/// else the data's today (which the script computes from the sources), or, `timeless`, none.
pub fn print(ctx: &Ctx, q: &SparkQuery, timeless: bool) -> Result<()> {
    let when = match (timeless, ctx.day()) {
        (true, _) => When::Timeless,
        (false, Some(day)) if ctx.as_of => When::On(day),
        (false, _) => When::Today,
    };
    // The command line, as a comment at the top of the script; the program's own path left out.
    let command: Vec<String> = std::iter::once("aikg".to_string()).chain(std::env::args().skip(1)).collect();
    let sql = to_spark_sql(&ctx.graph.dataset.schema, ctx.policy, when, q, &command.join(" "));
    write_stdout(sql.as_bytes())
}
