//! The query front end (lexer, parser, checks) and the executor on a three-node graph, on
//! arbitrary text: an error must render with a caret, never panic.
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use aikg::diag::{render, Texts};
use aikg::graph::KnowledgeGraph;
use libfuzzer_sys::fuzz_target;

fn mini() -> &'static KnowledgeGraph {
    static G: OnceLock<KnowledgeGraph> = OnceLock::new();
    G.get_or_init(|| {
        let files = [
            ("schema.toml", include_str!("../../tests/fixtures/mini/schema.toml")),
            ("sources.toml", include_str!("../../tests/fixtures/mini/sources.toml")),
            ("chain.toml", include_str!("../../tests/fixtures/mini/chain.toml")),
        ];
        let texts = Texts::of(files);
        match aikg::load::load(&texts) {
            Ok(l) => KnowledgeGraph::new(l.dataset),
            Err(_) => std::process::abort(),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut params = BTreeMap::new();
    params.insert("p".to_string(), aikg::query::parse_param("1"));
    if let Err(e) = aikg::query::run(mini(), text, &params, Some(std::time::Duration::from_secs(2))) {
        let _ = render(&e.diagnostic(), "query", text);
    }
});
