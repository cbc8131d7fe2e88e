//! A compact binary form of a validated [`Dataset`], so that opening a dataset can skip parsing
//! and checking its text files.
//!
//! The layout is private to this version of aikg: a magic number, the aikg version, a stamp the
//! caller chooses (which files, of what size and age, the cache was made from), a checksum of the
//! payload, then the payload. [`decode`] returns `None` for anything that is not a cache that this
//! version wrote for this stamp: another version, another stamp, a truncated or damaged file. The
//! caller then reads the text files instead, so a bad cache costs time, never correctness.
//!
//! `encode` and `decode` are pure; `cli` decides where the bytes live.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::model::*;

const MAGIC: &[u8; 8] = b"AIKGBIN\x07";

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
    w.len(d.sources.len());
    for s in d.sources.values() {
        w.sym(&s.id.0);
        w.str(&s.title);
        w.opt(&s.publisher);
        w.str(&s.url);
        w.opt(&s.via);
        w.opt(&s.date);
        w.opt(&s.retrieved);
        w.str(&s.kind);
        w.out.push(s.tier as u8);
    }
    w.len(d.nodes.len());
    for n in &d.nodes {
        w.str(&n.id.0);
        w.sym(&n.kind);
        w.sym(&n.layer);
        match &n.segment {
            Some(seg) => {
                w.out.push(1);
                w.sym(seg);
            }
            None => w.out.push(0),
        }
        w.str(&n.name);
        w.opt(&n.name_zh);
        w.strs(&n.aliases);
        w.opt(&n.summary);
        w.opt(&n.start);
        w.opt(&n.end);
        w.out.push(n.lifecycle.map_or(0, |l| 1 + l as u8));
        w.strs(&n.tags);
        w.ids(&n.sources);
        w.props(&n.props);
        w.claims(&n.claims);
        w.origin(&n.origin);
    }
    w.len(d.edges.len());
    for e in &d.edges {
        w.len(e.from);
        w.len(e.to);
        w.sym(&e.rel);
        w.ids(&e.sources);
        match e.share_pct {
            Some(x) => {
                w.out.push(1);
                w.out.extend_from_slice(&x.to_le_bytes());
            }
            None => w.out.push(0),
        }
        // Most edges of a large dataset have none of the optional fields: one byte says so.
        match &e.extra {
            None => w.out.push(0),
            Some(m) => {
                w.out.push(1);
                w.opt(&m.share_of);
                for field in [&m.as_of, &m.since, &m.until, &m.status, &m.confidence] {
                    w.opt_sym(field);
                }
                w.opt(&m.note);
                w.props(&m.props);
                w.claims(&m.claims);
            }
        }
    }
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
    w.len(by_id.len());
    by_id.iter().for_each(|ix| w.out.extend_from_slice(&ix.to_le_bytes()));
    let edge_props: std::collections::BTreeSet<&String> =
        d.edges.iter().flat_map(|e| e.more().props.keys()).collect();
    w.len(edge_props.len());
    edge_props.iter().for_each(|k| w.str(k));
    // The names table goes before the payload that refers to it by number.
    let mut body = Writer::new();
    body.len(w.table.len());
    w.table.iter().for_each(|name| body.str(name));
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
    decode_indexed(bytes, stamp).map(|(d, _)| d)
}

