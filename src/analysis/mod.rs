//! Supply-chain analytics over the graph: the supply view and tiers, impact, paths, chokepoints,
//! concentration and centrality.

pub mod centrality;
pub mod change;
pub mod chokepoints;
pub mod concentration;
pub mod estimate;
pub mod evidence;
pub mod path;
pub mod series;
pub mod supply;
pub mod time;

use crate::graph::KnowledgeGraph;
use crate::model::{Day, EdgeIx, NodeIx, Sym};
use supply::{Flow, Inputs, Lost, SupplyView, Tiered};

/// A dependant of a failed node and what happens to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Dependant {
    pub(crate) tiered: Tiered,
    pub(crate) verdict: Verdict,
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
    /// It loses part of an input: the share (0..1) of the input (relation, supplier layer).
    Loses {
        /// The share lost, 0..1.
        share: f64,
        /// The input (relation, supplier layer).
        input: (Sym, Sym),
        /// How the share was found.
        basis: Basis,
    },
    /// It keeps every input it needs, for this reason.
    Keeps(Kept),
    /// Time spares it (see [`time`]).
    Spared(time::Spared),
}

/// Where the share of an input a dependant loses comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Basis {
    /// The failed node is its only supplier of the input in the data.
    Sole,
    /// The shares on the suppliers' edges into it: this edge's.
    EdgeShare(EdgeIx),
    /// No shares known: an equal split among this many suppliers.
    Equal(usize),
    /// Suppliers that broke in the cascade, with this many suppliers of the input in all.
    Cascade(usize),
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

/// Everything downstream of `failed`, tier by tier, and the verdict on each, when `failed` loses
/// the fraction `cut` (0..1] of its output. With a `day`, the graph is the one valid on that day
/// and artifacts are treated as [`time`] says; without one, every edge counts. Only a full stop
/// (`cut` = 1) cascades: a supplier cut in part still supplies.
pub fn impact(g: &KnowledgeGraph, failed: NodeIx, day: Option<Day>, cut: f64) -> Vec<Dependant> {
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
    let mut broken = inputs.cascade(failed, &immune);
    if cut < 1.0 {
        broken = vec![None; g.node_count()];
        broken[failed] = Some(Lost::Itself);
    }
    let (baseline, without) = (view.supplied_without(None), view.supplied_without(Some(failed)));
    reached
        .into_iter()
        .map(|t| {
            let loss = worst_loss(&inputs, t.node, failed, cut, &broken);
            let verdict = match (spared.get(&t.node), &broken[t.node], loss) {
                (Some(s), _, _) => Verdict::Spared(*s),
                (None, Some(Lost::Input(input)), _) => Verdict::Breaks(input.clone()),
                (None, _, Some((share, input, basis))) => Verdict::Loses { share, input, basis },
                _ if inputs.touched(t.node, &broken) => Verdict::Keeps(Kept::Alternative),
                _ if broken[t.via_node].is_none() => Verdict::Keeps(Kept::SupplierKeeps),
                _ => Verdict::Keeps(Kept::NotRequired),
            };
            let sole_route = !matches!(verdict, Verdict::Spared(_)) && baseline[t.node] && !without[t.node];
            Dependant { tiered: t, verdict, sole_route }
        })
        .collect()
}

/// The input of `v` that loses the largest share when `failed` is cut by `cut` (and the nodes in
/// `broken` stop), if any loses some: (share, input, basis).
fn worst_loss(
    inputs: &Inputs,
    v: NodeIx,
    failed: NodeIx,
    cut: f64,
    broken: &[Option<Lost>],
) -> Option<(f64, (Sym, Sym), Basis)> {
    let mut best: Option<(f64, (Sym, Sym), Basis)> = None;
    for (i, key, splits) in inputs.inputs(v) {
        let share = inputs.loss(v, i, failed, cut, broken);
        if share <= 0.0 || best.as_ref().is_some_and(|b| b.0 >= share) {
            continue;
        }
        let basis = match splits.iter().find(|s| s.supplier == failed) {
            None => Basis::Cascade(splits.len()),
            Some(_) if splits.len() == 1 => Basis::Sole,
            Some(s) => s.from_edge.map_or(Basis::Equal(splits.len()), Basis::EdgeShare),
        };
        best = Some((share, key.clone(), basis));
    }
    best
}
