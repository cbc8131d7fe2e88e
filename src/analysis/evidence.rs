//! What an answer rests on: the tier of each edge's evidence, the filter that analytics apply
//! (`--min-tier`, `--include-unverified`), and who cites each source.
//!
//! An edge's tier is the best tier among its sources: one primary source makes a fact primary,
//! however many weak pages repeat it. An edge whose `confidence` is `unverified` has no citable
//! source and counts as no tier at all.

use std::collections::BTreeMap;

use crate::model::{Citer, Dataset, SourceId, Tier};

/// Which edges an analysis may rest on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// The weakest tier of evidence an edge may have.
    pub min_tier: Tier,
    /// Keep edges marked unverified.
    pub include_unverified: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy { min_tier: Tier::Weak, include_unverified: false }
    }
}

/// How many edges a [`Policy`] left out, and why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeftOut {
    pub(crate) below_tier: usize,
    pub(crate) unverified: usize,
}

impl Policy {
    /// Removes the edges the policy does not admit from `d` (nodes stay), and counts them.
    pub fn apply(&self, d: &mut Dataset) -> LeftOut {
        let mut left_out = LeftOut::default();
        let tiers: Vec<Option<Tier>> = d.edges.iter().map(|e| d.edge_tier(e)).collect();
        let mut keep = tiers.iter().map(|t| match t {
            None if self.include_unverified => true,
            None => {
                left_out.unverified += 1;
                false
            }
            Some(t) if *t < self.min_tier => {
                left_out.below_tier += 1;
                false
            }
            Some(_) => true,
        });
        d.edges.retain(|_| keep.next().unwrap_or(true));
        left_out
    }
}

/// Counts per tier of a set of items (nodes, edges, share figures).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TierMix {
    pub(crate) primary: usize,
    pub(crate) secondary: usize,
    pub(crate) weak: usize,
    pub(crate) unverified: usize,
}

impl TierMix {
    pub(crate) fn of(tiers: impl IntoIterator<Item = Option<Tier>>) -> Self {
        let mut mix = TierMix::default();
        for t in tiers {
            match t {
                Some(Tier::Primary) => mix.primary += 1,
                Some(Tier::Secondary) => mix.secondary += 1,
                Some(Tier::Weak) => mix.weak += 1,
                None => mix.unverified += 1,
            }
        }
        mix
    }

    pub(crate) fn total(&self) -> usize {
        self.primary + self.secondary + self.weak + self.unverified
    }
}

/// Who cites one source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Citations {
    pub(crate) nodes: usize,
    pub(crate) edges: usize,
    pub(crate) claims: usize,
    /// Rental prices (`[[price]]`) citing it.
    pub prices: usize,
    /// Observations (`[[observation]]`) citing it.
    pub observations: usize,
    /// Nodes and edges that cite this source and no other: what rests on it alone.
    pub alone: usize,
}

/// Every source's citations (sources nobody cites included, with zeros).
pub fn citations(d: &Dataset) -> BTreeMap<&SourceId, Citations> {
    let mut out: BTreeMap<&SourceId, Citations> =
        d.sources.keys().map(|id| (id, Citations::default())).collect();
    for (by, ids) in d.citing() {
        for id in ids {
            if let Some(c) = out.get_mut(id) {
                match by {
                    Citer::Node => c.nodes += 1,
                    Citer::Edge => c.edges += 1,
                    Citer::Claim => c.claims += 1,
                    Citer::Price => c.prices += 1,
                    Citer::Observation => c.observations += 1,
                }
                // What rests on this source alone: a node or an edge citing it and no other.
                if ids.len() == 1 && matches!(by, Citer::Node | Citer::Edge) {
                    c.alone += 1;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn stats_check_and_sources_share_one_definition_of_cited() {
        let d = crate::testing::builtin();
        let cited = d.cited();
        let counted = citations(&d);
        for (id, c) in &counted {
            assert_eq!(
                cited.contains(id),
                c.nodes + c.edges + c.claims + c.prices + c.observations > 0,
                "{id}"
            );
        }
        // Claims and prices cite too: a source only a price cites is still cited.
        let by_price: BTreeSet<&SourceId> =
            d.citing().filter(|(by, _)| *by == Citer::Price).flat_map(|(_, ids)| ids).collect();
        assert!(by_price.iter().all(|id| cited.contains(id)));
    }

    #[test]
    fn mix_counts_each_tier() {
        let mix = TierMix::of([Some(Tier::Primary), None, Some(Tier::Weak), Some(Tier::Primary)]);
        assert_eq!(mix, TierMix { primary: 2, secondary: 0, weak: 1, unverified: 1 });
        assert_eq!(mix.total(), 4);
    }
}
