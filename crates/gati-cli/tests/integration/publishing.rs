//! A publisher's round with the `gati` command: make a key, build and sign, verify, publish,
//! and a school's: trust, update, read what changed, go back.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn gati(library: &Path) -> Command {
    let mut cmd = Command::cargo_bin("gati").unwrap();
    cmd.env("GATI_LIBRARY", library)
        .env("GATI_KEY_PASSWORD", "a long passphrase");
    cmd
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn stderr_of_failure(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    String::from_utf8(out.stderr).unwrap()
}

/// The mini fixture with its version and update location set.
fn sources(dir: &Path, version: &str, update_from: &Path) -> PathBuf {
    let to = dir.join(format!("sources-{version}"));
    crate::cli::copy_dir(&repo().join("tests/fixtures/mini"), &to);
    let toml = to.join("pack.toml");
    let text = std::fs::read_to_string(&toml)
        .unwrap()
        .replace("1.0.0", version);
    std::fs::write(
        &toml,
        format!(
            "{text}update_from = {:?}\n",
            update_from.display().to_string()
        ),
    )
    .unwrap();
    to
}

#[test]
fn a_publisher_signs_and_publishes_and_a_school_updates_and_goes_back() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    let keys = dir.path().join("keys");
    let channel = dir.path().join("channel");

    let made = stdout(
        gati(&library)
            .args(["key", "new", "--out"])
            .arg(&keys)
            .args(["--name", "area", "--publisher", "Test Area Partnership"]),
    );
    let key_id = made
        .split_whitespace()
        .nth(2)
        .unwrap()
        .trim_end_matches(':')
        .to_string();
    assert_eq!(key_id.len(), 16, "{made}");
    // A second `key new` never overwrites a secret key.
    let again = stderr_of_failure(
        gati(&library)
            .args(["key", "new", "--out"])
            .arg(&keys)
            .args(["--name", "area"]),
    );
    assert!(again.contains("already there"), "{again}");

    let build = |version: &str| {
        let pack = dir.path().join(format!("mini-{version}.gatipack"));
        stdout(
            gati(&library)
                .args(["pack", "build"])
                .arg(sources(dir.path(), version, &channel))
                .arg("-o")
                .arg(&pack)
                .arg("--sign")
                .arg(keys.join("area.key")),
        );
        pack
    };
    let first = build("1.0.0");
    let second = build("1.1.0");

    // Not yet trusted here: verify says so and exits 1, install refuses naming the key.
    let out = gati(&library)
        .args(["pack", "verify"])
        .arg(&first)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("which this computer does not trust"));
    let out = gati(&library)
        .args(["pack", "verify", "--json"])
        .arg(&first)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["key_id"], key_id.as_str());
    assert_eq!(json["trusted"], false);
    assert_eq!(json["publisher"], "GATI tests");
    let refused = stderr_of_failure(gati(&library).arg("install").arg(&first));
    assert!(refused.contains(&key_id), "{refused}");

    let trusted = stdout(
        gati(&library)
            .args(["trust", "add"])
            .arg(keys.join("area.pub")),
    );
    assert!(
        trusted.contains(&key_id) && trusted.contains("Test Area Partnership"),
        "{trusted}"
    );
    let listed = stdout(gati(&library).args(["trust", "list"]));
    assert!(
        listed.contains("built in") && listed.contains("added here"),
        "{listed}"
    );
    assert!(
        stdout(gati(&library).args(["pack", "verify"]).arg(&first))
            .contains("signed with trusted key")
    );
    stdout(gati(&library).arg("install").arg(&first));

    // Release notes before publishing, then the school's update from the shared folder.
    let notes = stdout(gati(&library).arg("diff").arg(&first).arg(&second));
    assert!(
        notes.starts_with("# Changes from pack 1.0.0 to 1.1.0"),
        "{notes}"
    );
    stdout(
        gati(&library)
            .arg("publish")
            .arg(&second)
            .arg("--to")
            .arg(&channel),
    );
    let check = stdout(gati(&library).args(["update", "--check", "--json"]));
    let check: serde_json::Value = serde_json::from_str(&check).unwrap();
    assert_eq!(check["state"], "available");
    assert_eq!(check["latest"]["version"], "1.1.0");
    let updated = stdout(gati(&library).arg("update"));
    assert!(updated.contains("Updated from 1.0.0 to 1.1.0"), "{updated}");
    assert!(stdout(gati(&library).args(["update", "--check"])).contains("is the newest"));

    let back = stdout(gati(&library).arg("rollback"));
    assert!(back.contains("from pack 1.1.0 to 1.0.0"), "{back}");
    assert!(stdout(gati(&library).arg("stats")).contains("1.0.0"));

    // An unsigned build installs only when the editor says so, for a preview.
    let unsigned = dir.path().join("unsigned.gatipack");
    stdout(
        gati(&library)
            .args(["pack", "build"])
            .arg(sources(dir.path(), "1.2.0", &channel))
            .arg("-o")
            .arg(&unsigned),
    );
    assert!(stderr_of_failure(gati(&library).arg("install").arg(&unsigned)).contains("not signed"));
    stdout(
        gati(&library)
            .arg("install")
            .arg(&unsigned)
            .arg("--allow-unsigned"),
    );
    stdout(gati(&library).args(["trust", "remove"]).arg(&key_id));
    assert!(!stdout(gati(&library).args(["trust", "list"])).contains("added here"));
}

