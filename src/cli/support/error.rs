//! The error a command ends with: the text for standard error and the kind of failure, which
//! decides the exit code.

/// Why a command failed; each kind has its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Bad input: usage, unknown names, invalid data or queries. Exit code 2.
    BadInput,
    /// Any other failure (I/O, a missing program). Exit code 1.
    Failure,
}

impl Exit {
    pub(crate) fn code(self) -> u8 {
        match self {
            Exit::BadInput => 2,
            Exit::Failure => 1,
        }
    }
}

/// A failure to report: the full text for standard error and its kind.
#[derive(Debug)]
pub struct CliError {
    pub(crate) exit: Exit,
    pub(crate) text: String,
}

impl CliError {
    /// Bad input: usage, unknown names, invalid data or queries. Exit code 2.
    pub fn bad_input(message: impl AsRef<str>) -> Self {
        CliError { exit: Exit::BadInput, text: format!("error: {}\n", message.as_ref()) }
    }

    /// Bad input whose message is already rendered (a located diagnostic, a list of candidates).
    pub fn bad_input_text(text: String) -> Self {
        CliError { exit: Exit::BadInput, text }
    }

    /// Any other failure (I/O). Exit code 1.
    pub fn failure(message: impl AsRef<str>) -> Self {
        CliError { exit: Exit::Failure, text: format!("error: {}\n", message.as_ref()) }
    }

    pub(crate) fn with_help(mut self, help: &str) -> Self {
        self.text.push_str(&format!("  = help: {help}\n"));
        self
    }
}

/// A command's result.
pub type Result<T> = std::result::Result<T, CliError>;
