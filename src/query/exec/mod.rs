//! The executor: clauses run in order over a table of rows (one value per variable).
//!
//! MATCH plans each pattern before it matches: it starts from the most selective node pattern (a
//! bound variable, then an `{id: …}` lookup, then a label) and grows the pattern from there.
//! Relationships are isomorphic within one MATCH: no relationship is used twice in one match.

mod chain;
mod count;
mod eval;
mod functions;
mod group;
mod matcher;
mod plan;
mod project;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

use super::ast::*;
use super::value::Val;
use super::QueryError;
use crate::graph::KnowledgeGraph;
use crate::model::{EdgeIx, NodeIx};
use functions::*;
pub(super) use functions::{node_props, rel_props};

/// Intermediate rows allowed before a query is stopped.
pub const MAX_ROWS: usize = 1_000_000;

/// Partial matches one MATCH may grow before it is stopped, in every mode (counting and grouping
/// keep no rows, so the row cap does not bound them; a long chain may find no match at all): a
/// few seconds of work.
pub const MAX_PARTIAL: u64 = 10 * MAX_ROWS as u64;

pub struct Exec<'g> {
    pub g: &'g KnowledgeGraph,
    pub params: &'g BTreeMap<String, Val>,
    regexes: RefCell<HashMap<String, regex::Regex>>,
    /// How many matches the pattern being matched may stop at (see [`Exec::budget`]).
    cap: std::cell::Cell<usize>,
    /// Matches produced so far by the pattern being matched.
    produced: std::cell::Cell<usize>,
    /// When to give up (`--timeout`), and the limit it came from.
    deadline: Option<(std::time::Instant, std::time::Duration)>,
    /// WHERE conjuncts pushed into the node patterns of the MATCH being matched.
    pushed: RefCell<std::rc::Rc<plan::Pushed>>,
    /// Counting instead of collecting: the matches the pattern being counted has had so far.
    tally: std::cell::Cell<Option<u64>>,
    /// Partial matches the current MATCH has grown (bounded by [`MAX_PARTIAL`]).
    partial: std::cell::Cell<u64>,
    /// Steps of pattern growth so far, in any mode (the time is checked every 4096).
    grown: std::cell::Cell<u64>,
    /// Whether a MATCH followed by an aggregating WITH or RETURN may group its matches as they
    /// are found instead of building rows (off only to compare the two in tests).
    streams: bool,
    /// Whether such a MATCH of one chain grouped by one end may be answered by walking the chain
    /// (`chain.rs`) instead (off only to compare the two in tests).
    factorises: bool,
    /// How many projections the chain walk answered (tests check that it is taken).
    walked: std::cell::Cell<u32>,
}

/// Variables in scope and their values.
type Env = crate::model::FastMap<String, Val>;

/// The relationships a match has used so far (each may be used once per MATCH).
type EdgeSet = HashSet<EdgeIx, std::hash::BuildHasherDefault<WordHash>>;

/// A hash for keys made of machine words (edge numbers, grouping keys): each word is mixed in
/// with one multiplication (FxHash's step) instead of FNV's one per byte. Only the sets and maps
/// of the executor use it, and none of them is iterated for output.
#[derive(Default, Clone, Copy)]
pub(super) struct WordHash(u64);

impl std::hash::Hasher for WordHash {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }
    fn write_u8(&mut self, x: u8) {
        self.write_u64(u64::from(x));
    }
    fn write_u32(&mut self, x: u32) {
        self.write_u64(u64::from(x));
    }
    fn write_isize(&mut self, x: isize) {
        self.write_u64(x as u64);
    }
}

/// One match of a pattern: the node at each position and the binding of each relationship.
type Match = (Vec<NodeIx>, Vec<RelBind>);

/// An output row: its values and the environment its ORDER BY sees.
type OutRow = (Vec<Val>, Env);

/// Where a pattern's matches go: into rows, or each to a function as it is found (nodes and
/// relationship bindings by pattern position, all set), keeping none.
enum Out<'s> {
    Rows(Vec<Match>),
    Each(&'s mut Sink<'s>),
}

/// Takes one whole match as it is found: the node at each position and each relationship binding.
type Sink<'s> = dyn FnMut(&[Option<NodeIx>], &[Option<RelBind>]) -> Result<(), QueryError> + 's;

impl Out<'_> {
    /// The rows kept so far (none when streaming).
    fn len(&self) -> usize {
        match self {
            Out::Rows(rows) => rows.len(),
            Out::Each(_) => 0,
        }
    }
}

/// Called for each trail found: its end, edges and inner nodes, with its edges in `used`.
type Visit<'v> = dyn FnMut(NodeIx, &[EdgeIx], &[NodeIx], &mut EdgeSet) -> Result<(), QueryError> + 'v;

/// A trail being walked: its edges, the nodes between them, and how many steps were taken.
struct Walk<'a> {
    es: Vec<EdgeIx>,
    mids: Vec<NodeIx>,
    visited: &'a mut usize,
}

/// What one pattern position is bound to during matching.
#[derive(Debug, Clone)]
enum RelBind {
    One(EdgeIx),
    /// A variable-length walk: its edges and the nodes between them.
    Many(Vec<EdgeIx>, Vec<NodeIx>),
}

impl<'g> Exec<'g> {
    pub fn new(g: &'g KnowledgeGraph, params: &'g BTreeMap<String, Val>) -> Self {
        Exec {
            g,
            params,
            regexes: RefCell::new(HashMap::new()),
            cap: std::cell::Cell::new(usize::MAX),
            produced: std::cell::Cell::new(0),
            deadline: None,
            pushed: RefCell::new(Default::default()),
            tally: std::cell::Cell::new(None),
            partial: std::cell::Cell::new(0),
            grown: std::cell::Cell::new(0),
            streams: true,
            factorises: true,
            walked: std::cell::Cell::new(0),
        }
    }

