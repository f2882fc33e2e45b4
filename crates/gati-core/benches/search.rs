//! Search and install performance, with SQLite FTS5 (bm25) as the baseline a developer might
//! otherwise pick. Run on a release build:
//!
//! ```sh
//! cargo bench -p gati-core --bench search
//! ```
//!
//! It measures, on the real pack built from `content/` and on a generated pack of 100,000
//! entries: pack build and install times, index build time from SQLite, and the latency of every
//! judged query (with facets and snippets, as the app asks for them) at p50 and p99. The same
//! queries run against an FTS5 table over the same text. It prints a Markdown report for
//! `docs/performance.md`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use gati_core::entry::Entry;
use gati_core::library::{Catalogue, Library};
use gati_core::markdown;
use gati_core::pack::PackFile;
use gati_core::search::SearchRequest;
use gati_core::taxonomy::{Family, Taxonomy};
use rusqlite::Connection;
use support::judged::{Judged, judged_queries};
use support::{repo_root, today};

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
    report_queries(
        &real.catalogue,
        &real_pack,
        &queries,
        (rounds, rounds.div_ceil(4)),
        true,
    );

    let count = if quick { 2_000 } else { 100_000 };
    println!("\n## Generated pack ({count} entries)\n");
    let taxonomy: Taxonomy = real.catalogue.taxonomy().clone();
    let big_pack = dir.path().join("big.gatipack");
    let (_, build_time) = timed(|| support::synthetic::build_pack(&taxonomy, count, 11, &big_pack));
    let mut big = install(dir.path(), "big", &big_pack);
    let (_, reindex_time) = timed(|| big.catalogue.reindex().unwrap());
    println!("| measure | value |\n|---|---|");
    println!("| pack build (generate, write) | {} |", ms(build_time));
    println!(
        "| install (check, SQLite, index, switch) | {} |",
        ms(big.install_time)
    );
    println!("| index build from SQLite | {} |", ms(reindex_time));
    let rounds = if quick { (1, 1) } else { (20, 1) };
    report_queries(&big.catalogue, &big_pack, &queries, rounds, false);
}

struct Installed {
    catalogue: Catalogue,
    install_time: Duration,
}

fn install(dir: &Path, name: &str, pack: &Path) -> Installed {
    let library = Library::create(&dir.join(name)).unwrap();
    let (_, install_time) = timed(|| library.install(pack, today(), &mut |_| {}).unwrap());
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

fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// How long the FTS5 baseline may run, per pack.
const FTS_BUDGET: Duration = Duration::from_secs(120);

/// Runs every judged query against both engines, `rounds.0` times against gati and `rounds.1`
/// times against FTS5 (within [`FTS_BUDGET`]), and prints latency (and, when `judge`,
/// success@5) for each.
fn report_queries(
    catalogue: &Catalogue,
    pack: &Path,
    queries: &[Judged],
    rounds: (usize, usize),
    judge: bool,
) {
    let requests: Vec<SearchRequest> = queries
        .iter()
        .map(|q| SearchRequest {
            query: q.q.clone(),
            filters: q.filters(),
            limit: 10,
            offset: 0,
        })
        .collect();
    let fts = Fts::build(
        &PackFile::open(pack, today()).unwrap().entries,
        catalogue.taxonomy(),
    );

    // gati first, every round; then FTS5, whose broad queries take seconds each on the large
    // pack, until its rounds are done or its time budget is spent.
    let mut ours = Vec::new();
    for _ in 0..rounds.0 {
        for request in &requests {
            ours.push(timed(|| catalogue.search(request).unwrap()).1);
        }
    }
    let budget = Instant::now();
    let mut theirs = Vec::new();
    'fts: for _ in 0..rounds.1 {
        for judged in queries {
            if budget.elapsed() > FTS_BUDGET {
                break 'fts;
            }
            theirs.push(timed(|| fts.search(judged)).1);
        }
    }
    ours.sort();
    theirs.sort();
    let (p50, p99) = (percentile(&ours, 0.5), percentile(&ours, 0.99));
    let (f50, f99) = (percentile(&theirs, 0.5), percentile(&theirs, 0.99));
    println!(
        "\n{} queries: {} searches with gati, {} with FTS5 (in file order, within {} s)\n",
        queries.len(),
        ours.len(),
        theirs.len(),
        FTS_BUDGET.as_secs()
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
        success(&|q| fts.search(q))
    } else {
        String::new()
    };
    println!(
        "| gati (tantivy, facets and snippets) | {} | {} |{ours_success}",
        us(p50),
        us(p99)
    );
    println!(
        "| SQLite FTS5 bm25 (with snippet and count) | {} | {} |{fts_success}",
        us(f50),
        us(f99)
    );
    println!(
        "\nLatency ratio gati / FTS5: p50 {:.2}, p99 {:.2}",
        p50.as_secs_f64() / f50.as_secs_f64(),
        p99.as_secs_f64() / f99.as_secs_f64()
    );
}

