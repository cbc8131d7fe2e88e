//! The read-only Cypher dialect: text -> tokens -> syntax tree -> checks -> rows.
//!
//! Labels are node kinds, relationship types are relation ids, properties are the node and edge
//! fields plus their `props`. Differences from openCypher are listed in docs/queries.md.

mod ast;
mod check;
mod exec;
mod lexer;
mod parser;
mod value;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use crate::graph::KnowledgeGraph;
use crate::model::{EdgeIx, NodeIx};
use crate::table::{Cell, Structured, Table};
pub use value::Val;

/// A query error pointing at a span of the query text.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryError {
    pub(crate) span: Range<usize>,
    /// What is wrong.
    pub message: String,
    pub(crate) help: Option<String>,
}

impl QueryError {
    pub(crate) fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        QueryError { span, message: message.into(), help: None }
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// As a located diagnostic, for rendering against the query text.
    pub fn diagnostic(&self) -> crate::diag::Diagnostic {
        let d = crate::diag::Diagnostic::error(0, self.span.clone(), self.message.clone());
        match &self.help {
            Some(h) => d.with_help(h.clone()),
            None => d,
        }
    }
}

/// Parses, checks and runs a query; returns its result as a table.
pub fn run(
    g: &KnowledgeGraph,
    text: &str,
    params: &BTreeMap<String, Val>,
    timeout: Option<std::time::Duration>,
) -> Result<Table, QueryError> {
    let (columns, rows) = run_values(g, text, params, timeout)?;
    let mut t = Table { columns, rows: Vec::new() };
    for row in rows {
        t.rows.push(row.iter().map(|v| cell(g, v)).collect());
    }
    Ok(t)
}

/// Parses, checks and runs a query; returns the column names and the rows of values.
pub fn run_values(
    g: &KnowledgeGraph,
    text: &str,
    params: &BTreeMap<String, Val>,
    timeout: Option<std::time::Duration>,
) -> Result<(Vec<String>, Vec<Vec<Val>>), QueryError> {
    let tokens = lexer::lex(text)?;
    let query = parser::parse(text, tokens)?;
    check::check(g, &query, params)?;
    let exec = exec::Exec::new(g, params);
    match timeout {
        Some(t) => exec.with_timeout(t).run(&query),
        None => exec.run(&query),
    }
}

/// Every node and relationship a result mentions (directly, in lists or in paths).
pub fn mentioned(rows: &[Vec<Val>]) -> (BTreeSet<NodeIx>, BTreeSet<EdgeIx>) {
    fn walk(v: &Val, nodes: &mut BTreeSet<NodeIx>, edges: &mut BTreeSet<EdgeIx>) {
        match v {
            Val::Node(n) => {
                nodes.insert(*n);
            }
            Val::Rel(e) => {
                edges.insert(*e);
            }
            Val::Path(ns, es) => {
                nodes.extend(ns);
                edges.extend(es);
            }
            Val::List(items) => items.iter().for_each(|i| walk(i, nodes, edges)),
            Val::Map(m) => m.values().for_each(|i| walk(i, nodes, edges)),
            _ => {}
        }
    }
    let (mut nodes, mut edges) = (BTreeSet::new(), BTreeSet::new());
    rows.iter().flatten().for_each(|v| walk(v, &mut nodes, &mut edges));
    (nodes, edges)
}

/// Parses a `--param` value: a literal (number, 'string', "string", true, false, null or a list
/// of literals), or else the raw text as a string.
pub fn parse_param(text: &str) -> Val {
    let literal = lexer::lex(text).ok().and_then(|toks| {
        let mut p = parser::Parser::new(text, toks);
        let e = p.expr().ok()?;
        p.at_end().then_some(e)
    });
    literal.and_then(|e| literal_value(&e)).unwrap_or_else(|| Val::Str(text.to_string()))
}

fn literal_value(e: &ast::Expr) -> Option<Val> {
    match &e.kind {
        ast::ExprKind::Lit(v) => Some(v.clone()),
        ast::ExprKind::List(items) => {
            items.iter().map(literal_value).collect::<Option<Vec<_>>>().map(Val::List)
        }
        _ => None,
    }
}

