//! The planner: how much a MATCH must produce, where a pattern starts, and its candidate nodes.

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
        if let Some((_, e)) = np.props.iter().find(|(k, _)| k == "id") {
            if let Val::Str(id) = self.eval(e, env)? {
                return Ok(self.g.id_lookup(&id).into_iter().collect());
            }
            return Ok(Vec::new());
        }
        Ok((0..self.g.node_count()).filter(|&n| np.labels_allow(&self.g.node(n).kind)).collect())
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
