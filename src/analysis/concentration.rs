//! Market concentration from the share data: each market is a (`share_of`, `as_of`) pair, each
//! participant the `from` node of an edge that carries a share of it.

use std::collections::BTreeMap;

use crate::graph::KnowledgeGraph;
use crate::model::{Day, EdgeIx, NodeIx};

/// A supplier above this share dominates its market.
pub const DOMINANT_SHARE: f64 = 65.0;

/// One dated point of a market: its holders' shares and their concentration.
#[derive(Debug, Clone, PartialEq)]
pub struct Market {
    pub(crate) share_of: String,
    pub(crate) as_of: Option<String>,
    /// (holder, share in percent, edge), largest share first, then id.
    pub shares: Vec<(NodeIx, f64, EdgeIx)>,
    /// Herfindahl-Hirschman index over the known shares, 0-10,000.
    pub hhi: f64,
    pub(crate) top1: f64,
    pub(crate) top3: f64,
    /// Sum of the known shares; below 100 means part of the market is not in the data.
    pub covered: f64,
}

impl Market {
    pub(crate) fn dominated(&self) -> bool {
        self.top1 > DOMINANT_SHARE
    }
}

/// Every market with share data, sorted by HHI (highest first), then name and date. A holder
/// with two figures for one market (two edges) counts once, with the larger figure.
/// With a `day`, only the figures known on it (see [`super::time::observed_on`]).
pub fn markets(g: &KnowledgeGraph, day: Option<Day>) -> Vec<Market> {
    // (share_of, as_of) -> holder -> (largest share, its edge)
    type Holders = BTreeMap<NodeIx, (f64, EdgeIx)>;
    let mut groups: BTreeMap<(String, Option<String>), Holders> = BTreeMap::new();
    for (ix, e) in g.dataset.edges.iter().enumerate() {
        if day.is_some_and(|day| !super::time::observed_on(&g.dataset, e, day)) {
            continue;
        }
        if let (Some(pct), Some(of)) = (e.share_pct, &e.more().share_of) {
            let holders =
                groups.entry((of.clone(), e.more().as_of.as_deref().map(str::to_string))).or_default();
            let slot = holders.entry(e.from).or_insert((pct, ix));
            if pct > slot.0 {
                *slot = (pct, ix);
            }
        }
    }
    let mut out: Vec<Market> = groups
        .into_iter()
        .map(|((share_of, as_of), holders)| {
            let mut shares: Vec<(NodeIx, f64, EdgeIx)> =
                holders.into_iter().map(|(n, (p, e))| (n, p, e)).collect();
            shares.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| g.node(a.0).id.cmp(&g.node(b.0).id)));
            let hhi = shares.iter().map(|s| s.1 * s.1).sum();
            let top1 = shares.first().map_or(0.0, |s| s.1);
            let top3 = shares.iter().take(3).map(|s| s.1).sum();
            let covered = shares.iter().map(|s| s.1).sum();
            Market { share_of, as_of, shares, hhi, top1, top3, covered }
        })
        .collect();
    out.sort_by(|a, b| {
        b.hhi.total_cmp(&a.hhi).then_with(|| (&a.share_of, &a.as_of).cmp(&(&b.share_of, &b.as_of)))
    });
    out
}

/// Each market's latest point: of the markets sharing a `share_of`, the one with the latest
/// `as_of` (one without a date counts as the oldest). Order kept.
pub fn latest(markets: Vec<Market>) -> Vec<Market> {
    let mut newest: BTreeMap<String, Option<Day>> = BTreeMap::new();
    for m in &markets {
        let at = m.as_of.as_deref().and_then(Day::first);
        let slot = newest.entry(m.share_of.clone()).or_insert(at);
        if at > *slot {
            *slot = at;
        }
    }
    markets
        .into_iter()
        .filter(|m| newest.get(&m.share_of) == Some(&m.as_of.as_deref().and_then(Day::first)))
        .collect()
}
