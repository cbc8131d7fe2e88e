//! Graphviz DOT, built with graphviz-rust's syntax tree and printer.
//!
//! graphviz-rust writes every id verbatim, so every label goes through [`quote`]. Node ids are the dataset's slugs (`[a-z0-9-]`), quoted;
//! the display text lives only in labels.

use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Subgraph as DotSubgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};

use super::{by_layer, dataset_date, drawn_reversed, layer_label, node_label, Overview, Subgraph};
use crate::graph::KnowledgeGraph;
use crate::model::NodeIx;
use crate::table::format_float;

/// The font for every label; it has CJK glyphs (Debian: fonts-wqy-microhei). Graphviz falls back
/// through fontconfig when it is missing, so Latin text still renders.
pub const FONT: &str = "WenQuanYi Micro Hei";

/// A DOT double-quoted string holding exactly `s`: quotes and backslashes escaped, line breaks
/// as `\n` (a centred line break; `\r\n` and a lone `\r` are one line break each). `<`, `>`,
/// `&`, tabs, CJK and emoji need nothing.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn attr(key: &str, value: &str) -> Attribute {
    Attribute(Id::Plain(key.to_string()), Id::Escaped(quote(value)))
}

fn node_id(name: &str) -> NodeId {
    NodeId(Id::Escaped(quote(name)), None)
}

fn edge(from: &str, to: &str, attributes: Vec<Attribute>) -> Stmt {
    Stmt::Edge(Edge { ty: EdgeTy::Pair(Vertex::N(node_id(from)), Vertex::N(node_id(to))), attributes })
}

fn header(title: &str) -> Vec<Stmt> {
    vec![
        Stmt::GAttribute(GraphAttributes::Graph(vec![
            attr("rankdir", "LR"),
            attr("fontname", FONT),
            attr("fontsize", "18"),
            attr("label", title),
            attr("labelloc", "t"),
            attr("labeljust", "l"),
            attr("nodesep", "0.18"),
            attr("ranksep", "0.9"),
            attr("bgcolor", "#ffffff"),
        ])),
        Stmt::GAttribute(GraphAttributes::Node(vec![
            attr("fontname", FONT),
            attr("fontsize", "10"),
            attr("style", "filled"),
            attr("fillcolor", "#ffffff"),
            attr("color", "#444444"),
            attr("margin", "0.08,0.04"),
        ])),
        Stmt::GAttribute(GraphAttributes::Edge(vec![
            attr("fontname", FONT),
            attr("fontsize", "8"),
            attr("color", "#555555"),
            attr("fontcolor", "#333333"),
            attr("arrowsize", "0.6"),
        ])),
    ]
}

fn title(g: &KnowledgeGraph, what: &str) -> String {
    match dataset_date(g) {
        Some(d) => format!("aikg: {what} (sources dated up to {d})"),
        None => format!("aikg: {what}"),
    }
}

/// A darker shade of a `#rrggbb` colour, for cluster borders.
fn darker(color: &str) -> String {
    let channel = |i: usize| u8::from_str_radix(color.get(i..i + 2).unwrap_or("cc"), 16).unwrap_or(0xcc);
    let d = |c: u8| (f64::from(c) * 0.7) as u8;
    format!("#{:02x}{:02x}{:02x}", d(channel(1)), d(channel(3)), d(channel(5)))
}

fn print(graph: &Graph) -> String {
    let mut s = graph.print(&mut PrinterContext::default());
    s.push('\n');
    s
}

/// The selected nodes and edges: one cluster per layer (upstream -> downstream, left to right),
/// filled with the layer's colour; a shape per kind; a line style per relation; supply edges
/// drawn from the upstream node so the chain reads left to right; shares on edges; a legend.
pub fn subgraph(g: &KnowledgeGraph, sub: &Subgraph) -> String {
    let schema = &g.dataset.schema;
    let name = |n: NodeIx| g.node(n).id.0.clone();
    let mut stmts = header(&title(g, &sub.title));
    for (layer, members) in by_layer(g, sub) {
        let label = layer_label(layer);
        let mut cluster = vec![
            Stmt::Attribute(attr("label", &label)),
            Stmt::Attribute(attr("style", "filled,rounded")),
            Stmt::Attribute(attr("fillcolor", &layer.color)),
            Stmt::Attribute(attr("color", &darker(&layer.color))),
            Stmt::Attribute(attr("fontsize", "14")),
        ];
        for n in members {
            let node = g.node(n);
            let shape = schema.kind(&node.kind).map_or("box", |k| k.shape.as_str());
            let label = node_label(node);
            cluster.push(Stmt::Node(Node::new(
                node_id(&name(n)),
                vec![
                    attr("label", &label),
                    attr("shape", shape),
                    attr("tooltip", &format!("{} ({})", node.id, node.kind)),
                ],
            )));
        }
        stmts.push(Stmt::Subgraph(DotSubgraph {
            id: Id::Plain(format!("cluster_{}", layer.id.replace('-', "_"))),
            stmts: cluster,
        }));
    }
    for &e in &sub.edges {
        let edge_data = g.edge(e);
        let rel = schema.relation(&edge_data.rel);
        let style = rel.map_or("solid", |r| r.style.as_str());
        let mut label = edge_data.rel.to_string();
        if let Some(share) = edge_data.share_pct {
            label.push_str(&format!("\n{}%", format_float(share).trim_end_matches(".0")));
        }
        // External labels: Graphviz 2.43 can fail to rank clustered graphs whose edges carry
        // ordinary labels ("trouble in init_rank"); xlabels are placed after layout.
        let mut attrs = vec![attr("xlabel", &label)];
        attrs.extend(style_attrs(style));
        let (from, to) = if drawn_reversed(g, e) {
            attrs.push(attr("dir", "back"));
            (edge_data.to, edge_data.from)
        } else {
            (edge_data.from, edge_data.to)
        };
        if rel.and_then(|r| r.supply).is_none() {
            // Ownership, investment and lineage: grey. (They still take part in ranking:
            // `constraint=false` makes Graphviz 2.43 abort on clustered graphs.)
            attrs.push(attr("color", "#9a9a9a"));
        }
        stmts.push(edge(&name(from), &name(to), attrs));
    }
    stmts.push(legend(g, sub));
    print(&Graph::DiGraph { id: Id::Plain("aikg".into()), strict: false, stmts })
}

