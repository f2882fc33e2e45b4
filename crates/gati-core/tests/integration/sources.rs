//! Pack sources: every rule of the loader, each reported with file, line and field, all at once.

use std::fs;
use std::path::Path;

use crate::support::{copy_dir, mini_sources, today};
use gati_core::diagnostics::{Diagnostic, Severity};
use gati_core::source;

/// A copy of the mini fixture that a test may break.
fn broken_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&mini_sources(), dir.path());
    dir
}

fn edit(root: &Path, entry: &str, from: &str, to: &str) {
    let path = root.join("entries").join(format!("{entry}.md"));
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{entry} has no {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn diagnostics(root: &Path) -> Vec<Diagnostic> {
    source::load(root, today()).unwrap().report.diagnostics
}

/// Finds the one diagnostic about `file` (by name) and `field`.
fn find<'a>(ds: &'a [Diagnostic], file: &str, field: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = ds
        .iter()
        .filter(|d| d.location.file.ends_with(file) && d.location.field.as_deref() == Some(field))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one problem in {file} `{field}`, got {ds:#?}"
    );
    found[0]
}

#[test]
fn the_fixture_is_clean() {
    let ds = diagnostics(&mini_sources());
    assert!(ds.is_empty(), "{ds:#?}");
}

#[test]
fn reports_every_problem_at_once_with_file_line_and_field() {
    let dir = broken_copy();
    let root = dir.path();
    edit(
        root,
        "worry-time",
        "needs = [\"anxiety\"]",
        "needs = [\"anxiety\", \"worrying\"]",
    );
    edit(
        root,
        "movement-breaks",
        "levels = [\"universal\"]",
        "levels = [\"sometimes\"]",
    );
    edit(
        root,
        "worry-time",
        "related = [\"school-attendance-for-parents\"]",
        "related = [\"no-such-entry\"]",
    );
    edit(
        root,
        "ear-defenders",
        "last_reviewed = 2026-11-01",
        "last_reviewed = \"2026-02-30\"",
    );
    edit(
        root,
        "zones-of-regulation",
        "Four coloured zones",
        "Four <b>coloured</b> zones",
    );
    edit(
        root,
        "dyslexia-screening",
        "files/reading-checklist.html",
        "../../../../etc/passwd.html",
    );
    edit(root, "salt-while-you-wait", "owner = \"GATI tests\"\n", "");

    let ds = diagnostics(root);
    let errors = ds.iter().filter(|d| d.severity == Severity::Error).count();
    assert_eq!(errors, 7, "{ds:#?}");

    let d = find(&ds, "worry-time.md", "needs");
    assert_eq!(d.location.line, Some(6));
    assert!(
        d.message.contains("unknown need code `worrying`"),
        "{}",
        d.message
    );

    let d = find(&ds, "movement-breaks.md", "levels");
    assert_eq!(d.location.line, Some(7));
    assert!(d.message.contains("unknown level code `sometimes`"));

    let d = find(&ds, "worry-time.md", "related");
    assert!(d.message.contains("no entry has the id `no-such-entry`"));
    assert_eq!(d.location.line, Some(11));

    let d = find(&ds, "ear-defenders.md", "last_reviewed");
    assert!(d.message.contains("not a valid date"), "{}", d.message);

    let d = find(&ds, "zones-of-regulation.md", "body");
    assert!(d.message.contains("raw HTML"));
    assert_eq!(
        d.location.line,
        Some(17),
        "the line in the file, not in the body"
    );

    let d = find(&ds, "dyslexia-screening.md", "attachments");
    assert!(d.message.contains("without `..`"), "{}", d.message);

    let d = find(&ds, "salt-while-you-wait.md", "owner");
    assert!(d.message.contains("`owner` is missing"), "{}", d.message);
}

#[test]
fn duplicate_ids_name_both_files() {
    let dir = broken_copy();
    let root = dir.path();
    fs::create_dir_all(root.join("entries/more")).unwrap();
    fs::copy(
        root.join("entries/worry-time.md"),
        root.join("entries/more/worry-time.md"),
    )
    .unwrap();
    let ds = diagnostics(root);
    let dup = ds
        .iter()
        .find(|d| d.message.contains("already used"))
        .expect("a duplicate is reported");
    assert!(dup.message.contains("worry-time.md:2"), "{}", dup.message);
}

#[test]
fn summaries_are_limited_and_file_names_follow_ids() {
    let dir = broken_copy();
    let root = dir.path();
    let long = "word ".repeat(70);
    edit(
        root,
        "worry-time",
        "summary = \"A short daily slot",
        &format!("summary = \"{long}A short daily slot"),
    );
    edit(
        root,
        "movement-breaks",
        "id = \"movement-breaks\"",
        "id = \"movement\"",
    );
    let ds = diagnostics(root);
    assert!(
        find(&ds, "worry-time.md", "summary")
            .message
            .contains("at most 300")
    );
    assert!(
        find(&ds, "movement-breaks.md", "id")
            .message
            .contains("name the file after the id")
    );
}

#[test]
fn attachments_must_exist_and_stay_small() {
    let dir = broken_copy();
    let root = dir.path();
    edit(
        root,
        "dyslexia-screening",
        "files/reading-checklist.html",
        "files/missing.pdf",
    );
    edit(
        root,
        "worry-time",
        "tags",
        "attachments = [\"files/huge.pdf\"]\ntags",
    );
    let huge = fs::File::create(root.join("entries/files/huge.pdf")).unwrap();
    huge.set_len(11 * 1024 * 1024).unwrap();
    let ds = diagnostics(root);
    assert!(
        find(&ds, "dyslexia-screening.md", "attachments")
            .message
            .contains("cannot be opened")
    );
    assert!(
        find(&ds, "worry-time.md", "attachments")
            .message
            .contains("at most")
    );
}

#[test]
fn attachments_hold_their_type_and_html_is_inert() {
    let dir = broken_copy();
    let root = dir.path();
    let checklist = root.join("entries/files/reading-checklist.html");
    let html = fs::read_to_string(&checklist).unwrap();
    fs::write(
        &checklist,
        html.replacen(
            "</body>",
            "<script src=\"https://x.example/t.js\"></script></body>",
            1,
        ),
    )
    .unwrap();
    fs::write(root.join("entries/files/fake.pdf"), b"MZ not a pdf").unwrap();
    edit(
        root,
        "worry-time",
        "tags",
        "attachments = [\"files/fake.pdf\"]\ntags",
    );
    let ds = diagnostics(root);
    let html = &find(&ds, "dyslexia-screening.md", "attachments").message;
    assert!(
        html.contains("could run or load") && html.contains("`<script>`"),
        "{html}"
    );
    let pdf = &find(&ds, "worry-time.md", "attachments").message;
    assert!(pdf.contains("does not hold the application/pdf"), "{pdf}");
}

#[cfg(unix)]
#[test]
fn attachments_cannot_escape_through_links() {
    let dir = broken_copy();
    let root = dir.path();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.txt"), "secret").unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        root.join("entries/files/secret.txt"),
    )
    .unwrap();
    edit(
        root,
        "dyslexia-screening",
        "files/reading-checklist.html",
        "files/secret.txt",
    );
    let ds = diagnostics(root);
    assert!(
        find(&ds, "dyslexia-screening.md", "attachments")
            .message
            .contains("outside the pack's folder")
    );
}

