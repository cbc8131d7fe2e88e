//! Centrality on the dependency graph: one arc from each customer to each of its suppliers (the
//! supply arcs reversed, parallel arcs merged), so that importance flows towards what everyone
//! depends on.

use crate::graph::KnowledgeGraph;
use crate::model::{NodeIx, Supply};

use super::supply::SupplyView;

/// Dependency arcs as compressed sparse rows: [`Arcs::row`]`(c)` are the distinct suppliers of
/// `c`, ascending, and [`Arcs::back_row`]`(s)` the customers of `s`, ascending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arcs {
    start: Vec<u32>,
    to: Vec<u32>,
    back_start: Vec<u32>,
    back: Vec<u32>,
}

impl Arcs {
    /// From the rows of each node's out-neighbours; the reverse rows are made here.
    fn new(start: Vec<u32>, to: Vec<u32>) -> Arcs {
        let n = start.len() - 1;
        let pairs = (0..n)
            .flat_map(|v| to[start[v] as usize..start[v + 1] as usize].iter().map(move |&w| (v as u32, w)));
        // Visiting the customers in order, each supplier's row comes out ascending.
        let (back_start, back) = bucket(n, pairs.collect::<Vec<_>>().as_slice(), |&(_, w)| w);
        let back = back.into_iter().map(|(v, _)| v).collect();
        Arcs { start, to, back_start, back }
    }

    /// From out-neighbour lists, one per node (each sorted and deduplicated as given).
    pub fn from_lists(lists: &[Vec<NodeIx>]) -> Arcs {
        let mut start = Vec::with_capacity(lists.len() + 1);
        start.push(0);
        let mut to = Vec::new();
        for list in lists {
            to.extend(list.iter().map(|&w| w as u32));
            start.push(to.len() as u32);
        }
        Arcs::new(start, to)
    }

    /// The arcs of a supply view (for instance on a day): each node's distinct suppliers.
    pub fn from_view(view: &SupplyView) -> Arcs {
        let lists: Vec<Vec<NodeIx>> = view
            .suppliers
            .iter()
            .map(|sup| {
                let mut s: Vec<NodeIx> = sup.iter().map(|&(_, s)| s).collect();
                s.sort_unstable();
                s.dedup();
                s
            })
            .collect();
        Arcs::from_lists(&lists)
    }

    /// How many nodes (rows) there are.
    pub fn node_count(&self) -> usize {
        self.start.len() - 1
    }

    /// How many arcs there are.
    pub fn arc_count(&self) -> usize {
        self.to.len()
    }

    /// The distinct suppliers of `v`, ascending.
    pub fn row(&self, v: NodeIx) -> &[u32] {
        &self.to[self.start[v] as usize..self.start[v + 1] as usize]
    }

    /// The distinct customers of `w` (the nodes with an arc to it), ascending.
    pub fn back_row(&self, w: NodeIx) -> &[u32] {
        &self.back[self.back_start[w] as usize..self.back_start[w + 1] as usize]
    }
}

/// The dependency arcs of the whole graph, every edge regardless of time (what
/// `Arcs::from_view(&SupplyView::new(g))` gives), built straight from the edges: (customer,
/// supplier) per supply edge, bucketed by supplier and then by customer, so that each row comes
/// out ascending and parallel arcs are neighbours to merge. No comparison sort, no per-node list.
pub fn dependency_arcs(g: &KnowledgeGraph) -> Arcs {
    let n = g.node_count();
    // The supply direction of each relation, found by the address of its shared name (the loader
    // and the cache share one string per relation) with a lookup by name as the fallback.
    let mut known: Vec<(*const u8, Option<Supply>)> = Vec::new();
    let mut last: (*const u8, Option<Supply>) = (std::ptr::null(), None);
    let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(g.dataset.edges.len());
    // Read from the columns: a stored dataset decodes no edge for it.
    for (rel, (from, to)) in g.dataset.edge_rels().zip(g.dataset.edge_end_pairs()) {
        let key = rel.as_str().as_ptr();
        if key != last.0 {
            last = match known.iter().find(|k| k.0 == key) {
                Some(&k) => k,
                None => {
                    let k = (key, g.supply_of(rel));
                    if known.len() < 64 {
                        known.push(k);
                    }
                    k
                }
            };
        }
        let supply = last.1;
        // (customer, supplier)
        let pair = match supply {
            Some(Supply::Forward) => (to, from),
            Some(Supply::Reverse) => (from, to),
            None => continue,
        };
        pairs.push((pair.0 as u32, pair.1 as u32));
    }
    // Bucket by supplier, then (visiting suppliers in order) by customer.
    let by_supplier = bucket(n, &pairs, |&(_, s)| s);
    let by_customer = bucket(n, &by_supplier.1, |&(c, _)| c);
    let (start, sorted) = by_customer;
    // Merge parallel arcs: within a row, equal suppliers are adjacent.
    let (mut rows, mut to) = (vec![0; n + 1], Vec::with_capacity(sorted.len()));
    for c in 0..n {
        let mut last = u32::MAX;
        for &(_, s) in &sorted[start[c] as usize..start[c + 1] as usize] {
            if s != last {
                to.push(s);
                last = s;
            }
        }
        rows[c + 1] = to.len() as u32;
    }
    Arcs::new(rows, to)
}

