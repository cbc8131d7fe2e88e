//! What a diagram shows: a selection of the graph ([`select`]) or an overview that collapses it
//! to one box per layer ([`overview`]). Writers for DOT and Mermaid turn these into text.

pub mod dot;
pub mod layout;
pub mod map;
pub mod matrix;
pub mod mermaid;
pub mod order;
pub mod plan;

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::supply::{Flow, SupplyView};
use crate::graph::{Dir, KnowledgeGraph};
use crate::model::{EdgeIx, Layer, Node, NodeIx, Supply};

/// Which part of the graph to draw. Filters compose: the focus neighbourhood (or every node),
/// then the layers, then the relations.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// The nodes and relationships a query returned; when set, it replaces the whole graph as
    /// the starting set. With no relationships returned, the edges between the nodes are drawn.
    pub query: Option<(BTreeSet<NodeIx>, BTreeSet<EdgeIx>)>,
    pub(crate) focus: Option<Focus>,
    pub(crate) layers: BTreeSet<String>,
    pub(crate) rels: BTreeSet<String>,
}

/// A neighbourhood: the nodes within `depth` steps of `node`.
#[derive(Debug, Clone, Copy)]
pub struct Focus {
    pub(crate) node: NodeIx,
    pub(crate) depth: usize,
    pub(crate) reach: Reach,
}

/// How a focus neighbourhood grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Along supply edges towards suppliers: what the node depends on.
    Upstream,
    /// Along supply edges towards customers: what depends on the node.
    Downstream,
    /// Both of the above; only supply edges are drawn.
    Supply,
    /// Along any edge in the given direction; every edge between the nodes is drawn.
    Edges(Dir),
}

/// The nodes and edges to draw, in a stable order, and a one-line description of the selection.
#[derive(Debug, Clone, PartialEq)]
pub struct Subgraph {
    /// Upstream layers first, then segment (schema order), then id.
    pub nodes: Vec<NodeIx>,
    /// By endpoints' ids, then relation.
    pub edges: Vec<EdgeIx>,
    pub(crate) title: String,
    /// The focus node, when the selection has one.
    pub focus: Option<NodeIx>,
    /// Whether the focus view follows supply edges (upstream, downstream or both), so that its
    /// columns are supply tiers.
    pub tiered: bool,
}

pub(crate) fn select(g: &KnowledgeGraph, s: &Selection) -> Subgraph {
    let rel_ok = |rel: &str| s.rels.is_empty() || s.rels.contains(rel);
    let supply_only = s.focus.is_some_and(|f| !matches!(f.reach, Reach::Edges(_)));
    let mut nodes: BTreeSet<NodeIx> = match s.focus {
        Some(f) => {
            let mut set = BTreeSet::from([f.node]);
            let view = SupplyView::new(g);
            let mut tiers =
                |flow| set.extend(view.tiers(g, f.node, flow, Some(f.depth)).into_iter().map(|t| t.node));
            match f.reach {
                Reach::Upstream => tiers(Flow::Upstream),
                Reach::Downstream => tiers(Flow::Downstream),
                Reach::Supply => {
                    tiers(Flow::Upstream);
                    tiers(Flow::Downstream);
                }
                Reach::Edges(dir) => set.extend(
                    g.neighbors(f.node, f.depth, dir, &|rel| rel_ok(rel)).into_iter().map(|r| r.node),
                ),
            }
            set
        }
        None => match &s.query {
            Some((nodes, edges)) => {
                let mut set = nodes.clone();
                set.extend(edges.iter().flat_map(|&e| [g.edge(e).from, g.edge(e).to]));
                set
            }
            None => (0..g.node_count()).collect(),
        },
    };
    if !s.layers.is_empty() {
        nodes.retain(|&n| s.layers.iter().any(|l| *l == g.node(n).layer));
    }
    let mut edges: Vec<EdgeIx> = (0..g.dataset.edges.len())
        .filter(|&e| {
            let edge = g.edge(e);
            let supply = g.dataset.schema.relation(&edge.rel).is_some_and(|r| r.supply.is_some());
            let returned = match &s.query {
                Some((_, edges)) if !edges.is_empty() => edges.contains(&e),
                _ => true,
            };
            returned
                && rel_ok(&edge.rel)
                && (supply || !supply_only)
                && nodes.contains(&edge.from)
                && nodes.contains(&edge.to)
        })
        .collect();
    edges.sort_by(|&a, &b| {
        let key = |e: EdgeIx| {
            let edge = g.edge(e);
            (&g.node(edge.from).id, &g.node(edge.to).id, &edge.rel, e)
        };
        key(a).cmp(&key(b))
    });
    let mut nodes: Vec<NodeIx> = nodes.into_iter().collect();
    nodes.sort_by_key(|&n| sort_key(g, n));
    Subgraph {
        title: describe(g, s, nodes.len(), edges.len()),
        nodes,
        edges,
        focus: s.focus.map(|f| f.node),
        tiered: supply_only,
    }
}

