//! Shortest paths between two nodes, over edges in either direction, by bidirectional
//! breadth-first search. Constraints (relations, avoided nodes, layers) prune the search itself,
//! so a path that breaks them is never explored.

use std::collections::BTreeSet;

use crate::graph::{Dir, KnowledgeGraph};
use crate::model::{EdgeIx, NodeIx, Supply};

/// What a path may use. Empty sets mean "anything".
#[derive(Debug, Clone, Default)]
pub struct Constraints {
    /// Relations a step may follow (empty: any).
    pub rels: BTreeSet<String>,
    /// Nodes no path may pass through.
    pub avoid: BTreeSet<NodeIx>,
    /// Layers that inner nodes must be in (the endpoints are exempt).
    pub layers: BTreeSet<String>,
    /// At most this many edges.
    pub max_len: Option<usize>,
    /// Only supply edges, each step going from a node to one of its suppliers: the path shows
    /// how the start depends on the end.
    pub upstream: bool,
}

// Which neighbours a search step may move to (`toward`) is a [`Dir`] along the flow of supply:
// `Out` moves from a supplier to a customer, `In` from a customer to a supplier, `Both` anywhere
// (non-supply edges included).

/// One edge of a path, walked from `from` to `to`; `forward` says whether that is the edge's
/// own direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub(crate) edge: EdgeIx,
    pub(crate) from: NodeIx,
    pub(crate) to: NodeIx,
    pub(crate) forward: bool,
}

pub(crate) type Path = Vec<Step>;

/// Result of a search: the paths found (sorted) and whether enumeration stopped at `limit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// The paths, sorted.
    pub paths: Vec<Path>,
    pub(crate) truncated: bool,
}

const UNSEEN: usize = usize::MAX;
/// Enumerate at most this many shortest paths before sorting; beyond it the result says
/// `truncated`.
pub const ENUMERATION_CAP: usize = 10_000;

struct Search<'a> {
    g: &'a KnowledgeGraph,
    c: &'a Constraints,
    source: NodeIx,
    target: NodeIx,
}

impl Search<'_> {
    /// The usable edges at `node` towards `toward`: (edge, neighbour, walked forward?), sorted by
    /// neighbour id, relation and edge.
    fn steps(&self, node: NodeIx, toward: Dir) -> Vec<(EdgeIx, NodeIx, bool)> {
        let mut out: Vec<(EdgeIx, NodeIx, bool)> = self.unsorted_steps(node, toward).collect();
        self.g.sort_steps(&mut out, |&(e, o, _)| (e, o));
        out
    }

    /// The usable steps from `node` towards `toward`, in storage order (for the distance search,
    /// where order does not matter).
    fn unsorted_steps(&self, node: NodeIx, toward: Dir) -> impl Iterator<Item = (EdgeIx, NodeIx, bool)> + '_ {
        let out = self.g.edges_at(node, Dir::Out).map(|(e, o)| (e, o, true));
        let inc = self.g.edges_at(node, Dir::In).map(|(e, o)| (e, o, false));
        out.chain(inc).filter(move |&(e, o, forward)| self.usable(e, o) && self.heads(e, forward, toward))
    }

    /// Whether walking `edge` (in its own direction when `forward`) moves towards `toward`.
    fn heads(&self, edge: EdgeIx, forward: bool, toward: Dir) -> bool {
        if toward == Dir::Both {
            return true;
        }
        let supply = self.g.supply_of(&self.g.edge(edge).rel);
        // Walking forward along a forward-supply edge moves to a customer, and so on.
        let to_customer = match supply {
            Some(Supply::Forward) => forward,
            Some(Supply::Reverse) => !forward,
            None => return toward == Dir::Both,
        };
        match toward {
            Dir::Both => true,
            Dir::Out => to_customer,
            Dir::In => !to_customer,
        }
    }

    /// The direction the search from the source moves in, and its opposite.
    fn sides(&self) -> (Dir, Dir) {
        if self.c.upstream {
            (Dir::In, Dir::Out)
        } else {
            (Dir::Both, Dir::Both)
        }
    }

    fn usable(&self, edge: EdgeIx, next: NodeIx) -> bool {
        let c = self.c;
        if !c.rels.is_empty() && !c.rels.contains(self.g.edge(edge).rel.as_str()) {
            return false;
        }
        if next == self.source || next == self.target {
            return true;
        }
        !c.avoid.contains(&next)
            && (c.layers.is_empty() || c.layers.contains(self.g.node(next).layer.as_str()))
    }

    /// Expands one whole BFS layer; returns the new frontier.
    fn expand(&self, frontier: &[NodeIx], dist: &mut [usize], toward: Dir) -> Vec<NodeIx> {
        let mut next = Vec::new();
        for &v in frontier {
            for (_, w, _) in self.unsorted_steps(v, toward) {
                if dist[w] == UNSEEN {
                    dist[w] = dist[v] + 1;
                    next.push(w);
                }
            }
        }
        next
    }
}

