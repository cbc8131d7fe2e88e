//! A compact binary form of a validated [`Dataset`], so that opening a dataset can skip parsing
//! and checking its text files.
//!
//! The layout is private to this version of aikg: a magic number, the aikg version, a stamp the
//! caller chooses (which files, of what size and age, the cache was made from), a checksum of the
//! payload, then the payload. [`decode`] returns `None` for anything that is not a cache that this
//! version wrote for this stamp: another version, another stamp, a truncated or damaged file. The
//! caller then reads the text files instead, so a bad cache costs time, never correctness.
//!
//! The payload holds what every command needs in final form, read at open: the names table, the
//! schema, the sources, the distinct lists of sources and edge fields that items share, and
//! columns of fixed-width numbers (each node's id offset, kind and layer; each edge's ends and
//! relation; the id order). The rest of each node, edge and source is a record, read on first
//! use in chunks ([`CHUNK`] nodes or edges, one source; see [`Items`]): opening a million edges
//! builds no object per edge. Everything read at open is checked then; a record that does not
//! decode (a forged cache whose checksum was made to match) reads as the item's columns with
//! empty fields.
//!
//! `encode` and `decode` are pure; `cli` decides where the bytes live.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use crate::items::Items;
use crate::model::*;

const MAGIC: &[u8; 8] = b"AIKGBIN\x09";

/// Records per chunk of the nodes and of the edges: the unit decoded on first use.
const CHUNK: usize = 16;
/// Records per chunk of the sources. A command reads the few sources its answer cites, scattered
/// over the table, and a source's record is long: each is decoded alone.
const SOURCE_CHUNK: usize = 1;

/// The bytes of a cache, shared by the chunks decoded from them on first use: a file's contents
/// or the built-in cache compiled into the program.
pub type Bytes = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// A column of numbers of four bytes, read in place from the store's bytes.
pub struct U32s {
    bytes: Bytes,
    at: usize,
    len: usize,
}

impl U32s {
    /// Number `i` (0 past the end).
    pub fn get(&self, i: usize) -> u32 {
        let all: &[u8] = (*self.bytes).as_ref();
        match all.get(self.at + 4 * i..self.at + 4 * i + 4) {
            Some(c) if i < self.len => u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
            _ => 0,
        }
    }

    /// The numbers in order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.raw().chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
    }

    /// The numbers' bytes, four each, little-endian: for loops that read many
    /// ([`le_u32`]).
    pub fn raw(&self) -> &[u8] {
        let all: &[u8] = (*self.bytes).as_ref();
        all.get(self.at..self.at + 4 * self.len).unwrap_or_default()
    }
}

/// Number `i` of little-endian numbers of four bytes (0 past the end).
pub fn le_u32(raw: &[u8], i: usize) -> u32 {
    match raw.get(4 * i..4 * i + 4) {
        Some(c) => u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
        None => 0,
    }
}

/// A column of text, one string per item, read in place: where the text starts in `bytes`, and
/// where each string ends, from there (each ends where the next starts).
struct Texts {
    bytes: Bytes,
    at: usize,
    ends: U32s,
}

impl Texts {
    /// A column of `n` strings at the reader (whose body starts at `body_at` in `bytes`), checked:
    /// UTF-8, each string ending on a character and not before the one before it (so every
    /// string is text).
    fn read(r: &mut Reader, n: usize, bytes: &Bytes, body_at: usize) -> Option<Texts> {
        let ends = r.column(n, bytes, body_at)?;
        let len = if n == 0 { 0 } else { ends.get(n - 1) as usize };
        let at = body_at + r.at;
        let text = std::str::from_utf8(r.take(len)?).ok()?;
        ends.iter()
            .try_fold(0, |last, end| (end >= last && text.is_char_boundary(end as usize)).then_some(end))?;
        Some(Texts { bytes: bytes.clone(), at, ends })
    }

    /// The bytes of each string by number (`None` past the end), the column looked up once for
    /// a loop over many: text, as [`Texts::read`] checked, and ordered as the strings are.
    fn raw<'a>(&'a self) -> impl Fn(usize) -> Option<&'a [u8]> + 'a {
        let all: &[u8] = (*self.bytes).as_ref();
        let (ends, len, at) = (self.ends.raw(), self.ends.len, self.at);
        move |ix| {
            let start = if ix == 0 { 0 } else { le_u32(ends, ix - 1) as usize };
            (ix < len).then(|| all.get(at + start..at + le_u32(ends, ix) as usize)).flatten()
        }
    }

    /// String `ix` (`None` past the end).
    fn try_get(&self, ix: usize) -> Option<&str> {
        std::str::from_utf8(self.raw()(ix)?).ok()
    }

    /// Every string in order, the text checked once (`None` if one does not start and end on a
    /// character).
    fn all(&self) -> Option<Vec<&str>> {
        let all: &[u8] = (*self.bytes).as_ref();
        let len = if self.ends.len == 0 { 0 } else { self.ends.get(self.ends.len - 1) as usize };
        let text = std::str::from_utf8(all.get(self.at..self.at + len)?).ok()?;
        let mut start = 0;
        let each = self.ends.iter().map(|end| {
            let s = text.get(start..end as usize);
            start = end as usize;
            s
        });
        each.collect()
    }

    /// String `ix`, or empty where [`Texts::try_get`] finds none (a forged store).
    fn get(&self, ix: usize) -> &str {
        self.try_get(ix).unwrap_or_default()
    }
}

/// The stored nodes' ids, names, kinds and layers, readable without decoding the nodes
/// ([`crate::items::Items::columns`]).
pub struct NodeColumns {
    ids: Texts,
    names: Texts,
    /// Each node's kind and layer, by number in `table` (checked at open).
    kinds: U32s,
    layers: U32s,
    table: Arc<[Sym]>,
}

impl NodeColumns {
    /// The id of node `ix`.
    pub fn id(&self, ix: NodeIx) -> &str {
        self.ids.get(ix)
    }

    /// The name of node `ix`.
    pub fn name(&self, ix: NodeIx) -> &str {
        self.names.get(ix)
    }

    /// The kind of node `ix`.
    pub fn kind(&self, ix: NodeIx) -> &Sym {
        &self.table[self.kinds.get(ix) as usize]
    }

    /// Every node's kind in order.
    pub fn kinds(&self) -> impl Iterator<Item = &Sym> + '_ {
        self.kinds.iter().map(|x| &self.table[x as usize])
    }

    /// The layer of node `ix`.
    pub fn layer(&self, ix: NodeIx) -> &Sym {
        &self.table[self.layers.get(ix) as usize]
    }
}

