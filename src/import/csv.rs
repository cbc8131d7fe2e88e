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

/// Loads `texts.files[0]` (a `schema.toml`) and the CSV files after it. The files are read
/// twice: once to check that each is CSV with the header's width (no cell is kept), then row by
/// row as the checks take them, so that an import holds one raw row at a time.
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
    let mut r = Reader { diags };
    let (nodes_ix, edges_ix, observations_ix) =
        (role(Role::Nodes), role(Role::Edges), role(Role::Observations));
    let text = |t: &Table| texts.files[t.file].1.as_str();
    let sources = r.sources(&tables[sources_ix], text(&tables[sources_ix]));
    // Nodes and edges each keep their own file, so that a row's error points into it.
    let nodes = nodes_ix.and_then(|i| r.nodes(&tables[i], text(&tables[i]), types));
    let edges = edges_ix.and_then(|i| r.edges(&tables[i], text(&tables[i])));
    let mut layer_files = Vec::new();
    if let Some(i) = observations_ix {
        let observation = r.observations(&tables[i], text(&tables[i]));
        layer_files.push((
            tables[i].file,
            RawLayerFile { node: Vec::new(), edge: Vec::new(), price: Vec::new(), observation },
        ));
    }
    let expected = (nodes_ix.map_or(0, |i| tables[i].rows), edges_ix.map_or(0, |i| tables[i].rows));
    let parts = Parts {
        schema: schema.map(|s| (0, s)),
        sources: Some((tables[sources_ix].file, RawSources { source: sources })),
        layer_files,
        rows: Some(Box::new(CsvRows { nodes, edges, expected })),
    };
    check(texts, r.diags, parts, (0, tables[sources_ix].file))
}

/// An edge row as raw form, with the problem its cells have, if any.
type ParsedEdge = (usize, Spanned<RawEdge>, Option<Diagnostic>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Nodes,
    Edges,
    Sources,
    Observations,
}

/// A column: its name, its Neo4j type (after the `:`) and where its header is.
#[derive(Clone)]
struct Column {
    name: String,
    ty: String,
    span: Range<usize>,
}

/// One cell: its text and its byte span in the file.
type Cell = Spanned<String>;

/// A CSV file's header, read and checked; its rows are read later, by a [`Stream`].
struct Table {
    file: usize,
    role: Option<Role>,
    header_len: usize,
    columns: Vec<Column>,
    /// How many records follow the header.
    rows: usize,
}

/// The reader a quoted record is read with, so that all passes see the records the `csv` crate
/// sees.
fn csv_reader(text: &str) -> ::csv::Reader<std::io::Cursor<&[u8]>> {
    ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::Cursor::new(text.as_bytes()))
}

impl Table {
    /// Reads the header and checks that every row is CSV with as many fields as the header.
    /// The first CSV syntax error in the file wins over a row of the wrong width before it.
    fn read(file: usize, text: &str) -> Result<Table, Diagnostic> {
        let mut stream = Stream::raw(file, text);
        let mut header: Option<(Range<usize>, Vec<Cell>)> = None;
        let mut width_error = None;
        let mut rows = 0;
        loop {
            match stream.advance() {
                Ok(true) => {}
                Ok(false) => break,
                Err(at) => {
                    let (at, e) = at;
                    return Err(Diagnostic::error(file, at..at + 1, format!("not valid CSV: {e}")));
                }
            }
            let start = stream.start;
            let n = stream.spans.len();
            let end = stream.spans.last().map_or(start, |s| s.end);
            match &header {
                None => {
                    let row = stream.row();
                    let cells = (0..n).map(|c| row.req(c)).collect();
                    header = Some((start..end, cells));
                }
                Some((_, columns)) if n != columns.len() && width_error.is_none() => {
                    let width = columns.len();
                    width_error = Some(Diagnostic::error(
                        file,
                        start..end,
                        format!("this row has {n} fields, the header {width}"),
                    ));
                }
                Some(_) => {}
            }
            rows += 1;
        }
        let Some((header_span, header)) = header else {
            return Err(Diagnostic::error(file, 0..0, "the file is empty: a CSV file starts with a header"));
        };
        if let Some(d) = width_error {
            return Err(d);
        }
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
        // The header is one of the records.
        Ok(Table { file, role, header_len: header_span.end, columns, rows: rows - 1 })
    }

