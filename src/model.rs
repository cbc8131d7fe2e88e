//! The validated dataset: schema, sources, nodes, edges and dated prices.
//!
//! Everything here has passed [`crate::load`]: ids are unique, references resolve, kinds and
//! relations are allowed. Code downstream of the loader trusts these invariants.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// A shared, immutable string for names that repeat across many nodes and edges (kinds, layers,
/// segments, relations, source ids): every copy shares one allocation. It reads like a `&str`.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sym(Arc<str>);

impl Sym {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Sym {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Sym {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Sym {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<Arc<str>> for Sym {
    fn from(s: Arc<str>) -> Self {
        Sym(s)
    }
}

impl From<Sym> for Arc<str> {
    fn from(s: Sym) -> Self {
        s.0
    }
}

impl From<&str> for Sym {
    fn from(s: &str) -> Self {
        Sym(s.into())
    }
}

impl From<String> for Sym {
    fn from(s: String) -> Self {
        Sym(s.into())
    }
}

impl PartialEq<str> for Sym {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Sym {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Sym {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Sym> for String {
    fn eq(&self, other: &Sym) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Sym> for &str {
    fn eq(&self, other: &Sym) -> bool {
        **self == *other.0
    }
}

impl fmt::Display for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for Sym {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// FNV-1a, a hash that is quick on short keys such as ids and names. The maps that use it are
/// built from local data files, so resistance to crafted collisions (std's SipHash) buys
/// nothing here, and SipHash showed in the profile of opening a dataset.
#[derive(Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A hash map keyed by short strings, with [`Fnv`].
pub type FastMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

/// Hands out one [`Sym`] per distinct string.
#[derive(Default)]
pub struct Interner(FastMap<Sym, ()>);

impl Interner {
    pub(crate) fn sym(&mut self, s: &str) -> Sym {
        if let Some((k, _)) = self.0.get_key_value(s) {
            return k.clone();
        }
        let k = Sym::from(s);
        self.0.insert(k.clone(), ());
        k
    }
}

/// The sources an item cites. Shared: most items of a large dataset cite the same few lists,
/// and the cache hands every item with the same list one copy.
pub type Cites = Arc<[SourceId]>;

/// Serializes [`Cites`] as a list (serde's `rc` feature is not on).
fn ser_cites<S: serde::Serializer>(c: &Cites, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(c.iter())
}

/// A node id: a lowercase kebab slug, unique in the dataset.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct NodeId(pub String);

/// A source id, from `sources.toml`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct SourceId(pub Sym);

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Index of a node in [`Dataset::nodes`]; also its index in the graph.
pub type NodeIx = usize;
/// Index of an edge in [`Dataset::edges`].
pub type EdgeIx = usize;

/// A typed property value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// A list.
    List(Vec<Value>),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Str(s) => f.write_str(s),
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                Ok(())
            }
        }
    }
}

/// The declared type of a property in the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PropType {
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A date: YYYY, YYYY-MM or YYYY-MM-DD.
    Date,
    /// A list of strings.
    Strings,
}

impl PropType {
    pub(crate) const ALL: [(&'static str, PropType); 6] = [
        ("string", PropType::String),
        ("integer", PropType::Integer),
        ("number", PropType::Number),
        ("boolean", PropType::Boolean),
        ("date", PropType::Date),
        ("strings", PropType::Strings),
    ];

    pub(crate) fn name(self) -> &'static str {
        PropType::ALL.iter().find(|(_, t)| *t == self).map_or("string", |(n, _)| n)
    }
}

/// Which way supply flows along a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Supply {
    /// `from` supplies `to`: `from` is upstream.
    Forward,
    /// `from` depends on `to`: `to` is upstream.
    Reverse,
}

/// A layer of the industry chain, from the schema.
#[derive(Debug, Clone, Serialize)]
pub struct Layer {
    /// Its id, the key nodes name it by.
    pub id: String,
    pub(crate) name: String,
    pub(crate) name_zh: Option<String>,
    pub(crate) color: String,
    pub(crate) description: String,
    /// The segments a node of this layer may be in.
    pub segments: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Kind {
    pub(crate) id: String,
    pub(crate) shape: String,
    pub(crate) description: String,
    pub(crate) props: BTreeMap<String, PropType>,
    /// How time treats nodes of this kind (a node may override it).
    pub lifecycle: Lifecycle,
    /// What a node's `start` means for this kind: "founded", "released", "launched"…
    pub start_label: Option<String>,
}

/// How time treats a node. Upstream from an artifact (`made-once` or `produced`) follows what was
/// valid at its release (its `start`); a `service` is walked as of the view's date. A `made-once`
/// artifact (a trained model, a collected dataset) is not broken by a supplier that stops after
/// its release; a `produced` one (a chip in production) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lifecycle {
    /// Made once and kept: a trained model, a collected dataset.
    MadeOnce,
    /// Made while it is in production: a chip.
    Produced,
    /// Running only while it runs: a cloud, a network.
    #[default]
    Service,
}

impl Lifecycle {
    pub(crate) const ALL: [Lifecycle; 3] = [Lifecycle::MadeOnce, Lifecycle::Produced, Lifecycle::Service];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Lifecycle::MadeOnce => "made-once",
            Lifecycle::Produced => "produced",
            Lifecycle::Service => "service",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Lifecycle> {
        Lifecycle::ALL.into_iter().find(|l| l.name() == s)
    }

