//! Checks a parsed query against the schema before it runs: labels, relationship types,
//! property names, variables, functions and parameters. An unknown name gets the closest ones.

use std::collections::{BTreeMap, BTreeSet};

use super::ast::*;
use super::value::Val;
use super::QueryError;
use crate::diag::suggestion;
use crate::fields;
use crate::graph::KnowledgeGraph;

struct Checker<'a> {
    labels: Vec<&'a str>,
    types: Vec<&'a str>,
    props: BTreeSet<String>,
    params: &'a BTreeMap<String, Val>,
}

fn unknown(span: &Span, what: &str, name: &str, known: impl IntoIterator<Item = String>) -> QueryError {
    let known: Vec<String> = known.into_iter().collect();
    let err = QueryError::new(span.clone(), format!("unknown {what} `{name}`"));
    match suggestion(name, known.iter().map(String::as_str)) {
        Some(h) => err.help(h),
        None => err,
    }
}

pub fn check(g: &KnowledgeGraph, q: &Query, params: &BTreeMap<String, Val>) -> Result<(), QueryError> {
    let schema = &g.dataset.schema;
    let mut props: BTreeSet<String> = fields::NODE
        .iter()
        .map(|f| f.name)
        .chain(fields::EDGE.iter().map(|f| f.name))
        .map(String::from)
        .collect();
    for k in &schema.kinds {
        props.extend(k.props.keys().cloned());
    }
    props.extend(g.edge_prop_keys().iter().cloned());
    // A metric is a node property in every view, standing or not (null before its first value).
    for m in &schema.metrics {
        props.insert(m.id.clone());
        props.insert(format!("{}{}", m.id, crate::model::METRIC_AS_OF_SUFFIX));
    }
    let c = Checker {
        labels: schema.kinds.iter().map(|k| k.id.as_str()).collect(),
        types: schema.relations.iter().map(|r| r.id.as_str()).collect(),
        props,
        params,
    };
    let mut scope: BTreeSet<String> = BTreeSet::new();
    for clause in &q.clauses {
        match clause {
            Clause::Match { patterns, filter, .. } => {
                for p in patterns {
                    for v in super::exec::pattern_vars(p) {
                        scope.insert(v);
                    }
                }
                for p in patterns {
                    c.pattern(p, &scope)?;
                }
                if let Some(f) = filter {
                    c.expr(f, &scope, false)?;
                }
            }
            Clause::Unwind { list, var } => {
                c.expr(list, &scope, false)?;
                scope.insert(var.clone());
            }
            Clause::With(p) | Clause::Return(p) => {
                let mut next = BTreeSet::new();
                match &p.items {
                    Some(items) => {
                        for i in items {
                            c.expr(&i.expr, &scope, true)?;
                            next.insert(i.name.clone());
                        }
                    }
                    None => next = scope.clone(),
                }
                // ORDER BY sees the projected names and the variables before the projection
                // (after an aggregation, their values on the group's first row).
                let mut order_scope = next.clone();
                order_scope.extend(scope.iter().cloned());
                for (e, _) in &p.order {
                    c.expr(e, &order_scope, true)?;
                }
                for e in p.skip.iter().chain(&p.limit) {
                    c.expr(e, &BTreeSet::new(), false)?;
                }
                if let Some(f) = &p.filter {
                    c.expr(f, &next, false)?;
                }
                scope = next;
            }
        }
    }
    Ok(())
}