    /// The index of the column with this name (or, for `:ID` and the like, this type).
    fn column(&self, name: &str, ty: &str) -> Option<usize> {
        self.columns.iter().position(|c| if name.is_empty() { c.ty == ty } else { c.name == name })
    }
}

/// The records of a CSV text, one at a time, each as the byte spans of its fields. A record
/// with no `"` (nearly all) is split at its commas in place: its cells are slices of the text,
/// nothing is copied. A record with a quote is read by the `csv` crate (its reader, made once
/// per file, seeks to where the record starts: the crate carries no state from one record to
/// the next), into a reused record.
struct Stream<'a> {
    file: usize,
    text: &'a str,
    /// Where the search for the next record starts.
    pos: usize,
    /// Where the current record's first field starts.
    start: usize,
    /// The current record's fields, quotes included.
    spans: Vec<Range<usize>>,
    /// The reader of records with a quote, made on the first one.
    reader: Option<::csv::Reader<std::io::Cursor<&'a [u8]>>>,
    /// The current record's cells when it has a quote (`quoted`); else they are the spans' text.
    record: ::csv::StringRecord,
    quoted: bool,
}

impl<'a> Stream<'a> {
    /// The records of `text` from its first (the header).
    fn raw(file: usize, text: &'a str) -> Stream<'a> {
        Stream {
            file,
            text,
            pos: 0,
            start: 0,
            spans: Vec::new(),
            reader: None,
            record: ::csv::StringRecord::new(),
            quoted: false,
        }
    }

    /// The rows of a checked table, after its header.
    fn new(t: &Table, text: &'a str) -> Stream<'a> {
        let mut s = Stream::raw(t.file, text);
        s.next(); // the header
        s
    }

    /// Reads the next record; `false` at the end. A CSV error comes with the byte it is at.
    fn advance(&mut self) -> Result<bool, (usize, ::csv::Error)> {
        let bytes = self.text.as_bytes();
        let mut at = self.pos;
        // Blank lines are skipped, as the `csv` crate skips them.
        while at < bytes.len() && matches!(bytes[at], b'\n' | b'\r') {
            at += 1;
        }
        self.pos = at;
        if at >= bytes.len() {
            return Ok(false);
        }
        self.start = at;
        // The `csv` crate leaves out a byte order mark that starts the text.
        if at == 0 && self.text.starts_with('\u{feff}') {
            return self.quoted_record(at);
        }
        // A record with no quote ends at the line break; its fields are split at the commas.
        self.spans.clear();
        let mut from = at;
        let mut i = at;
        loop {
            match bytes.get(i) {
                Some(b',') => {
                    self.spans.push(from..i);
                    from = i + 1;
                }
                None | Some(b'\n' | b'\r') => break,
                Some(b'"') => return self.quoted_record(at),
                Some(_) => {}
            }
            i += 1;
        }
        self.spans.push(from..i);
        self.pos = i;
        self.quoted = false;
        Ok(true)
    }

    /// Reads the record at `at`, which has a quote, with the `csv` crate. Past the start of
    /// the text, the reader starts at the line break before (which it skips as a blank line),
    /// so that it does not take a byte order mark there for the text's own (a seek resets the
    /// reader as if it had read nothing).
    fn quoted_record(&mut self, at: usize) -> Result<bool, (usize, ::csv::Error)> {
        let base = at.saturating_sub(1);
        let text = self.text;
        let reader = self.reader.get_or_insert_with(|| csv_reader(text));
        let mut position = ::csv::Position::new();
        position.set_byte(base as u64);
        match reader.seek(position).and_then(|()| reader.read_record(&mut self.record)) {
            Ok(true) => {}
            Ok(false) => return Ok(false),
            Err(e) => {
                let at = e.position().map_or(base, |p| p.byte() as usize);
                return Err((at, e));
            }
        }
        field_spans_into(self.text, at, self.record.len(), &mut self.spans);
        self.pos = reader.position().byte() as usize;
        self.quoted = true;
        Ok(true)
    }

    /// The current record's cells.
    fn row(&self) -> Row<'_> {
        let record = if self.quoted { Some(&self.record) } else { None };
        Row { text: self.text, record, spans: &self.spans }
    }

    /// Reads the next row: its span, and a view of its cells. [`Table::read`] has checked
    /// the file, so a read error cannot happen here; it would end the rows.
    fn next(&mut self) -> Option<(Range<usize>, Row<'_>)> {
        if !matches!(self.advance(), Ok(true)) {
            return None;
        }
        let end = self.spans.last().map_or(self.start, |s| s.end);
        Some((self.start..end, self.row()))
    }
}

/// One row's cells and their spans. A cell past the end of a short row reads as empty.
struct Row<'r> {
    text: &'r str,
    /// The cells, when the record had a quote (else they are the spans' text).
    record: Option<&'r ::csv::StringRecord>,
    spans: &'r [Range<usize>],
}

