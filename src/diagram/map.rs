//! The market map: one tile per segment of a layer (for the crypto layer: compute, training,
//! data, storage, …), the layer's projects and companies inside with their token tickers.
//!
//! Ordering rule: tiles in the schema's segment order; inside a tile, entries with more edges in
//! the whole graph first (the better connected, the more of the chain they touch), then by name.
//! A token is folded into the entry of the project that issues it (its ticker shown there); a
//! token no drawn project issues is an entry of its own.

use std::collections::{BTreeMap, BTreeSet};

use super::dot::{html, FONT};
use super::{name_in, Lang};
use crate::graph::KnowledgeGraph;
use crate::model::{NodeIx, Value};

/// One entry of a tile.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub(crate) node: NodeIx,
    pub(crate) name: String,
    pub(crate) name_zh: Option<String>,
    /// Ticker symbols: the node's own, then those of the tokens it issues (sorted).
    pub tickers: Vec<String>,
    pub(crate) degree: usize,
}

/// One tile: a segment and its entries, in the order of the module's rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    pub(crate) segment: String,
    pub(crate) entries: Vec<Entry>,
}

/// A market map: one layer's segments, each with its nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct MarketMap {
    pub(crate) layer: String,
    pub(crate) layer_name: String,
    pub(crate) layer_zh: Option<String>,
    pub(crate) color: String,
    pub(crate) tiles: Vec<Tile>,
}

fn ticker(g: &KnowledgeGraph, n: NodeIx) -> Option<String> {
    match g.node(n).props.get("ticker") {
        Some(Value::Str(t)) if !t.is_empty() => Some(t.clone()),
        _ => None,
    }
}

/// The map of `layer` (a layer id the caller has checked).
pub fn market_map(g: &KnowledgeGraph, layer: &str) -> MarketMap {
    let schema = &g.dataset.schema;
    let l = schema.layer(layer);
    let mut degree = vec![0usize; g.node_count()];
    // Tokens issued by a node of the layer: folded into their issuer.
    let mut issued: BTreeMap<NodeIx, BTreeSet<String>> = BTreeMap::new();
    let mut folded: BTreeSet<NodeIx> = BTreeSet::new();
    for e in &g.dataset.edges {
        degree[e.from] += 1;
        degree[e.to] += 1;
        if e.rel.as_str() == "ISSUES" && g.node(e.from).layer.as_str() == layer {
            if let Some(t) = ticker(g, e.to) {
                issued.entry(e.from).or_default().insert(t);
            }
            folded.insert(e.to);
        }
    }
    let segments: Vec<String> = l.map(|l| l.segments.clone()).unwrap_or_default();
    let mut tiles: Vec<Tile> =
        segments.iter().map(|s| Tile { segment: s.clone(), entries: Vec::new() }).collect();
    let mut other = Tile { segment: "other".to_string(), entries: Vec::new() };
    for (n, node) in g.dataset.nodes.iter().enumerate() {
        if node.layer.as_str() != layer || folded.contains(&n) {
            continue;
        }
        let mut tickers: Vec<String> = ticker(g, n).into_iter().collect();
        for t in issued.get(&n).into_iter().flatten() {
            if !tickers.contains(t) {
                tickers.push(t.clone());
            }
        }
        let entry = Entry {
            node: n,
            name: node.name.clone(),
            name_zh: node.name_zh.clone(),
            tickers,
            degree: degree[n],
        };
        let tile = node.segment.as_ref().and_then(|s| tiles.iter_mut().find(|t| t.segment == s.as_str()));
        match tile {
            Some(t) => t.entries.push(entry),
            None => other.entries.push(entry),
        }
    }
    if !other.entries.is_empty() {
        tiles.push(other);
    }
    tiles.retain(|t| !t.entries.is_empty());
    for t in &mut tiles {
        t.entries.sort_by(|a, b| b.degree.cmp(&a.degree).then_with(|| a.name.cmp(&b.name)));
    }
    MarketMap {
        layer: layer.to_string(),
        layer_name: l.map_or_else(|| layer.to_string(), |l| l.name.clone()),
        layer_zh: l.and_then(|l| l.name_zh.clone()),
        color: l.map_or_else(|| "#eeeeee".to_string(), |l| l.color.clone()),
        tiles,
    }
}

