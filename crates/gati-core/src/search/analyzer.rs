//! How text becomes searchable terms, the same way for the index, for queries and for snippets:
//! words split at anything that is not a letter or digit (apostrophes inside words are dropped, so
//! "won't" is "wont"), lower-cased, folded to ASCII, common English words removed, then stemmed.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, Stemmer,
    StopWordFilter, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// The name under which the index registers [`analyzer`].
pub const ANALYZER: &str = "gati_en";

/// Words too common to tell entries apart; the index does not hold them.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this",
    "to", "was", "will", "with",
];

/// Words that carry the shape of a question or a family's phrasing rather than its subject
/// ("what can I do for my son who..."). They are dropped from queries, but only when other words
/// remain, so that a query made of them alone still finds something.
const QUERY_NOISE: &[&str] = &[
    "what",
    "how",
    "who",
    "where",
    "when",
    "why",
    "which",
    "can",
    "could",
    "should",
    "would",
    "do",
    "does",
    "did",
    "doing",
    "i",
    "im",
    "ive",
    "my",
    "me",
    "we",
    "our",
    "us",
    "you",
    "your",
    "he",
    "she",
    "his",
    "her",
    "him",
    "them",
    "its",
    "son",
    "daughter",
    "child",
    "childs",
    "children",
    "kid",
    "kids",
    "boy",
    "girl",
    "help",
    "helps",
    "helping",
    "tips",
    "ideas",
    "advice",
    "please",
    "get",
    "gets",
    "got",
    "go",
    "goes",
    "going",
    "try",
    "trying",
    "has",
    "have",
    "having",
    "had",
    "am",
    "about",
    "really",
    "very",
    "just",
    "any",
    "some",
    "something",
    "things",
    "thing",
    "also",
    "because",
    "so",
    "too",
    "cant",
    "wont",
    "dont",
    "doesnt",
    "isnt",
    "not",
    "no",
    "struggling",
    "struggles",
    "struggle",
    "keeps",
    "always",
    "all",
    "now",
    "year",
    "old",
    "best",
    "good",
    "way",
    "ways",
    "know",
    // Words of a question or a wish rather than of its subject: with every word of a query
    // counting towards its rank, an entry must not drop for lacking "near" or "want".
    "near",
    "want",
    "wants",
    "wanted",
    "say",
    "tell",
    "told",
    "everything",
    "anything",
    "take",
    "takes",
    "long",
    "running",
    "run",
    "runs",
];

/// Words that almost every entry of a SEND pack could contain, so that a match on one of them
/// alone is a guess: "down syndrome" must not return tics entries for "syndrome", nor "eating
/// disorder" language-disorder entries.
const COMMON_WORDS: &[&str] = &[
    "syndrome",
    "syndromes",
    "disorder",
    "disorders",
    "difficulty",
    "difficulties",
    "problem",
    "problems",
    "issue",
    "issues",
    "condition",
    "conditions",
    "school",
    "schools",
    "support",
];

pub fn is_common_word(word: &str) -> bool {
    COMMON_WORDS.contains(&word)
}

pub fn is_query_noise(word: &str) -> bool {
    QUERY_NOISE.contains(&word) || STOP_WORDS.contains(&word)
}

/// The name under which the index registers [`words_analyzer`].
pub const WORDS_ANALYZER: &str = "gati_words";

/// Words as written, lower-cased and folded but not stemmed, for completing and correcting.
pub fn words_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The analyzer for indexed text fields.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|w| w.to_string()),
        ))
        .filter(Stemmer::new(Language::English))
        .build()
}

/// A word of a query or synonym: as typed (normalised) and stemmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub raw: String,
    pub stem: String,
}

/// Splits and normalises text into words, keeping stop words (synonym phrases need them).
pub struct WordSplitter {
    words: TextAnalyzer,
    /// As `words`, but keeping words too long for the index: in a query such a word is a word
    /// the pack does not hold, and must find nothing rather than vanish and match everything.
    query_words: TextAnalyzer,
    stemmer: TextAnalyzer,
}

impl Default for WordSplitter {
    fn default() -> Self {
        WordSplitter {
            words: words_analyzer(),
            query_words: TextAnalyzer::builder(WordTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        }
    }
}

impl WordSplitter {
    /// The words of a query or a synonym, as typed (normalised) and stemmed.
    pub fn split(&mut self, text: &str) -> Vec<Word> {
        let mut raws = Vec::new();
        {
            let mut stream = self.query_words.token_stream(text);
            while stream.advance() {
                raws.push(stream.token().text.clone());
            }
        }
        raws.into_iter()
            .map(|raw| {
                let stem = self.stem(&raw);
                Word { raw, stem }
            })
            .collect()
    }

