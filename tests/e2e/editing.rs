//! A content editor keeps the pack in the app, without a terminal: opens a copy of `content/`,
//! finds an entry, edits its summary and body with the reading grade and preview following, meets
//! a change made to the file outside the app and an unknown code it brought, fixes both, saves,
//! marks an overdue entry reviewed, publishes a signed pack, installs it and finds the new words.

use std::fs;

use fantoccini::key::Key;
use serde_json::json;

use crate::harness::{App, copy_dir, repo_root};

const ENTRY: &str = "stammering-guide-for-families";
const ENTRY_FILE: &str = "entries/communication-interaction/stammering-guide-for-families.md";
/// An entry made overdue in the copy, for the review dashboard.
const OVERDUE_FILE: &str = "entries/communication-interaction/unclear-speech-guide-for-families.md";
const NEW_WORD: &str = "lighthouse";

/// Adds a sentence with the new word to the body, and waits for the preview to show it.
async fn add_new_word_to_body(app: &App) {
    let body = app
        .js("return document.getElementById('f-body').value")
        .await;
    let body = body.as_str().unwrap().to_string();
    app.fill(
        "#f-body",
        &format!("{body}\nSome families call the quiet corner a {NEW_WORD}.\n"),
    )
    .await;
    app.until(
        "the preview to follow",
        &format!("document.querySelector('.preview').textContent.includes('{NEW_WORD}')"),
    )
    .await;
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a display and tauri-driver: run by scripts/test.sh under xvfb-run"]
async fn an_editor_edits_checks_reviews_and_publishes_in_the_app() {
    let work = tempfile::tempdir().unwrap();
    let library = work.path().join("library");
    let dialogs = library.with_extension("dialogs");
    // What the editor chooses in the dialogs: the folder, the publish folder and the key.
    let content = dialogs.join("content");
    copy_dir(&repo_root().join("content"), &content);
    fs::copy(
        repo_root().join("tests/keys/gati-dev.key"),
        dialogs.join("gati-dev.key"),
    )
    .unwrap();
    // The partnership names where suggestions go, so the published pack offers "Suggest a change".
    let pack_toml = content.join("pack.toml");
    let identity = fs::read_to_string(&pack_toml).unwrap();
    fs::write(
        &pack_toml,
        format!("{identity}feedback = \"gati-feedback@example.org\"\n"),
    )
    .unwrap();
    let overdue = content.join(OVERDUE_FILE);
    let text = fs::read_to_string(&overdue).unwrap();
    let reviewed = text
        .lines()
        .find(|l| l.starts_with("review_by"))
        .unwrap()
        .to_string();
    fs::write(&overdue, text.replace(&reviewed, "review_by = 2026-09-01")).unwrap();

    let app = App::start(&library).await;
    assert!(
        app.js("return !document.querySelector(\"nav a[href='#/edit']\")")
            .await
            == json!(true),
        "no Edit section before a folder is chosen"
    );
    app.go("#/settings").await;
    app.click("#choose-pack-folder").await;
    app.wait_for("nav a[href='#/edit']").await;
    app.wait_for(".edit-rows").await;
    app.until(
        "every entry listed",
        "document.querySelectorAll('.edit-rows > li').length > 300",
    )
    .await;

    // Find the entry with the directory's own search.
    app.fill("#edit-search", "stammer families").await;
    app.until(
        "the entry found",
        "document.querySelector('.edit-rows a')?.textContent.includes('My child stammers')",
    )
    .await;
    app.screenshot("edit-list").await;
    app.assert_accessible("the workspace's entry list").await;
    app.click(".edit-rows a").await;
    app.wait_for("#f-summary").await;

    // The reading grade follows the summary; the preview follows the body.
    app.until(
        "a reading grade",
        "document.getElementById('f-summary-count').textContent.includes('Reading grade')",
    )
    .await;
    let easy = app.text("#f-summary-count").await;
    assert!(easy.contains("fine for families"), "{easy}");
    app.fill("#f-summary", "Dysfluency necessitates collaborative, individualised, evidence-informed therapeutic intervention, coordinated systematically between educational establishments and specialist professionals.").await;
    app.until(
        "the grade to rise",
        "document.getElementById('f-summary-count').textContent.includes('aim for 6')",
    )
    .await;
    add_new_word_to_body(&app).await;

    // Meanwhile someone else saves the file with a code the taxonomy does not have.
    let file = content.join(ENTRY_FILE);
    let theirs = fs::read_to_string(&file).unwrap().replace(
        "needs = [\"stammering\"]",
        "needs = [\"stammering\", \"stamering\"]",
    );
    fs::write(&file, &theirs).unwrap();
    app.click(".edit-actions button").await;
    app.wait_for("#conflict-heading").await;
    let conflict = app.text(".conflict").await;
    assert!(conflict.contains("needs"), "{conflict}");
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        theirs,
        "nothing was overwritten"
    );
    app.screenshot("edit-conflict").await;
    app.assert_accessible("a save refused because the file changed")
        .await;
    app.click(".conflict button").await;
    app.until(
        "their version loaded",
        "!document.querySelector('.conflict')",
    )
    .await;

    // Their unknown code shows as an error at the needs.
    app.wait_for("#problems-needs").await;
    let problem = app.text("#problems-needs").await;
    assert!(problem.contains("stamering"), "{problem}");
    app.js("document.getElementById('problems-needs').scrollIntoView({ block: 'center' })")
        .await;
    app.screenshot("edit-form-error").await;
    app.assert_accessible("the entry form with an error").await;
    app.click("button[aria-label='Remove the unknown code stamering']")
        .await;
    app.until(
        "the error gone",
        "!document.getElementById('problems-needs')",
    )
    .await;

    // Now the editor's own change, saved from the keyboard.
    app.fill("#f-summary", "A stammer is when words get stuck or repeat. It is nobody's fault. This guide says how to listen and where to get help.").await;
    add_new_word_to_body(&app).await;
    app.screenshot("edit-preview").await;
    app.wait_for("#f-summary")
        .await
        .send_keys(&format!("{}s{}", Key::Control, Key::Null))
        .await
        .unwrap();
    app.until(
        "saved",
        "document.querySelector('.status')?.textContent === 'Saved.'",
    )
    .await;
    let saved = fs::read_to_string(&file).unwrap();
    assert!(
        saved.contains("summary = \"A stammer is when words get stuck or repeat."),
        "{saved}"
    );
    assert!(saved.contains(NEW_WORD));
    assert!(saved.contains("needs = [\"stammering\"]\n"), "{saved}");
    assert_eq!(
        theirs.lines().count() + 2,
        saved.lines().count(),
        "only the summary changed and two body lines were added"
    );

    // The review dashboard lists the overdue entry; marking it reviewed writes today's date.
    app.click("nav[aria-label='Edit'] a[href='#/edit/review']")
        .await;
    app.wait_for("table").await;
    app.screenshot("edit-reviews").await;
    app.assert_accessible("the review dashboard").await;
    // From the keyboard, as every action of the workspace can be.
    app.wait_for("button.mark-reviewed")
        .await
        .send_keys(&Key::Enter.to_string())
        .await
        .unwrap();
    let today = chrono::Local::now().date_naive();
    app.until(
        "marked",
        "document.querySelector('main').textContent.includes('Next review by')",
    )
    .await;
    assert!(
        fs::read_to_string(&overdue)
            .unwrap()
            .contains(&format!("last_reviewed = {today}\n"))
    );

    // Publish: the changes, the folder, the key, the passphrase.
    app.click("nav[aria-label='Edit'] a[href='#/edit/publish']")
        .await;
    app.wait_for("#publish-version").await;
    let changes = app.text("main").await;
    assert!(
        changes.contains("Nothing has been published to this folder yet"),
        "{changes}"
    );
    let buttons = app
        .js("return [...document.querySelectorAll('main button')].map(b => b.textContent.trim())")
        .await;
    assert!(
        buttons.to_string().contains("Choose the publish folder"),
        "{buttons}"
    );
    app.js("[...document.querySelectorAll('main button')].find(b => b.textContent.includes('Choose the publish folder')).click()").await;
    app.until(
        "the folder shown",
        "document.querySelector('main').textContent.includes('published')",
    )
    .await;
    app.js("[...document.querySelectorAll('main button')].find(b => b.textContent.includes('Choose your signing key')).click()").await;
    app.until(
        "the key shown",
        "document.querySelector('main').textContent.includes('gati-dev.key')",
    )
    .await;
    let version = app
        .js("return document.getElementById('publish-version').value")
        .await;
    let version = version.as_str().unwrap().to_string();
    app.fill("#publish-passphrase", "gati-dev").await;
    app.screenshot("edit-publish").await;
    app.assert_accessible("the publish screen").await;
    app.js("document.querySelector('main form button[type=submit]').click()")
        .await;
    app.until(
        "published",
        &format!("document.querySelector('main').textContent.includes('Published pack {version}')"),
    )
    .await;
    let published = dialogs.join("published");
    assert!(published.join("latest.json").is_file());

    // A school installs the published pack and finds the new words.
    let pack = published.join(format!("gati-plymouth-{version}.gatipack"));
    fs::copy(&pack, dialogs.join("new.gatipack")).unwrap();
    app.go("#/settings").await;
    app.click("#choose-pack").await;
    app.until(
        "the pack installed",
        &format!("document.getElementById('install-result')?.textContent.includes('{version}')"),
    )
    .await;
    app.go(&format!("#/search?q={NEW_WORD}")).await;
    app.until(
        "the entry found",
        &format!(
            "document.querySelector('[data-result]')?.getAttribute('href') === '#/entry/{ENTRY}'"
        ),
    )
    .await;

    // Its page offers to suggest a change, showing the address and subject before anything opens.
    app.go(&format!("#/entry/{ENTRY}")).await;
    app.click(".about button").await;
    app.wait_for("dialog[open]").await;
    let dialog = app.text("dialog[open]").await;
    assert!(dialog.contains("gati-feedback@example.org"), "{dialog}");
    assert!(
        dialog.contains(&format!(
            "Suggested change: My child stammers: a guide for families ({ENTRY})"
        )),
        "{dialog}"
    );
    app.assert_accessible("suggest a change").await;
    app.stop().await;
}
