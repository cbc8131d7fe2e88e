//! [`Dataset`] -> [`KnowledgeGraph`]: compressed sparse rows over the validated nodes and edges
//! (one per direction), an id index, name resolution and traversals.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, OnceLock};

use crate::cache::{le_u32, EdgeColumns};
use crate::diag::{closest, SUGGEST_MAX};
use crate::model::*;

mod labels;
mod reach;
pub use labels::Labels;
pub use reach::Reach;

/// The graph: nodes and edges are indices into `dataset.nodes` and `dataset.edges`; the edges at
/// each node are compressed sparse rows, one array per direction.
pub struct KnowledgeGraph {
    /// The validated dataset the graph is built from.
    pub dataset: Dataset,
    /// Each node's outgoing and incoming edges, newest edge first (the order petgraph's linked
    /// adjacency lists gave, which some answers' tie-breaking was written against).
    out: Csr,
    inc: Csr,
    /// The same rows with each node's edges sorted by the other node's id, then relation, then
    /// edge index ([`KnowledgeGraph::incident`]), built on first use by the query matcher.
    sorted: OnceLock<(Csr, Csr)>,
    /// Per-node scratch arrays that traversals borrow instead of allocating O(n) per call.
    scratch: Mutex<Vec<Vec<u32>>>,
    /// The nodes in id order: from the store ([`crate::cache::Index`]), else sorted on first use.
    /// Looking an id up is a binary search in it.
    by_id: OnceLock<Vec<u32>>,
    /// Lowercased id, name, Chinese name, alias and ticker -> the nodes that carry it; built on
    /// first use, since most commands name nodes by id or not at all.
    names: OnceLock<BTreeMap<String, BTreeSet<NodeIx>>>,
    /// Each node's position in id order (the inverse of `by_id`), built on first use: sorting by
    /// it is sorting by id.
    id_rank: OnceLock<Vec<u32>>,
    /// Each relation's supply direction.
    supply: FastMap<String, Option<Supply>>,
    /// How many nodes each kind has, built on first use (the query planner's estimates).
    kind_counts: OnceLock<BTreeMap<String, usize>>,
    /// Kinds and relations as numbers per node and edge: built on first use.
    labels: OnceLock<Labels>,
    /// The property names the edges hold: from the store, else gathered on first use.
    edge_props: OnceLock<BTreeSet<String>>,
}

/// The relation from a project to the token it issues, and the two kinds it joins: a name that
/// stands for both halves of such a pair is ambiguous.
const ISSUES: &str = "ISSUES";
const PROJECT: &str = "Project";
const TOKEN: &str = "Token";

/// An (edge, other node) pair in compact form, as the rows of [`KnowledgeGraph::incident_sorted`].
pub type Row = (u32, u32);

/// The one direction type: which edges a step follows from a node. `Out` follows an edge from
/// its `from` to its `to` (Cypher's `-[]->`), `In` the other way (`<-[]-`), `Both` either
/// (`-[]-`). Traversals, query patterns, `neighbors --direction` and the path search's supply
/// side all use it; petgraph's `Direction` stays out of the public API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// From an edge's `from` to its `to`.
    Out,
    /// From an edge's `to` to its `from`.
    In,
    /// Either way.
    Both,
}

impl Dir {
    /// Every value, in the order the command line lists them.
    pub const ALL: [Dir; 3] = [Dir::Out, Dir::In, Dir::Both];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Dir::Out => "out",
            Dir::In => "in",
            Dir::Both => "both",
        }
    }

    /// Whether it follows edges from their `from` end.
    pub fn follows_out(self) -> bool {
        self != Dir::In
    }

    /// Whether it follows edges from their `to` end.
    pub fn follows_in(self) -> bool {
        self != Dir::Out
    }

    /// The same step walked the other way.
    pub fn reversed(self) -> Dir {
        match self {
            Dir::Out => Dir::In,
            Dir::In => Dir::Out,
            Dir::Both => Dir::Both,
        }
    }
}

