//! Kinds and relations as numbers, one per node and one per edge, built on first use: a traversal
//! tests a node's kind or an edge's relation by reading four bytes instead of its record.

use crate::model::Dataset;

/// The kind of every node and the relation of every edge, as numbers into sorted name lists.
pub struct Labels {
    /// The kinds, sorted.
    pub kinds: Vec<String>,
    /// Each node's kind, as its place in `kinds`.
    pub node_kind: Vec<u32>,
    /// The nodes of each kind (by place in `kinds`), in node order.
    pub of_kind: Vec<Vec<u32>>,
    /// The relations, sorted.
    pub rels: Vec<String>,
    /// Each edge's relation, as its place in `rels`.
    pub edge_rel: Vec<u32>,
}

impl Labels {
    pub(super) fn build(d: &Dataset) -> Labels {
        let kinds = sorted_names(d.nodes.iter().map(|n| &*n.kind));
        let node_kind = numbers(d.nodes.iter().map(|n| &*n.kind), &kinds);
        let mut of_kind = vec![Vec::new(); kinds.len()];
        for (ix, &k) in node_kind.iter().enumerate() {
            of_kind[k as usize].push(ix as u32);
        }
        let rels = sorted_names(d.edges.iter().map(|e| &*e.rel));
        let edge_rel = numbers(d.edges.iter().map(|e| &*e.rel), &rels);
        Labels { kinds, node_kind, of_kind, rels, edge_rel }
    }
}

/// The distinct names, sorted.
fn sorted_names<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen: std::collections::HashSet<(usize, usize)> = std::collections::HashSet::new();
    let mut set = std::collections::BTreeSet::new();
    for name in names {
        // Shared texts are looked at once (by address; a few hundred at most).
        let address = (name.as_ptr() as usize, name.len());
        if seen.contains(&address) {
            continue;
        }
        if seen.len() < 1024 {
            seen.insert(address);
        }
        set.insert(name);
    }
    set.into_iter().map(str::to_string).collect()
}

/// Each name's place in `sorted` (which holds every one of them, so the search finds it). Names
/// are mostly shared texts: their places are kept by address (a few hundred at most).
fn numbers<'a>(names: impl Iterator<Item = &'a str>, sorted: &[String]) -> Vec<u32> {
    let mut known: std::collections::HashMap<(usize, usize), u32> = std::collections::HashMap::new();
    names
        .map(|name| {
            let address = (name.as_ptr() as usize, name.len());
            if let Some(&at) = known.get(&address) {
                return at;
            }
            let at = sorted.binary_search_by(|s| s.as_str().cmp(name)).unwrap_or(0) as u32;
            if known.len() < 1024 {
                known.insert(address, at);
            }
            at
        })
        .collect()
}
