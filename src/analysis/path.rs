//! Shortest paths between two nodes, over edges in either direction, by bidirectional
//! breadth-first search. Constraints (relations, avoided nodes, layers) prune the search itself,
//! so a path that breaks them is never explored.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

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

/// A per-node array borrowed from the graph's pool (so that a search costs what it visits, not
/// the size of the graph), with the nodes it set in the order it set them (a breadth-first search
/// lists its layers one after another), to clear them when it goes back.
struct Marks<'a> {
    g: &'a KnowledgeGraph,
    at: Vec<u32>,
    order: Vec<u32>,
}

thread_local! {
    /// The node lists of finished searches, emptied and kept for their room: a list grows to
    /// what the searches visit once per thread, not once per search.
    static LISTS: RefCell<Vec<Vec<u32>>> = const { RefCell::new(Vec::new()) };
}

impl<'a> Marks<'a> {
    fn new(g: &'a KnowledgeGraph) -> Self {
        let order = LISTS.try_with(|l| l.borrow_mut().pop()).ok().flatten().unwrap_or_default();
        Marks { g, at: g.borrow_array(), order }
    }

    /// A distance, or `usize::MAX` when unset (stored plus one: 0 is unset).
    fn get(&self, v: NodeIx) -> usize {
        (self.at[v] as usize).wrapping_sub(1)
    }

    fn put(&mut self, v: NodeIx, d: usize) {
        if self.at[v] == 0 {
            // The graph has fewer than 2^32 nodes (KnowledgeGraph::new checks).
            self.order.push(v as u32);
        }
        self.at[v] = d as u32 + 1;
    }

    fn has(&self, v: NodeIx) -> bool {
        self.at[v] != 0
    }

    /// How many nodes are set.
    fn len(&self) -> usize {
        self.order.len()
    }

    /// The nodes set from the `from`-th on, in the order they were set.
    fn since(&self, from: usize) -> impl Iterator<Item = NodeIx> + '_ {
        self.order[from..].iter().map(|&v| v as NodeIx)
    }
}

impl Drop for Marks<'_> {
    fn drop(&mut self) {
        for &v in &self.order {
            self.at[v as usize] = 0;
        }
        self.g.give_back(std::mem::take(&mut self.at));
        let mut order = std::mem::take(&mut self.order);
        order.clear();
        // A thread being torn down keeps no list.
        let _ = LISTS.try_with(|l| l.borrow_mut().push(order));
    }
}

/// Enumerate at most this many shortest paths before sorting; beyond it the result says
/// `truncated`.
pub const ENUMERATION_CAP: usize = 10_000;

struct Search<'a> {
    g: &'a KnowledgeGraph,
    c: &'a Constraints,
    source: NodeIx,
    target: NodeIx,
    /// No constraint at all: every edge is usable in both directions.
    free: bool,
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
        out.chain(inc).filter(move |&(e, o, forward)| {
            self.free || (self.usable(e, o) && self.heads(e, forward, toward))
        })
    }

    /// Whether walking `edge` (in its own direction when `forward`) moves towards `toward`.
    fn heads(&self, edge: EdgeIx, forward: bool, toward: Dir) -> bool {
        if toward == Dir::Both {
            return true;
        }
        let supply = self.g.supply_of(self.g.dataset.edge_rel(edge));
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
        if !c.rels.is_empty() && !c.rels.contains(self.g.dataset.edge_rel(edge).as_str()) {
            return false;
        }
        if next == self.source || next == self.target {
            return true;
        }
        !c.avoid.contains(&next)
            && (c.layers.is_empty() || c.layers.contains(self.g.dataset.node_layer(next).as_str()))
    }

    /// Expands the layer of `dist` that begins at its `from`-th node (the frontier: every node
    /// set since) by one step towards `toward`. Returns the length of a path through a node that
    /// `other` (the other side's search) has set, if the new layer holds one; with `whole` false
    /// it stops at the first such node (the new layer is then partial).
    fn expand(
        &self,
        dist: &mut Marks,
        from: usize,
        other: &Marks,
        toward: Dir,
        whole: bool,
    ) -> Option<usize> {
        let end = dist.len();
        let mut met: Option<usize> = None;
        for i in from..end {
            let v = dist.order[i] as NodeIx;
            let d = dist.get(v) + 1;
            if self.free {
                for (_, w) in self.g.edges_at(v, Dir::Both) {
                    if reach(dist, other, w, d, &mut met) && !whole {
                        return met;
                    }
                }
            } else {
                for (_, w, _) in self.unsorted_steps(v, toward) {
                    if reach(dist, other, w, d, &mut met) && !whole {
                        return met;
                    }
                }
            }
        }
        met
    }

    /// Whether `w`, on the source half (its distance `i` from the source is below `d.p`), lies on
    /// a shortest path: whether steps one layer further at a time lead from it to a node `d.p`
    /// from the source and `d.len - d.p` from the target. A depth-first search that stops at the
    /// first such node and remembers each node's answer in `known` (so that no node's edges are
    /// read twice, whatever the walk asks); a stack, not recursion, as the half may be long.
    fn alive(&self, w: NodeIx, d: &Dist, known: &mut Marks, forth: Dir) -> bool {
        if known.has(w) {
            return known.get(w) == ALIVE;
        }
        let mut stack = vec![(w, self.unsorted_steps(w, forth))];
        while let Some((v, steps)) = stack.last_mut() {
            let (v, i) = (*v, d.ds.get(*v));
            let (mut found, mut deeper) = (false, None);
            for (_, x, _) in steps {
                if i + 1 == d.p {
                    // A middle node: its distance from the target is exact.
                    if d.dt.has(x) && d.dt.get(x) + d.p == d.len {
                        found = true;
                        break;
                    }
                } else if d.ds.get(x) == i + 1 {
                    if !known.has(x) {
                        deeper = Some(x);
                        break;
                    }
                    if known.get(x) == ALIVE {
                        found = true;
                        break;
                    }
                }
            }
            if let Some(x) = deeper {
                stack.push((x, self.unsorted_steps(x, forth)));
            } else if found {
                // Each node on the stack steps to the next one: all of them lead to the middle.
                stack.drain(..).for_each(|(v, _)| known.put(v, ALIVE));
                return true;
            } else {
                known.put(v, DEAD);
                stack.pop();
            }
        }
        false
    }
}

