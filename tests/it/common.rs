//! Shared helpers for the integration tests: run the real binary, capture everything.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// insta settings that write every snapshot into the top-level `snapshots/` folder.
pub fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

/// Runs `aikg` with `args` from the crate root, with no stdin and an environment that does not
/// depend on the machine (no backtraces, no colour variables, no terminal width), and returns
/// the exit code, stdout and stderr as one text.
pub fn run(args: &[&str]) -> String {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

pub fn run_in(dir: &Path, args: &[&str]) -> String {
    let mut cmd = command(args);
    cmd.current_dir(dir).env_remove("RUST_BACKTRACE").env_remove("RUST_LIB_BACKTRACE");
    capture(&mut cmd, args)
}

/// Like [`run`] but with RUST_BACKTRACE=1 set, to prove the output does not change.
pub fn run_with_backtrace(args: &[&str]) -> String {
    let mut cmd = command(args);
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).env("RUST_BACKTRACE", "1");
    capture(&mut cmd, args)
}

fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aikg"));
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env_remove("CLICOLOR_FORCE")
        .stdin(std::process::Stdio::null());
    cmd
}

fn capture(cmd: &mut Command, args: &[&str]) -> String {
    let out = cmd.output().expect("the aikg binary runs");
    format!(
        "$ aikg {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        out.status.code().map_or("signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A fresh scratch folder under the system temp dir, unique to this process and call, removed
/// when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(label: &str) -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("aikg-test-{}-{n}-{label}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A test that runs the CLI with the given arguments and snapshots the run whole (exit code,
/// stdout, stderr) under the test's name.
#[allow(unused_macros)]
macro_rules! cli_snapshot {
    ($name:ident $(, $arg:expr)* $(,)?) => {
        #[test]
        fn $name() {
            $crate::common::settings().bind(|| {
                insta::assert_snapshot!(stringify!($name), $crate::common::run(&[$($arg),*]));
            });
        }
    };
}
