//! Search behaviour on the mini fixture pack, each feature with its own test.

use crate::support::{Installed, installed_mini, today};
use gati_core::ErrorCode;
use gati_core::entry::Entry;
use gati_core::library::Catalogue;
use gati_core::pack::PackFile;
use gati_core::search::{Filters, SearchRequest, SearchResults};
use gati_core::taxonomy::Family;

struct Fixture {
    _installed: Installed,
    catalogue: Catalogue,
    /// The pack's entries, as ground truth for filters and facets.
    entries: Vec<Entry>,
}

fn fixture() -> Fixture {
    let installed = installed_mini();
    let catalogue = installed.library.catalogue().unwrap();
    let entries = PackFile::open(&installed.pack, today()).unwrap().entries;
    Fixture {
        _installed: installed,
        catalogue,
        entries,
    }
}

fn run(c: &Catalogue, query: &str, filters: Filters) -> SearchResults {
    c.search(&SearchRequest {
        query: query.into(),
        filters,
        limit: 50,
        offset: 0,
    })
    .unwrap()
}

fn ids(results: &SearchResults) -> Vec<&str> {
    results.hits.iter().map(|h| h.entry.id.as_str()).collect()
}

fn top(c: &Catalogue, query: &str) -> String {
    let results = run(c, query, Filters::default());
    results
        .hits
        .first()
        .map(|h| h.entry.id.clone())
        .unwrap_or_default()
}

#[test]
fn english_stemming() {
    let f = fixture();
    assert_eq!(top(&f.catalogue, "worrying"), "worry-time");
    assert_eq!(top(&f.catalogue, "fidgeting children"), "movement-breaks");
}

#[test]
fn synonyms_and_abbreviations() {
    let f = fixture();
    let asd = run(&f.catalogue, "ASD", Filters::default());
    assert!(asd.total >= 2);
    assert!(
        asd.hits
            .iter()
            .all(|h| h.entry.needs.contains(&"autism".to_string())),
        "{:?}",
        ids(&asd)
    );
    assert_eq!(top(&f.catalogue, "EBSA"), "school-attendance-for-parents");
    assert_eq!(
        top(&f.catalogue, "SALT waiting list"),
        "salt-while-you-wait"
    );
    assert_eq!(top(&f.catalogue, "EHCP"), "ehc-needs-assessment");
}

#[test]
fn typo_tolerance_follows_word_length() {
    let f = fixture();
    let anxiety = run(&f.catalogue, "anxeity ", Filters::default());
    assert!(ids(&anxiety).contains(&"worry-time"), "{:?}", ids(&anxiety));
    assert!(ids(&anxiety).contains(&"school-attendance-for-parents"));
    assert_eq!(
        top(&f.catalogue, "dyslexa "),
        "dyslexia-screening",
        "one typo from five letters"
    );
    assert_eq!(
        top(&f.catalogue, "regulaton "),
        "zones-of-regulation",
        "one typo in nine letters"
    );
    assert_eq!(
        top(&f.catalogue, "regultaoin "),
        "zones-of-regulation",
        "two typos from nine letters"
    );
    assert!(
        !ids(&run(&f.catalogue, "wory ", Filters::default())).contains(&"worry-time"),
        "no typos under five letters"
    );
    assert!(
        run(&f.catalogue, "dslxa ", Filters::default()).total == 0,
        "two typos are too many for seven letters"
    );
}

#[test]
fn no_results_come_with_a_suggested_spelling() {
    let f = fixture();
    let wory = run(&f.catalogue, "wory ", Filters::default());
    assert_eq!(wory.total, 0);
    assert_eq!(wory.suggestion.as_deref(), Some("worry"));
    // Known words stay as they are; only the unknown one changes.
    let two = run(&f.catalogue, "wory zzzz ", Filters::default());
    assert_eq!(two.total, 0);
    assert_eq!(two.suggestion.as_deref(), Some("worry zzzz"));
    // Nothing near enough: no suggestion. Results: no suggestion either.
    assert_eq!(
        run(&f.catalogue, "qqqq ", Filters::default()).suggestion,
        None
    );
    assert_eq!(
        run(&f.catalogue, "worry ", Filters::default()).suggestion,
        None
    );
}

#[test]
fn the_last_word_matches_as_a_prefix_while_typing() {
    let f = fixture();
    assert_eq!(top(&f.catalogue, "fidg"), "movement-breaks");
    assert_eq!(top(&f.catalogue, "visual tim"), "visual-timetables");
    assert_eq!(
        run(&f.catalogue, "fidg ", Filters::default()).total,
        0,
        "a finished word is not a prefix"
    );
}