/// Each stored edge's ends and relation, by edge index: what a graph is built from and a
/// traversal filters on, readable without decoding the edges ([`crate::items::Items::columns`]).
pub struct EdgeColumns {
    /// Each edge's `from` node.
    pub from: U32s,
    /// Each edge's `to` node.
    pub to: U32s,
    /// Each edge's relation, by number in `names` (checked at open).
    rel: U32s,
    names: Arc<[Sym]>,
}

impl EdgeColumns {
    /// The relation of edge `ix`.
    pub fn rel(&self, ix: EdgeIx) -> &Sym {
        &self.names[self.rel.get(ix) as usize]
    }

    /// Every edge's relation in order.
    pub fn rels(&self) -> impl Iterator<Item = &Sym> + '_ {
        self.rel.iter().map(|x| &self.names[x as usize])
    }
}

/// What opening a dataset would otherwise compute, stored with it and checked against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// The node indices sorted by node id.
    pub by_id: Vec<u32>,
    /// The property names of the edges, sorted (`None` once edges were left out of the dataset).
    pub edge_props: Option<Vec<String>>,
}

/// The dataset as cache bytes, for files described by `stamp`.
pub fn encode(d: &Dataset, stamp: &[u8]) -> Vec<u8> {
    let mut w = Writer {
        out: Vec::with_capacity(64 + d.nodes.len() * 160 + d.edges.len() * 64),
        syms: FastMap::default(),
        table: Vec::new(),
    };
    encode_schema(&mut w, &d.schema);
    // Sources: the id column (in id order), the newest day among them, the records in chunks.
    w.len(d.sources.len());
    let ids: Vec<u32> = d.sources.keys().map(|id| w.sym_ix(&id.0)).collect();
    ids.iter().for_each(|&x| w.u32(x));
    match d.sources.latest_day() {
        Some(day) => {
            w.out.push(1);
            w.out.extend_from_slice(&day.year.to_le_bytes());
            w.out.extend_from_slice(&[day.month, day.day]);
        }
        None => w.out.push(0),
    }
    w.chunked(d.sources.values(), SOURCE_CHUNK, |w, s| {
        w.str(&s.title);
        w.opt(&s.publisher);
        w.str(&s.url);
        w.opt(&s.via);
        w.opt(&s.date);
        w.opt(&s.retrieved);
        w.str(&s.kind);
        w.out.push(s.tier as u8);
    });
    // The lists of sources and the edges' optional fields, each distinct one once; items refer
    // to them by number.
    let mut cites: FastMap<&[SourceId], usize> = FastMap::default();
    let node_cites = d.nodes.iter().map(|n| &n.sources);
    for list in node_cites.chain(d.edges.iter().map(|e| &e.sources)) {
        let next = cites.len();
        cites.entry(list).or_insert(next);
    }
    let mut lists: Vec<(&[SourceId], usize)> = cites.iter().map(|(l, i)| (*l, *i)).collect();
    lists.sort_unstable_by_key(|(_, i)| *i);
    let lists: Vec<Vec<u8>> = lists.iter().map(|(l, _)| w.apart(|w| w.ids(l))).collect();
    w.parts(&lists);
    let mut mores: FastMap<Vec<u8>, usize> = FastMap::default();
    let more_ix: Vec<usize> = d
        .edges
        .iter()
        .map(|e| match &e.extra {
            None => 0,
            Some(m) => {
                let bytes = w.apart(|w| w.edge_more(m));
                let next = mores.len() + 1;
                *mores.entry(bytes).or_insert(next)
            }
        })
        .collect();
    let mut distinct: Vec<(Vec<u8>, usize)> = mores.into_iter().collect();
    distinct.sort_unstable_by_key(|(_, i)| *i);
    w.parts(&distinct.into_iter().map(|(b, _)| b).collect::<Vec<_>>());
    // Nodes: the id column, the kind and layer columns, then the records in chunks.
    w.len(d.nodes.len());
    w.texts(d.nodes.iter().map(|n| n.id.0.as_str()));
    w.texts(d.nodes.iter().map(|n| n.name.as_str()));
    let kinds: Vec<u32> = d.nodes.iter().map(|n| w.sym_ix(&n.kind)).collect();
    let layers: Vec<u32> = d.nodes.iter().map(|n| w.sym_ix(&n.layer)).collect();
    kinds.iter().chain(&layers).for_each(|&x| w.u32(x));
    w.chunked(d.nodes.iter(), CHUNK, |w, n| {
        w.opt_sym(&n.segment);
        w.opt(&n.name_zh);
        w.strs(&n.aliases);
        w.opt(&n.summary);
        w.opt(&n.start);
        w.opt(&n.end);
        w.out.push(n.lifecycle.map_or(0, |l| 1 + l as u8));
        w.strs(&n.tags);
        w.len(cites[&n.sources[..]]);
        w.props(&n.props);
        w.claims(&n.claims);
        w.origin(&n.origin);
    });
    // Edges: the end and relation columns, then the records in chunks.
    w.len(d.edges.len());
    d.edges.iter().for_each(|e| w.u32(e.from as u32));
    d.edges.iter().for_each(|e| w.u32(e.to as u32));
    let rels: Vec<u32> = d.edges.iter().map(|e| w.sym_ix(&e.rel)).collect();
    rels.iter().for_each(|&x| w.u32(x));
    let mut more = more_ix.iter();
    w.chunked(d.edges.iter(), CHUNK, |w, e| {
        w.len(cites[&e.sources[..]]);
        match e.share_pct {
            Some(x) => {
                w.out.push(1);
                w.out.extend_from_slice(&x.to_le_bytes());
            }
            None => w.out.push(0),
        }
        w.len(more.next().copied().unwrap_or(0));
    });
    w.len(d.prices.len());
    for p in &d.prices {
        w.str(&p.provider.0);
        w.str(&p.chip.0);
        w.out.extend_from_slice(&p.usd_per_chip_hour.to_le_bytes());
        w.str(&p.terms);
        w.str(&p.date);
        w.ids(&p.sources);
        w.opt(&p.note);
    }
    w.len(d.observations.len());
    for o in &d.observations {
        w.str(&o.node.0);
        w.str(&o.metric);
        w.out.extend_from_slice(&o.value.to_le_bytes());
        w.str(&o.date);
        w.opt(&o.period);
        w.opt(&o.confidence);
        w.ids(&o.sources);
        w.opt(&o.note);
    }
    let mut by_id: Vec<u32> = (0..d.nodes.len() as u32).collect();
    by_id.sort_unstable_by(|a, b| d.nodes[*a as usize].id.cmp(&d.nodes[*b as usize].id));
    by_id.iter().for_each(|&ix| w.u32(ix));
    let edge_props: std::collections::BTreeSet<&String> =
        d.edges.iter().flat_map(|e| e.more().props.keys()).collect();
    w.len(edge_props.len());
    edge_props.iter().for_each(|k| w.str(k));
    // The names table goes before the payload that refers to it by number: where each name ends,
    // then their text, so that it is checked as text once.
    let mut body = Writer::new();
    body.len(w.table.len());
    body.texts(w.table.iter().map(Sym::as_str));
    body.out.extend_from_slice(&w.out);
    let mut head = Writer::new();
    head.out.extend_from_slice(MAGIC);
    head.str(env!("CARGO_PKG_VERSION"));
    head.bytes(stamp);
    head.out.extend_from_slice(&checksum(&body.out).to_le_bytes());
    head.out.extend_from_slice(&body.out);
    head.out
}

