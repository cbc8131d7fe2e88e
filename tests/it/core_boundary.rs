//! The build-time core holds (see the crate docs in `src/lib.rs`): the files `build.rs` compiles
//! by `#[path]` import, outside their tests, only each other, the standard library and the
//! build-dependencies. The set is read from `build.rs` itself, so adding a file there puts it
//! under the rule.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The modules `build.rs` includes, as (module name, file or folder under the crate root).
fn core_modules() -> Vec<(String, PathBuf)> {
    let build = std::fs::read_to_string(Path::new(ROOT).join("build.rs")).unwrap();
    let lines: Vec<&str> = build.lines().map(str::trim).collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(path) = line.strip_prefix("#[path = \"").and_then(|l| l.strip_suffix("\"]")) else {
            continue;
        };
        let module = lines[i + 1].strip_prefix("mod ").and_then(|l| l.strip_suffix(';')).unwrap();
        let file = Path::new(ROOT).join(path);
        // A `mod.rs` brings its folder.
        let place = if file.ends_with("mod.rs") { file.parent().unwrap().to_path_buf() } else { file };
        out.push((module.to_string(), place));
    }
    out
}

/// The `.rs` files of a core module.
fn files_of(place: &Path) -> Vec<PathBuf> {
    if place.is_file() {
        return vec![place.to_path_buf()];
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(place)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    files
}

/// The dependency names of one `[section]` of Cargo.toml, with `-` read as `_`.
fn dependencies(section: &str) -> BTreeSet<String> {
    let manifest = std::fs::read_to_string(Path::new(ROOT).join("Cargo.toml")).unwrap();
    let mut out = BTreeSet::new();
    let mut inside = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            inside = line.trim() == section;
        } else if inside {
            if let Some((name, _)) = line.split_once('=') {
                if !name.trim().is_empty() && !name.trim_start().starts_with('#') {
                    out.insert(name.trim().replace('-', "_"));
                }
            }
        }
    }
    out
}

/// The code of a file without its tests (everything from the first `#[cfg(test)]`) and
/// without comments.
fn code(file: &Path) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    let text = text.split("#[cfg(test)]").next().unwrap();
    text.lines().map(|l| l.split("//").next().unwrap()).collect::<Vec<_>>().join("\n")
}

/// The names that follow `prefix` as a path segment (`crate::model::x` gives `model`).
fn segments_after<'a>(code: &'a str, prefix: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
        out.push(&rest[..end]);
    }
    out
}

/// Every way a core file breaks the rule, as "file: what".
fn violations() -> Vec<String> {
    let modules = core_modules();
    let core: BTreeSet<&str> = modules.iter().map(|(m, _)| m.as_str()).collect();
    let build_deps = dependencies("[build-dependencies]");
    let other_deps: BTreeSet<String> =
        dependencies("[dependencies]").difference(&build_deps).cloned().collect();
    let mut out = Vec::new();
    for (_, place) in &modules {
        for file in files_of(place) {
            let code = code(&file);
            let name = file.strip_prefix(ROOT).unwrap().display().to_string();
            for m in segments_after(&code, "crate::") {
                if !core.contains(m) {
                    out.push(format!("{name}: uses `crate::{m}`, outside the core"));
                }
            }
            for dep in &other_deps {
                if !segments_after(&code, &format!("{dep}::")).is_empty()
                    || code.contains(&format!("use {dep};"))
                {
                    out.push(format!("{name}: uses `{dep}`, not a build-dependency"));
                }
            }
            if code.contains("aikg::") {
                out.push(format!("{name}: names the `aikg` crate"));
            }
        }
    }
    out
}

#[test]
fn the_core_is_what_build_rs_includes() {
    let names: Vec<String> = core_modules().into_iter().map(|(m, _)| m).collect();
    assert_eq!(names, ["cache", "diag", "fields", "items", "load", "model"]);
}

#[test]
fn the_core_imports_only_the_core() {
    assert_eq!(violations(), Vec::<String>::new());
}

#[test]
fn the_check_sees_a_violation() {
    let code = "use crate::model::*;\nuse crate::graph::KnowledgeGraph;\nfn f() { crate::diag::x(); }";
    assert_eq!(segments_after(code, "crate::"), ["model", "graph", "diag"]);
    assert!(segments_after("use mycrate::x;", "crate::").is_empty());
    assert_eq!(segments_after("let r = regex::Regex::new(\"\");", "regex::"), ["Regex"]);
}