/// Sets `w` at distance `d` unless it is set; whether it is new and `other` (the other side's
/// search) has set it too, which makes `met` the shortest length through such a node. Inlined:
/// it runs once per edge a search reads.
#[inline(always)]
fn reach(dist: &mut Marks, other: &Marks, w: NodeIx, d: usize, met: &mut Option<usize>) -> bool {
    if dist.has(w) {
        return false;
    }
    dist.put(w, d);
    if !other.has(w) {
        return false;
    }
    let len = d + other.get(w);
    *met = Some(met.map_or(len, |m| m.min(len)));
    true
}

/// What [`Search::alive`] found of a node (a [`Marks`] value).
const ALIVE: usize = 0;
const DEAD: usize = 1;

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
    let free = c.rels.is_empty() && c.avoid.is_empty() && c.layers.is_empty() && !c.upstream;
    let s = Search { g, c, source, target, free };
    let (mut ds, mut dt) = (Marks::new(g), Marks::new(g));
    ds.put(source, 0);
    dt.put(target, 0);
    // Each side's frontier: its nodes from this one on.
    let (mut fs, mut ft) = (0, 0);
    let (mut ks, mut kt) = (0, 0);
    let max_len = c.max_len.unwrap_or(usize::MAX);
    let (forth, back) = s.sides();
    // The first path needs no whole last layer from the source: the search then stops at the
    // first node both sides reach.
    let whole = limit > 1;
    // Grow the smaller side one layer at a time until the two searches touch.
    let len = loop {
        let (ns, nt) = (ds.len() - fs, dt.len() - ft);
        if ns == 0 || nt == 0 || ks + kt >= max_len {
            return none;
        }
        if ns <= nt {
            let start = ds.len();
            let met = s.expand(&mut ds, fs, &dt, forth, whole);
            (fs, ks) = (start, ks + 1);
            if let Some(l) = met {
                break l;
            }
        } else {
            let start = dt.len();
            // Whole layers from the target: the walk tells steps on a shortest path from the
            // others by these distances.
            let met = s.expand(&mut dt, ft, &ds, back, true);
            (ft, kt) = (start, kt + 1);
            if let Some(l) = met {
                break l;
            }
        }
    };
    if len > max_len {
        return none;
    }
    // Before the last step no node was reached from both ends, so no path is shorter than ks + kt
    // (one would hold a node within ks of the source and kt of the target), and the node found
    // makes one that long: len = ks + kt. Every shortest path has, at position p = ks, a node
    // whose distances from both ends are known; the layers are whole up to p - 1 from the source
    // (the last one may be partial) and up to len - p from the target.
    let p = ks.min(len);
    if limit == 1 {
        return first_path(&s, Dist { ds: &ds, dt: &dt, len, p }, forth);
    }
    // Whole layers: paths are the joins of the halves through the nodes at p.
    // The nodes at distance p from the source: the source side's last frontier (p is ks unless a
    // path shorter than ks exists, which the layer-by-layer search rules out; scan to be safe).
    let middle = |v: &NodeIx| ds.get(*v) == p && dt.get(*v) == len - p;
    let middles: Vec<NodeIx> = if p == ks {
        ds.since(fs).filter(middle).collect()
    } else {
        // In node order, as a scan of every node would list them.
        let mut m: Vec<NodeIx> = ds.since(0).filter(middle).collect();
        m.sort_unstable();
        m
    };
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

