//! Mermaid `flowchart` text for Markdown reports: layers as subgraphs, a shape per kind where
//! Mermaid has one, dotted and thick links for the relation styles.

use super::{by_layer, drawn_reversed, layer_label, name_in, Lang, Legend, Options, Overview, Subgraph};
use crate::graph::KnowledgeGraph;
use crate::model::NodeIx;
use crate::table::format_float;

/// Label text for inside `["…"]` or `|…|`: Mermaid's entity codes for every character that
/// could end the label or be read as markup (`` ` `` too: a label in `` "`…`" `` is Markdown),
/// and `<br/>` for line breaks (`\r\n` and a lone `\r` are one line break each).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '|' => out.push_str("#124;"),
            '[' => out.push_str("#91;"),
            ']' => out.push_str("#93;"),
            '`' => out.push_str("#96;"),
            '\n' => out.push_str("<br/>"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' => out.push_str("<br/>"),
            c => out.push(c),
        }
    }
    out
}

/// Slugs that Mermaid's flowchart grammar reads as a keyword where a node id stands (`end` closes
/// the subgraph), found with Mermaid 11's parser.
const KEYWORDS: [&str; 10] =
    ["end", "graph", "flowchart", "subgraph", "style", "class", "click", "call", "href", "interpolate"];

/// A node's Mermaid id: the slug with `_` for `-` (slugs never contain `_`, so this is unique, and
/// Mermaid cannot misread it as `--`), and `_` after a keyword (a slug never ends in `-`).
fn node_id(slug: &str) -> String {
    let mut id = slug.replace('-', "_");
    if KEYWORDS.contains(&id.as_str()) {
        id.push('_');
    }
    id
}

/// A node declaration with the shape closest to the kind's DOT shape.
fn node(id: &str, shape: &str, label: &str) -> String {
    let l = escape(label);
    match shape {
        "cylinder" => format!("{id}[(\"{l}\")]"),
        "circle" | "doublecircle" => format!("{id}((\"{l}\"))"),
        "hexagon" => format!("{id}{{{{\"{l}\"}}}}"),
        "ellipse" | "oval" => format!("{id}([\"{l}\"])"),
        "note" | "folder" | "tab" => format!("{id}>\"{l}\"]"),
        _ => format!("{id}[\"{l}\"]"),
    }
}

fn arrow(style: &str, label: &str) -> String {
    let l = escape(label);
    match style {
        "dotted" | "dashed" => format!("-. \"{l}\" .->"),
        "bold" => format!("== \"{l}\" ==>"),
        _ => format!("-- \"{l}\" -->"),
    }
}

/// The title line of the YAML front matter. The title is a YAML double-quoted string, where `\`
/// starts an escape; Mermaid decodes its entity codes in the title as in labels.
fn title(text: &str) -> String {
    format!("title: \"{}\"", escape(text).replace('\\', "\\\\"))
}

/// A layer's name in the chosen language(s), on one line.
fn layer_name(layer: &crate::model::Layer, lang: Lang) -> String {
    match lang {
        Lang::Both => layer_label(layer),
        _ => name_in(&layer.name, layer.name_zh.as_deref(), lang),
    }
}

/// The legend: a subgraph with one box per drawn layer in its colour and one box naming the
/// relations drawn in each line style (the links carry their relation as well).
fn legend(g: &KnowledgeGraph, sub: &Subgraph, opts: &Options) -> String {
    if opts.legend == Legend::None {
        return String::new();
    }
    let schema = &g.dataset.schema;
    let heading = match opts.lang {
        Lang::En => "Legend",
        Lang::Zh => "图例",
        Lang::Both => "Legend 图例",
    };
    let mut out = format!("  subgraph Legend[\"{heading}\"]\n    direction LR\n");
    let mut styles = Vec::new();
    for (layer, _) in by_layer(g, sub) {
        let id = format!("Legend_{}", layer.id.replace('-', "_"));
        out.push_str(&format!("    {id}[\"{}\"]\n", escape(&layer_name(layer, opts.lang))));
        styles.push(format!("  style {id} fill:{},stroke:#888888\n", layer.color));
    }
    // Relations drawn, by the look of their links: thick, solid, dotted.
    let mut looks: Vec<(&str, Vec<&str>)> =
        vec![("━━ ", Vec::new()), ("── ", Vec::new()), ("┈┈ ", Vec::new())];
    for r in &schema.relations {
        if sub.edges.iter().any(|&e| g.edge(e).rel == r.id) {
            let k = match r.style.as_str() {
                "bold" => 0,
                "dotted" | "dashed" => 2,
                _ => 1,
            };
            looks[k].1.push(&r.id);
        }
    }
    let lines: Vec<String> = looks
        .iter()
        .filter(|(_, rels)| !rels.is_empty())
        .map(|(sample, rels)| format!("{sample}{}", rels.join(", ")))
        .collect();
    if !lines.is_empty() {
        let arrows = match opts.lang {
            Lang::Zh => "箭头：上游到下游",
            _ => "Arrows run upstream to downstream",
        };
        out.push_str(&format!(
            "    Legend_links[\"{}\"]\n",
            escape(&format!("{arrows}\n{}", lines.join("\n")))
        ));
        styles.push("  style Legend_links fill:#ffffff,stroke:#cccccc\n".to_string());
    }
    out.push_str("  end\n  style Legend fill:#ffffff,stroke:#cccccc\n");
    out.extend(styles);
    out
}

