//! Differential testing of the query executor (issue 8).
//!
//! Random small graphs and random queries from a grammar of the dialect's MATCH / WHERE / RETURN
//! core run through the real executor ([`aikg::query::run_values`]) and through a deliberately
//! naive reference matcher written here, and the two must return the same rows as multisets.
//!
//! The reference knows nothing of the executor's planning: for every pattern it tries every node
//! for the first position and every trail (no edge twice) of the right length from there, left
//! to right, and keeps an assignment when labels, types, directions, inline properties, variable
//! bindings and relationship isomorphism (no edge twice in one MATCH) hold. Then it evaluates
//! WHERE with Cypher's three-valued logic and projects, groups, counts and deduplicates.
//!
//! The grammar: one or two MATCH clauses (either may be OPTIONAL), each with one or two
//! comma-separated patterns over the node variables `a`, `b`, `c` (and anonymous nodes), at most
//! two relationships per clause; labels, label alternatives `:A|B` and conjunctions `:A:B`;
//! types and type alternatives; `->`, `<-` and undirected; fixed or variable length (`*`, `*N`,
//! `*N..M`, `*..M`, `*N..`, including zero hops); inline properties on nodes (`{v: 3}`,
//! `{id: 'n2'}`) and relationships (`{w: 1}`); relationship and path variables, and a
//! relationship variable of the first clause named again in the second; WHERE with comparisons
//! of properties, literals and nulls (of one type or mixed), node equality, `IN` lists,
//! `IS [NOT] NULL`, `AND`, `OR`, `XOR`, `NOT`; RETURN of ids, properties, nodes, relationships,
//! relationship lists, paths, `nodes(p)`, `relationships(p)`, `length(p)`, optionally
//! `DISTINCT`, grouped `count(*)` or `count([DISTINCT] x.v)`, and `SKIP` / `LIMIT` (then the
//! executor's rows must be a sub-multiset of the reference's, of the right size).
//!
//! Graphs: 1-7 nodes of 2-3 kinds with an optional integer `v`, 0-12 edges of 2-3 types with an
//! optional integer `w`, parallel edges included, loaded through the real loader from TOML text.
//!
//! 500 cases run by default (about a second); `PROPTEST_CASES=50000 cargo test --test it
//! differential::` searches longer. A failure is saved to `tests/differential.proptest-regressions`
//! and replayed first on the next run; the regressions the test found are kept as plain tests at
//! the end of this file.

use std::collections::{BTreeMap, BTreeSet};

use aikg::query::Val;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const KINDS: [&str; 3] = ["Alpha", "Beta", "Gamma"];
const RELS: [&str; 3] = ["LINKS", "FEEDS", "OWNS"];
const NODE_VARS: [&str; 3] = ["a", "b", "c"];

// ----------------------------------------------------------------------------------------------
// Graphs

#[derive(Debug, Clone)]
struct Graph {
    kinds: usize,
    rels: usize,
    /// Kind and the integer property `v` (declared in every kind) of node `n{i}`.
    nodes: Vec<(usize, Option<i64>)>,
    edges: Vec<Edge>,
}

#[derive(Debug, Clone)]
struct Edge {
    from: usize,
    to: usize,
    rel: usize,
    /// A free integer property.
    w: Option<i64>,
    /// A parallel edge of the same type needs its own `as_of`.
    dated: bool,
}

impl Graph {
    fn has_w(&self) -> bool {
        self.edges.iter().any(|e| e.w.is_some())
    }

    fn files(&self) -> Vec<(String, String)> {
        let kinds = &KINDS[..self.kinds];
        let list = kinds.iter().map(|k| format!("{k:?}")).collect::<Vec<_>>().join(", ");
        let mut schema = String::from("[[layer]]\nid = \"l\"\nname = \"L\"\ncolor = \"#ffffff\"\n\n");
        for k in kinds {
            schema.push_str(&format!(
                "[[kind]]\nid = {k:?}\nshape = \"box\"\nprops = {{ v = \"integer\" }}\n\n"
            ));
        }
        for r in &RELS[..self.rels] {
            schema.push_str(&format!(
                "[[relation]]\nid = {r:?}\nfrom = [{list}]\nto = [{list}]\nstyle = \"solid\"\n\n"
            ));
        }
        let sources =
            "[[source]]\nid = \"s\"\ntitle = \"S\"\nurl = \"https://example.com/s\"\ndate = \"2024\"\nkind = \"news\"\n";
        vec![
            ("schema.toml".into(), schema),
            ("sources.toml".into(), sources.into()),
            ("graph.toml".into(), self.layer_file()),
        ]
    }

    fn layer_file(&self) -> String {
        let mut text = String::new();
        for (i, (kind, v)) in self.nodes.iter().enumerate() {
            text.push_str(&format!(
                "[[node]]\nid = \"n{i}\"\nkind = {:?}\nlayer = \"l\"\nname = \"N{i}\"\nsources = [\"s\"]\n",
                KINDS[*kind]
            ));
            if let Some(v) = v {
                text.push_str(&format!("props = {{ v = {v} }}\n"));
            }
            text.push('\n');
        }
        for e in &self.edges {
            text.push_str(&format!(
                "[[edge]]\nfrom = \"n{}\"\nto = \"n{}\"\nrel = {:?}\nsources = [\"s\"]\n",
                e.from, e.to, RELS[e.rel]
            ));
            if e.dated {
                text.push_str("as_of = \"2024\"\n");
            }
            if let Some(w) = e.w {
                text.push_str(&format!("props = {{ w = {w} }}\n"));
            }
            text.push('\n');
        }
        text
    }

    fn load(&self) -> aikg::graph::KnowledgeGraph {
        let texts = aikg::diag::Texts { files: self.files() };
        let loaded = aikg::load::load(&texts).unwrap_or_else(|e| panic!("generated data rejected: {e:?}"));
        aikg::graph::KnowledgeGraph::new(loaded.dataset)
    }
}

