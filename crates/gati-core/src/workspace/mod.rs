//! The editors' workspace: a pack's source folder opened for editing. The files stay the truth;
//! the workspace reads them with the same loader and rules as `gati validate`, keeps an index in
//! memory for finding entries, and writes changes back through [`form`], one whole file at a time.
//! Every write checks that the file on disk is still the one the editor opened, so that a change
//! made by someone else (another editor, git) is never silently overwritten.

pub mod form;
mod publish;
mod remembered;
mod review;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diagnostics::{Diagnostic, Severity};
use crate::entry::Entry;
use crate::error::{AtPath, Error, Result};
use crate::search::{SearchIndex, SearchRequest, index};
use crate::source::{self, Approval, Sources};
use form::EntryForm;
pub use publish::{PublishPlan, Published};
pub use remembered::Remembered;
pub use review::{ReviewRow, mark_reviewed, review_csv};

/// How far ahead "due for review" looks.
pub const DUE_WITHIN_MONTHS: u32 = 3;

/// A source folder opened for editing.
pub struct Workspace {
    sources: Sources,
    /// The length, modification time and hash of every file that was read, to notice changes
    /// made outside the workspace.
    stamps: BTreeMap<PathBuf, Stamp>,
    index: Option<SearchIndex>,
    published: Option<Published>,
    /// Why the last published pack could not be read, when it could not.
    published_problem: Option<String>,
    publish_to: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

/// One row of the workspace's list of entries.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EntryRow {
    pub id: String,
    /// The file, relative to the source folder, with `/` between folders.
    pub file: String,
    pub title: String,
    pub kind: String,
    pub levels: Vec<String>,
    pub areas: Vec<String>,
    pub owner: String,
    pub review_by: Option<NaiveDate>,
    pub errors: usize,
    pub warnings: usize,
    pub review: ReviewState,
    /// How the entry differs from the last published pack; `None` when it does not, or when no
    /// pack has been published.
    pub change: Option<Change>,
    pub approval: Approval,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ReviewState {
    Current,
    DueSoon,
    Overdue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Change {
    Added,
    Changed,
}

/// The states a row can be filtered by; a row is kept when it is in any of those asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RowState {
    Errors,
    Warnings,
    Due,
    Changed,
    ReadyForReview,
}

/// What the list shows: words to search for, and filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkQuery {
    pub query: String,
    pub states: Vec<RowState>,
    pub area: Option<String>,
    pub kind: Option<String>,
    pub owner: Option<String>,
}

/// The workspace as its overview shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkspaceSummary {
    pub folder: String,
    pub pack_id: Option<String>,
    pub pack_title: Option<String>,
    pub version: Option<String>,
    pub entries: usize,
    pub errors: usize,
    pub warnings: usize,
    pub published_version: Option<String>,
    pub published_problem: Option<String>,
    pub publish_to: Option<String>,
    /// Problems of the folder that belong to no entry (pack.toml, taxonomy.toml).
    pub folder_problems: Vec<Diagnostic>,
    pub owners: Vec<String>,
    pub require_approval: bool,
}

/// An entry opened in the form: its values, the file's hash when read (handed back on save, to
/// notice changes made meanwhile) and its problems.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EntryDraft {
    pub file: String,
    pub base: String,
    pub form: EntryForm,
    pub problems: Vec<Diagnostic>,
}

/// A form checked as it would be saved.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DraftCheck {
    pub problems: Vec<Diagnostic>,
    pub summary_chars: usize,
    /// The summary's reading grade, for entries written for parents, carers or young people.
    pub reading_grade: Option<f64>,
    /// The areas the needs lead to.
    pub areas: Vec<String>,
    /// The review date an interval leads to.
    pub review_date: Option<NaiveDate>,
}

impl Workspace {
    /// Opens the source folder `root`. `publish_to` is the folder packs are published to, where
    /// the last published pack is found to tell what changed since.
    pub fn open(root: &Path, publish_to: Option<&Path>, today: NaiveDate) -> Result<Workspace> {
        if !root.join("pack.toml").is_file() {
            return Err(Error::NotFound(format!(
                "{} is not a pack's source folder: it has no pack.toml",
                root.display()
            )));
        }
        let mut workspace = Workspace {
            sources: source::load(root, today)?,
            stamps: BTreeMap::new(),
            index: None,
            published: None,
            published_problem: None,
            publish_to: publish_to.map(Path::to_path_buf),
        };
        workspace.after_load()?;
        workspace.read_published(today);
        Ok(workspace)
    }

