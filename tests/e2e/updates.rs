//! A school keeps its pack up to date: a publisher's folder served on 127.0.0.1 holds a newer,
//! signed edition; the app finds it at start, downloads it with progress, shows what's new, finds
//! the changed entry by search, and goes back, with the shortlist kept throughout.

use std::fs;
use std::path::Path;

use chrono::{TimeZone, Utc};
use gati_core::library::{Consent, Library};
use gati_core::signing::SecretKey;

use crate::harness::{App, copy_dir, repo_root};
use crate::http::{Behaviour, Server};

/// A word no entry of the pack uses, put into one entry by the newer edition.
const NEW_WORD: &str = "lighthouse";
const CHANGED: &str = "worry-time";
/// An entry the newer edition leaves out, which the school has on its shortlist.
const DROPPED: &str = "sensory-impairment-staff-briefing";

/// Builds the real content as edition `version`, updating from `from`, signed with the
/// development key. The newer edition adds a sentence to one entry.
fn edition(dir: &Path, version: &str, from: Option<&str>, key: &SecretKey) -> std::path::PathBuf {
    let sources = dir.join(format!("content-{version}"));
    copy_dir(&repo_root().join("content"), &sources);
    let toml = sources.join("pack.toml");
    let text = fs::read_to_string(&toml).unwrap();
    let text = text.replace(
        "version = \"2026.11.0\"",
        &format!("version = \"{version}\""),
    );
    let from = from.map_or(String::new(), |f| format!("update_from = \"{f}\"\n"));
    fs::write(&toml, format!("{text}{from}")).unwrap();
    if version == "2026.12.0" {
        let entry = find_entry(&sources.join("entries"), CHANGED).expect("the entry to change");
        let body = fs::read_to_string(&entry).unwrap();
        fs::write(
            &entry,
            format!("{body}\nSome schools call the worry box a {NEW_WORD}: a safe place to leave a worry.\n"),
        )
        .unwrap();
        let dropped = find_entry(&sources.join("entries"), DROPPED).expect("the entry to drop");
        fs::remove_file(dropped).unwrap();
    }
    let loaded = gati_core::source::load(&sources, today()).unwrap();
    assert!(!loaded.report.has_errors(), "{}", loaded.report);
    let pack = dir.join(format!("gati-{version}.gatipack"));
    let created = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    gati_core::pack::build(&loaded, &pack, created, Some(key)).unwrap();
    pack
}

fn dev_key() -> SecretKey {
    SecretKey::open(
        &repo_root().join("tests/keys/gati-dev.key"),
        "gati-dev".into(),
    )
    .unwrap()
}

/// The file under `dir` of the entry with `id`.
fn find_entry(dir: &Path, id: &str) -> Option<std::path::PathBuf> {
    for item in fs::read_dir(dir).unwrap() {
        let path = item.unwrap().path();
        if path.is_dir() {
            if let Some(found) = find_entry(&path, id) {
                return Some(found);
            }
        } else if fs::read_to_string(&path)
            .unwrap()
            .contains(&format!("id = \"{id}\""))
        {
            return Some(path);
        }
    }
    None
}

