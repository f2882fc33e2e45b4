//! Reads a pack's source folder (`content/`): `pack.toml`, `taxonomy.toml` and one Markdown file
//! with TOML front matter per entry. Every problem in every file is reported in one pass, with its
//! file, line and field.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::diagnostics::{Location, Report};
use crate::entry::{
    Attachment, Entry, MAX_ATTACHMENT_BYTES, MAX_TITLE_CHARS, Service, media_type_for,
};
use crate::error::{AtPath, Result};
use crate::taxonomy::Taxonomy;
use crate::validate::{self, Locate, derive_areas};

/// The identity of a pack, from `pack.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackInfo {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub version: String,
    /// Where schools' apps look for newer packs: an `https://` address or a folder (a school's
    /// network share) holding `latest.json` and the pack file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_from: Option<String>,
    /// How long after it was built the pack counts as getting old ("6 months").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_after: Option<String>,
    /// The email address that "Suggest a change" writes to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
    /// When set, a pack is published only when every entry changed since the last published pack
    /// has been approved by a second person.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub require_approval: bool,
}

impl PackInfo {
    /// What is wrong with the pack's identity, field by field: the same rules for `pack.toml`
    /// and for a pack file's manifest.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if !crate::taxonomy::is_slug(&self.id) {
            out.push(("id", "the pack id must be a lower-case slug".to_string()));
        }
        for (field, value) in [
            ("title", &self.title),
            ("publisher", &self.publisher),
            ("version", &self.version),
        ] {
            if value.trim().is_empty() {
                out.push((field, format!("the pack needs a {field}")));
            } else if value.chars().count() > MAX_TITLE_CHARS {
                out.push((
                    field,
                    format!("the {field} is longer than {MAX_TITLE_CHARS} characters"),
                ));
            } else if value.chars().any(crate::printable::is_unsafe) {
                out.push((field, format!("the {field} holds control characters")));
            }
        }
        if !self.version.trim().is_empty()
            && let Err(problem) = crate::version::PackVersion::parse(&self.version)
        {
            out.push(("version", problem));
        }
        if let Some(from) = &self.update_from
            && let Err(problem) = crate::update::Channel::parse(from)
        {
            out.push(("update_from", problem));
        }
        if let Some(after) = &self.stale_after
            && let Err(problem) = crate::version::FreshFor::parse(after)
        {
            out.push(("stale_after", problem));
        }
        if let Some(address) = &self.feedback {
            let contact = crate::entry::Contact {
                kind: crate::entry::ContactKind::Email,
                value: address.clone(),
                label: None,
            };
            if contact.check().is_err() {
                out.push((
                    "feedback",
                    "the feedback address must be one email address, such as gati@example.org"
                        .to_string(),
                ));
            }
        }
        out
    }

    /// The version as a comparable value; the pack's checks have refused any other.
    pub fn parsed_version(&self) -> Option<crate::version::PackVersion> {
        crate::version::PackVersion::parse(&self.version).ok()
    }
}

/// A source folder, read and checked.
#[derive(Debug)]
pub struct Sources {
    pub root: PathBuf,
    pub info: Option<PackInfo>,
    pub taxonomy: Option<Taxonomy>,
    pub entries: Vec<Entry>,
    /// Where each entry of `entries` came from and what the editors said of it, in the same order.
    pub files: Vec<EntryFile>,
    /// How many entry files the folder holds, read or not: an entry that could not be read is
    /// an error in the report and is still counted here.
    pub entry_files: usize,
    /// Where each attachment's bytes are, by SHA-256.
    pub attachment_files: BTreeMap<String, PathBuf>,
    pub report: Report,
}

/// An entry's file and its editorial state, which stays in the sources and never reaches a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFile {
    pub path: PathBuf,
    pub approval: Approval,
}

/// Where an entry stands with the second person who approves changes before they reach schools.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Approval {
    #[default]
    NotAsked,
    ReadyForReview,
    Approved {
        by: String,
        on: NaiveDate,
    },
}

