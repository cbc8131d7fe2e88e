//! Data files -> [`Dataset`], validating everything once.
//!
//! The loader never stops at the first problem: it parses every file, then checks every node and
//! edge, and returns all the diagnostics it found, each pointing at the offending token. A TOML
//! syntax error or a field the format does not know stops the checks of that one file only.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diagnostic, Texts};
use crate::model::*;

pub(crate) mod hygiene;
mod ids;
mod observation;
mod price;
pub(crate) mod raw;
pub(crate) mod rows;
use ids::NodeIndex;
use raw::*;
use rows::{Listed, Rows};

/// A set of data files could not be turned into a dataset.
#[derive(Debug)]
pub enum LoadError {
    /// A required file is not in the set.
    MissingFile(&'static str),
    /// Located problems, in file and position order.
    Invalid(Vec<Diagnostic>),
}

/// A dataset and the lint warnings found while loading it.
#[derive(Debug)]
pub struct Loaded {
    /// The validated dataset.
    pub dataset: Dataset,
    /// Lint warnings (the data loads all the same).
    pub warnings: Vec<Diagnostic>,
}

pub(crate) const SCHEMA_FILE: &str = "schema.toml";
pub(crate) const SOURCES_FILE: &str = "sources.toml";

const CONFIDENCES: &[&str] = &["reported", "estimated", UNVERIFIED];
const STYLES: &[&str] = &["solid", "dashed", "dotted", "bold"];
const SHAPES: &[&str] = &[
    "box",
    "box3d",
    "cds",
    "circle",
    "component",
    "cylinder",
    "diamond",
    "doublecircle",
    "ellipse",
    "folder",
    "hexagon",
    "house",
    "note",
    "octagon",
    "oval",
    "parallelogram",
    "pentagon",
    "rect",
    "septagon",
    "tab",
    "trapezium",
];
/// Kinds that may stand alone with no edge (a regulation may restrict what the graph does not hold).
const MAY_BE_ORPHAN: &[&str] = &["Concept", "Event", "Person", "Regulation"];

// ----------------------------------------------------------------------------------------------

/// What the dated records of the layer files (prices, observations) are checked against.
struct Known<'a> {
    /// The layer files, with their file numbers.
    files: &'a [(usize, RawLayerFile)],
    /// Each node's index, by id.
    index: &'a NodeIndex,
    nodes: &'a [Node],
    /// Every node id, sorted (on first use): what a suggestion picks from.
    ids: &'a std::cell::OnceCell<Vec<&'a str>>,
    sources: &'a BTreeMap<SourceId, Source>,
    schema: &'a Schema,
}

impl Known<'_> {
    /// The node that `id` names, or an error at it (with a suggestion).
    fn node(&self, ck: &mut Checker, file: usize, id: &Spanned<String>) -> Option<NodeIx> {
        let found = self.index.get(id.get_ref());
        if found.is_none() {
            let d = Diagnostic::error(file, id.span(), format!("no node has id `{}`", id.get_ref()))
                .suggest(id.get_ref(), sorted_ids(self.ids, self.nodes).iter().copied());
            ck.diags.push(d);
        }
        found
    }
}

/// Collects diagnostics for one load.
struct Checker {
    diags: Vec<Diagnostic>,
    /// One shared copy of each kind, layer, segment, relation and source id.
    names: Interner,
    /// The last list of sources an item cited: the next item often cites the same one.
    last_cites: Option<Cites>,
}

impl Checker {
    fn error(&mut self, file: usize, span: Range<usize>, msg: impl Into<String>) -> &mut Diagnostic {
        let at = self.diags.len();
        self.diags.push(Diagnostic::error(file, span, msg));
        &mut self.diags[at]
    }

    fn warn(&mut self, file: usize, span: Range<usize>, msg: impl Into<String>) {
        self.diags.push(Diagnostic::warning(file, span, msg));
    }

    /// Parses one file; a syntax or shape error becomes a diagnostic and `None`.
    fn parse<T: for<'de> Deserialize<'de>>(&mut self, file: usize, text: &str) -> Option<T> {
        match toml::from_str::<T>(text) {
            Ok(v) => Some(v),
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                self.error(file, span, e.message().trim_end().to_string());
                None
            }
        }
    }

    /// Checks a slug id; returns whether it is well formed.
    fn slug(&mut self, file: usize, id: &Spanned<String>, what: &str) -> bool {
        if is_slug(id.get_ref()) {
            return true;
        }
        self.error(file, id.span(), format!("malformed {what} id `{}`", id.get_ref())).help =
            Some("ids are lowercase kebab slugs: a-z, 0-9 and single dashes, like `sk-hynix`".into());
        false
    }

    /// An optional text that is present but empty: leaving it out says the same, and CSV cannot
    /// tell the two apart, so an export would not read back the same.
    fn non_empty<'a>(
        &mut self,
        file: usize,
        span: Range<usize>,
        field: &str,
        texts: impl IntoIterator<Item = &'a str>,
    ) {
        if texts.into_iter().any(str::is_empty) {
            self.error(file, span, format!("empty `{field}`")).help =
                Some("leave it out, or write the value: an empty text would read back as absent".into());
        }
    }

    /// A property value that is an empty text or list, or a list with an empty item.
    fn non_empty_value(&mut self, file: usize, span: Range<usize>, key: &str, v: &Value) {
        if matches!(v, Value::List(items) if items.is_empty()) {
            self.non_empty(file, span, key, [""]);
        } else {
            self.non_empty(file, span, key, texts_of(v));
        }
    }

    fn date(&mut self, file: usize, value: &Option<Spanned<String>>, field: &str) {
        if let Some(v) = value {
            if !is_date(v.get_ref()) {
                self.error(file, v.span(), format!("`{field}` is not a date: `{}`", v.get_ref())).help =
                    Some("write YYYY, YYYY-MM or YYYY-MM-DD".into());
            }
        }
    }

    /// A node's or an edge's list of sources, shared with the item before when it is the same.
    fn cites(&mut self, ids: Vec<SourceId>) -> Cites {
        match &self.last_cites {
            Some(last) if **last == *ids => last.clone(),
            _ => {
                let cites: Cites = ids.into();
                self.last_cites = Some(cites.clone());
                cites
            }
        }
    }

    /// Checks that each cited source exists; errors if none is cited (only an edge marked
    /// unverified may cite none).
    fn sources(
        &mut self,
        file: usize,
        cited: &[Spanned<String>],
        known: &BTreeMap<SourceId, Source>,
        item_span: Range<usize>,
        what: &str,
    ) -> Vec<SourceId> {
        if cited.is_empty() {
            self.error(file, item_span, format!("{what} cites no source")).help =
                Some("add `sources = [\"<id>\"]` naming an entry of sources.toml (an edge with no citable source: `confidence = \"unverified\"`)".into());
        }
        let mut out = Vec::new();
        for s in cited {
            let id = SourceId(self.names.sym(s.get_ref()));
            if known.contains_key(&id) {
                out.push(id);
            } else {
                let d = Diagnostic::error(file, s.span(), format!("unknown source `{}`", s.get_ref()))
                    .suggest(s.get_ref(), known.keys().map(|k| k.0.as_str()));
                self.diags.push(d);
            }
        }
        out
    }
}

