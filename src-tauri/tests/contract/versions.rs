//! The front end's `@tauri-apps/api` must be on the same major and minor release as the `tauri`
//! crate it talks to: `tauri build` refuses to bundle otherwise, and that went unnoticed until
//! the first `.deb` was built. This test reads both lock files, so the mismatch fails `cargo test`.

use std::fs;
use std::path::Path;

/// The exact version of a Rust package in `Cargo.lock`.
fn crate_version(name: &str) -> String {
    let lock: toml::Table =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"))
            .unwrap()
            .parse()
            .unwrap();
    lock["package"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("{name} is not in Cargo.lock"))["version"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The exact version of an npm package installed for the front end, from `ui/package-lock.json`.
fn npm_version(name: &str) -> String {
    let lock: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/package-lock.json"))
            .unwrap(),
    )
    .unwrap();
    lock["packages"][format!("node_modules/{name}")]["version"]
        .as_str()
        .unwrap_or_else(|| panic!("{name} is not in ui/package-lock.json"))
        .to_string()
}

fn major_minor(version: &str) -> &str {
    let second_dot = version
        .match_indices('.')
        .nth(1)
        .map_or(version.len(), |(i, _)| i);
    &version[..second_dot]
}

#[test]
fn the_front_end_uses_the_tauri_release_of_the_shell() {
    let (rust, npm) = (crate_version("tauri"), npm_version("@tauri-apps/api"));
    assert_eq!(
        major_minor(&rust),
        major_minor(&npm),
        "@tauri-apps/api {npm} in ui/ must match the tauri crate {rust} in major and minor \
         (`npm install --save-exact @tauri-apps/api@{}` in ui/)",
        major_minor(&rust)
    );
}
