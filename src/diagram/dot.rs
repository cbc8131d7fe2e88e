//! Graphviz DOT, built with graphviz-rust's syntax tree and printer.
//!
//! graphviz-rust writes every id verbatim, so every label goes through [`quote`]. Node ids are the dataset's slugs (`[a-z0-9-]`), quoted;
//! the display text lives only in labels.

use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Subgraph as DotSubgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};

use super::{by_layer, name_in, plan, Legend, Options, Overview, Subgraph, Theme};
use crate::graph::KnowledgeGraph;
use crate::model::{EdgeIx, NodeIx};
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

/// The node defaults every diagram shares: filled white boxes, grey outlines, small text.
fn node_defaults() -> Stmt {
    Stmt::GAttribute(GraphAttributes::Node(vec![
        attr("fontname", FONT),
        attr("fontsize", "10"),
        attr("style", "filled"),
        attr("fillcolor", "#ffffff"),
        attr("color", "#444444"),
        attr("margin", "0.08,0.04"),
    ]))
}

fn header() -> Vec<Stmt> {
    vec![
        Stmt::GAttribute(GraphAttributes::Graph(vec![
            attr("rankdir", "LR"),
            attr("fontname", FONT),
            attr("fontsize", "18"),
            attr("labelloc", "t"),
            attr("labeljust", "l"),
            attr("nodesep", "0.18"),
            // More rounds of crossing reduction, and straight segments: measured on the
            // overview, fewer splines turn back (the layout targets in docs/diagrams.md).
            attr("mclimit", "10"),
            attr("splines", "polyline"),
            attr("ranksep", "0.9"),
            attr("bgcolor", "#ffffff"),
        ])),
        node_defaults(),
        Stmt::GAttribute(GraphAttributes::Edge(vec![
            attr("fontname", FONT),
            attr("fontsize", "8"),
            attr("color", "#555555"),
            attr("fontcolor", "#333333"),
            attr("arrowsize", "0.6"),
        ])),
    ]
}

/// A darker shade of a `#rrggbb` colour, for cluster borders.
pub fn darker(color: &str) -> String {
    let channel = |i: usize| u8::from_str_radix(color.get(i..i + 2).unwrap_or("cc"), 16).unwrap_or(0xcc);
    let d = |c: u8| (f64::from(c) * 0.7) as u8;
    format!("#{:02x}{:02x}{:02x}", d(channel(1)), d(channel(3)), d(channel(5)))
}

fn print(graph: &Graph) -> String {
    let mut s = graph.print(&mut PrinterContext::default());
    s.push('\n');
    s
}

/// An HTML-like label's text: `&`, `<`, `>`, `"` as entities, line breaks as `<BR/>`.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("<BR ALIGN=\"LEFT\"/>"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' => out.push_str("<BR ALIGN=\"LEFT\"/>"),
            c => out.push(c),
        }
    }
    out
}

fn html_attr(key: &str, html_text: String) -> Attribute {
    Attribute(Id::Plain(key.to_string()), Id::Html(format!("<{html_text}>")))
}

/// A relation's line colour: supply relations by family (making, designing, containing, using,
/// building on), everything else grey. The print theme draws every line in black or grey.
pub fn rel_colour(rel: &str, supply: bool, theme: Theme) -> &'static str {
    if theme == Theme::Print {
        return if supply { "#000000" } else { "#888888" };
    }
    match rel {
        "MANUFACTURES" => "#0072b2",
        "PACKAGES" => "#56b4e9",
        "DESIGNS" | "DEVELOPS" => "#009e73",
        "SUPPLIES" => "#444444",
        "CONTAINS" => "#d55e00",
        "USES" | "OFFERS" | "RUNS_ON" | "AGGREGATES" => "#e69f00",
        "TRAINED_ON" => "#cc79a7",
        "BUILT_ON" => "#8a6bbe",
        _ if supply => "#444444",
        _ => "#9a9a9a",
    }
}