impl Checker<'_> {
    fn pattern(&self, p: &Pattern, scope: &BTreeSet<String>) -> Result<(), QueryError> {
        for n in &p.nodes {
            for (l, span) in &n.labels {
                if !self.labels.contains(&l.as_str()) {
                    return Err(unknown(span, "label", l, self.labels.iter().map(|s| s.to_string())));
                }
            }
            for (k, e) in &n.props {
                self.prop(k, &e.span)?;
                self.expr(e, scope, false)?;
            }
        }
        for r in &p.rels {
            for (t, span) in &r.types {
                if !self.types.contains(&t.as_str()) {
                    return Err(unknown(
                        span,
                        "relationship type",
                        t,
                        self.types.iter().map(|s| s.to_string()),
                    ));
                }
            }
            for (k, e) in &r.props {
                self.prop(k, &e.span)?;
                self.expr(e, scope, false)?;
            }
        }
        Ok(())
    }

    fn prop(&self, key: &str, span: &Span) -> Result<(), QueryError> {
        if self.props.contains(key) {
            Ok(())
        } else {
            Err(unknown(span, "property", key, self.props.iter().cloned()))
        }
    }

    /// `aggregates`: whether aggregate functions may appear (WITH and RETURN items).
    fn expr(&self, e: &Expr, scope: &BTreeSet<String>, aggregates: bool) -> Result<(), QueryError> {
        match &e.kind {
            ExprKind::Lit(_) => Ok(()),
            ExprKind::Param(p) => {
                if self.params.contains_key(p) {
                    Ok(())
                } else {
                    Err(QueryError::new(e.span.clone(), format!("no value for parameter `${p}`"))
                        .help(format!("pass it with --param {p}=VALUE")))
                }
            }
            ExprKind::Var(v) => {
                if scope.contains(v) {
                    Ok(())
                } else {
                    Err(unknown(&e.span, "variable", v, scope.iter().cloned()))
                }
            }
            ExprKind::Prop(target, key) => {
                self.expr(target, scope, aggregates)?;
                let key_span = e.span.end.saturating_sub(key.len())..e.span.end;
                self.prop(key, &key_span)
            }
            ExprKind::Index(a, b) | ExprKind::Bin(_, a, b) => {
                self.expr(a, scope, aggregates)?;
                self.expr(b, scope, aggregates)
            }
            ExprKind::Not(a) | ExprKind::Neg(a) | ExprKind::IsNull(a, _) => self.expr(a, scope, aggregates),
            ExprKind::List(items) => items.iter().try_for_each(|i| self.expr(i, scope, aggregates)),
            ExprKind::Case { subject, whens, default } => {
                for e in subject.iter().chain(default).map(|e| &**e) {
                    self.expr(e, scope, aggregates)?;
                }
                whens.iter().try_for_each(|(a, b)| {
                    self.expr(a, scope, aggregates)?;
                    self.expr(b, scope, aggregates)
                })
            }
            ExprKind::ListComp { var, list, filter, map } => {
                self.expr(list, scope, aggregates)?;
                let mut inner = scope.clone();
                inner.insert(var.clone());
                for e in filter.iter().chain(map) {
                    self.expr(e, &inner, false)?;
                }
                Ok(())
            }
            ExprKind::Exists { patterns, filter } => {
                let mut inner = scope.clone();
                inner.extend(patterns.iter().flat_map(super::exec::pattern_vars));
                for p in patterns {
                    self.pattern(p, &inner)?;
                }
                match filter {
                    Some(f) => self.expr(f, &inner, false),
                    None => Ok(()),
                }
            }
            ExprKind::Call { name, args, star, .. } => {
                if name == "exists" {
                    let name_span = e.span.start..e.span.start + name.len();
                    return Err(QueryError::new(name_span, "exists() is not a function here")
                        .help("write the pattern as a condition, `WHERE (a)-[:T]->(b)`, or `EXISTS { MATCH (a)-[:T]->(b) WHERE ... }`"));
                }
                if !FUNCTIONS.iter().any(|f| f.eq_ignore_ascii_case(name)) {
                    let name_span = e.span.start..e.span.start + name.len();
                    return Err(unknown(
                        &name_span,
                        "function",
                        name,
                        FUNCTIONS.iter().map(|s| s.to_string()),
                    ));
                }
                let is_agg = AGGREGATES.contains(&name.as_str());
                if is_agg && !aggregates {
                    return Err(QueryError::new(
                        e.span.clone(),
                        format!("{name}() is only allowed in WITH and RETURN"),
                    ));
                }
                if *star && name != "count" {
                    return Err(QueryError::new(e.span.clone(), "only count(*) takes `*`"));
                }
                if is_agg && !*star && args.len() != 1 {
                    return Err(QueryError::new(e.span.clone(), format!("{name}() takes one argument")));
                }
                // No aggregate inside an aggregate.
                args.iter().try_for_each(|a| self.expr(a, scope, aggregates && !is_agg))
            }
        }
    }
}
