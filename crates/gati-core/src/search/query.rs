//! From what a person typed to a plan: which words to match, which may have typos, which is being
//! typed, and which taxonomy terms the words name through their synonyms.

use std::collections::HashMap;
use std::ops::Range;

use super::analyzer::{Word, WordSplitter, is_common_word, is_query_noise};
use crate::taxonomy::{Family, Taxonomy};

/// A word to match in the text fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedWord {
    pub raw: String,
    pub stem: String,
    /// The typo allowance: 1 edit from 5 letters, 2 from 9.
    pub distance: u8,
    /// Matched as a prefix too, because it is the last word and may not be finished.
    pub prefix: bool,
    /// A word so common in the pack's subject (school, disorder, syndrome) that matching it
    /// alone says nothing about an entry: it ranks, but cannot carry a result on its own.
    pub common: bool,
    /// Where the word stands among all the query's words, noise included.
    pub position: usize,
}

/// A taxonomy term named in the query by its label or one of its synonyms.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedTerm {
    pub family: Family,
    pub code: String,
    /// How much a match lifts an entry.
    pub weight: f32,
    /// The positions of the query words that name it.
    pub words: Range<usize>,
}

impl PlannedTerm {
    /// Whether the query word at `position` is part of the phrase that names this term, so
    /// that an entry carrying the term matches that word in meaning.
    pub fn covers(&self, position: usize) -> bool {
        self.words.contains(&position)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    pub words: Vec<PlannedWord>,
    pub terms: Vec<PlannedTerm>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.terms.is_empty()
    }

    /// The words that decide whether an entry is a result and how it ranks: all but the common
    /// ones. A common word only adds to the text score, and an entry without it misses nothing a
    /// person would notice ("attachment disorder" is about attachment).
    pub fn counted_words(&self) -> impl Iterator<Item = &PlannedWord> {
        self.words.iter().filter(|w| !w.common)
    }
}

pub fn typo_allowance(word: &str) -> u8 {
    match word.chars().count() {
        n if n >= 9 => 2,
        n if n >= 5 => 1,
        _ => 0,
    }
}

/// How much naming a term lifts entries tagged with it. Needs and what a family waits for are
/// what people search for; the other families mostly narrow.
fn term_weight(family: Family) -> f32 {
    match family {
        Family::Need | Family::WaitingFor => 3.0,
        Family::Area => 1.5,
        _ => 1.0,
    }
}

/// Every label and synonym of the taxonomy as a sequence of stems, found by its first stem.
pub struct SynonymTable {
    by_first: HashMap<String, Vec<(Vec<String>, Family, String)>>,
}

impl SynonymTable {
    pub fn new(taxonomy: &Taxonomy, splitter: &mut WordSplitter) -> SynonymTable {
        let mut by_first: HashMap<String, Vec<(Vec<String>, Family, String)>> = HashMap::new();
        for (family, term) in taxonomy.all_terms() {
            for phrase in std::iter::once(&term.label).chain(&term.synonyms) {
                let stems: Vec<String> =
                    splitter.split(phrase).into_iter().map(|w| w.stem).collect();
                if let Some(first) = stems.first() {
                    by_first.entry(first.clone()).or_default().push((
                        stems,
                        family,
                        term.code.clone(),
                    ));
                }
            }
        }
        SynonymTable { by_first }
    }

    /// The terms whose label or synonym appears as consecutive words of the query. A term named
    /// twice keeps the first phrase that names it.
    fn find(&self, words: &[Word]) -> Vec<PlannedTerm> {
        let mut found: Vec<PlannedTerm> = Vec::new();
        for i in 0..words.len() {
            let Some(candidates) = self.by_first.get(&words[i].stem) else {
                continue;
            };
            for (stems, family, code) in candidates {
                let matches = stems.len() <= words.len() - i
                    && stems.iter().zip(&words[i..]).all(|(s, w)| *s == w.stem);
                if matches && !found.iter().any(|t| t.family == *family && t.code == *code) {
                    found.push(PlannedTerm {
                        family: *family,
                        code: code.clone(),
                        weight: term_weight(*family),
                        words: i..i + stems.len(),
                    });
                }
            }
        }
        found
    }
}