/// A short run of line characters that looks like the style, for the legend.
fn line_sample(style: &str) -> &'static str {
    match style {
        "bold" => "━━━",
        "dashed" => "╌╌╌",
        "dotted" => "┈┈┈",
        _ => "───",
    }
}

/// A URL as Graphviz can copy it into SVG unchanged (Graphviz 2.43 writes `URL` verbatim):
/// `&` as `&amp;` (newer Graphviz leaves an entity as it is), and quotes, angle brackets,
/// backslashes, spaces, control and non-ASCII characters percent-encoded.
pub fn safe_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            c if c.is_ascii_graphic() && !matches!(c, '"' | '\'' | '<' | '>' | '\\') => out.push(c),
            c => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
    }
    out
}

/// The earliest and latest date of the sources behind the drawn nodes and edges.
fn source_dates(g: &KnowledgeGraph, sub: &Subgraph) -> Option<(String, String)> {
    let ids = sub
        .nodes
        .iter()
        .flat_map(|&n| g.node(n).sources.iter())
        .chain(sub.edges.iter().flat_map(|&e| g.edge(e).sources.iter()));
    let dates: Vec<&String> = ids
        .filter_map(|id| g.dataset.sources.get(id))
        .filter_map(|s| s.date.as_ref().or(s.retrieved.as_ref()))
        .collect();
    Some(((*dates.iter().min()?).clone(), (*dates.iter().max()?).clone()))
}

/// A node's best source: the most trusted, then the latest, then the first listed.
fn best_source(g: &KnowledgeGraph, n: NodeIx) -> Option<&crate::model::Source> {
    let sources = g.node(n).sources.iter().filter_map(|id| g.dataset.sources.get(id));
    sources.rev().max_by(|a, b| (a.tier, &a.date).cmp(&(b.tier, &b.date)))
}

/// The numbers an edge carries, for its label: its share, an amount (with its date), a stake.
fn edge_numbers(g: &KnowledgeGraph, e: EdgeIx) -> Vec<String> {
    let edge = g.edge(e);
    let more = edge.more();
    let num = |v: f64| format_float(v).trim_end_matches(".0").to_string();
    let float = |key: &str| match more.props.get(key) {
        Some(crate::model::Value::Float(v)) => Some(*v),
        Some(crate::model::Value::Int(v)) => Some(*v as f64),
        _ => None,
    };
    let mut out = Vec::new();
    if let Some(share) = edge.share_pct {
        out.push(format!("{}%", num(share)));
    }
    for (key, unit) in [("amount_usd", 1e9), ("contract_usd", 1e9)] {
        if let Some(v) = float(key).map(|v| v / unit) {
            let when =
                more.since.as_ref().or(more.as_of.as_ref()).map(|d| format!(" ({d})")).unwrap_or_default();
            out.push(format!("${}B{when}", num(v)));
        }
    }
    if let Some(v) = float("stake_pct") {
        out.push(format!("{}% stake", num(v)));
    }
    out
}

fn caption(title: &str, legend: &[String], footer: Option<String>) -> Attribute {
    // The title's first part in large type; what follows its last ": " (counts, notes) below it.
    let (head, detail) = match title.rsplit_once(": ") {
        Some((h, d)) if title.starts_with("aikg: ") && h.len() > 6 => (h, Some(d)),
        _ => (title, None),
    };
    let mut rows =
        format!("<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"16\"><B>{}</B></FONT></TD></TR>", html(head));
    if let Some(d) = detail {
        rows.push_str(&format!(
            "<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"11\">{}</FONT></TD></TR>",
            html(d)
        ));
    }
    for line in legend {
        rows.push_str(&format!("<TR><TD ALIGN=\"LEFT\">{line}</TD></TR>"));
    }
    if let Some(f) = footer {
        rows.push_str(&format!(
            "<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\" COLOR=\"#555555\">{}</FONT></TD></TR>",
            html(&f)
        ));
    }
    html_attr(
        "label",
        format!("<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"1\" CELLPADDING=\"1\">{rows}</TABLE>"),
    )
}