    /// Walked upstream as of its release date.
    pub fn is_artifact(self) -> bool {
        self != Lifecycle::Service
    }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Relation {
    pub(crate) id: String,
    pub(crate) description: String,
    pub(crate) supply: Option<Supply>,
    /// A downstream node needs at least one supplier of this relation per kind of supplier.
    pub required: bool,
    /// Kinds of downstream node for which this relation is a required input although `required`
    /// is not set: a chip's memory bought from a maker is part of its bill of materials, while a
    /// company's purchases are trade the data lists only in part.
    pub required_for: Vec<String>,
    /// Whether supply that reached the upstream end flows on along this relation. `false` for a
    /// designer's edge to its products: NVIDIA's own purchases are not inputs of every chip it
    /// designs (the H100 takes CoWoS through its own edge, the RTX 3090 takes none).
    pub carries: bool,
    pub(crate) from: Vec<String>,
    pub(crate) to: Vec<String>,
    pub(crate) style: String,
    /// The relation carries money (an investment, a round's proceeds), not goods or services.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub money: bool,
}

/// A quantity dated observations measure on nodes (`[[metric]]` in the schema): a token's market
/// capitalisation, a company's revenue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    pub(crate) id: String,
    pub(crate) description: String,
    /// `usd`, `tokens`, `usd_per_token`, `twh`, `gw`…
    pub unit: String,
    /// The node kinds it may describe.
    pub kinds: Vec<String>,
    /// The value covers a period (revenue in a year), not a point in time (a market cap).
    pub flow: bool,
}

/// The schema: layers, kinds, relations, source kinds and domains, metrics.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Schema {
    /// In upstream -> downstream order.
    pub layers: Vec<Layer>,
    pub(crate) kinds: Vec<Kind>,
    pub(crate) relations: Vec<Relation>,
    /// What each known web domain publishes, sorted by domain: the ceiling on the tier of the
    /// sources it hosts, or `blocked` for hosts never to cite.
    pub domains: Domains,
    /// What dated observations may measure, in file order.
    pub metrics: Vec<Metric>,
}

/// How far a source can be trusted. Ordered: `Weak < Secondary < Primary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// Aggregators, blogs, forums, social media.
    Weak,
    /// Established news and analysis.
    Secondary,
    /// Filings, company releases and documentation, papers, research firms.
    Primary,
}

impl Tier {
    pub(crate) const ALL: [Tier; 3] = [Tier::Primary, Tier::Secondary, Tier::Weak];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Tier::Primary => "primary",
            Tier::Secondary => "secondary",
            Tier::Weak => "weak",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The kinds of source and the tier each stands for.
pub const SOURCE_KINDS: &[(&str, Tier)] = &[
    ("filing", Tier::Primary),
    ("press-release", Tier::Primary),
    ("official-docs", Tier::Primary),
    ("paper", Tier::Primary),
    ("research-firm", Tier::Primary),
    ("news", Tier::Secondary),
    ("blog", Tier::Weak),
    ("aggregator", Tier::Weak),
    ("forum", Tier::Weak),
    ("social", Tier::Weak),
];

/// The tier of a source kind (`None` for an unknown kind).
pub fn kind_tier(kind: &str) -> Option<Tier> {
    SOURCE_KINDS.iter().find(|(k, _)| *k == kind).map(|(_, t)| *t)
}

/// The domain table, read like a slice of [`Domain`]s. From a store it is decoded the first time
/// it is read: only the loader and the exports read it, not the commands that open a cache.
#[derive(Clone, Default)]
pub struct Domains {
    read: std::sync::OnceLock<Vec<Domain>>,
    /// Decodes the table from the store, for a table not read yet.
    stored: Option<Arc<dyn Fn() -> Vec<Domain> + Send + Sync>>,
}

impl Domains {
    /// A table decoded by `decode` when it is first read.
    pub(crate) fn stored(decode: Arc<dyn Fn() -> Vec<Domain> + Send + Sync>) -> Self {
        Domains { read: std::sync::OnceLock::new(), stored: Some(decode) }
    }
}

impl From<Vec<Domain>> for Domains {
    fn from(table: Vec<Domain>) -> Self {
        Domains { read: std::sync::OnceLock::from(table), stored: None }
    }
}

impl std::ops::Deref for Domains {
    type Target = [Domain];

