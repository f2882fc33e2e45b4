//! Support plans in a real library: the cycle, the list, documents, JSON export and import
//! (bad files refused whole), migrations and a damaged user.db, and pack installs that never
//! touch plans.

use std::fs;
use std::io::Read;

use chrono::NaiveDate;
use gati_core::library::{Consent, Library};
use gati_core::plans::{self, Decision, Outcome, PlanDocument, PlanFilter, Review, ViewOf};

use crate::support::{installed_mini, today};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A plan with two outcomes and three strategies from the mini pack, due for review on `due`.
fn written_plan(library: &Library, pupil: &str, due: NaiveDate) -> plans::Plan {
    let mut user = library.user_db().unwrap();
    let catalogue = library.catalogue().unwrap();
    let plan = plans::create(&mut user, pupil, today()).unwrap();
    for id in ["movement-breaks", "visual-timetables", "worry-time"] {
        plans::add_entry(&mut user, &catalogue, &plan.id, id, today()).unwrap();
    }
    let mut plan = user.plan(&plan.id).unwrap();
    plan.year_group = "Year 3".into();
    plan.phase = "primary".into();
    plan.level = "targeted".into();
    plan.needs = vec!["attention-adhd".into()];
    plan.profile.admire = "Kind to younger children.".into();
    plan.views.push(plans::View {
        who: ViewOf::Parent,
        date: Some(today()),
        text: "Mornings are hard.".into(),
    });
    let cycle = plan.cycles.last_mut().unwrap();
    cycle.review_due = Some(due);
    cycle.outcomes = vec![
        Outcome {
            text: "Sits on the carpet for ten minutes".into(),
            by: Some(due),
            measure: "Three sessions in a row, noted by the TA".into(),
        },
        Outcome {
            text: "Asks for a movement break with a card".into(),
            by: Some(due),
            measure: String::new(),
        },
    ];
    cycle.provision[0].who = "Class TA".into();
    cycle.provision[0].how_often = "Twice a day".into();
    plans::save(&mut user, &mut plan, Some(catalogue.taxonomy())).unwrap();
    plan
}

#[test]
fn a_plan_goes_round_the_cycle_and_keeps_every_past_cycle() {
    let installed = installed_mini();
    let plan = written_plan(&installed.library, "A.B.", day(2027, 1, 20));
    let mut user = installed.library.user_db().unwrap();
    let titles: Vec<&str> = plan.cycles[0]
        .provision
        .iter()
        .map(|p| p.title.as_str())
        .collect();
    assert_eq!(titles.len(), 3);
    assert_eq!(
        plan.cycles[0].provision[0].entry_id.as_deref(),
        Some("movement-breaks")
    );

    let reviewed = plans::review(
        &mut user,
        &plan.id,
        Review {
            date: Some(day(2027, 1, 20)),
            progress: vec!["Achieved".into(), "Partly".into()],
            worked: "Movement breaks before carpet time".into(),
            changes: "Add a wobble cushion".into(),
            decision: Decision::StepUp,
        },
        None,
    )
    .unwrap();
    assert_eq!(reviewed.cycles.len(), 2);
    assert_eq!(reviewed.level, "specialist");
    assert_eq!(
        reviewed.cycles[0].review.as_ref().unwrap().worked,
        "Movement breaks before carpet time"
    );
    assert_eq!(
        reviewed.cycles[1].outcomes, plan.cycles[0].outcomes,
        "carried over for editing"
    );
    assert_eq!(reviewed.cycles[1].provision.len(), 3);
    assert!(reviewed.cycles[1].review.is_none());
    // Reopening finds everything kept.
    drop(user);
    let user = installed.library.user_db().unwrap();
    assert_eq!(user.plan(&plan.id).unwrap().cycles, reviewed.cycles);
}

