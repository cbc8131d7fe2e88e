//! Output safety (issue #8): the hostile fixture's strings (quotes, backslashes, newlines,
//! carriage returns, tabs, `,;|<>&`, Markdown syntax, Chinese text and emoji, in names, Chinese
//! names, aliases, summaries, tags, string props, edge notes, `share_of`, edge props, claims and
//! source titles) survive every output format. Each output is parsed back with a real parser
//! (serde_json, the csv crate, a Markdown parser, an XML parser, graphviz-rust's DOT parser) or
//! with the inverse of the documented escaping, and compared with the strings of the fixture,
//! which this file reads from the TOML itself rather than through aikg's loader.
//!
//! Also: `-o FILE` writes are atomic, and a closed standard output is a success.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value as Json};

const DATA: &str = "tests/fixtures/hostile";
const FORMATS: [&str; 5] = ["json", "jsonl", "csv", "tsv", "markdown"];

// ---------------------------------------------------------------------------------------------
// Running aikg

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn aikg(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_aikg"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .output()
        .expect("the aikg binary runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `aikg --data <hostile> ARGS`, which must succeed.
fn hostile(args: &[&str]) -> String {
    let mut all = vec!["--data", DATA];
    all.extend_from_slice(args);
    let run = aikg(&all);
    assert_eq!(run.code, Some(0), "aikg {all:?} failed:\n{}", run.stderr);
    run.stdout
}

/// A fresh empty folder under the system temp dir.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aikg-safety-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ---------------------------------------------------------------------------------------------
// The fixture, read independently of aikg

struct Fixture {
    schema: toml::Table,
    nodes: Vec<toml::Table>,
    edges: Vec<toml::Table>,
    sources: Vec<toml::Table>,
}

fn read_toml(name: &str) -> toml::Table {
    read_toml_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join(DATA), name)
}

fn read_toml_in(dir: &Path, name: &str) -> toml::Table {
    std::fs::read_to_string(dir.join(name)).unwrap().parse().unwrap()
}

/// The list items of the hostile data that hold `;`, the CSV list delimiter.
const LIST_ITEMS_WITH_SEMICOLONS: [&str; 5] =
    ["\"semi;colon\"", "\"list; sep\"", "\"c;d\"", "\"eth;main\"", "\"a; b\""];

/// A copy of the hostile data whose list items hold no `;` (scalars keep theirs), for the CSV
/// export, which refuses list items it could not split back.
fn csv_safe_copy(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    for name in ["chain.toml", "schema.toml", "sources.toml"] {
        let mut text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(DATA).join(name)).unwrap();
        for item in LIST_ITEMS_WITH_SEMICOLONS {
            text = text.replace(item, &item.replace(';', ":"));
        }
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

fn tables(t: &toml::Table, key: &str) -> Vec<toml::Table> {
    t.get(key)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().map(|v| v.as_table().unwrap().clone()).collect())
        .unwrap_or_default()
}

fn fixture() -> Fixture {
    let chain = read_toml("chain.toml");
    Fixture {
        schema: read_toml("schema.toml"),
        nodes: tables(&chain, "node"),
        edges: tables(&chain, "edge"),
        sources: tables(&read_toml("sources.toml"), "source"),
    }
}

impl Fixture {
    fn node(&self, id: &str) -> &toml::Table {
        self.nodes.iter().find(|n| str_of(n, "id") == id).unwrap()
    }

    fn source(&self, id: &str) -> &toml::Table {
        self.sources.iter().find(|s| str_of(s, "id") == id).unwrap()
    }

    /// Whether an edge of this relation is drawn from `to` to `from` (reverse supply).
    fn reversed(&self, rel: &str) -> bool {
        tables(&self.schema, "relation")
            .iter()
            .any(|r| str_of(r, "id") == rel && r.get("supply").and_then(|s| s.as_str()) == Some("reverse"))
    }
}

fn str_of<'a>(t: &'a toml::Table, key: &str) -> &'a str {
    t.get(key).and_then(|v| v.as_str()).unwrap_or_else(|| panic!("no string `{key}` in {t:?}"))
}

/// A field as JSON: absent is `null`.
fn field(t: &toml::Table, key: &str) -> Json {
    t.get(key).map_or(Json::Null, to_json)
}

/// A list field as JSON: absent is `[]`.
fn list_field(t: &toml::Table, key: &str) -> Json {
    t.get(key).map_or(json!([]), to_json)
}

fn props(t: &toml::Table) -> toml::Table {
    t.get("props").and_then(|p| p.as_table()).cloned().unwrap_or_default()
}

fn to_json(v: &toml::Value) -> Json {
    match v {
        toml::Value::String(s) => json!(s),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => json!(b),
        toml::Value::Datetime(d) => json!(d.to_string()),
        toml::Value::Array(a) => Json::Array(a.iter().map(to_json).collect()),
        toml::Value::Table(t) => Json::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
    }
}

/// The strings of a list value.
fn strings(v: &Json) -> Vec<String> {
    v.as_array().map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect()).unwrap_or_default()
}

