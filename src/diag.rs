//! Diagnostics that point into a text: a data file or a query.
//!
//! One renderer for every located error, so data errors and query errors look the same:
//!
//! ```text
//! error: unknown relation `SUPPLYS`
//!   --> data/hardware.toml:12:7
//!    |
//! 12 | rel = "SUPPLYS"
//!    |       ^^^^^^^^^
//!    = help: did you mean `SUPPLIES`?
//! ```

use std::fmt;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// A message tied to a byte range of a named text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub(crate) severity: Severity,
    pub(crate) message: String,
    /// Index into the list of texts the diagnostic refers to (see [`Texts`]).
    pub file: usize,
    pub(crate) span: Range<usize>,
    pub(crate) help: Option<String>,
}

impl Diagnostic {
    pub(crate) fn error(file: usize, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, message: message.into(), file, span, help: None }
    }

    pub(crate) fn warning(file: usize, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(file, span, message) }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds "did you mean …?" naming the candidates closest to `input`; when none is close and
    /// the candidates are few, lists them all.
    pub fn suggest<'a>(self, input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Self {
        match suggestion(input, candidates) {
            Some(h) => self.with_help(h),
            None => self,
        }
    }
}

/// How many close candidates a "did you mean" names at most.
pub const SUGGEST_MAX: usize = 3;

/// Up to how many candidates a help lists them all when none is close.
pub const LIST_MAX: usize = 30;

/// The one did-you-mean rule, for every place that names an unknown value: the candidates
/// closest to `input` ([`closest`], at most [`SUGGEST_MAX`]) as "did you mean …?"; when none is
/// close and there are at most [`LIST_MAX`] candidates, "expected one of: …" with all of them in
/// the order given; else nothing.
pub fn suggestion<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let all: Vec<&str> = candidates.into_iter().collect();
    match did_you_mean(&closest(input, all.iter().copied(), SUGGEST_MAX)) {
        Some(h) => Some(h),
        None if !all.is_empty() && all.len() <= LIST_MAX => {
            Some(format!("expected one of: {}", all.join(", ")))
        }
        None => None,
    }
}

