//! Pack files are hostile input: every kind of damage is refused with a clear message, before
//! anything installed is touched.

mod support;

use std::fs;
use std::path::Path;

use gati_core::Error;
use gati_core::pack::PackFile;
use support::{build_pack, installed_mini, mini_sources, read_records, today, write_records};

fn refusal(path: &Path) -> String {
    match PackFile::open(path, today()) {
        Ok(_) => panic!("{} was accepted", path.display()),
        Err(e) => e.to_string(),
    }
}

fn good_pack(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("good.gatipack");
    build_pack(&mini_sources(), &path);
    path
}

#[test]
fn a_built_pack_reads_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = good_pack(dir.path());
    let pack = PackFile::open(&path, today()).unwrap();
    assert_eq!(pack.manifest.info.id, "mini");
    assert_eq!(pack.entries.len(), 10);
    assert_eq!(pack.manifest.entry_count, 10);
    assert_eq!(pack.attachment_count(), 1);
    let checklist = pack
        .entries
        .iter()
        .find(|e| e.id == "dyslexia-screening")
        .unwrap();
    let bytes = pack
        .read_attachment(&checklist.attachments[0].sha256)
        .unwrap();
    assert!(
        String::from_utf8(bytes)
            .unwrap()
            .contains("Reading and spelling checklist")
    );
}

#[test]
fn the_content_hash_does_not_depend_on_the_build_time() {
    let dir = tempfile::tempdir().unwrap();
    let a = build_pack(&mini_sources(), &dir.path().join("a.gatipack"));
    let b = build_pack(&mini_sources(), &dir.path().join("b.gatipack"));
    assert_eq!(a.content_hash, b.content_hash);
}

#[test]
fn truncated_packs_are_refused_at_every_length() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = fs::read(good_pack(dir.path())).unwrap();
    let cut = dir.path().join("cut.gatipack");
    // Every prefix in steps, plus the last few bytes one by one.
    let lengths = (0..bytes.len())
        .step_by(97)
        .chain(bytes.len() - 5..bytes.len());
    for len in lengths {
        fs::write(&cut, &bytes[..len]).unwrap();
        let message = refusal(&cut);
        assert!(
            message.contains("cut short")
                || message.contains("not a GATI pack")
                || message.contains("manifest"),
            "at {len} bytes: {message}"
        );
    }
}

#[test]
fn a_flipped_byte_anywhere_in_the_content_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let records = read_records(&good_pack(dir.path()));
    for target in ["taxonomy.json", "entries.jsonl"] {
        let mut damaged = records.clone();
        let (_, data) = damaged.iter_mut().find(|(n, _)| n == target).unwrap();
        let middle = data.len() / 2;
        data[middle] ^= 0x20;
        let path = dir.path().join("flipped.gatipack");
        write_records(&path, &damaged);
        let message = refusal(&path);
        assert!(
            message.contains(&format!("`{target}` is damaged")),
            "{message}"
        );
    }
}

#[test]
fn not_a_pack_and_unknown_versions_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.gatipack");
    fs::write(&path, b"PK\x03\x04 this is a zip file").unwrap();
    assert!(refusal(&path).contains("not a GATI pack"));

    let mut bytes = fs::read(good_pack(dir.path())).unwrap();
    bytes[8] = 9;
    fs::write(&path, &bytes).unwrap();
    assert!(refusal(&path).contains("container format 9"));

    let mut records = read_records(&good_pack(dir.path()));
    let manifest = String::from_utf8(records[0].1.clone()).unwrap();
    records[0].1 = manifest
        .replace("\"schema_version\": 1", "\"schema_version\": 7")
        .into_bytes();
    write_records(&path, &records);
    let message = refusal(&path);
    assert!(
        message.contains("content schema 7") && message.contains("update GATI Desktop"),
        "{message}"
    );
}

#[test]
fn records_with_escaping_or_unlisted_names_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let records = read_records(&good_pack(dir.path()));
    let path = dir.path().join("evil.gatipack");

    let mut evil = records.clone();
    evil.push((
        "attachments/../../etc/cron.d/x".into(),
        b"* * * * * root rm -rf /".to_vec(),
    ));
    let mut bytes = Vec::new();
    gati_core::pack::container::write_header(&mut bytes).unwrap();
    for (name, data) in &evil {
        // Write the raw record by hand: the writer itself refuses bad names in debug builds.
        bytes.extend((name.len() as u16).to_le_bytes());
        bytes.extend(name.as_bytes());
        bytes.extend((data.len() as u64).to_le_bytes());
        bytes.extend(data);
    }
    fs::write(&path, &bytes).unwrap();
    assert!(refusal(&path).contains("is not allowed"));

    let mut extra = records.clone();
    extra.push(("notes.txt".into(), b"hello".to_vec()));
    write_records(&path, &extra);
    assert!(refusal(&path).contains("`notes.txt`, which its manifest does not list"));

    let mut doubled = records.clone();
    doubled.push(doubled[1].clone());
    write_records(&path, &doubled);
    assert!(refusal(&path).contains("twice"));
}

