//! Grouping without rows: `MATCH … RETURN|WITH keys, aggregates` feeds each match into its
//! group's accumulators as it is found, instead of building a row per match and grouping them.

use std::collections::HashMap;

use super::matcher::path_of;
use super::*;
use crate::model::NodeIx;
use crate::query::ast::*;
use crate::query::value::Val;
use crate::query::QueryError;

/// Matches one grouped MATCH may feed its accumulators before it is stopped. Each match is looked
/// at (about 1,400 instructions each for `(a)--(b)--(c)`), so this bounds the work to about ten
/// seconds; the row cap does not apply, as no rows are kept.
pub const MAX_STREAMED: u64 = 20 * MAX_ROWS as u64;

/// A value as a hash key, equal exactly when [`Val::group_key`] is: the common kinds directly,
/// numbers by their value as a float (`1` and `1.0` group together), the rest by their key text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Key {
    Null,
    Bool(bool),
    Num(u64),
    Str(String),
    Node(NodeIx),
    Rel(EdgeIx),
    Other(String),
}

impl From<Val> for Key {
    fn from(v: Val) -> Key {
        match v {
            Val::Null => Key::Null,
            Val::Bool(b) => Key::Bool(b),
            Val::Int(i) => Key::Num((i as f64).to_bits()),
            Val::Float(f) if !f.is_nan() => Key::Num(f.to_bits()),
            Val::Str(s) => Key::Str(s),
            Val::Node(n) => Key::Node(n),
            Val::Rel(e) => Key::Rel(e),
            other => Key::Other(other.group_key()),
        }
    }
}

type WordBuild = std::hash::BuildHasherDefault<WordHash>;

/// The running state of one aggregate call over one group's matches.
pub(super) enum Acc {
    /// `count(…)`: the non-null values.
    Count(u64),
    /// Any aggregate with DISTINCT: the distinct non-null values, in first-seen order.
    Distinct(std::collections::HashSet<Key, WordBuild>, Vec<Val>),
    /// `min` / `max`: the first smallest / the last largest value, as `aggregate` picks them.
    Min(Option<Val>),
    Max(Option<Val>),
    /// `sum` / `avg`: the integer sum while it fits, the float sum, how many, and the first
    /// value that is not a number.
    Sum {
        int: Option<i64>,
        float: f64,
        all_int: bool,
        n: usize,
        bad: Option<&'static str>,
    },
    /// `collect`: the non-null values.
    Collect(Vec<Val>),
}

/// One aggregate call of a projection.
pub(super) struct Agg<'e> {
    call: &'e Expr,
    pub(super) name: &'e str,
    pub(super) distinct: bool,
    /// The argument; `None` for `count(*)`.
    pub(super) arg: Option<&'e Expr>,
}

impl Agg<'_> {
    fn start(&self) -> Acc {
        if self.distinct {
            return Acc::Distinct(Default::default(), Vec::new());
        }
        match self.name {
            "count" => Acc::Count(0),
            "min" => Acc::Min(None),
            "max" => Acc::Max(None),
            "sum" | "avg" => Acc::Sum { int: Some(0), float: 0.0, all_int: true, n: 0, bad: None },
            _ => Acc::Collect(Vec::new()),
        }
    }
}

impl Acc {
    /// Adds one non-null value.
    fn add(&mut self, v: Val) {
        match self {
            Acc::Count(n) => *n += 1,
            Acc::Distinct(seen, vals) => {
                if seen.insert(Key::from(v.clone())) {
                    vals.push(v);
                }
            }
            Acc::Min(m) => {
                if m.as_ref().is_none_or(|m| v.order(m).is_lt()) {
                    *m = Some(v);
                }
            }
            Acc::Max(m) => {
                if m.as_ref().is_none_or(|m| !v.order(m).is_lt()) {
                    *m = Some(v);
                }
            }
            Acc::Sum { int, float, all_int, n, bad } => {
                *n += 1;
                match v {
                    Val::Int(i) => {
                        *int = int.and_then(|s| s.checked_add(i));
                        *float += i as f64;
                    }
                    Val::Float(f) => {
                        *int = None;
                        *all_int = false;
                        *float += f;
                    }
                    other => {
                        bad.get_or_insert(other.type_name());
                    }
                }
            }
            Acc::Collect(vals) => vals.push(v),
        }
    }

