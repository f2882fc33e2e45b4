//! Resolves what a person typed to words the index really holds: the completions of a word still
//! being typed, and the corrections of a misspelt one. Search then scores these like any other
//! word, so ranking keeps following the fields (title above body) instead of treating every
//! approximate match alike.

use std::collections::BTreeMap;

use tantivy::Searcher;
use tantivy::schema::Field;

/// How many completions or corrections are used for one word.
const MAX_EXPANSIONS: usize = 12;
/// How many dictionary terms are looked at to choose them.
const MAX_SCAN: usize = 20_000;

/// True when the word is in the dictionary of `field`.
pub fn is_known(searcher: &Searcher, field: Field, word: &str) -> bool {
    searcher
        .doc_freq(&tantivy::Term::from_field_text(field, word))
        .unwrap_or(0)
        > 0
}

/// The words of `field` that begin with `prefix`, most frequent first.
pub fn completions(searcher: &Searcher, field: Field, prefix: &str) -> Vec<String> {
    scan(searcher, field, prefix, |term| {
        term.starts_with(prefix).then_some(true)
    })
}

/// The words of `field` within `distance` edits of `word`. Only words with the same first letter
/// are considered: a typo in the first letter is rare, and the limit keeps the scan short.
pub fn corrections(searcher: &Searcher, field: Field, word: &str, distance: u8) -> Vec<String> {
    let Some(first) = word.chars().next() else {
        return Vec::new();
    };
    let mut start = [0u8; 4];
    let start = first.encode_utf8(&mut start);
    scan(searcher, field, start, |term| {
        if !term.starts_with(first) {
            return None;
        }
        Some(within_distance(word, term, distance as usize))
    })
}

/// Walks the dictionary from `start` while `test` returns `Some`, keeping terms it accepts, and
/// returns the most frequent.
fn scan(
    searcher: &Searcher,
    field: Field,
    start: &str,
    test: impl Fn(&str) -> Option<bool>,
) -> Vec<String> {
    let mut found: BTreeMap<String, u32> = BTreeMap::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().range().ge(start.as_bytes()).into_stream() else {
            continue;
        };
        let mut scanned = 0;
        while scanned < MAX_SCAN && stream.advance() {
            scanned += 1;
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            match test(term) {
                None => break,
                Some(true) => {
                    *found.entry(term.to_string()).or_default() += stream.value().doc_freq
                }
                Some(false) => {}
            }
        }
    }
    let mut by_frequency: Vec<(String, u32)> = found.into_iter().collect();
    by_frequency.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    by_frequency
        .into_iter()
        .take(MAX_EXPANSIONS)
        .map(|(t, _)| t)
        .collect()
}

/// True when `a` and `b` are at most `max` edits apart, counting a swap of neighbours as one
/// edit (optimal string alignment distance).
pub fn within_distance(a: &str, b: &str, max: usize) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    let width = b.len() + 1;
    let mut rows = vec![vec![0usize; width]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        let (cur, prev, prev2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[cur][0] = i;
        let mut row_min = i;
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (rows[prev][j] + 1)
                .min(rows[cur][j - 1] + 1)
                .min(rows[prev][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(rows[prev2][j - 2] + 1);
            }
            rows[cur][j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return false;
        }
    }
    rows[a.len() % 3][b.len()] <= max
}

#[cfg(test)]
mod tests {
    use super::within_distance;

    #[test]
    fn distances() {
        assert!(within_distance("anxiety", "anxiety", 0));
        assert!(
            within_distance("anxeity", "anxiety", 1),
            "a swap is one edit"
        );
        assert!(within_distance("dyslexa", "dyslexia", 1));
        assert!(!within_distance("dyslxa", "dyslexia", 1));
        assert!(within_distance("dyslxa", "dyslexia", 2));
        assert!(within_distance("regulaton", "regulation", 1));
        assert!(!within_distance("cat", "dog", 2));
        assert!(within_distance("", "ab", 2));
        assert!(!within_distance("", "abc", 2));
    }

    mod properties {
        use proptest::prelude::*;

        use super::within_distance;

        /// The textbook optimal string alignment distance over a full matrix, to check the
        /// three-row version against.
        fn distance(a: &str, b: &str) -> usize {
            let a: Vec<char> = a.chars().collect();
            let b: Vec<char> = b.chars().collect();
            let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
            for (i, row) in d.iter_mut().enumerate() {
                row[0] = i;
            }
            for (j, cell) in d[0].iter_mut().enumerate() {
                *cell = j;
            }
            for i in 1..=a.len() {
                for j in 1..=b.len() {
                    let cost = usize::from(a[i - 1] != b[j - 1]);
                    d[i][j] = (d[i - 1][j] + 1)
                        .min(d[i][j - 1] + 1)
                        .min(d[i - 1][j - 1] + cost);
                    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                        d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                    }
                }
            }
            d[a.len()][b.len()]
        }

        proptest! {
            #[test]
            fn agrees_with_the_full_matrix(
                a in "[a-eé😀]{0,8}",
                b in "[a-eé😀]{0,8}",
                max in 0usize..4,
            ) {
                prop_assert_eq!(within_distance(&a, &b, max), distance(&a, &b) <= max);
            }

            #[test]
            fn any_unicode_without_panic(a in any::<String>(), b in any::<String>(), max in 0usize..3) {
                within_distance(&a, &b, max);
            }
        }
    }
}