/// Reads and checks the folder `root`. Problems go into the returned report; only a failure to
/// read the folder itself is an `Err`.
pub fn load(root: &Path, today: NaiveDate) -> Result<Sources> {
    let mut report = Report::default();
    let info = load_pack_info(root, &mut report);
    let taxonomy = load_taxonomy(root, &mut report);

    let entries_dir = root.join("entries");
    let mut files = Vec::new();
    if entries_dir.is_dir() {
        collect_markdown(&entries_dir, &mut files)?;
    } else {
        report.error(
            location(&entries_dir, None, None),
            "the folder has no `entries/` folder holding the entries",
        );
    }
    files.sort();

    let canonical_root = root.canonicalize().at(root)?;
    let mut entries = Vec::new();
    let mut entry_files = Vec::new();
    let mut spans = Vec::new();
    let mut attachment_files = BTreeMap::new();
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => {
                report.error(
                    location(file, None, None),
                    format!("cannot read the file: {e}"),
                );
                continue;
            }
        };
        let ctx = FileContext {
            path: file,
            canonical_root: &canonical_root,
            taxonomy: taxonomy.as_ref(),
        };
        if let Some(parsed) = parse_entry(&ctx, &text, &mut report) {
            entries.push(parsed.entry);
            spans.push(parsed.spans);
            attachment_files.extend(parsed.files);
            entry_files.push(EntryFile {
                path: file.clone(),
                approval: parsed.approval,
            });
        }
    }

    if let Some(taxonomy) = &taxonomy {
        validate::check_entries(&entries, taxonomy, today, &SourceSpans(&spans), &mut report);
    }
    crate::twins::check(&entries, &SourceSpans(&spans), &mut report);
    report.sort();
    Ok(Sources {
        root: root.to_path_buf(),
        info,
        taxonomy,
        entry_files: files.len(),
        entries,
        files: entry_files,
        attachment_files,
        report,
    })
}

/// Checks the text of one entry file as if it were saved at `path` in the folder of `sources`
/// in place of the file `replacing`, among the folder's other entries, with every rule that
/// [`load`] applies to one entry. Returns the entry, when its text could be read, and the problems
/// found in this file alone.
pub fn check_entry_text(
    sources: &Sources,
    replacing: &Path,
    path: &Path,
    text: &str,
    today: NaiveDate,
) -> Result<(Option<Entry>, Report)> {
    let canonical_root = sources.root.canonicalize().at(&sources.root)?;
    let ctx = FileContext {
        path,
        canonical_root: &canonical_root,
        taxonomy: sources.taxonomy.as_ref(),
    };
    let mut report = Report::default();
    let Some(parsed) = parse_entry(&ctx, text, &mut report) else {
        report.sort();
        return Ok((None, report));
    };
    if let Some(taxonomy) = &sources.taxonomy {
        // The entry is checked last among the others, so that a clash of ids is reported here.
        let mut all: Vec<Entry> = sources
            .entries
            .iter()
            .zip(&sources.files)
            .filter(|(_, f)| f.path != replacing)
            .map(|(e, _)| e.clone())
            .collect();
        all.push(parsed.entry.clone());
        let at = OnlyLast {
            last: all.len() - 1,
            spans: &parsed.spans,
        };
        let mut all_report = Report::default();
        validate::check_entries(&all, taxonomy, today, &at, &mut all_report);
        let file = path.display().to_string();
        for d in all_report.diagnostics {
            if d.location.file == file {
                report.push(d.severity, d.location, d.message);
            }
        }
    }
    report.sort();
    Ok((Some(parsed.entry), report))
}

/// Locates only the last entry's fields; problems of the others are left out by the caller.
struct OnlyLast<'a> {
    last: usize,
    spans: &'a EntrySpans,
}

