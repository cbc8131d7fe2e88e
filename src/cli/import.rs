//! `aikg import FILE.. -o DIR`: a JSON export, or Neo4j admin-import CSV files, into a dataset
//! folder that `--data DIR` opens. The folder gets the TOML files of `data/FORMAT.md` and a
//! binary cache, so that opening it does not parse the TOML again.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::{load_error, note, read_texts, CliError, Result, CACHE_FILE};
use crate::diag::Texts;
use crate::load::Loaded;
use crate::model::Dataset;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// One JSON file as `export --to json` writes it, or CSV files as `export --to csv` writes
    /// them (a nodes, an edges and a sources file, told apart by their headers)
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The dataset folder to write; it must not exist or be empty, unless --force
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    /// The schema.toml that CSV files follow [default: the built-in schema]
    #[arg(long, value_name = "FILE")]
    schema: Option<PathBuf>,
    /// Replace the folder if it exists
    #[arg(long)]
    force: bool,
}

pub fn run(args: Args) -> Result<()> {
    let mut progress = Progress::new(4);
    let is =
        |ext: &str| args.files.iter().all(|f| f.extension().is_some_and(|x| x.eq_ignore_ascii_case(ext)));
    progress.step("reading");
    let (texts, loaded) = if is("json") && args.files.len() == 1 {
        if args.schema.is_some() {
            return Err(CliError::bad_input(
                "--schema applies to CSV files; a JSON export carries its schema",
            ));
        }
        let texts = read_texts(&args.files)?;
        progress.step("checking");
        let loaded = crate::import::from_json(&texts);
        (texts, loaded)
    } else if is("csv") {
        let mut texts = match &args.schema {
            Some(path) => read_texts(std::slice::from_ref(path))?,
            None => builtin_schema(),
        };
        texts.files.extend(read_texts(&args.files)?.files);
        progress.step("checking");
        let loaded = crate::import::from_csv(&texts);
        (texts, loaded)
    } else {
        return Err(CliError::bad_input("import takes one .json file or .csv files")
            .with_help("`aikg export --to json` and `aikg export --to csv -o DIR` write them"));
    };
    let Loaded { dataset, warnings } = loaded.map_err(|e| load_error(e, &texts, None))?;
    progress.step("writing");
    write_dataset(&args.output, &dataset, args.force)?;
    progress.done();
    let n = warnings.len();
    note(&format!(
        "imported {} nodes, {} edges and {} sources into {}{}\n",
        dataset.nodes.len(),
        dataset.edges.len(),
        dataset.sources.len(),
        args.output.display(),
        if n == 0 {
            String::new()
        } else {
            format!(" ({n} warnings: see `aikg --data {} check`)", args.output.display())
        }
    ));
    Ok(())
}

fn builtin_schema() -> Texts {
    let schema = crate::embedded::FILES.iter().find(|(p, _)| p.ends_with("/schema.toml"));
    Texts { files: schema.map(|(p, t)| (p.to_string(), t.to_string())).into_iter().collect() }
}

/// Writes a dataset folder (TOML files and the cache) as a whole: into a temporary folder
/// beside `dir`, renamed into place at the end, so that a failure leaves nothing behind.
pub fn write_dataset(dir: &Path, d: &Dataset, force: bool) -> Result<()> {
    let fail = |what: &str, path: &Path, e: std::io::Error| {
        CliError::failure(format!("cannot {what} `{}`: {e}", path.display()))
    };
    let occupied = std::fs::read_dir(dir).map(|mut entries| entries.next().is_some()).unwrap_or(false);
    if occupied && !force {
        return Err(CliError::bad_input(format!("`{}` exists and is not empty", dir.display()))
            .with_help("name a new folder, or pass --force to replace it"));
    }
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "dataset".into());
    let tmp = dir.with_file_name(format!(".{name}.aikg-tmp-{}", std::process::id()));
    let result = (|| {
        std::fs::create_dir_all(&tmp).map_err(|e| fail("create", &tmp, e))?;
        let mut paths = Vec::new();
        for (file, text) in crate::export::to_toml(d) {
            let path = tmp.join(file);
            std::fs::write(&path, text).map_err(|e| fail("write", &path, e))?;
            paths.push(path);
        }
        // The stamp records sizes and times, which a rename keeps, in the order `open` lists them.
        paths.sort();
        let cache = crate::cache::encode(d, &super::stamp(&paths));
        std::fs::write(tmp.join(CACHE_FILE), cache).map_err(|e| fail("write", &tmp.join(CACHE_FILE), e))?;
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| fail("replace", dir, e))?;
        }
        std::fs::rename(&tmp, dir).map_err(|e| fail("create", dir, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

/// A progress bar on standard error for work that takes more than a second, shown only on a
/// terminal (a pipe or a log gets nothing). A thread redraws it while the steps run.
pub struct Progress {
    state: Arc<Shared>,
    painter: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    pub fn new(steps: usize) -> Self {
        let state = Arc::new(Shared::default());
        let painter = std::io::stderr().is_terminal().then(|| {
            let state = Arc::clone(&state);
            std::thread::spawn(move || paint(&state, steps))
        });
        Progress { state, painter }
    }

    /// Marks the start of the next step.
    pub fn step(&mut self, label: &str) {
        if let Ok(mut s) = self.state.now.lock() {
            s.step += 1;
            s.label = label.to_string();
        }
    }

    /// Stops and clears the bar.
    pub fn done(&mut self) {
        if let Ok(mut s) = self.state.now.lock() {
            s.finished = true;
        }
        self.state.wake.notify_all();
        if let Some(p) = self.painter.take() {
            let _ = p.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done();
    }
}

/// What the painter thread reads: the current step, and a signal to stop.
#[derive(Default)]
struct Shared {
    now: Mutex<Now>,
    wake: Condvar,
}

#[derive(Default)]
struct Now {
    step: usize,
    label: String,
    finished: bool,
}

fn paint(state: &Shared, steps: usize) {
    let start = Instant::now();
    let mut shown = false;
    let Ok(mut s) = state.now.lock() else { return };
    while !s.finished {
        s = match state.wake.wait_timeout(s, Duration::from_millis(100)) {
            Ok((s, _)) => s,
            Err(_) => return,
        };
        let secs = start.elapsed().as_secs_f64();
        if secs > 1.0 && !s.finished {
            let filled = (20 * s.step.saturating_sub(1) / steps.max(1)).min(20);
            let bar = format!("{}{}", "#".repeat(filled), "-".repeat(20 - filled));
            let _ = write!(std::io::stderr(), "\r[{bar}] {}/{steps} {:<10} {secs:5.1}s", s.step, s.label);
            shown = true;
        }
    }
    if shown {
        let _ = write!(std::io::stderr(), "\r{}\r", " ".repeat(50));
    }
}