    fn deref(&self) -> &[Domain] {
        self.read.get_or_init(|| self.stored.as_ref().map(|decode| decode()).unwrap_or_default())
    }
}

impl fmt::Debug for Domains {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Domains {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// A web domain and what it publishes. `domain` matches the host and its subdomains.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Domain {
    pub(crate) domain: String,
    /// Who publishes there (empty for a blocked host).
    pub publisher: String,
    /// A source kind, the best kind of page the domain hosts; or `blocked`.
    pub kind: String,
    pub(crate) note: Option<String>,
}

impl Domain {
    pub(crate) const BLOCKED: &'static str = "blocked";

    /// The highest tier a source on this domain can have; `None` for a blocked host.
    pub fn ceiling(&self) -> Option<Tier> {
        kind_tier(&self.kind)
    }
}

impl Schema {
    /// The layer with id `id`.
    pub fn layer(&self, id: &str) -> Option<&Layer> {
        self.layers.iter().find(|l| l.id == id)
    }
    pub(crate) fn layer_rank(&self, id: &str) -> usize {
        self.layers.iter().position(|l| l.id == id).unwrap_or(usize::MAX)
    }
    pub(crate) fn kind(&self, id: &str) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.id == id)
    }
    pub(crate) fn relation(&self, id: &str) -> Option<&Relation> {
        self.relations.iter().find(|r| r.id == id)
    }
    pub(crate) fn metric(&self, id: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.id == id)
    }
    /// Whether relation `rel` carries money.
    pub fn is_money(&self, rel: &str) -> bool {
        self.relation(rel).is_some_and(|r| r.money)
    }

    /// Whether an edge of relation `rel` into a node of kind `kind` is a required input.
    pub fn required_input(&self, rel: &str, kind: &str) -> bool {
        self.relation(rel).is_some_and(|r| r.required || r.required_for.iter().any(|k| k == kind))
    }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Source {
    pub(crate) id: SourceId,
    pub(crate) title: String,
    pub(crate) publisher: Option<String>,
    /// The original publication.
    pub url: String,
    /// The copy it was read from, when that is not the original.
    pub via: Option<String>,
    /// When it was published, as fine as known.
    pub date: Option<String>,
    /// When it was read, for a living page that carries no date of its own (documentation, a
    /// project's site). Every source has a `date` or a `retrieved`.
    pub retrieved: Option<String>,
    pub(crate) kind: String,
    /// Derived at load: the kind's tier, capped by what the URL's domain can host.
    pub tier: Tier,
}

/// A value that a source asserts and others dispute, kept attributed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    /// The field or property the claim is about.
    pub prop: String,
    pub(crate) value: Value,
    /// Who asserts it.
    pub sources: Vec<SourceId>,
    pub(crate) note: Option<String>,
}

/// Where a node was defined: file name (shared by every node of the file) and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub(crate) file: std::sync::Arc<str>,
    pub(crate) line: usize,
}