/// The distances a bidirectional search left: from the source (`ds`, every node up to `p - 1`,
/// some at `p`) and from the target (`dt`, every node up to `len - p`), with the shortest length
/// `len`. A distance set is exact.
struct Dist<'a> {
    ds: &'a Marks<'a>,
    dt: &'a Marks<'a>,
    len: usize,
    p: usize,
}

/// The first shortest path in the sorted order, found without listing the others: walk from the
/// source and take, at each position, the smallest step (by the next node's id, then relation)
/// that stays on a shortest path. Paths compare step by step, so the smallest first step begins
/// the smallest path, and so on. Whether another shortest path exists is seen on the way.
///
/// Beyond the source half a step stays on a shortest path when it comes one closer to the target
/// (the target's distances are exact there). On the source half it must lead to a middle node:
/// the candidates one layer further are tried smallest first, each by [`Search::alive`], so that
/// only the part of the half the walk looks at is searched.
fn first_path(s: &Search, d: Dist, forth: Dir) -> Paths {
    let mut known = Marks::new(s.g);
    let mut path = Vec::with_capacity(d.len);
    let mut others = false;
    // The candidates left untried on the source half: another path, if one of them lies on one
    // (tried at the end, and only when no other path has shown by then).
    let mut untried: Vec<(EdgeIx, NodeIx, bool)> = Vec::new();
    // Steps ordered by the next node's id, then relation, then edge (ids are compared as text:
    // only candidates are, and the id order need not be built).
    let key = |&(e, w, _): &(EdgeIx, NodeIx, bool)| (s.g.dataset.node_id(w), s.g.dataset.edge_rel(e), e);
    let mut u = s.source;
    for j in 0..d.len {
        let best = if j + 1 < d.p {
            let mut candidates: BinaryHeap<_> = s
                .unsorted_steps(u, forth)
                .filter(|&(_, w, _)| d.ds.get(w) == j + 1 && known.get(w) != DEAD)
                .map(|step| Reverse((key(&step), step)))
                .collect();
            let mut best = None;
            while let Some(Reverse((_, step))) = candidates.pop() {
                if s.alive(step.1, &d, &mut known, forth) {
                    best = Some(step);
                    break;
                }
            }
            let Some(best) = best else {
                return Paths { paths: Vec::new(), truncated: false };
            };
            if !others {
                let rest = candidates.into_iter().map(|Reverse((_, step))| step);
                // A second edge to the same node is a second path.
                let before = untried.len();
                untried.extend(rest);
                others = untried[before..].iter().any(|&(_, w, _)| w == best.1);
            }
            best
        } else {
            let fits = |w: NodeIx| d.dt.has(w) && d.dt.get(w) + j + 1 == d.len;
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
            best
        };
        let (edge, w, forward) = best;
        path.push(Step { edge, from: u, to: w, forward });
        u = w;
    }
    if !others {
        others = untried.iter().any(|&(_, w, _)| s.alive(w, &d, &mut known, forth));
    }
    Paths { paths: vec![path], truncated: others }
}