#[test]
fn the_list_puts_overdue_reviews_first_and_filters() {
    let installed = installed_mini();
    written_plan(&installed.library, "Later", day(2027, 6, 1));
    written_plan(&installed.library, "Overdue", day(2026, 10, 1));
    written_plan(&installed.library, "This week", today().succ_opt().unwrap());
    let user = installed.library.user_db().unwrap();
    let all = plans::list(&user, &PlanFilter::default(), today()).unwrap();
    let names: Vec<&str> = all.iter().map(|r| r.pupil.as_str()).collect();
    assert_eq!(names, ["Overdue", "This week", "Later"]);
    let due = plans::list(
        &user,
        &PlanFilter {
            due: true,
            ..PlanFilter::default()
        },
        today(),
    )
    .unwrap();
    assert_eq!(due.len(), 2);
    let week = plans::due_this_week(&user, today()).unwrap();
    assert_eq!(week.len(), 2);
    let by_name = plans::list(
        &user,
        &PlanFilter {
            query: "WEEK".into(),
            ..PlanFilter::default()
        },
        today(),
    )
    .unwrap();
    assert_eq!(by_name.len(), 1);
    let by_need = plans::list(
        &user,
        &PlanFilter {
            need: Some("autism".into()),
            ..PlanFilter::default()
        },
        today(),
    )
    .unwrap();
    assert!(by_need.is_empty());
}

#[test]
fn documents_hold_the_plan_in_words_for_the_school_and_for_parents() {
    let installed = installed_mini();
    let plan = written_plan(&installed.library, "A.B.", day(2027, 1, 20));
    let catalogue = installed.library.catalogue().unwrap();
    let bytes = plans::plan_docx(&plan, Some(&catalogue), PlanDocument::School, today()).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    for words in [
        "SEN support plan: A.B.",
        "Sits on the carpet for ten minutes",
        "Movement breaks",
        "Twice a day",
        "Kind to younger children.",
    ] {
        assert!(xml.contains(words), "{words}");
    }
    let parents = plans::plan_text(&plan, Some(&catalogue), PlanDocument::Parents, today());
    assert!(parents.contains("A.B.'s support plan"), "{parents}");
    assert!(parents.contains("What school is doing"));
    assert!(
        !parents.contains("Level of support"),
        "no jargon for parents"
    );
}

#[test]
fn plans_move_to_a_new_computer_and_bad_files_add_nothing() {
    let installed = installed_mini();
    let first = written_plan(&installed.library, "A.B.", day(2027, 1, 20));
    written_plan(&installed.library, "C.D.", day(2027, 2, 20));
    let user = installed.library.user_db().unwrap();
    let json = plans::export_json(&user, None).unwrap();
    let one = plans::export_json(&user, Some(std::slice::from_ref(&first.id))).unwrap();

    let other = installed_mini();
    let mut there = other.library.user_db().unwrap();
    let taxonomy = other.library.catalogue().unwrap().taxonomy().clone();
    let done = plans::import_json(&mut there, &json, Some(&taxonomy)).unwrap();
    assert_eq!((done.added, done.replaced, done.kept), (2, 0, 0));
    assert_eq!(there.plan(&first.id).unwrap().cycles, first.cycles);
    let again = plans::import_json(&mut there, &one, Some(&taxonomy)).unwrap();
    assert_eq!((again.added, again.kept), (0, 1));

    let text = String::from_utf8(json.clone()).unwrap();
    let bad_files = [
        ("not json", "{ plans: ".to_string(), "not a plans file"),
        (
            "newer",
            text.replace("\"schema_version\": 1", "\"schema_version\": 9"),
            "newer GATI Desktop",
        ),
        (
            "unknown code",
            text.replace("attention-adhd", "flying"),
            "`flying`, which is not a need code",
        ),
        (
            "control characters",
            text.replace("A.B.", "A.B.\\u001b[2J"),
            "control characters",
        ),
        (
            "empty pupil",
            text.replace("\"pupil\": \"C.D.\"", "\"pupil\": \"\""),
            "`pupil` is empty",
        ),
        (
            "twice",
            text.replace(&written_id(&text, 1), &written_id(&text, 0)),
            "in the file twice",
        ),
        (
            "unknown field",
            text.replace(
                "\"pupil\": \"C.D.\"",
                "\"pupil\": \"C.D.\", \"shoe_size\": 3",
            ),
            "shoe_size",
        ),
    ];
    for (what, file, says) in bad_files {
        let fresh = installed_mini();
        let mut user = fresh.library.user_db().unwrap();
        let result = plans::import_json(&mut user, file.as_bytes(), Some(&taxonomy));
        let refused = result.unwrap_err().to_string();
        assert!(
            refused.starts_with("nothing was imported"),
            "{what}: {refused}"
        );
        assert!(refused.contains(says), "{what}: {refused}");
        assert!(
            user.plan_rows().unwrap().is_empty(),
            "{what}: nothing added"
        );
    }
}

