//! How well a drawn diagram reads, measured from Graphviz `dot -Tplain` output: the share of
//! edges pointing downstream (left to right, as every diagram here is drawn with `rankdir=LR`),
//! the share of splines that never turn back, and the number of edge crossings per edge.
//! Nodes whose names start with `legend_` (a legend) or `_` (invisible column anchors) and the
//! edges touching them are left out.
//!
//! Pure: text in, numbers out; the caller runs `dot`.

use std::collections::BTreeMap;

/// A node of the drawn layout: its centre and size, in inches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlainNode {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) w: f64,
    pub(crate) h: f64,
}

/// An edge of the drawn layout: its tail and head node names and its spline's control points.
#[derive(Debug, Clone, PartialEq)]
pub struct PlainEdge {
    pub(crate) tail: String,
    pub(crate) head: String,
    pub(crate) points: Vec<(f64, f64)>,
}

/// A parsed `dot -Tplain` layout.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plain {
    pub(crate) nodes: BTreeMap<String, PlainNode>,
    pub(crate) edges: Vec<PlainEdge>,
}

/// The layout's numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayoutReport {
    pub(crate) nodes: usize,
    /// The number of edges laid out.
    pub edges: usize,
    /// Edges whose head lies to the right of their tail.
    pub downstream: usize,
    /// Edges whose head lies in the same column as their tail (neither way).
    pub level: usize,
    /// Edges whose spline never turns back along its main axis.
    pub monotone: usize,
    /// Points where two edges' splines cross, away from the nodes.
    pub crossings: usize,
}

impl LayoutReport {
    fn pct(part: usize, whole: usize) -> f64 {
        if whole == 0 {
            100.0
        } else {
            100.0 * part as f64 / whole as f64
        }
    }
    /// Percentage of edges pointing downstream (left to right).
    pub fn downstream_pct(&self) -> f64 {
        Self::pct(self.downstream, self.edges)
    }
    /// Percentage of edges that do not point upstream (downstream or level).
    pub fn not_backward_pct(&self) -> f64 {
        Self::pct(self.downstream + self.level, self.edges)
    }
    /// Percentage of splines that never turn back.
    pub fn monotone_pct(&self) -> f64 {
        Self::pct(self.monotone, self.edges)
    }
    /// Edge crossings per edge.
    pub fn crossings_per_edge(&self) -> f64 {
        if self.edges == 0 {
            0.0
        } else {
            self.crossings as f64 / self.edges as f64
        }
    }
    /// One line: `46 nodes, 103 edges: 94.2% downstream (97.1% not upstream), 66.0% monotone, 385 crossings (3.74 per edge)`.
    pub fn summary(&self) -> String {
        format!(
            "{} nodes, {} edges: {:.1}% downstream ({:.1}% not upstream), {:.1}% monotone, {} crossings ({:.2} per edge)",
            self.nodes,
            self.edges,
            self.downstream_pct(),
            self.not_backward_pct(),
            self.monotone_pct(),
            self.crossings,
            self.crossings_per_edge()
        )
    }
}

/// Splits a `-Tplain` line into fields: bare words, or double-quoted strings with `\"` and `\\`
/// escapes.
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&c) = chars.peek() else { break };
        let mut field = String::new();
        if c == '"' {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            if n != '"' && n != '\\' {
                                field.push('\\');
                            }
                            field.push(n);
                        }
                    }
                    '"' => break,
                    c => field.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                field.push(c);
                chars.next();
            }
        }
        out.push(field);
    }
    out
}

/// Parses `dot -Tplain` text. Lines it does not know are skipped; a malformed node or edge line
/// is an error naming the line.
pub fn parse_plain(text: &str) -> Result<Plain, String> {
    let mut plain = Plain::default();
    for (i, line) in text.lines().enumerate() {
        let f = fields(line);
        let num = |k: usize| -> Result<f64, String> {
            f.get(k)
                .and_then(|s| s.parse::<f64>().ok())
                .ok_or_else(|| format!("line {}: bad number in `{line}`", i + 1))
        };
        match f.first().map(String::as_str) {
            Some("node") => {
                let name = f.get(1).ok_or_else(|| format!("line {}: node without a name", i + 1))?;
                let node = PlainNode { x: num(2)?, y: num(3)?, w: num(4)?, h: num(5)? };
                plain.nodes.insert(name.clone(), node);
            }
            Some("edge") => {
                let (Some(tail), Some(head)) = (f.get(1), f.get(2)) else {
                    return Err(format!("line {}: edge without its two ends", i + 1));
                };
                let n = num(3)? as usize;
                let mut points = Vec::with_capacity(n);
                for k in 0..n {
                    points.push((num(4 + 2 * k)?, num(5 + 2 * k)?));
                }
                plain.edges.push(PlainEdge { tail: tail.clone(), head: head.clone(), points });
            }
            _ => {}
        }
    }
    Ok(plain)
}

