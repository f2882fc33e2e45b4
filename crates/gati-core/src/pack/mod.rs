//! The `.gatipack` file: one self-contained, versioned, verifiable file per published pack.
//!
//! A pack holds, as records of the [`container`]: `manifest.json` first, then `taxonomy.json`,
//! `entries.jsonl` (one entry per line, sorted by id) and one `attachments/<sha256>` record per
//! distinct attachment. The manifest lists every other record with its size and SHA-256, and its
//! `content_hash` is the SHA-256 of the manifest's values (with that field empty), so the hash
//! pins every value of the manifest, its identity and date among them, and through the record list
//! every byte of the content.
//!
//! A reader accepts only the records the manifest lists, each once. A signed pack's manifest
//! names its signing key (`key_id`), and the record right after the manifest, `signature`, is
//! that key's minisign signature of the content hash (see [`crate::signing`]). Whether the key is
//! trusted is a separate question ([`PackFile::seal`]), so that any pack can be inspected.

mod container;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diagnostics::{Location, Report};
use crate::entry::{Entry, MAX_ATTACHMENT_BYTES, MAX_ENTRIES, MAX_ENTRY_LINE_BYTES};
use crate::error::{AtPath, Error, Result};
use crate::html_attachment;
use crate::printable::echo;
use crate::signing::{self, SecretKey, Trust};
use crate::source::{PackInfo, Sources};
use crate::taxonomy::Taxonomy;
use crate::validate::{self, Locate};
use container::{ContainerError, RecordReader};

/// The version of the pack's content schema: the shape of the manifest, taxonomy and entries.
pub const SCHEMA_VERSION: u32 = 2;
/// The largest pack file a reader opens.
pub const MAX_PACK_BYTES: u64 = 2 * 1024 * 1024 * 1024;
const MAX_MANIFEST_BYTES: u64 = 8 * 1024 * 1024;
const MAX_TAXONOMY_BYTES: u64 = 8 * 1024 * 1024;
const MAX_ENTRIES_BYTES: u64 = 512 * 1024 * 1024;

