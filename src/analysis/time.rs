//! Time: the chain as it stood on a day, and walks that respect when things were made.
//!
//! - A node exists from its `start` (the first day of the period it names; always, when it has
//!   none) to its `end` (the last day of that period; for ever, when it has none). An artifact's
//!   `end` stops its making, not its existence: a discontinued chip is still in use.
//! - An edge is valid on a day when both ends exist, it has begun (see [`begins`]) and its
//!   `until` has not passed, and it is not merely `announced`. An `ended` edge with no `until` is
//!   taken to have ended by its newest source's date.
//! - A share figure is an observation: on a day, each series (one holder, one relation, one
//!   subject, one `share_of`) shows its latest observation at or before that day.
//! - The graph's own "today" is the newest date in its sources, so that the same data always
//!   gives the same answer, whatever the clock says.
//! - A made-once artifact (a trained model, a collected dataset) is walked upstream as of its
//!   release; walking downstream never reaches one released before the walk's start supplied it,
//!   and (in `impact` and `chokepoints`) one already released is not undone. A produced artifact
//!   (a chip, a rack system) exists from its release but takes its inputs as it is made: it is
//!   walked as of the view's day, and a supplier that stops breaks it.

use std::collections::{BTreeMap, VecDeque};

use super::supply::{Flow, SupplyView, Tiered};
use crate::graph::KnowledgeGraph;
use crate::model::{Dataset, Day, Edge, FastMap, Lifecycle, Node, NodeIx};

/// Whether node `ix` exists on `day`. An artifact that was made exists for ever after: its `end`
/// (discontinued, deprecated) stops its making, not its use.
pub fn exists(d: &Dataset, ix: NodeIx, day: Day) -> bool {
    let n = &d.nodes[ix];
    n.start.as_deref().and_then(Day::first).is_none_or(|s| s <= day)
        && (lifecycle(d, n).is_artifact() || n.end.as_deref().and_then(Day::last).is_none_or(|e| day <= e))
}

/// How time treats a node: its own lifecycle, else its kind's.
fn lifecycle(d: &Dataset, n: &Node) -> Lifecycle {
    n.lifecycle.or_else(|| d.schema.kind(&n.kind).map(|k| k.lifecycle)).unwrap_or_default()
}

/// The last day an edge is valid, if it ended.
fn ends(d: &Dataset, e: &Edge) -> Option<Day> {
    let m = e.more();
    match (&m.until, m.status.as_deref()) {
        (Some(u), _) => Day::last(u),
        (None, Some("ended")) => e.sources.iter().filter_map(|s| d.source(s)).filter_map(|s| s.day()).max(),
        _ => None,
    }
}

/// The first day an edge holds: its `since`, else the date its figure or fact refers to
/// (`as_of`). An undated edge between two services (a lab and a cloud) holds from its earliest
/// source's date, the first report of it, or, where every source is a living page with no date,
/// from the earliest day one was read (`retrieved`): nothing shows it held before. An undated
/// edge to or from an artifact holds while the artifact exists (its inputs are part of its making).
pub fn begins(d: &Dataset, e: &Edge) -> Option<Day> {
    let m = e.more();
    if let Some(day) = m.since.as_deref().or(m.as_of.as_deref()).and_then(Day::first) {
        return Some(day);
    }
    let artifact = |ix: NodeIx| lifecycle(d, &d.nodes[ix]).is_artifact();
    if artifact(e.from) || artifact(e.to) {
        return None;
    }
    first_report(d, e).or_else(|| first_read(d, e))
}

/// The earliest publication date among an edge's sources.
fn first_report(d: &Dataset, e: &Edge) -> Option<Day> {
    e.sources.iter().filter_map(|s| d.source(s)).filter_map(|s| s.date.as_deref().and_then(Day::first)).min()
}

/// The earliest day one of an edge's sources was read (a living page's `retrieved`).
fn first_read(d: &Dataset, e: &Edge) -> Option<Day> {
    e.sources
        .iter()
        .filter_map(|s| d.source(s))
        .filter_map(|s| s.retrieved.as_deref().and_then(Day::first))
        .min()
}

/// Where an edge's first day comes from (see [`begins`]), for the data's own accounting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dating {
    /// Its own `since`.
    Since,
    /// The date its figure or fact refers to (`as_of`).
    AsOf,
    /// An artifact at one end with a start date: the edge holds while the artifact exists.
    Artifact,
    /// The earliest dated source that reports it.
    FirstReport,
    /// No source is dated: the earliest day a living page that reports it was read.
    FirstRead,
    /// Nothing dates it: it counts as always having held.
    Undated,
}

