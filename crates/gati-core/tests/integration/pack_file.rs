//! Pack files are hostile input: every kind of damage is refused with a clear message, before
//! anything installed is touched.

use std::fs;
use std::path::Path;

use crate::support::{
    build_pack, build_pack_signed_by, installed_mini, mini_sources, read_records, today,
    write_records,
};
use gati_core::Error;
use gati_core::library::Consent;
use gati_core::pack::{Manifest, PackFile, SCHEMA_VERSION};

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
fn the_same_sources_and_date_build_the_same_pack() {
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
        .replace(
            &format!("\"schema_version\": {SCHEMA_VERSION}"),
            "\"schema_version\": 7",
        )
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
    bytes.extend(b"GATIPACK\x01\x00\x00\x00");
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
    let taxonomy = doubled
        .iter()
        .find(|(n, _)| n == "taxonomy.json")
        .unwrap()
        .clone();
    doubled.push(taxonomy);
    write_records(&path, &doubled);
    assert!(refusal(&path).contains("twice"));
}

#[test]
fn oversized_claims_are_refused_without_allocating() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.gatipack");
    let mut bytes = Vec::new();
    bytes.extend(b"GATIPACK\x01\x00\x00\x00");
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
    records[0].1 = reseal(&records[0].1, "entries.jsonl", len, &sha);
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

