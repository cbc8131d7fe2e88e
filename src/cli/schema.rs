//! `aikg schema`: what a query can name. Each node kind (a Cypher label) with its properties and
//! their types, each relation (a relationship type) with the kinds it may join, and the
//! relationship properties; with how many nodes or edges carry each.

use std::collections::{BTreeMap, BTreeSet};

use super::{Ctx, Result};
use crate::fields::{self, FieldType};
use crate::model::{Dataset, Supply, Value, METRIC_AS_OF_SUFFIX};
use crate::table::{Cell, Output, Section, Table};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(ctx: &Ctx, _args: Args) -> Result<()> {
    ctx.emit(&Output::Report(schema(&ctx.graph.dataset)))
}

/// A node or edge field's type, in the schema's words.
fn field_type(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Strings => "strings",
        FieldType::Number => "number",
        FieldType::Date => "date",
        FieldType::Text => "string",
    }
}

fn schema(d: &Dataset) -> Vec<Section> {
    let mut kinds = Table::new(&["kind", "property", "type", "field or prop", "nodes"]);
    for k in &d.schema.kinds {
        let of_kind: Vec<_> = d.nodes.iter().filter(|n| n.kind == k.id).collect();
        for f in &fields::NODE {
            let count = of_kind.iter().filter(|n| !(f.get)(n).is_null()).count();
            kinds.push(vec![
                (&k.id).into(),
                f.name.into(),
                field_type(f.ty).into(),
                "field".into(),
                count.into(),
            ]);
        }
        for (p, ty) in &k.props {
            let count = of_kind.iter().filter(|n| n.props.contains_key(p)).count();
            kinds.push(vec![(&k.id).into(), p.into(), ty.name().into(), "prop".into(), count.into()]);
        }
        // A metric's standing value on the view's day, and its date (see `aikg series`).
        for m in d.schema.metrics.iter().filter(|m| m.kinds.contains(&k.id)) {
            for (p, ty) in [(m.id.clone(), "number"), (format!("{}{METRIC_AS_OF_SUFFIX}", m.id), "date")] {
                let count = of_kind.iter().filter(|n| n.props.contains_key(&p)).count();
                kinds.push(vec![(&k.id).into(), p.into(), ty.into(), "metric".into(), count.into()]);
            }
        }
    }

    let mut relations = Table::new(&["relation", "from", "to", "supply", "required", "money", "edges"]);
    for r in &d.schema.relations {
        let supply = match r.supply {
            Some(Supply::Forward) => "forward",
            Some(Supply::Reverse) => "reverse",
            None => "",
        };
        let list = |ids: &[String]| Cell::List(ids.iter().map(Cell::from).collect());
        relations.push(vec![
            (&r.id).into(),
            list(&r.from),
            list(&r.to),
            supply.into(),
            Cell::Bool(r.required),
            Cell::Bool(r.money),
            d.edges.iter().filter(|e| e.rel == r.id).count().into(),
        ]);
    }

    // Edge props are not declared: their type is what the data holds (`a|b` when it mixes).
    let mut edge_props: BTreeMap<&str, (BTreeSet<&str>, usize)> = BTreeMap::new();
    for e in &d.edges {
        for (k, v) in &e.more().props {
            let entry = edge_props.entry(k.as_str()).or_default();
            entry.0.insert(type_of(v));
            entry.1 += 1;
        }
    }
    let mut rel_props = Table::new(&["property", "type", "field or prop", "edges"]);
    for f in &fields::EDGE {
        let count = d.edges.iter().filter(|e| !(f.get)(e).is_null()).count();
        rel_props.push(vec![f.name.into(), field_type(f.ty).into(), "field".into(), count.into()]);
    }
    for (p, (types, count)) in edge_props {
        let ty = types.into_iter().collect::<Vec<_>>().join("|");
        rel_props.push(vec![p.into(), ty.into(), "prop".into(), count.into()]);
    }

    let mut metrics = Table::new(&["metric", "unit", "kinds", "flow", "observations", "description"]);
    for m in &d.schema.metrics {
        metrics.push(vec![
            (&m.id).into(),
            (&m.unit).into(),
            Cell::List(m.kinds.iter().map(Cell::from).collect()),
            Cell::Bool(m.flow),
            d.observations.iter().filter(|o| o.metric == m.id).count().into(),
            (&m.description).into(),
        ]);
    }

    let mut sections = vec![
        Section { title: "node properties".into(), table: kinds },
        Section { title: "relations".into(), table: relations },
        Section { title: "relationship properties".into(), table: rel_props },
    ];
    if !metrics.rows.is_empty() {
        sections.push(Section { title: "metrics (dated observations)".into(), table: metrics });
    }
    sections
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "boolean",
        Value::Int(_) => "integer",
        Value::Float(_) => "number",
        Value::Str(_) => "string",
        Value::List(_) => "strings",
    }
}
