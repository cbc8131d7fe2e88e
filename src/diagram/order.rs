//! The order of the boxes within each column, and how many times the arrows between neighbouring
//! columns cross in it: the layered-drawing estimate the planner uses to judge whether a picture
//! will read (the drawn crossings are measured from Graphviz afterwards, see [`super::layout`]).
//!
//! An arrow that spans several columns passes through one waypoint per column it crosses; arrows
//! within one column are left out. The order is found by barycentre sweeps (each box at the mean
//! position of its neighbours in the column before, left to right and back), then, in drawings of up to
//! 600 segments, by sifting (each box in turn moved to the place in its column with the fewest crossings) until nothing improves.
//! Pure and deterministic: ties keep the previous order.

use std::collections::BTreeMap;

/// A layered graph: the column of each vertex (boxes first, then waypoints) and the segments
/// between neighbouring columns, left vertex first.
struct Layered {
    column: Vec<i64>,
    segments: Vec<(usize, usize)>,
}

impl Layered {
    fn new(columns: &[i64], arrows: &[(usize, usize)]) -> Layered {
        let mut column = columns.to_vec();
        let mut segments = Vec::new();
        for &(a, b) in arrows {
            let (a, b) = if column[a] <= column[b] { (a, b) } else { (b, a) };
            if column[a] == column[b] {
                continue;
            }
            let mut prev = a;
            for c in column[a] + 1..column[b] {
                column.push(c);
                segments.push((prev, column.len() - 1));
                prev = column.len() - 1;
            }
            segments.push((prev, b));
        }
        Layered { column, segments }
    }

