//! The dataset as a Cypher script that recreates it in another graph database: one `CREATE` per
//! node and one `MATCH … CREATE` per edge, after what the database needs first. Neo4j and
//! Memgraph get a uniqueness constraint or an index on `id` per label (FalkorDB an index, in its
//! own syntax); Kùzu (and LadybugDB, its fork), whose tables are
//! typed, gets a node table per kind (the schema's property types) and a relationship table per
//! relation (the FROM/TO label pairs the data uses). Labels are node kinds and relationship types
//! are relations, as in aikg's own query language, so saved queries run unchanged.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::{prop_columns, ColType};
use crate::fields::{self, FieldType, FieldValue};
use crate::model::{Dataset, PropType, Value, METRIC_AS_OF_SUFFIX};

/// The database the script is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Neo4j: uniqueness constraints, one `CREATE` per node and edge.
    Neo4j,
    /// Memgraph: indexes on `id`, one `CREATE` per node and edge.
    Memgraph,
    /// Kùzu and LadybugDB: typed node and relationship tables first, in one transaction.
    Kuzu,
    /// FalkorDB: `CREATE INDEX FOR (n:L) ON (n.id)` (FalkorDB reads no `CREATE CONSTRAINT`),
    /// then the nodes of each kind and the edges of each relation and pair of kinds in `UNWIND`
    /// batches of [`BATCH`], one statement per line.
    FalkorDB,
}

/// Nodes or edges per UNWIND statement in the FalkorDB script.
const BATCH: usize = 1000;

/// A node or edge field's Kùzu type: lists of strings, numbers doubles, the rest strings.
fn field_type(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Strings => "STRING[]",
        FieldType::Number => "DOUBLE",
        FieldType::Text | FieldType::Date => "STRING",
    }
}

/// The whole dataset as a Cypher script for `dialect`.
pub fn to_cypher(d: &Dataset, dialect: Dialect) -> String {
    let mut out = String::with_capacity(d.nodes.len() * 300 + d.edges.len() * 200);
    let name = match dialect {
        Dialect::Neo4j => "Neo4j",
        Dialect::Memgraph => "Memgraph",
        Dialect::Kuzu => "Kùzu",
        Dialect::FalkorDB => "FalkorDB",
    };
    let _ = writeln!(
        out,
        "// {} nodes and {} edges for {name}, written by aikg. Labels are node kinds, relationship\n\
         // types are relations; lists are string lists; an absent value is no property.",
        d.nodes.len(),
        d.edges.len()
    );
    let kinds: BTreeSet<&str> = d.nodes.iter().map(|n| n.kind.as_str()).collect();
    let (_, edge_cols) = prop_columns(d);
    match dialect {
        Dialect::Neo4j => {
            for k in &kinds {
                let _ = writeln!(
                    out,
                    "CREATE CONSTRAINT {} IF NOT EXISTS FOR (n:{}) REQUIRE n.id IS UNIQUE;",
                    ident(&format!("{k}_id")),
                    ident(k)
                );
            }
        }
        Dialect::Memgraph => {
            for k in &kinds {
                let _ = writeln!(out, "CREATE INDEX ON :{}(id);", ident(k));
            }
        }
        Dialect::FalkorDB => {
            for k in &kinds {
                let _ = writeln!(out, "CREATE INDEX FOR (n:{}) ON (n.id);", ident(k));
            }
        }
        Dialect::Kuzu => kuzu_tables(&mut out, d, &edge_cols),
    }
    if dialect == Dialect::Kuzu {
        out.push_str("BEGIN TRANSACTION;\n");
    }
    let string = |s: &str| string(s, dialect);
    // FalkorDB parses and plans every statement on one thread, so one statement per node or
    // edge loads a million edges in a quarter of an hour; it gets UNWIND batches instead.
    let mut node_batches: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for n in &d.nodes {
        let fields = fields::NODE.iter().map(|f| (f.name, literal((f.get)(n), dialect)));
        let declared = d.schema.kind(&n.kind).map(|k| &k.props);
        let props = n.props.iter().map(|(k, v)| {
            let ty = declared.and_then(|p| p.get(k)).copied();
            (k.as_str(), Some(node_value(v, ty, dialect)))
        });
        let props = map(fields.chain(props));
        if dialect == Dialect::FalkorDB {
            node_batches.entry(n.kind.as_str()).or_default().push(props);
        } else {
            let _ = writeln!(out, "CREATE (:{} {props});", ident(&n.kind));
        }
    }
    for (kind, maps) in &node_batches {
        for batch in maps.chunks(BATCH) {
            let _ = writeln!(out, "UNWIND [{}] AS p CREATE (n:{}) SET n = p;", batch.join(", "), ident(kind));
        }
    }
    let mut edge_batches: BTreeMap<(&str, &str, &str), Vec<String>> = BTreeMap::new();
    for e in &d.edges {
        let (a, b) = (&d.nodes[e.from], &d.nodes[e.to]);
        let fields = fields::EDGE.iter().map(|f| (f.name, literal((f.get)(e), dialect)));
        let props = e
            .more()
            .props
            .iter()
            .map(|(k, v)| (k.as_str(), Some(edge_value(v, edge_cols.get(k).copied(), dialect))));
        let props = map(fields.chain(props));
        if dialect == Dialect::FalkorDB {
            let key = (e.rel.as_str(), a.kind.as_str(), b.kind.as_str());
            let row = format!("[{}, {}, {props}]", string(&a.id.0), string(&b.id.0));
            edge_batches.entry(key).or_default().push(row);
            continue;
        }
        let _ = writeln!(
            out,
            "MATCH (a:{} {{id: {}}}), (b:{} {{id: {}}}) CREATE (a)-[:{} {props}]->(b);",
            ident(&a.kind),
            string(&a.id.0),
            ident(&b.kind),
            string(&b.id.0),
            ident(&e.rel),
        );
    }
    for ((rel, from, to), rows) in &edge_batches {
        for batch in rows.chunks(BATCH) {
            let _ = writeln!(
                out,
                "UNWIND [{}] AS e MATCH (a:{} {{id: e[0]}}), (b:{} {{id: e[1]}}) CREATE (a)-[r:{}]->(b) SET r = e[2];",
                batch.join(", "),
                ident(from),
                ident(to),
                ident(rel)
            );
        }
    }
    if dialect == Dialect::Kuzu {
        out.push_str("COMMIT;\n");
    }
    out
}