fn entry_text(e: &Entry, lang: Lang) -> String {
    let name = name_in(&e.name, e.name_zh.as_deref(), lang).replace('\n', " ");
    if e.tickers.is_empty() {
        name
    } else {
        format!("{name} ({})", e.tickers.join(", "))
    }
}

/// Header colours of the tiles, in turn (a qualitative palette, distinct in print too).
const PALETTE: [&str; 12] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#b8860b", "#b07aa1", "#d4687a", "#9c755f",
    "#7f7f7f", "#4b8f8c", "#8c6bb1",
];

/// `color` mixed with white: `keep` of the colour.
fn tint(color: &str, keep: f64) -> String {
    let channel = |i: usize| u8::from_str_radix(color.get(i..i + 2).unwrap_or("cc"), 16).unwrap_or(0xcc);
    let mix = |c: u8| (f64::from(c) * keep + 255.0 * (1.0 - keep)).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(channel(1)), mix(channel(3)), mix(channel(5)))
}

/// The map as DOT: one HTML-like table of `COLUMNS` columns of about even height; the tiles in
/// order down the first column, then the next; each tile a coloured header (segment, count) over
/// its entries. In SVG each entry links to its node's best source and carries its summary as a
/// tooltip. `footer` goes under the map.
pub fn to_dot(g: &KnowledgeGraph, m: &MarketMap, lang: Lang, footer: &str) -> String {
    const COLUMNS: usize = 5;
    const WIDTH: usize = 230;
    let title = format!(
        "aikg: {} market map, {} segments, {} entries",
        name_in(&m.layer_name, m.layer_zh.as_deref(), lang).replace('\n', " "),
        m.tiles.len(),
        m.tiles.iter().map(|t| t.entries.len()).sum::<usize>()
    );
    let caption = format!(
        "<TABLE BORDER=\"0\" CELLSPACING=\"1\"><TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"18\"><B>{}</B></FONT></TD></TR>\
         <TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"10\">One tile per segment, in the schema's order down each column; tickers in brackets; \
         inside a tile the better connected first (edges in the graph), then by name</FONT></TD></TR></TABLE>",
        html(&title)
    );
    // Split the tiles, in order, into at most COLUMNS runs whose tallest is as short as can be.
    let heights: Vec<usize> = m.tiles.iter().map(|t| t.entries.len() + 2).collect();
    let columns = balanced_runs(&heights, COLUMNS);
    let mut cells = String::new();
    for col in &columns {
        let mut rows = String::new();
        for (k, &i) in col.iter().enumerate() {
            let t = &m.tiles[i];
            let head = PALETTE[i % PALETTE.len()];
            let body = tint(head, 0.14);
            if k > 0 {
                rows.push_str("<TR><TD HEIGHT=\"8\"></TD></TR>");
            }
            rows.push_str(&format!(
                "<TR><TD ALIGN=\"LEFT\" BGCOLOR=\"{head}\" WIDTH=\"{WIDTH}\"><FONT POINT-SIZE=\"13\" COLOR=\"#ffffff\"><B>{}</B>  {}</FONT></TD></TR>",
                html(&t.segment),
                t.entries.len()
            ));
            for e in &t.entries {
                let node = g.node(e.node);
                let tip = node.summary.clone().unwrap_or_else(|| node.name.clone());
                let href = node
                    .sources
                    .iter()
                    .filter_map(|id| g.dataset.sources.get(id))
                    .rev()
                    .max_by(|a, b| (a.tier, &a.date).cmp(&(b.tier, &b.date)))
                    .map(|s| format!(" HREF=\"{}\" TARGET=\"_blank\"", html(&super::dot::safe_url(&s.url))))
                    .unwrap_or_default();
                rows.push_str(&format!(
                    "<TR><TD ALIGN=\"LEFT\" BGCOLOR=\"{body}\"{href} TOOLTIP=\"{}\"><FONT POINT-SIZE=\"10\">{}</FONT></TD></TR>",
                    html(&tip),
                    html(&entry_text(e, lang))
                ));
            }
        }
        cells.push_str(&format!(
            "<TD VALIGN=\"TOP\"><TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\">{rows}</TABLE></TD>"
        ));
    }
    let mut out = String::from("digraph aikg_map {\n");
    out.push_str(&format!(
        "  graph [fontname=\"{FONT}\" bgcolor=\"#ffffff\" labelloc=\"t\" labeljust=\"l\" label=<{caption}>]\n"
    ));
    out.push_str(&format!("  node [fontname=\"{FONT}\" shape=\"plaintext\" margin=\"0\"]\n"));
    out.push_str(&format!(
        "  map [label=<<TABLE BORDER=\"0\" CELLSPACING=\"10\" CELLPADDING=\"0\"><TR>{cells}</TR>\
         <TR><TD COLSPAN=\"{}\" ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\" COLOR=\"#555555\">{}</FONT></TD></TR></TABLE>>]\n",
        columns.len(),
        html(footer)
    ));
    out.push_str("}\n");
    out
}