/// All paths between the end at distance 0 and `m`, along edges where the distance changes by
/// one and that lead `toward` from `m`: from the source to `m` when `to_middle`, else from `m`
/// to the target.
fn halves(s: &Search, m: NodeIx, dist: &Marks, to_middle: bool, toward: Dir) -> Vec<Path> {
    if dist.get(m) == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for (e, w, forward) in s.steps(m, toward) {
        if dist.has(w) && dist.get(w) + 1 == dist.get(m) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The distance from `a` to `b` over edges in either direction, by a plain search with arrays
    /// of its own.
    fn distance(g: &KnowledgeGraph, a: NodeIx, b: NodeIx) -> Option<usize> {
        let mut dist = vec![usize::MAX; g.node_count()];
        dist[a] = 0;
        let mut queue = std::collections::VecDeque::from([a]);
        while let Some(v) = queue.pop_front() {
            for (_, w) in g.edges_at(v, Dir::Both) {
                if dist[w] == usize::MAX {
                    dist[w] = dist[v] + 1;
                    queue.push_back(w);
                }
            }
        }
        (dist[b] != usize::MAX).then_some(dist[b])
    }

    #[test]
    fn the_first_path_is_the_first_of_all_under_every_constraint() {
        let mini = crate::testing::mini();
        let g = KnowledgeGraph::new(crate::gen::generate(&mini.dataset, 800, 2400, 5).expect("small enough"));
        let n = g.node_count();
        let mut rels: Vec<String> = g.dataset.edges.iter().map(|e| e.rel.to_string()).collect();
        rels.sort();
        rels.dedup();
        let mut by_degree: Vec<NodeIx> = (0..n).collect();
        by_degree.sort_by_key(|&v| std::cmp::Reverse(g.degree(v)));
        let layer = g.node(by_degree[0]).layer.to_string();
        let constraints = [
            Constraints::default(),
            Constraints { upstream: true, ..Constraints::default() },
            Constraints { rels: rels.iter().step_by(2).cloned().collect(), ..Constraints::default() },
            // Without the hubs, paths are longer and the source half deeper.
            Constraints { avoid: by_degree[..8].iter().copied().collect(), ..Constraints::default() },
            Constraints { layers: BTreeSet::from([layer]), ..Constraints::default() },
            Constraints { max_len: Some(4), ..Constraints::default() },
        ];
        for (i, c) in constraints.iter().enumerate() {
            let mut found = 0;
            // Every pair of 40 nodes: few pairs are joined upstream.
            for k in 0..1600 {
                let (a, b) = ((k / 40 * 97 + i) % n, (k % 40 * 211 + 17 * i + 3) % n);
                let one = shortest_paths(&g, a, b, c, 1);
                let all = shortest_paths(&g, a, b, c, ENUMERATION_CAP);
                assert_eq!(one.paths.first(), all.paths.first(), "constraint {i}: {a} {b}");
                assert_eq!(one.truncated, all.paths.len() > 1, "constraint {i}: {a} {b}");
                found += one.paths.len();
            }
            assert!(found > 10, "constraint {i}: too few pairs are connected: {found}");
        }
    }

    #[test]
    fn pooled_arrays_give_the_same_paths_query_after_query() {
        let mini = crate::testing::mini();
        let g =
            KnowledgeGraph::new(crate::gen::generate(&mini.dataset, 1500, 3000, 11).expect("small enough"));
        let n = g.node_count();
        let pairs: Vec<(NodeIx, NodeIx)> = (0..60).map(|i| ((i * 37) % n, (i * 101 + 7) % n)).collect();
        let free = Constraints::default();
        let short = Constraints { max_len: Some(3), ..Constraints::default() };
        let first: Vec<Paths> = pairs.iter().map(|&(a, b)| shortest_paths(&g, a, b, &free, 1)).collect();
        let mut found = 0;
        for (&(a, b), one) in pairs.iter().zip(&first) {
            // The length is the true distance; the first path is the first of all of them.
            let len = one.paths.first().map(Vec::len);
            assert_eq!(len, distance(&g, a, b).filter(|_| a != b), "{a} {b}");
            let all = shortest_paths(&g, a, b, &free, ENUMERATION_CAP);
            assert_eq!(one.paths.first(), all.paths.first(), "{a} {b}");
            assert_eq!(one.truncated, all.paths.len() > 1, "{a} {b}");
            // A constrained search (not the fast path) in between changes nothing after it.
            let bounded = shortest_paths(&g, a, b, &short, 1);
            assert_eq!(bounded.paths.first(), one.paths.first().filter(|p| p.len() <= 3));
            found += one.paths.len();
        }
        assert!(found > 30, "too few pairs are connected to test anything: {found}");
        // Again, in reverse order: the same answers.
        for (&(a, b), one) in pairs.iter().zip(&first).rev() {
            assert_eq!(&shortest_paths(&g, a, b, &free, 1), one);
        }
        // Every array went back to the pool cleared.
        // (three marks at once: each side's distances and the walk's answers, each with its list)
        let arrays: Vec<Vec<u32>> = (0..6).map(|_| g.borrow_array()).collect();
        assert!(arrays.iter().all(|a| a.len() == n && a.iter().all(|&x| x == 0)));
        arrays.into_iter().for_each(|a| g.give_back(a));
    }
}