const MANIFEST: &str = "manifest.json";
const SIGNATURE: &str = "signature";
const TAXONOMY: &str = "taxonomy.json";
const ENTRIES: &str = "entries.jsonl";
const ATTACHMENTS: &str = "attachments/";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always `gatipack`: tells a person opening the JSON what it is.
    pub format: String,
    pub schema_version: u32,
    #[serde(flatten)]
    pub info: PackInfo,
    pub created: DateTime<Utc>,
    pub entry_count: usize,
    /// The id of the key whose signature follows the manifest; none for an unsigned pack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    pub content_hash: String,
    pub records: Vec<RecordInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordInfo {
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

impl Manifest {
    /// The pack's identity and the check on its manifest: the SHA-256 of the manifest itself
    /// with `content_hash` left empty. The manifest lists every other record with its size and
    /// hash, so a change to any byte of the pack (its title, publisher, version and date
    /// included) changes it.
    pub fn expected_hash(&self) -> String {
        let mut unsealed = self.clone();
        unsealed.content_hash.clear();
        let json = serde_json::to_vec(&unsealed).expect("a manifest serialises");
        let mut h = Sha256::new();
        h.update(b"gatipack manifest\n");
        h.update(&json);
        hex::encode(h.finalize())
    }

    /// Sets `content_hash` to cover the manifest as it now is.
    pub fn seal(&mut self) {
        self.content_hash = self.expected_hash();
    }

    /// What a signature's trusted comment says of the pack, for a person reading the signature.
    fn about(&self) -> String {
        format!("gatipack {} {}", self.info.id, self.info.version)
    }
}

fn record(name: String, data: &[u8]) -> RecordInfo {
    RecordInfo {
        name,
        size: data.len() as u64,
        sha256: hex::encode(Sha256::digest(data)),
    }
}

/// Writes the checked sources as a pack at `out`, atomically: a half-written pack never carries
/// the final name. Refuses sources that have errors. With a `signer`, the pack is signed.
pub fn build(
    sources: &Sources,
    out: &Path,
    created: DateTime<Utc>,
    signer: Option<&SecretKey>,
) -> Result<Manifest> {
    let (Some(info), Some(taxonomy), false) = (
        &sources.info,
        &sources.taxonomy,
        sources.report.has_errors(),
    ) else {
        return Err(Error::Invalid(sources.report.clone()));
    };
    let mut entries = sources.entries.clone();
    entries.sort_by(|a, b| a.id.cmp(&b.id));

    let taxonomy_json = serde_json::to_vec(taxonomy).expect("taxonomy serialises");
    let mut entries_jsonl = Vec::new();
    for e in &entries {
        serde_json::to_writer(&mut entries_jsonl, e).expect("entry serialises");
        entries_jsonl.push(b'\n');
    }
    let mut attachments = Vec::new();
    for (sha, path) in &sources.attachment_files {
        let bytes = std::fs::read(path).at(path)?;
        if hex::encode(Sha256::digest(&bytes)) != *sha {
            return Err(Error::Io {
                path: path.clone(),
                cause: std::io::Error::other("the file changed while the pack was being built"),
            });
        }
        attachments.push((format!("{ATTACHMENTS}{sha}"), bytes));
    }

    let mut records = vec![
        record(TAXONOMY.into(), &taxonomy_json),
        record(ENTRIES.into(), &entries_jsonl),
    ];
    records.extend(
        attachments
            .iter()
            .map(|(name, bytes)| record(name.clone(), bytes)),
    );
    let mut manifest = Manifest {
        format: "gatipack".into(),
        schema_version: SCHEMA_VERSION,
        info: info.clone(),
        created,
        entry_count: entries.len(),
        key_id: signer.map(|s| s.id().to_string()),
        content_hash: String::new(),
        records,
    };
    manifest.seal();
    let manifest_json = serde_json::to_vec_pretty(&manifest).expect("manifest serialises");
    let signature = signer
        .map(|s| s.sign(manifest.content_hash.as_bytes(), &manifest.about()))
        .transpose()?;

    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = tempfile::NamedTempFile::new_in(dir).at(dir)?;
    {
        let mut w = BufWriter::new(tmp.as_file());
        container::write_header(&mut w).at(out)?;
        container::write_record(&mut w, MANIFEST, &manifest_json).at(out)?;
        if let Some(signature) = &signature {
            container::write_record(&mut w, SIGNATURE, signature.as_bytes()).at(out)?;
        }
        container::write_record(&mut w, TAXONOMY, &taxonomy_json).at(out)?;
        container::write_record(&mut w, ENTRIES, &entries_jsonl).at(out)?;
        for (name, bytes) in &attachments {
            container::write_record(&mut w, name, bytes).at(out)?;
        }
        w.flush().at(out)?;
    }
    tmp.as_file().sync_all().at(out)?;
    // A pack is published to be read by everyone (an installed app's resources, a shared drive);
    // the temporary file's owner-only mode must not travel with it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .at(out)?;
    }
    tmp.persist(out).map_err(|e| e.error).at(out)?;
    Ok(manifest)
}

/// The manifest of a pack held in memory, checked as an install would check it (format, schema,
/// hash, identity), without reading the rest: enough to tell whether it is newer than the pack
/// installed. `name` is what messages call it.
pub fn peek_manifest(name: &Path, bytes: &[u8]) -> Result<Manifest> {
    let mut reader =
        RecordReader::new(bytes, bytes.len() as u64).map_err(|e| bad(name, e.to_string()))?;
    read_manifest(name, &mut reader)
}

/// The records of a pack file as they are, with nothing checked but the container itself: for
/// tools that look inside packs and for tests that forge damaged ones. Never install from this.
pub fn read_raw_records(path: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut reader = open_container(path)?;
    let mut out = Vec::new();
    let container = |e: ContainerError| bad(path, e.to_string());
    while let Some(h) = reader.next_header(|_| MAX_PACK_BYTES).map_err(container)? {
        let data = reader.read_data(&h).map_err(container)?;
        out.push((h.name, data));
    }
    Ok(out)
}