/// The baseline: one FTS5 table (porter stemming) over the same fields, ranked by bm25 with the
/// same field weights, with filters as joins on a codes table.
struct Fts {
    conn: Connection,
}

impl Fts {
    fn build(entries: &[Entry], taxonomy: &Taxonomy) -> Fts {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, labels, tags, summary, body, tokenize = 'porter unicode61');
             CREATE TABLE codes (rowid INTEGER, family TEXT, code TEXT);
             CREATE INDEX codes_by_code ON codes (family, code, rowid);",
        )
        .unwrap();
        let tx = conn.unchecked_transaction().unwrap();
        for (n, e) in entries.iter().enumerate() {
            let labels: Vec<String> = [Family::Need, Family::Area, Family::WaitingFor]
                .into_iter()
                .flat_map(|f| e.codes(f).iter().filter_map(move |c| taxonomy.term(f, c)))
                .map(|t| format!("{} {}", t.label, t.synonyms.join(" ")))
                .collect();
            tx.execute(
                "INSERT INTO docs (rowid, id, title, labels, tags, summary, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                rusqlite::params![n as i64, e.id, e.title, labels.join(" "), e.tags.join(" "), e.summary, markdown::plain_text(&e.body)],
            )
            .unwrap();
            for family in Family::ALL {
                for code in e.codes(family) {
                    tx.execute(
                        "INSERT INTO codes VALUES (?1, ?2, ?3)",
                        rusqlite::params![n as i64, family.key(), code],
                    )
                    .unwrap();
                }
            }
        }
        tx.commit().unwrap();
        Fts { conn }
    }

    /// The top ten ids for a judged query: its words OR-ed (as a developer would, so that
    /// questions match at all), its filters as `rowid IN (...)`, and the total count.
    fn search(&self, judged: &Judged) -> Vec<String> {
        let words: Vec<String> = judged
            .q
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| format!("\"{}\"", w.to_lowercase()))
            .collect();
        if words.is_empty() {
            return Vec::new();
        }
        let filters = judged.filters();
        let mut conditions = String::new();
        for family in Family::ALL {
            let codes = filters.get(family);
            if !codes.is_empty() {
                let list: Vec<String> = codes
                    .iter()
                    .map(|c| format!("'{}'", c.replace('\'', "")))
                    .collect();
                conditions.push_str(&format!(
                    " AND rowid IN (SELECT rowid FROM codes WHERE family = '{}' AND code IN ({}))",
                    family.key(),
                    list.join(",")
                ));
            }
        }
        let query = words.join(" OR ");
        let sql = format!(
            "SELECT id, snippet(docs, 5, '[', ']', '…', 24) FROM docs WHERE docs MATCH ?1{conditions}
             ORDER BY bm25(docs, 0.0, 4.0, 2.5, 2.5, 1.5, 1.0) LIMIT 10"
        );
        let mut stmt = self.conn.prepare_cached(&sql).unwrap();
        let ids: Vec<String> = stmt
            .query_map([&query], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let count_sql = format!("SELECT count(*) FROM docs WHERE docs MATCH ?1{conditions}");
        let _total: i64 = self
            .conn
            .prepare_cached(&count_sql)
            .unwrap()
            .query_row([&query], |r| r.get(0))
            .unwrap();
        ids
    }
}