#[test]
fn title_matches_rank_above_body_matches() {
    let f = fixture();
    let results = run(&f.catalogue, "time ", Filters::default());
    let order = ids(&results);
    let title = order.iter().position(|id| *id == "worry-time").unwrap();
    let elsewhere = order
        .iter()
        .position(|id| *id == "movement-breaks")
        .unwrap();
    assert!(title < elsewhere, "{order:?}");
}

#[test]
fn whole_questions_find_their_subject() {
    let f = fixture();
    assert_eq!(
        top(&f.catalogue, "my son won't go to school"),
        "school-attendance-for-parents"
    );
    assert_eq!(
        top(&f.catalogue, "what can I do when my daughter is worried?"),
        "worry-time"
    );
    assert!(
        run(&f.catalogue, "help", Filters::default()).total > 0,
        "a query of question words alone still answers"
    );
}

fn filters(family: Family, codes: &[&str]) -> Filters {
    let mut f = Filters::default();
    *f.get_mut(family) = codes.iter().map(|c| c.to_string()).collect();
    f
}

#[test]
fn every_family_filters_and_filters_combine() {
    let f = fixture();
    for family in Family::ALL {
        for term in f.catalogue.taxonomy().terms(family) {
            let results = run(&f.catalogue, "", filters(family, &[term.code.as_str()]));
            let expected = f
                .entries
                .iter()
                .filter(|e| e.codes(family).contains(&term.code))
                .count();
            assert_eq!(results.total, expected, "{} = {}", family.key(), term.code);
            assert!(results.hits.iter().all(|h| {
                let entry = f.entries.iter().find(|e| e.id == h.entry.id).unwrap();
                entry.codes(family).contains(&term.code)
            }));
        }
    }
    let mut both = filters(Family::Need, &["anxiety"]);
    both.audiences = vec!["parent-carer".into()];
    assert_eq!(
        ids(&run(&f.catalogue, "", both)),
        ["school-attendance-for-parents"]
    );

    let either = run(
        &f.catalogue,
        "",
        filters(Family::Level, &["targeted", "specialist"]),
    );
    let expected = f
        .entries
        .iter()
        .filter(|e| {
            e.levels
                .iter()
                .any(|l| l == "targeted" || l == "specialist")
        })
        .count();
    assert_eq!(
        either.total, expected,
        "codes of one family are alternatives"
    );

    let with_words = run(
        &f.catalogue,
        "worries",
        filters(Family::Audience, &["parent-carer"]),
    );
    assert_eq!(ids(&with_words), ["school-attendance-for-parents"]);
}

#[test]
fn facets_count_the_filtered_results() {
    let f = fixture();
    let results = run(
        &f.catalogue,
        "",
        filters(Family::Audience, &["parent-carer"]),
    );
    let kept: Vec<&Entry> = f
        .entries
        .iter()
        .filter(|e| e.audiences.contains(&"parent-carer".to_string()))
        .collect();
    assert_eq!(results.total, kept.len());
    for family in Family::ALL {
        let facet = &results.facets[family.plural()];
        for term in f.catalogue.taxonomy().terms(family) {
            let expected = kept
                .iter()
                .filter(|e| e.codes(family).contains(&term.code))
                .count();
            assert_eq!(
                facet.get(&term.code).copied().unwrap_or(0),
                expected,
                "{} {}",
                family.plural(),
                term.code
            );
        }
    }
    let kinds: usize = results.facets["kinds"].values().sum();
    assert_eq!(kinds, results.total, "every entry has exactly one kind");
}

#[test]
fn snippets_highlight_the_matched_words() {
    let f = fixture();
    let results = run(&f.catalogue, "fidgeting", Filters::default());
    let hit = results
        .hits
        .iter()
        .find(|h| h.entry.id == "movement-breaks")
        .unwrap();
    let marked: Vec<&str> = hit
        .snippet
        .iter()
        .filter(|s| s.highlighted)
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(marked, ["Fidgeting"]);
    let typo = run(&f.catalogue, "fidgetting ", Filters::default());
    assert!(
        typo.hits[0].snippet.iter().any(|s| s.highlighted),
        "corrections are highlighted too"
    );
}

#[test]
fn pages_fit_together() {
    let f = fixture();
    for query in ["", "school"] {
        let all = ids(&run(&f.catalogue, query, Filters::default())).join(",");
        let mut paged = Vec::new();
        for offset in (0..12).step_by(3) {
            let page = f
                .catalogue
                .search(&SearchRequest {
                    query: query.into(),
                    filters: Filters::default(),
                    limit: 3,
                    offset,
                })
                .unwrap();
            paged.extend(ids(&page).into_iter().map(String::from));
        }
        assert_eq!(paged.join(","), all, "query {query:?}");
    }
}