/// Points along a spline given as Bézier control points (1 + 3k of them); fewer than 4 points
/// are taken as a polyline.
fn sample(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    if points.len() < 4 {
        return points.to_vec();
    }
    let mut out = vec![points[0]];
    let mut k = 0;
    while k + 3 < points.len() {
        let (p0, p1, p2, p3) = (points[k], points[k + 1], points[k + 2], points[k + 3]);
        const STEPS: usize = 12;
        for s in 1..=STEPS {
            let t = s as f64 / STEPS as f64;
            let u = 1.0 - t;
            let b = |a: f64, b: f64, c: f64, d: f64| {
                u * u * u * a + 3.0 * u * u * t * b + 3.0 * u * t * t * c + t * t * t * d
            };
            out.push((b(p0.0, p1.0, p2.0, p3.0), b(p0.1, p1.1, p2.1, p3.1)));
        }
        k += 3;
    }
    out
}

/// Where segments `a`–`b` and `c`–`d` cross properly, if they do.
fn intersect(a: (f64, f64), b: (f64, f64), c: (f64, f64), d: (f64, f64)) -> Option<(f64, f64)> {
    let r = (b.0 - a.0, b.1 - a.1);
    let s = (d.0 - c.0, d.1 - c.1);
    let den = r.0 * s.1 - r.1 * s.0;
    if den.abs() < 1e-12 {
        return None;
    }
    let t = ((c.0 - a.0) * s.1 - (c.1 - a.1) * s.0) / den;
    let u = ((c.0 - a.0) * r.1 - (c.1 - a.1) * r.0) / den;
    let open = |v: f64| v > 1e-9 && v < 1.0 - 1e-9;
    (open(t) && open(u)).then_some((a.0 + t * r.0, a.1 + t * r.1))
}

/// Tolerance, in inches, for "same column" and "turning back".
const EPS: f64 = 0.05;

/// Whether a polyline never turns back: along each axis it moves one way only (within EPS),
/// so it neither doubles back nor bulges around something in its way.
fn monotone(points: &[(f64, f64)]) -> bool {
    let one_way = |axis: fn(&(f64, f64)) -> f64| {
        let (Some(first), Some(last)) = (points.first(), points.last()) else { return true };
        let sign = if axis(last) >= axis(first) { 1.0 } else { -1.0 };
        // Track the furthest point reached; turning back means falling behind it by more than EPS.
        let mut best = f64::NEG_INFINITY;
        for p in points {
            let v = sign * axis(p);
            if v < best - EPS {
                return false;
            }
            best = best.max(v);
        }
        true
    };
    one_way(|p| p.0) && one_way(|p| p.1)
}

