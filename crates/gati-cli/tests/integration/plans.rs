//! `gati plan` with the real binary: a plan made, listed, shown, exported as Word and JSON and
//! imported on another computer; a bad file refused; and an import killed at any moment, which
//! leaves all the plans or none.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const GATI: &str = env!("CARGO_BIN_EXE_gati");

fn gati(library: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(GATI)
        .arg("--library")
        .arg(library)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn plan_count(library: &Path) -> usize {
    let (ok, out, err) = gati(library, &["plan", "list", "--json"]);
    assert!(ok, "{err}");
    serde_json::from_str::<Vec<serde_json::Value>>(&out)
        .unwrap()
        .len()
}

#[test]
fn plans_are_made_exported_and_moved_with_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let here = dir.path().join("here");
    let there = dir.path().join("there");
    let (ok, id, err) = gati(&here, &["plan", "new", "A.B."]);
    assert!(ok, "{err}");
    let id = id.trim().to_string();
    let (ok, list, _) = gati(&here, &["plan", "list"]);
    assert!(ok && list.contains("A.B.") && list.contains(&id), "{list}");
    let (ok, shown, err) = gati(&here, &["plan", "show", &id]);
    assert!(ok, "{err}");
    assert!(shown.contains("SEN support plan: A.B."), "{shown}");

    let docx = dir.path().join("plan.docx");
    let (ok, _, err) = gati(
        &here,
        &["plan", "export", &id, "--docx", docx.to_str().unwrap()],
    );
    assert!(ok, "{err}");
    assert!(std::fs::read(&docx).unwrap().starts_with(b"PK"));
    let (ok, _, err) = gati(
        &here,
        &["plan", "export", &id, "--docx", docx.to_str().unwrap()],
    );
    assert!(!ok && err.contains("never replaces"), "{err}");

    let all = dir.path().join("plans.json");
    let (ok, _, err) = gati(
        &here,
        &["plan", "export", "--all", "--json", all.to_str().unwrap()],
    );
    assert!(ok, "{err}");
    let (ok, out, err) = gati(&there, &["plan", "import", all.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("1 added"), "{out}");
    assert_eq!(plan_count(&there), 1);

    let bad = dir.path().join("bad.json");
    let text = std::fs::read_to_string(&all)
        .unwrap()
        .replace("\"A.B.\"", "\"\"");
    std::fs::write(&bad, text).unwrap();
    let elsewhere = dir.path().join("elsewhere");
    let (ok, _, err) = gati(&elsewhere, &["plan", "import", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("nothing was imported") && err.contains("`pupil` is empty"),
        "{err}"
    );
    assert_eq!(plan_count(&elsewhere), 0);
}

/// A plans file of `count` plans, each with a cycle, an outcome and some provision.
fn many_plans(count: usize) -> String {
    let plans: Vec<serde_json::Value> = (0..count)
        .map(|n| {
            serde_json::json!({
                "id": format!("plan-{n:016x}"),
                "pupil": format!("Pupil {n}"),
                "year_group": "Year 4",
                "cycles": [{
                    "review_due": "2027-03-01",
                    "outcomes": [{ "text": "Reads a page aloud", "measure": "Weekly reading record" }],
                    "provision": [{ "title": "Precision teaching", "summary": "Short daily practice.", "who": "TA", "how_often": "Daily" }]
                }]
            })
        })
        .collect();
    serde_json::json!({
        "format": "gati-plans",
        "schema_version": 1,
        "exported": "2026-12-05T09:00:00+00:00",
        "plans": plans,
    })
    .to_string()
}

#[cfg(unix)]
#[test]
fn an_import_killed_at_any_moment_leaves_all_the_plans_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.json");
    const COUNT: usize = 3_000;
    std::fs::write(&file, many_plans(COUNT)).unwrap();
    let mut seen_none = false;
    for (round, delay) in [2u64, 10, 25, 50, 80, 120, 200, 400]
        .into_iter()
        .enumerate()
    {
        let library = dir.path().join(format!("library-{round}"));
        // The library exists first, so that the kill lands in the import, not in the set-up.
        assert_eq!(plan_count(&library), 0);
        let mut child = Command::new(GATI)
            .arg("--library")
            .arg(&library)
            .args(["plan", "import"])
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        child.wait().unwrap();
        let count = plan_count(&library);
        assert!(
            count == 0 || count == COUNT,
            "a kill after {delay} ms left {count} plans"
        );
        seen_none |= count == 0;
        // The next import completes what the killed one did not.
        let (ok, _, err) = gati(&library, &["plan", "import", file.to_str().unwrap()]);
        assert!(ok, "{err}");
        assert_eq!(plan_count(&library), COUNT);
    }
    assert!(
        seen_none,
        "no kill landed before the import finished; the test proved nothing"
    );
}
