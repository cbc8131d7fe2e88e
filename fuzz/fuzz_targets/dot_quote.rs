//! DOT quoting: any text, quoted, must parse back with graphviz-rust's parser into the same
//! quoted id, and unquote to the text (`\r\n` and a lone `\r` read as one line break each).
#![no_main]

use aikg::diagram::dot::quote;
use graphviz_rust::dot_structures::{Attribute, Graph, Id, Stmt};
use libfuzzer_sys::fuzz_target;

/// The text a DOT double-quoted string stands for.
fn unquote(q: &str) -> String {
    let inner = &q[1..q.len() - 1];
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let quoted = quote(text);
    assert_eq!(unquote(&quoted), text.replace("\r\n", "\n").replace('\r', "\n"));
    let dot = format!("digraph g {{\n  n [label={quoted}]\n}}\n");
    let parsed = graphviz_rust::parse(&dot).unwrap_or_else(|e| panic!("rejected {dot:?}: {e}"));
    let Graph::DiGraph { stmts, .. } = parsed else { panic!("not a digraph") };
    let label = stmts.iter().find_map(|s| match s {
        Stmt::Node(n) => n.attributes.iter().find_map(|Attribute(k, v)| match (k, v) {
            (Id::Plain(k), Id::Escaped(v)) if k == "label" => Some(v.clone()),
            _ => None,
        }),
        _ => None,
    });
    assert_eq!(label.as_deref(), Some(quoted.as_str()), "{dot:?}");
});