#[test]
fn oversized_claims_are_refused_without_allocating() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.gatipack");
    let mut bytes = Vec::new();
    gati_core::pack::container::write_header(&mut bytes).unwrap();
    bytes.extend(13u16.to_le_bytes());
    bytes.extend(b"manifest.json");
    bytes.extend(u64::MAX.to_le_bytes());
    fs::write(&path, &bytes).unwrap();
    assert!(refusal(&path).contains("claims"), "{}", refusal(&path));
}

#[test]
fn entries_that_break_the_content_rules_are_refused_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut records = read_records(&good_pack(dir.path()));
    let entries = records
        .iter_mut()
        .find(|(n, _)| n == "entries.jsonl")
        .unwrap();
    let text = String::from_utf8(entries.1.clone()).unwrap();
    entries.1 = text
        .replacen(
            "\"needs\":[\"sensory-processing\"",
            "\"needs\":[\"made-up\"",
            1,
        )
        .into_bytes();
    assert_ne!(entries.1, text.as_bytes(), "the edit applied");
    // Re-seal the manifest so that only the content rules can object.
    let sha = hex_sha(&entries.1);
    let len = entries.1.len();
    let manifest: serde_json::Value = serde_json::from_slice(&records[0].1).unwrap();
    let resealed = reseal(manifest, "entries.jsonl", len, &sha);
    records[0].1 = serde_json::to_vec(&resealed).unwrap();
    let path = dir.path().join("rules.gatipack");
    write_records(&path, &records);
    match PackFile::open(&path, today()) {
        Err(Error::Invalid(report)) => {
            let d = report.errors().next().unwrap();
            assert!(d.message.contains("unknown need code `made-up`"), "{d}");
            assert!(
                d.location.file.contains("entries.jsonl") && d.location.line.is_some(),
                "{d}"
            );
        }
        other => panic!("expected a content error, got {other:?}"),
    }
}

fn hex_sha(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}

/// Updates one record's size and hash in a manifest and recomputes its content hash, as a forger
/// would.
fn reseal(
    mut manifest: serde_json::Value,
    name: &str,
    size: usize,
    sha: &str,
) -> serde_json::Value {
    let records = manifest["records"].as_array_mut().unwrap();
    for r in records.iter_mut() {
        if r["name"] == name {
            r["size"] = size.into();
            r["sha256"] = sha.into();
        }
    }
    let list: String = records
        .iter()
        .map(|r| {
            format!(
                "{}\t{}\t{}\n",
                r["name"].as_str().unwrap(),
                r["size"],
                r["sha256"].as_str().unwrap()
            )
        })
        .collect();
    manifest["content_hash"] = hex_sha(list.as_bytes()).into();
    manifest
}

#[test]
fn a_refused_pack_leaves_the_library_untouched() {
    let installed = installed_mini();
    let root = installed.library.root().to_path_buf();
    let before = snapshot(&root);
    let bad = installed.dir.path().join("bad.gatipack");
    let bytes = fs::read(&installed.pack).unwrap();
    fs::write(&bad, &bytes[..bytes.len() / 2]).unwrap();
    let err = installed
        .library
        .install(&bad, today(), &mut |_| {})
        .unwrap_err();
    assert!(err.to_string().contains("cut short"), "{err}");
    assert_eq!(snapshot(&root), before);
    let results = installed
        .library
        .catalogue()
        .unwrap()
        .search(&Default::default())
        .unwrap();
    assert_eq!(results.total, 10);
}

/// Every file under `root` with its size and modification time.
pub fn snapshot(root: &Path) -> Vec<(String, u64, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for item in fs::read_dir(&dir).unwrap() {
            let path = item.unwrap().path();
            let meta = fs::metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path);
            } else {
                out.push((
                    path.display().to_string(),
                    meta.len(),
                    meta.modified().unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}
