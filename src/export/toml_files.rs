//! The dataset as a dataset folder: `schema.toml`, `sources.toml`, `nodes.toml` and `edges.toml`,
//! in the format of `data/FORMAT.md`. Loading the files gives back the same dataset: same
//! values, same types (a float keeps its decimal point), same order of nodes and edges.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::fields::{self, Field, FieldValue};
use crate::model::{Claim, Dataset, Lifecycle, PropType, Supply, Value};

/// The files of a dataset folder, as (file name, contents).
pub fn to_toml(d: &Dataset) -> Vec<(&'static str, String)> {
    let mut files = vec![
        ("schema.toml", schema(d)),
        ("sources.toml", sources(d)),
        ("nodes.toml", nodes(d)),
        ("edges.toml", edges(d)),
    ];
    if !d.prices.is_empty() {
        files.push(("prices.toml", prices(d)));
    }
    if !d.observations.is_empty() {
        files.push(("observations.toml", observations(d)));
    }
    files
}

const HEADER: &str = "# Written by `aikg`; the format is described in data/FORMAT.md.\n";

fn schema(d: &Dataset) -> String {
    let mut out = String::from(HEADER);
    for l in &d.schema.layers {
        out.push_str("\n[[layer]]\n");
        field(&mut out, "id", &l.id);
        field(&mut out, "name", &l.name);
        opt(&mut out, "name_zh", &l.name_zh);
        field(&mut out, "color", &l.color);
        field(&mut out, "description", &l.description);
        list(&mut out, "segments", &l.segments);
    }
    for k in &d.schema.kinds {
        out.push_str("\n[[kind]]\n");
        field(&mut out, "id", &k.id);
        field(&mut out, "shape", &k.shape);
        field(&mut out, "description", &k.description);
        let props: BTreeMap<&str, Value> = k
            .props
            .iter()
            .map(|(p, t): (&String, &PropType)| (p.as_str(), Value::Str(t.name().into())))
            .collect();
        inline_table(&mut out, "props", &props);
        if k.lifecycle != Lifecycle::Service {
            field(&mut out, "lifecycle", k.lifecycle.name());
        }
        opt(&mut out, "start_label", &k.start_label);
    }
    for r in &d.schema.relations {
        out.push_str("\n[[relation]]\n");
        field(&mut out, "id", &r.id);
        field(&mut out, "description", &r.description);
        match r.supply {
            Some(Supply::Forward) => field(&mut out, "supply", "forward"),
            Some(Supply::Reverse) => field(&mut out, "supply", "reverse"),
            None => {}
        }
        if r.required {
            out.push_str("required = true\n");
        }
        list(&mut out, "required_for", &r.required_for);
        if !r.carries {
            out.push_str("carries = false\n");
        }
        if r.money {
            out.push_str("money = true\n");
        }
        let _ = writeln!(out, "from = {}", strings(&r.from));
        let _ = writeln!(out, "to = {}", strings(&r.to));
        field(&mut out, "style", &r.style);
    }
    for d in d.schema.domains.iter() {
        out.push_str("\n[[domain]]\n");
        field(&mut out, "domain", &d.domain);
        if !d.publisher.is_empty() {
            field(&mut out, "publisher", &d.publisher);
        }
        field(&mut out, "kind", &d.kind);
        opt(&mut out, "note", &d.note);
    }
    for m in &d.schema.metrics {
        out.push_str("\n[[metric]]\n");
        field(&mut out, "id", &m.id);
        field(&mut out, "description", &m.description);
        field(&mut out, "unit", &m.unit);
        let _ = writeln!(out, "kinds = {}", strings(&m.kinds));
        if m.flow {
            out.push_str("flow = true\n");
        }
    }
    out
}

fn sources(d: &Dataset) -> String {
    let mut out = String::from(HEADER);
    for s in d.sources.values() {
        out.push_str("\n[[source]]\n");
        field(&mut out, "id", &s.id.0);
        field(&mut out, "title", &s.title);
        opt(&mut out, "publisher", &s.publisher);
        field(&mut out, "url", &s.url);
        opt(&mut out, "via", &s.via);
        opt(&mut out, "date", &s.date);
        opt(&mut out, "retrieved", &s.retrieved);
        field(&mut out, "kind", &s.kind);
    }
    out
}

fn nodes(d: &Dataset) -> String {
    let mut out = String::with_capacity(HEADER.len() + d.nodes.len() * 200);
    out.push_str(HEADER);
    for n in &d.nodes {
        out.push_str("\n[[node]]\n");
        for name in fields::NODE_KEYS {
            match fields::find(&fields::NODE, name) {
                Some(f) => write_field(&mut out, f, (f.get)(n)),
                None => field(&mut out, "kind", &n.kind),
            }
        }
        let props = n.props.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        inline_table(&mut out, "props", &props);
        claims(&mut out, "node", &n.claims);
    }
    out
}

