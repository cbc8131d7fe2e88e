//! Neo4j admin-import CSV: a nodes file (`:ID`, `:LABEL`, property columns `name:type`), an
//! edges file (`:START_ID`, `:END_ID`, `:TYPE`, …) and a sources file (`id:ID`, `url`, …), told
//! apart by their headers. Lists are `;`-separated (Neo4j's array delimiter) and an empty cell is
//! an absent value. CSV carries no schema: the schema comes from a TOML file, so that property
//! cells are read with the types the schema declares.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;

use crate::diag::{Diagnostic, Texts};
use crate::fields;
use crate::load::raw::*;
use crate::load::{check, LoadError, Loaded, Parts};

/// Loads `texts.files[0]` (a `schema.toml`) and the CSV files after it.
pub fn from_csv(texts: &Texts) -> Result<Loaded, LoadError> {
    let mut diags = Vec::new();
    let schema = match texts.files.first().map(|(_, t)| toml::from_str::<RawSchema>(t)) {
        None => return Err(LoadError::MissingFile("schema.toml")),
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => {
            diags.push(Diagnostic::error(0, e.span().unwrap_or(0..0), e.message().trim_end().to_string()));
            None
        }
    };
    let mut tables = Vec::new();
    for file in 1..texts.files.len() {
        match Table::read(file, &texts.files[file].1) {
            Ok(t) => tables.push(t),
            Err(d) => diags.push(d),
        }
    }
    let role = |r: Role| tables.iter().position(|t| t.role == Some(r));
    for (ix, t) in tables.iter().enumerate() {
        let first = t.role.and_then(&role);
        if t.role.is_none() || first != Some(ix) {
            let what = if t.role.is_none() {
                "is not a nodes, edges, sources or observations file"
            } else {
                "repeats a file"
            };
            diags.push(
                Diagnostic::error(t.file, 0..t.header_len, format!("this CSV header {what}")).with_help(
                    "a nodes file has `:ID` and `:LABEL` columns, an edges file `:START_ID`, `:END_ID` and \
                 `:TYPE`, a sources file `id:ID` and `url`",
                ),
            );
        }
    }
    // A file that is not CSV stops here: checking the others without it would only report
    // what its absence causes (every edge naming a node of an unreadable nodes file).
    if !diags.is_empty() {
        return Err(LoadError::Invalid(diags));
    }
    let Some(sources_ix) = role(Role::Sources) else {
        return Err(LoadError::MissingFile("sources.csv (a CSV file with `id:ID` and `url` columns)"));
    };
    let types = schema.as_ref().map(prop_types).unwrap_or_default();
    let mut r = Rows { diags };
    let (nodes_ix, edges_ix, observations_ix) =
        (role(Role::Nodes), role(Role::Edges), role(Role::Observations));
    let sources = r.sources(&mut tables[sources_ix]);
    // Nodes and edges each keep their own file, so that a row's error points into it.
    let mut layer_files = Vec::new();
    if let Some(i) = nodes_ix {
        let node = r.nodes(&mut tables[i], &types);
        layer_files.push((
            tables[i].file,
            RawLayerFile { node, edge: Vec::new(), price: Vec::new(), observation: Vec::new() },
        ));
    }
    if let Some(i) = edges_ix {
        let edge = r.edges(&mut tables[i]);
        layer_files.push((
            tables[i].file,
            RawLayerFile { node: Vec::new(), edge, price: Vec::new(), observation: Vec::new() },
        ));
    }
    if let Some(i) = observations_ix {
        let observation = r.observations(&mut tables[i]);
        layer_files.push((
            tables[i].file,
            RawLayerFile { node: Vec::new(), edge: Vec::new(), price: Vec::new(), observation },
        ));
    }
    let parts = Parts {
        schema: schema.map(|s| (0, s)),
        sources: Some((tables[sources_ix].file, RawSources { source: sources })),
        layer_files,
    };
    check(texts, r.diags, parts, (0, tables[sources_ix].file))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Nodes,
    Edges,
    Sources,
    Observations,
}

/// A column: its name, its Neo4j type (after the `:`) and where its header is.
struct Column {
    name: String,
    ty: String,
    span: Range<usize>,
}

/// One cell: its text and its byte span in the file.
type Cell = Spanned<String>;

struct Table {
    file: usize,
    role: Option<Role>,
    header_len: usize,
    columns: Vec<Column>,
    /// Each record: its span and its cells, one per column.
    rows: Vec<(Range<usize>, Vec<Cell>)>,
}

