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

/// Kinds that pay and are paid: the parties of a deal. Any other node on a money path (a chip, a
/// system, a funding round) is something a party pays through, not a party.
const PARTY_KINDS: &[&str] = &["Company", "Org", "Project", "Person"];

/// One step of a loop: a payment from one party to another, over one edge or through one node in
/// between (a chip that `from` buys and `to` designs; a round that `from` joins and `to` raised).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub(crate) from: NodeIx,
    pub(crate) to: NodeIx,
    /// The node the payment passes through, if it is not a direct edge.
    pub(crate) via: Option<NodeIx>,
    /// The edges of the route, in the direction money moves.
    pub(crate) edges: Vec<EdgeIx>,
    /// How many routes the data holds from `from` to `to` (this one is the first: direct before
    /// through a node, then by the id of the node).
    pub(crate) routes: usize,
}

/// The loops money runs in between parties, shortest first (then by the ids along them), each
/// once, up to `max_len` steps and `limit` loops. Money moves from a customer to its supplier
/// along a supply edge, and from `from` to `to` along a relation the schema marks `money = true`
/// (an investor into what it invests in or the round it joins, a round into what raised it). A
/// step joins two parties directly or through one node that is not a party, so a cloud that
/// offers a chip pays the chip's designer, and a loop of a company with its own product is none.
/// A loop through both supply and money is a circular deal (a supplier funds a customer that buys
/// from it); a loop of supply alone is a rent-back (a supplier leases back what it sold).
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
    let party = |ix: NodeIx| PARTY_KINDS.contains(&g.node(ix).kind.as_str());
    // Every route from each party to another, direct or through one node that is not a party;
    // the first of each pair stands for them all.
    let rank = g.id_rank();
    let mut steps: BTreeMap<(NodeIx, NodeIx), Step> = BTreeMap::new();
    for u in (0..n).filter(|&u| party(u)) {
        for &(e, v) in &arcs[u] {
            let routes: Vec<(Option<NodeIx>, Vec<EdgeIx>, NodeIx)> = if party(v) {
                vec![(None, vec![e], v)]
            } else {
                arcs[v]
                    .iter()
                    .filter(|&&(_, w)| party(w) && w != u)
                    .map(|&(e2, w)| (Some(v), vec![e, e2], w))
                    .collect()
            };
            for (via, edges, w) in routes {
                let better =
                    |old: &Step| (via.map(|x| rank[x]), &edges) < (old.via.map(|x| rank[x]), &old.edges);
                match steps.get_mut(&(u, w)) {
                    Some(old) => {
                        let routes = old.routes + 1;
                        if better(old) {
                            *old = Step { from: u, to: w, via, edges, routes };
                        } else {
                            old.routes = routes;
                        }
                    }
                    None => {
                        steps.insert((u, w), Step { from: u, to: w, via, edges, routes: 1 });
                    }
                }
            }
        }
    }
    let mut next: Vec<Vec<NodeIx>> = vec![Vec::new(); n];
    for &(u, w) in steps.keys() {
        next[u].push(w);
    }
    for list in &mut next {
        list.sort_by_key(|&w| rank[w]);
    }
    let mut found: BTreeMap<(usize, Vec<String>), Vec<Step>> = BTreeMap::new();
    for &(u, v) in steps.keys() {
        // The shortest way back from v to u closes the shortest loop through this step; a loop
        // found from several of its steps is kept once, rotated to start at its smallest id.
        let Some(back) = shortest(&next, v, u, max_len.saturating_sub(1)) else { continue };
        let mut parties = vec![u];
        parties.extend(back);
        let start = parties.iter().enumerate().min_by_key(|(_, &x)| &g.node(x).id.0).map_or(0, |(i, _)| i);
        parties.rotate_left(start);
        let key: Vec<String> = parties.iter().map(|&x| g.node(x).id.0.clone()).collect();
        found.entry((parties.len(), key)).or_insert_with(|| {
            let ring = parties.iter().zip(parties.iter().cycle().skip(1));
            ring.map(|(a, b)| steps[&(*a, *b)].clone()).collect()
        });
    }
    found.into_values().take(limit).collect()
}

/// The parties along a shortest way from `from` to `to` over `next`, `from` included and `to`
/// left out, at most `max_len` steps.
fn shortest(next: &[Vec<NodeIx>], from: NodeIx, to: NodeIx, max_len: usize) -> Option<Vec<NodeIx>> {
    let mut prev: BTreeMap<NodeIx, NodeIx> = BTreeMap::new();
    let mut depth = BTreeMap::from([(from, 0usize)]);
    let mut queue = VecDeque::from([from]);
    while let Some(x) = queue.pop_front() {
        if x == to {
            let mut path = Vec::new();
            let mut at = to;
            while at != from {
                at = prev[&at];
                path.push(at);
            }
            path.reverse();
            return Some(path);
        }
        if depth[&x] >= max_len {
            continue;
        }
        let d = depth[&x] + 1;
        for &y in &next[x] {
            if let std::collections::btree_map::Entry::Vacant(slot) = depth.entry(y) {
                slot.insert(d);
                prev.insert(y, x);
                queue.push_back(y);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every loop joins at least two parties, visits each once, and each step is a route of one
    /// or two edges between parties, through a node that is not one.
    #[test]
    fn loops_join_distinct_parties() {
        let g = KnowledgeGraph::new(crate::testing::builtin());
        let loops = cycles(&g, 4, 200);
        assert!(!loops.is_empty());
        for l in &loops {
            let parties: BTreeSet<NodeIx> = l.iter().map(|s| s.from).collect();
            assert_eq!(parties.len(), l.len(), "a party twice in a loop");
            assert!(l.len() >= 2);
            for (s, next) in l.iter().zip(l.iter().cycle().skip(1)) {
                assert_eq!(s.to, next.from, "steps do not join up");
                assert!(PARTY_KINDS.contains(&g.node(s.from).kind.as_str()));
                assert_eq!(s.edges.len(), if s.via.is_some() { 2 } else { 1 });
                if let Some(v) = s.via {
                    assert!(!PARTY_KINDS.contains(&g.node(v).kind.as_str()));
                }
                assert!(s.routes >= 1);
            }
        }
    }
}