/// 1-7 nodes of 2-3 kinds, 0-12 edges of 2-3 types, no self-loops and no duplicate edges (a
/// parallel edge of the same type carries an `as_of`, as the loader requires).
fn graph() -> impl Strategy<Value = Graph> {
    (
        2..=3usize,
        2..=3usize,
        prop_oneof![1 => 1..=2usize, 5 => 3..=7usize]
            .prop_flat_map(|n| vec((0..3usize, option::weighted(0.75, 0..4i64)), n)),
        prop_oneof![1 => 0..=3usize, 5 => 4..=12usize].prop_flat_map(|n| {
            vec(
                (0..7usize, 0..7usize, 0..3usize, option::weighted(0.5, 0..4i64), prop::bool::weighted(0.2)),
                n,
            )
        }),
    )
        .prop_map(|(kinds, rels, nodes, raw)| {
            let nodes: Vec<(usize, Option<i64>)> = nodes.into_iter().map(|(k, v)| (k % kinds, v)).collect();
            let n = nodes.len();
            let mut edges: Vec<Edge> = Vec::new();
            for (from, step, rel, w, dated) in raw {
                if n == 1 {
                    break;
                }
                // `to` is never `from`.
                let (from, rel) = (from % n, rel % rels);
                let to = (from + 1 + step % (n - 1)) % n;
                let clash = edges.iter().any(|e| (e.from, e.to, e.rel, e.dated) == (from, to, rel, dated));
                if !clash {
                    edges.push(Edge { from, to, rel, w, dated });
                }
            }
            Graph { kinds, rels, nodes, edges }
        })
}

// ----------------------------------------------------------------------------------------------
// Queries: the concrete syntax tree shared by the printer and the reference

#[derive(Debug, Clone, Copy, PartialEq)]
enum Dir {
    Right,
    Left,
    Either,
}

#[derive(Debug, Clone)]
enum Lit {
    Int(i64),
    Str(String),
}

#[derive(Debug, Clone)]
struct NodeP {
    var: Option<String>,
    labels: Vec<String>,
    /// `:A:B` (every label) rather than `:A|B` (any label).
    conj: bool,
    props: Vec<(String, Lit)>,
}