#[test]
fn warnings_never_block() {
    let dir = broken_copy();
    let root = dir.path();
    edit(
        root,
        "worry-time",
        "review_by = \"12 months\"",
        "review_by = 2026-11-20",
    );
    edit(
        root,
        "movement-breaks",
        "phases = [\"early-years\", \"primary\"]\n",
        "",
    );
    let sources = source::load(root, today()).unwrap();
    assert!(!sources.report.has_errors(), "{}", sources.report);
    let warnings: Vec<_> = sources.report.warnings().collect();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(
        find(&sources.report.diagnostics, "worry-time.md", "review_by")
            .message
            .contains("overdue")
    );
    assert!(
        find(&sources.report.diagnostics, "movement-breaks.md", "phases")
            .message
            .contains("no phase")
    );
}

#[test]
fn unknown_fields_and_broken_toml_point_at_their_line() {
    let dir = broken_copy();
    let root = dir.path();
    edit(root, "worry-time", "tags =", "tagz =");
    edit(
        root,
        "movement-breaks",
        "title = \"Movement breaks on the carpet\"",
        "title = \"Movement breaks",
    );
    let ds = diagnostics(root);
    let tagz = ds
        .iter()
        .find(|d| d.location.file.ends_with("worry-time.md"))
        .unwrap();
    assert!(
        tagz.message
            .contains("`tagz` is not a field here. Did you mean `tags`?"),
        "{}",
        tagz.message
    );
    assert_eq!(tagz.location.line, Some(10));
    assert_eq!(tagz.location.field.as_deref(), Some("tagz"));
    let title = ds
        .iter()
        .find(|d| d.location.file.ends_with("movement-breaks.md"))
        .unwrap();
    assert_eq!(title.location.line, Some(4), "{title:?}");
}

