//! The `gati` command as scripts and people meet it: exit codes, messages and JSON shapes.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn gati(library: &Path) -> Command {
    let mut cmd = Command::cargo_bin("gati").unwrap();
    cmd.env("GATI_LIBRARY", library)
        .env("GATI_KEY_PASSWORD", "gati-dev");
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A library with the mini fixture installed, through the command itself.
fn installed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    build_and_install(
        &repo().join("tests/fixtures/mini"),
        &dir.path().join("library"),
    );
    dir
}

/// The development key's secret half (tests/keys/README.md); `gati()` gives its passphrase.
fn dev_key() -> PathBuf {
    repo().join("tests/keys/gati-dev.key")
}

#[test]
fn validate_exits_1_and_names_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let out = gati(dir.path())
        .arg("validate")
        .arg(repo().join("tests/fixtures/mini"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("10 entry files checked: 0 error(s), 0 warning(s)"));

    let copy = dir.path().join("broken");
    copy_dir(&repo().join("tests/fixtures/mini"), &copy);
    let entry = copy.join("entries/worry-time.md");
    let broken = std::fs::read_to_string(&entry)
        .unwrap()
        .replace("levels = [\"universal\"]", "levels = [\"everyone\"]");
    std::fs::write(&entry, broken).unwrap();
    let out = gati(dir.path())
        .arg("validate")
        .arg(&copy)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("worry-time.md:7: error in `levels`: unknown level code `everyone`"),
        "{stderr}"
    );

    let out = gati(dir.path())
        .args(["pack", "build"])
        .arg(&copy)
        .arg("-o")
        .arg(dir.path().join("x.gatipack"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("the pack was not built"));
    assert!(!dir.path().join("x.gatipack").exists());
}

