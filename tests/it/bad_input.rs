//! The bad-input corpus (`tests/bad-input/`): every way a user can hand `aikg` something broken,
//! through data folders, JSON and CSV imports, queries and command-line arguments. Each case is a
//! folder holding its input files and one or more `args*` files (one argument per line; `#` lines
//! are comments). In the arguments, `{dir}` is the case folder and `{out}` a fresh output folder.
//!
//! A case runs in a scratch folder that holds a copy of the case at its path in the repository
//! (so that error messages name `tests/bad-input/<case>/<file>`), never in the case folder
//! itself: a run may write a cache or an output folder. Besides the input files a case may hold
//! - `stdin` (for `args`) or `stdin-X` (for `args-X`): fed to standard input (otherwise standard
//!   input is empty);
//! - `out/`: the contents of `{out}` before the run (otherwise `{out}` does not exist);
//! - `NAME.gen`: a recipe for a file `NAME` too large or too odd to keep in the repository: each
//!   line is `COUNT|TEXT` (TEXT written COUNT times) or `|TEXT`, with `\n`, `\t`, `\r`, `\xHH` and
//!   `\\` escapes in TEXT, and no line break between lines;
//! - `redact`: regular expressions, one a line, whose matches in the output are replaced by
//!   `[redacted]` before the snapshot, for output that depends on timing.
//!
//! Every run is snapshotted whole (exit code, stdout, stderr) and must: not panic, exit 0, 1 or
//! 2, finish within a minute, and leave no partial output: after a failure `{out}` is as it was
//! and no temporary file or folder is left beside it.

use crate::common;

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CORPUS: &str = "tests/bad-input";
/// The longest a case may run, in debug builds on a busy machine.
const TIMEOUT: Duration = Duration::from_secs(60);
/// Longer standard output or error is cut in the snapshot (the checks see all of it).
const SHOWN: usize = 16 * 1024;
/// Longer lines are cut in the snapshot.
const LINE: usize = 400;

/// Every file under `dir` (relative path -> contents), recursively.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.insert(path.strip_prefix(root).unwrap().join(""), Vec::new());
                walk(root, &path, out);
            } else {
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for (rel, bytes) in tree(from) {
        let target = to.join(&rel);
        if rel.as_os_str().to_string_lossy().ends_with('/') {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::write(&target, bytes).unwrap();
        }
    }
}

/// The text a `.gen` recipe stands for.
fn expand(recipe: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for line in recipe.lines() {
        let Some((count, text)) = line.split_once('|') else {
            panic!("a .gen line is COUNT|TEXT or |TEXT: {line:?}");
        };
        let count: usize = if count.is_empty() { 1 } else { count.trim().parse().unwrap() };
        let piece = unescape(text);
        for _ in 0..count {
            out.extend_from_slice(&piece);
        }
    }
    out
}

fn unescape(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        match chars.next() {
            Some('n') => out.push(b'\n'),
            Some('t') => out.push(b'\t'),
            Some('r') => out.push(b'\r'),
            Some('\\') => out.push(b'\\'),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(u8::from_str_radix(&hex, 16).unwrap());
            }
            other => panic!("unknown escape \\{other:?} in a .gen file"),
        }
    }
    out
}

/// The arguments of an `args` file: one per line, raw bytes (an argument may be invalid UTF-8),
/// `#` lines skipped, `{dir}` and `{out}` replaced.
fn arguments(bytes: &[u8], dir: &str) -> Vec<std::ffi::OsString> {
    use std::os::unix::ffi::OsStringExt as _;
    let text = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    text.split(|&b| b == b'\n')
        .filter(|line| !line.starts_with(b"#"))
        .map(|line| {
            let mut arg = line.to_vec();
            for (from, to) in [("{dir}", dir), ("{out}", "out")] {
                while let Some(at) = arg.windows(from.len()).position(|w| w == from.as_bytes()) {
                    arg.splice(at..at + from.len(), to.bytes());
                }
            }
            std::ffi::OsString::from_vec(arg)
        })
        .collect()
}

