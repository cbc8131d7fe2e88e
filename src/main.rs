use std::process::ExitCode;

fn main() -> ExitCode {
    aikg::cli::main()
}