/// A node typed by a person did not name exactly one node.
#[derive(Debug, Clone, PartialEq)]
pub enum ResolveError {
    /// No node has that id, name or alias; the closest ones.
    Unknown {
        /// What was typed.
        input: String,
        /// The closest nodes, for a did-you-mean.
        closest: Vec<NodeIx>,
    },
    /// Several nodes have that name or alias.
    Ambiguous {
        /// What was typed.
        input: String,
        /// The nodes it names.
        candidates: Vec<NodeIx>,
    },
}

/// One node reached by a traversal.
#[derive(Debug, Clone, PartialEq)]
pub struct Reached {
    pub(crate) node: NodeIx,
    pub(crate) depth: usize,
    /// The edge through which the node was first reached, and the node it came from.
    pub via: Option<(EdgeIx, NodeIx)>,
}

impl KnowledgeGraph {
    /// Builds the graph of a validated dataset.
    pub fn new(dataset: Dataset) -> Self {
        Self::with_index(dataset, None)
    }

    /// Builds the graph of a validated dataset with the index stored with it in its cache, when
    /// the dataset is the one decoded with that index, unchanged since (an index of another length
    /// is ignored).
    pub fn with_index(dataset: Dataset, index: Option<crate::cache::Index>) -> Self {
        let n = dataset.nodes.len();
        assert!(
            n < u32::MAX as usize && dataset.edges.len() < u32::MAX as usize,
            "more than 4 billion nodes or edges"
        );
        // The ends of every edge, read once for both directions.
        let (out, inc) = match dataset.edges.columns::<EdgeColumns>() {
            Some(stored) => {
                let (from, to) = (stored.from.raw(), stored.to.raw());
                Csr::both(n, |e| le_u32(from, e), |e| le_u32(to, e), dataset.edges.len())
            }
            None => {
                let (from, to): (Vec<u32>, Vec<u32>) =
                    dataset.edges.iter().map(|e| (e.from as u32, e.to as u32)).unzip();
                Csr::both(n, |e| from[e], |e| to[e], from.len())
            }
        };
        let (by_id, edge_props) = (OnceLock::new(), OnceLock::new());
        if let Some(index) = index.filter(|i| i.by_id.len() == n) {
            let _ = by_id.set(index.by_id);
            if let Some(props) = index.edge_props {
                let _ = edge_props.set(props.into_iter().collect());
            }
        }
        let supply = dataset.schema.relations.iter().map(|r| (r.id.clone(), r.supply)).collect();
        KnowledgeGraph {
            dataset,
            out,
            inc,
            sorted: OnceLock::new(),
            scratch: Mutex::new(Vec::new()),
            by_id,
            names: OnceLock::new(),
            id_rank: OnceLock::new(),
            supply,
            kind_counts: OnceLock::new(),
            labels: OnceLock::new(),
            edge_props,
        }
    }

    /// The property names the edges hold.
    pub fn edge_prop_keys(&self) -> &BTreeSet<String> {
        self.edge_props
            .get_or_init(|| self.dataset.edges.iter().flat_map(|e| e.more().props.keys().cloned()).collect())
    }

    /// How time treats a node: its own lifecycle, else its kind's.
    pub fn lifecycle(&self, ix: NodeIx) -> Lifecycle {
        let n = self.node(ix);
        n.lifecycle.or_else(|| self.dataset.schema.kind(&n.kind).map(|k| k.lifecycle)).unwrap_or_default()
    }

    /// Each node's position when nodes are sorted by id.
    pub fn id_rank(&self) -> &[u32] {
        self.id_rank.get_or_init(|| {
            let mut rank = vec![0u32; self.node_count()];
            for (r, &ix) in self.by_id().iter().enumerate() {
                rank[ix as usize] = r as u32;
            }
            rank
        })
    }

    /// The nodes in id order.
    fn by_id(&self) -> &[u32] {
        self.by_id.get_or_init(|| {
            let mut order: Vec<u32> = (0..self.node_count() as u32).collect();
            order.sort_unstable_by(|a, b| {
                self.dataset.node_id(*a as NodeIx).cmp(self.dataset.node_id(*b as NodeIx))
            });
            order
        })
    }

