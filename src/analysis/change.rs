//! What changed in the chain between two days, and the loops that money and supply run in.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::time::{exists, valid};
use crate::graph::KnowledgeGraph;
use crate::model::{Day, EdgeIx, NodeIx, Supply};

/// Relations that record a change of name, owner or successor.
const LINEAGE: &[&str] = &["MERGED_INTO", "SUCCEEDED_BY", "ACQUIRED"];

/// One change between two days.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A node that came into being between the two days.
    NodeAppeared(NodeIx),
    /// A node that ended between the two days.
    NodeEnded(NodeIx),
    /// An edge that began between the two days.
    EdgeAppeared(EdgeIx),
    /// An edge that ended between the two days.
    EdgeEnded(EdgeIx),
    /// A holder's share of a market: the observation standing on each day (edge), if any.
    ShareMoved {
        /// The node whose share it is.
        holder: NodeIx,
        /// The market (the edges' `share_of`).
        market: String,
        /// The share edge standing on the first day.
        before: Option<EdgeIx>,
        /// The share edge standing on the second day.
        after: Option<EdgeIx>,
    },
    /// A lineage edge (merger, rename, acquisition) dated between the two days.
    Lineage(EdgeIx),
}

/// Everything that changed after `from` up to `to` (both read as the last day of their period).
pub fn diff(g: &KnowledgeGraph, from: Day, to: Day) -> Vec<Change> {
    let d = &g.dataset;
    let mut out = Vec::new();
    for ix in 0..d.nodes.len() {
        match (exists(d, ix, from), exists(d, ix, to)) {
            (false, true) => out.push(Change::NodeAppeared(ix)),
            (true, false) => out.push(Change::NodeEnded(ix)),
            _ => {}
        }
    }
    let share = |e: &crate::model::Edge| e.share_pct.is_some() && e.more().share_of.is_some();
    for (ix, e) in d.edges.iter().enumerate() {
        if share(e) {
            continue;
        }
        if LINEAGE.contains(&e.rel.as_str()) {
            let at = e.more().since.as_deref().or(e.more().as_of.as_deref()).and_then(Day::first);
            if at.is_some_and(|at| from < at && at <= to) {
                out.push(Change::Lineage(ix));
            }
            continue;
        }
        match (valid(d, e, from), valid(d, e, to)) {
            (false, true) => out.push(Change::EdgeAppeared(ix)),
            (true, false) => out.push(Change::EdgeEnded(ix)),
            _ => {}
        }
    }
    // Shares: the latest observation of each (holder, market) standing on each day.
    let standing = |day: Day| {
        let mut best: BTreeMap<(NodeIx, &str), (Day, EdgeIx)> = BTreeMap::new();
        for (ix, e) in d.edges.iter().enumerate().filter(|(_, e)| share(e) && valid(d, e, day)) {
            let at =
                e.more().as_of.as_deref().and_then(Day::first).unwrap_or(Day { year: 0, month: 1, day: 1 });
            let key = (e.from, e.more().share_of.as_deref().unwrap_or_default());
            let slot = best.entry(key).or_insert((at, ix));
            if at > slot.0 {
                *slot = (at, ix);
            }
        }
        best.into_iter().map(|(k, (_, ix))| (k, ix)).collect::<BTreeMap<_, _>>()
    };
    let (before, after) = (standing(from), standing(to));
    let keys: BTreeSet<_> = before.keys().chain(after.keys()).copied().collect();
    for key in keys {
        let (b, a) = (before.get(&key).copied(), after.get(&key).copied());
        let moved = match (b, a) {
            (Some(b), Some(a)) => d.edges[b].share_pct != d.edges[a].share_pct,
            (None, None) => false,
            _ => true,
        };
        if moved {
            out.push(Change::ShareMoved { holder: key.0, market: key.1.to_string(), before: b, after: a });
        }
    }
    out
}

/// One step of a loop: an edge, followed in the direction money moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub(crate) edge: EdgeIx,
    pub(crate) from: NodeIx,
    pub(crate) to: NodeIx,
}

/// The loops money runs in, shortest first (then by the ids along them), each once, up to
/// `max_len` steps and `limit` loops. Money moves from a customer to its supplier along a supply
/// edge, and from `from` to `to` along a relation the schema marks `money = true` (an investor into
/// what it invests in or the round it joins, a round into what raised it); a loop through both is
/// a circular deal (a supplier funds a customer that buys from it).
pub fn cycles(g: &KnowledgeGraph, max_len: usize, limit: usize) -> Vec<Vec<Step>> {
    let n = g.node_count();
    let mut arcs: Vec<Vec<(EdgeIx, NodeIx)>> = vec![Vec::new(); n];
    for (ix, e) in g.dataset.edges.iter().enumerate() {
        let (payer, payee) = match g.supply_of(&e.rel) {
            Some(Supply::Forward) => (e.to, e.from),
            Some(Supply::Reverse) => (e.from, e.to),
            None if g.dataset.schema.is_money(&e.rel) => (e.from, e.to),
            None => continue,
        };
        if payer != payee {
            arcs[payer].push((ix, payee));
        }
    }
    for list in &mut arcs {
        g.sort_steps(list, |s| *s);
    }
    let mut found: BTreeMap<(usize, Vec<String>), Vec<Step>> = BTreeMap::new();
    for u in 0..n {
        for &(edge, v) in &arcs[u] {
            // The shortest way back from v to u closes the shortest loop through this arc; a loop
            // found from several of its arcs is kept once, rotated to start at its smallest id.
            let Some(back) = shortest(&arcs, v, u, max_len.saturating_sub(1)) else { continue };
            let mut steps = vec![Step { edge, from: u, to: v }];
            steps.extend(back);
            let key: Vec<String> = steps.iter().map(|s| g.node(s.from).id.0.clone()).collect();
            let start = key.iter().enumerate().min_by(|a, b| a.1.cmp(b.1)).map_or(0, |(i, _)| i);
            steps.rotate_left(start);
            let ids: Vec<String> =
                steps.iter().map(|s| format!("{}>{}", g.node(s.from).id, g.edge(s.edge).rel)).collect();
            found.entry((steps.len(), ids)).or_insert(steps);
        }
    }
    found.into_values().take(limit).collect()
}

/// A shortest path of arcs from `from` to `to`, at most `max_len` steps.
fn shortest(arcs: &[Vec<(EdgeIx, NodeIx)>], from: NodeIx, to: NodeIx, max_len: usize) -> Option<Vec<Step>> {
    if from == to {
        return Some(Vec::new());
    }
    let mut prev: BTreeMap<NodeIx, (EdgeIx, NodeIx)> = BTreeMap::new();
    let mut depth = BTreeMap::from([(from, 0usize)]);
    let mut queue = VecDeque::from([from]);
    while let Some(x) = queue.pop_front() {
        if depth[&x] >= max_len {
            continue;
        }
        for &(e, y) in &arcs[x] {
            if depth.contains_key(&y) {
                continue;
            }
            depth.insert(y, depth[&x] + 1);
            prev.insert(y, (e, x));
            if y == to {
                let mut steps = Vec::new();
                let mut at = to;
                while at != from {
                    let (e, p) = prev[&at];
                    steps.push(Step { edge: e, from: p, to: at });
                    at = p;
                }
                steps.reverse();
                return Some(steps);
            }
            queue.push_back(y);
        }
    }
    None
}
