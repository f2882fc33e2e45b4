//! A kill at any moment of an install leaves a working library: the previous pack until the
//! switch, the new one after it. The real `gati` binary is killed with SIGKILL at each stage.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use gati_core::taxonomy::Taxonomy;

use crate::synthetic;

const GATI: &str = env!("CARGO_BIN_EXE_gati");

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn gati(library: &Path, args: &[&str]) -> std::process::Output {
    Command::new(GATI)
        .arg("--library")
        .arg(library)
        .args(args)
        .output()
        .unwrap()
}

/// How many entries the installed pack answers with, checking that search and stats both work.
fn installed_total(library: &Path) -> u64 {
    let out = gati(library, &["search", "--json", "--limit", "1"]);
    assert!(
        out.status.success(),
        "search failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stats = gati(library, &["stats", "--json"]);
    assert!(
        stats.status.success(),
        "stats failed: {}",
        String::from_utf8_lossy(&stats.stderr)
    );
    json["total"].as_u64().unwrap()
}

/// Starts an install and kills it with SIGKILL as soon as it reports `stage`, or after `delay`.
fn kill_install(library: &Path, pack: &Path, stage: Option<&str>, delay: Duration) {
    let mut child = Command::new(GATI)
        .arg("--library")
        .arg(library)
        .arg("install")
        .arg(pack)
        // The generated pack has its own id: installing it over the fixture is a switch.
        .arg("--switch-publisher")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(stage) = stage {
        let stderr = BufReader::new(child.stderr.take().unwrap());
        for line in stderr.lines() {
            if line.unwrap().starts_with(stage) {
                break;
            }
        }
    }
    std::thread::sleep(delay);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn killing_an_install_at_any_stage_leaves_a_working_pack() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    let small = dir.path().join("small.gatipack");
    let out = Command::new(GATI)
        .args(["pack", "build"])
        .arg(repo().join("tests/fixtures/mini"))
        .arg("-o")
        .arg(&small)
        .arg("--sign")
        .arg(repo().join("tests/keys/gati-dev.key"))
        .env("GATI_KEY_PASSWORD", "gati-dev")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        gati(&library, &["install", small.to_str().unwrap()])
            .status
            .success()
    );
    assert_eq!(installed_total(&library), 10);

    let taxonomy: Taxonomy =
        toml::from_str(&std::fs::read_to_string(repo().join("content/taxonomy.toml")).unwrap())
            .unwrap();
    let big = dir.path().join("big.gatipack");
    synthetic::build_pack(&taxonomy, 6_000, 7, &big);

    // Killed while the new pack is being written or indexed: the old pack must still answer.
    for stage in [
        "Checking the pack",
        "Writing the database",
        "Building the search index",
    ] {
        for delay_ms in [0, 50] {
            kill_install(&library, &big, Some(stage), Duration::from_millis(delay_ms));
            assert_eq!(
                installed_total(&library),
                10,
                "killed {delay_ms} ms into {stage:?}"
            );
        }
    }
    // Killed around the switch, or at arbitrary moments: one pack or the other, whole.
    kill_install(
        &library,
        &big,
        Some("Switching to the new pack"),
        Duration::ZERO,
    );
    assert!([10, 6_000].contains(&installed_total(&library)));
    for delay_ms in [10, 150, 600] {
        kill_install(&library, &big, None, Duration::from_millis(delay_ms));
        assert!(
            [10, 6_000].contains(&installed_total(&library)),
            "killed after {delay_ms} ms"
        );
    }

    // A later install completes and clears what the killed ones left behind.
    // It may be the same version as a killed install that got through the switch.
    let out = gati(
        &library,
        &[
            "install",
            big.to_str().unwrap(),
            "--switch-publisher",
            "--older",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(installed_total(&library), 6_000);
    let leftovers: Vec<String> = std::fs::read_dir(library.join("packs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