/// A node of the graph: a company, product, technology, token, round…
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// Its id.
    pub id: NodeId,
    /// Its kind (the Cypher label).
    pub kind: Sym,
    /// The layer of the chain it is in.
    pub layer: Sym,
    /// Its segment within the layer.
    pub segment: Option<Sym>,
    pub(crate) name: String,
    pub(crate) name_zh: Option<String>,
    pub(crate) aliases: Vec<String>,
    pub(crate) summary: Option<String>,
    /// When it came into being: founded, released, launched, introduced.
    pub start: Option<String>,
    /// When it ended: discontinued, shut down, merged, acquired.
    pub end: Option<String>,
    /// Overrides its kind's lifecycle.
    pub lifecycle: Option<Lifecycle>,
    pub(crate) tags: Vec<String>,
    #[serde(serialize_with = "ser_cites")]
    pub(crate) sources: Cites,
    /// Its kind's properties and its metrics' standing values.
    pub props: BTreeMap<String, Value>,
    /// Disputed values, attributed to their sources.
    pub claims: Vec<Claim>,
    #[serde(skip)]
    pub(crate) origin: Origin,
}

impl Node {
    /// A node with only an id, a kind and a layer: named by its id, every other field empty.
    pub(crate) fn bare(id: String, kind: Sym, layer: Sym) -> Node {
        Node {
            name: id.clone(),
            id: NodeId(id),
            kind,
            layer,
            segment: None,
            name_zh: None,
            aliases: Vec::new(),
            summary: None,
            start: None,
            end: None,
            lifecycle: None,
            tags: Vec::new(),
            sources: Cites::from(Vec::new()),
            props: BTreeMap::new(),
            claims: Vec::new(),
            origin: Origin { file: std::sync::Arc::from(""), line: 0 },
        }
    }
}

/// An edge. What most edges of a large imported graph lack (dates, notes, shares' subjects,
/// properties, claims) sits in a box behind [`Edge::more`], so that such an edge takes a fifth
/// of the memory; the box is shared between edges whose optional fields the cache found equal
/// (a million edges hold a few thousand distinct months and statuses).
#[derive(Debug, Clone)]
pub struct Edge {
    pub(crate) from: NodeIx,
    pub(crate) to: NodeIx,
    pub(crate) rel: Sym,
    pub(crate) sources: Cites,
    pub(crate) share_pct: Option<f64>,
    /// `None` when every optional field is empty; read through [`Edge::more`].
    pub extra: Option<Arc<EdgeMore>>,
}

/// The relation that makes one node part of another from its date.
pub const ACQUIRED: &str = "ACQUIRED";

/// The optional fields of an edge. Dates, statuses and confidences repeat across many edges:
/// they are [`Sym`]s, one shared copy of each distinct value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EdgeMore {
    pub(crate) share_of: Option<String>,
    pub(crate) as_of: Option<Sym>,
    pub(crate) since: Option<Sym>,
    pub(crate) until: Option<Sym>,
    /// `announced`, `operating` or `ended`; absent means operating.
    pub status: Option<Sym>,
    pub(crate) confidence: Option<Sym>,
    pub(crate) note: Option<String>,
    pub(crate) props: BTreeMap<String, Value>,
    pub(crate) claims: Vec<Claim>,
}

static NO_MORE: EdgeMore = EdgeMore {
    share_of: None,
    as_of: None,
    since: None,
    until: None,
    status: None,
    confidence: None,
    note: None,
    props: BTreeMap::new(),
    claims: Vec::new(),
};

impl Edge {
    /// The optional fields (all empty for an edge without them).
    pub fn more(&self) -> &EdgeMore {
        self.extra.as_deref().unwrap_or(&NO_MORE)
    }
}

impl EdgeMore {
    /// In a box of its own, or `None` when every field is empty.
    pub fn boxed(self) -> Option<Arc<EdgeMore>> {
        (self != NO_MORE).then(|| Arc::new(self))
    }
}

/// The fields in the order of the data files and the JSON export: the relation, the registry's
/// fields ([`crate::fields::edge_keys`]), then props and claims.
impl Serialize for Edge {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let m = self.more();
        let mut st = s.serialize_struct("Edge", crate::fields::EDGE.len() + 3)?;
        st.serialize_field("rel", &self.rel)?;
        for f in crate::fields::edge_keys() {
            st.serialize_field(f.name, &(f.get)(self))?;
        }
        st.serialize_field("props", &m.props)?;
        st.serialize_field("claims", &m.claims)?;
        st.end()
    }
}

