//! `aikg completions SHELL`: a completion script generated from the clap definitions, so it never
//! drifts from the commands (as `aikg man`'s page does not; see `man.rs`).

use clap::CommandFactory;

use super::{write_stdout, Cli, Result};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell: bash, zsh, fish, powershell or elvish
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Prints the completion script for a shell, e.g. `aikg completions bash > /etc/bash_completion.d/aikg`.
pub fn run(args: Args) -> Result<()> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "aikg", &mut out);
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
