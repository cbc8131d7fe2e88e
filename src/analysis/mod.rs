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
    /// Another supplier remains for each input it takes, or what it takes is not a required input.
    Keeps,
    /// Time spares it (see [`time`]).
    Spared(time::Spared),
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
    let broken = Inputs::new(g, &view).cascade(failed, &immune);
    let (baseline, without) = (view.supplied_without(None), view.supplied_without(Some(failed)));
    reached
        .into_iter()
        .map(|t| {
            let verdict = match (spared.get(&t.node), &broken[t.node]) {
                (Some(s), _) => Verdict::Spared(*s),
                (None, Some(Lost::Input(input))) => Verdict::Breaks(input.clone()),
                _ => Verdict::Keeps,
            };
            let sole_route = !matches!(verdict, Verdict::Spared(_)) && baseline[t.node] && !without[t.node];
            Dependant { tiered: t, verdict, sole_route }
        })
        .collect()
}