/// What one run gave.
struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// Runs `aikg` in `cwd` with the environment of [`common`], killing it after [`TIMEOUT`].
fn run_aikg(cwd: &Path, args: &[std::ffi::OsString], stdin: Option<&Path>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aikg"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match stdin {
        Some(path) => cmd.stdin(std::fs::File::open(path).unwrap()),
        None => cmd.stdin(Stdio::null()),
    };
    let mut child = cmd.spawn().expect("the aikg binary runs");
    // Read both pipes on threads so that a full pipe cannot stall the child.
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out_pipe.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err_pipe.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("aikg {args:?} ran longer than {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run { code: status.code(), stdout: out_reader.join().unwrap(), stderr: err_reader.join().unwrap() }
}

/// A stream for the snapshot: lossy UTF-8, the scratch path replaced, raw control characters
/// other than newline and tab written `⟦U+001B⟧` (so that the snapshot is plain text and a raw
/// escape sequence stands out from aikg's own `␛` or `\u{1b}`), lines longer
/// than [`LINE`] characters and streams longer than [`SHOWN`] bytes cut, with a note.
fn shown(bytes: &[u8], scratch: &Path) -> String {
    let mut text = String::from_utf8_lossy(bytes).replace(&scratch.display().to_string(), "{scratch}");
    // A panic message names the thread's id, which changes from run to run.
    if let Some(at) = text.find("thread 'main' (") {
        if let Some(close) = text[at..].find(')') {
            text.replace_range(at + "thread 'main' (".len()..at + close, "N");
        }
    }
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let count = line.chars().count();
        for (i, c) in line.chars().enumerate() {
            if i == LINE && count > LINE + 1 {
                out.push_str(&format!("[… cut: {count} characters in all]\n"));
                break;
            }
            match c {
                '\n' | '\t' => out.push(c),
                c if c.is_control() => out.push_str(&format!("⟦U+{:04X}⟧", c as u32)),
                c => out.push(c),
            }
        }
        if out.len() > SHOWN {
            out.push_str(&format!("[… cut: {} bytes in all]\n", bytes.len()));
            break;
        }
    }
    out
}

/// The case copy's files, without the cache, which a successful run may write.
fn inputs(copy: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = tree(copy);
    files.retain(|path, _| !path.starts_with("aikg.cache"));
    files
}

/// Runs the case whose arguments are in `args_file`; returns its snapshot text and the rules it
/// broke.
fn run_case(args_file: &Path) -> (String, Vec<String>) {
    let case_dir = args_file.parent().unwrap();
    let name = case_dir.file_name().unwrap().to_string_lossy().into_owned();
    let rel = format!("{CORPUS}/{name}");
    let scratch = common::Scratch::new(&name);
    let copy = scratch.0.join(&rel);
    std::fs::create_dir_all(&copy).unwrap();
    for (path, bytes) in tree(case_dir) {
        let text = path.to_string_lossy().into_owned();
        if text.starts_with("out/")
            || text.starts_with("args")
            || text.starts_with("stdin")
            || text == "redact"
        {
            continue;
        }
        if text.ends_with('/') {
            std::fs::create_dir_all(copy.join(&path)).unwrap();
        } else if let Some(base) = text.strip_suffix(".gen") {
            std::fs::write(copy.join(base), expand(&String::from_utf8(bytes).unwrap())).unwrap();
        } else {
            std::fs::write(copy.join(&path), bytes).unwrap();
        }
    }
    let out = scratch.0.join("out");
    if case_dir.join("out").is_dir() {
        copy_dir(&case_dir.join("out"), &out);
    }
    let out_before = case_dir.join("out").is_dir().then(|| tree(&out));
    let copy_before = inputs(&copy);
    let args_name = args_file.file_name().unwrap().to_string_lossy().into_owned();
    let stdin = case_dir.join(args_name.replacen("args", "stdin", 1));
    let args = arguments(&std::fs::read(args_file).unwrap(), &rel);
    let run = run_aikg(&scratch.0, &args, stdin.is_file().then_some(stdin.as_path()));

    let label = format!("{rel}/{args_name}");
    let mut broken = Vec::new();
    let stderr = String::from_utf8_lossy(&run.stderr);
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        broken.push(format!("{label}: aikg panicked"));
    }
    if !matches!(run.code, Some(0..=2)) {
        broken.push(format!("{label}: exit {:?}, not 0, 1 or 2", run.code));
    }
    // Nothing but the case copy and the output folder may be in the scratch folder (no
    // temporary folder of an atomic write is left behind), and the inputs are as they were.
    let mut left: Vec<String> = std::fs::read_dir(&scratch.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "tests")
        .collect();
    left.sort();
    if inputs(&copy) != copy_before {
        broken.push(format!("{label}: the input folder changed (more than its cache)"));
    }
    if run.code == Some(0) {
        if !(left.is_empty() || left == ["out"]) {
            broken.push(format!("{label}: stray files after success: {left:?}"));
        }
    } else {
        match &out_before {
            None if !left.is_empty() => {
                broken.push(format!("{label}: partial output left after a failure: {left:?}"))
            }
            None => {}
            Some(before) => {
                if left != ["out"] {
                    broken.push(format!("{label}: stray files after a failure: {left:?}"));
                }
                if tree(&out) != *before {
                    broken.push(format!("{label}: the existing output folder changed on a failure"));
                }
            }
        }
    }

    let shown_args: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    let mut shown_args = shown_args.join(" ");
    if stdin.is_file() {
        shown_args.push_str(&format!(" < {rel}/{}", stdin.file_name().unwrap().to_string_lossy()));
    }
    let mut text = format!(
        "$ aikg {shown_args}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        run.code.map_or("signal".to_string(), |c| c.to_string()),
        shown(&run.stdout, &scratch.0),
        shown(&run.stderr, &scratch.0),
    );
    if let Ok(patterns) = std::fs::read_to_string(case_dir.join("redact")) {
        for pattern in patterns.lines().filter(|l| !l.is_empty()) {
            let re = regex::Regex::new(pattern).unwrap();
            text = re.replace_all(&text, "[redacted]").into_owned();
        }
    }
    (text, broken)
}