/// Writes records as a pack file exactly as given: the counterpart of [`read_raw_records`].
/// Names must be valid record names.
pub fn write_raw_records(path: &Path, records: &[(String, Vec<u8>)]) -> Result<()> {
    let mut out = BufWriter::new(File::create(path).at(path)?);
    container::write_header(&mut out).at(path)?;
    for (name, data) in records {
        if !container::is_valid_name(name) {
            return Err(bad(path, format!("record name {name:?} is not allowed")));
        }
        container::write_record(&mut out, name, data).at(path)?;
    }
    out.flush().at(path)
}

/// A pack file that has been read and checked in full: container, hashes, schema and content rules.
#[derive(Debug)]
pub struct PackFile {
    pub path: PathBuf,
    pub manifest: Manifest,
    /// The minisign signature of the content hash, when the pack is signed.
    pub signature: Option<String>,
    pub taxonomy: Taxonomy,
    pub entries: Vec<Entry>,
    /// Where each attachment's bytes are in the file, by SHA-256.
    attachments: HashMap<String, (u64, u64)>,
}

/// The records of a pack as they were streamed from the file and checked against the manifest.
struct Records {
    signature: Option<String>,
    taxonomy_json: Vec<u8>,
    entries: Vec<Entry>,
    attachments: HashMap<String, (u64, u64)>,
    /// How each attachment's bytes begin, and whether they are UTF-8, to check against the type
    /// its entries declare.
    sniffed: HashMap<String, Sniffed>,
}

impl PackFile {
    /// Reads and checks everything in the file. Nothing outside the file is touched, so a pack
    /// that fails here leaves the library exactly as it was. Records are checked as they stream
    /// in: no record is held whole before its size is known to be allowed, and entries are
    /// parsed line by line.
    pub fn open(path: &Path, today: NaiveDate) -> Result<PackFile> {
        let mut reader = open_container(path)?;
        let manifest = read_manifest(path, &mut reader)?;
        let records = read_records(path, &mut reader, &manifest)?;
        let taxonomy = parse_taxonomy(path, &records.taxonomy_json)?;
        check_content(path, &manifest, &taxonomy, &records, today)?;
        Ok(PackFile {
            path: path.to_path_buf(),
            manifest,
            signature: records.signature,
            taxonomy,
            entries: records.entries,
            attachments: records.attachments,
        })
    }

    /// An attachment's bytes, checked against its hash again in case the file changed since it
    /// was opened.
    pub fn read_attachment(&self, sha256: &str) -> Result<Vec<u8>> {
        let bad = |reason: String| Error::bad_pack(&self.path, reason);
        let &(offset, len) = self
            .attachments
            .get(sha256)
            .ok_or_else(|| bad(format!("no attachment {sha256}")))?;
        let bytes = read_span(&self.path, offset, len)?;
        if hex::encode(Sha256::digest(&bytes)) != sha256 {
            return Err(bad("the file changed while it was being installed".into()));
        }
        Ok(bytes)
    }

    /// Counts of entries by kind, for `gati pack inspect`.
    pub fn kind_counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for e in &self.entries {
            *counts.entry(e.kind.clone()).or_default() += 1;
        }
        counts
    }

    pub fn attachment_count(&self) -> usize {
        self.attachments.len()
    }
}

type Container = RecordReader<BufReader<File>>;

/// `len` bytes of the file at `offset`: a record whose place and size were checked as it streamed.
fn read_span(path: &Path, offset: u64, len: u64) -> Result<Vec<u8>> {
    let mut file = File::open(path).at(path)?;
    file.seek(SeekFrom::Start(offset)).at(path)?;
    let mut bytes = vec![0u8; len as usize];
    file.read_exact(&mut bytes).at(path)?;
    Ok(bytes)
}

fn bad(path: &Path, reason: impl Into<String>) -> Error {
    Error::bad_pack(path, reason)
}

/// The largest record of each kind a reader accepts.
fn record_limit(name: &str) -> u64 {
    match name {
        MANIFEST => MAX_MANIFEST_BYTES,
        SIGNATURE => signing::MAX_KEY_TEXT_BYTES as u64,
        TAXONOMY => MAX_TAXONOMY_BYTES,
        ENTRIES => MAX_ENTRIES_BYTES,
        _ => MAX_ATTACHMENT_BYTES,
    }
}

