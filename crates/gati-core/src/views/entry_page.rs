//! An entry as its page shows it: the record, its body as sanitised HTML, and cards for the
//! entries it points to.

use serde::Serialize;

use crate::Result;
use crate::entry::Entry;
use crate::entry::HitData;
use crate::library::Catalogue;
use crate::markdown;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EntryPage {
    pub entry: Entry,
    /// The body rendered and sanitised; the only HTML the front end ever inserts.
    pub html: String,
    pub related: Vec<HitData>,
}

pub fn entry_page(catalogue: &Catalogue, id: &str) -> Result<EntryPage> {
    let entry = catalogue.entry(id)?;
    let html = markdown::to_safe_html(&entry.body);
    let related = super::cards(catalogue, &entry.related)?;
    Ok(EntryPage {
        entry,
        html,
        related,
    })
}