/// How a value prints in a table: nodes by id, relationships as `from-[TYPE]->to`, paths as
/// the ids and relationships along them in tables and CSV, and as their nodes and relationships
/// (see [`path_value`]) in JSON.
fn cell(g: &KnowledgeGraph, v: &Val) -> Cell {
    match v {
        Val::Null => Cell::Null,
        Val::Bool(b) => Cell::Bool(*b),
        Val::Int(i) => Cell::Int(*i),
        Val::Float(f) => Cell::Float(*f),
        Val::Str(s) => Cell::Str(s.clone()),
        Val::List(items) => Cell::List(items.iter().map(|i| cell(g, i)).collect()),
        Val::Map(m) => Cell::Map(m.iter().map(|(k, v)| (k.clone(), cell(g, v))).collect()),
        Val::Node(n) => Cell::Str(g.node(*n).id.0.clone()),
        Val::Rel(e) => Cell::Str(rel_text(g, *e)),
        Val::Path(nodes, edges) => Cell::Structured(Structured {
            text: path_text(g, nodes, edges),
            value: Box::new(path_value(g, nodes, edges)),
        }),
    }
}

/// A path as the ids and relationships along it: `a-[T]->b<-[U]-c`.
fn path_text(g: &KnowledgeGraph, nodes: &[NodeIx], edges: &[EdgeIx]) -> String {
    let mut s = g.node(nodes[0]).id.0.clone();
    for (i, e) in edges.iter().enumerate() {
        let edge = g.edge(*e);
        let next = nodes.get(i + 1).copied().unwrap_or(edge.to);
        if edge.to == next {
            s.push_str(&format!("-[{}]->{}", edge.rel, g.node(next).id));
        } else {
            s.push_str(&format!("<-[{}]-{}", edge.rel, g.node(next).id));
        }
    }
    s
}

/// A path as Neo4j's and Kùzu's drivers return one: its nodes in walking order, each with its id
/// (`id(n)`), labels and properties (`properties(n)`), and its relationships, each with its id
/// (`id(r)`), type, start and end node ids (the edge's own direction) and properties.
fn path_value(g: &KnowledgeGraph, nodes: &[NodeIx], edges: &[EdgeIx]) -> Cell {
    let props =
        |m: BTreeMap<String, Val>| Cell::Map(m.iter().map(|(k, v)| (k.clone(), cell(g, v))).collect());
    let node = |n: &NodeIx| {
        let node = g.node(*n);
        Cell::Map(BTreeMap::from([
            ("id".to_string(), Cell::Str(node.id.0.clone())),
            ("labels".to_string(), Cell::List(vec![Cell::Str(node.kind.to_string())])),
            ("properties".to_string(), props(exec::node_props(g, *n))),
        ]))
    };
    let rel = |e: &EdgeIx| {
        let edge = g.edge(*e);
        Cell::Map(BTreeMap::from([
            ("id".to_string(), Cell::Int(*e as i64)),
            ("type".to_string(), Cell::Str(edge.rel.to_string())),
            ("start".to_string(), Cell::Str(g.node(edge.from).id.0.clone())),
            ("end".to_string(), Cell::Str(g.node(edge.to).id.0.clone())),
            ("properties".to_string(), props(exec::rel_props(g, *e))),
        ]))
    };
    Cell::Map(BTreeMap::from([
        ("nodes".to_string(), Cell::List(nodes.iter().map(node).collect())),
        ("relationships".to_string(), Cell::List(edges.iter().map(rel).collect())),
    ]))
}