#[derive(Debug, Clone)]
struct RelP {
    var: Option<String>,
    types: Vec<String>,
    dir: Dir,
    /// The written form and its (min, max) hops, for a variable-length relationship.
    hops: Option<(&'static str, usize, usize)>,
    props: Vec<(String, i64)>,
}

#[derive(Debug, Clone)]
struct Pat {
    path: Option<String>,
    nodes: Vec<NodeP>,
    rels: Vec<RelP>,
}

#[derive(Debug, Clone)]
struct Clause {
    optional: bool,
    patterns: Vec<Pat>,
    filter: Option<Ex>,
}

#[derive(Debug, Clone)]
enum Ex {
    Prop(String, String),
    Var(String),
    Int(i64),
    Str(String),
    Null,
    Cmp(&'static str, Box<Ex>, Box<Ex>),
    And(Box<Ex>, Box<Ex>),
    Or(Box<Ex>, Box<Ex>),
    Xor(Box<Ex>, Box<Ex>),
    Not(Box<Ex>),
    IsNull(Box<Ex>, bool),
    In(Box<Ex>, Vec<Option<i64>>),
}

#[derive(Debug, Clone)]
enum Item {
    /// A property, a variable, or `f(variable)` for `nodes`, `relationships`, `length`.
    Expr(Ex),
    Call(&'static str, String),
    CountStar,
    /// `count([DISTINCT] e)`.
    Count(Ex, bool),
}

#[derive(Debug, Clone)]
struct Ret {
    distinct: bool,
    items: Vec<Item>,
    skip: Option<usize>,
    limit: Option<usize>,
}

#[derive(Debug, Clone)]
struct Query {
    clauses: Vec<Clause>,
    ret: Ret,
}

// ----------------------------------------------------------------------------------------------
// Printing

fn lit_text(l: &Lit) -> String {
    match l {
        Lit::Int(i) => i.to_string(),
        Lit::Str(s) => format!("'{s}'"),
    }
}

fn node_text(n: &NodeP) -> String {
    let mut s = String::from("(");
    s.push_str(n.var.as_deref().unwrap_or(""));
    if !n.labels.is_empty() {
        s.push(':');
        s.push_str(&n.labels.join(if n.conj { ":" } else { "|" }));
    }
    if !n.props.is_empty() {
        let props: Vec<String> = n.props.iter().map(|(k, v)| format!("{k}: {}", lit_text(v))).collect();
        s.push_str(&format!(" {{{}}}", props.join(", ")));
    }
    s.push(')');
    s
}

fn rel_text(r: &RelP) -> String {
    let mut body = String::new();
    body.push_str(r.var.as_deref().unwrap_or(""));
    if !r.types.is_empty() {
        body.push(':');
        body.push_str(&r.types.join("|"));
    }
    if let Some((text, _, _)) = r.hops {
        body.push_str(text);
    }
    if !r.props.is_empty() {
        let props: Vec<String> = r.props.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        body.push_str(&format!(" {{{}}}", props.join(", ")));
    }
    let body = if body.is_empty() { String::new() } else { format!("[{body}]") };
    match r.dir {
        Dir::Right => format!("-{body}->"),
        Dir::Left => format!("<-{body}-"),
        Dir::Either => format!("-{body}-"),
    }
}

fn pat_text(p: &Pat) -> String {
    let mut s = p.path.as_ref().map_or(String::new(), |v| format!("{v} = "));
    s.push_str(&node_text(&p.nodes[0]));
    for (r, n) in p.rels.iter().zip(&p.nodes[1..]) {
        s.push_str(&rel_text(r));
        s.push_str(&node_text(n));
    }
    s
}

fn ex_text(e: &Ex) -> String {
    match e {
        Ex::Prop(v, k) => format!("{v}.{k}"),
        Ex::Var(v) => v.clone(),
        Ex::Int(i) => i.to_string(),
        Ex::Str(s) => format!("'{s}'"),
        Ex::Null => "null".into(),
        Ex::Cmp(op, a, b) => format!("{} {op} {}", ex_text(a), ex_text(b)),
        Ex::And(a, b) => format!("({} AND {})", ex_text(a), ex_text(b)),
        Ex::Or(a, b) => format!("({} OR {})", ex_text(a), ex_text(b)),
        Ex::Xor(a, b) => format!("({} XOR {})", ex_text(a), ex_text(b)),
        Ex::Not(a) => format!("NOT ({})", ex_text(a)),
        Ex::IsNull(a, false) => format!("{} IS NULL", ex_text(a)),
        Ex::IsNull(a, true) => format!("{} IS NOT NULL", ex_text(a)),
        Ex::In(a, list) => {
            let items: Vec<String> =
                list.iter().map(|i| i.map_or("null".to_string(), |i| i.to_string())).collect();
            format!("{} IN [{}]", ex_text(a), items.join(", "))
        }
    }
}

fn item_text(i: &Item) -> String {
    match i {
        Item::Expr(e) => ex_text(e),
        Item::Call(f, v) => format!("{f}({v})"),
        Item::CountStar => "count(*)".into(),
        Item::Count(e, false) => format!("count({})", ex_text(e)),
        Item::Count(e, true) => format!("count(DISTINCT {})", ex_text(e)),
    }
}

fn query_text(q: &Query) -> String {
    let mut s = String::new();
    for c in &q.clauses {
        s.push_str(if c.optional { "OPTIONAL MATCH " } else { "MATCH " });
        s.push_str(&c.patterns.iter().map(pat_text).collect::<Vec<_>>().join(", "));
        if let Some(f) = &c.filter {
            s.push_str(&format!(" WHERE {}", ex_text(f)));
        }
        s.push('\n');
    }
    s.push_str("RETURN ");
    if q.ret.distinct {
        s.push_str("DISTINCT ");
    }
    s.push_str(&q.ret.items.iter().map(item_text).collect::<Vec<_>>().join(", "));
    if let Some(n) = q.ret.skip {
        s.push_str(&format!(" SKIP {n}"));
    }
    if let Some(n) = q.ret.limit {
        s.push_str(&format!(" LIMIT {n}"));
    }
    s
}

// ----------------------------------------------------------------------------------------------
// Generation: raw choices (indices into whatever is in scope), resolved against the graph

#[derive(Debug, Clone)]
enum RawNodeProp {
    V(i64),
    Id(usize),
}

#[derive(Debug, Clone)]
struct RawNode {
    var: Option<usize>,
    /// Keep labels and properties on a variable that is already bound (`(a:A)-->(a:A)`).
    restate: bool,
    labels: Vec<usize>,
    conj: bool,
    prop: Option<RawNodeProp>,
}

#[derive(Debug, Clone)]
struct RawRel {
    named: bool,
    /// Name a relationship variable of an earlier clause instead (the same relationship).
    reuse: Option<usize>,
    types: Vec<usize>,
    dir: u8,
    hops: Option<u8>,
    w: Option<i64>,
}

#[derive(Debug, Clone)]
struct RawPat {
    path: bool,
    first: RawNode,
    steps: Vec<(RawRel, RawNode)>,
}

#[derive(Debug, Clone)]
struct RawClause {
    optional: bool,
    patterns: Vec<RawPat>,
    filter: Option<RawEx>,
}

#[derive(Debug, Clone)]
enum RawOperand {
    /// Node variable, property (v, id, w).
    NodeProp(usize, u8),
    /// Single relationship variable, property (w, v).
    RelProp(usize, u8),
    Int(i64),
    Str(usize),
    Null,
}

#[derive(Debug, Clone)]
enum RawEx {
    Cmp(u8, RawOperand, RawOperand),
    IsNull(RawOperand, bool),
    NodeEq(usize, usize, bool),
    In(RawOperand, Vec<Option<i64>>),
    And(Box<RawEx>, Box<RawEx>),
    Or(Box<RawEx>, Box<RawEx>),
    Xor(Box<RawEx>, Box<RawEx>),
    Not(Box<RawEx>),
}

#[derive(Debug, Clone)]
enum RawItem {
    NodeProp(usize, u8),
    Node(usize),
    RelProp(usize, u8),
    /// Path variable and what of it: the path, nodes(), relationships(), length().
    Path(usize, u8),
    /// A variable-length relationship variable (a list of relationships).
    RelList(usize),
    Rel(usize),
}

#[derive(Debug, Clone)]
struct RawRet {
    distinct: bool,
    items: Vec<RawItem>,
    /// None: no aggregate; Some(None): count(*); Some(Some((var, prop, distinct))):
    /// count([DISTINCT] var.prop).
    count: Option<Option<(usize, u8, bool)>>,
    skip: Option<usize>,
    limit: Option<usize>,
}

#[derive(Debug, Clone)]
struct RawQuery {
    clauses: Vec<RawClause>,
    ret: RawRet,
}

/// Label or type choices: mostly none, else one or two.
fn labels() -> impl Strategy<Value = Vec<usize>> {
    prop_oneof![6 => Just(Vec::new()), 3 => vec(0..3usize, 1), 2 => vec(0..3usize, 2)]
}

fn raw_node() -> impl Strategy<Value = RawNode> {
    (
        option::weighted(0.8, 0..3usize),
        labels(),
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.2),
        option::weighted(
            0.15,
            prop_oneof![
                3 => (0..4i64).prop_map(RawNodeProp::V),
                1 => (0..8usize).prop_map(RawNodeProp::Id),
            ],
        ),
    )
        .prop_map(|(var, labels, conj, restate, prop)| RawNode { var, labels, conj, restate, prop })
}

fn raw_rel() -> impl Strategy<Value = RawRel> {
    (
        (prop::bool::weighted(0.5), option::weighted(0.5, 0..2usize)),
        labels(),
        0..3u8,
        option::weighted(0.3, 0..12u8),
        option::weighted(0.15, 0..4i64),
    )
        .prop_map(|((named, reuse), types, dir, hops, w)| RawRel { named, reuse, types, dir, hops, w })
}

fn raw_pat() -> impl Strategy<Value = RawPat> {
    (prop::bool::weighted(0.25), raw_node(), vec((raw_rel(), raw_node()), 0..=2))
        .prop_map(|(path, first, steps)| RawPat { path, first, steps })
}

fn raw_operand() -> impl Strategy<Value = RawOperand> {
    prop_oneof![
        4 => (0..3usize, 0..3u8).prop_map(|(i, k)| RawOperand::NodeProp(i, k)),
        1 => (0..2usize, 0..2u8).prop_map(|(i, k)| RawOperand::RelProp(i, k)),
        3 => (-1..5i64).prop_map(RawOperand::Int),
        1 => (0..8usize).prop_map(RawOperand::Str),
        1 => Just(RawOperand::Null),
    ]
}

/// An integer-valued operand: `x.v`, `r.w`, a literal, rarely null.
fn int_operand() -> impl Strategy<Value = RawOperand> {
    prop_oneof![
        4 => (0..3usize).prop_map(|i| RawOperand::NodeProp(i, 0)),
        2 => (0..2usize).prop_map(|i| RawOperand::RelProp(i, 0)),
        4 => (-1..5i64).prop_map(RawOperand::Int),
        1 => Just(RawOperand::Null),
    ]
}

/// A string-valued operand: `x.id` or an id literal.
fn str_operand() -> impl Strategy<Value = RawOperand> {
    prop_oneof![(0..3usize).prop_map(|i| RawOperand::NodeProp(i, 1)), (0..8usize).prop_map(RawOperand::Str)]
}

/// Two operands to compare: mostly of one type, sometimes anything (nulls, mixed types).
fn operands() -> impl Strategy<Value = (RawOperand, RawOperand)> {
    prop_oneof![
        8 => (int_operand(), int_operand()),
        2 => (str_operand(), str_operand()),
        2 => (raw_operand(), raw_operand()),
    ]
}

fn raw_ex() -> impl Strategy<Value = RawEx> {
    let leaf = prop_oneof![
        6 => (0..6u8, operands()).prop_map(|(op, (a, b))| RawEx::Cmp(op, a, b)),
        2 => (raw_operand(), any::<bool>()).prop_map(|(a, n)| RawEx::IsNull(a, n)),
        1 => (0..3usize, 0..3usize, any::<bool>()).prop_map(|(a, b, n)| RawEx::NodeEq(a, b, n)),
        1 => (int_operand(), vec(option::weighted(0.8, 0..4i64), 0..3)).prop_map(|(a, l)| RawEx::In(a, l)),
    ];
    leaf.prop_recursive(3, 10, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| RawEx::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| RawEx::Or(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| RawEx::Xor(Box::new(a), Box::new(b))),
            inner.prop_map(|a| RawEx::Not(Box::new(a))),
        ]
    })
}

