//! Factorised grouping: a MATCH of one chain aggregated by one end of it, answered by passing
//! counts (and, for `count(DISTINCT x)`, sets of nodes) along the chain without listing matches.
//!
//! `MATCH (a)-[:R]->(b)-[:S]->(m) RETURN m.id, count(*), count(DISTINCT a)` walks from the far
//! end (`a`) to the key end (`m`) one step at a time: each node reached at a position keeps the
//! number of partial matches that end there and, for each `count(DISTINCT x)` of a variable
//! already passed, the sorted set of its nodes; a step adds a node's number (and merges its sets)
//! into each neighbour the step allows. At the key end, each node's numbers go to its group.
//! The work is one pass over the edges the walk touches, instead of one visit per match.
//!
//! The answer must be the one grouping match by match gives ([`super::group`]), so the path is
//! taken only when that is provably so (see [`Exec::factorised`]) and otherwise gives way (returns
//! `None`) before anything is seen by the caller.

use std::collections::{HashMap, HashSet};

use super::group::{put_aggregates, Acc, Group, Grouper, Key};
use super::*;
use crate::model::{EdgeIx, NodeIx};
use crate::query::ast::*;
use crate::query::value::Val;
use crate::query::QueryError;

/// A projection's answer: its column names and rows.
type Table = (Vec<String>, Vec<Vec<Val>>);

/// What an aggregate call needs from the walk.
#[derive(Clone, Copy)]
enum Want {
    /// `count(*)` or `count(x)` of a node variable of the chain (never null in a match): the
    /// number of matches.
    Count,
    /// `count(DISTINCT x)` of the node variable at this position.
    Distinct(usize),
}

/// Whether a node at a position passes its node pattern: not looked at yet, yes, no.
const UNSEEN: u8 = 0;
const PASS: u8 = 1;
const FAIL: u8 = 2;

/// The nodes a walk reached at one position: each node's number of partial matches and, per
/// tracked position, the sorted distinct nodes there of those partial matches.
#[derive(Default)]
struct Layer {
    nodes: Vec<NodeIx>,
    counts: Vec<u64>,
    /// `sets[t].get(i)`: the nodes at tracked position `t` over the partial matches ending at
    /// `nodes[i]` (no sets while the walk has not passed that position).
    sets: Vec<Sets>,
}

/// One sorted set of node numbers per node of a layer, all in one arena (no allocation per
/// node): set `i` is `items[ends[i - 1]..ends[i]]`.
#[derive(Default, Clone)]
struct Sets {
    ends: Vec<u32>,
    items: Vec<u32>,
}

impl Sets {
    /// Each node's set is the node itself.
    fn singletons(nodes: &[NodeIx]) -> Sets {
        Sets { ends: (1..=nodes.len() as u32).collect(), items: nodes.iter().map(|&n| n as u32).collect() }
    }

    /// Set `i`. The walk asks only for nodes of the layer these sets were made for, one set per
    /// node, so `i` is in range and the ends never decrease.
    fn get(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.items[start..self.ends[i] as usize]
    }

    /// The sets of a next layer of `len` nodes: each the union of the sets of the nodes that
    /// reach it, `steps` holding (node here, node there) once per edge taken. The caller has
    /// bounded the sum of the sets' sizes (by the next layer's number of partial matches).
    fn merged(&self, steps: &[(u32, u32)], len: usize) -> Sets {
        // Where each union starts before repeats are removed, then the unions, then each sorted
        // and its repeats dropped, moved down to close the gaps.
        let mut start = vec![0usize; len + 1];
        for &(i, j) in steps {
            start[j as usize + 1] += self.get(i as usize).len();
        }
        for j in 0..len {
            start[j + 1] += start[j];
        }
        let mut items = vec![0u32; start[len]];
        let mut fill = start.clone();
        for &(i, j) in steps {
            let (src, at) = (self.get(i as usize), &mut fill[j as usize]);
            items[*at..*at + src.len()].copy_from_slice(src);
            *at += src.len();
        }
        let mut ends = Vec::with_capacity(len);
        let mut kept = 0;
        for j in 0..len {
            let set = &mut items[start[j]..start[j + 1]];
            set.sort_unstable();
            for k in start[j]..start[j + 1] {
                if k == start[j] || items[k] != items[k - 1] {
                    items[kept] = items[k];
                    kept += 1;
                }
            }
            ends.push(kept as u32);
        }
        items.truncate(kept);
        Sets { ends, items }
    }
}

/// What a walk gives: the last layer, the one before it, and per position the number of
/// partial matches from the start that end there.
struct Walked {
    last: Layer,
    before: Layer,
    totals: Vec<u64>,
}

