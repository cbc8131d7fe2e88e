//! The supply view of the graph: every edge whose relation has a `supply` direction, turned so
//! that it points from the upstream node to the downstream node. Tiers and impact follow it.

use std::collections::VecDeque;

use crate::graph::KnowledgeGraph;
use crate::model::{Day, EdgeIx, FastMap, NodeIx, Supply, Sym, Tier};

/// Supply arcs as adjacency lists, each sorted by the other node's id, then relation.
pub struct SupplyView {
    /// `suppliers[n]`: (edge, upstream node) for each supply arc into `n`.
    pub suppliers: Vec<Vec<(EdgeIx, NodeIx)>>,
    /// `customers[n]`: (edge, downstream node) for each supply arc out of `n`.
    pub customers: Vec<Vec<(EdgeIx, NodeIx)>>,
    /// `carries[e]`: supply that reached edge `e`'s upstream end flows on along it (see
    /// [`crate::model::Relation::carries`]); a walk uses an edge that does not only as the first
    /// step of a supply route, where the route begins.
    pub carries: Vec<bool>,
}

/// Upstream (towards suppliers) or downstream (towards customers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Towards suppliers.
    Upstream,
    /// Towards customers.
    Downstream,
}

/// A node reached through supply arcs: its tier (the fewest arcs from the start) and the arc and
/// node through which it was first reached.
#[derive(Debug, Clone, PartialEq)]
pub struct Tiered {
    pub(crate) node: NodeIx,
    pub(crate) tier: usize,
    pub(crate) via_edge: EdgeIx,
    pub(crate) via_node: NodeIx,
}

impl SupplyView {
    /// The supply arcs of the graph as it stands today.
    pub fn new(g: &KnowledgeGraph) -> Self {
        SupplyView::at(g, None)
    }

    /// The supply arcs valid on `day` (see [`super::time`]); every arc when `day` is `None`.
    pub fn at(g: &KnowledgeGraph, day: Option<Day>) -> Self {
        let n = g.node_count();
        let mut suppliers = vec![Vec::new(); n];
        let mut customers = vec![Vec::new(); n];
        let carries = g
            .dataset
            .edges
            .iter()
            .map(|e| g.dataset.schema.relation(&e.rel).is_none_or(|r| r.carries))
            .collect();
        // On a day, an acquired node's edges are its owner's (see `time::owners`).
        let owners = day.map(|day| super::time::owners(&g.dataset, day)).unwrap_or_default();
        for (ix, e) in g.dataset.edges.iter().enumerate() {
            let (from, to) = match day {
                Some(day) => match super::time::joined(&g.dataset, e, day, &owners) {
                    Some(ends) => ends,
                    None => continue,
                },
                None => (e.from, e.to),
            };
            let supply = g.supply_of(&e.rel);
            let (up, down) = match supply {
                Some(Supply::Forward) => (from, to),
                Some(Supply::Reverse) => (to, from),
                None => continue,
            };
            suppliers[down].push((ix, up));
            customers[up].push((ix, down));
        }
        for list in suppliers.iter_mut().chain(customers.iter_mut()) {
            g.sort_steps(list, |s| *s);
        }
        SupplyView { suppliers, customers, carries }
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
        let mut expanded = vec![false; self.suppliers.len()];
        seen[start] = true;
        expanded[start] = true;
        let mut frontier = vec![start];
        let mut out = Vec::new();
        let mut tier = 0;
        while !frontier.is_empty() && depth.is_none_or(|d| tier < d) {
            tier += 1;
            let mut next = Vec::new();
            let mut expand = Vec::new();
            for &node in &frontier {
                for &(edge, other) in self.next(flow, node) {
                    let Some(goes_on) = self.step(flow, node == start, edge) else { continue };
                    if !seen[other] {
                        seen[other] = true;
                        next.push(Tiered { node: other, tier, via_edge: edge, via_node: node });
                    }
                    if goes_on && !expanded[other] {
                        expanded[other] = true;
                        expand.push(other);
                    }
                }
            }
            next.sort_by(|a, b| g.node(a.node).id.cmp(&g.node(b.node).id));
            expand.sort_by(|a, b| g.node(*a).id.cmp(&g.node(*b).id));
            frontier = expand;
            out.extend(next);
        }
        out
    }

    /// Whether a walk in `flow` may take `edge` out of a node (`from_start`: the walk's start),
    /// and if so whether it goes on from the node it reaches. Downstream, an edge that carries no
    /// supply through is taken only from the start; upstream, it is taken, but what it reaches (a
    /// product's designer) is where the walk stops: the designer's own inputs are not the
    /// product's.
    pub fn step(&self, flow: Flow, from_start: bool, edge: EdgeIx) -> Option<bool> {
        let carries = self.carries.get(edge).copied().unwrap_or(true);
        match flow {
            Flow::Downstream => (carries || from_start).then_some(true),
            Flow::Upstream => Some(carries),
        }
    }

