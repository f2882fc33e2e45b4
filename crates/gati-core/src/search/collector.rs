//! One pass over every matching document that counts facets for all code families and, for
//! listings without a query, keeps every match so that a page can be cut in title order.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

pub struct MatchCollector {
    /// How many distinct term ordinals exist.
    pub term_count: usize,
    /// Keep every match with its title-order position, for listings without a query.
    pub keep_matches: bool,
}

#[derive(Default)]
pub struct Matches {
    pub total: usize,
    pub counts: Vec<u32>,
    /// Title-order position and address of each match, when kept.
    pub listed: Vec<(u64, DocAddress)>,
}

impl Matches {
    /// The kept matches at positions `offset..offset + limit` of title order. Selecting before
    /// sorting keeps this linear in the number of matches.
    /// The kept matches are consumed.
    pub fn take_page_in_title_order(&mut self, offset: usize, limit: usize) -> Vec<DocAddress> {
        let mut listed = std::mem::take(&mut self.listed);
        let end = offset.saturating_add(limit).min(listed.len());
        if offset >= end {
            return Vec::new();
        }
        if end < listed.len() {
            listed.select_nth_unstable_by_key(end, |m| m.0);
            listed.truncate(end);
        }
        listed.sort_unstable_by_key(|m| m.0);
        listed[offset..end].iter().map(|m| m.1).collect()
    }
}

pub struct MatchSegmentCollector {
    segment: SegmentOrdinal,
    codes: Column<u64>,
    ord: Option<Column<u64>>,
    matches: Matches,
}

impl Collector for MatchCollector {
    type Fruit = Matches;
    type Child = MatchSegmentCollector;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<MatchSegmentCollector> {
        let fast = segment.fast_fields();
        Ok(MatchSegmentCollector {
            segment: segment_ord,
            codes: fast.u64("codes")?,
            ord: if self.keep_matches {
                Some(fast.u64("ord")?)
            } else {
                None
            },
            matches: Matches {
                total: 0,
                counts: vec![0; self.term_count],
                listed: Vec::new(),
            },
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Matches>) -> tantivy::Result<Matches> {
        let mut merged = Matches {
            total: 0,
            counts: vec![0; self.term_count],
            listed: Vec::new(),
        };
        for m in fruits {
            merged.total += m.total;
            for (a, b) in merged.counts.iter_mut().zip(&m.counts) {
                *a += b;
            }
            merged.listed.extend(m.listed);
        }
        Ok(merged)
    }
}

impl SegmentCollector for MatchSegmentCollector {
    type Fruit = Matches;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.matches.total += 1;
        for ordinal in self.codes.values_for_doc(doc) {
            if let Some(count) = self.matches.counts.get_mut(ordinal as usize) {
                *count += 1;
            }
        }
        if let Some(ord) = &self.ord {
            let position = ord.first(doc).unwrap_or(u64::MAX);
            self.matches
                .listed
                .push((position, DocAddress::new(self.segment, doc)));
        }
    }

    fn harvest(self) -> Matches {
        self.matches
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_in_title_order() {
        let positions = [9u64, 3, 7, 1, 5, 0, 8];
        let m = || -> Matches {
            Matches {
                listed: positions
                    .iter()
                    .map(|&p| (p, DocAddress::new(0, p as u32 * 10)))
                    .collect(),
                ..Default::default()
            }
        };
        let docs =
            |page: Vec<DocAddress>| page.into_iter().map(|a| a.doc_id / 10).collect::<Vec<_>>();
        assert_eq!(docs(m().take_page_in_title_order(0, 3)), [0, 1, 3]);
        assert_eq!(docs(m().take_page_in_title_order(3, 3)), [5, 7, 8]);
        assert_eq!(docs(m().take_page_in_title_order(6, 3)), [9]);
        assert!(m().take_page_in_title_order(7, 3).is_empty());
    }
}
