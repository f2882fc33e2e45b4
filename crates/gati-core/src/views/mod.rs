//! What the front ends show, assembled from the catalogue and the user's data. Each view is one
//! call, so that the desktop shell and the `gati` command only pass views along and never decide
//! what goes on a page.

pub mod entry_page;
pub mod grid;
pub mod pack_status;
pub mod shortlist;
pub mod waiting_well;

use crate::entry::Entry;
use crate::entry::HitData;
use crate::library::Catalogue;

/// The cards of the entries named by `ids`, in that order, leaving out ids the pack no longer has
/// (a shortlist can outlive the pack its entries came from).
fn cards(catalogue: &Catalogue, ids: &[String]) -> crate::Result<Vec<HitData>> {
    let mut cards = Vec::with_capacity(ids.len());
    for id in ids {
        match catalogue.entry(id) {
            Ok(entry) => cards.push(HitData::of(&entry)),
            Err(crate::Error::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(cards)
}

/// Whether the entry carries `code` in its codes of `family`.
fn carries(entry: &Entry, family: crate::taxonomy::Family, code: &str) -> bool {
    entry.codes(family).iter().any(|c| c == code)
}
