//! The executor on the built-in graph: the input picks a query shape from a small grammar of
//! patterns, filters and projections, so that most inputs parse and run. Each query runs on the
//! graph loaded from the text files (items in vectors) and on the graph opened from the built-in
//! cache (items decoded on first use, labels, relations and ends read from the store's columns),
//! as the command line opens it, and the two must answer alike.
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use aikg::graph::KnowledgeGraph;
use libfuzzer_sys::fuzz_target;

fn from_text() -> &'static KnowledgeGraph {
    static G: OnceLock<KnowledgeGraph> = OnceLock::new();
    G.get_or_init(|| {
        let texts = aikg::embedded::texts();
        match aikg::load::load(&texts) {
            Ok(l) => KnowledgeGraph::new(l.dataset),
            Err(_) => std::process::abort(),
        }
    })
}

fn from_cache() -> &'static KnowledgeGraph {
    static G: OnceLock<KnowledgeGraph> = OnceLock::new();
    G.get_or_init(|| match aikg::cache::decode_built_in(aikg::embedded::CACHE) {
        Some((dataset, index)) => KnowledgeGraph::with_index(dataset, Some(index)),
        None => std::process::abort(),
    })
}

const NODES: &[&str] = &[
    "(a)",
    "(a:Chip)",
    "(a {id: 'h100'})",
    "(a:Company)",
    "(a:Project {segment: 'compute'})",
    "(b)",
    "(b:Chip)",
    "()",
];
const RELS: &[&str] = &[
    "-->",
    "<--",
    "--",
    "-[r]->",
    "-[:MANUFACTURES]->",
    "<-[:OFFERS|USES]-",
    "-[*1..2]-",
    "-[r:SUPPLIES*..3]->",
    "-[*0..1]->",
];
const ENDS: &[&str] = &["(b)", "(b:Chip)", "(c)", "(c:Company)", "(a)", "()"];
const WHERES: &[&str] = &[
    "",
    " WHERE a.id STARTS WITH 'h'",
    " WHERE b.memory_gb > 80",
    " WHERE NOT a.id IN ['tsmc', null]",
    " WHERE a.name =~ '.*A.*' OR b IS NULL",
    " WHERE r.share_pct >= 10",
];
const RETURNS: &[&str] = &[
    " RETURN a.id, count(*) AS n ORDER BY n DESC, a.id LIMIT 5",
    " RETURN DISTINCT labels(a), type(r) LIMIT 20",
    " WITH a, collect(b.id) AS bs RETURN a.id, size(bs) ORDER BY a.id SKIP 1 LIMIT 3",
    " RETURN a.id, b.id LIMIT 3",
    " UNWIND [1, 2.5, null, 'x'] AS x RETURN x, a.id ORDER BY x LIMIT 4",
    " RETURN sum(toFloat(a.memory_gb)) AS s, avg(1) AS m, min(a.id), max(b.id)",
    " RETURN *",
];

fuzz_target!(|data: &[u8]| {
    if data.len() < 6 {
        return;
    }
    let pick = |i: usize, list: &[&'static str]| list[usize::from(data[i]) % list.len()];
    let optional = if data[5] % 4 == 0 { "OPTIONAL " } else { "" };
    let query = format!(
        "{optional}MATCH {}{}{}{}{}",
        pick(0, NODES),
        pick(1, RELS),
        pick(2, ENDS),
        pick(3, WHERES),
        pick(4, RETURNS)
    );
    let run = |g| aikg::query::run(g, &query, &BTreeMap::new(), Some(std::time::Duration::from_secs(2)));
    let timed_out = |e: &aikg::query::QueryError| e.message.contains("did not finish");
    match (run(from_text()), run(from_cache())) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{query}"),
        (Err(a), Err(b)) if !timed_out(&a) && !timed_out(&b) => assert_eq!(a.message, b.message, "{query}"),
        (a, b) => {
            let timed = |r: &Result<_, aikg::query::QueryError>| r.as_ref().err().is_some_and(timed_out);
            assert!(timed(&a) || timed(&b), "{query}: {:?} against {:?}", a.err(), b.err());
        }
    }
});
