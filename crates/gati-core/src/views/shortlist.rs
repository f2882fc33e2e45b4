//! The shortlist a practitioner gathers while browsing: shown as cards, and exported as a
//! Markdown document that can be pasted into a support plan or printed.

use std::fmt::Write;

use crate::Result;
use crate::entry::HitData;
use crate::library::Catalogue;
use crate::store::user_db::UserDb;
use crate::taxonomy::Family;

/// The shortlist's entries in the user's order. An entry that a newer pack merged into another
/// is first replaced on the list by the one that took its place, so that the list shows, moves
/// and removes it by its new id.
pub fn shortlist(catalogue: &Catalogue, user: &UserDb) -> Result<Vec<HitData>> {
    for item in user.shortlist()? {
        if let Some(new_id) = catalogue.successor(&item.entry_id)? {
            user.shortlist_rename(&item.entry_id, &new_id)?;
        }
    }
    let ids: Vec<String> = user.shortlist()?.into_iter().map(|i| i.entry_id).collect();
    super::cards(catalogue, &ids)
}

/// Writes the shortlist as a Markdown document into `dir`, named with `date` and never
/// overwriting an earlier one, and returns where it went.
pub fn export(
    catalogue: &Catalogue,
    user: &UserDb,
    date: chrono::NaiveDate,
    dir: &std::path::Path,
) -> Result<std::path::PathBuf> {
    let items = shortlist(catalogue, user)?;
    let text = to_markdown(catalogue, &items, date);
    crate::files::write_new_file(dir, &format!("GATI shortlist {date}.md"), text.as_bytes())
}

/// The shortlist as a Markdown document: each entry's title, what it is, for whom, and its
/// summary, headed with the pack it came from so that a printed copy says where it came from.
pub fn to_markdown(catalogue: &Catalogue, items: &[HitData], date: chrono::NaiveDate) -> String {
    let taxonomy = catalogue.taxonomy();
    let meta = catalogue.meta();
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "# Shortlist\n");
    let _ = writeln!(
        out,
        "From {} (version {}), {}.\n",
        meta.title,
        meta.version,
        date.format("%-d %B %Y")
    );
    for (n, item) in items.iter().enumerate() {
        let _ = writeln!(out, "## {}. {}\n", n + 1, item.title);
        let _ = writeln!(
            out,
            "- Kind: {}\n- Level: {}\n- Needs: {}\n- Phases: {}\n",
            taxonomy.labels(Family::Kind, std::slice::from_ref(&item.kind)),
            taxonomy.labels(Family::Level, &item.levels),
            taxonomy.labels(Family::Need, &item.needs),
            taxonomy.labels(Family::Phase, &item.phases),
        );
        let _ = writeln!(out, "{}\n", item.summary);
    }
    if items.is_empty() {
        let _ = writeln!(out, "The shortlist is empty.");
    }
    out
}