/// The dataset in `bytes` and its stored [`Index`], if they are a cache this version wrote for
/// `stamp`.
pub fn decode_indexed(bytes: &[u8], stamp: &[u8]) -> Option<(Dataset, Index)> {
    let mut r = Reader::new(bytes.strip_prefix(MAGIC)?);
    if r.str()? != env!("CARGO_PKG_VERSION") || r.bytes()? != stamp {
        return None;
    }
    let sum = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
    let mut r = Reader::new(&r.bytes[r.at..]);
    if checksum(r.bytes) != sum {
        return None;
    }
    for _ in 0..r.count()? {
        let name = r.str()?;
        r.names.push(Sym::from(name));
    }
    let schema = decode_schema(&mut r)?;
    // Which names of the table are a kind, a layer, a relation: the invariants the rest of the
    // program indexes by without checking, so that even a forged cache cannot cause a panic (the
    // checksum already catches damage).
    let is = |ids: Vec<&str>| -> Vec<bool> { r.names.iter().map(|n| ids.contains(&n.as_str())).collect() };
    let is_kind = is(schema.kinds.iter().map(|k| k.id.as_str()).collect());
    let is_layer = is(schema.layers.iter().map(|l| l.id.as_str()).collect());
    let is_rel = is(schema.relations.iter().map(|r| r.id.as_str()).collect());
    let mut sources = BTreeMap::new();
    for _ in 0..r.len()? {
        let id = SourceId(r.sym()?);
        let source = Source {
            id: id.clone(),
            title: r.string()?,
            publisher: r.opt()?,
            url: r.string()?,
            via: r.opt()?,
            date: r.opt()?,
            retrieved: r.opt()?,
            kind: r.string()?,
            tier: *[Tier::Weak, Tier::Secondary, Tier::Primary].get(usize::from(r.byte()?))?,
        };
        sources.insert(id, source);
    }
    let node_count = r.len()?;
    let mut nodes = Vec::with_capacity(node_count.min(r.bytes.len()));
    for _ in 0..node_count {
        nodes.push(Node {
            id: NodeId(r.string()?),
            kind: r.sym_in(&is_kind)?,
            layer: r.sym_in(&is_layer)?,
            segment: r.opt_sym()?,
            name: r.string()?,
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
            sources: r.cites()?,
            props: r.props()?,
            claims: r.claims()?,
            origin: r.origin()?,
        });
    }
    let edge_count = r.len()?;
    let mut edges = Vec::with_capacity(edge_count.min(r.bytes.len()));
    let mut shared_more = FastMap::default();
    for _ in 0..edge_count {
        let from = r.len()?;
        let to = r.len()?;
        if from >= node_count || to >= node_count {
            return None;
        }
        let rel = r.sym_in(&is_rel)?;
        let sources = r.cites()?;
        let share_pct = match r.byte()? {
            0 => None,
            1 => Some(f64::from_le_bytes(r.take(8)?.try_into().ok()?)),
            _ => return None,
        };
        let extra = match r.byte()? {
            0 => None,
            1 => Some(r.edge_more(&mut shared_more)?),
            _ => return None,
        };
        edges.push(Edge { from, to, rel, sources, share_pct, extra });
    }
    drop(shared_more);
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
    if r.len()? != node_count {
        return None;
    }
    let by_id: Vec<u32> = r
        .take(node_count.checked_mul(4)?)?
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let edge_props = r.strs()?;
    if r.at != r.bytes.len() {
        return None;
    }
    // The index is a permutation of the nodes in strictly increasing id order.
    let mut seen = vec![false; node_count];
    for &ix in &by_id {
        if std::mem::replace(seen.get_mut(ix as usize)?, true) {
            return None;
        }
    }
    if by_id.windows(2).any(|w| nodes[w[0] as usize].id >= nodes[w[1] as usize].id) {
        return None;
    }
    // The edges' property names are what they hold, in order (damage is caught by the checksum;
    // a forged list only changes which names a query may use, so it is not checked further).
    let index = Index { by_id, edge_props: Some(edge_props) };
    Some((Dataset { schema, sources, nodes, edges, prices, observations }, index))
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
    w.len(s.domains.len());
    for d in &s.domains {
        w.str(&d.domain);
        w.str(&d.publisher);
        w.str(&d.kind);
        w.opt(&d.note);
    }
    w.len(s.metrics.len());
    for m in &s.metrics {
        w.str(&m.id);
        w.str(&m.description);
        w.str(&m.unit);
        w.strs(&m.kinds);
        w.out.push(u8::from(m.flow));
    }
}