    /// Crossings between the segments of one gap, for positions `pos`: pairs whose ends come in
    /// opposite orders, counted as inversions with a Fenwick tree.
    fn gap_crossings(&self, gap: &[(usize, usize)], pos: &[usize]) -> usize {
        let mut ends: Vec<(usize, usize)> = gap.iter().map(|&(a, b)| (pos[a], pos[b])).collect();
        ends.sort_unstable();
        let size = ends.iter().map(|e| e.1).max().map_or(0, |m| m + 1);
        let mut tree = vec![0usize; size + 1];
        let mut total = 0;
        for (seen, &(_, b)) in ends.iter().enumerate() {
            // Earlier segments (left end above, or level and right end above) ending at or above b.
            let mut at_most = 0;
            let mut i = b + 1;
            while i > 0 {
                at_most += tree[i];
                i &= i - 1;
            }
            total += seen - at_most;
            let mut i = b + 1;
            while i <= size {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
        total
    }

    /// The segments by gap (keyed by the left column).
    fn gaps(&self) -> BTreeMap<i64, Vec<(usize, usize)>> {
        let mut by_gap: BTreeMap<i64, Vec<(usize, usize)>> = BTreeMap::new();
        for &(a, b) in &self.segments {
            by_gap.entry(self.column[a]).or_default().push((a, b));
        }
        by_gap
    }
}

/// The most segments a drawing may have for its order to be improved by sifting.
const SIFT_LIMIT: usize = 600;

/// An order of the boxes within their columns and the crossings it leaves.
#[derive(Debug, Clone, PartialEq)]
pub struct Ordering {
    /// Column -> boxes from top to bottom.
    pub columns: BTreeMap<i64, Vec<usize>>,
    pub(crate) crossings: usize,
    /// Crossings per column gap, keyed by the left column.
    pub by_gap: BTreeMap<i64, usize>,
}

/// Orders boxes (given by their columns, in their initial order) joined by `arrows` (box index
/// pairs) to few crossings.
pub fn order(columns: &[i64], arrows: &[(usize, usize)]) -> Ordering {
    let l = Layered::new(columns, arrows);
    let n = l.column.len();
    let mut layers: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (v, &c) in l.column.iter().enumerate() {
        layers.entry(c).or_default().push(v);
    }
    let positions = |layers: &BTreeMap<i64, Vec<usize>>| {
        let mut pos = vec![0; n];
        for members in layers.values() {
            for (i, &v) in members.iter().enumerate() {
                pos[v] = i;
            }
        }
        pos
    };
    let mut left: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut right: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in &l.segments {
        right[a].push(b);
        left[b].push(a);
    }
    let gaps = l.gaps();
    let crossings = |pos: &[usize]| gaps.values().map(|g| l.gap_crossings(g, pos)).sum::<usize>();
    let mut best = layers.clone();
    let mut best_x = crossings(&positions(&layers));
    let keys: Vec<i64> = layers.keys().copied().collect();
    for sweep in 0..8 {
        let forward = sweep % 2 == 0;
        let seq: Vec<i64> = if forward { keys.clone() } else { keys.iter().rev().copied().collect() };
        for &c in &seq {
            let pos = positions(&layers);
            // `c` is one of `layers`' own keys.
            let members = layers.get_mut(&c).expect("column");
            let centre = |v: usize| {
                let nb = if forward { &left[v] } else { &right[v] };
                if nb.is_empty() {
                    pos[v] as f64
                } else {
                    nb.iter().map(|&m| pos[m] as f64).sum::<f64>() / nb.len() as f64
                }
            };
            let mut keyed: Vec<(f64, usize, usize)> =
                members.iter().map(|&v| (centre(v), pos[v], v)).collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            *members = keyed.into_iter().map(|(_, _, v)| v).collect();
        }
        let x = crossings(&positions(&layers));
        if x < best_x {
            best_x = x;
            best = layers.clone();
        }
    }
    // Sifting: each vertex to its best place in its column, while that helps.
    let mut layers = best;
    let mut current = best_x;
    // (Sifting costs a crossing count per place per vertex: big drawings keep the sweeps' order.)
    let rounds = if l.segments.len() <= SIFT_LIMIT { 6 } else { 0 };
    for _ in 0..rounds {
        if current == 0 {
            break;
        }
        let mut improved = false;
        for &c in &keys {
            // Only the two gaps beside the column change as a vertex moves in it.
            let near: Vec<&Vec<(usize, usize)>> = [c - 1, c].iter().filter_map(|k| gaps.get(k)).collect();
            let vertices = layers[&c].clone();
            for v in vertices {
                let mut pos = positions(&layers);
                let others = gaps.iter().filter(|(k, _)| **k != c - 1 && **k != c);
                let rest: usize = others.map(|(_, g)| l.gap_crossings(g, &pos)).sum();
                // `c` is one of `layers`' own keys, and `v` was read from that column.
                let members = layers.get_mut(&c).expect("column");
                let from = members.iter().position(|&m| m == v).expect("member");
                members.remove(from);
                let mut place = (usize::MAX, from);
                for at in 0..=members.len() {
                    members.insert(at, v);
                    for (i, &m) in members.iter().enumerate() {
                        pos[m] = i;
                    }
                    let x = rest + near.iter().map(|g| l.gap_crossings(g, &pos)).sum::<usize>();
                    members.remove(at);
                    if x < place.0 || (x == place.0 && at == from) {
                        place = (x, at);
                    }
                }
                members.insert(place.1, v);
                if place.0 < current {
                    improved = true;
                    current = place.0;
                }
            }
        }
        if !improved {
            break;
        }
    }
    let pos = positions(&layers);
    let by_gap: BTreeMap<i64, usize> =
        gaps.iter().map(|(&k, g)| (k, l.gap_crossings(g, &pos))).filter(|&(_, x)| x > 0).collect();
    let boxes = columns.len();
    let columns = layers
        .into_iter()
        .map(|(c, members)| (c, members.into_iter().filter(|&v| v < boxes).collect::<Vec<_>>()))
        .filter(|(_, m)| !m.is_empty())
        .collect();
    Ordering { columns, crossings: current, by_gap }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untangles_a_crossed_pair() {
        // 0 -> 3 and 1 -> 2 cross in the given order; reordering removes it.
        let o = order(&[0, 0, 1, 1], &[(0, 3), (1, 2)]);
        assert_eq!(o.crossings, 0);
        assert!(o.by_gap.is_empty());
    }

    #[test]
    fn counts_what_cannot_be_untangled() {
        // Two sources both joined to the same three targets: K(2,3) leaves 3 crossings.
        let o = order(&[0, 0, 1, 1, 1], &[(0, 2), (0, 3), (0, 4), (1, 2), (1, 3), (1, 4)]);
        assert_eq!(o.crossings, 3);
        assert_eq!(o.by_gap, BTreeMap::from([(0, 3)]));
    }

    #[test]
    fn long_arrows_pass_through_waypoints() {
        // 0 -> 4 spans two gaps; 1 -> 2 -> 3 is a chain; without reordering they would cross.
        let o = order(&[0, 0, 1, 2, 2], &[(1, 2), (2, 3), (0, 4)]);
        assert_eq!(o.crossings, 0);
        assert_eq!(o.columns.values().map(Vec::len).sum::<usize>(), 5);
    }
}