impl Dating {
    pub(crate) const ALL: [Dating; 6] = [
        Dating::Since,
        Dating::AsOf,
        Dating::Artifact,
        Dating::FirstReport,
        Dating::FirstRead,
        Dating::Undated,
    ];

    pub(crate) fn label(self) -> &'static str {
        match self {
            Dating::Since => "its own since",
            Dating::AsOf => "its as_of",
            Dating::Artifact => "the artifact's release",
            Dating::FirstReport => "its first report (earliest source date)",
            Dating::FirstRead => "its first reading (a living page, as retrieved)",
            Dating::Undated => "undated",
        }
    }
}

/// How edge `e`'s first day is known: the same rules as [`begins`], named.
pub fn dating(d: &Dataset, e: &Edge) -> Dating {
    let m = e.more();
    if m.since.as_deref().and_then(Day::first).is_some() {
        return Dating::Since;
    }
    if m.as_of.as_deref().and_then(Day::first).is_some() {
        return Dating::AsOf;
    }
    let artifact = |ix: NodeIx| lifecycle(d, &d.nodes[ix]).is_artifact();
    if artifact(e.from) || artifact(e.to) {
        let dated = |ix: NodeIx| artifact(ix) && d.nodes[ix].start.as_deref().and_then(Day::first).is_some();
        return if dated(e.from) || dated(e.to) { Dating::Artifact } else { Dating::Undated };
    }
    if first_report(d, e).is_some() {
        Dating::FirstReport
    } else if first_read(d, e).is_some() {
        Dating::FirstRead
    } else {
        Dating::Undated
    }
}

/// Whether edge `e` is valid on `day` (its ends included).
pub fn valid(d: &Dataset, e: &Edge, day: Day) -> bool {
    holds(d, e, day) && exists(d, e.from, day) && exists(d, e.to, day)
}

/// Whether edge `e` itself holds on `day`, whatever became of its ends.
fn holds(d: &Dataset, e: &Edge, day: Day) -> bool {
    let m = e.more();
    m.status.as_deref() != Some("announced")
        && begins(d, e).is_none_or(|s| s <= day)
        && ends(d, e).is_none_or(|u| day <= u)
}

/// Ownership on `day`: for each node acquired by then (an `ACQUIRED` edge into it dated no later
/// than `day`), the node that owns it in the end (an acquirer may itself have been acquired).
/// An acquired company is part of its acquirer from the acquisition date.
pub fn owners(d: &Dataset, day: Day) -> FastMap<NodeIx, NodeIx> {
    let mut owner: FastMap<NodeIx, NodeIx> = FastMap::default();
    for e in d.edges.iter().filter(|e| e.rel == ACQUIRED) {
        let at = e.more().since.as_deref().or(e.more().as_of.as_deref()).and_then(Day::first);
        if at.is_some_and(|at| at <= day) && e.from != e.to {
            owner.insert(e.to, e.from);
        }
    }
    let resolved: Vec<(NodeIx, NodeIx)> = owner
        .keys()
        .map(|&x| {
            let mut top = owner[&x];
            // A chain of acquisitions, cut short should the data hold a loop.
            for _ in 0..owner.len() {
                match owner.get(&top) {
                    Some(&next) if next != x => top = next,
                    _ => break,
                }
            }
            (x, top)
        })
        .collect();
    resolved.into_iter().collect()
}

pub use crate::model::ACQUIRED;

/// Edge `e` on `day` with its ends taken over by their owners: the (from, to) it joins, if it
/// holds then, both ends exist (an acquired node through its owner) and they differ.
pub fn joined(d: &Dataset, e: &Edge, day: Day, owners: &FastMap<NodeIx, NodeIx>) -> Option<(NodeIx, NodeIx)> {
    if e.rel == ACQUIRED || !holds(d, e, day) {
        return None;
    }
    let end = |ix: NodeIx| match owners.get(&ix) {
        Some(&o) => exists(d, o, day).then_some(o),
        None => exists(d, ix, day).then_some(ix),
    };
    let (from, to) = (end(e.from)?, end(e.to)?);
    (from != to).then_some((from, to))
}

/// The graph's "today": the newest publication or retrieval date among its sources.
pub fn today(d: &Dataset) -> Option<Day> {
    d.sources.latest_day()
}