/// Measures a layout, leaving out the legend (nodes named `legend_…` and their edges).
pub fn measure(plain: &Plain) -> LayoutReport {
    let legend = |name: &str| name.starts_with("legend_") || name.starts_with('_');
    let nodes: BTreeMap<&str, &PlainNode> =
        plain.nodes.iter().filter(|(n, _)| !legend(n)).map(|(n, p)| (n.as_str(), p)).collect();
    let edges: Vec<&PlainEdge> =
        plain.edges.iter().filter(|e| !legend(&e.tail) && !legend(&e.head)).collect();
    let mut report = LayoutReport {
        nodes: nodes.len(),
        edges: edges.len(),
        downstream: 0,
        level: 0,
        monotone: 0,
        crossings: 0,
    };
    let lines: Vec<Vec<(f64, f64)>> = edges.iter().map(|e| sample(&e.points)).collect();
    for (e, line) in edges.iter().zip(&lines) {
        if let (Some(t), Some(h)) = (nodes.get(e.tail.as_str()), nodes.get(e.head.as_str())) {
            let dx = h.x - t.x;
            if dx > EPS {
                report.downstream += 1;
            } else if dx.abs() <= EPS {
                report.level += 1;
            }
        }
        if monotone(line) {
            report.monotone += 1;
        }
    }
    // A crossing counts only away from every node box (edges meet at their shared nodes).
    let inside_node = |p: (f64, f64)| {
        nodes.values().any(|n| (p.0 - n.x).abs() <= n.w / 2.0 && (p.1 - n.y).abs() <= n.h / 2.0)
    };
    for i in 0..lines.len() {
        for j in i + 1..lines.len() {
            for a in lines[i].windows(2) {
                for b in lines[j].windows(2) {
                    if let Some(p) = intersect(a[0], a[1], b[0], b[1]) {
                        if !inside_node(p) {
                            report.crossings += 1;
                        }
                    }
                }
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: &str = r#"graph 1 4 2
node a 0.5 1 0.5 0.5 a solid box black lightgrey
node "b c" 2 1 0.5 0.5 "b \"c\"" solid box black lightgrey
node d 2 0 0.5 0.5 d solid box black lightgrey
node legend_kind_0 3 3 0.5 0.5 x solid box black lightgrey
node legend_kind_1 3 2 0.5 0.5 x solid box black lightgrey
edge a "b c" 4 0.75 1 1.2 1 1.5 1 1.75 1 solid black
edge a d 4 0.75 1 1.2 0.5 1.5 0.3 1.75 0 solid black
edge d a 4 1.75 0 1.2 0.6 2.2 2 0.75 1.25 "x" 1 1 solid black
edge legend_kind_0 legend_kind_1 4 3 3 3 2.8 3 2.2 3 2 solid black
stop
"#;

    #[test]
    fn parses_quoted_names_and_skips_nothing_it_needs() {
        let p = parse_plain(PLAIN).unwrap();
        assert_eq!(p.nodes.len(), 5);
        assert!(p.nodes.contains_key("b c"));
        assert_eq!(p.edges.len(), 4);
        assert_eq!(p.edges[2].points.len(), 4);
        assert_eq!(fields(r#"node "a \"q\" \\ b" 1"#), ["node", r#"a "q" \ b"#, "1"]);
        assert!(parse_plain("node a x 1 1 1").is_err());
    }

    #[test]
    fn measures_direction_turning_and_crossings_without_the_legend() {
        let r = measure(&parse_plain(PLAIN).unwrap());
        assert_eq!((r.nodes, r.edges), (3, 3));
        assert_eq!(r.downstream, 2, "{r:?}");
        assert_eq!(r.level, 0);
        // d -> a goes right first, then back: it turns back.
        assert_eq!(r.monotone, 2);
        // d -> a's loop crosses a -> "b c" once, away from the nodes.
        assert!(r.crossings >= 1, "{r:?}");
        assert!(r.summary().starts_with("3 nodes, 3 edges: 66.7% downstream"));
    }

    #[test]
    fn straight_parallel_edges_do_not_cross() {
        let text = "node a 0 0 .2 .2\nnode b 2 0 .2 .2\nnode c 0 1 .2 .2\nnode d 2 1 .2 .2\n\
                    edge a b 2 0.1 0 1.9 0\nedge c d 2 0.1 1 1.9 1\nedge a d 2 0.1 0 1.9 1\n";
        let r = measure(&parse_plain(text).unwrap());
        assert_eq!((r.downstream, r.monotone, r.crossings), (3, 3, 0));
        let text = format!("{text}edge c b 2 0.1 1 1.9 0\n");
        assert_eq!(measure(&parse_plain(&text).unwrap()).crossings, 1);
    }

    #[test]
    fn splines_that_bulge_or_double_back_are_not_monotone() {
        assert!(monotone(&[(0.0, 0.0), (0.3, 1.0), (0.5, 2.0)]));
        assert!(!monotone(&[(0.0, 0.0), (0.3, 1.0), (0.0, 2.0)]));
        assert!(!monotone(&[(0.0, 0.0), (1.0, 0.5), (2.0, 0.0)]));
        assert!(!monotone(&[(0.0, 0.0), (0.0, 2.0), (0.0, 1.0), (0.0, 3.0)]));
    }
}