/// Opens a regular file of an allowed size and checks the container's header.
fn open_container(path: &Path) -> Result<Container> {
    // Only a regular file is read: opening a FIFO or a device would wait forever or never end,
    // and a folder is a mistake to say plainly.
    let kind = std::fs::metadata(path).at(path)?;
    if !kind.is_file() {
        return Err(bad(path, "it is not a regular file"));
    }
    let file = File::open(path).at(path)?;
    let len = file.metadata().at(path)?.len();
    if len > MAX_PACK_BYTES {
        return Err(bad(
            path,
            format!("it is {len} bytes, more than the {MAX_PACK_BYTES} a pack may be"),
        ));
    }
    RecordReader::new(BufReader::new(file), len).map_err(|e| bad(path, e.to_string()))
}

/// Reads the first record, which must be the manifest, and checks its format, schema, identity
/// and hash: the hash covers every field of the manifest, so no byte of it can change unseen.
fn read_manifest<R: Read>(path: &Path, reader: &mut RecordReader<R>) -> Result<Manifest> {
    let container = |e: ContainerError| bad(path, e.to_string());
    let manifest: Manifest = match reader.next_header(record_limit).map_err(container)? {
        Some(h) if h.name == MANIFEST => {
            let data = reader.read_data(&h).map_err(container)?;
            serde_json::from_slice(&data)
                .map_err(|e| bad(path, format!("its manifest cannot be read: {e}")))?
        }
        Some(h) => {
            return Err(bad(
                path,
                format!("it starts with `{}` where the manifest should be", h.name),
            ));
        }
        None => return Err(bad(path, "it holds no manifest")),
    };
    if manifest.format != "gatipack" {
        return Err(bad(
            path,
            format!(
                "its manifest says format `{}`, not `gatipack`",
                echo(&manifest.format)
            ),
        ));
    }
    if manifest.schema_version != SCHEMA_VERSION {
        return Err(bad(
            path,
            format!(
                "it uses content schema {}, and this version of GATI reads schema {SCHEMA_VERSION}; {}",
                manifest.schema_version,
                if manifest.schema_version > SCHEMA_VERSION {
                    "update GATI Desktop to install it"
                } else {
                    "rebuild the pack"
                }
            ),
        ));
    }
    if manifest.expected_hash() != manifest.content_hash {
        return Err(bad(
            path,
            "its manifest is damaged: its content hash does not match the manifest",
        ));
    }
    if let Some((field, problem)) = manifest.info.problems().into_iter().next() {
        return Err(bad(
            path,
            format!("its manifest's `{field}` is wrong: {problem}"),
        ));
    }
    if manifest.entry_count == 0 {
        return Err(bad(
            path,
            "it holds no entries, and installing it would empty the directory",
        ));
    }
    if manifest.entry_count > MAX_ENTRIES {
        return Err(bad(
            path,
            format!(
                "it claims {} entries; a pack may hold at most {MAX_ENTRIES}",
                manifest.entry_count
            ),
        ));
    }
    Ok(manifest)
}