fn raw_clause(max_patterns: usize, optional: f64) -> impl Strategy<Value = RawClause> {
    (prop::bool::weighted(optional), vec(raw_pat(), 1..=max_patterns), option::weighted(0.5, raw_ex()))
        .prop_map(|(optional, patterns, filter)| RawClause { optional, patterns, filter })
}

fn raw_ret() -> impl Strategy<Value = RawRet> {
    let item = prop_oneof![
        6 => (0..3usize, prop_oneof![6 => Just(1u8), 3 => Just(0u8), 1 => Just(2u8)])
            .prop_map(|(i, k)| RawItem::NodeProp(i, k)),
        1 => (0..3usize).prop_map(RawItem::Node),
        1 => (0..2usize, 0..2u8).prop_map(|(i, k)| RawItem::RelProp(i, k)),
        1 => (0..2usize, 0..4u8).prop_map(|(i, k)| RawItem::Path(i, k)),
        1 => (0..2usize).prop_map(RawItem::RelList),
        1 => (0..2usize).prop_map(RawItem::Rel),
    ];
    (
        prop::bool::weighted(0.2),
        vec(item, 1..=3),
        option::weighted(0.25, option::weighted(0.6, (0..3usize, 0..3u8, prop::bool::weighted(0.3)))),
        option::weighted(0.1, 0..3usize),
        option::weighted(0.1, 0..4usize),
    )
        .prop_map(|(distinct, items, count, skip, limit)| RawRet { distinct, items, count, skip, limit })
}

fn raw_query() -> impl Strategy<Value = RawQuery> {
    (raw_clause(2, 0.1), option::weighted(0.3, raw_clause(1, 0.5)), raw_ret()).prop_map(
        |(first, second, ret)| {
            let mut clauses = vec![first];
            clauses.extend(second);
            RawQuery { clauses, ret }
        },
    )
}

/// Variables in scope while resolving.
#[derive(Default)]
struct Scope {
    nodes: Vec<String>,
    /// Fixed-length relationship variables.
    rels: Vec<String>,
    /// Variable-length relationship variables.
    rel_lists: Vec<String>,
    paths: Vec<String>,
}

fn pick<T: Clone>(items: &[T], i: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[i % items.len()].clone())
}

/// The variable-length forms: text, min, max (`*` and `*N..` stop at 10 hops, as documented).
const HOPS: [(&str, usize, usize); 12] = [
    ("*1..2", 1, 2),
    ("*2", 2, 2),
    ("*0..2", 0, 2),
    ("*..2", 1, 2),
    ("*0", 0, 0),
    ("*2..3", 2, 3),
    ("*1", 1, 1),
    ("*0..1", 0, 1),
    ("*1..3", 1, 3),
    ("*3", 3, 3),
    ("*", 1, 10),
    ("*2..", 2, 10),
];

struct Resolver<'g> {
    g: &'g Graph,
    scope: Scope,
    next_rel: usize,
    next_path: usize,
    /// How many of `scope.rels` come from earlier clauses.
    earlier_rels: usize,
}