/// The app or the command killed in the middle of a download: the old pack stays in use, and
/// the partial file goes at the next start.
#[cfg(unix)]
#[test]
fn killing_an_update_during_its_download_leaves_the_old_pack_and_no_partial_file() {
    use crate::http::{Behaviour, Server};
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    let channel = dir.path().join("channel");
    std::fs::create_dir_all(&channel).unwrap();
    let served = dir.path().join("served");
    std::os::unix::fs::symlink(&channel, &served).unwrap();
    let server = Server::start(served, Behaviour::Stall);
    let dev_key = repo().join("tests/keys/gati-dev.key");
    let build = |version: &str| {
        let sources = dir.path().join(format!("s-{version}"));
        crate::cli::copy_dir(&repo().join("tests/fixtures/mini"), &sources);
        let toml = sources.join("pack.toml");
        let text = std::fs::read_to_string(&toml)
            .unwrap()
            .replace("1.0.0", version);
        std::fs::write(&toml, format!("{text}update_from = {:?}\n", server.base)).unwrap();
        let pack = dir.path().join(format!("{version}.gatipack"));
        stdout(
            gati(&library)
                .env("GATI_KEY_PASSWORD", "gati-dev")
                .args(["pack", "build"])
                .arg(&sources)
                .arg("-o")
                .arg(&pack)
                .arg("--sign")
                .arg(&dev_key),
        );
        pack
    };
    let first = build("1.0.0");
    let second = build("1.1.0");
    stdout(gati(&library).arg("install").arg(&first));
    stdout(
        gati(&library)
            .arg("publish")
            .arg(&second)
            .arg("--to")
            .arg(&channel),
    );

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gati"))
        .env("GATI_LIBRARY", &library)
        .arg("update")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until it reports the download under way, then kill it there.
    let stderr = BufReader::new(child.stderr.take().unwrap());
    for line in stderr.split(b'\n') {
        if String::from_utf8_lossy(&line.unwrap()).contains("Downloading") {
            break;
        }
    }
    let partial = || {
        std::fs::read_dir(&library)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".upload")
            })
            .count()
    };
    assert_eq!(partial(), 1, "the download is under way in the library");
    child.kill().unwrap();
    child.wait().unwrap();

    // The next start of anything that opens the library for writing clears the partial file.
    let listed = stdout(gati(&library).args(["trust", "list"]));
    assert!(listed.contains("built in"));
    assert_eq!(partial(), 0);
    assert!(stdout(gati(&library).arg("stats")).contains("1.0.0"));
}
