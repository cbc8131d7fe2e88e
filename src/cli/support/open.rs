//! Opening a dataset: the built-in one or a folder, from its binary cache when the cache is
//! current, with located errors for files that do not load.

use std::path::{Path, PathBuf};

use super::error::{CliError, Result};
use super::write::write_output;
use crate::diag::{render as render_diag, Diagnostic, Texts};
use crate::load::{load, LoadError, Loaded};
use crate::model::Dataset;

/// A loaded dataset, with the texts and warnings when it was read from text (not from a cache).
pub(in crate::cli) struct Opened {
    pub(in crate::cli) dataset: Dataset,
    pub(in crate::cli) texts: Texts,
    pub(in crate::cli) warnings: Vec<Diagnostic>,
    /// The index stored with the dataset in its cache (`None` when read from text).
    pub(in crate::cli) index: Option<crate::cache::Index>,
}

/// The name of the binary cache in a dataset folder.
pub const CACHE_FILE: &str = "aikg.cache";

/// Opens the built-in dataset or the folder `dir`, from the binary cache when `cached` allows it
/// and the cache is current. A folder whose cache is stale gets a fresh one; a folder without a
/// cache (a hand-edited dataset) is not written to.
pub(in crate::cli) fn open(dir: Option<&Path>, cached: bool) -> Result<Opened> {
    let from_cache = |(dataset, index)| Opened {
        dataset,
        texts: Texts::default(),
        warnings: Vec::new(),
        index: Some(index),
    };
    let Some(dir) = dir else {
        if let Some(d) = cached.then(|| crate::cache::decode_built_in(crate::embedded::CACHE)).flatten() {
            return Ok(from_cache(d));
        }
        let texts = crate::embedded::texts();
        let Loaded { dataset, warnings } = load(&texts).map_err(|e| load_error(e, &texts, None))?;
        return Ok(Opened { dataset, texts, warnings, index: None });
    };
    let paths = toml_files(dir)?;
    let stamp = stamp(&paths);
    let cache_path = dir.join(CACHE_FILE);
    let cache = std::fs::read(&cache_path).ok();
    let found = cache.is_some();
    if let Some(d) =
        cache.filter(|_| cached).and_then(|b| crate::cache::decode_indexed(std::sync::Arc::new(b), &stamp))
    {
        return Ok(from_cache(d));
    }
    if paths.is_empty() && found {
        let why =
            if cached { " that this version of aikg cannot read" } else { ": `check` reads TOML files" };
        let message = format!("`{}` holds only a binary cache ({CACHE_FILE}){why}", dir.display());
        return Err(CliError::bad_input(message).with_help(
            "a large import writes the cache only; import the files again (--toml writes the TOML files too)",
        ));
    }
    let texts = read_texts(&paths)?;
    let Loaded { dataset, warnings } = load(&texts).map_err(|e| load_error(e, &texts, Some(dir)))?;
    if found {
        // Best effort: a read-only folder still opens, only more slowly next time.
        let _ = write_output(Some(&cache_path), &crate::cache::encode(&dataset, &stamp));
    }
    Ok(Opened { dataset, texts, warnings, index: None })
}

/// What a cache was made from: each data file's name, size and modification time.
pub fn stamp(paths: &[PathBuf]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).ok();
        let modified = meta.as_ref().and_then(|m| m.modified().ok());
        let since = modified.and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).unwrap_or_default();
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        out.extend_from_slice(
            format!("{name}\t{}\t{}\n", meta.map_or(0, |m| m.len()), since.as_nanos()).as_bytes(),
        );
    }
    out
}

/// Every `*.toml` file of a dataset folder, sorted by name.
fn toml_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        let err = CliError::bad_input(format!("cannot open the dataset folder `{}`: {e}", dir.display()));
        err.with_help("--data takes a folder with schema.toml, sources.toml and layer files")
    })?;
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| CliError::failure(format!("cannot list `{}`: {e}", dir.display())))?;
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "toml") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}

/// Reads data files as UTF-8 text.
pub(crate) fn read_texts(paths: &[PathBuf]) -> Result<Texts> {
    let files = paths.iter().map(|p| Ok((p.display().to_string(), read_text(p)?))).collect::<Result<_>>()?;
    Ok(Texts { files })
}

/// Reads a file a person named: a missing file is bad input (exit 2), any other failure to read
/// it is not (exit 1); text that is not UTF-8 is a located error at its first bad byte.
pub(in crate::cli) fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| {
        let err = format!("cannot read `{}`: {e}", path.display());
        if e.kind() == std::io::ErrorKind::NotFound {
            CliError::bad_input(err)
        } else {
            CliError::failure(err)
        }
    })?;
    String::from_utf8(bytes).map_err(|e| not_utf8(path, &e))
}

/// A located error for a file that is not UTF-8, pointing at the first bad byte.
fn not_utf8(path: &Path, e: &std::string::FromUtf8Error) -> CliError {
    let at = e.utf8_error().valid_up_to();
    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
    // The lossy text keeps every valid byte before the first invalid one in place.
    let d =
        Diagnostic::error(0, at..at + 1, "the file is not UTF-8 text").with_help("save the file as UTF-8");
    CliError::bad_input_text(render_diag(&d, &path.display().to_string(), &text))
}

pub(crate) fn load_error(e: LoadError, texts: &Texts, dir: Option<&Path>) -> CliError {
    match e {
        LoadError::MissingFile(name) => {
            let place = dir.map_or("the built-in dataset".to_string(), |d| format!("`{}`", d.display()));
            CliError::bad_input(format!("{place} has no {name}"))
                .with_help("a dataset folder holds schema.toml, sources.toml and one file per layer")
        }
        LoadError::Invalid(diags) => {
            let mut text = render_diags(&diags, texts);
            let n = diags.len();
            text.push_str(&format!("error: the dataset has {n} error{}\n", if n == 1 { "" } else { "s" }));
            CliError::bad_input_text(text)
        }
    }
}

pub(in crate::cli) fn render_diags(diags: &[Diagnostic], texts: &Texts) -> String {
    diags
        .iter()
        .map(|d| {
            let (name, text) = &texts.files[d.file];
            render_diag(d, name, text) + "\n"
        })
        .collect()
}
