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
pub(crate) enum Format {
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

pub(crate) fn render(output: &Output, format: Format, style: Style) -> String {
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

/// Columns of prose (a verdict's reason, a note, a summary, a market's list of shares, a list of
/// sources). On a terminal they leave the grid, which would squeeze them to a few characters a
/// line, and follow it as full-width lines keyed by the row's id (or other end, or first column).
const PROSE: &[&str] = &["why", "note", "summary", "detail", "shares", "sources"];

fn table(t: &Table, style: Style) -> String {
    let Some(width) = style.width else { return grid(t, style) };
    let prose: Vec<usize> =
        (1..t.columns.len()).filter(|&i| PROSE.contains(&t.columns[i].as_str())).collect();
    // Where the table fits the terminal unwrapped, it stays as it is.
    let unwrapped = grid(t, Style { width: None, ..style });
    let fits = unwrapped.lines().all(|l| unicode_width::UnicodeWidthStr::width(l) <= usize::from(width));
    if fits {
        return unwrapped;
    }
    if prose.is_empty() || t.rows.is_empty() {
        return fitted(t, style, width);
    }
    let keep: Vec<usize> = (0..t.columns.len()).filter(|i| !prose.contains(i)).collect();
    let narrow = Table {
        columns: keep.iter().map(|&i| t.columns[i].clone()).collect(),
        rows: t.rows.iter().map(|r| keep.iter().map(|&i| r[i].clone()).collect()).collect(),
    };
    let mut out = fitted(&narrow, style, width);
    // Each row's prose is keyed by the column that names it.
    let key = key_column(t);
    for &i in &prose {
        let _ = writeln!(out, "\n{}:", t.columns[i]);
        for row in t.rows.iter().filter(|r| !r[i].text().is_empty()) {
            let line = format!("{}: {}", terminal_text(&row[key].text()), terminal_text(&row[i].text()));
            out.push_str(&wrap(&line, usize::from(width), 2, 4));
        }
    }
    out
}

/// The column that names a row: its id, else the other end of an edge (`to`, `from`), else the
/// first column.
fn key_column(t: &Table) -> usize {
    let find = |name: &str| t.columns.iter().position(|c| c == name);
    find("id").or_else(|| find("to")).or_else(|| find("from")).unwrap_or(0)
}

/// The grid at `width` where every column can keep its longest word whole; else, where the grid
/// would break words (ids, numbers, headers) across lines, each row as a wrapped line of
/// `column: value` pairs under its key (its id, else its first column).
fn fitted(t: &Table, style: Style, width: u16) -> String {
    let longest_word =
        |s: &str| s.split_whitespace().map(unicode_width::UnicodeWidthStr::width).max().unwrap_or(0);
    let needed: usize = 1
        + (0..t.columns.len())
            .map(|i| {
                let cells = t.rows.iter().map(|r| longest_word(&terminal_text(&r[i].text())));
                cells.chain([longest_word(&t.columns[i])]).max().unwrap_or(0) + 3
            })
            .sum::<usize>();
    if needed <= usize::from(width) || t.rows.is_empty() {
        return grid(t, style);
    }
    let key = key_column(t);
    let mut out = String::new();
    for row in &t.rows {
        let _ = writeln!(out, "{}", terminal_text(&row[key].text()));
        let pairs: Vec<String> = (0..t.columns.len())
            .filter(|&i| i != key && !row[i].text().is_empty())
            .map(|i| format!("{}: {}", terminal_text(&t.columns[i]), terminal_text(&row[i].text())))
            .collect();
        out.push_str(&wrap(&pairs.join(" · "), usize::from(width), 2, 2));
    }
    out
}

/// `text` wrapped at word boundaries to `width` columns, the first line indented by `first`
/// spaces and the rest by `rest`; a word longer than a line stays whole.
fn wrap(text: &str, width: usize, first: usize, rest: usize) -> String {
    let mut out = String::new();
    let mut line = " ".repeat(first);
    let mut empty = true;
    for word in text.split(' ') {
        let w = unicode_width::UnicodeWidthStr::width(word);
        if !empty && unicode_width::UnicodeWidthStr::width(line.as_str()) + 1 + w > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = " ".repeat(rest);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

fn grid(t: &Table, style: Style) -> String {
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
        let cell = TCell::new(terminal_text(c));
        if style.color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }));
    for row in &t.rows {
        out.add_row(row.iter().map(|c| TCell::new(terminal_text(&c.text()))));
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

/// Text that a terminal shows as it is within a box-drawn table: `\r\n` and a lone `\r` become
/// line breaks (a raw `\r` would move the cursor back over the box), a tab becomes a space (its
/// width depends on the column), and every other control character its Unicode control picture
/// (`␛` for ESC), so that no data can send escape sequences to the terminal.
pub fn terminal_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => out.push('\n'),
            '\t' => out.push(' '),
            '\u{7f}' => out.push('\u{2421}'),
            c if (c as u32) < 0x20 => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
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

/// A TSV cell: TSV has no quoting, so a backslash, tab, newline or carriage return inside a cell
/// is written as `\\`, `\t`, `\n` or `\r` (the escapes of PostgreSQL's text format and of
/// "linear TSV"); every other character is written as it is. Reversible: read `\` followed by one
/// of `\ t n r` back as the character it stands for.
pub fn tsv_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// CSV (RFC 4180 quoting) or TSV (no quoting; see [`tsv_escape`]). Lists are joined with `; `.
fn delimited(t: &Table, delimiter: u8) -> String {
    let tsv = delimiter == b'\t';
    let cell = |c: &Cell| -> String {
        let text = match c {
            Cell::List(items) => items.iter().map(Cell::text).collect::<Vec<_>>().join("; "),
            Cell::Map(m) => crate::table::map_text(m, Cell::text, "; "),
            other => other.text(),
        };
        if tsv {
            tsv_escape(&text)
        } else {
            text
        }
    };
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .quote_style(if tsv { csv::QuoteStyle::Never } else { csv::QuoteStyle::Necessary })
        .from_writer(Vec::new());
    let mut write = || -> csv::Result<()> {
        if tsv {
            w.write_record(t.columns.iter().map(|c| tsv_escape(c)))?;
        } else {
            w.write_record(&t.columns)?;
        }
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

/// A Markdown table cell that a CommonMark/GFM renderer shows as exactly `s`:
/// - `\\`, `|`, `<`, `&`, `` ` ``, `*`, `[`, `]`, `~`, `$` and `_` (unless between two letters
///   or digits, where it cannot start emphasis: `name_zh`) get a backslash, so that no text reads
///   as a cell border, HTML, an entity, code, emphasis, a link, strikethrough or (on GitHub) math;
/// - a newline becomes `<br>`, a carriage return `&#13;`;
/// - a space or tab at either end of the cell becomes `&#32;` or `&#9;` (renderers trim cells).
///
/// Reversible: `<br>` and `&#N;` stand for their characters, `\` + character for the character,
/// and since every literal `\\`, `<` and `&` is escaped, nothing else can be read as either.
pub fn markdown_escape(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        let edge = i == 0 || i + 1 == chars.len();
        match c {
            '\n' => out.push_str("<br>"),
            '\r' => out.push_str("&#13;"),
            ' ' if edge => out.push_str("&#32;"),
            '\t' if edge => out.push_str("&#9;"),
            '_' if i > 0
                && i + 1 < chars.len()
                && chars[i - 1].is_alphanumeric()
                && chars[i + 1].is_alphanumeric() =>
            {
                out.push('_')
            }
            '\\' | '|' | '<' | '&' | '`' | '*' | '[' | ']' | '~' | '$' | '_' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn markdown(t: &Table) -> String {
    let row = |cells: Vec<String>| -> String {
        cells.iter().map(|c| markdown_escape(c)).collect::<Vec<_>>().join(" | ")
    };
    let mut out = String::new();
    let _ = writeln!(out, "| {} |", row(t.columns.clone()));
    let _ = writeln!(out, "|{}", t.columns.iter().map(|_| " --- |").collect::<String>());
    for r in &t.rows {
        let _ = writeln!(out, "| {} |", row(r.iter().map(Cell::text).collect()));
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
    fn prose_leaves_the_grid_on_a_narrow_terminal() {
        let mut t = Table::new(&["id", "breaks", "why"]);
        let why = "if it stops, 41 nodes lose every supplier of an input they need (a100, akash and 39 more)";
        t.push(vec!["nvidia".into(), 41usize.into(), why.into()]);
        t.push(vec!["tsmc".into(), 29usize.into(), "".into()]);
        let out = table(&t, Style { color: false, width: Some(60) });
        assert!(out.contains("\nwhy:\n  nvidia: if it stops"), "{out}");
        assert!(!out.contains("tsmc: "), "an empty reason gets no line: {out}");
        assert!(out.lines().all(|l| unicode_width::UnicodeWidthStr::width(l) <= 60), "{out}");
        // Off a terminal, or where it fits, the grid keeps every column.
        assert!(table(&t, Style { color: false, width: None }).contains("┆ why"));
        assert!(table(&t, Style { color: false, width: Some(200) }).contains("┆ why"));
    }

    #[test]
    fn a_grid_that_would_break_words_becomes_records() {
        let mut t = Table::new(&["rank", "id", "layer", "betweenness"]);
        t.push(vec![1usize.into(), "euv-lithography".into(), "semiconductors".into(), 0.000983.into()]);
        let out = table(&t, Style { color: false, width: Some(40) });
        assert_eq!(out, "euv-lithography\n  rank: 1 · layer: semiconductors ·\n  betweenness: 0.000983\n");
        // Where every column keeps its longest word, the grid stays.
        assert!(table(&t, Style { color: false, width: Some(80) }).contains("┆ betweenness"));
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
    fn tsv_escapes_backslashes_tabs_and_line_breaks() {
        assert_eq!(tsv_escape("a\tb\nc\r\nd\\n"), "a\\tb\\nc\\r\\nd\\\\n");
        assert_eq!(tsv_escape("\"q\", 'x' | 英伟达 🚀"), "\"q\", 'x' | 英伟达 🚀");
        let text = render(&Output::Table(hostile()), Format::Tsv, Style::default());
        assert!(text.contains("a,b \"q\"\tx|y\\nz\\tw\n"), "{text}");
    }

    #[test]
    fn markdown_escapes_pipes_and_newlines() {
        let text = render(&Output::Table(hostile()), Format::Markdown, Style::default());
        assert!(text.contains("x\\|y<br>z\tw"));
        assert_eq!(text.lines().count(), 4);
    }

    #[test]
    fn markdown_escapes_markup_and_keeps_plain_text() {
        assert_eq!(
            markdown_escape("name_zh, H100 (SXM5): 80 GB; 英伟达"),
            "name_zh, H100 (SXM5): 80 GB; 英伟达"
        );
        assert_eq!(
            markdown_escape("<b>a</b> & *b* _c_ `d` [e] ~f~"),
            "\\<b>a\\</b> \\& \\*b\\* \\_c\\_ \\`d\\` \\[e\\] \\~f\\~"
        );
        assert_eq!(markdown_escape("a\\|b $x$"), "a\\\\\\|b \\$x\\$");
        assert_eq!(markdown_escape("<br>\r\n"), "\\<br>&#13;<br>");
        assert_eq!(markdown_escape(" x\t"), "&#32;x&#9;");
    }

    #[test]
    fn tables_never_send_control_characters_to_the_terminal() {
        assert_eq!(terminal_text("a\r\nb\rc\td"), "a\nb\nc d");
        assert_eq!(terminal_text("\u{1b}[31mred\u{7}\u{7f}\u{9b}"), "␛[31mred␇␡\u{fffd}");
        assert_eq!(terminal_text("英伟达 🚀 \"q\""), "英伟达 🚀 \"q\"");
        let mut t = Table::new(&["x"]);
        t.push(vec![Cell::from("a\u{1b}[2Jb\rc")]);
        let text = render(&Output::Table(t), Format::Table, Style::default());
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text:?}");
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
