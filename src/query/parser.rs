//! Tokens -> [`Query`], by recursive descent. Every error points at the offending token and says
//! what was expected.

use super::ast::*;
use super::lexer::{Tok, Token};
use super::value::Val;
use super::QueryError;

/// Clauses and keywords outside the read-only subset, named in the error.
const UNSUPPORTED: &[&str] =
    &["CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "CALL", "FOREACH", "LOAD", "UNION", "USE"];

/// Default and largest upper bound of a variable-length relationship.
pub const DEFAULT_MAX_HOPS: usize = 10;
pub const MAX_HOPS: usize = 20;

pub struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    pos: usize,
    /// Expressions being parsed inside one another; bounded so that no input overflows the stack.
    depth: usize,
}

/// How deeply expressions may nest (parentheses, lists, NOT, unary minus).
pub const MAX_DEPTH: usize = 200;

pub fn parse(src: &str, toks: Vec<Token>) -> Result<Query, QueryError> {
    Parser::new(src, toks).query()
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a str, toks: Vec<Token>) -> Self {
        Parser { src, toks, pos: 0, depth: 0 }
    }

    pub fn at_end(&self) -> bool {
        matches!(self.peek().tok, Tok::End)
    }

    fn peek(&self) -> &Token {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn peek_at(&self, n: usize) -> &Token {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(&self.peek().tok, Tok::Ident(s) if s.eq_ignore_ascii_case(kw))
    }

    fn is_kw_at(&self, n: usize, kw: &str) -> bool {
        matches!(&self.peek_at(n).tok, Tok::Ident(s) if s.eq_ignore_ascii_case(kw))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(&self.peek().tok, Tok::Punct(q) if *q == p)
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        if self.is_punct(p) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn describe(t: &Token) -> String {
        match &t.tok {
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Quoted(s) => format!("`{s}`"),
            Tok::Int(i) => format!("`{i}`"),
            Tok::Float(f) => format!("`{f}`"),
            Tok::Str(_) => "a string".into(),
            Tok::Param(p) => format!("`${p}`"),
            Tok::Punct(p) => format!("`{p}`"),
            Tok::End => "the end of the query".into(),
        }
    }

    fn error(&self, expected: &str) -> QueryError {
        let t = self.peek();
        QueryError::new(t.span.clone(), format!("expected {expected}, found {}", Self::describe(t)))
    }

    fn expect_punct(&mut self, p: &str) -> Result<Token, QueryError> {
        if self.is_punct(p) {
            Ok(self.bump())
        } else {
            Err(self.error(&format!("`{p}`")))
        }
    }

    fn expect_kw(&mut self, kw: &str) -> Result<(), QueryError> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.error(&format!("`{kw}`")))
        }
    }

    fn name(&mut self, what: &str) -> Result<(String, Span), QueryError> {
        let t = self.peek().clone();
        match t.tok {
            Tok::Ident(s) | Tok::Quoted(s) => {
                self.bump();
                Ok((s, t.span))
            }
            _ => Err(self.error(what)),
        }
    }

    fn unsupported_check(&self) -> Result<(), QueryError> {
        if let Tok::Ident(s) = &self.peek().tok {
            let up = s.to_ascii_uppercase();
            if UNSUPPORTED.contains(&up.as_str()) {
                return Err(QueryError::new(self.peek().span.clone(), format!("{up} is not supported"))
                    .help(
                        "aikg queries are read-only: MATCH, OPTIONAL MATCH, WHERE, WITH, UNWIND and RETURN",
                    ));
            }
        }
        Ok(())
    }

    fn query(&mut self) -> Result<Query, QueryError> {
        let mut clauses = Vec::new();
        loop {
            self.unsupported_check()?;
            if self.eat_kw("MATCH") {
                clauses.push(self.match_clause(false)?);
            } else if self.is_kw("OPTIONAL") {
                self.bump();
                self.expect_kw("MATCH")?;
                clauses.push(self.match_clause(true)?);
            } else if self.eat_kw("UNWIND") {
                let list = self.expr()?;
                self.expect_kw("AS")?;
                let (var, _) = self.name("a variable name")?;
                clauses.push(Clause::Unwind { list, var });
            } else if self.is_kw("WITH") {
                let start = self.bump().span.start;
                clauses.push(Clause::With(self.projection(start, true)?));
            } else if self.is_kw("RETURN") {
                let start = self.bump().span.start;
                clauses.push(Clause::Return(self.projection(start, false)?));
                self.eat_punct(";");
                if !matches!(self.peek().tok, Tok::End) {
                    self.unsupported_check()?;
                    return Err(self.error("the end of the query after RETURN"));
                }
                break;
            } else if matches!(self.peek().tok, Tok::End) {
                if clauses.is_empty() {
                    return Err(self.error("MATCH, UNWIND, WITH or RETURN"));
                }
                return Err(self.error("RETURN: a query ends with a RETURN clause"));
            } else {
                return Err(self.error("MATCH, OPTIONAL MATCH, UNWIND, WITH or RETURN"));
            }
        }
        Ok(Query { clauses })
    }

    fn match_clause(&mut self, optional: bool) -> Result<Clause, QueryError> {
        let mut patterns = vec![self.pattern()?];
        while self.eat_punct(",") {
            patterns.push(self.pattern()?);
        }
        let filter = if self.eat_kw("WHERE") { Some(self.expr()?) } else { None };
        Ok(Clause::Match { optional, patterns, filter })
    }

    fn pattern(&mut self) -> Result<Pattern, QueryError> {
        let start = self.peek().span.start;
        let mut path_var = None;
        if matches!(self.peek().tok, Tok::Ident(_) | Tok::Quoted(_))
            && matches!(self.peek_at(1).tok, Tok::Punct("="))
        {
            path_var = Some(self.name("a path variable")?.0);
            self.bump();
        }
        let shortest = if self.is_kw("shortestPath") || self.is_kw("allShortestPaths") {
            let all = self.is_kw("allShortestPaths");
            self.bump();
            self.expect_punct("(")?;
            Some(if all { Shortest::All } else { Shortest::One })
        } else {
            None
        };
        let mut nodes = vec![self.node()?];
        let mut rels = Vec::new();
        while self.is_punct("-") || (self.is_punct("<") && matches!(self.peek_at(1).tok, Tok::Punct("-"))) {
            rels.push(self.rel()?);
            nodes.push(self.node()?);
        }
        if shortest.is_some() {
            self.expect_punct(")")?;
            if rels.len() != 1 {
                return Err(QueryError::new(
                    start..self.peek().span.start,
                    "shortestPath takes one relationship",
                )
                .help("write shortestPath((a)-[:T*..5]-(b))"));
            }
        }
        let end = self.toks[self.pos.saturating_sub(1)].span.end;
        Ok(Pattern { path_var, shortest, nodes, rels, span: start..end })
    }

    fn node(&mut self) -> Result<NodePat, QueryError> {
        self.expect_punct("(")?;
        let mut var = None;
        if matches!(self.peek().tok, Tok::Ident(_) | Tok::Quoted(_)) {
            var = Some(self.name("a variable")?.0);
        }
        let mut labels = Vec::new();
        // `:A|B` is either label, `:A:B` both (as in openCypher); the two do not mix.
        let (mut any, mut all) = (None, None);
        if self.eat_punct(":") {
            labels.push(self.name("a label")?);
            loop {
                let sep = self.peek().span.clone();
                if self.eat_punct("|") {
                    any.get_or_insert(sep);
                } else if self.eat_punct(":") {
                    all.get_or_insert(sep);
                } else {
                    break;
                }
                labels.push(self.name("a label")?);
            }
        }
        if let (Some(a), Some(b)) = (&any, &all) {
            return Err(QueryError::new(
                a.start.max(b.start)..a.end.max(b.end),
                "a node pattern cannot mix label alternatives `|` with `:`",
            )
            .help("`(n:A|B)` is a node labelled A or B; `(n:A:B)` one labelled both"));
        }
        let props = if self.is_punct("{") { self.props()? } else { Vec::new() };
        self.expect_punct(")")
            .map_err(|_| self.error("`)`, a label (`:Chip`) or properties (`{id: 'h100'}`)"))?;
        Ok(NodePat { var, labels, all_labels: all.is_some(), props })
    }

    fn rel(&mut self) -> Result<RelPat, QueryError> {
        let start = self.peek().span.start;
        let left = self.eat_punct("<");
        self.expect_punct("-")?;
        let (mut var, mut types, mut props, mut hops) = (None, Vec::new(), Vec::new(), None);
        if self.eat_punct("[") {
            if matches!(self.peek().tok, Tok::Ident(_) | Tok::Quoted(_)) {
                var = Some(self.name("a variable")?.0);
            }
            if self.eat_punct(":") {
                types.push(self.name("a relationship type")?);
                while self.eat_punct("|") {
                    self.eat_punct(":");
                    types.push(self.name("a relationship type")?);
                }
            }
            if self.is_punct("*") {
                hops = Some(self.hops()?);
            }
            if self.is_punct("{") {
                props = self.props()?;
            }
            self.expect_punct("]")?;
        }
        self.expect_punct("-")?;
        let right = self.eat_punct(">");
        let dir = match (left, right) {
            (false, true) => Dir::Out,
            (true, false) => Dir::In,
            (false, false) => Dir::Both,
            (true, true) => {
                return Err(QueryError::new(
                    start..self.peek().span.start,
                    "a relationship cannot point both ways",
                )
                .help("use -[]- for either direction"))
            }
        };
        let end = self.toks[self.pos.saturating_sub(1)].span.end;
        Ok(RelPat { var, types, props, dir, hops, span: start..end })
    }

    fn hops(&mut self) -> Result<(usize, usize), QueryError> {
        let star = self.expect_punct("*")?;
        let int = |p: &mut Self| -> Result<Option<usize>, QueryError> {
            match p.peek().tok {
                Tok::Int(i) => {
                    let t = p.bump();
                    usize::try_from(i)
                        .map(Some)
                        .map_err(|_| QueryError::new(t.span, "a hop count cannot be negative"))
                }
                _ => Ok(None),
            }
        };
        let min = int(self)?;
        let (lo, hi) =
            if self.eat_punct("..") { (min.unwrap_or(1), int(self)?) } else { (min.unwrap_or(1), min) };
        let end = self.toks[self.pos.saturating_sub(1)].span.end;
        let hi = hi.unwrap_or(DEFAULT_MAX_HOPS);
        if hi > MAX_HOPS {
            return Err(QueryError::new(star.span.start..end, format!("at most {MAX_HOPS} hops are allowed"))
                .help(format!("variable-length relationships are bounded; without an upper bound they stop at {DEFAULT_MAX_HOPS}")));
        }
        if lo > hi {
            return Err(QueryError::new(
                star.span.start..end,
                format!("the lower bound {lo} is above the upper bound {hi}"),
            ));
        }
        Ok((lo, hi))
    }

    fn props(&mut self) -> Result<Vec<(String, Expr)>, QueryError> {
        self.expect_punct("{")?;
        let mut out = Vec::new();
        if !self.is_punct("}") {
            loop {
                let (k, _) = self.name("a property name")?;
                self.expect_punct(":")?;
                out.push((k, self.expr()?));
                if !self.eat_punct(",") {
                    break;
                }
            }
        }
        self.expect_punct("}")?;
        Ok(out)
    }

    fn projection(&mut self, start: usize, with: bool) -> Result<Projection, QueryError> {
        let distinct = self.eat_kw("DISTINCT");
        let items = if self.eat_punct("*") {
            None
        } else {
            let mut items = vec![self.item()?];
            while self.eat_punct(",") {
                items.push(self.item()?);
            }
            Some(items)
        };
        let mut order = Vec::new();
        if self.is_kw("ORDER") {
            self.bump();
            self.expect_kw("BY")?;
            loop {
                let e = self.expr()?;
                let desc = if self.eat_kw("DESC") || self.eat_kw("DESCENDING") {
                    true
                } else {
                    if !self.eat_kw("ASC") {
                        self.eat_kw("ASCENDING");
                    }
                    false
                };
                order.push((e, desc));
                if !self.eat_punct(",") {
                    break;
                }
            }
        }
        let skip = if self.eat_kw("SKIP") { Some(self.expr()?) } else { None };
        let limit = if self.eat_kw("LIMIT") { Some(self.expr()?) } else { None };
        let filter = if with && self.eat_kw("WHERE") { Some(self.expr()?) } else { None };
        let end = self.toks[self.pos.saturating_sub(1)].span.end;
        Ok(Projection { distinct, items, order, skip, limit, filter, span: start..end })
    }

    fn item(&mut self) -> Result<Item, QueryError> {
        let expr = self.expr()?;
        let name = if self.eat_kw("AS") {
            self.name("a column name after AS")?.0
        } else {
            self.src[expr.span.clone()].to_string()
        };
        Ok(Item { expr, name })
    }

    // Expressions, loosest first.

    pub fn expr(&mut self) -> Result<Expr, QueryError> {
        self.nested(|p| p.binary_level(0))
    }

    /// Runs `f` one nesting level deeper, or fails when the query nests too deeply.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, QueryError>) -> Result<T, QueryError> {
        if self.depth >= MAX_DEPTH {
            return Err(QueryError::new(
                self.peek().span.clone(),
                format!("expressions nest more than {MAX_DEPTH} deep"),
            ));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    /// Counts one more operator in a chain (`a + b + c`, `n.a.b`): each makes the tree one level
    /// deeper, so chains count towards [`MAX_DEPTH`] like nesting does. The caller gives the
    /// levels back with `self.depth -= chained` when the chain ends.
    fn chain(&mut self, chained: &mut usize) -> Result<(), QueryError> {
        if self.depth >= MAX_DEPTH {
            return Err(QueryError::new(
                self.peek().span.clone(),
                format!("expressions nest or chain more than {MAX_DEPTH} operators deep"),
            ));
        }
        self.depth += 1;
        *chained += 1;
        Ok(())
    }

    fn binary_level(&mut self, level: usize) -> Result<Expr, QueryError> {
        const LEVELS: [(&str, BinOp); 3] = [("OR", BinOp::Or), ("XOR", BinOp::Xor), ("AND", BinOp::And)];
        if level == LEVELS.len() {
            return self.not_expr();
        }
        let mut left = self.binary_level(level + 1)?;
        let mut chained = 0;
        while self.is_kw(LEVELS[level].0) {
            self.chain(&mut chained)?;
            self.bump();
            let right = self.binary_level(level + 1)?;
            left = bin(LEVELS[level].1, left, right);
        }
        self.depth -= chained;
        Ok(left)
    }

    fn not_expr(&mut self) -> Result<Expr, QueryError> {
        if self.is_kw("NOT") {
            let start = self.bump().span.start;
            let e = self.nested(Self::not_expr)?;
            let span = start..e.span.end;
            return Ok(Expr { kind: ExprKind::Not(Box::new(e)), span });
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, QueryError> {
        let mut left = self.additive()?;
        let mut chained = 0;
        loop {
            let op = match &self.peek().tok {
                Tok::Punct("=") => Some(BinOp::Eq),
                Tok::Punct("<>") => Some(BinOp::Ne),
                Tok::Punct("<") => Some(BinOp::Lt),
                Tok::Punct("<=") => Some(BinOp::Le),
                Tok::Punct(">") => Some(BinOp::Gt),
                Tok::Punct(">=") => Some(BinOp::Ge),
                Tok::Punct("=~") => Some(BinOp::Regex),
                Tok::Ident(s) if s.eq_ignore_ascii_case("IN") => Some(BinOp::In),
                Tok::Ident(s) if s.eq_ignore_ascii_case("CONTAINS") => Some(BinOp::Contains),
                Tok::Ident(s) if s.eq_ignore_ascii_case("STARTS") && self.is_kw_at(1, "WITH") => {
                    Some(BinOp::StartsWith)
                }
                Tok::Ident(s) if s.eq_ignore_ascii_case("ENDS") && self.is_kw_at(1, "WITH") => {
                    Some(BinOp::EndsWith)
                }
                Tok::Ident(s) if s.eq_ignore_ascii_case("IS") => {
                    self.chain(&mut chained)?;
                    self.bump();
                    let negated = self.eat_kw("NOT");
                    let end = self.peek().span.end;
                    self.expect_kw("NULL")?;
                    let span = left.span.start..end;
                    left = Expr { kind: ExprKind::IsNull(Box::new(left), negated), span };
                    continue;
                }
                _ => None,
            };
            let Some(op) = op else { break };
            self.chain(&mut chained)?;
            self.bump();
            if matches!(op, BinOp::StartsWith | BinOp::EndsWith) {
                self.bump();
            }
            let right = self.additive()?;
            left = bin(op, left, right);
        }
        self.depth -= chained;
        Ok(left)
    }

    fn additive(&mut self) -> Result<Expr, QueryError> {
        let mut left = self.multiplicative()?;
        let mut chained = 0;
        loop {
            let op = if self.is_punct("+") {
                BinOp::Add
            } else if self.is_punct("-") {
                BinOp::Sub
            } else {
                break;
            };
            self.chain(&mut chained)?;
            self.bump();
            let right = self.multiplicative()?;
            left = bin(op, left, right);
        }
        self.depth -= chained;
        Ok(left)
    }

    fn multiplicative(&mut self) -> Result<Expr, QueryError> {
        let mut left = self.unary()?;
        let mut chained = 0;
        loop {
            let op = if self.is_punct("*") {
                BinOp::Mul
            } else if self.is_punct("/") {
                BinOp::Div
            } else if self.is_punct("%") {
                BinOp::Mod
            } else {
                break;
            };
            self.chain(&mut chained)?;
            self.bump();
            let right = self.unary()?;
            left = bin(op, left, right);
        }
        self.depth -= chained;
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, QueryError> {
        if self.is_punct("-") {
            let start = self.bump().span.start;
            let e = self.nested(Self::unary)?;
            let span = start..e.span.end;
            // Fold literals so that i64::MIN can be written.
            return Ok(match e.kind {
                ExprKind::Lit(Val::Int(i)) => Expr { kind: ExprKind::Lit(Val::Int(-i)), span },
                ExprKind::Lit(Val::Float(f)) => Expr { kind: ExprKind::Lit(Val::Float(-f)), span },
                _ => Expr { kind: ExprKind::Neg(Box::new(e)), span },
            });
        }
        if self.eat_punct("+") {
            return self.nested(Self::unary);
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, QueryError> {
        let mut e = self.atom()?;
        let mut chained = 0;
        loop {
            if self.is_punct(".") || self.is_punct("[") {
                self.chain(&mut chained)?;
            }
            if self.eat_punct(".") {
                let (name, span) = self.name("a property name after `.`")?;
                let whole = e.span.start..span.end;
                e = Expr { kind: ExprKind::Prop(Box::new(e), name), span: whole };
            } else if self.is_punct("[") {
                self.bump();
                let idx = self.expr()?;
                let end = self.expect_punct("]")?.span.end;
                let whole = e.span.start..end;
                e = Expr { kind: ExprKind::Index(Box::new(e), Box::new(idx)), span: whole };
            } else {
                self.depth -= chained;
                return Ok(e);
            }
        }
    }

    fn atom(&mut self) -> Result<Expr, QueryError> {
        self.unsupported_check()?;
        let t = self.peek().clone();
        let lit = |v: Val| Expr { kind: ExprKind::Lit(v), span: t.span.clone() };
        match &t.tok {
            Tok::Int(i) => {
                self.bump();
                Ok(lit(Val::Int(*i)))
            }
            Tok::Float(f) => {
                self.bump();
                Ok(lit(Val::Float(*f)))
            }
            Tok::Str(s) => {
                self.bump();
                Ok(lit(Val::Str(s.clone())))
            }
            Tok::Param(p) => {
                self.bump();
                Ok(Expr { kind: ExprKind::Param(p.clone()), span: t.span.clone() })
            }
            Tok::Punct("(") => {
                if let Some(e) = self.pattern_predicate()? {
                    return Ok(e);
                }
                self.bump();
                let e = self.expr()?;
                let end = self.expect_punct(")")?.span.end;
                // The span covers the parentheses, so that a column named by its text reads whole.
                Ok(Expr { span: t.span.start..end, ..e })
            }
            Tok::Punct("[")
                if matches!(self.peek_at(1).tok, Tok::Ident(_) | Tok::Quoted(_))
                    && self.is_kw_at(2, "IN") =>
            {
                self.list_comprehension()
            }
            Tok::Ident(s) if s.eq_ignore_ascii_case("CASE") => self.case(),
            Tok::Ident(s)
                if s.eq_ignore_ascii_case("EXISTS") && matches!(self.peek_at(1).tok, Tok::Punct("{")) =>
            {
                self.exists_subquery()
            }
            Tok::Punct("[") => {
                self.bump();
                let mut items = Vec::new();
                if !self.is_punct("]") {
                    loop {
                        items.push(self.expr()?);
                        if !self.eat_punct(",") {
                            break;
                        }
                    }
                }
                let end = self.expect_punct("]")?.span.end;
                Ok(Expr { kind: ExprKind::List(items), span: t.span.start..end })
            }
            Tok::Ident(s) if s.eq_ignore_ascii_case("true") => {
                self.bump();
                Ok(lit(Val::Bool(true)))
            }
            Tok::Ident(s) if s.eq_ignore_ascii_case("false") => {
                self.bump();
                Ok(lit(Val::Bool(false)))
            }
            Tok::Ident(s) if s.eq_ignore_ascii_case("null") => {
                self.bump();
                Ok(lit(Val::Null))
            }
            Tok::Ident(s) if matches!(self.peek_at(1).tok, Tok::Punct("(")) => {
                let name = s.to_ascii_lowercase();
                self.bump();
                self.bump();
                let distinct = self.eat_kw("DISTINCT");
                let mut args = Vec::new();
                let mut star = false;
                if self.eat_punct("*") {
                    star = true;
                } else if !self.is_punct(")") {
                    loop {
                        args.push(self.expr()?);
                        if !self.eat_punct(",") {
                            break;
                        }
                    }
                }
                let end = self.expect_punct(")")?.span.end;
                Ok(Expr { kind: ExprKind::Call { name, distinct, args, star }, span: t.span.start..end })
            }
            Tok::Ident(s) | Tok::Quoted(s) => {
                self.bump();
                Ok(Expr { kind: ExprKind::Var(s.clone()), span: t.span.clone() })
            }
            _ => Err(self.error("an expression")),
        }
    }
}

impl Parser<'_> {
    /// A pattern used as a condition, `(a)-[:T]->(b)`, when the tokens at `(` read as one with
    /// at least one relationship; otherwise `None` with nothing consumed, and `(` starts a
    /// parenthesised expression.
    /// Once a node pattern is followed by what can only start a relationship (`-[`, `--(`,
    /// `-->`, `<-[`, `<--`), the tokens are a pattern and its errors are reported as such.
    fn pattern_predicate(&mut self) -> Result<Option<Expr>, QueryError> {
        let (pos, depth) = (self.pos, self.depth);
        let committed = self.node().is_ok() && {
            let at = |p: &Self, n: usize, q: &str| matches!(p.peek_at(n).tok, Tok::Punct(x) if x == q);
            (at(self, 0, "-")
                && (at(self, 1, "[") || (at(self, 1, "-") && (at(self, 2, "(") || at(self, 2, ">")))))
                || (at(self, 0, "<") && at(self, 1, "-") && (at(self, 2, "[") || at(self, 2, "-")))
        };
        self.pos = pos;
        self.depth = depth;
        if !committed {
            return Ok(None);
        }
        let p = self.pattern()?;
        let span = p.span.clone();
        Ok(Some(Expr { kind: ExprKind::Exists { patterns: vec![p], filter: None }, span }))
    }

    /// `EXISTS { [MATCH] pattern, ... [WHERE condition] }`.
    fn exists_subquery(&mut self) -> Result<Expr, QueryError> {
        let start = self.bump().span.start;
        self.expect_punct("{")?;
        self.eat_kw("MATCH");
        let mut patterns = vec![self.pattern()?];
        while self.eat_punct(",") {
            patterns.push(self.pattern()?);
        }
        let filter = if self.eat_kw("WHERE") { Some(Box::new(self.expr()?)) } else { None };
        self.unsupported_check()?;
        let end = self
            .expect_punct("}")
            .map_err(|_| self.error("`}`: an EXISTS subquery holds one MATCH with an optional WHERE"))?
            .span
            .end;
        Ok(Expr { kind: ExprKind::Exists { patterns, filter }, span: start..end })
    }

    /// `CASE [subject] WHEN a THEN b ... [ELSE c] END`.
    fn case(&mut self) -> Result<Expr, QueryError> {
        let start = self.bump().span.start;
        let subject = if self.is_kw("WHEN") { None } else { Some(Box::new(self.expr()?)) };
        let mut whens = Vec::new();
        while self.eat_kw("WHEN") {
            let when = self.expr()?;
            self.expect_kw("THEN")?;
            whens.push((when, self.expr()?));
        }
        if whens.is_empty() {
            return Err(self.error("WHEN: a CASE needs at least one WHEN ... THEN ..."));
        }
        let default = if self.eat_kw("ELSE") { Some(Box::new(self.expr()?)) } else { None };
        let end = self.peek().span.end;
        self.expect_kw("END").map_err(|_| self.error("WHEN, ELSE or END"))?;
        Ok(Expr { kind: ExprKind::Case { subject, whens, default }, span: start..end })
    }

    /// `[x IN list WHERE condition | expression]`.
    fn list_comprehension(&mut self) -> Result<Expr, QueryError> {
        let start = self.expect_punct("[")?.span.start;
        let (var, _) = self.name("a variable")?;
        self.expect_kw("IN")?;
        let list = Box::new(self.expr()?);
        let filter = if self.eat_kw("WHERE") { Some(Box::new(self.expr()?)) } else { None };
        let map = if self.eat_punct("|") { Some(Box::new(self.expr()?)) } else { None };
        let end = self.expect_punct("]").map_err(|_| self.error("`WHERE`, `|` or `]`"))?.span.end;
        Ok(Expr { kind: ExprKind::ListComp { var, list, filter, map }, span: start..end })
    }
}

fn bin(op: BinOp, l: Expr, r: Expr) -> Expr {
    let span = l.span.start..r.span.end;
    Expr { kind: ExprKind::Bin(op, Box::new(l), Box::new(r)), span }
}
