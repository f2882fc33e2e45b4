//! The content rules, applied alike to pack sources (with file and line) and to the entries of a
//! pack file being installed (with record and entry), so that nothing the loader refuses can slip
//! in through a hand-made pack.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::diagnostics::{Location, Report};
use crate::entry::{
    Entry, MAX_ATTACHMENT_BYTES, MAX_BODY_BYTES, MAX_LIST_ITEMS, MAX_SUMMARY_CHARS, MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
};
use crate::markdown;
use crate::printable::echo;
use crate::readability::{FAMILY_SUMMARY_MAX_GRADE, fk_grade};
use crate::taxonomy::{Family, Taxonomy, is_slug};

/// Tells where an entry's field (and item of a list field) is, for precise messages.
pub trait Locate {
    /// `line_in_body` is set for problems inside the Markdown body, counted from its first line.
    fn locate(&self, entry: usize, field: &str, item: Option<usize>) -> Location;
    fn locate_body_line(&self, entry: usize, line_in_body: usize) -> Location;
}

/// Checks every entry against the taxonomy and against each other. `today` decides which reviews
/// are overdue.
pub fn check_entries(
    entries: &[Entry],
    taxonomy: &Taxonomy,
    today: NaiveDate,
    at: &dyn Locate,
    report: &mut Report,
) {
    let mut first_seen: HashMap<&str, usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if let Some(&first) = first_seen.get(e.id.as_str()) {
            let there = at.locate(first, "id", None);
            report.error(
                at.locate(i, "id", None),
                format!(
                    "id `{}` is already used by {}{}",
                    e.id,
                    there.file,
                    there.line.map(|l| format!(":{l}")).unwrap_or_default()
                ),
            );
        } else {
            first_seen.insert(&e.id, i);
        }
    }

    let replaced_by = check_replaced_ids(entries, &first_seen, at, report);
    for (i, e) in entries.iter().enumerate() {
        check_entry(i, e, taxonomy, today, at, report);
        for (n, related) in e.related.iter().enumerate() {
            if related == &e.id {
                report.error(
                    at.locate(i, "related", Some(n)),
                    "an entry cannot be related to itself",
                );
            } else if !first_seen.contains_key(related.as_str()) {
                let instead = replaced_by
                    .get(related.as_str())
                    .map(|new| format!("; `{new}` replaces it"))
                    .unwrap_or_default();
                report.error(
                    at.locate(i, "related", Some(n)),
                    format!("no entry has the id `{related}`{instead}"),
                );
            }
        }
    }
}

/// A replaced id names an entry that is gone, and only one entry takes its place: otherwise a
/// shortlist holding the old id would not know where to go. Returns which entry replaces each id.
fn check_replaced_ids<'a>(
    entries: &'a [Entry],
    ids: &HashMap<&str, usize>,
    at: &dyn Locate,
    report: &mut Report,
) -> HashMap<&'a str, &'a str> {
    let mut taken: HashMap<&str, &str> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        for (n, old) in e.replaces.iter().enumerate() {
            let here = at.locate(i, "replaces", Some(n));
            if !is_slug(old) {
                report.error(here, format!("`{}` is not an entry id", echo(old)));
            } else if ids.contains_key(old.as_str()) {
                report.error(
                    here,
                    format!("`{old}` is replaced, so it cannot also be an entry of the pack"),
                );
            } else if let Some(first) = taken.get(old.as_str()) {
                report.error(
                    here,
                    format!("`{old}` is already replaced by `{first}`; one entry takes its place"),
                );
            } else {
                taken.insert(old, &e.id);
            }
        }
    }
    taken
}

/// Checks one entry, step by step.
fn check_entry(
    i: usize,
    e: &Entry,
    taxonomy: &Taxonomy,
    today: NaiveDate,
    at: &dyn Locate,
    report: &mut Report,
) {
    let mut check = EntryCheck { i, e, at, report };
    check.identity();
    check.sizes();
    check.no_repeats();
    check_codes(i, e, taxonomy, at, check.report);
    check.areas(taxonomy);
    check.dates(today);
    check.service();
    check.body();
    check.attachments();
    check.readability();
}

/// One entry being checked, with where to report.
struct EntryCheck<'a> {
    i: usize,
    e: &'a Entry,
    at: &'a dyn Locate,
    report: &'a mut Report,
}