impl Resolver<'_> {
    fn w(&self) -> &'static str {
        // The checker knows only the edge properties some edge has.
        if self.g.has_w() {
            "w"
        } else {
            "v"
        }
    }

    fn node(&mut self, r: &RawNode) -> NodeP {
        let var = r.var.map(|i| NODE_VARS[i].to_string());
        if let Some(v) = &var {
            if !self.scope.nodes.contains(v) {
                self.scope.nodes.push(v.clone());
            } else if !r.restate {
                return NodeP { var, labels: Vec::new(), conj: false, props: Vec::new() };
            }
        }
        let mut labels: Vec<String> = r.labels.iter().map(|l| KINDS[l % self.g.kinds].to_string()).collect();
        labels.dedup();
        let props = match &r.prop {
            None => Vec::new(),
            Some(RawNodeProp::V(v)) => vec![("v".to_string(), Lit::Int(*v))],
            Some(RawNodeProp::Id(i)) => vec![("id".to_string(), Lit::Str(format!("n{i}")))],
        };
        let conj = r.conj && labels.len() > 1;
        NodeP { var, labels, conj, props }
    }

    fn rel(&mut self, r: &RawRel) -> RelP {
        let mut types: Vec<String> = r.types.iter().map(|t| RELS[t % self.g.rels].to_string()).collect();
        types.dedup();
        let hops = r.hops.map(|h| {
            let h = HOPS[h as usize % HOPS.len()];
            // Unbounded walks only on small graphs, to keep the reference fast.
            if h.2 > 3 && self.g.edges.len() > 6 {
                HOPS[8]
            } else {
                h
            }
        });
        let earlier = &self.scope.rels[..self.earlier_rels];
        if let (Some(v), None) = (r.reuse.and_then(|i| pick(earlier, i)), hops) {
            let dir = [Dir::Right, Dir::Left, Dir::Either][r.dir as usize % 3];
            return RelP { var: Some(v), types, dir, hops, props: Vec::new() };
        }
        let var = r.named.then(|| {
            let v = format!("r{}", self.next_rel);
            self.next_rel += 1;
            if hops.is_some() {
                self.scope.rel_lists.push(v.clone());
            } else {
                self.scope.rels.push(v.clone());
            }
            v
        });
        let dir = [Dir::Right, Dir::Left, Dir::Either][r.dir as usize % 3];
        let props = r.w.map(|w| vec![(self.w().to_string(), w)]).unwrap_or_default();
        RelP { var, types, dir, hops, props }
    }

    fn clause(&mut self, c: &RawClause) -> Clause {
        self.earlier_rels = self.scope.rels.len();
        let mut patterns = Vec::new();
        let mut rels_left = 2;
        for p in &c.patterns {
            let mut nodes = vec![self.node(&p.first)];
            let mut rels = Vec::new();
            let mut previous = p.first.var;
            for (r, n) in p.steps.iter().take(rels_left) {
                rels.push(self.rel(r));
                // `(a)-->(a)` needs a self-loop, which the data has none of: only a
                // variable-length relationship may return to the node it left.
                let mut n = n.clone();
                if r.hops.is_none() && n.var.is_some() && n.var == previous {
                    n.var = None;
                }
                previous = n.var;
                nodes.push(self.node(&n));
            }
            rels_left -= rels.len();
            let path = (p.path && !rels.is_empty()).then(|| {
                let v = format!("p{}", self.next_path);
                self.next_path += 1;
                self.scope.paths.push(v.clone());
                v
            });
            patterns.push(Pat { path, nodes, rels });
        }
        let filter = c.filter.as_ref().map(|f| self.ex(f));
        Clause { optional: c.optional, patterns, filter }
    }

    fn node_prop(&self, i: usize, k: u8) -> Option<Ex> {
        let key = match k % 3 {
            0 => "v",
            1 => "id",
            _ => self.w(),
        };
        pick(&self.scope.nodes, i).map(|v| Ex::Prop(v, key.to_string()))
    }

    fn operand(&self, o: &RawOperand) -> Ex {
        match o {
            RawOperand::NodeProp(i, k) => self.node_prop(*i, *k).unwrap_or(Ex::Int(*i as i64)),
            RawOperand::RelProp(i, k) => {
                let key = if k % 2 == 0 { self.w() } else { "v" };
                pick(&self.scope.rels, *i)
                    .map(|v| Ex::Prop(v, key.to_string()))
                    .or_else(|| self.node_prop(*i, 0))
                    .unwrap_or(Ex::Null)
            }
            RawOperand::Int(i) => Ex::Int(*i),
            RawOperand::Str(i) => Ex::Str(format!("n{i}")),
            RawOperand::Null => Ex::Null,
        }
    }

    fn ex(&self, e: &RawEx) -> Ex {
        const OPS: [&str; 6] = ["=", "<>", "<", "<=", ">", ">="];
        let b = Box::new;
        match e {
            RawEx::Cmp(op, x, y) => Ex::Cmp(OPS[*op as usize % 6], b(self.operand(x)), b(self.operand(y))),
            RawEx::IsNull(x, neg) => Ex::IsNull(b(self.operand(x)), *neg),
            RawEx::NodeEq(x, y, neg) => match (pick(&self.scope.nodes, *x), pick(&self.scope.nodes, *y)) {
                (Some(x), Some(y)) => Ex::Cmp(if *neg { "<>" } else { "=" }, b(Ex::Var(x)), b(Ex::Var(y))),
                _ => Ex::IsNull(b(Ex::Null), *neg),
            },
            RawEx::In(x, list) => Ex::In(b(self.operand(x)), list.clone()),
            RawEx::And(x, y) => Ex::And(b(self.ex(x)), b(self.ex(y))),
            RawEx::Or(x, y) => Ex::Or(b(self.ex(x)), b(self.ex(y))),
            RawEx::Xor(x, y) => Ex::Xor(b(self.ex(x)), b(self.ex(y))),
            RawEx::Not(x) => Ex::Not(b(self.ex(x))),
        }
    }

    fn item(&self, i: &RawItem) -> Option<Item> {
        match i {
            RawItem::NodeProp(i, k) => self.node_prop(*i, *k).map(Item::Expr),
            RawItem::Node(i) => pick(&self.scope.nodes, *i).map(|v| Item::Expr(Ex::Var(v))),
            RawItem::RelProp(i, k) => {
                let key = if k % 2 == 0 { self.w() } else { "v" };
                pick(&self.scope.rels, *i).map(|v| Item::Expr(Ex::Prop(v, key.to_string())))
            }
            RawItem::Path(i, k) => pick(&self.scope.paths, *i).map(|p| match k % 4 {
                0 => Item::Expr(Ex::Var(p)),
                1 => Item::Call("nodes", p),
                2 => Item::Call("relationships", p),
                _ => Item::Call("length", p),
            }),
            RawItem::RelList(i) => pick(&self.scope.rel_lists, *i).map(|v| Item::Expr(Ex::Var(v))),
            RawItem::Rel(i) => pick(&self.scope.rels, *i).map(|v| Item::Expr(Ex::Var(v))),
        }
    }
}

fn resolve(g: &Graph, raw: &RawQuery) -> Query {
    let mut r = Resolver { g, scope: Scope::default(), next_rel: 0, next_path: 0, earlier_rels: 0 };
    let clauses: Vec<Clause> = raw.clauses.iter().map(|c| r.clause(c)).collect();
    let mut items: Vec<Item> = Vec::new();
    let mut seen = BTreeSet::new();
    for i in &raw.ret.items {
        if let Some(item) = r.item(i) {
            if seen.insert(item_text(&item)) {
                items.push(item);
            }
        }
    }
    match raw.ret.count {
        Some(None) => items.push(Item::CountStar),
        Some(Some((i, k, distinct))) => {
            items.push(r.node_prop(i, k).map_or(Item::CountStar, |e| Item::Count(e, distinct)))
        }
        None if items.is_empty() => items.push(Item::CountStar),
        None => {}
    }
    let ret = Ret { distinct: raw.ret.distinct, items, skip: raw.ret.skip, limit: raw.ret.limit };
    Query { clauses, ret }
}

// ----------------------------------------------------------------------------------------------
// The reference