fn decode_schema(r: &mut Reader) -> Option<Schema> {
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
    for _ in 0..r.len()? {
        let (domain, publisher, kind, note) = (r.string()?, r.string()?, r.string()?, r.opt()?);
        s.domains.push(Domain { domain, publisher, kind, note });
    }
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
        let next = self.table.len();
        let ix = *self.syms.entry(name.clone()).or_insert(next);
        if ix == next {
            self.table.push(name.clone());
        }
        self.len(ix);
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
        self.str(&o.file);
        self.len(o.line);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    last_file: Option<std::sync::Arc<str>>,
    /// The names table.
    names: Vec<Sym>,
    /// The last list of sources read, as bytes and as read: the next item usually cites the same.
    last_cites: Option<(&'a [u8], Cites)>,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0, last_file: None, names: Vec::new(), last_cites: None }
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
    /// A name of the table that `allowed` (indexed like the table) admits.
    fn sym_in(&mut self, allowed: &[bool]) -> Option<Sym> {
        let ix = self.len()?;
        allowed.get(ix).copied().unwrap_or(false).then(|| self.names.get(ix).cloned()).flatten()
    }
    /// The sources an item cites, sharing one copy with the item before when it cites the same.
    fn cites(&mut self) -> Option<Cites> {
        let start = self.at;
        for _ in 0..self.count()? {
            self.len()?;
        }
        let raw = self.bytes.get(start..self.at)?;
        if let Some((last, cites)) = &self.last_cites {
            if *last == raw {
                return Some(cites.clone());
            }
        }
        let mut again = Reader::new(raw);
        again.names = std::mem::take(&mut self.names);
        let ids = again.ids();
        self.names = again.names;
        let cites: Cites = ids?.into();
        self.last_cites = Some((raw, cites.clone()));
        Some(cites)
    }
    /// An edge's optional fields. Short ones (a month, a status) repeat across many edges: edges
    /// whose fields are the same bytes share one copy, through `shared`.
    fn edge_more(&mut self, shared: &mut FastMap<&'a [u8], Arc<EdgeMore>>) -> Option<Arc<EdgeMore>> {
        /// Longer optional parts (notes, properties) are seldom the same: not worth a look-up.
        const SHARED_MAX: usize = 32;
        let (bytes, start) = (self.bytes, self.at);
        // Find where the fields end without building them, then look the bytes up.
        let skip_opt = |r: &mut Self| -> Option<()> {
            match r.byte()? {
                0 => Some(()),
                1 => r.bytes().map(|_| ()),
                _ => None,
            }
        };
        let skip_sym = |r: &mut Self| -> Option<()> {
            match r.byte()? {
                0 => Some(()),
                1 => r.len().map(|_| ()),
                _ => None,
            }
        };
        skip_opt(self)?;
        for _ in 0..5 {
            skip_sym(self)?;
        }
        skip_opt(self)?;
        self.props()?;
        self.claims()?;
        let raw = bytes.get(start..self.at)?;
        if let Some(more) = shared.get(raw) {
            return Some(more.clone());
        }
        let mut again = Reader::new(raw);
        again.names = std::mem::take(&mut self.names);
        let more = again.edge_more_fields();
        self.names = again.names;
        let more = Arc::new(more.filter(|_| again.at == raw.len())?);
        if raw.len() <= SHARED_MAX {
            shared.insert(raw, more.clone());
        }
        Some(more)
    }
    fn edge_more_fields(&mut self) -> Option<EdgeMore> {
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
        let file = self.str()?;
        if self.last_file.as_deref() != Some(file) {
            self.last_file = Some(file.into());
        }
        Some(Origin { file: self.last_file.clone()?, line: self.len()? })
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
    fn stores_the_id_order_and_rejects_a_forged_one() {
        let d = crate::testing::builtin();
        let bytes = encode(&d, b"stamp");
        let (_, index) = decode_indexed(&bytes, b"stamp").expect("decodes");
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
