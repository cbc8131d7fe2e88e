//! Whole-dataset exports. `json` is lossless: schema, sources, nodes, edges and prices with every field,
//! edges naming their endpoints by id, and so is the dataset folder of [`to_toml`]. `csv` follows
//! Neo4j's admin-import headers; `graphml` is for Gephi and yEd; [`to_cypher`] recreates the
//! graph in Neo4j, Memgraph or Kùzu. These last three carry neither the schema nor the disputed
//! claims.

mod cypher;
mod parquet;
mod spark_sql;
mod toml_files;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::fields::{self, FieldType};
use crate::model::{Dataset, Domain, Edge, Layer, Metric, Node, Observation, Price, Relation, Source, Value};
pub use cypher::{to_cypher, Dialect};
pub use parquet::to_parquet;
pub use spark_sql::{to_spark_sql, SparkQuery, When};
pub use toml_files::to_toml;

#[derive(Serialize)]
struct JsonDataset<'a> {
    layers: &'a [Layer],
    kinds: Vec<JsonKind<'a>>,
    relations: &'a [Relation],
    domains: &'a [Domain],
    /// What dated observations measure; left out when there are none.
    #[serde(skip_serializing_if = "<[Metric]>::is_empty")]
    metrics: &'a [Metric],
    sources: Vec<&'a Source>,
    nodes: Vec<&'a Node>,
    edges: Vec<JsonEdge<'a>>,
    /// Dated rental prices; left out when there are none.
    #[serde(skip_serializing_if = "<[Price]>::is_empty")]
    prices: &'a [Price],
    /// Dated observations of nodes' metrics; left out when there are none.
    #[serde(skip_serializing_if = "<[Observation]>::is_empty")]
    observations: &'a [Observation],
}

#[derive(Serialize)]
struct JsonKind<'a> {
    id: &'a str,
    shape: &'a str,
    description: &'a str,
    props: std::collections::BTreeMap<&'a str, &'static str>,
    lifecycle: &'static str,
    start_label: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    from: &'a str,
    to: &'a str,
    #[serde(flatten)]
    edge: &'a Edge,
}

/// `s` between `quote`s, with the quote and the backslash escaped by a backslash and, when
/// `controls`, newline, tab and carriage return as `\n`, `\t`, `\r` and every other control
/// character as `\uXXXX`: a TOML basic string (`"`) or a Cypher string literal (`'`; Kùzu's
/// literals take control characters as they are).
pub(crate) fn quoted(s: &str, quote: char, controls: bool) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            c if c == quote || c == '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if !controls => out.push(c),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// The dataset as one pretty-printed JSON document.
pub fn to_json(d: &Dataset) -> String {
    let doc = JsonDataset {
        layers: &d.schema.layers,
        kinds: d
            .schema
            .kinds
            .iter()
            .map(|k| JsonKind {
                id: &k.id,
                shape: &k.shape,
                description: &k.description,
                props: k.props.iter().map(|(p, t)| (p.as_str(), t.name())).collect(),
                lifecycle: k.lifecycle.name(),
                start_label: k.start_label.as_deref(),
            })
            .collect(),
        relations: &d.schema.relations,
        domains: &d.schema.domains,
        metrics: &d.schema.metrics,
        sources: d.sources.values().collect(),
        nodes: d.nodes.iter().collect(),
        edges: d
            .edges
            .iter()
            .map(|e| JsonEdge { from: &d.nodes[e.from].id.0, to: &d.nodes[e.to].id.0, edge: e })
            .collect(),
        prices: &d.prices,
        observations: &d.observations,
    };
    // Every value is a string, a finite number, a bool or a container of them: cannot fail.
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// The type of a property column, unified over every kind (or edge) that has the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColType {
    Int,
    Float,
    Bool,
    Str,
    StrList,
}

impl ColType {
    fn neo4j(self) -> &'static str {
        match self {
            ColType::Int => "long",
            ColType::Float => "double",
            ColType::Bool => "boolean",
            ColType::Str => "string",
            ColType::StrList => "string[]",
        }
    }

    fn graphml(self) -> &'static str {
        match self {
            ColType::Int => "long",
            ColType::Float => "double",
            ColType::Bool => "boolean",
            ColType::Str | ColType::StrList => "string",
        }
    }

    fn of(v: &Value) -> ColType {
        match v {
            Value::Int(_) => ColType::Int,
            Value::Float(_) => ColType::Float,
            Value::Bool(_) => ColType::Bool,
            Value::Str(_) => ColType::Str,
            Value::List(_) => ColType::StrList,
        }
    }

    /// The narrowest type that holds both.
    fn join(self, other: ColType) -> ColType {
        match (self, other) {
            (a, b) if a == b => a,
            (ColType::Int, ColType::Float) | (ColType::Float, ColType::Int) => ColType::Float,
            _ => ColType::Str,
        }
    }
}