pub(crate) fn subgraph(g: &KnowledgeGraph, sub: &Subgraph, opts: &Options) -> String {
    let schema = &g.dataset.schema;
    let mut out = format!("---\n{}\n---\nflowchart LR\n", title(&format!("aikg: {}", sub.title)));
    let name = |n: NodeIx| node_id(&g.node(n).id.0);
    for (layer, members) in by_layer(g, sub) {
        let label = layer_name(layer, opts.lang);
        let id = format!("layer_{}", layer.id.replace('-', "_"));
        out.push_str(&format!("  subgraph {id}[\"{}\"]\n", escape(&label)));
        for n in members {
            let node_data = g.node(n);
            let shape = schema.kind(&node_data.kind).map_or("box", |k| k.shape.as_str());
            let label = name_in(&node_data.name, node_data.name_zh.as_deref(), opts.lang);
            out.push_str(&format!("    {}\n", node(&name(n), shape, &label)));
        }
        out.push_str("  end\n");
        out.push_str(&format!("  style {id} fill:{},stroke:#888888\n", layer.color));
    }
    for &e in &sub.edges {
        let edge = g.edge(e);
        let style = schema.relation(&edge.rel).map_or("solid", |r| r.style.as_str());
        let mut label = edge.rel.to_string();
        if let Some(share) = edge.share_pct {
            label.push_str(&format!(" {}%", format_float(share).trim_end_matches(".0")));
        }
        // Supply edges point downstream, as in the DOT diagrams; the label keeps the relation.
        let (from, to) = if drawn_reversed(g, e) { (edge.to, edge.from) } else { (edge.from, edge.to) };
        out.push_str(&format!("  {} {} {}\n", name(from), arrow(style, &label), name(to)));
    }
    out.push_str(&legend(g, sub, opts));
    out
}

pub(crate) fn overview(g: &KnowledgeGraph, o: &Overview, opts: &Options) -> String {
    let schema = &g.dataset.schema;
    let what = format!(
        "aikg: overview of {} nodes and {} edges; arrows count supply edges",
        g.node_count(),
        g.dataset.edges.len()
    );
    let mut out = format!("---\n{}\n---\nflowchart LR\n", title(&what));
    for (i, b) in o.boxes.iter().enumerate() {
        let name = name_in(&b.label, b.label_zh.as_deref(), opts.lang);
        out.push_str(&format!("  b{i}[\"{}<br/>{} nodes\"]\n", escape(&name), b.nodes));
        let color = schema.layer(&b.layer).map_or("#eeeeee", |l| l.color.as_str());
        out.push_str(&format!("  style b{i} fill:{color},stroke:#888888\n"));
    }
    for (&(a, b), &count) in &o.links {
        out.push_str(&format!("  b{a} -- \"{count}\" --> b{b}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_leaves_no_character_that_ends_a_label() {
        let e = escape("a \"q\" <b> & c | [x] #1\nnext");
        for bad in ['"', '<', '>', '|', '[', ']', '\n'] {
            assert!(!e.replace("<br/>", "").contains(bad), "{bad} in {e}");
        }
        assert_eq!(escape("英伟达"), "英伟达");
        assert_eq!(escape("#"), "#35;");
        assert_eq!(escape("`md`"), "#96;md#96;");
        assert_eq!(escape("a\r\nb\rc\\n"), "a<br/>b<br/>c\\n");
    }

    #[test]
    fn node_ids_are_never_keywords() {
        assert_eq!(node_id("io-net"), "io_net");
        assert_eq!(node_id("end"), "end_");
        assert_eq!(node_id("end-user"), "end_user");
        assert_eq!(node_id("style"), "style_");
    }

    #[test]
    fn titles_are_valid_yaml_double_quoted_strings() {
        assert_eq!(title("C:\\path \"x\" #1"), "title: \"C:\\\\path #quot;x#quot; #35;1\"");
    }
}