fn rel_text(g: &KnowledgeGraph, e: usize) -> String {
    let edge = g.edge(e);
    format!("{}-[{}]->{}", g.node(edge.from).id, edge.rel, g.node(edge.to).id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mini() -> KnowledgeGraph {
        crate::testing::mini()
    }

    /// The rows of a query, each cell as its table text.
    fn rows(q: &str) -> Vec<Vec<String>> {
        let t = run(&mini(), q, &BTreeMap::new(), None).unwrap_or_else(|e| panic!("{q}: {e:?}"));
        t.rows.iter().map(|r| r.iter().map(Cell::text).collect()).collect()
    }

    fn error(q: &str) -> QueryError {
        run(&mini(), q, &BTreeMap::new(), None).expect_err(q)
    }

    #[test]
    fn case_simple_and_generic() {
        let q = "MATCH (n) RETURN n.id, CASE n.layer WHEN 1 THEN 'x' END,
                 CASE labels(n)[0] WHEN 'Chip' THEN 'chip' WHEN 'Company' THEN 'firm' ELSE 'other' END,
                 CASE WHEN n.memory_gb > 64 THEN 'big' WHEN n.founded IS NOT NULL THEN 'old' END
                 ORDER BY n.id";
        let want = [["fabco", "", "firm", "old"], ["gpunet", "", "other", ""], ["x1", "", "chip", "big"]];
        assert_eq!(rows(q), want.map(|r| r.map(String::from).to_vec()).to_vec());
        // A null subject matches no WHEN, not even WHEN null.
        assert_eq!(rows("RETURN CASE null WHEN null THEN 1 ELSE 2 END"), [["2"]]);
        // Aggregates inside CASE are computed over the group.
        assert_eq!(rows("MATCH (n) RETURN CASE WHEN count(*) > 2 THEN 'many' ELSE 'few' END"), [["many"]]);
    }

    #[test]
    fn list_comprehensions() {
        assert_eq!(rows("RETURN [x IN [1, 2, 3, null] WHERE x > 1 | x * 10]"), [["20, 30"]]);
        assert_eq!(
            rows("RETURN [x IN [1, 2] | [x, x]], [x IN [] | x], [x IN null | x]"),
            [["1, 1, 2, 2", "", ""]]
        );
        assert_eq!(rows("MATCH (n) RETURN [i IN collect(n.id) WHERE i <> 'x1'] AS ids"), [["fabco, gpunet"]]);
        // The variable is local: an outer one of the same name is shadowed, then visible again.
        assert_eq!(rows("UNWIND [7] AS x RETURN [x IN [1] | x], x"), [["1", "7"]]);
        assert_eq!(error("RETURN [x IN 3 | x]").span, 13..14);
        assert_eq!(error("RETURN [x IN [1] | y]").message, "unknown variable `y`");
        assert!(error("RETURN [x IN [1] | count(x)]").message.contains("only allowed"));
    }

    #[test]
    fn keys_and_properties() {
        assert_eq!(
            rows("MATCH (n {id: 'fabco'}) RETURN keys(n), properties(n).ticker, properties(n)['founded']"),
            [["aliases, founded, id, layer, name, segment, sources, tags, ticker", "FAB", "1987"]]
        );
        assert_eq!(
            rows("MATCH ()-[r:USES]->() RETURN keys(r), properties(r)"),
            [["sources", "{sources: [example-fab]}"]]
        );
        assert_eq!(rows("RETURN keys(null), properties(null)"), [["", ""]]);
        assert!(error("RETURN keys(1)").message.contains("does not take a integer"));
    }

    #[test]
    fn counts_without_rows_agree_with_counting_rows() {
        // `WITH *` between MATCH and RETURN makes the executor build every row and group them.
        for m in [
            "MATCH (a), (b), (c)",
            "MATCH (a)-->(b), (c)",
            "MATCH ()-[r]->(), ()-[s]->()",
            "MATCH (a)-[*0..3]-(b), (c:Chip)",
            "MATCH (c)-->()<--(c)",
            "MATCH (a)-[r]-(b) WHERE a.id < b.id",
            "MATCH (a), (b) WHERE a.id = 'fabco' AND b.id <> a.id",
            "MATCH (a)-->(b) WHERE a.founded > 1900 AND labels(b) = ['Chip']",
            "MATCH p = shortestPath((a)-[*..3]-(b)) WHERE a.id = 'fabco' AND b.id = 'gpunet'",
            "MATCH (a {id: 'none'}), (b)",
        ] {
            let counted = rows(&format!("{m} RETURN count(*), count(*) AS n"));
            let built = rows(&format!("{m} WITH * RETURN count(*), count(*) AS n"));
            assert_eq!(counted, built, "{m}");
        }
        assert_eq!(rows("MATCH (a), (b), (c) RETURN count(*)"), [["27"]]);
        assert_eq!(rows("MATCH ()-[r]->(), ()-[s]->() RETURN count(r)"), [["2"]]);
        assert_eq!(rows("UNWIND [1, 2] AS x MATCH (a), (b) RETURN count(a)"), [["18"]]);
    }

    #[test]
    fn counts_without_rows_agree_on_a_generated_graph() {
        let g = KnowledgeGraph::new(crate::gen::generate(&mini().dataset, 60, 240, 3).expect("small enough"));
        let count =
            |q: &str| run(&g, q, &BTreeMap::new(), None).unwrap_or_else(|e| panic!("{q}: {e:?}")).rows;
        for m in [
            "MATCH (a)-->(b)-->(c)",
            "MATCH (a)--(b)--(c)",
            "MATCH (a)<--(b)-->(a)",
            "MATCH (a:Chip)<-[r]-(b)-[s]->(c:Company)",
            "MATCH (a)-[*1..2]->(b)<--(c)",
            "MATCH (a)-->(b), (c)-->(d)",
            "MATCH (a)-->(b) WHERE a.id < b.id",
        ] {
            let counted = count(&format!("{m} RETURN count(*)"));
            let built = count(&format!("{m} WITH * RETURN count(*)"));
            assert_eq!(counted, built, "{m}");
        }
    }

    #[test]
    fn where_conjuncts_on_one_node_narrow_the_ends_of_a_shortest_path() {
        // Without pushing `a.name = …` into the ends this would test every pair of nodes.
        let q = "MATCH p = shortestPath((a)-[*..5]-(b)) WHERE a.name = 'FabCo' AND b.name = 'GPU Net'
                 RETURN length(p), [n IN nodes(p) | n.id]";
        assert_eq!(rows(q), [["2", "fabco, x1, gpunet"]]);
        // A conjunct that reads both ends stays a filter on the whole match.
        let q = "MATCH (a)-->(b) WHERE a.id <> b.id AND a.id = 'fabco' RETURN b.id";
        assert_eq!(rows(q), [["x1"]]);
    }

    #[test]
    fn pattern_predicates_and_exists() {
        let q = "MATCH (n) WHERE (n)-[:MANUFACTURES]->(:Chip) RETURN n.id";
        assert_eq!(rows(q), [["fabco"]]);
        let q = "MATCH (n) WHERE NOT (n)--() RETURN n.id";
        assert!(rows(q).is_empty());
        let q = "MATCH (c:Chip) RETURN EXISTS { MATCH (c)<-[:USES]-(p) WHERE p.segment = 'compute' },
                 EXISTS { (c)<-[:USES]-(p) WHERE p.segment = 'storage' }, (c)-->()";
        assert_eq!(rows(q), [["true", "false", "false"]]);
        // Nested: a pattern predicate inside a subquery's WHERE sees the subquery's variables.
        let q = "MATCH (c:Chip) RETURN EXISTS { MATCH (c)<-[:USES]-(p) WHERE NOT (p)-[:USES]->(:Company) },
                 EXISTS { MATCH (c)<-[:USES]-(p) WHERE (p)-[:USES]->(c) AND NOT (c)<-[:MANUFACTURES]-() }";
        assert_eq!(rows(q), [["true", "false"]]);
        // The subquery may reuse a relationship the outer MATCH bound.
        assert_eq!(rows("MATCH (a)-[r]->(b) WHERE (a)-->(b) RETURN count(*)"), [["2"]]);
        // A null outer variable makes the predicate null.
        let q = "OPTIONAL MATCH (n:Chip {id: 'none'}) RETURN (n)-->() IS NULL";
        assert_eq!(rows(q), [["true"]]);
        // `(a) - 1` is still arithmetic.
        assert_eq!(rows("WITH 3 AS a RETURN (a) - 1, (a)-(1)"), [["2", "2"]]);
        assert_eq!(
            error("MATCH (n) WHERE (n)-[:NOPE]->() RETURN n").message,
            "unknown relationship type `NOPE`"
        );
        assert_eq!(error("MATCH (n) WHERE EXISTS { MATCH (n)-->(m) RETURN m } RETURN n").span, 41..47);
    }
}
