//! One pass over every matching document that counts facets for all code families and, for
//! listings without a query, keeps every match so that a page can be cut in title order.

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::schema::Field;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyError};

/// The codes of every document as a bit set over the term ordinals, read once when the index is
/// opened. Counting facets is then a few bit operations per match: reading the multi-valued
/// `codes` column for every match took most of a broad query's time on a large pack.
pub struct CodeSets {
    /// At least one more than the highest ordinal any document carries.
    ordinals: usize,
    /// How many 64-bit words each document's set takes.
    words: usize,
    /// Per segment, in the searcher's segment order: `words` words per document.
    segments: Vec<Arc<[u64]>>,
}

/// More codes than any taxonomy holds. An ordinal past it means a damaged index, which is then
/// refused (and rebuilt from the database) rather than trusted to size memory.
const MAX_ORDINALS: u64 = 1 << 12;

impl CodeSets {
    /// Reads the `codes` column of every segment of `searcher`; the sets are valid for searches
    /// with this searcher only.
    pub fn read(searcher: &Searcher, codes: Field) -> tantivy::Result<CodeSets> {
        let name = searcher.schema().get_field_name(codes);
        let columns = searcher
            .segment_readers()
            .iter()
            .map(|segment| Ok((segment.max_doc(), segment.fast_fields().u64(name)?)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        // The column's maximum is an upper bound of its values, which is all the sizing needs.
        let ordinals = match columns.iter().map(|(_, column)| column.max_value()).max() {
            None => 0,
            Some(max) if max < MAX_ORDINALS => max as usize + 1,
            Some(max) => {
                return Err(TantivyError::InvalidArgument(format!(
                    "the codes column holds ordinal {max}, past the limit of {MAX_ORDINALS}"
                )));
            }
        };
        let words = ordinals.div_ceil(64).max(1);
        let segments = columns
            .iter()
            .map(|(max_doc, column)| {
                let mut bits = vec![0u64; *max_doc as usize * words];
                for doc in 0..*max_doc {
                    for ordinal in column.values_for_doc(doc) {
                        bits[doc as usize * words + ordinal as usize / 64] |= 1 << (ordinal % 64);
                    }
                }
                Arc::from(bits)
            })
            .collect();
        Ok(CodeSets {
            ordinals,
            words,
            segments,
        })
    }
}

pub struct MatchCollector<'a> {
    /// The codes of every document of the searcher this collector runs on.
    pub code_sets: &'a CodeSets,
    /// Keep every match with its title-order position, for listings without a query.
    pub keep_matches: bool,
    /// Count the matches scoring at least this much as `at_least`: with the ranking's tiers,
    /// these are the entries that match every word of the query.
    pub count_from: Option<f32>,
}

#[derive(Default)]
pub struct Matches {
    pub total: usize,
    /// How many matches scored at least the collector's `count_from`.
    pub at_least: usize,
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
    count_from: Option<f32>,
    words: usize,
    code_sets: Arc<[u64]>,
    ord: Option<Column<u64>>,
    matches: Matches,
}

impl Collector for MatchCollector<'_> {
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
            count_from: self.count_from,
            words: self.code_sets.words,
            code_sets: Arc::clone(&self.code_sets.segments[segment_ord as usize]),
            ord: if self.keep_matches {
                Some(fast.u64("ord")?)
            } else {
                None
            },
            matches: Matches {
                counts: vec![0; self.code_sets.ordinals],
                ..Matches::default()
            },
        })
    }

    fn requires_scoring(&self) -> bool {
        self.count_from.is_some()
    }

    fn merge_fruits(&self, fruits: Vec<Matches>) -> tantivy::Result<Matches> {
        let mut merged = Matches {
            counts: vec![0; self.code_sets.ordinals],
            ..Matches::default()
        };
        for m in fruits {
            merged.total += m.total;
            merged.at_least += m.at_least;
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

    fn collect(&mut self, doc: DocId, score: Score) {
        self.matches.total += 1;
        if self.count_from.is_some_and(|from| score >= from) {
            self.matches.at_least += 1;
        }
        let start = doc as usize * self.words;
        for (i, &word) in self.code_sets[start..start + self.words].iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                self.matches.counts[i * 64 + bits.trailing_zeros() as usize] += 1;
                bits &= bits - 1;
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
    use tantivy::collector::Count;
    use tantivy::query::AllQuery;
    use tantivy::schema::{FAST, INDEXED, Schema};
    use tantivy::{Index, TantivyDocument};

    /// An index in memory with one segment per batch, each document given as its codes.
    fn index_of(batches: &[&[&[u64]]]) -> (Searcher, Field) {
        let mut schema = Schema::builder();
        let codes = schema.add_u64_field("codes", FAST | INDEXED);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for batch in batches {
            for doc_codes in *batch {
                let mut doc = TantivyDocument::default();
                for &code in *doc_codes {
                    doc.add_u64(codes, code);
                }
                writer.add_document(doc).unwrap();
            }
            writer.commit().unwrap();
        }
        (index.reader().unwrap().searcher(), codes)
    }

    #[test]
    fn counts_every_code_of_every_match_across_segments() {
        let (searcher, codes) = index_of(&[&[&[0, 2], &[], &[70]], &[&[2, 70, 1]]]);
        assert_eq!(searcher.segment_readers().len(), 2);
        let code_sets = CodeSets::read(&searcher, codes).unwrap();
        let collector = MatchCollector {
            code_sets: &code_sets,
            keep_matches: false,
            count_from: None,
        };
        let (total, matches) = searcher.search(&AllQuery, &(Count, collector)).unwrap();
        assert_eq!((total, matches.total), (4, 4));
        let mut expected = vec![0; 71];
        for (code, n) in [(0, 1), (1, 1), (2, 2), (70, 2)] {
            expected[code] = n;
        }
        // The column's maximum only bounds the ordinals, so there may be more (empty) counts.
        assert_eq!(matches.counts[..71], expected);
        assert!(matches.counts[71..].iter().all(|&n| n == 0));
    }

    #[test]
    fn refuses_an_ordinal_no_taxonomy_could_hold() {
        let (searcher, codes) = index_of(&[&[&[3], &[MAX_ORDINALS]]]);
        let refused = CodeSets::read(&searcher, codes).err().expect("refused");
        assert!(refused.to_string().contains("past the limit"), "{refused}");
    }

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
