//! The content rules, applied alike to pack sources (with file and line) and to the entries of a
//! pack file being installed (with record and entry), so that nothing the loader refuses can slip
//! in through a hand-made pack.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::diagnostics::{Location, Report};
use crate::entry::{Entry, MAX_ATTACHMENT_BYTES, MAX_SUMMARY_CHARS, media_type_for};
use crate::markdown;
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

    for (i, e) in entries.iter().enumerate() {
        check_entry(i, e, taxonomy, today, at, report);
        for (n, related) in e.related.iter().enumerate() {
            if related == &e.id {
                report.error(
                    at.locate(i, "related", Some(n)),
                    "an entry cannot be related to itself",
                );
            } else if !first_seen.contains_key(related.as_str()) {
                report.error(
                    at.locate(i, "related", Some(n)),
                    format!("no entry has the id `{related}`"),
                );
            }
        }
    }
}

fn check_entry(
    i: usize,
    e: &Entry,
    taxonomy: &Taxonomy,
    today: NaiveDate,
    at: &dyn Locate,
    report: &mut Report,
) {
    if !is_slug(&e.id) {
        report.error(
            at.locate(i, "id", None),
            format!("`{}` is not a lower-case slug (a-z, 0-9 and hyphens)", e.id),
        );
    }
    for (field, value) in [
        ("title", &e.title),
        ("summary", &e.summary),
        ("owner", &e.owner),
    ] {
        if value.trim().is_empty() {
            report.error(
                at.locate(i, field, None),
                format!("`{field}` is missing or empty"),
            );
        }
    }
    let summary_chars = e.summary.chars().count();
    if summary_chars > MAX_SUMMARY_CHARS {
        report.error(
            at.locate(i, "summary", None),
            format!("the summary has {summary_chars} characters; at most {MAX_SUMMARY_CHARS} are allowed"),
        );
    }

    check_codes(i, e, taxonomy, at, report);

    let derived = derive_areas(&e.needs, taxonomy);
    if derived != e.areas {
        report.error(
            at.locate(i, "areas", None),
            format!(
                "areas {:?} do not follow from the needs, which give {:?}",
                e.areas, derived
            ),
        );
    }

    if e.review_by < e.last_reviewed {
        report.error(
            at.locate(i, "review_by", None),
            format!(
                "review_by {} is before last_reviewed {}",
                e.review_by, e.last_reviewed
            ),
        );
    } else if e.review_by < today {
        report.warning(
            at.locate(i, "review_by", None),
            format!("review is overdue: it was due by {}", e.review_by),
        );
    }
    if e.last_reviewed > today {
        report.error(
            at.locate(i, "last_reviewed", None),
            format!("last_reviewed {} is in the future", e.last_reviewed),
        );
    }

    match (e.kind.as_str(), &e.service) {
        ("service", None) => report.error(
            at.locate(i, "service", None),
            "a service entry needs a [service] table (organisation, contacts, ...)",
        ),
        ("service", Some(_)) if e.sources.is_empty() => report.error(
            at.locate(i, "sources", None),
            "a service entry must say where its facts come from in `sources`",
        ),
        (kind, Some(_)) if kind != "service" => report.error(
            at.locate(i, "service", None),
            format!("only service entries have a [service] table, and this one is a {kind}"),
        ),
        _ => {}
    }
    if let Some(service) = &e.service {
        for (n, contact) in service.contacts.iter().enumerate() {
            if contact.value.trim().is_empty() {
                report.error(
                    at.locate(i, "service.contacts", Some(n)),
                    "the contact has no value",
                );
            }
        }
    }

    if e.body.trim().is_empty() {
        report.error(at.locate(i, "body", None), "the entry has no body text");
    }
    for (line, html) in markdown::raw_html(&e.body) {
        let shown: String = html.chars().take(40).collect();
        report.error(
            at.locate_body_line(i, line),
            format!("raw HTML is not allowed in entries: `{shown}`; use Markdown"),
        );
    }

    for (n, a) in e.attachments.iter().enumerate() {
        let here = || at.locate(i, "attachments", Some(n));
        if a.name.is_empty() || a.name.contains(['/', '\\']) || a.name.starts_with('.') {
            report.error(here(), format!("`{}` is not a plain file name", a.name));
        }
        match media_type_for(&a.name) {
            None => report.error(
                here(),
                format!(
                    "`{}` has a file type that packs may not carry (allowed: pdf, docx, xlsx, pptx, html, txt, csv, png, jpg)",
                    a.name
                ),
            ),
            Some(t) if t != a.media_type => report.error(
                here(),
                format!("`{}` is declared as {} but its name says {t}", a.name, a.media_type),
            ),
            Some(_) => {}
        }
        if a.size > MAX_ATTACHMENT_BYTES {
            report.error(
                here(),
                format!(
                    "`{}` is {} bytes; attachments may be at most {MAX_ATTACHMENT_BYTES} bytes",
                    a.name, a.size
                ),
            );
        }
    }

    let for_families = e
        .audiences
        .iter()
        .any(|a| a == "parent-carer" || a == "young-person");
    if for_families {
        let grade = fk_grade(&e.summary);
        if grade > FAMILY_SUMMARY_MAX_GRADE {
            report.warning(
                at.locate(i, "summary", None),
                format!(
                    "the summary is for families but reads at grade {grade:.1}; aim for {FAMILY_SUMMARY_MAX_GRADE:.0} or below (shorter sentences, shorter words)"
                ),
            );
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
                let known: Vec<&str> = taxonomy
                    .terms(family)
                    .iter()
                    .map(|t| t.code.as_str())
                    .collect();
                let item = (family != Family::Kind).then_some(n);
                report.error(
                    at.locate(i, field, item),
                    format!(
                        "unknown {} code `{code}` (known: {})",
                        family.key(),
                        known.join(", ")
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