/// Kùzu's tables: a node table per kind in use, a relationship table per relation.
fn kuzu_tables(out: &mut String, d: &Dataset, edge_cols: &BTreeMap<String, ColType>) {
    let kinds_used: BTreeSet<&str> = d.nodes.iter().map(|n| n.kind.as_str()).collect();
    for kind in d.schema.kinds.iter().filter(|k| kinds_used.contains(k.id.as_str())) {
        let mut cols: Vec<String> =
            fields::NODE.iter().map(|f| format!("{} {}", ident(f.name), field_type(f.ty))).collect();
        for (p, ty) in &kind.props {
            if fields::find(&fields::NODE, p).is_none() {
                cols.push(format!("{} {}", ident(p), kuzu_type(*ty)));
            }
        }
        // The metrics the kind may carry: the value standing on the view's day and its date.
        for m in d.schema.metrics.iter().filter(|m| m.kinds.contains(&kind.id)) {
            cols.push(format!("{} DOUBLE", ident(&m.id)));
            cols.push(format!("{} STRING", ident(&format!("{}{METRIC_AS_OF_SUFFIX}", m.id))));
        }
        let _ = writeln!(out, "CREATE NODE TABLE {}({}, PRIMARY KEY(id));", ident(&kind.id), cols.join(", "));
    }
    let mut pairs: BTreeMap<&str, BTreeSet<(&str, &str)>> = BTreeMap::new();
    for e in &d.edges {
        pairs.entry(&e.rel).or_default().insert((&d.nodes[e.from].kind, &d.nodes[e.to].kind));
    }
    let mut cols: Vec<String> =
        fields::EDGE.iter().map(|f| format!("{} {}", ident(f.name), field_type(f.ty))).collect();
    for (p, ty) in edge_cols {
        let t = match ty {
            ColType::Int => "INT64",
            ColType::Float => "DOUBLE",
            ColType::Bool => "BOOLEAN",
            ColType::Str => "STRING",
            ColType::StrList => "STRING[]",
        };
        cols.push(format!("{} {t}", ident(p)));
    }
    for r in &d.schema.relations {
        // A relation with no edges keeps a table, so that queries naming it still bind; Kùzu
        // needs one FROM/TO pair whose tables exist.
        let used: Vec<(&str, &str)> = match pairs.get(r.id.as_str()) {
            Some(p) => p.iter().copied().collect(),
            None => r
                .from
                .iter()
                .flat_map(|f| r.to.iter().map(move |t| (f.as_str(), t.as_str())))
                .filter(|(f, t)| kinds_used.contains(f) && kinds_used.contains(t))
                .take(1)
                .collect(),
        };
        if used.is_empty() {
            continue;
        }
        let from_to: Vec<String> =
            used.iter().map(|(f, t)| format!("FROM {} TO {}", ident(f), ident(t))).collect();
        let _ =
            writeln!(out, "CREATE REL TABLE {}({}, {});", ident(&r.id), from_to.join(", "), cols.join(", "));
    }
}