/// All shortest paths from `source` to `target` (at most `limit`), or just the first one in the
/// sorted order when `limit` is 1. Paths are sorted by the ids and relations along them.
pub fn shortest_paths(
    g: &KnowledgeGraph,
    source: NodeIx,
    target: NodeIx,
    c: &Constraints,
    limit: usize,
) -> Paths {
    let none = Paths { paths: Vec::new(), truncated: false };
    if source == target || c.avoid.contains(&source) || c.avoid.contains(&target) {
        return none;
    }
    let s = Search { g, c, source, target };
    let n = g.node_count();
    let (mut ds, mut dt) = (vec![UNSEEN; n], vec![UNSEEN; n]);
    ds[source] = 0;
    dt[target] = 0;
    let (mut fs, mut ft) = (vec![source], vec![target]);
    let (mut ks, mut kt) = (0, 0);
    let max_len = c.max_len.unwrap_or(usize::MAX);
    let (forth, back) = s.sides();
    // Grow the smaller side one whole layer at a time until the two searches touch.
    let len = loop {
        if fs.is_empty() || ft.is_empty() || ks + kt >= max_len {
            return none;
        }
        let met = if fs.len() <= ft.len() {
            fs = s.expand(&fs, &mut ds, forth);
            ks += 1;
            fs.iter().filter(|&&v| dt[v] != UNSEEN).map(|&v| ds[v] + dt[v]).min()
        } else {
            ft = s.expand(&ft, &mut dt, back);
            kt += 1;
            ft.iter().filter(|&&v| ds[v] != UNSEEN).map(|&v| ds[v] + dt[v]).min()
        };
        if let Some(l) = met {
            break l;
        }
    };
    if len > max_len {
        return none;
    }
    // Every shortest path has, at position p = min(ks, len), a node whose distances from both
    // ends are known; paths are the joins of the halves through those nodes.
    let p = ks.min(len);
    // The nodes at distance p from the source: the source side's last frontier (p is ks unless a
    // path shorter than ks exists, which the layer-by-layer search rules out; scan to be safe).
    let middle = |v: &NodeIx| ds[*v] == p && dt[*v] == len - p;
    let middles: Vec<NodeIx> =
        if p == ks { fs.iter().copied().filter(middle).collect() } else { (0..n).filter(middle).collect() };
    if limit == 1 {
        return first_path(&s, Dist { ds: &ds, dt: &dt, len, p }, &middles, (forth, back));
    }
    let mut paths = Vec::new();
    'join: for m in middles {
        let tails = halves(&s, m, &dt, false, forth);
        for head in halves(&s, m, &ds, true, back) {
            for tail in &tails {
                if paths.len() == ENUMERATION_CAP {
                    break 'join;
                }
                let mut path = head.clone();
                path.extend(tail.iter().cloned());
                paths.push(path);
            }
        }
    }
    let truncated = paths.len() > limit;
    let key = |p: &Path| -> Vec<(String, String)> {
        p.iter().map(|st| (g.node(st.to).id.0.clone(), g.edge(st.edge).rel.to_string())).collect()
    };
    paths.sort_by_cached_key(key);
    paths.truncate(limit);
    Paths { paths, truncated }
}

