//! The planner: how much a MATCH must produce, where a pattern starts, and its candidate nodes.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::*;
use crate::model::NodeIx;
use crate::query::ast::*;
use crate::query::value::Val;
use crate::query::QueryError;

impl Exec<'_> {
    /// The rows a MATCH must produce when the next clause is a RETURN that keeps rows in match
    /// order and stops at a LIMIT: SKIP + LIMIT. `None` when every row may matter.
    pub(super) fn budget(&self, next: &Clause) -> Option<usize> {
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

    /// Candidate start nodes for one node pattern, from the cheapest source.
    pub(super) fn candidates(&self, np: &NodePat, env: &Env) -> Result<Vec<NodeIx>, QueryError> {
        if let Some(Val::Node(n)) = np.var.as_ref().and_then(|v| env.get(v)) {
            return Ok(vec![*n]);
        }
        let pushed = self.pushed();
        let pushed_id = np.var.as_ref().and_then(|v| pushed.get(v).and_then(|c| id_equality(v, c)));
        let id_prop = np.props.iter().find(|(k, _)| k == "id").map(|(_, e)| e);
        if let Some(e) = id_prop.or(pushed_id) {
            if let Val::Str(id) = self.eval(e, env)? {
                return Ok(self.g.id_lookup(&id).into_iter().collect());
            }
            return Ok(Vec::new());
        }
        Ok((0..self.g.node_count()).filter(|&n| np.labels_allow(self.g.dataset.node_kind(n))).collect())
    }

    /// The WHERE conjuncts pushed into the node patterns of the MATCH being matched.
    pub(super) fn pushed(&self) -> Rc<Pushed> {
        Rc::clone(&self.pushed.borrow())
    }

    /// Sets the pushed conjuncts; returns the ones they replace.
    pub(super) fn set_pushed(&self, pushed: Rc<Pushed>) -> Rc<Pushed> {
        self.pushed.replace(pushed)
    }

    /// Whether node `n` passes the conjuncts pushed into variable `v`.
    pub(super) fn pushed_ok(&self, v: &str, n: NodeIx, env: &Env) -> Result<bool, QueryError> {
        if self.pushed.borrow().is_empty() {
            return Ok(true);
        }
        let pushed = self.pushed();
        let Some(conds) = pushed.get(v) else { return Ok(true) };
        let mut local = env.clone();
        local.insert(v.to_string(), Val::Node(n));
        for c in conds {
            if self.eval(c, &local)? != Val::Bool(true) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// How cheap a node pattern is to start from (lower is better).
    pub(super) fn selectivity(np: &NodePat, env: &Env) -> u8 {
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
}

/// WHERE conjuncts pushed into the node patterns they test, by node variable.
pub(super) type Pushed = HashMap<String, Vec<Expr>>;

/// Splits a MATCH's WHERE into its AND-ed conjuncts, and pushes each one that tests a single node
/// variable this MATCH introduces (possibly with variables already in `scope`) into that node
/// pattern, where it is checked as soon as a node is reached there: scans, pattern growth and
/// shortest-path ends skip nodes that fail it. Returns the pushed conjuncts and the rest, which
/// are checked on each whole match. A conjunct with a subquery or a list comprehension stays.
pub(super) fn push_down<'e>(
    patterns: &[Pattern],
    filter: Option<&'e Expr>,
    scope: &[String],
) -> (Pushed, Vec<&'e Expr>) {
    let mut pushed = Pushed::new();
    let mut rest = Vec::new();
    let Some(filter) = filter else { return (pushed, rest) };
    let other_vars: HashSet<String> = patterns
        .iter()
        .flat_map(|p| p.path_var.iter().chain(p.rels.iter().flat_map(|r| r.var.iter())))
        .cloned()
        .collect();
    let node_vars: HashSet<&String> = patterns
        .iter()
        .flat_map(|p| p.nodes.iter().flat_map(|n| n.var.iter()))
        .filter(|v| !scope.contains(v) && !other_vars.contains(*v))
        .collect();
    for c in conjuncts(filter) {
        let mut free = HashSet::new();
        let target = if free_vars(c, &mut free) {
            let new: Vec<&String> = free.iter().filter(|v| !scope.contains(v)).collect();
            match new.as_slice() {
                [v] if node_vars.contains(*v) => Some((*v).clone()),
                _ => None,
            }
        } else {
            None
        };
        match target {
            Some(v) => pushed.entry(v).or_default().push(c.clone()),
            None => rest.push(c),
        }
    }
    (pushed, rest)
}

/// The AND-ed parts of an expression.
fn conjuncts(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Bin(BinOp::And, a, b) => {
            let mut out = conjuncts(a);
            out.extend(conjuncts(b));
            out
        }
        _ => vec![e],
    }
}

/// Collects the variables an expression reads; false when it has a subquery or a list
/// comprehension (whose own variables this does not follow).
pub(super) fn free_vars(e: &Expr, out: &mut HashSet<String>) -> bool {
    match &e.kind {
        ExprKind::Lit(_) | ExprKind::Param(_) => true,
        ExprKind::Var(v) => {
            out.insert(v.clone());
            true
        }
        ExprKind::Prop(a, _) | ExprKind::Not(a) | ExprKind::Neg(a) | ExprKind::IsNull(a, _) => {
            free_vars(a, out)
        }
        ExprKind::Index(a, b) | ExprKind::Bin(_, a, b) => free_vars(a, out) && free_vars(b, out),
        ExprKind::List(items) | ExprKind::Call { args: items, .. } => items.iter().all(|i| free_vars(i, out)),
        ExprKind::Case { subject, whens, default } => {
            subject.iter().chain(default.iter()).all(|e| free_vars(e, out))
                && whens.iter().all(|(a, b)| free_vars(a, out) && free_vars(b, out))
        }
        ExprKind::ListComp { .. } | ExprKind::Exists { .. } => false,
    }
}

/// `v.id = e` (or `e = v.id`) among a node variable's pushed conjuncts: the `e`, which does not
/// read `v`, for an id lookup instead of a scan.
fn id_equality<'e>(v: &str, conds: &'e [Expr]) -> Option<&'e Expr> {
    conds.iter().find_map(|c| {
        let ExprKind::Bin(BinOp::Eq, a, b) = &c.kind else { return None };
        let is_id = |x: &Expr| matches!(&x.kind, ExprKind::Prop(t, k) if k == "id" && matches!(&t.kind, ExprKind::Var(w) if w == v));
        let other = if is_id(a) { b } else if is_id(b) { a } else { return None };
        let mut free = HashSet::new();
        (free_vars(other, &mut free) && !free.contains(v)).then_some(&**other)
    })
}
