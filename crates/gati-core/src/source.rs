//! Reads a pack's source folder (`content/`): `pack.toml`, `taxonomy.toml` and one Markdown file
//! with TOML front matter per entry. Every problem in every file is reported in one pass, with its
//! file, line and field.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use chrono::{Days, Months, NaiveDate};
use serde::Deserialize;
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackInfo {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub version: String,
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
        out
    }
}

/// A source folder, read and checked.
#[derive(Debug)]
pub struct Sources {
    pub root: PathBuf,
    pub info: Option<PackInfo>,
    pub taxonomy: Option<Taxonomy>,
    pub entries: Vec<Entry>,
    /// Where each attachment's bytes are, by SHA-256.
    pub attachment_files: BTreeMap<String, PathBuf>,
    pub report: Report,
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
        if let Some((entry, entry_spans, files)) = parse_entry(&ctx, &text, &mut report) {
            entries.push(entry);
            spans.push(entry_spans);
            attachment_files.extend(files);
        }
    }

    if let Some(taxonomy) = &taxonomy {
        validate::check_entries(&entries, taxonomy, today, &SourceSpans(&spans), &mut report);
    }
    report.sort();
    Ok(Sources {
        root: root.to_path_buf(),
        info,
        taxonomy,
        entries,
        attachment_files,
        report,
    })
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
            report.error(
                toml_error_location(&path, &text, 0, &e),
                e.message().to_string(),
            );
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
            report.error(
                toml_error_location(&path, &text, 0, &e),
                e.message().to_string(),
            );
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

fn toml_error_location(
    path: &Path,
    text: &str,
    first_line: usize,
    e: &toml::de::Error,
) -> Location {
    let line = e.span().map(|s| first_line + line_of(text, s.start));
    location(path, line, None)
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
    attachments: Option<Spanned<Vec<Spanned<String>>>>,
    last_reviewed: Option<Spanned<toml::Value>>,
    review_by: Option<Spanned<toml::Value>>,
    owner: Option<Spanned<String>>,
    sources: Option<Spanned<Vec<String>>>,
    service: Option<Spanned<Service>>,
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

/// Splits `+++` front matter from the body. Returns the front matter, the line it starts on, the
/// body and the line the body starts on.
fn split_front_matter(text: &str) -> Option<(&str, usize, &str, usize)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let front = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let fm_lines = front.matches('\n').count();
            return Some((front, 2, body, 2 + fm_lines + 1));
        }
        offset += line.len();
    }
    None
}

type ParsedEntry = (Entry, EntrySpans, Vec<(String, PathBuf)>);