    /// The aggregate's value, as `functions::aggregate` computes it from the values.
    fn finish(self, name: &str, span: &Span) -> Result<Val, QueryError> {
        Ok(match self {
            Acc::Count(n) => Val::Int(
                i64::try_from(n).map_err(|_| QueryError::new(span.clone(), "integer overflow in count()"))?,
            ),
            Acc::Distinct(_, vals) | Acc::Collect(vals) => aggregate(name, vals, span)?,
            Acc::Min(m) | Acc::Max(m) => m.unwrap_or(Val::Null),
            Acc::Sum { int, float, all_int, n, bad } => {
                if let Some(t) = bad {
                    return Err(QueryError::new(
                        span.clone(),
                        format!("{name}() needs numbers, found a {t}"),
                    ));
                }
                match (name, n, all_int, int) {
                    ("sum", 0, _, _) => Val::Int(0),
                    (_, 0, _, _) => Val::Null,
                    ("sum", _, true, Some(s)) => Val::Int(s),
                    ("sum", _, true, None) => {
                        return Err(QueryError::new(span.clone(), "integer overflow in sum()"))
                    }
                    ("sum", _, false, _) => Val::Float(float),
                    _ => Val::Float(float / n as f64),
                }
            }
        })
    }
}

/// One group: its key values, the environment of its first match, and its accumulators.
pub(super) struct Group {
    pub(super) key: Vec<Val>,
    pub(super) first: Env,
    pub(super) accs: Vec<Acc>,
}

/// The grouping state of one projection over a stream of matches.
pub(super) struct Grouper<'e> {
    items: &'e [Item],
    pub(super) keys: Vec<&'e Expr>,
    pub(super) aggs: Vec<Agg<'e>>,
    pub(super) groups: Vec<Group>,
    index: HashMap<Vec<Key>, usize, WordBuild>,
    /// The key of the match being added (reused from match to match).
    hashed: Vec<Key>,
    seen: u64,
}

impl<'e> Grouper<'e> {
    pub(super) fn new(items: &'e [Item]) -> Self {
        let keys = items.iter().filter(|i| !i.expr.has_aggregate()).map(|i| &i.expr).collect();
        let mut calls = Vec::new();
        for i in items.iter().filter(|i| i.expr.has_aggregate()) {
            aggregate_calls(&i.expr, &mut calls);
        }
        let aggs = calls
            .into_iter()
            .filter_map(|call| match &call.kind {
                ExprKind::Call { name, distinct, args, star } => Some(Agg {
                    call,
                    name: name.as_str(),
                    distinct: *distinct,
                    arg: if *star { None } else { args.first() },
                }),
                _ => None,
            })
            .collect();
        Grouper {
            items,
            keys,
            aggs,
            groups: Vec::new(),
            index: HashMap::default(),
            hashed: Vec::new(),
            seen: 0,
        }
    }
}

