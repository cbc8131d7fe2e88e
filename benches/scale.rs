//! In-process timings of aikg on a large dataset folder, for `scripts/bench` (which runs the
//! peers on the same graph and prints the ratios). A benchmark, not a test:
//!
//! ```sh
//! cargo bench --bench scale -- DIR NODES PAIRS QUERY [--reps N] [--open-reps N] [--only PART]
//! ```
//!
//! - `DIR`: a dataset folder with a current `aikg.cache` (as `aikg gen` or `aikg import` write);
//! - `NODES`: one node id per line, the starts of the 3-hop neighbourhoods;
//! - `PAIRS`: two node ids per line (whitespace between), the shortest-path pairs;
//! - `QUERY`: a file with the Cypher pattern query;
//! - `--only PART` (`hop3`, `neighbors`, `path`, `pagerank` or `cypher`) runs the open and that part alone,
//!   for profiling: `perf record --call-graph dwarf target/release/deps/scale-* DIR ... --only path`.
//!
//! It prints one JSON object on stdout: the times of each repetition in milliseconds, and the
//! answers (neighbourhood sizes, path lengths, the top PageRank nodes, the query's rows) so that
//! the caller can check that every engine computed the same thing. What is timed:
//!
//! - `open`: read `aikg.cache`, check it against the folder's stamp, decode it, build the graph
//!   (what `aikg --data DIR` does before a command runs), split into its three parts;
//! - `hop3`: for each start, the number of distinct nodes within 3 hops over every edge in both
//!   directions, the start excluded: `KnowledgeGraph::neighborhood_sizes` (a count, as igraph's
//!   `neighborhood_size`);
//! - `neighbors` (reported beside `hop3`): `KnowledgeGraph::neighbors` for the same starts, which
//!   also finds the first edge that reached each node and orders each layer by id (what
//!   `aikg neighbors --depth 3 --direction both` prints), and before it the id order it needs,
//!   built once per process (`id_order_ms`); with `hop3`, both must give the same sizes;
//! - `path`: for each pair, `shortest_paths` with no constraints and limit 1 (what `aikg path`
//!   computes: unweighted, over edges in either direction); the answer is the number of edges,
//!   -1 when there is no path;
//! - `pagerank`: the dependency arcs (`rank --by pagerank`: customer -> supplier over supply
//!   relations, parallel arcs merged) and the power iteration with aikg's defaults (damping
//!   0.85, L1 tolerance 1e-12), reported together and apart;
//! - `cypher`: `aikg::query::run` of the query (parse, check, execute, format the cells).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use aikg::analysis::centrality::{dependency_arcs, pagerank, PageRank};
use aikg::analysis::path::{shortest_paths, Constraints};
use aikg::graph::{Dir, KnowledgeGraph};
use serde_json::{json, Value};

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

fn fail(message: &str) -> ! {
    eprintln!("scale: {message}");
    std::process::exit(2)
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", path.display())))
}

/// Every `*.toml` file of the folder, sorted by name, as `aikg --data` stamps them.
fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| fail(&format!("cannot list {}: {e}", dir.display())));
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    paths.sort();
    paths
}

/// Opens the folder from its cache; returns the graph and the times of (read, decode, graph).
fn open(dir: &Path) -> (KnowledgeGraph, [f64; 3]) {
    let t = Instant::now();
    let stamp = aikg::cli::stamp(&toml_files(dir));
    let bytes = read(&dir.join(aikg::cli::CACHE_FILE));
    let read_ms = ms(t);
    let t = Instant::now();
    // As the command line opens it: the bytes kept for the records read later, the stored index used.
    let (dataset, index) = aikg::cache::decode_indexed(std::sync::Arc::new(bytes), &stamp)
        .unwrap_or_else(|| fail("the cache is missing or stale: run any aikg command on the folder first"));
    let decode_ms = ms(t);
    let t = Instant::now();
    let g = KnowledgeGraph::with_index(dataset, Some(index));
    (g, [read_ms, decode_ms, ms(t)])
}

fn ids(g: &KnowledgeGraph, text: &str) -> Vec<usize> {
    text.split_whitespace()
        .map(|id| g.id_lookup(id).unwrap_or_else(|| fail(&format!("no node {id}"))))
        .collect()
}

/// The fastest repetition (NaN for a part that did not run).
fn best(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::NAN, f64::min)
}