    /// How many nodes each kind has.
    pub fn kind_counts(&self) -> &BTreeMap<String, usize> {
        self.kind_counts.get_or_init(|| {
            // Counted by shared name first: one string per kind, not one per node.
            let mut by_kind: FastMap<&Sym, usize> = FastMap::default();
            for ix in 0..self.node_count() {
                *by_kind.entry(self.dataset.node_kind(ix)).or_insert(0) += 1;
            }
            by_kind.into_iter().map(|(k, n)| (k.to_string(), n)).collect()
        })
    }

    /// Every node's kind and every edge's relation as a number (built on first use).
    pub fn labels(&self) -> &Labels {
        self.labels.get_or_init(|| Labels::build(&self.dataset))
    }

    /// The supply direction of a relation (`None` for a relation that is not a supply one).
    pub fn supply_of(&self, rel: &str) -> Option<Supply> {
        self.supply.get(rel).copied().flatten()
    }

    /// The edges at a node in `dir`, as (edge, other node), in storage order (for `Both`, the
    /// outgoing ones first).
    pub fn edges_at(&self, node: NodeIx, dir: Dir) -> impl Iterator<Item = (EdgeIx, NodeIx)> + '_ {
        let out = if dir.follows_out() { self.out.row(node) } else { &[] };
        let inc = if dir.follows_in() { self.inc.row(node) } else { &[] };
        out.iter().chain(inc).map(|&(e, o)| (e as EdgeIx, o as NodeIx))
    }

    /// The edges at a node in `dir`, as (outgoing rows, incoming rows) of (edge, other node), each
    /// sorted by the other node's id, then relation, then edge index; slices of rows built once
    /// (a side `dir` does not follow is empty).
    pub fn incident_sorted(&self, node: NodeIx, dir: Dir) -> (&[Row], &[Row]) {
        let (out, inc) = self
            .sorted
            .get_or_init(|| (self.sorted_rows(&self.out, &self.inc), self.sorted_rows(&self.inc, &self.out)));
        (
            if dir.follows_out() { out.row(node) } else { &[] },
            if dir.follows_in() { inc.row(node) } else { &[] },
        )
    }

    /// `rows` with each row sorted as [`Self::sort_steps`] does, without comparison sorts: the
    /// other nodes are visited in id order and each appends its edges (read from `opposite`, the
    /// rows of the other direction) to the rows of their far ends; only parallel edges to one
    /// node are then sorted, by relation and edge index.
    fn sorted_rows(&self, rows: &Csr, opposite: &Csr) -> Csr {
        let mut fill = rows.start.clone();
        let mut steps = vec![(0u32, 0u32); rows.steps.len()];
        for &o in self.by_id() {
            for &(e, u) in opposite.row(o as NodeIx) {
                let at = &mut fill[u as usize];
                steps[*at as usize] = (e, o);
                *at += 1;
            }
        }
        let mut sorted = Csr { start: rows.start.clone(), steps };
        for u in 0..self.node_count() {
            let (a, b) = (sorted.start[u] as usize, sorted.start[u + 1] as usize);
            let row = &mut sorted.steps[a..b];
            let mut i = 0;
            while i < row.len() {
                let j = i + row[i..].iter().take_while(|s| s.1 == row[i].1).count();
                if j - i > 1 {
                    row[i..j].sort_by(|x, y| {
                        (self.dataset.edge_rel(x.0 as EdgeIx), x.0)
                            .cmp(&(self.dataset.edge_rel(y.0 as EdgeIx), y.0))
                    });
                }
                i = j;
            }
        }
        sorted
    }

    /// Borrows a zeroed per-node array; give it back zeroed with [`Self::give_back`].
    pub(crate) fn borrow_array(&self) -> Vec<u32> {
        let pooled = self.scratch.lock().ok().and_then(|mut p| p.pop());
        pooled.unwrap_or_else(|| vec![0; self.node_count()])
    }

    pub(crate) fn give_back(&self, array: Vec<u32>) {
        if let Ok(mut p) = self.scratch.lock() {
            p.push(array);
        }
    }

    /// Orders (edge, other node) pairs by the other node's id, then relation, then edge index.
    pub fn sort_steps<T>(&self, steps: &mut [T], key: impl Fn(&T) -> (EdgeIx, NodeIx)) {
        let rank = self.id_rank();
        let rel = |e: EdgeIx| self.dataset.edge_rel(e);
        steps.sort_by(|a, b| {
            let ((ea, na), (eb, nb)) = (key(a), key(b));
            rank[na].cmp(&rank[nb]).then_with(|| (rel(ea), ea).cmp(&(rel(eb), eb)))
        });
    }

    fn names(&self) -> &BTreeMap<String, BTreeSet<NodeIx>> {
        self.names.get_or_init(|| {
            let mut names: BTreeMap<String, BTreeSet<NodeIx>> = BTreeMap::new();
            for (ix, n) in self.dataset.nodes.iter().enumerate() {
                for key in node_keys(n) {
                    names.entry(key.to_lowercase()).or_default().insert(ix);
                }
            }
            names
        })
    }

    /// The node at `ix`.
    pub fn node(&self, ix: NodeIx) -> &Node {
        &self.dataset.nodes[ix]
    }

    pub(crate) fn edge(&self, ix: EdgeIx) -> &Edge {
        &self.dataset.edges[ix]
    }

    /// How many nodes there are.
    pub fn node_count(&self) -> usize {
        self.dataset.nodes.len()
    }

    /// The node with exactly this id.
    pub fn id_lookup(&self, id: &str) -> Option<NodeIx> {
        let by_id = self.by_id();
        let at = by_id.binary_search_by(|&ix| self.dataset.node_id(ix as NodeIx).cmp(id)).ok()?;
        Some(by_id[at] as NodeIx)
    }

    /// Finds the node a person meant: an id, name, Chinese name, alias or ticker, any case.
    /// An exact id wins over every other match.
    pub fn resolve(&self, input: &str) -> Result<NodeIx, ResolveError> {
        let key = input.trim().to_lowercase();
        if let Some(ix) = self.id_lookup(&key) {
            return Ok(ix);
        }
        let names = self.names();
        match names.get(&key).map(|set| self.with_token_family(&key, set)) {
            Some(set) if set.len() == 1 => set.first().copied().ok_or_else(|| unreachable_empty(input)),
            Some(set) => Err(ResolveError::Ambiguous {
                input: input.to_string(),
                candidates: self.sorted_by_id(set.iter().copied()),
            }),
            None => {
                // The diagnostics' one rule ([`crate::diag::suggestion`]), on names, then the
                // nodes those names stand for.
                let near = closest(&key, names.keys().map(String::as_str), SUGGEST_MAX);
                let mut seen = BTreeSet::new();
                let closest: Vec<NodeIx> = near
                    .iter()
                    .flat_map(|k| names[k].iter().copied())
                    .filter(|ix| seen.insert(*ix))
                    .take(SUGGEST_MAX)
                    .collect();
                Err(ResolveError::Unknown { input: input.to_string(), closest })
            }
        }
    }

    /// The nodes a typed name matched, with the other half of each project-and-token pair the
    /// name also stands for: "render" names the RENDER token and the Render Network project that
    /// issues it (its id or name begins with the word), so neither is picked silently.
    fn with_token_family(&self, key: &str, matched: &BTreeSet<NodeIx>) -> BTreeSet<NodeIx> {
        let starts = |n: &Node| {
            let begins = |s: &str, sep: char| {
                let s = s.to_lowercase();
                s.strip_prefix(key).is_some_and(|rest| rest.starts_with(sep))
            };
            begins(&n.id.0, '-') || begins(&n.name, ' ')
        };
        let mut out = matched.clone();
        for &ix in matched {
            let (dir, want) = match self.node(ix).kind.as_str() {
                TOKEN => (Dir::In, PROJECT),
                PROJECT => (Dir::Out, TOKEN),
                _ => continue,
            };
            for (e, other) in self.edges_at(ix, dir) {
                let o = self.node(other);
                if self.edge(e).rel == ISSUES && o.kind == want && starts(o) {
                    out.insert(other);
                }
            }
        }
        out
    }

    fn sorted_by_id(&self, ixs: impl Iterator<Item = NodeIx>) -> Vec<NodeIx> {
        let mut v: Vec<NodeIx> = ixs.collect();
        v.sort_by(|a, b| self.node(*a).id.cmp(&self.node(*b).id));
        v
    }

    /// The edges at a node in `dir`, as (edge, other node), sorted by the other node's id, then
    /// relation, then edge index (for `Both`, the outgoing ones first).
    pub fn incident(&self, node: NodeIx, dir: Dir) -> Vec<(EdgeIx, NodeIx)> {
        let widen = |rows: &[Row]| rows.iter().map(|&(e, o)| (e as EdgeIx, o as NodeIx)).collect::<Vec<_>>();
        if self.sorted.get().is_some() {
            let (out, inc) = self.incident_sorted(node, dir);
            return widen(out).into_iter().chain(widen(inc)).collect();
        }
        // One node's edges: sorting them is cheaper than sorting every row.
        let mut out = if dir.follows_out() { widen(self.out.row(node)) } else { Vec::new() };
        let mut inc = if dir.follows_in() { widen(self.inc.row(node)) } else { Vec::new() };
        self.sort_steps(&mut out, |s| *s);
        self.sort_steps(&mut inc, |s| *s);
        out.extend(inc);
        out
    }

    /// Breadth-first search from `start` up to `depth` hops, following edges in `dir` whose
    /// relation passes `follow`. Returns every reached node except `start`, by depth then id. Each
    /// node is reported once, with the first edge that reached it in a deterministic order.
    pub fn neighbors(
        &self,
        start: NodeIx,
        depth: usize,
        dir: Dir,
        follow: &dyn Fn(&Sym) -> bool,
    ) -> Vec<Reached> {
        let rel = |e: EdgeIx| self.dataset.edge_rel(e);
        let rank = self.id_rank();
        let (mut layer_of, mut slot) = (self.borrow_array(), self.borrow_array());
        // Which layer reached each node (0: not yet); the start is layer 0 by being marked here.
        layer_of[start] = u32::MAX;
        // Where in its layer's list each reached node sits (`slot`).
        let mut frontier = vec![start];
        let mut out = Vec::new();
        for d in 1..=depth {
            let mut next: Vec<Reached> = Vec::new();
            // The frontier is in id order, so the first frontier node to reach a node is its
            // parent; among that parent's edges to it, the smallest (relation, edge) is the one.
            for &node in &frontier {
                for (edge, other) in self.edges_at(node, dir) {
                    let reached = layer_of[other];
                    if (reached != 0 && reached != d as u32) || !follow(rel(edge)) {
                        continue;
                    }
                    if reached == 0 {
                        layer_of[other] = d as u32;
                        slot[other] = next.len() as u32;
                        next.push(Reached { node: other, depth: d, via: Some((edge, node)) });
                    } else {
                        let r = &mut next[slot[other] as usize];
                        if let Some((best, parent)) = r.via {
                            if parent == node && (rel(edge), edge) < (rel(best), best) {
                                r.via = Some((edge, node));
                            }
                        }
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            // By id: sort (rank, position) keys, which are unique and small, then take the
            // reached nodes in that order.
            let mut keys: Vec<u64> =
                next.iter().enumerate().map(|(i, r)| (rank[r.node] as u64) << 32 | i as u64).collect();
            keys.sort_unstable();
            frontier.clear();
            frontier.extend(keys.iter().map(|&k| next[k as u32 as usize].node));
            out.extend(keys.iter().map(|&k| next[k as u32 as usize].clone()));
        }
        layer_of[start] = 0;
        for r in &out {
            (layer_of[r.node], slot[r.node]) = (0, 0);
        }
        self.give_back(layer_of);
        self.give_back(slot);
        out
    }

    /// Number of edges at a node, both directions (a self-loop counts twice).
    pub fn degree(&self, node: NodeIx) -> usize {
        self.out.row(node).len() + self.inc.row(node).len()
    }
}

/// Compressed sparse rows: node `n`'s (edge, other node) pairs are
/// `steps[start[n]..start[n + 1]]`.
struct Csr {
    start: Vec<u32>,
    steps: Vec<(u32, u32)>,
}

impl Csr {
    /// The outgoing and the incoming rows of the edges with these ends, on two threads for a
    /// large graph.
    /// `from` and `to` give each edge's ends, by edge index.
    fn both<F, T>(n: usize, from: F, to: T, m: usize) -> (Csr, Csr)
    where
        F: Fn(usize) -> u32 + Sync,
        T: Fn(usize) -> u32 + Sync,
    {
        /// Below this many edges a thread costs more than it saves.
        const PARALLEL_MIN: usize = 100_000;
        if m < PARALLEL_MIN {
            return (Csr::build(n, m, &from, &to), Csr::build(n, m, &to, &from));
        }
        std::thread::scope(|s| {
            let inc = s.spawn(|| Csr::build(n, m, &to, &from));
            let out = Csr::build(n, m, &from, &to);
            match inc.join() {
                Ok(inc) => (out, inc),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }

    /// Each of the `m` edges `ix` in the row of `at(ix)`, with `other(ix)` as the node across
    /// it; each row lists its newest edge first.
    fn build(n: usize, m: usize, at: impl Fn(usize) -> u32, other: impl Fn(usize) -> u32) -> Csr {
        let mut start = vec![0u32; n + 1];
        for ix in 0..m {
            start[at(ix) as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut steps = vec![(0u32, 0u32); m];
        for ix in (0..m).rev() {
            let slot = &mut fill[at(ix) as usize];
            steps[*slot as usize] = (ix as u32, other(ix));
            *slot += 1;
        }
        Csr { start, steps }
    }

    fn row(&self, n: NodeIx) -> &[(u32, u32)] {
        &self.steps[self.start[n] as usize..self.start[n + 1] as usize]
    }
}

/// The name index never holds an empty set; were it to, the name is simply unknown.
fn unreachable_empty(input: &str) -> ResolveError {
    ResolveError::Unknown { input: input.to_string(), closest: Vec::new() }
}

/// Every string a person may type to name a node.
pub fn node_keys(n: &Node) -> impl Iterator<Item = &str> {
    let ticker = match n.props.get("ticker") {
        Some(Value::Str(t)) => Some(t.as_str()),
        _ => None,
    };
    std::iter::once(n.id.0.as_str())
        .chain(std::iter::once(n.name.as_str()))
        .chain(n.name_zh.as_deref())
        .chain(n.aliases.iter().map(String::as_str))
        .chain(ticker)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mini() -> KnowledgeGraph {
        crate::testing::mini()
    }

    #[test]
    fn a_stored_index_answers_as_a_built_one() {
        let d = crate::testing::builtin();
        let bytes = crate::cache::encode(&d, b"s");
        let (decoded, index) =
            crate::cache::decode_indexed(std::sync::Arc::new(bytes.clone()), b"s").expect("decodes");
        let (built, stored) = (KnowledgeGraph::new(d), KnowledgeGraph::with_index(decoded, Some(index)));
        assert_eq!(built.id_rank(), stored.id_rank());
        assert_eq!(built.edge_prop_keys(), stored.edge_prop_keys());
        for ix in 0..built.node_count() {
            assert_eq!(stored.id_lookup(&built.node(ix).id.0), Some(ix));
        }
        assert_eq!(stored.id_lookup("no-such-node"), None);
        assert_eq!(stored.id_lookup(""), None);
    }

    fn id(g: &KnowledgeGraph, ix: NodeIx) -> &str {
        &g.node(ix).id.0
    }

    #[test]
    fn one_direction_type() {
        for d in Dir::ALL {
            assert_eq!(d.reversed().reversed(), d);
            assert_eq!(d.follows_out(), d.reversed().follows_in());
        }
        assert_eq!(Dir::ALL.map(Dir::name), ["out", "in", "both"]);
        // `Both` is the outgoing edges, then the incoming ones.
        let g = mini();
        for n in 0..g.node_count() {
            let both: Vec<_> = g.edges_at(n, Dir::Both).collect();
            let sides: Vec<_> = g.edges_at(n, Dir::Out).chain(g.edges_at(n, Dir::In)).collect();
            assert_eq!(both, sides);
            let (out, inc) = g.incident_sorted(n, Dir::Both);
            assert_eq!((out, inc), (g.incident_sorted(n, Dir::Out).0, g.incident_sorted(n, Dir::In).1));
            assert!(
                g.incident_sorted(n, Dir::Out).1.is_empty() && g.incident_sorted(n, Dir::In).0.is_empty()
            );
        }
    }

    #[test]
    fn resolves_ids_names_chinese_names_and_tickers_in_any_case() {
        let g = mini();
        for input in ["x1", "X1", " x1 ", "X1 加速器"] {
            assert_eq!(id(&g, g.resolve(input).unwrap()), "x1", "{input}");
        }
        assert_eq!(id(&g, g.resolve("fabco").unwrap()), "fabco");
        assert_eq!(id(&g, g.resolve("GPU NET").unwrap()), "gpunet");
    }

    #[test]
    fn ambiguous_and_unknown_names_are_errors() {
        let g = mini();
        match g.resolve("fab") {
            Err(ResolveError::Ambiguous { candidates, .. }) => {
                let ids: Vec<&str> = candidates.iter().map(|c| id(&g, *c)).collect();
                assert_eq!(ids, ["fabco", "x1"]);
            }
            other => panic!("{other:?}"),
        }
        match g.resolve("fabc0") {
            Err(ResolveError::Unknown { closest, .. }) => assert_eq!(id(&g, closest[0]), "fabco"),
            other => panic!("{other:?}"),
        }
    }

    fn markets() -> KnowledgeGraph {
        let files = [
            ("schema.toml", include_str!("../tests/fixtures/markets/schema.toml")),
            ("sources.toml", include_str!("../tests/fixtures/markets/sources.toml")),
            ("chain.toml", include_str!("../tests/fixtures/markets/chain.toml")),
        ];
        let texts = crate::diag::Texts::of(files);
        let loaded = crate::load::load(&texts).expect("the markets fixture is valid");
        KnowledgeGraph::new(loaded.dataset)
    }

    fn ambiguous(g: &KnowledgeGraph, input: &str) -> Vec<String> {
        match g.resolve(input) {
            Err(ResolveError::Ambiguous { candidates, .. }) => {
                candidates.iter().map(|c| format!("{} ({})", id(g, *c), g.node(*c).kind)).collect()
            }
            other => panic!("{input}: {other:?}"),
        }
    }

    #[test]
    fn a_name_of_a_project_and_its_token_names_both() {
        let g = markets();
        // "render" is the token's name and ticker, and the first word of the project that issues it.
        for input in ["render", "RENDER", " Render "] {
            assert_eq!(ambiguous(&g, input), ["render-network (Project)", "render-token (Token)"], "{input}");
        }
        // An exact id wins; a full name names one node.
        assert_eq!(id(&g, g.resolve("render-token").unwrap()), "render-token");
        assert_eq!(id(&g, g.resolve("render-network").unwrap()), "render-network");
        assert_eq!(id(&g, g.resolve("Render Network").unwrap()), "render-network");
    }

    #[test]
    fn tickers_and_aliases_name_their_node() {
        let g = markets();
        // A company's ticker, a token's alias (an old ticker), in any case.
        assert_eq!(id(&g, g.resolve("chp").unwrap()), "chipco");
        assert_eq!(id(&g, g.resolve("CHP").unwrap()), "chipco");
        assert_eq!(id(&g, g.resolve("rndr").unwrap()), "render-token");
    }

    #[test]
    fn neighbors_follow_direction_depth_and_filter() {
        let g = mini();
        let fab = g.resolve("fabco").unwrap();
        let all = |_: &Sym| true;
        let out: Vec<(&str, usize)> =
            g.neighbors(fab, 5, Dir::Out, &all).iter().map(|r| (id(&g, r.node), r.depth)).collect();
        assert_eq!(out, [("x1", 1)]);
        let both: Vec<(&str, usize)> =
            g.neighbors(fab, 5, Dir::Both, &all).iter().map(|r| (id(&g, r.node), r.depth)).collect();
        assert_eq!(both, [("x1", 1), ("gpunet", 2)]);
        assert!(g.neighbors(fab, 1, Dir::In, &all).is_empty());
        let only_uses = |rel: &Sym| rel == "USES";
        assert!(g.neighbors(fab, 5, Dir::Both, &only_uses).is_empty());
    }

    #[test]
    fn neighbors_come_by_depth_then_id_each_from_its_first_parent() {
        let d = crate::gen::generate(&mini().dataset, 600, 2400, 4).expect("small enough");
        let g = KnowledgeGraph::new(d);
        for start in (0..g.node_count()).step_by(41) {
            let reached = g.neighbors(start, 3, Dir::Both, &|_| true);
            let keys: Vec<(usize, &str)> = reached.iter().map(|r| (r.depth, id(&g, r.node))).collect();
            assert!(keys.windows(2).all(|w| w[0] < w[1]), "{start}");
            let depth: BTreeMap<NodeIx, usize> =
                reached.iter().map(|r| (r.node, r.depth)).chain([(start, 0)]).collect();
            for r in &reached {
                // The parent is the smallest id one layer up with an edge to the node.
                let (_, parent) = r.via.expect("every reached node has a parent");
                let first = g
                    .incident(r.node, Dir::Both)
                    .into_iter()
                    .map(|(_, o)| o)
                    .filter(|o| depth.get(o) == Some(&(r.depth - 1)))
                    .min_by(|a, b| g.node(*a).id.cmp(&g.node(*b).id));
                assert_eq!(Some(parent), first, "{start} -> {}", id(&g, r.node));
            }
        }
    }

    #[test]
    fn rows_list_edges_as_petgraph_did() {
        use petgraph::stable_graph::{NodeIndex, StableDiGraph};
        use petgraph::visit::EdgeRef;
        use petgraph::Direction;
        let d = crate::gen::generate(&mini().dataset, 300, 2000, 7).expect("small enough");
        let mut pg = StableDiGraph::<(), EdgeIx>::new();
        for _ in 0..d.nodes.len() {
            pg.add_node(());
        }
        for (ix, e) in d.edges.iter().enumerate() {
            pg.add_edge(NodeIndex::new(e.from), NodeIndex::new(e.to), ix);
        }
        let g = KnowledgeGraph::new(d);
        for n in 0..g.node_count() {
            for (dir, pd) in [(Dir::Out, Direction::Outgoing), (Dir::In, Direction::Incoming)] {
                let want: Vec<(EdgeIx, NodeIx)> = pg
                    .edges_directed(NodeIndex::new(n), pd)
                    .map(|e| {
                        (*e.weight(), if pd == Direction::Outgoing { e.target() } else { e.source() }.index())
                    })
                    .collect();
                assert_eq!(g.edges_at(n, dir).collect::<Vec<_>>(), want);
                let mut sorted = want.clone();
                g.sort_steps(&mut sorted, |s| *s);
                assert_eq!(g.incident(n, dir), sorted);
            }
            assert_eq!(g.degree(n), pg.neighbors_undirected(NodeIndex::new(n)).count());
        }
    }
}