fn edges(d: &Dataset) -> String {
    let mut out = String::with_capacity(HEADER.len() + d.edges.len() * 120);
    out.push_str(HEADER);
    for e in &d.edges {
        out.push_str("\n[[edge]]\n");
        field(&mut out, "from", &d.nodes[e.from].id.0);
        field(&mut out, "to", &d.nodes[e.to].id.0);
        field(&mut out, "rel", &e.rel);
        for f in fields::edge_keys() {
            write_field(&mut out, f, (f.get)(e));
        }
        let props = e.more().props.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        inline_table(&mut out, "props", &props);
        claims(&mut out, "edge", &e.more().claims);
    }
    out
}

fn prices(d: &Dataset) -> String {
    let mut out = String::from(HEADER);
    for p in &d.prices {
        out.push_str("\n[[price]]\n");
        field(&mut out, "provider", &p.provider.0);
        field(&mut out, "chip", &p.chip.0);
        let _ = writeln!(out, "usd_per_chip_hour = {}", value(&Value::Float(p.usd_per_chip_hour)));
        field(&mut out, "terms", &p.terms);
        field(&mut out, "date", &p.date);
        let _ = writeln!(out, "sources = {}", strings(p.sources.iter().map(|s| &s.0)));
        opt(&mut out, "note", &p.note);
    }
    out
}

fn observations(d: &Dataset) -> String {
    let mut out = String::from(HEADER);
    for o in &d.observations {
        out.push_str("\n[[observation]]\n");
        field(&mut out, "node", &o.node.0);
        field(&mut out, "metric", &o.metric);
        let _ = writeln!(out, "value = {}", value(&Value::Float(o.value)));
        field(&mut out, "date", &o.date);
        opt(&mut out, "period", &o.period);
        opt(&mut out, "confidence", &o.confidence);
        let _ = writeln!(out, "sources = {}", strings(o.sources.iter().map(|s| &s.0)));
        opt(&mut out, "note", &o.note);
    }
    out
}

fn claims(out: &mut String, table: &str, claims: &[Claim]) {
    for c in claims {
        let _ = writeln!(out, "\n[[{table}.claim]]");
        field(out, "prop", &c.prop);
        let _ = writeln!(out, "value = {}", value(&c.value));
        let _ = writeln!(out, "sources = {}", strings(c.sources.iter().map(|s| &s.0)));
        opt(out, "note", &c.note);
    }
}

/// A built-in field as a `key = value` line: nothing when absent, nor for an empty list unless the
/// field is required.
fn write_field<T>(out: &mut String, f: &Field<T>, v: FieldValue<'_>) {
    match v {
        FieldValue::Null => {}
        FieldValue::Text(s) => field(out, f.name, s),
        FieldValue::Number(x) => {
            let _ = writeln!(out, "{} = {}", f.name, value(&Value::Float(x)));
        }
        FieldValue::Strings(l) => {
            if f.required || l.iter().next().is_some() {
                let _ = writeln!(out, "{} = {}", f.name, strings(l.iter()));
            }
        }
    }
}

fn field(out: &mut String, key: &str, text: &str) {
    let _ = writeln!(out, "{key} = {}", quote(text));
}

fn opt<S: AsRef<str>>(out: &mut String, key: &str, text: &Option<S>) {
    if let Some(t) = text {
        field(out, key, t.as_ref());
    }
}

fn list(out: &mut String, key: &str, items: &[String]) {
    if !items.is_empty() {
        let _ = writeln!(out, "{key} = {}", strings(items));
    }
}

fn inline_table(out: &mut String, key: &str, entries: &BTreeMap<&str, Value>) {
    if entries.is_empty() {
        return;
    }
    let body: Vec<String> = entries.iter().map(|(k, v)| format!("{} = {}", key_text(k), value(v))).collect();
    let _ = writeln!(out, "{key} = {{ {} }}", body.join(", "));
}

fn strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let items: Vec<String> = items.into_iter().map(|s| quote(s.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

/// A value as TOML: a float always keeps a decimal point or exponent, so it reads back as a float.
fn value(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        // `{:?}` writes the shortest text that reads back as the same f64, with `.0` if whole.
        Value::Float(x) => format!("{x:?}"),
        Value::Str(s) => quote(s),
        Value::List(items) => format!("[{}]", items.iter().map(value).collect::<Vec<_>>().join(", ")),
    }
}

fn key_text(k: &str) -> String {
    let bare = !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        k.to_string()
    } else {
        quote(k)
    }
}

/// A TOML basic string: backslash, quote and every control character escaped.
pub fn quote(s: &str) -> String {
    super::quoted(s, '"', true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Texts;

    #[test]
    fn the_built_in_dataset_survives_a_round_trip() {
        let d = crate::testing::builtin();
        let files = to_toml(&d);
        let texts = Texts::of(files.iter().map(|(n, t)| (n, t)));
        let back = crate::load::load(&texts).map_err(|e| format!("{e:?}")).expect("reloads").dataset;
        assert_eq!(crate::export::to_json(&back), crate::export::to_json(&d));
        assert_eq!(to_toml(&back), files);
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("a\"b\\c\nd\u{7f}é"), "\"a\\\"b\\\\c\\nd\\u007Fé\"");
    }
}