/// The distances a bidirectional search left: from the source (`ds`, exact up to `p`) and from
/// the target (`dt`, exact up to `len - p`), with the shortest length `len`.
struct Dist<'a> {
    ds: &'a [usize],
    dt: &'a [usize],
    len: usize,
    p: usize,
}

/// The first shortest path in the sorted order, found without listing the others: walk from the
/// source and take, at each position, the smallest step (by the next node's id, then relation)
/// that stays on a shortest path. Paths compare step by step, so the smallest first step begins
/// the smallest path, and so on. Whether another shortest path exists is seen on the way.
fn first_path(s: &Search, d: Dist, middles: &[NodeIx], (forth, back): (Dir, Dir)) -> Paths {
    // The source half: nodes from which a middle node is reached along shortest steps.
    let mut on_path = vec![false; d.ds.len()];
    let mut layer = middles.to_vec();
    layer.iter().for_each(|&m| on_path[m] = true);
    while !layer.is_empty() {
        let mut prev = Vec::new();
        for &v in &layer {
            for (_, w, _) in s.unsorted_steps(v, back) {
                if d.ds[w] != UNSEEN && d.ds[w] + 1 == d.ds[v] && !on_path[w] {
                    on_path[w] = true;
                    prev.push(w);
                }
            }
        }
        layer = prev;
    }
    let mut path = Vec::with_capacity(d.len);
    let mut others = false;
    let mut u = s.source;
    for j in 0..d.len {
        // On the source half a step must lead towards a middle node; beyond it, every step one
        // closer to the target lies on a shortest path.
        let fits = |w: NodeIx| {
            if j < d.p {
                d.ds[w] == j + 1 && on_path[w]
            } else {
                d.dt[w] != UNSEEN && d.dt[w] + j + 1 == d.len
            }
        };
        // The smallest fitting step, by the next node's id, then relation, then edge.
        let rank = s.g.id_rank();
        let key = |&(e, w, _): &(EdgeIx, NodeIx, bool)| (rank[w], &s.g.edge(e).rel, e);
        let mut fitting = s.unsorted_steps(u, forth).filter(|&(_, w, _)| fits(w));
        let Some(first) = fitting.next() else {
            return Paths { paths: Vec::new(), truncated: false };
        };
        let mut best = first;
        for step in fitting {
            others = true;
            if key(&step) < key(&best) {
                best = step;
            }
        }
        let (edge, w, forward) = best;
        path.push(Step { edge, from: u, to: w, forward });
        u = w;
    }
    Paths { paths: vec![path], truncated: others }
}

/// All paths between the end at distance 0 and `m`, along edges where the distance changes by
/// one and that lead `toward` from `m`: from the source to `m` when `to_middle`, else from `m`
/// to the target.
fn halves(s: &Search, m: NodeIx, dist: &[usize], to_middle: bool, toward: Dir) -> Vec<Path> {
    if dist[m] == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for (e, w, forward) in s.steps(m, toward) {
        if dist[w] != UNSEEN && dist[w] + 1 == dist[m] {
            for mut rest in halves(s, w, dist, to_middle, toward) {
                if out.len() == ENUMERATION_CAP {
                    return out;
                }
                if to_middle {
                    // rest runs source -> w; add w -> m.
                    rest.push(Step { edge: e, from: w, to: m, forward: !forward });
                } else {
                    // rest runs w -> target; put m -> w in front.
                    rest.insert(0, Step { edge: e, from: m, to: w, forward });
                }
                out.push(rest);
            }
        }
    }
    out
}