/// Updates one record's size and hash in a manifest and seals it again, as a forger would.
fn reseal(manifest: &[u8], name: &str, size: usize, sha: &str) -> Vec<u8> {
    let mut manifest: Manifest = serde_json::from_slice(manifest).unwrap();
    for r in manifest.records.iter_mut().filter(|r| r.name == name) {
        r.size = size as u64;
        r.sha256 = sha.to_string();
    }
    manifest.seal();
    serde_json::to_vec(&manifest).unwrap()
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
        .install(&bad, today(), Consent::default(), &mut |_| {})
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

/// Replaces one record's bytes (renaming an attachment record to its new hash), lets `edit`
/// change the manifest, and seals it again: a well-formed pack with exactly the change a test
/// wants, so that only the rule under test can refuse it.
fn forge(
    records: &mut [(String, Vec<u8>)],
    name: &str,
    data: Vec<u8>,
    edit: impl FnOnce(&mut Manifest),
) {
    let mut manifest: Manifest = serde_json::from_slice(&records[0].1).unwrap();
    let sha = hex_sha(&data);
    let new_name = if name.starts_with("attachments/") {
        format!("attachments/{sha}")
    } else {
        name.to_string()
    };
    for r in manifest.records.iter_mut().filter(|r| r.name == name) {
        r.name = new_name.clone();
        r.size = data.len() as u64;
        r.sha256 = sha.clone();
    }
    edit(&mut manifest);
    manifest.seal();
    records[0].1 = serde_json::to_vec(&manifest).unwrap();
    let record = records.iter_mut().find(|(n, _)| n == name).unwrap();
    *record = (new_name, data);
}

/// The pack's entries as JSON values, to edit.
fn entries(records: &[(String, Vec<u8>)]) -> Vec<serde_json::Value> {
    let (_, data) = records.iter().find(|(n, _)| n == "entries.jsonl").unwrap();
    std::str::from_utf8(data)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn jsonl(entries: &[serde_json::Value]) -> Vec<u8> {
    entries
        .iter()
        .map(|e| serde_json::to_string(e).unwrap() + "\n")
        .collect::<String>()
        .into_bytes()
}

/// Writes the records and returns the first error message, from a refusal of either kind.
fn first_problem(dir: &Path, records: &[(String, Vec<u8>)]) -> String {
    let path = dir.join("forged.gatipack");
    write_records(&path, records);
    match PackFile::open(&path, today()) {
        Ok(_) => panic!("the forged pack was accepted"),
        Err(Error::Invalid(report)) => report.errors().next().unwrap().to_string(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn every_field_of_the_manifest_is_covered_by_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let records = read_records(&good_pack(dir.path()));
    let manifest = String::from_utf8(records[0].1.clone()).unwrap();
    for (from, to) in [
        ("\"id\": \"mini\"", "\"id\": \"mina\""),
        ("Mini", "Mxni"),
        ("\"version\": \"", "\"version\": \"9"),
        ("2026-11-25", "2036-11-25"),
        ("\"entry_count\": 10", "\"entry_count\": 11"),
    ] {
        assert!(manifest.contains(from), "{from} in {manifest}");
        let mut changed = records.clone();
        changed[0].1 = manifest.replacen(from, to, 1).into_bytes();
        let message = first_problem(dir.path(), &changed);
        assert!(message.contains("manifest is damaged"), "{from}: {message}");
    }
}

#[test]
fn a_signature_must_follow_the_manifest_and_come_from_the_key_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let signed = read_records(&good_pack(dir.path()));
    assert_eq!(signed[1].0, "signature");
    let problem = |records: &[(String, Vec<u8>)]| first_problem(dir.path(), records);

    let mut moved = signed.clone();
    let signature = moved.remove(1);
    moved.insert(2, signature.clone());
    assert!(problem(&moved).contains("not right after its manifest"));

    let mut dropped = signed.clone();
    dropped.remove(1);
    assert!(problem(&dropped).contains("its signature is missing"));

    let mut junk = signed.clone();
    junk[1].1 = b"trust me".to_vec();
    assert!(problem(&junk).contains("signature cannot be read"));

    let unsigned_path = dir.path().join("unsigned.gatipack");
    build_pack_signed_by(&mini_sources(), &unsigned_path, None);
    let mut unsigned = read_records(&unsigned_path);
    unsigned.insert(1, signature);
    assert!(problem(&unsigned).contains("names no signing key"));
}

#[test]
fn a_pack_without_entries_or_identity_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let good = read_records(&good_pack(dir.path()));
    let mut empty = good.clone();
    forge(&mut empty, "entries.jsonl", Vec::new(), |m| {
        m.entry_count = 0
    });
    assert!(first_problem(dir.path(), &empty).contains("holds no entries"));

    for field in ["title", "publisher", "version"] {
        let mut blank = good.clone();
        let data = blank[2].1.clone();
        let name = blank[2].0.clone();
        forge(&mut blank, &name, data, |m| match field {
            "title" => m.info.title = " ".into(),
            "publisher" => m.info.publisher.clear(),
            _ => m.info.version.clear(),
        });
        let message = first_problem(dir.path(), &blank);
        assert!(message.contains(&format!("`{field}`")), "{message}");
    }
}

#[test]
fn repeats_and_unsafe_names_in_entries_are_refused_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = read_records(&good_pack(dir.path()));
    let with_attachment = entries(&good)
        .iter()
        .position(|e| !e["attachments"].as_array().unwrap().is_empty())
        .unwrap();
    let related = entries(&good)
        .iter()
        .position(|e| !e["related"].as_array().unwrap().is_empty())
        .unwrap();
    type Edit = fn(&mut serde_json::Value);
    let cases: [(usize, Edit, &str); 5] = [
        (
            related,
            |e| {
                let first = e["related"][0].clone();
                e["related"].as_array_mut().unwrap().push(first);
            },
            "listed twice",
        ),
        (
            with_attachment,
            |e| {
                let first = e["attachments"][0].clone();
                e["attachments"].as_array_mut().unwrap().push(first);
            },
            "listed twice",
        ),
        (
            with_attachment,
            |e| e["attachments"][0]["name"] = "invoice\u{202e}lmth.docx".into(),
            "text-direction",
        ),
        (
            with_attachment,
            |e| e["attachments"][0]["name"] = "a\u{0}b.html".into(),
            "control",
        ),
        (
            with_attachment,
            |e| e["attachments"][0]["name"] = format!("{}.html", "n".repeat(4000)).into(),
            "at most 255",
        ),
    ];
    for (line, edit, expected) in cases {
        let mut all = entries(&good);
        edit(&mut all[line]);
        let mut records = good.clone();
        forge(&mut records, "entries.jsonl", jsonl(&all), |_| {});
        let message = first_problem(dir.path(), &records);
        assert!(message.contains(expected), "{expected}: {message}");
        assert!(
            message.contains(&format!("entries.jsonl):{}", line + 1)),
            "{message}"
        );
    }
}

#[test]
fn a_flood_of_codes_is_refused_as_one_problem() {
    let dir = tempfile::tempdir().unwrap();
    let mut records = read_records(&good_pack(dir.path()));
    let mut all = entries(&records);
    for e in &mut all {
        e["needs"] = vec!["zz"; 20_000].into();
    }
    forge(&mut records, "entries.jsonl", jsonl(&all), |_| {});
    let path = dir.path().join("flood.gatipack");
    write_records(&path, &records);
    let Err(Error::Invalid(report)) = PackFile::open(&path, today()) else {
        panic!("the flood was not refused as content");
    };
    let floods = report
        .errors()
        .filter(|d| d.message.contains("20000 items; at most 100"))
        .count();
    assert_eq!(floods, all.len());
    assert!(report.error_count() < 100, "{}", report.error_count());
}

#[test]
fn an_over_long_entry_is_refused_while_streaming() {
    let dir = tempfile::tempdir().unwrap();
    let mut records = read_records(&good_pack(dir.path()));
    let mut all = entries(&records);
    all[0]["body"] = "word ".repeat(60_000).into();
    forge(&mut records, "entries.jsonl", jsonl(&all), |_| {});
    let message = first_problem(dir.path(), &records);
    assert!(message.contains("line 1 is longer than"), "{message}");
}

/// The pack with its one attachment's bytes replaced, and the entries that carry it updated to
/// the new hash and size: only the attachment rules can refuse it.
fn with_attachment_bytes(
    mut records: Vec<(String, Vec<u8>)>,
    bytes: Vec<u8>,
) -> Vec<(String, Vec<u8>)> {
    let name = records
        .iter()
        .find(|(n, _)| n.starts_with("attachments/"))
        .unwrap()
        .0
        .clone();
    let (size, sha) = (bytes.len(), hex_sha(&bytes));
    let old_sha = name.trim_start_matches("attachments/").to_string();
    forge(&mut records, &name, bytes, |_| {});
    let mut all = entries(&records);
    for e in &mut all {
        for a in e["attachments"].as_array_mut().unwrap() {
            if a["sha256"] == old_sha.as_str() {
                a["sha256"] = sha.clone().into();
                a["size"] = size.into();
            }
        }
    }
    forge(&mut records, "entries.jsonl", jsonl(&all), |_| {});
    records
}

#[test]
fn an_attachment_must_hold_the_type_its_name_says() {
    let dir = tempfile::tempdir().unwrap();
    let records = read_records(&good_pack(dir.path()));
    // Not UTF-8, so not the HTML the entry declares.
    let forged = with_attachment_bytes(records, b"MZ\x90\x00\xff\xfe executable".to_vec());
    let message = first_problem(dir.path(), &forged);
    assert!(message.contains("does not hold the text/html"), "{message}");
}

#[test]
fn an_html_attachment_that_could_run_or_load_something_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let records = read_records(&good_pack(dir.path()));
    let html = b"<html><body><h1>Checklist</h1><img src=\"https://tracker.example/p.gif\">\
                 <script>fetch('https://x.example')</script></body></html>";
    let forged = with_attachment_bytes(records, html.to_vec());
    let message = first_problem(dir.path(), &forged);
    assert!(message.contains("could run or load something"), "{message}");
    assert!(
        message.contains("`<script>`") && message.contains("`<img>`"),
        "{message}"
    );
}

#[test]
fn a_fifo_is_refused_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.gatipack");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(refusal(&fifo).contains("not a regular file"));
}
