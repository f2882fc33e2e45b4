//! Highlighted snippets: the stretch of an entry's text where the query's words are densest,
//! split into plain and highlighted fragments so that no front end has to trust HTML.

use std::ops::Range;

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
    let Some(window) = best_window(text, matcher, splitter) else {
        return Vec::new();
    };
    let mut fragments = Vec::with_capacity(window.parts.len() + 2);
    if window.start > 0 {
        fragments.push(plain("…"));
    }
    for (range, highlighted) in &window.parts {
        fragments.push(Fragment {
            text: tidy(&text[range.clone()]),
            highlighted: *highlighted,
        });
    }
    if window.end < text.len() {
        fragments.push(plain("…"));
    }
    merge_plain(fragments)
}

/// A snippet as byte ranges of the source text. Fragments are made from these ranges and nothing
/// else, which is what lets the tests check that every fragment is a slice of the source.
struct Window {
    start: usize,
    end: usize,
    /// In order and without gaps from `start` to `end`; a part is highlighted when it is a match.
    parts: Vec<(Range<usize>, bool)>,
}

fn best_window(text: &str, matcher: &TermMatcher, splitter: &mut WordSplitter) -> Option<Window> {
    let hits: Vec<(usize, usize, usize)> = splitter
        .stems_with_offsets(text, |word| matcher.may_match(word))
        .into_iter()
        .filter_map(|(stem, from, to)| matcher.word_of(&stem).map(|w| (from, to, w)))
        .collect();
    if hits.is_empty() {
        return None;
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
    let start = window_start(text, first);
    let end = word_end(text, start, (start + WINDOW).min(text.len()));

    let mut parts = Vec::new();
    let mut at = start;
    for &(from, to, _) in &hits[best.0..] {
        if to > end {
            break;
        }
        if from > at {
            parts.push((at..from, false));
        }
        parts.push((from..to, true));
        at = to;
    }
    if end > at {
        parts.push((at..end, false));
    }
    Some(Window { start, end, parts })
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

/// Where a window whose first match starts at `first` begins: at the start of the line (a
/// paragraph, list item or heading) when that is at most [`LEAD`] bytes back, else at the start
/// of the word about [`LEAD`] bytes back, and never inside a word.
fn window_start(text: &str, first: usize) -> usize {
    let mut lead = first.saturating_sub(LEAD);
    while !text.is_char_boundary(lead) {
        lead -= 1;
    }
    if let Some(line) = text[lead..first].rfind('\n') {
        return lead + line + 1;
    }
    // Back to the start of the word under `lead` when it is near (whitespace can be more than
    // one byte: a no-break space is two), else forward to the next word, never cutting one.
    let back = text[..lead]
        .char_indices()
        .rev()
        .take_while(|(at, _)| lead - at <= 20)
        .find(|(_, c)| c.is_whitespace());
    match back {
        Some((ws, c)) => ws + c.len_utf8(),
        // The text's own start is the start of its first word.
        None if lead <= 20 => 0,
        None => text[lead..first]
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
            .map_or(first, |(ws, c)| lead + ws + c.len_utf8()),
    }
}

/// Where a window that would end at `i` ends: at the end of a word, never inside one. Within 20
/// bytes the word under `i` is finished; further, the window stops before it, but never at or
/// before `start`.
fn word_end(text: &str, start: usize, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    if i == text.len() || text[i..].starts_with(char::is_whitespace) {
        return i;
    }
    match text[i..].find(char::is_whitespace) {
        Some(ws) if ws < 20 => i + ws,
        None if text.len() - i < 20 => text.len(),
        _ => text[start..i]
            .rfind(char::is_whitespace)
            .filter(|ws| *ws > 0)
            .map_or(i, |ws| start + ws),
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
    fn a_snippet_starts_after_wide_whitespace() {
        // A no-break space is two bytes: the window must start after all of it.
        let text = "Plan ten\u{a0}minutes-long quiet reading blocks each day, then use a visual \
                    timetable";
        let mut splitter = WordSplitter::default();
        let matcher = TermMatcher::new(vec![vec![splitter.stem("visual")]]);
        let fragments = snippet(text, &matcher, &mut splitter);
        let joined: String = fragments.iter().map(|f| f.text.as_str()).collect();
        assert!(joined.contains("visual"), "{joined}");
        assert!(joined.starts_with("…minutes-long"), "{joined}");
    }

    #[test]
    fn a_snippet_keeps_headings_apart_and_whole_words() {
        let body = "## What it is for\n\nUse this when a pupil finds the carpet hard.\n\n\
                    ## How to start\n\nPlan movement breaks every ten minutes and keep them short, \
                    calm and predictable so that the whole class settles again quickly afterwards.";
        let text = crate::markdown::plain_text(body);
        let mut splitter = WordSplitter::default();
        let matcher = TermMatcher::new(vec![vec![splitter.stem("pupil")]]);
        let joined: String = snippet(&text, &matcher, &mut splitter)
            .iter()
            .map(|f| f.text.as_str())
            .collect();
        // The window starts at the line of the match, so the heading above is left out.
        assert!(joined.starts_with("…Use this when"), "{joined}");
        assert!(joined.contains("hard. How to start — Plan"), "{joined}");
        let matcher = TermMatcher::new(vec![vec![splitter.stem("afterwards")]]);
        let joined: String = snippet(&text, &matcher, &mut splitter)
            .iter()
            .map(|f| f.text.as_str())
            .collect();
        let first_word = joined.trim_start_matches('…').split(' ').next().unwrap();
        assert!(text.split_whitespace().any(|w| w == first_word), "{joined}");
    }

    #[test]
    fn nothing_when_nothing_matches() {
        let matcher = TermMatcher::new(vec![vec!["zebra".into()]]);
        assert!(snippet("No match here.", &matcher, &mut WordSplitter::default()).is_empty());
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;
        use crate::search::analyzer::is_apostrophe;
        use crate::testing::text_with_words;

        proptest! {
            /// Any text and any query words: no panic, and the snippet is made of slices of the
            /// source, in order and without gaps, with every match highlighted whole.
            #[test]
            fn every_part_is_a_slice_of_the_source(
                text in text_with_words(),
                picks in prop::collection::vec(any::<prop::sample::Index>(), 1..4),
            ) {
                let mut splitter = WordSplitter::default();
                let words = splitter.split(&text);
                prop_assume!(!words.is_empty());
                let query: Vec<Vec<String>> =
                    picks.iter().map(|p| vec![p.get(&words).stem.clone()]).collect();
                let matcher = TermMatcher::new(query);
                // Stop words and over-long words are never matched, so a window may be absent.
                let Some(window) = best_window(&text, &matcher, &mut splitter) else {
                    return Ok(());
                };
                prop_assert!(window.start <= window.end && window.end <= text.len());
                prop_assert!(text.is_char_boundary(window.start));
                prop_assert!(text.is_char_boundary(window.end));
                let mut at = window.start;
                for (range, highlighted) in &window.parts {
                    prop_assert_eq!(range.start, at);
                    prop_assert!(range.start < range.end);
                    prop_assert!(text.get(range.clone()).is_some());
                    if *highlighted {
                        let part = &text[range.clone()];
                        prop_assert!(part.chars().all(|c| c.is_alphanumeric() || is_apostrophe(c)));
                    }
                    at = range.end;
                }
                prop_assert_eq!(at, window.end);
                snippet(&text, &matcher, &mut splitter);
            }

            /// Stems that cannot be in the text, made of any characters, find nothing and never
            /// panic.
            #[test]
            fn any_stems_against_any_text(text in any::<String>(), stems in any::<Vec<String>>()) {
                let mut splitter = WordSplitter::default();
                let matcher = TermMatcher::new(stems.into_iter().map(|s| vec![s]).collect());
                for f in snippet(&text, &matcher, &mut splitter) {
                    prop_assert!(f.text == "…" || !f.text.is_empty());
                }
            }
        }
    }
}