pub(crate) fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.split('-').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

pub(crate) fn is_date(s: &str) -> bool {
    Day::first(s).is_some()
}

fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Loads a dataset from its files (`schema.toml`, `sources.toml` and the layer files).
pub fn load(texts: &Texts) -> Result<Loaded, LoadError> {
    let find = |name: &'static str| {
        texts.files.iter().position(|(path, _)| base_name(path) == name).ok_or(LoadError::MissingFile(name))
    };
    let schema_file = find(SCHEMA_FILE)?;
    let sources_file = find(SOURCES_FILE)?;
    let mut ck = Checker { diags: Vec::new(), names: Interner::default(), last_cites: None };
    let schema = ck.parse::<RawSchema>(schema_file, &texts.files[schema_file].1);
    let sources = ck.parse::<RawSources>(sources_file, &texts.files[sources_file].1);
    let layer_files: Vec<(usize, RawLayerFile)> = (0..texts.files.len())
        .filter(|&i| i != schema_file && i != sources_file)
        .filter_map(|i| ck.parse::<RawLayerFile>(i, &texts.files[i].1).map(|f| (i, f)))
        .collect();
    let parts = Parts {
        schema: schema.map(|s| (schema_file, s)),
        sources: sources.map(|s| (sources_file, s)),
        layer_files,
        rows: None,
    };
    check(texts, ck.diags, parts, (schema_file, sources_file))
}

/// A dataset as read from some format, before any check: what [`check`] takes. `None` parts
/// could not be read; the diagnostics passed with them say why.
pub(crate) struct Parts<'a> {
    pub(crate) schema: Option<(usize, RawSchema)>,
    pub(crate) sources: Option<(usize, RawSources)>,
    pub(crate) layer_files: Vec<(usize, RawLayerFile)>,
    /// Nodes and edges read as they are checked (a CSV import); `None` takes them from
    /// `layer_files`.
    pub(crate) rows: Option<Box<dyn Rows + 'a>>,
}

/// Checks a dataset read from any format (TOML files, an import) and builds it. `diags` are the
/// problems found while reading; `order` names the schema and sources files, whose problems are
/// listed first.
pub(crate) fn check(
    texts: &Texts,
    diags: Vec<Diagnostic>,
    parts: Parts,
    order: (usize, usize),
) -> Result<Loaded, LoadError> {
    let (schema_file, sources_file) = order;
    let mut ck = Checker { diags, names: Interner::default(), last_cites: None };
    let errors =
        |ck: &Checker| ck.diags.iter().filter(|d| d.severity == crate::diag::Severity::Error).count();
    let before = errors(&ck);
    let schema = parts.schema.map(|(file, raw)| check_schema(&mut ck, file, raw));
    let schema_broken = errors(&ck) > before;
    let domains = schema.as_ref().map_or(&[][..], |s: &Schema| &s.domains[..]);
    let sources =
        parts.sources.map(|(file, raw)| check_sources(&mut ck, file, raw, domains)).unwrap_or_default();

    // Layer files are checked against the schema, so a broken schema stops here: checking
    // against it would only add errors that are consequences of the first.
    let schema = match schema {
        Some(s) if !schema_broken => s,
        _ => {
            // Rows not read yet still report what reading them finds, as a read-first import did.
            if let Some(mut rows) = parts.rows {
                while rows.node(&mut ck.diags).is_some() {}
                while rows.edge(&mut ck.diags).is_some() {}
            }
            return Err(LoadError::Invalid(sorted(ck.diags, schema_file, sources_file)));
        }
    };
    let mut files = parts.layer_files;
    let mut rows = parts.rows.unwrap_or_else(|| Box::new(Listed::take(&mut files)));
    let dataset = check_graph(&mut ck, texts, schema, sources, &files, rows.as_mut());
    let (errors, warnings): (Vec<_>, Vec<_>) = sorted(ck.diags, schema_file, sources_file)
        .into_iter()
        .partition(|d| d.severity == crate::diag::Severity::Error);
    if errors.is_empty() {
        Ok(Loaded { dataset, warnings })
    } else {
        Err(LoadError::Invalid(errors))
    }
}

/// Orders diagnostics as a reader fixes them: the schema first, then the sources, then each
/// layer file, each from top to bottom.
fn sorted(mut diags: Vec<Diagnostic>, schema_file: usize, sources_file: usize) -> Vec<Diagnostic> {
    let rank = |file: usize| match file {
        f if f == schema_file => 0,
        f if f == sources_file => 1,
        _ => 2,
    };
    diags.sort_by(|a, b| {
        (rank(a.file), a.file, a.span.start, a.severity, &a.message).cmp(&(
            rank(b.file),
            b.file,
            b.span.start,
            b.severity,
            &b.message,
        ))
    });
    diags
}

