//! A plan's current cycle as a document: for the school (to hand to a family or attach to a
//! request for an EHC needs assessment), or for parents in plain words. One list of blocks is
//! written out as a Word document or as plain text, so the two never say different things.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Decision, Plan, Provision};
use crate::docx::Document;
use crate::error::Result;
use crate::library::Catalogue;
use crate::taxonomy::Family;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum PlanDocument {
    /// The whole current cycle, for the school and for requests.
    School,
    /// The plan in plain words, for the family.
    Parents,
}

enum Block {
    Heading(usize, String),
    Paragraph(String),
    Note(String),
}

/// The plan as a Word document.
pub fn plan_docx(
    plan: &Plan,
    catalogue: Option<&Catalogue>,
    kind: PlanDocument,
    date: NaiveDate,
) -> Result<Vec<u8>> {
    let mut doc = Document::new();
    for block in blocks(plan, catalogue, kind, date) {
        match block {
            Block::Heading(level, text) => doc.heading(level, &text),
            Block::Paragraph(text) => doc.paragraph(&text),
            Block::Note(text) => doc.note(&text),
        }
    }
    doc.into_bytes()
}

/// The plan as plain text.
pub fn plan_text(
    plan: &Plan,
    catalogue: Option<&Catalogue>,
    kind: PlanDocument,
    date: NaiveDate,
) -> String {
    let mut out = String::new();
    for block in blocks(plan, catalogue, kind, date) {
        match block {
            Block::Heading(1, text) => {
                out.push_str(&format!("{text}\n{}\n\n", "=".repeat(text.chars().count())))
            }
            Block::Heading(_, text) => {
                out.push_str(&format!("{text}\n{}\n\n", "-".repeat(text.chars().count())))
            }
            Block::Paragraph(text) | Block::Note(text) => out.push_str(&format!("{text}\n\n")),
        }
    }
    out
}

/// The plan as HTML for the print view: headings and paragraphs only, every text escaped, so
/// that the page the school prints says exactly what the Word document says.
pub fn plan_html(
    plan: &Plan,
    catalogue: Option<&Catalogue>,
    kind: PlanDocument,
    date: NaiveDate,
) -> String {
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut out = String::new();
    for block in blocks(plan, catalogue, kind, date) {
        match block {
            Block::Heading(level, text) => {
                out.push_str(&format!("<h{level}>{}</h{level}>\n", escape(&text)));
            }
            Block::Paragraph(text) => out.push_str(&format!("<p>{}</p>\n", escape(&text))),
            Block::Note(text) => {
                out.push_str(&format!("<p class=\"print-date\">{}</p>\n", escape(&text)))
            }
        }
    }
    out
}

fn long(date: Option<NaiveDate>) -> String {
    date.map_or_else(
        || "not set".to_string(),
        |d| d.format("%-d %B %Y").to_string(),
    )
}