impl Locate for OnlyLast<'_> {
    fn locate(&self, entry: usize, field: &str, item: Option<usize>) -> Location {
        if entry == self.last {
            SourceSpans(std::slice::from_ref(self.spans)).locate(0, field, item)
        } else {
            location(Path::new(""), None, None)
        }
    }

    fn locate_body_line(&self, entry: usize, line_in_body: usize) -> Location {
        if entry == self.last {
            SourceSpans(std::slice::from_ref(self.spans)).locate_body_line(0, line_in_body)
        } else {
            location(Path::new(""), None, None)
        }
    }
}

fn location(path: &Path, line: Option<usize>, field: Option<&str>) -> Location {
    Location {
        file: path.display().to_string(),
        line,
        field: field.map(str::to_string),
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn load_pack_info(root: &Path, report: &mut Report) -> Option<PackInfo> {
    let path = root.join("pack.toml");
    let text = read_or_report(&path, report)?;
    match toml::from_str::<PackInfo>(&text) {
        Ok(info) => {
            for (field, problem) in info.problems() {
                report.error(location(&path, None, Some(field)), problem);
            }
            Some(info)
        }
        Err(e) => {
            report_toml_error(report, &path, &text, 0, &e);
            None
        }
    }
}

fn load_taxonomy(root: &Path, report: &mut Report) -> Option<Taxonomy> {
    let path = root.join("taxonomy.toml");
    let text = read_or_report(&path, report)?;
    match toml::from_str::<Taxonomy>(&text) {
        Ok(taxonomy) => {
            let problems = taxonomy.problems();
            for problem in &problems {
                // Point at the line that names the code when the message quotes one.
                let line = problem
                    .split('`')
                    .nth(1)
                    .and_then(|code| text.find(&format!("code = \"{code}\"")))
                    .map(|offset| line_of(&text, offset));
                report.error(location(&path, line, None), problem.clone());
            }
            problems.is_empty().then_some(taxonomy)
        }
        Err(e) => {
            report_toml_error(report, &path, &text, 0, &e);
            None
        }
    }
}

fn read_or_report(path: &Path, report: &mut Report) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) => {
            report.error(
                location(path, None, None),
                format!("cannot read the file: {e}"),
            );
            None
        }
    }
}

/// Reports a TOML error in `text` (which starts at file line `first_line + 1`) at its line and
/// field, in words an editor can act on.
fn report_toml_error(
    report: &mut Report,
    path: &Path,
    text: &str,
    first_line: usize,
    e: &toml::de::Error,
) {
    let line = e.span().map(|s| first_line + line_of(text, s.start));
    let explained = crate::toml_errors::explain(text, e);
    report.error(
        location(path, line, explained.field.as_deref()),
        explained.message,
    );
}

