//! The executor: clauses run in order over a table of rows (one value per variable).
//!
//! MATCH plans each pattern before it matches: it starts from the most selective node pattern (a
//! bound variable, then an `{id: …}` lookup, then a label) and grows the pattern from there.
//! Relationships are isomorphic within one MATCH: no relationship is used twice in one match.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

use petgraph::Direction;

use super::ast::*;
use super::value::Val;
use super::QueryError;
use crate::graph::KnowledgeGraph;
use crate::model::{EdgeIx, NodeIx, Value, EDGE_FIELDS, NODE_FIELDS};

/// Intermediate rows allowed before a query is stopped.
pub const MAX_ROWS: usize = 1_000_000;

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
}

/// Variables in scope and their values.
type Env = HashMap<String, Val>;

/// One match of a pattern: the node at each position and the binding of each relationship.
type Match = (Vec<NodeIx>, Vec<RelBind>);

/// An output row: its values and the environment its ORDER BY sees.
type OutRow = (Vec<Val>, Env);

/// Called for each trail found: its end, edges and inner nodes, with its edges in `used`.
type Visit<'v> = dyn FnMut(NodeIx, &[EdgeIx], &[NodeIx], &mut HashSet<EdgeIx>) -> Result<(), QueryError> + 'v;

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
        }
    }

    /// Runs the query: column names and rows.
    pub fn run(&self, q: &Query) -> Result<(Vec<String>, Vec<Vec<Val>>), QueryError> {
        let mut vars: Vec<String> = Vec::new();
        let mut rows: Vec<Env> = vec![Env::new()];
        for (i, clause) in q.clauses.iter().enumerate() {
            let budget = q.clauses.get(i + 1).and_then(|next| self.budget(next));
            match clause {
                Clause::Match { optional, patterns, filter } => {
                    for p in patterns {
                        for v in pattern_vars(p) {
                            if !vars.contains(&v) {
                                vars.push(v);
                            }
                        }
                    }
                    rows = self.match_clause(rows, *optional, patterns, filter.as_ref(), budget)?;
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

    /// The rows a MATCH must produce when the next clause is a RETURN that keeps rows in match
    /// order and stops at a LIMIT: SKIP + LIMIT. `None` when every row may matter.
    fn budget(&self, next: &Clause) -> Option<usize> {
        let Clause::Return(p) = next else { return None };
        let aggregating = p.items.as_ref().is_some_and(|items| items.iter().any(|i| i.expr.has_aggregate()));
        if p.distinct || aggregating || !p.order.is_empty() {
            return None;
        }
        let literal = |e: &Option<Expr>| match e.as_ref().map(|e| &e.kind) {
            None => Some(0),
            Some(ExprKind::Lit(Val::Int(i))) if *i >= 0 => Some(*i as usize),
            _ => None,
        };
        p.limit.as_ref()?;
        Some(literal(&p.skip)?.saturating_add(literal(&p.limit)?))
    }

    /// Stops the query after `limit` of wall-clock time.
    pub fn with_timeout(mut self, limit: std::time::Duration) -> Self {
        self.deadline = Some((std::time::Instant::now() + limit, limit));
        self
    }

    /// Fails when there are too many rows or the time is up; called wherever work grows.
    fn check_size(&self, n: usize, span: &Span) -> Result<(), QueryError> {
        if let Some((deadline, limit)) = self.deadline {
            if std::time::Instant::now() > deadline {
                return Err(QueryError::new(
                    span.clone(),
                    format!("the query did not finish within {limit:?}"),
                )
                .help("narrow the pattern (labels, {id: ...}, fewer hops) or raise --timeout"));
            }
        }
        if n > MAX_ROWS {
            return Err(QueryError::new(
                span.clone(),
                format!("the query produces more than {MAX_ROWS} intermediate rows"),
            )
            .help("narrow the pattern (labels, {id: ...}, fewer hops) or filter earlier"));
        }
        Ok(())
    }

    // ------------------------------------------------------------------------------------------
    // MATCH

    fn match_clause(
        &self,
        rows: Vec<Env>,
        optional: bool,
        patterns: &[Pattern],
        filter: Option<&Expr>,
        budget: Option<usize>,
    ) -> Result<Vec<Env>, QueryError> {
        let budget = budget.unwrap_or(usize::MAX);
        // Plain patterns first, then shortest paths, which need their ends bound.
        let mut ordered: Vec<&Pattern> = patterns.iter().filter(|p| p.shortest.is_none()).collect();
        ordered.extend(patterns.iter().filter(|p| p.shortest.is_some()));
        let new_vars: Vec<String> = patterns.iter().flat_map(pattern_vars).collect();
        let mut out = Vec::new();
        for row in rows {
            if out.len() >= budget {
                break;
            }
            // With one plain pattern and nothing to filter, matching can stop at the budget; not
            // when the pattern repeats a variable, since bind() then drops some of its matches.
            if filter.is_none()
                && !optional
                && ordered.len() == 1
                && ordered[0].shortest.is_none()
                && !repeats_a_variable(ordered[0])
            {
                self.cap.set(budget - out.len());
            }
            let mut found = Vec::new();
            let matched = self.match_from(&ordered, row.clone(), &mut HashSet::new(), &mut found);
            self.cap.set(usize::MAX);
            matched?;
            let mut kept = Vec::new();
            for env in found {
                let keep = match filter {
                    Some(f) => self.eval(f, &env)? == Val::Bool(true),
                    None => true,
                };
                if keep {
                    kept.push(env);
                }
            }
            if kept.is_empty() && optional {
                let mut r = row;
                for v in &new_vars {
                    r.entry(v.clone()).or_insert(Val::Null);
                }
                kept.push(r);
            }
            out.extend(kept);
            let span = patterns.first().map_or(0..0, |p| p.span.clone());
            self.check_size(out.len(), &span)?;
        }
        Ok(out)
    }

    fn match_from(
        &self,
        patterns: &[&Pattern],
        env: Env,
        used: &mut HashSet<EdgeIx>,
        out: &mut Vec<Env>,
    ) -> Result<(), QueryError> {
        let Some((first, rest)) = patterns.split_first() else {
            out.push(env);
            return Ok(());
        };
        let matches = if first.shortest.is_some() {
            self.shortest(first, &env, used)?
        } else {
            self.pattern(first, &env, used)?
        };
        for (nodes, rels) in matches {
            let Some(mut env2) = self.bind(first, &env, &nodes, &rels) else { continue };
            let added: Vec<EdgeIx> = rels.iter().flat_map(edges_of).filter(|e| used.insert(*e)).collect();
            env2.shrink_to_fit();
            self.match_from(rest, env2, used, out)?;
            for e in added {
                used.remove(&e);
            }
            self.check_size(out.len(), &first.span)?;
        }
        Ok(())
    }

    /// Binds the pattern's variables; `None` if a variable is already bound to something else.
    fn bind(&self, p: &Pattern, env: &Env, nodes: &[NodeIx], rels: &[RelBind]) -> Option<Env> {
        let mut env = env.clone();
        for (np, &n) in p.nodes.iter().zip(nodes) {
            if let Some(v) = &np.var {
                match env.get(v) {
                    Some(Val::Node(m)) if *m != n => return None,
                    Some(Val::Node(_)) => {}
                    Some(_) => return None,
                    None => {
                        env.insert(v.clone(), Val::Node(n));
                    }
                }
            }
        }
        for (rp, rb) in p.rels.iter().zip(rels) {
            if let Some(v) = &rp.var {
                let val = match rb {
                    RelBind::One(e) => Val::Rel(*e),
                    RelBind::Many(es, _) => Val::List(es.iter().map(|e| Val::Rel(*e)).collect()),
                };
                match env.get(v) {
                    Some(existing) if *existing != val => return None,
                    Some(_) => {}
                    None => {
                        env.insert(v.clone(), val);
                    }
                }
            }
        }
        if let Some(pv) = &p.path_var {
            let mut pn = vec![nodes[0]];
            let mut pe = Vec::new();
            for (i, rb) in rels.iter().enumerate() {
                match rb {
                    RelBind::One(e) => pe.push(*e),
                    // A zero-length hop stays on its node, which is in the path once.
                    RelBind::Many(es, _) if es.is_empty() => continue,
                    RelBind::Many(es, mids) => {
                        pe.extend(es);
                        pn.extend(mids);
                    }
                }
                pn.push(nodes[i + 1]);
            }
            env.insert(pv.clone(), Val::Path(pn, pe));
        }
        Some(env)
    }

    /// Whether node `n` satisfies a node pattern (labels, properties, and a bound variable).
    fn node_ok(&self, np: &NodePat, n: NodeIx, env: &Env) -> Result<bool, QueryError> {
        if let Some(v) = &np.var {
            match env.get(v) {
                Some(Val::Node(m)) if *m != n => return Ok(false),
                Some(Val::Node(_)) | None => {}
                Some(_) => return Ok(false),
            }
        }
        let node = self.g.node(n);
        if !np.labels_allow(&node.kind) {
            return Ok(false);
        }
        for (k, e) in &np.props {
            let want = self.eval(e, env)?;
            if node_prop(self.g, n, k).equals(&want) != Some(true) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn rel_ok(&self, rp: &RelPat, e: EdgeIx, env: &Env) -> Result<bool, QueryError> {
        let edge = self.g.edge(e);
        if !rp.types.is_empty() && !rp.types.iter().any(|(t, _)| *t == edge.rel) {
            return Ok(false);
        }
        for (k, ex) in &rp.props {
            let want = self.eval(ex, env)?;
            if rel_prop(self.g, e, k).equals(&want) != Some(true) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Candidate start nodes for one node pattern, from the cheapest source.
    fn candidates(&self, np: &NodePat, env: &Env) -> Result<Vec<NodeIx>, QueryError> {
        if let Some(Val::Node(n)) = np.var.as_ref().and_then(|v| env.get(v)) {
            return Ok(vec![*n]);
        }
        if let Some((_, e)) = np.props.iter().find(|(k, _)| k == "id") {
            if let Val::Str(id) = self.eval(e, env)? {
                return Ok(self.g.id_lookup(&id).into_iter().collect());
            }
            return Ok(Vec::new());
        }
        Ok((0..self.g.node_count()).filter(|&n| np.labels_allow(&self.g.node(n).kind)).collect())
    }

    /// How cheap a node pattern is to start from (lower is better).
    fn selectivity(np: &NodePat, env: &Env) -> u8 {
        if np.var.as_ref().is_some_and(|v| matches!(env.get(v), Some(Val::Node(_)))) {
            0
        } else if np.props.iter().any(|(k, _)| k == "id") {
            1
        } else if !np.labels.is_empty() {
            2
        } else {
            3
        }
    }

    /// Every match of a plain pattern: the node at each position and the relationship binding of
    /// each step.
    fn pattern(&self, p: &Pattern, env: &Env, used: &HashSet<EdgeIx>) -> Result<Vec<Match>, QueryError> {
        let anchor = (0..p.nodes.len()).min_by_key(|&i| Self::selectivity(&p.nodes[i], env)).unwrap_or(0);
        let mut out = Vec::new();
        self.produced.set(0);
        for start in self.candidates(&p.nodes[anchor], env)? {
            if out.len() >= self.cap.get() {
                break;
            }
            if !self.node_ok(&p.nodes[anchor], start, env)? {
                continue;
            }
            let mut nodes = vec![None; p.nodes.len()];
            nodes[anchor] = Some(start);
            let mut rels = vec![None; p.rels.len()];
            let mut local = used.clone();
            self.grow(p, env, anchor, anchor, &mut nodes, &mut rels, &mut local, &mut out)?;
        }
        Ok(out)
    }

    /// Extends a partial match: first rightwards from `hi`, then leftwards from `lo`.
    #[allow(clippy::too_many_arguments)]
    fn grow(
        &self,
        p: &Pattern,
        env: &Env,
        lo: usize,
        hi: usize,
        nodes: &mut Vec<Option<NodeIx>>,
        rels: &mut Vec<Option<RelBind>>,
        used: &mut HashSet<EdgeIx>,
        out: &mut Vec<Match>,
    ) -> Result<(), QueryError> {
        if out.len() >= self.cap.get() {
            return Ok(());
        }
        let (step, from, to, forward) = if hi + 1 < p.nodes.len() {
            (hi, hi, hi + 1, true)
        } else if lo > 0 {
            (lo - 1, lo, lo - 1, false)
        } else {
            self.produced.set(self.produced.get() + 1);
            out.push((nodes.iter().flatten().copied().collect(), rels.iter().flatten().cloned().collect()));
            return self.check_size(out.len(), &p.span);
        };
        let rp = &p.rels[step];
        let u = nodes[from].unwrap_or_default();
        let (nlo, nhi) = if forward { (lo, hi + 1) } else { (lo - 1, hi) };
        let mut each = |v: NodeIx, bind: RelBind, used: &mut HashSet<EdgeIx>| -> Result<(), QueryError> {
            if !self.node_ok(&p.nodes[to], v, env)? {
                return Ok(());
            }
            nodes[to] = Some(v);
            rels[step] = Some(bind);
            self.grow(p, env, nlo, nhi, nodes, rels, used, out)?;
            nodes[to] = None;
            rels[step] = None;
            Ok(())
        };
        match rp.hops {
            None => {
                for (e, v) in self.steps(u, rp.dir, forward) {
                    if used.contains(&e) || !self.rel_ok(rp, e, env)? || !self.rel_var_ok(rp, &[e], env) {
                        continue;
                    }
                    used.insert(e);
                    each(v, RelBind::One(e), used)?;
                    used.remove(&e);
                }
            }
            Some((min, max)) => {
                let mut visited = 0usize;
                let mut visit = |v: NodeIx, es: &[EdgeIx], mids: &[NodeIx], used: &mut HashSet<EdgeIx>| {
                    // A backwards walk is stored in pattern order (left to right).
                    let (es, mids): (Vec<EdgeIx>, Vec<NodeIx>) = if forward {
                        (es.to_vec(), mids.to_vec())
                    } else {
                        (es.iter().rev().copied().collect(), mids.iter().rev().copied().collect())
                    };
                    if !self.rel_var_ok(rp, &es, env) {
                        return Ok(());
                    }
                    each(v, RelBind::Many(es, mids), used)
                };
                let mut walk = Walk { es: Vec::new(), mids: Vec::new(), visited: &mut visited };
                self.walks(rp, env, u, forward, (min, max), used, &mut walk, &mut visit)?;
            }
        }
        Ok(())
    }

    /// A relationship variable bound by an earlier clause must match.
    fn rel_var_ok(&self, rp: &RelPat, es: &[EdgeIx], env: &Env) -> bool {
        match rp.var.as_ref().and_then(|v| env.get(v)) {
            None => true,
            Some(Val::Rel(e)) => rp.hops.is_none() && es == [*e],
            Some(Val::List(items)) => {
                rp.hops.is_some()
                    && items.len() == es.len()
                    && items.iter().zip(es).all(|(a, b)| *a == Val::Rel(*b))
            }
            Some(_) => false,
        }
    }

    /// Visits every trail (no edge twice, none already used) of `min..=max` steps from `u`,
    /// calling `visit` with its end, edges and inner nodes while the walk's edges are in `used`.
    /// Stops early once the pattern has produced as many matches as it may (`cap`).
    #[allow(clippy::too_many_arguments)]
    fn walks(
        &self,
        rp: &RelPat,
        env: &Env,
        u: NodeIx,
        forward: bool,
        (min, max): (usize, usize),
        used: &mut HashSet<EdgeIx>,
        walk: &mut Walk,
        visit: &mut Visit,
    ) -> Result<(), QueryError> {
        *walk.visited += 1;
        self.check_size(*walk.visited, &rp.span)?;
        if walk.es.len() >= min {
            visit(u, &walk.es, &walk.mids, used)?;
        }
        if walk.es.len() == max || self.produced.get() >= self.cap.get() {
            return Ok(());
        }
        for (e, v) in self.steps(u, rp.dir, forward) {
            if used.contains(&e) || !self.rel_ok(rp, e, env)? {
                continue;
            }
            if !walk.es.is_empty() {
                walk.mids.push(u);
            }
            walk.es.push(e);
            used.insert(e);
            let r = self.walks(rp, env, v, forward, (min, max), used, walk, visit);
            used.remove(&e);
            walk.es.pop();
            if !walk.es.is_empty() {
                walk.mids.pop();
            }
            r?;
            if self.produced.get() >= self.cap.get() {
                break;
            }
        }
        Ok(())
    }

    /// Edges usable from `u` for a relationship pattern, walking it forwards (left to right) or
    /// backwards: (edge, node at the other end).
    fn steps(&self, u: NodeIx, dir: Dir, forward: bool) -> Vec<(EdgeIx, NodeIx)> {
        let out = |d| self.g.incident(u, d);
        match (dir, forward) {
            (Dir::Right, true) | (Dir::Left, false) => out(Direction::Outgoing),
            (Dir::Left, true) | (Dir::Right, false) => out(Direction::Incoming),
            (Dir::Either, _) => {
                let mut all = out(Direction::Outgoing);
                all.extend(out(Direction::Incoming));
                all
            }
        }
    }

    /// `shortestPath` / `allShortestPaths` between every pair of nodes that match the two end
    /// patterns (bound variables, `{id: …}` lookups or labels).
    fn shortest(&self, p: &Pattern, env: &Env, used: &HashSet<EdgeIx>) -> Result<Vec<Match>, QueryError> {
        let ends = |np: &NodePat| -> Result<Vec<NodeIx>, QueryError> {
            let mut out = Vec::new();
            for n in self.candidates(np, env)? {
                if self.node_ok(np, n, env)? {
                    out.push(n);
                }
            }
            Ok(out)
        };
        let (starts, targets) = (ends(&p.nodes[0])?, ends(&p.nodes[1])?);
        if starts.len().saturating_mul(targets.len()) > 10_000 {
            return Err(QueryError::new(
                p.span.clone(),
                "shortestPath between more than 10,000 pairs of nodes",
            )
            .help(
                "bind both ends first: MATCH (a {id: 'x'}), (b {id: 'y'}), p = shortestPath((a)-[*..6]-(b))",
            ));
        }
        let mut out = Vec::new();
        for &a in &starts {
            for &b in &targets {
                if a != b {
                    out.extend(self.shortest_between(p, env, used, a, b)?);
                }
            }
        }
        Ok(out)
    }

    fn shortest_between(
        &self,
        p: &Pattern,
        env: &Env,
        used: &HashSet<EdgeIx>,
        a: NodeIx,
        b: NodeIx,
    ) -> Result<Vec<Match>, QueryError> {
        let rp = &p.rels[0];
        let (min, max) = rp.hops.unwrap_or((1, 1));
        // Breadth-first layers from a, remembering every predecessor edge on a shortest route.
        let n = self.g.node_count();
        let mut dist = vec![usize::MAX; n];
        let mut preds: Vec<Vec<(EdgeIx, NodeIx)>> = vec![Vec::new(); n];
        dist[a] = 0;
        let mut frontier = vec![a];
        let mut depth = 0;
        while !frontier.is_empty() && dist[b] == usize::MAX && depth < max {
            depth += 1;
            let mut next = Vec::new();
            for &u in &frontier {
                for (e, v) in self.steps(u, rp.dir, true) {
                    if used.contains(&e) || !self.rel_ok(rp, e, env)? {
                        continue;
                    }
                    if dist[v] == usize::MAX {
                        dist[v] = depth;
                        next.push(v);
                    }
                    if dist[v] == depth {
                        preds[v].push((e, u));
                    }
                }
            }
            frontier = next;
        }
        if dist[b] == usize::MAX || dist[b] < min {
            return Ok(Vec::new());
        }
        let mut paths: Vec<(Vec<EdgeIx>, Vec<NodeIx>)> = Vec::new();
        let mut stack = vec![(b, Vec::new(), Vec::new())];
        while let Some((v, es, ns)) = stack.pop() {
            if v == a {
                let mut es: Vec<EdgeIx> = es;
                es.reverse();
                let mut ns: Vec<NodeIx> = ns;
                ns.reverse();
                paths.push((es, ns));
                if p.shortest == Some(Shortest::One) || paths.len() >= MAX_ROWS {
                    break;
                }
                continue;
            }
            for &(e, u) in preds[v].iter().rev() {
                let mut es2 = es.clone();
                es2.push(e);
                let mut ns2 = ns.clone();
                if u != a {
                    ns2.push(u);
                }
                stack.push((u, es2, ns2));
            }
        }
        Ok(paths.into_iter().map(|(es, mids)| (vec![a, b], vec![RelBind::Many(es, mids)])).collect())
    }

    // ------------------------------------------------------------------------------------------
    // Projection: WITH and RETURN

    fn project(
        &self,
        vars: &[String],
        rows: Vec<Env>,
        p: &Projection,
    ) -> Result<(Vec<String>, Vec<Vec<Val>>), QueryError> {
        let items: Vec<Item> = match &p.items {
            Some(items) => items.clone(),
            None => vars
                .iter()
                .map(|v| Item {
                    expr: Expr { kind: ExprKind::Var(v.clone()), span: p.span.clone() },
                    name: v.clone(),
                })
                .collect(),
        };
        let names: Vec<String> = items.iter().map(|i| i.name.clone()).collect();
        let aggregating = items.iter().any(|i| i.expr.has_aggregate());
        // Each output row with the environment its ORDER BY sees.
        let mut out: Vec<OutRow> = Vec::new();
        if aggregating {
            let keys: Vec<usize> = (0..items.len()).filter(|&i| !items[i].expr.has_aggregate()).collect();
            let mut groups: Vec<(Vec<Val>, Vec<Env>)> = Vec::new();
            let mut index: HashMap<String, usize> = HashMap::new();
            for row in rows {
                let key: Vec<Val> =
                    keys.iter().map(|&i| self.eval(&items[i].expr, &row)).collect::<Result<_, _>>()?;
                let k = key.iter().map(Val::group_key).collect::<Vec<_>>().join("\u{1}");
                match index.get(&k) {
                    Some(&g) => groups[g].1.push(row),
                    None => {
                        index.insert(k, groups.len());
                        groups.push((key, vec![row]));
                    }
                }
            }
            // With no grouping keys, aggregates over no rows still give one row (count = 0).
            if groups.is_empty() && keys.is_empty() {
                groups.push((Vec::new(), Vec::new()));
            }
            for (key, members) in groups {
                let mut vals = Vec::with_capacity(items.len());
                let mut key_iter = key.into_iter();
                let first = members.first().cloned().unwrap_or_default();
                for item in &items {
                    if item.expr.has_aggregate() {
                        vals.push(self.eval_aggregate(&item.expr, &members, &first)?);
                    } else {
                        vals.push(key_iter.next().unwrap_or(Val::Null));
                    }
                }
                // ORDER BY may name a grouping expression through its variables (`n.id`): they
                // are evaluated on the group's first row.
                let mut env = first;
                for (n, v) in names.iter().zip(&vals) {
                    env.insert(n.clone(), v.clone());
                }
                out.push((vals, env));
            }
        } else {
            for row in rows {
                let vals: Vec<Val> =
                    items.iter().map(|i| self.eval(&i.expr, &row)).collect::<Result<_, _>>()?;
                let mut env = row;
                for (n, v) in names.iter().zip(&vals) {
                    env.insert(n.clone(), v.clone());
                }
                out.push((vals, env));
            }
        }
        if p.distinct {
            let mut seen = HashSet::new();
            out.retain(|(vals, _)| {
                seen.insert(vals.iter().map(Val::group_key).collect::<Vec<_>>().join("\u{1}"))
            });
        }
        if !p.order.is_empty() {
            let mut keyed: Vec<(Vec<Val>, OutRow)> = Vec::with_capacity(out.len());
            for row in out {
                let keys =
                    p.order.iter().map(|(e, _)| self.eval(e, &row.1)).collect::<Result<Vec<_>, _>>()?;
                keyed.push((keys, row));
            }
            keyed.sort_by(|a, b| {
                for (i, (_, desc)) in p.order.iter().enumerate() {
                    let o = a.0[i].order(&b.0[i]);
                    let o = if *desc { o.reverse() } else { o };
                    if o != std::cmp::Ordering::Equal {
                        return o;
                    }
                }
                std::cmp::Ordering::Equal
            });
            out = keyed.into_iter().map(|(_, r)| r).collect();
        }
        let count = |e: &Option<Expr>, what: &str| -> Result<Option<usize>, QueryError> {
            match e {
                None => Ok(None),
                Some(e) => match self.eval(e, &Env::new())? {
                    Val::Int(i) if i >= 0 => Ok(Some(i as usize)),
                    other => Err(QueryError::new(
                        e.span.clone(),
                        format!("{what} takes a non-negative integer, not {}", other.type_name()),
                    )),
                },
            }
        };
        let skip = count(&p.skip, "SKIP")?.unwrap_or(0);
        let limit = count(&p.limit, "LIMIT")?;
        let mut rows: Vec<(Vec<Val>, Env)> =
            out.into_iter().skip(skip).take(limit.unwrap_or(usize::MAX)).collect();
        if let Some(f) = &p.filter {
            let mut kept = Vec::new();
            for r in rows {
                if self.eval(f, &r.1)? == Val::Bool(true) {
                    kept.push(r);
                }
            }
            rows = kept;
        }
        Ok((names, rows.into_iter().map(|(v, _)| v).collect()))
    }

    /// Evaluates an expression that contains aggregates over a group of rows: each aggregate call
    /// is computed over the group, the rest of the expression on the group's first row.
    fn eval_aggregate(&self, e: &Expr, rows: &[Env], first: &Env) -> Result<Val, QueryError> {
        match &e.kind {
            ExprKind::Call { name, distinct, args, star } if AGGREGATES.contains(&name.as_str()) => {
                let mut vals = Vec::new();
                for row in rows {
                    let v = if *star { Val::Bool(true) } else { self.eval(&args[0], row)? };
                    if v != Val::Null {
                        vals.push(v);
                    }
                }
                if *distinct {
                    let mut seen = HashSet::new();
                    vals.retain(|v| seen.insert(v.group_key()));
                }
                aggregate(name, vals, &e.span)
            }
            _ => {
                // Replace each aggregate below this node by its value, then evaluate normally.
                let mut rewritten = e.clone();
                self.fold_aggregates(&mut rewritten, rows, first)?;
                self.eval(&rewritten, first)
            }
        }
    }

    fn fold_aggregates(&self, e: &mut Expr, rows: &[Env], first: &Env) -> Result<(), QueryError> {
        if let ExprKind::Call { name, .. } = &e.kind {
            if AGGREGATES.contains(&name.as_str()) {
                let v = self.eval_aggregate(e, rows, first)?;
                e.kind = ExprKind::Lit(v);
                return Ok(());
            }
        }
        match &mut e.kind {
            ExprKind::Prop(a, _) | ExprKind::Not(a) | ExprKind::Neg(a) | ExprKind::IsNull(a, _) => {
                self.fold_aggregates(a, rows, first)
            }
            ExprKind::Index(a, b) | ExprKind::Bin(_, a, b) => {
                self.fold_aggregates(a, rows, first)?;
                self.fold_aggregates(b, rows, first)
            }
            ExprKind::List(items) | ExprKind::Call { args: items, .. } => {
                for i in items {
                    self.fold_aggregates(i, rows, first)?;
                }
                Ok(())
            }
            ExprKind::Case { subject, whens, default } => {
                for e in subject.iter_mut().chain(default.iter_mut()) {
                    self.fold_aggregates(e, rows, first)?;
                }
                for (a, b) in whens {
                    self.fold_aggregates(a, rows, first)?;
                    self.fold_aggregates(b, rows, first)?;
                }
                Ok(())
            }
            ExprKind::ListComp { list, .. } => self.fold_aggregates(list, rows, first),
            ExprKind::Lit(_) | ExprKind::Param(_) | ExprKind::Var(_) | ExprKind::Exists { .. } => Ok(()),
        }
    }

    // ------------------------------------------------------------------------------------------
    // Expressions

    pub fn eval(&self, e: &Expr, env: &Env) -> Result<Val, QueryError> {
        Ok(match &e.kind {
            ExprKind::Lit(v) => v.clone(),
            ExprKind::Param(p) => self.params.get(p).cloned().ok_or_else(|| {
                QueryError::new(e.span.clone(), format!("no value for parameter `${p}`"))
                    .help(format!("pass it with --param {p}=VALUE"))
            })?,
            ExprKind::Var(v) => env
                .get(v)
                .cloned()
                .ok_or_else(|| QueryError::new(e.span.clone(), format!("unknown variable `{v}`")))?,
            ExprKind::Prop(target, key) => match self.eval(target, env)? {
                Val::Node(n) => node_prop(self.g, n, key),
                Val::Rel(r) => rel_prop(self.g, r, key),
                Val::Map(m) => m.get(key).cloned().unwrap_or(Val::Null),
                Val::Null => Val::Null,
                other => {
                    return Err(QueryError::new(
                        e.span.clone(),
                        format!("`.{key}` needs a node or relationship, not a {}", other.type_name()),
                    ))
                }
            },
            ExprKind::Index(list, idx) => match (self.eval(list, env)?, self.eval(idx, env)?) {
                (Val::List(items), Val::Int(i)) => {
                    let len = items.len() as i64;
                    let at = if i < 0 { len.saturating_add(i) } else { i };
                    if (0..len).contains(&at) {
                        items[at as usize].clone()
                    } else {
                        Val::Null
                    }
                }
                (Val::Map(m), Val::Str(k)) => m.get(&k).cloned().unwrap_or(Val::Null),
                (Val::Null, _) | (_, Val::Null) => Val::Null,
                (a, b) => {
                    return Err(QueryError::new(
                        e.span.clone(),
                        format!("cannot index a {} with a {}", a.type_name(), b.type_name()),
                    ))
                }
            },
            ExprKind::List(items) => {
                Val::List(items.iter().map(|i| self.eval(i, env)).collect::<Result<_, _>>()?)
            }
            ExprKind::Not(a) => match truth(&self.eval(a, env)?, &a.span)? {
                Some(b) => Val::Bool(!b),
                None => Val::Null,
            },
            ExprKind::Neg(a) => match self.eval(a, env)? {
                Val::Int(i) => Val::Int(
                    i.checked_neg().ok_or_else(|| QueryError::new(e.span.clone(), "integer overflow"))?,
                ),
                Val::Float(f) => Val::Float(-f),
                Val::Null => Val::Null,
                other => {
                    return Err(QueryError::new(
                        e.span.clone(),
                        format!("cannot negate a {}", other.type_name()),
                    ))
                }
            },
            ExprKind::IsNull(a, negated) => Val::Bool((self.eval(a, env)? == Val::Null) != *negated),
            ExprKind::Case { subject, whens, default } => {
                let subject = subject.as_ref().map(|s| self.eval(s, env)).transpose()?;
                for (when, then) in whens {
                    let w = self.eval(when, env)?;
                    let hit = match &subject {
                        Some(s) => s.equals(&w) == Some(true),
                        None => w == Val::Bool(true),
                    };
                    if hit {
                        return self.eval(then, env);
                    }
                }
                match default {
                    Some(d) => self.eval(d, env)?,
                    None => Val::Null,
                }
            }
            ExprKind::ListComp { var, list, filter, map } => match self.eval(list, env)? {
                Val::Null => Val::Null,
                Val::List(items) => {
                    let mut inner = env.clone();
                    let mut out = Vec::new();
                    for item in items {
                        inner.insert(var.clone(), item.clone());
                        if let Some(f) = filter {
                            if self.eval(f, &inner)? != Val::Bool(true) {
                                continue;
                            }
                        }
                        out.push(match map {
                            Some(m) => self.eval(m, &inner)?,
                            None => item,
                        });
                    }
                    Val::List(out)
                }
                other => {
                    return Err(QueryError::new(
                        list.span.clone(),
                        format!("a list comprehension needs a list, not a {}", other.type_name()),
                    ))
                }
            },
            ExprKind::Exists { patterns, filter } => self.exists(patterns, filter.as_deref(), env)?,
            ExprKind::Bin(op, a, b) => self.binary(*op, a, b, env, &e.span)?,
            ExprKind::Call { name, args, .. } => {
                if AGGREGATES.contains(&name.as_str()) {
                    return Err(QueryError::new(
                        e.span.clone(),
                        format!("{name}() is only allowed in WITH and RETURN"),
                    ));
                }
                let vals = args.iter().map(|a| self.eval(a, env)).collect::<Result<Vec<_>, _>>()?;
                self.function(name, vals, &e.span)?
            }
        })
    }

    /// A pattern predicate or EXISTS subquery: whether the patterns match at least once with the
    /// outer variables as bound (relationships already used outside may be used again); null
    /// when a variable the patterns share with the outside is null.
    fn exists(&self, patterns: &[Pattern], filter: Option<&Expr>, env: &Env) -> Result<Val, QueryError> {
        let outer_null =
            patterns.iter().flat_map(pattern_vars).any(|v| matches!(env.get(&v), Some(Val::Null)));
        if outer_null {
            return Ok(Val::Null);
        }
        let mut ordered: Vec<&Pattern> = patterns.iter().filter(|p| p.shortest.is_none()).collect();
        ordered.extend(patterns.iter().filter(|p| p.shortest.is_some()));
        let (cap, produced) = (self.cap.get(), self.produced.get());
        let one_enough = filter.is_none()
            && ordered.len() == 1
            && ordered[0].shortest.is_none()
            && !repeats_a_variable(ordered[0]);
        self.cap.set(if one_enough { 1 } else { usize::MAX });
        let mut found = Vec::new();
        let matched = self.match_from(&ordered, env.clone(), &mut HashSet::new(), &mut found);
        self.cap.set(cap);
        self.produced.set(produced);
        matched?;
        for m in &found {
            let keep = match filter {
                Some(f) => self.eval(f, m)? == Val::Bool(true),
                None => true,
            };
            if keep {
                return Ok(Val::Bool(true));
            }
        }
        Ok(Val::Bool(false))
    }

    fn binary(&self, op: BinOp, a: &Expr, b: &Expr, env: &Env, span: &Span) -> Result<Val, QueryError> {
        // AND, OR and XOR follow three-valued logic.
        if matches!(op, BinOp::And | BinOp::Or | BinOp::Xor) {
            let x = truth(&self.eval(a, env)?, &a.span)?;
            let y = truth(&self.eval(b, env)?, &b.span)?;
            let r = match op {
                BinOp::And => match (x, y) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                },
                BinOp::Or => match (x, y) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                },
                _ => match (x, y) {
                    (Some(p), Some(q)) => Some(p != q),
                    _ => None,
                },
            };
            return Ok(r.map_or(Val::Null, Val::Bool));
        }
        let x = self.eval(a, env)?;
        let y = self.eval(b, env)?;
        let cmp = |f: fn(std::cmp::Ordering) -> bool| x.compare(&y).map_or(Val::Null, |o| Val::Bool(f(o)));
        Ok(match op {
            BinOp::Eq => x.equals(&y).map_or(Val::Null, Val::Bool),
            BinOp::Ne => x.equals(&y).map_or(Val::Null, |b| Val::Bool(!b)),
            BinOp::Lt => cmp(|o| o.is_lt()),
            BinOp::Le => cmp(|o| o.is_le()),
            BinOp::Gt => cmp(|o| o.is_gt()),
            BinOp::Ge => cmp(|o| o.is_ge()),
            BinOp::In => match y {
                Val::Null => Val::Null,
                Val::List(items) => {
                    let mut unknown = false;
                    for i in &items {
                        match x.equals(i) {
                            Some(true) => return Ok(Val::Bool(true)),
                            None => unknown = true,
                            Some(false) => {}
                        }
                    }
                    if unknown {
                        Val::Null
                    } else {
                        Val::Bool(false)
                    }
                }
                other => {
                    return Err(QueryError::new(
                        b.span.clone(),
                        format!("IN needs a list, not a {}", other.type_name()),
                    ))
                }
            },
            BinOp::StartsWith | BinOp::EndsWith | BinOp::Contains | BinOp::Regex => match (&x, &y) {
                (Val::Str(s), Val::Str(t)) => Val::Bool(match op {
                    BinOp::StartsWith => s.starts_with(t.as_str()),
                    BinOp::EndsWith => s.ends_with(t.as_str()),
                    BinOp::Contains => s.contains(t.as_str()),
                    _ => self.regex(t, &b.span)?.is_match(s),
                }),
                _ => Val::Null,
            },
            _ => arithmetic(op, x, y, span)?,
        })
    }

    fn regex(&self, pattern: &str, span: &Span) -> Result<regex::Regex, QueryError> {
        if let Some(r) = self.regexes.borrow().get(pattern) {
            return Ok(r.clone());
        }
        let r = regex::Regex::new(&format!("^(?:{pattern})$"))
            .map_err(|e| QueryError::new(span.clone(), format!("bad regular expression: {e}")))?;
        self.regexes.borrow_mut().insert(pattern.to_string(), r.clone());
        Ok(r)
    }

    fn function(&self, name: &str, args: Vec<Val>, span: &Span) -> Result<Val, QueryError> {
        let arity = |n: usize| -> Result<(), QueryError> {
            if args.len() == n {
                Ok(())
            } else {
                Err(QueryError::new(
                    span.clone(),
                    format!("{name}() takes {n} argument{}", if n == 1 { "" } else { "s" }),
                ))
            }
        };
        let bad =
            |v: &Val| QueryError::new(span.clone(), format!("{name}() does not take a {}", v.type_name()));
        Ok(match name {
            "coalesce" => args.into_iter().find(|v| *v != Val::Null).unwrap_or(Val::Null),
            "size" | "length" => {
                arity(1)?;
                match &args[0] {
                    Val::Null => Val::Null,
                    Val::List(l) => Val::Int(l.len() as i64),
                    Val::Str(s) => Val::Int(s.chars().count() as i64),
                    Val::Path(_, es) if name == "length" => Val::Int(es.len() as i64),
                    other => return Err(bad(other)),
                }
            }
            "nodes" | "relationships" => {
                arity(1)?;
                match &args[0] {
                    Val::Null => Val::Null,
                    Val::Path(ns, es) if name == "nodes" => {
                        Val::List(ns.iter().map(|n| Val::Node(*n)).collect())
                    }
                    Val::Path(_, es) => Val::List(es.iter().map(|e| Val::Rel(*e)).collect()),
                    other => return Err(bad(other)),
                }
            }
            "labels" => {
                arity(1)?;
                match &args[0] {
                    Val::Null => Val::Null,
                    Val::Node(n) => Val::List(vec![Val::Str(self.g.node(*n).kind.to_string())]),
                    other => return Err(bad(other)),
                }
            }
            "type" => {
                arity(1)?;
                match &args[0] {
                    Val::Null => Val::Null,
                    Val::Rel(e) => Val::Str(self.g.edge(*e).rel.to_string()),
                    other => return Err(bad(other)),
                }
            }
            "id" => {
                arity(1)?;
                match &args[0] {
                    Val::Null => Val::Null,
                    Val::Node(n) => Val::Str(self.g.node(*n).id.0.clone()),
                    Val::Rel(e) => Val::Int(*e as i64),
                    other => return Err(bad(other)),
                }
            }
            "keys" | "properties" => {
                arity(1)?;
                let m = match &args[0] {
                    Val::Null => return Ok(Val::Null),
                    Val::Node(n) => node_props(self.g, *n),
                    Val::Rel(e) => rel_props(self.g, *e),
                    Val::Map(m) => m.clone(),
                    other => return Err(bad(other)),
                };
                if name == "keys" {
                    Val::List(m.into_keys().map(Val::Str).collect())
                } else {
                    Val::Map(m)
                }
            }
            "tolower" | "toupper" => {
                arity(1)?;
                match &args[0] {
                    Val::Null => Val::Null,
                    Val::Str(s) => {
                        Val::Str(if name == "tolower" { s.to_lowercase() } else { s.to_uppercase() })
                    }
                    other => return Err(bad(other)),
                }
            }
            "tostring" => {
                arity(1)?;
                match &args[0] {
                    Val::Null => Val::Null,
                    Val::Str(s) => Val::Str(s.clone()),
                    Val::Int(i) => Val::Str(i.to_string()),
                    Val::Float(f) => Val::Str(crate::table::format_float(*f)),
                    Val::Bool(b) => Val::Str(b.to_string()),
                    other => return Err(bad(other)),
                }
            }
            "tointeger" => {
                arity(1)?;
                match &args[0] {
                    Val::Int(i) => Val::Int(*i),
                    Val::Float(f) if f.is_finite() && f.abs() < 9.2e18 => Val::Int(f.trunc() as i64),
                    Val::Str(s) => s
                        .trim()
                        .parse::<i64>()
                        .ok()
                        .or_else(|| {
                            s.trim()
                                .parse::<f64>()
                                .ok()
                                .filter(|f| f.is_finite() && f.abs() < 9.2e18)
                                .map(|f| f as i64)
                        })
                        .map_or(Val::Null, Val::Int),
                    _ => Val::Null,
                }
            }
            "tofloat" => {
                arity(1)?;
                match &args[0] {
                    Val::Int(i) => Val::Float(*i as f64),
                    Val::Float(f) => Val::Float(*f),
                    Val::Str(s) => s.trim().parse::<f64>().map_or(Val::Null, Val::Float),
                    _ => Val::Null,
                }
            }
            // The checks before execution reject unknown functions.
            other => return Err(QueryError::new(span.clone(), format!("unknown function `{other}`"))),
        })
    }
}

/// The boolean meaning of a value: `None` for null; an error for anything else.
fn truth(v: &Val, span: &Span) -> Result<Option<bool>, QueryError> {
    match v {
        Val::Bool(b) => Ok(Some(*b)),
        Val::Null => Ok(None),
        other => {
            Err(QueryError::new(span.clone(), format!("expected a boolean, found a {}", other.type_name())))
        }
    }
}

fn arithmetic(op: BinOp, x: Val, y: Val, span: &Span) -> Result<Val, QueryError> {
    let overflow = || QueryError::new(span.clone(), "integer overflow");
    Ok(match (op, x, y) {
        (_, Val::Null, _) | (_, _, Val::Null) => Val::Null,
        (BinOp::Add, Val::Str(a), Val::Str(b)) => Val::Str(a + &b),
        (BinOp::Add, Val::List(mut a), Val::List(b)) => {
            a.extend(b);
            Val::List(a)
        }
        (BinOp::Add, Val::List(mut a), b) => {
            a.push(b);
            Val::List(a)
        }
        (op, Val::Int(a), Val::Int(b)) => Val::Int(match op {
            BinOp::Add => a.checked_add(b).ok_or_else(overflow)?,
            BinOp::Sub => a.checked_sub(b).ok_or_else(overflow)?,
            BinOp::Mul => a.checked_mul(b).ok_or_else(overflow)?,
            BinOp::Div | BinOp::Mod if b == 0 => {
                return Err(QueryError::new(span.clone(), "division by zero"))
            }
            BinOp::Div => a.checked_div(b).ok_or_else(overflow)?,
            _ => a.checked_rem(b).ok_or_else(overflow)?,
        }),
        (op, a @ (Val::Int(_) | Val::Float(_)), b @ (Val::Int(_) | Val::Float(_))) => {
            let (a, b) = (as_f64(&a), as_f64(&b));
            Val::Float(match op {
                BinOp::Add => a + b,
                BinOp::Sub => a - b,
                BinOp::Mul => a * b,
                BinOp::Div => a / b,
                _ => a % b,
            })
        }
        (_, a, b) => {
            return Err(QueryError::new(
                span.clone(),
                format!("cannot combine a {} and a {} with this operator", a.type_name(), b.type_name()),
            ))
        }
    })
}

fn as_f64(v: &Val) -> f64 {
    match v {
        Val::Int(i) => *i as f64,
        Val::Float(f) => *f,
        _ => f64::NAN,
    }
}

fn aggregate(name: &str, vals: Vec<Val>, span: &Span) -> Result<Val, QueryError> {
    Ok(match name {
        "count" => Val::Int(vals.len() as i64),
        "collect" => Val::List(vals),
        "min" => vals.into_iter().min_by(|a, b| a.order(b)).unwrap_or(Val::Null),
        "max" => vals.into_iter().max_by(|a, b| a.order(b)).unwrap_or(Val::Null),
        "sum" | "avg" => {
            if vals.is_empty() {
                return Ok(if name == "sum" { Val::Int(0) } else { Val::Null });
            }
            let mut int_sum: Option<i64> = Some(0);
            let mut float_sum = 0.0;
            for v in &vals {
                match v {
                    Val::Int(i) => {
                        int_sum = int_sum.and_then(|s| s.checked_add(*i));
                        float_sum += *i as f64;
                    }
                    Val::Float(f) => {
                        int_sum = None;
                        float_sum += f;
                    }
                    other => {
                        return Err(QueryError::new(
                            span.clone(),
                            format!("{name}() needs numbers, found a {}", other.type_name()),
                        ))
                    }
                }
            }
            let all_int = vals.iter().all(|v| matches!(v, Val::Int(_)));
            match (name, all_int, int_sum) {
                ("sum", true, Some(s)) => Val::Int(s),
                ("sum", true, None) => {
                    return Err(QueryError::new(span.clone(), "integer overflow in sum()"))
                }
                ("sum", false, _) => Val::Float(float_sum),
                _ => Val::Float(float_sum / vals.len() as f64),
            }
        }
        _ => Val::Null,
    })
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

fn from_value(v: &Value) -> Val {
    match v {
        Value::Bool(b) => Val::Bool(*b),
        Value::Int(i) => Val::Int(*i),
        Value::Float(f) => Val::Float(*f),
        Value::Str(s) => Val::Str(s.clone()),
        Value::List(items) => Val::List(items.iter().map(from_value).collect()),
    }
}

fn opt_str(s: &Option<String>) -> Val {
    s.as_ref().map_or(Val::Null, |s| Val::Str(s.clone()))
}

fn strs(items: &[String]) -> Val {
    Val::List(items.iter().map(|s| Val::Str(s.clone())).collect())
}

/// A node's property: its fields first, then its `props`; null when absent.
pub fn node_prop(g: &KnowledgeGraph, n: NodeIx, key: &str) -> Val {
    let node = g.node(n);
    match key {
        "id" => Val::Str(node.id.0.clone()),
        "name" => Val::Str(node.name.clone()),
        "name_zh" => opt_str(&node.name_zh),
        "layer" => Val::Str(node.layer.to_string()),
        "segment" => node.segment.as_ref().map_or(Val::Null, |s| Val::Str(s.to_string())),
        "summary" => opt_str(&node.summary),
        "start" => opt_str(&node.start),
        "end" => opt_str(&node.end),
        "lifecycle" => node.lifecycle.map_or(Val::Null, |l| Val::Str(l.name().to_string())),
        "aliases" => strs(&node.aliases),
        "tags" => strs(&node.tags),
        "sources" => Val::List(node.sources.iter().map(|s| Val::Str(s.0.to_string())).collect()),
        other => node.props.get(other).map_or(Val::Null, from_value),
    }
}

/// A relationship's property: its fields first, then its `props`; null when absent.
pub fn rel_prop(g: &KnowledgeGraph, e: EdgeIx, key: &str) -> Val {
    let edge = g.edge(e);
    match key {
        "share_pct" => edge.share_pct.map_or(Val::Null, Val::Float),
        "share_of" => opt_str(&edge.more().share_of),
        "as_of" => opt_str(&edge.more().as_of),
        "since" => opt_str(&edge.more().since),
        "until" => opt_str(&edge.more().until),
        "confidence" => opt_str(&edge.more().confidence),
        "status" => opt_str(&edge.more().status),
        "note" => opt_str(&edge.more().note),
        "sources" => Val::List(edge.sources.iter().map(|s| Val::Str(s.0.to_string())).collect()),
        other => edge.more().props.get(other).map_or(Val::Null, from_value),
    }
}

/// A node's non-null properties, the fields with its `props` (what `properties(n)` returns, and
/// what the Cypher export writes on the node).
fn node_props(g: &KnowledgeGraph, n: NodeIx) -> BTreeMap<String, Val> {
    let keys = NODE_FIELDS.iter().map(|k| k.to_string()).chain(g.node(n).props.keys().cloned());
    keys.filter_map(|k| Some(node_prop(g, n, &k)).filter(|v| *v != Val::Null).map(|v| (k, v))).collect()
}

/// A relationship's non-null properties.
fn rel_props(g: &KnowledgeGraph, e: EdgeIx) -> BTreeMap<String, Val> {
    let keys = EDGE_FIELDS.iter().map(|k| k.to_string()).chain(g.edge(e).more().props.keys().cloned());
    keys.filter_map(|k| Some(rel_prop(g, e, &k)).filter(|v| *v != Val::Null).map(|v| (k, v))).collect()
}
