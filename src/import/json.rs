//! A JSON reader that keeps the byte span of every value, so that an imported file's problems
//! can point at the offending token like the TOML loader's do. Strict RFC 8259: no comments, no
//! trailing commas; nesting deeper than [`MAX_DEPTH`] is an error, not a stack overflow.
//!
//! Kept rather than a crate (checked 2026-12): serde_json reports only the line and column of a
//! syntax error, not the span of each value; spanned_json_parser gives lines and columns, not
//! byte spans; json-spanned-value (0.2.2) gives byte spans through serde_json's reader but its
//! last release dates from serde_json 1.0.58's time (2020). jsonc-parser
//! (maintained) gives byte ranges for values and keys, but would need its JSONC extensions
//! switched off and a depth guard, and would change every JSON import error: a possible
//! follow-up.

use std::ops::Range;

/// Deeper nesting than any dataset needs; the reader recurses once per level.
pub const MAX_DEPTH: usize = 64;

/// A parsed JSON value with the byte span it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Json {
    pub(crate) span: Range<usize>,
    pub(crate) value: JsonValue,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum JsonValue {
    Null,
    Bool(bool),
    /// The number as written: whether it is an integer depends on its text (`3` vs `3.0`).
    Number(String),
    String(String),
    Array(Vec<Json>),
    /// Members in document order, each key with its span.
    Object(Vec<(Range<usize>, String, Json)>),
}

impl JsonValue {
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "a boolean",
            JsonValue::Number(_) => "a number",
            JsonValue::String(_) => "a string",
            JsonValue::Array(_) => "an array",
            JsonValue::Object(_) => "an object",
        }
    }
}

/// A syntax error at a byte span.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub(crate) span: Range<usize>,
    pub(crate) message: String,
}

