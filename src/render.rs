//! One writer per output format. Each is a pure function from a result to text.
//!
//! | format     | a table                                   | a report (several titled tables)           |
//! |------------|-------------------------------------------|--------------------------------------------|
//! | `table`    | a box-drawn table                         | each table under its title                 |
//! | `json`     | an array of objects, keys in column order | an object: title -> array of objects       |
//! | `jsonl`    | one object per line                       | one object per line, with a `section` key  |
//! | `csv`/`tsv`| a header line and rows                    | each table after a `# title` line          |
//! | `markdown` | a pipe table                              | each table under a `### title` heading     |

use std::fmt::Write as _;

use comfy_table::{presets, Attribute, Cell as TCell, ContentArrangement, Table as TTable};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::table::{Cell, Output, Section, Table};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Jsonl,
    Csv,
    Tsv,
    Markdown,
}

/// How the `table` format lays itself out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    /// Bold headers and titles (ANSI escapes).
    pub color: bool,
    /// Wrap to this terminal width; `None` never wraps.
    pub width: Option<u16>,
}

pub fn render(output: &Output, format: Format, style: Style) -> String {
    match output {
        Output::Table(t) => match format {
            Format::Table => table(t, style),
            Format::Json => json(&Rows(t)),
            Format::Jsonl => jsonl(t, None),
            Format::Csv => delimited(t, b','),
            Format::Tsv => delimited(t, b'\t'),
            Format::Markdown => markdown(t),
        },
        Output::Report(sections) => match format {
            Format::Json => json(&Sections(sections)),
            Format::Jsonl => sections.iter().map(|s| jsonl(&s.table, Some(&s.title))).collect(),
            _ => {
                let mut out = String::new();
                for (i, s) in sections.iter().enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    let body = render(&Output::Table(s.table.clone()), format, style);
                    let _ = match format {
                        Format::Markdown => writeln!(out, "### {}\n", s.title),
                        Format::Csv | Format::Tsv => writeln!(out, "# {}", s.title),
                        _ if style.color => writeln!(out, "\x1b[1m{}\x1b[0m", s.title),
                        _ => writeln!(out, "{}", s.title),
                    };
                    out.push_str(&body);
                }
                out
            }
        },
    }
}

fn table(t: &Table, style: Style) -> String {
    let mut out = TTable::new();
    out.load_style(presets::UTF8_FULL_CONDENSED);
    match style.width {
        Some(w) => {
            out.set_content_arrangement(ContentArrangement::Dynamic);
            out.set_width(w);
        }
        None => {
            out.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    out.set_header(t.columns.iter().map(|c| {
        let cell = TCell::new(c);
        if style.color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }));
    for row in &t.rows {
        out.add_row(row.iter().map(|c| TCell::new(c.text())));
    }
    if !style.color {
        out.force_no_tty();
    } else {
        out.enforce_styling();
    }
    let mut s = out.to_string();
    s.push('\n');
    if t.rows.is_empty() {
        s.push_str("(no rows)\n");
    }
    s
}

struct Rows<'a>(&'a Table);
struct Row<'a>(&'a [String], &'a [Cell], Option<&'a str>);
struct Sections<'a>(&'a [Section]);

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len() + usize::from(self.2.is_some())))?;
        if let Some(section) = self.2 {
            map.serialize_entry("section", section)?;
        }
        for (k, v) in self.0.iter().zip(self.1) {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.rows.len()))?;
        for r in &self.0.rows {
            seq.serialize_element(&Row(&self.0.columns, r, None))?;
        }
        seq.end()
    }
}

impl Serialize for Sections<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for sec in self.0 {
            map.serialize_entry(&sec.title, &Rows(&sec.table))?;
        }
        map.end()
    }
}