fn check_schema(ck: &mut Checker, file: usize, raw: RawSchema) -> Schema {
    let mut schema = Schema::default();
    let mut seen = BTreeSet::new();
    for l in raw.layer {
        if !seen.insert(l.id.get_ref().clone()) {
            ck.error(file, l.id.span(), format!("duplicate layer `{}`", l.id.get_ref()));
        }
        ck.slug(file, &l.id, "layer");
        if !is_color(l.color.get_ref()) {
            ck.error(file, l.color.span(), format!("`{}` is not a colour", l.color.get_ref())).help =
                Some("write #RRGGBB, like \"#dbe9f6\"".into());
        }
        schema.layers.push(Layer {
            id: l.id.into_inner(),
            name: l.name,
            name_zh: l.name_zh,
            color: l.color.into_inner(),
            description: l.description,
            segments: l.segments,
        });
    }
    seen.clear();
    for k in raw.kind {
        if !seen.insert(k.id.get_ref().clone()) {
            ck.error(file, k.id.span(), format!("duplicate kind `{}`", k.id.get_ref()));
        }
        if !SHAPES.contains(&k.shape.get_ref().as_str()) {
            let d = Diagnostic::error(file, k.shape.span(), format!("unknown shape `{}`", k.shape.get_ref()))
                .suggest(k.shape.get_ref(), SHAPES.iter().copied());
            ck.diags.push(d);
        }
        let mut props = BTreeMap::new();
        for (key, ty) in k.props {
            match PropType::ALL.iter().find(|(n, _)| n == ty.get_ref()) {
                Some((_, t)) => {
                    props.insert(key.into_inner(), *t);
                }
                None => {
                    let names = PropType::ALL.iter().map(|(n, _)| *n);
                    let d = Diagnostic::error(
                        file,
                        ty.span(),
                        format!("unknown property type `{}`", ty.get_ref()),
                    )
                    .suggest(ty.get_ref(), names);
                    ck.diags.push(d);
                }
            }
        }
        let lifecycle = lifecycle(ck, file, &k.lifecycle).unwrap_or_default();
        schema.kinds.push(Kind {
            id: k.id.into_inner(),
            shape: k.shape.into_inner(),
            description: k.description,
            props,
            lifecycle,
            start_label: k.start_label,
        });
    }
    seen.clear();
    let kind_ids: Vec<String> = schema.kinds.iter().map(|k| k.id.clone()).collect();
    for r in raw.relation {
        if !seen.insert(r.id.get_ref().clone()) {
            ck.error(file, r.id.span(), format!("duplicate relation `{}`", r.id.get_ref()));
        }
        let supply = match r.supply.as_ref().map(|s| s.get_ref().as_str()) {
            None => None,
            Some("forward") => Some(Supply::Forward),
            Some("reverse") => Some(Supply::Reverse),
            Some(other) => {
                let span = r.supply.as_ref().map_or(r.id.span(), |s| s.span());
                ck.error(file, span, format!("unknown supply direction `{other}`")).help =
                    Some("write \"forward\" (from supplies to) or \"reverse\" (from depends on to)".into());
                None
            }
        };
        for k in r.from.iter().chain(&r.to) {
            if !kind_ids.contains(k.get_ref()) {
                let d = Diagnostic::error(file, k.span(), format!("unknown kind `{}`", k.get_ref()))
                    .suggest(k.get_ref(), kind_ids.iter().map(String::as_str));
                ck.diags.push(d);
            }
        }
        if !STYLES.contains(&r.style.get_ref().as_str()) {
            let d = Diagnostic::error(
                file,
                r.style.span(),
                format!("unknown line style `{}`", r.style.get_ref()),
            )
            .suggest(r.style.get_ref(), STYLES.iter().copied());
            ck.diags.push(d);
        }
        let required = r.required.as_ref().is_some_and(|b| *b.get_ref());
        if let (Some(flag), true, None) = (&r.required, required, supply) {
            ck.error(
                file,
                flag.span(),
                format!("relation `{}` is required but not a supply relation", r.id.get_ref()),
            )
            .help = Some("`required` only applies to relations with a `supply` direction".into());
        }
        if let (Some(first), None) = (r.required_for.first(), supply) {
            ck.error(
                file,
                first.span(),
                format!("relation `{}` has required_for but no supply direction", r.id.get_ref()),
            );
        }
        for k in &r.required_for {
            if schema.kind(k.get_ref()).is_none() {
                let names = schema.kinds.iter().map(|k| k.id.as_str());
                let d = Diagnostic::error(file, k.span(), format!("unknown kind `{}`", k.get_ref()))
                    .suggest(k.get_ref(), names);
                ck.diags.push(d);
            }
        }
        schema.relations.push(Relation {
            id: r.id.into_inner(),
            description: r.description,
            supply,
            required,
            required_for: r.required_for.into_iter().map(Spanned::into_inner).collect(),
            carries: r.carries.unwrap_or(true),
            money: r.money,
            from: r.from.into_iter().map(Spanned::into_inner).collect(),
            to: r.to.into_iter().map(Spanned::into_inner).collect(),
            style: r.style.into_inner(),
        });
    }
    let mut seen = BTreeSet::new();
    let mut domains = Vec::new();
    for d in raw.domain {
        let name = d.domain.get_ref();
        let well_formed = !name.is_empty()
            && name.split('.').count() >= 2
            && name.split('.').all(|l| {
                !l.is_empty() && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            });
        if !well_formed {
            ck.error(file, d.domain.span(), format!("`{name}` is not a domain name")).help =
                Some("write the lowercase host or a parent of it, like `trendforce.com`".into());
        }
        if !seen.insert(name.clone()) {
            ck.error(file, d.domain.span(), format!("duplicate domain `{name}`"));
        }
        let kind = d.kind.get_ref();
        if kind != Domain::BLOCKED && kind_tier(kind).is_none() {
            let kinds = SOURCE_KINDS.iter().map(|(k, _)| *k).chain([Domain::BLOCKED]);
            let diag = Diagnostic::error(file, d.kind.span(), format!("unknown domain kind `{kind}`"))
                .suggest(kind, kinds);
            ck.diags.push(diag);
        }
        domains.push(Domain {
            domain: d.domain.into_inner(),
            publisher: d.publisher,
            kind: d.kind.into_inner(),
            note: d.note,
        });
    }
    domains.sort_by(|a, b| a.domain.cmp(&b.domain));
    schema.domains = domains.into();
    schema.metrics = observation::check_metrics(ck, file, raw.metric, &schema);
    schema
}

