//! Twins: two entries that say the same thing to the same people. They crowd the top of a search
//! with one answer twice, so the validator warns about them when pack sources are checked; the
//! fix is to merge them into one entry that lists the other's id in `replaces`.
//!
//! Two entries are compared only when they are of one kind (or one is a service), share an
//! audience and a phase, wait for the same things and share a need (name the same needs, when
//! they are not about a wait). Their titles and summaries are then compared as TF-IDF vectors of stemmed words
//! (words that most entries use weigh little), and a cosine at or above [`TWIN_SIMILARITY`] is a
//! warning. The threshold was set on the pack before its second edition: it flags eight of the
//! ten pairs that a review found and merged (the other two say the same in different enough
//! words that only a reader finds them) and no other pair.

use std::collections::{BTreeSet, HashMap};

use crate::diagnostics::Report;
use crate::entry::Entry;
use crate::search::analyzer::WordSplitter;
use crate::validate::Locate;

/// How alike two titles and summaries must be, as a cosine between 0 and 1, to be twins.
pub const TWIN_SIMILARITY: f64 = 0.48;

/// Past this many entries the pairwise comparison would take longer than a check should, and
/// sources that large are generated rather than written, so twins are not looked for.
const MAX_ENTRIES_COMPARED: usize = 20_000;

/// Warns about each pair of twins, at the later entry of the pair.
pub fn check(entries: &[Entry], at: &dyn Locate, report: &mut Report) {
    if entries.len() > MAX_ENTRIES_COMPARED {
        return;
    }
    let vectors = tf_idf(entries);
    let mut groups: HashMap<BTreeSet<&str>, Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        let waiting: BTreeSet<&str> = e.waiting_for.iter().map(String::as_str).collect();
        groups.entry(waiting).or_default().push(i);
    }
    let mut twins: Vec<(usize, usize, f64)> = Vec::new();
    for members in groups.values() {
        for (n, &a) in members.iter().enumerate() {
            for &b in &members[n + 1..] {
                if !comparable(&entries[a], &entries[b]) {
                    continue;
                }
                let similarity = cosine(&vectors[a], &vectors[b]);
                if similarity >= TWIN_SIMILARITY {
                    twins.push((a.min(b), a.max(b), similarity));
                }
            }
        }
    }
    twins.sort_by_key(|(a, b, _)| (*a, *b));
    for (a, b, similarity) in twins {
        report.warning(
            at.locate(b, "title", None),
            format!(
                "this entry and `{}` say much the same to the same people (similarity {similarity:.2}); \
                 merge them into one and list the other's id in `replaces`",
                entries[a].id
            ),
        );
    }
}

/// Whether two entries are the same kind of thing for the same people (audience and age) about
/// the same needs. A service and a guide to that service are alike enough to be twins; a
/// training session and the guidance it teaches are not, nor a guide for primary children and
/// one for secondary students. Entries about one wait (they are in one group already) need only
/// share a need; others must name the same needs, since sibling entries for different needs are
/// written to one pattern and read alike without being twins.
fn comparable(a: &Entry, b: &Entry) -> bool {
    let shares = |x: &[String], y: &[String]| x.iter().any(|v| y.contains(v));
    let same_set = |x: &[String], y: &[String]| {
        x.iter().collect::<BTreeSet<_>>() == y.iter().collect::<BTreeSet<_>>()
    };
    let same_kind = a.kind == b.kind || a.kind == "service" || b.kind == "service";
    let same_age = a.phases.is_empty() || b.phases.is_empty() || shares(&a.phases, &b.phases);
    let same_needs = if a.waiting_for.is_empty() {
        same_set(&a.needs, &b.needs)
    } else {
        shares(&a.needs, &b.needs)
    };
    same_kind && same_age && shares(&a.audiences, &b.audiences) && same_needs
}

/// Each entry's title and summary as a unit-length TF-IDF vector over word stems.
fn tf_idf(entries: &[Entry]) -> Vec<HashMap<String, f64>> {
    let mut splitter = WordSplitter::default();
    let counts: Vec<HashMap<String, f64>> = entries
        .iter()
        .map(|e| {
            let mut counts: HashMap<String, f64> = HashMap::new();
            let text = format!("{} {}", e.title, e.summary);
            for word in splitter.split(&text) {
                if word.raw.chars().count() > 2 {
                    *counts.entry(word.stem).or_default() += 1.0;
                }
            }
            counts
        })
        .collect();
    let mut document_frequency: HashMap<&str, f64> = HashMap::new();
    for c in &counts {
        for stem in c.keys() {
            *document_frequency.entry(stem).or_default() += 1.0;
        }
    }
    let n = entries.len() as f64;
    counts
        .iter()
        .map(|c| {
            let mut v: HashMap<String, f64> = c
                .iter()
                .map(|(stem, tf)| {
                    let idf = (n / document_frequency[stem.as_str()]).ln();
                    (stem.clone(), (1.0 + tf.ln()) * idf)
                })
                .collect();
            let norm = v.values().map(|x| x * x).sum::<f64>().sqrt();
            if norm > 0.0 {
                v.values_mut().for_each(|x| *x /= norm);
            }
            v
        })
        .collect()
}

