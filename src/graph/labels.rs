//! Kinds and relations as numbers, one per node and one per edge, built on first use: a traversal
//! tests a node's kind or an edge's relation by reading four bytes instead of its record.

use crate::model::{Dataset, Sym};

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
        // Read through the dataset's columns: a stored dataset decodes no record for them.
        let (kinds, node_kind) = numbered(d.node_kinds());
        let mut of_kind = vec![Vec::new(); kinds.len()];
        for (ix, &k) in node_kind.iter().enumerate() {
            of_kind[k as usize].push(ix as u32);
        }
        let (rels, edge_rel) = numbered(d.edge_rels());
        Labels { kinds, node_kind, of_kind, rels, edge_rel }
    }
}

/// The distinct names, sorted, and each name's place among them, in one pass: each name is
/// numbered in the order first met, then the numbers are mapped to the sorted places.
fn numbered<'a>(names: impl Iterator<Item = &'a Sym>) -> (Vec<String>, Vec<u32>) {
    let mut shared = Shared::default();
    let mut met: crate::model::FastMap<&str, u32> = crate::model::FastMap::default();
    let mut first: Vec<&str> = Vec::new();
    let numbers: Vec<u32> = names
        .map(|name| {
            let name = name.as_str();
            shared.get(name).unwrap_or_else(|| {
                let n = *met.entry(name).or_insert_with(|| {
                    first.push(name);
                    first.len() as u32 - 1
                });
                shared.put(name, n);
                n
            })
        })
        .collect();
    let mut order: Vec<usize> = (0..first.len()).collect();
    order.sort_unstable_by_key(|&n| first[n]);
    let mut place = vec![0u32; first.len()];
    for (at, &n) in order.iter().enumerate() {
        place[n] = at as u32;
    }
    let sorted = order.iter().map(|&n| first[n].to_string()).collect();
    (sorted, numbers.into_iter().map(|n| place[n as usize]).collect())
}

/// Names already met, known by the address of their text: records share the text of their kind
/// or relation (the loaders intern them), so a few dozen addresses cover a whole dataset. A
/// direct-mapped table of 256 addresses: a name whose slot holds another is looked up again (and
/// takes the slot), which costs time, never a wrong number.
struct Shared(Vec<(usize, usize, u32)>);

impl Default for Shared {
    fn default() -> Self {
        Shared(vec![(0, usize::MAX, 0); 256])
    }
}

impl Shared {
    fn slot(name: &str) -> usize {
        ((name.as_ptr() as usize as u64 >> 3).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize
    }

    fn get(&self, name: &str) -> Option<u32> {
        let (at, len, n) = self.0[Self::slot(name)];
        (at == name.as_ptr() as usize && len == name.len()).then_some(n)
    }

    fn put(&mut self, name: &str, n: u32) {
        self.0[Self::slot(name)] = (name.as_ptr() as usize, name.len(), n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_name_each_record_s_kind_and_relation() {
        let d = crate::testing::builtin();
        let l = Labels::build(&d);
        assert!(l.kinds.windows(2).all(|w| w[0] < w[1]) && l.rels.windows(2).all(|w| w[0] < w[1]));
        for (ix, n) in d.nodes.iter().enumerate() {
            assert_eq!(l.kinds[l.node_kind[ix] as usize], *n.kind);
            assert!(l.of_kind[l.node_kind[ix] as usize].contains(&(ix as u32)));
        }
        for (ix, e) in d.edges.iter().enumerate() {
            assert_eq!(l.rels[l.edge_rel[ix] as usize], *e.rel);
        }
        assert_eq!(l.of_kind.iter().map(Vec::len).sum::<usize>(), d.nodes.len());
        // Read from the store's columns, the same numbers.
        let stored = crate::cache::decode(&crate::cache::encode(&d, b"stamp"), b"stamp").expect("decodes");
        let s = Labels::build(&stored);
        assert_eq!(
            (s.kinds, s.node_kind, s.of_kind, s.rels, s.edge_rel),
            (l.kinds, l.node_kind, l.of_kind, l.rels, l.edge_rel)
        );
    }
}