    /// Groups through rows always (tests compare this with grouping as matches come).
    #[cfg(test)]
    pub fn with_rows_only(mut self) -> Self {
        self.streams = false;
        self
    }

    /// Runs the query: column names and rows.
    pub fn run(&self, q: &Query) -> Result<(Vec<String>, Vec<Vec<Val>>), QueryError> {
        let mut vars: Vec<String> = Vec::new();
        let mut rows: Vec<Env> = vec![Env::default()];
        let mut done = 0;
        for (i, clause) in q.clauses.iter().enumerate() {
            if i < done {
                continue; // a projection already run with the MATCH before it
            }
            let budget = q.clauses.get(i + 1).and_then(|next| self.budget(next));
            match clause {
                Clause::Match { optional, patterns, filter } => {
                    let scope = vars.clone();
                    if let Some(Clause::Return(p)) = q.clauses.get(i + 1) {
                        if !optional && Self::count_only(p, patterns) {
                            let n = self.count_clause(rows, patterns, filter.as_ref(), &scope)?;
                            let n = i64::try_from(n).map_err(|_| {
                                QueryError::new(p.span.clone(), "integer overflow in count()")
                            })?;
                            let items = p.items.as_deref().unwrap_or_default();
                            let names = items.iter().map(|i| i.name.clone()).collect();
                            return Ok((names, vec![vec![Val::Int(n); items.len()]]));
                        }
                    }
                    for p in patterns {
                        for v in pattern_vars(p) {
                            if !vars.contains(&v) {
                                vars.push(v);
                            }
                        }
                    }
                    let next = match q.clauses.get(i + 1) {
                        Some(Clause::With(p)) => Some((p, false)),
                        Some(Clause::Return(p)) => Some((p, true)),
                        _ => None,
                    };
                    if let Some((p, last)) =
                        next.filter(|(p, _)| self.streams && !optional && group::groups_as_it_goes(p))
                    {
                        let (names, table) =
                            match self.factorised(&rows, patterns, filter.as_ref(), &scope, p)? {
                                Some(answer) => answer,
                                None => self.match_grouped(rows, patterns, filter.as_ref(), &scope, p)?,
                            };
                        if last {
                            return Ok((names, table));
                        }
                        rows =
                            table.into_iter().map(|vals| names.iter().cloned().zip(vals).collect()).collect();
                        vars = names;
                        done = i + 2;
                        continue;
                    }
                    rows = self.match_clause(rows, *optional, patterns, filter.as_ref(), budget, &scope)?;
                }
                Clause::Unwind { list, var } => {
                    let mut out = Vec::new();
                    for row in rows {
                        let items = match self.eval(list, &row)? {
                            Val::Null => Vec::new(),
                            Val::List(items) => items,
                            other => vec![other],
                        };
                        for item in items {
                            let mut r = row.clone();
                            r.insert(var.clone(), item);
                            out.push(r);
                            self.check_size(out.len(), &list.span)?;
                        }
                    }
                    if !vars.contains(var) {
                        vars.push(var.clone());
                    }
                    rows = out;
                }
                Clause::With(p) => {
                    let (names, table) = self.project(&vars, rows, p)?;
                    rows = table.into_iter().map(|vals| names.iter().cloned().zip(vals).collect()).collect();
                    vars = names;
                }
                Clause::Return(p) => {
                    return self.project(&vars, rows, p);
                }
            }
        }
        Ok((Vec::new(), Vec::new()))
    }

    /// Groups match by match, never by walking a chain (tests compare the two).
    #[cfg(test)]
    pub fn without_factorising(mut self) -> Self {
        self.factorises = false;
        self
    }

    /// Stops the query after `limit` of wall-clock time.
    pub fn with_timeout(mut self, limit: std::time::Duration) -> Self {
        self.deadline = Some((std::time::Instant::now() + limit, limit));
        self
    }

    /// Fails when there are too many rows or the time is up; called wherever work grows.
    fn check_size(&self, n: usize, span: &Span) -> Result<(), QueryError> {
        self.check_time(span)?;
        if n > MAX_ROWS {
            return Err(QueryError::new(
                span.clone(),
                format!("the query produces more than {MAX_ROWS} intermediate rows"),
            )
            .help("narrow the pattern (labels, {id: ...}, fewer hops) or filter earlier"));
        }
        Ok(())
    }

    /// Fails when the time is up.
    fn check_time(&self, span: &Span) -> Result<(), QueryError> {
        if let Some((deadline, limit)) = self.deadline {
            if std::time::Instant::now() > deadline {
                return Err(QueryError::new(
                    span.clone(),
                    format!("the query did not finish within {limit:?}"),
                )
                .help("narrow the pattern (labels, {id: ...}, fewer hops) or raise --timeout"));
            }
        }
        Ok(())
    }
}

fn edges_of(r: &RelBind) -> Vec<EdgeIx> {
    match r {
        RelBind::One(e) => vec![*e],
        RelBind::Many(es, _) => es.clone(),
    }
}

/// Whether a variable occurs more than once in a pattern (`(c)-->()-->(c)`).
fn repeats_a_variable(p: &Pattern) -> bool {
    let vars = pattern_vars(p);
    vars.iter().enumerate().any(|(i, v)| vars[..i].contains(v))
}

/// The variables a pattern introduces, in order.
pub fn pattern_vars(p: &Pattern) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(v) = &p.path_var {
        out.push(v.clone());
    }
    for (i, n) in p.nodes.iter().enumerate() {
        if let Some(v) = &n.var {
            out.push(v.clone());
        }
        if let Some(r) = p.rels.get(i).and_then(|r| r.var.clone()) {
            out.push(r);
        }
    }
    out
}