fn collect_markdown(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for item in std::fs::read_dir(dir).at(dir)? {
        let path = item.at(dir)?.path();
        if path.is_dir() {
            collect_markdown(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    Ok(())
}

/// The front matter as written, with the position of every field so that rule violations found
/// later can point at their line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    title: Option<Spanned<String>>,
    summary: Option<Spanned<String>>,
    needs: Option<Spanned<Vec<Spanned<String>>>>,
    levels: Option<Spanned<Vec<Spanned<String>>>>,
    steps: Option<Spanned<Vec<Spanned<String>>>>,
    phases: Option<Spanned<Vec<Spanned<String>>>>,
    audiences: Option<Spanned<Vec<Spanned<String>>>>,
    waiting_for: Option<Spanned<Vec<Spanned<String>>>>,
    tags: Option<Vec<String>>,
    related: Option<Spanned<Vec<Spanned<String>>>>,
    replaces: Option<Spanned<Vec<Spanned<String>>>>,
    attachments: Option<Spanned<Vec<Spanned<String>>>>,
    last_reviewed: Option<Spanned<toml::Value>>,
    review_by: Option<Spanned<toml::Value>>,
    owner: Option<Spanned<String>>,
    sources: Option<Spanned<Vec<String>>>,
    service: Option<Spanned<Service>>,
    ready_for_review: Option<Spanned<bool>>,
    approved_by: Option<Spanned<String>>,
    approved_on: Option<Spanned<toml::Value>>,
}

/// Lines of one entry's fields and list items, in file coordinates.
struct EntrySpans {
    file: PathBuf,
    front_matter_line: usize,
    body_line: usize,
    fields: HashMap<&'static str, usize>,
    items: HashMap<(&'static str, usize), usize>,
}

struct SourceSpans<'a>(&'a [EntrySpans]);

impl Locate for SourceSpans<'_> {
    fn locate(&self, entry: usize, field: &str, item: Option<usize>) -> Location {
        let s = &self.0[entry];
        let line = item
            .and_then(|n| {
                s.items
                    .iter()
                    .find(|((f, i), _)| *f == field && *i == n)
                    .map(|(_, l)| *l)
            })
            .or_else(|| s.fields.iter().find(|(f, _)| **f == field).map(|(_, l)| *l))
            .unwrap_or(s.front_matter_line);
        location(&s.file, Some(line), Some(field))
    }

    fn locate_body_line(&self, entry: usize, line_in_body: usize) -> Location {
        let s = &self.0[entry];
        location(&s.file, Some(s.body_line + line_in_body - 1), Some("body"))
    }
}

struct FileContext<'a> {
    path: &'a Path,
    canonical_root: &'a Path,
    taxonomy: Option<&'a Taxonomy>,
}

/// An entry file split at its `+++` lines, with the file line each part starts on.
#[derive(Clone, Copy)]
struct EntryText<'a> {
    front: &'a str,
    front_line: usize,
    body: &'a str,
    body_line: usize,
}

impl EntryText<'_> {
    /// The file line of a position in the front matter, which TOML counts from its own start.
    fn line(&self, span: Range<usize>) -> usize {
        self.front_line - 1 + line_of(self.front, span.start)
    }
}

/// Splits `+++` front matter from the body.
fn split_front_matter(text: &str) -> Option<EntryText<'_>> {
    let (front, body) = front_matter_ranges(text)?;
    let front = &text[front];
    Some(EntryText {
        front,
        front_line: 2,
        body: &text[body],
        body_line: 2 + front.matches('\n').count() + 1,
    })
}

/// Where the TOML between the `+++` lines and the Markdown after them are in an entry file's
/// text, or `None` when the file does not have that shape.
pub(crate) fn front_matter_ranges(text: &str) -> Option<(Range<usize>, Range<usize>)> {
    let start = text
        .strip_prefix('\u{feff}')
        .map_or(0, |_| '\u{feff}'.len_utf8());
    let rest = &text[start..];
    let opening = if rest.starts_with("+++\n") {
        4
    } else if rest.starts_with("+++\r\n") {
        5
    } else {
        return None;
    };
    let front_start = start + opening;
    let mut offset = front_start;
    for line in text[front_start..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some((front_start..offset, offset + line.len()..text.len()));
        }
        offset += line.len();
    }
    None
}

/// One entry file, read: the entry, where its fields are, its attachments' files by SHA-256 and
/// its editorial state.
struct ParsedEntry {
    entry: Entry,
    spans: EntrySpans,
    files: Vec<(String, PathBuf)>,
    approval: Approval,
}

/// Reads one entry file: its shape, its TOML, then its fields. Problems go into `report`, and each
/// step that cannot go on without the one before stops there.
fn parse_entry(ctx: &FileContext, text: &str, report: &mut Report) -> Option<ParsedEntry> {
    let Some(text) = split_front_matter(text) else {
        report.error(
            location(ctx.path, Some(1), None),
            "an entry starts with a `+++` line, then TOML front matter, then a closing `+++` line",
        );
        return None;
    };
    let raw = parse_front_matter(ctx.path, text, report)?;
    EntryReader::new(ctx, text, report).read(raw)
}