/// The dataset in `bytes`, if they are a cache this version wrote for `stamp`.
pub fn decode(bytes: &[u8], stamp: &[u8]) -> Option<Dataset> {
    decode_indexed(Arc::new(bytes.to_vec()), stamp).map(|(d, _)| d)
}

/// The dataset in `bytes` and its stored [`Index`], if they are a cache this version wrote for
/// `stamp`. Nodes and edges are decoded from `bytes` on first use.
pub fn decode_indexed(bytes: Bytes, stamp: &[u8]) -> Option<(Dataset, Index)> {
    decode_checked(bytes, stamp, true)
}

/// The same for the cache compiled into the program, whose checksum is not computed: its bytes
/// are part of the program, so damage to them is damage to the program, and summing them would
/// read every page of them when a command reads a few.
pub fn decode_built_in(bytes: &'static [u8]) -> Option<(Dataset, Index)> {
    decode_unsummed(Arc::new(bytes), BUILT_IN)
}

/// The dataset in `bytes` and its stored [`Index`], their checksum not computed: for bytes whose
/// integrity is known otherwise (the cache compiled into the program), and for the fuzz target
/// that reads forged caches. Everything else still holds: a forged cache cannot cause a panic.
pub fn decode_unsummed(bytes: Bytes, stamp: &[u8]) -> Option<(Dataset, Index)> {
    decode_checked(bytes, stamp, false)
}

/// The stamp of the cache compiled into the program.
pub const BUILT_IN: &[u8] = b"built-in";

fn decode_checked(bytes: Bytes, stamp: &[u8], check: bool) -> Option<(Dataset, Index)> {
    let all: &[u8] = (*bytes).as_ref();
    let mut r = Reader::new(all.strip_prefix(MAGIC)?, &[]);
    if r.str()? != env!("CARGO_PKG_VERSION") || r.bytes()? != stamp {
        return None;
    }
    let sum = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
    let body_at = all.len() - (r.bytes.len() - r.at);
    let body = &all[body_at..];
    /// Above this size the checksum runs on a second thread while the body is read.
    const PARALLEL_MIN: usize = 4 << 20;
    if !check {
        return decode_body(bytes.clone(), body_at);
    }
    if body.len() < PARALLEL_MIN {
        return (checksum(body) == sum).then(|| decode_body(bytes.clone(), body_at)).flatten();
    }
    std::thread::scope(|s| {
        let summed = s.spawn(|| checksum(body) == sum);
        let decoded = decode_body(bytes.clone(), body_at);
        // Nothing the body holds is used unless the checksum matched.
        summed.join().unwrap_or(false).then_some(decoded).flatten()
    })
}

/// The payload of a cache whose header was checked: it starts at `body_at` in `bytes`.
fn decode_body(bytes: Bytes, body_at: usize) -> Option<(Dataset, Index)> {
    let all: &[u8] = (*bytes).as_ref();
    let body = all.get(body_at..)?;
    let mut r = Reader::new(body, &[]);
    let count = r.count()?;
    let table = Texts::read(&mut r, count, &bytes, body_at)?;
    let names: Arc<[Sym]> = table.all()?.into_iter().map(Sym::from).collect();
    let at = r.at;
    let mut r = Reader::new(body, &names);
    r.at = at;
    let schema = decode_schema(&mut r, &bytes, body_at)?;
    // Which names of the table are a kind, a layer, a relation (a bit each): the invariants the
    // rest of the program indexes by without checking, so that even a forged cache cannot cause a
    // panic (the checksum already catches damage).
    const KIND: u8 = 1;
    const LAYER: u8 = 2;
    const REL: u8 = 4;
    let mut role: FastMap<&str, u8> = FastMap::default();
    let kinds = schema.kinds.iter().map(|k| (k.id.as_str(), KIND));
    let layers = schema.layers.iter().map(|l| (l.id.as_str(), LAYER));
    for (id, bit) in kinds.chain(layers).chain(schema.relations.iter().map(|r| (r.id.as_str(), REL))) {
        *role.entry(id).or_default() |= bit;
    }
    let roles: Vec<u8> = names.iter().map(|n| role.get(n.as_str()).copied().unwrap_or(0)).collect();
    let source_count = r.count()?;
    let ids: Vec<SourceId> = r
        .u32s(source_count)?
        .into_iter()
        .map(|x| names.get(x as usize).cloned().map(SourceId))
        .collect::<Option<_>>()?;
    if ids.windows(2).any(|w| w[0] >= w[1]) {
        return None;
    }
    let latest = match r.byte()? {
        0 => None,
        1 => {
            let b = r.take(4)?;
            Some(Day { year: u16::from_le_bytes([b[0], b[1]]), month: b[2], day: b[3] })
        }
        _ => return None,
    };
    let records = Records::read(&mut r, &bytes, &names, (source_count, SOURCE_CHUNK), body_at)?;
    let ids: Arc<[SourceId]> = ids.into();
    let store = SourceStore { records, ids: ids.clone() };
    let sources = Sources::stored(
        ids.to_vec(),
        Items::stored(source_count, SOURCE_CHUNK, Arc::new(move |c| store.chunk(c))),
        latest,
    );
    let cites = Shared::read(&mut r, body_at)?;
    let mores = Shared::read(&mut r, body_at)?;
    let n = r.count()?;
    let ids = Texts::read(&mut r, n, &bytes, body_at)?;
    let node_names = Texts::read(&mut r, n, &bytes, body_at)?;
    // A column of names: each one a number in the table whose name has the role `bit`.
    let names_in = |col: U32s, bit: u8| -> Option<U32s> {
        let ok = col.iter().all(|x| roles.get(x as usize).is_some_and(|r| r & bit != 0));
        ok.then_some(col)
    };
    let kinds = names_in(r.column(n, &bytes, body_at)?, KIND)?;
    let layers = names_in(r.column(n, &bytes, body_at)?, LAYER)?;
    let node_records = Records::read(&mut r, &bytes, &names, (n, CHUNK), body_at)?;
    let m = r.count()?;
    let from = r.column(m, &bytes, body_at)?;
    let to = r.column(m, &bytes, body_at)?;
    if from.iter().chain(to.iter()).any(|x| x as usize >= n) {
        return None;
    }
    let rel = names_in(r.column(m, &bytes, body_at)?, REL)?;
    let columns = Arc::new(EdgeColumns { from, to, rel, names: names.clone() });
    let edge_records = Records::read(&mut r, &bytes, &names, (m, CHUNK), body_at)?;
    let price_count = r.len()?;
    let mut prices = Vec::with_capacity(price_count.min(r.bytes.len()));
    for _ in 0..price_count {
        prices.push(Price {
            provider: NodeId(r.string()?),
            chip: NodeId(r.string()?),
            usd_per_chip_hour: f64::from_le_bytes(r.take(8)?.try_into().ok()?),
            terms: r.string()?,
            date: r.string()?,
            sources: r.ids()?,
            note: r.opt()?,
        });
    }
    let observation_count = r.len()?;
    let mut observations = Vec::with_capacity(observation_count.min(r.bytes.len()));
    for _ in 0..observation_count {
        observations.push(Observation {
            node: NodeId(r.string()?),
            metric: r.string()?,
            value: f64::from_le_bytes(r.take(8)?.try_into().ok()?),
            date: r.string()?,
            period: r.opt()?,
            confidence: r.opt()?,
            sources: r.ids()?,
            note: r.opt()?,
        });
    }
    let by_id = r.u32s(n)?;
    let edge_props = r.strs()?;
    if r.at != r.bytes.len() {
        return None;
    }
    // The index is a permutation of the nodes in strictly increasing id order.
    let mut seen = vec![false; n];
    for &ix in &by_id {
        if std::mem::replace(seen.get_mut(ix as usize)?, true) {
            return None;
        }
    }
    // Byte order is text order, and the ids are text (checked when read).
    {
        let id = ids.raw();
        for w in by_id.windows(2) {
            if id(w[0] as usize)? >= id(w[1] as usize)? {
                return None;
            }
        }
    }
    let ids = Arc::new(NodeColumns { ids, names: node_names, kinds, layers, table: names.clone() });
    // The edges' property names are what they hold, in order (damage is caught by the checksum;
    // a forged list only changes which names a query may use, so it is not checked further).
    let index = Index { by_id, edge_props: Some(edge_props) };
    let cites = Arc::new(cites);
    let nodes = NodeStore { records: node_records, cites: cites.clone(), ids: ids.clone() };
    let edges = EdgeStore { records: edge_records, cites, mores, columns: columns.clone() };
    let nodes = Items::stored(n, CHUNK, Arc::new(move |c| nodes.chunk(c))).with_columns(ids);
    let edges = Items::stored(m, CHUNK, Arc::new(move |c| edges.chunk(c))).with_columns(columns);
    Some((Dataset { schema, sources, nodes, edges, prices, observations }, index))
}

