//! The syntax tree of the Cypher subset. Every expression keeps its span so that errors can point
//! at it and columns can be named by the text the user wrote.

use std::ops::Range;

use super::value::Val;

pub type Span = Range<usize>;

#[derive(Debug, Clone)]
pub struct Query {
    pub clauses: Vec<Clause>,
}

#[derive(Debug, Clone)]
pub enum Clause {
    Match { optional: bool, patterns: Vec<Pattern>, filter: Option<Expr> },
    Unwind { list: Expr, var: String },
    With(Projection),
    Return(Projection),
}

#[derive(Debug, Clone)]
pub struct Projection {
    pub distinct: bool,
    /// `None` for `*`.
    pub items: Option<Vec<Item>>,
    pub order: Vec<(Expr, bool)>,
    pub skip: Option<Expr>,
    pub limit: Option<Expr>,
    /// Only for WITH.
    pub filter: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub expr: Expr,
    /// The alias, or the expression's text.
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortest {
    One,
    All,
}

#[derive(Debug, Clone)]
pub struct Pattern {
    pub path_var: Option<String>,
    pub shortest: Option<Shortest>,
    pub nodes: Vec<NodePat>,
    /// `rels[i]` joins `nodes[i]` and `nodes[i + 1]`.
    pub rels: Vec<RelPat>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct NodePat {
    pub var: Option<String>,
    pub labels: Vec<(String, Span)>,
    /// `(n:A:B)`: the node must carry every label; `(n:A|B)`: any of them.
    pub all_labels: bool,
    pub props: Vec<(String, Expr)>,
}

impl NodePat {
    /// Whether a node of this kind (its one label) meets the pattern's labels.
    pub fn labels_allow(&self, kind: &str) -> bool {
        if self.all_labels {
            self.labels.iter().all(|(l, _)| l == kind)
        } else {
            self.labels.is_empty() || self.labels.iter().any(|(l, _)| l == kind)
        }
    }
}

/// A relationship pattern's arrow: `-[]->` is [`Dir::Out`], `<-[]-` [`Dir::In`], `-[]-`
/// [`Dir::Both`] (the graph's one direction type).
pub use crate::graph::Dir;

#[derive(Debug, Clone)]
pub struct RelPat {
    pub var: Option<String>,
    pub types: Vec<(String, Span)>,
    pub props: Vec<(String, Expr)>,
    pub dir: Dir,
    /// `Some((min, max))` for a variable-length relationship.
    pub hops: Option<(usize, usize)>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Lit(Val),
    Param(String),
    Var(String),
    Prop(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
    List(Vec<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    IsNull(Box<Expr>, bool),
    /// Function name (lowercase), DISTINCT, arguments; `count(*)` has no arguments and `star`.
    Call {
        name: String,
        distinct: bool,
        args: Vec<Expr>,
        star: bool,
    },
    /// `CASE [subject] WHEN a THEN b ... [ELSE c] END`: with a subject, each `a` is compared
    /// with it; without, each `a` is a condition.
    Case {
        subject: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        default: Option<Box<Expr>>,
    },
    /// `[x IN list WHERE pred | expr]`; `WHERE` and `| expr` are optional.
    ListComp {
        var: String,
        list: Box<Expr>,
        filter: Option<Box<Expr>>,
        map: Option<Box<Expr>>,
    },
    /// A pattern predicate `(a)-[:T]->(b)` or `EXISTS { MATCH patterns [WHERE filter] }`: true
    /// when the patterns match at least once with the outer variables as bound.
    Exists {
        patterns: Vec<Pattern>,
        filter: Option<Box<Expr>>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Or,
    Xor,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    StartsWith,
    EndsWith,
    Contains,
    Regex,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

pub const AGGREGATES: &[&str] = &["count", "collect", "sum", "avg", "min", "max"];

/// Every function of the dialect, as documented; names match in any case.
pub const FUNCTIONS: &[&str] = &[
    "count",
    "collect",
    "sum",
    "avg",
    "min",
    "max",
    "size",
    "length",
    "nodes",
    "relationships",
    "labels",
    "type",
    "id",
    "coalesce",
    "toLower",
    "toUpper",
    "toString",
    "toInteger",
    "toFloat",
    "keys",
    "properties",
];

impl Expr {
    /// Whether the expression contains an aggregate call.
    pub fn has_aggregate(&self) -> bool {
        match &self.kind {
            ExprKind::Call { name, args, .. } => {
                AGGREGATES.contains(&name.as_str()) || args.iter().any(Expr::has_aggregate)
            }
            ExprKind::Prop(e, _) | ExprKind::Not(e) | ExprKind::Neg(e) | ExprKind::IsNull(e, _) => {
                e.has_aggregate()
            }
            ExprKind::Index(a, b) | ExprKind::Bin(_, a, b) => a.has_aggregate() || b.has_aggregate(),
            ExprKind::List(items) => items.iter().any(Expr::has_aggregate),
            ExprKind::Case { subject, whens, default } => {
                subject.iter().chain(default).any(|e| e.has_aggregate())
                    || whens.iter().any(|(a, b)| a.has_aggregate() || b.has_aggregate())
            }
            // Only the list may aggregate (`[x IN collect(n.id) WHERE ...]`); the check refuses
            // aggregates in the filter and the mapping, and in subqueries.
            ExprKind::ListComp { list, .. } => list.has_aggregate(),
            ExprKind::Exists { .. } => false,
            ExprKind::Lit(_) | ExprKind::Param(_) | ExprKind::Var(_) => false,
        }
    }
}