impl Exec<'_> {
    /// Runs `MATCH patterns WHERE filter` over `rows` and the aggregating projection `p` after it
    /// in one pass: each match updates its group's accumulators and is then forgotten. The groups
    /// come out in the order of their first match, as grouping the rows would give them.
    pub(super) fn match_grouped(
        &self,
        rows: Vec<Env>,
        patterns: &[Pattern],
        filter: Option<&Expr>,
        scope: &[String],
        p: &Projection,
    ) -> Result<(Vec<String>, Vec<Vec<Val>>), QueryError> {
        let items = p.items.as_deref().unwrap_or_default();
        let mut grouper = Grouper::new(items);
        let (pushed, rest) = plan::push_down(patterns, filter, scope);
        let saved = self.set_pushed(std::rc::Rc::new(pushed));
        self.partial.set(0);
        let mut ordered: Vec<&Pattern> = patterns.iter().filter(|p| p.shortest.is_none()).collect();
        ordered.extend(patterns.iter().filter(|p| p.shortest.is_some()));
        let span = patterns.first().map_or(0..0, |p| p.span.clone());
        let mut visit = |env: &Env| -> Result<(), QueryError> {
            grouper.seen += 1;
            if grouper.seen % 4096 == 0 {
                self.check_time(&span)?;
            }
            if grouper.seen > MAX_STREAMED {
                return Err(QueryError::new(
                    span.clone(),
                    format!("aggregating this pattern takes more than {MAX_STREAMED} matches"),
                )
                .help("narrow the pattern (labels, {id: ...}, fewer hops) or filter earlier"));
            }
            if self.all_true(&rest, env)? {
                self.accumulate(&mut grouper, env)?;
            }
            Ok(())
        };
        let mut r = Ok(());
        for row in rows {
            r = self.stream_from(&ordered, row, &mut EdgeSet::default(), &mut visit);
            if r.is_err() {
                break;
            }
        }
        self.set_pushed(saved);
        r?;
        self.grouped_rows(p, grouper)
    }

    /// Adds one match to its group.
    fn accumulate(&self, g: &mut Grouper, env: &Env) -> Result<(), QueryError> {
        g.hashed.clear();
        for e in &g.keys {
            g.hashed.push(Key::from(self.eval(e, env)?));
        }
        // Without keys there is one group.
        let found = if g.keys.is_empty() {
            g.groups.first().map(|_| 0)
        } else {
            g.index.get(g.hashed.as_slice()).copied()
        };
        let at = match found {
            Some(at) => at,
            None => {
                // A new group (rare): evaluate its key values again, to keep them as they are.
                let key: Vec<Val> = g.keys.iter().map(|e| self.eval(e, env)).collect::<Result<_, _>>()?;
                g.index.insert(g.hashed.clone(), g.groups.len());
                let accs = g.aggs.iter().map(Agg::start).collect();
                g.groups.push(Group { key, first: env.clone(), accs });
                g.groups.len() - 1
            }
        };
        let group = &mut g.groups[at];
        for (agg, acc) in g.aggs.iter().zip(group.accs.iter_mut()) {
            let v = match agg.arg {
                None => Val::Bool(true),
                Some(a) => self.eval(a, env)?,
            };
            if v != Val::Null {
                acc.add(v);
            }
        }
        Ok(())
    }

    /// The projection's output from its groups, then DISTINCT, ORDER BY, SKIP, LIMIT and WHERE.
    fn grouped_rows(&self, p: &Projection, g: Grouper) -> Result<(Vec<String>, Vec<Vec<Val>>), QueryError> {
        let (names, out) = self.group_rows(g)?;
        self.finish(p, names, out)
    }

    /// The projection's output rows from its groups, in group order, before DISTINCT, ORDER BY,
    /// SKIP, LIMIT and WHERE.
    pub(super) fn group_rows(&self, g: Grouper) -> Result<(Vec<String>, Vec<OutRow>), QueryError> {
        let names: Vec<String> = g.items.iter().map(|i| i.name.clone()).collect();
        let mut groups = g.groups;
        // With no grouping keys, aggregates over no matches still give one row (count = 0).
        if groups.is_empty() && g.keys.is_empty() {
            groups.push(Group {
                key: Vec::new(),
                first: Env::default(),
                accs: g.aggs.iter().map(Agg::start).collect(),
            });
        }
        let mut out: Vec<OutRow> = Vec::with_capacity(groups.len());
        for group in groups {
            let mut results = Vec::with_capacity(g.aggs.len());
            for (agg, acc) in g.aggs.iter().zip(group.accs) {
                results.push(acc.finish(agg.name, &agg.call.span)?);
            }
            let mut results = results.into_iter();
            let mut key_iter = group.key.into_iter();
            let mut vals = Vec::with_capacity(g.items.len());
            for item in g.items {
                if !item.expr.has_aggregate() {
                    vals.push(key_iter.next().unwrap_or(Val::Null));
                } else if matches!(&item.expr.kind, ExprKind::Call { name, .. } if AGGREGATES.contains(&name.as_str()))
                {
                    vals.push(results.next().unwrap_or(Val::Null));
                } else {
                    let mut e = item.expr.clone();
                    put_aggregates(&mut e, &mut results);
                    vals.push(self.eval(&e, &group.first)?);
                }
            }
            // ORDER BY may name a grouping expression through its variables (`n.id`): they are
            // evaluated on the group's first match.
            let mut env = group.first;
            for (n, v) in names.iter().zip(&vals) {
                env.insert(n.clone(), v.clone());
            }
            out.push((vals, env));
        }
        Ok((names, out))
    }

    /// Like `match_from`, handing each whole match to `visit` instead of keeping it.
    fn stream_from(
        &self,
        patterns: &[&Pattern],
        env: Env,
        used: &mut EdgeSet,
        visit: &mut dyn FnMut(&Env) -> Result<(), QueryError>,
    ) -> Result<(), QueryError> {
        let Some((first, rest)) = patterns.split_first() else {
            return visit(&env);
        };
        if rest.is_empty() && first.shortest.is_none() && !repeats_a_variable(first) {
            return self.stream_last(first, env, used, visit);
        }
        let matches = if first.shortest.is_some() {
            self.shortest(first, &env, used)?
        } else {
            self.pattern(first, &env, used)?
        };
        for (nodes, rels) in matches {
            let Some(env2) = self.bind(first, &env, &nodes, &rels) else { continue };
            let added: Vec<EdgeIx> = rels.iter().flat_map(edges_of).filter(|e| used.insert(*e)).collect();
            let r = self.stream_from(rest, env2, used, visit);
            for e in added {
                used.remove(&e);
            }
            r?;
        }
        Ok(())
    }

    /// The last pattern of a grouped MATCH (plain, no variable twice): each match is written
    /// into one environment reused for all of them, then visited. The pattern's checks have
    /// already tested the variables bound before, so no match is dropped here (as `bind` would).
    fn stream_last(
        &self,
        p: &Pattern,
        env: Env,
        used: &EdgeSet,
        visit: &mut dyn FnMut(&Env) -> Result<(), QueryError>,
    ) -> Result<(), QueryError> {
        let anchor = (0..p.nodes.len()).min_by_key(|&i| Self::selectivity(&p.nodes[i], &env)).unwrap_or(0);
        let mut scratch = env.clone();
        // The nodes of the previous match: a node variable is written only when its node changed.
        let mut last: Vec<Option<NodeIx>> = vec![None; p.nodes.len()];
        let mut each = |nodes: &[Option<NodeIx>], rels: &[Option<RelBind>]| -> Result<(), QueryError> {
            for ((np, n), was) in p.nodes.iter().zip(nodes).zip(last.iter_mut()) {
                if let (Some(v), Some(n)) = (&np.var, n) {
                    if *was != Some(*n) {
                        set(&mut scratch, v, Val::Node(*n));
                        *was = Some(*n);
                    }
                }
            }
            for (rp, rb) in p.rels.iter().zip(rels) {
                if let (Some(v), Some(rb)) = (&rp.var, rb) {
                    let val = match rb {
                        RelBind::One(e) => Val::Rel(*e),
                        RelBind::Many(es, _) => Val::List(es.iter().map(|e| Val::Rel(*e)).collect()),
                    };
                    set(&mut scratch, v, val);
                }
            }
            if let Some(pv) = &p.path_var {
                let nodes: Vec<NodeIx> = nodes.iter().flatten().copied().collect();
                let rels: Vec<RelBind> = rels.iter().flatten().cloned().collect();
                set(&mut scratch, pv, path_of(&nodes, &rels));
            }
            visit(&scratch)
        };
        self.pattern_into(p, &env, used, anchor, &mut Out::Each(&mut each))
    }
}