/// A stored sequence's records, in chunks of `size`: where each chunk ends (from the first
/// record), where the records start in the bytes, and the names table they refer to.
struct Records {
    bytes: Bytes,
    names: Arc<[Sym]>,
    len: usize,
    size: usize,
    at: usize,
    ends: Vec<u32>,
}

impl Records {
    /// The chunk table of `len` records in chunks of `size` at the reader, and the records
    /// skipped (the reader's body starts at `body_at` in `bytes`).
    fn read(
        r: &mut Reader,
        bytes: &Bytes,
        names: &Arc<[Sym]>,
        (len, size): (usize, usize),
        body_at: usize,
    ) -> Option<Records> {
        let ends = r.chunks(len.div_ceil(size))?;
        let at = body_at + r.at;
        r.take(ends.last().copied().unwrap_or(0) as usize)?;
        Some(Records { bytes: bytes.clone(), names: names.clone(), len, size, at, ends })
    }

    /// Chunk `c`: each item as `item` reads it (given the reader and the item's index), or as
    /// `bare` makes it when its record does not decode.
    fn chunk<T>(
        &self,
        c: usize,
        mut item: impl FnMut(&mut Reader, usize) -> Option<T>,
        bare: impl Fn(usize) -> T,
    ) -> Vec<T> {
        let all: &[u8] = (*self.bytes).as_ref();
        let (start, end) = span(&self.ends, c, self.at);
        let mut r = Reader::new(all.get(start..end).unwrap_or(&[]), &self.names);
        let range = c * self.size..((c + 1) * self.size).min(self.len);
        range.map(|ix| item(&mut r, ix).unwrap_or_else(|| bare(ix))).collect()
    }
}

/// What decoding the nodes' records needs: the records, the source lists and the columns.
struct NodeStore {
    records: Records,
    cites: Arc<Shared<Cites>>,
    ids: Arc<NodeColumns>,
}

impl NodeStore {
    fn chunk(&self, c: usize) -> Vec<Node> {
        self.records.chunk(c, |r, ix| self.node(r, ix), |ix| self.bare(ix))
    }

    fn id(&self, ix: usize) -> String {
        self.ids.id(ix).to_string()
    }

    fn node(&self, r: &mut Reader, ix: usize) -> Option<Node> {
        Some(Node {
            id: NodeId(self.id(ix)),
            kind: self.ids.kind(ix).clone(),
            layer: self.ids.layer(ix).clone(),
            segment: r.opt_sym()?,
            name: self.ids.name(ix).to_string(),
            name_zh: r.opt()?,
            aliases: r.strs()?,
            summary: r.opt()?,
            start: r.opt()?,
            end: r.opt()?,
            lifecycle: match r.byte()? {
                0 => None,
                b => Some(*Lifecycle::ALL.get(usize::from(b - 1))?),
            },
            tags: r.strs()?,
            sources: self.records.cites(&self.cites, r.len()?)?,
            props: r.props()?,
            claims: r.claims()?,
            origin: r.origin()?,
        })
    }

    /// A node whose record does not decode: its columns only.
    fn bare(&self, ix: usize) -> Node {
        Node::bare(self.id(ix), self.ids.kind(ix).clone(), self.ids.layer(ix).clone())
    }
}

/// What decoding the sources' records needs: the records and the id column.
struct SourceStore {
    records: Records,
    ids: Arc<[SourceId]>,
}

impl SourceStore {
    fn chunk(&self, c: usize) -> Vec<Source> {
        self.records.chunk(c, |r, ix| self.source(r, ix), |ix| self.bare(ix))
    }

    fn source(&self, r: &mut Reader, ix: usize) -> Option<Source> {
        Some(Source {
            id: self.ids[ix].clone(),
            title: r.string()?,
            publisher: r.opt()?,
            url: r.string()?,
            via: r.opt()?,
            date: r.opt()?,
            retrieved: r.opt()?,
            kind: r.string()?,
            tier: *[Tier::Weak, Tier::Secondary, Tier::Primary].get(usize::from(r.byte()?))?,
        })
    }

