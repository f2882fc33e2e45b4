//! The `gati` command as scripts and people meet it: exit codes, messages and JSON shapes.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn gati(library: &Path) -> Command {
    let mut cmd = Command::cargo_bin("gati").unwrap();
    cmd.env("GATI_LIBRARY", library);
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A library with the mini fixture installed, through the command itself.
fn installed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("mini.gatipack");
    let library = dir.path().join("library");
    gati(&library)
        .args(["pack", "build"])
        .arg(repo().join("tests/fixtures/mini"))
        .arg("-o")
        .arg(&pack)
        .assert()
        .success();
    gati(&library).arg("install").arg(&pack).assert().success();
    dir
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
    assert!(text(&out.stdout).contains("10 entries checked: 0 error(s), 0 warning(s)"));

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

fn copy_dir(from: &Path, to: &Path) {
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
        .arg(dir.path().join("mini.gatipack"))
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