/// "did you mean `a`?" or "did you mean one of `a`, `b`?", or nothing.
pub fn did_you_mean(close: &[String]) -> Option<String> {
    match close {
        [] => None,
        [one] => Some(format!("did you mean `{one}`?")),
        many => Some(format!(
            "did you mean one of {}?",
            many.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// The named texts that diagnostics point into.
#[derive(Debug, Clone, Default)]
pub struct Texts {
    /// (name, contents) of each file.
    pub files: Vec<(String, String)>,
}

impl Texts {
    /// The texts from (name, text) pairs, in the order given: the one conversion from embedded
    /// files, fixtures or written files.
    pub fn of<N: AsRef<str>, T: AsRef<str>>(files: impl IntoIterator<Item = (N, T)>) -> Texts {
        Texts {
            files: files.into_iter().map(|(n, t)| (n.as_ref().to_string(), t.as_ref().to_string())).collect(),
        }
    }
}

/// 1-based line and column (in characters) of a byte offset, and the line's byte range.
pub fn locate(text: &str, offset: usize) -> (usize, usize, Range<usize>) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[..line_start].matches('\n').count() + 1;
    let column = text[line_start..offset].chars().count() + 1;
    (line, column, line_start..line_end)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Renders one diagnostic against the text it points into. The caret is aligned by display
/// width (a CJK character takes two columns); a long line is cut to a window around the span, a
/// long span to its start, and control characters (an escape sequence in a data file) are shown
/// as their Unicode pictures, never sent to the terminal.
pub fn render(d: &Diagnostic, name: &str, text: &str) -> String {
    use unicode_width::UnicodeWidthStr;
    let (line, column, range) = locate(text, d.span.start);
    let gutter = line.to_string().len();
    let pad = " ".repeat(gutter);
    // The caret covers the span on its first line, at least one character.
    let start = floor_char_boundary(text, d.span.start.min(text.len()));
    let end = floor_char_boundary(text, d.span.end.clamp(start, range.end));
    // The line without a trailing carriage return, unless the span points at it.
    let line_end = (range.start + text[range.clone()].trim_end_matches('\r').len()).max(end);
    // Keep at most WINDOW characters on each side of the span, and of the span itself.
    const WINDOW: usize = 60;
    let before: Vec<(usize, char)> = text[range.start..start].char_indices().collect();
    let (from, cut_left) = match before.len().checked_sub(WINDOW) {
        Some(skip) if skip > 0 => (range.start + before[skip].0, true),
        _ => (range.start, false),
    };
    let (end, cut_span) = match text[start..end].char_indices().nth(WINDOW) {
        Some((i, _)) => (start + i, true),
        None => (end, false),
    };
    let after_end = if cut_span {
        Some(end)
    } else {
        text[end..line_end].char_indices().nth(WINDOW).map(|(i, _)| end + i)
    };
    let to = after_end.unwrap_or(line_end);
    let shown = format!(
        "{}{}{}",
        if cut_left { "…" } else { "" },
        visible(&text[from..to]),
        if after_end.is_some() { "…" } else { "" }
    );
    let lead_text = format!("{}{}", if cut_left { "…" } else { "" }, visible(&text[from..start]));
    let lead = " ".repeat(UnicodeWidthStr::width(lead_text.as_str()));
    let width = UnicodeWidthStr::width(visible(&text[start..end]).as_str()).max(1) + usize::from(cut_span);
    let mut out = format!(
        "{}: {}\n{pad}--> {name}:{line}:{column}\n{pad} |\n{line} | {shown}\n{pad} | {lead}{}\n",
        d.severity,
        shorten(&visible(&d.message)),
        "^".repeat(width)
    );
    if let Some(help) = &d.help {
        out.push_str(&format!("{pad} = help: {}\n", shorten(&visible(help))));
    }
    out
}

/// Text with every control character replaced by its Unicode picture (`␛` for ESC, `␉` for a
/// tab), so that no input can move the cursor or recolour the terminal.
pub fn visible(s: &str) -> String {
    s.chars()
        .map(|c| match c as u32 {
            n @ 0..=0x1f => char::from_u32(0x2400 + n).unwrap_or('\u{fffd}'),
            0x7f => '\u{2421}',
            0x80..=0x9f => '\u{fffd}',
            _ => c,
        })
        .collect()
}

/// A message cut to a readable length: one that quotes a megabyte-long id says as much with
/// its first 200 characters.
fn shorten(s: &str) -> String {
    const MAX: usize = 200;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// The up to `max` candidates closest to `input` (Jaro-Winkler at least 0.8, case-insensitive,
/// and within 0.04 of the best), best first, ties broken by name.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>, max: usize) -> Vec<String> {
    let needle = input.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&needle, &c.to_lowercase()), c))
        .filter(|(s, _)| *s >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    // Only the candidates about as close as the best one: a clear winner stands alone.
    let best = scored.first().map_or(0.0, |s| s.0);
    scored.into_iter().take_while(|s| s.0 >= best - 0.04).take(max).map(|(_, c)| c.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_and_columns_in_characters() {
        let text = "a = 1\n名字 = \"x\"\n";
        let at = text.find('=').unwrap();
        assert_eq!(locate(text, at).0, 1);
        let second = text.rfind('=').unwrap();
        let (line, col, _) = locate(text, second);
        assert_eq!((line, col), (2, 4));
    }

    #[test]
    fn renders_caret_under_span() {
        let text = "x = 1\nrel = \"SUPPLYS\"\n";
        let start = text.find("\"SUPPLYS\"").unwrap();
        let d = Diagnostic::error(0, start..start + 9, "unknown relation `SUPPLYS`")
            .suggest("SUPPLYS", ["SUPPLIES", "USES"]);
        let out = render(&d, "data/x.toml", text);
        assert_eq!(
            out,
            "error: unknown relation `SUPPLYS`\n --> data/x.toml:2:7\n  |\n2 | rel = \"SUPPLYS\"\n  |       ^^^^^^^^^\n  = help: did you mean `SUPPLIES`?\n"
        );
    }

    #[test]
    fn carets_align_under_wide_characters_and_long_lines_are_cut() {
        let text = "name = \"台积电\" bad";
        let at = text.find("bad").unwrap();
        let out = render(&Diagnostic::error(0, at..at + 3, "x"), "f", text);
        assert!(out.contains("1 | name = \"台积电\" bad\n  |                 ^^^\n"), "{out}");
        let long = format!("{}X{}", "a".repeat(500), "b".repeat(500));
        let at = long.find('X').unwrap();
        let out = render(&Diagnostic::error(0, at..at + 1, "x"), "f", &long);
        let shown = out.lines().nth(3).unwrap();
        assert!(shown.len() < 140 && shown.contains('…') && shown.contains('X'), "{shown}");
        let caret = out.lines().nth(4).unwrap();
        assert_eq!(caret.chars().position(|c| c == '^'), shown.chars().position(|c| c == 'X'), "{out}");
    }

    #[test]
    fn a_span_on_a_carriage_return_renders() {
        // Found by fuzzing (fuzz/ query_parse): a query made of a single "\r".
        let out = render(&Diagnostic::error(0, 1..1, "x"), "q", "\r");
        assert!(out.contains("q:1:2"), "{out}");
        let out = render(&Diagnostic::error(0, 0..1, "x"), "q", "a\r\nb");
        assert!(out.contains("1 | a"), "{out}");
    }

    #[test]
    fn span_past_end_and_inside_a_character_do_not_panic() {
        let text = "名字";
        let d = Diagnostic::error(0, 1..99, "x");
        assert!(render(&d, "f", text).contains("1:1"));
        let empty = Diagnostic::error(0, 0..0, "empty");
        assert!(render(&empty, "f", "").contains("f:1:1"));
    }

    #[test]
    fn suggestion_has_one_rule() {
        // A close candidate is named, and only the close ones.
        assert_eq!(suggestion("SUPPLYS", ["SUPPLIES", "USES"]).as_deref(), Some("did you mean `SUPPLIES`?"));
        assert_eq!(
            suggestion("nvidai", ["nvidia", "nvidia2", "amd"]).as_deref(),
            Some("did you mean one of `nvidia`, `nvidia2`?")
        );
        // Case does not matter; at most SUGGEST_MAX are named.
        let many = ["abcd1", "abcd2", "abcd3", "abcd4", "abcd5"];
        assert_eq!(suggestion("ABCD", many).map(|h| h.matches('`').count()), Some(2 * SUGGEST_MAX));
        // None close: a short list is given whole, in its own order; a long one not at all.
        assert_eq!(suggestion("zzz", ["solid", "dashed"]).as_deref(), Some("expected one of: solid, dashed"));
        let long: Vec<String> = (0..=LIST_MAX).map(|i| format!("value{i}")).collect();
        assert_eq!(suggestion("zzz", long.iter().map(String::as_str)), None);
        let short = &long[..LIST_MAX];
        assert!(suggestion("zzz", short.iter().map(String::as_str)).is_some());
        assert_eq!(suggestion("zzz", []), None);
    }

    #[test]
    fn closest_ranks_and_filters() {
        let c = closest("nvidai", ["nvidia", "amd", "nvlink"], 3);
        assert_eq!(c[0], "nvidia");
        assert!(!c.contains(&"amd".to_string()));
    }
}
