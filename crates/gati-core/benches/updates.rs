//! What trusted updates cost on the real pack. Run on a release build:
//!
//! ```sh
//! cargo bench -p gati-core --bench updates
//! ```
//!
//! It builds the real pack from `content/` as two signed editions and measures: checking the
//! signature alone (the content hash is already known), reading and checking a whole pack file
//! with its signature (what every install does first), and a whole update of a library holding
//! the first edition to the second, from a folder and over HTTP on 127.0.0.1 (check
//! `latest.json`, download, verify, install). It prints a Markdown table for
//! `docs/performance.md`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use gati_core::library::{Consent, Library};
use gati_core::pack::{PackFile, Seal};
use gati_core::signing::Trust;
use gati_core::update::{self, Timeouts, UpdateCheck};
use support::http::{Behaviour, Server};
use support::timing::{median, show};
use support::{repo_root, sources_with, today};

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing and must stay quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let rounds = if quick { 1 } else { 50 };
    let updates = if quick { 1 } else { 5 };
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("channel");
    std::fs::create_dir_all(&folder).unwrap();
    let served = dir.path().join("served");
    std::os::unix::fs::symlink(&folder, &served).unwrap();
    let server = Server::start(served, Behaviour::Serve);

    let edition = |version: &str, from: &str| {
        let sources = dir.path().join(format!("content-{version}-{}", from.len()));
        sources_with(
            &repo_root().join("content"),
            &sources,
            &[("version", version), ("update_from", from)],
        );
        let pack = dir
            .path()
            .join(format!("{version}-{}.gatipack", from.len()));
        support::build_pack(&sources, &pack);
        pack
    };
    let from_folder = folder.display().to_string();
    let first = edition("2026.11.0", &from_folder);
    let second = edition("2026.12.0", &from_folder);
    update::publish(&second, &folder, today()).unwrap();
    let first_web = edition("2026.11.0", &server.base);
    let size = std::fs::metadata(&second).unwrap().len();

    let trust = Trust::built_in();
    let opened = PackFile::open(&second, today()).unwrap();
    let verify = median(rounds, || {
        assert!(matches!(opened.seal(&trust).unwrap(), Seal::Trusted { .. }));
    });
    let open = median(rounds, || {
        let pack = PackFile::open(&second, today()).unwrap();
        assert!(matches!(pack.seal(&trust).unwrap(), Seal::Trusted { .. }));
    });
    let by_folder = median(updates, || update_once(dir.path(), &first));
    let by_http = median(updates, || update_once(dir.path(), &first_web));

    println!(
        "| measure (real pack, {} entries, {} KB) | median |",
        opened.entries.len(),
        size / 1024
    );
    println!("|---|---|");
    println!(
        "| check the signature of a known content hash | {} |",
        show(verify)
    );
    println!(
        "| read and check a whole pack file, signature included | {} |",
        show(open)
    );
    println!(
        "| update from a folder: latest.json, copy, verify, install | {} |",
        show(by_folder)
    );
    println!(
        "| update over HTTP on 127.0.0.1: the same, downloaded | {} |",
        show(by_http)
    );
}

/// Installs `first` into a fresh library, then updates it from the channel `first` names, and
/// returns the time of the update alone: the install each round starts from is not counted.
fn update_once(dir: &Path, first: &Path) -> Duration {
    let root = tempfile::tempdir_in(dir).unwrap();
    let library = Library::create(root.path()).unwrap();
    library
        .install(first, today(), Consent::default(), &mut |_| {})
        .unwrap();
    let started = Instant::now();
    let installed = library.installed().unwrap().unwrap();
    let (channel, found) = update::check_installed(&installed, Timeouts::default()).unwrap();
    let UpdateCheck::Available { latest } = found else {
        panic!("no update offered");
    };
    library
        .install_update(&channel, &latest, Timeouts::default(), today(), &mut |_| {})
        .unwrap();
    started.elapsed()
}
