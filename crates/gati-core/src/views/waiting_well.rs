//! Waiting well: for a family waiting for an assessment or a therapy, who to contact now, what
//! to expect and things to try at home, gathered from every entry that names the wait.

use serde::Serialize;

use super::carries;
use crate::Result;
use crate::entry::Entry;
use crate::entry::HitData;
use crate::error::Error;
use crate::library::Catalogue;
use crate::search::{Filters, MAX_LIMIT, SearchRequest};
use crate::taxonomy::{Family, Term};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WaitingWell {
    /// What the family is waiting for, with its plain-words label and description.
    pub waiting_for: Term,
    /// Services to contact now, whole, so their contact points can be shown and copied.
    pub contacts: Vec<Entry>,
    /// Guidance written for families: what the wait is for and what happens next.
    pub what_to_expect: Vec<HitData>,
    /// Strategies, resources and training a family can use at home.
    pub things_to_try: Vec<HitData>,
    /// Entries for schools and settings about the same wait, for families to share.
    pub for_school: Vec<HitData>,
}

pub fn waiting_well(catalogue: &Catalogue, code: &str) -> Result<WaitingWell> {
    let term = catalogue
        .taxonomy()
        .waiting_for
        .iter()
        .find(|t| t.code == code)
        .cloned()
        .ok_or_else(|| Error::NotFound(format!("`{code}` is not something families wait for")))?;
    let request = SearchRequest {
        filters: Filters {
            waiting_for: vec![code.to_string()],
            ..Filters::default()
        },
        limit: MAX_LIMIT,
        ..SearchRequest::default()
    };
    let mut page = WaitingWell {
        waiting_for: term,
        contacts: Vec::new(),
        what_to_expect: Vec::new(),
        things_to_try: Vec::new(),
        for_school: Vec::new(),
    };
    for hit in catalogue.search(&request)?.hits {
        let card = hit.entry;
        let for_families = card
            .audiences
            .iter()
            .any(|a| a == "parent-carer" || a == "young-person");
        match card.kind.as_str() {
            "service" => page.contacts.push(catalogue.entry(&card.id)?),
            _ if !for_families => page.for_school.push(card),
            "guidance" => page.what_to_expect.push(card),
            _ => page.things_to_try.push(card),
        }
    }
    // Services a family can call, write to or visit come first, then those reached through
    // someone else; within each, services for families before those for professionals. The
    // sort is stable, so each group keeps the search's title order.
    page.contacts.sort_by_key(|e| {
        let has_contacts = e.service.as_ref().is_some_and(|s| !s.contacts.is_empty());
        (!has_contacts, !carries(e, Family::Audience, "parent-carer"))
    });
    Ok(page)
}
