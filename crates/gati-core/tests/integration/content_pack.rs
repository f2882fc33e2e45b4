//! The bundled resource pack in `content/`: clean, complete and plain enough for families.
//! A gap in coverage fails here, naming what is missing.

use crate::support::{repo_root, today};
use gati_core::entry::Entry;
use gati_core::readability::{FAMILY_SUMMARY_MAX_GRADE, fk_grade};
use gati_core::source::{self, Sources};
use gati_core::taxonomy::Family;

fn content() -> Sources {
    source::load(&repo_root().join("content"), today()).unwrap()
}

fn has(e: &Entry, family: Family, code: &str) -> bool {
    e.codes(family).iter().any(|c| c == code)
}

#[test]
fn validates_with_no_errors_and_no_warnings() {
    let sources = content();
    let problems: Vec<String> = sources
        .report
        .diagnostics
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn has_at_least_250_entries() {
    let n = content().entries.len();
    assert!(n >= 250, "the pack has {n} entries; it needs at least 250");
}

#[test]
fn every_need_has_each_level_of_support_and_a_page_for_families() {
    let sources = content();
    let taxonomy = sources.taxonomy.as_ref().unwrap();
    let mut gaps = Vec::new();
    for need in &taxonomy.needs {
        let of_need: Vec<&Entry> = sources
            .entries
            .iter()
            .filter(|e| has(e, Family::Need, &need.code))
            .collect();
        let for_staff = |e: &&&Entry| has(e, Family::Audience, "practitioner");
        let checks = [
            (
                "a universal strategy for staff",
                of_need
                    .iter()
                    .filter(for_staff)
                    .any(|e| e.kind == "strategy" && has(e, Family::Level, "universal")),
            ),
            (
                "a targeted strategy or intervention for staff",
                of_need.iter().filter(for_staff).any(|e| {
                    ["strategy", "resource", "training"].contains(&e.kind.as_str())
                        && has(e, Family::Level, "targeted")
                }),
            ),
            (
                "a specialist entry for staff",
                of_need
                    .iter()
                    .filter(for_staff)
                    .any(|e| has(e, Family::Level, "specialist")),
            ),
            (
                "plain-language guidance for parents and carers",
                of_need
                    .iter()
                    .any(|e| e.kind == "guidance" && has(e, Family::Audience, "parent-carer")),
            ),
        ];
        for (what, ok) in checks {
            if !ok {
                gaps.push(format!("{}: no {what}", need.code));
            }
        }
    }
    assert!(gaps.is_empty(), "coverage gaps:\n{}", gaps.join("\n"));
}

#[test]
fn every_area_has_an_assessment_tool_and_every_phase() {
    let sources = content();
    let taxonomy = sources.taxonomy.as_ref().unwrap();
    let mut gaps = Vec::new();
    for area in &taxonomy.areas {
        let of_area: Vec<&Entry> = sources
            .entries
            .iter()
            .filter(|e| has(e, Family::Area, &area.code))
            .collect();
        if !of_area
            .iter()
            .any(|e| e.kind == "resource" && has(e, Family::Step, "assess"))
        {
            gaps.push(format!("{}: no assess resource", area.code));
        }
        for phase in &taxonomy.phases {
            if !of_area.iter().any(|e| has(e, Family::Phase, &phase.code)) {
                gaps.push(format!("{}: nothing for {}", area.code, phase.code));
            }
        }
    }
    assert!(gaps.is_empty(), "coverage gaps:\n{}", gaps.join("\n"));
}

#[test]
fn the_cycle_has_plan_do_and_review_tools_to_fill_in() {
    let sources = content();
    for step in ["plan", "review"] {
        let tools = sources
            .entries
            .iter()
            .filter(|e| {
                e.kind == "resource" && has(e, Family::Step, step) && !e.attachments.is_empty()
            })
            .count();
        assert!(
            tools >= 1,
            "no {step} resource with an attachment to fill in"
        );
    }
    for name in ["one-page profile", "support plan", "review"] {
        assert!(
            sources
                .entries
                .iter()
                .any(|e| !e.attachments.is_empty() && e.title.to_lowercase().contains(name)),
            "no fill-in tool titled with {name:?}"
        );
    }
}

#[test]
fn every_waiting_for_code_has_at_least_two_entries() {
    let sources = content();
    let taxonomy = sources.taxonomy.as_ref().unwrap();
    let thin: Vec<String> = taxonomy
        .waiting_for
        .iter()
        .map(|t| {
            (
                t,
                sources
                    .entries
                    .iter()
                    .filter(|e| has(e, Family::WaitingFor, &t.code))
                    .count(),
            )
        })
        .filter(|(_, n)| *n < 2)
        .map(|(t, n)| format!("{}: {n}", t.code))
        .collect();
    assert!(
        thin.is_empty(),
        "fewer than two entries while waiting for: {thin:?}"
    );
}

#[test]
fn the_local_offers_of_the_seeds_are_present() {
    let sources = content();
    let text: Vec<String> = sources
        .entries
        .iter()
        .map(|e| format!("{} {}", e.title, e.summary).to_lowercase())
        .collect();
    let offers = [
        "waiting well",
        "neurodiversity navigator",
        "myhealth devon",
        "mental health support team",
        "livewell southwest",
        "university hospitals plymouth",
        "early help",
        "family hub",
        "families first",
        "gati",
        "duty line",
        "vulnerable pupils panel",
        "outreach",
        "alternative curriculum",
        "supported internship",
        "your futures",
        "transition",
        "parent carer",
        "ten wishes",
    ];
    let missing: Vec<&str> = offers
        .iter()
        .copied()
        .filter(|o| !text.iter().any(|t| t.contains(o)))
        .collect();
    assert!(missing.is_empty(), "no entry names: {missing:?}");
}

#[test]
fn summaries_for_families_read_at_grade_six_or_below() {
    let sources = content();
    let hard: Vec<String> = sources
        .entries
        .iter()
        .filter(|e| {
            has(e, Family::Audience, "parent-carer") || has(e, Family::Audience, "young-person")
        })
        .map(|e| (e, fk_grade(&e.summary)))
        .filter(|(_, g)| *g > FAMILY_SUMMARY_MAX_GRADE)
        .map(|(e, g)| format!("{} ({g:.1})", e.id))
        .collect();
    assert!(
        hard.is_empty(),
        "summaries above grade {FAMILY_SUMMARY_MAX_GRADE}: {hard:?}"
    );
}