fn json(value: &impl Serialize) -> String {
    // Serializing plain strings, numbers and maps with string keys cannot fail; non-finite floats
    // become null.
    let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

fn jsonl(t: &Table, section: Option<&str>) -> String {
    let mut out = String::new();
    for r in &t.rows {
        let line = serde_json::to_string(&Row(&t.columns, r, section))
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// CSV (RFC 4180 quoting) or TSV (tabs and newlines inside a cell become spaces, as TSV has no
/// quoting). Lists are joined with `; `.
fn delimited(t: &Table, delimiter: u8) -> String {
    let cell = |c: &Cell| -> String {
        let text = match c {
            Cell::List(items) => items.iter().map(Cell::text).collect::<Vec<_>>().join("; "),
            other => other.text(),
        };
        if delimiter == b'\t' {
            text.replace(['\t', '\n', '\r'], " ")
        } else {
            text
        }
    };
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .quote_style(if delimiter == b'\t' { csv::QuoteStyle::Never } else { csv::QuoteStyle::Necessary })
        .from_writer(Vec::new());
    let mut write = || -> csv::Result<()> {
        w.write_record(&t.columns)?;
        for r in &t.rows {
            w.write_record(r.iter().map(cell))?;
        }
        w.flush()?;
        Ok(())
    };
    // Writing to a Vec cannot fail, and `flexible` accepts rows of any width.
    let _ = write();
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn markdown(t: &Table) -> String {
    let esc = |s: String| s.replace('\\', "\\\\").replace('|', "\\|").replace(['\r', '\n'], "<br>");
    let mut out = String::new();
    let _ = writeln!(out, "| {} |", t.columns.iter().map(|c| esc(c.clone())).collect::<Vec<_>>().join(" | "));
    let _ = writeln!(out, "|{}", t.columns.iter().map(|_| " --- |").collect::<String>());
    for r in &t.rows {
        let _ = writeln!(out, "| {} |", r.iter().map(|c| esc(c.text())).collect::<Vec<_>>().join(" | "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hostile() -> Table {
        let mut t = Table::new(&["name", "note"]);
        t.push(vec![Cell::from("a,b \"q\""), Cell::from("x|y\nz\tw")]);
        t.push(vec![Cell::Null, Cell::List(vec![Cell::Int(1), Cell::Float(2.0)])]);
        t
    }

    #[test]
    fn csv_round_trips_hostile_cells() {
        let text = render(&Output::Table(hostile()), Format::Csv, Style::default());
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<Vec<String>> =
            r.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
        assert_eq!(rows[0], vec!["a,b \"q\"", "x|y\nz\tw"]);
        assert_eq!(rows[1], vec!["", "1; 2.0"]);
    }

    #[test]
    fn tsv_has_one_line_per_row() {
        let text = render(&Output::Table(hostile()), Format::Tsv, Style::default());
        assert_eq!(text.lines().count(), 3);
        assert!(text.lines().all(|l| l.split('\t').count() == 2));
    }

    #[test]
    fn json_keeps_column_order_and_types() {
        let text = render(&Output::Table(hostile()), Format::Json, Style::default());
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v[0]["note"], "x|y\nz\tw");
        assert_eq!(v[1]["name"], serde_json::Value::Null);
        assert_eq!(v[1]["note"][1], 2.0);
        assert!(text.find("\"name\"").unwrap() < text.find("\"note\"").unwrap());
    }

    #[test]
    fn markdown_escapes_pipes_and_newlines() {
        let text = render(&Output::Table(hostile()), Format::Markdown, Style::default());
        assert!(text.contains("x\\|y<br>z\tw"));
        assert_eq!(text.lines().count(), 4);
    }

    #[test]
    fn floats_never_read_as_integers() {
        assert_eq!(Cell::Float(2.0).text(), "2.0");
        assert_eq!(Cell::Float(67.1).text(), "67.1");
        assert_eq!(Cell::Float(1.76e12).text(), "1.76e12");
        assert_eq!(Cell::Float(2.1e25).text(), "2.1e25");
        assert_eq!(Cell::Float(0.00005).text(), "5e-5");
        assert_eq!(Cell::Float(0.0).text(), "0.0");
    }
}