    /// A source whose record does not decode: its id only, and the weakest tier.
    fn bare(&self, ix: usize) -> Source {
        Source {
            id: self.ids[ix].clone(),
            title: String::new(),
            publisher: None,
            url: String::new(),
            via: None,
            date: None,
            retrieved: None,
            kind: String::new(),
            tier: Tier::Weak,
        }
    }
}

/// What decoding the edges' records needs: the records, the tables they refer to and the
/// columns.
struct EdgeStore {
    records: Records,
    cites: Arc<Shared<Cites>>,
    mores: Shared<Arc<EdgeMore>>,
    columns: Arc<EdgeColumns>,
}

impl EdgeStore {
    fn chunk(&self, c: usize) -> Vec<Edge> {
        self.records.chunk(
            c,
            |r, ix| {
                let mut e = self.bare(ix);
                self.fill(r, &mut e)?;
                Some(e)
            },
            |ix| self.bare(ix),
        )
    }

    /// An edge with its columns only.
    fn bare(&self, ix: usize) -> Edge {
        Edge {
            from: self.columns.from.get(ix) as usize,
            to: self.columns.to.get(ix) as usize,
            rel: self.columns.rel(ix).clone(),
            sources: Cites::from(Vec::new()),
            share_pct: None,
            extra: None,
        }
    }

    fn fill(&self, r: &mut Reader, e: &mut Edge) -> Option<()> {
        let sources = self.records.cites(&self.cites, r.len()?)?;
        let share_pct = match r.byte()? {
            0 => None,
            1 => Some(f64::from_le_bytes(r.take(8)?.try_into().ok()?)),
            _ => return None,
        };
        let extra = match r.len()? {
            0 => None,
            k => self.more(k - 1),
        };
        (e.sources, e.share_pct, e.extra) = (sources, share_pct, extra);
        Some(())
    }
}

/// Values that items share and refer to by number (the lists of sources, the edges' optional
/// fields): where each one is in the bytes, and each one read on first use (`None` if it does
/// not decode), one copy for every item that refers to it.
struct Shared<T> {
    at: usize,
    ends: Vec<u32>,
    read: Vec<OnceLock<Option<T>>>,
}

impl<T: Clone> Shared<T> {
    /// The table of where each value ends at the reader, and the values skipped (the reader's
    /// body starts at `body_at` in the bytes).
    fn read(r: &mut Reader, body_at: usize) -> Option<Shared<T>> {
        let count = r.count()?;
        let ends = r.u32s(count)?;
        if ends.windows(2).any(|w| w[0] > w[1]) {
            return None;
        }
        let at = body_at + r.at;
        r.take(ends.last().map_or(0, |&e| e as usize))?;
        Some(Shared { at, ends, read: (0..count).map(|_| OnceLock::new()).collect() })
    }

    /// Value `k`, read by `value` from its bytes the first time it is asked for.
    fn get(&self, k: usize, records: &Records, value: impl FnOnce(&mut Reader) -> Option<T>) -> Option<T> {
        let cell = self.read.get(k)?;
        cell.get_or_init(|| {
            let all: &[u8] = (*records.bytes).as_ref();
            let (start, end) = span(&self.ends, k, self.at);
            let mut r = Reader::new(all.get(start..end)?, &records.names);
            let read = value(&mut r)?;
            (r.at == r.bytes.len()).then_some(read)
        })
        .clone()
    }
}

impl Records {
    /// List of sources `k`.
    fn cites(&self, cites: &Shared<Cites>, k: usize) -> Option<Cites> {
        cites.get(k, self, |r| r.ids().map(Cites::from))
    }
}

impl EdgeStore {
    fn more(&self, k: usize) -> Option<Arc<EdgeMore>> {
        self.mores.get(k, &self.records, |r| r.edge_more().map(Arc::new))
    }
}

/// Where part `c` is in the bytes, when `ends` holds where each part ends, from `start`.
fn span(ends: &[u32], c: usize, start: usize) -> (usize, usize) {
    let from = if c == 0 { 0 } else { ends.get(c - 1).copied().unwrap_or(0) as usize };
    let to = ends.get(c).copied().unwrap_or(0) as usize;
    (start + from, start + to.max(from))
}

fn encode_schema(w: &mut Writer, s: &Schema) {
    w.len(s.layers.len());
    for l in &s.layers {
        w.str(&l.id);
        w.str(&l.name);
        w.opt(&l.name_zh);
        w.str(&l.color);
        w.str(&l.description);
        w.strs(&l.segments);
    }
    w.len(s.kinds.len());
    for k in &s.kinds {
        w.str(&k.id);
        w.str(&k.shape);
        w.str(&k.description);
        w.len(k.props.len());
        for (name, ty) in &k.props {
            w.str(name);
            w.out.push(PropType::ALL.iter().position(|(_, t)| t == ty).unwrap_or(0) as u8);
        }
        w.out.push(k.lifecycle as u8);
        w.opt(&k.start_label);
    }
    w.len(s.relations.len());
    for r in &s.relations {
        w.str(&r.id);
        w.str(&r.description);
        w.out.push(match r.supply {
            None => 0,
            Some(Supply::Forward) => 1,
            Some(Supply::Reverse) => 2,
        });
        w.out.push(u8::from(r.required));
        w.strs(&r.required_for);
        w.out.push(u8::from(r.carries));
        w.out.push(u8::from(r.money));
        w.strs(&r.from);
        w.strs(&r.to);
        w.str(&r.style);
    }
    // The domain table as one block, decoded when it is first read.
    let table = w.apart(|w| {
        w.len(s.domains.len());
        for d in s.domains.iter() {
            w.str(&d.domain);
            w.str(&d.publisher);
            w.str(&d.kind);
            w.opt(&d.note);
        }
    });
    w.bytes(&table);
    w.len(s.metrics.len());
    for m in &s.metrics {
        w.str(&m.id);
        w.str(&m.description);
        w.str(&m.unit);
        w.strs(&m.kinds);
        w.out.push(u8::from(m.flow));
    }
}