/// The release of a made-once artifact (a trained model, a collected dataset): its start. A
/// produced artifact (a chip in production) takes its inputs as it is made, so it is walked as
/// of the view's day, like a service.
pub fn release(g: &KnowledgeGraph, ix: NodeIx) -> Option<Day> {
    (g.lifecycle(ix) == Lifecycle::MadeOnce)
        .then(|| g.node(ix).start.as_deref().and_then(Day::first))
        .flatten()
}

/// The dataset as it stood on `day`: the nodes that existed, the edges valid then, and each
/// share series' latest observation at or before it.
pub fn as_of(mut d: Dataset, day: Day) -> Dataset {
    // Each edge's ends on the day (an acquired node's are its owner's), if it holds.
    let owners = owners(&d, day);
    let ends: Vec<Option<(NodeIx, NodeIx)>> =
        d.edges.iter().map(|e| observed(e, day).then(|| joined(&d, e, day, &owners)).flatten()).collect();
    let keep_edge: Vec<bool> = ends.iter().map(Option::is_some).collect();
    // Of several observations of one series, the latest stands.
    let mut latest: BTreeMap<(usize, usize, &str, &str), (Day, usize)> = BTreeMap::new();
    for (ix, e) in d.edges.iter().enumerate().filter(|(ix, _)| keep_edge[*ix]) {
        if let (Some(_), Some(of), Some(at)) =
            (e.share_pct, e.more().share_of.as_deref(), e.more().as_of.as_deref().and_then(Day::first))
        {
            let slot = latest.entry((e.from, e.to, e.rel.as_str(), of)).or_insert((at, ix));
            if at > slot.0 {
                *slot = (at, ix);
            }
        }
    }
    let superseded: Vec<bool> = d
        .edges
        .iter()
        .enumerate()
        .map(|(ix, e)| match (e.share_pct, e.more().share_of.as_deref()) {
            (Some(_), Some(of)) if e.more().as_of.is_some() => {
                latest.get(&(e.from, e.to, e.rel.as_str(), of)).is_some_and(|&(_, l)| l != ix)
            }
            _ => false,
        })
        .collect();
    // A node owned by another is gone into its owner, unless it is itself some node's owner in the
    // end (data with a loop of acquisitions: its ends are owned by each other).
    let tops: std::collections::BTreeSet<NodeIx> = owners.values().copied().collect();
    let keep_node: Vec<bool> = (0..d.nodes.len())
        .map(|ix| exists(&d, ix, day) && (!owners.contains_key(&ix) || tops.contains(&ix)))
        .collect();
    let mut new_ix = vec![usize::MAX; d.nodes.len()];
    let mut next = 0;
    for (ix, keep) in keep_node.iter().enumerate() {
        if *keep {
            new_ix[ix] = next;
            next += 1;
        }
    }
    let mut ix = 0;
    d.edges.retain(|_| {
        let keep = keep_edge[ix] && !superseded[ix];
        ix += 1;
        keep
    });
    let kept = ends.into_iter().enumerate().filter(|(ix, _)| !superseded[*ix]).filter_map(|(_, e)| e);
    for (e, (from, to)) in d.edges.iter_mut().zip(kept) {
        e.from = new_ix[from];
        e.to = new_ix[to];
    }
    let mut ix = 0;
    d.nodes.retain(|_| {
        let keep = keep_node[ix];
        ix += 1;
        keep
    });
    d
}

/// Whether a dated observation (a share figure) is known on `day`: its period had begun by then,
/// and the edge was valid at some point of the period seen so far (its holder may have ended
/// since; the figure still stands as the latest known). A figure "as of 2026" on an edge that
/// began in February 2026 is known from then on. An undated figure is judged on `day` itself.
pub fn observed_on(d: &Dataset, e: &Edge, day: Day) -> bool {
    let as_of = e.more().as_of.as_deref();
    match (as_of.and_then(Day::first), as_of.and_then(Day::last)) {
        (Some(first), Some(last)) => first <= day && (valid(d, e, first) || valid(d, e, last.min(day))),
        _ => valid(d, e, day),
    }
}

/// A share observation made after `day` is not yet known on `day`.
fn observed(e: &Edge, day: Day) -> bool {
    e.share_pct.is_none() || e.more().as_of.as_deref().and_then(Day::first).is_none_or(|a| a <= day)
}

