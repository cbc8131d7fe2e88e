//! Counting without rows: `MATCH … RETURN count(*)` multiplies the counts of the MATCH's
//! independent parts, and counts each part's matches as they are found, keeping none.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::*;
use crate::query::ast::*;
use crate::query::QueryError;

impl Exec<'_> {
    /// Whether a RETURN only counts the rows of the MATCH before it: every item is `count(*)` or
    /// `count(v)` of a variable the MATCH binds (never null in its rows), with no DISTINCT inside,
    /// no grouping key, ORDER BY, SKIP, LIMIT or WHERE. Its one row is then the number of matches.
    pub(super) fn count_only(p: &Projection, patterns: &[Pattern]) -> bool {
        let Some(items) = &p.items else { return false };
        if items.is_empty()
            || p.skip.is_some()
            || p.limit.is_some()
            || !p.order.is_empty()
            || p.filter.is_some()
        {
            return false;
        }
        let vars: Vec<String> = patterns.iter().flat_map(pattern_vars).collect();
        items.iter().all(|i| match &i.expr.kind {
            ExprKind::Call { name, distinct: false, star: true, .. } => name == "count",
            ExprKind::Call { name, distinct: false, args, star: false }
                if name == "count" && args.len() == 1 =>
            {
                matches!(&args[0].kind, ExprKind::Var(v) if vars.contains(v))
            }
            _ => false,
        })
    }

    /// The number of rows `MATCH patterns WHERE filter` produces from `rows`, counted without
    /// building them.
    pub(super) fn count_clause(
        &self,
        rows: Vec<Env>,
        patterns: &[Pattern],
        filter: Option<&Expr>,
        scope: &[String],
    ) -> Result<u64, QueryError> {
        let (pushed, rest) = plan::push_down(patterns, filter, scope);
        let saved = self.set_pushed(Rc::new(pushed));
        self.partial.set(0);
        let mut total = 0u64;
        let mut r = Ok(());
        for row in &rows {
            match self.count_row(patterns, &rest, row, scope) {
                Ok(n) => total = total.saturating_add(n),
                Err(e) => {
                    r = Err(e);
                    break;
                }
            }
        }
        self.set_pushed(saved);
        r.map(|()| total)
    }

    /// The matches of the patterns from one row: the product of the counts of the independent
    /// parts (patterns that share no new variable), when no WHERE conjunct spans parts and at
    /// most one part has relationships (relationships are unique across a whole match, which
    /// couples parts that have some).
    fn count_row(
        &self,
        patterns: &[Pattern],
        rest: &[&Expr],
        row: &Env,
        scope: &[String],
    ) -> Result<u64, QueryError> {
        let all: Vec<&Pattern> = patterns.iter().collect();
        let mut parts = if rest.is_empty() { parts(patterns, scope) } else { vec![all.clone()] };
        if parts.iter().filter(|part| part.iter().any(|p| !p.rels.is_empty())).count() > 1 {
            parts = vec![all];
        }
        let mut total = 1u64;
        for part in parts {
            // Plain patterns first, then shortest paths, which need their ends bound.
            let mut ordered: Vec<&Pattern> = part.iter().filter(|p| p.shortest.is_none()).copied().collect();
            ordered.extend(part.iter().filter(|p| p.shortest.is_some()));
            let n = self.count_from(&ordered, row.clone(), &mut EdgeSet::default(), rest)?;
            if n == 0 {
                return Ok(0);
            }
            total = total.saturating_mul(n);
        }
        Ok(total)
    }

    /// Like `match_from`, counting the matches: the last plain pattern is counted as it grows.
    fn count_from(
        &self,
        patterns: &[&Pattern],
        env: Env,
        used: &mut EdgeSet,
        rest: &[&Expr],
    ) -> Result<u64, QueryError> {
        let Some((first, others)) = patterns.split_first() else {
            return Ok(self.all_true(rest, &env)? as u64);
        };
        if others.is_empty() && rest.is_empty() && first.shortest.is_none() && !repeats_a_variable(first) {
            let anchor = self.count_anchor(first, &env);
            let saved = self.tally.replace(Some(0));
            let r = self.pattern_at(first, &env, used, anchor);
            let n = self.tally.replace(saved).unwrap_or(0);
            r?;
            return Ok(n);
        }
        let matches = if first.shortest.is_some() {
            self.shortest(first, &env, used)?
        } else {
            self.pattern(first, &env, used)?
        };
        let mut n = 0u64;
        for (nodes, rels) in matches {
            let Some(env2) = self.bind(first, &env, &nodes, &rels) else { continue };
            let added: Vec<EdgeIx> = rels.iter().flat_map(edges_of).filter(|e| used.insert(*e)).collect();
            let r = self.count_from(others, env2, used, rest);
            for e in added {
                used.remove(&e);
            }
            n = n.saturating_add(r?);
            self.check_time(&first.span)?;
        }
        Ok(n)
    }

    /// Where to grow a counted pattern from: the node pattern with the fewest estimated
    /// candidates (a bound variable or an id: one; else the nodes of its labels, a tenth of them
    /// when it also has properties or pushed WHERE conjuncts). The order of matches does not
    /// matter to a count, so this may differ from the anchor that listing rows uses.
    fn count_anchor(&self, p: &Pattern, env: &Env) -> usize {
        let pushed = self.pushed();
        let estimate = |np: &NodePat| -> usize {
            if Self::selectivity(np, env) <= 1 {
                return 1;
            }
            let conds = np.var.as_ref().and_then(|v| pushed.get(v));
            let all = if np.labels.is_empty() {
                self.g.node_count()
            } else {
                self.g.kind_counts().iter().filter(|(k, _)| np.labels_allow(k)).map(|(_, n)| n).sum()
            };
            if !np.props.is_empty() || conds.is_some() {
                all / 10 + 1
            } else {
                all
            }
        };
        (0..p.nodes.len()).min_by_key(|&i| estimate(&p.nodes[i])).unwrap_or(0)
    }
}

/// The patterns grouped into independent parts: two patterns are in one part when they share a
/// variable this MATCH introduces (variables in `scope` are fixed by the row).
fn parts<'p>(patterns: &'p [Pattern], scope: &[String]) -> Vec<Vec<&'p Pattern>> {
    let mut part_of: Vec<usize> = (0..patterns.len()).collect();
    let mut first_seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, p) in patterns.iter().enumerate() {
        for v in pattern_vars(p).into_iter().filter(|v| !scope.contains(v)) {
            match first_seen.get(&v) {
                Some(&j) => {
                    let (a, b) = (part_of[i], part_of[j]);
                    for x in part_of.iter_mut() {
                        if *x == a {
                            *x = b;
                        }
                    }
                }
                None => {
                    first_seen.insert(v, i);
                }
            }
        }
    }
    let mut out: BTreeMap<usize, Vec<&Pattern>> = BTreeMap::new();
    for (i, p) in patterns.iter().enumerate() {
        out.entry(part_of[i]).or_default().push(p);
    }
    let mut parts: Vec<Vec<&Pattern>> = out.into_values().collect();
    parts.sort_by_key(|part| part.first().map(|p| p.span.start));
    parts
}