/// Streams every record after the manifest, checking each against the manifest's list as it
/// goes: only listed records, each once, of the listed size and hash.
fn read_records(path: &Path, reader: &mut Container, manifest: &Manifest) -> Result<Records> {
    let container = |e: ContainerError| bad(path, e.to_string());
    let expected: HashMap<&str, &RecordInfo> = manifest
        .records
        .iter()
        .map(|r| (r.name.as_str(), r))
        .collect();
    let mut seen = HashSet::new();
    let mut records = Records {
        signature: None,
        taxonomy_json: Vec::new(),
        entries: Vec::new(),
        attachments: HashMap::new(),
        sniffed: HashMap::new(),
    };
    let mut first = true;
    while let Some(h) = reader.next_header(record_limit).map_err(container)? {
        let follows_manifest = std::mem::take(&mut first);
        if h.name == SIGNATURE {
            let data = reader.read_data(&h).map_err(container)?;
            records.signature = Some(read_signature(path, manifest, &data, follows_manifest)?);
            continue;
        }
        let Some(info) = expected.get(h.name.as_str()) else {
            return Err(bad(
                path,
                format!("it holds `{}`, which its manifest does not list", h.name),
            ));
        };
        if !seen.insert(h.name.clone()) {
            return Err(bad(path, format!("it holds `{}` twice", h.name)));
        }
        if h.len != info.size {
            return Err(bad(
                path,
                format!(
                    "`{}` is {} bytes but the manifest says {}",
                    h.name, h.len, info.size
                ),
            ));
        }
        let damaged = || {
            bad(
                path,
                format!(
                    "`{}` is damaged: its SHA-256 does not match the manifest",
                    h.name
                ),
            )
        };
        if h.name == TAXONOMY {
            let data = reader.read_data(&h).map_err(container)?;
            if hex::encode(Sha256::digest(&data)) != info.sha256 {
                return Err(damaged());
            }
            records.taxonomy_json = data;
        } else if h.name == ENTRIES {
            let mut lines = EntryLines::new(manifest.entry_count);
            let copied = reader.copy_data(&h, &mut lines);
            if let Some(problem) = lines.refused.take() {
                return Err(bad(path, problem));
            }
            copied.map_err(container)?;
            let (sha, entries) = lines.finish();
            if sha != info.sha256 {
                return Err(damaged());
            }
            records.entries = entries.map_err(|problem| bad(path, problem))?;
        } else if let Some(sha) = h.name.strip_prefix(ATTACHMENTS) {
            if !attachment_name_ok(sha) {
                return Err(bad(
                    path,
                    format!("attachment record `{sha}` is not named by a SHA-256"),
                ));
            }
            let mut sniffer = Sniffer::default();
            reader.copy_data(&h, &mut sniffer).map_err(container)?;
            let (digest, sniffed) = sniffer.finish();
            if digest != info.sha256 || digest != sha {
                return Err(damaged());
            }
            records
                .attachments
                .insert(sha.to_string(), (h.offset, h.len));
            records.sniffed.insert(sha.to_string(), sniffed);
        } else {
            return Err(bad(
                path,
                format!("`{}` is not a record this version of GATI knows", h.name),
            ));
        }
    }
    if let Some(missing) = manifest.records.iter().find(|r| !seen.contains(&r.name)) {
        return Err(bad(
            path,
            format!("it is cut short: `{}` is missing", missing.name),
        ));
    }
    if let (Some(key), None) = (&manifest.key_id, &records.signature) {
        return Err(bad(
            path,
            format!(
                "its manifest names signing key {}, but its signature is missing",
                echo(key)
            ),
        ));
    }
    Ok(records)
}

/// Checks the signature record's place and form: right after the manifest, once, from the key the
/// manifest names. Whether the signature is good is [`PackFile::seal`]'s question.
fn read_signature(
    path: &Path,
    manifest: &Manifest,
    data: &[u8],
    follows_manifest: bool,
) -> Result<String> {
    let Some(key_id) = &manifest.key_id else {
        return Err(bad(
            path,
            "it carries a signature, but its manifest names no signing key",
        ));
    };
    if !follows_manifest {
        return Err(bad(
            path,
            "its signature is not right after its manifest, or it has two",
        ));
    }
    let text = std::str::from_utf8(data)
        .map_err(|_| bad(path, "its signature is not text"))?
        .to_string();
    let signed_by = signing::signature_key_id(&text).map_err(|why| bad(path, why))?;
    if &signed_by != key_id {
        return Err(bad(
            path,
            format!(
                "its signature is from key {signed_by}, but its manifest names key {}",
                echo(key_id)
            ),
        ));
    }
    Ok(text)
}

/// Who vouches for a pack, once its signature is checked against the keys this computer trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seal {
    /// The pack carries no signature.
    Unsigned,
    /// Signed with a key this computer does not trust, so the signature cannot be checked.
    UnknownKey { key_id: String },
    /// Signed, and the signature is good, with a trusted key.
    Trusted { key_id: String, comment: String },
}