/// The whole validated dataset.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Layers, kinds, relations, source kinds and metrics.
    pub schema: Schema,
    pub(crate) sources: Sources,
    /// The nodes, in file order.
    pub nodes: crate::items::Items<Node>,
    /// The edges, in file order.
    pub edges: crate::items::Items<Edge>,
    /// Dated rental prices, in file order.
    pub prices: Vec<Price>,
    /// Dated observations of nodes' metrics, in file order.
    pub observations: Vec<Observation>,
}

impl Dataset {
    /// The id of node `ix`, read from the store's columns when the nodes are as stored.
    pub fn node_id(&self, ix: NodeIx) -> &str {
        match self.nodes.columns::<crate::cache::NodeColumns>() {
            Some(stored) => stored.id(ix),
            None => &self.nodes[ix].id.0,
        }
    }

    /// The name of node `ix`, read from the store's columns when the nodes are as stored.
    pub fn node_name(&self, ix: NodeIx) -> &str {
        match self.nodes.columns::<crate::cache::NodeColumns>() {
            Some(stored) => stored.name(ix),
            None => &self.nodes[ix].name,
        }
    }

    /// The kind of node `ix`, read from the store's columns when the nodes are as stored.
    pub fn node_kind(&self, ix: NodeIx) -> &Sym {
        match self.nodes.columns::<crate::cache::NodeColumns>() {
            Some(stored) => stored.kind(ix),
            None => &self.nodes[ix].kind,
        }
    }

    /// The layer of node `ix`, read from the store's columns when the nodes are as stored.
    pub fn node_layer(&self, ix: NodeIx) -> &Sym {
        match self.nodes.columns::<crate::cache::NodeColumns>() {
            Some(stored) => stored.layer(ix),
            None => &self.nodes[ix].layer,
        }
    }

    /// The ends (from, to) of edge `ix`, read from the store's columns when the edges are as
    /// stored.
    pub fn edge_ends(&self, ix: EdgeIx) -> (NodeIx, NodeIx) {
        match self.edges.columns::<crate::cache::EdgeColumns>() {
            Some(stored) => (stored.from.get(ix) as NodeIx, stored.to.get(ix) as NodeIx),
            None => (self.edges[ix].from, self.edges[ix].to),
        }
    }

    /// The relation of edge `ix`, read from the store's columns when the edges are as stored.
    pub fn edge_rel(&self, ix: EdgeIx) -> &Sym {
        match self.edges.columns::<crate::cache::EdgeColumns>().map(|c| c.rel(ix)) {
            Some(rel) => rel,
            None => &self.edges[ix].rel,
        }
    }

    /// Every node's kind in order: [`Dataset::node_kind`] for a pass over all of them (the
    /// columns looked up once).
    pub fn node_kinds(&self) -> Box<dyn Iterator<Item = &Sym> + '_> {
        match self.nodes.columns::<crate::cache::NodeColumns>() {
            Some(stored) => Box::new(stored.kinds()),
            None => Box::new(self.nodes.iter().map(|n| &n.kind)),
        }
    }

    /// Every edge's relation in order: [`Dataset::edge_rel`] for a pass over all of them.
    pub fn edge_rels(&self) -> Box<dyn Iterator<Item = &Sym> + '_> {
        match self.edges.columns::<crate::cache::EdgeColumns>() {
            Some(stored) => Box::new(stored.rels()),
            None => Box::new(self.edges.iter().map(|e| &e.rel)),
        }
    }

    /// Every edge's ends (from, to) in order: [`Dataset::edge_ends`] for a pass over all of them.
    pub fn edge_end_pairs(&self) -> Box<dyn Iterator<Item = (NodeIx, NodeIx)> + '_> {
        match self.edges.columns::<crate::cache::EdgeColumns>() {
            Some(stored) => {
                Box::new(stored.from.iter().zip(stored.to.iter()).map(|(f, t)| (f as NodeIx, t as NodeIx)))
            }
            None => Box::new(self.edges.iter().map(|e| (e.from, e.to))),
        }
    }
}

