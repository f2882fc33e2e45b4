fn main() {
    // The bundled pack is built from `content/` by `scripts/build-pack.sh` before the app; say so
    // plainly rather than letting tauri-build fail on a missing resource.
    let pack = std::path::Path::new("resources/gati.gatipack");
    println!("cargo:rerun-if-changed={}", pack.display());
    assert!(
        pack.is_file(),
        "src-tauri/resources/gati.gatipack is missing: run `scripts/build-pack.sh` first"
    );
    tauri_build::build()
}
