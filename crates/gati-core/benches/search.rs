//! Search and install performance, with SQLite FTS5 as the baseline a competent developer would
//! otherwise write. Run on a release build:
//!
//! ```sh
//! cargo bench -p gati-core --bench search
//! GATI_BENCH_SIZES=10000,100000 cargo bench -p gati-core --bench search
//! ```
//!
//! It measures, on the real pack built from `content/` and on generated packs (10,000 and
//! 100,000 entries unless `GATI_BENCH_SIZES` lists other sizes): pack build and install times,
//! index build time from SQLite, and the latency of every judged query (with facets and
//! snippets, as the app asks for them) at p50 and p99. The same queries run against an FTS5
//! table over the same text, doing the same work: the total, the facet counts of every family
//! over all the matches, the filters, and ten hits with a snippet each. It prints a Markdown
//! report for `docs/performance.md`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

use gati_core::entry::Entry;
use gati_core::library::{Catalogue, Consent, Library};
use gati_core::markdown;
use gati_core::pack::PackFile;
use gati_core::search::SearchRequest;
use gati_core::taxonomy::{Family, Taxonomy};
use rusqlite::Connection;
use support::judged::{Judged, judged_queries};
use support::{repo_root, today};

/// Hits per page, for both engines.
const PAGE: usize = 10;

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing and must stay quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let queries: Vec<Judged> = judged_queries().into_iter().map(|(_, q)| q).collect();
    let dir = tempfile::tempdir().unwrap();

    println!("## Real pack (content/)\n");
    let real_pack = dir.path().join("real.gatipack");
    let (_, build_time) = timed(|| support::build_pack(&repo_root().join("content"), &real_pack));
    let real = install(dir.path(), "real", &real_pack);
    println!("| measure | value |\n|---|---|");
    println!("| entries | {} |", real.catalogue.meta().entry_count);
    println!(
        "| pack build (load, validate, write) | {} |",
        ms(build_time)
    );
    println!(
        "| install (check, SQLite, index, switch) | {} |",
        ms(real.install_time)
    );
    let rounds = if quick { 1 } else { 200 };
    report_queries(&real.catalogue, &real_pack, &queries, rounds, quick, true);

    let taxonomy: Taxonomy = real.catalogue.taxonomy().clone();
    for count in sizes(quick) {
        println!("\n## Generated pack ({count} entries)\n");
        let big_pack = dir.path().join(format!("generated-{count}.gatipack"));
        let (_, build_time) =
            timed(|| support::synthetic::build_pack(&taxonomy, count, 11, &big_pack));
        let mut big = install(dir.path(), &format!("generated-{count}"), &big_pack);
        let (_, reindex_time) = timed(|| big.catalogue.reindex().unwrap());
        println!("| measure | value |\n|---|---|");
        println!("| pack build (generate, write) | {} |", ms(build_time));
        println!(
            "| install (check, SQLite, index, switch) | {} |",
            ms(big.install_time)
        );
        println!("| index build from SQLite | {} |", ms(reindex_time));
        // About two million matches' worth of searches per pack: 200 rounds of the judged
        // queries at 10,000 entries, 20 at 100,000.
        let rounds = if quick {
            1
        } else {
            (2_000_000 / count).clamp(1, 200)
        };
        report_queries(&big.catalogue, &big_pack, &queries, rounds, quick, false);
        drop(big);
    }
}

/// The sizes of the generated packs: `GATI_BENCH_SIZES` (entry counts separated by commas), or
/// 10,000 and 100,000 (2,000 for the quick run of `cargo test --benches`).
fn sizes(quick: bool) -> Vec<usize> {
    match std::env::var("GATI_BENCH_SIZES") {
        Ok(list) => list
            .split(',')
            .map(|s| s.trim().replace('_', ""))
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse()
                    .unwrap_or_else(|_| panic!("GATI_BENCH_SIZES: {s:?} is not a count"))
            })
            .collect(),
        Err(_) if quick => vec![2_000],
        Err(_) => vec![10_000, 100_000],
    }
}

