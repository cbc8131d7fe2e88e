//! The map from node id to node index that the checks look each edge's ends up in.

use crate::model::{FastMap, NodeIx};

/// The longest id held in its key (longer ones are held on the heap).
const INLINE: usize = 22;

/// A node id as a map key. Ids of up to [`INLINE`] bytes (nearly all) are held in the key
/// itself, so that a lookup compares bytes in the table instead of following each candidate's
/// pointer to a heap copy: at a million edges, two of those memory accesses per edge end were a
/// quarter of an import's time.
#[derive(PartialEq, Eq)]
enum Key {
    Inline(u8, [u8; INLINE]),
    Heap(Box<str>),
}

impl Key {
    fn new(id: &str) -> Key {
        let bytes = id.as_bytes();
        match u8::try_from(bytes.len()) {
            Ok(len) if bytes.len() <= INLINE => {
                let mut inline = [0; INLINE];
                inline[..bytes.len()].copy_from_slice(bytes);
                Key::Inline(len, inline)
            }
            _ => Key::Heap(id.into()),
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Key::Inline(len, inline) => &inline[..usize::from(*len)],
            Key::Heap(id) => id.as_bytes(),
        }
    }
}

/// Hashes the id's bytes only (equal keys have equal bytes).
impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write(self.bytes());
    }
}

/// Each node's index by its id.
#[derive(Default)]
pub(crate) struct NodeIndex(FastMap<Key, NodeIx>);

impl NodeIndex {
    pub(crate) fn with_capacity(n: usize) -> NodeIndex {
        let mut map = FastMap::default();
        map.reserve(n);
        NodeIndex(map)
    }

    /// The index of the node with this id.
    pub(crate) fn get(&self, id: &str) -> Option<NodeIx> {
        self.0.get(&Key::new(id)).copied()
    }

    /// Records `id` at `ix`, unless a node already has it: then its index, and nothing changes.
    pub(crate) fn insert_new(&mut self, id: &str, ix: NodeIx) -> Option<NodeIx> {
        match self.0.entry(Key::new(id)) {
            std::collections::hash_map::Entry::Occupied(first) => Some(*first.get()),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(ix);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_ids_are_found_and_kept_apart() {
        let long = "a-node-id-longer-than-twenty-two-bytes";
        let mut index = NodeIndex::with_capacity(4);
        assert_eq!(index.insert_new("nvidia", 0), None);
        assert_eq!(index.insert_new(long, 1), None);
        assert_eq!(index.insert_new("", 2), None);
        assert_eq!(index.insert_new("nvidia", 3), Some(0));
        assert_eq!(index.insert_new(long, 4), Some(1));
        assert_eq!((index.get("nvidia"), index.get(long), index.get("")), (Some(0), Some(1), Some(2)));
        assert_eq!((index.get("nvidi"), index.get("nvidia\0"), index.get(&long[1..])), (None, None, None));
        let exactly = "x".repeat(INLINE);
        assert_eq!(index.insert_new(&exactly, 5), None);
        assert_eq!(index.get(&exactly), Some(5));
        assert_eq!(index.get(&"x".repeat(INLINE + 1)), None);
    }
}
