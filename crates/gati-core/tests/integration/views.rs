//! The views front ends show: the browse grid, entry pages, waiting well and the shortlist, over
//! the mini fixture pack installed in a real library.

use crate::support::{build_pack, copy_dir, installed_mini, mini_sources, today};
use gati_core::library::Consent;
use gati_core::search::{Filters, SearchRequest};
use gati_core::views::{entry_page, grid, shortlist, waiting_well};
use gati_core::{Error, ErrorCode};

#[test]
fn grid_cells_count_what_opening_them_lists() {
    let installed = installed_mini();
    let catalogue = installed.library.catalogue().unwrap();
    for phase in [None, Some("early-years")] {
        let grid = grid::grid(&catalogue, phase).unwrap();
        assert_eq!(grid.levels, ["universal", "targeted", "specialist"]);
        assert_eq!(grid.rows.len(), 4);
        for row in &grid.rows {
            for (level, count) in grid.levels.iter().zip(&row.counts) {
                let listed = catalogue
                    .search(&SearchRequest {
                        filters: Filters {
                            areas: vec![row.area.clone()],
                            levels: vec![level.clone()],
                            phases: phase.map(str::to_string).into_iter().collect(),
                            ..Filters::default()
                        },
                        ..SearchRequest::default()
                    })
                    .unwrap()
                    .total;
                assert_eq!(*count, listed, "{} × {level} in {phase:?}", row.area);
            }
        }
    }
    // visual-timetables (universal; communication) and worry-time (universal; SEMH) among others.
    let all = grid::grid(&catalogue, None).unwrap();
    let semh = all.rows.iter().find(|r| r.area == "semh").unwrap();
    assert_eq!(
        semh.counts[0], 2,
        "worry-time and the attendance guide are universal SEMH"
    );
    let early = grid::grid(&catalogue, Some("early-years")).unwrap();
    let early_semh = early.rows.iter().find(|r| r.area == "semh").unwrap();
    assert_eq!(early_semh.counts, [0, 0, 0]);
}

#[test]
fn an_entry_page_has_safe_html_and_its_related_entries() {
    let installed = installed_mini();
    let catalogue = installed.library.catalogue().unwrap();
    let page = entry_page::entry_page(&catalogue, "worry-time").unwrap();
    assert!(page.html.starts_with("<h2>"), "{}", page.html);
    assert_eq!(page.related.len(), 1);
    assert_eq!(page.related[0].id, "school-attendance-for-parents");
    let missing = entry_page::entry_page(&catalogue, "no-such-entry").unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
}

#[test]
fn waiting_well_sorts_contacts_expectations_and_school_pages() {
    let installed = installed_mini();
    let catalogue = installed.library.catalogue().unwrap();
    let ehc = waiting_well::waiting_well(&catalogue, "ehc-needs-assessment").unwrap();
    assert_eq!(ehc.waiting_for.code, "ehc-needs-assessment");
    let contacts: Vec<&str> = ehc.contacts.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(contacts, ["duty-line"]);
    assert_eq!(
        ehc.contacts[0].service.as_ref().unwrap().contacts[0].value,
        "01752 668000"
    );
    let expect: Vec<&str> = ehc.what_to_expect.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(expect, ["ehc-needs-assessment"]);

    let salt = waiting_well::waiting_well(&catalogue, "speech-language-therapy").unwrap();
    assert!(salt.contacts.is_empty());
    assert_eq!(salt.what_to_expect[0].id, "salt-while-you-wait");

    let unknown = waiting_well::waiting_well(&catalogue, "a-miracle").unwrap_err();
    assert!(matches!(unknown, Error::NotFound(_)), "{unknown}");
}

