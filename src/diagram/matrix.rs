//! A matrix for two-sided questions (which networks offer which chips; which chips use which
//! memory maker): a query's rows read as (row, column[, value]); the grid marks each pair, with
//! the value when there is one.
//!
//! Order: rows and columns with more marks first, then by label.

use std::collections::BTreeMap;

use super::dot::{html, FONT};
use crate::graph::KnowledgeGraph;
use crate::query::Val;
use crate::table::format_float;

/// A query's rows as a matrix: its first column's values down, its second's across, and a
/// mark where a pair occurs (the third column's value, if it has one).
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    /// The query's column names for the rows and the columns.
    pub row_title: String,
    pub(crate) col_title: String,
    pub(crate) rows: Vec<String>,
    pub(crate) cols: Vec<String>,
    /// (row, column) -> the mark: the value, or "●".
    pub cells: BTreeMap<(usize, usize), String>,
}

/// The mark for a pair with no value.
pub const MARK: &str = "●";

fn text(g: &KnowledgeGraph, v: &Val) -> Option<String> {
    match v {
        Val::Null => None,
        Val::Bool(b) => Some(b.to_string()),
        Val::Int(i) => Some(i.to_string()),
        Val::Float(f) => Some(format_float(*f).trim_end_matches(".0").to_string()),
        Val::Str(s) => Some(s.clone()),
        Val::Node(n) => Some(g.node(*n).name.clone()),
        Val::Rel(e) => Some(g.edge(*e).rel.to_string()),
        Val::List(items) => {
            let parts: Vec<String> = items.iter().filter_map(|v| text(g, v)).collect();
            Some(parts.join(", "))
        }
        Val::Map(_) | Val::Path(..) => None,
    }
}

/// The grid from a query's columns and rows; an error when the query does not return two or
/// three columns.
pub fn from_rows(g: &KnowledgeGraph, columns: &[String], rows: &[Vec<Val>]) -> Result<Matrix, String> {
    if !(2..=3).contains(&columns.len()) {
        return Err(format!(
            "the query returns {} column{}; a matrix needs two (row, column) or three (row, column, value)",
            columns.len(),
            if columns.len() == 1 { "" } else { "s" }
        ));
    }
    let mut pairs: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for row in rows {
        let (Some(r), Some(c)) = (text(g, &row[0]), text(g, &row[1])) else { continue };
        let values = pairs.entry((r, c)).or_default();
        if let Some(v) = row.get(2).and_then(|v| text(g, v)) {
            if !values.contains(&v) {
                values.push(v);
            }
        }
    }
    let order = |labels: Vec<&String>| {
        let mut count: BTreeMap<String, usize> = BTreeMap::new();
        for l in labels {
            *count.entry(l.clone()).or_default() += 1;
        }
        let mut v: Vec<(String, usize)> = count.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v.into_iter().map(|(l, _)| l).collect::<Vec<String>>()
    };
    let rows_order = order(pairs.keys().map(|(r, _)| r).collect());
    let cols_order = order(pairs.keys().map(|(_, c)| c).collect());
    let index = |list: &[String], l: &str| list.iter().position(|x| x == l).unwrap_or(0);
    let mut cells = BTreeMap::new();
    for ((r, c), values) in pairs {
        let mark = if values.is_empty() { MARK.to_string() } else { values.join(", ") };
        cells.insert((index(&rows_order, &r), index(&cols_order, &c)), mark);
    }
    Ok(Matrix {
        row_title: columns[0].clone(),
        col_title: columns[1].clone(),
        rows: rows_order,
        cols: cols_order,
        cells,
    })
}

fn md(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The grid as a Markdown table; `footer` under it.
pub fn to_markdown(m: &Matrix, footer: &str) -> String {
    let mut out = format!("| {} / {} |", md(&m.row_title), md(&m.col_title));
    for c in &m.cols {
        out.push_str(&format!(" {} |", md(c)));
    }
    out.push_str("\n|---|");
    out.push_str(&":---:|".repeat(m.cols.len()));
    out.push('\n');
    for (i, r) in m.rows.iter().enumerate() {
        out.push_str(&format!("| {} |", md(r)));
        for j in 0..m.cols.len() {
            out.push_str(&format!(" {} |", m.cells.get(&(i, j)).map(|s| md(s)).unwrap_or_default()));
        }
        out.push('\n');
    }
    out.push_str(&format!("\n{footer}\n"));
    out
}

/// The grid as DOT: one HTML-like table; `title` above, `footer` below.
pub fn to_dot(m: &Matrix, title: &str, footer: &str) -> String {
    let mut t = String::from(
        "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"4\" COLOR=\"#bbbbbb\">",
    );
    t.push_str(&format!(
        "<TR><TD BGCOLOR=\"#eeeeee\" ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\">{} / {}</FONT></TD>",
        html(&m.row_title),
        html(&m.col_title)
    ));
    for c in &m.cols {
        t.push_str(&format!(
            "<TD BGCOLOR=\"#eeeeee\"><FONT POINT-SIZE=\"10\"><B>{}</B></FONT></TD>",
            html(c)
        ));
    }
    t.push_str("</TR>");
    for (i, r) in m.rows.iter().enumerate() {
        let shade = if i % 2 == 1 { " BGCOLOR=\"#f7f7f7\"" } else { "" };
        t.push_str(&format!(
            "<TR><TD ALIGN=\"LEFT\"{shade}><FONT POINT-SIZE=\"10\"><B>{}</B></FONT></TD>",
            html(r)
        ));
        for j in 0..m.cols.len() {
            let cell = m.cells.get(&(i, j));
            let body = match cell {
                Some(v) if v == MARK => format!("<FONT COLOR=\"#0072b2\" POINT-SIZE=\"16\">{MARK}</FONT>"),
                Some(v) => format!("<FONT POINT-SIZE=\"10\">{}</FONT>", html(v)),
                None => String::new(),
            };
            t.push_str(&format!("<TD{shade}>{body}</TD>"));
        }
        t.push_str("</TR>");
    }
    t.push_str("</TABLE>");
    let caption = format!("<FONT POINT-SIZE=\"16\"><B>{}</B></FONT>", html(title));
    // The footer is a node of its own under the grid: in the grid's table it would widen the
    // columns (Graphviz stretches a nested table to its cell).
    format!(
        "digraph aikg_matrix {{\n  graph [fontname=\"{FONT}\" bgcolor=\"#ffffff\" labelloc=\"t\" labeljust=\"l\" ranksep=\"0.05\" label=<{caption}>]\n  \
         node [fontname=\"{FONT}\" shape=\"plaintext\"]\n  \
         grid [label=<{t}>]\n  \
         footer [label=<<FONT POINT-SIZE=\"9\" COLOR=\"#555555\">{}</FONT>>]\n  \
         grid -> footer [style=\"invis\"]\n}}\n",
        html(footer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_pipes_and_keeps_order() {
        let m = Matrix {
            row_title: "a".into(),
            col_title: "b".into(),
            rows: vec!["x|y".into()],
            cols: vec!["c".into(), "d".into()],
            cells: BTreeMap::from([((0, 1), MARK.to_string())]),
        };
        let text = to_markdown(&m, "f");
        assert!(text.starts_with("| a / b | c | d |\n|---|:---:|:---:|\n| x\\|y |  | ● |\n"), "{text}");
    }
}