    pub fn root(&self) -> &Path {
        &self.sources.root
    }

    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// Reads the folder again after a write, and rebuilds what is derived from it.
    fn reload(&mut self, today: NaiveDate) -> Result<()> {
        self.sources = source::load(&self.sources.root, today)?;
        self.after_load()
    }

    fn after_load(&mut self) -> Result<()> {
        self.stamps = stamps(&self.sources.root)?;
        self.index = match &self.sources.taxonomy {
            Some(taxonomy) => Some(SearchIndex::new(
                index::in_memory(&self.sources.entries, taxonomy)?,
                taxonomy.clone(),
            )),
            None => None,
        };
        Ok(())
    }

    /// Reads the folder again when any file in it changed since it was read. Returns whether it
    /// did.
    pub fn refresh(&mut self, today: NaiveDate) -> Result<bool> {
        if stamps(&self.sources.root)? == self.stamps {
            return Ok(false);
        }
        self.reload(today)?;
        Ok(true)
    }

    pub fn summary(&self) -> WorkspaceSummary {
        let info = self.sources.info.as_ref();
        let entry_files: BTreeSet<String> = self
            .sources
            .files
            .iter()
            .map(|f| f.path.display().to_string())
            .collect();
        let folder_problems = self
            .sources
            .report
            .diagnostics
            .iter()
            .filter(|d| {
                !d.location.file.ends_with(".md") && !entry_files.contains(&d.location.file)
            })
            .cloned()
            .collect();
        let owners: BTreeSet<String> = self
            .sources
            .entries
            .iter()
            .map(|e| e.owner.clone())
            .filter(|o| !o.is_empty())
            .collect();
        WorkspaceSummary {
            folder: self.sources.root.display().to_string(),
            pack_id: info.map(|i| i.id.clone()),
            pack_title: info.map(|i| i.title.clone()),
            version: info.map(|i| i.version.clone()),
            entries: self.sources.entry_files,
            errors: self.sources.report.error_count(),
            warnings: self.sources.report.warnings().count(),
            published_version: self.published.as_ref().map(|p| p.version.clone()),
            published_problem: self.published_problem.clone(),
            publish_to: self.publish_to.as_ref().map(|p| p.display().to_string()),
            folder_problems,
            owners: owners.into_iter().collect(),
            require_approval: info.is_some_and(|i| i.require_approval),
        }
    }

    /// Every entry file, with its state, filtered and, when there are words, in search order.
    pub fn rows(&self, query: &WorkQuery, today: NaiveDate) -> Result<Vec<EntryRow>> {
        let mut rows = self.all_rows(today);
        if !query.query.trim().is_empty() {
            let order: HashMap<String, usize> = self
                .search_ids(&query.query)?
                .into_iter()
                .enumerate()
                .map(|(n, id)| (id, n))
                .collect();
            rows.retain(|r| order.contains_key(&r.id));
            rows.sort_by_key(|r| order[&r.id]);
        }
        rows.retain(|r| query.states.is_empty() || query.states.iter().any(|s| r.is_in(*s)));
        rows.retain(|r| {
            query.area.as_ref().is_none_or(|a| r.areas.contains(a))
                && query.kind.as_ref().is_none_or(|k| &r.kind == k)
                && query.owner.as_ref().is_none_or(|o| &r.owner == o)
        });
        Ok(rows)
    }

    /// The ids of the entries that match `words`, best first, with the directory's own search.
    fn search_ids(&self, words: &str) -> Result<Vec<String>> {
        let Some(index) = &self.index else {
            return Ok(Vec::new());
        };
        let mut ids = Vec::new();
        loop {
            let page = index.search(&SearchRequest {
                query: words.to_string(),
                limit: crate::search::MAX_LIMIT,
                offset: ids.len(),
                ..SearchRequest::default()
            })?;
            let got = page.hits.len();
            ids.extend(page.hits.into_iter().map(|h| h.entry.id));
            if got == 0 || ids.len() >= page.total {
                return Ok(ids);
            }
        }
    }