/// Parses one JSON document.
pub fn parse(text: &str) -> Result<Json, SyntaxError> {
    // A byte-order mark is not JSON, but editors write one; spans stay offsets into `text`.
    let at = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut p = Parser { text, bytes: text.as_bytes(), at };
    let value = p.value(0)?;
    p.skip_ws();
    if p.at < p.bytes.len() {
        return Err(p.error(p.at..p.at + 1, "unexpected text after the JSON document"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn error(&self, span: Range<usize>, message: &str) -> SyntaxError {
        let end = span.end.min(self.bytes.len());
        SyntaxError { span: span.start.min(end)..end, message: message.to_string() }
    }

    fn skip_ws(&mut self) {
        while self.at < self.bytes.len() && matches!(self.bytes[self.at], b' ' | b'\t' | b'\n' | b'\r') {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn expect(&mut self, b: u8, what: &str) -> Result<(), SyntaxError> {
        self.skip_ws();
        if self.peek() == Some(b) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.unexpected(what))
        }
    }

    fn unexpected(&self, what: &str) -> SyntaxError {
        match self.text[self.at..].chars().next() {
            None => self.error(self.at..self.at, &format!("expected {what}, found the end of the file")),
            Some(c) => self.error(self.at..self.at + c.len_utf8(), &format!("expected {what}, found `{c}`")),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, SyntaxError> {
        self.skip_ws();
        let start = self.at;
        if depth > MAX_DEPTH {
            return Err(self.error(start..start + 1, &format!("nested more than {MAX_DEPTH} levels deep")));
        }
        let value = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => JsonValue::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => JsonValue::Number(self.number()?),
            Some(b't') => self.word("true", JsonValue::Bool(true))?,
            Some(b'f') => self.word("false", JsonValue::Bool(false))?,
            Some(b'n') => self.word("null", JsonValue::Null)?,
            _ => return Err(self.unexpected("a value")),
        };
        Ok(Json { span: start..self.at, value })
    }

    fn word(&mut self, word: &str, value: JsonValue) -> Result<JsonValue, SyntaxError> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.unexpected("a value"))
        }
    }

    fn object(&mut self, depth: usize) -> Result<JsonValue, SyntaxError> {
        self.at += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(JsonValue::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("a member name in double quotes"));
            }
            let key_start = self.at;
            let key = self.string()?;
            let key_span = key_start..self.at;
            self.expect(b':', "`:`")?;
            let value = self.value(depth + 1)?;
            members.push((key_span, key, value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(JsonValue::Object(members));
                }
                _ => return Err(self.unexpected("`,` or `}`")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<JsonValue, SyntaxError> {
        self.at += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(JsonValue::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(JsonValue::Array(items));
                }
                _ => return Err(self.unexpected("`,` or `]`")),
            }
        }
    }

    fn number(&mut self) -> Result<String, SyntaxError> {
        let start = self.at;
        let digits = |p: &mut Self| {
            let from = p.at;
            while p.peek().is_some_and(|b| b.is_ascii_digit()) {
                p.at += 1;
            }
            p.at > from
        };
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let int_start = self.at;
        if !digits(self) {
            return Err(self.unexpected("a digit"));
        }
        if self.bytes[int_start] == b'0' && self.at - int_start > 1 {
            return Err(self.error(int_start..self.at, "a number may not start with 0"));
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !digits(self) {
                return Err(self.unexpected("a digit after `.`"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !digits(self) {
                return Err(self.unexpected("a digit in the exponent"));
            }
        }
        Ok(self.text[start..self.at].to_string())
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.at;
        self.at += 1;
        let mut out = String::new();
        loop {
            // Copy the run of plain characters up to the next quote, backslash or control byte.
            let run = self.at;
            while self.peek().is_some_and(|b| b != b'"' && b != b'\\' && b >= 0x20) {
                self.at += 1;
            }
            out.push_str(&self.text[run..self.at]);
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let esc = self.at;
                    self.at += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.at += 1;
                            let c = self.unicode_escape(esc)?;
                            out.push(c);
                            continue;
                        }
                        _ => return Err(self.error(esc..esc + 2, "unknown escape")),
                    };
                    self.at += 1;
                    out.push(c);
                }
                Some(_) => return Err(self.error(self.at..self.at + 1, "control character in a string")),
                None => return Err(self.error(start..start + 1, "string not closed")),
            }
        }
    }

    /// The character of a `\uXXXX` escape (after the `u`), joining a surrogate pair.
    fn unicode_escape(&mut self, esc: usize) -> Result<char, SyntaxError> {
        let first = self.hex4(esc)?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if !self.bytes[self.at..].starts_with(b"\\u") {
                return Err(self.error(esc..self.at, "unpaired surrogate in a \\u escape"));
            }
            self.at += 2;
            let second = self.hex4(esc)?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error(esc..self.at, "unpaired surrogate in a \\u escape"));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error(esc..self.at, "unpaired surrogate in a \\u escape"))
    }

    fn hex4(&mut self, esc: usize) -> Result<u32, SyntaxError> {
        let digits = self.bytes.get(self.at..self.at + 4).filter(|d| d.iter().all(u8::is_ascii_hexdigit));
        let Some(digits) = digits else {
            return Err(
                self.error(esc..(self.at + 4).min(self.bytes.len()), "a \\u escape needs 4 hex digits")
            );
        };
        self.at += 4;
        // Four ASCII hex digits always parse.
        Ok(u32::from_str_radix(std::str::from_utf8(digits).unwrap_or("0"), 16).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> JsonValue {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}")).value
    }

    #[test]
    fn values_and_spans() {
        let doc = parse(r#" {"a": [1, -2.5e3, true, null], "b\n": "x\"\u00e9\ud83d\ude00"} "#).unwrap();
        assert_eq!(doc.span, 1..63);
        let JsonValue::Object(members) = doc.value else { panic!() };
        assert_eq!(members[0].1, "a");
        assert_eq!(members[1].1, "b\n");
        assert_eq!(members[1].2.value, JsonValue::String("x\"é😀".into()));
        let JsonValue::Array(items) = &members[0].2.value else { panic!() };
        assert_eq!(items[1].value, JsonValue::Number("-2.5e3".into()));
        assert_eq!(items[1].span, 11..17);
        assert_eq!(ok("[]"), JsonValue::Array(vec![]));
        assert_eq!(ok("{}"), JsonValue::Object(vec![]));
    }

    #[test]
    fn errors_point_at_the_token() {
        for (text, at, message) in [
            ("[1,]", 3, "expected a value, found `]`"),
            ("{\"a\" 1}", 5, "expected `:`, found `1`"),
            ("[01]", 1, "a number may not start with 0"),
            ("\"abc", 0, "string not closed"),
            ("\"\\x\"", 1, "unknown escape"),
            ("\"\\ud800\"", 1, "unpaired surrogate in a \\u escape"),
            ("[1] x", 4, "unexpected text after the JSON document"),
            ("", 0, "expected a value, found the end of the file"),
            ("\"a\u{1}\"", 2, "control character in a string"),
        ] {
            let e = parse(text).unwrap_err();
            assert_eq!((e.span.start, e.message.as_str()), (at, message), "{text:?}");
        }
        let deep = "[".repeat(10_000);
        assert_eq!(parse(&deep).unwrap_err().message, "nested more than 64 levels deep");
    }
}