/// Upstream layers first, then segment in schema order, then id.
fn sort_key(g: &KnowledgeGraph, n: NodeIx) -> (usize, usize, String) {
    let node = g.node(n);
    let schema = &g.dataset.schema;
    let segment = schema
        .layer(&node.layer)
        .and_then(|l| node.segment.as_ref().and_then(|s| l.segments.iter().position(|x| x == s)))
        .unwrap_or(usize::MAX);
    (schema.layer_rank(&node.layer), segment, node.id.0.clone())
}

fn describe(g: &KnowledgeGraph, s: &Selection, nodes: usize, edges: usize) -> String {
    let mut parts = Vec::new();
    if let Some(f) = s.focus {
        let steps =
            |what: &str| format!("{} {what} {}", f.depth, if f.depth == 1 { "tier" } else { "tiers" });
        let hops = format!("{} {}", f.depth, if f.depth == 1 { "hop" } else { "hops" });
        let how = match f.reach {
            Reach::Upstream => steps("supply"),
            Reach::Downstream => steps("customer"),
            Reach::Supply => format!("{} up and down the supply chain", steps("supply")),
            Reach::Edges(Dir::Out) => format!("{hops} along outgoing edges"),
            Reach::Edges(Dir::In) => format!("{hops} along incoming edges"),
            Reach::Edges(Dir::Both) => format!("{hops} along any edge"),
        };
        parts.push(format!("{}, {how}", g.node(f.node).name));
    }
    if !s.layers.is_empty() {
        parts.push(format!("layers {}", s.layers.iter().cloned().collect::<Vec<_>>().join(", ")));
    }
    if !s.rels.is_empty() {
        parts.push(format!("relations {}", s.rels.iter().cloned().collect::<Vec<_>>().join(", ")));
    }
    if s.query.is_some() {
        parts.push("what the query returned".to_string());
    }
    if parts.is_empty() {
        parts.push("the whole graph".to_string());
    }
    format!("{}: {nodes} nodes, {edges} edges", parts.join("; "))
}

/// The selection's nodes grouped by layer, in layer order; empty layers left out.
pub fn by_layer<'g>(g: &'g KnowledgeGraph, sub: &Subgraph) -> Vec<(&'g Layer, Vec<NodeIx>)> {
    g.dataset
        .schema
        .layers
        .iter()
        .map(|l| (l, sub.nodes.iter().copied().filter(|&n| g.node(n).layer == l.id).collect::<Vec<_>>()))
        .filter(|(_, members)| !members.is_empty())
        .collect()
}

/// Which names a diagram shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English names only.
    En,
    /// Chinese names where there are any, else English.
    Zh,
    /// The English name, and the Chinese name on a second line when there is a different one.
    #[default]
    Both,
}

/// How much legend a diagram carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Legend {
    /// Layer colours, relation lines and the shapes of the kinds shown.
    #[default]
    Full,
    /// Layer colours and relation lines only, each on one line.
    Compact,
    /// No legend.
    None,
}

/// The look of a diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Layer colours and relation colours.
    #[default]
    Colour,
    /// For print: white fills, black and grey lines told apart by style, safe in greyscale.
    Print,
}

/// How to draw a selection.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub(crate) lang: Lang,
    pub(crate) legend: Legend,
    /// Every edge labelled with its relation, not only the ones that carry a number.
    pub edge_labels: bool,
    /// In a tiered focus view, also the edges that skip a tier or join two nodes of one tier.
    pub all_edges: bool,
    /// Collapse beyond this many nodes; 0: never.
    pub max_nodes: usize,
    pub(crate) theme: Theme,
    /// The command that drew the picture, for the footer.
    pub command: Option<String>,
}

/// The default node cap of a picture.
pub const MAX_NODES: usize = 40;

impl Default for Options {
    fn default() -> Self {
        Options {
            lang: Lang::Both,
            legend: Legend::Full,
            edge_labels: false,
            all_edges: false,
            max_nodes: MAX_NODES,
            theme: Theme::Colour,
            command: None,
        }
    }
}

