//! From a [`Subgraph`] to what is drawn: a column (rank) per node so that supply flows left to
//! right, the least important nodes collapsed into "+N more" boxes when there are too many, and
//! parallel edges merged.
//!
//! Ranks. Supply edges are oriented upstream -> downstream (a reverse relation such as USES is
//! turned round). In a focus view the focus node sits in its own column: a supplier's column is
//! minus the longest supply path from it to the focus, a customer's is plus the longest path from
//! the focus, so every supply edge points right. Elsewhere a node's column is the longest supply
//! path reaching it. A node with no drawn supply edge sits next to a neighbour it has another edge
//! with: left of it when it is the edge's `from` (an investor, an owner), right of it otherwise.
//!
//! Collapsing (more than `max_nodes` nodes): nodes are kept in order of importance: the focus;
//! then nearer the focus (in drawn edges); then more drawn edges; then id. The rest are grouped by
//! column and kind into one "+N more" node each, so they keep their place in the flow.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::Subgraph;
use crate::graph::KnowledgeGraph;
use crate::model::{EdgeIx, NodeIx, Supply};

/// One box of the drawing: a node, or a group of collapsed nodes of one kind in one column.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// One node.
    Node(NodeIx),
    /// Nodes of one kind collapsed into one box.
    Group {
        /// Their kind.
        kind: String,
        /// The nodes it stands for.
        members: Vec<NodeIx>,
    },
    /// Nodes of one kind in one column with the same drawn edges to the same boxes: one box
    /// listing them all, so that their edges are drawn once.
    Alike(Vec<NodeIx>),
}

/// One drawn arrow: every edge of the subgraph between the same two boxes the same way, of the
/// same sort (supply or not).
#[derive(Debug, Clone, PartialEq)]
pub struct Arrow {
    /// Item indexes, upstream first for supply edges.
    pub from: usize,
    pub(crate) to: usize,
    pub(crate) supply: bool,
    /// The merged edges, in the subgraph's order.
    pub edges: Vec<EdgeIx>,
}

/// What a diagram draws: boxes in columns and the arrows between them.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Boxes with their column, in the subgraph's node order (groups after the nodes).
    pub items: Vec<(Item, i64)>,
    pub(crate) arrows: Vec<Arrow>,
    /// How many nodes were collapsed into groups.
    pub collapsed: usize,
    /// How many edges of a tiered view were left out for skipping a tier or staying in one.
    pub skipped: usize,
    /// Tokens drawn in the box of the one project that issues them: issuer -> tokens.
    pub tokens: BTreeMap<NodeIx, Vec<NodeIx>>,
    pub(crate) focus: Option<NodeIx>,
}

/// Whether the edge is a supply edge and, if so, its (upstream, downstream) ends.
pub fn oriented(g: &KnowledgeGraph, e: EdgeIx) -> (bool, NodeIx, NodeIx) {
    let edge = g.edge(e);
    match g.dataset.schema.relation(&edge.rel).and_then(|r| r.supply) {
        Some(Supply::Forward) => (true, edge.from, edge.to),
        Some(Supply::Reverse) => (true, edge.to, edge.from),
        None => (false, edge.from, edge.to),
    }
}

/// In a tiered focus view, every node's supply tier as its column: minus its distance from the
/// focus for a supplier, plus it for a customer (breadth-first over the drawn supply edges).
pub fn tiers(g: &KnowledgeGraph, sub: &Subgraph) -> Option<BTreeMap<NodeIx, i64>> {
    let f = sub.focus.filter(|_| sub.tiered)?;
    let mut up: BTreeMap<NodeIx, Vec<NodeIx>> = BTreeMap::new();
    let mut down: BTreeMap<NodeIx, Vec<NodeIx>> = BTreeMap::new();
    for &e in &sub.edges {
        let (supply, a, b) = oriented(g, e);
        if supply && a != b {
            down.entry(a).or_default().push(b);
            up.entry(b).or_default().push(a);
        }
    }
    let mut rank = BTreeMap::from([(f, 0)]);
    for (next, sign) in [(&up, -1), (&down, 1)] {
        let mut queue = VecDeque::from([(f, 0i64)]);
        while let Some((n, d)) = queue.pop_front() {
            for &m in next.get(&n).into_iter().flatten() {
                if let std::collections::btree_map::Entry::Vacant(v) = rank.entry(m) {
                    v.insert(sign * (d + 1));
                    queue.push_back((m, d + 1));
                }
            }
        }
    }
    for &n in &sub.nodes {
        rank.entry(n).or_insert(0);
    }
    let min = rank.values().copied().min().unwrap_or(0);
    rank.values_mut().for_each(|r| *r -= min);
    Some(rank)
}