    /// The rows of every entry file, readable or not, in title order.
    fn all_rows(&self, today: NaiveDate) -> Vec<EntryRow> {
        let mut problems: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for d in &self.sources.report.diagnostics {
            let counts = problems.entry(d.location.file.as_str()).or_default();
            match d.severity {
                Severity::Error => counts.0 += 1,
                Severity::Warning => counts.1 += 1,
            }
        }
        let due_from = due_horizon(today);
        let mut rows: Vec<EntryRow> = self
            .sources
            .entries
            .iter()
            .zip(&self.sources.files)
            .map(|(e, f)| {
                let (errors, warnings) = problems
                    .remove(f.path.display().to_string().as_str())
                    .unwrap_or_default();
                EntryRow {
                    id: e.id.clone(),
                    file: self.relative(&f.path),
                    title: e.title.clone(),
                    kind: e.kind.clone(),
                    levels: e.levels.clone(),
                    areas: e.areas.clone(),
                    owner: e.owner.clone(),
                    review_by: Some(e.review_by),
                    errors,
                    warnings,
                    review: review_state(e.review_by, today, due_from),
                    change: self.change_of(e),
                    approval: f.approval.clone(),
                }
            })
            .collect();
        // A file that could not be read as an entry still has a row, so that its errors show.
        for (file, (errors, warnings)) in problems {
            let path = Path::new(file);
            if path.extension().is_some_and(|x| x == "md")
                && path.starts_with(self.sources.root.join("entries"))
            {
                let stem = path.file_stem().unwrap_or_default().to_string_lossy();
                rows.push(EntryRow {
                    id: stem.to_string(),
                    file: self.relative(path),
                    title: stem.to_string(),
                    kind: String::new(),
                    levels: Vec::new(),
                    areas: Vec::new(),
                    owner: String::new(),
                    review_by: None,
                    errors,
                    warnings,
                    review: ReviewState::Current,
                    change: None,
                    approval: Approval::NotAsked,
                });
            }
        }
        rows.sort_by_cached_key(|r| (r.title.to_lowercase(), r.id.clone()));
        rows
    }

    fn change_of(&self, e: &Entry) -> Option<Change> {
        let published = self.published.as_ref()?;
        match published.entries.iter().find(|p| p.id == e.id) {
            None => Some(Change::Added),
            Some(p) if p != e => Some(Change::Changed),
            Some(_) => None,
        }
    }

