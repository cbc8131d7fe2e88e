//! Datasets from other formats: the JSON that `export --to json` writes, and Neo4j admin-import
//! CSV as `export --to csv` writes it (or as a user prepares it). Both are turned into the raw
//! form the TOML loader reads, with every span pointing into the imported file, and then checked
//! by the same code ([`crate::load::check`]): an import gets the same row-precise diagnostics as
//! a data file.

mod csv;
pub mod json;

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;

use crate::diag::{Diagnostic, Texts};
use crate::fields;
use crate::load::raw::*;
use crate::load::{article, check, LoadError, Loaded, Parts};

pub use self::csv::from_csv;
use json::{Json, JsonValue};

/// Loads the JSON document `texts.files[0]`, in the shape `export --to json` writes.
pub fn from_json(texts: &Texts) -> Result<Loaded, LoadError> {
    let Some((_, text)) = texts.files.first() else {
        return Err(LoadError::MissingFile("a JSON file"));
    };
    let doc = match json::parse(text) {
        Ok(doc) => doc,
        Err(e) => return Err(LoadError::Invalid(vec![Diagnostic::error(0, e.span, e.message)])),
    };
    let mut r = Reader { file: 0, diags: Vec::new() };
    let parts = r.document(&doc);
    check(texts, r.diags, parts, (0, 0))
}

/// Converts spanned JSON values to the raw dataset form, collecting shape errors.
struct Reader {
    file: usize,
    diags: Vec<Diagnostic>,
}

/// The members of one JSON object, checked for unknown and duplicate names.
struct Obj<'a> {
    span: Range<usize>,
    members: BTreeMap<&'a str, &'a Json>,
    what: &'static str,
}

impl<'a> Obj<'a> {
    /// A member; `null` is the same as absent.
    fn get(&self, name: &str) -> Option<&'a Json> {
        self.members.get(name).copied().filter(|j| j.value != JsonValue::Null)
    }
}