/// Parses the front matter as TOML. A syntax error, an unknown field or a value of the wrong type
/// is reported at its line in the file.
fn parse_front_matter(path: &Path, text: EntryText, report: &mut Report) -> Option<RawEntry> {
    match toml::from_str(text.front) {
        Ok(raw) => Some(raw),
        Err(e) => {
            report_toml_error(report, path, text.front, text.front_line - 1, &e);
            None
        }
    }
}

/// Turns one entry's parsed front matter into an entry, noting the line of every field and list
/// item as it goes so that the content rules can point at them later.
struct EntryReader<'a> {
    ctx: &'a FileContext<'a>,
    text: EntryText<'a>,
    spans: EntrySpans,
    report: &'a mut Report,
}

impl<'a> EntryReader<'a> {
    fn new(ctx: &'a FileContext<'a>, text: EntryText<'a>, report: &'a mut Report) -> Self {
        let spans = EntrySpans {
            file: ctx.path.to_path_buf(),
            front_matter_line: 1,
            body_line: text.body_line,
            fields: HashMap::new(),
            items: HashMap::new(),
        };
        Self {
            ctx,
            text,
            spans,
            report,
        }
    }

    /// Reads every field and builds the entry. The review dates have no empty value to stand in
    /// for them, so without both there is no entry; the other problems are still reported first.
    fn read(mut self, raw: RawEntry) -> Option<ParsedEntry> {
        let approval = self.approval(raw.ready_for_review, raw.approved_by, raw.approved_on);
        let last_reviewed = self.last_reviewed(raw.last_reviewed);
        let review_by = self.review_by(raw.review_by, last_reviewed);
        let id = self.text("id", raw.id);
        self.check_file_name(&id);
        let (attachments, files) = self.attachments(raw.attachments);
        let needs = self.list("needs", raw.needs);
        let areas = self.areas(&needs);
        let entry = Entry {
            id,
            kind: self.text("kind", raw.kind),
            title: self.text("title", raw.title),
            summary: self.text("summary", raw.summary),
            body: self.text.body.to_string(),
            needs,
            areas,
            levels: self.list("levels", raw.levels),
            steps: self.list("steps", raw.steps),
            phases: self.list("phases", raw.phases),
            audiences: self.list("audiences", raw.audiences),
            waiting_for: self.list("waiting_for", raw.waiting_for),
            tags: raw.tags.unwrap_or_default(),
            related: self.list("related", raw.related),
            replaces: self.list("replaces", raw.replaces),
            attachments,
            last_reviewed: last_reviewed?,
            review_by: review_by?,
            owner: self.text("owner", raw.owner),
            sources: self.field("sources", raw.sources).unwrap_or_default(),
            service: self.field("service", raw.service),
        };
        Some(ParsedEntry {
            entry,
            spans: self.spans,
            files,
            approval,
        })
    }

    /// An approval names its approver and its date together; being approved supersedes being
    /// ready for review.
    fn approval(
        &mut self,
        ready: Option<Spanned<bool>>,
        by: Option<Spanned<String>>,
        on: Option<Spanned<toml::Value>>,
    ) -> Approval {
        let ready = self.field("ready_for_review", ready).unwrap_or(false);
        let by = self.field("approved_by", by);
        let on = self.field("approved_on", on);
        match (by, on) {
            (Some(by), Some(on)) if !by.trim().is_empty() => match parse_date(&on) {
                Ok(on) => return Approval::Approved { by, on },
                Err(problem) => self.report.error(self.at("approved_on"), problem),
            },
            (Some(_), _) => self.report.error(
                self.at("approved_by"),
                "an approval needs both `approved_by` (a name) and `approved_on` (a date)",
            ),
            (None, Some(_)) => self.report.error(
                self.at("approved_on"),
                "`approved_on` needs `approved_by`, the name of the person who approved",
            ),
            (None, None) => {}
        }
        if ready {
            Approval::ReadyForReview
        } else {
            Approval::NotAsked
        }
    }

