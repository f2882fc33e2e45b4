//! Publishing from the workspace: what changed since the last published pack, what stops a
//! publish, and the publish itself (build, sign, write the pack and `latest.json`), through the
//! same functions as `gati pack build --sign` and `gati publish`.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::Workspace;
use crate::changes::{EntryRef, PackChanges};
use crate::entry::Entry;
use crate::error::{AtPath, Error, Result};
use crate::pack::PackFile;
use crate::signing::SecretKey;
use crate::source::Approval;
use crate::update::{self, Channel, Latest, Timeouts};
use crate::version::PackVersion;

/// The last pack published to the workspace's publish folder.
#[derive(Debug, Clone)]
pub struct Published {
    pub version: String,
    pub entries: Vec<Entry>,
}

/// What a publish would do, and what stops it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PublishPlan {
    pub changes: PackChanges,
    pub last_version: Option<String>,
    pub suggested_version: String,
    pub publish_to: Option<String>,
    pub errors: usize,
    /// Entries changed since the last published pack that are not approved, when the pack asks
    /// for approval.
    pub unapproved: Vec<EntryRef>,
    /// Why the pack cannot be published now, in words; empty when it can.
    pub blockers: Vec<String>,
}

/// Reads the pack that `latest.json` in `dir` names. `None` when nothing has been published there.
pub(super) fn last_published(dir: Option<&Path>, today: NaiveDate) -> Result<Option<Published>> {
    let Some(dir) = dir else {
        return Ok(None);
    };
    if !dir.join(update::LATEST).is_file() {
        return Ok(None);
    }
    let latest = update::check(&Channel::Folder(dir.to_path_buf()), Timeouts::default())?;
    let pack = PackFile::open(&dir.join(&latest.file), today)?;
    Ok(Some(Published {
        version: pack.manifest.info.version,
        entries: pack.entries,
    }))
}

impl Workspace {
    /// What publishing now would change, and what stops it.
    pub fn publish_plan(&self, today: NaiveDate) -> PublishPlan {
        let info = self.sources.info.as_ref();
        let version = info.map(|i| i.version.clone()).unwrap_or_default();
        let last_version = self.published.as_ref().map(|p| p.version.clone());
        let changes = PackChanges::between(
            (
                last_version.as_deref().unwrap_or("none"),
                self.published
                    .as_ref()
                    .map(|p| p.entries.clone())
                    .unwrap_or_default(),
            ),
            ("this folder", &self.sources.entries),
        );
        let newest = [Some(version.as_str()), last_version.as_deref()]
            .into_iter()
            .flatten()
            .filter_map(|v| PackVersion::parse(v).ok())
            .max();
        let suggested_version = newest.map_or_else(|| "1.0.0".to_string(), |v| v.next(today));
        let unapproved: Vec<EntryRef> = if info.is_some_and(|i| i.require_approval) {
            let changed: Vec<&str> = changes
                .added
                .iter()
                .map(|e| e.id.as_str())
                .chain(changes.changed.iter().map(|e| e.id.as_str()))
                .collect();
            self.sources
                .entries
                .iter()
                .zip(&self.sources.files)
                .filter(|(e, f)| {
                    changed.contains(&e.id.as_str())
                        && !matches!(f.approval, Approval::Approved { .. })
                })
                .map(|(e, _)| EntryRef {
                    id: e.id.clone(),
                    title: e.title.clone(),
                })
                .collect()
        } else {
            Vec::new()
        };
        let errors = self.sources.report.error_count();
        let mut blockers = Vec::new();
        if errors > 0 {
            blockers.push(format!(
                "The folder has {errors} error(s). Fix them first: nothing with errors is published."
            ));
        }
        if !unapproved.is_empty() {
            blockers.push(format!(
                "{} changed entr{} not approved yet, and this pack asks for approval before publishing.",
                unapproved.len(),
                if unapproved.len() == 1 { "y is" } else { "ies are" }
            ));
        }
        if self.publish_to.is_none() {
            blockers.push("Choose the folder to publish to.".to_string());
        }
        if let Some(problem) = &self.published_problem {
            blockers.push(format!("The last published pack cannot be read: {problem}"));
        }
        PublishPlan {
            changes,
            last_version,
            suggested_version,
            publish_to: self.publish_to.as_ref().map(|p| p.display().to_string()),
            errors,
            unapproved,
            blockers,
        }
    }

    /// Publishes the folder as pack `version`, signed with `key`: writes the version into
    /// `pack.toml`, builds and signs the pack, and puts it with `latest.json` in the publish
    /// folder. Refused, with nothing written, while the plan has blockers or the version is not
    /// newer than the last one published.
    pub fn publish(
        &mut self,
        version: &str,
        key: &SecretKey,
        now: DateTime<Utc>,
    ) -> Result<Latest> {
        let today = now.date_naive();
        let plan = self.publish_plan(today);
        if !plan.blockers.is_empty() {
            return Err(Error::BadRequest(plan.blockers.join(" ")));
        }
        let new = PackVersion::parse(version.trim()).map_err(Error::BadRequest)?;
        if let Some(last) = plan
            .last_version
            .as_deref()
            .and_then(|v| PackVersion::parse(v).ok())
            && new <= last
        {
            return Err(Error::BadRequest(format!(
                "version {version} is not newer than {last}, the last published pack; schools \
                 install only newer packs"
            )));
        }
        let to = self.publish_to.clone().expect("the plan has no blockers");
        // The pack is built and published with the new version before pack.toml says so, so that
        // a publish that fails leaves the folder as it was.
        let dir = tempfile::tempdir().at(&to)?;
        let built = dir.path().join("pack.gatipack");
        let info = self
            .sources
            .info
            .as_mut()
            .expect("the plan has no blockers");
        let was = std::mem::replace(&mut info.version, version.trim().to_string());
        let result = crate::pack::build(&self.sources, &built, now, Some(key));
        if let Some(info) = self.sources.info.as_mut() {
            info.version = was;
        }
        result?;
        let latest = update::publish(&built, &to, today)?;
        self.set_version(version.trim())?;
        self.reload(today)?;
        self.read_published(today);
        Ok(latest)
    }

    /// Writes `version` into `pack.toml`, keeping its comments.
    fn set_version(&self, version: &str) -> Result<()> {
        let path = self.sources.root.join("pack.toml");
        let text = std::fs::read_to_string(&path).at(&path)?;
        let mut doc: toml_edit::DocumentMut = text
            .parse()
            .map_err(|e| Error::BadRequest(format!("{}: {e}", path.display())))?;
        let mut value = toml_edit::Value::from(version);
        if let Some(old) = doc.get("version").and_then(toml_edit::Item::as_value) {
            *value.decor_mut() = old.decor().clone();
        }
        doc.insert("version", toml_edit::Item::Value(value));
        crate::files::write_whole(&path, doc.to_string().as_bytes())
    }

    /// The folder packs are published to.
    pub fn set_publish_to(&mut self, to: &Path, today: NaiveDate) {
        self.publish_to = Some(to.to_path_buf());
        self.published = None;
        self.published_problem = None;
        self.read_published(today);
    }
}