/// Property columns of the nodes and of the edges, by name, with unified types.
fn prop_columns(d: &Dataset) -> (BTreeMap<String, ColType>, BTreeMap<String, ColType>) {
    let mut nodes: BTreeMap<String, ColType> = BTreeMap::new();
    for n in &d.nodes {
        for (k, v) in &n.props {
            let t = ColType::of(v);
            nodes.entry(k.clone()).and_modify(|c| *c = c.join(t)).or_insert(t);
        }
    }
    let mut edges: BTreeMap<String, ColType> = BTreeMap::new();
    for e in &d.edges {
        for (k, v) in &e.more().props {
            let t = ColType::of(v);
            edges.entry(k.clone()).and_modify(|c| *c = c.join(t)).or_insert(t);
        }
    }
    (nodes, edges)
}

/// A node's fields as text, in the column order of both flat exports (after the id): kind, then
/// the registry's fields ([`fields::columns`]); lists joined with `;`.
fn node_fields(n: &Node) -> Vec<String> {
    let fields = fields::columns(&fields::NODE[1..]).map(|f| (f.get)(n).text(";"));
    std::iter::once(n.kind.to_string()).chain(fields).collect()
}

/// An edge's fields as text after its endpoints, in export column order: type, then the
/// registry's fields ([`fields::columns`]: the share last); lists joined with `;`.
fn edge_fields(e: &Edge) -> Vec<String> {
    let fields = fields::columns(&fields::EDGE).map(|f| (f.get)(e).text(";"));
    std::iter::once(e.rel.to_string()).chain(fields).collect()
}

/// A property value as text; lists joined with `;` (Neo4j's array delimiter).
/// A property value as the text of a CSV column of type `col`: an integer in a float column is
/// written as the float it reads back as.
fn cell_text(v: &Value, col: ColType) -> String {
    match (col, v) {
        (ColType::Float, Value::Int(i)) => (*i as f64).to_string(),
        _ => text_of(v),
    }
}