    /// Notes the line of a field and takes its value.
    fn field<T>(&mut self, name: &'static str, value: Option<Spanned<T>>) -> Option<T> {
        let value = value?;
        self.spans.fields.insert(name, self.text.line(value.span()));
        Some(value.into_inner())
    }

    /// A missing text field is left empty here and reported once, by the content rules.
    fn text(&mut self, name: &'static str, value: Option<Spanned<String>>) -> String {
        self.field(name, value).unwrap_or_default()
    }

    /// A list, with the line of each item, so that one bad code in a list spread over several
    /// lines is reported at its own line. A missing list is empty, as for text fields.
    fn list(
        &mut self,
        name: &'static str,
        value: Option<Spanned<Vec<Spanned<String>>>>,
    ) -> Vec<String> {
        let items = self.field(name, value).unwrap_or_default();
        items
            .into_iter()
            .enumerate()
            .map(|(n, item)| {
                self.spans
                    .items
                    .insert((name, n), self.text.line(item.span()));
                item.into_inner()
            })
            .collect()
    }

    /// Where a problem with a field is reported: at its line, or at the start of the front matter
    /// when the field is missing.
    fn at(&self, name: &str) -> Location {
        let line = self.spans.fields.get(name).copied();
        location(
            self.ctx.path,
            line.or(Some(self.spans.front_matter_line)),
            Some(name),
        )
    }

    /// The date every review rule counts from.
    fn last_reviewed(&mut self, value: Option<Spanned<toml::Value>>) -> Option<NaiveDate> {
        let problem = match self.field("last_reviewed", value).map(|v| parse_date(&v)) {
            Some(Ok(date)) => return Some(date),
            Some(Err(msg)) => msg,
            None => "required field `last_reviewed` is missing".to_string(),
        };
        self.report.error(self.at("last_reviewed"), problem);
        None
    }

    /// An interval counts from `last_reviewed`, so when that date is missing or broken its problem
    /// is the only one reported.
    fn review_by(
        &mut self,
        value: Option<Spanned<toml::Value>>,
        last_reviewed: Option<NaiveDate>,
    ) -> Option<NaiveDate> {
        let problem = match (self.field("review_by", value), last_reviewed) {
            (Some(v), Some(from)) => match parse_review_by(&v, from) {
                Ok(date) => return Some(date),
                Err(msg) => msg,
            },
            (Some(_), None) => return None,
            (None, _) => {
                "required field `review_by` is missing (a date, or an interval such as \"12 months\")"
                    .to_string()
            }
        };
        self.report.error(self.at("review_by"), problem);
        None
    }

    /// Files are named after their ids so that an id leads to its file. A missing id is left to
    /// the content rules.
    fn check_file_name(&mut self, id: &str) {
        let stem = self
            .ctx
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if !id.is_empty() && stem != id {
            self.report.error(
                self.at("id"),
                format!(
                    "the file is named `{stem}.md` but the id is `{id}`; name the file after the id"
                ),
            );
        }
    }

    /// Reads each attachment, reporting a bad one at its own item. Returns the attachments that
    /// can be carried, and where each one's bytes are, by SHA-256.
    fn attachments(
        &mut self,
        value: Option<Spanned<Vec<Spanned<String>>>>,
    ) -> (Vec<Attachment>, Vec<(String, PathBuf)>) {
        let mut attachments = Vec::new();
        let mut files = Vec::new();
        for (n, rel) in self.list("attachments", value).iter().enumerate() {
            match read_attachment(self.ctx, rel) {
                Ok((attachment, file)) => {
                    files.push((attachment.sha256.clone(), file));
                    attachments.push(attachment);
                }
                Err(msg) => {
                    let line = self.spans.items.get(&("attachments", n)).copied();
                    self.report
                        .error(location(self.ctx.path, line, Some("attachments")), msg);
                }
            }
        }
        (attachments, files)
    }

