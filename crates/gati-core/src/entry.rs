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
    /// Ids of entries this one took the place of (two entries merged into one), so that a
    /// shortlist or plan that stored an old id follows it here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<String>,
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

/// What a result card shows of an entry: stored in the search index, so that a search needs no
/// database, and used for every list of entries (related entries, the shortlist, waiting well).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HitData {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub needs: Vec<String>,
    pub areas: Vec<String>,
    pub levels: Vec<String>,
    pub steps: Vec<String>,
    pub phases: Vec<String>,
    pub audiences: Vec<String>,
    pub waiting_for: Vec<String>,
}

impl HitData {
    pub fn of(e: &Entry) -> HitData {
        HitData {
            id: e.id.clone(),
            kind: e.kind.clone(),
            title: e.title.clone(),
            summary: e.summary.clone(),
            needs: e.needs.clone(),
            areas: e.areas.clone(),
            levels: e.levels.clone(),
            steps: e.steps.clone(),
            phases: e.phases.clone(),
            audiences: e.audiences.clone(),
            waiting_for: e.waiting_for.clone(),
        }
    }

    /// The card of an entry the pack no longer has: its id and the title it had (its id when
    /// no title was kept), and nothing else.
    pub fn gone(id: &str, title: &str) -> HitData {
        HitData {
            id: id.to_string(),
            kind: String::new(),
            title: if title.is_empty() { id } else { title }.to_string(),
            summary: String::new(),
            needs: Vec::new(),
            areas: Vec::new(),
            levels: Vec::new(),
            steps: Vec::new(),
            phases: Vec::new(),
            audiences: Vec::new(),
            waiting_for: Vec::new(),
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

// The limits on every other field, so that a hostile pack cannot make the reader hold or the page
// show more than a real entry ever needs. The content rules (docs/content-model.md) state them.

/// The longest title (and pack title, publisher or version), in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest body, in bytes of Markdown: over ten times the longest entry of the GATI pack.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The longest value of any other text field (an owner, a tag, a source, a contact), in
/// characters.
pub const MAX_TEXT_CHARS: usize = 500;
/// The most items of any list field (tags, sources, related entries, contacts, attachments).
pub const MAX_LIST_ITEMS: usize = 100;
/// The longest attachment file name, in bytes, which every common file system can store.
pub const MAX_FILE_NAME_BYTES: usize = 255;
/// The longest line of a pack's `entries.jsonl`: one entry with every field at its limit fits.
pub const MAX_ENTRY_LINE_BYTES: usize = 256 * 1024;
/// The most entries a pack may hold.
pub const MAX_ENTRIES: usize = 200_000;

impl Attachment {
    /// A name that is safe to show and to save under: a plain file name of an allowed type, with
    /// no control or direction-changing characters (which could show `invoice` + U+202E +
    /// `xcod.html` as a `.docx`), not hidden, and short enough for every file system.
    pub fn check_name(&self) -> Result<(), String> {
        let name = &self.name;
        let shown = crate::printable::echo(name);
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(format!("`{shown}` is not a plain file name"));
        }
        if name.chars().any(crate::printable::is_unsafe) {
            return Err(format!(
                "`{shown}` holds control or text-direction characters"
            ));
        }
        // Names Windows reserves for devices, and `:`, which names a hidden stream there.
        let stem = name
            .split('.')
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let device = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
            || (stem.len() == 4
                && (stem.starts_with("COM") || stem.starts_with("LPT"))
                && stem.ends_with(|c: char| c.is_ascii_digit()));
        if device || name.contains(':') {
            return Err(format!(
                "`{shown}` is a name Windows cannot save a file under"
            ));
        }
        if name.len() > MAX_FILE_NAME_BYTES {
            return Err(format!(
                "the name is {} bytes; at most {MAX_FILE_NAME_BYTES} are allowed",
                name.len()
            ));
        }
        match media_type_for(name) {
            None => Err(format!(
                "`{shown}` has a file type that packs may not carry (allowed: pdf, docx, xlsx, pptx, html, txt, csv, png, jpg)"
            )),
            Some(t) if t != self.media_type => Err(format!(
                "`{shown}` is declared as {} but its name says {t}",
                crate::printable::echo(&self.media_type)
            )),
            Some(_) => Ok(()),
        }
    }
}

/// How many leading bytes [`signature_matches`] looks at.
pub const SIGNATURE_BYTES: usize = 8;

/// True when a file that begins with `head` (its first [`SIGNATURE_BYTES`] bytes) and is, or is
/// not, UTF-8 text looks like a file of `media_type`: the signature a program checks before it
/// opens a PDF, an Office document or a picture, or text for the text types. An attachment that
/// claims one type and holds another is refused.
pub fn signature_matches(media_type: &str, head: &[u8], utf8: bool) -> bool {
    match media_type {
        "application/pdf" => head.starts_with(b"%PDF-"),
        t if t.starts_with("application/vnd.openxmlformats") => head.starts_with(b"PK\x03\x04"),
        "image/png" => head.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => head.starts_with(b"\xff\xd8\xff"),
        "text/html" | "text/plain" | "text/csv" => utf8,
        _ => false,
    }
}

/// [`signature_matches`] for bytes held whole, as pack sources are.
pub fn bytes_match(media_type: &str, bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SIGNATURE_BYTES)];
    signature_matches(media_type, head, std::str::from_utf8(bytes).is_ok())
}