impl Reader {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.diags.push(Diagnostic::error(self.file, span, message));
    }

    fn type_error(&mut self, j: &Json, name: &str, expected: &str) {
        self.error(j.span.clone(), format!("`{name}` must be {expected}, found {}", j.value.type_name()));
    }

    fn object<'a>(&mut self, j: &'a Json, what: &'static str, allowed: &[&str]) -> Option<Obj<'a>> {
        let JsonValue::Object(members) = &j.value else {
            self.error(j.span.clone(), format!("a {what} must be an object, found {}", j.value.type_name()));
            return None;
        };
        let mut map = BTreeMap::new();
        for (key_span, key, value) in members {
            if !allowed.contains(&key.as_str()) {
                let message = format!("{} {what} has no field `{key}`", article(what));
                let d = Diagnostic::error(self.file, key_span.clone(), message)
                    .suggest(key, allowed.iter().copied());
                self.diags.push(d);
            } else if map.insert(key.as_str(), value).is_some() {
                self.error(key_span.clone(), format!("duplicate field `{key}`"));
            }
        }
        Some(Obj { span: j.span.clone(), members: map, what })
    }

    fn array<'a>(&mut self, j: Option<&'a Json>, name: &str) -> &'a [Json] {
        match j.map(|j| (j, &j.value)) {
            None => &[],
            Some((_, JsonValue::Array(items))) => items,
            Some((j, _)) => {
                self.type_error(j, name, "an array");
                &[]
            }
        }
    }

    fn str_at(&mut self, j: &Json, name: &str) -> Option<Spanned<String>> {
        match &j.value {
            JsonValue::String(s) => Some(Spanned::new(j.span.clone(), s.clone())),
            _ => {
                self.type_error(j, name, "a string");
                None
            }
        }
    }

    /// A required string member.
    fn req(&mut self, o: &Obj, name: &str) -> Option<Spanned<String>> {
        match o.get(name) {
            Some(j) => self.str_at(j, name),
            None => {
                let at = o.span.start;
                self.error(at..at + 1, format!("the {} has no `{name}`", o.what));
                None
            }
        }
    }

    fn opt(&mut self, o: &Obj, name: &str) -> Option<Spanned<String>> {
        o.get(name).and_then(|j| self.str_at(j, name))
    }

    fn opt_plain(&mut self, o: &Obj, name: &str) -> Option<String> {
        self.opt(o, name).map(Spanned::into_inner)
    }

    fn strs(&mut self, o: &Obj, name: &str) -> Vec<Spanned<String>> {
        let items = self.array(o.get(name), name);
        items.iter().filter_map(|j| self.str_at(j, name)).collect()
    }

    fn plain_strs(&mut self, o: &Obj, name: &str) -> Vec<String> {
        self.strs(o, name).into_iter().map(Spanned::into_inner).collect()
    }

    fn props(&mut self, o: &Obj) -> BTreeMap<Spanned<String>, Spanned<toml::Value>> {
        let mut out = BTreeMap::new();
        let Some(j) = o.get("props") else { return out };
        let JsonValue::Object(members) = &j.value else {
            self.type_error(j, "props", "an object");
            return out;
        };
        for (key_span, key, value) in members {
            match out.entry(Spanned::new(key_span.clone(), key.clone())) {
                std::collections::btree_map::Entry::Occupied(_) => {
                    self.error(key_span.clone(), format!("duplicate property `{key}`"));
                }
                std::collections::btree_map::Entry::Vacant(slot) => {
                    if value.value != JsonValue::Null {
                        if let Some(value) = self.toml_value(value) {
                            slot.insert(value);
                        }
                    }
                }
            }
        }
        out
    }

    /// A JSON value as the TOML value it stands for; the loader checks its type against the
    /// schema. A number is an integer when written without a fraction or exponent.
    /// `None` (with the error recorded) for a number that fits no 64-bit type.
    fn toml_value(&mut self, j: &Json) -> Option<Spanned<toml::Value>> {
        let v = match &j.value {
            JsonValue::Null => toml::Value::String(String::new()),
            JsonValue::Bool(b) => toml::Value::Boolean(*b),
            JsonValue::String(s) => toml::Value::String(s.clone()),
            JsonValue::Number(n) => match number(n) {
                Some(v) => v,
                None => {
                    self.error(j.span.clone(), format!("`{n}` does not fit in a 64-bit integer or float"));
                    return None;
                }
            },
            JsonValue::Array(items) => toml::Value::Array(
                items.iter().map(|i| self.toml_value(i).map(Spanned::into_inner)).collect::<Option<_>>()?,
            ),
            JsonValue::Object(_) => toml::Value::Table(toml::Table::new()),
        };
        Some(Spanned::new(j.span.clone(), v))
    }

    fn document(&mut self, doc: &Json) -> Parts<'static> {
        const TOP: &[&str] = &[
            "layers",
            "kinds",
            "relations",
            "domains",
            "metrics",
            "sources",
            "nodes",
            "edges",
            "prices",
            "observations",
        ];
        let Some(top) = self.object(doc, "dataset", TOP) else {
            return Parts { schema: None, sources: None, layer_files: Vec::new(), rows: None };
        };
        // `domains` came with the source tiers, and an export made before them still imports;
        // `metrics`, `prices` and `observations` are left out of an export that has none.
        for name in TOP.iter().filter(|n| !matches!(**n, "domains" | "metrics" | "prices" | "observations")) {
            if top.get(name).is_none() {
                self.error(top.span.start..top.span.start + 1, format!("the dataset has no `{name}`"));
            }
        }
        let errors = self.diags.len();
        let schema = RawSchema {
            layer: self.array(top.get("layers"), "layers").iter().filter_map(|j| self.layer(j)).collect(),
            kind: self.array(top.get("kinds"), "kinds").iter().filter_map(|j| self.kind(j)).collect(),
            relation: self
                .array(top.get("relations"), "relations")
                .iter()
                .filter_map(|j| self.relation(j))
                .collect(),
            domain: match top.get("domains") {
                Some(j) => self.array(Some(j), "domains").iter().filter_map(|j| self.domain(j)).collect(),
                None => Vec::new(),
            },
            metric: match top.get("metrics") {
                Some(j) => self.array(Some(j), "metrics").iter().filter_map(|j| self.metric(j)).collect(),
                None => Vec::new(),
            },
        };
        // A schema with shape errors is not checked further: its consequences would be noise.
        let schema = (self.diags.len() == errors).then_some((0, schema));
        let source =
            self.array(top.get("sources"), "sources").iter().filter_map(|j| self.source(j)).collect();
        let node = self.array(top.get("nodes"), "nodes").iter().filter_map(|j| self.node(j)).collect();
        let edge = self.array(top.get("edges"), "edges").iter().filter_map(|j| self.edge(j)).collect();
        let price = match top.get("prices") {
            Some(j) => self.array(Some(j), "prices").iter().filter_map(|j| self.price(j)).collect(),
            None => Vec::new(),
        };
        let observation = match top.get("observations") {
            Some(j) => {
                self.array(Some(j), "observations").iter().filter_map(|j| self.observation(j)).collect()
            }
            None => Vec::new(),
        };
        Parts {
            schema,
            sources: Some((0, RawSources { source })),
            layer_files: vec![(0, RawLayerFile { node, edge, price, observation })],
            rows: None,
        }
    }

    fn layer(&mut self, j: &Json) -> Option<RawLayer> {
        let o = self.object(j, "layer", &["id", "name", "name_zh", "color", "description", "segments"])?;
        Some(RawLayer {
            id: self.req(&o, "id")?,
            name: self.req(&o, "name")?.into_inner(),
            name_zh: self.opt_plain(&o, "name_zh"),
            color: self.req(&o, "color")?,
            description: self.opt_plain(&o, "description").unwrap_or_default(),
            segments: self.plain_strs(&o, "segments"),
        })
    }

    fn kind(&mut self, j: &Json) -> Option<RawKind> {
        let o =
            self.object(j, "kind", &["id", "shape", "description", "props", "lifecycle", "start_label"])?;
        let props = self.props(&o);
        let mut typed = BTreeMap::new();
        for (key, value) in props {
            let span = value.span();
            match value.into_inner() {
                toml::Value::String(t) => {
                    typed.insert(key, Spanned::new(span, t));
                }
                _ => self.error(span, "a property type must be a string, like \"integer\""),
            }
        }
        Some(RawKind {
            id: self.req(&o, "id")?,
            shape: self.req(&o, "shape")?,
            description: self.opt_plain(&o, "description").unwrap_or_default(),
            props: typed,
            lifecycle: self.opt(&o, "lifecycle"),
            start_label: self.opt_plain(&o, "start_label"),
        })
    }

    fn relation(&mut self, j: &Json) -> Option<RawRelation> {
        let fields = [
            "id",
            "description",
            "supply",
            "required",
            "required_for",
            "carries",
            "money",
            "from",
            "to",
            "style",
        ];
        let o = self.object(j, "relation", &fields)?;
        let required = match o.get("required") {
            None => None,
            Some(Json { span, value: JsonValue::Bool(b) }) => Some(Spanned::new(span.clone(), *b)),
            Some(other) => {
                self.type_error(other, "required", "a boolean");
                None
            }
        };
        Some(RawRelation {
            id: self.req(&o, "id")?,
            description: self.opt_plain(&o, "description").unwrap_or_default(),
            supply: self.opt(&o, "supply"),
            required,
            required_for: self.strs(&o, "required_for"),
            carries: match o.get("carries") {
                None => None,
                Some(Json { value: JsonValue::Bool(b), .. }) => Some(*b),
                Some(other) => {
                    self.type_error(other, "carries", "a boolean");
                    None
                }
            },
            money: match o.get("money") {
                None => false,
                Some(Json { value: JsonValue::Bool(b), .. }) => *b,
                Some(other) => {
                    self.type_error(other, "money", "a boolean");
                    false
                }
            },
            from: self.strs(&o, "from"),
            to: self.strs(&o, "to"),
            style: self.req(&o, "style")?,
        })
    }

    fn metric(&mut self, j: &Json) -> Option<RawMetric> {
        let o = self.object(j, "metric", &["id", "description", "unit", "kinds", "flow"])?;
        Some(RawMetric {
            id: self.req(&o, "id")?,
            description: self.opt_plain(&o, "description").unwrap_or_default(),
            unit: self.req(&o, "unit")?,
            kinds: self.strs(&o, "kinds"),
            flow: match o.get("flow") {
                None => false,
                Some(Json { value: JsonValue::Bool(b), .. }) => *b,
                Some(other) => {
                    self.type_error(other, "flow", "a boolean");
                    false
                }
            },
        })
    }

    /// A required number field, as a float.
    fn number_field(&mut self, o: &Obj, name: &str, what: &str) -> Option<Spanned<f64>> {
        match o.get(name) {
            Some(j) => match &j.value {
                JsonValue::Number(n) => match number(n) {
                    Some(toml::Value::Integer(i)) => Some(Spanned::new(j.span.clone(), i as f64)),
                    Some(toml::Value::Float(x)) => Some(Spanned::new(j.span.clone(), x)),
                    _ => {
                        self.error(j.span.clone(), format!("`{n}` does not fit in a 64-bit float"));
                        None
                    }
                },
                _ => {
                    self.type_error(j, name, "a number");
                    None
                }
            },
            None => {
                let at = o.span.start;
                self.error(at..at + 1, format!("the {what} has no `{name}`"));
                None
            }
        }
    }

    fn observation(&mut self, j: &Json) -> Option<Spanned<RawObservation>> {
        let fields = ["node", "metric", "value", "date", "period", "confidence", "sources", "note"];
        let o = self.object(j, "observation", &fields)?;
        let value = self.number_field(&o, "value", "observation")?;
        let obs = RawObservation {
            node: self.req(&o, "node")?,
            metric: self.req(&o, "metric")?,
            value,
            date: self.req(&o, "date")?,
            period: self.opt(&o, "period"),
            confidence: self.opt(&o, "confidence"),
            sources: self.strs(&o, "sources"),
            note: self.opt_plain(&o, "note"),
        };
        Some(Spanned::new(j.span.clone(), obs))
    }

    fn domain(&mut self, j: &Json) -> Option<RawDomain> {
        let o = self.object(j, "domain", &["domain", "publisher", "kind", "note"])?;
        Some(RawDomain {
            domain: self.req(&o, "domain")?,
            publisher: self.opt_plain(&o, "publisher").unwrap_or_default(),
            kind: self.req(&o, "kind")?,
            note: self.opt_plain(&o, "note"),
        })
    }

    fn source(&mut self, j: &Json) -> Option<RawSource> {
        let o = self.object(
            j,
            "source",
            &["id", "title", "publisher", "url", "via", "date", "retrieved", "kind", "tier"],
        )?;
        Some(RawSource {
            id: self.req(&o, "id")?,
            title: self.req(&o, "title")?.into_inner(),
            publisher: self.opt_plain(&o, "publisher"),
            url: self.req(&o, "url")?,
            via: self.opt(&o, "via"),
            date: self.opt(&o, "date"),
            retrieved: self.opt(&o, "retrieved"),
            kind: self.req(&o, "kind")?,
        })
    }

    fn node(&mut self, j: &Json) -> Option<Spanned<RawNode>> {
        let fields: Vec<&str> = fields::NODE_KEYS.into_iter().chain(["props", "claims"]).collect();
        let o = self.object(j, "node", &fields)?;
        let node = RawNode {
            id: self.req(&o, "id")?,
            kind: self.req(&o, "kind")?,
            layer: self.req(&o, "layer")?,
            segment: self.opt(&o, "segment"),
            name: self.req(&o, "name")?,
            name_zh: self.opt_plain(&o, "name_zh"),
            aliases: self.plain_strs(&o, "aliases"),
            summary: self.opt_plain(&o, "summary"),
            start: self.opt(&o, "start"),
            end: self.opt(&o, "end"),
            lifecycle: self.opt(&o, "lifecycle"),
            tags: self.plain_strs(&o, "tags"),
            sources: self.strs(&o, "sources"),
            props: self.props(&o),
            claim: self.claims(&o),
        };
        Some(Spanned::new(j.span.clone(), node))
    }

    fn price(&mut self, j: &Json) -> Option<Spanned<RawPrice>> {
        let fields = ["provider", "chip", "usd_per_chip_hour", "terms", "date", "sources", "note"];
        let o = self.object(j, "price", &fields)?;
        let usd = match o.get("usd_per_chip_hour") {
            Some(j) => match &j.value {
                JsonValue::Number(n) => match number(n) {
                    Some(toml::Value::Integer(i)) => Spanned::new(j.span.clone(), i as f64),
                    Some(toml::Value::Float(x)) => Spanned::new(j.span.clone(), x),
                    _ => {
                        self.error(j.span.clone(), format!("`{n}` does not fit in a 64-bit float"));
                        return None;
                    }
                },
                _ => {
                    self.type_error(j, "usd_per_chip_hour", "a number");
                    return None;
                }
            },
            None => {
                let at = o.span.start;
                self.error(at..at + 1, "the price has no `usd_per_chip_hour`".to_string());
                return None;
            }
        };
        let price = RawPrice {
            provider: self.req(&o, "provider")?,
            chip: self.req(&o, "chip")?,
            usd_per_chip_hour: usd,
            terms: self.req(&o, "terms")?,
            date: self.req(&o, "date")?,
            sources: self.strs(&o, "sources"),
            note: self.opt_plain(&o, "note"),
        };
        Some(Spanned::new(j.span.clone(), price))
    }

    fn edge(&mut self, j: &Json) -> Option<Spanned<RawEdge>> {
        let keys = fields::edge_keys().map(|f| f.name);
        let fields: Vec<&str> =
            ["from", "to", "rel"].into_iter().chain(keys).chain(["props", "claims"]).collect();
        let o = self.object(j, "edge", &fields)?;
        let share_pct = match o.get("share_pct") {
            None => None,
            Some(j) => match &j.value {
                JsonValue::Number(n) => match number(n) {
                    Some(toml::Value::Integer(i)) => Some(Spanned::new(j.span.clone(), i as f64)),
                    Some(toml::Value::Float(x)) => Some(Spanned::new(j.span.clone(), x)),
                    _ => {
                        self.error(
                            j.span.clone(),
                            format!("`{n}` does not fit in a 64-bit integer or float"),
                        );
                        None
                    }
                },
                _ => {
                    self.type_error(j, "share_pct", "a number");
                    None
                }
            },
        };
        let edge = RawEdge {
            from: self.req(&o, "from")?,
            to: self.req(&o, "to")?,
            rel: self.req(&o, "rel")?,
            sources: self.strs(&o, "sources"),
            share_pct,
            share_of: self.opt_plain(&o, "share_of"),
            as_of: self.opt(&o, "as_of"),
            since: self.opt(&o, "since"),
            until: self.opt(&o, "until"),
            status: self.opt(&o, "status"),
            confidence: self.opt(&o, "confidence"),
            note: self.opt_plain(&o, "note"),
            props: self.props(&o),
            claim: self.claims(&o),
        };
        Some(Spanned::new(j.span.clone(), edge))
    }

    fn claims(&mut self, o: &Obj) -> Vec<Spanned<RawClaim>> {
        let items = self.array(o.get("claims"), "claims");
        items
            .iter()
            .filter_map(|j| {
                let c = self.object(j, "claim", &["prop", "value", "sources", "note"])?;
                let value = match c.get("value") {
                    Some(v) => self.toml_value(v)?,
                    None => {
                        self.error(j.span.start..j.span.start + 1, "the claim has no `value`");
                        return None;
                    }
                };
                let claim = RawClaim {
                    prop: self.req(&c, "prop")?,
                    value,
                    sources: self.strs(&c, "sources"),
                    note: self.opt_plain(&c, "note"),
                };
                Some(Spanned::new(j.span.clone(), claim))
            })
            .collect()
    }
}

/// A number's text as a TOML integer when it has no fraction or exponent, else a float; `None`
/// when it does not fit (an integer beyond 64 bits, a float beyond f64's range).
fn number(text: &str) -> Option<toml::Value> {
    if text.contains(['.', 'e', 'E']) {
        text.parse::<f64>().ok().filter(|x| x.is_finite()).map(toml::Value::Float)
    } else {
        text.parse::<i64>().ok().map(toml::Value::Integer)
    }
}