/// The column of every node of the subgraph (see the module notes).
pub fn ranks(g: &KnowledgeGraph, sub: &Subgraph, focus: Option<NodeIx>) -> BTreeMap<NodeIx, i64> {
    let nodes: BTreeSet<NodeIx> = sub.nodes.iter().copied().collect();
    let mut up: BTreeMap<NodeIx, Vec<NodeIx>> = BTreeMap::new();
    let mut down: BTreeMap<NodeIx, Vec<NodeIx>> = BTreeMap::new();
    let mut other: Vec<(NodeIx, NodeIx)> = Vec::new();
    for &e in &sub.edges {
        let (supply, a, b) = oriented(g, e);
        if a == b {
            continue;
        }
        if supply {
            down.entry(a).or_default().push(b);
            up.entry(b).or_default().push(a);
        } else {
            other.push((a, b));
        }
    }
    // Longest path along `next` from each node, by memoised depth-first search; a cycle (which
    // checked data does not have) is cut where it closes.
    fn longest(
        n: NodeIx,
        next: &BTreeMap<NodeIx, Vec<NodeIx>>,
        memo: &mut BTreeMap<NodeIx, i64>,
        open: &mut BTreeSet<NodeIx>,
    ) -> i64 {
        if let Some(&v) = memo.get(&n) {
            return v;
        }
        if !open.insert(n) {
            return 0;
        }
        let mut best = 0;
        for &m in next.get(&n).into_iter().flatten() {
            best = best.max(1 + longest(m, next, memo, open));
        }
        open.remove(&n);
        memo.insert(n, best);
        best
    }
    let reach = |start: NodeIx, next: &BTreeMap<NodeIx, Vec<NodeIx>>| {
        let mut seen = BTreeSet::from([start]);
        let mut queue = VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            for &m in next.get(&n).into_iter().flatten() {
                if seen.insert(m) {
                    queue.push_back(m);
                }
            }
        }
        seen
    };
    let mut rank: BTreeMap<NodeIx, i64> = BTreeMap::new();
    let mut memo_up = BTreeMap::new();
    if let Some(f) = focus.filter(|f| nodes.contains(f)) {
        rank.insert(f, 0);
        // Suppliers of the focus: minus the longest path from them to it, within its suppliers.
        let suppliers = reach(f, &up);
        let customers = reach(f, &down);
        let restrict = |next: &BTreeMap<NodeIx, Vec<NodeIx>>, keep: &BTreeSet<NodeIx>| {
            next.iter()
                .filter(|(n, _)| keep.contains(n))
                .map(|(&n, v)| (n, v.iter().copied().filter(|m| keep.contains(m)).collect()))
                .collect::<BTreeMap<NodeIx, Vec<NodeIx>>>()
        };
        let down_in = restrict(&down, &suppliers);
        let up_in = restrict(&up, &customers);
        let (mut m1, mut m2) = (BTreeMap::new(), BTreeMap::new());
        for &n in &suppliers {
            rank.insert(n, -longest(n, &down_in, &mut m1, &mut BTreeSet::new()));
        }
        for &n in &customers {
            rank.insert(n, longest(n, &up_in, &mut m2, &mut BTreeSet::new()));
        }
        rank.insert(f, 0);
    }
    // Everything else in a supply edge: the longest supply path reaching it, placed relative to
    // an already ranked neighbour where there is one.
    let in_supply: Vec<NodeIx> = nodes
        .iter()
        .copied()
        .filter(|n| !rank.contains_key(n) && (up.contains_key(n) || down.contains_key(n)))
        .collect();
    for &n in &in_supply {
        let depth = longest(n, &up, &mut memo_up, &mut BTreeSet::new());
        rank.insert(n, depth);
    }
    if focus.is_some() && !in_supply.is_empty() {
        // Shift the leftover nodes so that they do not share the focus column when they can.
        let shift =
            rank.iter().filter(|(n, _)| !in_supply.contains(n)).map(|(_, &r)| r).max().unwrap_or(0) + 1;
        for n in &in_supply {
            if let Some(r) = rank.get_mut(n) {
                *r += shift;
            }
        }
    }
    // Nodes without supply edges: next to a ranked neighbour.
    loop {
        let mut changed = false;
        for &n in &nodes {
            if rank.contains_key(&n) {
                continue;
            }
            let mut place = None;
            for &(a, b) in &other {
                let r = if a == n {
                    rank.get(&b).map(|r| r - 1)
                } else if b == n {
                    rank.get(&a).map(|r| r + 1)
                } else {
                    None
                };
                if let Some(r) = r {
                    place = Some(place.map_or(r, |p: i64| p.min(r)));
                }
            }
            if let Some(r) = place {
                rank.insert(n, r);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for &n in &nodes {
        rank.entry(n).or_insert(0);
    }
    let min = rank.values().copied().min().unwrap_or(0);
    rank.values_mut().for_each(|r| *r -= min);
    rank
}

/// Plans the drawing of `sub`: columns, collapsing beyond `max_nodes` and alike nodes sharing a
/// box (0: neither), merged edges.
pub fn plan(g: &KnowledgeGraph, sub: &Subgraph, max_nodes: usize, all_edges: bool) -> Plan {
    let focus = sub.focus;
    let tiered = tiers(g, sub);
    let rank = tiered.clone().unwrap_or_else(|| ranks(g, sub, focus));
    // A tiered view draws the edges from one tier to the next towards the focus.
    let mut skipped = 0;
    let kept_edges: Vec<EdgeIx> = match &tiered {
        Some(t) if !all_edges => sub
            .edges
            .iter()
            .copied()
            .filter(|&e| {
                let (_, a, b) = oriented(g, e);
                let ok = t[&b] == t[&a] + 1;
                skipped += usize::from(!ok);
                ok
            })
            .collect(),
        _ => sub.edges.clone(),
    };
    let mut sub_edges = sub.clone();
    sub_edges.edges = kept_edges;
    let sub = &sub_edges;
    // A token is drawn in the box of the one project that issues it (its ticker there), as on
    // the market map: its edges are the issuer's box's.
    let mut folded: BTreeMap<NodeIx, NodeIx> = BTreeMap::new();
    if max_nodes > 0 {
        let mut issuers: BTreeMap<NodeIx, Vec<NodeIx>> = BTreeMap::new();
        for &e in &sub.edges {
            let edge = g.edge(e);
            if edge.rel.as_str() == "ISSUES" && edge.from != edge.to {
                issuers.entry(edge.to).or_default().push(edge.from);
            }
        }
        for (token, by) in &issuers {
            if let [one] = by[..] {
                if Some(*token) != focus && !issuers.contains_key(&one) {
                    folded.insert(*token, one);
                }
            }
        }
    }
    let mut tokens: BTreeMap<NodeIx, Vec<NodeIx>> = BTreeMap::new();
    for (&t, &i) in &folded {
        tokens.entry(i).or_default().push(t);
    }
    let mut sub_nodes = sub.clone();
    sub_nodes.nodes.retain(|n| !folded.contains_key(n));
    let sub = &sub_nodes;
    // Importance: distance from the focus over drawn edges, then degree, then id.
    let mut degree: BTreeMap<NodeIx, usize> = BTreeMap::new();
    let mut adj: BTreeMap<NodeIx, Vec<NodeIx>> = BTreeMap::new();
    for &e in &sub.edges {
        let edge = g.edge(e);
        *degree.entry(edge.from).or_default() += 1;
        *degree.entry(edge.to).or_default() += 1;
        adj.entry(edge.from).or_default().push(edge.to);
        adj.entry(edge.to).or_default().push(edge.from);
    }
    let mut dist: BTreeMap<NodeIx, usize> = BTreeMap::new();
    if let Some(f) = focus {
        dist.insert(f, 0);
        let mut queue = VecDeque::from([f]);
        while let Some(n) = queue.pop_front() {
            let d = dist[&n];
            for &m in adj.get(&n).into_iter().flatten() {
                if let std::collections::btree_map::Entry::Vacant(v) = dist.entry(m) {
                    v.insert(d + 1);
                    queue.push_back(m);
                }
            }
        }
    }
    let mut order: Vec<NodeIx> = sub.nodes.clone();
    order.sort_by_key(|&n| {
        (
            Some(n) != focus,
            dist.get(&n).copied().unwrap_or(usize::MAX),
            std::cmp::Reverse(degree.get(&n).copied().unwrap_or(0)),
            g.node(n).id.0.clone(),
        )
    });
    let place: BTreeMap<NodeIx, usize> = sub.nodes.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    let importance: BTreeMap<NodeIx, usize> = order.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    // Groups per column and kind; when even those are too many for the cap (a whole graph of
    // many kinds), per column: "+N more nodes".
    let by_kind = |n: NodeIx| (rank[&n], g.node(n).kind.to_string());
    let by_column = |n: NodeIx| (rank[&n], "Node".to_string());
    let fit = |key: &dyn Fn(NodeIx) -> (i64, String)| {
        let mut keep = sub.nodes.len();
        if max_nodes > 0 && sub.nodes.len() > max_nodes {
            keep = max_nodes;
            while keep > 1 {
                let groups: BTreeSet<(i64, String)> = order[keep..].iter().map(|&n| key(n)).collect();
                if keep + groups.len() <= max_nodes {
                    break;
                }
                keep -= 1;
            }
        }
        keep
    };
    let mut keep = fit(&by_kind);
    let mut per_column = false;
    if keep <= 1 && sub.nodes.len() > max_nodes && max_nodes > 1 {
        keep = fit(&by_column);
        per_column = true;
    }
    let group_key = |n: NodeIx| if per_column { by_column(n) } else { by_kind(n) };
    let kept: BTreeSet<NodeIx> = order[..keep].iter().copied().collect();
    let mut items: Vec<(Item, i64)> = Vec::new();
    let mut item_of: BTreeMap<NodeIx, usize> = BTreeMap::new();
    for &n in &sub.nodes {
        if kept.contains(&n) {
            item_of.insert(n, items.len());
            items.push((Item::Node(n), rank[&n]));
        }
    }
    let mut groups: BTreeMap<(i64, String), Vec<NodeIx>> = BTreeMap::new();
    for &n in &sub.nodes {
        if !kept.contains(&n) {
            groups.entry(group_key(n)).or_default().push(n);
        }
    }
    for ((r, kind), members) in groups {
        for &m in &members {
            item_of.insert(m, items.len());
        }
        // A "+1 more" box would take the place the node itself takes: the node is drawn.
        if let [only] = members[..] {
            items.push((Item::Node(only), r));
        } else {
            items.push((Item::Group { kind, members }, r));
        }
    }
    for (&t, i) in &folded {
        if let Some(&item) = item_of.get(i) {
            item_of.insert(t, item);
        }
    }
    // Nodes alike (same column and kind, the same drawn neighbours by the same relations, the
    // same way round) share one box.
    let mut signature: BTreeMap<NodeIx, Neighbours> = BTreeMap::new();
    for &e in &sub.edges {
        let (_, a, b) = oriented(g, e);
        let rel = g.edge(e).rel.to_string();
        signature.entry(a).or_default().insert((item_of[&b], true, rel.clone()));
        signature.entry(b).or_default().insert((item_of[&a], false, rel));
    }
    let mut alike: BTreeMap<(i64, String, Neighbours), Vec<NodeIx>> = BTreeMap::new();
    for (item, r) in &items {
        if let Item::Node(n) = item {
            if Some(*n) != focus {
                if let Some(sig) = signature.get(n) {
                    alike.entry((*r, g.node(*n).kind.to_string(), sig.clone())).or_default().push(*n);
                }
            }
        }
    }
    // (--max-nodes 0 draws every node in a box of its own.)
    let same: Vec<Vec<usize>> = alike
        .into_values()
        .filter(|m| m.len() > 1 && max_nodes > 0)
        .map(|m| m.iter().map(|n| item_of[n]).collect())
        .collect();
    merge(&mut items, &mut item_of, &same, &place);
    let mut arrows = arrows_of(g, &sub.edges, &item_of);
    // Too tangled to read: where the arrows between two columns cross most, the boxes of the
    // column nearer the focus (either, without a focus) that have the same arrows on their far
    // side share a box, so that their arrows into the tangle are drawn once; until the picture
    // crosses at most CROSSINGS_PER_ARROW per arrow or no two boxes are alike that way.
    let focus_column = focus.and_then(|f| item_of.get(&f)).map(|&i| items[i].1);
    // Collapsing costs names: it is kept only if it brings the picture within the target. Merging
    // costs precision (an arrow to a shared box reaches one or more of its nodes): it is kept
    // only if it brings the picture within the target or at least halves the crossings.
    let mut before_collapsing = None;
    let before = (items.clone(), arrows.clone());
    let mut first_estimate = None;
    loop {
        // (--max-nodes 0: every node in a box of its own.)
        if max_nodes == 0 {
            break;
        }
        let columns: Vec<i64> = items.iter().map(|(_, r)| *r).collect();
        let pairs: Vec<(usize, usize)> = arrows.iter().map(|a| (a.from, a.to)).collect();
        let o = super::order::order(&columns, &pairs);
        let first = *first_estimate.get_or_insert(o.crossings);
        if o.crossings as f64 <= CROSSINGS_PER_ARROW * arrows.len() as f64 {
            break;
        }
        let mut gaps: Vec<(usize, i64)> = o.by_gap.iter().map(|(&c, &x)| (x, c)).collect();
        gaps.sort_by_key(|&(x, c)| (std::cmp::Reverse(x), c));
        let mut merged = false;
        for &(_, c) in &gaps {
            let sides: Vec<(i64, bool)> = match focus_column {
                // The column nearer the focus, alike by its arrows on the focus side.
                Some(f) if c < f => vec![(c + 1, true)],
                Some(_) => vec![(c, false)],
                None => vec![(c + 1, true), (c, false)],
            };
            for (column, downstream) in sides {
                let groups = alike_by_side(g, &items, &arrows, column, downstream, focus);
                if !groups.is_empty() {
                    merge(&mut items, &mut item_of, &groups, &place);
                    arrows = arrows_of(g, &sub.edges, &item_of);
                    merged = true;
                    break;
                }
            }
            if merged {
                break;
            }
        }
        if !merged {
            // Then the least important box of the column further from the focus (the fuller
            // column, without a focus) joins its column's "+N more" box of its kind; nodes next
            // to the focus and the more important half of the nodes kept stay.
            for &(_, c) in &gaps {
                let far = match focus_column {
                    Some(f) if c < f => c,
                    Some(_) => c + 1,
                    None => {
                        let count = |k: i64| items.iter().filter(|(_, r)| *r == k).count();
                        if count(c) >= count(c + 1) {
                            c
                        } else {
                            c + 1
                        }
                    }
                };
                let saved = (items.clone(), item_of.clone());
                if collapse_one(g, &mut items, &mut item_of, far, &importance, keep / 2, &dist) {
                    before_collapsing.get_or_insert(saved);
                    arrows = arrows_of(g, &sub.edges, &item_of);
                    merged = true;
                    break;
                }
            }
        }
        if !merged {
            if let Some((i, o)) = before_collapsing.take() {
                items = i;
                item_of = o;
                arrows = arrows_of(g, &sub.edges, &item_of);
            }
            let columns: Vec<i64> = items.iter().map(|(_, r)| *r).collect();
            let pairs: Vec<(usize, usize)> = arrows.iter().map(|a| (a.from, a.to)).collect();
            if super::order::order(&columns, &pairs).crossings * 2 > first {
                (items, arrows) = before;
            }
            break;
        }
    }
    let collapsed = items
        .iter()
        .map(|(it, _)| match it {
            Item::Group { members, .. } => members.len(),
            _ => 0,
        })
        .sum();
    Plan { items, arrows, collapsed, skipped, tokens, focus }
}

/// A node's drawn neighbours: (box, whether the node is upstream, relation).
type Neighbours = BTreeSet<(usize, bool, String)>;

/// The most crossings per arrow a picture may have before boxes alike share one (the layout
/// target in docs/diagrams.md, on the planner's own estimate).
pub const CROSSINGS_PER_ARROW: f64 = 0.5;

/// The nodes of each item.
fn members(item: &Item) -> Vec<NodeIx> {
    match item {
        Item::Node(n) => vec![*n],
        Item::Alike(m) | Item::Group { members: m, .. } => m.clone(),
    }
}

/// Merges each group of items (nodes or boxes of nodes alike) into one box of nodes alike, in
/// the place of its first item, its nodes in the order of `place`; the items are renumbered.
fn merge(
    items: &mut Vec<(Item, i64)>,
    item_of: &mut BTreeMap<NodeIx, usize>,
    groups: &[Vec<usize>],
    place: &BTreeMap<NodeIx, usize>,
) {
    let mut removed = BTreeSet::new();
    for group in groups {
        let first = group[0];
        let mut all: Vec<NodeIx> = group.iter().flat_map(|&i| members(&items[i].0)).collect();
        all.sort_by_key(|n| place[n]);
        for &i in &group[1..] {
            removed.insert(i);
        }
        // (Tokens drawn in a box follow it.)
        item_of.values_mut().filter(|v| group.contains(v)).for_each(|v| *v = first);
        items[first].0 = Item::Alike(all);
    }
    drop_items(items, item_of, &removed);
}

/// Every edge between the same two boxes the same way, of the same sort, as one arrow.
fn arrows_of(g: &KnowledgeGraph, edges: &[EdgeIx], item_of: &BTreeMap<NodeIx, usize>) -> Vec<Arrow> {
    let mut arrows: Vec<Arrow> = Vec::new();
    let mut index: BTreeMap<(usize, usize, bool), usize> = BTreeMap::new();
    for &e in edges {
        let (supply, a, b) = oriented(g, e);
        let (ia, ib) = (item_of[&a], item_of[&b]);
        if ia == ib {
            continue;
        }
        match index.get(&(ia, ib, supply)) {
            Some(&k) => arrows[k].edges.push(e),
            None => {
                index.insert((ia, ib, supply), arrows.len());
                arrows.push(Arrow { from: ia, to: ib, supply, edges: vec![e] });
            }
        }
    }
    arrows
}

/// Moves the least important box of `column` (a node or nodes alike, none of them the focus, next
/// to it, or among the `protect` most important nodes) into the column's "+N more" box of its kind; a new "+N more" box takes the two
/// least important of a kind; with nothing left to collapse by kind, the column's "+N more"
/// boxes become one "+N more nodes". Whether anything changed.
fn collapse_one(
    g: &KnowledgeGraph,
    items: &mut Vec<(Item, i64)>,
    item_of: &mut BTreeMap<NodeIx, usize>,
    column: i64,
    importance: &BTreeMap<NodeIx, usize>,
    protect: usize,
    dist: &BTreeMap<NodeIx, usize>,
) -> bool {
    // Candidates by kind: (least importance first, item).
    let mut by_kind: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    let mut group_of: BTreeMap<String, usize> = BTreeMap::new();
    for (i, (item, r)) in items.iter().enumerate() {
        if *r != column {
            continue;
        }
        if let Item::Group { kind, .. } = item {
            group_of.insert(kind.clone(), i);
            continue;
        }
        let nodes = members(item);
        if nodes.iter().any(|n| dist.get(n).is_some_and(|&d| d <= 1) || importance[n] < protect) {
            continue;
        }
        let rank = nodes.iter().map(|n| importance[n]).min().unwrap_or(0);
        by_kind.entry(g.node(nodes[0]).kind.to_string()).or_default().push((rank, i));
    }
    let mut best: Option<(usize, String)> = None;
    for (kind, cands) in &mut by_kind {
        cands.sort_by_key(|&(rank, _)| std::cmp::Reverse(rank));
        if cands.len() >= 2 || group_of.contains_key(kind) {
            let least = cands[0].0;
            if best.as_ref().is_none_or(|(b, _)| least > *b) {
                best = Some((least, kind.clone()));
            }
        }
    }
    let Some((_, kind)) = best else {
        // Nothing left to collapse by kind: the column's "+N more" boxes become one.
        let groups: Vec<usize> = group_of.values().copied().collect();
        if groups.len() < 2 {
            return false;
        }
        let mut all: Vec<NodeIx> = groups.iter().flat_map(|&i| members(&items[i].0)).collect();
        all.sort_by_key(|n| importance[n]);
        item_of.values_mut().filter(|v| groups.contains(v)).for_each(|v| *v = groups[0]);
        items[groups[0]].0 = Item::Group { kind: "Node".to_string(), members: all };
        drop_items(items, item_of, &groups[1..].iter().copied().collect());
        return true;
    };
    let cands = &by_kind[&kind];
    let take: Vec<usize> =
        if group_of.contains_key(&kind) { vec![cands[0].1] } else { vec![cands[0].1, cands[1].1] };
    let moved: Vec<NodeIx> = take.iter().flat_map(|&i| members(&items[i].0)).collect();
    let target = match group_of.get(&kind) {
        Some(&t) => t,
        None => {
            items.push((Item::Group { kind: kind.clone(), members: Vec::new() }, column));
            items.len() - 1
        }
    };
    if let Item::Group { members, .. } = &mut items[target].0 {
        members.extend(moved.iter().copied());
    }
    item_of.values_mut().filter(|v| take.contains(v)).for_each(|v| *v = target);
    drop_items(items, item_of, &take.into_iter().collect());
    true
}

/// Removes the items `removed` (no node maps to them any more) and renumbers the rest.
fn drop_items(
    items: &mut Vec<(Item, i64)>,
    item_of: &mut BTreeMap<NodeIx, usize>,
    removed: &BTreeSet<usize>,
) {
    if removed.is_empty() {
        return;
    }
    let mut renumber = BTreeMap::new();
    let mut kept = Vec::new();
    for (i, it) in std::mem::take(items).into_iter().enumerate() {
        if !removed.contains(&i) {
            renumber.insert(i, kept.len());
            kept.push(it);
        }
    }
    *items = kept;
    item_of.values_mut().for_each(|i| *i = renumber[i]);
}

/// A box's arrows on one side: (the other box, supply or not, the relations).
type Side = BTreeSet<(usize, bool, Vec<String>)>;

/// Boxes of one kind in `column` (not the focus, not "+N more") with the same arrows on one side
/// (`downstream`: the arrows leaving them; else the arrows reaching them), the same boxes by the
/// same relations, and at least one such arrow: groups of two or more, in item order.
fn alike_by_side(
    g: &KnowledgeGraph,
    items: &[(Item, i64)],
    arrows: &[Arrow],
    column: i64,
    downstream: bool,
    focus: Option<NodeIx>,
) -> Vec<Vec<usize>> {
    let mut side: BTreeMap<usize, Side> = BTreeMap::new();
    for a in arrows {
        let (me, other) = if downstream { (a.from, a.to) } else { (a.to, a.from) };
        let mut rels: Vec<String> = a.edges.iter().map(|&e| g.edge(e).rel.to_string()).collect();
        rels.sort();
        rels.dedup();
        side.entry(me).or_default().insert((other, a.supply, rels));
    }
    let mut groups: BTreeMap<(String, Side), Vec<usize>> = BTreeMap::new();
    for (i, (item, r)) in items.iter().enumerate() {
        if *r != column || matches!(item, Item::Group { .. }) {
            continue;
        }
        let nodes = members(item);
        if focus.is_some_and(|f| nodes.contains(&f)) {
            continue;
        }
        if let Some(sig) = side.get(&i) {
            groups.entry((g.node(nodes[0]).kind.to_string(), sig.clone())).or_default().push(i);
        }
    }
    groups.into_values().filter(|m| m.len() > 1).collect()
}

/// "chips", "companies", "people": a kind's plural for "+N more …".
pub fn plural(kind: &str) -> String {
    let k = kind.to_lowercase();
    match k.as_str() {
        "person" => "people".to_string(),
        "technology" => "technologies".to_string(),
        _ if k.ends_with('y') && !k.ends_with("ey") => format!("{}ies", &k[..k.len() - 1]),
        _ => format!("{k}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals() {
        assert_eq!(plural("Chip"), "chips");
        assert_eq!(plural("Company"), "companies");
        assert_eq!(plural("Person"), "people");
        assert_eq!(plural("Org"), "orgs");
    }
}
