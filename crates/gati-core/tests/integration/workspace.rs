//! The editors' workspace over real folders: files written back as they were, ids renamed with
//! their references, conflicts with changes made outside, reviews, approval and publishing.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, TimeZone, Utc};
use gati_core::library::{Consent, Library};
use gati_core::workspace::{Change, RowState, WorkQuery, Workspace, form};
use gati_core::{Error, ErrorCode};
use tempfile::TempDir;

use crate::support::{copy_dir, dev_key, mini_sources, repo_root, today};

/// A copy of the mini fixture's sources, with a publish folder beside it.
fn mini_copy() -> (TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("content");
    copy_dir(&mini_sources(), &root);
    let publish = dir.path().join("published");
    (dir, root, publish)
}

fn open(root: &Path, publish: &Path) -> Workspace {
    Workspace::open(root, Some(publish), today()).unwrap()
}

fn file_of(id: &str) -> String {
    format!("entries/{id}.md")
}

#[test]
fn every_real_entry_file_is_written_back_byte_for_byte() {
    let mut checked = 0;
    for item in walk(&repo_root().join("content/entries")) {
        let text = fs::read_to_string(&item).unwrap();
        let form = form::read(&text).unwrap_or_else(|e| panic!("{}: {e}", item.display()));
        assert_eq!(
            form::write(&text, &form).unwrap(),
            text,
            "{}",
            item.display()
        );
        checked += 1;
    }
    assert!(checked > 300, "only {checked} files");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for item in fs::read_dir(dir).unwrap() {
        let path = item.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|x| x == "md") {
            out.push(path);
        }
    }
    out
}