#[derive(Debug, Clone, PartialEq)]
enum RV {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Node(usize),
    Rel(usize),
    Rels(Vec<usize>),
    Path(Vec<usize>, Vec<usize>),
}

type Row = BTreeMap<String, RV>;

/// Matches the reference may build before it gives up on a case (a few random queries multiply
/// variable-length patterns into millions of rows).
const REFERENCE_ROWS: usize = 20_000;

struct Reference<'g> {
    g: &'g Graph,
    /// Matches built so far.
    built: std::cell::Cell<usize>,
}

impl<'g> Reference<'g> {
    fn new(g: &'g Graph) -> Self {
        Reference { g, built: std::cell::Cell::new(0) }
    }

    /// The rows of `q` (before SKIP and LIMIT), or `None` when there would be too many.
    fn run(&self, q: &Query) -> Option<Vec<Vec<Val>>> {
        let mut rows: Vec<Row> = vec![Row::new()];
        for c in &q.clauses {
            rows = self.clause(c, rows);
            if self.built.get() > REFERENCE_ROWS {
                return None;
            }
        }
        Some(self.project(&q.ret, rows))
    }

    fn clause(&self, c: &Clause, rows: Vec<Row>) -> Vec<Row> {
        let mut out = Vec::new();
        for row in rows {
            let mut found = Vec::new();
            self.patterns(&c.patterns, row.clone(), &mut Vec::new(), &mut found);
            let kept: Vec<Row> = found
                .into_iter()
                .filter(|r| c.filter.as_ref().is_none_or(|f| self.eval(f, r) == RV::Bool(true)))
                .collect();
            if kept.is_empty() && c.optional {
                let mut r = row;
                for p in &c.patterns {
                    for v in pattern_vars(p) {
                        r.entry(v).or_insert(RV::Null);
                    }
                }
                out.push(r);
            } else {
                out.extend(kept);
            }
        }
        out
    }