/// Sets a variable, reusing its slot when it has one.
fn set(env: &mut Env, var: &str, val: Val) {
    match env.get_mut(var) {
        Some(slot) => *slot = val,
        None => {
            env.insert(var.to_string(), val);
        }
    }
}

/// Whether the projection after a MATCH can group its matches as they come: it has items and
/// aggregates.
pub(super) fn groups_as_it_goes(p: &Projection) -> bool {
    p.items.as_ref().is_some_and(|items| items.iter().any(|i| i.expr.has_aggregate()))
}

/// The aggregate calls of an expression, in the order `fold_aggregates` replaces them.
fn aggregate_calls<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    if let ExprKind::Call { name, .. } = &e.kind {
        if AGGREGATES.contains(&name.as_str()) {
            out.push(e);
            return;
        }
    }
    match &e.kind {
        ExprKind::Prop(a, _) | ExprKind::Not(a) | ExprKind::Neg(a) | ExprKind::IsNull(a, _) => {
            aggregate_calls(a, out)
        }
        ExprKind::Index(a, b) | ExprKind::Bin(_, a, b) => {
            aggregate_calls(a, out);
            aggregate_calls(b, out);
        }
        ExprKind::List(items) | ExprKind::Call { args: items, .. } => {
            for i in items {
                aggregate_calls(i, out);
            }
        }
        ExprKind::Case { subject, whens, default } => {
            for e in subject.iter().chain(default.iter()) {
                aggregate_calls(e, out);
            }
            for (a, b) in whens {
                aggregate_calls(a, out);
                aggregate_calls(b, out);
            }
        }
        ExprKind::ListComp { list, .. } => aggregate_calls(list, out),
        ExprKind::Lit(_) | ExprKind::Param(_) | ExprKind::Var(_) | ExprKind::Exists { .. } => {}
    }
}