impl Table {
    fn read(file: usize, text: &str) -> Result<Table, Diagnostic> {
        let mut reader =
            ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        let mut records = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let at = e.position().map_or(0, |p| p.byte() as usize);
                Diagnostic::error(file, at..at + 1, format!("not valid CSV: {e}"))
            })?;
            let start = record.position().map_or(0, |p| p.byte() as usize);
            let spans = field_spans(text, start, record.len());
            let end = spans.last().map_or(start, |s| s.end);
            let cells: Vec<Cell> =
                record.iter().zip(spans).map(|(t, s)| Spanned::new(s, t.to_string())).collect();
            records.push((start..end, cells));
        }
        let mut records = records.into_iter();
        let Some((header_span, header)) = records.next() else {
            return Err(Diagnostic::error(file, 0..0, "the file is empty: a CSV file starts with a header"));
        };
        let columns: Vec<Column> = header
            .iter()
            .map(|c: &Cell| {
                let (name, ty) = c.get_ref().split_once(':').unwrap_or((c.get_ref(), ""));
                Column { name: name.to_string(), ty: ty.to_string(), span: c.span() }
            })
            .collect();
        let has = |name: &str, ty: &str| columns.iter().any(|c| c.name == name && c.ty == ty);
        let role = if has("", "START_ID") {
            Some(Role::Edges)
        } else if has("", "LABEL") {
            Some(Role::Nodes)
        } else if columns.iter().any(|c| c.ty == "ID") && has("url", "") {
            Some(Role::Sources)
        } else if has("node", "") && has("metric", "") {
            Some(Role::Observations)
        } else {
            None
        };
        let width = columns.len();
        let mut rows = Vec::new();
        for (span, cells) in records {
            if cells.len() != width {
                let n = cells.len();
                return Err(Diagnostic::error(
                    file,
                    span,
                    format!("this row has {n} fields, the header {width}"),
                ));
            }
            rows.push((span, cells));
        }
        Ok(Table { file, role, header_len: header_span.end, columns, rows })
    }

    /// The index of the column with this name (or, for `:ID` and the like, this type).
    fn column(&self, name: &str, ty: &str) -> Option<usize> {
        self.columns.iter().position(|c| if name.is_empty() { c.ty == ty } else { c.name == name })
    }
}

/// The byte spans of the first `n` fields of the CSV record starting at `start`, quotes included.
fn field_spans(text: &str, start: usize, n: usize) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut spans = Vec::with_capacity(n);
    let mut at = start;
    for _ in 0..n {
        let from = at;
        if bytes.get(at) == Some(&b'"') {
            at += 1;
            while at < bytes.len() {
                if bytes[at] == b'"' {
                    if bytes.get(at + 1) == Some(&b'"') {
                        at += 2;
                        continue;
                    }
                    at += 1;
                    break;
                }
                at += 1;
            }
        }
        while at < bytes.len() && !matches!(bytes[at], b',' | b'\n' | b'\r') {
            at += 1;
        }
        spans.push(from..at);
        if bytes.get(at) == Some(&b',') {
            at += 1;
        }
    }
    spans
}

/// Each kind's declared property types, by name (`"integer"`, `"strings"`, …).
fn prop_types(schema: &RawSchema) -> BTreeMap<String, BTreeMap<String, String>> {
    schema
        .kind
        .iter()
        .map(|k| {
            let props = k.props.iter().map(|(p, t)| (p.get_ref().clone(), t.get_ref().clone())).collect();
            (k.id.get_ref().clone(), props)
        })
        .collect()
}

struct Rows {
    diags: Vec<Diagnostic>,
}

impl Rows {
    /// The column's index, or an error at the header naming the missing column.
    fn need(&mut self, t: &Table, name: &str, ty: &str) -> Option<usize> {
        let found = t.column(name, ty);
        if found.is_none() {
            let column = if name.is_empty() { format!(":{ty}") } else { name.to_string() };
            self.diags.push(Diagnostic::error(t.file, 0..t.header_len, format!("no `{column}` column")));
        }
        found
    }