/// A dated value of a node's metric, as a source reports it (`[[observation]]`): a token's
/// market capitalisation on a day, a company's revenue in a year. Like a price, not an edge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    pub(crate) node: NodeId,
    pub(crate) metric: String,
    pub(crate) value: f64,
    /// When the value held, or the end of the period it covers: YYYY, YYYY-MM or YYYY-MM-DD.
    pub date: String,
    /// The period a flow covers: "FY2024", "Q3 2025".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// One of [`OBSERVATION_CONFIDENCES`]; absent means `reported`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<String>,
    pub(crate) sources: Vec<SourceId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) note: Option<String>,
}

impl Observation {
    /// Its confidence, `reported` when not given.
    pub fn confidence(&self) -> &str {
        self.confidence.as_deref().unwrap_or("reported")
    }
}

/// How an observation's value is known: `reported` by its source, `estimated` by one, or
/// `projected` (a forecast, never a value that stood).
pub const OBSERVATION_CONFIDENCES: &[&str] = &["reported", "estimated", "projected"];

/// The node property that carries the date of a metric's standing value is `<metric>_as_of`.
pub const METRIC_AS_OF_SUFFIX: &str = "_as_of";

/// A dated rental price: what a provider asked for one chip for one hour, as a source reports
/// it. An observation, not an edge: several may stand for one provider and chip (other terms,
/// other days), and none changes the graph. Its ends are node ids the loader checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Price {
    pub(crate) provider: NodeId,
    pub(crate) chip: NodeId,
    pub(crate) usd_per_chip_hour: f64,
    /// One of [`PRICE_TERMS`].
    pub terms: String,
    /// The day the price was observed or published: YYYY, YYYY-MM or YYYY-MM-DD.
    pub date: String,
    pub(crate) sources: Vec<SourceId>,
    pub(crate) note: Option<String>,
}

/// The terms a price is offered on: `on-demand` (no commitment), `committed` (a reservation or
/// contract), `spot` (preemptible), `marketplace` (a market's listed or median ask, which moves
/// daily) and `cap` (the most a market lets a seller ask).
pub const PRICE_TERMS: &[&str] = &["on-demand", "committed", "spot", "marketplace", "cap"];

/// The sources of a dataset by id, read like a sorted map. From a store, each one is decoded on
/// first use, and the newest day among them is stored with them.
#[derive(Clone, Default)]
pub(crate) struct Sources {
    /// The ids, sorted; `items` holds the sources in the same order.
    ids: Vec<SourceId>,
    items: crate::items::Items<Source>,
    /// The newest day among the sources, when the store says.
    latest: Option<Option<Day>>,
}

impl Sources {
    /// Sources in id order (`ids` sorted, one source each), with the newest day among them.
    pub(crate) fn stored(
        ids: Vec<SourceId>,
        items: crate::items::Items<Source>,
        latest: Option<Day>,
    ) -> Self {
        Sources { ids, items, latest: Some(latest) }
    }

    /// The source with this id.
    pub fn get(&self, id: &SourceId) -> Option<&Source> {
        self.items.get(self.ids.binary_search(id).ok()?)
    }

    /// The ids, sorted.
    pub fn keys(&self) -> std::slice::Iter<'_, SourceId> {
        self.ids.iter()
    }

    /// The sources in id order.
    pub fn values(&self) -> crate::items::Iter<'_, Source> {
        self.items.iter()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// The newest day on which a source was published or read.
    pub fn latest_day(&self) -> Option<Day> {
        match self.latest {
            Some(latest) => latest,
            None => self.values().filter_map(Source::day).max(),
        }
    }
}

/// Like the map it reads as: the sources by id.
impl fmt::Debug for Sources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.keys().zip(self.values())).finish()
    }
}

impl FromIterator<(SourceId, Source)> for Sources {
    fn from_iter<I: IntoIterator<Item = (SourceId, Source)>>(iter: I) -> Self {
        let sorted: BTreeMap<SourceId, Source> = iter.into_iter().collect();
        let (ids, items): (Vec<SourceId>, Vec<Source>) = sorted.into_iter().unzip();
        Sources { ids, items: items.into(), latest: None }
    }
}

impl From<BTreeMap<SourceId, Source>> for Sources {
    fn from(map: BTreeMap<SourceId, Source>) -> Self {
        map.into_iter().collect()
    }
}

impl<'a> IntoIterator for &'a Sources {
    type Item = (&'a SourceId, &'a Source);
    type IntoIter = std::iter::Zip<std::slice::Iter<'a, SourceId>, crate::items::Iter<'a, Source>>;