/// Every case, snapshotted; the rules are checked for all of them, then reported together.
#[test]
fn bad_input() {
    let mut broken = Vec::new();
    common::settings().bind(|| {
        insta::glob!("../bad-input", "*/args*", |path| {
            let (text, rules) = run_case(path);
            for rule in &rules {
                eprintln!("RULE BROKEN: {rule}");
            }
            broken.extend(rules);
            insta::assert_snapshot!(text);
        });
    });
    assert!(broken.is_empty(), "{} runs broke the rules:\n{}", broken.len(), broken.join("\n"));
}

#[test]
fn every_case_has_arguments_and_the_corpus_is_large() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS);
    let mut runs = 0;
    let mut cases = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        assert!(dir.is_dir(), "{} is not a case folder", dir.display());
        let n = std::fs::read_dir(&dir)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("args"))
            .count();
        assert!(n > 0, "{} has no args file", dir.display());
        runs += n;
        cases += 1;
    }
    assert!(cases >= 40 && runs >= cases, "{cases} cases, {runs} runs");
}

/// A snapshot whose case or `args` file is gone is stale: it would never be checked again.
#[test]
fn every_snapshot_has_a_case() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for entry in std::fs::read_dir(root.join("snapshots")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(run) = name.strip_prefix("bad_input@").and_then(|n| n.strip_suffix(".snap")) else {
            continue;
        };
        let (case, args) = run.split_once("__").unwrap_or((run, ""));
        if !root.join(CORPUS).join(case).join(args).is_file() {
            stale.push(name);
        }
    }
    assert!(stale.is_empty(), "snapshots without a case: {stale:?}");
}

/// The older corpus of broken data folders (`tests/bad-data/`, snapshotted by `bad_data.rs`)
/// obeys the same rules, under every command that opens a dataset.
#[test]
fn bad_data_cases_obey_the_same_rules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(root.join("tests/bad-data")).unwrap() {
        let dir = entry.unwrap().path();
        for command in [&["check"][..], &["stats"], &["export", "--to", "json"]] {
            let mut args = vec!["--data".into(), dir.clone().into_os_string()];
            args.extend(command.iter().map(Into::into));
            let run = run_aikg(root, &args, None);
            let stderr = String::from_utf8_lossy(&run.stderr);
            assert!(!stderr.contains("panicked"), "{}: {stderr}", dir.display());
            assert!(matches!(run.code, Some(0..=2)), "{}: exit {:?}", dir.display(), run.code);
        }
    }
}