impl Contact {
    /// A contact's value is present, free of control characters, and of its kind's shape: an
    /// email address without a query part (which could add text or files to the message), a web
    /// address that is absolute, a phone number of digits.
    pub fn check(&self) -> Result<(), String> {
        let value = self.value.trim();
        let shown = crate::printable::echo(value);
        if value.is_empty() {
            return Err("the contact has no value".into());
        }
        if value.chars().any(crate::printable::is_unsafe) {
            return Err(format!(
                "`{shown}` holds control or text-direction characters"
            ));
        }
        match self.kind {
            ContactKind::Email => {
                let plain = value.split('@').count() == 2
                    && !value.starts_with('@')
                    && !value.ends_with('@')
                    && !value
                        .contains(|c: char| c.is_whitespace() || "?#&%/\\:<>\"',;".contains(c));
                if !plain {
                    return Err(format!("`{shown}` is not a plain email address"));
                }
            }
            ContactKind::Website => {
                let rest = value
                    .strip_prefix("https://")
                    .or_else(|| value.strip_prefix("http://"))
                    .unwrap_or(value);
                let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
                let plain = host.contains('.')
                    && host
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
                    && !value.contains(char::is_whitespace);
                if !plain {
                    return Err(format!(
                        "`{shown}` is not a web address (such as https://www.example.org/page)"
                    ));
                }
            }
            ContactKind::Phone => {
                if !value
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +()-".contains(c))
                {
                    return Err(format!("`{shown}` is not a phone number"));
                }
            }
            ContactKind::Address | ContactKind::Online => {}
        }
        Ok(())
    }
}

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
    /// The way in, in plain words, for a service that takes no calls or messages from the public
    /// (through the school, the health visitor, the GP, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub how_to_reach: Option<String>,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(kind: ContactKind, value: &str) -> Contact {
        Contact {
            kind,
            value: value.into(),
            label: None,
        }
    }

    #[test]
    fn contacts_have_the_shape_of_their_kind() {
        for ok in [
            contact(ContactKind::Email, "send@plymouth.gov.uk"),
            contact(ContactKind::Website, "https://www.plymouth.gov.uk/send"),
            contact(ContactKind::Website, "www.plymouthgati.co.uk"),
            contact(ContactKind::Phone, "01752 668000"),
            contact(ContactKind::Phone, "+44 (0)1752 668000"),
        ] {
            assert!(ok.check().is_ok(), "{ok:?}");
        }
        for bad in [
            contact(ContactKind::Email, "a@b.org?attach=/etc/passwd"),
            contact(ContactKind::Email, "a@b.org&subject=x"),
            contact(ContactKind::Email, "no-at-sign"),
            contact(ContactKind::Website, "//evil.example"),
            contact(ContactKind::Website, "javascript:alert(1)"),
            contact(ContactKind::Phone, "0800 CALL NOW"),
            contact(ContactKind::Address, "1 Road\u{1b}[2J"),
            contact(ContactKind::Phone, " "),
        ] {
            assert!(bad.check().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn bytes_must_match_their_type() {
        assert!(bytes_match("application/pdf", b"%PDF-1.7 ..."));
        assert!(!bytes_match("application/pdf", b"MZ\x90\x00"));
        assert!(bytes_match("text/html", "<p>café</p>".as_bytes()));
        assert!(!bytes_match("text/html", b"\xff\xfe<p>"));
        assert!(bytes_match("image/png", b"\x89PNG\r\n\x1a\n...."));
    }
}