/// Why a node reached downstream is not a dependant, or not harmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spared {
    /// Released before the walk's start existed.
    BeforeItExisted {
        /// Its release.
        released: Day,
    },
    /// When it was released, the walk's start existed but was not in its supply chain (the graph
    /// as of that day has no supply route from one to the other).
    NotInItsChain {
        /// Its release.
        released: Day,
    },
    /// A made-once artifact already released: a stop now does not undo it.
    AlreadyMade {
        /// Its release.
        released: Day,
    },
}

/// A downstream walk on a day: the nodes reached, tier by tier (sorted by tier, then id), and
/// those among them that are spared, with the reason; the walk does not pass through them.
pub struct Walk {
    pub(crate) reached: Vec<Tiered>,
    pub(crate) spared: BTreeMap<NodeIx, Spared>,
}

/// Everything downstream of `start` on `day`, up to `depth` tiers. An artifact released before
/// `start` reached it (on the graph as of the artifact's release) is spared and not walked
/// through; with `spare_made`, so is a made-once artifact already released.
pub fn downstream(
    g: &KnowledgeGraph,
    start: NodeIx,
    day: Day,
    depth: Option<usize>,
    spare_made: bool,
) -> Walk {
    let view = SupplyView::at(g, Some(day));
    // Which nodes `start` reached on the day each artifact was released.
    let mut reach_on: BTreeMap<Day, Vec<bool>> = BTreeMap::new();
    let started = g.node(start).start.as_deref().and_then(Day::first);
    let mut seen = vec![false; g.node_count()];
    seen[start] = true;
    let mut frontier = vec![start];
    let mut walk = Walk { reached: Vec::new(), spared: BTreeMap::new() };
    let mut tier = 0;
    while !frontier.is_empty() && depth.is_none_or(|d| tier < d) {
        tier += 1;
        let mut next = Vec::new();
        // Spared artifacts: listed, not walked through.
        let mut dead_ends = Vec::new();
        for &node in &frontier {
            for &(edge, other) in &view.customers[node] {
                if seen[other] || view.step(Flow::Downstream, node == start, edge).is_none() {
                    continue;
                }
                seen[other] = true;
                let released = release(g, other).filter(|r| *r <= day);
                if let Some(r) = released {
                    let reach =
                        reach_on.entry(r).or_insert_with(|| reachable(&SupplyView::at(g, Some(r)), start));
                    if !reach[other] {
                        let why = if started.is_some_and(|s| r < s) {
                            Spared::BeforeItExisted { released: r }
                        } else if spare_made {
                            Spared::AlreadyMade { released: r }
                        } else {
                            Spared::NotInItsChain { released: r }
                        };
                        walk.spared.insert(other, why);
                        dead_ends.push(Tiered { node: other, tier, via_edge: edge, via_node: node });
                        continue;
                    }
                    if spare_made {
                        walk.spared.insert(other, Spared::AlreadyMade { released: r });
                        dead_ends.push(Tiered { node: other, tier, via_edge: edge, via_node: node });
                        continue;
                    }
                }
                next.push(Tiered { node: other, tier, via_edge: edge, via_node: node });
            }
        }
        next.sort_by(|a, b| g.node(a.node).id.cmp(&g.node(b.node).id));
        frontier = next.iter().map(|t| t.node).collect();
        walk.reached.extend(next);
        walk.reached.extend(dead_ends);
    }
    walk.reached.sort_by(|a, b| (a.tier, &g.node(a.node).id).cmp(&(b.tier, &g.node(b.node).id)));
    walk
}

/// The nodes downstream of `start` in `view` (`start` included).
fn reachable(view: &SupplyView, start: NodeIx) -> Vec<bool> {
    let mut seen = vec![false; view.customers.len()];
    seen[start] = true;
    let mut queue = VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &(e, w) in &view.customers[v] {
            if !seen[w] && view.step(Flow::Downstream, v == start, e).is_some() {
                seen[w] = true;
                queue.push_back(w);
            }
        }
    }
    seen
}

/// The day an upstream walk from `start` uses: an artifact's release, when it came before `day`.
pub fn walk_day(g: &KnowledgeGraph, start: NodeIx, day: Day) -> Day {
    release(g, start).filter(|r| *r < day).unwrap_or(day)
}

/// Made-once artifacts released by `day`: a supplier that stops on `day` does not undo them.
pub fn made_by(g: &KnowledgeGraph, day: Day) -> Vec<bool> {
    (0..g.node_count())
        .map(|ix| g.lifecycle(ix) == Lifecycle::MadeOnce && release(g, ix).is_some_and(|r| r <= day))
        .collect()
}
