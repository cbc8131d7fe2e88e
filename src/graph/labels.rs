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
    let mut shared = Shared::default();
    let mut set = std::collections::BTreeSet::new();
    for name in names {
        // A shared text is looked at once.
        if shared.get(name).is_none() {
            shared.put(name, 0);
            set.insert(name);
        }
    }
    set.into_iter().map(str::to_string).collect()
}

/// Each name's place in `sorted` (which holds every one of them, so the search finds it).
fn numbers<'a>(names: impl Iterator<Item = &'a str>, sorted: &[String]) -> Vec<u32> {
    let mut shared = Shared::default();
    names
        .map(|name| {
            shared.get(name).unwrap_or_else(|| {
                let at = sorted.binary_search_by(|s| s.as_str().cmp(name)).unwrap_or(0) as u32;
                shared.put(name, at);
                at
            })
        })
        .collect()
}

/// Names already met, known by the address of their text: records share the text of their kind
/// or relation (the loaders intern them), so a few dozen addresses cover a whole dataset; a name
/// not shared is looked up each time (at most 64 are kept).
#[derive(Default)]
struct Shared(Vec<(usize, usize, u32)>);

impl Shared {
    fn get(&self, name: &str) -> Option<u32> {
        let (at, len) = (name.as_ptr() as usize, name.len());
        self.0.iter().find(|(a, l, _)| *a == at && *l == len).map(|(_, _, n)| *n)
    }

    fn put(&mut self, name: &str, n: u32) {
        if self.0.len() < 64 {
            self.0.push((name.as_ptr() as usize, name.len(), n));
        }
    }
}
