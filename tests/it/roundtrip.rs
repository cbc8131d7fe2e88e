//! Export -> import -> export gives back the same bytes.
//!
//! - On the built-in data, through the binary: `export --to json` | `import` | `export --to json`,
//!   and the same for the three CSV files; the imported folder is exported twice, through its
//!   cache and (with the cache removed) through its TOML files.
//! - On random small datasets, in-process (proptest): JSON (`to_json` -> `from_json` -> `to_json`),
//!   the dataset folder (`to_toml` -> `load` -> `to_toml`, and its JSON) and CSV (`to_csv` ->
//!   `from_csv` -> `to_csv`, for datasets without `;` in a list item; with one, `to_csv` must
//!   refuse). The datasets are valid by construction, with hostile text everywhere text may go:
//!   quotes, backslashes, newlines, tabs, carriage returns, commas, semicolons, `<`, `&`, control
//!   characters, Chinese, emoji, a byte order mark.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use aikg::diag::Texts;
use aikg::load::LoadError;
use proptest::prelude::*;
use proptest::sample::Index;
use serde::Serialize;

use crate::common::Scratch;

// ----------------------------------------------------------------------------------------------
// The built-in data, through the binary.

/// Runs `aikg` in `dir`; fails the test unless it succeeds.
fn aikg(dir: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_aikg"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the aikg binary runs");
    assert!(
        out.status.success(),
        "aikg {}: {:?}\n{}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

fn read(path: PathBuf) -> Vec<u8> {
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Asserts two byte strings are equal, showing the first line that differs.
fn same(what: &str, a: &[u8], b: &[u8]) {
    if a == b {
        return;
    }
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let line = a
        .lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or(a.lines().count().min(b.lines().count()));
    panic!(
        "{what} differs at line {}:\n  before: {:?}\n  after:  {:?}",
        line + 1,
        a.lines().nth(line),
        b.lines().nth(line)
    );
}

#[test]
fn built_in_json_export_import_export_is_byte_identical() {
    let s = Scratch::new("json");
    aikg(&s.0, &["export", "--to", "json", "-o", "a.json"]);
    aikg(&s.0, &["import", "a.json", "-o", "imported"]);
    aikg(&s.0, &["--data", "imported", "export", "--to", "json", "-o", "b.json"]);
    same(
        "export -> import -> export (JSON, through the cache)",
        &read(s.0.join("a.json")),
        &read(s.0.join("b.json")),
    );
    // Without the cache the TOML files are read: they hold the same dataset.
    std::fs::remove_file(s.0.join("imported/aikg.cache")).unwrap();
    aikg(&s.0, &["--data", "imported", "export", "--to", "json", "-o", "c.json"]);
    same(
        "export -> import -> export (JSON, through the TOML files)",
        &read(s.0.join("a.json")),
        &read(s.0.join("c.json")),
    );
}

#[test]
fn built_in_csv_export_import_export_is_byte_identical() {
    let s = Scratch::new("csv");
    aikg(&s.0, &["export", "--to", "csv", "-o", "a"]);
    aikg(
        &s.0,
        &["import", "a/nodes.csv", "a/edges.csv", "a/sources.csv", "a/observations.csv", "-o", "imported"],
    );
    aikg(&s.0, &["--data", "imported", "export", "--to", "csv", "-o", "b"]);
    std::fs::remove_file(s.0.join("imported/aikg.cache")).unwrap();
    aikg(&s.0, &["--data", "imported", "export", "--to", "csv", "-o", "c"]);
    for file in ["nodes.csv", "edges.csv", "sources.csv", "observations.csv"] {
        let a = read(s.0.join("a").join(file));
        let least = if file == "observations.csv" { 500 } else { 10_000 };
        assert!(a.len() > least, "{file} is only {} bytes", a.len());
        same(&format!("{file} (through the cache)"), &a, &read(s.0.join("b").join(file)));
        same(&format!("{file} (through the TOML files)"), &a, &read(s.0.join("c").join(file)));
    }
}

#[test]
fn built_in_csv_import_to_the_cache_only_exports_the_same_bytes() {
    let s = Scratch::new("cache-only");
    aikg(&s.0, &["export", "--to", "csv", "-o", "a"]);
    let files = ["a/nodes.csv", "a/edges.csv", "a/sources.csv", "a/observations.csv"];
    aikg(&s.0, &[&["import"][..], &files, &["-o", "imported", "--cache-only"]].concat());
    let listed: Vec<String> = std::fs::read_dir(s.0.join("imported"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(listed, ["aikg.cache"]);
    aikg(&s.0, &["--data", "imported", "export", "--to", "csv", "-o", "b"]);
    for file in ["nodes.csv", "edges.csv", "sources.csv", "observations.csv"] {
        let a = read(s.0.join("a").join(file));
        same(&format!("{file} (cache only)"), &a, &read(s.0.join("b").join(file)));
    }
    // `check` reads TOML files, and this folder has none: a clear refusal, not an empty dataset.
    let out = Command::new(env!("CARGO_BIN_EXE_aikg"))
        .args(["--data", "imported", "check"])
        .current_dir(&s.0)
        .output()
        .expect("the aikg binary runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("holds only a binary cache (aikg.cache): `check` reads TOML files"), "{err}");
    // A cache this aikg cannot read is refused the same way.
    std::fs::write(s.0.join("imported/aikg.cache"), b"AIKGBIN garbage").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_aikg"))
        .args(["--data", "imported", "stats"])
        .current_dir(&s.0)
        .output()
        .expect("the aikg binary runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("that this version of aikg cannot read"), "{err}");
}

// ----------------------------------------------------------------------------------------------
// Random datasets, in-process.

/// Pieces of text that break naive quoting in one format or another.
const HOSTILE: &[&str] = &[
    "\"",
    "'",
    "\\",
    "\n",
    "\t",
    "\r",
    "\r\n",
    ",",
    ";",
    "<",
    ">",
    "&",
    "&amp;",
    "|",
    "#",
    "=",
    "[",
    "]",
    "{",
    "}",
    "[[node]]",
    "\"\"\"",
    "'''",
    "${x}",
    "%s",
    "*",
    "_",
    "`",
    "$",
    "~",
    "--",
    "/*",
    "//",
    " ",
    "  ",
    "\u{0}",
    "\u{7}",
    "\u{1b}[31m",
    "\u{7f}",
    "\u{85}",
    "\u{a0}",
    "\u{2028}",
    "\u{feff}",
    "\u{202e}",
    "\u{200b}",
    "é",
    "ß",
    "台积电",
    "半导体",
    "𠀋",
    "🚀",
    "👩‍💻",
    "🇹🇼",
    "a",
    "Z",
    "0",
    "9",
    "1e5",
    "-",
    "true",
    "null",
    "NaN",
    "id:ID",
    ":LABEL",
];

/// Hostile text: a few pieces from [`HOSTILE`] and arbitrary characters.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(HOSTILE).prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
        1 => "[a-zA-Z ]{1,12}",
    ];
    // Never empty: the loader refuses an empty optional text, which CSV could not tell from absent.
    proptest::collection::vec(piece, 1..5).prop_map(|p| p.concat())
}

/// Hostile text that is not blank (a name, a segment, a kind id).
fn name() -> impl Strategy<Value = String> {
    text().prop_map(|t| if t.trim().is_empty() { format!("N{t}") } else { t })
}

/// A lowercase kebab slug, as ids must be.
fn slug() -> impl Strategy<Value = String> {
    proptest::collection::vec("[a-z0-9]{1,8}", 1..4).prop_map(|p| p.join("-"))
}

/// Two optional dates, the second dropped when it falls before the first (the loader refuses
/// an end before a start).
fn in_order(start: Option<String>, end: Option<String>) -> (Option<String>, Option<String>) {
    let bounds = |d: &str, fill: (u16, u16)| {
        let mut p = d.split('-').map(|x| x.parse::<u16>().unwrap_or(0));
        (p.next().unwrap_or(0), p.next().unwrap_or(fill.0), p.next().unwrap_or(fill.1))
    };
    match (&start, &end) {
        (Some(s), Some(e)) if bounds(s, (1, 1)) > bounds(e, (12, 31)) => (start, None),
        _ => (start, end),
    }
}

/// Lifecycles and edge statuses as the loader spells them (`None` leaves the field out).
const LIFECYCLES: [Option<&str>; 4] = [None, Some("made-once"), Some("produced"), Some("service")];
const STATUSES: [Option<&str>; 4] = [None, Some("announced"), Some("operating"), Some("ended")];

/// The copy a source was read from: a plain path on another host.
fn url_via() -> impl Strategy<Value = String> {
    "[a-z0-9]{1,12}".prop_map(|p| format!("https://copies.example.com/{p}"))
}

fn date() -> impl Strategy<Value = String> {
    (1000u32..=9999, 0u32..=12, 0u32..=31).prop_map(|(y, m, d)| match (m, d) {
        (0, _) => format!("{y}"),
        (m, 0) => format!("{y}-{m:02}"),
        (m, d) => format!("{y}-{m:02}-{d:02}"),
    })
}

/// Finite floats, with the awkward ones often: zeros of both signs, whole numbers, extremes.
fn float() -> impl Strategy<Value = f64> {
    use proptest::num::f64 as f;
    prop_oneof![
        2 => f::POSITIVE | f::NEGATIVE | f::NORMAL | f::SUBNORMAL | f::ZERO,
        1 => proptest::sample::select(&[0.0, -0.0, 0.1, 1e300, -1e-300, 5e-324, f64::MAX, f64::MIN, 1e21, 1e15][..]),
        1 => any::<i32>().prop_map(f64::from),
    ]
}

/// Every kind of value a property could need; the builder takes the one its type asks for.
#[derive(Debug, Clone)]
struct ValueSeed {
    int: i64,
    float: f64,
    boolean: bool,
    text: String,
    date: String,
    list: Vec<String>,
    which: u8,
}

fn value_seed() -> impl Strategy<Value = ValueSeed> {
    let int = prop_oneof![any::<i64>(), -1000i64..1000, Just(i64::MIN), Just(i64::MAX)];
    (int, float(), any::<bool>(), text(), date(), proptest::collection::vec(text(), 1..4), any::<u8>())
        .prop_map(|(int, float, boolean, text, date, list, which)| ValueSeed {
            int,
            float,
            boolean,
            text,
            date,
            list,
            which,
        })
}

/// Property names: none is a column the CSV formats use for a field, none holds `:`.
const NODE_PROPS: &[&str] = &[
    "ticker",
    "founded",
    "memory_gb",
    "open_weights",
    "released",
    "variants",
    "x-y",
    "名字",
    "with space",
    "q\"uote",
    "🚀",
    "a,b",
    "ID",
];
const EDGE_PROPS: &[&str] = &["weight", "volume_units", "名字", "q\"uote", "a,b", "with space", "🚀", "x-y"];
const SHAPES: &[&str] = &["box", "box3d", "circle", "hexagon", "note", "cylinder"];
const STYLES: &[&str] = &["solid", "dashed", "dotted", "bold"];
const SOURCE_KINDS: &[&str] = &[
    "filing",
    "press-release",
    "official-docs",
    "paper",
    "research-firm",
    "news",
    "blog",
    "aggregator",
    "forum",
    "social",
];

#[derive(Debug, Clone)]
struct LayerSpec {
    id: String,
    name: String,
    name_zh: Option<String>,
    color: u32,
    description: String,
    segments: Vec<String>,
}

#[derive(Debug, Clone)]
struct KindSpec {
    id: String,
    shape: Index,
    description: String,
    props: Vec<(Index, u8)>,
}

#[derive(Debug, Clone)]
struct RelationSpec {
    id: String,
    description: String,
    supply: u8,
    required: bool,
    from: Vec<Index>,
    to: Vec<Index>,
    style: Index,
}

#[derive(Debug, Clone)]
struct SourceSpec {
    id: String,
    title: String,
    publisher: Option<String>,
    url: String,
    via: Option<String>,
    date: Option<String>,
    retrieved: Option<String>,
    kind: Index,
}

#[derive(Debug, Clone)]
struct ClaimSpec {
    prop: String,
    value: ValueSeed,
    sources: Vec<Index>,
    note: Option<String>,
}

#[derive(Debug, Clone)]
struct NodeSpec {
    start: Option<String>,
    end: Option<String>,
    lifecycle: Index,
    id: String,
    kind: Index,
    layer: Index,
    segment: Index,
    name: String,
    name_zh: Option<String>,
    aliases: Vec<String>,
    summary: Option<String>,
    tags: Vec<String>,
    sources: Vec<Index>,
    props: Vec<Option<ValueSeed>>,
    claims: Vec<ClaimSpec>,
}

#[derive(Debug, Clone)]
struct EdgeSpec {
    status: Index,
    from: Index,
    to: Index,
    rel: Index,
    sources: Vec<Index>,
    share: Option<(f64, String)>,
    as_of: Option<String>,
    since: Option<String>,
    until: Option<String>,
    confidence: Option<bool>,
    note: Option<String>,
    props: Vec<(Index, ValueSeed)>,
    claims: Vec<ClaimSpec>,
}

#[derive(Debug, Clone)]
struct Spec {
    layers: Vec<LayerSpec>,
    kinds: Vec<KindSpec>,
    relations: Vec<RelationSpec>,
    sources: Vec<SourceSpec>,
    nodes: Vec<NodeSpec>,
    edges: Vec<EdgeSpec>,
}

fn opt<T: std::fmt::Debug + Clone>(s: impl Strategy<Value = T>) -> impl Strategy<Value = Option<T>> {
    proptest::option::of(s)
}

fn vec<T: std::fmt::Debug>(
    s: impl Strategy<Value = T>,
    n: std::ops::Range<usize>,
) -> impl Strategy<Value = Vec<T>> {
    proptest::collection::vec(s, n)
}

fn claim() -> impl Strategy<Value = ClaimSpec> {
    (text(), value_seed(), vec(any::<Index>(), 1..3), opt(text()))
        .prop_map(|(prop, value, sources, note)| ClaimSpec { prop, value, sources, note })
}

fn spec() -> impl Strategy<Value = Spec> {
    let layer = (slug(), text(), opt(text()), 0u32..0x100_0000, text(), vec(name(), 0..3)).prop_map(
        |(id, name, name_zh, color, description, segments)| LayerSpec {
            id,
            name,
            name_zh,
            color,
            description,
            segments,
        },
    );
    let kind = (name(), any::<Index>(), text(), vec((any::<Index>(), any::<u8>()), 0..4))
        .prop_map(|(id, shape, description, props)| KindSpec { id, shape, description, props });
    let relation = (
        name(),
        text(),
        0u8..3,
        any::<bool>(),
        vec(any::<Index>(), 1..4),
        vec(any::<Index>(), 1..4),
        any::<Index>(),
    )
        .prop_map(|(id, description, supply, required, from, to, style)| RelationSpec {
            id,
            description,
            supply,
            required,
            from,
            to,
            style,
        });
    // A URL must start with http(s):// and hold no white space, control character or query (a
    // generated query could spell a tracking parameter, which the loader refuses).
    let url = text().prop_map(|t| {
        let path: String =
            t.chars().filter(|c| !c.is_whitespace() && !c.is_control() && !"?#".contains(*c)).collect();
        format!("https://example.com/{path}")
    });
    // Every source has a publication date or a retrieval date.
    let dated = prop_oneof![date().prop_map(|d| (Some(d), None)), date().prop_map(|d| (None, Some(d)))];
    let source = (slug(), text(), opt(text()), url, opt(url_via()), dated, any::<Index>()).prop_map(
        |(id, title, publisher, url, via, (date, retrieved), kind)| SourceSpec {
            id,
            title,
            publisher,
            url,
            via,
            date,
            retrieved,
            kind,
        },
    );
    let node = (
        (slug(), any::<Index>(), any::<Index>(), any::<Index>(), name(), opt(text())),
        (vec(text(), 0..3), opt(text()), vec(text(), 0..3), vec(any::<Index>(), 1..3)),
        (vec(opt(value_seed()), 0..4), vec(claim(), 0..2), (opt(date()), opt(date()), any::<Index>())),
    )
        .prop_map(
            |(
                (id, kind, layer, segment, name, name_zh),
                (aliases, summary, tags, sources),
                (props, claims, (start, end, lifecycle)),
            )| {
                let (start, end) = in_order(start, end);
                NodeSpec {
                    start,
                    end,
                    lifecycle,
                    id,
                    kind,
                    layer,
                    segment,
                    name,
                    name_zh,
                    aliases,
                    summary,
                    tags,
                    sources,
                    props,
                    claims,
                }
            },
        );
    let edge = (
        (any::<Index>(), any::<Index>(), any::<Index>(), vec(any::<Index>(), 1..3)),
        (
            opt((0.0f64..=100.0, text())),
            opt(date()),
            opt(date()),
            opt(date()),
            opt(any::<bool>()),
            opt(text()),
        ),
        (vec((any::<Index>(), value_seed()), 0..3), vec(claim(), 0..2), any::<Index>()),
    )
        .prop_map(
            |(
                (from, to, rel, sources),
                (share, as_of, since, until, confidence, note),
                (props, claims, status),
            )| {
                let (since, until) = in_order(since, until);
                EdgeSpec {
                    status,
                    from,
                    to,
                    rel,
                    sources,
                    share,
                    as_of,
                    since,
                    until,
                    confidence,
                    note,
                    props,
                    claims,
                }
            },
        );
    (
        vec(layer, 1..3),
        vec(kind, 1..4),
        vec(relation, 1..4),
        vec(source, 1..4),
        vec(node, 0..7),
        vec(edge, 0..10),
    )
        .prop_map(|(layers, kinds, relations, sources, nodes, edges)| Spec {
            layers,
            kinds,
            relations,
            sources,
            nodes,
            edges,
        })
}

/// Makes `id` unique among `seen` by a numbered suffix.
fn unique(seen: &mut BTreeSet<String>, id: String, sep: &str) -> String {
    let mut candidate = id.clone();
    let mut n = 2;
    while !seen.insert(candidate.clone()) {
        candidate = format!("{id}{sep}{n}");
        n += 1;
    }
    candidate
}

// The dataset in the shape `export --to json` writes it, field for field in its order, so that
// the generated document is itself what `to_json` must give back after `from_json`.

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
enum GenValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<GenValue>),
}

#[derive(Debug, Serialize)]
struct GenLayer {
    id: String,
    name: String,
    name_zh: Option<String>,
    color: String,
    description: String,
    segments: Vec<String>,
}

#[derive(Debug, Serialize)]
struct GenKind {
    id: String,
    shape: &'static str,
    description: String,
    props: BTreeMap<String, &'static str>,
    lifecycle: &'static str,
    start_label: Option<String>,
}

#[derive(Debug, Serialize)]
struct GenDomain {
    domain: &'static str,
    publisher: &'static str,
    kind: &'static str,
    note: Option<&'static str>,
}

#[derive(Debug, Serialize)]
struct GenRelation {
    id: String,
    description: String,
    supply: Option<&'static str>,
    required: bool,
    required_for: Vec<String>,
    carries: bool,
    from: Vec<String>,
    to: Vec<String>,
    style: &'static str,
}

#[derive(Debug, Serialize)]
struct GenSource {
    id: String,
    title: String,
    publisher: Option<String>,
    url: String,
    via: Option<String>,
    date: Option<String>,
    retrieved: Option<String>,
    kind: &'static str,
    /// Sources live at example.com, which the generated domain table does not list: weak.
    tier: &'static str,
}

#[derive(Debug, Serialize)]
struct GenClaim {
    prop: String,
    value: GenValue,
    sources: Vec<String>,
    note: Option<String>,
}

#[derive(Debug, Serialize)]
struct GenNode {
    id: String,
    kind: String,
    layer: String,
    segment: Option<String>,
    name: String,
    name_zh: Option<String>,
    aliases: Vec<String>,
    summary: Option<String>,
    start: Option<String>,
    end: Option<String>,
    lifecycle: Option<&'static str>,
    tags: Vec<String>,
    sources: Vec<String>,
    props: BTreeMap<String, GenValue>,
    claims: Vec<GenClaim>,
}

#[derive(Debug, Serialize)]
struct GenEdge {
    from: String,
    to: String,
    rel: String,
    sources: Vec<String>,
    share_pct: Option<f64>,
    share_of: Option<String>,
    as_of: Option<String>,
    since: Option<String>,
    until: Option<String>,
    status: Option<&'static str>,
    confidence: Option<&'static str>,
    note: Option<String>,
    props: BTreeMap<String, GenValue>,
    claims: Vec<GenClaim>,
}

#[derive(Debug, Serialize)]
struct GenDataset {
    layers: Vec<GenLayer>,
    kinds: Vec<GenKind>,
    relations: Vec<GenRelation>,
    domains: Vec<GenDomain>,
    sources: Vec<GenSource>,
    nodes: Vec<GenNode>,
    edges: Vec<GenEdge>,
}

impl GenDataset {
    /// The document as `to_json` writes one.
    fn json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap();
        s.push('\n');
        s
    }
}

const TYPES: [&str; 6] = ["string", "integer", "number", "boolean", "date", "strings"];

impl ValueSeed {
    fn typed(&self, ty: &str) -> GenValue {
        match ty {
            "string" => GenValue::Str(self.text.clone()),
            "integer" => GenValue::Int(self.int),
            "number" => GenValue::Float(self.float),
            "boolean" => GenValue::Bool(self.boolean),
            "date" => GenValue::Str(self.date.clone()),
            _ => GenValue::List(self.list.iter().cloned().map(GenValue::Str).collect()),
        }
    }

    /// A value of an edge property or a claim: any scalar.
    fn scalar(&self) -> GenValue {
        match self.which % 4 {
            0 => GenValue::Str(self.text.clone()),
            1 => GenValue::Int(self.int),
            2 => GenValue::Float(self.float),
            _ => GenValue::Bool(self.boolean),
        }
    }
}

/// The valid dataset a spec stands for: ids made unique, references resolved, edges that the
/// schema does not allow (or that would repeat one, or loop) left out.
fn build(spec: &Spec) -> GenDataset {
    let mut seen = BTreeSet::new();
    let layers: Vec<GenLayer> = spec
        .layers
        .iter()
        .map(|l| GenLayer {
            id: unique(&mut seen, l.id.clone(), "-"),
            name: l.name.clone(),
            name_zh: l.name_zh.clone(),
            color: format!("#{:06x}", l.color),
            description: l.description.clone(),
            segments: l.segments.clone(),
        })
        .collect();
    let mut seen = BTreeSet::new();
    let kinds: Vec<GenKind> = spec
        .kinds
        .iter()
        .map(|k| GenKind {
            id: unique(&mut seen, k.id.clone(), " "),
            shape: SHAPES[k.shape.index(SHAPES.len())],
            description: k.description.clone(),
            props: k
                .props
                .iter()
                .map(|(name, ty)| (name.get(NODE_PROPS).to_string(), TYPES[*ty as usize % 6]))
                .collect(),
            lifecycle: ["made-once", "produced", "service"][k.shape.index(3)],
            start_label: (!k.description.is_empty()).then(|| k.description.clone()),
        })
        .collect();
    let mut seen = BTreeSet::new();
    let relations: Vec<GenRelation> = spec
        .relations
        .iter()
        .map(|r| {
            let supply = [None, Some("forward"), Some("reverse")][r.supply as usize % 3];
            let pick = |ixs: &[Index]| -> Vec<String> {
                let set: BTreeSet<usize> = ixs.iter().map(|i| i.index(kinds.len())).collect();
                set.into_iter().map(|i| kinds[i].id.clone()).collect()
            };
            GenRelation {
                id: unique(&mut seen, r.id.clone(), " "),
                description: r.description.clone(),
                supply,
                required: r.required && supply.is_some(),
                // The kinds a supply relation is required for: none, or the first of its `to` kinds.
                required_for: if supply.is_some() && !r.required {
                    pick(&r.to).into_iter().take(1).collect()
                } else {
                    Vec::new()
                },
                // Every third supply relation carries no supply through (like DESIGNS).
                carries: supply.is_none() || r.style.index(3) != 0,
                from: pick(&r.from),
                to: pick(&r.to),
                style: STYLES[r.style.index(STYLES.len())],
            }
        })
        .collect();
    let mut seen = BTreeSet::new();
    let mut sources: Vec<GenSource> = spec
        .sources
        .iter()
        .map(|s| GenSource {
            id: unique(&mut seen, s.id.clone(), "-"),
            title: s.title.clone(),
            publisher: s.publisher.clone(),
            url: s.url.clone(),
            via: s.via.clone(),
            date: s.date.clone(),
            retrieved: s.retrieved.clone(),
            kind: SOURCE_KINDS[s.kind.index(SOURCE_KINDS.len())],
            tier: "weak",
        })
        .collect();
    // The export lists sources by id.
    sources.sort_by(|a, b| a.id.cmp(&b.id));
    let source_ids: Vec<String> = sources.iter().map(|s| s.id.clone()).collect();
    let cite = |ixs: &[Index]| -> Vec<String> {
        let set: BTreeSet<usize> = ixs.iter().map(|i| i.index(source_ids.len())).collect();
        set.into_iter().map(|i| source_ids[i].clone()).collect()
    };
    let claims = |cs: &[ClaimSpec]| -> Vec<GenClaim> {
        cs.iter()
            .map(|c| GenClaim {
                prop: c.prop.clone(),
                value: c.value.scalar(),
                sources: cite(&c.sources),
                note: c.note.clone(),
            })
            .collect()
    };
    let mut seen = BTreeSet::new();
    let nodes: Vec<GenNode> = spec
        .nodes
        .iter()
        .map(|n| {
            let kind = n.kind.get(&kinds);
            let layer = n.layer.get(&layers);
            let segment = (!layer.segments.is_empty()).then(|| n.segment.get(&layer.segments).clone());
            let props = kind
                .props
                .iter()
                .zip(&n.props)
                .filter_map(|((name, ty), seed)| seed.as_ref().map(|s| (name.clone(), s.typed(ty))))
                .collect();
            GenNode {
                id: unique(&mut seen, n.id.clone(), "-"),
                kind: kind.id.clone(),
                layer: layer.id.clone(),
                segment,
                name: n.name.clone(),
                name_zh: n.name_zh.clone(),
                aliases: n.aliases.clone(),
                summary: n.summary.clone(),
                start: n.start.clone(),
                end: n.end.clone(),
                lifecycle: LIFECYCLES[n.lifecycle.index(LIFECYCLES.len())],
                tags: n.tags.clone(),
                sources: cite(&n.sources),
                props,
                claims: claims(&n.claims),
            }
        })
        .collect();
    let mut edges = Vec::new();
    let mut seen_edges = BTreeSet::new();
    if !nodes.is_empty() {
        for e in &spec.edges {
            let (from, to) = (e.from.get(&nodes), e.to.get(&nodes));
            let allowed: Vec<&GenRelation> =
                relations.iter().filter(|r| r.from.contains(&from.kind) && r.to.contains(&to.kind)).collect();
            if from.id == to.id || allowed.is_empty() {
                continue;
            }
            let rel = e.rel.get(&allowed).id.clone();
            if !seen_edges.insert((from.id.clone(), to.id.clone(), rel.clone(), e.as_of.clone())) {
                continue;
            }
            edges.push(GenEdge {
                from: from.id.clone(),
                to: to.id.clone(),
                rel,
                sources: cite(&e.sources),
                share_pct: e.share.as_ref().map(|s| s.0),
                share_of: e.share.as_ref().map(|s| s.1.clone()),
                as_of: e.as_of.clone(),
                since: e.since.clone(),
                until: e.until.clone(),
                status: STATUSES[e.status.index(STATUSES.len())],
                confidence: e.confidence.map(|c| if c { "reported" } else { "estimated" }),
                note: e.note.clone(),
                props: e
                    .props
                    .iter()
                    .map(|(name, seed)| (name.get(EDGE_PROPS).to_string(), seed.scalar()))
                    .collect(),
                claims: claims(&e.claims),
            });
        }
    }
    // One domain, for the table's round trip: the copies' host, which no source's URL is on.
    let domains =
        vec![GenDomain { domain: "copies.example.com", publisher: "Copies", kind: "news", note: None }];
    GenDataset { layers, kinds, relations, domains, sources, nodes, edges }
}

/// The located errors of a failed load, rendered as the command line shows them.
fn explain(e: LoadError, texts: &Texts) -> String {
    match e {
        LoadError::MissingFile(f) => format!("missing file {f}"),
        LoadError::Invalid(diags) => diags
            .iter()
            .map(|d| {
                let (name, text) = &texts.files[d.file];
                aikg::diag::render(d, name, text)
            })
            .collect(),
    }
}

fn texts(files: &[(&str, String)]) -> Texts {
    Texts::of(files.iter().map(|(n, t)| (n, t)))
}

/// Whether a list that `to_csv` joins with `;` has an item that holds one.
fn semicolon_in_a_list(d: &GenDataset) -> bool {
    let has = |items: &[String]| items.iter().any(|i| i.contains(';'));
    d.nodes.iter().any(|n| {
        has(&n.aliases)
            || has(&n.tags)
            || n.props.values().any(|v| match v {
                GenValue::List(items) => {
                    items.iter().any(|i| matches!(i, GenValue::Str(s) if s.contains(';')))
                }
                _ => false,
            })
    })
}

/// Why the CSV round trip of `d` is known not to hold, other than `;` in a list (which `to_csv`
/// refuses). Each reason has a test of its own below, which fails while it lasts.
fn csv_known_loss(d: &GenDataset) -> Option<&'static str> {
    // CSV cannot tell an empty text from an absent one, and the import reads an empty cell as
    // absent: the property, and its column, are gone.
    let empty = |v: &GenValue| match v {
        GenValue::Str(s) => s.is_empty(),
        GenValue::List(items) => items.iter().all(|i| matches!(i, GenValue::Str(s) if s.is_empty())),
        _ => false,
    };
    if d.nodes.iter().any(|n| n.props.values().any(empty))
        || d.edges.iter().any(|e| e.props.values().any(empty))
    {
        return Some("an empty text or list property");
    }
    if d.edges.iter().any(|e| e.share_pct.is_some() && e.share_of.as_deref() == Some("")) {
        return Some("a share_pct whose share_of is empty");
    }
    let negative_zero = |v: &GenValue| matches!(v, GenValue::Float(x) if *x == 0.0 && x.is_sign_negative());
    if d.nodes.iter().any(|n| n.props.values().any(negative_zero))
        || d.edges.iter().any(|e| e.props.values().any(negative_zero))
    {
        return Some("a property -0.0, written `-0` and read back as the integer 0");
    }
    // An edge property column (typed by the CSV header, as edge properties have no schema) of
    // integers and whole floats, with at least one float, is written `double`, read back as
    // integers and written `long`.
    let mut columns: BTreeMap<&str, (bool, bool)> = BTreeMap::new();
    for e in &d.edges {
        for (k, v) in &e.props {
            let (all_whole, any_float) = columns.entry(k).or_insert((true, false));
            match v {
                GenValue::Int(_) => {}
                GenValue::Float(x) if x.fract() == 0.0 && x.abs() < 9.2e18 => *any_float = true,
                _ => *all_whole = false,
            }
        }
    }
    if columns.values().any(|&(all_whole, any_float)| all_whole && any_float) {
        return Some("an edge property column of whole numbers with a float among them");
    }
    None
}