/// A stable counting sort of `items` by `key` (below `n`): the start of each key's run, and the
/// items in key order.
fn bucket<T: Copy + Default>(n: usize, items: &[T], key: impl Fn(&T) -> u32) -> (Vec<u32>, Vec<T>) {
    let mut start = vec![0u32; n + 1];
    for it in items {
        start[key(it) as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut out = vec![T::default(); items.len()];
    for it in items {
        let at = &mut fill[key(it) as usize];
        out[*at as usize] = *it;
        *at += 1;
    }
    (start, out)
}

/// PageRank parameters. The defaults are the usual ones: damping 0.85, dangling nodes spread
/// their rank uniformly, stop when the L1 change of an iteration is below `tolerance`.
#[derive(Debug, Clone, Copy)]
pub struct PageRank {
    pub(crate) damping: f64,
    pub(crate) tolerance: f64,
    pub(crate) max_iterations: usize,
}

impl Default for PageRank {
    fn default() -> Self {
        PageRank { damping: 0.85, tolerance: 1e-12, max_iterations: 1000 }
    }
}

/// PageRank scores (summing to 1) and the number of iterations run.
///
/// Each iteration gives every node `base` plus `damping * x[v] / out-degree(v)` from each node
/// `v` with an arc to it, added in ascending `v` (pulled through the reverse rows, which
/// list them in that order: the same sums, to the bit, as pushing along the arcs node by node).
pub fn pagerank(arcs: &Arcs, p: PageRank) -> (Vec<f64>, usize) {
    let n = arcs.node_count();
    if n == 0 {
        return (Vec::new(), 0);
    }
    let nf = n as f64;
    let dangling_nodes: Vec<usize> = (0..n).filter(|&v| arcs.row(v).is_empty()).collect();
    let out_degree: Vec<f64> = (0..n).map(|v| arcs.row(v).len() as f64).collect();
    let mut x = vec![1.0 / nf; n];
    let mut next = vec![0.0; n];
    let mut share = vec![0.0; n];
    for it in 1..=p.max_iterations {
        let dangling: f64 = dangling_nodes.iter().map(|&v| x[v]).sum();
        let base = (1.0 - p.damping) / nf + p.damping * dangling / nf;
        for ((s, &xv), &d) in share.iter_mut().zip(&x).zip(&out_degree) {
            // A dangling node's share is never read (it has no arc).
            *s = p.damping * xv / d;
        }
        let mut change = 0.0;
        for (w, (nw, &xw)) in next.iter_mut().zip(&x).enumerate() {
            let mut sum = base;
            for &v in arcs.back_row(w) {
                sum += share[v as usize];
            }
            *nw = sum;
            change += (xw - sum).abs();
        }
        std::mem::swap(&mut x, &mut next);
        if change < p.tolerance {
            return (x, it);
        }
    }
    (x, p.max_iterations)
}

/// Betweenness (Brandes) on the directed, unweighted arcs: for each node, the number of
/// shortest paths between other pairs that pass through it, each pair's paths sharing one unit.
/// Raw values; divide by (n-1)(n-2) to normalise.
pub fn betweenness(arcs: &Arcs) -> Vec<f64> {
    let n = arcs.node_count();
    let mut bc = vec![0.0; n];
    let mut stack = Vec::with_capacity(n);
    let mut preds: Vec<Vec<NodeIx>> = vec![Vec::new(); n];
    let mut sigma = vec![0.0f64; n];
    let mut dist = vec![usize::MAX; n];
    let mut delta = vec![0.0f64; n];
    let mut queue = std::collections::VecDeque::new();
    for s in 0..n {
        stack.clear();
        for v in 0..n {
            preds[v].clear();
            sigma[v] = 0.0;
            dist[v] = usize::MAX;
            delta[v] = 0.0;
        }
        sigma[s] = 1.0;
        dist[s] = 0;
        queue.push_back(s);
        while let Some(v) = queue.pop_front() {
            stack.push(v);
            for &w in arcs.row(v) {
                let w = w as usize;
                if dist[w] == usize::MAX {
                    dist[w] = dist[v] + 1;
                    queue.push_back(w);
                }
                if dist[w] == dist[v] + 1 {
                    sigma[w] += sigma[v];
                    preds[w].push(v);
                }
            }
        }
        while let Some(w) = stack.pop() {
            for &v in &preds[w] {
                delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w]);
            }
            if w != s {
                bc[w] += delta[w];
            }
        }
    }
    bc
}

