//! The TypeScript types in `ui/src/bindings/` are generated from the Rust types that cross the
//! IPC boundary. This test regenerates them and fails when the committed files differ, so the
//! front end can never drift from the shell. Run with `UPDATE_BINDINGS=1` to rewrite them.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use gati_core::comfort::ReadingComfort;
use gati_core::library::Progress;
use gati_core::search::{SearchRequest, SearchResults};
use gati_core::taxonomy::Taxonomy;
use gati_core::views::entry_page::EntryPage;
use gati_core::views::grid::Grid;
use gati_core::views::waiting_well::WaitingWell;
use gati_desktop::{AppInfo, IpcError};
use ts_rs::{Config, TS};

fn export_all(dir: &Path) {
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    AppInfo::export_all(&cfg).unwrap();
    IpcError::export_all(&cfg).unwrap();
    SearchRequest::export_all(&cfg).unwrap();
    SearchResults::export_all(&cfg).unwrap();
    Taxonomy::export_all(&cfg).unwrap();
    Grid::export_all(&cfg).unwrap();
    EntryPage::export_all(&cfg).unwrap();
    WaitingWell::export_all(&cfg).unwrap();
    ReadingComfort::export_all(&cfg).unwrap();
    Progress::export_all(&cfg).unwrap();
}

fn files(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    if let Ok(read) = fs::read_dir(dir) {
        for entry in read {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "ts") {
                let name = PathBuf::from(path.file_name().unwrap());
                out.insert(name, fs::read_to_string(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn typescript_bindings_are_current() {
    let committed_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings");
    let fresh_dir = tempfile::tempdir().unwrap();
    export_all(fresh_dir.path());
    let fresh = files(fresh_dir.path());
    assert!(
        fresh.len() > 10,
        "expected many generated types, got {}",
        fresh.len()
    );

    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        let _ = fs::remove_dir_all(&committed_dir);
        fs::create_dir_all(&committed_dir).unwrap();
        for (name, text) in &fresh {
            fs::write(committed_dir.join(name), text).unwrap();
        }
    }
    let committed = files(&committed_dir);
    let stale: Vec<String> = fresh
        .keys()
        .chain(committed.keys())
        .filter(|name| fresh.get(*name) != committed.get(*name))
        .map(|name| name.display().to_string())
        .collect();
    assert!(
        stale.is_empty(),
        "ui/src/bindings is out of date ({stale:?}); regenerate with \
         `UPDATE_BINDINGS=1 cargo test -p gati-desktop --test bindings`"
    );
}