/// The schema at the reader, whose body starts at `body_at` in `bytes` (the domain table is kept
/// there to read when it is first used).
fn decode_schema(r: &mut Reader, bytes: &Bytes, body_at: usize) -> Option<Schema> {
    let bytes = bytes.clone();
    let mut s = Schema::default();
    for _ in 0..r.len()? {
        s.layers.push(Layer {
            id: r.string()?,
            name: r.string()?,
            name_zh: r.opt()?,
            color: r.string()?,
            description: r.string()?,
            segments: r.strs()?,
        });
    }
    for _ in 0..r.len()? {
        let (id, shape, description) = (r.string()?, r.string()?, r.string()?);
        let mut props = BTreeMap::new();
        for _ in 0..r.len()? {
            let name = r.string()?;
            props.insert(name, PropType::ALL.get(usize::from(r.byte()?))?.1);
        }
        let lifecycle = *Lifecycle::ALL.get(usize::from(r.byte()?))?;
        let start_label = r.opt()?;
        s.kinds.push(Kind { id, shape, description, props, lifecycle, start_label });
    }
    for _ in 0..r.len()? {
        let (id, description) = (r.string()?, r.string()?);
        let supply = match r.byte()? {
            0 => None,
            1 => Some(Supply::Forward),
            2 => Some(Supply::Reverse),
            _ => return None,
        };
        let required = r.byte()? == 1;
        let required_for = r.strs()?;
        let carries = r.byte()? == 1;
        let money = r.byte()? == 1;
        let (from, to, style) = (r.strs()?, r.strs()?, r.string()?);
        s.relations.push(Relation {
            id,
            description,
            supply,
            required,
            required_for,
            carries,
            money,
            from,
            to,
            style,
        });
    }
    let len = r.bytes()?.len();
    let at = body_at + r.at - len;
    s.domains = Domains::stored(Arc::new(move || {
        let all: &[u8] = (*bytes).as_ref();
        let mut r = Reader::new(all.get(at..at + len).unwrap_or_default(), &[]);
        // A table that does not decode (a forged store) reads as the rows before the damage.
        (0..r.count().unwrap_or(0)).map_while(|_| r.domain()).collect()
    }));
    for _ in 0..r.len()? {
        let (id, description, unit, kinds) = (r.string()?, r.string()?, r.string()?, r.strs()?);
        let flow = r.byte()? == 1;
        s.metrics.push(Metric { id, description, unit, kinds, flow });
    }
    Some(s)
}

/// A fast checksum over 8-byte words (not cryptographic): it detects damage, not forgery. Four
/// independent lanes take turns over the words, so that a long file is not one chain of
/// multiplications each waiting for the last.
fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let step = |h: u64, word: u64| (h ^ word).wrapping_mul(K).rotate_left(29);
    let word = |c: &[u8]| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
    let mut lanes = [bytes.len() as u64 ^ K, 1, 2, 3];
    let mut blocks = bytes.chunks_exact(32);
    for b in &mut blocks {
        for (i, lane) in lanes.iter_mut().enumerate() {
            *lane = step(*lane, word(&b[8 * i..8 * i + 8]));
        }
    }
    let mut h = lanes.iter().fold(0, |h, &lane| step(h, lane));
    let mut words = blocks.remainder().chunks_exact(8);
    for c in &mut words {
        h = step(h, word(c));
    }
    for &b in words.remainder() {
        h = step(h, u64::from(b));
    }
    h ^ (h >> 31)
}

/// Writes the cache format. Repeated names (kinds, layers, relations, source ids) are written
/// once, in a table, and referred to by number, so that reading them back is an index, not a
/// string to check and look up.
struct Writer {
    out: Vec<u8>,
    syms: FastMap<Sym, usize>,
    table: Vec<Sym>,
}