/// A name in the chosen language(s).
pub fn name_in(name: &str, zh: Option<&str>, lang: Lang) -> String {
    match (lang, zh) {
        (Lang::Zh, Some(zh)) => zh.to_string(),
        (Lang::Both, Some(zh)) if zh != name => format!("{name}\n{zh}"),
        _ => name.to_string(),
    }
}

/// "Semiconductors 半导体": a layer's name with its Chinese name.
pub fn layer_label(l: &Layer) -> String {
    match &l.name_zh {
        Some(zh) => format!("{} {zh}", l.name),
        None => l.name.clone(),
    }
}

/// A node's name, with its Chinese name on a second line when it has a different one.
pub fn node_label(n: &Node) -> String {
    match &n.name_zh {
        Some(zh) if zh != &n.name => format!("{}\n{zh}", n.name),
        _ => n.name.clone(),
    }
}

/// The latest date among the sources: how recent the dataset is.
pub fn dataset_date(g: &KnowledgeGraph) -> Option<String> {
    g.dataset.sources.values().filter_map(|s| s.date.clone()).max()
}

/// Whether an edge is drawn from its `to` node to its `from` node: reverse supply edges are, so
/// that every supply edge runs from upstream to downstream and the layout reads left to right.
pub fn drawn_reversed(g: &KnowledgeGraph, e: EdgeIx) -> bool {
    g.dataset.schema.relation(&g.edge(e).rel).and_then(|r| r.supply) == Some(Supply::Reverse)
}

/// One box of the overview: a layer, or one segment of a layer split by segment.
#[derive(Debug, Clone, PartialEq)]
pub struct OverviewBox {
    /// `layer` or `layer/segment`.
    pub key: String,
    pub(crate) layer: String,
    pub(crate) label: String,
    pub(crate) label_zh: Option<String>,
    pub(crate) nodes: usize,
}

/// The graph collapsed to boxes, with the number of supply edges between each pair of boxes,
/// counted upstream -> downstream.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub(crate) boxes: Vec<OverviewBox>,
    /// (from box, to box) -> number of supply edges.
    pub links: BTreeMap<(usize, usize), usize>,
    /// Edges that are not supply edges, between boxes, in total.
    pub other_edges: usize,
}

/// The layers drawn as one box per segment: the crypto layer, whose segments plug into different
/// layers, and the edge layer, whose power and cooling supply data centres upstream while its
/// devices take chips downstream (one box for both would make supply run back and forth).
pub const SPLIT_LAYERS: &[&str] = &["edge", "crypto"];

pub(crate) fn overview(g: &KnowledgeGraph) -> Overview {
    let schema = &g.dataset.schema;
    let mut boxes = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for layer in &schema.layers {
        let in_layer: Vec<&crate::model::Node> =
            g.dataset.nodes.iter().filter(|n| n.layer == layer.id).collect();
        if SPLIT_LAYERS.contains(&layer.id.as_str()) {
            for seg in &layer.segments {
                let count = in_layer.iter().filter(|n| n.segment.as_ref().is_some_and(|s| s == seg)).count();
                if count > 0 {
                    let key = format!("{}/{seg}", layer.id);
                    index.insert(key.clone(), boxes.len());
                    boxes.push(OverviewBox {
                        key,
                        layer: layer.id.clone(),
                        label: format!("{}: {seg}", layer.name),
                        label_zh: None,
                        nodes: count,
                    });
                }
            }
        } else if !in_layer.is_empty() {
            index.insert(layer.id.clone(), boxes.len());
            boxes.push(OverviewBox {
                key: layer.id.clone(),
                layer: layer.id.clone(),
                label: layer.name.clone(),
                label_zh: layer.name_zh.clone(),
                nodes: in_layer.len(),
            });
        }
    }
    let box_of = |n: NodeIx| {
        let node = g.node(n);
        let key = match &node.segment {
            Some(seg) if SPLIT_LAYERS.contains(&node.layer.as_str()) => format!("{}/{seg}", node.layer),
            _ => node.layer.to_string(),
        };
        index.get(&key).copied()
    };
    let mut links = BTreeMap::new();
    let mut other_edges = 0;
    for e in &g.dataset.edges {
        let (Some(a), Some(b)) = (box_of(e.from), box_of(e.to)) else { continue };
        let supply = schema.relation(&e.rel).and_then(|r| r.supply);
        let (up, down) = match supply {
            Some(Supply::Forward) => (a, b),
            Some(Supply::Reverse) => (b, a),
            None => {
                other_edges += usize::from(a != b);
                continue;
            }
        };
        if up != down {
            *links.entry((up, down)).or_insert(0) += 1;
        }
    }
    Overview { boxes, links, other_edges }
}
