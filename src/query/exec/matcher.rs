//! The matcher: patterns grown from their anchor over the graph, trails, shortest paths, EXISTS.

use super::*;
use crate::model::{EdgeIx, NodeIx};
use crate::query::ast::*;
use crate::query::value::Val;
use crate::query::QueryError;

impl Exec<'_> {
    pub(super) fn match_clause(
        &self,
        rows: Vec<Env>,
        optional: bool,
        patterns: &[Pattern],
        filter: Option<&Expr>,
        budget: Option<usize>,
        scope: &[String],
    ) -> Result<Vec<Env>, QueryError> {
        let (pushed, rest) = plan::push_down(patterns, filter, scope);
        // One bound on the partial matches of a MATCH, whatever it produces.
        self.partial.set(0);
        let saved = self.set_pushed(std::rc::Rc::new(pushed));
        let r = self.match_rows(rows, optional, patterns, &rest, budget);
        self.set_pushed(saved);
        r
    }

    /// MATCH over each row, with `filter` the WHERE conjuncts not pushed into the patterns.
    fn match_rows(
        &self,
        rows: Vec<Env>,
        optional: bool,
        patterns: &[Pattern],
        filter: &[&Expr],
        budget: Option<usize>,
    ) -> Result<Vec<Env>, QueryError> {
        let budget = budget.unwrap_or(usize::MAX);
        let span = patterns.first().map_or(0..0, |p| p.span.clone());
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
            if filter.is_empty()
                && !optional
                && ordered.len() == 1
                && ordered[0].shortest.is_none()
                && !repeats_a_variable(ordered[0])
            {
                self.cap.set(budget - out.len());
            }
            let mut found = Vec::new();
            let matched = self.match_from(&ordered, row.clone(), &mut EdgeSet::default(), &mut found);
            self.cap.set(usize::MAX);
            matched?;
            let mut kept = Vec::new();
            for (i, env) in found.into_iter().enumerate() {
                if i % 4096 == 4095 {
                    self.check_time(&span)?;
                }
                if self.all_true(filter, &env)? {
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
            self.check_size(out.len(), &span)?;
        }
        Ok(out)
    }

    /// Whether every conjunct is true on a row; all of them are evaluated, as `a AND b` does.
    pub(super) fn all_true(&self, conjuncts: &[&Expr], env: &Env) -> Result<bool, QueryError> {
        let mut all = true;
        for c in conjuncts {
            all &= self.eval(c, env)? == Val::Bool(true);
        }
        Ok(all)
    }

    pub(super) fn match_from(
        &self,
        patterns: &[&Pattern],
        env: Env,
        used: &mut EdgeSet,
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
    pub(super) fn bind(&self, p: &Pattern, env: &Env, nodes: &[NodeIx], rels: &[RelBind]) -> Option<Env> {
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
            env.insert(pv.clone(), path_of(nodes, rels));
        }
        Some(env)
    }

    /// Whether node `n` satisfies a node pattern (labels, properties, and a bound variable).
    pub(super) fn node_ok(&self, np: &NodePat, n: NodeIx, env: &Env) -> Result<bool, QueryError> {
        if let Some(v) = &np.var {
            match env.get(v) {
                Some(Val::Node(m)) if *m != n => return Ok(false),
                Some(Val::Node(_)) | None => {}
                Some(_) => return Ok(false),
            }
        }
        if !np.labels_allow(self.g.dataset.node_kind(n)) {
            return Ok(false);
        }
        for (k, e) in &np.props {
            let want = self.eval(e, env)?;
            if !node_prop_is(self.g, n, k, &want) {
                return Ok(false);
            }
        }
        match &np.var {
            Some(v) => self.pushed_ok(v, n, env),
            None => Ok(true),
        }
    }

    pub(super) fn rel_ok(&self, rp: &RelPat, e: EdgeIx, env: &Env) -> Result<bool, QueryError> {
        let rel = self.g.dataset.edge_rel(e);
        if !rp.types.is_empty() && !rp.types.iter().any(|(t, _)| t == rel) {
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

    /// Every match of a plain pattern: the node at each position and the relationship binding of
    /// each step.
    pub(super) fn pattern(&self, p: &Pattern, env: &Env, used: &EdgeSet) -> Result<Vec<Match>, QueryError> {
        let anchor = (0..p.nodes.len()).min_by_key(|&i| Self::selectivity(&p.nodes[i], env)).unwrap_or(0);
        self.pattern_at(p, env, used, anchor)
    }

    /// Every match of a plain pattern, grown from the node pattern at `anchor`.
    pub(super) fn pattern_at(
        &self,
        p: &Pattern,
        env: &Env,
        used: &EdgeSet,
        anchor: usize,
    ) -> Result<Vec<Match>, QueryError> {
        let mut out = Out::Rows(Vec::new());
        self.pattern_into(p, env, used, anchor, &mut out)?;
        Ok(match out {
            Out::Rows(rows) => rows,
            Out::Each(_) => Vec::new(),
        })
    }

    /// Every match of a plain pattern, grown from the node pattern at `anchor`, into `out`.
    pub(super) fn pattern_into(
        &self,
        p: &Pattern,
        env: &Env,
        used: &EdgeSet,
        anchor: usize,
        out: &mut Out,
    ) -> Result<(), QueryError> {
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
            self.grow(p, env, anchor, anchor, &mut nodes, &mut rels, &mut local, out)?;
        }
        Ok(())
    }

    /// Extends a partial match: first rightwards from `hi`, then leftwards from `lo`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn grow(
        &self,
        p: &Pattern,
        env: &Env,
        lo: usize,
        hi: usize,
        nodes: &mut Vec<Option<NodeIx>>,
        rels: &mut Vec<Option<RelBind>>,
        used: &mut EdgeSet,
        out: &mut Out,
    ) -> Result<(), QueryError> {
        if out.len() >= self.cap.get() {
            return Ok(());
        }
        let streaming = matches!(out, Out::Each(_));
        let grown = self.grown.get().wrapping_add(1);
        self.grown.set(grown);
        // A search that grows without completing a match checks the time too.
        if grown % 4096 == 0 {
            self.check_time(&p.span)?;
        }
        // Partial matches are bounded in every mode, so that a long chain with no match (a
        // 300-hop pattern over a graph without such paths) fails within seconds.
        if hi + 1 < p.nodes.len() || lo > 0 {
            let n = self.partial.get() + 1;
            self.partial.set(n);
            if n > MAX_PARTIAL {
                let what = if streaming {
                    "aggregating over"
                } else if self.tally.get().is_some() {
                    "counting"
                } else {
                    "matching"
                };
                return Err(QueryError::new(
                    p.span.clone(),
                    format!("{what} this pattern takes more than {MAX_PARTIAL} partial matches"),
                )
                .help("narrow the pattern (labels, {id: ...}, fewer hops) or filter earlier"));
            }
        }
        let (step, from, to, forward) = if hi + 1 < p.nodes.len() {
            (hi, hi, hi + 1, true)
        } else if lo > 0 {
            (lo - 1, lo, lo - 1, false)
        } else if let Some(t) = self.tally.get() {
            // Counting: the match is complete; keep its number only.
            self.tally.set(Some(t + 1));
            return if t % 4096 == 0 { self.check_time(&p.span) } else { Ok(()) };
        } else {
            self.produced.set(self.produced.get() + 1);
            return match out {
                Out::Rows(rows) => {
                    rows.push((
                        nodes.iter().flatten().copied().collect(),
                        rels.iter().flatten().cloned().collect(),
                    ));
                    self.check_size(rows.len(), &p.span)
                }
                Out::Each(f) => f(nodes, rels),
            };
        };
        let rp = &p.rels[step];
        let u = nodes[from].unwrap_or_default();
        let (nlo, nhi) = if forward { (lo, hi + 1) } else { (lo - 1, hi) };
        let mut each = |v: NodeIx, bind: RelBind, used: &mut EdgeSet| -> Result<(), QueryError> {
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
        let last = nlo == 0 && nhi + 1 == p.nodes.len();
        match rp.hops {
            // Counting, and this step completes the match: count the usable edges and their far
            // nodes without binding them, in any order (the rows as stored: the rows sorted by
            // id need not be built for a count).
            None if last && self.tally.get().is_some() => {
                let mut n = 0u64;
                for (e, v) in self.g.edges_at(u, if forward { rp.dir } else { rp.dir.reversed() }) {
                    if !used.contains(&e)
                        && self.rel_ok(rp, e, env)?
                        && self.rel_var_ok(rp, &[e], env)
                        && self.node_ok(&p.nodes[to], v, env)?
                    {
                        n += 1;
                    }
                }
                self.tally.set(self.tally.get().map(|t| t + n));
                self.check_time(&p.span)?;
            }
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
                let mut visit = |v: NodeIx, es: &[EdgeIx], mids: &[NodeIx], used: &mut EdgeSet| {
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
    pub(super) fn rel_var_ok(&self, rp: &RelPat, es: &[EdgeIx], env: &Env) -> bool {
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
    pub(super) fn walks(
        &self,
        rp: &RelPat,
        env: &Env,
        u: NodeIx,
        forward: bool,
        (min, max): (usize, usize),
        used: &mut EdgeSet,
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
    pub(super) fn steps(
        &self,
        u: NodeIx,
        dir: Dir,
        forward: bool,
    ) -> impl Iterator<Item = (EdgeIx, NodeIx)> + '_ {
        let (out, inc) = self.g.incident_sorted(u, if forward { dir } else { dir.reversed() });
        out.iter().chain(inc).map(|&(e, v)| (e as EdgeIx, v as NodeIx))
    }

    /// `shortestPath` / `allShortestPaths` between every pair of nodes that match the two end
    /// patterns (bound variables, `{id: …}` lookups or labels).
    pub(super) fn shortest(&self, p: &Pattern, env: &Env, used: &EdgeSet) -> Result<Vec<Match>, QueryError> {
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

    pub(super) fn shortest_between(
        &self,
        p: &Pattern,
        env: &Env,
        used: &EdgeSet,
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

    /// A pattern predicate or EXISTS subquery: whether the patterns match at least once with the
    /// outer variables as bound (relationships already used outside may be used again); null
    /// when a variable the patterns share with the outside is null.
    pub(super) fn exists(
        &self,
        patterns: &[Pattern],
        filter: Option<&Expr>,
        env: &Env,
    ) -> Result<Val, QueryError> {
        let outer_null =
            patterns.iter().flat_map(pattern_vars).any(|v| matches!(env.get(&v), Some(Val::Null)));
        if outer_null {
            return Ok(Val::Null);
        }
        let mut ordered: Vec<&Pattern> = patterns.iter().filter(|p| p.shortest.is_none()).collect();
        ordered.extend(patterns.iter().filter(|p| p.shortest.is_some()));
        let (cap, produced) = (self.cap.get(), self.produced.get());
        let (saved, tally) = (self.set_pushed(Default::default()), self.tally.take());
        let one_enough = filter.is_none()
            && ordered.len() == 1
            && ordered[0].shortest.is_none()
            && !repeats_a_variable(ordered[0]);
        self.cap.set(if one_enough { 1 } else { usize::MAX });
        let mut found = Vec::new();
        let matched = self.match_from(&ordered, env.clone(), &mut EdgeSet::default(), &mut found);
        self.cap.set(cap);
        self.produced.set(produced);
        self.set_pushed(saved);
        self.tally.set(tally);
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
}

/// The path a match walks: its nodes (each variable-length hop's inner nodes included) and edges.
pub(super) fn path_of(nodes: &[NodeIx], rels: &[RelBind]) -> Val {
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
    Val::Path(pn, pe)
}
