//! Generated packs of any size, for install and performance tests: entries made of the real
//! taxonomy's codes and words from a fixed vocabulary, chosen by a seeded generator so that every
//! run builds the same pack.

use std::path::Path;

use chrono::{NaiveDate, TimeZone, Utc};
use gati_core::diagnostics::Report;
use gati_core::entry::Entry;
use gati_core::pack::{self, Manifest};
use gati_core::signing::SecretKey;
use gati_core::source::{PackInfo, Sources};
use gati_core::taxonomy::{Family, Taxonomy};
use gati_core::validate::derive_areas;

const VOCABULARY: &str = "pupil child young person class teacher adult routine visual timetable calm space \
    worry anxiety reading spelling phonics number maths memory attention focus movement break carpet sensory \
    noise light touch hearing vision speech language words sentences friends playtime lunch transition change \
    plan review assess observe record progress parent carer family home school college support strategy \
    group individual small daily weekly session minutes practice model prompt praise reward choice regulation \
    feelings emotions meltdown shutdown trusted key adult check-in safe place attendance morning arrival \
    handwriting typing pencil grip scissors coordination balance equipment toilet medical plan care fatigue";

/// A small deterministic random number generator (xorshift64*), enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn words(rng: &mut Rng, vocabulary: &[&str], n: usize) -> String {
    (0..n)
        .map(|_| vocabulary[rng.below(vocabulary.len())])
        .collect::<Vec<_>>()
        .join(" ")
}

fn codes(rng: &mut Rng, taxonomy: &Taxonomy, family: Family, max: usize) -> Vec<String> {
    let terms = taxonomy.terms(family);
    let mut out: Vec<String> = Vec::new();
    for _ in 0..1 + rng.below(max) {
        let code = &terms[rng.below(terms.len())].code;
        if !out.contains(code) {
            out.push(code.clone());
        }
    }
    out
}

/// `count` generated entries over `taxonomy`.
pub fn entries(taxonomy: &Taxonomy, count: usize, seed: u64) -> Vec<Entry> {
    let vocabulary: Vec<&str> = VOCABULARY.split_whitespace().collect();
    let mut rng = Rng::new(seed);
    let reviewed = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    (0..count)
        .map(|n| {
            let needs = codes(&mut rng, taxonomy, Family::Need, 3);
            let kind = taxonomy.kinds[rng.below(taxonomy.kinds.len())].code.clone();
            let body = (0..4)
                .map(|_| {
                    format!(
                        "## {}\n\n{}.\n",
                        words(&mut rng, &vocabulary, 3),
                        words(&mut rng, &vocabulary, 40)
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            let title_words = 3 + rng.below(4);
            Entry {
                id: format!("generated-{n:06}"),
                title: words(&mut rng, &vocabulary, title_words),
                summary: words(&mut rng, &vocabulary, 20) + ".",
                body,
                areas: derive_areas(&needs, taxonomy),
                needs,
                levels: codes(&mut rng, taxonomy, Family::Level, 2),
                steps: if rng.below(4) == 0 {
                    codes(&mut rng, taxonomy, Family::Step, 1)
                } else {
                    Vec::new()
                },
                phases: codes(&mut rng, taxonomy, Family::Phase, 3),
                audiences: codes(&mut rng, taxonomy, Family::Audience, 2),
                waiting_for: if rng.below(5) == 0 {
                    codes(&mut rng, taxonomy, Family::WaitingFor, 2)
                } else {
                    Vec::new()
                },
                tags: vec![words(&mut rng, &vocabulary, 2)],
                related: Vec::new(),
                replaces: Vec::new(),
                attachments: Vec::new(),
                last_reviewed: reviewed,
                review_by: NaiveDate::from_ymd_opt(2027, 11, 1).unwrap(),
                owner: "Generated".into(),
                sources: if kind == "service" {
                    vec!["Generated".into()]
                } else {
                    Vec::new()
                },
                service: (kind == "service").then(Default::default),
                kind,
            }
        })
        .collect()
}

/// The development key (tests/keys/README.md), opened once per test process: opening it runs
/// scrypt. This file is shared by the core's and the CLI's tests, both two folders below the root.
pub fn dev_key() -> &'static SecretKey {
    static KEY: std::sync::OnceLock<SecretKey> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/keys/gati-dev.key");
        SecretKey::open(&path, "gati-dev".into()).expect("the development key opens")
    })
}

/// Writes a pack of `count` generated entries to `out`, with `taxonomy` as its taxonomy.
pub fn build_pack(taxonomy: &Taxonomy, count: usize, seed: u64, out: &Path) -> Manifest {
    let sources = Sources {
        root: out.to_path_buf(),
        info: Some(PackInfo {
            id: "generated".into(),
            title: format!("Generated pack of {count} entries"),
            publisher: "GATI tests".into(),
            version: format!("{seed}"),
            update_from: None,
            stale_after: None,
            feedback: None,
            require_approval: false,
        }),
        taxonomy: Some(taxonomy.clone()),
        entries: entries(taxonomy, count, seed),
        entry_files: count,
        files: Vec::new(),
        attachment_files: Default::default(),
        report: Report::default(),
    };
    pack::build(
        &sources,
        out,
        Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap(),
        Some(dev_key()),
    )
    .unwrap()
}