/// The id of the `n`th plan (0-based) in an exported file.
fn written_id(file: &str, n: usize) -> String {
    let value: serde_json::Value = serde_json::from_str(file).unwrap();
    value["plans"][n]["id"].as_str().unwrap().to_string()
}

#[test]
fn a_deleted_plan_can_come_back_until_the_database_is_closed() {
    let installed = installed_mini();
    let plan = written_plan(&installed.library, "A.B.", day(2027, 1, 20));
    let user = installed.library.user_db().unwrap();
    user.set_plan_deleted(&plan.id, true).unwrap();
    assert!(user.plan_rows().unwrap().is_empty());
    user.set_plan_deleted(&plan.id, false).unwrap();
    assert_eq!(user.plan_rows().unwrap().len(), 1);
    user.set_plan_deleted(&plan.id, true).unwrap();
    drop(user);
    let user = installed.library.user_db().unwrap();
    assert!(
        user.plan(&plan.id).is_err(),
        "gone for good at the next start"
    );
}

#[test]
fn installing_a_pack_never_touches_plans() {
    let installed = installed_mini();
    let plan = written_plan(&installed.library, "A.B.", day(2027, 1, 20));
    let before = fs::read(installed.library.root().join("user.db")).ok();
    let newer = installed.dir.path().join("newer.gatipack");
    let sources = installed.dir.path().join("sources");
    crate::support::sources_with(
        &crate::support::mini_sources(),
        &sources,
        &[("version", "1.1.0")],
    );
    crate::support::build_pack(&sources, &newer);
    installed
        .library
        .install(&newer, today(), Consent::default(), &mut |_| {})
        .unwrap();
    assert_eq!(
        fs::read(installed.library.root().join("user.db")).ok(),
        before
    );
    let user = installed.library.user_db().unwrap();
    assert_eq!(user.plan(&plan.id).unwrap().cycles, plan.cycles);
}

#[test]
fn an_older_user_db_is_copied_before_it_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("user.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
             CREATE TABLE shortlist (entry_id TEXT PRIMARY KEY, position INTEGER NOT NULL, added TEXT NOT NULL) WITHOUT ROWID;
             INSERT INTO shortlist VALUES ('worry-time', 0, '2026-11-25');
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let library = Library::create(dir.path()).unwrap();
    let user = library.user_db().unwrap();
    assert_eq!(user.shortlist().unwrap()[0].entry_id, "worry-time");
    let copy = dir.path().join("user.db.before-v1");
    let old = rusqlite::Connection::open(&copy).unwrap();
    let version: u32 = old
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1);
    assert!(user.plan_rows().unwrap().is_empty());
}

#[test]
fn a_damaged_user_db_is_reported_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::create(dir.path()).unwrap();
    let path = dir.path().join("user.db");
    drop(library.user_db().unwrap());
    let mut bytes = fs::read(&path).unwrap();
    bytes[..16].copy_from_slice(b"not a database!!");
    fs::write(&path, &bytes).unwrap();
    let refused = library
        .user_db()
        .err()
        .expect("a damaged database is refused");
    let message = refused.to_string();
    assert!(
        message.contains("damaged") && message.contains("left as it is"),
        "{message}"
    );
    assert_eq!(
        fs::read(&path).unwrap(),
        bytes,
        "the file is kept as it was"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    #[test]
    fn any_bytes_imported_add_nothing_or_whole_plans(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
        let dir = tempfile::tempdir().unwrap();
        let library = Library::create(dir.path()).unwrap();
        let mut user = library.user_db().unwrap();
        if plans::import_json(&mut user, &bytes, None).is_err() {
            proptest::prop_assert!(user.plan_rows().unwrap().is_empty());
        }
    }
}