impl PackFile {
    /// Checks the pack's signature against `trust`. A signature that does not match the pack,
    /// from a trusted key, is an error: the pack has been changed since it was signed.
    pub fn seal(&self, trust: &Trust) -> Result<Seal> {
        let (Some(key_id), Some(signature)) = (&self.manifest.key_id, &self.signature) else {
            return Ok(Seal::Unsigned);
        };
        let Some(trusted) = trust.get(key_id) else {
            return Ok(Seal::UnknownKey {
                key_id: echo(key_id),
            });
        };
        trusted
            .public_key()
            .verify(self.manifest.content_hash.as_bytes(), signature)
            .map_err(|why| Error::Untrusted {
                path: self.path.clone(),
                reason: format!("{why}: it was changed after key {key_id} signed it"),
            })?;
        Ok(Seal::Trusted {
            key_id: key_id.clone(),
            comment: trusted.comment.clone(),
        })
    }
}

fn parse_taxonomy(path: &Path, json: &[u8]) -> Result<Taxonomy> {
    let taxonomy: Taxonomy = serde_json::from_slice(json)
        .map_err(|e| bad(path, format!("its taxonomy cannot be read: {e}")))?;
    let problems = taxonomy.problems();
    if !problems.is_empty() {
        return Err(bad(
            path,
            format!("its taxonomy is inconsistent: {}", problems.join("; ")),
        ));
    }
    Ok(taxonomy)
}

/// The content rules over the entries, and every attachment an entry names present with bytes
/// of the type it declares.
fn check_content(
    path: &Path,
    manifest: &Manifest,
    taxonomy: &Taxonomy,
    records: &Records,
    today: NaiveDate,
) -> Result<()> {
    let entries = &records.entries;
    if entries.len() != manifest.entry_count {
        return Err(bad(
            path,
            format!(
                "it holds {} entries but its manifest says {}",
                entries.len(),
                manifest.entry_count
            ),
        ));
    }
    let mut report = Report::default();
    validate::check_entries(entries, taxonomy, today, &PackLines(path), &mut report);
    // Each HTML attachment is read and checked once, however many entries carry it.
    let mut html_checked: HashMap<String, Vec<String>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        for (n, a) in e.attachments.iter().enumerate() {
            let here = || PackLines(path).locate(i, "attachments", Some(n));
            let stored = records.attachments.get(&a.sha256).map(|(_, len)| *len);
            if stored != Some(a.size) {
                report.error(
                    here(),
                    format!("attachment `{}` is not in the pack", echo(&a.name)),
                );
            } else if let Some(sniffed) = records.sniffed.get(&a.sha256)
                && !sniffed.is(&a.media_type)
            {
                report.error(
                    here(),
                    format!(
                        "attachment `{}` does not hold the {} its name says",
                        echo(&a.name),
                        echo(&a.media_type)
                    ),
                );
            } else if a.media_type == "text/html" {
                let problems = match html_checked.get(&a.sha256) {
                    Some(problems) => problems,
                    None => {
                        let (offset, len) = records.attachments[&a.sha256];
                        let bytes = read_span(path, offset, len)?;
                        let text = String::from_utf8_lossy(&bytes);
                        html_checked.insert(a.sha256.clone(), html_attachment::problems(&text));
                        &html_checked[&a.sha256]
                    }
                };
                if !problems.is_empty() {
                    report.error(
                        here(),
                        format!(
                            "attachment `{}` is HTML that could run or load something: {}",
                            echo(&a.name),
                            problems.join("; ")
                        ),
                    );
                }
            }
        }
    }
    if report.has_errors() {
        return Err(Error::Invalid(report));
    }
    Ok(())
}

/// Receives `entries.jsonl` as it streams from the file: hashes every byte and parses each line
/// as soon as it is whole, so that the record is never held as text, and an over-long line or
/// too many lines are refused at once (damage or not). A line that does not parse is remembered
/// and reported only if the record's hash is right, so that a damaged record is reported as
/// damaged rather than as bad JSON.
struct EntryLines {
    hasher: Sha256,
    line: Vec<u8>,
    number: usize,
    expected: usize,
    entries: Vec<Entry>,
    unreadable: Option<String>,
    /// Why the stream was stopped, when it was.
    refused: Option<String>,
}

impl EntryLines {
    fn new(expected: usize) -> EntryLines {
        EntryLines {
            hasher: Sha256::new(),
            line: Vec::new(),
            number: 0,
            expected,
            // The manifest's count is a claim: the list grows as real lines arrive.
            entries: Vec::with_capacity(expected.min(4096)),
            unreadable: None,
            refused: None,
        }
    }