/// The round trips of one generated dataset; an error names the format and shows the difference.
fn round_trips(g: &GenDataset) -> Result<(), TestCaseError> {
    // JSON: the generated document reads back as itself, and so does what is written from it.
    let json = g.json();
    let t = Texts { files: vec![("dataset.json".to_string(), json.clone())] };
    let d = aikg::import::from_json(&t).map_err(|e| TestCaseError::fail(explain(e, &t)))?.dataset;
    prop_assert_eq!(&aikg::export::to_json(&d), &json, "JSON -> from_json -> JSON");

    // The dataset folder, and the JSON of what it loads as.
    let toml = aikg::export::to_toml(&d);
    let t = texts(&toml);
    let back = aikg::load::load(&t).map_err(|e| TestCaseError::fail(explain(e, &t)))?.dataset;
    prop_assert_eq!(&aikg::export::to_toml(&back), &toml, "TOML -> load -> TOML");
    prop_assert_eq!(&aikg::export::to_json(&back), &json, "TOML -> load -> JSON");

    // CSV, with the schema from the dataset folder.
    match aikg::export::to_csv(&d) {
        Err(e) => prop_assert!(semicolon_in_a_list(g), "to_csv refused a dataset without `;` in a list: {e}"),
        Ok(_) if semicolon_in_a_list(g) => prop_assert!(false, "to_csv accepted `;` in a list item"),
        Ok(_) if csv_known_loss(g).is_some() => {}
        Ok(csv) => {
            let schema = toml.iter().find(|(n, _)| *n == "schema.toml").unwrap().1.clone();
            let mut files = vec![("schema.toml", schema)];
            files.extend(csv.iter().cloned());
            let t = texts(&files);
            let back = aikg::import::from_csv(&t).map_err(|e| TestCaseError::fail(explain(e, &t)))?.dataset;
            let again = aikg::export::to_csv(&back).map_err(TestCaseError::fail)?;
            for ((name, a), (_, b)) in csv.iter().zip(&again) {
                prop_assert_eq!(a, b, "CSV -> from_csv -> CSV: {}", name);
            }
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn random_datasets_round_trip(spec in spec()) {
        round_trips(&build(&spec))?;
    }
}

/// The builder makes datasets that exercise what the property is about: edges, props of every
/// type, claims, and lists with and without `;`.
#[test]
fn the_generator_covers_the_interesting_cases() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut edges, mut edge_props, mut claims, mut csv_ok, mut csv_refused) = (0, 0, 0, 0, 0);
    let mut types = BTreeSet::new();
    for _ in 0..200 {
        let d = build(&spec().new_tree(&mut runner).unwrap().current());
        edges += d.edges.len();
        edge_props += d.edges.iter().map(|e| e.props.len()).sum::<usize>();
        claims += d.nodes.iter().map(|n| n.claims.len()).sum::<usize>();
        for n in &d.nodes {
            let kind = d.kinds.iter().find(|k| k.id == n.kind).unwrap();
            types.extend(n.props.keys().map(|k| kind.props[k]));
        }
        if semicolon_in_a_list(&d) {
            csv_refused += 1;
        } else if csv_known_loss(&d).is_none() {
            csv_ok += 1;
        }
    }
    assert!(
        edges > 200 && edge_props > 50 && claims > 50,
        "{edges} edges, {edge_props} edge props, {claims} claims"
    );
    assert_eq!(types.len(), 6, "{types:?}");
    assert!(csv_ok > 50 && csv_refused > 10, "{csv_ok} datasets for CSV, {csv_refused} refused");
}

