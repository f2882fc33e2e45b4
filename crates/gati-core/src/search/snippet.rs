//! Highlighted snippets: the stretch of an entry's text where the query's words are densest,
//! split into plain and highlighted fragments so that no front end has to trust HTML.

use serde::Serialize;

use super::analyzer::WordSplitter;

/// A piece of a snippet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Fragment {
    pub text: String,
    pub highlighted: bool,
}

/// The stems that count as each query word: the word itself and, once resolved by the search,
/// its completions and corrections.
pub struct TermMatcher {
    words: Vec<Vec<String>>,
    /// The first letters of all those stems: a word of the text that begins otherwise cannot
    /// match, and need not be stemmed.
    initials: Vec<char>,
}

impl TermMatcher {
    pub fn new(words: Vec<Vec<String>>) -> TermMatcher {
        let mut initials: Vec<char> = words
            .iter()
            .flatten()
            .filter_map(|stem| stem.chars().next())
            .collect();
        initials.sort_unstable();
        initials.dedup();
        TermMatcher { words, initials }
    }

    fn may_match(&self, word: &str) -> bool {
        word.chars()
            .next()
            .is_some_and(|c| self.initials.binary_search(&c).is_ok())
    }

    /// The index of the query word that `stem` matches.
    fn word_of(&self, stem: &str) -> Option<usize> {
        self.words
            .iter()
            .position(|stems| stems.iter().any(|s| s == stem))
    }
}

/// The longest snippet, in bytes of the source text.
const WINDOW: usize = 200;
/// How much text to show before the first match.
const LEAD: usize = 50;

/// Picks the best window of `text` for `matcher` and splits it into fragments. Returns nothing
/// when no word of the text matches.
pub fn snippet(text: &str, matcher: &TermMatcher, splitter: &mut WordSplitter) -> Vec<Fragment> {
    let hits: Vec<(usize, usize, usize)> = splitter
        .stems_with_offsets(text, |word| matcher.may_match(word))
        .into_iter()
        .filter_map(|(stem, from, to)| matcher.word_of(&stem).map(|w| (from, to, w)))
        .collect();
    if hits.is_empty() {
        return Vec::new();
    }

    // The window starting at each hit that covers the most distinct query words wins; ties go
    // to the earliest, which is usually the most general statement.
    let mut best = (0usize, 0usize);
    for (i, &(from, _, _)) in hits.iter().enumerate() {
        let mut words: Vec<usize> = hits[i..]
            .iter()
            .take_while(|(_, to, _)| *to <= from + WINDOW - LEAD)
            .map(|h| h.2)
            .collect();
        words.sort_unstable();
        words.dedup();
        if words.len() > best.1 {
            best = (i, words.len());
        }
    }
    let first = hits[best.0].0;
    let start = word_start(text, first.saturating_sub(LEAD));
    let end = word_end(text, (start + WINDOW).min(text.len()));

    let mut fragments = Vec::new();
    let mut at = start;
    if start > 0 {
        fragments.push(plain("…"));
    }
    for &(from, to, _) in &hits[best.0..] {
        if to > end {
            break;
        }
        if from > at {
            fragments.push(plain(&text[at..from]));
        }
        fragments.push(Fragment {
            text: tidy(&text[from..to]),
            highlighted: true,
        });
        at = to;
    }
    if end > at {
        fragments.push(plain(&text[at..end]));
    }
    if end < text.len() {
        fragments.push(plain("…"));
    }
    merge_plain(fragments)
}

/// A snippet with nothing highlighted: the start of `text`.
pub fn lead(text: &str) -> Vec<Fragment> {
    if text.is_empty() {
        return Vec::new();
    }
    let end = word_end(text, WINDOW.min(text.len()));
    let mut out = vec![plain(&text[..end])];
    if end < text.len() {
        out.push(plain("…"));
    }
    merge_plain(out)
}

fn plain(text: &str) -> Fragment {
    Fragment {
        text: tidy(text),
        highlighted: false,
    }
}

/// Line breaks and bullets of the plain-text body read badly inside one line of snippet.
fn tidy(text: &str) -> String {
    text.replace(['\n', '•'], " ").replace("  ", " ")
}

fn merge_plain(fragments: Vec<Fragment>) -> Vec<Fragment> {
    let mut out: Vec<Fragment> = Vec::with_capacity(fragments.len());
    for f in fragments {
        match out.last_mut() {
            Some(last) if !last.highlighted && !f.highlighted => last.text.push_str(&f.text),
            _ => out.push(f),
        }
    }
    out
}

/// Moves back from `i` to the start of a word (a char boundary after whitespace).
fn word_start(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    match text[..i].rfind(char::is_whitespace) {
        Some(ws) if i - ws < 20 => ws + 1,
        _ => i,
    }
}

/// Moves forward from `i` to the end of a word.
fn word_end(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    match text[i..].find(char::is_whitespace) {
        Some(ws) if ws < 20 => i + ws,
        _ => i,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_matches_in_the_densest_window() {
        let text = "Intro words here. ".repeat(20)
            + "Use a visual timetable so the day feels predictable. More text follows.";
        let mut splitter = WordSplitter::default();
        let words = ["visual", "timetable"]
            .map(|w| vec![splitter.stem(w)])
            .to_vec();
        let matcher = TermMatcher::new(words);
        let fragments = snippet(&text, &matcher, &mut splitter);
        let marked: Vec<&str> = fragments
            .iter()
            .filter(|f| f.highlighted)
            .map(|f| f.text.as_str())
            .collect();
        assert_eq!(marked, ["visual", "timetable"]);
        assert!(fragments[0].text.starts_with('…'));
        let joined: String = fragments.iter().map(|f| f.text.as_str()).collect();
        assert!(
            joined.contains("Use a visual timetable so the day"),
            "{joined}"
        );
    }

    #[test]
    fn nothing_when_nothing_matches() {
        let matcher = TermMatcher::new(vec![vec!["zebra".into()]]);
        assert!(snippet("No match here.", &matcher, &mut WordSplitter::default()).is_empty());
    }
}
