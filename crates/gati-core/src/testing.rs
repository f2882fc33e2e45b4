//! Strategies shared by the property tests of the crate's text paths. Each property runs
//! proptest's default 256 cases; `PROPTEST_CASES=20000 cargo test --release -p gati-core properties`
//! runs a longer search on demand.

use proptest::prelude::*;

/// Words of the pack's own vocabulary, so that generated text has matches to find.
const WORDS: &[&str] = &[
    "visual",
    "timetable",
    "child",
    "can't",
    "sit",
    "still",
    "the",
    "and",
    "autism",
    "waiting",
    "Children’s",
    "naïve",
    "café",
    "worrying",
    "self-harm",
    "SALT",
    "EBSA",
    "über",
    "ﬁsh",
    "ß",
    "İstanbul",
    "straße",
    "a",
    "to",
];

/// Characters that have broken text code before or may: wide and odd whitespace, joiners,
/// combining marks, bullets, apostrophes, right-to-left marks and astral-plane characters.
const ODD: &[&str] = &[
    " ", "\n", "\t", "\u{a0}", "\u{2003}", "\u{3000}", "\u{200b}", "\u{200d}", "\u{301}", "•", "'",
    "’", "-", "\u{202e}", "😀", "𝔘", "\r\n", "\u{0}", "…", "—",
];

/// Text made of vocabulary words, odd characters and arbitrary strings, in any order.
pub fn text_with_words() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(WORDS).prop_map(str::to_string),
        3 => prop::sample::select(ODD).prop_map(str::to_string),
        1 => any::<String>(),
    ];
    prop::collection::vec(piece, 0..200).prop_map(|pieces| pieces.concat())
}

/// A small valid entry with the id `id`, for unit tests that need entries but not their content.
pub fn entry(id: &str) -> crate::entry::Entry {
    serde_json::from_value(serde_json::json!({
        "id": id, "kind": "strategy", "title": format!("Title of {id}"), "summary": "Summary.",
        "body": "Text.", "needs": ["autism"], "areas": ["communication-interaction"],
        "levels": ["universal"], "audiences": ["practitioners"], "last_reviewed": "2026-11-25",
        "review_by": "2027-11-25", "owner": "GATI tests",
    }))
    .expect("a valid entry")
}
