//! The supply view of the graph: every edge whose relation has a `supply` direction, turned so
//! that it points from the upstream node to the downstream node. Tiers and impact follow it.

use std::collections::VecDeque;

use crate::graph::KnowledgeGraph;
use crate::model::{EdgeIx, NodeIx, Supply};

/// Supply arcs as adjacency lists, each sorted by the other node's id, then relation.
pub struct SupplyView {
    /// `suppliers[n]`: (edge, upstream node) for each supply arc into `n`.
    pub suppliers: Vec<Vec<(EdgeIx, NodeIx)>>,
    /// `customers[n]`: (edge, downstream node) for each supply arc out of `n`.
    pub customers: Vec<Vec<(EdgeIx, NodeIx)>>,
}

/// Upstream (towards suppliers) or downstream (towards customers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Upstream,
    Downstream,
}

/// A node reached through supply arcs: its tier (the fewest arcs from the start) and the arc and
/// node through which it was first reached.
#[derive(Debug, Clone, PartialEq)]
pub struct Tiered {
    pub node: NodeIx,
    pub tier: usize,
    pub via_edge: EdgeIx,
    pub via_node: NodeIx,
}

impl SupplyView {
    pub fn new(g: &KnowledgeGraph) -> Self {
        let n = g.node_count();
        let mut suppliers = vec![Vec::new(); n];
        let mut customers = vec![Vec::new(); n];
        for (ix, e) in g.dataset.edges.iter().enumerate() {
            let supply = g.dataset.schema.relation(&e.rel).and_then(|r| r.supply);
            let (up, down) = match supply {
                Some(Supply::Forward) => (e.from, e.to),
                Some(Supply::Reverse) => (e.to, e.from),
                None => continue,
            };
            suppliers[down].push((ix, up));
            customers[up].push((ix, down));
        }
        let key = |&(e, other): &(EdgeIx, NodeIx)| (g.node(other).id.clone(), g.edge(e).rel.clone(), e);
        for list in suppliers.iter_mut().chain(customers.iter_mut()) {
            list.sort_by_key(key);
        }
        SupplyView { suppliers, customers }
    }

    fn next(&self, flow: Flow, node: NodeIx) -> &[(EdgeIx, NodeIx)] {
        match flow {
            Flow::Upstream => &self.suppliers[node],
            Flow::Downstream => &self.customers[node],
        }
    }

    /// Breadth-first tiers from `start`, up to `depth` tiers (`None`: all). Sorted by tier, then
    /// id; each node appears once, at its lowest tier.
    pub fn tiers(&self, g: &KnowledgeGraph, start: NodeIx, flow: Flow, depth: Option<usize>) -> Vec<Tiered> {
        let mut seen = vec![false; self.suppliers.len()];
        seen[start] = true;
        let mut frontier = vec![start];
        let mut out = Vec::new();
        let mut tier = 0;
        while !frontier.is_empty() && depth.is_none_or(|d| tier < d) {
            tier += 1;
            let mut next = Vec::new();
            for &node in &frontier {
                for &(edge, other) in self.next(flow, node) {
                    if !seen[other] {
                        seen[other] = true;
                        next.push(Tiered { node: other, tier, via_edge: edge, via_node: node });
                    }
                }
            }
            next.sort_by(|a, b| g.node(a.node).id.cmp(&g.node(b.node).id));
            frontier = next.iter().map(|t| t.node).collect();
            out.extend(next);
        }
        out
    }

    /// The nodes that receive supply when `failed` (if any) is removed: everything reachable
    /// downstream from a node with no suppliers (a root), other than `failed`, without passing
    /// through `failed`. A dependant of `failed` that is not in this set has no supply route that
    /// avoids it: `failed` dominates it in the supply graph.
    pub fn supplied_without(&self, failed: Option<NodeIx>) -> Vec<bool> {
        let failed = failed.unwrap_or(usize::MAX);
        let n = self.suppliers.len();
        let mut reached = vec![false; n];
        let mut queue: VecDeque<NodeIx> =
            (0..n).filter(|&v| v != failed && self.suppliers[v].is_empty()).collect();
        for &v in &queue {
            reached[v] = true;
        }
        while let Some(v) = queue.pop_front() {
            for &(_, w) in &self.customers[v] {
                if w != failed && !reached[w] {
                    reached[w] = true;
                    queue.push_back(w);
                }
            }
        }
        reached
    }
}
