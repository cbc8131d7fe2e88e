//! A deterministic generator of datasets shaped like a template dataset (by default the
//! built-in one), for benchmarks and tests at sizes the curated data does not reach.
//!
//! The template gives the shape: node classes (kind, layer, segment) with their frequencies, and
//! edge patterns (relation, from class, to class) with theirs. Nodes are shared among the classes
//! in proportion; each edge draws a pattern by frequency, then its two ends within their classes
//! with a skew towards the first members, so that a few hubs carry most edges, as a few foundries,
//! memory makers and clouds do in the real chain. Every edge obeys the schema, and there are no
//! self-loops and no duplicates. Same template, sizes and seed: same dataset, byte for byte.

use std::collections::{BTreeMap, HashSet};

use crate::model::*;

/// How strongly edge ends favour the first members of a class: an end is at position
/// `len * u^SKEW` for a uniform `u`, so the first 1% of a class gets about 18% of its ends.
const SKEW: f64 = 2.5;
/// The date of the one source of a generated dataset: fixed, so that the output depends on the
/// arguments alone.
const GEN_SOURCE_DATE: &str = "2026";

/// The largest sizes `generate` accepts: a dataset this size already takes several GB.
pub const MAX_NODES: usize = 10_000_000;
pub(crate) const MAX_EDGES: usize = 50_000_000;

/// Why no dataset could be generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GenError {
    /// The template has no edges to take a shape from.
    EmptyTemplate,
    /// More than [`MAX_NODES`] nodes or [`MAX_EDGES`] edges.
    TooLarge,
    /// Fewer nodes than the template has node classes.
    TooFewNodes {
        /// The template's node classes.
        classes: usize,
    },
    /// The nodes cannot hold that many distinct edges of the template's patterns.
    TooManyEdges {
        /// The edges placed before it stopped.
        placed: usize,
    },
}