// ----------------------------------------------------------------------------------------------
// The CSV losses that `csv_known_loss` sets aside, one test each: each fails while the loss lasts.

/// The mini fixture with `edit` applied to its chain.toml and schema.toml, exported to CSV,
/// imported and exported again.
fn mini_csv_round_trip(edit: impl Fn(&str, String) -> String) -> Result<(), String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    let files: Vec<(String, String)> = ["schema.toml", "sources.toml", "chain.toml"]
        .iter()
        .map(|f| (f.to_string(), edit(f, std::fs::read_to_string(dir.join(f)).unwrap())))
        .collect();
    let t = Texts { files };
    let d = aikg::load::load(&t).map_err(|e| explain(e, &t))?.dataset;
    let csv = aikg::export::to_csv(&d)?;
    let schema = t.files[0].1.clone();
    let mut files = vec![("schema.toml".to_string(), schema)];
    files.extend(csv.iter().map(|(n, c)| (n.to_string(), c.clone())));
    let t = Texts { files };
    let back = aikg::import::from_csv(&t).map_err(|e| explain(e, &t))?.dataset;
    let again = aikg::export::to_csv(&back)?;
    for ((name, a), (_, b)) in csv.iter().zip(&again) {
        if a != b {
            return Err(format!("{name} changed:\n--- before\n{a}--- after\n{b}"));
        }
    }
    Ok(())
}