#[test]
fn saving_a_change_keeps_comments_and_every_other_line() {
    let (_dir, root, publish) = mini_copy();
    let path = root.join(file_of("worry-time"));
    let original = fs::read_to_string(&path).unwrap().replacen(
        "tags = ",
        "# Tags are for search only.\ntags = ",
        1,
    );
    fs::write(&path, &original).unwrap();
    let mut ws = open(&root, &publish);
    let draft = ws.draft(&file_of("worry-time")).unwrap();
    let mut changed = draft.form.clone();
    changed.summary = "Ten minutes a day to write worries down and share them.".into();
    ws.save(&draft.file, &draft.base, &changed, today())
        .unwrap();

    let saved = fs::read_to_string(&path).unwrap();
    let differing: Vec<(&str, &str)> = original
        .lines()
        .zip(saved.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(
        differing,
        [(
            original.lines().find(|l| l.starts_with("summary")).unwrap(),
            "summary = \"Ten minutes a day to write worries down and share them.\""
        )]
    );
    assert_eq!(original.lines().count(), saved.lines().count());
    assert!(saved.contains("# Tags are for search only.\n"));
    // The search index follows the save.
    let rows = ws
        .rows(
            &WorkQuery {
                query: "share worries".into(),
                ..WorkQuery::default()
            },
            today(),
        )
        .unwrap();
    assert_eq!(rows.first().map(|r| r.id.as_str()), Some("worry-time"));
}

#[test]
fn changing_an_id_renames_the_file_and_every_reference() {
    let (_dir, root, publish) = mini_copy();
    let mut ws = open(&root, &publish);
    let draft = ws.draft(&file_of("school-attendance-for-parents")).unwrap();
    let mut form = draft.form.clone();
    form.id = "going-to-school-for-parents".into();
    let file = ws.save(&draft.file, &draft.base, &form, today()).unwrap();
    assert_eq!(file, "entries/going-to-school-for-parents.md");
    assert!(!root.join(file_of("school-attendance-for-parents")).exists());
    let worry = fs::read_to_string(root.join(file_of("worry-time"))).unwrap();
    assert!(
        worry.contains("related = [\"going-to-school-for-parents\"]\n"),
        "{worry}"
    );
    assert_eq!(ws.summary().errors, 0, "{:#?}", ws.sources().report);
}

#[test]
fn an_entry_others_name_cannot_be_deleted() {
    let (_dir, root, publish) = mini_copy();
    let mut ws = open(&root, &publish);
    let named = ws.draft(&file_of("school-attendance-for-parents")).unwrap();
    let refused = ws.delete(&named.file, &named.base, today()).unwrap_err();
    assert!(refused.to_string().contains("worry-time"), "{refused}");
    assert!(root.join(&named.file).exists());

    let free = ws.draft(&file_of("ear-defenders")).unwrap();
    ws.delete(&free.file, &free.base, today()).unwrap();
    assert!(!root.join(&free.file).exists());
    assert!(
        ws.rows(&WorkQuery::default(), today())
            .unwrap()
            .iter()
            .all(|r| r.id != "ear-defenders")
    );
}

#[test]
fn a_file_changed_outside_is_never_overwritten() {
    let (_dir, root, publish) = mini_copy();
    let mut ws = open(&root, &publish);
    let draft = ws.draft(&file_of("worry-time")).unwrap();
    let path = root.join(&draft.file);
    let theirs = fs::read_to_string(&path)
        .unwrap()
        .replace("Worry time", "Worry time (daily)");
    fs::write(&path, &theirs).unwrap();

    let mut mine = draft.form.clone();
    mine.summary = "Mine.".into();
    let refused = ws
        .save(&draft.file, &draft.base, &mine, today())
        .unwrap_err();
    assert!(matches!(refused, Error::Conflict { .. }));
    assert_eq!(refused.code(), ErrorCode::Conflict);
    assert_eq!(fs::read_to_string(&path).unwrap(), theirs);
    assert_eq!(
        ws.compare_with_disk(&draft.file, &mine).unwrap(),
        ["title", "summary"]
    );

    assert!(
        ws.refresh(today()).unwrap(),
        "the change on disk is noticed"
    );
    assert!(!ws.refresh(today()).unwrap());
    let again = ws.draft(&draft.file).unwrap();
    assert_eq!(again.form.title, "Worry time (daily)");
    ws.save(&again.file, &again.base, &mine, today()).unwrap();
}

#[test]
fn a_form_is_checked_with_the_rules_of_validate_at_its_fields() {
    let (_dir, root, publish) = mini_copy();
    let ws = open(&root, &publish);
    let draft = ws.draft(&file_of("salt-while-you-wait")).unwrap();
    assert!(draft.problems.is_empty(), "{:?}", draft.problems);
    let mut form = draft.form.clone();
    form.needs.push("flying".into());
    form.summary = "Children who are waiting for speech and language therapy benefit considerably from structured, consistent communicative opportunities facilitated collaboratively by knowledgeable adults.".into();
    form.related.push("no-such-entry".into());
    let check = ws.check(&draft.file, &form, today()).unwrap();
    let fields: Vec<&str> = check
        .problems
        .iter()
        .filter_map(|d| d.location.field.as_deref())
        .collect();
    assert!(fields.contains(&"needs"), "{:?}", check.problems);
    assert!(fields.contains(&"related"), "{:?}", check.problems);
    assert!(check.reading_grade.unwrap() > 6.0);
    assert_eq!(check.summary_chars, form.summary.chars().count());

    // A clash of ids is reported at the form's own id.
    let mut twin = draft.form.clone();
    twin.id = "worry-time".into();
    let check = ws.check(&draft.file, &twin, today()).unwrap();
    assert!(
        check
            .problems
            .iter()
            .any(|d| d.location.field.as_deref() == Some("id")),
        "{:?}",
        check.problems
    );
}

#[test]
fn reviews_are_listed_marked_and_exported() {
    let (_dir, root, publish) = mini_copy();
    let mut ws = open(&root, &publish);
    // The fixture's entries were reviewed on 2026-11-01 for 12 months.
    let later = NaiveDate::from_ymd_opt(2027, 9, 1).unwrap();
    let due = ws.review_due(later);
    assert_eq!(due.len(), 10);
    assert!(due.iter().all(|r| !r.overdue));
    let overdue = ws.review_due(NaiveDate::from_ymd_opt(2027, 12, 1).unwrap());
    assert_eq!(overdue.len(), 10);
    assert!(overdue.iter().all(|r| r.overdue));

    let next = ws.mark_reviewed("worry-time", later).unwrap();
    assert_eq!(next, NaiveDate::from_ymd_opt(2028, 9, 1).unwrap());
    let text = fs::read_to_string(root.join(file_of("worry-time"))).unwrap();
    assert!(text.contains("last_reviewed = 2027-09-01\n"));
    assert!(
        text.contains("review_by = \"12 months\"\n"),
        "the interval is kept"
    );
    assert_eq!(ws.review_due(later).len(), 9);

    let csv = gati_core::workspace::review_csv(&ws.review_due(later));
    assert!(csv.starts_with("id,title,kind,owner,areas,last_reviewed,review_by,overdue\r\n"));
    assert_eq!(csv.lines().count(), 10);
}

#[test]
fn a_new_entry_starts_from_its_kinds_template() {
    let (_dir, root, publish) = mini_copy();
    let mut ws = open(&root, &publish);
    let file = ws.create("service", "parent-helpline", today()).unwrap();
    let text = fs::read_to_string(root.join(&file)).unwrap();
    assert!(
        text.starts_with("+++\nid = \"parent-helpline\"\nkind = \"service\"\n"),
        "{text}"
    );
    assert!(text.contains("[service]"));
    let row = ws
        .rows(
            &WorkQuery {
                states: vec![RowState::Errors],
                ..WorkQuery::default()
            },
            today(),
        )
        .unwrap();
    assert_eq!(row.len(), 1, "only the new entry has errors: {row:?}");
    assert!(ws.create("service", "parent-helpline", today()).is_err());
    assert!(ws.create("poem", "a-poem", today()).is_err());
    assert!(ws.create("strategy", "../escape", today()).is_err());
}

#[test]
fn publishing_asks_for_approval_signs_and_schools_can_install_it() {
    let (dir, root, publish) = mini_copy();
    let pack_toml = root.join("pack.toml");
    let text = fs::read_to_string(&pack_toml).unwrap();
    fs::write(
        &pack_toml,
        format!("# The mini pack.\n{text}require_approval = true\n"),
    )
    .unwrap();
    let mut ws = open(&root, &publish);
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();

    // The first publish: every entry is new, and none is approved.
    let plan = ws.publish_plan(today());
    assert_eq!(plan.changes.added.len(), 10);
    assert_eq!(plan.unapproved.len(), 10);
    assert_eq!(plan.suggested_version, "1.0.1");
    assert!(ws.publish("1.0.1", dev_key(), now).is_err());
    assert!(!publish.join("latest.json").exists());
    let ids: Vec<String> = plan.unapproved.iter().map(|e| e.id.clone()).collect();
    for id in &ids {
        ws.approve(id, "Sam Patel", today()).unwrap();
    }
    assert!(ws.publish_plan(today()).blockers.is_empty());
    let latest = ws.publish("1.0.1", dev_key(), now).unwrap();
    assert_eq!(latest.version, "1.0.1");
    assert!(publish.join("latest.json").is_file());
    let pack_toml_now = fs::read_to_string(&pack_toml).unwrap();
    assert!(pack_toml_now.starts_with("# The mini pack.\n"));
    assert!(pack_toml_now.contains("version = \"1.0.1\"\n"));
    assert!(ws.publish_plan(today()).changes.is_empty());

    // A change asks for approval again, and is listed as changed.
    let draft = ws.draft(&file_of("worry-time")).unwrap();
    let mut form = draft.form.clone();
    form.summary = "Ten minutes a day for worries, with a trusted adult.".into();
    ws.save(&draft.file, &draft.base, &form, today()).unwrap();
    let changed = ws
        .rows(
            &WorkQuery {
                states: vec![RowState::Changed],
                ..WorkQuery::default()
            },
            today(),
        )
        .unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].change, Some(Change::Changed));
    let plan = ws.publish_plan(today());
    assert_eq!(plan.unapproved.len(), 1);
    assert_eq!(plan.changes.changed[0].fields, ["summary"]);
    ws.approve("worry-time", "Sam Patel", today()).unwrap();
    assert!(ws.publish("1.0.1", dev_key(), now).is_err(), "not newer");
    ws.publish("1.0.2", dev_key(), now).unwrap();

    // A school installs the published pack, signed by a trusted key.
    let library = Library::create(&dir.path().join("library")).unwrap();
    library
        .install(
            &publish.join("mini-1.0.2.gatipack"),
            today(),
            Consent::default(),
            &mut |_| {},
        )
        .unwrap();
    let found = library
        .catalogue()
        .unwrap()
        .search(&gati_core::search::SearchRequest {
            query: "trusted adult worries".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(found.hits[0].entry.summary, form.summary);
}

#[test]
fn an_attachment_is_copied_beside_its_entry_and_never_replaces_another() {
    let (dir, root, publish) = mini_copy();
    let mut ws = open(&root, &publish);
    let sheet = dir.path().join("calm-plan.txt");
    fs::write(&sheet, "A calm plan.\n").unwrap();
    let path = ws.add_attachment(&file_of("worry-time"), &sheet).unwrap();
    assert_eq!(path, "files/calm-plan.txt");
    assert_eq!(
        fs::read_to_string(root.join("entries/files/calm-plan.txt")).unwrap(),
        "A calm plan.\n"
    );
    // The same file again is fine; other bytes under the same name are refused.
    assert_eq!(
        ws.add_attachment(&file_of("worry-time"), &sheet).unwrap(),
        path
    );
    fs::write(&sheet, "Another plan.\n").unwrap();
    assert!(ws.add_attachment(&file_of("worry-time"), &sheet).is_err());
    let program = dir.path().join("run.exe");
    fs::write(&program, "MZ").unwrap();
    assert!(ws.add_attachment(&file_of("worry-time"), &program).is_err());

    let draft = ws.draft(&file_of("worry-time")).unwrap();
    let mut form = draft.form.clone();
    form.attachments.push(path);
    ws.save(&draft.file, &draft.base, &form, today()).unwrap();
    assert_eq!(ws.summary().errors, 0, "{}", ws.sources().report);
    // Files outside `entries/` are refused by name, even when they exist and read as entries.
    let entry_text = fs::read_to_string(root.join(file_of("worry-time"))).unwrap();
    fs::write(dir.path().join("pack.toml"), &entry_text).unwrap();
    fs::write(dir.path().join("escape.md"), &entry_text).unwrap();
    for outside in ["../pack.toml", "entries/../../escape.md"] {
        let refused = ws.draft(outside).unwrap_err().to_string();
        assert!(
            refused.contains("is not an entry file"),
            "{outside}: {refused}"
        );
    }
}

#[test]
fn a_publish_that_fails_leaves_the_folder_as_it_was() {
    let (dir, root, _) = mini_copy();
    // The publish "folder" is a file, so the pack cannot be written there.
    let blocked = dir.path().join("not-a-folder");
    fs::write(&blocked, "").unwrap();
    let mut ws = Workspace::open(&root, Some(&blocked), today()).unwrap();
    let pack_toml = fs::read_to_string(root.join("pack.toml")).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();
    assert!(ws.publish("1.0.1", dev_key(), now).is_err());
    assert_eq!(
        fs::read_to_string(root.join("pack.toml")).unwrap(),
        pack_toml
    );
    assert_eq!(ws.summary().version.as_deref(), Some("1.0.0"));
}

#[test]
fn any_change_asks_for_approval_again_and_a_wrong_id_is_put_right_in_place() {
    let (_dir, root, publish) = mini_copy();
    let mut ws = open(&root, &publish);
    ws.approve("worry-time", "Sam Patel", today()).unwrap();
    let draft = ws.draft(&file_of("worry-time")).unwrap();
    let mut form = draft.form.clone();
    form.body.push_str("\nOne more line.\n");
    form.approved_by = "Someone else".into();
    ws.save(&draft.file, &draft.base, &form, today()).unwrap();
    let saved = ws.draft(&file_of("worry-time")).unwrap().form;
    assert!(saved.approved_by.is_empty() && saved.approved_on.is_empty());

    // A file whose id does not match its name keeps its name when the id is corrected.
    let path = root.join(file_of("ear-defenders"));
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("id = \"ear-defenders\"", "id = \"ear-defendrs\"");
    fs::write(&path, text).unwrap();
    ws.refresh(today()).unwrap();
    let draft = ws.draft(&file_of("ear-defenders")).unwrap();
    let mut form = draft.form.clone();
    form.id = "ear-defenders".into();
    assert_eq!(
        ws.save(&draft.file, &draft.base, &form, today()).unwrap(),
        file_of("ear-defenders")
    );
    assert!(path.exists());
    assert_eq!(ws.summary().errors, 0, "{}", ws.sources().report);

    // An id another entry has is refused.
    let draft = ws.draft(&file_of("ear-defenders")).unwrap();
    let mut form = draft.form.clone();
    form.id = "worry-time".into();
    assert!(ws.save(&draft.file, &draft.base, &form, today()).is_err());
}
