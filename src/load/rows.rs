//! Node and edge rows handed to the checks one at a time, so that a large import never holds
//! all its raw rows (with their spans) beside the dataset being built from them.

use toml::Spanned;

use super::raw::{RawEdge, RawLayerFile, RawNode};
use crate::diag::Diagnostic;

/// A source of raw nodes, then raw edges, each with the file it comes from. Each row is dropped
/// once checked. Problems found while reading a row (a cell that does not parse) go to `diags`.
pub(crate) trait Rows {
    fn node(&mut self, diags: &mut Vec<Diagnostic>) -> Option<(usize, Spanned<RawNode>)>;
    fn edge(&mut self, diags: &mut Vec<Diagnostic>) -> Option<(usize, Spanned<RawEdge>)>;
    /// About how many nodes and edges will come (a hint to size collections by; 0 if unknown).
    fn expected(&self) -> (usize, usize) {
        (0, 0)
    }
}

/// The rows of parsed layer files (TOML, JSON), taken out of them in file order.
pub(crate) struct Listed {
    nodes: std::vec::IntoIter<(usize, Spanned<RawNode>)>,
    edges: std::vec::IntoIter<(usize, Spanned<RawEdge>)>,
}

impl Listed {
    pub(crate) fn take(files: &mut [(usize, RawLayerFile)]) -> Listed {
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        for (file, raw) in files.iter_mut() {
            nodes.extend(std::mem::take(&mut raw.node).into_iter().map(|n| (*file, n)));
            edges.extend(std::mem::take(&mut raw.edge).into_iter().map(|e| (*file, e)));
        }
        Listed { nodes: nodes.into_iter(), edges: edges.into_iter() }
    }
}

impl Rows for Listed {
    fn expected(&self) -> (usize, usize) {
        (self.nodes.len(), self.edges.len())
    }

    fn node(&mut self, _: &mut Vec<Diagnostic>) -> Option<(usize, Spanned<RawNode>)> {
        self.nodes.next()
    }

    fn edge(&mut self, _: &mut Vec<Diagnostic>) -> Option<(usize, Spanned<RawEdge>)> {
        self.edges.next()
    }
}
