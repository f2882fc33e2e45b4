//! Any bytes in, no panic: the pack reader, the front-matter parser and search over arbitrary
//! input. Each property runs a bounded number of cases in CI; set `PROPTEST_CASES` for a longer
//! run (see the README).

use std::fs;
use std::sync::OnceLock;

use gati_core::library::Catalogue;
use gati_core::pack::PackFile;
use gati_core::search::{MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS, SearchRequest};
use gati_core::{Error, source};
use proptest::prelude::*;

use crate::support::{Installed, build_pack, copy_dir, installed_mini, mini_sources, today};

/// Words the mini pack holds, and near misses, so that searches find entries and make snippets.
const WORDS: &[&str] = &[
    "worry",
    "worying",
    "reading",
    "movement",
    "breaks",
    "dyslexia",
    "screening",
    "carpet",
    "school",
    "can't",
    "sit",
    "still",
    "the",
    "anxi",
];

/// The mini pack's bytes, built once for all cases.
fn good_pack() -> &'static [u8] {
    static PACK: OnceLock<Vec<u8>> = OnceLock::new();
    PACK.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("good.gatipack");
        build_pack(&mini_sources(), &path);
        fs::read(path).unwrap()
    })
}

/// One installed mini library shared by all search cases: search only reads it.
fn catalogue() -> &'static Catalogue {
    static LIBRARY: OnceLock<(Installed, Catalogue)> = OnceLock::new();
    &LIBRARY
        .get_or_init(|| {
            let installed = installed_mini();
            let catalogue = installed.library.catalogue().unwrap();
            (installed, catalogue)
        })
        .1
}

/// A change to a good pack: bytes overwritten, inserted or removed at a place, or the file cut.
#[derive(Debug, Clone)]
enum Damage {
    Overwrite(prop::sample::Index, Vec<u8>),
    Insert(prop::sample::Index, Vec<u8>),
    Remove(prop::sample::Index, usize),
    Cut(prop::sample::Index),
}

fn damage() -> impl Strategy<Value = Damage> {
    let bytes = prop::collection::vec(any::<u8>(), 1..16);
    prop_oneof![
        (any::<prop::sample::Index>(), bytes.clone()).prop_map(|(i, b)| Damage::Overwrite(i, b)),
        (any::<prop::sample::Index>(), bytes).prop_map(|(i, b)| Damage::Insert(i, b)),
        (any::<prop::sample::Index>(), 1usize..64).prop_map(|(i, n)| Damage::Remove(i, n)),
        any::<prop::sample::Index>().prop_map(Damage::Cut),
    ]
}

fn apply(mut pack: Vec<u8>, damages: &[Damage]) -> Vec<u8> {
    for d in damages {
        let len = pack.len().max(1);
        match d {
            Damage::Overwrite(at, bytes) => {
                let at = at.index(len);
                for (i, b) in bytes.iter().enumerate() {
                    if let Some(slot) = pack.get_mut(at + i) {
                        *slot ^= b | 1;
                    }
                }
            }
            Damage::Insert(at, bytes) => {
                let at = at.index(len).min(pack.len());
                pack.splice(at..at, bytes.iter().copied());
            }
            Damage::Remove(at, n) => {
                let at = at.index(len).min(pack.len());
                let end = (at + n).min(pack.len());
                pack.drain(at..end);
            }
            Damage::Cut(at) => pack.truncate(at.index(len)),
        }
    }
    pack
}

proptest! {
    /// A damaged pack is refused with a pack error, never a panic, and never accepted.
    #[test]
    fn a_damaged_pack_is_refused(damages in prop::collection::vec(damage(), 1..4)) {
        let bytes = apply(good_pack().to_vec(), &damages);
        prop_assume!(bytes != good_pack());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("damaged.gatipack");
        fs::write(&path, &bytes).unwrap();
        match PackFile::open(&path, today()) {
            Ok(_) => prop_assert!(false, "a damaged pack was accepted"),
            Err(Error::BadPack { path: p, reason }) => {
                prop_assert_eq!(p, path);
                prop_assert!(!reason.is_empty());
            }
            Err(Error::Invalid(report)) => prop_assert!(report.has_errors()),
            Err(other) => prop_assert!(false, "unexpected error: {other}"),
        }
    }

    /// Arbitrary bytes, with or without the pack's magic at the start, are refused.
    #[test]
    fn arbitrary_bytes_are_refused(magic in any::<bool>(), tail in prop::collection::vec(any::<u8>(), 0..512)) {
        let mut bytes = if magic { b"GATIPACK\x01\x00\x00\x00".to_vec() } else { Vec::new() };
        bytes.extend(tail);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("noise.gatipack");
        fs::write(&path, &bytes).unwrap();
        prop_assert!(PackFile::open(&path, today()).is_err());
    }

    /// Any text as an entry's source file: loading reports problems with the file's name and
    /// never panics.
    #[test]
    fn any_entry_source_is_loaded_or_reported(text in prop_oneof![
        any::<String>(),
        any::<String>().prop_map(|s| format!("---\n{s}\n---\nBody")),
        any::<String>().prop_map(|s| format!("+++\n{s}\n+++\n{s}")),
    ]) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("sources");
        copy_dir(&mini_sources(), &root);
        let file = root.join("entries/zz-arbitrary.md");
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(&file, &text).unwrap();
        let loaded = source::load(&root, today()).unwrap();
        for d in loaded.report.errors().chain(loaded.report.warnings()) {
            prop_assert!(!d.message.is_empty());
            if d.location.file.contains("zz-arbitrary") {
                prop_assert!(d.location.line.is_none_or(|l| l >= 1));
            }
        }
    }

    /// Any query, with any page, is answered when the request is in range and refused when it
    /// is not, never a panic; every snippet is text; hits that match more of the query's words
    /// come first, and the count of those matching every word agrees with the page.
    #[test]
    fn any_query_searches(
        query in prop_oneof![
            any::<String>(),
            any::<String>().prop_map(|s| s.repeat(3)),
            prop::collection::vec(prop::sample::select(WORDS), 1..6).prop_map(|w| w.join(" ")),
        ],
        offset in prop_oneof![0..=MAX_OFFSET, any::<usize>()],
        limit in 0..=MAX_LIMIT,
    ) {
        let in_range = offset <= MAX_OFFSET && query.chars().count() <= MAX_QUERY_CHARS;
        let request = SearchRequest { query, offset, limit, ..SearchRequest::default() };
        match catalogue().search(&request) {
            Ok(results) => {
                prop_assert!(in_range);
                prop_assert!(results.hits.len() <= limit);
                prop_assert!(results.matched_all <= results.total);
                for hit in &results.hits {
                    for f in &hit.snippet {
                        prop_assert!(!f.text.is_empty());
                    }
                }
                for pair in results.hits.windows(2) {
                    prop_assert!(pair[0].missing.len() <= pair[1].missing.len());
                }
                if request.offset == 0 {
                    let complete = results.hits.iter().filter(|h| h.missing.is_empty()).count();
                    prop_assert_eq!(complete, results.matched_all.min(results.hits.len()));
                }
            }
            Err(e) => prop_assert!(!in_range, "{e}"),
        }
    }
}
