//! The desktop app's performance, measured in its real window on a release build:
//!
//! ```sh
//! scripts/build-app.sh && xvfb-run -a -s "-screen 0 1280x800x24" cargo bench -p gati-desktop --bench app
//! ```
//!
//! - cold start: from the app process starting to the first frame with results under the search
//!   box, on a first run (which installs the bundled pack) and on later runs;
//! - keystroke to results painted: every keystroke of every judged query, typed into the search
//!   box, until the frame after its results are in the page;
//! - idle memory: the proportional set size (PSS) of the app and its web processes, at rest a few
//!   seconds after a start and again after all that typing, split into what the processes
//!   allocated and their share of the libraries they map.
//!
//! It prints a Markdown report for `docs/performance.md`.

#[path = "../../tests/e2e/harness.rs"]
#[allow(dead_code)] // The benchmark uses a share of the harness the journeys use.
mod harness;

use std::fs;
use std::time::Duration;

use harness::{App, repo_root};
use serde_json::json;

/// The judged query set, read by the same code as the relevance test's (it finds the folder
/// through `repo_root` here).
#[path = "../../crates/gati-core/tests/support/judged.rs"]
#[allow(dead_code)] // The benchmark needs the queries, not their judgements.
mod judged;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing and must stay quick.
    let full = std::env::args().any(|a| a == "--bench");
    let queries = judged_queries(if full { usize::MAX } else { 3 });
    let library = tempfile::tempdir().unwrap();

    println!("## Desktop app (release build, real window under Xvfb)\n");
    println!("| measure | value |\n|---|---|");
    let first = App::start(library.path()).await;
    println!(
        "| cold start, first run (installs the bundled pack) | {} |",
        ms(cold_start(&first).await)
    );
    first.stop().await;
    let settle = Duration::from_secs(if full { 5 } else { 1 });
    let runs = if full { 5 } else { 1 };
    let mut later = Vec::new();
    let mut at_rest = None;
    for run in 1..=runs {
        let app = App::start(library.path()).await;
        later.push(cold_start(&app).await);
        // The last start is left to settle and its memory read.
        if run == runs {
            tokio::time::sleep(settle).await;
            at_rest = Some(memory(app_pid()));
        }
        app.stop().await;
    }
    later.sort_by(f64::total_cmp);
    println!(
        "| cold start, later runs (median of {}) | {} |",
        later.len(),
        ms(later[later.len() / 2])
    );

    let app = App::start(library.path()).await;
    let mut latencies = Vec::new();
    let mut stuck = Vec::new();
    // `GATI_BENCH_PASSES=3` types every query three times and reads the memory after each pass,
    // to tell growth that levels off (caches, a garbage-collected heap) from a leak.
    let passes: usize = std::env::var("GATI_BENCH_PASSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let mut after_pass = Vec::new();
    for _ in 0..passes {
        for q in &queries {
            let (times, lost) = type_query(&app, q).await;
            latencies.extend(times);
            stuck.extend(lost);
        }
        tokio::time::sleep(settle).await;
        after_pass.push(memory(app_pid()));
    }
    latencies.sort_by(f64::total_cmp);
    let at = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize];
    println!(
        "| keystroke to results painted, p50 / p95 / p99 ({} keystrokes, {} queries) | {} / {} / {} |",
        latencies.len(),
        queries.len(),
        ms(at(0.50)),
        ms(at(0.95)),
        ms(at(0.99))
    );
    println!(
        "| keystrokes whose results never came (5 s) | {} |",
        stuck.len()
    );
    println!(
        "| idle memory, PSS of all the app's processes, at rest after a start | {} |",
        at_rest.expect("the app started").describe()
    );
    for (n, memory) in after_pass.iter().enumerate() {
        println!(
            "| idle memory, PSS of all the app's processes, after typing pass {} of {passes} | {} |",
            n + 1,
            memory.describe()
        );
    }
    app.stop().await;
    for s in stuck {
        println!("\nNever came: {s}");
    }
}

/// Milliseconds from the app process's start to its first frame with results.
async fn cold_start(app: &App) -> f64 {
    app.until(
        "the first results",
        "performance.getEntriesByName('gati-ready').length > 0",
    )
    .await;
    let ready = app
        .js("return performance.timeOrigin + performance.getEntriesByName('gati-ready')[0].startTime")
        .await
        .as_f64()
        .unwrap();
    ready - process_start_epoch_ms(app_pid())
}

