//! The `aikg` command: everything it does is in the library (`aikg::cli`).

use std::process::ExitCode;

fn main() -> ExitCode {
    aikg::cli::main()
}