/// One planned chain: its pattern, what each node and relationship pattern allows.
struct Chain<'p> {
    p: &'p Pattern,
    /// Per node position: `PASS`/`FAIL`/`UNSEEN` per node (positions with pushed WHERE
    /// conjuncts are filled for every node up front, the others as nodes are reached).
    memo: Vec<Vec<u8>>,
    /// Per node position: the values its inline properties must equal.
    node_props: Vec<Vec<(&'p str, Val)>>,
    /// Per relationship position: the values its inline properties must equal.
    rel_props: Vec<Vec<(&'p str, Val)>>,
    /// Per node position, whether its labels allow each kind (by number, [`crate::graph::Labels`]).
    kind_ok: Vec<Vec<bool>>,
    /// Per relationship position, whether its types allow each relation (by number).
    type_ok: Vec<Vec<bool>>,
    labels: &'p crate::graph::Labels,
}

impl Exec<'_> {
    /// `MATCH patterns WHERE filter` followed by the aggregating projection `p`, answered by
    /// walking the chain (see the module header), or `None` when that path does not apply; the
    /// caller then groups match by match. It applies when:
    ///
    /// - the MATCH is the query's first clause (one empty input row) and has one pattern: a
    ///   chain of at least two node patterns joined by single relationships (no variable length,
    ///   no shortest path, no path variable, no variable twice, no relationship variable the
    ///   projection reads), and every WHERE conjunct is pushed into one node variable;
    /// - no relationship can be used twice in one match: the chain has one relationship, or
    ///   every relationship pattern names its types and no type is named by two of them;
    /// - the grouping keys read no variable but the node variable `K` at one end of the chain,
    ///   every aggregate call is `count(*)`, `count(x)` or `count(DISTINCT x)` of a node variable
    ///   `x` of the chain, and the rest of the projection (the expressions around aggregates,
    ///   ORDER BY, WITH's WHERE) reads only `K` and the projection's own names; with DISTINCT,
    ///   not `K`;
    /// - the walk starts from the far end, and the node pattern there is as selective as the one
    ///   the matcher would start from;
    /// - nothing evaluated on the way fails (a failing expression means the matcher decides which
    ///   error to report), the matcher would not have stopped at [`MAX_PARTIAL`] partial matches
    ///   or [`group::MAX_STREAMED`] matches, and no layer of the walk passes [`MAX_PARTIAL`];
    /// - the order of the groups cannot show: at most one output row, or ORDER BY that leaves no
    ///   two rows tied; and a group that joins several nodes at `K` has the same key values from
    ///   each of them and `K` is read nowhere but in the keys (which of its nodes matched first is
    ///   not known here).
    pub(super) fn factorised(
        &self,
        rows: &[Env],
        patterns: &[Pattern],
        filter: Option<&Expr>,
        scope: &[String],
        p: &Projection,
    ) -> Result<Option<Table>, QueryError> {
        if !self.factorises || !scope.is_empty() || rows.len() != 1 || !rows[0].is_empty() {
            return Ok(None);
        }
        let [pat] = patterns else { return Ok(None) };
        let Some(items) = p.items.as_deref() else { return Ok(None) };
        if !plain_chain(pat) || !no_edge_twice(pat) {
            return Ok(None);
        }
        let (pushed, rest) = plan::push_down(patterns, filter, scope);
        if !rest.is_empty() {
            return Ok(None);
        }
        let grouper = Grouper::new(items);
        let Some((key_end, wants, key_read)) = shape(pat, items, p, &grouper) else { return Ok(None) };
        let last = pat.nodes.len() - 1;
        let far = last - key_end;
        let env = Env::default();
        let anchor =
            (0..pat.nodes.len()).min_by_key(|&i| Self::selectivity(&pat.nodes[i], &env)).unwrap_or(0);
        if Self::selectivity(&pat.nodes[far], &env) > Self::selectivity(&pat.nodes[anchor], &env) {
            return Ok(None);
        }
        let saved = self.set_pushed(std::rc::Rc::new(pushed));
        let r = self.walk_chain(pat, p, grouper, &wants, (far, key_end, anchor), key_read);
        self.set_pushed(saved);
        r
    }

    /// The walk and the grouping, once the shape is known to fit.
    fn walk_chain(
        &self,
        pat: &Pattern,
        p: &Projection,
        mut grouper: Grouper,
        wants: &[Want],
        (far, key_end, anchor): (usize, usize, usize),
        key_read: bool,
    ) -> Result<Option<Table>, QueryError> {
        let Some(mut chain) = self.chain_filters(pat)? else { return Ok(None) };
        // The positions whose distinct nodes are counted, other than the key end's own.
        let mut tracked: Vec<usize> = Vec::new();
        for w in wants {
            if let Want::Distinct(at) = *w {
                if at != key_end && !tracked.contains(&at) {
                    tracked.push(at);
                }
            }
        }
        // The partial matches the matcher would grow from its anchor (it stops past MAX_PARTIAL).
        let partial = if anchor == far {
            None
        } else {
            let Some(n) = self.partial_matches(&mut chain, anchor)? else { return Ok(None) };
            Some(n)
        };
        let Some(walked) = self.walk(&mut chain, far, key_end, &tracked)? else { return Ok(None) };
        let totals = &walked.totals;
        // Walking from the anchor, every layer but the last is a partial match of the matcher's.
        let partial = partial.unwrap_or_else(|| {
            let sum = totals.iter().fold(0u64, |a, &b| a.saturating_add(b));
            sum.saturating_sub(totals[key_end])
        });
        let matches = totals[key_end];
        if partial > MAX_PARTIAL || matches > group::MAX_STREAMED {
            return Ok(None);
        }
        // Group the nodes at the key end, in node order.
        let layer = &walked.last;
        let key_var = pat.nodes[key_end].var.as_deref();
        let mut order: Vec<usize> = (0..layer.nodes.len()).collect();
        order.sort_unstable_by_key(|&i| layer.nodes[i]);
        let mut index: HashMap<Vec<Key>, usize, std::hash::BuildHasherDefault<WordHash>> = HashMap::default();
        // Per group: its nodes at the key end (their places in the last layer).
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut env = Env::default();
        for (seen, &i) in order.iter().enumerate() {
            if seen % 4096 == 4095 {
                self.check_time(&pat.span)?;
            }
            let node = layer.nodes[i];
            if let Some(v) = key_var {
                match env.get_mut(v) {
                    Some(slot) => *slot = Val::Node(node),
                    None => {
                        env.insert(v.to_string(), Val::Node(node));
                    }
                }
            }
            let mut key = Vec::with_capacity(grouper.keys.len());
            for e in &grouper.keys {
                match self.eval(e, &env) {
                    Ok(v) => key.push(v),
                    Err(_) => return Ok(None),
                }
            }
            let hashed: Vec<Key> = key.iter().cloned().map(Key::from).collect();
            let at = match index.get(&hashed) {
                Some(&at) => {
                    let group: &Group = &grouper.groups[at];
                    if key_read || !key.iter().zip(&group.key).all(|(a, b)| same(a, b)) {
                        return Ok(None);
                    }
                    at
                }
                None => {
                    index.insert(hashed, grouper.groups.len());
                    let accs = wants.iter().map(|_| Acc::Count(0)).collect();
                    // Its first match is bound below, for the groups that make rows.
                    grouper.groups.push(Group { key, first: Env::default(), accs });
                    members.push(Vec::new());
                    grouper.groups.len() - 1
                }
            };
            members[at].push(i);
            let count = layer.counts[i];
            for (w, acc) in wants.iter().zip(grouper.groups[at].accs.iter_mut()) {
                if let (Want::Count, Acc::Count(n)) = (w, acc) {
                    *n = n.saturating_add(count);
                }
            }
        }
        // The distinct counts, per tracked position, once every group is known.
        let before_at = if key_end > far { key_end - 1 } else { key_end + 1 };
        let mut distinct: Vec<Vec<u64>> = Vec::with_capacity(tracked.len());
        for t in 0..tracked.len() {
            distinct.push(self.distinct_at_end(&mut chain, &walked, (before_at, key_end), &members, t)?);
        }
        for (at, group) in grouper.groups.iter_mut().enumerate() {
            for (w, acc) in wants.iter().zip(group.accs.iter_mut()) {
                if let (Want::Distinct(pos), Acc::Count(n)) = (w, acc) {
                    *n = if *pos == key_end {
                        members[at].len() as u64
                    } else {
                        tracked.iter().position(|t| t == pos).map_or(0, |t| distinct[t][at])
                    };
                }
            }
        }
        // With ORDER BY on output columns and a literal LIMIT, only the groups that can come out
        // make rows.
        let mut kept: Vec<usize> = (0..grouper.groups.len()).collect();
        if let Some(columns) = order_columns(p, &grouper) {
            let mut keyed = Vec::with_capacity(kept.len());
            for (at, group) in grouper.groups.iter().enumerate() {
                let Some(vals) = columns.iter().map(|c| c.of(group)).collect() else { return Ok(None) };
                keyed.push((vals, at));
            }
            let Some(top) = self.total_order(p, keyed) else { return Ok(None) };
            kept = top;
        }
        let mut groups: Vec<Option<Group>> =
            std::mem::take(&mut grouper.groups).into_iter().map(Some).collect();
        for &at in &kept {
            let Some(mut group) = groups[at].take() else { continue };
            if let Some(v) = key_var {
                // The group's first match in node order: its first node at the key end.
                group.first.insert(v.to_string(), Val::Node(layer.nodes[members[at][0]]));
            }
            grouper.groups.push(group);
        }
        let (names, out) = match self.group_rows(grouper) {
            Ok(r) => r,
            Err(_) => return Ok(None),
        };
        // Sorted here, the rows are already in order for `finish` (whose stable sort then keeps
        // them so, with one comparison per row).
        let Some(out) = self.order_is_total(p, out) else { return Ok(None) };
        self.walked.set(self.walked.get() + 1);
        self.finish(p, names, out).map(Some)
    }

    /// The rows in ORDER BY order when that order does not depend on the order they came in: at
    /// most one row, or ORDER BY leaves no two rows tied (and its keys evaluate without error).
    /// With a literal LIMIT (and SKIP) and no DISTINCT, only the rows that can come out are
    /// kept, and only ties among them (or with the first row left out) count.
    fn order_is_total(&self, p: &Projection, out: Vec<OutRow>) -> Option<Vec<OutRow>> {
        let mut keyed: Vec<(Vec<Val>, OutRow)> = Vec::with_capacity(out.len());
        for row in out {
            let keys =
                p.order.iter().map(|(e, _)| self.eval(e, &row.1)).collect::<Result<Vec<_>, _>>().ok()?;
            keyed.push((keys, row));
        }
        self.total_order(p, keyed)
    }

    /// [`Exec::order_is_total`] of rows whose ORDER BY values are known: the rows in order, or
    /// `None` when two of them that matter tie.
    fn total_order<T>(&self, p: &Projection, mut keyed: Vec<(Vec<Val>, T)>) -> Option<Vec<T>> {
        if keyed.len() <= 1 {
            return Some(keyed.into_iter().map(|(_, row)| row).collect());
        }
        if p.order.is_empty() {
            return None;
        }
        let cmp = |a: &[Val], b: &[Val]| {
            for (i, (_, desc)) in p.order.iter().enumerate() {
                let o = a[i].order(&b[i]);
                let o = if *desc { o.reverse() } else { o };
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
            }
            std::cmp::Ordering::Equal
        };
        let literal = |e: &Option<Expr>| match e.as_ref().map(|e| &e.kind) {
            None => Some(0),
            Some(ExprKind::Lit(Val::Int(i))) if *i >= 0 => Some(*i as usize),
            _ => None,
        };
        let kept = match (p.distinct, p.limit.is_some(), literal(&p.skip), literal(&p.limit)) {
            (false, true, Some(skip), Some(limit)) => skip.saturating_add(limit),
            _ => keyed.len(),
        };
        if kept < keyed.len() {
            // The first `kept` rows in order, then the smallest of the rest at `kept`.
            keyed.select_nth_unstable_by(kept, |a, b| cmp(&a.0, &b.0));
            keyed.truncate(kept + 1);
            keyed[..kept].sort_by(|a, b| cmp(&a.0, &b.0));
        } else {
            keyed.sort_by(|a, b| cmp(&a.0, &b.0));
        }
        if keyed.windows(2).any(|w| cmp(&w[0].0, &w[1].0) == std::cmp::Ordering::Equal) {
            return None;
        }
        keyed.truncate(kept);
        Some(keyed.into_iter().map(|(_, row)| row).collect())
    }

    /// What each position allows: inline property values evaluated once, and the nodes that
    /// pass the pushed WHERE conjuncts found by trying every node (so that no conjunct the
    /// matcher could evaluate fails unseen). `None` when an expression fails.
    fn chain_filters<'p>(&'p self, pat: &'p Pattern) -> Result<Option<Chain<'p>>, QueryError> {
        let env = Env::default();
        let n = self.g.node_count();
        let mut chain = Chain {
            p: pat,
            memo: Vec::new(),
            node_props: Vec::new(),
            rel_props: Vec::new(),
            kind_ok: Vec::new(),
            type_ok: Vec::new(),
            labels: self.g.labels(),
        };
        for np in &pat.nodes {
            chain.kind_ok.push(chain.labels.kinds.iter().map(|k| np.labels_allow(k)).collect());
        }
        for rp in &pat.rels {
            let ok = |r: &String| rp.types.is_empty() || rp.types.iter().any(|(t, _)| t == r);
            chain.type_ok.push(chain.labels.rels.iter().map(ok).collect());
        }
        for np in &pat.nodes {
            let mut props = Vec::new();
            for (k, e) in &np.props {
                match self.eval(e, &env) {
                    Ok(v) => props.push((k.as_str(), v)),
                    Err(_) => return Ok(None),
                }
            }
            chain.node_props.push(props);
        }
        for rp in &pat.rels {
            let mut props = Vec::new();
            for (k, e) in &rp.props {
                match self.eval(e, &env) {
                    Ok(v) => props.push((k.as_str(), v)),
                    Err(_) => return Ok(None),
                }
            }
            chain.rel_props.push(props);
        }
        let pushed = self.pushed();
        for (at, np) in pat.nodes.iter().enumerate() {
            let mut memo = vec![UNSEEN; n];
            if np.var.as_ref().is_some_and(|v| pushed.contains_key(v)) {
                for (node, m) in memo.iter_mut().enumerate() {
                    if node % 4096 == 4095 {
                        self.check_time(&pat.span)?;
                    }
                    *m = if !self.node_passes_fixed(&chain, at, node) {
                        FAIL
                    } else {
                        match self.node_ok(np, node, &env) {
                            Ok(true) => PASS,
                            Ok(false) => FAIL,
                            Err(_) => return Ok(None),
                        }
                    };
                }
            }
            chain.memo.push(memo);
        }
        Ok(Some(chain))
    }

    /// Whether a node meets a position's labels and inline properties.
    fn node_passes_fixed(&self, chain: &Chain, at: usize, n: NodeIx) -> bool {
        chain.kind_ok[at][chain.labels.node_kind[n] as usize]
            && chain.node_props[at].iter().all(|(k, want)| node_prop_is(self.g, n, k, want))
    }

    /// Whether a node passes the node pattern at a position (looked up or worked out once).
    fn node_passes(&self, chain: &mut Chain, at: usize, n: NodeIx) -> bool {
        match chain.memo[at][n] {
            PASS => true,
            FAIL => false,
            _ => {
                let ok = self.node_passes_fixed(chain, at, n);
                chain.memo[at][n] = if ok { PASS } else { FAIL };
                ok
            }
        }
    }

    /// Whether an edge passes the relationship pattern at position `s` (types, properties).
    fn rel_passes(&self, chain: &Chain, s: usize, e: EdgeIx) -> bool {
        chain.type_ok[s][chain.labels.edge_rel[e] as usize]
            && chain.rel_props[s].iter().all(|(k, want)| rel_prop(self.g, e, k).equals(want) == Some(true))
    }

    /// The partial matches the matcher grows from `anchor`: it grows rightwards to the end, then
    /// leftwards to the start; every pattern grown that is not a whole match counts. `None` when
    /// a walk gives up.
    fn partial_matches(&self, chain: &mut Chain, anchor: usize) -> Result<Option<u64>, QueryError> {
        let last = chain.p.nodes.len() - 1;
        let sum = |v: &[u64]| v.iter().fold(0u64, |a, &b| a.saturating_add(b));
        let Some(Walked { totals: right, .. }) = self.walk(chain, anchor, last, &[])? else {
            return Ok(None);
        };
        if anchor == 0 {
            // Every segment 0..=h but the whole chain.
            return Ok(Some(sum(&right[..last])));
        }
        // anchor..=h for every h (the whole right part too: the left part is still to grow).
        let mut n = sum(&right[anchor..]);
        if anchor >= 2 {
            let Some(Walked { totals: left, .. }) = self.walk(chain, last, 1, &[])? else { return Ok(None) };
            // lo..=last for lo from anchor - 1 down to 1.
            n = n.saturating_add(sum(&left[1..anchor]));
        }
        Ok(Some(n))
    }

    /// Walks the chain from position `from` to position `to` (either direction): the last layer,
    /// the one before it, and per position the number of partial matches from `from` that end
    /// there. `tracked` positions carry their distinct nodes along, up to the layer before the
    /// last (the last layer's are counted by [`Exec::distinct_at_end`]). `None` when a layer
    /// passes [`MAX_PARTIAL`] partial matches (the matcher would have stopped, or is better off
    /// growing from elsewhere).
    fn walk(
        &self,
        chain: &mut Chain,
        from: usize,
        to: usize,
        tracked: &[usize],
    ) -> Result<Option<Walked>, QueryError> {
        let span = chain.p.span.clone();
        let mut totals = vec![0u64; chain.p.nodes.len()];
        let mut layer = Layer { sets: vec![Sets::default(); tracked.len()], ..Layer::default() };
        for (seen, n) in self.starts(chain, from).into_iter().enumerate() {
            if seen % 4096 == 4095 {
                self.check_time(&span)?;
            }
            if self.node_passes(chain, from, n) {
                layer.nodes.push(n);
                layer.counts.push(1);
            }
        }
        start_sets(&mut layer, tracked, from);
        totals[from] = layer.nodes.len() as u64;
        // Where each node of the next layer is in it, plus one (0: not in it).
        let mut slot = self.g.borrow_array();
        let mut before = Layer::default();
        let mut at = from;
        let mut seen = 0usize;
        while at != to {
            let next_at = if to > at { at + 1 } else { at - 1 };
            let s = at.min(next_at);
            let rp = &chain.p.rels[s];
            let dir = if next_at > at { rp.dir } else { rp.dir.reversed() };
            // The tracked positions the walk has passed (their sets are carried), but not into
            // the last layer.
            let live: Vec<usize> = (0..tracked.len())
                .filter(|&t| next_at != to && if to > from { tracked[t] <= at } else { tracked[t] >= at })
                .collect();
            let mut next = Layer { sets: vec![Sets::default(); tracked.len()], ..Layer::default() };
            // Each edge taken, (node here, node there), when sets are carried.
            let mut steps: Vec<(u32, u32)> = Vec::new();
            for (i, &u) in layer.nodes.iter().enumerate() {
                seen += 1;
                if seen % 4096 == 0 {
                    self.check_time(&span)?;
                }
                for (e, v) in self.g.edges_at(u, dir) {
                    if !self.node_passes(chain, next_at, v) || !self.rel_passes(chain, s, e) {
                        continue;
                    }
                    let j = match slot[v] {
                        0 => {
                            next.nodes.push(v);
                            next.counts.push(0);
                            slot[v] = next.nodes.len() as u32;
                            next.nodes.len() - 1
                        }
                        j => j as usize - 1,
                    };
                    next.counts[j] = next.counts[j].saturating_add(layer.counts[i]);
                    if !live.is_empty() {
                        steps.push((i as u32, j as u32));
                    }
                }
            }
            for &v in &next.nodes {
                slot[v] = 0;
            }
            let total = next.counts.iter().fold(0u64, |a, &b| a.saturating_add(b));
            totals[next_at] = total;
            // Checked before the sets are merged: their sizes add up to at most this.
            if total > MAX_PARTIAL {
                self.g.give_back(slot);
                return Ok(None);
            }
            for &t in &live {
                next.sets[t] = layer.sets[t].merged(&steps, next.nodes.len());
            }
            start_sets(&mut next, tracked, next_at);
            before = std::mem::replace(&mut layer, next);
            at = next_at;
        }
        self.g.give_back(slot);
        Ok(Some(Walked { last: layer, before, totals }))
    }

    /// The nodes a walk may start from at a position: those of the kinds its labels allow.
    fn starts(&self, chain: &Chain, at: usize) -> Vec<NodeIx> {
        let of_kind = chain.labels.of_kind.iter().zip(&chain.kind_ok[at]);
        let mut nodes: Vec<NodeIx> = of_kind
            .filter(|(_, ok)| **ok)
            .flat_map(|(nodes, _)| nodes.iter().map(|&n| n as NodeIx))
            .collect();
        nodes.sort_unstable();
        nodes
    }

    /// `count(DISTINCT x)` of a tracked position per group: for each group in turn, its nodes at
    /// the key end pull the sets of their neighbours in the layer before (through the edges
    /// the last step allowed) and count the nodes not yet stamped with the group.
    fn distinct_at_end(
        &self,
        chain: &mut Chain,
        walked: &Walked,
        (before_at, key_end): (usize, usize),
        members: &[Vec<usize>],
        t: usize,
    ) -> Result<Vec<u64>, QueryError> {
        let s = before_at.min(key_end);
        let rp = &chain.p.rels[s];
        // The last step went from `before_at` to `key_end`; this goes back.
        let dir = if key_end > before_at { rp.dir.reversed() } else { rp.dir };
        let mut slot = self.g.borrow_array();
        for (i, &n) in walked.before.nodes.iter().enumerate() {
            slot[n] = i as u32 + 1;
        }
        let mut stamp = self.g.borrow_array();
        let mut out = Vec::with_capacity(members.len());
        let mut r = Ok(());
        for (g, nodes) in members.iter().enumerate() {
            if g % 4096 == 4095 {
                r = self.check_time(&chain.p.span);
                if r.is_err() {
                    break;
                }
            }
            let mut n = 0u64;
            for &i in nodes {
                for (e, v) in self.g.edges_at(walked.last.nodes[i], dir) {
                    if slot[v] == 0 || !self.rel_passes(chain, s, e) {
                        continue;
                    }
                    for &x in walked.before.sets[t].get(slot[v] as usize - 1) {
                        if stamp[x as usize] != g as u32 + 1 {
                            stamp[x as usize] = g as u32 + 1;
                            n += 1;
                        }
                    }
                }
            }
            out.push(n);
        }
        for &n in &walked.before.nodes {
            slot[n] = 0;
        }
        stamp.fill(0);
        self.g.give_back(slot);
        self.g.give_back(stamp);
        r.map(|()| out)
    }
}