    /// The file's path relative to the folder, as rows and drafts name it.
    fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.sources.root)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The full path of a file named relative to the folder, refusing any name that would lead
    /// outside `entries/`.
    fn entry_path(&self, file: &str) -> Result<PathBuf> {
        let rel = Path::new(file);
        let plain = rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !plain || !file.starts_with("entries/") || !file.ends_with(".md") {
            return Err(Error::BadRequest(format!(
                "`{}` is not an entry file of this folder",
                crate::printable::echo(file)
            )));
        }
        Ok(self.sources.root.join(rel))
    }

    /// The path of the entry with `id`.
    fn path_of(&self, id: &str) -> Result<PathBuf> {
        self.sources
            .entries
            .iter()
            .zip(&self.sources.files)
            .find(|(e, _)| e.id == id)
            .map(|(_, f)| f.path.clone())
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "no entry has the id `{}`",
                    crate::printable::echo(id)
                ))
            })
    }

    /// Opens an entry file in the form.
    pub fn draft(&self, file: &str) -> Result<EntryDraft> {
        let path = self.entry_path(file)?;
        let text = std::fs::read_to_string(&path).at(&path)?;
        let form = form::read(&text).map_err(|why| bad_file(&path, why))?;
        let name = path.display().to_string();
        Ok(EntryDraft {
            file: file.to_string(),
            base: hash(&text),
            form,
            problems: self
                .sources
                .report
                .diagnostics
                .iter()
                .filter(|d| d.location.file == name)
                .cloned()
                .collect(),
        })
    }

    /// Checks a form as it would be saved in `file`, with every rule of `gati validate` that
    /// applies to one entry.
    pub fn check(&self, file: &str, form: &EntryForm, today: NaiveDate) -> Result<DraftCheck> {
        let path = self.entry_path(file)?;
        let original = std::fs::read_to_string(&path).unwrap_or_else(|_| template(&form.kind));
        let text = form::write(&original, form).map_err(|why| bad_file(&path, why))?;
        // An id names its file: the check sees the form in the file it would be saved as.
        let target = path.with_file_name(format!("{}.md", form.id));
        let (entry, report) =
            source::check_entry_text(&self.sources, &path, &target, &text, today)?;
        let family = form
            .audiences
            .iter()
            .any(|a| a == "parent-carer" || a == "young-person");
        Ok(DraftCheck {
            problems: report.diagnostics,
            summary_chars: form.summary.chars().count(),
            reading_grade: (family && !form.summary.trim().is_empty())
                .then(|| crate::readability::fk_grade(&form.summary)),
            areas: entry.as_ref().map(|e| e.areas.clone()).unwrap_or_default(),
            review_date: entry.map(|e| e.review_by),
        })
    }

    /// Saves a form to `file`, which was read when its hash was `base`. A form whose id changed is
    /// saved under its new name, and every entry that named the old id in `related` names the new
    /// one. Returns the file's name after saving.
    pub fn save(
        &mut self,
        file: &str,
        base: &str,
        form: &EntryForm,
        today: NaiveDate,
    ) -> Result<String> {
        let path = self.entry_path(file)?;
        let original = read_unchanged(&path, base)?;
        let before = form::read(&original).map_err(|why| bad_file(&path, why))?;
        let mut form = form.clone();
        // An approval is of what was approved: a change to anything else asks for it again.
        let edited = before
            .differences(&form)
            .iter()
            .any(|f| !matches!(*f, "ready_for_review" | "approved_by" | "approved_on"));
        if edited {
            form.approved_by.clear();
            form.approved_on.clear();
        }
        let text = form::write(&original, &form).map_err(|why| bad_file(&path, why))?;
        // A file whose id was wrong is put right without a rename: it already has the name.
        let named_after = path
            .file_stem()
            .is_some_and(|s| s.to_str() == Some(form.id.as_str()));
        let renamed = form.id != before.id && !before.id.is_empty() && !named_after;
        let target = if renamed {
            if !crate::taxonomy::is_slug(&form.id) {
                return Err(Error::BadRequest(format!(
                    "`{}` cannot be an id: use lower-case letters, digits and hyphens",
                    crate::printable::echo(&form.id)
                )));
            }
            let target = path.with_file_name(format!("{}.md", form.id));
            let taken = self.sources.entries.iter().any(|e| e.id == form.id);
            if target.exists() || taken {
                return Err(Error::BadRequest(format!(
                    "{} already exists; choose another id",
                    target.display()
                )));
            }
            // Every file that names the old id is read and checked before anything is written.
            let referrers = self.rewrite_related(&before.id, Some(&form.id))?;
            crate::files::write_whole(&target, text.as_bytes())?;
            std::fs::remove_file(&path).at(&path)?;
            for (path, text) in referrers {
                crate::files::write_whole(&path, text.as_bytes())?;
            }
            target
        } else {
            crate::files::write_whole(&path, text.as_bytes())?;
            path
        };
        self.reload(today)?;
        Ok(self.relative(&target))
    }

    /// The new text of every other entry file whose `related` list names `old`, with `new` in its
    /// place (or without it).
    fn rewrite_related(&self, old: &str, new: Option<&str>) -> Result<Vec<(PathBuf, String)>> {
        let mut out = Vec::new();
        for (e, f) in self.sources.entries.iter().zip(&self.sources.files) {
            if e.id == old || !e.related.iter().any(|r| r == old) {
                continue;
            }
            let text = std::fs::read_to_string(&f.path).at(&f.path)?;
            let mut form = form::read(&text).map_err(|why| bad_file(&f.path, why))?;
            form.related = form
                .related
                .iter()
                .filter_map(|r| {
                    if r == old {
                        new.map(str::to_string)
                    } else {
                        Some(r.clone())
                    }
                })
                .collect();
            let written = form::write(&text, &form).map_err(|why| bad_file(&f.path, why))?;
            out.push((f.path.clone(), written));
        }
        Ok(out)
    }

    /// The entries whose `related` lists name `id`.
    pub fn named_by(&self, id: &str) -> Vec<String> {
        self.sources
            .entries
            .iter()
            .filter(|e| e.id != id && e.related.iter().any(|r| r == id))
            .map(|e| e.id.clone())
            .collect()
    }

    /// Deletes the entry file `file`, read when its hash was `base`. Refused while other entries
    /// name the entry, so that no `related` list is left pointing at nothing.
    pub fn delete(&mut self, file: &str, base: &str, today: NaiveDate) -> Result<()> {
        let path = self.entry_path(file)?;
        let text = read_unchanged(&path, base)?;
        let id = form::read(&text).map(|f| f.id).unwrap_or_default();
        let naming = self.named_by(&id);
        if !naming.is_empty() {
            return Err(Error::BadRequest(format!(
                "`{id}` cannot be deleted while other entries name it as related: {}",
                naming.join(", ")
            )));
        }
        std::fs::remove_file(&path).at(&path)?;
        self.reload(today)
    }

    /// Starts a new entry of `kind` with `id`, from the template for its kind, in the folder of
    /// its area (`entries/ID.md` when it has none yet). Returns its file.
    pub fn create(&mut self, kind: &str, id: &str, today: NaiveDate) -> Result<String> {
        if !crate::taxonomy::is_slug(id) {
            return Err(Error::BadRequest(format!(
                "`{}` cannot be an id: use lower-case letters, digits and hyphens",
                crate::printable::echo(id)
            )));
        }
        if self.sources.entries.iter().any(|e| e.id == id) {
            return Err(Error::BadRequest(format!(
                "an entry with the id `{id}` already exists"
            )));
        }
        let taxonomy = self.sources.taxonomy.as_ref();
        if taxonomy.is_some_and(|t| !t.contains(crate::taxonomy::Family::Kind, kind)) {
            return Err(Error::BadRequest(format!(
                "`{}` is not a kind; the kinds are strategy, resource, service, guidance and training",
                crate::printable::echo(kind)
            )));
        }
        let file = format!("entries/{id}.md");
        let path = self.entry_path(&file)?;
        if path.exists() {
            return Err(Error::BadRequest(format!(
                "{} already exists",
                path.display()
            )));
        }
        let mut form = form::read(&template(kind)).expect("templates are well formed");
        form.id = id.to_string();
        form.kind = kind.to_string();
        form.last_reviewed = today.format("%Y-%m-%d").to_string();
        let text = form::write(&template(kind), &form).expect("templates are well formed");
        crate::files::write_whole(&path, text.as_bytes())?;
        self.reload(today)?;
        Ok(file)
    }

    /// The fields that differ between the file on disk and `form`: what someone else changed,
    /// when a save was refused because the file changed.
    pub fn compare_with_disk(&self, file: &str, form: &EntryForm) -> Result<Vec<&'static str>> {
        let path = self.entry_path(file)?;
        let text = std::fs::read_to_string(&path).at(&path)?;
        let on_disk = form::read(&text).map_err(|why| bad_file(&path, why))?;
        Ok(on_disk.differences(form))
    }

    /// Copies the file `from` into the `files/` folder beside the entry file `file`, for the
    /// entry to carry as an attachment, and returns the path its `attachments` list names. A file
    /// of the same name with other bytes is never replaced.
    pub fn add_attachment(&self, file: &str, from: &Path) -> Result<String> {
        let path = self.entry_path(file)?;
        let name = from
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| Error::BadRequest(format!("{} has no usable name", from.display())))?;
        let name = crate::files::bare_file_name(name)?;
        if crate::entry::media_type_for(name).is_none() {
            return Err(Error::BadRequest(format!(
                "{name} has a file type that packs may not carry (PDF, Word, images, plain text or HTML)"
            )));
        }
        let meta = std::fs::metadata(from).at(from)?;
        if meta.len() > crate::entry::MAX_ATTACHMENT_BYTES {
            return Err(Error::BadRequest(format!(
                "{name} is {} bytes; attachments may be at most {} bytes",
                meta.len(),
                crate::entry::MAX_ATTACHMENT_BYTES
            )));
        }
        let bytes = std::fs::read(from).at(from)?;
        let target = path
            .parent()
            .unwrap_or(&self.sources.root)
            .join("files")
            .join(name);
        match std::fs::read(&target) {
            Ok(existing) if existing != bytes => {
                return Err(Error::BadRequest(format!(
                    "{} already holds another file of that name; rename one of them first",
                    target.display()
                )));
            }
            Ok(_) => {}
            Err(_) => crate::files::write_whole(&target, &bytes)?,
        }
        Ok(format!("files/{name}"))
    }

    /// Writes the review list as CSV to `path`, where the person chose.
    pub fn write_review_csv(&self, path: &Path, today: NaiveDate) -> Result<()> {
        crate::files::write_whole(path, review_csv(&self.review_due(today)).as_bytes())
    }

    /// The preview of a body, drawn by the same code as the entry page.
    pub fn preview(body: &str) -> String {
        crate::markdown::to_safe_html(body)
    }

    fn read_published(&mut self, today: NaiveDate) {
        match publish::last_published(self.publish_to.as_deref(), today) {
            Ok(found) => self.published = found,
            Err(e) => self.published_problem = Some(e.to_string()),
        }
    }
}