    fn into_iter(self) -> Self::IntoIter {
        self.ids.iter().zip(self.items.iter())
    }
}

impl Source {
    /// The day it was published, or else read (the first day of the period given).
    pub fn day(&self) -> Option<Day> {
        self.date.as_deref().or(self.retrieved.as_deref()).and_then(Day::first)
    }
}

impl Dataset {
    pub(crate) fn source(&self, id: &SourceId) -> Option<&Source> {
        self.sources.get(id)
    }

    /// The best tier among `ids` (`Weak` when none is cited).
    pub fn best_tier(&self, ids: &[SourceId]) -> Tier {
        ids.iter().filter_map(|id| self.source(id)).map(|s| s.tier).max().unwrap_or(Tier::Weak)
    }

    /// The evidence behind an edge: `None` when it is marked unverified, else its best source's tier.
    pub fn edge_tier(&self, e: &Edge) -> Option<Tier> {
        (e.more().confidence.as_deref() != Some(UNVERIFIED)).then(|| self.best_tier(&e.sources))
    }

    /// The one definition of "cited": every item that cites sources, with its list: each node,
    /// each edge, each claim on a node or an edge, each price, each observation. `check`'s never-cited warning,
    /// `stats` and `sources` all count from it.
    pub fn citing(&self) -> impl Iterator<Item = (Citer, &[SourceId])> + '_ {
        let nodes = self.nodes.iter().map(|n| (Citer::Node, &*n.sources));
        let edges = self.edges.iter().map(|e| (Citer::Edge, &*e.sources));
        let claims =
            self.nodes.iter().flat_map(|n| &n.claims).chain(self.edges.iter().flat_map(|e| &e.more().claims));
        let prices = self.prices.iter().map(|p| (Citer::Price, p.sources.as_slice()));
        let observations = self.observations.iter().map(|o| (Citer::Observation, o.sources.as_slice()));
        nodes
            .chain(edges)
            .chain(claims.map(|c| (Citer::Claim, c.sources.as_slice())))
            .chain(prices)
            .chain(observations)
    }

    /// The sources something cites ([`Self::citing`]).
    pub fn cited(&self) -> BTreeSet<&SourceId> {
        self.citing().flat_map(|(_, ids)| ids).collect()
    }
}

/// What cites a source: see [`Dataset::citing`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Citer {
    /// A node.
    Node,
    /// An edge.
    Edge,
    /// A claim on a node or an edge.
    Claim,
    /// A price.
    Price,
    /// An observation.
    Observation,
}

/// A calendar day. A date in the data (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) names a period, read as
/// its first day where something begins and its last where something ends. Ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    pub(crate) year: u16,
    pub(crate) month: u8,
    pub(crate) day: u8,
}

impl Day {
    /// The first day of the period `date` names, or `None` when it is not a date.
    pub fn first(date: &str) -> Option<Day> {
        Day::parse(date, 1, 1)
    }

    /// The last day of the period `date` names (the 31st stands for any month's last day).
    pub fn last(date: &str) -> Option<Day> {
        Day::parse(date, 12, 31)
    }

    fn parse(date: &str, month: u8, day: u8) -> Option<Day> {
        let digits = |p: &str, len: usize| p.len() == len && p.bytes().all(|b| b.is_ascii_digit());
        let mut parts = date.split('-');
        let y = parts.next().filter(|p| digits(p, 4))?.parse().ok()?;
        let m = match parts.next() {
            None => return Some(Day { year: y, month, day }),
            Some(p) => p,
        };
        let m: u8 = Some(m).filter(|p| digits(p, 2))?.parse().ok().filter(|m| (1..=12).contains(m))?;
        let d = match parts.next() {
            None => return Some(Day { year: y, month: m, day: if day == 1 { 1 } else { 31 } }),
            Some(p) => p,
        };
        let d: u8 = Some(d).filter(|p| digits(p, 2))?.parse().ok().filter(|d| (1..=31).contains(d))?;
        parts.next().is_none().then_some(Day { year: y, month: m, day: d })
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The `confidence` of an edge with no citable source: analytics leave it out unless asked.
pub const UNVERIFIED: &str = "unverified";

/// The statuses of an edge: a planned deal is not current supply.
pub const STATUSES: &[&str] = &["announced", "operating", "ended"];
