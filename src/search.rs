//! Fuzzy search over the names a person may type: ids, names, Chinese names, aliases, tickers.

use crate::graph::{node_keys, KnowledgeGraph};
use crate::model::NodeIx;

/// One search hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub(crate) node: NodeIx,
    /// 0-100, higher is better.
    pub score: u32,
    /// The name that matched best.
    pub matched: String,
}

/// Scores one typed string against one name: exact 100, prefix 90, word prefix 85, substring 75,
/// otherwise a Jaro-Winkler similarity above 0.8 scaled into 40-70. `None` if it does not match.
pub fn score(query: &str, name: &str) -> Option<u32> {
    let q = query.trim().to_lowercase();
    let n = name.to_lowercase();
    if q.is_empty() {
        return None;
    }
    if n == q {
        return Some(100);
    }
    if n.starts_with(&q) {
        return Some(90);
    }
    if n.split(|c: char| !c.is_alphanumeric()).any(|w| !w.is_empty() && w.starts_with(&q)) {
        return Some(85);
    }
    if n.contains(&q) {
        return Some(75);
    }
    let jw = strsim::jaro_winkler(&q, &n);
    (jw >= 0.8).then(|| 40 + ((jw - 0.8) / 0.2 * 30.0).round() as u32)
}

/// All nodes that match, best first, then by id.
pub fn search(g: &KnowledgeGraph, query: &str) -> Vec<Hit> {
    let mut hits: Vec<Hit> = (0..g.node_count())
        .filter_map(|ix| {
            node_keys(g.node(ix))
                .filter_map(|k| score(query, k).map(|s| (s, k)))
                // Best score; among equals, the first key (id before name before aliases).
                .fold(None, |best: Option<(u32, &str)>, (s, k)| match best {
                    Some((b, _)) if b >= s => best,
                    _ => Some((s, k)),
                })
                .map(|(score, k)| Hit { node: ix, score, matched: k.to_string() })
        })
        .collect();
    hits.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| g.node(a.node).id.cmp(&g.node(b.node).id)));
    hits
}

#[cfg(test)]
mod tests {
    use super::score;

    #[test]
    fn scores_rank_exact_prefix_word_substring_fuzzy() {
        assert_eq!(score("h100", "H100"), Some(100));
        assert_eq!(score("sk", "SK hynix"), Some(90));
        assert_eq!(score("hynix", "SK hynix"), Some(85));
        assert_eq!(score("ynix", "SK hynix"), Some(75));
        assert!(score("nvidai", "nvidia").unwrap() >= 40);
        assert_eq!(score("zzz", "nvidia"), None);
        assert_eq!(score("  ", "nvidia"), None);
        assert_eq!(score("台积", "台积电"), Some(90));
    }
}