#[test]
fn a_taxonomy_cannot_drop_a_content_model_code() {
    let dir = broken_copy();
    let root = dir.path();
    let path = root.join("taxonomy.toml");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("code = \"stammering\"", "code = \"stutter\"");
    fs::write(&path, text).unwrap();
    let ds = diagnostics(root);
    assert!(
        ds.iter().any(|d| d.location.file.ends_with("taxonomy.toml")
            && d.message.contains("`stammering` is missing")),
        "{ds:#?}"
    );
}

#[test]
fn a_replaced_id_is_gone_and_has_one_successor() {
    let dir = broken_copy();
    let root = dir.path();
    let replaces = |ids: &str| format!("replaces = [{ids}]\nlast_reviewed = 2026-11-01");
    edit(
        root,
        "zones-of-regulation",
        "last_reviewed = 2026-11-01",
        &replaces("\"old-feelings-page\""),
    );
    edit(
        root,
        "visual-timetables",
        "last_reviewed = 2026-11-01",
        &replaces("\"movement-breaks\", \"old-feelings-page\""),
    );
    edit(
        root,
        "ear-defenders",
        "last_reviewed = 2026-11-01",
        "related = [\"old-feelings-page\"]\nlast_reviewed = 2026-11-01",
    );
    // Entries are read in file order: visual timetables claims the old page first.
    let ds = diagnostics(root);
    assert_eq!(ds.len(), 3, "{ds:#?}");
    let d = find(&ds, "visual-timetables.md", "replaces");
    assert!(
        d.message
            .contains("`movement-breaks` is replaced, so it cannot also be an entry"),
        "{}",
        d.message
    );
    let d = find(&ds, "zones-of-regulation.md", "replaces");
    assert!(
        d.message
            .contains("`old-feelings-page` is already replaced by `visual-timetables`"),
        "{}",
        d.message
    );
    let d = find(&ds, "ear-defenders.md", "related");
    assert!(
        d.message.contains("`visual-timetables` replaces it"),
        "{}",
        d.message
    );
}

#[test]
fn a_service_no_one_can_reach_is_a_warning_until_it_says_how() {
    let dir = broken_copy();
    let root = dir.path();
    let contact = "[[service.contacts]]\ntype = \"phone\"\nvalue = \"01752 668000\"\nlabel = \"Council switchboard\"\n";
    edit(root, "duty-line", contact, "");
    let ds = diagnostics(root);
    let d = find(&ds, "duty-line.md", "service");
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.message.contains("cannot reach"), "{}", d.message);

    edit(
        root,
        "duty-line",
        "area_served = \"Plymouth\"\n",
        "area_served = \"Plymouth\"\nhow_to_reach = \"Ask your child's school to contact the team.\"\n",
    );
    assert!(diagnostics(root).is_empty());
}