    /// Areas follow from needs through the taxonomy. Without a taxonomy there are none to find,
    /// and its absence is reported already.
    fn areas(&self, needs: &[String]) -> Vec<String> {
        self.ctx
            .taxonomy
            .map(|t| derive_areas(needs, t))
            .unwrap_or_default()
    }
}

fn parse_date(v: &toml::Value) -> std::result::Result<NaiveDate, String> {
    let text = match v {
        toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
        toml::Value::String(s) => s.clone(),
        other => {
            return Err(format!(
                "expected a date such as 2026-11-25, found `{other}`"
            ));
        }
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a valid date (YYYY-MM-DD)"))
}

/// A `review_by` is a date, or an interval after `last_reviewed` such as "12 months" or "2 years".
fn parse_review_by(
    v: &toml::Value,
    last_reviewed: NaiveDate,
) -> std::result::Result<NaiveDate, String> {
    if let toml::Value::String(s) = v
        && let Some((n, unit)) = s.trim().split_once(' ')
        && let Ok(n) = n.parse::<u32>()
    {
        let date = match unit.trim_end_matches('s') {
            "day" => last_reviewed.checked_add_days(Days::new(n.into())),
            "week" => last_reviewed.checked_add_days(Days::new(u64::from(n) * 7)),
            "month" => last_reviewed.checked_add_months(Months::new(n)),
            "year" => last_reviewed.checked_add_months(Months::new(n * 12)),
            _ => None,
        };
        return date.ok_or_else(|| {
            format!(
                "`{s}` is not an interval: use days, weeks, months or years, as in \"12 months\""
            )
        });
    }
    parse_date(v)
}

/// Checks that an attachment path stays inside the source folder, exists and is small enough, and
/// describes it for the pack.
fn read_attachment(
    ctx: &FileContext,
    rel: &str,
) -> std::result::Result<(Attachment, PathBuf), String> {
    let rel_path = Path::new(rel);
    if rel.contains('\\')
        || rel_path
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Err(format!(
            "`{rel}` must be a plain relative path below the entry's folder, without `..`"
        ));
    }
    let dir = ctx.path.parent().unwrap_or(Path::new("."));
    let full = dir.join(rel_path);
    let canonical = full
        .canonicalize()
        .map_err(|e| format!("`{rel}` cannot be opened: {e}"))?;
    if !canonical.starts_with(ctx.canonical_root) {
        return Err(format!("`{rel}` leads outside the pack's folder"));
    }
    let meta = std::fs::metadata(&canonical).map_err(|e| format!("`{rel}`: {e}"))?;
    if !meta.is_file() {
        return Err(format!("`{rel}` is not a file"));
    }
    if meta.len() > MAX_ATTACHMENT_BYTES {
        return Err(format!(
            "`{rel}` is {} bytes; attachments may be at most {MAX_ATTACHMENT_BYTES} bytes",
            meta.len()
        ));
    }
    let name = rel_path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    let media_type = media_type_for(&name)
        .ok_or_else(|| format!("`{rel}` has a file type that packs may not carry"))?
        .to_string();
    let bytes = std::fs::read(&canonical).map_err(|e| format!("`{rel}`: {e}"))?;
    if !crate::entry::bytes_match(&media_type, &bytes) {
        return Err(format!(
            "`{rel}` does not hold the {media_type} its name says"
        ));
    }
    if media_type == "text/html" {
        let problems = crate::html_attachment::problems(&String::from_utf8_lossy(&bytes));
        if !problems.is_empty() {
            return Err(format!(
                "`{rel}` is HTML that could run or load something outside the app: {}",
                problems.join("; ")
            ));
        }
    }
    let attachment = Attachment {
        name,
        media_type,
        size: meta.len(),
        sha256: hex::encode(Sha256::digest(&bytes)),
    };
    Ok((attachment, canonical))
}
