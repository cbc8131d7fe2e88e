//! Mermaid `flowchart` text for Markdown reports: layers as subgraphs, a shape per kind where
//! Mermaid has one, dotted and thick links for the relation styles.

use super::{by_layer, drawn_reversed, layer_label, node_label, Overview, Subgraph};
use crate::graph::KnowledgeGraph;
use crate::model::NodeIx;
use crate::table::format_float;

/// Label text for inside `["…"]` or `|…|`: Mermaid's entity codes for every character that
/// could end the label or be read as markup, and `<br/>` for line breaks.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '|' => out.push_str("#124;"),
            '[' => out.push_str("#91;"),
            ']' => out.push_str("#93;"),
            '\n' => out.push_str("<br/>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
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

pub fn subgraph(g: &KnowledgeGraph, sub: &Subgraph) -> String {
    let schema = &g.dataset.schema;
    let mut out = format!("---\ntitle: \"aikg: {}\"\n---\nflowchart LR\n", escape(&sub.title));
    // Slugs never contain `_`, so this is unique, and Mermaid cannot misread it as `--`.
    let name = |n: NodeIx| g.node(n).id.0.replace('-', "_");
    for (layer, members) in by_layer(g, sub) {
        let label = layer_label(layer);
        let id = format!("layer_{}", layer.id.replace('-', "_"));
        out.push_str(&format!("  subgraph {id}[\"{}\"]\n", escape(&label)));
        for n in members {
            let node_data = g.node(n);
            let shape = schema.kind(&node_data.kind).map_or("box", |k| k.shape.as_str());
            let label = node_label(node_data);
            out.push_str(&format!("    {}\n", node(&name(n), shape, &label)));
        }
        out.push_str("  end\n");
        out.push_str(&format!("  style {id} fill:{},stroke:#888888\n", layer.color));
    }
    for &e in &sub.edges {
        let edge = g.edge(e);
        let style = schema.relation(&edge.rel).map_or("solid", |r| r.style.as_str());
        let mut label = edge.rel.clone();
        if let Some(share) = edge.share_pct {
            label.push_str(&format!(" {}%", format_float(share).trim_end_matches(".0")));
        }
        // Supply edges point downstream, as in the DOT diagrams; the label keeps the relation.
        let (from, to) = if drawn_reversed(g, e) { (edge.to, edge.from) } else { (edge.from, edge.to) };
        out.push_str(&format!("  {} {} {}\n", name(from), arrow(style, &label), name(to)));
    }
    out
}

pub fn overview(g: &KnowledgeGraph, o: &Overview) -> String {
    let schema = &g.dataset.schema;
    let mut out = format!(
        "---\ntitle: \"aikg: overview of {} nodes and {} edges; arrows count supply edges\"\n---\nflowchart LR\n",
        g.node_count(),
        g.dataset.edges.len()
    );
    for (i, b) in o.boxes.iter().enumerate() {
        let name = match &b.label_zh {
            Some(zh) => format!("{}\n{zh}", b.label),
            None => b.label.clone(),
        };
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
    }
}
