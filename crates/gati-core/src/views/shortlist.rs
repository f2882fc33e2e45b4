//! The shortlist a practitioner gathers while browsing: shown as cards, and saved as a Word,
//! Markdown or plain-text document with every entry's full text, for a support plan.

use std::fmt::Write;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Result;
use crate::docx::Document;
use crate::entry::{Entry, HitData};
use crate::library::Catalogue;
use crate::store::user_db::UserDb;
use crate::taxonomy::Family;

/// A shortlisted entry as the list shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShortlistCard {
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub card: HitData,
    /// The installed pack no longer has the entry: the card keeps the title it had, and the
    /// person decides whether to remove it.
    pub gone: bool,
}

/// The shortlist's entries in the user's order. An entry that a newer pack merged into another
/// is first replaced on the list by the one that took its place, so that the list shows, moves
/// and removes it by its new id. An entry the pack no longer has at all stays, marked as gone.
pub fn shortlist(catalogue: &Catalogue, user: &UserDb) -> Result<Vec<ShortlistCard>> {
    for item in user.shortlist()? {
        if let Some(new_id) = catalogue.successor(&item.entry_id)? {
            user.shortlist_rename(&item.entry_id, &new_id)?;
        }
    }
    let mut cards = Vec::new();
    for item in user.shortlist()? {
        let card = match catalogue.entry(&item.entry_id) {
            Ok(entry) => {
                user.shortlist_set_title(&entry.id, &entry.title)?;
                ShortlistCard {
                    card: HitData::of(&entry),
                    gone: false,
                }
            }
            Err(crate::Error::NotFound(_)) => ShortlistCard {
                card: HitData::gone(&item.entry_id, &item.title),
                gone: true,
            },
            Err(e) => return Err(e),
        };
        cards.push(card);
    }
    Ok(cards)
}

/// The kinds of document the shortlist can be saved as, each with every entry's full text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum DocumentFormat {
    /// A Word document, for a support plan or to hand to a family.
    Docx,
    /// Markdown, for pasting into other documents.
    Markdown,
    /// Plain text.
    Text,
}

impl DocumentFormat {
    pub fn extension(self) -> &'static str {
        match self {
            DocumentFormat::Docx => "docx",
            DocumentFormat::Markdown => "md",
            DocumentFormat::Text => "txt",
        }
    }

    /// What the save dialog calls files of this kind.
    pub fn description(self) -> &'static str {
        match self {
            DocumentFormat::Docx => "Word document",
            DocumentFormat::Markdown => "Markdown",
            DocumentFormat::Text => "Plain text",
        }
    }

    /// The name a saved shortlist is offered under.
    pub fn file_name(self, date: NaiveDate) -> String {
        format!("GATI shortlist {date}.{}", self.extension())
    }
}

/// Writes the shortlist, with each entry's full text, to `path`: a place the person chose in the
/// system's save dialog, which has already asked before replacing a file there. The file is
/// replaced in one rename, so it is never left half written.
pub fn save_as(
    catalogue: &Catalogue,
    user: &UserDb,
    format: DocumentFormat,
    date: NaiveDate,
    path: &Path,
) -> Result<()> {
    let bytes = document(catalogue, user, format, date)?;
    crate::files::write_whole(path, &bytes)
}

/// The shortlist as a document of `format`.
pub fn document(
    catalogue: &Catalogue,
    user: &UserDb,
    format: DocumentFormat,
    date: NaiveDate,
) -> Result<Vec<u8>> {
    // An entry no longer in the pack has no text to print.
    let ids: Vec<String> = shortlist(catalogue, user)?
        .into_iter()
        .filter(|c| !c.gone)
        .map(|c| c.card.id)
        .collect();
    let entries = ids
        .iter()
        .map(|id| catalogue.entry(id))
        .collect::<Result<Vec<Entry>>>()?;
    Ok(match format {
        DocumentFormat::Markdown => to_markdown(catalogue, &entries, date).into_bytes(),
        DocumentFormat::Text => to_text(catalogue, &entries, date).into_bytes(),
        DocumentFormat::Docx => to_docx(catalogue, &entries, date)?,
    })
}

/// Where the document came from, so that a printed or forwarded copy says so.
fn provenance(catalogue: &Catalogue, date: NaiveDate) -> String {
    let meta = catalogue.meta();
    format!(
        "From {} (version {}), {}.",
        meta.title,
        meta.version,
        date.format("%-d %B %Y")
    )
}

/// Each entry's kind, level, needs and phases in words.
fn facts(catalogue: &Catalogue, e: &Entry) -> [(&'static str, String); 4] {
    let taxonomy = catalogue.taxonomy();
    [
        (
            "Kind",
            taxonomy.labels(Family::Kind, std::slice::from_ref(&e.kind)),
        ),
        ("Level", taxonomy.labels(Family::Level, &e.levels)),
        ("Needs", taxonomy.labels(Family::Need, &e.needs)),
        ("Phases", taxonomy.labels(Family::Phase, &e.phases)),
    ]
}

/// The shortlist as Markdown: each entry's title, facts, summary and full text, whose headings
/// sit one level below the entry's title.
fn to_markdown(catalogue: &Catalogue, entries: &[Entry], date: NaiveDate) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "# Shortlist\n\n{}\n", provenance(catalogue, date));
    for (n, e) in entries.iter().enumerate() {
        let _ = writeln!(out, "## {}. {}\n", n + 1, e.title);
        for (name, value) in facts(catalogue, e) {
            let _ = writeln!(out, "- {name}: {value}");
        }
        let _ = writeln!(out, "\n{}\n", e.summary);
        for line in e.body.trim().lines() {
            let demoted = if line.starts_with('#') { "#" } else { "" };
            let _ = writeln!(out, "{demoted}{line}");
        }
        let _ = writeln!(out);
    }
    if entries.is_empty() {
        let _ = writeln!(out, "The shortlist is empty.");
    }
    out
}

/// The shortlist as plain text.
fn to_text(catalogue: &Catalogue, entries: &[Entry], date: NaiveDate) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "SHORTLIST\n\n{}\n", provenance(catalogue, date));
    for (n, e) in entries.iter().enumerate() {
        let heading = format!("{}. {}", n + 1, e.title);
        let _ = writeln!(out, "{heading}\n{}\n", "=".repeat(heading.chars().count()));
        for (name, value) in facts(catalogue, e) {
            let _ = writeln!(out, "{name}: {value}");
        }
        let _ = writeln!(
            out,
            "\n{}\n\n{}\n",
            e.summary,
            // The indexed plain text ends a heading with a dash for snippets; a document puts
            // the heading on its own line instead.
            crate::markdown::plain_text(&e.body).replace(" —\n", "\n")
        );
    }
    if entries.is_empty() {
        let _ = writeln!(out, "The shortlist is empty.");
    }
    out
}

/// The shortlist as a Word document.
fn to_docx(catalogue: &Catalogue, entries: &[Entry], date: NaiveDate) -> Result<Vec<u8>> {
    let mut doc = Document::new();
    doc.heading(0, "Shortlist");
    doc.paragraph(&provenance(catalogue, date));
    for (n, e) in entries.iter().enumerate() {
        doc.heading(1, &format!("{}. {}", n + 1, e.title));
        for (name, value) in facts(catalogue, e) {
            doc.paragraph(&format!("{name}: {value}"));
        }
        doc.note(&e.summary);
        doc.markdown(&e.body, 1);
    }
    if entries.is_empty() {
        doc.paragraph("The shortlist is empty.");
    }
    doc.into_bytes()
}