    fn observations(&mut self, t: &mut Table) -> Vec<Spanned<RawObservation>> {
        let (Some(node), Some(metric), Some(value), Some(date)) = (
            self.need(t, "node", ""),
            self.need(t, "metric", ""),
            self.need(t, "value", ""),
            self.need(t, "date", ""),
        ) else {
            return Vec::new();
        };
        let [period, confidence, sources, note] =
            ["period", "confidence", "sources", "note"].map(|c| t.column(c, ""));
        let mut out = Vec::new();
        for (span, cells) in rows(t) {
            let cells = &cells;
            let v = &cells[value];
            let Ok(x) = v.get_ref().parse::<f64>() else {
                self.diags.push(Diagnostic::error(
                    t.file,
                    v.span(),
                    format!("`{}` is not a number", v.get_ref()),
                ));
                continue;
            };
            let o = RawObservation {
                node: cells[node].clone(),
                metric: cells[metric].clone(),
                value: Spanned::new(v.span(), x),
                date: cells[date].clone(),
                period: cell(cells, period),
                confidence: cell(cells, confidence),
                sources: list(cells, sources),
                note: text(cells, note),
            };
            out.push(Spanned::new(span, o));
        }
        out
    }

    fn sources(&mut self, t: &mut Table) -> Vec<RawSource> {
        let (Some(id), Some(url), Some(kind)) =
            (self.need(t, "", "ID"), self.need(t, "url", ""), self.need(t, "kind", ""))
        else {
            return Vec::new();
        };
        let [title, publisher, via, date, retrieved] =
            ["title", "publisher", "via", "date", "retrieved"].map(|c| t.column(c, ""));
        rows(t)
            .map(|(_, cells)| {
                let cells = &cells;
                RawSource {
                    id: cells[id].clone(),
                    title: text(cells, title).unwrap_or_default(),
                    publisher: text(cells, publisher),
                    url: cells[url].clone(),
                    via: cell(cells, via),
                    date: cell(cells, date),
                    retrieved: cell(cells, retrieved),
                    kind: cells[kind].clone(),
                }
            })
            .collect()
    }