/// How aikg prints a scalar in text formats (floats in this fixture are never whole).
fn scalar_text(v: &Json) -> String {
    match v {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A cell as a text format prints it: null empty, lists joined with `sep`.
fn text(v: &Json, sep: &str) -> String {
    match v {
        Json::Array(items) => items.iter().map(scalar_text).collect::<Vec<_>>().join(sep),
        other => scalar_text(other),
    }
}

/// The diagrams draw line breaks only: `\r\n` and a lone `\r` are one line break each.
fn line_breaks(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// A node's diagram label: the name, and the Chinese name on the next line.
fn node_label(n: &toml::Table) -> String {
    match n.get("name_zh").and_then(|z| z.as_str()) {
        Some(zh) if zh != str_of(n, "name") => format!("{}\n{zh}", str_of(n, "name")),
        _ => str_of(n, "name").to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing the table formats back

/// One table of a command's output; cells are JSON values for json/jsonl, strings otherwise.
#[derive(Debug)]
struct Section {
    title: Option<String>,
    columns: Vec<String>,
    rows: Vec<BTreeMap<String, Json>>,
}

impl Section {
    fn new(title: Option<String>) -> Self {
        Section { title, columns: Vec::new(), rows: Vec::new() }
    }

    fn push(&mut self, cells: Vec<String>) {
        if self.columns.is_empty() {
            self.columns = cells;
        } else {
            assert_eq!(cells.len(), self.columns.len(), "row width in {:?}: {cells:?}", self.title);
            self.rows.push(self.columns.iter().cloned().zip(cells.into_iter().map(Json::String)).collect());
        }
    }

    /// The row whose `key` column is `value`.
    fn row(&self, key: &str, value: &str) -> &BTreeMap<String, Json> {
        let found: Vec<_> = self.rows.iter().filter(|r| r[key] == json!(value)).collect();
        assert_eq!(found.len(), 1, "rows with {key} = {value:?} in {:?}: {:?}", self.title, self.rows);
        found[0]
    }
}

fn parse(format: &str, out: &str) -> Vec<Section> {
    match format {
        "json" => parse_json(out),
        "jsonl" => parse_jsonl(out),
        "csv" => parse_delimited(out, b','),
        "tsv" => parse_delimited(out, b'\t'),
        "markdown" => {
            let sections = parse_markdown(out);
            // What a CommonMark renderer shows must be what the inverse escaping reads.
            let shown = rendered_markdown_cells(out);
            let read: Vec<Vec<String>> = sections
                .iter()
                .flat_map(|s| {
                    std::iter::once(s.columns.clone())
                        .chain(s.rows.iter().map(|r| s.columns.iter().map(|c| scalar_text(&r[c])).collect()))
                })
                .collect();
            assert_eq!(shown.len(), read.len(), "table rows in\n{out}");
            for (shown, read) in shown.iter().zip(&read) {
                assert_eq!(shown, read, "a Markdown renderer shows other text than the escaping says");
            }
            sections
        }
        other => panic!("format {other}"),
    }
}

fn json_rows(v: &Json) -> Vec<BTreeMap<String, Json>> {
    v.as_array().unwrap().iter().map(|r| r.as_object().unwrap().clone().into_iter().collect()).collect()
}

fn parse_json(out: &str) -> Vec<Section> {
    let v: Json = serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}:\n{out}"));
    match &v {
        Json::Array(_) => vec![Section { title: None, columns: Vec::new(), rows: json_rows(&v) }],
        Json::Object(map) => map
            .iter()
            .map(|(title, rows)| Section {
                title: Some(title.clone()),
                columns: Vec::new(),
                rows: json_rows(rows),
            })
            .collect(),
        other => panic!("not a table: {other}"),
    }
}

fn parse_jsonl(out: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    for line in out.lines() {
        let mut row: BTreeMap<String, Json> = serde_json::from_str::<serde_json::Map<String, Json>>(line)
            .unwrap_or_else(|e| panic!("{e}: {line:?}"))
            .into_iter()
            .collect();
        let title = row.remove("section").map(|s| s.as_str().unwrap().to_string());
        if sections.last().is_none_or(|s| s.title != title) {
            sections.push(Section::new(title));
        }
        sections.last_mut().unwrap().rows.push(row);
    }
    sections
}

/// The inverse of aikg's TSV escaping: `\\`, `\t`, `\n`, `\r`; any other backslash is an error.
fn tsv_unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('\\') => out.push('\\'),
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                other => panic!("unknown TSV escape \\{other:?} in {s:?}"),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// CSV (RFC 4180) or TSV (no quoting, backslash escapes). A report's tables each follow a
/// `# title` record.
fn parse_delimited(out: &str, delimiter: u8) -> Vec<Section> {
    let tsv = delimiter == b'\t';
    if tsv {
        for line in out.lines() {
            assert!(!line.contains('\r'), "raw carriage return in TSV: {line:?}");
        }
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .quoting(!tsv)
        .has_headers(false)
        .flexible(true)
        .from_reader(out.as_bytes());
    let mut sections: Vec<Section> = Vec::new();
    for record in reader.records() {
        let record = record.unwrap_or_else(|e| panic!("{e}:\n{out}"));
        let cells: Vec<String> = record.iter().map(String::from).collect();
        if cells.len() == 1 && cells[0].starts_with("# ") {
            sections.push(Section::new(Some(cells[0][2..].to_string())));
            continue;
        }
        if sections.is_empty() {
            sections.push(Section::new(None));
        }
        let cells = if tsv { cells.iter().map(|c| tsv_unescape(c)).collect() } else { cells };
        sections.last_mut().unwrap().push(cells);
    }
    sections
}

/// The inverse of aikg's Markdown cell escaping: `\` + ASCII punctuation is the character,
/// `<br>` a newline, `&#N;` the character N. A raw `<`, `&` or `|` is an error: the writer escapes
/// every literal one.
fn markdown_unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '\\' {
            let next = rest[1..].chars().next().unwrap_or_else(|| panic!("trailing backslash in {s:?}"));
            assert!(next.is_ascii_punctuation(), "backslash before {next:?} in {s:?}");
            out.push(next);
            rest = &rest[1 + next.len_utf8()..];
        } else if let Some(r) = rest.strip_prefix("<br>") {
            out.push('\n');
            rest = r;
        } else if c == '&' {
            let end = rest.find(';').unwrap_or_else(|| panic!("raw & in {s:?}"));
            let code = rest[1..end].strip_prefix('#').unwrap_or_else(|| panic!("raw & in {s:?}"));
            out.push(char::from_u32(code.parse().unwrap()).unwrap());
            rest = &rest[end + 1..];
        } else {
            assert!(c != '<' && c != '|', "raw {c:?} in Markdown cell {s:?}");
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The cells of one Markdown table row: split at unescaped pipes, one space of padding removed.
fn markdown_row(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = line.strip_prefix('|').unwrap_or_else(|| panic!("not a row: {line:?}")).chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cell.push(c);
                cell.extend(chars.next());
            }
            '|' => cells.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    assert!(cell.is_empty(), "row does not end with a pipe: {line:?}");
    cells
        .iter()
        .map(|c| {
            let inner =
                c.strip_prefix(' ').and_then(|c| c.strip_suffix(' ')).unwrap_or_else(|| panic!("{c:?}"));
            markdown_unescape(inner)
        })
        .collect()
}

fn parse_markdown(out: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let (mut in_table, mut delimiter_next) = (false, false);
    for line in out.lines() {
        if let Some(title) = line.strip_prefix("### ") {
            sections.push(Section::new(Some(title.to_string())));
            in_table = false;
        } else if line.is_empty() {
            in_table = false;
        } else if !in_table {
            // A header row: the table of the last title, or a table of its own.
            if sections.last().is_none_or(|s| !s.columns.is_empty()) {
                sections.push(Section::new(None));
            }
            sections.last_mut().unwrap().push(markdown_row(line));
            (in_table, delimiter_next) = (true, true);
        } else if delimiter_next {
            let width = sections.last().unwrap().columns.len();
            assert_eq!(line, format!("|{}", " --- |".repeat(width)), "delimiter row");
            delimiter_next = false;
        } else {
            sections.last_mut().unwrap().push(markdown_row(line));
        }
    }
    sections
}

/// The cell texts of every table (header row included) as a CommonMark renderer with GitHub's
/// extensions (tables, strikethrough, math) sees them. Markup (emphasis, code, links, HTML other
/// than `<br>`, math) shows up as a marker, so that it can never compare equal to plain text.
fn rendered_markdown_cells(out: &str) -> Vec<Vec<String>> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_MATH;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut cell: Option<String> = None;
    for event in Parser::new_ext(out, options) {
        match event {
            Event::Start(Tag::TableHead | Tag::TableRow) => rows.push(Vec::new()),
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => rows.last_mut().unwrap().push(cell.take().unwrap()),
            Event::Text(t) => {
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                }
            }
            Event::InlineHtml(h) if h.as_ref() == "<br>" => cell.as_mut().unwrap().push('\n'),
            other => {
                if let Some(c) = cell.as_mut() {
                    c.push_str(&format!("⟨{other:?}⟩"));
                }
            }
        }
    }
    rows
}

/// The section with this title (`None`: the only table of a command's output).
fn section<'a>(sections: &'a [Section], title: Option<&str>) -> &'a Section {
    sections
        .iter()
        .find(|s| s.title.as_deref() == title || title.is_none() && sections.len() == 1)
        .unwrap_or_else(|| panic!("no section {title:?} in {sections:?}"))
}

/// Checks one cell: JSON formats keep types, text formats print text (lists joined).
fn check_cell(format: &str, row: &BTreeMap<String, Json>, column: &str, expected: &Json, what: &str) {
    let got = row.get(column).unwrap_or_else(|| panic!("{format} {what}: no column {column} in {row:?}"));
    match format {
        "json" | "jsonl" => assert_eq!(got, expected, "{format} {what}: {column}"),
        _ => {
            let sep = if format == "markdown" { ", " } else { "; " };
            assert_eq!(got, &json!(text(expected, sep)), "{format} {what}: {column}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Table outputs

#[test]
fn list_survives_every_format() {
    let fx = fixture();
    for format in FORMATS {
        let out = hostile(&["--format", format, "list"]);
        let sections = parse(format, &out);
        let table = section(&sections, None);
        assert_eq!(table.rows.len(), fx.nodes.len(), "{format}");
        for n in &fx.nodes {
            let id = str_of(n, "id");
            let row = table.row("id", id);
            for key in ["name", "name_zh", "kind", "layer", "segment"] {
                check_cell(format, row, key, &field(n, key), id);
            }
            check_cell(format, row, "tags", &list_field(n, "tags"), id);
        }
    }
}

#[test]
fn show_survives_every_format() {
    let fx = fixture();
    for format in FORMATS {
        for n in &fx.nodes {
            let id = str_of(n, "id");
            let what = format!("show {id}");
            let out = hostile(&["--format", format, "show", id]);
            let sections = parse(format, &out);

            let fields = section(&sections, Some("node"));
            for key in ["id", "name", "name_zh", "kind", "layer", "segment", "summary"] {
                if n.contains_key(key) {
                    check_cell(format, fields.row("field", key), "value", &field(n, key), &what);
                }
            }
            for key in ["aliases", "tags", "sources"] {
                if n.contains_key(key) {
                    check_cell(format, fields.row("field", key), "value", &list_field(n, key), &what);
                }
            }

            let props = props(n);
            if !props.is_empty() {
                let table = section(&sections, Some("properties"));
                assert_eq!(table.rows.len(), props.len(), "{format} {what}");
                for (k, v) in &props {
                    check_cell(format, table.row("property", k), "value", &to_json(v), &what);
                }
            }

            for claim in tables(n, "claim") {
                let table = section(&sections, Some("disputed claims"));
                let row = table.row("property", str_of(&claim, "prop"));
                check_cell(format, row, "claimed", &field(&claim, "value"), &what);
                check_cell(format, row, "note", &field(&claim, "note"), &what);
                check_cell(format, row, "sources", &list_field(&claim, "sources"), &what);
            }

            let mut cited: Vec<String> = strings(&list_field(n, "sources"));
            for (title, mine, other) in [("edges out", "from", "to"), ("edges in", "to", "from")] {
                let edges: Vec<&toml::Table> = fx.edges.iter().filter(|e| str_of(e, mine) == id).collect();
                if edges.is_empty() {
                    continue;
                }
                let table = section(&sections, Some(title));
                assert_eq!(table.rows.len(), edges.len(), "{format} {what}: {title}");
                for e in edges {
                    let row = table.row(other, str_of(e, other));
                    check_cell(format, row, "rel", &field(e, "rel"), &what);
                    check_cell(format, row, "name", &field(fx.node(str_of(e, other)), "name"), &what);
                    for key in ["share_pct", "share_of", "as_of", "note"] {
                        check_cell(format, row, key, &field(e, key), &what);
                    }
                    check_cell(format, row, "sources", &list_field(e, "sources"), &what);
                    cited.extend(strings(&list_field(e, "sources")));
                }
            }
            for claim in tables(n, "claim") {
                cited.extend(strings(&list_field(&claim, "sources")));
            }
            cited.sort();
            cited.dedup();
            let table = section(&sections, Some("sources"));
            assert_eq!(table.rows.len(), cited.len(), "{format} {what}: sources");
            for s in cited {
                let source = fx.source(&s);
                let row = table.row("source", &s);
                for key in ["publisher", "date", "title", "url"] {
                    check_cell(format, row, key, &field(source, key), &what);
                }
            }
        }
    }
}

#[test]
fn query_results_survive_every_format() {
    let fx = fixture();
    let nodes = "MATCH (n) RETURN n.id AS id, n.name AS name, n.name_zh AS name_zh, n.summary AS summary, \
                 n.aliases AS aliases, n.tags AS tags, n.ticker AS ticker, n.hq AS hq, n.memory AS memory, \
                 n.website AS website, n.chain AS chain, n.chains AS chains ORDER BY id";
    let edges = "MATCH (a)-[r]->(b) RETURN a.id + ' ' + b.id AS pair, type(r) AS rel, r.note AS note, \
                 r.share_of AS share_of, r.share_pct AS share_pct, r.deal AS deal";
    for format in FORMATS {
        // The query of the issue, with its default column names.
        let out = hostile(&["--format", format, "query", "MATCH (n) RETURN n.name, n.summary"]);
        let table = parse(format, &out).remove(0);
        assert_eq!(table.rows.len(), fx.nodes.len());
        for n in &fx.nodes {
            let row = table.row("n.name", str_of(n, "name"));
            check_cell(format, row, "n.summary", &field(n, "summary"), "n.summary");
        }

        let out = hostile(&["--format", format, "query", nodes]);
        let table = parse(format, &out).remove(0);
        assert_eq!(table.rows.len(), fx.nodes.len());
        for n in &fx.nodes {
            let id = str_of(n, "id");
            let row = table.row("id", id);
            for key in ["name", "name_zh", "summary"] {
                check_cell(format, row, key, &field(n, key), id);
            }
            for key in ["aliases", "tags"] {
                check_cell(format, row, key, &list_field(n, key), id);
            }
            let props = props(n);
            for key in ["ticker", "hq", "memory", "website", "chain", "chains"] {
                check_cell(format, row, key, &props.get(key).map_or(Json::Null, to_json), id);
            }
        }

        let out = hostile(&["--format", format, "query", edges]);
        let table = parse(format, &out).remove(0);
        assert_eq!(table.rows.len(), fx.edges.len());
        for e in &fx.edges {
            let pair = format!("{} {}", str_of(e, "from"), str_of(e, "to"));
            let row = table.row("pair", &pair);
            for key in ["rel", "note", "share_of", "share_pct"] {
                check_cell(format, row, key, &field(e, key), &pair);
            }
            check_cell(format, row, "deal", &props(e).get("deal").map_or(Json::Null, to_json), &pair);
        }
    }
}

/// Strings that are not in the fixture, through a query parameter and a column alias: control
/// characters, an ANSI escape, a byte-order mark, a lone `\r` at the end, Markdown and HTML.
#[test]
fn parameters_and_column_names_survive_every_format() {
    let values = [
        "\u{1b}[31mred\u{1b}[0m \u{7} bell",
        "\u{feff}bom and trailing cr\r",
        "  two leading spaces, two trailing  ",
        "\t",
        "# not a title",
        "### not a heading | x",
        "--- |",
        "\\",
        "\"",
        "'",
        "a\\tb\\nc (backslash escapes as text)",
        "<br>",
        "&#13; and &amp;",
        "multi\n\nblank\n\nlines",
        "💥🧨 \u{200d}👩‍👩‍👧 中文",
    ];
    let column = "we|ird \"col\", 名 🚀";
    for format in FORMATS {
        for value in values {
            let param = format!("v={value}");
            let query = format!("RETURN $v AS `{column}`, 'x' AS second");
            let out = hostile(&["--format", format, "query", &query, "--param", &param]);
            let table = parse(format, &out).remove(0);
            assert_eq!(table.rows.len(), 1, "{format} {value:?}:\n{out}");
            check_cell(format, &table.rows[0], column, &json!(value), "param");
            check_cell(format, &table.rows[0], "second", &json!("x"), "param");
        }
    }
}

/// The box-drawn `table` format is for people, not parsers: it only has to stay a box. No
/// control character (a raw `\r`, a tab, an escape sequence) may reach the terminal, and every
/// line of a table has the same display width.
#[test]
fn table_format_keeps_its_box() {
    use unicode_width::UnicodeWidthStr;
    let fx = fixture();
    let mut runs = vec![hostile(&["--format", "table", "list"])];
    for n in &fx.nodes {
        runs.push(hostile(&["--format", "table", "show", str_of(n, "id")]));
    }
    let param = "v=\u{1b}[2J\u{1b}[31mred\u{7}\r\tx";
    runs.push(hostile(&["--format", "table", "query", "RETURN $v AS `a\tb\rc`", "--param", param]));
    for out in runs {
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "a control character in {out:?}");
        for table in out.split("\n\n") {
            let widths: Vec<usize> = table
                .lines()
                .filter(|l| l.starts_with(['│', '┌', '╞', '├', '└']))
                .map(|l| l.width())
                .collect();
            assert!(widths.windows(2).all(|w| w[0] == w[1]), "ragged table:\n{table}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Exports

#[test]
fn json_export_keeps_every_string() {
    let fx = fixture();
    let doc: Json = serde_json::from_str(&hostile(&["export", "--to", "json"])).unwrap();
    let find = |list: &str, key: &str, value: &str| -> Json {
        let items = doc[list].as_array().unwrap();
        let found: Vec<&Json> = items.iter().filter(|x| x[key] == json!(value)).collect();
        assert_eq!(found.len(), 1, "{list} with {key} = {value}");
        found[0].clone()
    };

    let layers = tables(&fx.schema, "layer");
    assert_eq!(doc["layers"].as_array().unwrap().len(), layers.len());
    for l in &layers {
        let got = find("layers", "id", str_of(l, "id"));
        for (k, v) in l {
            assert_eq!(got[k], to_json(v), "layer {k}");
        }
    }
    for s in &fx.sources {
        let got = find("sources", "id", str_of(s, "id"));
        for (k, v) in s {
            assert_eq!(got[k], to_json(v), "source {k}");
        }
    }
    assert_eq!(doc["nodes"].as_array().unwrap().len(), fx.nodes.len());
    for n in &fx.nodes {
        let got = find("nodes", "id", str_of(n, "id"));
        for (k, v) in n {
            match k.as_str() {
                "claim" => {
                    let claims = v.as_array().unwrap();
                    assert_eq!(got["claims"].as_array().unwrap().len(), claims.len());
                    for (c, g) in claims.iter().zip(got["claims"].as_array().unwrap()) {
                        for (ck, cv) in c.as_table().unwrap() {
                            assert_eq!(g[ck], to_json(cv), "claim {ck}");
                        }
                    }
                }
                _ => assert_eq!(got[k], to_json(v), "node {} {k}", str_of(n, "id")),
            }
        }
        for k in ["name_zh", "summary", "segment"] {
            if !n.contains_key(k) {
                assert_eq!(got[k], Json::Null);
            }
        }
    }
    assert_eq!(doc["edges"].as_array().unwrap().len(), fx.edges.len());
    for e in &fx.edges {
        let got: Vec<&Json> = doc["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["from"] == field(e, "from") && g["to"] == field(e, "to"))
            .collect();
        assert_eq!(got.len(), 1);
        for (k, v) in e {
            assert_eq!(got[0][k], to_json(v), "edge {k}");
        }
    }
}

/// A Neo4j admin-import CSV file, each row by header name: `:START_ID`, `:END_ID`, `:TYPE` and
/// `:LABEL` as they are, other columns without their `:type` suffix.
fn read_export_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(|h| if h.starts_with(':') { h.to_string() } else { h.split(':').next().unwrap().to_string() })
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(r.len(), header.len());
            header.iter().cloned().zip(r.iter().map(String::from)).collect()
        })
        .collect()
}

/// How the flat exports write a field: lists joined with `;` (Neo4j's array delimiter).
fn flat(v: &Json) -> String {
    text(v, ";")
}

#[test]
fn csv_export_keeps_every_string() {
    // A list item with the delimiter in it is refused, naming the item, and nothing is written.
    let dir = temp_dir("csv");
    let refused = aikg(&["--data", DATA, "export", "--to", "csv", "-o", dir.to_str().unwrap()]);
    assert_eq!(refused.code, Some(2), "{}", refused.stderr);
    assert!(refused.stderr.contains("\"semi;colon\", which contains `;`"), "{}", refused.stderr);
    assert!(entries(&dir).is_empty());

    let data = csv_safe_copy("csv-safe-data");
    let chain = read_toml_in(&data, "chain.toml");
    let fx = Fixture {
        schema: read_toml_in(&data, "schema.toml"),
        nodes: tables(&chain, "node"),
        edges: tables(&chain, "edge"),
        sources: tables(&read_toml_in(&data, "sources.toml"), "source"),
    };
    let run = aikg(&["--data", data.to_str().unwrap(), "export", "--to", "csv", "-o", dir.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(entries(&dir), ["edges.csv", "nodes.csv", "sources.csv"]);

    let nodes = read_export_csv(&dir.join("nodes.csv"));
    assert_eq!(nodes.len(), fx.nodes.len());
    for n in &fx.nodes {
        let row = nodes.iter().find(|r| r["id"] == str_of(n, "id")).unwrap();
        assert_eq!(row[":LABEL"], str_of(n, "kind"));
        for key in ["name", "name_zh", "layer", "segment", "summary"] {
            assert_eq!(row[key], flat(&field(n, key)), "{key}");
        }
        for key in ["aliases", "tags", "sources"] {
            assert_eq!(row[key], flat(&list_field(n, key)), "{key}");
        }
        for (k, v) in props(n) {
            assert_eq!(row[&k], flat(&to_json(&v)), "{k}");
        }
    }
    let edges = read_export_csv(&dir.join("edges.csv"));
    assert_eq!(edges.len(), fx.edges.len());
    for e in &fx.edges {
        let row = edges
            .iter()
            .find(|r| r[":START_ID"] == str_of(e, "from") && r[":END_ID"] == str_of(e, "to"))
            .unwrap();
        assert_eq!(row[":TYPE"], str_of(e, "rel"));
        for key in ["share_of", "as_of", "since", "until", "confidence", "note", "share_pct"] {
            assert_eq!(row[key], flat(&field(e, key)), "{key}");
        }
        assert_eq!(row["sources"], flat(&list_field(e, "sources")));
        for (k, v) in props(e) {
            assert_eq!(row[&k], flat(&to_json(&v)), "{k}");
        }
    }
    let sources = read_export_csv(&dir.join("sources.csv"));
    assert_eq!(sources.len(), fx.sources.len());
    for s in &fx.sources {
        let row = sources.iter().find(|r| r["id"] == str_of(s, "id")).unwrap();
        for key in ["title", "publisher", "url", "date", "kind"] {
            assert_eq!(row[key], flat(&field(s, key)), "{key}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(&data).unwrap();
}

/// A GraphML document's nodes and edges: id (or `source target`) -> attr.name -> text.
fn read_graphml(text: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("not XML: {e}"));
    let keys: BTreeMap<&str, &str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("key"))
        .map(|k| (k.attribute("id").unwrap(), k.attribute("attr.name").unwrap()))
        .collect();
    let mut items = BTreeMap::new();
    for el in doc.descendants().filter(|n| n.has_tag_name("node") || n.has_tag_name("edge")) {
        let name = match el.attribute("id").filter(|_| el.has_tag_name("node")) {
            Some(id) => id.to_string(),
            None => format!("{} {}", el.attribute("source").unwrap(), el.attribute("target").unwrap()),
        };
        let data = el
            .children()
            .filter(|c| c.has_tag_name("data"))
            .map(|d| {
                (keys[d.attribute("key").unwrap()].to_string(), d.text().unwrap_or_default().to_string())
            })
            .collect();
        assert!(items.insert(name, data).is_none());
    }
    items
}

/// What the GraphML export should hold for each node and edge (empty values are left out).
fn expected_graphml(fx: &Fixture) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut items = BTreeMap::new();
    for n in &fx.nodes {
        let mut data = BTreeMap::from([("label".to_string(), str_of(n, "kind").to_string())]);
        for key in ["name", "name_zh", "layer", "segment", "summary"] {
            data.insert(key.to_string(), flat(&field(n, key)));
        }
        for key in ["aliases", "tags", "sources"] {
            data.insert(key.to_string(), flat(&list_field(n, key)));
        }
        data.extend(props(n).iter().map(|(k, v)| (k.clone(), flat(&to_json(v)))));
        data.retain(|_, v| !v.is_empty());
        items.insert(str_of(n, "id").to_string(), data);
    }
    for e in &fx.edges {
        let mut data = BTreeMap::from([("type".to_string(), str_of(e, "rel").to_string())]);
        for key in ["share_of", "as_of", "since", "until", "confidence", "note", "share_pct"] {
            data.insert(key.to_string(), flat(&field(e, key)));
        }
        data.insert("sources".to_string(), flat(&list_field(e, "sources")));
        data.extend(props(e).iter().map(|(k, v)| (k.clone(), flat(&to_json(v)))));
        data.retain(|_, v| !v.is_empty());
        items.insert(format!("{} {}", str_of(e, "from"), str_of(e, "to")), data);
    }
    items
}

#[test]
fn graphml_export_keeps_every_string() {
    let fx = fixture();
    let got = read_graphml(&hostile(&["export", "--to", "graphml"]));
    // Carriage returns included: the export writes them as `&#13;`, which a parser keeps.
    assert_same_items(&got, &expected_graphml(&fx));
}

fn assert_same_items(
    got: &BTreeMap<String, BTreeMap<String, String>>,
    expected: &BTreeMap<String, BTreeMap<String, String>>,
) {
    assert_eq!(got.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>());
    for (item, data) in expected {
        assert_eq!(got[item].keys().collect::<Vec<_>>(), data.keys().collect::<Vec<_>>(), "{item}");
        for (key, value) in data {
            assert_eq!(&got[item][key], value, "{item}: {key}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Diagrams

/// The text a DOT double-quoted id stands for in a label: `\"`, `\\` and `\n` (a line break) are
/// the only escapes aikg writes; any other escape (`\l`, `\N`, ...) would mean something to
/// Graphviz, so it fails the test.
fn dot_unquote(id: &graphviz_rust::dot_structures::Id) -> String {
    use graphviz_rust::dot_structures::Id;
    let quoted = match id {
        Id::Escaped(q) => q,
        Id::Plain(p) => return p.clone(),
        Id::Html(h) => return html_text(h),
        other => panic!("unexpected id {other:?}"),
    };
    let inner = quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"')).unwrap();
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('n') => out.push('\n'),
                other => panic!("escape \\{other:?} in {quoted}"),
            },
            '"' => panic!("raw quote in {quoted}"),
            '\r' | '\n' => panic!("raw line break in {quoted:?}"),
            c => out.push(c),
        }
    }
    out
}

/// The text of an HTML-like label (`<…>`): one line per table cell, `<BR/>` a line break, tags
/// dropped, the five entities aikg writes decoded; a raw `&` that is not one of them, or a `<`
/// or `>` outside a tag, fails the test.
fn html_text(h: &str) -> String {
    let inner =
        h.strip_prefix('<').and_then(|h| h.strip_suffix('>')).unwrap_or_else(|| panic!("not HTML: {h}"));
    let mut out = String::new();
    let mut rest = inner;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let end = rest.find('>').unwrap_or_else(|| panic!("unclosed tag in {h}"));
            let tag = &rest[1..end];
            assert!(!tag.contains('<'), "a raw < in {h}");
            if tag.starts_with("BR") {
                out.push('\n');
            } else if tag == "/TD" {
                out.push('\u{1}');
            }
            rest = &rest[end + 1..];
        } else if c == '&' {
            let end = rest.find(';').unwrap_or_else(|| panic!("a raw & in {h}"));
            out.push(match &rest[1..end] {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                other => panic!("entity &{other}; in {h}"),
            });
            rest = &rest[end + 1..];
        } else {
            assert!(c != '>', "a raw > in {h}");
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The lines of a caption label: the text of each table cell, in order, empty ones left out.
fn caption_lines(label: &str) -> Vec<String> {
    label.split('\u{1}').map(str::to_string).filter(|l| !l.is_empty()).collect()
}

#[derive(Default, Debug)]
struct Dot {
    graph: BTreeMap<String, String>,
    nodes: BTreeMap<String, BTreeMap<String, String>>,
    edges: Vec<(String, String, BTreeMap<String, String>)>,
}

fn read_dot(text: &str) -> Dot {
    use graphviz_rust::dot_structures::{Attribute, EdgeTy, Graph, GraphAttributes, Stmt, Vertex};
    let attrs = |list: &[Attribute]| -> BTreeMap<String, String> {
        list.iter().map(|Attribute(k, v)| (dot_unquote(k), dot_unquote(v))).collect()
    };
    fn walk(stmts: &[Stmt], dot: &mut Dot, attrs: &dyn Fn(&[Attribute]) -> BTreeMap<String, String>) {
        for s in stmts {
            match s {
                Stmt::Node(n) => {
                    assert!(n.id.1.is_none(), "a port in {n:?}");
                    dot.nodes.insert(dot_unquote(&n.id.0), attrs(&n.attributes));
                }
                Stmt::Edge(e) => {
                    let EdgeTy::Pair(Vertex::N(a), Vertex::N(b)) = &e.ty else { panic!("{e:?}") };
                    dot.edges.push((dot_unquote(&a.0), dot_unquote(&b.0), attrs(&e.attributes)));
                }
                Stmt::GAttribute(GraphAttributes::Graph(list)) => dot.graph.extend(attrs(list)),
                Stmt::Subgraph(sub) => walk(&sub.stmts, dot, attrs),
                _ => {}
            }
        }
    }
    let graph = graphviz_rust::parse(text).unwrap_or_else(|e| panic!("graphviz-rust rejects the DOT: {e}"));
    let Graph::DiGraph { stmts, .. } = graph else { panic!("not a digraph") };
    let mut dot = Dot::default();
    walk(&stmts, &mut dot, &attrs);
    dot
}

/// The texts of an SVG's `<text>` elements (Graphviz writes a run of spaces as space + nbsp).
fn svg_texts(svg: &str) -> Vec<String> {
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(svg, options).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().replace('\u{a0}', " "))
        .collect()
}

fn svg(dot: &str) -> Option<String> {
    use std::io::Write;
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "dot rejects the DOT: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8(out.stdout).unwrap())
}

#[test]
fn dot_export_parses_back_to_the_labels() {
    let fx = fixture();
    // Every node in a box of its own (--max-nodes 0) and every edge labelled (--edge-labels), so
    // that every string of the data is on the diagram.
    let text = hostile(&["export", "--to", "dot", "--max-nodes", "0", "--edge-labels"]);
    let dot = read_dot(&text);
    let caption = caption_lines(&dot.graph["label"]);
    assert_eq!(caption[0], "aikg: the whole graph");
    assert_eq!(caption[1], format!("{} nodes, {} edges", fx.nodes.len(), fx.edges.len()));
    for n in &fx.nodes {
        let id = str_of(n, "id");
        let attrs = &dot.nodes[id];
        // The label is composed: the name, and the Chinese name on a second line. Both are compared
        // whole; only the kind of line break (`\r\n`, `\r`, `\n`) is not kept.
        assert_eq!(attrs["label"], line_breaks(&node_label(n)), "{id}");
        let tooltip = match n.get("summary").and_then(|s| s.as_str()) {
            Some(s) => line_breaks(s),
            None => format!("{} ({})", line_breaks(str_of(n, "name")), str_of(n, "kind")),
        };
        assert_eq!(attrs["tooltip"], tooltip, "{id}");
    }
    for e in &fx.edges {
        let (from, to, rel) = (str_of(e, "from"), str_of(e, "to"), str_of(e, "rel"));
        let reversed = fx.reversed(rel);
        // Supply edges are drawn from the upstream node, with the arrow pointing downstream.
        let (a, b) = if reversed { (to, from) } else { (from, to) };
        let drawn: Vec<_> = dot.edges.iter().filter(|(x, y, _)| x == a && y == b).collect();
        assert_eq!(drawn.len(), 1, "{from} {rel} {to}");
        let attrs = &drawn[0].2;
        let label = match e.get("share_pct") {
            Some(p) => format!("{rel}\n{}%", p.as_float().unwrap()),
            None => rel.to_string(),
        };
        assert_eq!(attrs["label"], label);
        assert_eq!(attrs.get("dir"), None);
    }
    // Graphviz accepts it and draws each line of each label as written, the default drawing too.
    // (By default nodes alike share a box, one name to a line after the others' names.)
    for (text, whole) in [(text.clone(), true), (hostile(&["export", "--to", "dot"]), false)] {
        if let Some(svg) = svg(&text) {
            let texts = svg_texts(&svg);
            for n in &fx.nodes {
                for line in line_breaks(&node_label(n)).split('\n') {
                    let found = texts.iter().any(|t| if whole { t == line } else { t.contains(line) });
                    assert!(found, "{line:?} not in {texts:?}");
                }
            }
        }
    }
}

#[test]
fn dot_titles_with_a_focus_name_parse_back() {
    let fx = fixture();
    for n in &fx.nodes {
        let id = str_of(n, "id");
        let text = hostile(&["export", "--to", "dot", "--focus", id, "--direction", "both", "--depth", "1"]);
        let caption = caption_lines(&read_dot(&text).graph["label"]);
        let name = line_breaks(str_of(n, "name"));
        assert_eq!(caption[0], format!("aikg: {name}, 1 hop along any edge"), "{caption:?}");
        assert!(caption[1].chars().next().is_some_and(|c| c.is_ascii_digit()), "{caption:?}");
        svg(&text);
    }
}

/// Mermaid's entity codes (`#quot;`, `#35;`) and `<br/>`, decoded. Any other `#`, `<` or a
/// character that could end a label is an error.
fn mermaid_decode(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if let Some(r) = rest.strip_prefix("<br/>") {
            out.push('\n');
            rest = r;
        } else if c == '#' {
            let end = rest.find(';').unwrap_or_else(|| panic!("a raw # in {s:?}"));
            let code = &rest[1..end];
            out.push(match code {
                "quot" => '"',
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                n => char::from_u32(n.parse().unwrap_or_else(|_| panic!("entity #{n}; in {s:?}"))).unwrap(),
            });
            rest = &rest[end + 1..];
        } else {
            assert!(!"\"<>&|[]`\r\n".contains(c), "raw {c:?} in Mermaid label {s:?}");
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The inverse of the YAML double-quoted string of the front matter's title.
fn yaml_unquote(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\\') => out.push('\\'),
                Some('"') => out.push('"'),
                other => panic!("YAML escape \\{other:?} in {s:?}"),
            },
            '"' => panic!("raw quote in YAML string {s:?}"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Debug, Default)]
struct Mermaid {
    title: String,
    /// Mermaid id -> (opening bracket, label).
    nodes: BTreeMap<String, (String, String)>,
    /// (from, arrow, label, to).
    edges: Vec<(String, String, String, String)>,
}

/// Reads aikg's Mermaid flowchart line by line: every line must be one of the statements aikg
/// writes, with every label quoted and free of raw quotes and line breaks.
fn read_mermaid(text: &str) -> Mermaid {
    let title = regex::Regex::new(r#"^title: "(.*)"$"#).unwrap();
    let subgraph = regex::Regex::new(r#"^  subgraph (?:layer_[a-z0-9_]+|Legend)\["([^"]*)"\]$"#).unwrap();
    let style = regex::Regex::new(
        r"^  style (?:layer_[a-z0-9_]+|Legend(?:_[a-z0-9_]+)?) fill:#[0-9a-f]{6},stroke:#(?:888888|cccccc)$",
    )
    .unwrap();
    // The legend's boxes: a layer in its colour, or the relations by line style.
    let legend_node = regex::Regex::new(r#"^    Legend_[a-z0-9_]+\["([^"]*)"\]$"#).unwrap();
    let node = regex::Regex::new(
        r#"^    ([a-z0-9_]+)(\["|\[\("|\(\("|\{\{"|\(\["|>")([^"]*)("\]|"\)\]|"\)\)|"\}\}|"\]\))$"#,
    )
    .unwrap();
    let edge =
        regex::Regex::new(r#"^  ([a-z0-9_]+) (-- "|-\. "|== ")([^"]*)(" -->|" \.->|" ==>) ([a-z0-9_]+)$"#)
            .unwrap();
    let mut m = Mermaid::default();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("---"));
    let t = title.captures(lines.next().unwrap()).expect("a title line");
    m.title = mermaid_decode(&yaml_unquote(&t[1]));
    assert_eq!(lines.next(), Some("---"));
    assert_eq!(lines.next(), Some("flowchart LR"));
    for line in lines {
        if let Some(c) = node.captures(line) {
            m.nodes.insert(c[1].to_string(), (c[2].to_string(), mermaid_decode(&c[3])));
        } else if let Some(c) = edge.captures(line) {
            m.edges.push((c[1].to_string(), c[2].to_string(), mermaid_decode(&c[3]), c[5].to_string()));
        } else if let Some(c) = subgraph.captures(line).or_else(|| legend_node.captures(line)) {
            mermaid_decode(&c[1]);
        } else {
            assert!(
                line == "  end" || line == "    direction LR" || style.is_match(line),
                "unexpected Mermaid line {line:?}"
            );
        }
    }
    m
}

/// Words that Mermaid 11's flowchart parser rejects as a node id (tried one by one).
const MERMAID_KEYWORDS: [&str; 10] =
    ["end", "graph", "flowchart", "subgraph", "style", "class", "click", "call", "href", "interpolate"];

/// The Mermaid id of a slug: `-` becomes `_`, and a keyword gets a `_` after it.
fn mermaid_id(slug: &str) -> String {
    let id = slug.replace('-', "_");
    if MERMAID_KEYWORDS.contains(&id.as_str()) {
        id + "_"
    } else {
        id
    }
}

#[test]
fn mermaid_export_parses_back_to_the_labels() {
    let fx = fixture();
    let m = read_mermaid(&hostile(&["export", "--to", "mermaid"]));
    assert_eq!(m.title, format!("aikg: the whole graph: {} nodes, {} edges", fx.nodes.len(), fx.edges.len()));
    assert_eq!(m.nodes.len(), fx.nodes.len());
    for id in m.nodes.keys() {
        assert!(!MERMAID_KEYWORDS.contains(&id.as_str()), "{id} is a Mermaid keyword");
    }
    for n in &fx.nodes {
        let id = mermaid_id(str_of(n, "id"));
        let (open, label) = &m.nodes[&id];
        assert_eq!(label, &line_breaks(&node_label(n)), "{id}");
        let expected_open = if str_of(n, "kind") == "Project" { "{{\"" } else { "[\"" };
        assert_eq!(open, expected_open, "{id}");
    }
    assert_eq!(m.edges.len(), fx.edges.len());
    for e in &fx.edges {
        let (from, to, rel) = (str_of(e, "from"), str_of(e, "to"), str_of(e, "rel"));
        let (a, b) = if fx.reversed(rel) { (to, from) } else { (from, to) };
        let (a, b) = (mermaid_id(a), mermaid_id(b));
        let drawn: Vec<_> = m.edges.iter().filter(|(x, _, _, y)| *x == a && *y == b).collect();
        assert_eq!(drawn.len(), 1, "{from} {rel} {to}");
        let label = match e.get("share_pct") {
            Some(p) => format!("{rel} {}%", p.as_float().unwrap()),
            None => rel.to_string(),
        };
        assert_eq!(drawn[0].2, label);
    }
}

#[test]
fn mermaid_titles_with_a_focus_name_parse_back() {
    let fx = fixture();
    for n in &fx.nodes {
        let id = str_of(n, "id");
        let m = read_mermaid(&hostile(&[
            "export",
            "--to",
            "mermaid",
            "--focus",
            id,
            "--direction",
            "both",
            "--depth",
            "1",
        ]));
        let name = line_breaks(str_of(n, "name"));
        assert!(m.title.starts_with(&format!("aikg: {name}, 1 hop along any edge: ")), "{:?}", m.title);
    }
}

// ---------------------------------------------------------------------------------------------
// Writing files and pipes

#[test]
fn failed_writes_leave_no_file_behind() {
    let dir = temp_dir("atomic");
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let export = |args: &[&str]| {
        let mut all = vec!["--data", DATA, "export"];
        all.extend_from_slice(args);
        aikg(&all)
    };

    // A query error: exit 2, no file and no temporary file.
    let target = path("out.dot");
    let bad_query = ["--to", "dot", "--query", "MATCH (n:Nope) RETURN n", "-o", &target];
    let run = export(&bad_query);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));
    // ... and an existing file is left as it was.
    std::fs::write(&target, "old").unwrap();
    assert_eq!(export(&bad_query).code, Some(2));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    // `render` too.
    let svg = path("out.svg");
    let run = aikg(&["--data", DATA, "render", "--query", "MATCH (n:Nope) RETURN n", "-o", &svg]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(entries(&dir), ["out.dot"]);

    // An unwritable target (a folder, so the final rename fails after the temporary file is
    // written): exit 1, the temporary file removed, the folder untouched.
    std::fs::create_dir(dir.join("folder")).unwrap();
    std::fs::write(dir.join("folder").join("keep"), "x").unwrap();
    let run = export(&["--to", "json", "-o", &path("folder")]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("cannot write"), "{}", run.stderr);
    assert_eq!(entries(&dir), ["folder", "out.dot"]);
    assert_eq!(entries(&dir.join("folder")), ["keep"]);
    // A missing parent folder: exit 1, nothing created.
    let run = export(&["--to", "mermaid", "-o", &path("missing/x.mmd")]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(entries(&dir), ["folder", "out.dot"]);

    // A good run replaces the file with exactly what standard output would get.
    let run = export(&["--to", "dot", "-o", &target]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), hostile(&["export", "--to", "dot"]));
    assert_eq!(entries(&dir), ["folder", "out.dot"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn failed_csv_export_leaves_no_partial_export() {
    let data = csv_safe_copy("csv-partial-data");
    let dir = temp_dir("csv-partial");
    std::fs::create_dir(dir.join("edges.csv")).unwrap();
    let run = aikg(&["--data", data.to_str().unwrap(), "export", "--to", "csv", "-o", dir.to_str().unwrap()]);
    let left = entries(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(&data).unwrap();
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(left, ["edges.csv"], "a failed export left files behind");
}

#[test]
fn a_closed_stdout_pipe_is_a_success() {
    // Each output is far larger than a pipe's buffer (64 KiB), so aikg is still writing when
    // the reader goes away and gets EPIPE.
    let commands: [&[&str]; 3] = [
        &["--format", "jsonl", "query", "MATCH (a), (b) RETURN a.id, b.id, a.name, b.name LIMIT 20000"],
        &["--format", "tsv", "query", "MATCH (a), (b) RETURN a.id, b.id, a.summary LIMIT 20000"],
        &["export", "--to", "json"],
    ];
    for args in commands {
        let full = aikg(args);
        assert_eq!(full.code, Some(0), "{args:?}: {}", full.stderr);
        assert!(full.stdout.len() > 512 * 1024, "{args:?}: only {} bytes", full.stdout.len());

        let mut child = Command::new(env!("CARGO_BIN_EXE_aikg"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut byte = [0u8; 1];
        stdout.read_exact(&mut byte).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stderr.is_empty(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}