/// A lifecycle named in the schema or on a node.
fn lifecycle(ck: &mut Checker, file: usize, value: &Option<Spanned<String>>) -> Option<Lifecycle> {
    let v = value.as_ref()?;
    let parsed = Lifecycle::parse(v.get_ref());
    if parsed.is_none() {
        let names = Lifecycle::ALL.map(Lifecycle::name);
        let d = Diagnostic::error(file, v.span(), format!("unknown lifecycle `{}`", v.get_ref()))
            .suggest(v.get_ref(), names);
        ck.diags.push(d);
    }
    parsed
}

/// A warning for a supply edge said to hold before its supplier existed, or after a supplier
/// that is not an artifact (whose end stops its making only) ended.
fn anachronism(ck: &mut Checker, file: usize, e: &RawEdge, supplier: &Node, kind: Option<Lifecycle>) {
    let Some(since) = e.since.as_ref().or(e.as_of.as_ref()) else { return };
    let (Some(first), Some(last)) = (Day::first(since.get_ref()), Day::last(since.get_ref())) else { return };
    let n = supplier;
    if let Some(start) = n.start.as_deref().filter(|s| Day::first(s).is_some_and(|s| last < s)) {
        ck.warn(
            file,
            since.span(),
            format!("the edge holds from {} but its supplier `{}` starts {start}", since.get_ref(), n.id),
        );
    }
    let artifact = n.lifecycle.or(kind).is_some_and(Lifecycle::is_artifact);
    if let Some(end) = n.end.as_deref().filter(|s| !artifact && Day::last(s).is_some_and(|s| s < first)) {
        ck.warn(
            file,
            since.span(),
            format!("the edge holds from {} but its supplier `{}` ended {end}", since.get_ref(), n.id),
        );
    }
}

/// `start` no later than `end` (both optional and already checked as dates).
fn ordered(
    ck: &mut Checker,
    file: usize,
    start: &Option<Spanned<String>>,
    end: &Option<Spanned<String>>,
    what: (&str, &str),
) {
    if let (Some(s), Some(e)) = (start, end) {
        if let (Some(first), Some(last)) = (Day::first(s.get_ref()), Day::last(e.get_ref())) {
            if first > last {
                ck.error(
                    file,
                    e.span(),
                    format!("`{}` {} is before `{}` {}", what.1, e.get_ref(), what.0, s.get_ref()),
                );
            }
        }
    }
}