    fn nodes(
        &mut self,
        t: &mut Table,
        types: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> Vec<Spanned<RawNode>> {
        let (Some(id), Some(label), Some(name), Some(layer)) = (
            self.need(t, "", "ID"),
            self.need(t, "", "LABEL"),
            self.need(t, "name", ""),
            self.need(t, "layer", ""),
        ) else {
            return Vec::new();
        };
        // One column per registry field, in its order (a new field fails to compile here).
        let cols = fields::NODE.each_ref().map(|f| t.column(f.name, ""));
        let [_, _, name_zh, _, segment, summary, start, end, lifecycle, aliases, tags, sources] = cols;
        let taken = [id, label, name, layer];
        let props: Vec<usize> = (0..t.columns.len())
            .filter(|i| !taken.contains(i) && fields::find(&fields::NODE, &t.columns[*i].name).is_none())
            .collect();
        let no_props = BTreeMap::new();
        let columns = &t.columns;
        rows_of(&mut t.rows)
            .map(|(span, cells)| {
                let cells = &cells;
                let declared = types.get(cells[label].get_ref()).unwrap_or(&no_props);
                let props = props
                    .iter()
                    .filter(|&&c| !cells[c].get_ref().is_empty())
                    .map(|&c| {
                        let column = &columns[c];
                        let ty = declared.get(&column.name).map_or(neo4j_type(&column.ty), String::as_str);
                        (Spanned::new(column.span.clone(), column.name.clone()), typed(&cells[c], ty))
                    })
                    .collect();
                let node = RawNode {
                    id: cells[id].clone(),
                    kind: cells[label].clone(),
                    layer: cells[layer].clone(),
                    segment: cell(cells, segment),
                    name: cells[name].clone(),
                    name_zh: text(cells, name_zh),
                    aliases: list(cells, aliases).into_iter().map(Spanned::into_inner).collect(),
                    summary: text(cells, summary),
                    start: cell(cells, start),
                    end: cell(cells, end),
                    lifecycle: cell(cells, lifecycle),
                    tags: list(cells, tags).into_iter().map(Spanned::into_inner).collect(),
                    sources: list(cells, sources),
                    props,
                    claim: Vec::new(),
                };
                Spanned::new(span.clone(), node)
            })
            .collect()
    }

    fn edges(&mut self, t: &mut Table) -> Vec<Spanned<RawEdge>> {
        let (Some(from), Some(to), Some(rel)) =
            (self.need(t, "", "START_ID"), self.need(t, "", "END_ID"), self.need(t, "", "TYPE"))
        else {
            return Vec::new();
        };
        // One column per registry field, in its order (a new field fails to compile here).
        let cols = fields::EDGE.each_ref().map(|f| t.column(f.name, ""));
        let [share_pct, share_of, as_of, since, until, status, confidence, note, sources] = cols;
        let taken = [from, to, rel];
        let props: Vec<usize> = (0..t.columns.len())
            .filter(|i| !taken.contains(i) && fields::find(&fields::EDGE, &t.columns[*i].name).is_none())
            .collect();
        let file = t.file;
        let columns = &t.columns;
        rows_of(&mut t.rows)
            .map(|(span, cells)| {
                let cells = &cells;
                let share = cell(cells, share_pct).and_then(|c| match c.get_ref().trim().parse::<f64>() {
                    Ok(x) if x.is_finite() => Some(Spanned::new(c.span(), x)),
                    _ => {
                        let message = format!("share_pct must be a number, found `{}`", c.get_ref());
                        self.diags.push(Diagnostic::error(file, c.span(), message));
                        None
                    }
                });
                let props = props
                    .iter()
                    .filter(|&&c| !cells[c].get_ref().is_empty())
                    .map(|&c| {
                        let column = &columns[c];
                        let name = Spanned::new(column.span.clone(), column.name.clone());
                        (name, typed(&cells[c], neo4j_type(&column.ty)))
                    })
                    .collect();
                let edge = RawEdge {
                    from: cells[from].clone(),
                    to: cells[to].clone(),
                    rel: cells[rel].clone(),
                    sources: list(cells, sources),
                    share_pct: share,
                    share_of: text(cells, share_of),
                    as_of: cell(cells, as_of),
                    since: cell(cells, since),
                    until: cell(cells, until),
                    status: cell(cells, status),
                    confidence: cell(cells, confidence),
                    note: text(cells, note),
                    props,
                    claim: Vec::new(),
                };
                Spanned::new(span.clone(), edge)
            })
            .collect()
    }
}

/// A table's rows, handed over one by one so that each is freed once converted: an import then
/// never holds two copies of all its cells.
fn rows(t: &mut Table) -> impl Iterator<Item = (Range<usize>, Vec<Cell>)> {
    rows_of(&mut t.rows)
}

fn rows_of(rows: &mut Vec<(Range<usize>, Vec<Cell>)>) -> impl Iterator<Item = (Range<usize>, Vec<Cell>)> {
    std::mem::take(rows).into_iter()
}

/// A cell of an optional column; empty is absent.
fn cell(cells: &[Cell], column: Option<usize>) -> Option<Cell> {
    column.map(|c| &cells[c]).filter(|c| !c.get_ref().is_empty()).cloned()
}

fn text(cells: &[Cell], column: Option<usize>) -> Option<String> {
    cell(cells, column).map(Spanned::into_inner)
}

/// A `;`-separated list cell; each item keeps the span of the whole cell.
fn list(cells: &[Cell], column: Option<usize>) -> Vec<Cell> {
    match cell(cells, column) {
        None => Vec::new(),
        Some(c) => c.get_ref().split(';').map(|item| Spanned::new(c.span(), item.to_string())).collect(),
    }
}

/// The schema type name that a Neo4j column type stands for.
fn neo4j_type(ty: &str) -> &'static str {
    match ty.to_ascii_lowercase().as_str() {
        "int" | "long" | "short" | "byte" => "integer",
        "float" | "double" => "number",
        "boolean" => "boolean",
        t if t.ends_with("[]") => "strings",
        _ => "string",
    }
}

/// A cell's text as the TOML value of a property of type `ty`. Text that does not parse stays a
/// string, so that the loader reports the type mismatch at the cell.
fn typed(c: &Cell, ty: &str) -> Spanned<toml::Value> {
    let s = c.get_ref();
    let v = match ty {
        "integer" => s.trim().parse::<i64>().map(toml::Value::Integer).ok(),
        // A float column is read as floats: `3` in it is 3.0 and `-0` is -0.0, as exported.
        "number" => s.trim().parse::<f64>().ok().filter(|x| x.is_finite()).map(toml::Value::Float),
        "boolean" => s.trim().parse::<bool>().ok().map(toml::Value::Boolean),
        "strings" => {
            Some(toml::Value::Array(s.split(';').map(|i| toml::Value::String(i.to_string())).collect()))
        }
        _ => None,
    };
    Spanned::new(c.span(), v.unwrap_or_else(|| toml::Value::String(s.clone())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_spans_cover_quoted_and_plain_fields() {
        let text = "a,\"b,\"\"c\",,d\n";
        let spans = field_spans(text, 0, 4);
        let fields: Vec<&str> = spans.iter().map(|s| &text[s.clone()]).collect();
        assert_eq!(fields, ["a", "\"b,\"\"c\"", "", "d"]);
    }
}
