//! `aikg man`: the man page in roff, generated from the clap definitions, so it never drifts from
//! the commands (tested with the completions in `completions.rs`).

use clap::CommandFactory;

use super::{write_stdout, Cli, CliError, Result};

/// Prints the man page in roff, e.g. `aikg man > aikg.1 && man ./aikg.1`.
pub fn run() -> Result<()> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| CliError::failure(format!("cannot render the man page: {e}")))?;
    write_stdout(&out)
}
