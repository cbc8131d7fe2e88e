//! Counting neighbourhoods over the rows: how many nodes lie within a number of hops of a start,
//! with a visited bitset and a breadth-first queue kept from one call to the next.

use super::{Dir, KnowledgeGraph};
use crate::model::NodeIx;

/// Reusable state for [`Reach::count`]: one visited bit per node and the breadth-first queue.
/// Both are kept between calls, so a call costs the nodes and edges it visits (and, when it
/// visits many nodes, clearing the bitset: an eighth of a byte per node).
pub struct Reach<'g> {
    g: &'g KnowledgeGraph,
    seen: Vec<u64>,
    /// Every node reached, layer after layer; the layer being expanded is a range of it.
    queue: Vec<u32>,
}

impl<'g> Reach<'g> {
    /// A counter over `g`, its bitset sized to the graph and clear.
    pub fn new(g: &'g KnowledgeGraph) -> Self {
        Reach { g, seen: vec![0; g.node_count().div_ceil(64)], queue: Vec::new() }
    }

    /// How many distinct nodes lie within `depth` hops of `start` over every edge in `dir`, the
    /// start excluded: the length of [`KnowledgeGraph::neighbors`] with every relation followed,
    /// without finding the edge that reached each node or putting them in order (igraph's
    /// `neighborhood_size`, which counts the start too, is this plus one).
    pub fn count(&mut self, start: NodeIx, depth: usize, dir: Dir) -> usize {
        let Reach { g, seen, queue } = self;
        queue.clear();
        seen[start >> 6] |= 1 << (start & 63);
        queue.push(start as u32);
        let (mut from, mut to) = (0, 1);
        for _ in 0..depth {
            if from == to {
                break;
            }
            for i in from..to {
                let v = queue[i] as usize;
                let out = if dir.follows_out() { g.out.row(v) } else { &[] };
                let inc = if dir.follows_in() { g.inc.row(v) } else { &[] };
                for &(_, w) in out.iter().chain(inc) {
                    let (word, bit) = (w as usize >> 6, 1u64 << (w & 63));
                    if seen[word] & bit == 0 {
                        seen[word] |= bit;
                        queue.push(w);
                    }
                }
            }
            (from, to) = (to, queue.len());
        }
        // Clear what this call set: word by word when it reached few nodes, else all at once.
        if queue.len() < seen.len() / 8 {
            for &v in queue.iter() {
                seen[v as usize >> 6] = 0;
            }
        } else {
            seen.fill(0);
        }
        queue.len() - 1
    }
}

impl KnowledgeGraph {
    /// [`Reach::count`] for each start, with one set of buffers for all of them.
    pub fn neighborhood_sizes(&self, starts: &[NodeIx], depth: usize, dir: Dir) -> Vec<usize> {
        let mut reach = Reach::new(self);
        starts.iter().map(|&s| reach.count(s, depth, dir)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_the_sizes_of_the_neighbourhoods_call_after_call() {
        let mini = crate::testing::mini();
        let g =
            KnowledgeGraph::new(crate::gen::generate(&mini.dataset, 2000, 6000, 3).expect("small enough"));
        let mut reach = Reach::new(&g);
        // The same buffers for every call, in both orders of a repeated start, every direction
        // and depth: each count is the length of the full traversal.
        for dir in Dir::ALL {
            for depth in [0, 1, 2, 3, 6] {
                for start in (0..g.node_count()).step_by(97).chain([5, 5, 0]) {
                    let want = g.neighbors(start, depth, dir, &|_| true).len();
                    assert_eq!(reach.count(start, depth, dir), want, "{start} {depth} {dir:?}");
                }
            }
        }
        // Nothing is left marked: a bitset cleared word by word and one cleared whole agree.
        assert!(reach.seen.iter().all(|&w| w == 0));
        let starts: Vec<NodeIx> = (0..g.node_count()).step_by(13).collect();
        let sizes = g.neighborhood_sizes(&starts, 3, Dir::Both);
        let each: Vec<usize> =
            starts.iter().map(|&s| g.neighbors(s, 3, Dir::Both, &|_| true).len()).collect();
        assert_eq!(sizes, each);
    }

    #[test]
    fn a_start_alone_counts_nothing() {
        let g = crate::testing::mini();
        let fab = g.resolve("fabco").unwrap();
        let mut reach = Reach::new(&g);
        assert_eq!(reach.count(fab, 0, Dir::Both), 0);
        assert_eq!(reach.count(fab, 1, Dir::In), 0);
        assert_eq!(reach.count(fab, 5, Dir::Out), 1);
        assert_eq!(reach.count(fab, 5, Dir::Both), 2);
    }
}