impl Row<'_> {
    fn str(&self, column: usize) -> &str {
        match self.record {
            Some(r) => r.get(column).unwrap_or(""),
            None => self.spans.get(column).map_or("", |s| &self.text[s.clone()]),
        }
    }

    fn span(&self, column: usize) -> Range<usize> {
        self.spans.get(column).cloned().unwrap_or(0..0)
    }

    /// A cell of a required column, empty or not.
    fn req(&self, column: usize) -> Cell {
        Spanned::new(self.span(column), self.str(column).to_string())
    }

    /// A cell of an optional column; empty is absent.
    fn cell(&self, column: Option<usize>) -> Option<Cell> {
        column.filter(|&c| !self.str(c).is_empty()).map(|c| self.req(c))
    }

    fn text(&self, column: Option<usize>) -> Option<String> {
        column.filter(|&c| !self.str(c).is_empty()).map(|c| self.str(c).to_string())
    }

    /// A `;`-separated list cell; each item keeps the span of the whole cell.
    fn list(&self, column: Option<usize>) -> Vec<Cell> {
        match column.filter(|&c| !self.str(c).is_empty()) {
            None => Vec::new(),
            Some(c) => {
                let span = self.span(c);
                self.str(c).split(';').map(|item| Spanned::new(span.clone(), item.to_string())).collect()
            }
        }
    }

    fn plain_list(&self, column: Option<usize>) -> Vec<String> {
        match column.filter(|&c| !self.str(c).is_empty()) {
            None => Vec::new(),
            Some(c) => self.str(c).split(';').map(str::to_string).collect(),
        }
    }

    /// A cell's text as the TOML value of a property of type `ty`.
    fn typed(&self, column: usize, ty: &str) -> Spanned<toml::Value> {
        Spanned::new(self.span(column), typed(self.str(column), ty))
    }

    /// The non-empty cells of the property columns `props` (indices into `columns`), each read
    /// as the type `ty` gives its column, keyed by the column's name at the header.
    fn props<'t>(
        &self,
        props: &[usize],
        columns: &'t [Column],
        ty: impl Fn(&'t Column) -> &'t str,
    ) -> BTreeMap<Spanned<String>, Spanned<toml::Value>> {
        props
            .iter()
            .filter(|&&i| !self.str(i).is_empty())
            .map(|&i| {
                let column = &columns[i];
                (Spanned::new(column.span.clone(), column.name.clone()), self.typed(i, ty(column)))
            })
            .collect()
    }
}

/// The byte spans of the first `n` fields of the CSV record starting at `start`, quotes included.
#[cfg(test)]
fn field_spans(text: &str, start: usize, n: usize) -> Vec<Range<usize>> {
    let mut spans = Vec::with_capacity(n);
    field_spans_into(text, start, n, &mut spans);
    spans
}