/// Plans a query. `still_typing` is true when the text does not end in a space, so the last word
/// may be incomplete.
pub fn plan(query: &str, synonyms: &SynonymTable, splitter: &mut WordSplitter) -> Plan {
    let words = splitter.split(query);
    let terms = synonyms.find(&words);
    let still_typing = !query.ends_with(char::is_whitespace);

    let numbered = || words.iter().enumerate();
    let content: Vec<(usize, &Word)> = numbered()
        .filter(|(_, w)| !is_query_noise(&w.raw))
        .collect();
    // A query of noise words alone ("help") still means something: keep them.
    let kept: Vec<(usize, &Word)> = if content.is_empty() {
        numbered().collect()
    } else {
        content
    };
    // Common words stand aside only when another word can carry the result.
    let any_carrier = kept.iter().any(|(_, w)| !is_common_word(&w.raw));
    let last = words.len().checked_sub(1);
    let planned = kept
        .into_iter()
        .map(|(position, w)| PlannedWord {
            raw: w.raw.clone(),
            stem: w.stem.clone(),
            distance: typo_allowance(&w.raw),
            prefix: still_typing && Some(position) == last && w.raw.chars().count() >= 2,
            common: any_carrier && is_common_word(&w.raw),
            position,
        })
        .collect();
    Plan {
        words: planned,
        terms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taxonomy() -> Taxonomy {
        toml::from_str(include_str!("../../../../content/taxonomy.toml")).unwrap()
    }

    fn plan_of(q: &str) -> Plan {
        let mut splitter = WordSplitter::default();
        let table = SynonymTable::new(&taxonomy(), &mut splitter);
        plan(q, &table, &mut splitter)
    }

    #[test]
    fn question_words_do_not_sink_a_question() {
        let p = plan_of("my son won't go to school");
        let raws: Vec<&str> = p.words.iter().map(|w| w.raw.as_str()).collect();
        assert_eq!(raws, ["school"]);
        assert!(
            p.terms
                .iter()
                .any(|t| t.family == Family::Need && t.code == "school-attendance"),
            "{:?}",
            p.terms
        );
    }

    #[test]
    fn abbreviations_name_their_terms() {
        let p = plan_of("ASD visuals");
        assert!(
            p.terms
                .iter()
                .any(|t| t.family == Family::Need && t.code == "autism" && t.covers(0))
        );
        let p = plan_of("salt waiting list");
        assert!(p.terms.iter().any(|t| t.family == Family::WaitingFor
            && t.code == "speech-language-therapy"
            && t.covers(0)));
    }

    #[test]
    fn last_word_is_a_prefix_only_while_typing() {
        assert!(plan_of("visual tim").words.last().unwrap().prefix);
        assert!(!plan_of("visual tim ").words.last().unwrap().prefix);
        assert!(!plan_of("visual tim").words[0].prefix);
    }

    #[test]
    fn typo_allowance_follows_word_length() {
        assert_eq!(typo_allowance("adhd"), 0);
        assert_eq!(typo_allowance("worry"), 1);
        assert_eq!(typo_allowance("attention"), 2);
    }

    #[test]
    fn common_words_stand_aside_only_beside_a_carrier() {
        let p = plan_of("down syndrome");
        let common: Vec<(&str, bool)> =
            p.words.iter().map(|w| (w.raw.as_str(), w.common)).collect();
        assert_eq!(common, [("down", false), ("syndrome", true)]);
        let p = plan_of("school problems");
        assert!(p.words.iter().all(|w| !w.common), "{:?}", p.words);
    }

    #[test]
    fn noise_alone_is_kept() {
        let p = plan_of("help");
        assert_eq!(p.words.len(), 1);
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;
        use crate::testing::text_with_words;

        proptest! {
            /// Any query plans without panicking, and every planned word came from the query.
            #[test]
            fn any_query_plans(query in prop_oneof![text_with_words(), any::<String>()]) {
                let mut splitter = WordSplitter::default();
                let synonyms = SynonymTable::new(&taxonomy(), &mut splitter);
                let plan = plan(&query, &synonyms, &mut splitter);
                let words: Vec<String> =
                    splitter.split(&query).into_iter().map(|w| w.raw).collect();
                for w in &plan.words {
                    prop_assert!(words.contains(&w.raw));
                    prop_assert!(w.distance <= 2);
                }
            }
        }
    }
}