fn kuzu_type(ty: PropType) -> &'static str {
    match ty {
        PropType::String | PropType::Date => "STRING",
        PropType::Integer => "INT64",
        PropType::Number => "DOUBLE",
        PropType::Boolean => "BOOLEAN",
        PropType::Strings => "STRING[]",
    }
}

/// A node property value, as the type its kind declares.
fn node_value(v: &Value, ty: Option<PropType>, dialect: Dialect) -> String {
    match (ty, v) {
        (Some(PropType::Number), Value::Int(i)) => float(*i as f64),
        _ => value(v, dialect),
    }
}

/// An edge property value, as the type of its column (one type per key over all edges).
fn edge_value(v: &Value, col: Option<ColType>, dialect: Dialect) -> String {
    match (col, v) {
        (Some(ColType::Float), Value::Int(i)) => float(*i as f64),
        (Some(ColType::Str), Value::Str(_)) | (Some(ColType::Str), Value::List(_)) => value(v, dialect),
        (Some(ColType::Str), other) => string(&other.to_string(), dialect),
        _ => value(v, dialect),
    }
}

fn value(v: &Value, dialect: Dialect) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(x) => float(*x),
        Value::Str(s) => string(s, dialect),
        Value::List(items) => {
            format!("[{}]", items.iter().map(|i| value(i, dialect)).collect::<Vec<_>>().join(", "))
        }
    }
}

/// A float literal that reads back as the same f64 and is never taken for an integer.
/// A field's value as a literal; `None` when absent.
fn literal(v: FieldValue<'_>, dialect: Dialect) -> Option<String> {
    match v {
        FieldValue::Null => None,
        FieldValue::Text(s) => Some(string(s, dialect)),
        FieldValue::Number(x) => Some(float(x)),
        FieldValue::Strings(l) => Some(list(&mut l.iter(), dialect)),
    }
}

fn float(x: f64) -> String {
    format!("{x:?}")
}

fn list(items: &mut dyn Iterator<Item = &str>, dialect: Dialect) -> String {
    format!("[{}]", items.map(|s| string(s, dialect)).collect::<Vec<_>>().join(", "))
}

/// A map literal of the present fields.
fn map<'a>(fields: impl Iterator<Item = (&'a str, Option<String>)>) -> String {
    let body: Vec<String> = fields.filter_map(|(k, v)| v.map(|v| format!("{}: {v}", ident(k)))).collect();
    format!("{{{}}}", body.join(", "))
}

/// An identifier: bare when it is a plain word, else in backticks (doubled inside).
fn ident(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !RESERVED.contains(&name.to_ascii_uppercase().as_str());
    if plain {
        name.to_string()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

/// Words that Neo4j, Memgraph or Kùzu reserve, which must be quoted as names.
const RESERVED: &[&str] = &[
    "ALL", "AND", "AS", "ASC", "BY", "CALL", "CASE", "COMMIT", "CONTAINS", "COPY", "COUNT", "CREATE", "DATE",
    "DELETE", "DESC", "DETACH", "DISTINCT", "DROP", "ELSE", "END", "ENDS", "EXISTS", "FALSE", "FROM",
    "GROUP", "IN", "INDEX", "IS", "KEY", "LIMIT", "MATCH", "MERGE", "NODE", "NOT", "NULL", "ON", "OPTIONAL",
    "OR", "ORDER", "PRIMARY", "REL", "REMOVE", "RETURN", "ROUND", "SET", "SKIP", "STARTS", "TABLE", "THEN",
    "TO", "TRUE", "UNION", "UNWIND", "WHEN", "WHERE", "WITH", "XOR", "YIELD",
];

/// A single-quoted string literal. Neo4j and Memgraph read backslash escapes for control
/// characters; Kùzu 0.11 reads only `\\` and `\'` and takes other characters as they are, so
/// for Kùzu control characters are written raw (inside the quotes, a newline is just text).
fn string(s: &str, dialect: Dialect) -> String {
    super::quoted(s, '\'', dialect != Dialect::Kuzu)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_names() {
        assert_eq!(string("it's a \\ \"q\"\n", Dialect::Neo4j), "'it\\'s a \\\\ \"q\"\\n'");
        assert_eq!(string("a\tb\n", Dialect::Kuzu), "'a\tb\n'");
        assert_eq!(ident("Company"), "Company");
        assert_eq!(ident("round"), "`round`");
        assert_eq!(ident("a`b c"), "`a``b c`");
        assert_eq!(float(989.0), "989.0");
        assert_eq!(float(1.5e-7), "1.5e-7");
    }
}