/// Replaces the aggregate calls of an expression by their values, in `aggregate_calls` order.
pub(super) fn put_aggregates(e: &mut Expr, vals: &mut impl Iterator<Item = Val>) {
    if let ExprKind::Call { name, .. } = &e.kind {
        if AGGREGATES.contains(&name.as_str()) {
            e.kind = ExprKind::Lit(vals.next().unwrap_or(Val::Null));
            return;
        }
    }
    match &mut e.kind {
        ExprKind::Prop(a, _) | ExprKind::Not(a) | ExprKind::Neg(a) | ExprKind::IsNull(a, _) => {
            put_aggregates(a, vals)
        }
        ExprKind::Index(a, b) | ExprKind::Bin(_, a, b) => {
            put_aggregates(a, vals);
            put_aggregates(b, vals);
        }
        ExprKind::List(items) | ExprKind::Call { args: items, .. } => {
            for i in items {
                put_aggregates(i, vals);
            }
        }
        ExprKind::Case { subject, whens, default } => {
            for e in subject.iter_mut().chain(default.iter_mut()) {
                put_aggregates(e, vals);
            }
            for (a, b) in whens {
                put_aggregates(a, vals);
                put_aggregates(b, vals);
            }
        }
        ExprKind::ListComp { list, .. } => put_aggregates(list, vals),
        ExprKind::Lit(_) | ExprKind::Param(_) | ExprKind::Var(_) | ExprKind::Exists { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::query::{check, lexer, parser};

    /// A query's columns and rows (or its error text), grouped as matches come and through rows.
    type Answer = Result<(Vec<String>, Vec<Vec<Val>>), String>;

    fn both(g: &KnowledgeGraph, q: &str) -> [Answer; 2] {
        let params = BTreeMap::from([("n".to_string(), Val::Int(2))]);
        let run = |rows_only: bool| {
            let tokens = lexer::lex(q).map_err(|e| format!("{e:?}"))?;
            let query = parser::parse(q, tokens).map_err(|e| format!("{e:?}"))?;
            check::check(g, &query, &params).map_err(|e| format!("{e:?}"))?;
            let exec = Exec::new(g, &params);
            let exec = if rows_only { exec.with_rows_only() } else { exec };
            exec.run(&query).map_err(|e| e.message)
        };
        [run(false), run(true)]
    }

    fn same(g: &KnowledgeGraph, q: &str) -> Result<Vec<Vec<Val>>, String> {
        let [streamed, rows] = both(g, q);
        assert_eq!(streamed, rows, "{q}");
        streamed.map(|(_, rows)| rows)
    }

    #[test]
    fn grouping_as_matches_come_agrees_with_grouping_rows() {
        let g = KnowledgeGraph::new(crate::testing::builtin());
        let queries = [
            // The benchmark's shape.
            "MATCH (a:Project)-[:OFFERS|USES]->(c:Chip)-[:CONTAINS]->(h:Technology)<-[:MANUFACTURES]-(m:Company)
             RETURN m.id AS maker, count(*) AS paths, count(DISTINCT a) AS projects ORDER BY paths DESC, maker LIMIT 10",
            // NULL group keys (most nodes have no segment), several keys, no ORDER BY: group order.
            "MATCH (n)-[r]->(m) RETURN n.segment, type(r), count(*), count(m.segment)",
            "MATCH (n) RETURN n.segment AS s, labels(n)[0] AS k, count(*) AS c ORDER BY c DESC, s, k",
            // DISTINCT aggregates and DISTINCT rows.
            "MATCH (a)-->(b) RETURN DISTINCT count(DISTINCT b) AS fan ORDER BY fan",
            "MATCH (a)-->(b)<--(c) RETURN count(DISTINCT c), count(DISTINCT b.layer), collect(DISTINCT labels(a)[0])",
            "MATCH (a:Company)-->(b) RETURN a.id, sum(DISTINCT b.memory_gb), avg(b.memory_gb), min(b.id), max(b.id) ORDER BY a.id",
            "MATCH (a)-->(b) RETURN min(b.layer), max(b.name), sum(b.memory_gb), avg(b.memory_gb), collect(b.id)[2]",
            // ORDER BY, SKIP and LIMIT after aggregation; ORDER BY through a key's variable.
            "MATCH (a:Company)-->(b) RETURN a.name AS n, count(*) AS c ORDER BY c DESC, a.id SKIP 2 LIMIT 5",
            // Aggregates inside expressions.
            "MATCH (a:Chip)-->(b) RETURN a.id, count(*) + 1 AS c, toString(count(b)) + '/' + a.name, CASE WHEN count(*) > 2 THEN 'many' ELSE 'few' END ORDER BY c DESC, a.id LIMIT 7",
            "MATCH (a:Chip)<--(b) RETURN size(collect(b.id)) * 2 AS s, [x IN collect(b.layer) WHERE x > 1] AS l ORDER BY s, l LIMIT 5",
            // WITH … aggregation, then more clauses.
            "MATCH (a)-->(b) WITH b, count(*) AS indeg WHERE indeg > 3 MATCH (b)-->(c) RETURN b.id, indeg, count(c) ORDER BY indeg DESC, b.id LIMIT 5",
            "MATCH (c:Company) WITH count(*) AS n MATCH (t:Technology) RETURN n, count(t)",
            "MATCH (a:Company) WITH a.hq AS hq, collect(a.id) AS ids, sum(a.employees) AS staff RETURN hq, size(ids), staff ORDER BY hq",
            // Nothing matches: one row with no keys, none with keys.
            "MATCH (a:Chip)-->(b:Chip {id: 'none'}) RETURN count(*), count(DISTINCT b), sum(b.layer), avg(b.layer), collect(b), min(b.id)",
            "MATCH (a:Chip)-->(b:Chip {id: 'none'}) RETURN a.id, count(*)",
            // WHERE, several patterns, bound variables, variable-length and path variables.
            "MATCH (a:Company)-->(b), (b)-->(c) WHERE a.id < c.id RETURN a.id, count(*) ORDER BY a.id LIMIT 5",
            "MATCH (a:Company)-[*1..2]->(b) RETURN labels(b)[0], count(*), count(DISTINCT b) ORDER BY labels(b)[0]",
            "MATCH p = (a:Chip)-->(b) RETURN length(p), count(p), count(DISTINCT nodes(p)[1])",
            "MATCH (a:Company)-[r]->(b) RETURN type(r), count(r), count(DISTINCT r) ORDER BY type(r)",
            "MATCH (a)-->(b)-->(a) RETURN count(*), count(DISTINCT a)",
            "MATCH (a:Company {id: 'tsmc'})-->(b) WITH a, b MATCH (b)<--(a) RETURN a.id, count(*)",
            "MATCH (a:Chip) MATCH (a)-->(b) RETURN a.id, count(*) AS c ORDER BY c DESC, a.id LIMIT 3",
            "MATCH (a:Chip), p = shortestPath((a)-[*..3]-(b:Company {id: 'tsmc'})) RETURN length(p), count(*) ORDER BY length(p)",
            "MATCH (a:Chip)-->(b) WHERE EXISTS { MATCH (b)<-[:MANUFACTURES]-() } RETURN count(*), count(DISTINCT b)",
            "MATCH (a:Chip)-->(b) RETURN a.memory_gb + $n AS k, count(*) ORDER BY k",
        ];
        for q in queries {
            if let Err(e) = same(&g, q) {
                panic!("{q}: {e}");
            }
        }
        // The benchmark's shape gives rows, not an empty answer.
        assert!(same(&g, queries[0]).is_ok_and(|rows| !rows.is_empty()));
        // Errors come out the same.
        for q in ["MATCH (a)-->(b) RETURN a.id, sum(b.name)", "MATCH (a)-->(b) RETURN count(*), avg(b.id)"] {
            assert!(same(&g, q).is_err_and(|e| e.contains("needs numbers")), "{q}");
        }
    }

    /// Every saved query runs the same both ways.
    #[test]
    fn saved_queries_agree_both_ways() {
        let g = KnowledgeGraph::new(crate::testing::builtin());
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
        let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        assert!(files.len() > 10);
        for f in files.iter().filter(|f| f.extension().is_some_and(|x| x == "cypher")) {
            let q = std::fs::read_to_string(f).unwrap();
            let [streamed, rows] = both(&g, &q);
            assert_eq!(streamed, rows, "{}", f.display());
        }
    }

    #[test]
    fn keys_group_as_group_key_does() {
        let vals = [
            Val::Null,
            Val::Bool(true),
            Val::Int(1),
            Val::Float(1.0),
            Val::Float(-0.0),
            Val::Int(0),
            Val::Float(f64::NAN),
            Val::Str("1".into()),
            Val::Str("n1".into()),
            Val::Node(1),
            Val::Rel(1),
            Val::List(vec![Val::Int(1)]),
            Val::List(vec![Val::Float(1.0)]),
        ];
        for a in &vals {
            for b in &vals {
                let same = Key::from(a.clone()) == Key::from(b.clone());
                assert_eq!(same, a.group_key() == b.group_key(), "{a:?} {b:?}");
            }
        }
    }
}