impl EntryCheck<'_> {
    fn error(&mut self, field: &str, item: Option<usize>, message: impl Into<String>) {
        self.report
            .error(self.at.locate(self.i, field, item), message);
    }

    /// The id is a slug, and the title, summary and owner are there.
    fn identity(&mut self) {
        let e = self.e;
        if !is_slug(&e.id) {
            self.error(
                "id",
                None,
                format!(
                    "`{}` is not a lower-case slug (a-z, 0-9 and hyphens)",
                    echo(&e.id)
                ),
            );
        }
        for (field, value) in [
            ("title", &e.title),
            ("summary", &e.summary),
            ("owner", &e.owner),
        ] {
            if value.trim().is_empty() {
                self.error(field, None, format!("`{field}` is missing or empty"));
            }
        }
    }

    /// Every field within its limit (see the constants in [`crate::entry`]), so that no pack
    /// can make the reader hold or the page show more than a real entry needs.
    fn sizes(&mut self) {
        let e = self.e;
        let chars = |s: &str| s.chars().count();
        let summary_chars = chars(&e.summary);
        if summary_chars > MAX_SUMMARY_CHARS {
            self.error(
                "summary",
                None,
                format!(
                    "the summary has {summary_chars} characters; at most {MAX_SUMMARY_CHARS} are allowed"
                ),
            );
        }
        if chars(&e.title) > MAX_TITLE_CHARS {
            self.error(
                "title",
                None,
                format!("the title is longer than {MAX_TITLE_CHARS} characters"),
            );
        }
        if e.body.len() > MAX_BODY_BYTES {
            self.error(
                "body",
                None,
                format!(
                    "the body is {} bytes; at most {MAX_BODY_BYTES} are allowed",
                    e.body.len()
                ),
            );
        }
        let mut texts: Vec<(&str, Option<usize>, &str)> = vec![("owner", None, &e.owner)];
        let lists: [(&str, &[String]); 4] = [
            ("tags", &e.tags),
            ("sources", &e.sources),
            ("related", &e.related),
            ("replaces", &e.replaces),
        ];
        for (field, list) in lists {
            texts.extend(
                list.iter()
                    .enumerate()
                    .map(|(n, v)| (field, Some(n), v.as_str())),
            );
        }
        if let Some(service) = &e.service {
            for value in [
                &service.organisation,
                &service.area_served,
                &service.eligibility,
                &service.cost,
                &service.opening_times,
                &service.how_to_reach,
            ]
            .into_iter()
            .flatten()
            {
                texts.push(("service", None, value));
            }
            for (n, c) in service.contacts.iter().enumerate() {
                texts.push(("service.contacts", Some(n), &c.value));
                if let Some(label) = &c.label {
                    texts.push(("service.contacts", Some(n), label));
                }
            }
        }
        for (field, item, value) in texts {
            if chars(value) > MAX_TEXT_CHARS {
                self.error(
                    field,
                    item,
                    format!("the value is longer than {MAX_TEXT_CHARS} characters"),
                );
            }
        }
        let contacts = e.service.as_ref().map_or(0, |s| s.contacts.len());
        let mut lists = vec![
            ("tags", e.tags.len()),
            ("sources", e.sources.len()),
            ("related", e.related.len()),
            ("replaces", e.replaces.len()),
            ("attachments", e.attachments.len()),
            ("service.contacts", contacts),
        ];
        lists.extend(
            Family::ALL
                .into_iter()
                .map(|family| (family.plural(), e.codes(family).len())),
        );
        for (field, len) in lists {
            if len > MAX_LIST_ITEMS {
                self.error(
                    field,
                    None,
                    format!("{len} items; at most {MAX_LIST_ITEMS} are allowed"),
                );
            }
        }
    }

    /// Related entries, attachment names and contacts each appear once: the entry page lists
    /// them, and a repeat is always a slip.
    fn no_repeats(&mut self) {
        let e = self.e;
        let names: Vec<&str> = e.attachments.iter().map(|a| a.name.as_str()).collect();
        let contacts: Vec<String> = e.service.as_ref().map_or(Vec::new(), |s| {
            s.contacts
                .iter()
                .map(|c| format!("{:?} {}", c.kind, c.value.trim()))
                .collect()
        });
        let related: Vec<&str> = e.related.iter().map(String::as_str).collect();
        let replaces: Vec<&str> = e.replaces.iter().map(String::as_str).collect();
        let contact_refs: Vec<&str> = contacts.iter().map(String::as_str).collect();
        for (field, values) in [
            ("related", related),
            ("replaces", replaces),
            ("attachments", names),
            ("service.contacts", contact_refs),
        ] {
            for (n, value) in values.iter().enumerate() {
                if values[..n].contains(value) {
                    self.error(field, Some(n), format!("`{}` is listed twice", echo(value)));
                }
            }
        }
    }

    fn areas(&mut self, taxonomy: &Taxonomy) {
        let derived = derive_areas(&self.e.needs, taxonomy);
        if derived != self.e.areas {
            let message = format!(
                "areas {:?} do not follow from the needs, which give {:?}",
                self.e.areas, derived
            );
            self.error("areas", None, message);
        }
    }

    fn dates(&mut self, today: NaiveDate) {
        let e = self.e;
        if e.review_by < e.last_reviewed {
            self.error(
                "review_by",
                None,
                format!(
                    "review_by {} is before last_reviewed {}",
                    e.review_by, e.last_reviewed
                ),
            );
        } else if e.review_by < today {
            self.report.warning(
                self.at.locate(self.i, "review_by", None),
                format!("review is overdue: it was due by {}", e.review_by),
            );
        }
        if e.last_reviewed > today {
            self.error(
                "last_reviewed",
                None,
                format!("last_reviewed {} is in the future", e.last_reviewed),
            );
        }
    }

    /// Service entries, and only they, say how to reach the service and where that came from.
    fn service(&mut self) {
        let e = self.e;
        match (e.kind.as_str(), &e.service) {
            ("service", None) => self.error(
                "service",
                None,
                "a service entry needs a [service] table (organisation, contacts, ...)",
            ),
            ("service", Some(_)) if e.sources.is_empty() => self.error(
                "sources",
                None,
                "a service entry must say where its facts come from in `sources`",
            ),
            (kind, Some(_)) if kind != "service" => self.error(
                "service",
                None,
                format!("only service entries have a [service] table, and this one is a {kind}"),
            ),
            _ => {}
        }
        let Some(service) = &e.service else { return };
        for (n, contact) in service.contacts.iter().enumerate() {
            if let Err(problem) = contact.check() {
                self.error("service.contacts", Some(n), problem);
            }
        }
        let reachable = !service.contacts.is_empty()
            || service
                .how_to_reach
                .as_ref()
                .is_some_and(|h| !h.trim().is_empty());
        if !reachable {
            self.report.warning(
                self.at.locate(self.i, "service", None),
                "a family cannot reach this service: add a contact from a source, or say in \
                 `how_to_reach` how they get to it (through the school, the GP, ...)",
            );
        }
    }

    /// The body is Markdown with no raw HTML, and its links lead to web pages, email or phone.
    fn body(&mut self) {
        let e = self.e;
        if e.body.trim().is_empty() {
            self.error("body", None, "the entry has no body text");
        }
        if e.body.len() > MAX_BODY_BYTES {
            // Already refused for its size; a body that large is not read line by line too.
            return;
        }
        for (line, html) in markdown::raw_html(&e.body) {
            self.report.error(
                self.at.locate_body_line(self.i, line),
                format!("raw HTML is not allowed in entries: `{html}`; use Markdown"),
            );
        }
        for (line, link) in markdown::unusable_links(&e.body) {
            self.report.error(
                self.at.locate_body_line(self.i, line),
                format!(
                    "the link `{link}` is not a full web address (https://...), email (mailto:) \
                     or phone number (tel:)"
                ),
            );
        }
    }

    fn attachments(&mut self) {
        for (n, a) in self.e.attachments.iter().enumerate() {
            if let Err(problem) = a.check_name() {
                self.error("attachments", Some(n), problem);
            }
            if a.size > MAX_ATTACHMENT_BYTES {
                let message = format!(
                    "`{}` is {} bytes; attachments may be at most {MAX_ATTACHMENT_BYTES} bytes",
                    echo(&a.name),
                    a.size
                );
                self.error("attachments", Some(n), message);
            }
        }
    }

    /// A summary for families reads easily (a warning, not an error).
    fn readability(&mut self) {
        let e = self.e;
        let for_families = e
            .audiences
            .iter()
            .any(|a| a == "parent-carer" || a == "young-person");
        if for_families {
            let grade = fk_grade(&e.summary);
            if grade > FAMILY_SUMMARY_MAX_GRADE {
                self.report.warning(
                    self.at.locate(self.i, "summary", None),
                    format!(
                        "the summary is for families but reads at grade {grade:.1}; aim for {FAMILY_SUMMARY_MAX_GRADE:.0} or below (shorter sentences, shorter words)"
                    ),
                );
            }
        }
    }
}