    /// Every match of `pats` (left to right, each from every possible first node) extending
    /// `row`, with no edge in `used`.
    fn patterns(&self, pats: &[Pat], row: Row, used: &mut Vec<usize>, out: &mut Vec<Row>) {
        let Some((p, rest)) = pats.split_first() else {
            self.built.set(self.built.get() + 1);
            out.push(row);
            return;
        };
        if self.built.get() > REFERENCE_ROWS {
            return;
        }
        for n in 0..self.g.nodes.len() {
            if let Some(row) = self.bind_node(&p.nodes[0], n, &row) {
                self.steps(p, rest, 0, row, vec![n], Vec::new(), used, out);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn steps(
        &self,
        p: &Pat,
        rest: &[Pat],
        j: usize,
        row: Row,
        path_nodes: Vec<usize>,
        path_edges: Vec<usize>,
        used: &mut Vec<usize>,
        out: &mut Vec<Row>,
    ) {
        if j == p.rels.len() {
            let mut row = row;
            if let Some(v) = &p.path {
                row.insert(v.clone(), RV::Path(path_nodes, path_edges));
            }
            self.patterns(rest, row, used, out);
            return;
        }
        let rp = &p.rels[j];
        let (min, max) = rp.hops.map_or((1, 1), |(_, lo, hi)| (lo, hi));
        let start = *path_nodes.last().expect("a path has a node");
        for (es, ns) in self.trails(rp.dir, start, max) {
            if es.len() < min || es.iter().any(|e| used.contains(e) || !self.rel_ok(rp, *e)) {
                continue;
            }
            let Some(mut row2) = self.bind_node(&p.nodes[j + 1], *ns.last().unwrap(), &row) else {
                continue;
            };
            if let Some(v) = &rp.var {
                let val = if rp.hops.is_some() { RV::Rels(es.clone()) } else { RV::Rel(es[0]) };
                match row2.get(v) {
                    Some(old) if *old != val => continue,
                    _ => {
                        row2.insert(v.clone(), val);
                    }
                }
            }
            let mut pn = path_nodes.clone();
            pn.extend(&ns[1..]);
            let mut pe = path_edges.clone();
            pe.extend(&es);
            let before = used.len();
            used.extend(&es);
            self.steps(p, rest, j + 1, row2, pn, pe, used, out);
            used.truncate(before);
        }
    }

    /// Every trail (no edge twice) of at most `max` edges from `start` in direction `dir`: its
    /// edges and its nodes (from `start` to its end).
    fn trails(&self, dir: Dir, start: usize, max: usize) -> Vec<(Vec<usize>, Vec<usize>)> {
        let mut out = Vec::new();
        let mut stack = vec![(Vec::new(), vec![start])];
        while let Some((es, ns)) = stack.pop() {
            if es.len() < max {
                let here = *ns.last().unwrap();
                for (i, e) in self.g.edges.iter().enumerate() {
                    if es.contains(&i) {
                        continue;
                    }
                    let next = match dir {
                        Dir::Right if e.from == here => e.to,
                        Dir::Left if e.to == here => e.from,
                        Dir::Either if e.from == here => e.to,
                        Dir::Either if e.to == here => e.from,
                        _ => continue,
                    };
                    let mut es2: Vec<usize> = es.clone();
                    es2.push(i);
                    let mut ns2: Vec<usize> = ns.clone();
                    ns2.push(next);
                    stack.push((es2, ns2));
                }
            }
            out.push((es, ns));
        }
        out
    }

    fn rel_ok(&self, rp: &RelP, e: usize) -> bool {
        let edge = &self.g.edges[e];
        (rp.types.is_empty() || rp.types.iter().any(|t| *t == RELS[edge.rel]))
            && rp.props.iter().all(|(k, want)| k == "w" && edge.w == Some(*want))
    }

    fn bind_node(&self, np: &NodeP, n: usize, row: &Row) -> Option<Row> {
        let (kind, v) = self.g.nodes[n];
        let kind = KINDS[kind];
        let labels_ok = np.labels.is_empty()
            || if np.conj {
                np.labels.iter().all(|l| l == kind)
            } else {
                np.labels.iter().any(|l| l == kind)
            };
        let props_ok = np.props.iter().all(|(k, want)| match (k.as_str(), want) {
            ("v", Lit::Int(want)) => v == Some(*want),
            ("id", Lit::Str(want)) => *want == format!("n{n}"),
            _ => false,
        });
        if !labels_ok || !props_ok {
            return None;
        }
        let mut row = row.clone();
        if let Some(var) = &np.var {
            match row.get(var) {
                Some(RV::Node(m)) if *m == n => {}
                Some(_) => return None,
                None => {
                    row.insert(var.clone(), RV::Node(n));
                }
            }
        }
        Some(row)
    }

    fn eval(&self, e: &Ex, row: &Row) -> RV {
        match e {
            Ex::Prop(var, key) => match &row[var] {
                RV::Node(n) => match key.as_str() {
                    "id" => RV::Str(format!("n{n}")),
                    "v" => self.g.nodes[*n].1.map_or(RV::Null, RV::Int),
                    _ => RV::Null,
                },
                RV::Rel(e) => match key.as_str() {
                    "w" => self.g.edges[*e].w.map_or(RV::Null, RV::Int),
                    _ => RV::Null,
                },
                RV::Null => RV::Null,
                other => panic!("property of {other:?}"),
            },
            Ex::Var(v) => row[v].clone(),
            Ex::Int(i) => RV::Int(*i),
            Ex::Str(s) => RV::Str(s.clone()),
            Ex::Null => RV::Null,
            Ex::Cmp(op, a, b) => {
                let (x, y) = (self.eval(a, row), self.eval(b, row));
                if x == RV::Null || y == RV::Null {
                    return RV::Null;
                }
                let order = match (&x, &y) {
                    (RV::Int(p), RV::Int(q)) => Some(p.cmp(q)),
                    (RV::Str(p), RV::Str(q)) => Some(p.cmp(q)),
                    _ => None,
                };
                match *op {
                    // Values of different types are not equal.
                    "=" => RV::Bool(x == y),
                    "<>" => RV::Bool(x != y),
                    _ => order.map_or(RV::Null, |o| {
                        RV::Bool(match *op {
                            "<" => o.is_lt(),
                            "<=" => o.is_le(),
                            ">" => o.is_gt(),
                            _ => o.is_ge(),
                        })
                    }),
                }
            }
            Ex::And(a, b) => match (truth(self.eval(a, row)), truth(self.eval(b, row))) {
                (Some(false), _) | (_, Some(false)) => RV::Bool(false),
                (Some(true), Some(true)) => RV::Bool(true),
                _ => RV::Null,
            },
            Ex::Or(a, b) => match (truth(self.eval(a, row)), truth(self.eval(b, row))) {
                (Some(true), _) | (_, Some(true)) => RV::Bool(true),
                (Some(false), Some(false)) => RV::Bool(false),
                _ => RV::Null,
            },
            Ex::Xor(a, b) => match (truth(self.eval(a, row)), truth(self.eval(b, row))) {
                (Some(p), Some(q)) => RV::Bool(p != q),
                _ => RV::Null,
            },
            Ex::Not(a) => truth(self.eval(a, row)).map_or(RV::Null, |b| RV::Bool(!b)),
            Ex::IsNull(a, negated) => RV::Bool((self.eval(a, row) == RV::Null) != *negated),
            Ex::In(a, list) => {
                let x = self.eval(a, row);
                if list.is_empty() {
                    RV::Bool(false)
                } else if x == RV::Null {
                    RV::Null
                } else if list.iter().any(|i| i.map(RV::Int) == Some(x.clone())) {
                    RV::Bool(true)
                } else if list.contains(&None) {
                    RV::Null
                } else {
                    RV::Bool(false)
                }
            }
        }
    }

    fn item(&self, i: &Item, row: &Row) -> Val {
        let v = match i {
            Item::Expr(e) => self.eval(e, row),
            Item::Call(f, p) => match (&row[p], *f) {
                (RV::Null, _) => RV::Null,
                (RV::Path(ns, _), "nodes") => return Val::List(ns.iter().map(|n| Val::Node(*n)).collect()),
                (RV::Path(_, es), "relationships") => {
                    return Val::List(es.iter().map(|e| Val::Rel(*e)).collect())
                }
                (RV::Path(_, es), _) => RV::Int(es.len() as i64),
                (other, _) => panic!("{f}() of {other:?}"),
            },
            Item::CountStar | Item::Count(..) => unreachable!("aggregates are computed per group"),
        };
        match v {
            RV::Null => Val::Null,
            RV::Bool(b) => Val::Bool(b),
            RV::Int(i) => Val::Int(i),
            RV::Str(s) => Val::Str(s),
            RV::Node(n) => Val::Node(n),
            RV::Rel(e) => Val::Rel(e),
            RV::Rels(es) => Val::List(es.into_iter().map(Val::Rel).collect()),
            RV::Path(ns, es) => Val::Path(ns, es),
        }
    }

    /// RETURN without SKIP and LIMIT (the caller checks those).
    fn project(&self, ret: &Ret, rows: Vec<Row>) -> Vec<Vec<Val>> {
        let is_agg = |i: &Item| matches!(i, Item::CountStar | Item::Count(..));
        let mut out: Vec<Vec<Val>> = Vec::new();
        if ret.items.iter().any(is_agg) {
            // Groups keyed by the non-aggregate items, in first-seen order.
            let mut groups: Vec<(Vec<Val>, Vec<&Row>)> = Vec::new();
            let mut index: BTreeMap<String, usize> = BTreeMap::new();
            for row in &rows {
                let key: Vec<Val> =
                    ret.items.iter().filter(|i| !is_agg(i)).map(|i| self.item(i, row)).collect();
                match index.get(&format!("{key:?}")) {
                    Some(&g) => groups[g].1.push(row),
                    None => {
                        index.insert(format!("{key:?}"), groups.len());
                        groups.push((key, vec![row]));
                    }
                }
            }
            if groups.is_empty() && ret.items.iter().all(is_agg) {
                groups.push((Vec::new(), Vec::new()));
            }
            for (key, members) in groups {
                let mut key = key.into_iter();
                let vals = ret
                    .items
                    .iter()
                    .map(|i| match i {
                        Item::CountStar => Val::Int(members.len() as i64),
                        Item::Count(e, distinct) => {
                            let mut vals: Vec<RV> =
                                members.iter().map(|r| self.eval(e, r)).filter(|v| *v != RV::Null).collect();
                            if *distinct {
                                let mut seen = Vec::new();
                                vals.retain(|v| {
                                    if seen.contains(v) {
                                        false
                                    } else {
                                        seen.push(v.clone());
                                        true
                                    }
                                });
                            }
                            Val::Int(vals.len() as i64)
                        }
                        _ => key.next().unwrap(),
                    })
                    .collect();
                out.push(vals);
            }
        } else {
            for row in &rows {
                out.push(ret.items.iter().map(|i| self.item(i, row)).collect());
            }
        }
        if ret.distinct {
            let mut seen = BTreeSet::new();
            out.retain(|r| seen.insert(format!("{r:?}")));
        }
        out
    }
}

fn truth(v: RV) -> Option<bool> {
    match v {
        RV::Bool(b) => Some(b),
        RV::Null => None,
        other => panic!("not a boolean: {other:?}"),
    }
}

fn pattern_vars(p: &Pat) -> Vec<String> {
    let nodes = p.nodes.iter().filter_map(|n| n.var.clone());
    let rels = p.rels.iter().filter_map(|r| r.var.clone());
    nodes.chain(rels).chain(p.path.clone()).collect()
}

// ----------------------------------------------------------------------------------------------
// The comparison

fn sorted(rows: &[Vec<Val>]) -> Vec<String> {
    let mut keys: Vec<String> = rows.iter().map(|r| format!("{r:?}")).collect();
    keys.sort();
    keys
}

/// Runs `q` both ways; `Err` describes a disagreement, `Ok(false)` a case too big to check.
fn compare(g: &Graph, q: &Query) -> Result<bool, String> {
    let text = query_text(q);
    let Some(want) = Reference::new(g).run(q) else { return Ok(false) };
    let kg = g.load();
    let context =
        || format!("query:\n{text}\ngraph (kinds {}, types {}):\n{}", g.kinds, g.rels, g.layer_file());
    let (_, got) = aikg::query::run_values(&kg, &text, &BTreeMap::new(), None)
        .map_err(|e| format!("the executor rejected the query: {e:?}\n{}", context()))?;
    let (got, want) = (sorted(&got), sorted(&want));
    if q.ret.skip.is_none() && q.ret.limit.is_none() {
        if got != want {
            return Err(format!("rows differ\nexecutor:  {got:?}\nreference: {want:?}\n{}", context()));
        }
        return Ok(true);
    }
    // SKIP / LIMIT without ORDER BY: some rows, how many is fixed.
    let skip = q.ret.skip.unwrap_or(0);
    let expected = want.len().saturating_sub(skip).min(q.ret.limit.unwrap_or(usize::MAX));
    let mut pool = want.clone();
    for row in &got {
        match pool.iter().position(|r| r == row) {
            Some(i) => {
                pool.remove(i);
            }
            None => {
                return Err(format!(
                    "row {row} is not a reference row\nexecutor:  {got:?}\nreference: {want:?}\n{}",
                    context()
                ))
            }
        }
    }
    if got.len() != expected {
        return Err(format!(
            "{} rows, expected {expected}\nexecutor:  {got:?}\nreference: {want:?}\n{}",
            got.len(),
            context()
        ));
    }
    Ok(true)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 500,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/differential.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn executor_agrees_with_the_reference((g, raw) in (graph(), raw_query())) {
        let q = resolve(&g, &raw);
        match compare(&g, &q) {
            Ok(checked) => prop_assume!(checked, "too many rows to check"),
            Err(msg) => prop_assert!(false, "{}", msg),
        }
    }
}

// ----------------------------------------------------------------------------------------------
// Regressions found by the test above, minimized

/// The executor's rows for `text` on `g`.
fn run(g: &Graph, text: &str) -> Vec<Vec<Val>> {
    aikg::query::run_values(&g.load(), text, &BTreeMap::new(), None).expect("query runs").1
}

fn edge(from: usize, to: usize) -> Edge {
    Edge { from, to, rel: 0, w: None, dated: false }
}

/// `(n:A:B)` asks for a node with both labels (openCypher); it was read as `(n:A|B)`. A node has
/// one label, so it matches only when every label names its kind.
#[test]
fn label_conjunction_needs_every_label() {
    let g = Graph { kinds: 2, rels: 2, nodes: vec![(0, None), (0, None)], edges: vec![edge(0, 1)] };
    assert_eq!(run(&g, "MATCH ()-->(:Beta:Alpha) RETURN count(*)"), vec![vec![Val::Int(0)]]);
    assert_eq!(run(&g, "MATCH ()-->(:Alpha:Alpha) RETURN count(*)"), vec![vec![Val::Int(1)]]);
    assert_eq!(run(&g, "MATCH ()-->(:Beta|Alpha) RETURN count(*)"), vec![vec![Val::Int(1)]]);
    let err =
        aikg::query::run_values(&g.load(), "MATCH (n:Alpha|Beta:Alpha) RETURN n", &BTreeMap::new(), None)
            .unwrap_err();
    assert!(err.message.contains("cannot mix"), "{err:?}");
}

/// A zero-length hop (`*0..1` taking no edge) repeated its node in the path: `nodes(p)` gave
/// `[n0, n0]` for the path `(n0)`.
#[test]
fn zero_length_hop_puts_its_node_in_the_path_once() {
    let g = Graph { kinds: 2, rels: 2, nodes: vec![(0, None)], edges: vec![] };
    assert_eq!(run(&g, "MATCH p = ()-[*0..1]->() RETURN p"), vec![vec![Val::Path(vec![0], vec![])]]);
    let g = Graph { kinds: 2, rels: 2, nodes: vec![(0, None), (0, None)], edges: vec![edge(0, 1)] };
    let rows = run(&g, "MATCH p = (a {id: 'n0'})-[*0]-(b)-->(c) RETURN nodes(p), length(p)");
    assert_eq!(rows, vec![vec![Val::List(vec![Val::Node(0), Val::Node(1)]), Val::Int(1)]]);
}

/// With a LIMIT and one pattern, matching stopped after LIMIT matches, but a pattern that repeats
/// a variable produces matches that bind it to two nodes and are then dropped: `LIMIT 1` gave
/// no row although the pattern has matches.
#[test]
fn limit_counts_only_matches_that_bind() {
    let mut g = Graph { kinds: 2, rels: 2, nodes: vec![(1, None), (0, None), (0, None)], edges: vec![] };
    g.edges = vec![Edge { rel: 1, ..edge(0, 2) }, edge(0, 2), edge(2, 1)];
    let all = run(&g, "MATCH (c)--()<--(c:Beta) RETURN c.id");
    assert_eq!(all, vec![vec![Val::Str("n0".into())]; 2]);
    assert_eq!(run(&g, "MATCH (c)--()<--(c:Beta) RETURN c.id LIMIT 1").len(), 1);
}