#[test]
fn the_shortlist_keeps_its_order_and_exports_as_markdown() {
    let installed = installed_mini();
    let catalogue = installed.library.catalogue().unwrap();
    let mut user = installed.library.user_db().unwrap();
    for id in ["worry-time", "visual-timetables", "movement-breaks"] {
        user.shortlist_add(id, "2026-11-25").unwrap();
    }
    user.shortlist_move("movement-breaks", 0).unwrap();
    // An entry a later pack dropped stays on the list, marked, and out of documents.
    user.shortlist_add("gone-in-this-pack", "2026-11-25")
        .unwrap();
    let items = shortlist::shortlist(&catalogue, &user).unwrap();
    let ids: Vec<(&str, bool)> = items.iter().map(|c| (c.card.id.as_str(), c.gone)).collect();
    assert_eq!(
        ids,
        [
            ("movement-breaks", false),
            ("worry-time", false),
            ("visual-timetables", false),
            ("gone-in-this-pack", true)
        ]
    );
    user.shortlist_remove("gone-in-this-pack").unwrap();

    let saved = installed.dir.path().join("chosen name.md");
    let markdown = shortlist::DocumentFormat::Markdown;
    shortlist::save_as(&catalogue, &user, markdown, today(), &saved).unwrap();
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(text.starts_with("# Shortlist\n"), "{text}");
    assert!(text.contains("25 November 2026"), "{text}");
    let first = text
        .find("## 1. Movement breaks on the carpet")
        .expect("numbered in order");
    let second = text.find("## 2. Worry time").expect("numbered in order");
    assert!(first < second, "{text}");
    assert!(text.contains("- Level: Universal"), "{text}");
    // Each entry's full text is there, its headings below the entry's title.
    let body = catalogue.entry("worry-time").unwrap().body;
    let heading = body.lines().find(|l| l.starts_with("## ")).unwrap();
    assert!(text.contains(&format!("#{heading}\n")), "{text}");

    // Saving again to the same place (the save dialog has asked) replaces the file whole.
    let plain = shortlist::DocumentFormat::Text;
    shortlist::save_as(&catalogue, &user, plain, today(), &saved).unwrap();
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(text.starts_with("SHORTLIST\n"), "{text}");
    assert!(!text.contains("##"), "plain text has no Markdown: {text}");

    let docx =
        shortlist::document(&catalogue, &user, shortlist::DocumentFormat::Docx, today()).unwrap();
    assert_eq!(&docx[..2], b"PK", "a .docx file is a zip archive");
    assert_eq!(
        shortlist::DocumentFormat::Docx.file_name(today()),
        "GATI shortlist 2026-11-25.docx"
    );
}

#[test]
fn an_attachment_is_saved_where_the_person_chose() {
    let installed = installed_mini();
    let catalogue = installed.library.catalogue().unwrap();
    let chosen = installed.dir.path().join("my copy.html");
    catalogue
        .save_attachment_as("dyslexia-screening", "reading-checklist.html", &chosen)
        .unwrap();
    let (_, bytes) = catalogue
        .attachment("dyslexia-screening", "reading-checklist.html")
        .unwrap();
    assert_eq!(std::fs::read(&chosen).unwrap(), bytes);
    // Only an attachment the entry has, by its own name.
    let other = installed.dir.path().join("other.html");
    assert!(
        catalogue
            .save_attachment_as("dyslexia-screening", "../user.db", &other)
            .is_err()
    );
    assert!(!other.exists());
}

#[test]
fn a_shortlist_follows_merged_entries_to_the_entry_that_replaced_them() {
    let installed = installed_mini();
    let user = installed.library.user_db().unwrap();
    for id in [
        "zones-of-regulation",
        "old-worry-page",
        "visual-timetables",
        "older-worry-page",
    ] {
        user.shortlist_add(id, "2026-11-25").unwrap();
    }

    // The next pack merges two old pages into worry time.
    let sources = installed.dir.path().join("sources");
    copy_dir(&mini_sources(), &sources);
    let file = sources.join("entries/worry-time.md");
    let text = std::fs::read_to_string(&file).unwrap().replacen(
        "\nlast_reviewed",
        "\nreplaces = [\"old-worry-page\", \"older-worry-page\"]\nlast_reviewed",
        1,
    );
    std::fs::write(&file, text).unwrap();
    let toml = sources.join("pack.toml");
    let text = std::fs::read_to_string(&toml)
        .unwrap()
        .replace("1.0.0", "1.1.0");
    std::fs::write(&toml, text).unwrap();
    let next = installed.dir.path().join("next.gatipack");
    build_pack(&sources, &next);
    installed
        .library
        .install(&next, today(), Consent::default(), &mut |_| {})
        .unwrap();
    let catalogue = installed.library.catalogue().unwrap();

    let items = shortlist::shortlist(&catalogue, &user).unwrap();
    let ids: Vec<&str> = items.iter().map(|c| c.card.id.as_str()).collect();
    assert_eq!(
        ids,
        ["zones-of-regulation", "worry-time", "visual-timetables"]
    );
    let stored: Vec<String> = user
        .shortlist()
        .unwrap()
        .into_iter()
        .map(|i| i.entry_id)
        .collect();
    assert_eq!(
        stored,
        ["zones-of-regulation", "worry-time", "visual-timetables"]
    );
    // An address kept from the older pack opens the entry that took its place.
    let page = entry_page::entry_page(&catalogue, "old-worry-page").unwrap();
    assert_eq!(page.entry.id, "worry-time");
}