/// A dataset of `nodes` nodes and `edges` edges in the shape of `template`.
pub fn generate(template: &Dataset, nodes: usize, edges: usize, seed: u64) -> Result<Dataset, GenError> {
    if nodes > MAX_NODES || edges > MAX_EDGES {
        return Err(GenError::TooLarge);
    }
    // Node classes and edge patterns, counted in the template; BTreeMaps keep the order stable.
    type Class<'a> = (&'a Sym, &'a Sym, Option<&'a Sym>);
    let mut class_count: BTreeMap<Class, usize> = BTreeMap::new();
    let mut pattern_count: BTreeMap<(&Sym, Class, Class), usize> = BTreeMap::new();
    for e in &template.edges {
        let (a, b) = (&template.nodes[e.from], &template.nodes[e.to]);
        let ca = (&a.kind, &a.layer, a.segment.as_ref());
        let cb = (&b.kind, &b.layer, b.segment.as_ref());
        *pattern_count.entry((&e.rel, ca, cb)).or_default() += 1;
        *class_count.entry(ca).or_default() += 1;
        *class_count.entry(cb).or_default() += 1;
    }
    if pattern_count.is_empty() {
        return Err(GenError::EmptyTemplate);
    }
    let classes: Vec<(Class, usize)> = class_count.into_iter().collect();
    if nodes < classes.len() {
        return Err(GenError::TooFewNodes { classes: classes.len() });
    }

    // Each class gets one node, then the rest in proportion to its weight (largest remainder).
    let weight_total: usize = classes.iter().map(|(_, w)| w).sum();
    let spare = nodes - classes.len();
    let mut sizes: Vec<usize> = classes.iter().map(|(_, w)| 1 + spare * w / weight_total).collect();
    let mut by_remainder: Vec<usize> = (0..classes.len()).collect();
    by_remainder.sort_by_key(|&i| (std::cmp::Reverse((spare * classes[i].1) % weight_total), i));
    let short = nodes - sizes.iter().sum::<usize>();
    for &i in by_remainder.iter().take(short) {
        sizes[i] += 1;
    }

    let source = SourceId("aikg-gen".into());
    // Every generated item cites the one source: one shared list.
    let cites: Cites = vec![source.clone()].into();
    let mut out_nodes = Vec::with_capacity(nodes);
    let generated: std::sync::Arc<str> = "generated".into();
    let mut first_of = Vec::with_capacity(classes.len());
    let mut per_kind: BTreeMap<&Sym, usize> = BTreeMap::new();
    for (((kind, layer, segment), _), &size) in classes.iter().zip(&sizes) {
        first_of.push(out_nodes.len());
        for _ in 0..size {
            let k = per_kind.entry(kind).or_default();
            *k += 1;
            let slug: String = kind
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
                .collect();
            out_nodes.push(Node {
                segment: segment.cloned(),
                name: format!("{kind} {k}"),
                sources: cites.clone(),
                origin: Origin { file: generated.clone(), line: 0 },
                ..Node::bare(format!("{slug}-{k}"), (*kind).clone(), (*layer).clone())
            });
        }
    }
    let class_ix: BTreeMap<Class, usize> = classes.iter().enumerate().map(|(i, (c, _))| (*c, i)).collect();
    let patterns: Vec<(&Sym, usize, usize)> =
        pattern_count.keys().map(|(rel, a, b)| (*rel, class_ix[a], class_ix[b])).collect();
    let mut cumulative = Vec::with_capacity(patterns.len());
    let mut sum = 0;
    for w in pattern_count.values() {
        sum += w;
        cumulative.push(sum);
    }

    let mut rng = SplitMix64(seed);
    let pick = |rng: &mut SplitMix64, class: usize| {
        let offset = (sizes[class] as f64 * rng.unit().powf(SKEW)) as usize;
        first_of[class] + offset.min(sizes[class] - 1)
    };
    let mut seen: HashSet<(usize, usize, usize)> = HashSet::with_capacity(edges);
    let mut out_edges = Vec::with_capacity(edges);
    let mut misses = 0usize;
    while out_edges.len() < edges {
        let at = rng.below(sum as u64) as usize;
        let p = cumulative.partition_point(|&c| c <= at);
        let (rel, a, b) = patterns[p];
        let (from, to) = (pick(&mut rng, a), pick(&mut rng, b));
        // Acquisitions run from a lower node number to a higher one, so that no node ends up
        // owning its own owner (real ownership has no loops).
        let backwards = rel.as_str() == crate::analysis::time::ACQUIRED && from > to;
        if from == to || backwards || !seen.insert((from, to, p)) {
            misses += 1;
            // Far more misses than edges means the space of distinct edges is nearly full.
            if misses > 100 + 20 * edges {
                return Err(GenError::TooManyEdges { placed: out_edges.len() });
            }
            continue;
        }
        out_edges.push(Edge {
            from,
            to,
            rel: rel.clone(),
            sources: cites.clone(),
            share_pct: None,
            extra: None,
        });
    }
    date(&template.schema, &mut out_nodes, &mut out_edges, seed);
    let mut sources = BTreeMap::new();
    sources.insert(
        source.clone(),
        Source {
            id: source,
            title: format!("Synthetic data from `aikg gen --nodes {nodes} --edges {edges} --seed {seed}`"),
            publisher: Some("aikg".into()),
            url: format!("https://example.org/aikg-gen?nodes={nodes}&edges={edges}&seed={seed}"),
            via: None,
            date: Some(GEN_SOURCE_DATE.into()),
            retrieved: None,
            // A generated graph cites no publication: its one source is weak by kind, as by domain.
            kind: "aggregator".into(),
            tier: Tier::Weak,
        },
    );
    Ok(Dataset {
        schema: template.schema.clone(),
        sources: sources.into(),
        nodes: out_nodes.into(),
        edges: out_edges.into(),
        prices: Vec::new(),
        observations: Vec::new(),
    })
}