/// Starts the sets of the tracked positions at `at`: each node's set is itself.
fn start_sets(layer: &mut Layer, tracked: &[usize], at: usize) {
    for (t, &pos) in tracked.iter().enumerate() {
        if pos == at {
            layer.sets[t] = Sets::singletons(&layer.nodes);
        }
    }
}

/// A chain the walk handles: one plain pattern of fixed single steps, no path variable, no
/// variable twice, at least one relationship.
fn plain_chain(p: &Pattern) -> bool {
    p.path_var.is_none()
        && p.shortest.is_none()
        && !p.rels.is_empty()
        && p.nodes.len() == p.rels.len() + 1
        && p.rels.iter().all(|r| r.hops.is_none())
        && !repeats_a_variable(p)
}

/// Whether no relationship can be bound twice in one match: one step, or steps whose type sets
/// are given and pairwise disjoint (an edge has one type, so it can meet one step only).
fn no_edge_twice(p: &Pattern) -> bool {
    if p.rels.len() == 1 {
        return true;
    }
    let mut seen: HashSet<&str> = HashSet::new();
    for r in &p.rels {
        if r.types.is_empty() {
            return false;
        }
        let mine: HashSet<&str> = r.types.iter().map(|(t, _)| t.as_str()).collect();
        if mine.iter().any(|t| seen.contains(t)) {
            return false;
        }
        seen.extend(mine);
    }
    true
}

