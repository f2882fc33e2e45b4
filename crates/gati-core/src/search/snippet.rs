//! Highlighted snippets: the stretch of an entry's text where the query's words are densest,
//! split into plain and highlighted fragments so that no front end has to trust HTML.

use serde::Serialize;
use tantivy::tokenizer::TextAnalyzer;

use super::analyzer::terms_with_offsets;

/// A piece of a snippet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fragment {
    pub text: String,
    pub highlighted: bool,
}

/// Decides whether a term of the text matches a word of the query, the same way the search did:
/// by stem, within the word's typo allowance, or as the prefix being typed.
pub struct TermMatcher {
    /// Per query word: its stem and its typo allowance.
    pub words: Vec<(String, u8)>,
    /// The last word while it is still being typed.
    pub prefix: Option<String>,
}

impl TermMatcher {
    /// The index of the query word that `stem` (with original spelling `raw`) matches.
    fn word_of(&self, stem: &str, raw: &str) -> Option<usize> {
        self.words
            .iter()
            .position(|(s, d)| s == stem || (*d > 0 && within_distance(s, stem, *d as usize)))
            .or_else(|| {
                let p = self.prefix.as_deref()?;
                (stem.starts_with(p) || raw.starts_with(p)).then_some(self.words.len())
            })
    }
}

/// The longest snippet, in bytes of the source text.
const WINDOW: usize = 200;
/// How much text to show before the first match.
const LEAD: usize = 50;

/// Picks the best window of `text` for `matcher` and splits it into fragments. Returns nothing
/// when no word of the text matches.
pub fn snippet(text: &str, matcher: &TermMatcher, analyzer: &mut TextAnalyzer) -> Vec<Fragment> {
    let hits: Vec<(usize, usize, usize)> = terms_with_offsets(analyzer, text)
        .into_iter()
        .filter_map(|(stem, from, to)| {
            let raw = text[from..to].to_lowercase();
            matcher.word_of(&stem, &raw).map(|w| (from, to, w))
        })
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
    for (j, cell) in rows[1].iter_mut().enumerate() {
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
    use super::*;
    use crate::search::analyzer::analyzer;

    #[test]
    fn distances() {
        assert!(within_distance("anxieti", "anxieti", 0));
        assert!(
            within_distance("anxeiti", "anxieti", 1),
            "a swap is one edit"
        );
        assert!(within_distance("dyslexa", "dyslexia", 1));
        assert!(!within_distance("dyslxa", "dyslexia", 1));
        assert!(within_distance("dyslxa", "dyslexia", 2));
        assert!(!within_distance("cat", "dog", 2));
    }

    #[test]
    fn highlights_matches_in_the_densest_window() {
        let text = "Intro words here. ".repeat(20)
            + "Use a visual timetable so the day feels predictable. More text follows.";
        let mut splitter = crate::search::analyzer::WordSplitter::default();
        let words = ["visual", "timetable"]
            .map(|w| (splitter.stem(w), 0))
            .to_vec();
        let matcher = TermMatcher {
            words,
            prefix: None,
        };
        let fragments = snippet(&text, &matcher, &mut analyzer());
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
    fn highlights_the_prefix_being_typed() {
        let matcher = TermMatcher {
            words: vec![],
            prefix: Some("fidg".into()),
        };
        let fragments = snippet(
            "Offer a fidget toy at carpet time.",
            &matcher,
            &mut analyzer(),
        );
        assert!(
            fragments
                .iter()
                .any(|f| f.highlighted && f.text == "fidget")
        );
    }

    #[test]
    fn nothing_when_nothing_matches() {
        let matcher = TermMatcher {
            words: vec![("zebra".into(), 0)],
            prefix: None,
        };
        assert!(snippet("No match here.", &matcher, &mut analyzer()).is_empty());
    }
}