/// [`field_spans`] into a reused vector.
fn field_spans_into(text: &str, start: usize, n: usize, spans: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    spans.clear();
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

/// The columns of a nodes file, found in its header.
struct NodeColumns {
    id: usize,
    label: usize,
    name: usize,
    layer: usize,
    /// name_zh, segment, summary, start, end, lifecycle, aliases, tags, sources
    fixed: [Option<usize>; 9],
    /// The other columns: properties.
    props: Vec<usize>,
    columns: Vec<Column>,
    types: BTreeMap<String, BTreeMap<String, String>>,
}

/// The columns of an edges file, found in its header.
struct EdgeColumns {
    from: usize,
    to: usize,
    rel: usize,
    /// share_of, as_of, since, until, status, confidence, note, sources, share_pct
    fixed: [Option<usize>; 9],
    props: Vec<usize>,
    columns: Vec<Column>,
}

/// The nodes and edges of an import, converted as the checks ask for them.
struct CsvRows<'a> {
    nodes: Option<(NodeColumns, Stream<'a>)>,
    edges: Option<(EdgeColumns, Stream<'a>)>,
    /// The number of node and edge rows (the first pass counted them).
    expected: (usize, usize),
}

impl crate::load::rows::Rows for CsvRows<'_> {
    fn node(&mut self, _: &mut Vec<Diagnostic>) -> Option<(usize, Spanned<RawNode>)> {
        let (c, stream) = self.nodes.as_mut()?;
        let file = stream.file;
        let (span, row) = stream.next()?;
        let [name_zh, segment, summary, start, end, lifecycle, aliases, tags, sources] = c.fixed;
        let no_props = BTreeMap::new();
        let declared = c.types.get(row.str(c.label)).unwrap_or(&no_props);
        let props = row.props(&c.props, &c.columns, |column| {
            declared.get(&column.name).map_or(neo4j_type(&column.ty), String::as_str)
        });
        let node = RawNode {
            id: row.req(c.id),
            kind: row.req(c.label),
            layer: row.req(c.layer),
            segment: row.cell(segment),
            name: row.req(c.name),
            name_zh: row.text(name_zh),
            aliases: row.plain_list(aliases),
            summary: row.text(summary),
            start: row.cell(start),
            end: row.cell(end),
            lifecycle: row.cell(lifecycle),
            tags: row.plain_list(tags),
            sources: row.list(sources),
            props,
            claim: Vec::new(),
        };
        Some((file, Spanned::new(span, node)))
    }

    fn edge(&mut self, diags: &mut Vec<Diagnostic>) -> Option<(usize, Spanned<RawEdge>)> {
        let (columns, stream) = self.edges.as_mut()?;
        let (file, edge, problem) = edge_row(columns, stream)?;
        diags.extend(problem);
        Some((file, edge))
    }

    fn expected(&self) -> (usize, usize) {
        self.expected
    }
}

/// The next edge row of `stream` as raw form.
fn edge_row(c: &EdgeColumns, stream: &mut Stream) -> Option<ParsedEdge> {
    let file = stream.file;
    let (span, row) = stream.next()?;
    let [share_of, as_of, since, until, status, confidence, note, sources, share_pct] = c.fixed;
    let mut problem = None;
    let share = row.cell(share_pct).and_then(|s| match s.get_ref().trim().parse::<f64>() {
        Ok(x) if x.is_finite() => Some(Spanned::new(s.span(), x)),
        _ => {
            let message = format!("share_pct must be a number, found `{}`", s.get_ref());
            problem = Some(Diagnostic::error(file, s.span(), message));
            None
        }
    });
    let props = row.props(&c.props, &c.columns, |column| neo4j_type(&column.ty));
    let edge = RawEdge {
        from: row.req(c.from),
        to: row.req(c.to),
        rel: row.req(c.rel),
        sources: row.list(sources),
        share_pct: share,
        share_of: row.text(share_of),
        as_of: row.cell(as_of),
        since: row.cell(since),
        until: row.cell(until),
        status: row.cell(status),
        confidence: row.cell(confidence),
        note: row.text(note),
        props,
        claim: Vec::new(),
    };
    Some((file, Spanned::new(span, edge), problem))
}

/// The columns of a nodes or edges file, as [`Reader::columns`] finds them.
struct Found<const R: usize, const F: usize> {
    /// The required columns, in the order asked.
    required: [usize; R],
    /// One per registry field, in registry order (absent: `None`).
    fields: [Option<usize>; F],
    /// The property columns: the others, in file order.
    props: Vec<usize>,
}

/// Reads the sources and observations files whole (they are small), and finds the columns of
/// the nodes and edges files, collecting what is wrong with their headers.
struct Reader {
    diags: Vec<Diagnostic>,
}

impl Reader {
    /// The column's index, or an error at the header naming the missing column.
    fn need(&mut self, t: &Table, name: &str, ty: &str) -> Option<usize> {
        let found = t.column(name, ty);
        if found.is_none() {
            let column = if name.is_empty() { format!(":{ty}") } else { name.to_string() };
            self.diags.push(Diagnostic::error(t.file, 0..t.header_len, format!("no `{column}` column")));
        }
        found
    }

    /// The columns of a nodes or edges file: the `required` ones (as [`Self::need`] takes them,
    /// each missing one reported, in order), then one per registry field in its order (a new field
    /// fails to compile at the caller's pattern), then the property columns: the others, in file
    /// order.
    fn columns<T, const R: usize, const F: usize>(
        &mut self,
        t: &Table,
        required: [(&str, &str); R],
        registry: &'static [fields::Field<T>; F],
    ) -> Option<Found<R, F>> {
        let found = required.map(|(name, ty)| self.need(t, name, ty));
        let mut taken = [0; R];
        for (slot, column) in taken.iter_mut().zip(found) {
            *slot = column?;
        }
        let cols = registry.each_ref().map(|f| t.column(f.name, ""));
        let props: Vec<usize> = (0..t.columns.len())
            .filter(|i| !taken.contains(i) && fields::find(registry, &t.columns[*i].name).is_none())
            .collect();
        Some(Found { required: taken, fields: cols, props })
    }

    fn observations(&mut self, t: &Table, text: &str) -> Vec<Spanned<RawObservation>> {
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
        let mut stream = Stream::new(t, text);
        while let Some((span, row)) = stream.next() {
            let v = row.req(value);
            let Ok(x) = v.get_ref().parse::<f64>() else {
                self.diags.push(Diagnostic::error(
                    t.file,
                    v.span(),
                    format!("`{}` is not a number", v.get_ref()),
                ));
                continue;
            };
            let o = RawObservation {
                node: row.req(node),
                metric: row.req(metric),
                value: Spanned::new(v.span(), x),
                date: row.req(date),
                period: row.cell(period),
                confidence: row.cell(confidence),
                sources: row.list(sources),
                note: row.text(note),
            };
            out.push(Spanned::new(span, o));
        }
        out
    }

    fn sources(&mut self, t: &Table, text: &str) -> Vec<RawSource> {
        let (Some(id), Some(url), Some(kind)) =
            (self.need(t, "", "ID"), self.need(t, "url", ""), self.need(t, "kind", ""))
        else {
            return Vec::new();
        };
        let [title, publisher, via, date, retrieved] =
            ["title", "publisher", "via", "date", "retrieved"].map(|c| t.column(c, ""));
        let mut out = Vec::new();
        let mut stream = Stream::new(t, text);
        while let Some((_, row)) = stream.next() {
            out.push(RawSource {
                id: row.req(id),
                title: row.text(title).unwrap_or_default(),
                publisher: row.text(publisher),
                url: row.req(url),
                via: row.cell(via),
                date: row.cell(date),
                retrieved: row.cell(retrieved),
                kind: row.req(kind),
            });
        }
        out
    }

    fn nodes<'a>(
        &mut self,
        t: &Table,
        text: &'a str,
        types: BTreeMap<String, BTreeMap<String, String>>,
    ) -> Option<(NodeColumns, Stream<'a>)> {
        let Found { required: [id, label, name, layer], fields, props } =
            self.columns(t, [("", "ID"), ("", "LABEL"), ("name", ""), ("layer", "")], &fields::NODE)?;
        let [_, _, name_zh, _, segment, summary, start, end, lifecycle, aliases, tags, sources] = fields;
        let columns = NodeColumns {
            id,
            label,
            name,
            layer,
            fixed: [name_zh, segment, summary, start, end, lifecycle, aliases, tags, sources],
            props,
            columns: t.columns.clone(),
            types,
        };
        Some((columns, Stream::new(t, text)))
    }

    fn edges<'a>(&mut self, t: &Table, text: &'a str) -> Option<(EdgeColumns, Stream<'a>)> {
        let Found { required: [from, to, rel], fields, props } =
            self.columns(t, [("", "START_ID"), ("", "END_ID"), ("", "TYPE")], &fields::EDGE)?;
        let [share_pct, share_of, as_of, since, until, status, confidence, note, sources] = fields;
        let columns = EdgeColumns {
            from,
            to,
            rel,
            fixed: [share_of, as_of, since, until, status, confidence, note, sources, share_pct],
            props,
            columns: t.columns.clone(),
        };
        Some((columns, Stream::new(t, text)))
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
fn typed(s: &str, ty: &str) -> toml::Value {
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
    v.unwrap_or_else(|| toml::Value::String(s.to_string()))
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

    #[test]
    fn a_stream_gives_each_row_after_the_header_with_its_spans() {
        let text = "x,y\n1,\"a,b\"\n\n22,\n";
        let table = Table::read(1, text).unwrap_or_else(|d| panic!("{}", d.message));
        assert_eq!(table.header_len, 3);
        let mut stream = Stream::new(&table, text);
        let (span, row) = stream.next().unwrap();
        assert_eq!((span, row.str(1), row.spans[1].clone()), (4..11, "a,b", 6..11));
        let (span, row) = stream.next().unwrap();
        assert_eq!((span, row.req(0).into_inner(), row.cell(Some(1))), (13..16, "22".to_string(), None));
        assert!(stream.next().is_none());
    }

    /// The records as the `csv` crate reads them, with spans found the way the importer
    /// found them before it split quote-free records itself.
    fn by_csv_crate(text: &str) -> Vec<(usize, Vec<Range<usize>>, Vec<String>)> {
        let mut reader = csv_reader(text);
        let mut record = ::csv::StringRecord::new();
        let mut out = Vec::new();
        while let Ok(true) = reader.read_record(&mut record) {
            let at = record.position().map_or(0, |p| p.byte() as usize);
            let skip = text.as_bytes()[at..].iter().take_while(|b| matches!(b, b'\n' | b'\r')).count();
            let start = at + skip;
            let spans = field_spans(text, start, record.len());
            out.push((start, spans, record.iter().map(str::to_string).collect()));
        }
        out
    }

    fn by_stream(text: &str) -> Vec<(usize, Vec<Range<usize>>, Vec<String>)> {
        let mut stream = Stream::raw(0, text);
        let mut out = Vec::new();
        while let Ok(true) = stream.advance() {
            let row = stream.row();
            let cells = (0..stream.spans.len()).map(|c| row.str(c).to_string()).collect();
            out.push((stream.start, stream.spans.clone(), cells));
        }
        out
    }

    #[test]
    fn a_stream_reads_the_records_the_csv_crate_reads() {
        for text in [
            "",
            "a",
            "a,b\n",
            "a,b\r\n\r\nc,\r",
            ",\n,,\n\n",
            "x,\"y\nz\",w\n1,2",
            "a\"b,c\n\"q\"\"r\"s,t\n",
            "\"unclosed,\nmore\n",
            "\u{feff}id,name\nä,ö\n",
            "\u{feff}\"id\",name\n\u{feff}\"a\",b\n\u{feff}c,d",
        ] {
            assert_eq!(by_stream(text), by_csv_crate(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn a_stream_agrees_with_the_csv_crate(text in "[a,\"\n\r\u{feff}]{0,24}") {
            proptest::prop_assert_eq!(by_stream(&text), by_csv_crate(&text));
        }
    }

    #[test]
    fn the_first_row_of_the_wrong_width_is_the_error() {
        let d = Table::read(1, "x,y\n1\n1,2,3\n").err().unwrap();
        assert_eq!((d.message.as_str(), d.span.clone()), ("this row has 1 fields, the header 2", 4..5));
    }
}