/// Types the query one key at a time and returns each key's milliseconds to the frame after its
/// results are in the page, and, when a key's results never came, what was on screen then.
async fn type_query(app: &App, query: &str) -> (Vec<f64>, Option<serde_json::Value>) {
    app.js("const b = document.getElementById('search-box'); b.value = ''; b.dispatchEvent(new Event('input', {bubbles: true}))").await;
    app.until(
        "the cleared search",
        "document.querySelector('.results').dataset.shownQuery === ''",
    )
    .await;
    let timings = app
        .client
        .execute_async(
            "const [query, done] = arguments;
             const box = document.getElementById('search-box');
             // The page's own errors, reported with a key whose results never came.
             if (!window.__errs) {
               window.__errs = [];
               addEventListener('error', (e) => window.__errs.push(String(e.message)));
               addEventListener('unhandledrejection', (e) => window.__errs.push(String(e.reason)));
             }
             const out = [];
             const shown = () => document.querySelector('.results')?.dataset.shownQuery;
             // Resolves on the frame after the results for `want` are in the page; a key whose
             // results never come ends the run with what was on screen instead.
             const painted = (want, t0) => new Promise((resolve, reject) => {
               const check = () => {
                 if (shown() === want) requestAnimationFrame(() => resolve());
                 else if (performance.now() - t0 > 5000) reject({ want, shown: shown(), box: box.value, error: document.querySelector('.results .error')?.textContent ?? null, errs: window.__errs ?? [] });
                 else setTimeout(check, 0);
               };
               check();
             });
             (async () => {
               let typed = '';
               for (const ch of query) {
                 typed += ch;
                 const t0 = performance.now();
                 box.value = typed;
                 box.dispatchEvent(new Event('input', { bubbles: true }));
                 await painted(typed, t0);
                 out.push(performance.now() - t0);
               }
               done({ out, stuck: null });
             })().catch((stuck) => done({ out, stuck: stuck instanceof Error ? String(stuck) : stuck }));",
            vec![json!(query)],
        )
        .await
        .expect("typing ran");
    let out = serde_json::from_value(timings["out"].clone()).unwrap();
    let stuck = timings["stuck"].clone();
    (out, (!stuck.is_null()).then_some(stuck))
}

fn judged_queries(limit: usize) -> Vec<String> {
    let mut out: Vec<String> = judged::judged_queries()
        .into_iter()
        .map(|(_, judged)| judged.q)
        .collect();
    out.truncate(limit);
    out
}

/// The newest process running the app binary this benchmark built.
fn app_pid() -> u32 {
    let exe = fs::canonicalize(env!("CARGO_BIN_EXE_gati-desktop")).unwrap();
    let mut pids: Vec<u32> = fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .filter(|pid: &u32| fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|p| p == exe))
        .collect();
    pids.sort();
    *pids.last().expect("the app is running")
}

fn stat_fields(pid: u32) -> Vec<String> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name may hold spaces; the fields after it are separated plainly.
    let after = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
    after.split_whitespace().map(str::to_string).collect()
}

fn process_start_epoch_ms(pid: u32) -> f64 {
    // Field 22 of /proc/PID/stat (index 19 after the name) is the start in clock ticks since boot.
    let ticks: f64 = stat_fields(pid)[19].parse().unwrap();
    let hz = 100.0; // USER_HZ on Linux.
    let boot: f64 = fs::read_to_string("/proc/stat")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("btime "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (boot + ticks / hz) * 1000.0
}

/// The proportional set size (PSS) of one process, in KiB: its anonymous share (what it
/// allocated) and its share of files (mostly the libraries it maps, which every WebKitGTK app
/// pays).
struct ProcessMemory {
    name: String,
    anon: u64,
    file: u64,
    total: u64,
}

/// The memory of a process and all its descendants.
struct Memory(Vec<ProcessMemory>);

impl Memory {
    fn describe(&self) -> String {
        let mb = |kb: u64| format!("{:.0}", kb as f64 / 1024.0);
        let sum = |part: fn(&ProcessMemory) -> u64| self.0.iter().map(part).sum::<u64>();
        let each: Vec<String> = self
            .0
            .iter()
            .map(|p| format!("{} {}", p.name, mb(p.total)))
            .collect();
        format!(
            "{} MB ({}; {} MB anonymous, {} MB files and libraries)",
            mb(sum(|p| p.total)),
            each.join(", "),
            mb(sum(|p| p.anon)),
            mb(sum(|p| p.file))
        )
    }
}

/// The memory of `root` and all its descendants.
fn memory(root: u32) -> Memory {
    let all: Vec<(u32, u32)> = fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| Some((pid, stat_fields(pid).get(1)?.parse().ok()?)))
        .collect();
    let mut family = vec![root];
    let mut i = 0;
    while i < family.len() {
        let parent = family[i];
        family.extend(
            all.iter()
                .filter(|(_, ppid)| *ppid == parent)
                .map(|(pid, _)| *pid),
        );
        i += 1;
    }
    Memory(
        family
            .iter()
            .filter_map(|pid| {
                let rollup = fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
                let field = |name: &str| {
                    rollup
                        .lines()
                        .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
                        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
                        .unwrap_or(0)
                };
                let name = fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
                Some(ProcessMemory {
                    name: name.trim().to_string(),
                    anon: field("Pss_Anon"),
                    file: field("Pss_File"),
                    total: field("Pss"),
                })
            })
            .collect(),
    )
}

fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.1} ms")
    } else {
        format!("{v:.0} ms")
    }
}