fn style_attrs(style: &str) -> Vec<Attribute> {
    match style {
        "bold" => vec![attr("style", "solid"), attr("penwidth", "2.2")],
        other => vec![attr("style", other)],
    }
}

/// A legend cluster: one sample node per kind shown (its shape) and one sample edge per line
/// style shown, labelled with the relations drawn in that style.
fn legend(g: &KnowledgeGraph, sub: &Subgraph) -> Stmt {
    let schema = &g.dataset.schema;
    let mut stmts = vec![
        Stmt::Attribute(attr("label", "Legend")),
        Stmt::Attribute(attr("style", "rounded")),
        Stmt::Attribute(attr("color", "#888888")),
        Stmt::Attribute(attr("fontsize", "12")),
    ];
    let kinds: Vec<&crate::model::Kind> =
        schema.kinds.iter().filter(|k| sub.nodes.iter().any(|&n| g.node(n).kind == k.id)).collect();
    for (i, k) in kinds.iter().enumerate() {
        stmts.push(Stmt::Node(Node::new(
            node_id(&format!("legend_kind_{i}")),
            vec![attr("label", &k.id), attr("shape", &k.shape)],
        )));
    }
    let mut styles: Vec<(&str, Vec<&str>)> = Vec::new();
    for r in &schema.relations {
        if sub.edges.iter().any(|&e| g.edge(e).rel == r.id) {
            match styles.iter_mut().find(|(s, _)| *s == r.style) {
                Some((_, rels)) => rels.push(&r.id),
                None => styles.push((&r.style, vec![&r.id])),
            }
        }
    }
    for (i, (style, rels)) in styles.iter().enumerate() {
        let (a, b) = (format!("legend_style_{i}_a"), format!("legend_style_{i}_b"));
        for n in [&a, &b] {
            stmts.push(Stmt::Node(Node::new(
                node_id(n),
                vec![attr("label", ""), attr("shape", "point"), attr("width", "0.05")],
            )));
        }
        // Wrap the relation names three to a line.
        let label = rels.chunks(3).map(|c| c.join(", ")).collect::<Vec<_>>().join("\n");
        let mut attrs = vec![attr("label", &label)];
        attrs.extend(style_attrs(style));
        stmts.push(edge(&a, &b, attrs));
    }
    Stmt::Subgraph(DotSubgraph { id: Id::Plain("cluster_legend".into()), stmts })
}

/// The overview: one box per layer (and per crypto segment) with its node count, and one arrow
/// per pair of boxes with the number of supply edges between them.
pub fn overview(g: &KnowledgeGraph, o: &Overview) -> String {
    let schema = &g.dataset.schema;
    let what = format!(
        "overview of {} nodes and {} edges; arrows count supply edges, upstream to downstream",
        g.node_count(),
        g.dataset.edges.len()
    );
    let mut stmts = header(&title(g, &what));
    for (i, b) in o.boxes.iter().enumerate() {
        let color = schema.layer(&b.layer).map_or("#eeeeee", |l| l.color.as_str());
        let name = match &b.label_zh {
            Some(zh) => format!("{}\n{zh}", b.label),
            None => b.label.clone(),
        };
        let label = format!("{name}\n{} node{}", b.nodes, if b.nodes == 1 { "" } else { "s" });
        stmts.push(Stmt::Node(Node::new(
            node_id(&format!("b{i}")),
            vec![
                attr("label", &label),
                attr("shape", "box"),
                attr("style", "filled,rounded"),
                attr("fillcolor", color),
                attr("color", &darker(color)),
                attr("fontsize", "12"),
            ],
        )));
    }
    let max = o.links.values().copied().max().unwrap_or(1).max(1) as f64;
    for (&(a, b), &count) in &o.links {
        let width = 0.6 + 3.4 * (count as f64).ln_1p() / max.ln_1p();
        stmts.push(edge(
            &format!("b{a}"),
            &format!("b{b}"),
            vec![
                attr("label", &count.to_string()),
                attr("penwidth", &format!("{width:.2}")),
                attr("fontsize", "10"),
            ],
        ));
    }
    print(&Graph::DiGraph { id: Id::Plain("aikg_overview".into()), strict: false, stmts })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_escapes_what_dot_needs_and_nothing_else() {
        assert_eq!(quote("plain"), "\"plain\"");
        assert_eq!(quote("NVIDIA \"H100\" GPU"), "\"NVIDIA \\\"H100\\\" GPU\"");
        assert_eq!(quote("C:\\path\\n"), "\"C:\\\\path\\\\n\"");
        assert_eq!(quote("line1\nline2\r\nline3\rline4"), "\"line1\\nline2\\nline3\\nline4\"");
        assert_eq!(quote("a<b> & c"), "\"a<b> & c\"");
        assert_eq!(quote("英伟达 芯片层"), "\"英伟达 芯片层\"");
        assert_eq!(quote("id: with spaces"), "\"id: with spaces\"");
    }

    #[test]
    fn darker_colours_stay_valid() {
        assert_eq!(darker("#ffffff"), "#b2b2b2");
        assert_eq!(darker("#000000"), "#000000");
        assert_eq!(darker("bad").len(), 7);
    }
}