/// The key end, what each aggregate needs, and whether the projection reads the key variable
/// outside its keys; `None` when the projection is not one the walk answers.
fn shape(
    pat: &Pattern,
    items: &[Item],
    p: &Projection,
    grouper: &Grouper,
) -> Option<(usize, Vec<Want>, bool)> {
    let last = pat.nodes.len() - 1;
    let position = |v: &str| pat.nodes.iter().position(|n| n.var.as_deref() == Some(v));
    // Relationship variables may be named, but not read.
    let rel_vars: Vec<&str> = pat.rels.iter().filter_map(|r| r.var.as_deref()).collect();
    // The keys' variables decide the key end.
    let mut key_vars = HashSet::new();
    for e in &grouper.keys {
        if !plan::free_vars(e, &mut key_vars) {
            return None;
        }
    }
    let ends = [last, 0];
    let key_end = ends
        .into_iter()
        .find(|&end| key_vars.iter().all(|v| pat.nodes[end].var.as_deref() == Some(v.as_str())))?;
    let key_var = pat.nodes[key_end].var.as_deref();
    let mut wants = Vec::new();
    for agg in &grouper.aggs {
        if agg.name != "count" {
            return None;
        }
        wants.push(match agg.arg {
            None if !agg.distinct => Want::Count,
            Some(Expr { kind: ExprKind::Var(v), .. }) => {
                let at = position(v)?;
                if agg.distinct {
                    Want::Distinct(at)
                } else {
                    Want::Count
                }
            }
            _ => return None,
        });
    }
    // Everything else the projection evaluates, on a group's first match.
    let mut rest = HashSet::new();
    for item in items.iter().filter(|i| i.expr.has_aggregate()) {
        let mut e = item.expr.clone();
        put_aggregates(&mut e, &mut std::iter::repeat(Val::Null));
        if !plan::free_vars(&e, &mut rest) {
            return None;
        }
    }
    for (e, _) in &p.order {
        if e.has_aggregate() || !plan::free_vars(e, &mut rest) {
            return None;
        }
    }
    if let Some(f) = &p.filter {
        if f.has_aggregate() || !plan::free_vars(f, &mut rest) {
            return None;
        }
    }
    let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
    let mut key_read = false;
    for v in rest.iter().filter(|v| !names.contains(&v.as_str())) {
        if Some(v.as_str()) == key_var {
            key_read = true;
        } else {
            return None;
        }
    }
    if rel_vars.iter().any(|v| key_vars.contains(*v) || rest.contains(*v)) || (key_read && p.distinct) {
        return None;
    }
    Some((key_end, wants, key_read))
}

