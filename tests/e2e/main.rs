//! End-to-end journeys through the real app: the built binary in its WebKitGTK window, driven by
//! tauri-driver and WebKitWebDriver, over a real library that the app fills from its bundled
//! pack on first start. Every screen is checked with axe-core and photographed.
//!
//! They need a display and tauri-driver, so they are ignored by default; `scripts/test.sh` runs
//! them under xvfb-run with `--ignored --test-threads=1`.

mod editing;
mod harness;
// The core's update tests use every way the server can misbehave; the journey only serves.
#[allow(dead_code)]
#[path = "../../crates/gati-core/tests/support/http.rs"]
mod http;
mod plans;
mod updates;

use fantoccini::Locator;
use fantoccini::key::Key;
use harness::{App, repo_root};

fn library() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// How many entries the bundled pack holds, read from its manifest, so that the journeys follow
/// the content as it grows.
fn bundled_entries() -> String {
    let pack = repo_root().join("src-tauri/resources/gati.gatipack");
    let records = gati_core::pack::read_raw_records(&pack).unwrap();
    let manifest: gati_core::pack::Manifest = serde_json::from_slice(&records[0].1).unwrap();
    manifest.entry_count.to_string()
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a display and tauri-driver: run by scripts/test.sh under xvfb-run"]
async fn search_as_you_type_with_a_typo_and_come_back_to_the_same_results() {
    let dir = library();
    let app = App::start(dir.path()).await;

    // `/` focuses the search box from anywhere.
    app.go("#/browse").await;
    app.wait_for("table.grid").await;
    app.client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("/")
        .await
        .unwrap();
    app.until(
        "the search box to have focus",
        "document.activeElement?.id === 'search-box'",
    )
    .await;

    // Typed one key at a time, with a typo; results follow each key.
    let box_ = app.wait_for("#search-box").await;
    for key in "dyslexa".chars() {
        box_.send_keys(&key.to_string()).await.unwrap();
    }
    app.until(
        "results for the typo",
        "[...document.querySelectorAll('[data-result]')].slice(0, 3).some(a => a.getAttribute('href') === '#/entry/dyslexia-friendly-classroom')",
    )
    .await;
    let ids = app.result_ids().await;
    assert!(
        ids.iter()
            .take(3)
            .any(|id| id == "dyslexia-guide-for-families"),
        "{ids:?}"
    );
    assert!(app.text("mark").await.to_lowercase().starts_with("dyslexi"));
    app.until(
        "the live region to announce the count",
        "document.querySelector('[role=status]').textContent.includes('results for dyslexa')",
    )
    .await;
    app.screenshot("search").await;
    app.assert_accessible("search").await;

    // Arrow keys move through the results; Enter opens one; Back returns to the same results.
    box_.send_keys(&Key::Down.to_string()).await.unwrap();
    app.until(
        "the first result to have focus",
        "document.activeElement?.dataset.result !== undefined",
    )
    .await;
    let first = app.result_ids().await[0].clone();
    app.js("document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowDown', bubbles: true}))").await;
    app.until(
        "the second result to have focus",
        "document.activeElement === document.querySelectorAll('[data-result]')[1]",
    )
    .await;
    let second = app.result_ids().await[1].clone();
    app.client
        .active_element()
        .await
        .unwrap()
        .send_keys(&Key::Enter.to_string())
        .await
        .unwrap();
    app.until(
        "the entry to open",
        &format!("location.hash === '#/entry/{second}'"),
    )
    .await;
    app.wait_for("article.entry h1").await;
    app.client.back().await.unwrap();
    app.until(
        "the search to come back",
        "document.getElementById('search-box')?.value === 'dyslexa'",
    )
    .await;
    app.until(
        "its results to come back",
        "document.querySelectorAll('[data-result]').length > 0",
    )
    .await;
    assert_eq!(app.result_ids().await[0], first);
    app.stop().await;
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a display and tauri-driver: run by scripts/test.sh under xvfb-run"]
async fn filters_apply_and_remove_with_live_counts() {
    let dir = library();
    let app = App::start(dir.path()).await;
    app.go("#/search").await;
    app.until(
        "every entry to be listed",
        "document.querySelectorAll('[data-result]').length > 0",
    )
    .await;
    let everything = app.result_count().await;
    assert!(everything >= 250, "{everything}");

    let facet = |label: &str| {
        format!(
            "[...document.querySelectorAll('.filters label')].find(l => l.textContent.trim().startsWith({label:?}))"
        )
    };
    let count_of = |label: &str| {
        format!(
            "Number(({}).querySelector('.facet-count').textContent.replace(/[()]/g, ''))",
            facet(label)
        )
    };
    let targeted: usize = app
        .js(&format!("return {}", count_of("Targeted")))
        .await
        .as_u64()
        .unwrap() as usize;
    assert!(targeted > 0 && targeted < everything);

    app.js(&format!(
        "({}).querySelector('input').click()",
        facet("Targeted")
    ))
    .await;
    app.until(
        "the targeted count",
        &format!("document.querySelector('.result-count').textContent.startsWith('{targeted} ')"),
    )
    .await;
    let secondary: usize = app
        .js(&format!("return {}", count_of("Secondary")))
        .await
        .as_u64()
        .unwrap() as usize;
    app.js(&format!(
        "({}).querySelector('input').click()",
        facet("Secondary")
    ))
    .await;
    app.until(
        "the combined count",
        &format!("document.querySelector('.result-count').textContent.startsWith('{secondary} ')"),
    )
    .await;
    assert!(
        secondary < targeted,
        "secondary and targeted {secondary} < targeted {targeted}"
    );
    assert!(
        location_has(&app, "level=targeted").await && location_has(&app, "phase=secondary").await
    );
    app.screenshot("search-filtered").await;
    app.assert_accessible("search with filters").await;

    // Each active filter is a button that removes it.
    app.click("button[aria-label='Remove filter Level of support: Targeted']")
        .await;
    app.until(
        "the phase-only count",
        "!document.querySelector(\"button[aria-label^='Remove filter Level']\")",
    )
    .await;
    let phase_only = app.result_count().await;
    assert!(
        phase_only > secondary && phase_only < everything,
        "{phase_only}"
    );
    app.click("button[aria-label^='Remove filter Age phase: Secondary']")
        .await;
    app.until(
        "everything again",
        &format!("document.querySelector('.result-count').textContent.startsWith('{everything} ')"),
    )
    .await;

    // No results: the page says so and offers to drop the filters.
    app.js(&format!(
        "({}).querySelector('input').click()",
        facet("Early years")
    ))
    .await;
    let box_ = app.wait_for("#search-box").await;
    box_.send_keys("internship").await.unwrap();
    app.until("the empty state", "document.querySelector('.no-results')")
        .await;
    assert!(app.text(".no-results").await.contains("Remove the filters"));
    app.screenshot("search-no-results").await;
    app.assert_accessible("no results").await;
    app.stop().await;
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a display and tauri-driver: run by scripts/test.sh under xvfb-run"]
async fn a_fast_typist_always_sees_the_results_for_what_is_in_the_box() {
    let dir = library();
    let app = App::start(dir.path()).await;
    app.wait_for("#search-box").await;
    // More keys in a moment than WebKit lets a page rewrite its address (100 in 10 seconds):
    // every key still searches, and the last one's results and address win.
    app.js("const box = document.getElementById('search-box');
         for (const ch of 'help with attention and concentration in class '.repeat(3)) {
           box.value += ch;
           box.dispatchEvent(new Event('input', { bubbles: true }));
         }")
        .await;
    let typed = "help with attention and concentration in class ".repeat(3);
    app.until(
        "the results for everything typed",
        &format!("document.querySelector('.results').dataset.shownQuery === {typed:?}"),
    )
    .await;
    app.until(
        "the address to follow the box",
        "location.hash.includes('concentration')",
    )
    .await;
    // The box keeps answering afterwards.
    app.wait_for("#search-box")
        .await
        .send_keys("x")
        .await
        .unwrap();
    app.until(
        "the results for one more key",
        &format!(
            "document.querySelector('.results').dataset.shownQuery === {:?}",
            typed + "x"
        ),
    )
    .await;
    app.stop().await;
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a display and tauri-driver: run by scripts/test.sh under xvfb-run"]
async fn a_search_says_which_words_it_could_not_match() {
    let dir = library();
    let app = App::start(dir.path()).await;

    // A word the pack does not hold: the page says so above the list, and every card names it.
    app.wait_for("#search-box")
        .await
        .send_keys("timetable mortgage")
        .await
        .unwrap();
    app.until(
        "the notice about the word no entry has",
        "document.querySelector('.partial-notice')?.textContent.includes('No entry mentions “mortgage”')",
    )
    .await;
    app.until(
        "every card to name its missing word",
        "[...document.querySelectorAll('article.card')].every(c => c.querySelector('.missing')?.textContent.trim() === 'Missing: mortgage')",
    )
    .await;
    assert!(
        app.text(".result-count")
            .await
            .starts_with("0 results, and ")
    );

    // Some entries match every word and some only some: the first come first and are counted,
    // the others follow under their own heading, each saying what it misses.
    app.js("const box = document.getElementById('search-box'); box.value = 'talk time drop in'; box.dispatchEvent(new Event('input', { bubbles: true }));").await;
    app.until(
        "the heading over the partial matches",
        "document.querySelector('.partial-heading')?.textContent === 'Entries that match some of your words'",
    )
    .await;
    app.until(
        "full matches first, without a missing line",
        "(() => { const cards = [...document.querySelectorAll('article.card')]; const first = cards.findIndex(c => c.querySelector('.missing')); return first > 0 && cards.slice(first).every(c => c.querySelector('.missing')) && !document.querySelector('.partial-notice'); })()",
    )
    .await;
    let count = app.text(".result-count").await;
    assert!(count.contains("that match some of your words"), "{count}");
    app.screenshot("search-partial").await;
    app.assert_accessible("search with partial matches").await;
    app.stop().await;
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a display and tauri-driver: run by scripts/test.sh under xvfb-run"]
async fn the_keyboard_reaches_search_goes_back_and_lands_on_headings() {
    let dir = library();
    let app = App::start(dir.path()).await;
    // With a filter ticked and its checkbox focused, `/` still reaches the box, and what follows
    // is typed there instead of toggling the filter.
    app.wait_for("#search-box").await;
    app.js("const box = [...document.querySelectorAll('.filters input[type=checkbox]')][0]; box.click(); box.focus();").await;
    app.until(
        "the filter ticked and focused",
        "document.activeElement?.type === 'checkbox' && document.activeElement.checked",
    )
    .await;
    app.client
        .active_element()
        .await
        .unwrap()
        .send_keys("/child cant sit still")
        .await
        .unwrap();
    app.until(
        "the words in the box",
        "document.getElementById('search-box').value === 'child cant sit still'",
    )
    .await;
    assert_eq!(
        app.js("return document.querySelectorAll('.filters input:checked').length")
            .await,
        serde_json::json!(1),
        "the filter stays ticked"
    );
    app.until(
        "the results for all the words",
        "document.querySelector('.results').dataset.shownQuery === 'child cant sit still'",
    )
    .await;

    // Opening an entry puts focus on its heading.
    let first = app.result_ids().await[0].clone();
    app.click("[data-result]").await;
    app.wait_for("article.entry h1").await;
    app.until(
        "focus on the entry's heading",
        "document.activeElement?.matches('article.entry h1')",
    )
    .await;
    // Alt+Left goes back to the same search, with its words and filter.
    app.client
        .active_element()
        .await
        .unwrap()
        .send_keys(&format!("{}{}", Key::Alt, Key::Left))
        .await
        .unwrap();
    app.until(
        "the search again",
        "document.getElementById('search-box')?.value === 'child cant sit still'",
    )
    .await;
    assert_eq!(app.result_ids().await[0], first);

    // The Search tab returns to the last search and puts focus in the box.
    app.go("#/browse").await;
    app.wait_for("table.grid").await;
    app.click("nav li:first-child a").await;
    app.until(
        "the last search with focus in the box",
        "document.activeElement?.id === 'search-box' && document.getElementById('search-box').value === 'child cant sit still'",
    )
    .await;

    // A new search address while a search is open (a link, or Back between two searches) opens
    // that search: its words in the box and its results, and Back returns to the one before.
    app.go("#/search?q=toileting").await;
    app.until(
        "the linked search's words and results",
        "document.getElementById('search-box')?.value === 'toileting' \
         && document.querySelector('.results')?.dataset.shownQuery === 'toileting'",
    )
    .await;
    app.js("history.back()").await;
    app.until(
        "the search before it again",
        "document.getElementById('search-box')?.value === 'child cant sit still' \
         && document.querySelector('.results')?.dataset.shownQuery === 'child cant sit still'",
    )
    .await;
    app.stop().await;
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a display and tauri-driver: run by scripts/test.sh under xvfb-run"]
async fn a_small_window_and_large_text_keep_the_results_near() {
    let dir = library();
    let app = App::start(dir.path()).await;
    app.client.set_window_size(1024, 600).await.unwrap();
    app.wait_for("#search-box")
        .await
        .send_keys("worry")
        .await
        .unwrap();
    app.until(
        "results for the word",
        "document.querySelector('.results').dataset.shownQuery === 'worry'",
    )
    .await;
    // At 1024 pixels the filters stand beside the results, the first family is age phase, and
    // the long families are folded.
    let first_legend = app.text(".filters legend").await;
    assert_eq!(first_legend, "Age phase");
    assert_eq!(
        app.js("return document.querySelectorAll('.filters details:not([open])').length")
            .await,
        serde_json::json!(2)
    );
    app.screenshot("search-1024x600").await;
    app.assert_accessible("search at 1024 by 600").await;

    // At 200 % text the filters fold behind a button above the results, and the header stays
    // small enough to leave the window to the page.
    app.js("document.documentElement.style.setProperty('--text-size', '200%')")
        .await;
    app.until(
        "the filters button",
        "getComputedStyle(document.querySelector('.filters-toggle')).display !== 'none' && getComputedStyle(document.querySelector('.filters')).display === 'none'",
    )
    .await;
    let header = app
        .js("return document.querySelector('.app-header').getBoundingClientRect().height / window.innerHeight")
        .await;
    assert!(
        header.as_f64().unwrap() < 0.35,
        "the header takes {header} of the window"
    );
    app.assert_no_sideways_scroll().await;
    app.click(".filters-toggle").await;
    app.until(
        "the filters shown",
        "getComputedStyle(document.querySelector('.filters')).display !== 'none'",
    )
    .await;
    app.screenshot("search-200-percent").await;
    app.assert_accessible("search at 200 % text").await;
    app.stop().await;
}

/// The words of a Word document's main part, with the XML markup dropped, as a reader sees them
/// run together.
pub(crate) fn docx_text(path: &std::path::Path) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap())
        .expect("the saved document is a zip archive");
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .expect("a Word document has word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&quot;", "\"").replace("&amp;", "&")
}

/// A picture of the saved document's first page for docs/screenshots, drawn by LibreOffice (to
/// PDF) and poppler's pdftoppm when the screenshots are being refreshed and both are installed;
/// the checks above do not need them.
fn render_document(path: &std::path::Path, name: &str) {
    use std::process::Command;
    if std::env::var_os("UPDATE_SCREENSHOTS").is_none() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let pdf = out
        .path()
        .join(path.with_extension("pdf").file_name().unwrap());
    let page = out.path().join("page");
    let drawn = Command::new("soffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(out.path())
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
        && Command::new("pdftoppm")
            .args(["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"])
            .arg(&pdf)
            .arg(&page)
            .status()
            .is_ok_and(|s| s.success());
    if drawn {
        let to = repo_root().join(format!("docs/screenshots/{name}.png"));
        std::fs::copy(page.with_extension("png"), to).unwrap();
    } else {
        eprintln!("LibreOffice or pdftoppm is missing: docs/screenshots/{name}.png not refreshed");
    }
}

async fn location_has(app: &App, part: &str) -> bool {
    app.js("return location.hash")
        .await
        .as_str()
        .unwrap()
        .contains(part)
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a display and tauri-driver: run by scripts/test.sh under xvfb-run"]
async fn a_grid_cell_opens_its_list() {
    let dir = library();
    let app = App::start(dir.path()).await;
    app.click("nav a[href='#/browse']").await;
    app.wait_for("table.grid").await;
    app.screenshot("browse").await;
    app.assert_accessible("browse").await;

    // Narrowed by phase, the SEMH × targeted cell lists exactly its count.
    app.js("const s = document.getElementById('phase'); s.value = 'primary'; s.dispatchEvent(new Event('change'))").await;
    app.until(
        "the primary grid",
        "location.hash === '#/browse?phase=primary'",
    )
    .await;
    let cell = "a.cell[href*='area=semh'][href*='level=targeted']";
    app.until(
        "the cell to follow the phase",
        &format!("document.querySelector(\"{cell}\").href.includes('phase=primary')"),
    )
    .await;
    let n: usize = app.text(cell).await.parse().unwrap();
    assert!(n > 0);
    app.click(cell).await;
    app.until(
        "the list",
        "document.querySelectorAll('[data-result]').length > 0",
    )
    .await;
    assert_eq!(app.result_count().await, n);
    for part in ["area=semh", "level=targeted", "phase=primary"] {
        assert!(location_has(&app, part).await, "{part}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a display and tauri-driver: run by scripts/test.sh under xvfb-run"]
async fn an_entry_and_a_related_entry_and_an_outside_link() {
    let dir = library();
    let app = App::start(dir.path()).await;
    app.go("#/entry/worry-time").await;
    assert!(app.text("article.entry h1").await.starts_with("Worry time"));
    assert!(app.text(".about").await.contains("GATI content team"));
    assert!(
        app.js("return document.querySelector('.body h2') !== null")
            .await
            .as_bool()
            .unwrap()
    );
    app.screenshot("entry").await;
    app.assert_accessible("entry").await;

    app.click(".related a[href='#/entry/anxiety-friendly-classroom']")
        .await;
    app.until(
        "the related entry",
        "location.hash === '#/entry/anxiety-friendly-classroom'",
    )
    .await;
    app.until(
        "its heading",
        "document.querySelector('article.entry h1')?.textContent.toLowerCase().includes('anxi')",
    )
    .await;

    // A service's website is shown before anything leaves the app.
    app.go("#/entry/gati-resource-directory").await;
    app.wait_for(".contacts").await;
    app.click(".contacts a").await;
    app.until(
        "the address dialog",
        "document.querySelector('dialog')?.open",
    )
    .await;
    assert!(
        app.text("dialog .address")
            .await
            .contains("plymouthgati.co.uk")
    );
    app.screenshot("outside-link").await;
    app.assert_accessible("outside link dialog").await;
    app.click("dialog button.secondary").await;
    app.until(
        "the dialog to close",
        "!document.querySelector('dialog').open",
    )
    .await;
    app.stop().await;
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a display and tauri-driver: run by scripts/test.sh under xvfb-run"]
async fn the_waiting_well_journey() {
    let dir = library();
    let app = App::start(dir.path()).await;
    app.click("nav a[href='#/waiting']").await;
    assert_eq!(app.text("main h1").await, "What are you waiting for?");
    app.screenshot("waiting").await;
    app.assert_accessible("waiting well").await;

    app.click("a.big-choice[href='#/waiting/autism-assessment']")
        .await;
    app.until(
        "the page for the wait",
        "document.querySelector('main h1')?.textContent.includes('autism')",
    )
    .await;
    app.wait_for("#contact-heading").await;
    let contacts = app
        .js("return document.querySelectorAll('.contact-cards > li').length")
        .await;
    assert!(contacts.as_u64().unwrap() >= 1, "someone to contact now");
    let expect = app
        .js("return document.querySelectorAll('#expect-heading + ul [data-result]').length")
        .await;
    assert!(expect.as_u64().unwrap() >= 1, "something on what to expect");
    app.screenshot("waiting-autism").await;
    app.assert_accessible("waiting for an autism assessment")
        .await;
    app.stop().await;
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a display and tauri-driver: run by scripts/test.sh under xvfb-run"]
async fn the_shortlist_adds_reorders_removes_and_prints() {
    let dir = library();
    let app = App::start(dir.path()).await;
    for id in [
        "worry-time",
        "precision-teaching",
        "visual-timetables-now-and-next",
    ] {
        app.go(&format!("#/entry/{id}")).await;
        app.until("the entry", &format!("location.hash === '#/entry/{id}' && document.querySelector('.entry-actions button')")).await;
        app.click(".entry-actions button[aria-pressed='false']")
            .await;
        app.wait_for(".entry-actions button[aria-pressed='true']")
            .await;
    }
    app.click("nav a[href='#/shortlist']").await;
    app.wait_for("ol.shortlist").await;
    let order = "return [...document.querySelectorAll('.shortlist .card-title a')].map(a => a.getAttribute('href').slice(8))";
    assert_eq!(
        app.js(order).await,
        serde_json::json!([
            "worry-time",
            "precision-teaching",
            "visual-timetables-now-and-next"
        ])
    );

    app.click("#up-visual-timetables-now-and-next").await;
    app.until("the move", "document.querySelector('.shortlist .card-title a').getAttribute('href') === '#/entry/worry-time' && document.querySelectorAll('.shortlist .card-title a')[1].getAttribute('href') === '#/entry/visual-timetables-now-and-next'").await;
    app.click("button[aria-label='Remove from the shortlist: Worry time and a worry box: a whole-class routine for anxious pupils']").await;
    app.until(
        "the removal",
        "document.querySelectorAll('.shortlist > li').length === 2",
    )
    .await;
    assert_eq!(
        app.js(order).await,
        serde_json::json!(["visual-timetables-now-and-next", "precision-teaching"])
    );
    // Keyboard focus stays in the list, on the item that took the removed one's place.
    app.until(
        "focus on the next item",
        "document.activeElement?.id === 'remove-visual-timetables-now-and-next'",
    )
    .await;
    assert!(app.text("nav a[href='#/shortlist']").await.contains("(2)"));
    // An item moved to the end keeps focus, on the button that still works there.
    app.click("#down-visual-timetables-now-and-next").await;
    app.until(
        "focus on the moved item's other button",
        "document.activeElement?.id === 'up-visual-timetables-now-and-next'",
    )
    .await;
    app.click("#up-visual-timetables-now-and-next").await;
    app.until(
        "the list back in order",
        "document.querySelector('.shortlist .card-title a').getAttribute('href') === '#/entry/visual-timetables-now-and-next'",
    )
    .await;

    // Saving asks where (the test folder answers for the dialog) and says where it went, beside
    // the button; the Word document holds each entry's full text.
    app.click("#save-document").await;
    app.until(
        "the saved notice",
        "document.getElementById('save-result').textContent.startsWith('Saved the shortlist to ')",
    )
    .await;
    let saved: Vec<_> = std::fs::read_dir(&app.dialogs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert!(saved[0].to_string_lossy().ends_with(".docx"), "{saved:?}");
    let text = docx_text(&saved[0]);
    for part in [
        "Visual timetables",
        "Precision teaching",
        // From the middle of precision teaching's body, not its summary.
        "Make the probe sheet.",
        "Look at the chart weekly with the SENCO.",
    ] {
        assert!(text.contains(part), "the document lacks {part:?}");
    }
    render_document(&saved[0], "shortlist-document");
    app.screenshot("shortlist").await;
    app.assert_accessible("shortlist").await;

    app.click("a[href='#/shortlist/print']").await;
    app.wait_for(".print-sheet").await;
    let printed = app
        .js("return document.querySelectorAll('.print-list > li').length")
        .await;
    assert_eq!(printed, serde_json::json!(2));
    assert!(app.text(".print-list h2").await.starts_with("1. "));
    app.go("#/shortlist/print-full").await;
    app.until(
        "each entry's full text",
        "document.querySelectorAll('.print-list.full .body').length === 2",
    )
    .await;
    app.screenshot("shortlist-print").await;
    app.assert_accessible("shortlist print view").await;
    app.stop().await;

    // The shortlist is the user's data: it is there after a restart.
    let app = App::start(dir.path()).await;
    app.go("#/shortlist").await;
    app.until(
        "the kept shortlist",
        "document.querySelectorAll('.shortlist > li').length === 2",
    )
    .await;
    app.stop().await;
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a display and tauri-driver: run by scripts/test.sh under xvfb-run"]
async fn reading_comfort_is_kept_after_a_restart() {
    let dir = library();
    let app = App::start(dir.path()).await;
    app.click("nav a[href='#/settings']").await;
    app.wait_for("input[name=theme][value=cream]").await;
    app.click("input[name=theme][value=light]").await;
    // Arrow keys move between radio buttons, and the one they land on shows its focus ring.
    app.client
        .active_element()
        .await
        .unwrap()
        .send_keys(&Key::Right.to_string())
        .await
        .unwrap();
    app.until(
        "the next theme chosen by the arrow key, with a visible focus ring",
        "document.activeElement.matches('input[name=theme][value=cream]') \
         && document.activeElement.checked \
         && getComputedStyle(document.activeElement).outlineStyle === 'solid' \
         && parseFloat(getComputedStyle(document.activeElement).outlineWidth) >= 2",
    )
    .await;
    app.click("input[name=font][value=dyslexic]").await;
    app.js("const r = document.getElementById('text-size'); r.value = '150'; r.dispatchEvent(new Event('input', {bubbles: true})); r.dispatchEvent(new Event('change', {bubbles: true}))").await;
    app.until("the settings to apply", "document.documentElement.dataset.theme === 'cream' && document.documentElement.style.getPropertyValue('--text-size') === '150%'").await;
    assert!(app.text("#pack-facts").await.contains(&bundled_entries()));
    app.screenshot("settings").await;
    app.assert_accessible("settings").await;
    app.stop().await;

    let app = App::start(dir.path()).await;
    app.until(
        "the kept settings",
        "document.documentElement.dataset.theme === 'cream' && document.documentElement.dataset.font === 'dyslexic' && document.documentElement.style.getPropertyValue('--text-size') === '150%'",
    )
    .await;
    // At 150% text the search page still reflows without sideways scrolling.
    app.until(
        "the search page",
        "document.querySelectorAll('[data-result]').length > 0",
    )
    .await;
    app.assert_no_sideways_scroll().await;
    app.screenshot("search-cream-large-text").await;
    app.assert_accessible("search in cream at 150%").await;
    app.stop().await;
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a display and tauri-driver: run by scripts/test.sh under xvfb-run"]
async fn a_broken_pack_is_refused_and_the_old_one_stays() {
    let dir = library();
    let bundled = std::fs::read(repo_root().join("src-tauri/resources/gati.gatipack")).unwrap();
    let app = App::start(&dir.path().join("library")).await;
    // The person picks this file in the open dialog (the test folder stands in for it).
    std::fs::write(
        app.dialogs.join("broken.gatipack"),
        &bundled[..bundled.len() / 2],
    )
    .unwrap();
    app.go("#/settings").await;
    app.click("#choose-pack").await;
    app.until(
        "the refusal",
        "document.querySelector('#install-result[role=alert]')",
    )
    .await;
    let message = app.text("#install-result").await;
    assert!(
        message.contains("not installed") && message.contains("broken.gatipack"),
        "{message}"
    );
    assert!(app.text("#pack-facts").await.contains(&bundled_entries()));
    app.screenshot("settings-bad-pack").await;
    app.assert_accessible("settings after a bad pack").await;

    // The old pack still answers searches.
    app.go("#/search?q=worry").await;
    app.until(
        "results from the old pack",
        "document.querySelectorAll('[data-result]').length > 0",
    )
    .await;
    app.stop().await;
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a display and tauri-driver: run by scripts/test.sh under xvfb-run"]
async fn a_library_that_cannot_be_used_is_a_problem_screen_not_a_crash() {
    let dir = library();
    // A file where the library folder should be: nothing can be created inside it.
    let blocked = dir.path().join("library");
    std::fs::write(&blocked, b"a file, not a folder").unwrap();
    let app = App::start(&blocked).await;
    app.until(
        "the problem screen",
        "document.querySelector('main h1')?.textContent.includes('cannot use its library folder')",
    )
    .await;
    let what = app.text("main [role=alert]").await;
    assert!(what.contains(&blocked.display().to_string()), "{what}");
    let advice = app.text("main").await;
    assert!(advice.contains("GATI_LIBRARY"), "{advice}");
    app.screenshot("problem-library").await;
    app.assert_accessible("the problem screen").await;
    app.stop().await;
}