fn is_color(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

fn check_sources(
    ck: &mut Checker,
    file: usize,
    raw: RawSources,
    domains: &[Domain],
) -> BTreeMap<SourceId, Source> {
    let mut out = BTreeMap::new();
    for s in raw.source {
        ck.slug(file, &s.id, "source");
        let mut safe = true;
        for url in std::iter::once(&s.url).chain(&s.via) {
            if let Some(why) = hygiene::refusal(url.get_ref(), domains) {
                safe = false;
                ck.error(file, url.span(), format!("`{}` cannot be cited: {why}", url.get_ref())).help =
                    Some("cite the original publication; see the [[domain]] table in schema.toml".into());
            }
        }
        ck.date(file, &s.date, "date");
        ck.date(file, &s.retrieved, "retrieved");
        if s.date.is_none() && s.retrieved.is_none() {
            ck.error(file, s.id.span(), format!("source `{}` has no date", s.id.get_ref())).help = Some(
                "add `date = \"YYYY-MM-DD\"`, as fine as known: when it was published; for a living page \
                 with no date of its own, `retrieved` says when it was read"
                    .into(),
            );
        }
        let kind = kind_tier(s.kind.get_ref());
        if kind.is_none() {
            let d =
                Diagnostic::error(file, s.kind.span(), format!("unknown source kind `{}`", s.kind.get_ref()))
                    .suggest(s.kind.get_ref(), SOURCE_KINDS.iter().map(|(k, _)| *k));
            ck.diags.push(d);
        }
        let kind_tier = kind.unwrap_or(Tier::Weak);
        let tier = hygiene::tier(kind_tier, s.url.get_ref(), domains);
        if safe && tier < kind_tier {
            let host = hygiene::host(s.url.get_ref()).unwrap_or_default();
            let kind = s.kind.get_ref();
            ck.warn(
                file,
                s.kind.span(),
                format!(
                    "{} {kind} source counts as {tier}: `{host}` is not a {kind_tier} publisher in the [[domain]] table",
                    article(kind)
                ),
            );
        }
        let id = SourceId(ck.names.sym(s.id.get_ref()));
        if out.contains_key(&id) {
            ck.error(file, s.id.span(), format!("duplicate source `{id}`"));
            continue;
        }
        out.insert(
            id.clone(),
            Source {
                id,
                title: s.title,
                publisher: s.publisher,
                url: s.url.into_inner(),
                via: s.via.map(Spanned::into_inner),
                date: s.date.map(Spanned::into_inner),
                retrieved: s.retrieved.map(Spanned::into_inner),
                kind: s.kind.into_inner(),
                tier,
            },
        );
    }
    out
}

fn check_graph(
    ck: &mut Checker,
    texts: &Texts,
    schema: Schema,
    sources: BTreeMap<SourceId, Source>,
    files: &[(usize, RawLayerFile)],
    rows: &mut dyn Rows,
) -> Dataset {
    // Byte offsets of line starts, per file, so that finding a line is a binary search. Found
    // on first use: an edges file needs them only for a duplicate edge.
    let line_starts: Vec<std::cell::OnceCell<Vec<usize>>> =
        texts.files.iter().map(|_| std::cell::OnceCell::new()).collect();
    let names: Vec<std::sync::Arc<str>> = texts.files.iter().map(|(name, _)| name.as_str().into()).collect();
    let line_of = |file: usize, span: &Range<usize>| Origin {
        file: names[file].clone(),
        line: line_starts[file]
            .get_or_init(|| {
                let text = texts.files[file].1.as_bytes();
                let breaks = text.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1);
                std::iter::once(0).chain(breaks).collect()
            })
            .partition_point(|&start| start <= span.start),
    };

    // Pass 1: node ids, so that edges anywhere can refer to nodes anywhere. Each id is hashed
    // once; where a node was first defined is its entry in `node_spans`.
    let (node_hint, edge_hint) = rows.expected();
    let mut index = NodeIndex::with_capacity(node_hint);
    let mut nodes = Vec::with_capacity(node_hint);
    let mut node_spans = Vec::with_capacity(node_hint);
    while let Some((file, n)) = rows.node(&mut ck.diags) {
        let (file, n) = (&file, &n);
        {
            let id = n.get_ref().id.get_ref();
            if let Some(first) = index.insert_new(id, nodes.len()) {
                let (first_file, first_span) = &node_spans[first];
                let first = line_of(*first_file, first_span);
                ck.error(*file, n.get_ref().id.span(), format!("duplicate node id `{id}`")).help =
                    Some(format!("first defined at {}:{}", first.file, first.line));
                continue;
            }
            nodes.push(check_node(ck, *file, n, &schema, &sources, line_of(*file, &n.span())));
            node_spans.push((*file, n.get_ref().id.span()));
        }
    }

    // Pass 2: edges.
    let mut edges = Vec::with_capacity(edge_hint);
    // Where each kept edge was written: its row and its relation, for a duplicate found later.
    let mut edge_at: Vec<(usize, usize, Range<usize>)> = Vec::with_capacity(edge_hint);
    // Sorted only when a suggestion needs it.
    let all_ids = std::cell::OnceCell::new();
    // One shared box per distinct set of optional fields without notes, properties or claims.
    let mut shared_more: FastMap<MoreKey, std::sync::Arc<EdgeMore>> = FastMap::default();
    while let Some((file, e)) = rows.edge(&mut ck.diags) {
        let (file, e) = (&file, &e);
        {
            let span = e.span();
            let e = e.get_ref();
            let mut endpoint = |id: &Spanned<String>| -> Option<NodeIx> {
                let found = index.get(id.get_ref());
                if found.is_none() {
                    let d = Diagnostic::error(*file, id.span(), format!("no node has id `{}`", id.get_ref()))
                        .suggest(id.get_ref(), sorted_ids(&all_ids, &nodes).iter().copied());
                    ck.diags.push(d);
                }
                found
            };
            let from = endpoint(&e.from);
            let to = endpoint(&e.to);
            let rel = schema.relation(e.rel.get_ref());
            if rel.is_none() {
                let names = schema.relations.iter().map(|r| r.id.as_str());
                let d =
                    Diagnostic::error(*file, e.rel.span(), format!("unknown relation `{}`", e.rel.get_ref()))
                        .suggest(e.rel.get_ref(), names);
                ck.diags.push(d);
            }
            // An edge marked unverified may cite nothing: that is what the mark says.
            let unverified = e.confidence.as_ref().is_some_and(|c| c.get_ref() == UNVERIFIED);
            let cited = if unverified && e.sources.is_empty() {
                Vec::new()
            } else {
                ck.sources(*file, &e.sources, &sources, span.clone(), "edge")
            };
            check_edge_fields(ck, *file, e, span.clone());
            let claims = check_claims(ck, *file, &e.claim, &sources);
            let props = check_free_props(ck, *file, &e.props);
            let (Some(from), Some(to), Some(rel)) = (from, to, rel) else {
                continue;
            };
            let (fk, tk) = (&nodes[from].kind, &nodes[to].kind);
            let kinds_known = schema.kind(fk).is_some() && schema.kind(tk).is_some();
            if kinds_known && (!rel.from.iter().any(|k| k == fk) || !rel.to.iter().any(|k| k == tk)) {
                ck.error(*file, e.rel.span(), format!("{} is not allowed from a {fk} to a {tk}", rel.id))
                    .help =
                    Some(format!("{} goes from {} to {}", rel.id, rel.from.join("|"), rel.to.join("|")));
            }
            if from == to {
                ck.error(*file, e.to.span(), format!("edge from `{}` to itself", e.to.get_ref()));
            }
            // Supply cannot come from what did not yet exist (a customer may take inputs before its
            // own launch, and money or development may precede a launch).
            let supplier = match rel.supply {
                Some(Supply::Forward) => Some(&nodes[from]),
                Some(Supply::Reverse) => Some(&nodes[to]),
                None => None,
            };
            if let Some(supplier) = supplier {
                anachronism(ck, *file, e, supplier, schema.kind(&supplier.kind).map(|k| k.lifecycle));
            }
            let rel_sym = ck.names.sym(&rel.id);
            edge_at.push((*file, span.start, e.rel.span()));
            edges.push(Edge {
                from,
                to,
                rel: rel_sym,
                sources: ck.cites(cited),
                share_pct: e.share_pct.as_ref().map(|s| *s.get_ref()),
                extra: share_more(
                    &mut shared_more,
                    EdgeMore {
                        share_of: e.share_of.clone(),
                        as_of: e.as_of.as_ref().map(|s| ck.names.sym(s.get_ref())),
                        since: e.since.as_ref().map(|s| ck.names.sym(s.get_ref())),
                        until: e.until.as_ref().map(|s| ck.names.sym(s.get_ref())),
                        status: e.status.as_ref().map(|s| ck.names.sym(s.get_ref())),
                        confidence: e.confidence.as_ref().map(|s| ck.names.sym(s.get_ref())),
                        note: e.note.clone(),
                        props,
                        claims,
                    },
                ),
            });
        }
    }

    drop(shared_more);
    duplicate_edges(ck, &edges, &edge_at, &nodes, &line_of);
    acquisition_loops(ck, &edges, &edge_at, &nodes);

    let known =
        Known { files, index: &index, nodes: &nodes, ids: &all_ids, sources: &sources, schema: &schema };
    let prices = price::check_prices(ck, &known);
    price::check_training_chips(ck, &index, &nodes, &node_spans);
    let observations = observation::check_observations(ck, &known);

    // Lints: orphans and unused sources.
    let mut degree = vec![0usize; nodes.len()];
    for e in &edges {
        degree[e.from] += 1;
        degree[e.to] += 1;
    }
    for (ix, node) in nodes.iter().enumerate() {
        if degree[ix] == 0 && !MAY_BE_ORPHAN.contains(&node.kind.as_str()) {
            let (file, span) = node_spans[ix].clone();
            ck.warn(file, span, format!("{} `{}` has no edges", node.kind, node.id));
        }
    }
    let dataset = Dataset {
        schema,
        sources: sources.into(),
        nodes: nodes.into(),
        edges: edges.into(),
        prices,
        observations,
    };
    let used = dataset.cited();
    let unused: Vec<&SourceId> = dataset.sources.keys().filter(|s| !used.contains(s)).collect();
    if !unused.is_empty() {
        let file = texts.files.iter().position(|(p, _)| base_name(p) == SOURCES_FILE).unwrap_or(0);
        let text = &texts.files[file].1;
        for id in unused {
            let needle = format!("\"{}\"", id.0);
            let at = text.find(&needle).unwrap_or(0);
            ck.warn(file, at..at + needle.len(), format!("source `{id}` is never cited"));
        }
    }
    dataset
}