fn main() {
    let mut positional = Vec::new();
    let (mut reps, mut open_reps) = (1usize, 1usize);
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut number = || args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| fail("bad number"));
        match a.as_str() {
            "--reps" => reps = number(),
            "--open-reps" => open_reps = number(),
            "--only" => only = args.next(),
            // `cargo bench` passes this to every bench binary.
            "--bench" => {}
            _ => positional.push(a),
        }
    }
    let [dir, nodes, pairs, query] = positional.as_slice() else {
        fail("usage: scale DIR NODES PAIRS QUERY [--reps N] [--open-reps N] [--only PART]")
    };
    let (reps, open_reps) = (reps.max(1), open_reps.max(1));
    let runs = |part: &str| if only.as_deref().is_none_or(|o| o == part) { reps } else { 0 };
    let dir = Path::new(dir);

    let mut open_ms = Vec::new();
    let mut parts = Vec::new();
    let mut graph = None;
    for _ in 0..open_reps {
        // Drop the previous graph first, so that at most one is in memory.
        drop(graph.take());
        let t = Instant::now();
        let (g, p) = open(dir);
        open_ms.push(ms(t));
        parts.push(p);
        graph = Some(g);
    }
    let g = graph.unwrap_or_else(|| fail("no graph"));
    let starts = ids(&g, &String::from_utf8_lossy(&read(Path::new(nodes))));
    let ends = ids(&g, &String::from_utf8_lossy(&read(Path::new(pairs))));
    if ends.len() % 2 != 0 {
        fail("PAIRS must hold two ids per line");
    }
    let query = String::from_utf8_lossy(&read(Path::new(query))).into_owned();

    let mut hop3_ms = Vec::new();
    let mut sizes = Vec::new();
    for _ in 0..runs("hop3") {
        let t = Instant::now();
        sizes = g.neighborhood_sizes(&starts, 3, Dir::Both);
        hop3_ms.push(ms(t));
    }
    let (mut id_order_ms, mut neighbors_ms) = (Vec::new(), Vec::new());
    if runs("neighbors") > 0 {
        let t = Instant::now();
        g.id_rank();
        id_order_ms.push(ms(t));
    }
    for _ in 0..runs("neighbors") {
        let t = Instant::now();
        let full = starts.iter().map(|&s| g.neighbors(s, 3, Dir::Both, &|_| true).len()).collect::<Vec<_>>();
        neighbors_ms.push(ms(t));
        if sizes.is_empty() {
            sizes = full;
        } else if full != sizes {
            fail("neighbors and neighborhood_sizes disagree");
        }
    }

    let mut path_ms = Vec::new();
    let mut lengths = Vec::new();
    let free = Constraints::default();
    for _ in 0..runs("path") {
        let t = Instant::now();
        lengths = ends
            .chunks(2)
            .map(|p| {
                shortest_paths(&g, p[0], p[1], &free, 1).paths.first().map_or(-1, |path| path.len() as i64)
            })
            .collect::<Vec<_>>();
        path_ms.push(ms(t));
    }

    let (mut pr_ms, mut arcs_ms, mut iter_ms) = (Vec::new(), Vec::new(), Vec::new());
    let mut scores = Vec::new();
    let mut iterations = 0;
    for _ in 0..runs("pagerank") {
        let t = Instant::now();
        let arcs = dependency_arcs(&g);
        arcs_ms.push(ms(t));
        let ti = Instant::now();
        (scores, iterations) = pagerank(&arcs, PageRank::default());
        iter_ms.push(ms(ti));
        pr_ms.push(ms(t));
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then_with(|| g.node(a).id.cmp(&g.node(b).id)));
    let top: Vec<Value> = order.iter().take(10).map(|&v| json!([g.node(v).id.0, scores[v]])).collect();

    let mut cypher_ms = Vec::new();
    let mut rows = Value::Null;
    let params = BTreeMap::new();
    for _ in 0..runs("cypher").max(if only.is_none() { 3 } else { 0 }) {
        let t = Instant::now();
        let table = aikg::query::run(&g, &query, &params, None)
            .unwrap_or_else(|e| fail(&format!("the query fails: {}", e.message)));
        cypher_ms.push(ms(t));
        rows = serde_json::to_value(&table.rows).unwrap_or(Value::Null);
    }

    let out = json!({
        "engine": "aikg",
        "nodes": g.node_count(),
        "edges": g.dataset.edges.len(),
        "open_ms": open_ms,
        "open_parts_ms": { "read": parts[0][0], "decode": parts[0][1], "graph": parts[0][2] },
        "hop3_ms": hop3_ms,
        "hop3_sizes": sizes,
        "hop3_neighbors_ms": neighbors_ms,
        "id_order_ms": id_order_ms,
        "path_ms": path_ms,
        "path_lengths": lengths,
        "pagerank_ms": pr_ms,
        "pagerank_arcs_ms": arcs_ms,
        "pagerank_iter_ms": iter_ms,
        "pagerank_iterations": iterations,
        "pagerank_top": top,
        "cypher_ms": cypher_ms,
        "cypher_rows": rows,
    });
    println!("{out}");
    eprintln!(
        "scale: open {:.1} ms, 3-hop {:.1} ms, paths {:.1} ms, pagerank {:.1} ms ({iterations} iterations), cypher {:.1} ms",
        best(&open_ms),
        best(&hop3_ms),
        best(&path_ms),
        best(&pr_ms),
        best(&cypher_ms)
    );
    // The process ends here; freeing the graph one allocation at a time would only cost time.
    std::mem::forget(g);
}
