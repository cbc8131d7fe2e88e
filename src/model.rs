//! The validated dataset: schema, sources, nodes and edges.
//!
//! Everything here has passed [`crate::load`]: ids are unique, references resolve, kinds and
//! relations are allowed. Code downstream of the loader trusts these invariants.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// A shared, immutable string for names that repeat across many nodes and edges (kinds, layers,
/// segments, relations, source ids): every copy shares one allocation. It reads like a `&str`.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sym(Arc<str>);

impl Sym {
    pub fn as_str(&self) -> &str {
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
    pub fn sym(&mut self, s: &str) -> Sym {
        if let Some((k, _)) = self.0.get_key_value(s) {
            return k.clone();
        }
        let k = Sym::from(s);
        self.0.insert(k.clone(), ());
        k
    }
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
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
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
    String,
    Integer,
    Number,
    Boolean,
    Date,
    Strings,
}

impl PropType {
    pub const ALL: [(&'static str, PropType); 6] = [
        ("string", PropType::String),
        ("integer", PropType::Integer),
        ("number", PropType::Number),
        ("boolean", PropType::Boolean),
        ("date", PropType::Date),
        ("strings", PropType::Strings),
    ];

    pub fn name(self) -> &'static str {
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

#[derive(Debug, Clone, Serialize)]
pub struct Layer {
    pub id: String,
    pub name: String,
    pub name_zh: Option<String>,
    pub color: String,
    pub description: String,
    pub segments: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Kind {
    pub id: String,
    pub shape: String,
    pub description: String,
    pub props: BTreeMap<String, PropType>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Relation {
    pub id: String,
    pub description: String,
    pub supply: Option<Supply>,
    /// A downstream node needs at least one supplier of this relation per kind of supplier.
    pub required: bool,
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub style: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Schema {
    /// In upstream -> downstream order.
    pub layers: Vec<Layer>,
    pub kinds: Vec<Kind>,
    pub relations: Vec<Relation>,
}

impl Schema {
    pub fn layer(&self, id: &str) -> Option<&Layer> {
        self.layers.iter().find(|l| l.id == id)
    }
    pub fn layer_rank(&self, id: &str) -> usize {
        self.layers.iter().position(|l| l.id == id).unwrap_or(usize::MAX)
    }
    pub fn kind(&self, id: &str) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.id == id)
    }
    pub fn relation(&self, id: &str) -> Option<&Relation> {
        self.relations.iter().find(|r| r.id == id)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub id: SourceId,
    pub title: String,
    pub publisher: Option<String>,
    pub url: String,
    pub date: Option<String>,
    pub kind: String,
}

/// A value that a source asserts and others dispute, kept attributed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    pub prop: String,
    pub value: Value,
    pub sources: Vec<SourceId>,
    pub note: Option<String>,
}

/// Where a node was defined: file name (shared by every node of the file) and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: std::sync::Arc<str>,
    pub line: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Node {
    pub id: NodeId,
    pub kind: Sym,
    pub layer: Sym,
    pub segment: Option<Sym>,
    pub name: String,
    pub name_zh: Option<String>,
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub sources: Vec<SourceId>,
    pub props: BTreeMap<String, Value>,
    pub claims: Vec<Claim>,
    #[serde(skip)]
    pub origin: Origin,
}

/// An edge. What most edges of a large imported graph lack (dates, notes, shares' subjects,
/// properties, claims) sits in a box behind [`Edge::more`], so that such an edge takes a fifth
/// of the memory.
#[derive(Debug, Clone)]
pub struct Edge {
    pub from: NodeIx,
    pub to: NodeIx,
    pub rel: Sym,
    pub sources: Vec<SourceId>,
    pub share_pct: Option<f64>,
    /// `None` when every optional field is empty; read through [`Edge::more`].
    pub extra: Option<Box<EdgeMore>>,
}

/// The optional fields of an edge.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EdgeMore {
    pub share_of: Option<String>,
    pub as_of: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub confidence: Option<String>,
    pub note: Option<String>,
    pub props: BTreeMap<String, Value>,
    pub claims: Vec<Claim>,
}

static NO_MORE: EdgeMore = EdgeMore {
    share_of: None,
    as_of: None,
    since: None,
    until: None,
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
    /// Boxed, or `None` when every field is empty.
    pub fn boxed(self) -> Option<Box<EdgeMore>> {
        (self != NO_MORE).then(|| Box::new(self))
    }
}

/// The fields in the order of the data files, the JSON export and the query language.
impl Serialize for Edge {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let m = self.more();
        let mut st = s.serialize_struct("Edge", 11)?;
        st.serialize_field("rel", &self.rel)?;
        st.serialize_field("sources", &self.sources)?;
        st.serialize_field("share_pct", &self.share_pct)?;
        st.serialize_field("share_of", &m.share_of)?;
        st.serialize_field("as_of", &m.as_of)?;
        st.serialize_field("since", &m.since)?;
        st.serialize_field("until", &m.until)?;
        st.serialize_field("confidence", &m.confidence)?;
        st.serialize_field("note", &m.note)?;
        st.serialize_field("props", &m.props)?;
        st.serialize_field("claims", &m.claims)?;
        st.end()
    }
}

/// The whole validated dataset.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub schema: Schema,
    pub sources: BTreeMap<SourceId, Source>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

impl Dataset {
    pub fn source(&self, id: &SourceId) -> Option<&Source> {
        self.sources.get(id)
    }
}
