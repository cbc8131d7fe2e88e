//! Supply-chain analytics over the graph: the supply view and tiers, impact, paths, chokepoints,
//! concentration and centrality.

pub mod centrality;
pub mod change;
pub mod chokepoints;
pub mod concentration;
pub mod evidence;
pub mod path;
pub mod supply;
pub mod time;

use crate::graph::KnowledgeGraph;
use crate::model::{Day, NodeIx, Sym};
use supply::{Flow, Inputs, Lost, SupplyView, Tiered};

/// A dependant of a failed node and what happens to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Dependant {
    pub tiered: Tiered,
    pub verdict: Verdict,
    /// Every supply route into it from a node with no suppliers passes through the failed node
    /// (the failed node dominates it in the supply graph); `false` for a spared node.
    pub sole_route: bool,
}

/// What happens to a dependant when a node stops.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// It loses every supplier of this input (relation, supplier layer), directly or through
    /// what it depends on: the cascade model of [`Inputs`].
    Breaks((Sym, Sym)),
    /// It keeps every input it needs, for this reason.
    Keeps(Kept),
    /// Time spares it (see [`time`]).
    Spared(time::Spared),
}

/// Why a dependant keeps supply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// An input it takes from a broken supplier has another supplier left.
    Alternative,
    /// The supplier through which it was reached does not break.
    SupplierKeeps,
    /// What it takes from the broken side is not a required input (see the schema's `required`).
    NotRequired,
}

/// Everything downstream of `failed`, tier by tier, and the verdict on each. With a `day`, the
/// graph is the one valid on that day and artifacts are treated as [`time`] says; without one,
/// every edge counts.
pub fn impact(g: &KnowledgeGraph, failed: NodeIx, day: Option<Day>) -> Vec<Dependant> {
    let (reached, spared) = match day {
        Some(day) => {
            let walk = time::downstream(g, failed, day, None, true);
            (walk.reached, walk.spared)
        }
        None => (SupplyView::new(g).tiers(g, failed, Flow::Downstream, None), Default::default()),
    };
    let mut immune = vec![false; g.node_count()];
    for &ix in spared.keys() {
        immune[ix] = true;
    }
    let view = SupplyView::at(g, day);
    let inputs = Inputs::new(g, &view);
    let broken = inputs.cascade(failed, &immune);
    let (baseline, without) = (view.supplied_without(None), view.supplied_without(Some(failed)));
    reached
        .into_iter()
        .map(|t| {
            let verdict = match (spared.get(&t.node), &broken[t.node]) {
                (Some(s), _) => Verdict::Spared(*s),
                (None, Some(Lost::Input(input))) => Verdict::Breaks(input.clone()),
                _ if inputs.touched(t.node, &broken) => Verdict::Keeps(Kept::Alternative),
                _ if broken[t.via_node].is_none() => Verdict::Keeps(Kept::SupplierKeeps),
                _ => Verdict::Keeps(Kept::NotRequired),
            };
            let sole_route = !matches!(verdict, Verdict::Spared(_)) && baseline[t.node] && !without[t.node];
            Dependant { tiered: t, verdict, sole_route }
        })
        .collect()
}