    /// For each node in `reached` (from [`SupplyView::tiers`] of `start` and `flow`), the evidence
    /// its tier rests on: the best, over the arcs that reach it from the tier before, of the
    /// weakest edge on the way there. `None` means an unverified edge is unavoidable.
    pub fn evidence(
        &self,
        g: &KnowledgeGraph,
        start: NodeIx,
        flow: Flow,
        reached: &[Tiered],
    ) -> Vec<Option<Tier>> {
        let back = match flow {
            Flow::Upstream => Flow::Downstream,
            Flow::Downstream => Flow::Upstream,
        };
        let mut level: FastMap<NodeIx, (usize, Option<Tier>)> = FastMap::default();
        level.insert(start, (0, Some(Tier::Primary)));
        let mut out = Vec::with_capacity(reached.len());
        for r in reached {
            let best = self
                .next(back, r.node)
                .iter()
                .filter_map(|&(e, prev)| match level.get(&prev) {
                    Some(&(t, ev)) if t + 1 == r.tier => Some(ev.min(g.dataset.edge_tier(g.edge(e)))),
                    _ => None,
                })
                .max()
                .flatten();
            level.insert(r.node, (r.tier, best));
            out.push(best);
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

/// The kind whose nodes are each an input of their own: a technology (EUV lithography, a
/// photoresist, CoWoS, Kubernetes) is a capability that no other supplier replaces, so a fab that
/// uses EUV lithography and silicon wafers needs both.
pub const DISTINCT_INPUT_KIND: &str = "Technology";

/// The inputs of every node, for the cascade model. An input is a required relation (see the
/// schema) together with the supplier's layer: a chip needs someone to make it, someone to
/// design it and memory from the semiconductor layer; suppliers of one input are alternatives
/// (a network that rents three GPU models keeps running while any one of them is made). A
/// supplier of [`DISTINCT_INPUT_KIND`] is an input of its own: the key holds its id, not a layer.
pub struct Inputs {
    /// `groups[v]`: for each input of `v`, its distinct suppliers.
    groups: Vec<Vec<Vec<NodeIx>>>,
    /// `feeds[s]`: every (customer, input index) that `s` supplies, once each.
    feeds: Vec<Vec<(NodeIx, usize)>>,
    /// `keys[v][i]`: input `i` of `v` as (relation, supplier layer), or (relation, supplier id)
    /// for a supplier of [`DISTINCT_INPUT_KIND`].
    keys: Vec<Vec<(Sym, Sym)>>,
    /// `splits[v][i]`: each supplier's part of input `i` of `v`.
    splits: Vec<Vec<Vec<Split>>>,
    /// `carry[v][i]`: whether input `i` of `v` carries its suppliers' own supply through.
    carry: Vec<Vec<bool>>,
}

/// One supplier's part of an input.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub(crate) supplier: NodeIx,
    /// 0..1.
    pub weight: f64,
    /// The edge whose `share_pct` gave the weight; `None` for an equal split.
    pub from_edge: Option<EdgeIx>,
}

/// How an input is split among its suppliers: by the shares on the suppliers' edges into the
/// customer where every supplier has one, else equally. A share counts only on an edge whose
/// `from` is the supplier (a share is always its `from` node's): on `nvidia USES cowos` the
/// share is NVIDIA's of CoWoS demand, not CoWoS's of NVIDIA's supply.
fn split(g: &KnowledgeGraph, sup: &[(EdgeIx, NodeIx)], key: &(Sym, Sym), suppliers: &[NodeIx]) -> Vec<Split> {
    let edge_of = |s: NodeIx| {
        sup.iter()
            .filter(|(e, x)| {
                let edge = g.edge(*e);
                *x == s && edge.from == s && edge.rel == key.0 && edge.share_pct.is_some()
            })
            .map(|(e, _)| *e)
            .max_by(|a, b| g.edge(*a).more().as_of.cmp(&g.edge(*b).more().as_of))
    };
    let shared: Vec<Option<EdgeIx>> = suppliers.iter().map(|&s| edge_of(s)).collect();
    if suppliers.len() > 1 && shared.iter().all(Option::is_some) {
        let total: f64 = shared.iter().flatten().filter_map(|e| g.edge(*e).share_pct).sum();
        if total > 0.0 {
            return suppliers
                .iter()
                .zip(shared)
                .map(|(&s, e)| Split {
                    supplier: s,
                    weight: e.and_then(|e| g.edge(e).share_pct).unwrap_or(0.0) / total,
                    from_edge: e,
                })
                .collect();
        }
    }
    let w = 1.0 / suppliers.len() as f64;
    suppliers.iter().map(|&s| Split { supplier: s, weight: w, from_edge: None }).collect()
}

/// Why a node broke in the cascade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lost {
    /// It is the node that stopped.
    Itself,
    /// It lost every supplier of this input: (relation, supplier layer).
    Input((Sym, Sym)),
}

impl Inputs {
    pub(crate) fn new(g: &KnowledgeGraph, view: &SupplyView) -> Self {
        let n = view.suppliers.len();
        let mut groups: Vec<Vec<Vec<NodeIx>>> = vec![Vec::new(); n];
        let mut feeds: Vec<Vec<(NodeIx, usize)>> = vec![Vec::new(); n];
        let mut keys: Vec<Vec<(Sym, Sym)>> = vec![Vec::new(); n];
        let mut splits: Vec<Vec<Vec<Split>>> = vec![Vec::new(); n];
        let mut carry: Vec<Vec<bool>> = vec![Vec::new(); n];
        for (v, sup) in view.suppliers.iter().enumerate() {
            let mut by_kind: std::collections::BTreeMap<(Sym, Sym), Vec<NodeIx>> = Default::default();
            for &(e, s) in sup {
                let rel = &g.edge(e).rel;
                if g.dataset.schema.required_input(rel, &g.node(v).kind) {
                    let n = g.node(s);
                    let input = if n.kind == DISTINCT_INPUT_KIND {
                        Sym::from(n.id.0.as_str())
                    } else {
                        n.layer.clone()
                    };
                    by_kind.entry((rel.clone(), input)).or_default().push(s);
                }
            }
            for (i, (key, mut suppliers)) in by_kind.into_iter().enumerate() {
                suppliers.sort_unstable();
                suppliers.dedup();
                for &s in &suppliers {
                    feeds[s].push((v, i));
                }
                splits[v].push(split(g, sup, &key, &suppliers));
                carry[v].push(g.dataset.schema.relation(&key.0).is_none_or(|r| r.carries));
                groups[v].push(suppliers);
                keys[v].push(key);
            }
        }
        Inputs { groups, feeds, keys, splits, carry }
    }