#[test]
fn csv_round_trip_of_the_mini_fixture() {
    mini_csv_round_trip(|_, text| text).unwrap();
}

#[test]
fn an_empty_text_property_is_refused() {
    let r = mini_csv_round_trip(|file, text| match file {
        "chain.toml" => text.replace("ticker = \"FAB\"", "ticker = \"\""),
        _ => text,
    });
    // CSV cannot tell an empty text from an absent one, so the loader refuses the empty text.
    let err = r.unwrap_err();
    assert!(err.contains("empty `ticker`"), "{err}");
}

#[test]
fn an_empty_share_of_is_refused() {
    let r = mini_csv_round_trip(|file, text| match file {
        "chain.toml" => text.replacen(
            "rel = \"MANUFACTURES\"\n",
            "rel = \"MANUFACTURES\"\nshare_pct = 40.0\nshare_of = \"\"\n",
            1,
        ),
        _ => text,
    });
    let err = r.unwrap_err();
    assert!(err.contains("empty `share_of`"), "{err}");
}

#[test]
fn csv_keeps_the_type_of_a_whole_float_edge_property() {
    let r = mini_csv_round_trip(|file, text| match file {
        "chain.toml" => text.replacen(
            "rel = \"MANUFACTURES\"\n",
            "rel = \"MANUFACTURES\"\nprops = { wafers_k = 3.0 }\n",
            1,
        ),
        _ => text,
    });
    assert!(
        r.is_ok(),
        "an edge property 3.0 is written `double`, read as 3, written `long`: {}",
        r.unwrap_err()
    );
}

#[test]
fn csv_keeps_negative_zero() {
    let r = mini_csv_round_trip(|file, text| match file {
        "chain.toml" => text.replace("memory_gb = 80", "memory_gb = -0.0"),
        _ => text,
    });
    assert!(r.is_ok(), "-0.0 is written `-0` and read back as 0: {}", r.unwrap_err());
}