fn cosine(a: &HashMap<String, f64>, b: &HashMap<String, f64>) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small
        .iter()
        .filter_map(|(stem, x)| large.get(stem).map(|y| x * y))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Location;

    struct Nowhere;

    impl Locate for Nowhere {
        fn locate(&self, entry: usize, field: &str, _: Option<usize>) -> Location {
            Location {
                file: format!("entry {entry}"),
                line: None,
                field: Some(field.to_string()),
            }
        }
        fn locate_body_line(&self, entry: usize, _: usize) -> Location {
            self.locate(entry, "body", None)
        }
    }

    fn entry(id: &str, title: &str, summary: &str, audience: &str, waiting: &str) -> Entry {
        let mut e: Entry = serde_json::from_value(serde_json::json!({
            "id": id, "kind": "guidance", "title": title, "summary": summary, "body": "Text.",
            "needs": ["autism"], "areas": ["communication-interaction"], "levels": ["universal"],
            "audiences": [audience], "last_reviewed": "2026-11-25", "review_by": "2027-11-25",
            "owner": "GATI tests",
        }))
        .unwrap();
        if !waiting.is_empty() {
            e.waiting_for = vec![waiting.to_string()];
        }
        e
    }

    fn warnings(entries: &[Entry]) -> Vec<String> {
        let mut report = Report::default();
        check(entries, &Nowhere, &mut report);
        report
            .diagnostics
            .into_iter()
            .map(|d| format!("{}: {}", d.location.file, d.message))
            .collect()
    }

    /// A pack with enough other entries for word weights to mean something.
    fn pack_with(extra: Vec<Entry>) -> Vec<Entry> {
        let topics = [
            "visual timetables for the day",
            "movement breaks on the carpet",
            "worry time after lunch",
            "ear defenders in the hall",
            "phonics catch up groups",
            "number lines for counting",
            "social stories for change",
            "zones of regulation",
        ];
        let mut entries: Vec<Entry> = topics
            .iter()
            .enumerate()
            .map(|(n, t)| {
                entry(
                    &format!("other-{n}"),
                    t,
                    &format!("How {t} help a pupil."),
                    "practitioner",
                    "",
                )
            })
            .collect();
        entries.extend(extra);
        entries
    }

    #[test]
    fn two_entries_saying_the_same_to_the_same_people_are_twins() {
        let a = entry(
            "waiting-autism",
            "While you wait for an autism assessment",
            "What helps your child at home while you wait for an autism assessment.",
            "parent-carer",
            "autism-assessment",
        );
        let b = entry(
            "autism-wait",
            "Waiting for an autism assessment: what helps",
            "Things that help at home while your child waits for an autism assessment.",
            "parent-carer",
            "autism-assessment",
        );
        let found = warnings(&pack_with(vec![a.clone(), b.clone()]));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("entry 9:") && found[0].contains("`waiting-autism`"),
            "{found:?}"
        );

        // The same words for other people, or about another wait, are not twins.
        let mut for_schools = b.clone();
        for_schools.audiences = vec!["practitioner".into()];
        assert!(warnings(&pack_with(vec![a.clone(), for_schools])).is_empty());
        let mut other_wait = b;
        other_wait.waiting_for = vec!["adhd-assessment".into()];
        assert!(warnings(&pack_with(vec![a, other_wait])).is_empty());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Any titles and summaries are compared without a panic, and a warning always
            /// names another entry of the pack.
            #[test]
            fn any_text_is_compared(texts in prop::collection::vec((any::<String>(), any::<String>()), 0..6)) {
                let entries: Vec<Entry> = texts
                    .iter()
                    .enumerate()
                    .map(|(n, (title, summary))| {
                        entry(&format!("entry-{n}"), title, summary, "parent-carer", "autism-assessment")
                    })
                    .collect();
                for warning in warnings(&entries) {
                    prop_assert!(warning.contains("`entry-"), "{}", warning);
                }
            }
        }
    }
}