    fn end_line(&mut self) -> std::io::Result<()> {
        self.number += 1;
        if self.number > self.expected {
            return self.refuse(format!(
                "it holds more entries than the {} its manifest says",
                self.expected
            ));
        }
        if self.unreadable.is_none() {
            let line = self.line.strip_suffix(b"\n").unwrap_or(&self.line);
            match serde_json::from_slice::<Entry>(line) {
                Ok(entry) => self.entries.push(entry),
                Err(e) => {
                    self.unreadable = Some(format!("entries.jsonl line {}: {e}", self.number));
                }
            }
        }
        self.line.clear();
        Ok(())
    }

    fn refuse(&mut self, reason: String) -> std::io::Result<()> {
        self.refused = Some(reason);
        Err(std::io::Error::other("the entries were refused"))
    }

    /// The record's SHA-256, and its entries or why a line could not be read.
    fn finish(mut self) -> (String, std::result::Result<Vec<Entry>, String>) {
        if !self.line.is_empty() {
            // The last line may lack its line break; a refusal here is already in `refused`.
            let _ = self.end_line();
        }
        let sha = hex::encode(self.hasher.finalize());
        match self.unreadable {
            Some(problem) => (sha, Err(problem)),
            None => (sha, Ok(self.entries)),
        }
    }
}

impl Write for EntryLines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.hasher.update(buf);
        for chunk in buf.split_inclusive(|&b| b == b'\n') {
            self.line.extend_from_slice(chunk);
            if self.line.len() > MAX_ENTRY_LINE_BYTES + 1 {
                return self
                    .refuse(format!(
                        "entries.jsonl line {} is longer than the {MAX_ENTRY_LINE_BYTES} bytes an entry may take",
                        self.number + 1
                    ))
                    .map(|()| 0);
            }
            if chunk.ends_with(b"\n") {
                self.end_line()?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// How an attachment's bytes begin and whether they are UTF-8 text, learnt while hashing them.
#[derive(Debug, Default)]
struct Sniffed {
    head: Vec<u8>,
    utf8: bool,
}

impl Sniffed {
    fn is(&self, media_type: &str) -> bool {
        crate::entry::signature_matches(media_type, &self.head, self.utf8)
    }
}

/// Hashes an attachment as it streams, keeping its first bytes and checking that it is UTF-8.
#[derive(Default)]
struct Sniffer {
    hasher: Sha256,
    head: Vec<u8>,
    /// The bytes of a character cut at the end of the last chunk.
    pending: Vec<u8>,
    not_utf8: bool,
}

impl Sniffer {
    fn finish(self) -> (String, Sniffed) {
        let utf8 = !self.not_utf8 && self.pending.is_empty();
        (
            hex::encode(self.hasher.finalize()),
            Sniffed {
                head: self.head,
                utf8,
            },
        )
    }
}

impl Write for Sniffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.hasher.update(buf);
        let want = crate::entry::SIGNATURE_BYTES.saturating_sub(self.head.len());
        self.head.extend_from_slice(&buf[..want.min(buf.len())]);
        if !self.not_utf8 {
            let mut data = std::mem::take(&mut self.pending);
            data.extend_from_slice(buf);
            match std::str::from_utf8(&data) {
                Ok(_) => {}
                // A character cut at the chunk's end continues in the next chunk.
                Err(e) if e.error_len().is_none() => {
                    self.pending = data[e.valid_up_to()..].to_vec();
                }
                Err(_) => self.not_utf8 = true,
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn attachment_name_ok(sha: &str) -> bool {
    sha.len() == 64
        && sha
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Locates problems in a pack's entries by their line in `entries.jsonl`.
struct PackLines<'a>(&'a Path);

impl Locate for PackLines<'_> {
    fn locate(&self, entry: usize, field: &str, _item: Option<usize>) -> Location {
        Location {
            file: format!("{} (entries.jsonl)", self.0.display()),
            line: Some(entry + 1),
            field: Some(field.to_string()),
        }
    }

    fn locate_body_line(&self, entry: usize, _line_in_body: usize) -> Location {
        self.locate(entry, "body", None)
    }
}
