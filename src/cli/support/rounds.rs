//! The money sections of `aikg show`: the funding rounds that fund a company or project (each
//! counted once, with its lead investors and a total), and the investors in a round, leads first.
//! A round is a node of kind `Round`; its money reaches what raised it along a relation the
//! schema marks `money = true` (FUNDS), and investors join it along another (INVESTS_IN).

use std::collections::BTreeSet;

use crate::graph::KnowledgeGraph;
use crate::model::{EdgeIx, NodeIx, Value};
use crate::table::{Cell, Section, Table};

/// The kind of a funding round.
const ROUND: &str = "Round";

fn number(v: Option<&Value>) -> Option<f64> {
    match v {
        Some(Value::Float(x)) => Some(*x),
        Some(Value::Int(x)) => Some(*x as f64),
        _ => None,
    }
}

/// Whether an edge into a round marks a lead investor (`props.lead = true`).
fn is_lead(g: &KnowledgeGraph, e: EdgeIx) -> bool {
    matches!(g.edge(e).more().props.get("lead"), Some(Value::Bool(true)))
}

/// The money edges into `ix` (edge, the node they come from), as `incident` sorted them.
fn money_in<'a>(
    g: &'a KnowledgeGraph,
    inc: &'a [(EdgeIx, NodeIx)],
) -> impl Iterator<Item = (EdgeIx, NodeIx)> + 'a {
    inc.iter().copied().filter(|&(e, _)| g.dataset.schema.is_money(g.dataset.edge_rel(e)))
}

/// The sections `show` adds for node `ix` whose incoming edges are `inc`.
pub(in crate::cli) fn sections(g: &KnowledgeGraph, ix: NodeIx, inc: &[(EdgeIx, NodeIx)]) -> Vec<Section> {
    let mut out = Vec::new();
    // Kinds, ids and names are read from the columns: a stored neighbour is not decoded for them.
    let d = &g.dataset;
    if *d.node_kind(ix) == ROUND {
        let mut investors: Vec<(bool, &str, EdgeIx, NodeIx)> = money_in(g, inc)
            .filter(|&(_, o)| *d.node_kind(o) != ROUND)
            .map(|(e, o)| (is_lead(g, e), d.node_id(o), e, o))
            .collect();
        // Leads first, then by id.
        investors.sort_by(|a, b| (!a.0, a.1).cmp(&(!b.0, b.1)));
        let mut t = Table::new(&["investor", "name", "lead", "amount_usd", "note", "sources"]);
        for (lead, id, e, o) in investors {
            let edge = g.edge(e);
            t.push(vec![
                id.into(),
                d.node_name(o).into(),
                lead.into(),
                number(edge.more().props.get("amount_usd")).into(),
                edge.more().note.as_ref().into(),
                Cell::List(edge.sources.iter().map(|s| Cell::from(&s.0)).collect()),
            ]);
        }
        if !t.rows.is_empty() {
            out.push(Section { title: "investors".into(), table: t });
        }
        return out;
    }
    let rounds: BTreeSet<(Option<String>, &str, NodeIx)> = money_in(g, inc)
        .filter(|&(_, o)| *d.node_kind(o) == ROUND)
        .map(|(_, o)| (g.node(o).start.clone(), d.node_id(o), o))
        .collect();
    if rounds.is_empty() {
        return out;
    }
    let mut t = Table::new(&["round", "date", "stage", "amount_usd", "valuation_usd", "lead", "investors"]);
    let mut total = 0.0;
    let mut undisclosed = 0usize;
    for (date, id, r) in &rounds {
        let n = g.node(*r);
        let amount = number(n.props.get("amount_usd"));
        match amount {
            Some(a) => total += a,
            None => undisclosed += 1,
        }
        let round_in = g.incident(*r, crate::graph::Dir::In);
        let joined: Vec<(EdgeIx, NodeIx)> = money_in(g, &round_in).collect();
        let leads: Vec<Cell> =
            joined.iter().filter(|&&(e, _)| is_lead(g, e)).map(|&(_, o)| Cell::from(d.node_id(o))).collect();
        t.push(vec![
            (*id).into(),
            date.as_ref().into(),
            match n.props.get("round") {
                Some(v) => v.into(),
                None => Cell::Null,
            },
            amount.into(),
            number(n.props.get("valuation_usd")).into(),
            Cell::List(leads),
            joined.len().into(),
        ]);
    }
    let n = rounds.len();
    let plural = if n == 1 { "" } else { "s" };
    let label = match undisclosed {
        0 => format!("total ({n} round{plural}, each counted once)"),
        u => format!("total ({n} round{plural}, each counted once; {u} undisclosed)"),
    };
    t.push(vec![label.into(), Cell::Null, Cell::Null, total.into(), Cell::Null, Cell::Null, Cell::Null]);
    out.push(Section { title: "funding rounds".into(), table: t });
    out
}