fn blocks(
    plan: &Plan,
    catalogue: Option<&Catalogue>,
    kind: PlanDocument,
    date: NaiveDate,
) -> Vec<Block> {
    let labels = |family: Family, codes: &[String]| match catalogue {
        Some(c) => c.taxonomy().labels(family, codes),
        None => codes.join(", "),
    };
    let cycle = plan.current().cloned().unwrap_or_default();
    let previous = plan
        .cycles
        .len()
        .checked_sub(2)
        .and_then(|i| plan.cycles.get(i))
        .and_then(|c| c.review.clone());
    let mut out = Vec::new();
    let section = |out: &mut Vec<Block>, title: &str, text: &str| {
        if !text.trim().is_empty() {
            out.push(Block::Heading(2, title.to_string()));
            for para in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
                out.push(Block::Paragraph(para.trim().to_string()));
            }
        }
    };
    match kind {
        PlanDocument::School => {
            out.push(Block::Heading(
                1,
                format!("SEN support plan: {}", plan.pupil),
            ));
            out.push(Block::Note(format!(
                "Cycle {} of the assess, plan, do, review cycle. Written {}.",
                plan.cycles.len(),
                date.format("%-d %B %Y")
            )));
            let facts = [
                ("Year group", plan.year_group.clone()),
                (
                    "Phase",
                    labels(Family::Phase, std::slice::from_ref(&plan.phase)),
                ),
                ("Needs", labels(Family::Need, &plan.needs)),
                (
                    "Level of support",
                    labels(Family::Level, std::slice::from_ref(&plan.level)),
                ),
                ("Assessed", long(cycle.assessed)),
                ("Support starts", long(cycle.started)),
                ("Review by", long(cycle.review_due)),
            ];
            for (name, value) in facts {
                if !value.trim().is_empty() {
                    out.push(Block::Paragraph(format!("{name}: {value}")));
                }
            }
            section(
                &mut out,
                "What people like and admire about them",
                &plan.profile.admire,
            );
            section(
                &mut out,
                "What is important to them",
                &plan.profile.important,
            );
            section(&mut out, "How best to support them", &plan.profile.support);
            for view in &plan.views {
                let who = match view.who {
                    super::ViewOf::Pupil => "The pupil's view",
                    super::ViewOf::Parent => "The parents' view",
                };
                section(
                    &mut out,
                    &format!("{who} ({})", long(view.date)),
                    &view.text,
                );
            }
            section(&mut out, "What the assessment found", &cycle.assessment);
            if let Some(review) = &previous {
                out.push(Block::Heading(2, "At the last review".into()));
                out.push(Block::Paragraph(format!(
                    "Reviewed {}. Decision: {}.",
                    long(review.date),
                    decision_words(review.decision)
                )));
                section(&mut out, "What worked", &review.worked);
                section(&mut out, "What changes", &review.changes);
            }
            out.push(Block::Heading(2, "Outcomes".into()));
            if cycle.outcomes.is_empty() {
                out.push(Block::Paragraph("No outcomes written yet.".into()));
            }
            for (n, o) in cycle.outcomes.iter().enumerate() {
                out.push(Block::Heading(3, format!("{}. {}", n + 1, o.text)));
                if o.by.is_some() {
                    out.push(Block::Paragraph(format!("By: {}", long(o.by))));
                }
                if !o.measure.trim().is_empty() {
                    out.push(Block::Paragraph(format!("How we will know: {}", o.measure)));
                }
            }
            out.push(Block::Heading(2, "Provision".into()));
            if cycle.provision.is_empty() {
                out.push(Block::Paragraph("No provision chosen yet.".into()));
            }
            for p in &cycle.provision {
                out.push(Block::Heading(3, p.title.clone()));
                if !p.summary.trim().is_empty() {
                    out.push(Block::Paragraph(p.summary.clone()));
                }
                out.push(Block::Paragraph(arrangements(p)));
            }
        }
        PlanDocument::Parents => {
            out.push(Block::Heading(1, format!("{}'s support plan", plan.pupil)));
            out.push(Block::Note(format!(
                "This is the plan school is following now, in plain words. Written {}.",
                date.format("%-d %B %Y")
            )));
            section(&mut out, "What we like and admire", &plan.profile.admire);
            section(&mut out, "What matters to them", &plan.profile.important);
            section(&mut out, "How to help them", &plan.profile.support);
            out.push(Block::Heading(2, "What we are working towards".into()));
            for o in &cycle.outcomes {
                let by =
                    o.by.map(|d| format!(" (by {})", d.format("%-d %B %Y")))
                        .unwrap_or_default();
                out.push(Block::Paragraph(format!("{}{by}", o.text)));
            }
            out.push(Block::Heading(2, "What school is doing".into()));
            for p in &cycle.provision {
                out.push(Block::Heading(3, p.title.clone()));
                let words = family_summary(p, catalogue).unwrap_or_else(|| p.summary.clone());
                if !words.trim().is_empty() {
                    out.push(Block::Paragraph(words));
                }
                out.push(Block::Paragraph(arrangements(p)));
            }
            out.push(Block::Heading(2, "When we will meet again".into()));
            out.push(Block::Paragraph(format!(
                "We will look at how it is going together on {}. You can ask school about the plan at any time.",
                long(cycle.review_due)
            )));
        }
    }
    out
}

/// Who does it, how often, for how long and from when, in one sentence.
fn arrangements(p: &Provision) -> String {
    let parts: Vec<String> = [
        ("Who", p.who.clone()),
        ("How often", p.how_often.clone()),
        ("For how long", p.how_long.clone()),
        (
            "From",
            p.from
                .map(|d| d.format("%-d %B %Y").to_string())
                .unwrap_or_default(),
        ),
    ]
    .into_iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .map(|(k, v)| format!("{k}: {v}"))
    .collect();
    if parts.is_empty() {
        "Who, how often and for how long: to be agreed.".into()
    } else {
        format!("{}.", parts.join(". "))
    }
}

/// The summary of the entry, or of an entry it points to, written for families, when the
/// installed pack has one.
fn family_summary(p: &Provision, catalogue: Option<&Catalogue>) -> Option<String> {
    let catalogue = catalogue?;
    let entry = catalogue.entry(p.entry_id.as_deref()?).ok()?;
    let for_families = |e: &crate::entry::Entry| e.audiences.iter().any(|a| a == "parent-carer");
    if for_families(&entry) {
        return Some(entry.summary);
    }
    entry
        .related
        .iter()
        .filter_map(|id| catalogue.entry(id).ok())
        .find(for_families)
        .map(|e| format!("{} ({})", e.summary, e.title))
}

fn decision_words(d: Decision) -> &'static str {
    match d {
        Decision::StepUp => "support steps up",
        Decision::Continue => "support continues",
        Decision::StepDown => "support steps down",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn any_words_in_a_plan_print_as_text_not_markup(words in "\\PC{0,60}") {
            let mut plan = Plan { pupil: words.clone(), ..Plan::default() };
            plan.cycles.push(super::super::Cycle {
                outcomes: vec![super::super::Outcome { text: words.clone(), ..Default::default() }],
                ..Default::default()
            });
            let date = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
            for kind in [PlanDocument::School, PlanDocument::Parents] {
                let html = plan_html(&plan, None, kind, date);
                let text = html
                    .replace(|c: char| c != '<', "")
                    .len();
                let tags = html.matches("<h").count() + html.matches("<p").count() + html.matches("</").count();
                proptest::prop_assert_eq!(text, tags, "{}", html);
                plan_text(&plan, None, kind, date);
            }
        }
    }
}