/// Required families must have at least one code; every code must be known to the taxonomy.
fn check_codes(i: usize, e: &Entry, taxonomy: &Taxonomy, at: &dyn Locate, report: &mut Report) {
    for family in Family::ALL {
        if family == Family::Area {
            continue;
        }
        let field = if family == Family::Kind {
            "kind"
        } else {
            family.plural()
        };
        let codes = e.codes(family);
        if codes.len() > MAX_LIST_ITEMS {
            // Reported by the size check; each item is not checked one by one.
            continue;
        }
        if codes.is_empty() {
            match family {
                Family::Need | Family::Level | Family::Audience | Family::Kind => report.error(
                    at.locate(i, field, None),
                    format!("`{field}` needs at least one code"),
                ),
                Family::Phase => report.warning(
                    at.locate(i, field, None),
                    "no phase: the entry will not show when someone filters by age phase",
                ),
                _ => {}
            }
        }
        for (n, code) in codes.iter().enumerate() {
            if !taxonomy.contains(family, code) {
                let item = (family != Family::Kind).then_some(n);
                report.error(
                    at.locate(i, field, item),
                    format!(
                        "unknown {} code `{}` (known: {})",
                        family.key(),
                        echo(code),
                        taxonomy.known_codes(family)
                    ),
                );
            }
            if codes[..n].contains(code) {
                report.error(
                    at.locate(i, field, Some(n)),
                    format!("`{code}` is listed twice"),
                );
            }
        }
    }
}

/// The areas of a list of needs, in taxonomy order, without repeats.
pub fn derive_areas(needs: &[String], taxonomy: &Taxonomy) -> Vec<String> {
    taxonomy
        .areas
        .iter()
        .filter(|area| {
            needs
                .iter()
                .any(|n| taxonomy.area_of(n) == Some(area.code.as_str()))
        })
        .map(|area| area.code.clone())
        .collect()
}