/// The normalising factor for directed betweenness: (n-1)(n-2), or 1 for tiny graphs.
pub fn betweenness_scale(n: usize) -> f64 {
    if n > 2 {
        ((n - 1) * (n - 2)) as f64
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagerank_of_a_cycle_is_uniform_and_sums_to_one() {
        let arcs = Arcs::from_lists(&[vec![1], vec![2], vec![0]]);
        let (x, _) = pagerank(&arcs, PageRank::default());
        for v in &x {
            assert!((v - 1.0 / 3.0).abs() < 1e-12);
        }
    }

    #[test]
    fn pagerank_spreads_dangling_mass() {
        // 0 -> 1, 1 dangles.
        let (x, _) = pagerank(&Arcs::from_lists(&[vec![1], vec![]]), PageRank::default());
        assert!((x.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(x[1] > x[0]);
    }

    #[test]
    fn betweenness_of_a_chain_and_a_diamond() {
        // 0 -> 1 -> 2: only node 1 lies between (0, 2).
        assert_eq!(betweenness(&Arcs::from_lists(&[vec![1], vec![2], vec![]])), vec![0.0, 1.0, 0.0]);
        // 0 -> {1, 2} -> 3: two shortest paths share the unit.
        assert_eq!(
            betweenness(&Arcs::from_lists(&[vec![1, 2], vec![3], vec![3], vec![]])),
            vec![0.0, 0.5, 0.5, 0.0]
        );
    }

    /// The old arcs: each node's suppliers in the supply view, sorted and deduplicated.
    fn lists_of_view(g: &KnowledgeGraph) -> Vec<Vec<NodeIx>> {
        let view = SupplyView::new(g);
        (0..g.node_count())
            .map(|c| {
                let mut s: Vec<NodeIx> = view.suppliers[c].iter().map(|&(_, s)| s).collect();
                s.sort_unstable();
                s.dedup();
                s
            })
            .collect()
    }

    #[test]
    fn arcs_straight_from_the_edges_are_the_supply_views() {
        let mini = crate::testing::mini();
        let mut d = crate::gen::generate(&mini.dataset, 400, 3000, 5).expect("small enough");
        // Parallel arcs to merge: every tenth supply edge again, under a fresh name of its
        // relation (so that the lookup by name is used too).
        let doubled: Vec<_> = d
            .edges
            .iter()
            .filter(|e| mini.supply_of(&e.rel).is_some())
            .step_by(10)
            .map(|e| {
                let mut e = e.clone();
                e.rel = crate::model::Sym::from(e.rel.as_str());
                e
            })
            .collect();
        d.edges.to_mut().extend(doubled);
        let big = KnowledgeGraph::new(d);
        for g in [&mini, &big] {
            let lists = lists_of_view(g);
            let arcs = dependency_arcs(g);
            assert_eq!(arcs, Arcs::from_lists(&lists));
            assert_eq!(arcs, Arcs::from_view(&SupplyView::new(g)));
            assert_eq!(arcs.node_count(), g.node_count());
            assert_eq!(arcs.arc_count(), lists.iter().map(Vec::len).sum::<usize>());
        }
        // Parallel arcs were there to merge.
        let supply_edges = big.dataset.edges.iter().filter(|e| big.supply_of(&e.rel).is_some()).count();
        assert!(dependency_arcs(&big).arc_count() < supply_edges);
    }

    #[test]
    fn pagerank_over_the_rows_is_the_pagerank_over_lists() {
        let mini = crate::testing::mini();
        let g = KnowledgeGraph::new(crate::gen::generate(&mini.dataset, 400, 3000, 9).expect("small enough"));
        let lists = lists_of_view(&g);
        // The power iteration as it was, over one list per node: the scores agree to the bit.
        let n = lists.len();
        let p = PageRank::default();
        let mut x = vec![1.0 / n as f64; n];
        let mut next = vec![0.0; n];
        let mut iterations = 0;
        for it in 1..=p.max_iterations {
            let dangling: f64 = (0..n).filter(|&v| lists[v].is_empty()).map(|v| x[v]).sum();
            let base = (1.0 - p.damping) / n as f64 + p.damping * dangling / n as f64;
            next.iter_mut().for_each(|v| *v = base);
            for (v, out) in lists.iter().enumerate() {
                if !out.is_empty() {
                    let share = p.damping * x[v] / out.len() as f64;
                    for &w in out {
                        next[w] += share;
                    }
                }
            }
            let change: f64 = x.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
            std::mem::swap(&mut x, &mut next);
            iterations = it;
            if change < p.tolerance {
                break;
            }
        }
        assert_eq!(pagerank(&dependency_arcs(&g), p), (x, iterations));
    }
}
