//! Helpers shared by the integration tests: fixture paths, a fixed "today", building and
//! installing packs into temporary libraries, and reading and writing raw pack records.
#![allow(dead_code)] // Each test binary uses its own share of these helpers.

pub mod http;
pub mod judged;
pub mod synthetic;
pub mod timing;

pub use synthetic::dev_key;

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, TimeZone, Utc};
use gati_core::library::{Consent, Library};
use gati_core::pack::{self, Manifest};
use gati_core::signing::SecretKey;
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

/// For tests of how installs work rather than of which packs are admitted: any signed pack, from
/// any publisher, of any version.
pub const ANY_SIGNED: Consent = Consent {
    unsigned: false,
    other_publisher: true,
    older: true,
};

/// Builds a pack from `sources`, signed with the development key, as packs are published.
pub fn build_pack(sources: &Path, out: &Path) -> Manifest {
    build_pack_signed_by(sources, out, Some(dev_key()))
}

pub fn build_pack_signed_by(sources: &Path, out: &Path, signer: Option<&SecretKey>) -> Manifest {
    let loaded = source::load(sources, today()).unwrap();
    assert!(!loaded.report.has_errors(), "{}", loaded.report);
    pack::build(
        &loaded,
        out,
        Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap(),
        signer,
    )
    .unwrap()
}

/// Copies the source folder `from` to `to` with `version` (and any other lines) in `pack.toml`,
/// for tests that need a newer or another pack.
pub fn sources_with(from: &Path, to: &Path, pack_toml: &[(&str, &str)]) {
    copy_dir(from, to);
    let path = to.join("pack.toml");
    let mut text = fs::read_to_string(&path).unwrap();
    for (key, value) in pack_toml {
        let line = format!("{key} = {value:?}");
        match text.lines().find(|l| l.starts_with(&format!("{key} ="))) {
            Some(old) => text = text.replace(old, &line),
            None => text = format!("{text}\n{line}\n"),
        }
    }
    fs::write(&path, text).unwrap();
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
    library
        .install(&pack, today(), Consent::default(), &mut |_| {})
        .unwrap();
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
