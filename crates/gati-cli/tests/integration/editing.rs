//! An editor's round with the `gati` command alone: a new entry, reviews, approval and publishing
//! a source folder, which a school then installs.

use assert_cmd::Command;

use crate::cli::{gati, repo};

fn run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn an_editor_keeps_the_pack_and_publishes_it_without_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    let content = dir.path().join("content");
    let published = dir.path().join("published");
    crate::cli::copy_dir(&repo().join("tests/fixtures/mini"), &content);
    std::fs::write(
        content.join("pack.toml"),
        std::fs::read_to_string(content.join("pack.toml")).unwrap() + "require_approval = true\n",
    )
    .unwrap();
    let key = repo().join("tests/keys/gati-dev.key");

    let (ok, out, err) = run(gati(&library)
        .args(["new", "--kind", "strategy", "--id", "calm-corner"])
        .arg(&content));
    assert!(ok, "{err}");
    assert!(out.contains("calm-corner.md"), "{out}");
    let new_file = content.join("entries/calm-corner.md");
    assert!(
        std::fs::read_to_string(&new_file)
            .unwrap()
            .contains("kind = \"strategy\"")
    );

    // The new entry is not finished, so nothing is published.
    let publish = |version: &str| {
        run(gati(&library)
            .arg("publish")
            .arg(&content)
            .arg("--to")
            .arg(&published)
            .arg("--sign")
            .arg(&key)
            .args(["--version", version]))
    };
    let (ok, _, err) = publish("1.1.0");
    assert!(!ok);
    assert!(err.contains("error(s)"), "{err}");
    std::fs::remove_file(&new_file).unwrap();

    // Every entry is new to the publish folder and must be approved first.
    let (ok, out, err) = publish("1.1.0");
    assert!(!ok);
    assert!(
        out.contains("not approved: Worry time (worry-time)"),
        "{out}"
    );
    assert!(err.contains("not approved"), "{err}");
    for file in std::fs::read_dir(content.join("entries")).unwrap() {
        let path = file.unwrap().path();
        if path.extension().is_some_and(|x| x == "md") {
            let id = path.file_stem().unwrap().to_str().unwrap().to_string();
            let (ok, _, err) = run(gati(&library)
                .args(["review", "approve", &id])
                .arg(&content)
                .args(["--by", "Sam Patel"]));
            assert!(ok, "{err}");
        }
    }

    let (ok, out, err) = run(gati(&library)
        .args(["review", "due"])
        .arg(&content)
        .arg("--csv"));
    assert!(ok, "{err}");
    assert!(out.starts_with("id,title,kind,owner,areas,last_reviewed,review_by,overdue\r\n"));
    let (ok, out, err) = run(gati(&library)
        .args(["review", "mark", "worry-time"])
        .arg(&content));
    assert!(ok, "{err}");
    assert!(out.contains("next review by"), "{out}");

    // Marking it reviewed changed it, so it asks for approval again.
    let (ok, _, _) = publish("1.1.0");
    assert!(!ok);
    let (ok, _, err) = run(gati(&library)
        .args(["review", "approve", "worry-time"])
        .arg(&content)
        .args(["--by", "Sam Patel"]));
    assert!(ok, "{err}");
    let (ok, out, err) = publish("1.1.0");
    assert!(ok, "{err}");
    assert!(out.contains("## Added (10)"), "{out}");
    assert!(published.join("latest.json").is_file());

    let (ok, _, err) = run(gati(&library)
        .arg("install")
        .arg(published.join("mini-1.1.0.gatipack")));
    assert!(ok, "{err}");
}
