//! Projection (WITH and RETURN): grouping and aggregates, DISTINCT, ORDER BY, SKIP and LIMIT.

use std::collections::{HashMap, HashSet};

use super::*;
use crate::query::ast::*;
use crate::query::value::Val;
use crate::query::QueryError;

impl Exec<'_> {
    pub(super) fn project(
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
            for (i, row) in rows.into_iter().enumerate() {
                if i % 4096 == 4095 {
                    self.check_time(&p.span)?;
                }
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
            for (i, row) in rows.into_iter().enumerate() {
                if i % 4096 == 4095 {
                    self.check_time(&p.span)?;
                }
                let vals: Vec<Val> =
                    items.iter().map(|i| self.eval(&i.expr, &row)).collect::<Result<_, _>>()?;
                let mut env = row;
                for (n, v) in names.iter().zip(&vals) {
                    env.insert(n.clone(), v.clone());
                }
                out.push((vals, env));
            }
        }
        self.finish(p, names, out)
    }

    /// The end of a projection, over its output rows: DISTINCT, ORDER BY, SKIP, LIMIT and WITH's
    /// WHERE.
    pub(super) fn finish(
        &self,
        p: &Projection,
        names: Vec<String>,
        mut out: Vec<OutRow>,
    ) -> Result<(Vec<String>, Vec<Vec<Val>>), QueryError> {
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
                Some(e) => match self.eval(e, &Env::default())? {
                    Val::Int(i) if i >= 0 => Ok(Some(i as usize)),
                    Val::Int(i) => Err(QueryError::new(
                        e.span.clone(),
                        format!("{what} takes a non-negative integer, not {i}"),
                    )),
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
    pub(super) fn eval_aggregate(&self, e: &Expr, rows: &[Env], first: &Env) -> Result<Val, QueryError> {
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

    pub(super) fn fold_aggregates(&self, e: &mut Expr, rows: &[Env], first: &Env) -> Result<(), QueryError> {
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
}
