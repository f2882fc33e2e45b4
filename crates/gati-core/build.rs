//! Compiles the publisher keys in `content/keys/*.pub` into GATI, so that the app and the `gati`
//! command trust them without any file beside the program.

use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/keys");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut keys = Vec::new();
    if let Ok(items) = std::fs::read_dir(&dir) {
        for item in items.flatten() {
            let path = item.path();
            if path.extension().is_some_and(|e| e == "pub") {
                println!("cargo::rerun-if-changed={}", path.display());
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                keys.push((
                    name,
                    std::fs::read_to_string(&path).expect("a key file is text"),
                ));
            }
        }
    }
    keys.sort();
    let items: Vec<String> = keys
        .iter()
        .map(|(name, text)| format!("({name:?}, {text:?})"))
        .collect();
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("built_in_keys.rs");
    std::fs::write(out, format!("&[{}]", items.join(", "))).unwrap();
}