struct Installed {
    catalogue: Catalogue,
    install_time: Duration,
}

fn install(dir: &Path, name: &str, pack: &Path) -> Installed {
    let library = Library::create(&dir.join(name)).unwrap();
    let (_, install_time) = timed(|| {
        library
            .install(pack, today(), Consent::default(), &mut |_| {})
            .unwrap()
    });
    Installed {
        catalogue: library.catalogue().unwrap(),
        install_time,
    }
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// A latency, in µs below 10 ms and in ms above.
fn latency(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 10_000.0 {
        format!("{us:.0} µs")
    } else {
        format!("{:.1} ms", us / 1000.0)
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// How long the FTS5 baseline may run per pack once its first round of queries is done.
const FTS_BUDGET: Duration = Duration::from_secs(120);

/// Runs every judged query against both engines: `rounds` times against gati, and as many times
/// against FTS5 (at least once; further rounds while within [`FTS_BUDGET`]). Prints latency
/// (and, when `judge`, success@5) for each, and where the FTS5 time goes.
fn report_queries(
    catalogue: &Catalogue,
    pack: &Path,
    queries: &[Judged],
    rounds: usize,
    quick: bool,
    judge: bool,
) {
    let requests: Vec<SearchRequest> = queries
        .iter()
        .map(|q| SearchRequest {
            query: q.q.clone(),
            filters: q.filters(),
            limit: PAGE,
            offset: 0,
        })
        .collect();
    let entries = PackFile::open(pack, today()).unwrap().entries;
    let (fts, fts_build) = timed(|| Fts::build(&entries, catalogue.taxonomy()));
    println!(
        "| FTS5 baseline build (load, index, optimize) | {} |",
        ms(fts_build)
    );
    if quick {
        fts.check(queries, &entries);
    }

    let mut ours = Vec::new();
    for _ in 0..rounds {
        for request in &requests {
            ours.push(timed(|| catalogue.search(request).unwrap()).1);
        }
    }
    let start = Instant::now();
    let mut theirs = Vec::new();
    let mut parts: [Vec<Duration>; 3] = Default::default();
    let mut matches = Vec::new();
    'fts: for round in 0..rounds {
        for judged in queries {
            if round > 0 && start.elapsed() > FTS_BUDGET {
                break 'fts;
            }
            let (results, took) = timed(|| fts.search(judged));
            theirs.push(took);
            if round == 0 {
                matches.push(results.total);
            }
            for (part, t) in parts.iter_mut().zip(results.timings) {
                part.push(t);
            }
        }
    }
    ours.sort();
    theirs.sort();
    parts.iter_mut().for_each(|p| p.sort());
    let (p50, p99) = (percentile(&ours, 0.5), percentile(&ours, 0.99));
    let (f50, f99) = (percentile(&theirs, 0.5), percentile(&theirs, 0.99));
    println!(
        "\n{} queries: {} searches with gati, {} with FTS5 ({} in all)\n",
        queries.len(),
        ours.len(),
        theirs.len(),
        ms(theirs.iter().sum())
    );
    println!(
        "| engine | p50 | p99 |{}",
        if judge { " success@5 |" } else { "" }
    );
    println!("|---|---|---|{}", if judge { "---|" } else { "" });
    let success = |hits: &dyn Fn(&Judged) -> Vec<String>| {
        let found = queries
            .iter()
            .filter(|q| hits(q).iter().take(5).any(|id| q.expect.contains(id)))
            .count();
        format!(" {:.3} |", found as f64 / queries.len() as f64)
    };
    let ours_success = if judge {
        success(&|q| {
            let request = SearchRequest {
                query: q.q.clone(),
                filters: q.filters(),
                limit: 5,
                offset: 0,
            };
            catalogue
                .search(&request)
                .unwrap()
                .hits
                .into_iter()
                .map(|h| h.entry.id)
                .collect()
        })
    } else {
        String::new()
    };
    let fts_success = if judge {
        success(&|q| fts.search(q).hits.into_iter().map(|h| h.id).collect())
    } else {
        String::new()
    };
    println!(
        "| gati (tantivy; total, facets, {PAGE} hits with snippets) | {} | {} |{ours_success}",
        latency(p50),
        latency(p99)
    );
    println!(
        "| SQLite FTS5 (bm25; total, facets, {PAGE} hits with snippets) | {} | {} |{fts_success}",
        latency(f50),
        latency(f99)
    );
    println!(
        "\nLatency ratio gati / FTS5: p50 {:.2}, p99 {:.2}",
        p50.as_secs_f64() / f50.as_secs_f64(),
        p99.as_secs_f64() / f99.as_secs_f64()
    );
    println!(
        "\nFTS5, each statement on its own (p50 / p99): page {} / {}; total {} / {}; facets {} / {}",
        latency(percentile(&parts[0], 0.5)),
        latency(percentile(&parts[0], 0.99)),
        latency(percentile(&parts[1], 0.5)),
        latency(percentile(&parts[1], 0.99)),
        latency(percentile(&parts[2], 0.5)),
        latency(percentile(&parts[2], 0.99)),
    );
    matches.sort();
    println!(
        "\nFTS5 matches per query: median {}, {} of the {} queries match 90 % of the entries or more",
        matches[matches.len() / 2],
        matches
            .iter()
            .filter(|&&m| m * 10 >= entries.len() * 9)
            .count(),
        queries.len()
    );
    if !judge && let Some(q) = queries.iter().find(|q| q.filters() != Default::default()) {
        fts.print_plan(q);
    }
}

/// Words that gati's query planner drops (`search/analyzer.rs`: its stop words and the words
/// that give a question its shape), so that FTS5 searches for the same words gati does. A query
/// made of them alone keeps them, as in gati.
#[rustfmt::skip]
const NOISE: &[&str] = &[
    // Stop words.
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this",
    "to", "was", "will", "with",
    // Words that give a question its shape.
    "what", "how", "who", "where", "when", "why", "which", "can", "could", "should", "would",
    "do", "does", "did", "doing", "i", "im", "ive", "my", "me", "we", "our", "us", "you", "your",
    "he", "she", "his", "her", "him", "them", "its", "son", "daughter", "child", "childs",
    "children", "kid", "kids", "boy", "girl", "help", "helps", "helping", "tips", "ideas",
    "advice", "please", "get", "gets", "got", "go", "goes", "going", "try", "trying", "has",
    "have", "having", "had", "am", "about", "really", "very", "just", "any", "some", "something",
    "things", "thing", "also", "because", "so", "too", "cant", "wont", "dont", "doesnt", "isnt",
    "not", "no", "struggling", "struggles", "struggle", "keeps", "always", "all", "now", "year",
    "old", "best", "good", "way", "ways", "know",
];

/// bm25's weight for each column of `docs`, as gati weighs its fields (`id` is not indexed).
const BM25_WEIGHTS: &str = "0.0, 4.0, 2.5, 2.5, 1.5, 1.0";

/// What one FTS5 search returns: what gati's search returns, in SQL's terms.
struct FtsResults {
    total: usize,
    hits: Vec<FtsHit>,
    /// Per family (plural name), the number of matches carrying each code.
    facets: BTreeMap<&'static str, BTreeMap<String, usize>>,
    /// How long the page, the total and the facets took.
    timings: [Duration; 3],
}

#[allow(dead_code)] // Read only by the checks of the quick run.
struct FtsHit {
    id: String,
    title: String,
    snippet: String,
}

/// The baseline, as SQLite's FTS5 documentation advises (<https://sqlite.org/fts5.html>): an
/// external-content FTS5 table (porter stemming, prefix indexes for the word being typed) over an
/// ordinary table of the same fields, loaded in one transaction, then rebuilt and optimised into
/// one segment, and `PRAGMA optimize` for the planner; bm25 with gati's field weights; snippets
/// for the page only; the total and the facets as statements of their own; filters as
/// `rowid IN (…)` on a table of codes. See [`Fts::statements`].
struct Fts {
    conn: Connection,
    /// The id of every (family, code) in the `terms` table.
    term_ids: HashMap<(Family, String), i64>,
    /// (family, code) by term id.
    terms: HashMap<i64, (Family, String)>,
}

impl Fts {
    fn build(entries: &[Entry], taxonomy: &Taxonomy) -> Fts {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE entries (
                 rowid INTEGER PRIMARY KEY, id TEXT NOT NULL,
                 title TEXT, labels TEXT, tags TEXT, summary TEXT, body TEXT
             );
             CREATE VIRTUAL TABLE docs USING fts5(
                 id UNINDEXED, title, labels, tags, summary, body,
                 content = 'entries', content_rowid = 'rowid',
                 tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3'
             );
             CREATE TABLE terms (
                 term INTEGER PRIMARY KEY, family TEXT NOT NULL, code TEXT NOT NULL,
                 UNIQUE (family, code)
             );
             CREATE TABLE entry_terms (
                 entry INTEGER NOT NULL, term INTEGER NOT NULL, PRIMARY KEY (entry, term)
             ) WITHOUT ROWID;
             CREATE INDEX entry_terms_by_term ON entry_terms (term, entry);",
        )
        .unwrap();
        let mut term_ids = HashMap::new();
        let tx = conn.unchecked_transaction().unwrap();
        for (family, term) in taxonomy.all_terms() {
            tx.execute(
                "INSERT INTO terms (family, code) VALUES (?1, ?2)",
                rusqlite::params![family.key(), term.code],
            )
            .unwrap();
            term_ids.insert((family, term.code.clone()), tx.last_insert_rowid());
        }
        {
            let mut entry = tx
                .prepare(
                    "INSERT INTO entries (rowid, id, title, labels, tags, summary, body)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .unwrap();
            let mut code = tx
                .prepare("INSERT OR IGNORE INTO entry_terms (entry, term) VALUES (?1, ?2)")
                .unwrap();
            for (n, e) in entries.iter().enumerate() {
                // The same text gati indexes in its `labels` field: the label and synonyms of the
                // entry's needs, areas and what it waits for.
                let labels: Vec<String> = [Family::Need, Family::Area, Family::WaitingFor]
                    .into_iter()
                    .flat_map(|f| e.codes(f).iter().filter_map(move |c| taxonomy.term(f, c)))
                    .map(|t| format!("{} {}", t.label, t.synonyms.join(" ")))
                    .collect();
                entry
                    .execute(rusqlite::params![
                        n as i64,
                        e.id,
                        e.title,
                        labels.join(" "),
                        e.tags.join(" "),
                        e.summary,
                        markdown::plain_text(&e.body)
                    ])
                    .unwrap();
                for family in Family::ALL {
                    for c in e.codes(family) {
                        if let Some(term) = term_ids.get(&(family, c.clone())) {
                            code.execute(rusqlite::params![n as i64, term]).unwrap();
                        }
                    }
                }
            }
        }
        tx.execute_batch(
            "INSERT INTO docs (docs) VALUES ('rebuild');
             INSERT INTO docs (docs) VALUES ('optimize');",
        )
        .unwrap();
        tx.commit().unwrap();
        conn.execute_batch("PRAGMA optimize = 0x10002;").unwrap();
        conn.set_prepared_statement_cache_capacity(256);
        let terms = term_ids.iter().map(|(k, v)| (*v, k.clone())).collect();
        Fts {
            conn,
            term_ids,
            terms,
        }
    }

    /// The FTS5 query for what a person typed, as gati reads it: its words (stop words and
    /// question words left out, as gati leaves them out), any of which may match, each quoted so
    /// that nothing in it is FTS5 syntax; the last word is also a prefix while it may still be
    /// being typed (the text does not end in a space), as in gati.
    fn match_expression(query: &str) -> Option<String> {
        let words: Vec<&str> = query
            .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
            .map(|w| w.trim_matches(['\'', '’']))
            .filter(|w| !w.is_empty())
            .collect();
        let folded = |w: &str| w.to_lowercase().replace(['\'', '’'], "");
        let content: Vec<usize> = (0..words.len())
            .filter(|&i| !NOISE.contains(&folded(words[i]).as_str()))
            .collect();
        let kept = if content.is_empty() {
            (0..words.len()).collect()
        } else {
            content
        };
        let typing = !query.ends_with(char::is_whitespace);
        let phrases: Vec<String> = kept
            .iter()
            .map(|&i| {
                let phrase = format!("\"{}\"", words[i].to_lowercase().replace('"', ""));
                if typing && i + 1 == words.len() && words[i].chars().count() >= 2 {
                    phrase + "*"
                } else {
                    phrase
                }
            })
            .collect();
        (!phrases.is_empty()).then(|| phrases.join(" OR "))
    }

    /// The filters as SQL: for each filtered family, the entry must carry one of its codes. The
    /// unary `+` keeps SQLite from handing `rowid IN (…)` to FTS5 as a rowid constraint, which
    /// would run the full-text query once per listed entry (and bm25's statistics with it).
    fn filter_sql(&self, judged: &Judged) -> String {
        let filters = judged.filters();
        let mut sql = String::new();
        for family in Family::ALL {
            let ids: Vec<String> = filters
                .get(family)
                .iter()
                .map(|code| {
                    self.term_ids
                        .get(&(family, code.clone()))
                        .map_or("-1".to_string(), i64::to_string)
                })
                .collect();
            if !ids.is_empty() {
                sql.push_str(&format!(
                    " AND +docs.rowid IN (SELECT entry FROM entry_terms WHERE term IN ({}))",
                    ids.join(", ")
                ));
            }
        }
        sql
    }

    /// The three statements of a search:
    ///
    /// - the page: the best [`PAGE`] matches by bm25 with gati's field weights, in a CTE, and
    ///   the snippets of those rows only (the outer `MATCH` finds each by its rowid). Ordering
    ///   by the `rank` column instead, configured with the same weights, scores the same but
    ///   took twice as long on broad queries (60 ms against 30 ms at 100,000 entries): FTS5
    ///   sorts every match, with its positions, before the first row comes out, where SQLite's
    ///   `ORDER BY … LIMIT` keeps only the best ten as it goes;
    /// - the total: `count(*)` over the matches, which reads no text and scores nothing;
    /// - the facets: one `GROUP BY` over the codes of all the matches, as gati counts them.
    fn statements(&self, judged: &Judged) -> [String; 3] {
        let filters = self.filter_sql(judged);
        [
            format!(
                "WITH page AS (
                     SELECT docs.rowid AS entry, bm25(docs, {BM25_WEIGHTS}) AS score FROM docs
                     WHERE docs MATCH ?1{filters} ORDER BY score LIMIT {PAGE}
                 )
                 SELECT docs.id, docs.title, snippet(docs, 5, '[', ']', '…', 24)
                 FROM page CROSS JOIN docs ON docs.rowid = page.entry
                 WHERE docs MATCH ?1 ORDER BY page.score"
            ),
            format!("SELECT count(*) FROM docs WHERE docs MATCH ?1{filters}"),
            format!(
                "SELECT t.term, count(*) FROM docs CROSS JOIN entry_terms AS t ON t.entry = docs.rowid
                 WHERE docs MATCH ?1{filters} GROUP BY t.term"
            ),
        ]
    }

    fn search(&self, judged: &Judged) -> FtsResults {
        let mut results = FtsResults {
            total: 0,
            hits: Vec::new(),
            facets: Family::ALL
                .iter()
                .map(|f| (f.plural(), BTreeMap::new()))
                .collect(),
            timings: [Duration::ZERO; 3],
        };
        let Some(query) = Self::match_expression(&judged.q) else {
            return results;
        };
        let [page, total, facets] = self.statements(judged);
        let (hits, t) = timed(|| {
            let mut stmt = self.conn.prepare_cached(&page).unwrap();
            stmt.query_map([&query], |r| {
                Ok(FtsHit {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    snippet: r.get(2)?,
                })
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
        });
        results.hits = hits;
        results.timings[0] = t;
        let (total, t) = timed(|| {
            let mut stmt = self.conn.prepare_cached(&total).unwrap();
            stmt.query_row([&query], |r| r.get::<_, i64>(0)).unwrap() as usize
        });
        results.total = total;
        results.timings[1] = t;
        let (counts, t) = timed(|| {
            let mut stmt = self.conn.prepare_cached(&facets).unwrap();
            stmt.query_map([&query], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect::<Vec<_>>()
        });
        for (term, count) in counts {
            let (family, code) = &self.terms[&term];
            results
                .facets
                .get_mut(family.plural())
                .expect("every family has a facet")
                .insert(code.clone(), count as usize);
        }
        results.timings[2] = t;
        results
    }

    /// Checks, on the quick run, that the baseline does the work it is timed for: every hit
    /// passes the filters, the facets count every match (each entry has one kind), and a page
    /// is full when there are enough matches.
    fn check(&self, queries: &[Judged], entries: &[Entry]) {
        let by_id: HashMap<&str, &Entry> = entries.iter().map(|e| (e.id.as_str(), e)).collect();
        for judged in queries {
            let results = self.search(judged);
            let filters = judged.filters();
            for hit in &results.hits {
                let entry = by_id[hit.id.as_str()];
                for family in Family::ALL {
                    let wanted = filters.get(family);
                    assert!(
                        wanted.is_empty() || entry.codes(family).iter().any(|c| wanted.contains(c)),
                        "{:?}: {} fails the {} filter",
                        judged.q,
                        hit.id,
                        family.key()
                    );
                }
            }
            let kinds: usize = results.facets["kinds"].values().sum();
            assert_eq!(kinds, results.total, "{:?}", judged.q);
            assert_eq!(
                results.hits.len(),
                results.total.min(PAGE),
                "{:?}",
                judged.q
            );
        }
    }

    /// Prints SQLite's plan for the statements of one filtered query.
    fn print_plan(&self, judged: &Judged) {
        let filters = judged.filters();
        let filters: Vec<String> = Family::ALL
            .into_iter()
            .filter(|f| !filters.get(*f).is_empty())
            .map(|f| format!("{} = {}", f.key(), filters.get(f).join(" or ")))
            .collect();
        println!(
            "\nSQLite's plans for the FTS5 statements of {:?} ({}):\n",
            judged.q,
            filters.join(", ")
        );
        let Some(query) = Self::match_expression(&judged.q) else {
            return;
        };
        println!("```");
        for (name, sql) in ["page", "total", "facets"]
            .into_iter()
            .zip(self.statements(judged))
        {
            println!("{name}:");
            let mut stmt = self
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap();
            let rows = stmt
                .query_map([&query], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(3)?,
                    ))
                })
                .unwrap()
                .map(Result::unwrap)
                .collect::<Vec<_>>();
            let mut depth: HashMap<i64, usize> = HashMap::new();
            for (id, parent, detail) in rows {
                let d = depth.get(&parent).map_or(1, |d| d + 1);
                depth.insert(id, d);
                println!("{}{detail}", "  ".repeat(d));
            }
        }
        println!("```");
    }
}