/// The node ids in sorted order, sorted on first use (only a suggestion needs them).
fn sorted_ids<'a>(cell: &'a std::cell::OnceCell<Vec<&'a str>>, nodes: &'a [Node]) -> &'a [&'a str] {
    cell.get_or_init(|| {
        let mut ids: Vec<&str> = nodes.iter().map(|n| n.id.0.as_str()).collect();
        ids.sort_unstable();
        ids
    })
}

/// The optional fields of an edge with no note, properties or claims: what [`share_more`] looks
/// the shared box up by.
type MoreKey = (Option<String>, [Option<Sym>; 5]);

/// `more` in a box shared with the edges before that have the same fields (as the cache's
/// decode shares them), or `None` when every field is empty. Fields with a note, properties or
/// claims get a box of their own.
fn share_more(
    shared: &mut FastMap<MoreKey, std::sync::Arc<EdgeMore>>,
    more: EdgeMore,
) -> Option<std::sync::Arc<EdgeMore>> {
    if more.note.is_some() || !more.props.is_empty() || !more.claims.is_empty() {
        return more.boxed();
    }
    let key = (
        more.share_of.clone(),
        [&more.as_of, &more.since, &more.until, &more.status, &more.confidence].map(Clone::clone),
    );
    if let Some(shared) = shared.get(&key) {
        return Some(shared.clone());
    }
    let boxed = more.boxed()?;
    shared.insert(key, boxed.clone());
    Some(boxed)
}

/// Edges with the same ends, relation and `as_of`: each after the first is an error. Found by
/// sorting the edges rather than with a map of every edge's key, which cost 150 MB at a million
/// edges.
fn duplicate_edges(
    ck: &mut Checker,
    edges: &[Edge],
    at: &[(usize, usize, Range<usize>)],
    nodes: &[Node],
    line_of: &dyn Fn(usize, &Range<usize>) -> Origin,
) {
    // Each distinct (relation, as_of) pair as a number: equal strings are one `Sym` from the
    // checker's interner, so the pair of pointers identifies it. The numbers' order is arbitrary,
    // but only which edges share a key matters, and among them the file order (the index).
    let mut pairs: FastMap<(usize, usize), u32> = FastMap::default();
    let mut keys: Vec<(usize, usize, u32, usize)> = Vec::with_capacity(edges.len());
    for (i, e) in edges.iter().enumerate() {
        let as_of = e.more().as_of.as_ref().map_or(0, |s| s.as_str().as_ptr() as usize);
        let next = pairs.len() as u32;
        let pair = *pairs.entry((e.rel.as_str().as_ptr() as usize, as_of)).or_insert(next);
        keys.push((e.from, e.to, pair, i));
    }
    drop(pairs);
    keys.sort_unstable();
    let same = |a: &(usize, usize, u32, usize), b: &(usize, usize, u32, usize)| {
        a.0 == b.0 && a.1 == b.1 && a.2 == b.2
    };
    let mut first = 0;
    for k in 1..keys.len() {
        if !same(&keys[k], &keys[first]) {
            first = k;
            continue;
        }
        let (e, (file, _, rel_span)) = (&edges[keys[k].3], &at[keys[k].3]);
        let (first_file, first_row, _) = &at[keys[first].3];
        let origin = line_of(*first_file, &(*first_row..*first_row));
        ck.error(
            *file,
            rel_span.clone(),
            format!("duplicate edge {} -{}-> {}", nodes[e.from].id, e.rel, nodes[e.to].id),
        )
        .help = Some(format!(
            "first defined at {}:{}; give one an `as_of` date if both figures stand",
            origin.file, origin.line
        ));
    }
}

