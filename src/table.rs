//! Results as data: a [`Table`] of typed cells, or an [`Output::Report`] of titled [`Section`]s. Commands
//! return these; renderers turn them into bytes.

use serde::Serialize;

use crate::model::{Sym, Value};

/// One cell. `Null` prints as empty (table, CSV) or `null` (JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// No value.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// A list.
    List(Vec<Cell>),
    /// A map (a query's `properties(n)`); JSON writes it as an object.
    Map(std::collections::BTreeMap<String, Cell>),
    /// A value with a structure of its own (a query's path): tables, CSV, TSV and Markdown show
    /// its display text, JSON its structure.
    Structured(Structured),
}

/// See [`Cell::Structured`].
#[derive(Debug, Clone, PartialEq)]
pub struct Structured {
    pub(crate) text: String,
    pub(crate) value: Box<Cell>,
}

impl Serialize for Structured {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl Cell {
    pub(crate) fn text(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Bool(b) => b.to_string(),
            Cell::Int(i) => i.to_string(),
            Cell::Float(f) => format_float(*f),
            Cell::Str(s) => s.clone(),
            Cell::List(items) => items.iter().map(Cell::text).collect::<Vec<_>>().join(", "),
            Cell::Map(m) => map_text(m, Cell::text, ", "),
            Cell::Structured(x) => x.text.clone(),
        }
    }
}

/// A map as `{key: value, ...}`, values written by `text` and lists joined with `sep`.
pub fn map_text(
    m: &std::collections::BTreeMap<String, Cell>,
    text: fn(&Cell) -> String,
    sep: &str,
) -> String {
    let items: Vec<String> = m
        .iter()
        .map(|(k, v)| match v {
            Cell::List(l) => format!("{k}: [{}]", l.iter().map(text).collect::<Vec<_>>().join(sep)),
            v => format!("{k}: {}", text(v)),
        })
        .collect();
    format!("{{{}}}", items.join(", "))
}

/// Floats print in their shortest round-trip form, with `.0` kept on whole numbers so that a
/// float never reads as an integer; very large or very small magnitudes in scientific notation
/// (`1.76e12`).
pub fn format_float(f: f64) -> String {
    let a = f.abs();
    if f.is_finite() && a != 0.0 && !(1e-4..1e12).contains(&a) {
        format!("{f:e}")
    } else if f.is_finite() && f == f.trunc() {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

/// `x` rounded to `places` decimals, for display of derived figures.
pub fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Str(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Str(s)
    }
}
impl From<&String> for Cell {
    fn from(s: &String) -> Self {
        Cell::Str(s.clone())
    }
}
impl From<&Sym> for Cell {
    fn from(s: &Sym) -> Self {
        Cell::Str(s.to_string())
    }
}
impl From<usize> for Cell {
    fn from(n: usize) -> Self {
        Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}
impl From<f64> for Cell {
    fn from(f: f64) -> Self {
        Cell::Float(f)
    }
}
impl From<bool> for Cell {
    fn from(b: bool) -> Self {
        Cell::Bool(b)
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(o: Option<T>) -> Self {
        o.map_or(Cell::Null, Into::into)
    }
}
impl From<&Value> for Cell {
    fn from(v: &Value) -> Self {
        match v {
            Value::Bool(b) => Cell::Bool(*b),
            Value::Int(i) => Cell::Int(*i),
            Value::Float(f) => Cell::Float(*f),
            Value::Str(s) => Cell::Str(s.clone()),
            Value::List(items) => Cell::List(items.iter().map(Cell::from).collect()),
        }
    }
}
impl From<crate::fields::FieldValue<'_>> for Cell {
    fn from(v: crate::fields::FieldValue<'_>) -> Self {
        use crate::fields::FieldValue;
        match v {
            FieldValue::Null => Cell::Null,
            FieldValue::Text(s) => s.into(),
            FieldValue::Number(x) => Cell::Float(x),
            FieldValue::Strings(l) => Cell::List(l.iter().map(Cell::from).collect()),
        }
    }
}
impl From<&[String]> for Cell {
    fn from(items: &[String]) -> Self {
        Cell::List(items.iter().map(Cell::from).collect())
    }
}

/// Rows under named columns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub(crate) columns: Vec<String>,
    /// The rows, one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub(crate) fn new(columns: &[&str]) -> Self {
        Table { columns: columns.iter().map(|c| c.to_string()).collect(), rows: Vec::new() }
    }

    /// Adds a row; it must have one cell per column.
    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "row width");
        self.rows.push(row);
    }
}

/// A titled table, one part of an [`Output::Report`].
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub(crate) title: String,
    pub(crate) table: Table,
}

/// What a command produces.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// One table.
    Table(Table),
    /// Several tables, e.g. `show` (fields, properties, edges) or `stats`.
    Report(Vec<Section>),
}
