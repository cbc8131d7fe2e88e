//! [`Items`]: the nodes or edges of a dataset, held in a vector or decoded from the store in
//! chunks on first use, so that opening a large dataset builds no object per item.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// Items per chunk of a built sequence, as its iterator walks it.
const CHUNK: usize = 64;

/// Decodes chunk `c` of a stored sequence of chunks of `size` items: items `c * size ..`, up to
/// `size` of them.
pub type DecodeChunk<T> = Arc<dyn Fn(usize) -> Vec<T> + Send + Sync>;

/// Chunks per group of a stored sequence's table of chunks. A group's cells are made the first
/// time one of its chunks is read: opening a million items in chunks of 16 makes a thousand
/// groups, not 62,500 cells (2 MB written at every open).
const GROUP: usize = 64;

/// The cells of one group of chunks, each decoded on first use.
type Group<T> = Box<[OnceLock<Vec<T>>]>;

/// A change to one item, kept until its chunk is decoded ([`Items::update`]).
type Update<T> = Arc<dyn Fn(&mut T) + Send + Sync>;

/// A sequence of items, read like a slice (`len`, `iter`, `[i]`; an index past the end panics,
/// as a slice's does). Built in memory (loaded from text, generated, changed), or stored: each
/// chunk of items (as many as the store says) is decoded the first time one of its items is
/// read, and kept.
/// Changing a stored sequence as a whole (`retain`, `iter_mut`, `push`) decodes it all first and
/// holds it built from then on; changing one item decodes only its chunk.
pub struct Items<T> {
    /// The items, when built (empty while `stored` holds them).
    built: Vec<T>,
    stored: Option<Stored<T>>,
}

/// Items decoded from a store, chunk by chunk.
struct Stored<T> {
    len: usize,
    /// Items per chunk (the last may hold fewer).
    size: usize,
    /// The chunks, in groups of [`GROUP`] made on first use.
    groups: Box<[OnceLock<Group<T>>]>,
    decode: DecodeChunk<T>,
    /// Columns the store holds for the items (an edge's ends, say), read without decoding them.
    columns: Option<Arc<dyn std::any::Any + Send + Sync>>,
    /// Changes to items of chunks not decoded yet, by chunk: (place in the chunk, change), in
    /// the order they were made.
    pending: BTreeMap<usize, Vec<(usize, Update<T>)>>,
}

impl<T> Stored<T> {
    fn chunk(&self, c: usize) -> &[T] {
        self.cell(c).map_or(&[], |cell| cell.get_or_init(|| self.fill(c)))
    }

    /// How many chunks there are.
    fn chunk_count(&self) -> usize {
        self.len.div_ceil(self.size)
    }

    /// Chunk `c`'s cell, its group made if it was not.
    fn cell(&self, c: usize) -> Option<&OnceLock<Vec<T>>> {
        self.groups.get(c / GROUP)?.get_or_init(new_group).get(c % GROUP)
    }

    /// The same, to change.
    fn cell_mut(&mut self, c: usize) -> Option<&mut OnceLock<Vec<T>>> {
        let group = self.groups.get_mut(c / GROUP)?;
        if group.get().is_none() {
            let _ = group.set(new_group());
        }
        group.get_mut()?.get_mut(c % GROUP)
    }

    /// Whether chunk `c` is decoded (without making its group).
    fn is_decoded(&self, c: usize) -> bool {
        let group = self.groups.get(c / GROUP).and_then(OnceLock::get);
        group.and_then(|g| g.get(c % GROUP)).is_some_and(|cell| cell.get().is_some())
    }

    /// Chunk `c` decoded, held to its length (a decoder that returns the wrong number of items,
    /// from a forged store, cannot shift the items after it), with its pending changes made.
    fn fill(&self, c: usize) -> Vec<T> {
        let mut items = (self.decode)(c);
        items.truncate(self.len.saturating_sub(c * self.size).min(self.size));
        for (at, change) in self.pending.get(&c).into_iter().flatten() {
            if let Some(item) = items.get_mut(*at) {
                change(item);
            }
        }
        items
    }

    /// Every item, the decoded chunks moved out and the others decoded.
    fn into_vec(mut self) -> Vec<T> {
        let mut all = Vec::with_capacity(self.len);
        let count = self.chunk_count();
        let groups = std::mem::take(&mut self.groups).into_vec();
        for (g, group) in groups.into_iter().enumerate() {
            let mut cells = group.into_inner().map(Vec::from).unwrap_or_default().into_iter();
            for c in g * GROUP..((g + 1) * GROUP).min(count) {
                let decoded = cells.next().and_then(OnceLock::into_inner);
                all.extend(decoded.unwrap_or_else(|| self.fill(c)));
            }
        }
        all
    }
}

impl<T> Items<T> {
    /// `len` items decoded by `decode`, in chunks of `size` (at least one), on first use.
    pub fn stored(len: usize, size: usize, decode: DecodeChunk<T>) -> Self {
        let size = size.max(1);
        let groups = (0..len.div_ceil(size).div_ceil(GROUP)).map(|_| OnceLock::new()).collect();
        let stored = Stored { len, size, groups, decode, columns: None, pending: BTreeMap::new() };
        Items { built: Vec::new(), stored: Some(stored) }
    }

