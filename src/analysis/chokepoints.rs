//! Single points of failure in the supply graph.
//!
//! Four signals, each explainable to a reader:
//! - **cascade**: the nodes that break when X stops, in the model of [`Inputs`]: a node breaks
//!   when it loses every supplier of one kind of input it needs (its only foundry, say), and
//!   breakage spreads downstream. A node that breaks something is a sole supplier somewhere.
//! - **dominance**: with a virtual root above every node that has no supplier, node X dominates
//!   node Y when every supply route into Y passes through X. The nodes X dominates are what X
//!   alone controls: lose X and they lose every route of supply.
//! - **cut vertex**: removing X splits the supply graph (taken undirected) into more pieces.
//! - **betweenness**: the share of shortest supply routes that run through X.

use petgraph::algo::dominators::simple_fast;
use petgraph::graph::{DiGraph, NodeIndex, UnGraph};

use super::centrality::{betweenness, betweenness_scale, Arcs};
use super::supply::{Inputs, SupplyView};
use crate::graph::KnowledgeGraph;
use crate::model::NodeIx;

/// A node whose loss breaks others, with what it breaks and how central it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Chokepoint {
    pub(crate) node: NodeIx,
    /// Nodes that break when this one stops (cascade model), sorted by id.
    pub breaks: Vec<NodeIx>,
    /// Nodes every supply route into which passes through this one, sorted by id.
    pub dominates: Vec<NodeIx>,
    /// All nodes downstream of this one.
    pub downstream: usize,
    pub(crate) cut_vertex: bool,
    /// Normalised betweenness on the dependency graph.
    pub betweenness: f64,
}

/// For each node, the nodes it dominates in the supply graph (see the module docs).
pub fn dominated(view: &SupplyView) -> Vec<Vec<NodeIx>> {
    let n = view.suppliers.len();
    let mut dg: DiGraph<(), ()> = DiGraph::with_capacity(n + 1, n);
    for _ in 0..=n {
        dg.add_node(());
    }
    let root = NodeIndex::new(n);
    for (v, customers) in view.customers.iter().enumerate() {
        for &(_, w) in customers {
            dg.add_edge(NodeIndex::new(v), NodeIndex::new(w), ());
        }
        if view.suppliers[v].is_empty() {
            dg.add_edge(root, NodeIndex::new(v), ());
        }
    }
    let doms = simple_fast(&dg, root);
    let mut out = vec![Vec::new(); n];
    for y in 0..n {
        if let Some(strict) = doms.strict_dominators(NodeIndex::new(y)) {
            for d in strict.filter(|d| *d != root) {
                out[d.index()].push(y);
            }
        }
    }
    out
}

/// Cut vertices of the supply graph taken undirected (only nodes with supply arcs).
pub fn cut_vertices(view: &SupplyView) -> Vec<bool> {
    let n = view.suppliers.len();
    let mut ug: UnGraph<(), ()> = UnGraph::with_capacity(n, n);
    for _ in 0..n {
        ug.add_node(());
    }
    for (v, customers) in view.customers.iter().enumerate() {
        for &(_, w) in customers {
            ug.add_edge(NodeIndex::new(v), NodeIndex::new(w), ());
        }
    }
    let mut cut = vec![false; n];
    for ix in petgraph::algo::articulation_points::articulation_points(&ug) {
        cut[ix.index()] = true;
    }
    cut
}

/// Every node that breaks another, dominates another or is a cut vertex, ranked by how many
/// nodes break when it stops, then how many it dominates, how many are downstream of it,
/// betweenness, and id.
pub fn chokepoints(g: &KnowledgeGraph, view: &SupplyView, immune: &[bool]) -> Vec<Chokepoint> {
    let n = g.node_count();
    let dominated = dominated(view);
    let cut = cut_vertices(view);
    let arcs = Arcs::from_view(view);
    let scale = betweenness_scale(n);
    let bc = betweenness(&arcs);
    let inputs = Inputs::new(g, view);
    let by_id = |list: &mut Vec<NodeIx>| list.sort_by(|a, b| g.node(*a).id.cmp(&g.node(*b).id));
    let breaks: Vec<Vec<NodeIx>> = (0..n)
        .map(|v| {
            if view.customers[v].is_empty() {
                return Vec::new();
            }
            let broken = inputs.cascade(v, immune);
            let mut list: Vec<NodeIx> = (0..n).filter(|&w| w != v && broken[w].is_some()).collect();
            by_id(&mut list);
            list
        })
        .collect();
    let mut out: Vec<Chokepoint> = (0..n)
        .filter(|&v| !breaks[v].is_empty() || !dominated[v].is_empty() || cut[v])
        .map(|v| {
            let mut dominates = dominated[v].clone();
            by_id(&mut dominates);
            Chokepoint {
                node: v,
                breaks: breaks[v].clone(),
                dominates,
                downstream: view.tiers(g, v, super::supply::Flow::Downstream, None).len(),
                cut_vertex: cut[v],
                betweenness: bc[v] / scale,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.breaks
            .len()
            .cmp(&a.breaks.len())
            .then(b.dominates.len().cmp(&a.dominates.len()))
            .then(b.downstream.cmp(&a.downstream))
            .then(b.betweenness.total_cmp(&a.betweenness))
            .then_with(|| g.node(a.node).id.cmp(&g.node(b.node).id))
    });
    out
}
