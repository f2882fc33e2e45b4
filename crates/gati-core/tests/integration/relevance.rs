//! The judged query set: queries written the way staff and families type, each with the entries a
//! good top five contains (and, for some, the guesses it must not contain). Prints success@5 and
//! MRR, and holds them to a pass mark that rises as the content grows. Queries on subjects the
//! pack does not cover must come back empty or with every hit saying what it misses.

use std::collections::BTreeMap;

use crate::support::judged::{judged_queries, uncovered_queries};
use crate::support::{build_pack, repo_root, today};
use gati_core::library::{Consent, Library};
use gati_core::search::SearchRequest;

/// The share of queries whose top five must hold an expected entry.
const SUCCESS_AT_5_PASS_MARK: f64 = 0.95;
/// The mean reciprocal rank (of the first expected entry in the top ten) that must be reached.
const MRR_PASS_MARK: f64 = 0.85;
/// The judged set must stay at least this large.
const MIN_QUERIES: usize = 250;
/// Every need must have at least this many queries of its own (that expect an entry of that need).
const MIN_QUERIES_PER_NEED: usize = 3;

#[test]
fn judged_queries_meet_the_pass_mark() {
    let queries = judged_queries();
    assert!(
        queries.len() >= MIN_QUERIES,
        "only {} judged queries; keep at least {MIN_QUERIES}",
        queries.len()
    );

    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("content.gatipack");
    build_pack(&repo_root().join("content"), &pack);
    let library = Library::create(&dir.path().join("library")).unwrap();
    library
        .install(&pack, today(), Consent::default(), &mut |_| {})
        .unwrap();
    let catalogue = library.catalogue().unwrap();

    let mut per_need: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, judged) in &queries {
        let mut needs: Vec<String> = Vec::new();
        for id in &judged.expect {
            if let Ok(entry) = catalogue.entry(id) {
                needs.extend(entry.needs);
            }
        }
        needs.sort();
        needs.dedup();
        for term in &catalogue.taxonomy().needs {
            if needs.contains(&term.code) {
                *per_need.entry(term.code.as_str()).or_default() += 1;
            }
        }
    }
    let thin: Vec<String> = catalogue
        .taxonomy()
        .needs
        .iter()
        .map(|t| {
            (
                t.code.as_str(),
                per_need.get(t.code.as_str()).copied().unwrap_or(0),
            )
        })
        .filter(|(_, n)| *n < MIN_QUERIES_PER_NEED)
        .map(|(code, n)| format!("{code}: {n}"))
        .collect();
    assert!(
        thin.is_empty(),
        "needs with fewer than {MIN_QUERIES_PER_NEED} judged queries of their own: {thin:?}"
    );

    let mut successes = 0usize;
    let mut reciprocal_ranks = 0.0f64;
    let mut misses = Vec::new();
    let mut guesses = Vec::new();
    for (file, judged) in &queries {
        for id in &judged.expect {
            assert!(
                catalogue.entry(id).is_ok(),
                "{file}: {:?} expects `{id}`, which is not in the pack",
                judged.q
            );
        }
        let request = SearchRequest {
            query: judged.q.clone(),
            filters: judged.filters(),
            limit: 10,
            offset: 0,
        };
        let results = catalogue.search(&request).unwrap();
        for (n, hit) in results.hits.iter().take(5).enumerate() {
            if judged.avoid.contains(&hit.entry.id) {
                guesses.push(format!(
                    "  {file}: {:?} has `{}` at {}",
                    judged.q,
                    hit.entry.id,
                    n + 1
                ));
            }
        }
        let rank = results
            .hits
            .iter()
            .position(|h| judged.expect.contains(&h.entry.id));
        if let Some(r) = rank {
            reciprocal_ranks += 1.0 / (r as f64 + 1.0);
        }
        if rank.is_some_and(|r| r < 5) {
            successes += 1;
        } else {
            let top: Vec<&str> = results
                .hits
                .iter()
                .take(5)
                .map(|h| h.entry.id.as_str())
                .collect();
            misses.push(format!(
                "  {file}: {:?} wanted {:?}, got {:?}",
                judged.q, judged.expect, top
            ));
        }
    }
    let n = queries.len() as f64;
    let success_at_5 = successes as f64 / n;
    let mrr = reciprocal_ranks / n;
    println!(
        "relevance: {} judged queries, success@5 = {success_at_5:.3}, MRR@10 = {mrr:.3}",
        queries.len()
    );
    if !misses.is_empty() {
        println!(
            "queries without an expected entry in the top five:\n{}",
            misses.join("\n")
        );
    }
    assert!(
        guesses.is_empty(),
        "entries a query must not bring back are in its top five:\n{}",
        guesses.join("\n")
    );
    assert!(
        success_at_5 >= SUCCESS_AT_5_PASS_MARK,
        "success@5 {success_at_5:.3} is below {SUCCESS_AT_5_PASS_MARK}"
    );
    assert!(
        mrr >= MRR_PASS_MARK,
        "MRR {mrr:.3} is below {MRR_PASS_MARK}"
    );

    let uncovered = uncovered_queries();
    assert!(
        uncovered.len() >= 20,
        "only {} uncovered queries",
        uncovered.len()
    );
    let mut passed_off = Vec::new();
    for (file, query) in &uncovered {
        let request = SearchRequest {
            query: query.q.clone(),
            filters: query.filters(),
            limit: 50,
            offset: 0,
        };
        let results = catalogue.search(&request).unwrap();
        let complete: Vec<&str> = results
            .hits
            .iter()
            .filter(|h| h.missing.is_empty())
            .map(|h| h.entry.id.as_str())
            .collect();
        if results.matched_all > 0 || !complete.is_empty() {
            passed_off.push(format!(
                "  {file}: {:?} matched in full by {complete:?}",
                query.q
            ));
        }
    }
    println!(
        "relevance: {} queries on subjects the pack does not cover, {} passed off a guess",
        uncovered.len(),
        passed_off.len()
    );
    assert!(
        passed_off.is_empty(),
        "queries on subjects the pack does not cover found entries matching every word:\n{}",
        passed_off.join("\n")
    );
}