/// Splits `heights`, in order, into at most `k` non-empty runs so that the largest run sum is as
/// small as it can be (the linear partition problem, by dynamic programming); returns the runs'
/// indexes. Ties go to the earliest split.
fn balanced_runs(heights: &[usize], k: usize) -> Vec<Vec<usize>> {
    let n = heights.len();
    if n == 0 {
        return Vec::new();
    }
    let k = k.clamp(1, n);
    let prefix: Vec<usize> = std::iter::once(0)
        .chain(heights.iter().scan(0, |s, &h| {
            *s += h;
            Some(*s)
        }))
        .collect();
    // best[j][i]: the smallest largest sum splitting the first i heights into j runs.
    let mut best = vec![vec![usize::MAX; n + 1]; k + 1];
    let mut cut = vec![vec![0usize; n + 1]; k + 1];
    best[0][0] = 0;
    for j in 1..=k {
        for i in 1..=n {
            for c in (j - 1)..i {
                if best[j - 1][c] == usize::MAX {
                    continue;
                }
                let v = best[j - 1][c].max(prefix[i] - prefix[c]);
                if v < best[j][i] {
                    best[j][i] = v;
                    cut[j][i] = c;
                }
            }
        }
    }
    let mut runs = Vec::new();
    let mut i = n;
    for j in (1..=k).rev() {
        let c = cut[j][i];
        runs.push((c..i).collect::<Vec<usize>>());
        i = c;
    }
    runs.reverse();
    runs
}

/// The map as Markdown: a heading per tile and its entries, one line, in order.
pub fn to_markdown(m: &MarketMap, lang: Lang, footer: &str) -> String {
    let mut out = format!(
        "# {} market map\n\n",
        name_in(&m.layer_name, m.layer_zh.as_deref(), lang).replace('\n', " ")
    );
    out.push_str("| Segment | Count | Entries (tickers), the better connected first |\n|---|---:|---|\n");
    for t in &m.tiles {
        let names: Vec<String> = t.entries.iter().map(|e| entry_text(e, lang).replace('|', "\\|")).collect();
        out.push_str(&format!("| {} | {} | {} |\n", t.segment, t.entries.len(), names.join(", ")));
    }
    out.push_str(&format!("\n{footer}\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_balanced_and_in_order() {
        assert_eq!(balanced_runs(&[20, 13, 9, 6, 4], 2), vec![vec![0], vec![1, 2, 3, 4]]);
        assert_eq!(balanced_runs(&[5, 5, 5, 5], 2), vec![vec![0, 1], vec![2, 3]]);
        assert_eq!(balanced_runs(&[3], 5), vec![vec![0]]);
        assert!(balanced_runs(&[], 5).is_empty());
    }
}
