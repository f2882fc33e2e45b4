//! What the editors' workspace costs on the real pack. Run on a release build:
//!
//! ```sh
//! cargo bench -p gati-core --bench workspace
//! ```
//!
//! It copies `content/` and measures: opening the folder (read and check every file, build the
//! search index in memory); saving one changed entry, which writes the file, reads the folder
//! again and rebuilds the index; checking a form as the editor types (every rule of `gati
//! validate` for one entry, among all the others); and drawing the body's preview. It prints a
//! Markdown table for `docs/performance.md`.

#[path = "../tests/support/mod.rs"]
mod support;

use gati_core::workspace::{WorkQuery, Workspace};
use support::timing::{median, show};
use support::{copy_dir, repo_root, today};

const ENTRY: &str = "entries/semh/worry-time.md";

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing and must stay quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let rounds = if quick { 1 } else { 30 };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("content");
    copy_dir(&repo_root().join("content"), &root);

    let open = median(rounds, || {
        Workspace::open(&root, None, today()).unwrap();
    });
    let mut workspace = Workspace::open(&root, None, today()).unwrap();
    let entries = workspace.sources().entries.len();
    let draft = workspace.draft(ENTRY).unwrap();
    let mut base = draft.base.clone();
    let mut n = 0;
    let save = median(rounds, || {
        n += 1;
        let mut form = draft.form.clone();
        form.summary = format!("{} Round {n}.", draft.form.summary);
        workspace.save(ENTRY, &base, &form, today()).unwrap();
        base = workspace.draft(ENTRY).unwrap().base;
    });
    // The saved words are found at once: the index was rebuilt with the save.
    let found = workspace
        .rows(
            &WorkQuery {
                query: format!("round {n}"),
                ..WorkQuery::default()
            },
            today(),
        )
        .unwrap();
    assert!(found.iter().any(|r| r.file == ENTRY));

    let mut form = draft.form.clone();
    let check = median(rounds * 3, || {
        form.summary.push('x');
        workspace.check(ENTRY, &form, today()).unwrap();
    });
    let preview = median(rounds * 3, || {
        Workspace::preview(&draft.form.body);
    });

    println!("| measure (real pack, {entries} entries) | median |");
    println!("|---|---|");
    println!(
        "| open the folder: read, check, index in memory | {} |",
        show(open)
    );
    println!(
        "| save one entry: write, read the folder again, rebuild the index | {} |",
        show(save)
    );
    println!(
        "| check a form as the editor types (every rule, among all entries) | {} |",
        show(check)
    );
    println!("| draw the body's preview | {} |", show(preview));
}