/// Dates on a deterministic share of the nodes and edges, drawn from a stream of their own so
/// that the graph's shape does not depend on them, and consistent as `aikg check` wants them: an
/// edge begins no earlier than both its ends. Of the artifacts (chips, models…), 70% get a
/// release (2012-2025, to the month or the day); of the services (companies, clouds…), 50% a
/// founding year (1995-2022), and one in twenty of those an end. Of the edges, 55% get a `since`
/// (to the month) within both ends' lives, one in ten of those an `until` (ended), 2% are only `announced`, and 2% are
/// `ended` with no `until`. The dates all come before the generated source's (2026), the data's
/// today.
fn date(schema: &Schema, nodes: &mut [Node], edges: &mut [Edge], seed: u64) {
    let mut rng = SplitMix64(seed ^ 0x6461_7465_735f_6f6b);
    let mut start_year = vec![None; nodes.len()];
    let mut end_year = vec![None; nodes.len()];
    for (ix, n) in nodes.iter_mut().enumerate() {
        let artifact = schema.kind(&n.kind).is_some_and(|k| k.lifecycle.is_artifact());
        let roll = rng.below(100);
        if artifact && roll < 70 {
            let (y, m) = (2012 + rng.below(14), 1 + rng.below(12));
            n.start = Some(if roll < 10 {
                format!("{y}-{m:02}-{:02}", 1 + rng.below(28))
            } else {
                format!("{y}-{m:02}")
            });
            start_year[ix] = Some(y);
        } else if !artifact && roll < 50 {
            let y = 1995 + rng.below(28);
            n.start = Some(y.to_string());
            start_year[ix] = Some(y);
            if roll < 3 {
                let end = y + 1 + rng.below(3);
                n.end = Some(end.to_string());
                end_year[ix] = Some(end);
            }
        }
    }
    // One shared copy of each month and status.
    let mut names = Interner::default();
    for e in edges.iter_mut() {
        let roll = rng.below(100);
        let mut more = EdgeMore::default();
        // Within both ends' lives: from the year after either starts (clear of its month) to the
        // year either ends.
        let floor = start_year[e.from].max(start_year[e.to]).map_or(2014, |y| (y + 1).max(2014));
        let ceiling = [end_year[e.from], end_year[e.to]].into_iter().flatten().fold(2025, u64::min);
        if roll < 55 && floor <= ceiling {
            let (y, m) = (floor + rng.below(ceiling + 1 - floor), 1 + rng.below(12));
            more.since = Some(names.sym(&format!("{y}-{m:02}")));
            if roll < 6 {
                more.until = Some(names.sym(&format!("{}-{m:02}", (y + 1 + rng.below(3)).min(ceiling))));
                more.status = Some(names.sym("ended"));
            }
        } else if roll < 57 {
            more.status = Some(names.sym("announced"));
        } else if roll < 59 {
            more.status = Some(names.sym("ended"));
        }
        if more != EdgeMore::default() {
            e.extra = Some(std::sync::Arc::new(more));
        }
    }
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a small generator whose output depends only on the
/// seed, on every platform and in every version of aikg.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, n), n > 0 (multiply-shift; the bias is below 2^-32 for n < 2^32).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_valid_and_skewed() {
        let t = crate::testing::builtin();
        let a = generate(&t, 2_000, 6_000, 7).expect("generates");
        let b = generate(&t, 2_000, 6_000, 7).expect("generates");
        assert_eq!(crate::export::to_json(&a), crate::export::to_json(&b));
        assert_ne!(
            crate::export::to_json(&a),
            crate::export::to_json(&generate(&t, 2_000, 6_000, 8).unwrap())
        );
        assert_eq!((a.nodes.len(), a.edges.len()), (2_000, 6_000));
        // It loads without a single error: ids, kinds, relations, ends, no duplicates.
        let files = crate::export::to_toml(&a);
        let texts = crate::diag::Texts::of(files.iter().map(|(n, t)| (n, t)));
        crate::load::load(&texts).map_err(|e| format!("{e:?}")).expect("the generated data is valid");
        // Hubs: the busiest 1% of nodes carry far more than 1% of edge ends.
        let mut degree = vec![0usize; a.nodes.len()];
        for e in &a.edges {
            degree[e.from] += 1;
            degree[e.to] += 1;
        }
        degree.sort_unstable_by(|x, y| y.cmp(x));
        let top: usize = degree[..20].iter().sum();
        assert!(top * 100 / (2 * a.edges.len()) >= 10, "top 1% holds {top} of {} ends", 2 * a.edges.len());
    }

    #[test]
    fn impossible_sizes_are_errors() {
        let t = crate::testing::builtin();
        assert!(matches!(generate(&t, 3, 10, 1), Err(GenError::TooFewNodes { .. })));
        assert!(matches!(generate(&t, 200, 20_000, 1), Err(GenError::TooManyEdges { .. })));
    }
}
