//! The loader on arbitrary text: the first byte picks which of the three files of a small valid
//! dataset is replaced by the rest of the input. It must return a dataset or diagnostics, never
//! panic, and every diagnostic must render.
#![no_main]

use aikg::diag::{render, Texts};
use libfuzzer_sys::fuzz_target;

const SCHEMA: &str = include_str!("../../tests/fixtures/supply/schema.toml");
const SOURCES: &str = include_str!("../../tests/fixtures/supply/sources.toml");
const CHAIN: &str = include_str!("../../tests/fixtures/supply/chain.toml");

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let mut files = vec![
        ("schema.toml".to_string(), SCHEMA.to_string()),
        ("sources.toml".to_string(), SOURCES.to_string()),
        ("chain.toml".to_string(), CHAIN.to_string()),
    ];
    files[usize::from(which % 3)].1 = text.to_string();
    let texts = Texts { files };
    match aikg::load::load(&texts) {
        Ok(loaded) => {
            let g = aikg::graph::KnowledgeGraph::new(loaded.dataset);
            let _ = aikg::export::to_json(&g.dataset);
        }
        Err(aikg::load::LoadError::Invalid(diags)) => {
            for d in diags {
                let (name, text) = &texts.files[d.file];
                let _ = render(&d, name, text);
            }
        }
        Err(aikg::load::LoadError::MissingFile(_)) => {}
    }
});
