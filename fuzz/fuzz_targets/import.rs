//! The importers and the cache reader on arbitrary bytes. The first byte picks the input:
//! 0 a JSON document, 1-3 one of the three CSV files of a small valid export (nodes, edges,
//! sources; the other two stay valid), 4 a forged cache: the small dataset's cache with bytes
//! set by the input (three bytes each: where, two bytes, and the value), read without its
//! checksum so that the damage reaches the reader. Each must return a dataset or an error, never
//! panic; every diagnostic must render; a JSON import that succeeds must export back to a
//! document that imports to the same dataset; a forged cache that opens must read whole (every
//! record, source and domain, the columns, a graph and a query over it).
#![no_main]

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use aikg::diag::{render, Texts};
use aikg::load::{LoadError, Loaded};
use libfuzzer_sys::fuzz_target;

const SCHEMA: &str = include_str!("../../tests/fixtures/supply/schema.toml");
const SOURCES: &str = include_str!("../../tests/fixtures/supply/sources.toml");
const CHAIN: &str = include_str!("../../tests/fixtures/supply/chain.toml");

/// The fixture, loaded.
fn fixture() -> aikg::model::Dataset {
    let texts = Texts {
        files: vec![
            ("schema.toml".into(), SCHEMA.into()),
            ("sources.toml".into(), SOURCES.into()),
            ("chain.toml".into(), CHAIN.into()),
        ],
    };
    aikg::load::load(&texts).expect("the fixture loads").dataset
}

/// The fixture's CSV export: nodes, edges, sources.
fn csv_files() -> &'static Vec<(String, String)> {
    static FILES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let files = aikg::export::to_csv(&fixture()).expect("the fixture exports to CSV");
        files.into_iter().map(|(n, t)| (n.to_string(), t)).collect()
    })
}

/// The fixture's cache.
fn cache() -> &'static Vec<u8> {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| aikg::cache::encode(&fixture(), b""))
}

/// The fixture's cache with the bytes `edits` sets, read whole if it opens.
fn forged(edits: &[u8]) {
    let mut bytes = cache().clone();
    for e in edits.chunks_exact(3) {
        let at = usize::from(u16::from_le_bytes([e[0], e[1]])) % bytes.len();
        bytes[at] = e[2];
    }
    let Some((d, index)) = aikg::cache::decode_unsummed(Arc::new(bytes), b"") else { return };
    let _ = format!("{d:?} {:?}", d.schema.domains);
    let g = aikg::graph::KnowledgeGraph::with_index(d, Some(index));
    for ix in 0..g.node_count() {
        let d = &g.dataset;
        let _ = (d.node_id(ix), d.node_name(ix), d.node_kind(ix), d.node_layer(ix));
        let _ = g.id_lookup(d.node_id(ix));
    }
    let query = "MATCH (a)-[r]->(b) RETURN a.id, a.name, type(r), b.id, count(*) ORDER BY a.id LIMIT 50";
    let _ = aikg::query::run(&g, query, &BTreeMap::new(), None);
}

fn check(result: Result<Loaded, LoadError>, texts: &Texts) -> Option<Loaded> {
    match result {
        Ok(loaded) => Some(loaded),
        Err(LoadError::Invalid(diags)) => {
            for d in diags {
                let (name, text) = &texts.files[d.file];
                let _ = render(&d, name, text);
            }
            None
        }
        Err(LoadError::MissingFile(_)) => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    if which % 5 == 4 {
        forged(rest);
        return;
    }
    let Ok(text) = std::str::from_utf8(rest) else { return };
    if which % 5 == 0 {
        let texts = Texts { files: vec![("in.json".into(), text.to_string())] };
        if let Some(loaded) = check(aikg::import::from_json(&texts), &texts) {
            let json = aikg::export::to_json(&loaded.dataset);
            let again = Texts { files: vec![("again.json".into(), json.clone())] };
            let back = aikg::import::from_json(&again).expect("an export imports");
            assert_eq!(aikg::export::to_json(&back.dataset), json);
        }
        return;
    }
    let mut files = vec![("schema.toml".to_string(), SCHEMA.to_string())];
    files.extend(csv_files().iter().cloned());
    files[usize::from(which % 5)].1 = text.to_string();
    let texts = Texts { files };
    if let Some(loaded) = check(aikg::import::from_csv(&texts), &texts) {
        let _ = aikg::export::to_toml(&loaded.dataset);
    }
});