/// The app's own "today": the machine's date, as the shell uses for install checks.
fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a display and tauri-driver: run by scripts/test.sh under xvfb-run"]
async fn a_school_updates_sees_whats_new_and_goes_back() {
    let work = tempfile::tempdir().unwrap();
    let channel = work.path().join("channel");
    fs::create_dir_all(&channel).unwrap();
    let server = Server::start(channel.clone(), Behaviour::Serve);
    let key = dev_key();
    let current = edition(work.path(), "2026.11.0", Some(&server.base), &key);
    let newer = edition(work.path(), "2026.12.0", Some(&server.base), &key);
    gati_core::update::publish(&newer, &channel, today()).unwrap();

    // The school has 2026.11.0, which names the publisher's folder, and two shortlisted entries.
    let library = work.path().join("library");
    let lib = Library::create(&library).unwrap();
    lib.install(&current, today(), Consent::default(), &mut |_| {})
        .unwrap();
    let user = lib.user_db().unwrap();
    user.shortlist_add("precision-teaching", "2026-11-25")
        .unwrap();
    user.shortlist_add(DROPPED, "2026-11-25").unwrap();
    // The list has been shown once, so it knows its entries' titles.
    gati_core::views::shortlist::shortlist(&lib.catalogue().unwrap(), &user).unwrap();
    drop(user);

    // At start the app looks (on by default, as the pack names a location) and says so quietly.
    let app = App::start(&library).await;
    app.wait_for("#update-available").await;
    assert!(
        app.text("#update-available")
            .await
            .contains("Pack 2026.12.0")
    );
    app.screenshot("update-available").await;
    app.assert_accessible("search with an update available")
        .await;

    app.click("#update-available a").await;
    app.wait_for("#install-update").await;
    assert!(
        app.text("#pack-headline")
            .await
            .contains("pack 2026.11.0 of 25 November 2026")
    );
    app.click("#install-update").await;
    app.wait_for("#install-progress").await;
    app.until(
        "the update installed",
        "document.getElementById('install-result')?.textContent.includes('Updated to pack 2026.12.0')",
    )
    .await;
    assert!(app.text("#pack-headline").await.contains("pack 2026.12.0"));
    assert!(app.text("nav a[href='#/shortlist']").await.contains("(2)"));
    app.screenshot("update-installed").await;
    app.assert_accessible("settings after an update").await;

    // What's new names the changed entry and what changed in it.
    app.click("#see-whats-new").await;
    app.wait_for("#whats-new").await;
    let whats_new = app.text("#whats-new").await;
    assert!(
        whats_new.contains("What's new in pack 2026.12.0"),
        "{whats_new}"
    );
    assert!(
        whats_new.contains("Worry time") && whats_new.contains(": text"),
        "{whats_new}"
    );
    assert!(whats_new.contains("1 removed"), "{whats_new}");
    app.screenshot("whats-new").await;
    app.assert_accessible("what's new").await;

    // Search finds the changed entry by its new words.
    app.js(&format!(
        "const b = document.getElementById('search-box'); b.value = '{NEW_WORD}'; b.dispatchEvent(new Event('input', {{bubbles: true}}));"
    ))
    .await;
    app.until(
        "the changed entry found",
        &format!("document.querySelector('.results')?.dataset.shownQuery === '{NEW_WORD}'"),
    )
    .await;
    assert_eq!(
        app.result_ids().await.first().map(String::as_str),
        Some(CHANGED)
    );

    // The shortlisted entry the new edition left out is still listed, by its title, marked.
    app.go("#/shortlist").await;
    app.wait_for(".shortlist-item.gone").await;
    let gone = app.text(".shortlist-item.gone").await;
    assert!(
        gone.contains("Deaf awareness") && gone.contains("No longer in the pack"),
        "{gone}"
    );
    app.screenshot("shortlist-entry-gone").await;
    app.assert_accessible("shortlist with an entry no longer in the pack")
        .await;

    // Going back asks first, then returns to 2026.11.0; the shortlist is still there.
    app.go("#/settings").await;
    app.wait_for("#go-back").await;
    app.click("#go-back").await;
    app.wait_for("#confirm-go-back").await;
    app.click("#confirm-go-back").await;
    app.until(
        "the old pack back",
        "document.getElementById('install-result')?.textContent.includes('Went back to pack 2026.11.0')",
    )
    .await;
    assert!(app.text("#pack-headline").await.contains("pack 2026.11.0"));
    assert!(app.text("nav a[href='#/shortlist']").await.contains("(2)"));
    app.go(&format!("#/search?q={NEW_WORD}")).await;
    app.until(
        "the search answered by the old pack",
        &format!("document.querySelector('.results')?.dataset.shownQuery === '{NEW_WORD}'"),
    )
    .await;
    assert!(!app.result_ids().await.contains(&CHANGED.to_string()));
    app.stop().await;
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a display and tauri-driver: run by scripts/test.sh under xvfb-run"]
async fn a_newer_app_installs_its_newer_pack_over_an_older_edition() {
    let work = tempfile::tempdir().unwrap();
    let older = edition(work.path(), "2026.10.0", None, &dev_key());
    let library = work.path().join("library");
    Library::create(&library)
        .unwrap()
        .install(&older, today(), Consent::default(), &mut |_| {})
        .unwrap();
    let app = App::start(&library).await;
    app.go("#/settings").await;
    app.wait_for("#pack-headline").await;
    let headline = app.text("#pack-headline").await;
    assert!(headline.contains("pack 2026.11.0"), "{headline}");
    // It came as an update, so the older edition is kept to go back to.
    app.wait_for("#go-back").await;
    assert!(app.text("#go-back").await.contains("2026.10.0"));

    // A school that goes back stays back: the next start does not bring the bundled pack again.
    app.click("#go-back").await;
    app.wait_for("#confirm-go-back").await;
    app.click("#confirm-go-back").await;
    app.until(
        "the older edition back",
        "document.getElementById('install-result')?.textContent.includes('Went back to pack 2026.10.0')",
    )
    .await;
    app.stop().await;
    let app = App::start(&library).await;
    app.go("#/settings").await;
    app.wait_for("#pack-headline").await;
    let headline = app.text("#pack-headline").await;
    assert!(headline.contains("pack 2026.10.0"), "{headline}");
    app.stop().await;
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a display and tauri-driver: run by scripts/test.sh under xvfb-run"]
async fn another_publishers_pack_installs_only_when_the_person_says_so() {
    let work = tempfile::tempdir().unwrap();
    let app = App::start(&work.path().join("library")).await;
    // The person picks another area's pack (the test folder stands in for the open dialog).
    let loaded =
        gati_core::source::load(&repo_root().join("tests/fixtures/mini"), today()).unwrap();
    let created = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    let other = app.dialogs.join("other-area.gatipack");
    gati_core::pack::build(&loaded, &other, created, Some(&dev_key())).unwrap();

    app.go("#/settings").await;
    app.click("#choose-pack").await;
    app.wait_for("#install-anyway").await;
    let refusal = app.text("#install-result").await;
    assert!(
        refusal.contains("`mini`") && refusal.contains("switching publisher"),
        "{refusal}"
    );
    assert!(app.text("#pack-headline").await.contains("pack 2026.11.0"));
    app.assert_accessible("settings after a refused pack").await;

    app.click("#install-anyway").await;
    app.until(
        "the other publisher's pack installed",
        "document.getElementById('install-result')?.textContent.includes('Installed Mini fixture pack')",
    )
    .await;
    assert!(app.text("#pack-headline").await.contains("pack 1.0.0"));
    app.stop().await;
}
