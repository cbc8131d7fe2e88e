//! Supply-chain analytics over the graph: the supply view and tiers, impact, paths, chokepoints,
//! concentration and centrality.

pub mod centrality;
pub mod chokepoints;
pub mod concentration;
pub mod evidence;
pub mod path;
pub mod supply;

use crate::graph::KnowledgeGraph;
use crate::model::NodeIx;
use supply::{Flow, Inputs, SupplyView, Tiered};

/// A dependant of a failed node and whether it keeps supply.
#[derive(Debug, Clone, PartialEq)]
pub struct Dependant {
    pub tiered: Tiered,
    /// Some supply route into it avoids the failed node; `None` when no route from a root
    /// reaches it even with every node in place (it sits on a supply cycle).
    pub has_alternative: Option<bool>,
    /// It breaks in the cascade model: it, or something it depends on, loses every supplier of
    /// one of its inputs (see [`Inputs`]).
    pub breaks: bool,
}

/// Everything downstream of `failed`, tier by tier; for each dependant, whether a supply route
/// that avoids `failed` still reaches it (from any node with no suppliers of its own), and
/// whether it breaks in the cascade model.
pub fn impact(g: &KnowledgeGraph, view: &SupplyView, failed: NodeIx) -> Vec<Dependant> {
    let baseline = view.supplied_without(None);
    let without = view.supplied_without(Some(failed));
    let broken = Inputs::new(g, view).cascade(failed);
    view.tiers(g, failed, Flow::Downstream, None)
        .into_iter()
        .map(|t| Dependant {
            has_alternative: baseline[t.node].then_some(without[t.node]),
            breaks: broken[t.node],
            tiered: t,
        })
        .collect()
}