/// Where an ORDER BY value of a group comes from, when it names an output column.
#[derive(Clone, Copy)]
enum Column {
    /// The grouping key at this index.
    Key(usize),
    /// The aggregate at this index (a count: the walk makes no other).
    Count(usize),
}

impl Column {
    /// The column's value for a group (as its row will show it); `None` when a count does not
    /// fit (the matcher reports the overflow).
    fn of(self, group: &Group) -> Option<Val> {
        match self {
            Column::Key(k) => group.key.get(k).cloned(),
            Column::Count(a) => match group.accs.get(a) {
                Some(Acc::Count(n)) => i64::try_from(*n).ok().map(Val::Int),
                _ => None,
            },
        }
    }
}

/// The output columns ORDER BY reads, when it reads nothing else, there is a literal LIMIT to
/// keep rows for, and a row is made of nothing but keys and whole aggregate calls (so making
/// only some rows cannot hide an error in another): then the rows can be ordered before they are
/// made. No DISTINCT and no WITH ... WHERE: both remove rows before the LIMIT.
fn order_columns(p: &Projection, grouper: &Grouper) -> Option<Vec<Column>> {
    let items = p.items.as_deref()?;
    if p.distinct || p.filter.is_some() || p.order.is_empty() {
        return None;
    }
    if !matches!(p.limit.as_ref().map(|e| &e.kind), Some(ExprKind::Lit(Val::Int(_)))) {
        return None;
    }
    let (mut keys, mut aggs) = (0, 0);
    let mut columns = Vec::with_capacity(items.len());
    for item in items {
        if !item.expr.has_aggregate() {
            columns.push(Column::Key(keys));
            keys += 1;
        } else if matches!(&item.expr.kind, ExprKind::Call { name, .. } if AGGREGATES.contains(&name.as_str()))
        {
            columns.push(Column::Count(aggs));
            aggs += 1;
        } else {
            return None;
        }
    }
    if keys != grouper.keys.len() || aggs != grouper.aggs.len() {
        return None;
    }
    // A name given twice is the later column, as in the row's scope.
    let column = |e: &Expr| match &e.kind {
        ExprKind::Var(name) => items.iter().rposition(|i| i.name == *name).map(|i| columns[i]),
        _ => None,
    };
    p.order.iter().map(|(e, _)| column(e)).collect()
}

