//! In-process timings of typical work on the built-in data: loading the embedded dataset and
//! running a three-hop Cypher query with a filter and an aggregation. A benchmark, not a test:
//! `cargo bench --bench query` prints the median and the spread of repeated runs.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use aikg::graph::KnowledgeGraph;

const THREE_HOPS: &str = "MATCH (n:Project {segment: 'compute'})-[:OFFERS|USES]->(c:Chip)-[:CONTAINS]->(h:Technology)<-[:MANUFACTURES]-(m:Company) \
     WHERE h.id STARTS WITH 'hbm' \
     RETURN m.name AS maker, count(DISTINCT n) AS networks ORDER BY networks DESC, maker";

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, Duration) {
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    samples.sort();
    (samples[0], samples[runs / 2], samples[runs - 1])
}

fn load() -> KnowledgeGraph {
    let texts = aikg::embedded::texts();
    match aikg::load::load(&texts) {
        Ok(l) => KnowledgeGraph::new(l.dataset),
        Err(e) => panic!("the built-in data does not load: {e:?}"),
    }
}

fn main() {
    let (min, median, max) = time(30, load);
    println!("load built-in data:        median {median:?} (min {min:?}, max {max:?}, 30 runs)");
    let (min, median, max) =
        time(200, || aikg::cache::decode(aikg::embedded::CACHE, b"built-in").map(|d| d.nodes.len()));
    println!("decode the built-in cache:  median {median:?} (min {min:?}, max {max:?}, 200 runs)");
    let (min, median, max) = time(200, || {
        aikg::cache::decode(aikg::embedded::CACHE, b"built-in")
            .map(KnowledgeGraph::new)
            .map(|g| g.node_count())
    });
    println!("cache + graph:              median {median:?} (min {min:?}, max {max:?}, 200 runs)");
    let g = load();
    let params = BTreeMap::new();
    let (min, median, max) =
        time(200, || aikg::query::run(&g, THREE_HOPS, &params, None).map(|t| t.rows.len()));
    println!("three-hop query (in-process): median {median:?} (min {min:?}, max {max:?}, 200 runs)");
}
