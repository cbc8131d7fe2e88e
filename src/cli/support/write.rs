//! Writing results: standard output (a closed pipe is a success) and files, always through a
//! temporary file or folder renamed into place, so a failed run leaves nothing half-written.

use std::io::{self, Write};
use std::path::Path;

use super::error::{CliError, Result};
use super::open::{stamp, CACHE_FILE};
use crate::model::Dataset;

/// Writes to standard output; a closed pipe (`aikg list | head`) is a success.
pub(in crate::cli) fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(CliError::failure(format!("cannot write to standard output: {e}")))
        }
        _ => Ok(()),
    }
}

/// Removes what a killed run left while writing `name` into `dir`: temporary files and folders
/// named `.NAME.aikg-tmp-PID` whose process is gone. Where the system cannot say whether a
/// process lives (no `/proc`), nothing is removed.
fn clear_leftovers(dir: &Path, name: &str) {
    let proc = Path::new("/proc");
    if !proc.is_dir() {
        return;
    }
    let prefix = format!(".{name}.aikg-tmp-");
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = file.strip_prefix(&prefix).and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid != std::process::id() && !proc.join(pid.to_string()).exists() {
            let path = entry.path();
            let _ = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
        }
    }
}

/// Writes `bytes` to `path` atomically (a temporary file in the same folder, then a rename), or
/// to standard output when there is no path. A failed run leaves no partial file.
pub fn write_output(path: Option<&Path>, bytes: &[u8]) -> Result<()> {
    let Some(path) = path else {
        return write_stdout(bytes);
    };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| CliError::bad_input(format!("`{}` is not a file path", path.display())))?;
    clear_leftovers(dir, &name.to_string_lossy());
    let tmp = dir.join(format!(".{}.aikg-tmp-{}", name.to_string_lossy(), std::process::id()));
    let fail = |e: io::Error| CliError::failure(format!("cannot write `{}`: {e}", path.display()));
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })
}

/// Writes several files into `dir` as one: each to a temporary file first, then all renamed, so
/// that a failure while writing leaves none of them behind.
pub fn write_files<T: AsRef<[u8]>>(dir: &Path, files: &[(&str, T)]) -> Result<()> {
    let mut staged = Vec::new();
    let mut result = Ok(());
    for (name, contents) in files {
        clear_leftovers(dir, name);
        let tmp = dir.join(format!(".{name}.aikg-tmp-{}", std::process::id()));
        if let Err(e) = std::fs::write(&tmp, contents) {
            result = Err(CliError::failure(format!("cannot write `{}`: {e}", dir.join(name).display())));
            let _ = std::fs::remove_file(&tmp);
            break;
        }
        staged.push((tmp, dir.join(name)));
    }
    if result.is_ok() {
        for (done, (tmp, path)) in staged.iter().enumerate() {
            if let Err(e) = std::fs::rename(tmp, path) {
                result = Err(CliError::failure(format!("cannot write `{}`: {e}", path.display())));
                // The set is whole or absent: take back the files already renamed.
                for (_, written) in &staged[..done] {
                    let _ = std::fs::remove_file(written);
                }
                break;
            }
        }
    }
    for (tmp, _) in &staged {
        let _ = std::fs::remove_file(tmp);
    }
    result
}

/// Checks, before any work, that `dir` can become a dataset folder: it does not exist, or is an
/// empty folder, or `force` allows replacing a folder.
pub fn check_output_folder(dir: &Path, force: bool) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(CliError::bad_input(format!("`{}` is a file, not a folder", dir.display())));
    }
    let occupied = std::fs::read_dir(dir).map(|mut entries| entries.next().is_some()).unwrap_or(false);
    if occupied && !force {
        return Err(CliError::bad_input(format!("`{}` exists and is not empty", dir.display()))
            .with_help("name a new folder, or pass --force to replace it"));
    }
    Ok(())
}

/// Writes a dataset folder (TOML files and the cache) as a whole: into a temporary folder
/// beside `dir`, renamed into place at the end, so that a failure leaves nothing behind.
pub fn write_dataset(dir: &Path, d: &mut Dataset, force: bool) -> Result<()> {
    write_folder(dir, d, force, true)
}

/// Writes a dataset folder that holds the binary cache only (a large import), the same way.
/// `--data` opens it from the cache; `check` and an aikg whose cache format differs cannot.
pub fn write_cache_only(dir: &Path, d: &mut Dataset, force: bool) -> Result<()> {
    write_folder(dir, d, force, false)
}

fn write_folder(dir: &Path, d: &mut Dataset, force: bool, toml: bool) -> Result<()> {
    let fail = |what: &str, path: &Path, e: std::io::Error| {
        CliError::failure(format!("cannot {what} `{}`: {e}", path.display()))
    };
    check_output_folder(dir, force)?;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "dataset".into());
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    clear_leftovers(parent, &name);
    let tmp = dir.with_file_name(format!(".{name}.aikg-tmp-{}", std::process::id()));
    let files = if toml { crate::export::to_toml(d) } else { Vec::new() };
    // The nodes now live in the folder's nodes.toml: their origins say so, in the cache too.
    if let Some((name, text)) = files.iter().find(|(name, _)| *name == "nodes.toml") {
        let file: std::sync::Arc<str> = dir.join(name).display().to_string().into();
        let headers = text.lines().enumerate().filter(|(_, l)| *l == "[[node]]").map(|(i, _)| i + 1);
        for (node, line) in d.nodes.iter_mut().zip(headers) {
            node.origin = crate::model::Origin { file: file.clone(), line };
        }
    }
    let result = (|| {
        std::fs::create_dir_all(&tmp).map_err(|e| fail("create", &tmp, e))?;
        let mut paths = Vec::new();
        for (file, text) in files {
            let path = tmp.join(file);
            std::fs::write(&path, text).map_err(|e| fail("write", &path, e))?;
            paths.push(path);
        }
        // The stamp records sizes and times, which a rename keeps, in the order `open` lists them.
        paths.sort();
        let cache = crate::cache::encode(d, &stamp(&paths));
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
