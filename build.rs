//! Embeds the built-in dataset into the binary, so that `aikg` needs no files at run time: every
//! `data/*.toml` file as text (for `check` and its diagnostics), and the dataset they make,
//! loaded and validated here once, in the binary cache format, so that a command starts without
//! parsing TOML. If the data does not load, the cache is left empty and `aikg` reads the text at
//! run time, which reports the errors.

use std::{env, fs, path::Path};

// The build-time core (see the crate docs in src/lib.rs): these files import only each other,
// std and the build-dependencies; tests/it/core_boundary.rs holds them to it.
#[allow(dead_code)]
#[path = "src/cache.rs"]
mod cache;
#[allow(dead_code)]
#[path = "src/diag.rs"]
mod diag;
#[allow(dead_code)]
#[path = "src/fields.rs"]
mod fields;
#[allow(dead_code)]
#[path = "src/items.rs"]
mod items;
#[allow(dead_code)]
#[path = "src/load/mod.rs"]
mod load;
#[allow(dead_code)]
#[path = "src/model.rs"]
mod model;

fn main() {
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let data = Path::new(&manifest).join("data");
    println!("cargo:rerun-if-changed=data");
    for module in ["src/cache.rs", "src/diag.rs", "src/fields.rs", "src/items.rs", "src/load", "src/model.rs"]
    {
        println!("cargo:rerun-if-changed={module}");
    }
    let mut names: Vec<String> = fs::read_dir(&data)
        .expect("the data folder exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut out = String::from("/// The built-in dataset: (path, contents), sorted by path.\npub static FILES: &[(&str, &str)] = &[\n");
    let mut files = Vec::new();
    for n in &names {
        println!("cargo:rerun-if-changed=data/{n}");
        let path = data.join(n);
        out.push_str(&format!("    (\"data/{n}\", include_str!({:?})),\n", path.display().to_string()));
        files.push((format!("data/{n}"), fs::read_to_string(&path).unwrap_or_default()));
    }
    out.push_str("];\n");
    let cache = match load::load(&diag::Texts { files }) {
        Ok(loaded) => cache::encode(&loaded.dataset, cache::BUILT_IN),
        Err(_) => Vec::new(),
    };
    let bin = Path::new(&out_dir).join("embedded.bin");
    fs::write(&bin, cache).expect("OUT_DIR is writable");
    out.push_str(&format!(
        "/// The built-in dataset in the cache format (empty if it does not load).\npub static CACHE: &[u8] = include_bytes!({:?});\n",
        bin.display().to_string()
    ));
    fs::write(Path::new(&out_dir).join("embedded.rs"), out).expect("OUT_DIR is writable");
}