/// A warning at each `ACQUIRED` edge that closes a loop of acquisitions (a company that, through
/// a chain of acquisitions, acquired its own acquirer). The dated views cut such a loop short,
/// so an answer still comes out, but whichever company owns the other is then arbitrary.
fn acquisition_loops(ck: &mut Checker, edges: &[Edge], at: &[(usize, usize, Range<usize>)], nodes: &[Node]) {
    let mut acquired: FastMap<NodeIx, Vec<usize>> = FastMap::default();
    for (i, e) in edges.iter().enumerate().filter(|(_, e)| e.rel == ACQUIRED) {
        acquired.entry(e.from).or_default().push(i);
    }
    if acquired.is_empty() {
        return;
    }
    // Depth-first search from each acquirer in file order: 1 = on the current chain, 2 = done.
    let mut state = vec![0u8; nodes.len()];
    let mut starts: Vec<NodeIx> = acquired.keys().copied().collect();
    starts.sort_unstable();
    for start in starts {
        if state[start] != 0 {
            continue;
        }
        // The chain: each node with the position of its next edge to follow, and the edge that
        // reached it.
        let mut chain: Vec<(NodeIx, usize, Option<usize>)> = vec![(start, 0, None)];
        state[start] = 1;
        while let Some(&mut (node, ref mut next, _)) = chain.last_mut() {
            let Some(&edge) = acquired.get(&node).and_then(|out| out.get(*next)) else {
                state[node] = 2;
                chain.pop();
                continue;
            };
            *next += 1;
            let to = edges[edge].to;
            match state[to] {
                0 => {
                    state[to] = 1;
                    chain.push((to, 0, Some(edge)));
                }
                1 => {
                    let from = chain.iter().position(|&(n, _, _)| n == to).unwrap_or(0);
                    let names: Vec<&str> = chain[from..]
                        .iter()
                        .map(|&(n, _, _)| nodes[n].id.0.as_str())
                        .chain([nodes[to].id.0.as_str()])
                        .collect();
                    let (file, _, rel_span) = &at[edge];
                    let msg = format!("acquisitions form a loop: {}", names.join(" -> "));
                    ck.diags.push(
                        Diagnostic::warning(*file, rel_span.clone(), msg).with_help(
                            "a company cannot own its own owner; check the directions and the dates",
                        ),
                    );
                }
                _ => {}
            }
        }
    }
}

fn check_node(
    ck: &mut Checker,
    file: usize,
    n: &Spanned<RawNode>,
    schema: &Schema,
    sources: &BTreeMap<SourceId, Source>,
    origin: Origin,
) -> Node {
    let n = n.get_ref();
    ck.slug(file, &n.id, "node");
    if n.name.get_ref().trim().is_empty() {
        ck.error(file, n.name.span(), "empty name");
    }
    let kind = schema.kind(n.kind.get_ref());
    if kind.is_none() {
        let names = schema.kinds.iter().map(|k| k.id.as_str());
        let d = Diagnostic::error(file, n.kind.span(), format!("unknown kind `{}`", n.kind.get_ref()))
            .suggest(n.kind.get_ref(), names);
        ck.diags.push(d);
    }
    match schema.layer(n.layer.get_ref()) {
        None => {
            let names = schema.layers.iter().map(|l| l.id.as_str());
            let d = Diagnostic::error(file, n.layer.span(), format!("unknown layer `{}`", n.layer.get_ref()))
                .suggest(n.layer.get_ref(), names);
            ck.diags.push(d);
        }
        Some(layer) => match &n.segment {
            None if !layer.segments.is_empty() => {
                ck.error(file, n.id.span(), format!("node `{}` has no segment", n.id.get_ref())).help =
                    Some(format!("layer `{}` has segments: {}", layer.id, layer.segments.join(", ")));
            }
            Some(seg) if !layer.segments.contains(seg.get_ref()) => {
                let d = Diagnostic::error(
                    file,
                    seg.span(),
                    format!("layer `{}` has no segment `{}`", layer.id, seg.get_ref()),
                )
                .suggest(seg.get_ref(), layer.segments.iter().map(String::as_str));
                ck.diags.push(d);
            }
            _ => {}
        },
    }
    let cited = ck.sources(file, &n.sources, sources, n.id.span(), &format!("node `{}`", n.id.get_ref()));
    ck.non_empty(file, n.id.span(), "name_zh", n.name_zh.as_deref());
    ck.non_empty(file, n.id.span(), "summary", n.summary.as_deref());
    ck.non_empty(file, n.id.span(), "aliases", n.aliases.iter().map(String::as_str));
    ck.non_empty(file, n.id.span(), "tags", n.tags.iter().map(String::as_str));
    ck.date(file, &n.start, "start");
    ck.date(file, &n.end, "end");
    ordered(ck, file, &n.start, &n.end, ("start", "end"));
    let node_lifecycle = lifecycle(ck, file, &n.lifecycle);
    let mut props = BTreeMap::new();
    if let Some(kind) = kind {
        for (key, value) in &n.props {
            match kind.props.get(key.get_ref()) {
                None => {
                    let names = kind.props.keys().map(String::as_str);
                    let d = Diagnostic::error(
                        file,
                        key.span(),
                        format!("kind {} has no property `{}`", kind.id, key.get_ref()),
                    )
                    .suggest(key.get_ref(), names);
                    ck.diags.push(d);
                }
                Some(ty) => match typed(value.get_ref(), *ty) {
                    Some(v) => {
                        ck.non_empty_value(file, value.span(), key.get_ref(), &v);
                        props.insert(key.get_ref().clone(), v);
                    }
                    None => {
                        ck.error(
                            file,
                            value.span(),
                            format!(
                                "property `{}` must be {} {}, found {}",
                                key.get_ref(),
                                article(ty.name()),
                                ty.name(),
                                value.get_ref().type_str()
                            ),
                        );
                    }
                },
            }
        }
    }
    let claims = check_claims(ck, file, &n.claim, sources);
    Node {
        id: NodeId(n.id.get_ref().clone()),
        kind: ck.names.sym(n.kind.get_ref()),
        layer: ck.names.sym(n.layer.get_ref()),
        segment: n.segment.as_ref().map(|s| ck.names.sym(s.get_ref())),
        name: n.name.get_ref().clone(),
        name_zh: n.name_zh.clone(),
        aliases: n.aliases.clone(),
        summary: n.summary.clone(),
        start: n.start.as_ref().map(|s| s.get_ref().clone()),
        end: n.end.as_ref().map(|s| s.get_ref().clone()),
        lifecycle: node_lifecycle,
        tags: n.tags.clone(),
        sources: ck.cites(cited),
        props,
        claims,
        origin,
    }
}