    /// The terms [`analyzer`] would make of `text`, with their byte offsets, for the words whose
    /// folded form `wanted` accepts. Stemming is most of the cost of analysing text, and a stem
    /// keeps the first letter of its word, so a snippet asks only for words that begin like one
    /// of the query's stems.
    pub fn stems_with_offsets(
        &mut self,
        text: &str,
        mut wanted: impl FnMut(&str) -> bool,
    ) -> Vec<(String, usize, usize)> {
        let mut candidates = Vec::new();
        {
            let mut stream = self.words.token_stream(text);
            while stream.advance() {
                let t = stream.token();
                if wanted(&t.text) && !STOP_WORDS.contains(&t.text.as_str()) {
                    candidates.push((t.text.clone(), t.offset_from, t.offset_to));
                }
            }
        }
        candidates
            .into_iter()
            .map(|(word, from, to)| (self.stem(&word), from, to))
            .collect()
    }

    pub fn stem(&mut self, word: &str) -> String {
        let mut stream = self.stemmer.token_stream(word);
        if stream.advance() {
            stream.token().text.clone()
        } else {
            word.to_string()
        }
    }
}

/// Splits at every character that is not alphanumeric, except apostrophes inside a word, which
/// are dropped: "can't" and "cant" are one word, as people type both.
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

pub struct WordStream<'a> {
    text: &'a str,
    pos: usize,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream {
            text,
            pos: 0,
            token: &mut self.token,
        }
    }
}

/// The straight and the typographic apostrophe, which people type alike.
pub(crate) fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        let rest = &self.text[self.pos..];
        let Some(start) = rest.find(char::is_alphanumeric) else {
            self.pos = self.text.len();
            return false;
        };
        let start = self.pos + start;
        let mut end = start;
        let mut chars = self.text[start..].char_indices().peekable();
        self.token.text.clear();
        while let Some((i, c)) = chars.next() {
            if c.is_alphanumeric() {
                self.token.text.push(c);
                end = start + i + c.len_utf8();
            } else if is_apostrophe(c) && chars.peek().is_some_and(|(_, n)| n.is_alphanumeric()) {
                continue;
            } else {
                break;
            }
        }
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.token.position.wrapping_add(1);
        self.pos = end;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The terms [`analyzer`] makes of `text`, with their byte offsets.
    fn terms_with_offsets(text: &str) -> Vec<(String, usize, usize)> {
        let mut analyzer = analyzer();
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.offset_from, t.offset_to));
        }
        out
    }

    fn terms(text: &str) -> Vec<String> {
        terms_with_offsets(text).into_iter().map(|t| t.0).collect()
    }

    #[test]
    fn stems_folds_and_drops_stop_words() {
        assert_eq!(terms("The Worries of Children"), ["worri", "children"]);
        assert_eq!(terms("naïve café"), ["naiv", "cafe"]);
        assert_eq!(terms("won't can’t"), ["wont", "cant"]);
    }

    #[test]
    fn keeps_offsets_of_the_original_text() {
        let text = "Use now-and-next boards";
        let t = terms_with_offsets(text);
        let (_, from, to) = &t[3];
        assert_eq!(&text[*from..*to], "boards");
    }

    #[test]
    fn the_splitter_finds_the_same_terms_as_the_index_for_the_words_asked_for() {
        let text = "The Worries of Children: naïve worrying, won't stop; Dying plants, skies.";
        let all = WordSplitter::default().stems_with_offsets(text, |_| true);
        assert_eq!(all, terms_with_offsets(text));
        let some = WordSplitter::default().stems_with_offsets(text, |w| w.starts_with('w'));
        let stems: Vec<&str> = some.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(stems, ["worri", "worri", "wont"]);
    }

    #[test]
    fn splitter_keeps_stop_words_for_phrases() {
        let words = WordSplitter::default().split("Won't go to school");
        let raws: Vec<&str> = words.iter().map(|w| w.raw.as_str()).collect();
        assert_eq!(raws, ["wont", "go", "to", "school"]);
        assert_eq!(words[3].stem, "school");
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;
        use crate::testing::text_with_words;

        proptest! {
            /// Any text: every term covers a non-empty slice of the source, in order, and the
            /// snippets' splitter finds exactly the terms the index holds.
            #[test]
            fn terms_are_slices_and_the_splitter_agrees(text in text_with_words()) {
                let terms = terms_with_offsets(&text);
                let mut last_end = 0;
                for (term, from, to) in &terms {
                    prop_assert!(!term.is_empty());
                    prop_assert!(from < to && *from >= last_end);
                    prop_assert!(text.get(*from..*to).is_some());
                    last_end = *to;
                }
                let split = WordSplitter::default().stems_with_offsets(&text, |_| true);
                prop_assert_eq!(split, terms);
            }

            #[test]
            fn any_unicode_splits_and_stems(text in any::<String>()) {
                let mut splitter = WordSplitter::default();
                for word in splitter.split(&text) {
                    prop_assert!(!word.raw.is_empty());
                }
                splitter.stem(&text);
                terms_with_offsets(&text);
            }
        }
    }
}
