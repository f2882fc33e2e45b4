//! The `.gatipack` file: one self-contained, versioned, verifiable file per published pack.
//!
//! A pack holds, as records of the [`container`]: `manifest.json` first, then `taxonomy.json`,
//! `entries.jsonl` (one entry per line, sorted by id) and one `attachments/<sha256>` record per
//! distinct attachment. The manifest lists every other record with its size and SHA-256, and its
//! `content_hash` is the SHA-256 of that list, so the manifest alone pins the whole content.
//!
//! Signing fits without a format change: a publisher signs the manifest's bytes, and the signature
//! travels in a record named `signature` placed straight after the manifest. Records named there
//! are the only ones a reader accepts that the manifest does not list.

pub mod container;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diagnostics::{Location, Report};
use crate::entry::{Entry, MAX_ATTACHMENT_BYTES};
use crate::error::{AtPath, Error, Result};
use crate::source::{PackInfo, Sources};
use crate::taxonomy::Taxonomy;
use crate::validate::{self, Locate};
use container::{ContainerError, RecordReader};

/// The version of the pack's content schema: the shape of the manifest, taxonomy and entries.
pub const SCHEMA_VERSION: u32 = 1;
/// The largest pack file a reader opens.
pub const MAX_PACK_BYTES: u64 = 2 * 1024 * 1024 * 1024;
const MAX_MANIFEST_BYTES: u64 = 8 * 1024 * 1024;
const MAX_TAXONOMY_BYTES: u64 = 8 * 1024 * 1024;
const MAX_ENTRIES_BYTES: u64 = 1024 * 1024 * 1024;
const MAX_SIGNATURE_BYTES: u64 = 64 * 1024;

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

/// The hash of the record list: the pack's identity, independent of when it was built.
fn content_hash(records: &[RecordInfo]) -> String {
    let mut h = Sha256::new();
    for r in records {
        h.update(format!("{}\t{}\t{}\n", r.name, r.size, r.sha256));
    }
    hex::encode(h.finalize())
}

fn record(name: String, data: &[u8]) -> RecordInfo {
    RecordInfo {
        name,
        size: data.len() as u64,
        sha256: hex::encode(Sha256::digest(data)),
    }
}