fn text_of(v: &Value) -> String {
    match v {
        Value::List(items) => items.iter().map(text_of).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

fn csv_text(rows: Vec<Vec<String>>) -> String {
    let mut w = csv::WriterBuilder::new().flexible(false).from_writer(Vec::new());
    for r in rows {
        // Writing to memory cannot fail; every row has the header's width.
        let _ = w.write_record(&r);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Neo4j admin-import CSV: `nodes.csv` (`:ID`, `:LABEL`, typed property columns), `edges.csv`
/// (`:START_ID`, `:END_ID`, `:TYPE`, …) and `sources.csv`, as (file name, contents). Lists are
/// joined with `;`, Neo4j's array delimiter, so a list item that contains one cannot be
/// exported: the error names the node and the item.
pub fn to_csv(d: &Dataset) -> Result<Vec<(&'static str, String)>, String> {
    for n in &d.nodes {
        let lists = [("aliases", &n.aliases), ("tags", &n.tags)];
        let props = n.props.iter().filter_map(|(k, v)| match v {
            Value::List(items) => Some((k.as_str(), items.iter().map(|i| i.to_string()).collect::<Vec<_>>())),
            _ => None,
        });
        let lists = lists.into_iter().map(|(k, v)| (k, v.clone())).chain(props);
        for (key, items) in lists {
            if let Some(item) = items.iter().find(|i| i.contains(';')) {
                return Err(format!(
                    "node `{}` has {key} item {item:?}, which contains `;`, the CSV list delimiter",
                    n.id
                ));
            }
        }
    }
    let (node_cols, edge_cols) = prop_columns(d);
    // The flat columns: the fields of the model, lists typed for Neo4j's importer.
    let typed = |name: &str, ty| match ty {
        FieldType::Strings => format!("{name}:string[]"),
        FieldType::Number => format!("{name}:double"),
        FieldType::Text | FieldType::Date => name.to_string(),
    };
    let mut nodes = vec![["id:ID".to_string(), ":LABEL".to_string()]
        .into_iter()
        .chain(fields::columns(&fields::NODE[1..]).map(|f| typed(f.name, f.ty)))
        .chain(node_cols.iter().map(|(k, t)| format!("{k}:{}", t.neo4j())))
        .collect::<Vec<_>>()];
    for n in &d.nodes {
        let mut row = vec![n.id.0.clone()];
        row.extend(node_fields(n));
        row.extend(
            // A node property is typed by its kind in the schema, which the import reads: written
            // as it is, an integer in a column that another kind fills with floats reads back.
            node_cols.keys().map(|k| n.props.get(k).map(text_of).unwrap_or_default()),
        );
        nodes.push(row);
    }
    let mut edges = vec![[":START_ID", ":END_ID", ":TYPE"]
        .iter()
        .map(|s| s.to_string())
        .chain(fields::columns(&fields::EDGE).map(|f| typed(f.name, f.ty)))
        .chain(edge_cols.iter().map(|(k, t)| format!("{k}:{}", t.neo4j())))
        .collect::<Vec<_>>()];
    for e in &d.edges {
        let mut row = vec![d.nodes[e.from].id.0.clone(), d.nodes[e.to].id.0.clone()];
        row.extend(edge_fields(e));
        row.extend(
            edge_cols
                .iter()
                .map(|(k, t)| e.more().props.get(k).map(|v| cell_text(v, *t)).unwrap_or_default()),
        );
        edges.push(row);
    }
    let mut sources = vec![["id:ID", "title", "publisher", "url", "via", "date", "retrieved", "kind"]
        .iter()
        .map(|s| s.to_string())
        .collect()];
    for s in d.sources.values() {
        sources.push(vec![
            s.id.0.to_string(),
            s.title.clone(),
            s.publisher.clone().unwrap_or_default(),
            s.url.clone(),
            s.via.clone().unwrap_or_default(),
            s.date.clone().unwrap_or_default(),
            s.retrieved.clone().unwrap_or_default(),
            s.kind.clone(),
        ]);
    }
    let mut files = vec![
        ("nodes.csv", csv_text(nodes)),
        ("edges.csv", csv_text(edges)),
        ("sources.csv", csv_text(sources)),
    ];
    if !d.observations.is_empty() {
        files.push(("observations.csv", observations_csv(d)?));
    }
    Ok(files)
}

/// `observations.csv`: one row per `[[observation]]`, in data order; not a Neo4j import file
/// (observations are not edges), but what makes the CSV export read back as the same dataset.
fn observations_csv(d: &Dataset) -> Result<String, String> {
    let header =
        ["node", "metric", "value:double", "date", "period", "confidence", "sources:string[]", "note"];
    let mut rows = vec![header.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    for o in &d.observations {
        if let Some(s) = o.sources.iter().find(|s| s.0.contains(';')) {
            return Err(format!("an observation of `{}` cites {s:?}, which contains `;`", o.node));
        }
        rows.push(vec![
            o.node.0.clone(),
            o.metric.clone(),
            o.value.to_string(),
            o.date.clone(),
            o.period.clone().unwrap_or_default(),
            o.confidence.clone().unwrap_or_default(),
            o.sources.iter().map(|s| s.0.as_str()).collect::<Vec<_>>().join(";"),
            o.note.clone().unwrap_or_default(),
        ]);
    }
    Ok(csv_text(rows))
}

/// Text escaped for XML content and attribute values.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Parsers turn a raw carriage return into a newline; a reference survives.
            '\r' => out.push_str("&#13;"),
            // XML 1.0 forbids most control characters even as references.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// GraphML that Gephi and yEd read: every field and property as a typed `<data>` attribute;
/// lists joined with `;`.
pub fn to_graphml(d: &Dataset) -> String {
    use std::fmt::Write as _;
    let (node_cols, edge_cols) = prop_columns(d);
    let graphml_type = |ty| if ty == FieldType::Number { "double" } else { "string" };
    let node_fixed: Vec<(&str, &str)> = [("label", "string")]
        .into_iter()
        .chain(fields::columns(&fields::NODE[1..]).map(|f| (f.name, graphml_type(f.ty))))
        .collect();
    let edge_fixed: Vec<(&str, &str)> = [("type", "string")]
        .into_iter()
        .chain(fields::columns(&fields::EDGE).map(|f| (f.name, graphml_type(f.ty))))
        .collect();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n");
    for (k, t) in &node_fixed {
        let _ = writeln!(out, "  <key id=\"n_{k}\" for=\"node\" attr.name=\"{k}\" attr.type=\"{t}\"/>");
    }
    for (k, t) in &node_cols {
        let _ = writeln!(
            out,
            "  <key id=\"n_{0}\" for=\"node\" attr.name=\"{0}\" attr.type=\"{1}\"/>",
            xml(k),
            t.graphml()
        );
    }
    for (k, t) in &edge_fixed {
        let _ = writeln!(out, "  <key id=\"e_{k}\" for=\"edge\" attr.name=\"{k}\" attr.type=\"{t}\"/>");
    }
    for (k, t) in &edge_cols {
        let _ = writeln!(
            out,
            "  <key id=\"e_{0}\" for=\"edge\" attr.name=\"{0}\" attr.type=\"{1}\"/>",
            xml(k),
            t.graphml()
        );
    }
    out.push_str("  <graph id=\"aikg\" edgedefault=\"directed\">\n");
    let data = |out: &mut String, key: String, value: &str| {
        if !value.is_empty() {
            let _ = writeln!(out, "      <data key=\"{key}\">{}</data>", xml(value));
        }
    };
    for n in &d.nodes {
        let _ = writeln!(out, "    <node id=\"{}\">", xml(&n.id.0));
        for ((k, _), v) in node_fixed.iter().zip(node_fields(n)) {
            data(&mut out, format!("n_{k}"), &v);
        }
        for (k, v) in &n.props {
            data(&mut out, format!("n_{}", xml(k)), &text_of(v));
        }
        out.push_str("    </node>\n");
    }
    for (i, e) in d.edges.iter().enumerate() {
        let _ = writeln!(
            out,
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\">",
            xml(&d.nodes[e.from].id.0),
            xml(&d.nodes[e.to].id.0)
        );
        for ((k, _), v) in edge_fixed.iter().zip(edge_fields(e)) {
            data(&mut out, format!("e_{k}"), &v);
        }
        for (k, v) in &e.more().props {
            data(&mut out, format!("e_{}", xml(k)), &text_of(v));
        }
        out.push_str("    </edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}
