//! What changed between two packs: entries added, changed (and in which fields) and removed.
//!
//! The same list serves editors before they publish (`gati diff OLD NEW`, as Markdown release
//! notes or JSON) and schools after an update (the app's "What's new"): each install records the
//! changes from the pack it replaced beside the new pack.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::{Deserialize, Serialize};

use crate::entry::Entry;
use crate::printable::echo;

/// An entry named in a list of changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EntryRef {
    pub id: String,
    pub title: String,
}

/// An entry in both packs whose content differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChangedEntry {
    pub id: String,
    pub title: String,
    /// The fields that differ, by their names in the entry's front matter (`body` for the text).
    pub fields: Vec<String>,
}

/// An entry that left the pack, and the entry that took its place when two were merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RemovedEntry {
    pub id: String,
    pub title: String,
    pub replaced_by: Option<EntryRef>,
}

/// The changes from one pack to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PackChanges {
    pub from_version: String,
    pub to_version: String,
    pub added: Vec<EntryRef>,
    pub changed: Vec<ChangedEntry>,
    pub removed: Vec<RemovedEntry>,
}

impl PackChanges {
    /// Compares every entry of `old` with `new`, by id. Lists are in title order.
    pub fn between(
        (from_version, old): (&str, Vec<Entry>),
        (to_version, new): (&str, &[Entry]),
    ) -> PackChanges {
        let old: BTreeMap<&str, &Entry> = old.iter().map(|e| (e.id.as_str(), e)).collect();
        let new_by_id: BTreeMap<&str, &Entry> = new.iter().map(|e| (e.id.as_str(), e)).collect();
        let reference = |e: &Entry| EntryRef {
            id: e.id.clone(),
            title: e.title.clone(),
        };
        let mut added = Vec::new();
        let mut changed = Vec::new();
        for e in new {
            match old.get(e.id.as_str()) {
                None => added.push(reference(e)),
                Some(before) => {
                    let fields = changed_fields(before, e);
                    if !fields.is_empty() {
                        changed.push(ChangedEntry {
                            id: e.id.clone(),
                            title: e.title.clone(),
                            fields,
                        });
                    }
                }
            }
        }
        let removed = old
            .values()
            .filter(|e| !new_by_id.contains_key(e.id.as_str()))
            .map(|e| RemovedEntry {
                id: e.id.clone(),
                title: e.title.clone(),
                replaced_by: new
                    .iter()
                    .find(|n| n.replaces.contains(&e.id))
                    .map(reference),
            })
            .collect();
        let mut changes = PackChanges {
            from_version: from_version.to_string(),
            to_version: to_version.to_string(),
            added,
            changed,
            removed,
        };
        changes.added.sort_by(|a, b| a.title.cmp(&b.title));
        changes.changed.sort_by(|a, b| a.title.cmp(&b.title));
        changes.removed.sort_by(|a, b| a.title.cmp(&b.title));
        changes
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }

    /// The changes as Markdown release notes.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "# Changes from pack {} to {}\n\n",
            echo(&self.from_version),
            echo(&self.to_version)
        );
        if self.is_empty() {
            out.push_str("No entry changed.\n");
            return out;
        }
        let title = |t: &str| echo(t).replace(['[', ']'], "");
        if !self.added.is_empty() {
            let _ = writeln!(out, "## Added ({})\n", self.added.len());
            for e in &self.added {
                let _ = writeln!(out, "- {} (`{}`)", title(&e.title), e.id);
            }
            out.push('\n');
        }
        if !self.changed.is_empty() {
            let _ = writeln!(out, "## Changed ({})\n", self.changed.len());
            for e in &self.changed {
                let _ = writeln!(
                    out,
                    "- {} (`{}`): {}",
                    title(&e.title),
                    e.id,
                    e.fields.join(", ")
                );
            }
            out.push('\n');
        }
        if !self.removed.is_empty() {
            let _ = writeln!(out, "## Removed ({})\n", self.removed.len());
            for e in &self.removed {
                let _ = match &e.replaced_by {
                    Some(by) => writeln!(
                        out,
                        "- {} (`{}`): merged into {} (`{}`)",
                        title(&e.title),
                        e.id,
                        title(&by.title),
                        by.id
                    ),
                    None => writeln!(out, "- {} (`{}`)", title(&e.title), e.id),
                };
            }
            out.push('\n');
        }
        out
    }
}

/// The names of the fields in which two versions of an entry differ, in alphabetical order.
fn changed_fields(old: &Entry, new: &Entry) -> Vec<String> {
    let as_map = |e: &Entry| match serde_json::to_value(e) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let (old, new) = (as_map(old), as_map(new));
    let mut names: Vec<&String> = new.keys().collect();
    names.extend(old.keys().filter(|k| !new.contains_key(*k)));
    names
        .into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| k.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::entry;

    #[test]
    fn lists_what_was_added_changed_and_removed() {
        let mut kept = entry("kept");
        let mut edited = entry("edited");
        let gone = entry("gone");
        let merged = entry("merged");
        let old = vec![kept.clone(), edited.clone(), gone.clone(), merged.clone()];
        edited.summary = "A new summary.".into();
        edited.body.push_str("\nMore.");
        kept.replaces = vec!["merged".into()];
        let new = vec![kept.clone(), edited, entry("fresh")];
        let changes = PackChanges::between(("1.0", old), ("1.1", &new));
        assert_eq!(
            changes.added.iter().map(|e| &e.id).collect::<Vec<_>>(),
            ["fresh"]
        );
        assert_eq!(changes.changed.len(), 2);
        let edited = changes.changed.iter().find(|c| c.id == "edited").unwrap();
        assert_eq!(edited.fields, ["body", "summary"]);
        let removed: Vec<_> = changes
            .removed
            .iter()
            .map(|r| (r.id.as_str(), r.replaced_by.as_ref().map(|b| b.id.as_str())))
            .collect();
        assert_eq!(removed, [("gone", None), ("merged", Some("kept"))]);
        let notes = changes.to_markdown();
        assert!(notes.contains("## Added (1)"), "{notes}");
        assert!(notes.contains("(`edited`): body, summary"), "{notes}");
        assert!(notes.contains("merged into"), "{notes}");
    }

    #[test]
    fn the_same_pack_has_no_changes() {
        let entries = vec![entry("a"), entry("b")];
        let changes = PackChanges::between(("1", entries.clone()), ("1", &entries));
        assert!(changes.is_empty());
        assert!(changes.to_markdown().contains("No entry changed."));
    }
}