fn parse_entry(ctx: &FileContext, text: &str, report: &mut Report) -> Option<ParsedEntry> {
    let path = ctx.path;
    let Some((front, fm_line, body, body_line)) = split_front_matter(text) else {
        report.error(
            location(path, Some(1), None),
            "an entry starts with a `+++` line, then TOML front matter, then a closing `+++` line",
        );
        return None;
    };
    let raw: RawEntry = match toml::from_str(front) {
        Ok(raw) => raw,
        Err(e) => {
            report.error(
                toml_error_location(path, front, fm_line - 1, &e),
                e.message().trim().to_string(),
            );
            return None;
        }
    };
    let mut spans = EntrySpans {
        file: path.to_path_buf(),
        front_matter_line: 1,
        body_line,
        fields: HashMap::new(),
        items: HashMap::new(),
    };
    let line = |span: Range<usize>| fm_line - 1 + line_of(front, span.start);

    // Missing text fields are left empty here and reported once, by the content rules.
    let mut text_field = |name: &'static str, value: Option<Spanned<String>>| -> String {
        value.map_or_else(String::new, |v| {
            spans.fields.insert(name, line(v.span()));
            v.into_inner()
        })
    };
    let id = text_field("id", raw.id);
    let kind = text_field("kind", raw.kind);
    let title = text_field("title", raw.title);
    let summary = text_field("summary", raw.summary);
    let owner = text_field("owner", raw.owner);

    let mut list =
        |name: &'static str, value: Option<Spanned<Vec<Spanned<String>>>>| -> Vec<String> {
            let Some(value) = value else {
                return Vec::new();
            };
            spans.fields.insert(name, line(value.span()));
            value
                .into_inner()
                .into_iter()
                .enumerate()
                .map(|(n, item)| {
                    spans.items.insert((name, n), line(item.span()));
                    item.into_inner()
                })
                .collect()
        };
    let needs = list("needs", raw.needs);
    let levels = list("levels", raw.levels);
    let steps = list("steps", raw.steps);
    let phases = list("phases", raw.phases);
    let audiences = list("audiences", raw.audiences);
    let waiting_for = list("waiting_for", raw.waiting_for);
    let related = list("related", raw.related);
    let attachment_paths = list("attachments", raw.attachments);

    let mut date_line = |name: &'static str, v: &Option<Spanned<toml::Value>>| {
        if let Some(v) = v {
            spans.fields.insert(name, line(v.span()));
        }
    };
    date_line("last_reviewed", &raw.last_reviewed);
    date_line("review_by", &raw.review_by);
    if let Some(service) = &raw.service {
        spans.fields.insert("service", line(service.span()));
    }
    if let Some(sources) = &raw.sources {
        spans.fields.insert("sources", line(sources.span()));
    }
    let field_at = |name: &str| {
        location(
            path,
            spans.fields.get(name).copied().or(Some(1)),
            Some(name),
        )
    };

    let last_reviewed = match raw.last_reviewed.as_ref().map(|v| parse_date(v.get_ref())) {
        Some(Ok(d)) => Some(d),
        Some(Err(msg)) => {
            report.error(field_at("last_reviewed"), msg);
            None
        }
        None => {
            report.error(
                field_at("last_reviewed"),
                "required field `last_reviewed` is missing",
            );
            None
        }
    };
    let review_by = match (raw.review_by.as_ref(), last_reviewed) {
        (Some(v), Some(from)) => match parse_review_by(v.get_ref(), from) {
            Ok(d) => Some(d),
            Err(msg) => {
                report.error(field_at("review_by"), msg);
                None
            }
        },
        (Some(_), None) => None,
        (None, _) => {
            report.error(field_at("review_by"), "required field `review_by` is missing (a date, or an interval such as \"12 months\")");
            None
        }
    };

    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if !id.is_empty() && stem != id {
        report.error(
            field_at("id"),
            format!(
                "the file is named `{stem}.md` but the id is `{id}`; name the file after the id"
            ),
        );
    }

    let mut attachments = Vec::new();
    let mut files = Vec::new();
    for (n, rel) in attachment_paths.iter().enumerate() {
        let at = location(
            path,
            spans.items.get(&("attachments", n)).copied(),
            Some("attachments"),
        );
        match read_attachment(ctx, rel) {
            Ok((attachment, file)) => {
                files.push((attachment.sha256.clone(), file));
                attachments.push(attachment);
            }
            Err(msg) => report.error(at, msg),
        }
    }

    let areas = ctx
        .taxonomy
        .map(|t| derive_areas(&needs, t))
        .unwrap_or_default();
    let entry = Entry {
        id,
        kind,
        title,
        summary,
        body: body.to_string(),
        needs,
        areas,
        levels,
        steps,
        phases,
        audiences,
        waiting_for,
        tags: raw.tags.unwrap_or_default(),
        related,
        attachments,
        last_reviewed: last_reviewed?,
        review_by: review_by?,
        owner,
        sources: raw.sources.map(Spanned::into_inner).unwrap_or_default(),
        service: raw.service.map(Spanned::into_inner),
    };
    Some((entry, spans, files))
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
    let attachment = Attachment {
        name,
        media_type,
        size: meta.len(),
        sha256: hex::encode(Sha256::digest(&bytes)),
    };
    Ok((attachment, canonical))
}