    /// The same, with `columns` the store holds for the items, readable through
    /// [`Items::columns`] for as long as the sequence is as stored.
    pub fn with_columns(mut self, columns: Arc<dyn std::any::Any + Send + Sync>) -> Self {
        if let Some(s) = &mut self.stored {
            s.columns = Some(columns);
        }
        self
    }

    /// The store's columns of type `C`, while the sequence is as stored: a change to the whole
    /// sequence (`retain`, `push`…) makes it built, and its columns go with the store.
    pub fn columns<C: 'static>(&self) -> Option<&C> {
        self.stored.as_ref()?.columns.as_ref()?.downcast_ref()
    }

    /// How many items there are.
    pub fn len(&self) -> usize {
        self.stored.as_ref().map_or(self.built.len(), |s| s.len)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Item `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&T> {
        match &self.stored {
            None => self.built.get(i),
            Some(s) if i >= s.len => None,
            Some(s) => s.chunk(i / s.size).get(i % s.size),
        }
    }

    /// Item `i`, to change, decoding only its chunk.
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        match &mut self.stored {
            None => self.built.get_mut(i),
            Some(s) if i >= s.len => None,
            Some(s) => {
                let c = i / s.size;
                if !s.is_decoded(c) {
                    let items = s.fill(c);
                    let _ = s.cell_mut(c)?.set(items);
                }
                let at = i % s.size;
                s.cell_mut(c)?.get_mut()?.get_mut(at)
            }
        }
    }

    /// Changes item `i` by `change`: now if it is built or its chunk decoded, else when its chunk
    /// is decoded (so that changing a few items of a stored sequence decodes none).
    pub fn update(&mut self, i: usize, change: impl Fn(&mut T) + Send + Sync + 'static) {
        match &mut self.stored {
            Some(s) if i < s.len && !s.is_decoded(i / s.size) => {
                s.pending.entry(i / s.size).or_default().push((i % s.size, Arc::new(change)));
            }
            _ => {
                if let Some(item) = self.get_mut(i) {
                    change(item);
                }
            }
        }
    }

    /// The items in order.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter { items: self, chunk: [].iter(), next_chunk: 0 }
    }

    /// The items as a vector, decoding those not decoded yet; the sequence is built from then on.
    pub fn to_mut(&mut self) -> &mut Vec<T> {
        if let Some(stored) = self.stored.take() {
            self.built = stored.into_vec();
        }
        &mut self.built
    }

    /// The items as a vector.
    pub fn into_vec(mut self) -> Vec<T> {
        std::mem::take(self.to_mut())
    }

    /// Keeps the items `keep` admits.
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.to_mut().retain(keep);
    }

    /// Changes every item.
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.to_mut().iter_mut()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: T) {
        self.to_mut().push(item);
    }

    /// How many chunks have been decoded, of how many (for tests and benchmarks).
    pub fn decoded(&self) -> (usize, usize) {
        match &self.stored {
            None => (self.built.len().div_ceil(CHUNK), self.built.len().div_ceil(CHUNK)),
            Some(s) => ((0..s.chunk_count()).filter(|&c| s.is_decoded(c)).count(), s.chunk_count()),
        }
    }

    fn chunk(&self, c: usize) -> &[T] {
        match &self.stored {
            None => self.built.get(c * CHUNK..).map_or(&[], |rest| &rest[..rest.len().min(CHUNK)]),
            Some(s) => s.chunk(c),
        }
    }

    /// Items per chunk.
    fn chunk_size(&self) -> usize {
        self.stored.as_ref().map_or(CHUNK, |s| s.size)
    }
}

/// The cells of a group of chunks, none decoded.
fn new_group<T>() -> Group<T> {
    (0..GROUP).map(|_| OnceLock::new()).collect()
}

/// The items of an [`Items`] in order.
pub struct Iter<'a, T> {
    items: &'a Items<T>,
    chunk: std::slice::Iter<'a, T>,
    next_chunk: usize,
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        loop {
            if let Some(item) = self.chunk.next() {
                return Some(item);
            }
            if self.next_chunk * self.items.chunk_size() >= self.items.len() {
                return None;
            }
            self.chunk = self.items.chunk(self.next_chunk).iter();
            self.next_chunk += 1;
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let done = self.next_chunk * self.items.chunk_size();
        let left = self.chunk.len() + self.items.len().saturating_sub(done);
        (left, Some(left))
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

impl<T> Clone for Iter<'_, T> {
    fn clone(&self) -> Self {
        Iter { items: self.items, chunk: self.chunk.clone(), next_chunk: self.next_chunk }
    }
}

impl<'a, T> IntoIterator for &'a Items<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

/// Indexing panics past the end, as a slice's does: the program indexes only with numbers taken
/// from the dataset's own lengths and columns (checked at open), never with input; `get` is the
/// checked form.
impl<T> std::ops::Index<usize> for Items<T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        match self.get(i) {
            Some(item) => item,
            None => panic!("index {i} out of range for {} items", self.len()),
        }
    }
}

impl<T> std::ops::IndexMut<usize> for Items<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        let len = self.len();
        match self.get_mut(i) {
            Some(item) => item,
            None => panic!("index {i} out of range for {len} items"),
        }
    }
}

impl<T> From<Vec<T>> for Items<T> {
    fn from(built: Vec<T>) -> Self {
        Items { built, stored: None }
    }
}

impl<T> FromIterator<T> for Items<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Items::from(iter.into_iter().collect::<Vec<T>>())
    }
}

impl<T> Default for Items<T> {
    fn default() -> Self {
        Items::from(Vec::new())
    }
}

impl<T: Clone> Clone for Items<T> {
    fn clone(&self) -> Self {
        let stored = self.stored.as_ref().map(|s| Stored {
            len: s.len,
            size: s.size,
            groups: s.groups.clone(),
            decode: s.decode.clone(),
            columns: s.columns.clone(),
            pending: s.pending.clone(),
        });
        Items { built: self.built.clone(), stored }
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: PartialEq> PartialEq for Items<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(len: usize) -> Items<usize> {
        Items::stored(len, 64, Arc::new(|c| (c * 64..(c + 1) * 64).collect()))
    }

    #[test]
    fn stored_items_read_like_a_vector_and_decode_only_what_is_read() {
        let items = stored(200);
        assert_eq!(items.len(), 200);
        assert_eq!(items.decoded(), (0, 4));
        assert_eq!(items[130], 130);
        assert_eq!(items.get(199), Some(&199));
        assert_eq!(items.get(200), None);
        assert_eq!(items.decoded(), (2, 4));
        assert_eq!(items.iter().len(), 200);
        assert!(items.iter().copied().eq(0..200));
        assert_eq!(items.decoded(), (4, 4));
        assert_eq!(items, Items::from((0..200).collect::<Vec<_>>()));
    }

    #[test]
    fn changes_decode_one_chunk_or_all() {
        let mut items = stored(100);
        items[70] = 8;
        assert_eq!(items.decoded(), (1, 2));
        assert_eq!(items[70], 8);
        items.retain(|&i| i % 2 == 0);
        // Built now: 50 items, one chunk's worth.
        assert_eq!((items.len(), items.decoded()), (50, (1, 1)));
        assert_eq!(items.into_vec()[35], 8);
    }

    #[test]
    fn updates_wait_for_their_chunk_and_keep_their_order() {
        let mut items = stored(200);
        items.update(5, |i| *i += 1000);
        items.update(5, |i| *i *= 2);
        items.update(150, |i| *i = 0);
        assert_eq!(items.decoded(), (0, 4));
        assert_eq!((items[5], items[6]), (2010, 6));
        assert_eq!(items.decoded(), (1, 4));
        // A decoded chunk changes at once; the rest wait until the sequence is built.
        items.update(6, |i| *i = 1);
        assert_eq!(items[6], 1);
        let all = items.clone().into_vec();
        assert_eq!((all[5], all[6], all[150], all[151]), (2010, 1, 0, 151));
        assert_eq!(items[150], 0);
    }

    #[test]
    fn a_decoder_that_returns_too_many_items_cannot_shift_the_rest() {
        let items: Items<usize> = Items::stored(70, 64, Arc::new(|c| vec![c; 200]));
        assert!(items.iter().copied().eq(std::iter::repeat_n(0, 64).chain(std::iter::repeat_n(1, 6))));
    }

    #[test]
    fn chunks_in_many_groups_read_and_change_in_order() {
        // 1,000 chunks of 2: sixteen groups, the last one partly used.
        let mut items: Items<usize> = Items::stored(1999, 2, Arc::new(|c| vec![2 * c, 2 * c + 1]));
        assert_eq!((items[1500], items.decoded()), (1500, (1, 1000)));
        items.update(1998, |i| *i = 0);
        items.update(3, |i| *i += 1);
        items[700] = 7;
        assert_eq!((items[1998], items[3], items.decoded()), (0, 4, (4, 1000)));
        let clone = items.clone();
        assert!(clone
            .iter()
            .enumerate()
            .all(|(n, &i)| i == n || [(3, 4), (700, 7), (1998, 0)].contains(&(n, i))));
        let all = items.into_vec();
        assert_eq!((all.len(), all[3], all[700], all[1997], all[1998]), (1999, 4, 7, 1997, 0));
    }

    #[test]
    fn chunks_of_one_item_decode_one_item_each() {
        let items: Items<usize> = Items::stored(5, 1, Arc::new(|c| vec![c * 10]));
        assert_eq!((items[3], items.decoded()), (30, (1, 5)));
        assert!(items.iter().copied().eq([0, 10, 20, 30, 40]));
        assert_eq!(items.iter().len(), 5);
        assert_eq!(items.decoded(), (5, 5));
    }
}
