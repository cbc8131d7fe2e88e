//! `aikg completions SHELL` and `aikg man`: a completion script and a man page, both generated from
//! the clap definitions, so they never drift from the commands.

use clap::CommandFactory;

use super::{write_stdout, Cli, CliError, Result};

#[derive(Debug, clap::Args)]
pub struct CompletionArgs {
    /// The shell: bash, zsh, fish, powershell or elvish
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Prints the completion script for a shell, e.g. `aikg completions bash > /etc/bash_completion.d/aikg`.
pub fn completions(args: CompletionArgs) -> Result<()> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "aikg", &mut out);
    write_stdout(&out)
}

/// Prints the man page in roff, e.g. `aikg man > aikg.1 && man ./aikg.1`.
pub fn man() -> Result<()> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| CliError::failure(format!("cannot render the man page: {e}")))?;
    write_stdout(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clap_definitions_hold_together() {
        Cli::command().debug_assert();
    }

    #[test]
    fn completions_and_the_man_page_name_every_command() {
        let mut cmd = Cli::command();
        let names: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_string()).collect();
        let mut bash = Vec::new();
        clap_complete::generate(clap_complete::Shell::Bash, &mut cmd, "aikg", &mut bash);
        let mut man = Vec::new();
        clap_mangen::Man::new(Cli::command()).render(&mut man).unwrap_or_default();
        let (bash, man) = (String::from_utf8_lossy(&bash), String::from_utf8_lossy(&man));
        assert!(man.contains(".TH aikg 1"), "{man}");
        for name in names {
            assert!(bash.contains(&name), "bash completions lack {name}");
            assert!(man.contains(&name), "the man page lacks {name}");
        }
    }
}