    /// The share of input `i` of `v` that `lost` suppliers provided, each counted at `cut` when it
    /// is `failed` itself and in full when it broke in the cascade; with the split used.
    pub fn loss(&self, v: NodeIx, i: usize, failed: NodeIx, cut: f64, lost: &[Option<Lost>]) -> f64 {
        self.splits[v][i]
            .iter()
            .map(|s| match (s.supplier == failed, &lost[s.supplier]) {
                (true, _) => cut * s.weight,
                (false, Some(_)) if self.carry[v][i] => s.weight,
                _ => 0.0,
            })
            .sum()
    }

    /// The inputs of `v`: (relation, supplier layer) and how the input is split among suppliers.
    pub fn inputs(&self, v: NodeIx) -> impl Iterator<Item = (usize, &(Sym, Sym), &[Split])> {
        self.keys[v].iter().zip(&self.splits[v]).enumerate().map(|(i, (k, s))| (i, k, s.as_slice()))
    }

    /// Whether any supplier of any input of `v` is marked in `lost`.
    pub fn touched(&self, v: NodeIx, lost: &[Option<Lost>]) -> bool {
        self.groups[v].iter().zip(&self.carry[v]).any(|(g, c)| *c && g.iter().any(|&s| lost[s].is_some()))
    }

    /// The nodes that break when `failed` stops: `failed` itself, then every node that has lost
    /// all the suppliers of one of its inputs, repeated until nothing else breaks. A node marked
    /// `immune` never breaks (a model already trained). For each broken node other than
    /// `failed`, the input it lost every supplier of.
    pub fn cascade(&self, failed: NodeIx, immune: &[bool]) -> Vec<Option<Lost>> {
        let mut broken: Vec<Option<Lost>> = vec![None; self.groups.len()];
        let mut alive: Vec<Vec<usize>> =
            self.groups.iter().map(|gs| gs.iter().map(Vec::len).collect()).collect();
        broken[failed] = Some(Lost::Itself);
        let mut queue = VecDeque::from([failed]);
        while let Some(s) = queue.pop_front() {
            for &(v, i) in &self.feeds[s] {
                // A supplier that broke for want of its own inputs still designs what it designed.
                if s != failed && !self.carry[v][i] {
                    continue;
                }
                alive[v][i] -= 1;
                if alive[v][i] == 0 && broken[v].is_none() && !immune.get(v).copied().unwrap_or(false) {
                    broken[v] = Some(Lost::Input(self.keys[v][i].clone()));
                    queue.push_back(v);
                }
            }
        }
        broken
    }
}
