//! Centrality on the dependency graph: one arc from each customer to each of its suppliers (the
//! supply arcs reversed, parallel arcs merged), so that importance flows towards what everyone
//! depends on.

use crate::graph::KnowledgeGraph;
use crate::model::NodeIx;

use super::supply::SupplyView;

/// Out-neighbours per node: `deps[c]` are the distinct suppliers of `c`, ascending.
pub fn dependency_arcs(g: &KnowledgeGraph, view: &SupplyView) -> Vec<Vec<NodeIx>> {
    (0..g.node_count())
        .map(|c| {
            let mut s: Vec<NodeIx> = view.suppliers[c].iter().map(|&(_, s)| s).collect();
            s.sort_unstable();
            s.dedup();
            s
        })
        .collect()
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
pub fn pagerank(arcs: &[Vec<NodeIx>], p: PageRank) -> (Vec<f64>, usize) {
    let n = arcs.len();
    if n == 0 {
        return (Vec::new(), 0);
    }
    let nf = n as f64;
    let mut x = vec![1.0 / nf; n];
    let mut next = vec![0.0; n];
    for it in 1..=p.max_iterations {
        let dangling: f64 = (0..n).filter(|&v| arcs[v].is_empty()).map(|v| x[v]).sum();
        let base = (1.0 - p.damping) / nf + p.damping * dangling / nf;
        next.iter_mut().for_each(|v| *v = base);
        for (v, out) in arcs.iter().enumerate() {
            if !out.is_empty() {
                let share = p.damping * x[v] / out.len() as f64;
                for &w in out {
                    next[w] += share;
                }
            }
        }
        let change: f64 = x.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
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
pub fn betweenness(arcs: &[Vec<NodeIx>]) -> Vec<f64> {
    let n = arcs.len();
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
            for &w in &arcs[v] {
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
        let arcs = vec![vec![1], vec![2], vec![0]];
        let (x, _) = pagerank(&arcs, PageRank::default());
        for v in &x {
            assert!((v - 1.0 / 3.0).abs() < 1e-12);
        }
    }

    #[test]
    fn pagerank_spreads_dangling_mass() {
        // 0 -> 1, 1 dangles.
        let (x, _) = pagerank(&[vec![1], vec![]], PageRank::default());
        assert!((x.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(x[1] > x[0]);
    }

    #[test]
    fn betweenness_of_a_chain_and_a_diamond() {
        // 0 -> 1 -> 2: only node 1 lies between (0, 2).
        assert_eq!(betweenness(&[vec![1], vec![2], vec![]]), vec![0.0, 1.0, 0.0]);
        // 0 -> {1, 2} -> 3: two shortest paths share the unit.
        assert_eq!(betweenness(&[vec![1, 2], vec![3], vec![3], vec![]]), vec![0.0, 0.5, 0.5, 0.0]);
    }
}