/// The footer line for a picture of `nodes`: their sources' dates and the command.
pub fn footer_text(g: &KnowledgeGraph, nodes: Vec<NodeIx>, command: Option<String>) -> String {
    let sub = Subgraph { nodes, edges: Vec::new(), title: String::new(), focus: None, tiered: false };
    let opts = Options { command, ..Options::default() };
    footer(source_dates(g, &sub), &opts).unwrap_or_default()
}

fn footer(dates: Option<(String, String)>, opts: &Options) -> Option<String> {
    let mut parts = Vec::new();
    if let Some((a, b)) = dates {
        parts.push(if a == b { format!("Sources dated {a}") } else { format!("Sources dated {a} to {b}") });
    }
    if let Some(c) = &opts.command {
        parts.push(format!("drawn by: {c}"));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The selected nodes and edges, supply flowing left to right: one column per supply tier (the
/// focus alone in its column), a fill colour per layer, a shape per kind, a colour and line style
/// per relation; parallel edges merged; labels only on edges that carry a number (or all, with
/// `edge_labels`); past `max_nodes`, the rest collapsed into "+N more" boxes named in the title;
/// a legend and a footer with the sources' dates and the command.
pub fn subgraph(g: &KnowledgeGraph, sub: &Subgraph, opts: &Options) -> String {
    let schema = &g.dataset.schema;
    let p = plan::plan(g, sub, opts.max_nodes, opts.all_edges);
    let mut what = sub.title.clone();
    if p.collapsed > 0 {
        what.push_str(&format!(
            "; {} of them collapsed into \"+N more\" boxes (--max-nodes 0 draws them all)",
            p.collapsed
        ));
    }
    if p.skipped > 0 {
        what.push_str(&format!(
            "; {} edges that skip a tier or stay within one left out (--all-edges draws them)",
            p.skipped
        ));
    }
    let print_theme = opts.theme == Theme::Print;
    let mut stmts = vec![
        Stmt::GAttribute(GraphAttributes::Graph(vec![
            attr("rankdir", "LR"),
            attr("fontname", FONT),
            attr("labelloc", "t"),
            attr("labeljust", "l"),
            attr("nodesep", "0.22"),
            attr("ranksep", "1.1"),
            // Straight segments: measured, fewer crossings than curved splines (0.41 against 0.54
            // per edge on io.net's focus view).
            attr("splines", "polyline"),
            attr("mclimit", "10"),
            attr("bgcolor", "#ffffff"),
        ])),
        node_defaults(),
        Stmt::GAttribute(GraphAttributes::Edge(vec![
            attr("fontname", FONT),
            attr("fontsize", "8"),
            attr("fontcolor", "#333333"),
            attr("arrowsize", "0.6"),
        ])),
    ];
    // Everything in the graph itself: a cluster around the drawing (to hold a footer) costs
    // crossings, so the footer is the caption's last line.
    let mut drawing = Vec::new();
    let footer_line = footer(source_dates(g, sub), opts);
    let item_id = |i: usize| match &p.items[i].0 {
        plan::Item::Node(n) => g.node(*n).id.0.clone(),
        plan::Item::Group { .. } => format!("more-{i}"),
        plan::Item::Alike(members) => g.node(members[0]).id.0.clone(),
    };
    let mut columns: std::collections::BTreeMap<i64, Vec<Stmt>> = std::collections::BTreeMap::new();
    for (i, (item, rank)) in p.items.iter().enumerate() {
        let stmt = match item {
            plan::Item::Node(n) => {
                let node = g.node(*n);
                let layer = schema.layer(&node.layer);
                let shape = schema.kind(&node.kind).map_or("box", |k| k.shape.as_str());
                let fill =
                    if print_theme { "#ffffff" } else { layer.map_or("#ffffff", |l| l.color.as_str()) };
                let label = with_tickers(g, &p, *n, name_in(&node.name, node.name_zh.as_deref(), opts.lang));
                let tooltip =
                    node.summary.clone().unwrap_or_else(|| format!("{} ({})", node.name, node.kind));
                let focus = Some(*n) == p.focus;
                let border = if focus { "#222222".to_string() } else { darker(fill) };
                let mut attrs = vec![
                    attr("label", &label),
                    attr("shape", shape),
                    attr("fillcolor", fill),
                    attr("color", &border),
                    attr("tooltip", &tooltip),
                ];
                if let Some(src) = best_source(g, *n) {
                    attrs.push(attr("URL", &safe_url(&src.url)));
                    attrs.push(attr("target", "_blank"));
                }
                if focus {
                    attrs.push(attr("penwidth", "2.4"));
                    attrs.push(attr("fontsize", "12"));
                }
                Stmt::Node(Node::new(node_id(&item_id(i)), attrs))
            }
            plan::Item::Alike(members) => {
                let n = members[0];
                let node = g.node(n);
                let layer = schema.layer(&node.layer);
                let shape = schema.kind(&node.kind).map_or("box", |k| k.shape.as_str());
                let fill =
                    if print_theme { "#ffffff" } else { layer.map_or("#ffffff", |l| l.color.as_str()) };
                let names: Vec<String> = members
                    .iter()
                    .map(|&m| {
                        let x = g.node(m);
                        with_tickers(g, &p, m, name_in(&x.name, x.name_zh.as_deref(), opts.lang))
                            .replace('\n', " ")
                    })
                    .collect();
                let tooltip: Vec<String> = members
                    .iter()
                    .map(|&m| {
                        let x = g.node(m);
                        format!("{}: {}", x.name, x.summary.as_deref().unwrap_or(&x.kind))
                    })
                    .collect();
                Stmt::Node(Node::new(
                    node_id(&item_id(i)),
                    vec![
                        attr("label", &names.join("\n")),
                        attr("shape", shape),
                        attr("fillcolor", fill),
                        attr("color", &darker(fill)),
                        attr("tooltip", &tooltip.join("\n")),
                    ],
                ))
            }
            plan::Item::Group { kind, members } => {
                let names: Vec<&str> = members.iter().map(|&m| g.node(m).name.as_str()).collect();
                Stmt::Node(Node::new(
                    node_id(&item_id(i)),
                    vec![
                        attr("label", &format!("+{} more {}", members.len(), plan::plural(kind))),
                        attr("shape", "box"),
                        attr("style", "dashed,rounded"),
                        attr("color", "#888888"),
                        attr("fontcolor", "#444444"),
                        attr("tooltip", &names.join(", ")),
                    ],
                ))
            }
        };
        columns.entry(*rank).or_default().push(stmt);
    }
    // One `rank=same` group per column. Outside a tiered view an invisible anchor node chained
    // column to column keeps the columns in order even where no edge joins them (in a tiered
    // view every node has an edge to the next tier towards the focus, and anchors cost crossings).
    let anchored = !sub.tiered || opts.all_edges;
    let ranks: Vec<i64> = columns.keys().copied().collect();
    for (r, members) in columns {
        let mut column = vec![Stmt::Attribute(attr("rank", "same"))];
        if anchored {
            column.push(Stmt::Node(Node::new(
                node_id(&format!("_col{r}")),
                vec![
                    attr("style", "invis"),
                    attr("label", ""),
                    attr("width", "0"),
                    attr("height", "0"),
                    attr("fixedsize", "true"),
                ],
            )));
        }
        column.extend(members);
        drawing.push(Stmt::Subgraph(DotSubgraph { id: Id::Plain(format!("col{r}")), stmts: column }));
    }
    for w in ranks.windows(2).filter(|_| anchored) {
        drawing.push(edge(&format!("_col{}", w[0]), &format!("_col{}", w[1]), vec![attr("style", "invis")]));
    }
    for arrow in &p.arrows {
        // The first relation in schema order sets the look; the rest are named in the tooltip.
        let rels = arrow_relations(g, arrow);
        let first = rels.first().copied().unwrap_or("");
        let style = schema.relation(first).map_or("solid", |r| r.style.as_str());
        let mut attrs = style_attrs(style);
        attrs.push(attr("color", rel_colour(first, arrow.supply, opts.theme)));
        let mut label: Vec<String> = Vec::new();
        if opts.edge_labels {
            label.push(rels.join(", "));
        }
        if arrow.edges.len() == 1 {
            label.extend(edge_numbers(g, arrow.edges[0]));
        } else if arrow.edges.len() > 1 && matches!(p.items[arrow.from].0, plan::Item::Group { .. })
            || matches!(p.items[arrow.to].0, plan::Item::Group { .. })
        {
            attrs.push(attr("penwidth", &format!("{:.1}", (1.0 + (arrow.edges.len() as f64).ln()).min(3.0))));
        }
        if !label.is_empty() {
            attrs.push(attr("label", &label.join("\n")));
        }
        // An arrow to or from a shared box names the nodes it joins (up to 8 edges).
        let shared = |i: usize| !matches!(p.items[i].0, plan::Item::Node(_));
        let which = if (shared(arrow.from) || shared(arrow.to)) && arrow.edges.len() <= 8 {
            let mut pairs: Vec<String> = arrow
                .edges
                .iter()
                .map(|&e| {
                    let (_, a, b) = plan::oriented(g, e);
                    format!("{} → {}", g.node(a).name, g.node(b).name)
                })
                .collect();
            pairs.dedup();
            format!(": {}", pairs.join("; "))
        } else {
            String::new()
        };
        attrs.push(attr(
            "tooltip",
            &format!(
                "{} ({} edge{}){which}",
                rels.join(", "),
                arrow.edges.len(),
                if arrow.edges.len() == 1 { "" } else { "s" }
            ),
        ));
        if !arrow.supply {
            attrs.push(attr("constraint", "false"));
        }
        drawing.push(edge(&item_id(arrow.from), &item_id(arrow.to), attrs));
    }
    stmts.extend(drawing);
    let legend_lines = legend(g, sub, &p, opts);
    stmts.insert(
        0,
        Stmt::GAttribute(GraphAttributes::Graph(vec![caption(
            &format!("aikg: {what}"),
            &legend_lines,
            footer_line,
        )])),
    );
    print(&Graph::DiGraph { id: Id::Plain("aikg".into()), strict: false, stmts })
}

/// A label with the tickers of the tokens drawn in the node's box after its first line.
fn with_tickers(g: &KnowledgeGraph, p: &plan::Plan, n: NodeIx, label: String) -> String {
    let Some(tokens) = p.tokens.get(&n) else { return label };
    let tickers: Vec<String> = tokens
        .iter()
        .map(|&t| match g.node(t).props.get("ticker") {
            Some(crate::model::Value::Str(s)) if !s.is_empty() => s.clone(),
            _ => g.node(t).name.clone(),
        })
        .filter(|t| *t != g.node(n).name)
        .collect();
    if tickers.is_empty() {
        return label;
    }
    let t = format!(" ({})", tickers.join(", "));
    match label.split_once('\n') {
        Some((first, rest)) => format!("{first}{t}\n{rest}"),
        None => label + &t,
    }
}

/// An arrow's relations in schema order, each once; the first sets the arrow's look.
fn arrow_relations<'g>(g: &'g KnowledgeGraph, arrow: &plan::Arrow) -> Vec<&'g str> {
    let schema = &g.dataset.schema;
    let mut r: Vec<&str> = arrow.edges.iter().map(|&e| g.edge(e).rel.as_str()).collect();
    r.sort_by_key(|rel| schema.relations.iter().position(|x| x.id == *rel).unwrap_or(usize::MAX));
    r.dedup();
    r
}

fn style_attrs(style: &str) -> Vec<Attribute> {
    match style {
        "bold" => vec![attr("style", "solid"), attr("penwidth", "2.2")],
        other => vec![attr("style", other)],
    }
}

/// The legend's lines (HTML-like text): the layers' fill colours, the relations' lines, and in
/// the full legend the kinds' shapes.
fn legend(g: &KnowledgeGraph, sub: &Subgraph, p: &plan::Plan, opts: &Options) -> Vec<String> {
    if opts.legend == Legend::None {
        return Vec::new();
    }
    let schema = &g.dataset.schema;
    let mut lines = Vec::new();
    if opts.theme == Theme::Colour {
        let cells: Vec<String> = by_layer(g, sub)
            .iter()
            .map(|(l, _)| {
                format!(
                    "<FONT COLOR=\"{}\" POINT-SIZE=\"13\">█</FONT><FONT COLOR=\"{}\" POINT-SIZE=\"13\">█</FONT> {}",
                    html(&l.color),
                    html(&l.color),
                    html(&name_in(&l.name, l.name_zh.as_deref(), opts.lang).replace('\n', " "))
                )
            })
            .collect();
        lines.push(format!("<FONT POINT-SIZE=\"10\">Layers (fill):  {}</FONT>", cells.join("    ")));
    }
    // One entry per look (colour and line), naming the relations drawn in it: only the relations
    // some arrow is drawn in (the first of a merged arrow's relations).
    let mut looks: Vec<((&str, &str), Vec<&str>)> = Vec::new();
    for r in &schema.relations {
        let drawn = p.arrows.iter().any(|a| arrow_relations(g, a).first() == Some(&r.id.as_str()));
        if drawn {
            let look = (rel_colour(&r.id, r.supply.is_some(), opts.theme), r.style.as_str());
            match looks.iter_mut().find(|(l, _)| *l == look) {
                Some((_, names)) => names.push(&r.id),
                None => looks.push((look, vec![&r.id])),
            }
        }
    }
    let rels: Vec<String> = looks
        .iter()
        .map(|((colour, style), names)| {
            format!("<FONT COLOR=\"{colour}\">{}</FONT> {}", line_sample(style), html(&names.join(", ")))
        })
        .collect();
    if !rels.is_empty() {
        let note = if opts.edge_labels { "" } else { "; numbers are shares, amounts and stakes" };
        lines.push(format!(
            "<FONT POINT-SIZE=\"10\">Arrows run upstream to downstream{note}:  {}</FONT>",
            rels.join("   ")
        ));
    }
    if opts.legend == Legend::Full {
        let kinds: Vec<String> = schema
            .kinds
            .iter()
            .filter(|k| sub.nodes.iter().any(|&n| g.node(n).kind == k.id))
            .map(|k| format!("{} {}", html(&k.id), html(&k.shape)))
            .collect();
        lines.push(format!("<FONT POINT-SIZE=\"9\" COLOR=\"#555555\">Shapes:  {}</FONT>", kinds.join(", ")));
    }
    lines
}

/// The overview: one box per layer (and per segment of the edge and crypto layers) with its node count, and one arrow
/// per pair of boxes with the number of supply edges between them.
/// The overview leaves out links of at most this many supply edges, unless asked for all.
const THIN_LINK: usize = 3;

pub(crate) fn overview(g: &KnowledgeGraph, o: &Overview, opts: &Options) -> String {
    let schema = &g.dataset.schema;
    let what = format!(
        "overview of {} nodes and {} edges; arrows count supply edges, upstream to downstream",
        g.node_count(),
        g.dataset.edges.len()
    );
    let mut stmts = header();
    let all = Subgraph {
        nodes: (0..g.node_count()).collect(),
        edges: (0..g.dataset.edges.len()).collect(),
        title: String::new(),
        focus: None,
        tiered: false,
    };
    let mut note = Vec::new();
    if opts.legend != Legend::None {
        note.push(
            "<FONT POINT-SIZE=\"10\">One box per layer (the edge and crypto layers per segment), filled with the layer's colour; \
             an arrow's number and width: how many supply edges run between the two boxes \
             (\"12 (3 back)\": 12 the way the arrow points, 3 the other way)</FONT>"
                .to_string(),
        );
    }
    // Links both ways between two boxes become one arrow the way most edges run, with both
    // counts; links of at most THIN_LINK edges are left out unless all edges are asked for (a
    // summary reads by its thick arrows: with links of 2 edges drawn, the built-in data's overview
    // crossed 0.73 times per edge).
    let mut arrows: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut left_out = 0;
    for (&(a, b), &count) in &o.links {
        let back = o.links.get(&(b, a)).copied().unwrap_or(0);
        if back > count || (back == count && a > b) {
            continue;
        }
        if !opts.all_edges && count + back <= THIN_LINK {
            left_out += 1;
            continue;
        }
        arrows.push((a, b, count, back));
    }
    // Boxes with no arrow are named in the caption instead of floating beside the flow.
    let linked: std::collections::BTreeSet<usize> = arrows.iter().flat_map(|&(a, b, _, _)| [a, b]).collect();
    let mut unlinked = Vec::new();
    for (i, b) in o.boxes.iter().enumerate() {
        if !linked.contains(&i) {
            unlinked.push(format!("{} ({})", b.label, b.nodes));
            continue;
        }
        let color = schema.layer(&b.layer).map_or("#eeeeee", |l| l.color.as_str());
        let color = if opts.theme == Theme::Print { "#ffffff" } else { color };
        let name = name_in(&b.label, b.label_zh.as_deref(), opts.lang);
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
    let max = arrows.iter().map(|&(_, _, c, b)| c + b).max().unwrap_or(1).max(1) as f64;
    for &(a, b, count, back) in &arrows {
        let width = 0.6 + 3.4 * ((count + back) as f64).ln_1p() / max.ln_1p();
        let attrs = vec![
            attr("label", &if back > 0 { format!("{count} ({back} back)") } else { count.to_string() }),
            attr("penwidth", &format!("{width:.2}")),
            attr("fontsize", "10"),
            attr("color", "#555555"),
        ];
        stmts.push(edge(&format!("b{a}"), &format!("b{b}"), attrs));
    }
    if left_out > 0 {
        note.push(format!(
            "<FONT POINT-SIZE=\"10\">{left_out} links of {THIN_LINK} or fewer supply edges left out (--all-edges draws them)</FONT>"
        ));
    }
    if !unlinked.is_empty() {
        note.push(format!(
            "<FONT POINT-SIZE=\"10\">Not drawn, no supply arrow: {}</FONT>",
            html(&unlinked.join(", "))
        ));
    }
    stmts.push(Stmt::GAttribute(GraphAttributes::Graph(vec![caption(
        &format!("aikg: {what}"),
        &note,
        footer(source_dates(g, &all), opts),
    )])));
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
    fn urls_are_safe_to_copy_into_svg() {
        assert_eq!(safe_url("https://x.y/p?a=1&b=\"2\"|3"), "https://x.y/p?a=1&amp;b=%222%22|3");
        assert_eq!(safe_url("https://x.y/a b/中<'\\"), "https://x.y/a%20b/%E4%B8%AD%3C%27%5C");
    }

    #[test]
    fn darker_colours_stay_valid() {
        assert_eq!(darker("#ffffff"), "#b2b2b2");
        assert_eq!(darker("#000000"), "#000000");
        assert_eq!(darker("bad").len(), 7);
    }
}