#[test]
fn an_empty_query_lists_everything_by_title() {
    let f = fixture();
    let results = run(&f.catalogue, "", Filters::default());
    assert_eq!(results.total, f.entries.len());
    let titles: Vec<String> = results
        .hits
        .iter()
        .map(|h| h.entry.title.to_lowercase())
        .collect();
    let mut sorted = titles.clone();
    sorted.sort();
    assert_eq!(titles, sorted);
}

#[test]
fn unknown_filter_codes_are_refused_by_name() {
    let f = fixture();
    let err = f
        .catalogue
        .search(&SearchRequest {
            filters: filters(Family::Phase, &["infants"]),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::BadRequest);
    assert!(
        err.to_string().contains("unknown phase code `infants`"),
        "{err}"
    );
}

#[test]
fn a_made_up_word_of_any_length_finds_nothing() {
    let f = fixture();
    let worry = run(&f.catalogue, "worry", Filters::default()).total;
    for len in [20, 39, 40, 41, 200] {
        // Words too long for the index were once dropped from the query, which then matched
        // every entry; they are unknown words like any other.
        let word = "q".repeat(len);
        assert_eq!(
            run(&f.catalogue, &word, Filters::default()).total,
            0,
            "{len} letters"
        );
        let both = format!("worry {word}");
        assert_eq!(
            run(&f.catalogue, &both, Filters::default()).total,
            worry,
            "{len} letters"
        );
    }
}

#[test]
fn queries_and_pages_have_limits() {
    let f = fixture();
    let too_long = SearchRequest {
        query: "worry ".repeat(200),
        ..SearchRequest::default()
    };
    let err = f.catalogue.search(&too_long).unwrap_err();
    assert_eq!(err.code(), ErrorCode::BadRequest);
    assert!(err.to_string().contains("shorten it"), "{err}");
    let far = SearchRequest {
        offset: usize::MAX,
        ..SearchRequest::default()
    };
    let err = f.catalogue.search(&far).unwrap_err();
    assert!(err.to_string().contains("past the"), "{err}");
    let last_page = SearchRequest {
        offset: gati_core::search::MAX_OFFSET,
        limit: gati_core::search::MAX_LIMIT,
        ..SearchRequest::default()
    };
    assert!(f.catalogue.search(&last_page).unwrap().hits.is_empty());
}

#[test]
fn entries_matching_every_word_come_first_and_the_others_say_what_they_miss() {
    let f = fixture();
    let r = run(
        &f.catalogue,
        "carpet movement timetables",
        Filters::default(),
    );
    assert_eq!(r.matched_all, 0);
    assert!(r.absent.is_empty(), "{:?}", r.absent);
    let first = &r.hits[0];
    assert_eq!(first.entry.id, "movement-breaks");
    assert_eq!(first.missing, ["timetables"]);
    let timetables = r
        .hits
        .iter()
        .find(|h| h.entry.id == "visual-timetables")
        .expect("the entry matching one word is still listed");
    assert_eq!(timetables.missing, ["carpet", "movement"]);

    let r = run(&f.catalogue, "carpet movement", Filters::default());
    assert_eq!(r.matched_all, 1);
    assert_eq!(ids(&r)[0], "movement-breaks");
    assert!(r.hits[0].missing.is_empty());
}

#[test]
fn a_word_no_entry_has_is_named_and_missing_from_every_hit() {
    let f = fixture();
    let r = run(&f.catalogue, "timetables mortgage", Filters::default());
    assert_eq!(ids(&r)[0], "visual-timetables");
    assert!(
        r.hits.iter().all(|h| h.missing == ["mortgage"]),
        "{:?}",
        r.hits
    );
    assert_eq!(
        (r.matched_all, r.absent.clone()),
        (0, vec!["mortgage".to_string()])
    );
}

#[test]
fn common_words_cannot_carry_a_result_on_their_own() {
    let f = fixture();
    // "school" alone is a search; beside a word no entry has, it finds nothing by itself.
    assert!(run(&f.catalogue, "school", Filters::default()).total > 0);
    let r = run(&f.catalogue, "mortgage school", Filters::default());
    assert_eq!(r.total, 0, "{:?}", ids(&r));
}

#[test]
fn a_word_named_by_a_synonym_is_matched_by_entries_with_its_term() {
    let f = fixture();
    // "salt" names the wait for speech and language therapy: entries carrying that code match
    // the word whether or not their text has it.
    let r = run(&f.catalogue, "salt", Filters::default());
    assert!(!r.hits.is_empty());
    assert!(r.hits.iter().all(|h| h.missing.is_empty()), "{:?}", r.hits);
    assert_eq!(r.matched_all, r.total);
}
