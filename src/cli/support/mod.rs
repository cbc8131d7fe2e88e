//! What the commands share and are not commands themselves: the context every command gets, the
//! error it ends with, opening a dataset and writing results, and the pieces more than one command
//! uses (the claims table, the diagram selection, funding rounds, progress bars, `--as spark-sql`).
//! The folder above holds one file per command.

pub mod claims;
pub mod context;
pub mod diagram;
pub mod error;
pub mod open;
pub mod progress;
pub mod rounds;
pub mod spark;
pub mod write;
