//! Helpers shared by the integration tests: fixture paths, a fixed "today", building and
//! installing packs into temporary libraries, and reading and writing raw pack records.
#![allow(dead_code)] // Each test binary uses its own share of these helpers.

pub mod judged;
pub mod synthetic;

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, TimeZone, Utc};
use gati_core::library::Library;
use gati_core::pack::{self, Manifest};
use gati_core::source;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

pub fn mini_sources() -> PathBuf {
    repo_root().join("tests/fixtures/mini")
}

/// Tests run on a fixed day so that review dates in fixtures never start to fail.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

pub fn build_pack(sources: &Path, out: &Path) -> Manifest {
    let loaded = source::load(sources, today()).unwrap();
    assert!(!loaded.report.has_errors(), "{}", loaded.report);
    pack::build(
        &loaded,
        out,
        Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap(),
    )
    .unwrap()
}

/// A temporary library with the mini fixture pack installed.
pub struct Installed {
    pub dir: tempfile::TempDir,
    pub library: Library,
    pub pack: PathBuf,
}

pub fn installed_mini() -> Installed {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("mini.gatipack");
    build_pack(&mini_sources(), &pack);
    let library = Library::create(&dir.path().join("library")).unwrap();
    library.install(&pack, today(), &mut |_| {}).unwrap();
    Installed { dir, library, pack }
}

/// Copies a folder, following symbolic links, so a test can break its copy.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for item in fs::read_dir(from).unwrap() {
        let path = item.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

/// Every record of a pack file, in order.
pub fn read_records(path: &Path) -> Vec<(String, Vec<u8>)> {
    pack::read_raw_records(path).unwrap()
}

pub fn write_records(path: &Path, records: &[(String, Vec<u8>)]) {
    pack::write_raw_records(path, records).unwrap()
}