/// Writes the checked sources as a pack at `out`, atomically: a half-written pack never carries
/// the final name. Refuses sources that have errors.
pub fn build(sources: &Sources, out: &Path, created: DateTime<Utc>) -> Result<Manifest> {
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
                source: std::io::Error::other("the file changed while the pack was being built"),
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
    let manifest = Manifest {
        format: "gatipack".into(),
        schema_version: SCHEMA_VERSION,
        info: info.clone(),
        created,
        entry_count: entries.len(),
        content_hash: content_hash(&records),
        records,
    };
    let manifest_json = serde_json::to_vec_pretty(&manifest).expect("manifest serialises");

    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = tempfile::NamedTempFile::new_in(dir).at(dir)?;
    {
        let mut w = BufWriter::new(tmp.as_file());
        container::write_header(&mut w).at(out)?;
        container::write_record(&mut w, MANIFEST, &manifest_json).at(out)?;
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

/// A pack file that has been read and checked in full: container, hashes, schema and content rules.
#[derive(Debug)]
pub struct PackFile {
    pub path: PathBuf,
    pub manifest: Manifest,
    pub taxonomy: Taxonomy,
    pub entries: Vec<Entry>,
    /// Where each attachment's bytes are in the file, by SHA-256.
    attachments: HashMap<String, (u64, u64)>,
}

impl PackFile {
    /// Reads and checks everything in the file. Nothing outside the file is touched, so a pack
    /// that fails here leaves the library exactly as it was.
    pub fn open(path: &Path, today: NaiveDate) -> Result<PackFile> {
        let bad = |reason: String| Error::bad_pack(path, reason);
        let file = File::open(path).at(path)?;
        let len = file.metadata().at(path)?.len();
        if len > MAX_PACK_BYTES {
            return Err(bad(format!(
                "it is {len} bytes, more than the {MAX_PACK_BYTES} a pack may be"
            )));
        }
        let container = |e: ContainerError| bad(e.to_string());
        let mut reader = RecordReader::new(BufReader::new(file), len).map_err(container)?;

        let limit = |name: &str| match name {
            MANIFEST => MAX_MANIFEST_BYTES,
            SIGNATURE => MAX_SIGNATURE_BYTES,
            TAXONOMY => MAX_TAXONOMY_BYTES,
            ENTRIES => MAX_ENTRIES_BYTES,
            _ => MAX_ATTACHMENT_BYTES,
        };
        let first = reader.next_header(limit).map_err(container)?;
        let manifest: Manifest = match first {
            Some(h) if h.name == MANIFEST => {
                let data = reader.read_data(&h).map_err(container)?;
                serde_json::from_slice(&data)
                    .map_err(|e| bad(format!("its manifest cannot be read: {e}")))?
            }
            Some(h) => {
                return Err(bad(format!(
                    "it starts with `{}` where the manifest should be",
                    h.name
                )));
            }
            None => return Err(bad("it holds no manifest".into())),
        };
        if manifest.format != "gatipack" {
            return Err(bad(format!(
                "its manifest says format `{}`, not `gatipack`",
                manifest.format
            )));
        }
        if manifest.schema_version != SCHEMA_VERSION {
            return Err(bad(format!(
                "it uses content schema {}, and this version of GATI reads schema {SCHEMA_VERSION}; {}",
                manifest.schema_version,
                if manifest.schema_version > SCHEMA_VERSION {
                    "update GATI Desktop to install it"
                } else {
                    "rebuild the pack"
                }
            )));
        }
        if content_hash(&manifest.records) != manifest.content_hash {
            return Err(bad(
                "its manifest's content hash does not match its record list".into(),
            ));
        }

        let expected: HashMap<&str, &RecordInfo> = manifest
            .records
            .iter()
            .map(|r| (r.name.as_str(), r))
            .collect();
        let mut seen = HashSet::new();
        let mut taxonomy_json = None;
        let mut entries_jsonl = None;
        let mut attachments = HashMap::new();
        let mut index = 0;
        while let Some(h) = reader.next_header(limit).map_err(container)? {
            if h.name == SIGNATURE && index == 0 {
                // The slot for a publisher's signature over the manifest (see the module notes).
                reader
                    .copy_data(&h, &mut std::io::sink())
                    .map_err(container)?;
                continue;
            }
            index += 1;
            let Some(info) = expected.get(h.name.as_str()) else {
                return Err(bad(format!(
                    "it holds `{}`, which its manifest does not list",
                    h.name
                )));
            };
            if !seen.insert(h.name.clone()) {
                return Err(bad(format!("it holds `{}` twice", h.name)));
            }
            if h.len != info.size {
                return Err(bad(format!(
                    "`{}` is {} bytes but the manifest says {}",
                    h.name, h.len, info.size
                )));
            }
            let sha = if h.name == TAXONOMY || h.name == ENTRIES {
                let data = reader.read_data(&h).map_err(container)?;
                let sha = hex::encode(Sha256::digest(&data));
                if h.name == TAXONOMY {
                    taxonomy_json = Some(data)
                } else {
                    entries_jsonl = Some(data)
                }
                sha
            } else if let Some(sha) = h.name.strip_prefix(ATTACHMENTS) {
                let mut hasher = HashWriter(Sha256::new());
                reader.copy_data(&h, &mut hasher).map_err(container)?;
                attachments.insert(sha.to_string(), (h.offset, h.len));
                hex::encode(hasher.0.finalize())
            } else {
                return Err(bad(format!(
                    "`{}` is not a record this version of GATI knows",
                    h.name
                )));
            };
            if sha != info.sha256 {
                return Err(bad(format!(
                    "`{}` is damaged: its SHA-256 does not match the manifest",
                    h.name
                )));
            }
        }
        if let Some(missing) = manifest.records.iter().find(|r| !seen.contains(&r.name)) {
            return Err(bad(format!(
                "it is cut short: `{}` is missing",
                missing.name
            )));
        }
        if let Some((sha, _)) = attachments.iter().find(|(sha, _)| !attachment_name_ok(sha)) {
            return Err(bad(format!(
                "attachment record `{sha}` is not named by a SHA-256"
            )));
        }

        let taxonomy: Taxonomy =
            serde_json::from_slice(&taxonomy_json.ok_or_else(|| bad("it has no taxonomy".into()))?)
                .map_err(|e| bad(format!("its taxonomy cannot be read: {e}")))?;
        let problems = taxonomy.problems();
        if !problems.is_empty() {
            return Err(bad(format!(
                "its taxonomy is inconsistent: {}",
                problems.join("; ")
            )));
        }

        let entries_jsonl = entries_jsonl.ok_or_else(|| bad("it has no entries".into()))?;
        let text = std::str::from_utf8(&entries_jsonl)
            .map_err(|_| bad("its entries are not UTF-8 text".into()))?;
        let mut entries = Vec::with_capacity(manifest.entry_count.min(1_000_000));
        for (n, line) in text.lines().enumerate() {
            let entry: Entry = serde_json::from_str(line)
                .map_err(|e| bad(format!("entries.jsonl line {}: {e}", n + 1)))?;
            entries.push(entry);
        }
        if entries.len() != manifest.entry_count {
            return Err(bad(format!(
                "it holds {} entries but its manifest says {}",
                entries.len(),
                manifest.entry_count
            )));
        }

        let mut report = Report::default();
        validate::check_entries(&entries, &taxonomy, today, &PackLines(path), &mut report);
        for (i, e) in entries.iter().enumerate() {
            for (n, a) in e.attachments.iter().enumerate() {
                if attachments.get(&a.sha256).map(|(_, len)| *len) != Some(a.size) {
                    report.error(
                        PackLines(path).locate(i, "attachments", Some(n)),
                        format!("attachment `{}` is not in the pack", a.name),
                    );
                }
            }
        }
        if report.has_errors() {
            return Err(Error::Invalid(report));
        }
        Ok(PackFile {
            path: path.to_path_buf(),
            manifest,
            taxonomy,
            entries,
            attachments,
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
        let mut file = File::open(&self.path).at(&self.path)?;
        file.seek(SeekFrom::Start(offset)).at(&self.path)?;
        let mut bytes = vec![0u8; len as usize];
        file.read_exact(&mut bytes).at(&self.path)?;
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

fn attachment_name_ok(sha: &str) -> bool {
    sha.len() == 64
        && sha
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

struct HashWriter(Sha256);

impl Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
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