impl Writer {
    fn new() -> Self {
        Writer { out: Vec::new(), syms: FastMap::default(), table: Vec::new() }
    }
    fn sym(&mut self, name: &Sym) {
        let ix = self.sym_ix(name);
        self.len(ix as usize);
    }
    /// The number of `name` in the table, added if new.
    fn sym_ix(&mut self, name: &Sym) -> u32 {
        let next = self.table.len();
        let ix = *self.syms.entry(name.clone()).or_insert(next);
        if ix == next {
            self.table.push(name.clone());
        }
        ix as u32
    }
    /// Values read one by one on first use: where each ends (from the first), then the values.
    fn parts(&mut self, parts: &[Vec<u8>]) {
        self.len(parts.len());
        let mut end = 0u32;
        for p in parts {
            end += p.len() as u32;
            self.u32(end);
        }
        parts.iter().for_each(|p| self.out.extend_from_slice(p));
    }
    fn u32(&mut self, x: u32) {
        self.out.extend_from_slice(&x.to_le_bytes());
    }
    /// What `write` writes, apart from what is written so far (names still go to the table).
    fn apart(&mut self, write: impl FnOnce(&mut Self)) -> Vec<u8> {
        let before = std::mem::take(&mut self.out);
        write(self);
        std::mem::replace(&mut self.out, before)
    }
    /// Each item's record by `write`, in chunks of `size`: where each chunk ends (from the
    /// start of the records), then the records.
    fn chunked<'a, T: 'a>(
        &mut self,
        items: impl ExactSizeIterator<Item = &'a T>,
        size: usize,
        mut write: impl FnMut(&mut Self, &T),
    ) {
        let len = items.len();
        let mut ends = Vec::with_capacity(len.div_ceil(size));
        let records = self.apart(|w| {
            for (i, item) in items.enumerate() {
                write(w, item);
                if i % size == size - 1 || i + 1 == len {
                    ends.push(w.out.len() as u32);
                }
            }
        });
        ends.into_iter().for_each(|e| self.u32(e));
        self.out.extend_from_slice(&records);
    }
    fn edge_more(&mut self, m: &EdgeMore) {
        self.opt(&m.share_of);
        for field in [&m.as_of, &m.since, &m.until, &m.status, &m.confidence] {
            self.opt_sym(field);
        }
        self.opt(&m.note);
        self.props(&m.props);
        self.claims(&m.claims);
    }
    /// An unsigned LEB128 number: seven bits a byte, low bits first.
    fn len(&mut self, n: usize) {
        let mut n = n as u64;
        while n >= 0x80 {
            self.out.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.out.push(n as u8);
    }
    fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.out.extend_from_slice(b);
    }
    /// A column of text ([`Texts`]): where each string ends, then the strings.
    fn texts<'s>(&mut self, texts: impl Iterator<Item = &'s str> + Clone) {
        let mut end = 0u32;
        for t in texts.clone() {
            end += t.len() as u32;
            self.u32(end);
        }
        texts.for_each(|t| self.out.extend_from_slice(t.as_bytes()));
    }
    fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }
    fn opt<S: AsRef<str>>(&mut self, s: &Option<S>) {
        match s {
            Some(s) => {
                self.out.push(1);
                self.str(s.as_ref());
            }
            None => self.out.push(0),
        }
    }
    fn opt_sym(&mut self, s: &Option<Sym>) {
        match s {
            Some(s) => {
                self.out.push(1);
                self.sym(s);
            }
            None => self.out.push(0),
        }
    }
    fn strs(&mut self, items: &[String]) {
        self.len(items.len());
        items.iter().for_each(|s| self.str(s));
    }
    fn ids(&mut self, items: &[SourceId]) {
        self.len(items.len());
        items.iter().for_each(|s| self.sym(&s.0));
    }
    fn value(&mut self, v: &Value) {
        match v {
            Value::Bool(b) => self.out.extend_from_slice(&[0, u8::from(*b)]),
            Value::Int(i) => {
                self.out.push(1);
                self.out.extend_from_slice(&i.to_le_bytes());
            }
            Value::Float(x) => {
                self.out.push(2);
                self.out.extend_from_slice(&x.to_le_bytes());
            }
            Value::Str(s) => {
                self.out.push(3);
                self.str(s);
            }
            Value::List(items) => {
                self.out.push(4);
                self.len(items.len());
                items.iter().for_each(|i| self.value(i));
            }
        }
    }
    fn props(&mut self, props: &BTreeMap<String, Value>) {
        self.len(props.len());
        for (k, v) in props {
            self.str(k);
            self.value(v);
        }
    }
    fn claims(&mut self, claims: &[Claim]) {
        self.len(claims.len());
        for c in claims {
            self.str(&c.prop);
            self.value(&c.value);
            self.ids(&c.sources);
            self.opt(&c.note);
        }
    }
    fn origin(&mut self, o: &Origin) {
        // The file by number in the names table: a million records name a few files.
        self.sym(&Sym::from(o.file.clone()));
        self.len(o.line);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    /// The names table.
    names: &'a [Sym],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], names: &'a [Sym]) -> Self {
        Reader { bytes, at: 0, names }
    }
    /// `n` numbers of four bytes.
    fn u32s(&mut self, n: usize) -> Option<Vec<u32>> {
        let raw = self.take(n.checked_mul(4)?)?;
        // A plain loop into a zeroed vector: the compiler turns it into wide copies.
        let mut out = vec![0u32; n];
        for (x, c) in out.iter_mut().zip(raw.chunks_exact(4)) {
            *x = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        }
        Some(out)
    }
    /// A column of `n` numbers of four bytes, left in place in `bytes` (where the body this
    /// reader reads starts at `body_at`).
    fn column(&mut self, n: usize, bytes: &Bytes, body_at: usize) -> Option<U32s> {
        let at = body_at + self.at;
        self.take(n.checked_mul(4)?)?;
        Some(U32s { bytes: bytes.clone(), at, len: n })
    }
    /// Where each of `n` chunks of records ends: never before the chunk before it.
    fn chunks(&mut self, n: usize) -> Option<Vec<u32>> {
        let ends = self.u32s(n)?;
        ends.windows(2).all(|w| w[0] <= w[1]).then_some(ends)
    }
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }
    fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn len(&mut self) -> Option<usize> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b < 0x80 {
                return usize::try_from(n).ok();
            }
        }
        None
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.len()?;
        self.take(n)
    }
    fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }
    fn string(&mut self) -> Option<String> {
        self.str().map(str::to_string)
    }
    fn opt(&mut self) -> Option<Option<String>> {
        match self.byte()? {
            0 => Some(None),
            1 => Some(Some(self.string()?)),
            _ => None,
        }
    }
    /// A count of items that each take at least one byte: more than the bytes left is damage.
    fn count(&mut self) -> Option<usize> {
        let n = self.len()?;
        (n <= self.bytes.len() - self.at).then_some(n)
    }
    fn strs(&mut self) -> Option<Vec<String>> {
        match self.count()? {
            // Most lists are empty: no collecting for them.
            0 => Some(Vec::new()),
            n => (0..n).map(|_| self.string()).collect(),
        }
    }
    fn ids(&mut self) -> Option<Vec<SourceId>> {
        (0..self.count()?).map(|_| self.sym().map(SourceId)).collect()
    }
    /// A name that repeats (kind, layer, relation, source id), by its number in the table.
    fn sym(&mut self) -> Option<Sym> {
        let ix = self.len()?;
        self.names.get(ix).cloned()
    }
    fn domain(&mut self) -> Option<Domain> {
        Some(Domain {
            domain: self.string()?,
            publisher: self.string()?,
            kind: self.string()?,
            note: self.opt()?,
        })
    }
    fn edge_more(&mut self) -> Option<EdgeMore> {
        Some(EdgeMore {
            share_of: self.opt()?,
            as_of: self.opt_sym()?,
            since: self.opt_sym()?,
            until: self.opt_sym()?,
            status: self.opt_sym()?,
            confidence: self.opt_sym()?,
            note: self.opt()?,
            props: self.props()?,
            claims: self.claims()?,
        })
    }
    fn opt_sym(&mut self) -> Option<Option<Sym>> {
        match self.byte()? {
            0 => Some(None),
            1 => Some(Some(self.sym()?)),
            _ => None,
        }
    }
    /// A value; lists hold scalars only, as the loader makes them.
    fn value(&mut self, in_list: bool) -> Option<Value> {
        Some(match self.byte()? {
            0 => Value::Bool(self.byte()? == 1),
            1 => Value::Int(i64::from_le_bytes(self.take(8)?.try_into().ok()?)),
            2 => Value::Float(f64::from_le_bytes(self.take(8)?.try_into().ok()?)),
            3 => Value::Str(self.string()?),
            4 if !in_list => {
                Value::List((0..self.count()?).map(|_| self.value(true)).collect::<Option<_>>()?)
            }
            _ => return None,
        })
    }
    fn props(&mut self) -> Option<BTreeMap<String, Value>> {
        match self.count()? {
            0 => Some(BTreeMap::new()),
            n => (0..n).map(|_| Some((self.string()?, self.value(false)?))).collect(),
        }
    }
    fn claims(&mut self) -> Option<Vec<Claim>> {
        let n = self.count()?;
        if n == 0 {
            return Some(Vec::new());
        }
        (0..n)
            .map(|_| {
                Some(Claim {
                    prop: self.string()?,
                    value: self.value(false)?,
                    sources: self.ids()?,
                    note: self.opt()?,
                })
            })
            .collect()
    }
    /// An origin; nodes of one file share one copy of its name.
    fn origin(&mut self) -> Option<Origin> {
        Some(Origin { file: self.sym()?.into(), line: self.len()? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_is_exact() {
        let d = crate::testing::builtin();
        let bytes = encode(&d, b"stamp");
        let back = decode(&bytes, b"stamp").expect("decodes");
        assert_eq!(format!("{:?}", back), format!("{:?}", d));
        assert_eq!(encode(&back, b"stamp"), bytes);
    }

    #[test]
    fn rejects_other_stamps_and_damage() {
        let bytes = encode(&crate::testing::builtin(), b"stamp");
        assert!(decode(&bytes, b"other").is_none());
        assert!(decode(&bytes[..bytes.len() - 1], b"stamp").is_none());
        assert!(decode(&[], b"stamp").is_none());
        let mut flipped = bytes.clone();
        let last = flipped.len() - 100;
        flipped[last] ^= 0x10;
        assert!(decode(&flipped, b"stamp").is_none());
    }

    #[test]
    fn edges_with_the_same_short_optional_fields_share_them() {
        let mini = crate::testing::mini();
        let d = crate::gen::generate(&mini.dataset, 300, 1500, 5).expect("small enough");
        let back = decode(&encode(&d, b"s"), b"s").expect("decodes");
        let with: Vec<&Arc<EdgeMore>> = back.edges.iter().filter_map(|e| e.extra.as_ref()).collect();
        let distinct = with.iter().map(|m| Arc::as_ptr(m)).collect::<std::collections::BTreeSet<_>>();
        assert!(with.len() > 100 && distinct.len() < with.len() / 2, "{} of {}", distinct.len(), with.len());
        for (a, b) in back.edges.iter().zip(&d.edges) {
            assert_eq!(a.more(), b.more());
        }
    }

    #[test]
    fn an_open_decodes_only_the_records_it_reads() {
        use crate::graph::{Dir, KnowledgeGraph};
        let mini = crate::testing::mini();
        let d = crate::gen::generate(&mini.dataset, 2000, 8000, 3).expect("small enough");
        let (back, index) = decode_indexed(Arc::new(encode(&d, b"s")), b"s").expect("decodes");
        let g = KnowledgeGraph::with_index(back, Some(index));
        let (nodes, edges) = (|| g.dataset.nodes.decoded(), || g.dataset.edges.decoded());
        assert_eq!((nodes(), edges()), ((0, 2000usize.div_ceil(CHUNK)), (0, 8000usize.div_ceil(CHUNK))));
        // A lookup by id and a node's edges read the columns only.
        let ix = g.id_lookup(&d.nodes[1234].id.0).expect("the id is there");
        let at = g.incident(ix, Dir::Both);
        assert_eq!(
            (ix, at.len(), nodes().0, edges().0),
            (1234, d.edges.iter().filter(|e| e.from == ix || e.to == ix).count(), 0, 0)
        );
        // Reading an item decodes its chunk, and it is the item that was stored.
        assert_eq!(format!("{:?}", g.node(ix)), format!("{:?}", d.nodes[ix]));
        let (e, _) = at[0];
        assert_eq!(format!("{:?}", g.edge(e)), format!("{:?}", d.edges[e]));
        assert_eq!((nodes().0, edges().0), (1, 1));
    }

    /// `bytes` with `change` made to the payload and the checksum made to match: a forged cache.
    fn forge(bytes: &[u8], stamp: &[u8], change: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
        let head = MAGIC.len() + 1 + env!("CARGO_PKG_VERSION").len() + 1 + stamp.len();
        let mut body = bytes[head + 8..].to_vec();
        change(&mut body);
        let mut out = bytes[..head].to_vec();
        out.extend_from_slice(&checksum(&body).to_le_bytes());
        out.extend_from_slice(&body);
        out
    }

    #[test]
    fn a_forged_cache_reads_without_a_panic() {
        let d = crate::testing::builtin();
        let bytes = encode(&d, b"stamp");
        let (mut opened, mut bare) = (0, 0);
        for i in (0..bytes.len()).step_by(bytes.len() / 120) {
            let forged = forge(&bytes, b"stamp", |body| {
                let at = i.min(body.len() - 1);
                body[at] = body[at].wrapping_add(0x41);
            });
            let Some(back) = decode(&forged, b"stamp") else { continue };
            opened += 1;
            let text = format!("{:?}", back);
            bare += usize::from(back.nodes.iter().any(|n| n.origin.line == 0));
            assert!(text.len() > 1000);
        }
        // Most changes are caught at open; some land in a record, which then reads as bare.
        assert!(opened > 10 && bare > 0, "{opened} opened, {bare} with a bare node");
    }

    #[test]
    fn a_text_column_reads_only_whole_characters() {
        let column = |first_end: u32| {
            let mut w = Writer::new();
            w.texts(["é", "a"].into_iter());
            w.out[..4].copy_from_slice(&first_end.to_le_bytes());
            let bytes: Bytes = Arc::new(w.out);
            let all: &[u8] = (*bytes).as_ref();
            let texts = Texts::read(&mut Reader::new(all, &[]), 2, &bytes, 0);
            texts.map(|t| (t.get(0).to_string(), t.get(1).to_string()))
        };
        assert_eq!(column(2), Some(("é".to_string(), "a".to_string())));
        // The first string ending inside `é`: the column is not text.
        assert_eq!(column(1), None);
    }

    #[test]
    fn stores_the_id_order_and_rejects_a_forged_one() {
        let d = crate::testing::builtin();
        let bytes = encode(&d, b"stamp");
        let (_, index) = decode_indexed(Arc::new(bytes.clone()), b"stamp").expect("decodes");
        let mut ids: Vec<&str> = index.by_id.iter().map(|&ix| d.nodes[ix as usize].id.0.as_str()).collect();
        let sorted = {
            let mut s = ids.clone();
            s.sort();
            s
        };
        assert_eq!(ids, sorted);
        ids.dedup();
        assert_eq!(ids.len(), d.nodes.len());
        let mut props: Vec<&String> = d.edges.iter().flat_map(|e| e.more().props.keys()).collect();
        props.sort();
        props.dedup();
        assert_eq!(index.edge_props.as_ref().map(|p| p.iter().collect::<Vec<_>>()), Some(props));
        // Where the id order sits in the payload: before the edges' property names, at the end.
        let mut tail = Writer::new();
        let names = index.edge_props.clone().unwrap_or_default();
        tail.strs(&names);
        let n = d.nodes.len();
        let at = |body: &Vec<u8>| body.len() - tail.out.len() - 4 * n;
        assert!(decode(&forge(&bytes, b"stamp", |_| {}), b"stamp").is_some());
        let swapped = forge(&bytes, b"stamp", |body| {
            let i = at(body);
            let (a, b) = body[i..i + 8].split_at_mut(4);
            a.swap_with_slice(b);
        });
        assert!(decode(&swapped, b"stamp").is_none());
        let repeated = forge(&bytes, b"stamp", |body| {
            let i = at(body);
            body.copy_within(i..i + 4, i + 4);
        });
        assert!(decode(&repeated, b"stamp").is_none());
        let outside = forge(&bytes, b"stamp", |body| {
            let i = at(body);
            body[i..i + 4].copy_from_slice(&(n as u32).to_le_bytes());
        });
        assert!(decode(&outside, b"stamp").is_none());
    }
}