/// "a" or "an" before a word.
pub(crate) fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn check_edge_fields(ck: &mut Checker, file: usize, e: &RawEdge, span: Range<usize>) {
    ck.non_empty(file, span.clone(), "share_of", e.share_of.as_deref());
    ck.non_empty(file, span, "note", e.note.as_deref());
    ck.date(file, &e.as_of, "as_of");
    ck.date(file, &e.since, "since");
    ck.date(file, &e.until, "until");
    ordered(ck, file, &e.since, &e.until, ("since", "until"));
    if let Some(st) = &e.status {
        if !STATUSES.contains(&st.get_ref().as_str()) {
            let d = Diagnostic::error(file, st.span(), format!("unknown status `{}`", st.get_ref()))
                .suggest(st.get_ref(), STATUSES.iter().copied());
            ck.diags.push(d);
        }
    }
    if let Some(share) = &e.share_pct {
        let v = *share.get_ref();
        if !(0.0..=100.0).contains(&v) {
            ck.error(file, share.span(), format!("share_pct {v} is outside 0..100"));
        }
        if e.share_of.is_none() {
            ck.error(file, share.span(), "share_pct without share_of").help =
                Some("say what the share measures: share_of = \"global HBM revenue\"".into());
        }
    }
    if let Some(c) = &e.confidence {
        if !CONFIDENCES.contains(&c.get_ref().as_str()) {
            ck.error(file, c.span(), format!("unknown confidence `{}`", c.get_ref())).help =
                Some("write \"reported\", \"estimated\" or \"unverified\" (no citable source found)".into());
        }
    }
}

fn check_claims(
    ck: &mut Checker,
    file: usize,
    raw: &[Spanned<RawClaim>],
    sources: &BTreeMap<SourceId, Source>,
) -> Vec<Claim> {
    raw.iter()
        .filter_map(|c| {
            let span = c.span();
            let c = c.get_ref();
            let cited = ck.sources(file, &c.sources, sources, span, "claim");
            let value = match scalar(c.value.get_ref()) {
                Some(v) => v,
                None => {
                    ck.error(file, c.value.span(), "a claim's value must be a string, number or boolean");
                    return None;
                }
            };
            Some(Claim { prop: c.prop.get_ref().clone(), value, sources: cited, note: c.note.clone() })
        })
        .collect()
}

fn check_free_props(
    ck: &mut Checker,
    file: usize,
    raw: &BTreeMap<Spanned<String>, Spanned<toml::Value>>,
) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for (k, v) in raw {
        match scalar(v.get_ref()) {
            Some(value) => {
                ck.non_empty_value(file, v.span(), k.get_ref(), &value);
                out.insert(k.get_ref().clone(), value);
            }
            None => {
                ck.error(
                    file,
                    v.span(),
                    format!("property `{}` must be a string, number or boolean", k.get_ref()),
                );
            }
        }
    }
    out
}

/// The texts in a value: itself if a string, its items if a list.
fn texts_of(v: &Value) -> Vec<&str> {
    match v {
        Value::Str(s) => vec![s.as_str()],
        Value::List(items) => items.iter().flat_map(texts_of).collect(),
        _ => Vec::new(),
    }
}

fn scalar(v: &toml::Value) -> Option<Value> {
    match v {
        toml::Value::String(s) => Some(Value::Str(s.clone())),
        toml::Value::Integer(i) => Some(Value::Int(*i)),
        toml::Value::Float(f) if f.is_finite() => Some(Value::Float(*f)),
        toml::Value::Boolean(b) => Some(Value::Bool(*b)),
        _ => None,
    }
}

/// Converts a TOML value to the declared property type, or `None` if it does not fit.
fn typed(v: &toml::Value, ty: PropType) -> Option<Value> {
    match (ty, v) {
        (PropType::String, toml::Value::String(s)) => Some(Value::Str(s.clone())),
        (PropType::Integer, toml::Value::Integer(i)) => Some(Value::Int(*i)),
        // A number is a float, however it is written: 989 and 989.0 are the same figure.
        (PropType::Number, toml::Value::Integer(i)) => Some(Value::Float(*i as f64)),
        (PropType::Number, toml::Value::Float(f)) if f.is_finite() => Some(Value::Float(*f)),
        (PropType::Boolean, toml::Value::Boolean(b)) => Some(Value::Bool(*b)),
        (PropType::Date, toml::Value::String(s)) if is_date(s) => Some(Value::Str(s.clone())),
        (PropType::Date, toml::Value::Integer(y)) if (1000..=9999).contains(y) => {
            Some(Value::Str(y.to_string()))
        }
        (PropType::Strings, toml::Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(|s| Value::Str(s.to_string())))
            .collect::<Option<Vec<_>>>()
            .map(Value::List),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("sk-hynix"));
        assert!(is_slug("gpt-4o"));
        for bad in ["", "SK", "a--b", "-a", "a-", "a_b", "a b", "台积电"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }

    #[test]
    fn dates() {
        for good in ["2024", "2024-03", "2024-03-14"] {
            assert!(is_date(good), "{good}");
        }
        for bad in ["24", "2024-13", "2024-3", "2024-03-32", "March 2024", "2024-03-14-01"] {
            assert!(!is_date(bad), "{bad}");
        }
    }
}
