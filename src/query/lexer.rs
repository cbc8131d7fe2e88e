//! Cypher text -> tokens with byte spans.

use std::ops::Range;

use super::QueryError;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A name or keyword (keywords are recognised case-insensitively by the parser).
    Ident(String),
    /// A name in backticks: never a keyword.
    Quoted(String),
    Int(i64),
    Float(f64),
    Str(String),
    Param(String),
    Punct(&'static str),
    End,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Range<usize>,
}

/// Multi-character punctuation first, so that `<=` wins over `<`.
const PUNCT: &[&str] = &[
    "..", "<>", "<=", ">=", "=~", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", "*", "=", "<", ">", "+",
    "-", "/", "%", ";",
];

pub fn lex(src: &str) -> Result<Vec<Token>, QueryError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = src[i..].chars().next().unwrap_or(' ');
        let start = i;
        if c.is_whitespace() {
            i += c.len_utf8();
        } else if src[i..].starts_with("//") {
            i = src[i..].find('\n').map_or(src.len(), |n| i + n);
        } else if src[i..].starts_with("/*") {
            i = src[i + 2..].find("*/").map_or(src.len(), |n| i + 2 + n + 2);
        } else if c.is_alphabetic() || c == '_' {
            let end =
                src[i..].find(|ch: char| !(ch.is_alphanumeric() || ch == '_')).map_or(src.len(), |n| i + n);
            out.push(Token { tok: Tok::Ident(src[i..end].to_string()), span: start..end });
            i = end;
        } else if c == '`' {
            let end = src[i + 1..]
                .find('`')
                .map(|n| i + 1 + n)
                .ok_or_else(|| QueryError::new(start..src.len(), "unclosed backtick"))?;
            out.push(Token { tok: Tok::Quoted(src[i + 1..end].to_string()), span: start..end + 1 });
            i = end + 1;
        } else if c == '$' {
            let end = src[i + 1..]
                .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                .map_or(src.len(), |n| i + 1 + n);
            if end == i + 1 {
                return Err(QueryError::new(start..start + 1, "a parameter needs a name, like `$node`"));
            }
            out.push(Token { tok: Tok::Param(src[i + 1..end].to_string()), span: start..end });
            i = end;
        } else if c.is_ascii_digit() {
            let (tok, end) = number(src, i)?;
            out.push(Token { tok, span: start..end });
            i = end;
        } else if c == '\'' || c == '"' {
            let (s, end) = string(src, i, c)?;
            out.push(Token { tok: Tok::Str(s), span: start..end });
            i = end;
        } else if let Some(p) = PUNCT.iter().find(|p| src[i..].starts_with(**p)) {
            out.push(Token { tok: Tok::Punct(p), span: start..start + p.len() });
            i += p.len();
        } else {
            return Err(QueryError::new(start..start + c.len_utf8(), format!("unexpected character `{c}`")));
        }
    }
    out.push(Token { tok: Tok::End, span: src.len()..src.len() });
    Ok(out)
}

fn number(src: &str, start: usize) -> Result<(Tok, usize), QueryError> {
    let b = src.as_bytes();
    let mut i = start;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut float = false;
    // A `.` followed by a digit is a fraction; `1..3` is a range.
    if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
        float = true;
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            float = true;
            i = j;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
    }
    let text = &src[start..i];
    let tok = if float {
        let x: f64 = text.parse().map_err(|_| QueryError::new(start..i, format!("bad number `{text}`")))?;
        if !x.is_finite() {
            return Err(QueryError::new(
                start..i,
                format!("number `{text}` is too large for a 64-bit float"),
            )
            .help("floats range up to about 1.8e308"));
        }
        Tok::Float(x)
    } else {
        Tok::Int(text.parse().map_err(|_| {
            QueryError::new(start..i, format!("integer `{text}` does not fit in 64 bits"))
                .help("integers range from -9223372036854775808 to 9223372036854775807")
        })?)
    };
    Ok((tok, i))
}

fn string(src: &str, start: usize, quote: char) -> Result<(String, usize), QueryError> {
    let mut out = String::new();
    let mut chars = src[start + 1..].char_indices();
    while let Some((off, c)) = chars.next() {
        let at = start + 1 + off;
        match c {
            c if c == quote => return Ok((out, at + 1)),
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, '\\')) => out.push('\\'),
                Some((_, '\'')) => out.push('\''),
                Some((_, '"')) => out.push('"'),
                Some((o, other)) => {
                    let s = start + 1 + o;
                    return Err(QueryError::new(
                        at..s + other.len_utf8(),
                        format!("unknown escape `\\{other}`"),
                    ));
                }
                None => break,
            },
            c => out.push(c),
        }
    }
    Err(QueryError::new(start..src.len(), "unclosed string").help(format!("close it with {quote}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        lex(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn lexes_ranges_floats_and_arrows() {
        assert_eq!(
            toks("*1..3"),
            vec![Tok::Punct("*"), Tok::Int(1), Tok::Punct(".."), Tok::Int(3), Tok::End]
        );
        assert_eq!(toks("1.5e3")[0], Tok::Float(1500.0));
        assert_eq!(toks("<-")[..2], [Tok::Punct("<"), Tok::Punct("-")]);
        assert_eq!(toks("'a\\'b'")[0], Tok::Str("a'b".into()));
        assert_eq!(toks("$x // comment\n")[..2], [Tok::Param("x".into()), Tok::End]);
    }

    #[test]
    fn reports_bad_input_with_spans() {
        assert_eq!(lex("'open").unwrap_err().span, 0..5);
        assert_eq!(lex("99999999999999999999").unwrap_err().span, 0..20);
        assert_eq!(lex("a ^ b").unwrap_err().span, 2..3);
    }
}