impl EntryRow {
    fn is_in(&self, state: RowState) -> bool {
        match state {
            RowState::Errors => self.errors > 0,
            RowState::Warnings => self.warnings > 0,
            RowState::Due => self.review != ReviewState::Current,
            RowState::Changed => self.change.is_some(),
            RowState::ReadyForReview => self.approval == Approval::ReadyForReview,
        }
    }
}

/// The last day that counts as "due soon" when today is `today`.
fn due_horizon(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(chrono::Months::new(DUE_WITHIN_MONTHS))
        .unwrap_or(NaiveDate::MAX)
}

fn review_state(review_by: NaiveDate, today: NaiveDate, horizon: NaiveDate) -> ReviewState {
    if review_by < today {
        ReviewState::Overdue
    } else if review_by <= horizon {
        ReviewState::DueSoon
    } else {
        ReviewState::Current
    }
}

fn hash(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The text of `path`, refusing when it is no longer the text whose hash was `base`.
fn read_unchanged(path: &Path, base: &str) -> Result<String> {
    let text = std::fs::read_to_string(path).at(path)?;
    if hash(&text) != base {
        return Err(Error::Conflict {
            path: path.to_path_buf(),
        });
    }
    Ok(text)
}

fn bad_file(path: &Path, why: String) -> Error {
    Error::BadRequest(format!("{}: {why}", path.display()))
}

/// Every file of the folder that the loader reads, with its length and modification time.
fn stamps(root: &Path) -> Result<BTreeMap<PathBuf, Stamp>> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Stamp>) -> Result<()> {
        let Ok(items) = std::fs::read_dir(dir) else {
            return Ok(());
        };
        for item in items {
            let path = item.at(dir)?.path();
            let meta = std::fs::metadata(&path).at(&path)?;
            if meta.is_dir() {
                walk(&path, out)?;
            } else {
                out.insert(
                    path,
                    Stamp {
                        len: meta.len(),
                        modified: meta.modified().ok(),
                    },
                );
            }
        }
        Ok(())
    }
    let mut out = BTreeMap::new();
    for name in ["pack.toml", "taxonomy.toml"] {
        let path = root.join(name);
        if let Ok(meta) = std::fs::metadata(&path) {
            out.insert(
                path,
                Stamp {
                    len: meta.len(),
                    modified: meta.modified().ok(),
                },
            );
        }
    }
    walk(&root.join("entries"), &mut out)?;
    Ok(out)
}

/// The file a new entry of `kind` starts from: every field in the order the content's files
/// use, with the sections its kind's entries have.
pub fn template(kind: &str) -> String {
    let body = match kind {
        "strategy" => {
            "## What to do\n\n1. \n\n## Why it helps\n\n\n## What it looks like when it works\n\n- \n\n## Review it\n\n"
        }
        "resource" => "## What it is\n\n\n## How to use it\n\n1. \n",
        "service" => "## What they offer\n\n\n## How to get in touch\n\n",
        "training" => "## What it covers\n\n- \n\n## Who it is for\n\n\n## How to book\n\n",
        _ => "## What it means\n\n\n## What you can do\n\n- \n",
    };
    let service = if kind == "service" {
        "\n[service]\norganisation = \"\"\n"
    } else {
        ""
    };
    format!(
        "+++\nid = \"\"\nkind = \"{kind}\"\ntitle = \"\"\nsummary = \"\"\nneeds = []\nlevels = []\nphases = []\naudiences = []\ntags = []\nrelated = []\nlast_reviewed = \"\"\nreview_by = \"12 months\"\nowner = \"\"\nsources = [\n]\n{service}+++\n{body}"
    )
}