/// Whether two values are the same value of the same type (`1` and `1.0`, `0.0` and `-0.0`
/// group together but print apart).
fn same(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Float(x), Val::Float(y)) => x.to_bits() == y.to_bits(),
        (Val::List(x), Val::List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        (Val::Float(_) | Val::List(_) | Val::Map(_), _) | (_, Val::Float(_) | Val::List(_) | Val::Map(_)) => {
            format!("{a:?}") == format!("{b:?}")
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::query::{check, lexer, parser};

    /// A query's columns and rows, or its error text.
    type Answer = Result<(Vec<String>, Vec<Vec<Val>>), String>;

    /// The answer with the chain walk allowed and whether it was taken, and the answer grouping
    /// match by match.
    fn both(g: &KnowledgeGraph, q: &str) -> (Answer, bool, Answer) {
        let params = BTreeMap::from([
            ("n".to_string(), Val::Int(2)),
            ("seg".to_string(), Val::Str("training".into())),
        ]);
        let run = |walk: bool| {
            let tokens = lexer::lex(q).map_err(|e| format!("{e:?}"))?;
            let query = parser::parse(q, tokens).map_err(|e| format!("{e:?}"))?;
            check::check(g, &query, &params).map_err(|e| format!("{e:?}"))?;
            let exec = Exec::new(g, &params);
            let exec = if walk { exec } else { exec.without_factorising() };
            let answer = exec.run(&query).map_err(|e| e.message);
            Ok::<_, String>((answer, exec.walked.get() > 0))
        };
        let flat = |r: Result<(Answer, bool), String>| match r {
            Ok((a, w)) => (a, w),
            Err(e) => (Err(e), false),
        };
        let (walked, taken) = flat(run(true));
        let (matched, _) = flat(run(false));
        (walked, taken, matched)
    }

    /// Runs `q` both ways, asserts the answers agree, and says whether the walk answered.
    fn agree(g: &KnowledgeGraph, q: &str) -> bool {
        let (walked, taken, matched) = both(g, q);
        assert_eq!(walked, matched, "{q}");
        taken
    }

    /// A small deterministic random source for generated queries.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) % n as u64) as usize
        }
        fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
            xs[self.below(xs.len())]
        }
    }

    /// The kinds and relations of a graph, most frequent first.
    fn vocabulary(g: &KnowledgeGraph) -> (Vec<String>, Vec<String>) {
        let mut kinds: Vec<(usize, String)> = g.kind_counts().iter().map(|(k, n)| (*n, k.clone())).collect();
        kinds.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut rels: BTreeMap<String, usize> = BTreeMap::new();
        for e in g.dataset.edges.iter() {
            *rels.entry(e.rel.to_string()).or_default() += 1;
        }
        let mut rels: Vec<(usize, String)> = rels.into_iter().map(|(r, n)| (n, r)).collect();
        rels.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        (kinds.into_iter().map(|k| k.1).collect(), rels.into_iter().map(|r| r.1).collect())
    }

    /// A generated chain query: 2 to 4 node patterns, random labels, directions and type sets
    /// (disjoint, overlapping or none), keys on one end, counts of random variables.
    fn chain_query(r: &mut Lcg, kinds: &[String], rels: &[String]) -> String {
        let len = 2 + r.below(3);
        let vars = ["a", "b", "c", "d"];
        let kinds: Vec<&str> = kinds.iter().take(8).map(String::as_str).collect();
        let rels: Vec<&str> = rels.iter().take(10).map(String::as_str).collect();
        let mut q = String::from("MATCH ");
        for (i, var) in vars.iter().enumerate().take(len) {
            let label = match r.below(3) {
                0 => String::new(),
                1 => format!(":{}", r.pick(&kinds)),
                _ => format!(":{}|{}", r.pick(&kinds), r.pick(&kinds)),
            };
            let props = if r.below(6) == 0 { " {layer: 1}" } else { "" };
            q += &format!("({var}{label}{props})");
            if i + 1 < len {
                let types = match r.below(4) {
                    0 => String::new(),
                    1 => format!(":{}|{}", r.pick(&rels), r.pick(&rels)),
                    _ => format!(":{}", r.pick(&rels)),
                };
                let var = if r.below(8) == 0 { format!("r{i}") } else { String::new() };
                q += match r.below(3) {
                    0 => format!("-[{var}{types}]->"),
                    1 => format!("<-[{var}{types}]-"),
                    _ => format!("-[{var}{types}]-"),
                }
                .as_str();
            }
        }
        let key = if r.below(2) == 0 { vars[len - 1] } else { "a" };
        if r.below(4) == 0 {
            q += &format!(" WHERE {key}.layer >= 1 OR {key}.name STARTS WITH 'A'");
        }
        let keys = match r.below(5) {
            0 => vec![],
            1 => vec![format!("{key}.id AS k")],
            2 => vec![format!("{key}.layer AS k")],
            3 => vec![format!("{key} AS k")],
            _ => vec![format!("{key}.segment AS k"), format!("labels({key})[0] AS l")],
        };
        let mut aggs = vec!["count(*) AS n".to_string()];
        for (j, v) in vars.iter().take(len).enumerate() {
            match r.below(3) {
                0 => aggs.push(format!("count(DISTINCT {v}) AS d{j}")),
                1 => aggs.push(format!("count({v}) AS c{j}")),
                _ => {}
            }
        }
        q += &format!(" RETURN {}", keys.iter().chain(&aggs).cloned().collect::<Vec<_>>().join(", "));
        let ordered = keys.iter().map(|k| k.rsplit(' ').next().unwrap_or("k").to_string());
        match r.below(4) {
            0 => {}
            1 => {
                q += &format!(
                    " ORDER BY n DESC, {}",
                    ordered.chain(["n".into()]).collect::<Vec<_>>().join(", ")
                )
            }
            2 => q += " ORDER BY n DESC LIMIT 3",
            _ => {
                q += &format!(
                    " ORDER BY {} SKIP 1 LIMIT 5",
                    ordered.chain(["n".into()]).collect::<Vec<_>>().join(", ")
                )
            }
        }
        q
    }

    /// Generated chains over a graph: every answer agrees; returns how many the walk answered.
    fn generated_agree(g: &KnowledgeGraph, seed: u64, n: usize) -> usize {
        let (kinds, rels) = vocabulary(g);
        let mut r = Lcg(seed);
        let mut taken = 0;
        for _ in 0..n {
            let q = chain_query(&mut r, &kinds, &rels);
            taken += agree(g, &q) as usize;
        }
        taken
    }

    #[test]
    fn walking_a_chain_agrees_with_matching_on_chosen_queries() {
        let g = KnowledgeGraph::new(crate::testing::builtin());
        let taken = [
            // The benchmark's query.
            "MATCH (a:Project {segment: 'training'})-[:OFFERS|USES]->(c:Chip)-[:CONTAINS]->(h:Technology)<-[:MANUFACTURES]-(m:Company)
             RETURN m.id AS maker, count(*) AS paths, count(DISTINCT a) AS projects ORDER BY paths DESC, maker LIMIT 10",
            "MATCH (a:Project)-[:OFFERS|USES]->(c:Chip)-[:CONTAINS]->(h:Technology)<-[:MANUFACTURES]-(m:Company) WHERE a.segment = $seg
             RETURN m.id AS maker, count(*) AS paths, count(DISTINCT a), count(DISTINCT c), count(h) ORDER BY paths DESC, maker",
            // Keyed on the left end; no keys; a WITH; aggregates inside expressions.
            "MATCH (a:Company)-[:MANUFACTURES]->(t)<-[:CONTAINS]-(c:Chip) RETURN a.id, count(DISTINCT c) AS chips, count(*) + 1 AS n ORDER BY a.id",
            "MATCH (a:Company)-[:MANUFACTURES]->(t)<-[:CONTAINS]-(c:Chip) RETURN count(*), count(DISTINCT a), count(DISTINCT t), count(DISTINCT c)",
            // One undirected step (no edge can repeat in one step).
            "MATCH (a:Company)-[r]-(b:Chip|Technology) RETURN a.id AS k, count(*) AS n, count(DISTINCT b) ORDER BY n DESC, k LIMIT 5",
            // Nothing matches: one row without keys, none with.
            "MATCH (a:Chip {id: 'none'})-[:CONTAINS]->(b) RETURN count(*), count(DISTINCT a)",
            "MATCH (a:Chip {id: 'none'})-[:CONTAINS]->(b) RETURN b.id, count(*) ORDER BY b.id",
        ];
        for q in taken {
            assert!(agree(&g, q), "the walk should answer {q}");
        }
        let not_taken = [
            // Relationships could repeat: untyped or shared types, on a graph with 2-cycles.
            "MATCH (a)--(b)--(c) RETURN c.id AS k, count(*) AS n ORDER BY n DESC, k LIMIT 5",
            "MATCH (a)-->(b)<--(c) RETURN c.id AS k, count(*) AS n, count(DISTINCT a) ORDER BY n DESC, k LIMIT 5",
            "MATCH (a)-[:SUPPLIES|USES]-(b)-[:USES]-(c) RETURN c.id AS k, count(*) AS n ORDER BY k",
            // No ORDER BY over several groups, ties in ORDER BY, keys on both ends.
            "MATCH (a:Company)-[:MANUFACTURES]->(t)<-[:CONTAINS]-(c:Chip) RETURN c.id, count(*)",
            "MATCH (a:Company)-[:MANUFACTURES]->(t)<-[:CONTAINS]-(c:Chip) WITH c, count(*) AS n WHERE n > 1 RETURN c.id, n ORDER BY c.id",
            "MATCH (a:Company)-[:MANUFACTURES]->(t)<-[:CONTAINS]-(c:Chip) RETURN c.id, count(*) AS n ORDER BY n DESC",
            "MATCH (a:Company)-[:MANUFACTURES]->(t)<-[:CONTAINS]-(c:Chip) RETURN a.id, c.id, count(*) ORDER BY a.id, c.id",
            // Other aggregates, WHERE across variables, variable length, errors.
            "MATCH (a:Company)-[:MANUFACTURES]->(t) RETURN a.id, collect(t.id) ORDER BY a.id",
            "MATCH (a:Company)-[:MANUFACTURES]->(t)<-[:CONTAINS]-(c:Chip) WHERE a.id < c.id RETURN a.id, count(*) ORDER BY a.id",
            "MATCH (a:Company)-[:MANUFACTURES*1..2]->(t) RETURN a.id, count(*) ORDER BY a.id",
            "MATCH (a:Company)-[:MANUFACTURES]->(t) WHERE t.layer + 'x' > 1 RETURN a.id, count(*) ORDER BY a.id",
            "MATCH (a:Company)-[:MANUFACTURES]->(t) RETURN a.id, count(*) ORDER BY a.id SKIP -1",
        ];
        for q in not_taken {
            assert!(!agree(&g, q), "the walk should give way on {q}");
        }
    }

    #[test]
    fn walking_a_chain_agrees_with_matching_on_saved_queries() {
        let g = KnowledgeGraph::new(crate::testing::builtin());
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
        let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files.iter().filter(|f| f.extension().is_some_and(|x| x == "cypher")) {
            let q = std::fs::read_to_string(f).unwrap();
            agree(&g, &q);
        }
    }

    #[test]
    fn walking_generated_chains_agrees_with_matching() {
        let builtin = crate::testing::builtin();
        let g = KnowledgeGraph::new(builtin.clone());
        let taken = generated_agree(&g, 7, 400);
        eprintln!("built-in: the walk answered {taken} of 400");
        assert!(taken > 60, "the walk answered only {taken} of 400");
        let generated = crate::gen::generate(&builtin, 1500, 9000, 11).unwrap();
        let g = KnowledgeGraph::new(generated);
        let taken = generated_agree(&g, 8, 300);
        eprintln!("generated: the walk answered {taken} of 300");
        assert!(taken > 40, "the walk answered only {taken} of 300");
    }
}
