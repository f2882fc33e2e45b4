//! An entry of the resource pack, as packs carry it and the library stores it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::taxonomy::Family;

/// One strategy, resource, service, guidance page or training offer, with every code resolved:
/// areas follow from needs, and `review_by` is a date even when the source gave an interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Entry {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    /// Markdown, without raw HTML.
    pub body: String,
    pub needs: Vec<String>,
    pub areas: Vec<String>,
    pub levels: Vec<String>,
    #[serde(default)]
    pub steps: Vec<String>,
    #[serde(default)]
    pub phases: Vec<String>,
    pub audiences: Vec<String>,
    #[serde(default)]
    pub waiting_for: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub related: Vec<String>,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    pub last_reviewed: NaiveDate,
    pub review_by: NaiveDate,
    pub owner: String,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<Service>,
}

impl Entry {
    /// The entry's codes of one family.
    pub fn codes(&self, family: Family) -> &[String] {
        match family {
            Family::Need => &self.needs,
            Family::Area => &self.areas,
            Family::Level => &self.levels,
            Family::Step => &self.steps,
            Family::Phase => &self.phases,
            Family::Audience => &self.audiences,
            Family::Kind => std::slice::from_ref(&self.kind),
            Family::WaitingFor => &self.waiting_for,
        }
    }
}

/// A file that travels with an entry. Packs store attachment bytes once, named by their SHA-256,
/// so that the names inside a pack never come from user input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Attachment {
    /// The file name shown to people and used when saving, such as `one-page-profile.html`.
    pub name: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
}

/// The media types an attachment may have, by file extension. Anything else is refused, so that
/// a pack cannot carry executables or scripts disguised as documents.
pub const ATTACHMENT_TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("html", "text/html"),
    ("txt", "text/plain"),
    ("csv", "text/csv"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
];

/// The largest attachment a pack may carry.
pub const MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;

/// The longest summary, in characters.
pub const MAX_SUMMARY_CHARS: usize = 300;

pub fn media_type_for(file_name: &str) -> Option<&'static str> {
    let ext = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    ATTACHMENT_TYPES
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, t)| *t)
}

/// How to reach a service, shaped to map onto Open Referral UK (HSDS) services and contacts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Service {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_served: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligibility: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_times: Option<String>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Contact {
    #[serde(rename = "type")]
    pub kind: ContactKind,
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ContactKind {
    Phone,
    Email,
    Website,
    Address,
    Online,
}