#[test]
fn an_editors_slips_are_explained_and_every_file_is_counted() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("slips");
    copy_dir(&repo().join("tests/fixtures/mini"), &copy);
    let edit = |entry: &str, from: &str, to: &str| {
        let path = copy.join("entries").join(entry);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{entry} has no {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    edit("duty-line.md", "type = \"phone\"", "type = \"telephone\"");
    edit(
        "worry-time.md",
        "last_reviewed = 2026-11-01",
        "last_reviewed = 05/12/2026",
    );
    edit("ear-defenders.md", "owner = \"GATI tests\"", "owner = GATI");
    let out = gati(dir.path())
        .arg("validate")
        .arg(&copy)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    for expected in [
        "duty-line.md:22: error in `service.contacts.type`: `telephone` is not a value \
         `service.contacts.type` takes; use one of phone, email, website, address, online, for \
         example `type = \"phone\"`",
        "worry-time.md:12: error in `last_reviewed`: `last_reviewed` is a date, written \
         year-month-day without quotes: `last_reviewed = 2026-12-05`",
        "ear-defenders.md:13: error in `owner`: `owner` is text: put it in double quotes, for \
         example `owner = \"GATI\"`",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
    assert!(
        text(&out.stdout).contains("10 entry files checked (3 could not be read: see the errors)"),
        "{}",
        text(&out.stdout)
    );
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for item in std::fs::read_dir(from).unwrap() {
        let path = item.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn an_empty_library_explains_itself() {
    let dir = tempfile::tempdir().unwrap();
    let out = gati(dir.path())
        .args(["search", "anxiety"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("no resource pack is installed") && stderr.contains("gati install"),
        "{stderr}"
    );
}

#[test]
fn search_json_has_the_documented_shape() {
    let dir = installed();
    let library = dir.path().join("library");
    let out = gati(&library)
        .args(["search", "worries", "--audience", "practitioner", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["total"], 1);
    let hit = &json["hits"][0];
    for field in [
        "id",
        "kind",
        "title",
        "summary",
        "needs",
        "areas",
        "levels",
        "steps",
        "phases",
        "audiences",
        "waiting_for",
        "score",
        "snippet",
    ] {
        assert!(hit.get(field).is_some(), "hit has no `{field}`: {hit}");
    }
    assert_eq!(hit["id"], "worry-time");
    assert_eq!(json["facets"]["needs"]["anxiety"], 1);
    for family in [
        "needs",
        "areas",
        "levels",
        "steps",
        "phases",
        "audiences",
        "kinds",
        "waiting_for",
    ] {
        assert!(
            json["facets"].get(family).is_some(),
            "no facet for {family}"
        );
    }
}

#[test]
fn search_prints_for_people_and_refuses_unknown_codes() {
    let dir = installed();
    let library = dir.path().join("library");
    let out = gati(&library)
        .args(["search", "my", "son", "won't", "go", "to", "school"])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("When your child finds it hard to go to school"),
        "{stdout}"
    );

    let out = gati(&library)
        .args(["search", "--need", "worry"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("unknown need code `worry`"));
}

#[test]
fn show_stats_inspect_and_reindex() {
    let dir = installed();
    let library = dir.path().join("library");
    let out = gati(&library)
        .args(["show", "duty-line", "--json"])
        .output()
        .unwrap();
    let entry: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(entry["service"]["contacts"][0]["type"], "phone");

    let out = gati(&library).args(["show", "duty-line"]).output().unwrap();
    assert!(
        text(&out.stdout).contains("phone:       01752 668000 (Council switchboard)"),
        "{}",
        text(&out.stdout)
    );

    let out = gati(&library)
        .args(["show", "nothing-here"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no entry has the id `nothing-here`"));

    let out = gati(&library).arg("stats").output().unwrap();
    assert!(text(&out.stdout).contains("Mini fixture pack 1.0.0 by GATI tests"));

    let out = gati(&library)
        .args(["pack", "inspect"])
        .arg(dir.path().join("library.gatipack"))
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("entries:        10") && stdout.contains("attachments:    1"),
        "{stdout}"
    );

    gati(&library).arg("reindex").assert().success();
    gati(&library)
        .args(["due", "--before", "2030-01-01"])
        .assert()
        .success()
        .stdout(predicates::str::contains("Worry time"));
}

const ESC: char = '\u{1b}';
/// Sets a terminal's title: what a hostile value would write to take over the window.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}";

/// A source folder copied from the mini fixture, to change.
fn mini_copy(dir: &Path, name: &str) -> PathBuf {
    let copy = dir.join(name);
    copy_dir(&repo().join("tests/fixtures/mini"), &copy);
    copy
}

/// Builds the source folder `source`, signed, and installs it into `library`.
fn build_and_install(source: &Path, library: &Path) {
    let pack = library.with_extension("gatipack");
    gati(library)
        .args(["pack", "build"])
        .arg(source)
        .arg("-o")
        .arg(&pack)
        .arg("--sign")
        .arg(dev_key())
        .assert()
        .success();
    gati(library).arg("install").arg(&pack).assert().success();
}

#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    // More results than a pipe holds, so that the command is still writing when the reader goes.
    let dir = tempfile::tempdir().unwrap();
    let source = mini_copy(dir.path(), "big");
    let worry = std::fs::read_to_string(source.join("entries/worry-time.md")).unwrap();
    for n in 0..500 {
        let id = format!("worry-time-{n:03}");
        std::fs::write(
            source.join(format!("entries/{id}.md")),
            worry.replace("id = \"worry-time\"", &format!("id = \"{id}\"")),
        )
        .unwrap();
    }
    let library = dir.path().join("library");
    build_and_install(&source, &library);

    // `gati search worries --limit 500 | head -1`.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gati"))
        .arg("--library")
        .arg(&library)
        .args(["search", "worries", "--limit", "500"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    assert!(first.contains("(showing 1-500)"), "{first}");
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{:?}: {}",
        out.status,
        text(&out.stderr)
    );
    assert_eq!(text(&out.stderr), "");

    // A reader gone before the command writes anything.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gati"))
        .arg("--library")
        .arg(&library)
        .arg("stats")
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{:?}: {}",
        out.status,
        text(&out.stderr)
    );
    assert_eq!(text(&out.stderr), "");
}

/// Asserts that the output holds no escape character, and returns standard output and error.
fn no_escape(out: &std::process::Output) -> (String, String) {
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        !stdout.contains(ESC) && !stderr.contains(ESC),
        "a raw escape was printed:\n{stdout:?}\n{stderr:?}"
    );
    (stdout, stderr)
}

#[test]
fn control_characters_from_outside_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();

    // A pack whose title would set the terminal's title, in a folder whose name would too.
    let source = mini_copy(dir.path(), &format!("pack{HOSTILE}"));
    let info = source.join("pack.toml");
    let toml = std::fs::read_to_string(&info)
        .unwrap()
        .replace("Mini fixture pack", "Mini \\u001b]0;pwned\\u0007 pack");
    std::fs::write(&info, toml).unwrap();
    for args in [&["validate"][..], &["pack", "build", "-o", "x.gatipack"]] {
        let out = gati(dir.path()).args(args).arg(&source).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let (_, stderr) = no_escape(&out);
        assert!(
            stderr.contains("pack\\u{1b}]0;pwned\\u{7}") && stderr.contains("`title`"),
            "{stderr}"
        );
    }

    // Values given on the command line, which the core's messages repeat.
    let dir = installed();
    let library = dir.path().join("library");
    for args in [
        vec!["search", HOSTILE],
        vec!["search", "--need", HOSTILE],
        vec!["show", HOSTILE],
        vec!["search", "--limit", HOSTILE],
    ] {
        let out = gati(&library).args(&args).output().unwrap();
        no_escape(&out);
    }
    let out = gati(&library).args(["show", HOSTILE]).output().unwrap();
    let (_, stderr) = no_escape(&out);
    assert!(stderr.contains("\\u{1b}]0;pwned\\u{7}"), "{stderr}");

    // A library whose database was changed after the install: the pack's own checks are behind
    // it, and what it holds is shown as it is, escaped.
    let generation = std::fs::read_to_string(library.join("current")).unwrap();
    let db = rusqlite::Connection::open(
        library
            .join("packs")
            .join(generation.trim())
            .join("pack.db"),
    )
    .unwrap();
    let data: String = db
        .query_row(
            "SELECT data FROM entries WHERE id = 'worry-time'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut entry: serde_json::Value = serde_json::from_str(&data).unwrap();
    for field in ["title", "summary", "body", "owner"] {
        entry[field] = format!("worries {HOSTILE} here").into();
    }
    db.execute(
        "UPDATE entries SET data = ?1, title = ?2, owner = ?2 WHERE id = 'worry-time'",
        [entry.to_string(), format!("worries {HOSTILE} here")],
    )
    .unwrap();
    db.execute(
        "UPDATE meta SET value = ?1 WHERE key IN ('title', 'publisher')",
        [format!("Mini {HOSTILE}")],
    )
    .unwrap();
    drop(db);
    for args in [
        &["reindex"][..],
        &["stats"],
        &["show", "worry-time"],
        &["search", "worries"],
        &["search", "--need", "anxiety"],
        &["due", "--before", "2030-01-01"],
    ] {
        let out = gati(&library).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        let (stdout, _) = no_escape(&out);
        assert!(
            stdout.contains("\\u{1b}]0;pwned\\u{7}"),
            "{args:?}: {stdout}"
        );
    }
}

#[test]
fn long_error_messages_are_cut() {
    let dir = installed();
    let library = dir.path().join("library");

    let out = gati(&library)
        .args(["search", "--need", &"x".repeat(5_000)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: unknown need code `xxx"),
        "{stderr}"
    );
    assert!(stderr.contains("… ("), "{stderr}");
    assert!(stderr.lines().all(|l| l.chars().count() < 450), "{stderr}");

    // A pack file whose entries break the rules, built by going around `pack build`'s checks:
    // installing it fails with a message of one line per problem.
    let source = mini_copy(dir.path(), "rule-breaking");
    let worry = std::fs::read_to_string(source.join("entries/worry-time.md")).unwrap();
    for n in 0..200 {
        let id = format!("worry-time-{n:03}");
        let entry = worry
            .replace("id = \"worry-time\"", &format!("id = \"{id}\""))
            .replace("levels = [\"universal\"]", "levels = [\"everyone\"]");
        std::fs::write(source.join(format!("entries/{id}.md")), entry).unwrap();
    }
    let today = chrono::Local::now().date_naive();
    let mut sources = gati_core::source::load(&source, today).unwrap();
    assert!(sources.report.has_errors());
    sources.report = Default::default();
    let pack = dir.path().join("rule-breaking.gatipack");
    gati_core::pack::build(&sources, &pack, chrono::Utc::now(), None).unwrap();
    let out = gati(&library).arg("install").arg(&pack).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .skip_while(|l| !l.starts_with("error: "))
        .collect();
    assert_eq!(lines.len(), 51, "{stderr}");
    assert!(
        lines[50].starts_with("… and ") && lines[50].ends_with(" more lines"),
        "{stderr}"
    );
}

#[test]
fn a_report_lists_a_hundred_errors_and_json_lists_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let source = mini_copy(dir.path(), "broken");
    for n in 0..150 {
        std::fs::write(
            source.join(format!("entries/broken-{n:03}.md")),
            "+++\nid = \n+++\nNo front matter to speak of.\n",
        )
        .unwrap();
    }

    let out = gati(dir.path())
        .arg("validate")
        .arg(&source)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.matches(": error").count(), 100, "{stderr}");
    assert!(stderr.contains("… and 50 more errors"), "{stderr}");
    assert!(
        text(&out.stdout).contains(
            "160 entry files checked (150 could not be read: see the errors): 150 error(s)"
        ),
        "{}",
        text(&out.stdout)
    );

    let out = gati(dir.path())
        .args(["validate", "--json"])
        .arg(&source)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .count();
    assert_eq!(errors, 150);

    let out = gati(dir.path())
        .args(["pack", "build", "-o"])
        .arg(dir.path().join("x.gatipack"))
        .arg(&source)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.matches(": error").count(), 100, "{stderr}");
    assert!(stderr.contains("… and 50 more errors"), "{stderr}");
    assert!(stderr.contains("the pack was not built"), "{stderr}");
}

#[test]
fn limit_and_offset_stay_in_range() {
    let dir = installed();
    let library = dir.path().join("library");
    for limit in ["0", "501"] {
        let out = gati(&library)
            .args(["search", "--limit", limit])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "--limit {limit}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains("--limit"), "{stderr}");
        assert!(!stderr.contains("showing"), "{stderr}");
    }
    let out = gati(&library)
        .args(["search", "--limit", "0"])
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).contains("1..=500"),
        "{}",
        text(&out.stderr)
    );
    gati(&library)
        .args(["search", "--limit", "500"])
        .assert()
        .success()
        .stdout(predicates::str::contains("10 entries (showing 1-10)"));

    let out = gati(&library)
        .args(["search", "--offset", &usize::MAX.to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--offset") && !stderr.contains("panicked"),
        "{stderr}"
    );
    gati(&library)
        .args(["search", "--offset", "10001"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("0..=10000"));
    gati(&library)
        .args(["search", "--offset", "10000"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "10 entries, none after the first 10000",
        ));
    gati(&library)
        .args(["search", "--offset", "5", "--limit", "2"])
        .assert()
        .success()
        .stdout(predicates::str::contains("10 entries (showing 6-7)"));
}

#[test]
fn an_empty_library_setting_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = gati(Path::new("")).arg("stats").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("the library folder is empty text") && stderr.contains("GATI_LIBRARY"),
        "{stderr}"
    );
    let out = gati(dir.path())
        .args(["--library", "", "search"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("the library folder is empty text"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn reading_a_missing_library_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("x/does-not-exist");
    for args in [
        &["stats"][..],
        &["search", "anxiety"],
        &["show", "worry-time"],
        &["due"],
        &["reindex"],
    ] {
        let out = gati(dir.path())
            .arg("--library")
            .arg(&missing)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("no resource pack is installed"),
            "{args:?}: {stderr}"
        );
        assert!(!dir.path().join("x").exists(), "{args:?} created a folder");
    }
}
