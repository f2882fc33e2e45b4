//! The system's file dialogs, where the person chooses where a document goes or which pack file
//! to install. They are shown from Rust, so the web view needs no dialog permission, and they
//! block, so they are only ever called from async commands, off the main thread that draws them.
//!
//! The end-to-end tests cannot click in a native dialog. When `GATI_TEST_DIALOGS` names a
//! folder, it stands in for the person: a save goes into that folder under the offered name, and
//! an open picks the first file there with a wanted extension.

use std::path::{Path, PathBuf};

use tauri::AppHandle;
use tauri_plugin_dialog::{DialogExt, FilePath};

const TEST_DIALOGS: &str = "GATI_TEST_DIALOGS";

/// Asks where to save a file offered as `name`, of the kind `description` (`extension`). The
/// system's dialog asks before replacing a file. `None` when the person cancels.
pub fn choose_save_path(
    app: &AppHandle,
    name: &str,
    description: &str,
    extension: &str,
) -> Option<PathBuf> {
    if let Some(folder) = test_folder() {
        return Some(folder.join(name));
    }
    let mut dialog = app
        .dialog()
        .file()
        .set_title("Save as")
        .set_file_name(name)
        .add_filter(description, &[extension]);
    if let Some(documents) =
        directories::UserDirs::new().and_then(|d| d.document_dir().map(Path::to_path_buf))
    {
        dialog = dialog.set_directory(documents);
    }
    dialog.blocking_save_file().and_then(into_path)
}

/// Asks which file of the kind `description` (`extension`) to open, with `title` on the dialog.
/// `None` when the person cancels.
pub fn choose_open_path(
    app: &AppHandle,
    title: &str,
    description: &str,
    extension: &str,
) -> Option<PathBuf> {
    if let Some(folder) = test_folder() {
        return first_file(&folder, |p| p.extension().is_some_and(|e| e == extension));
    }
    app.dialog()
        .file()
        .set_title(title)
        .add_filter(description, &[extension])
        .blocking_pick_file()
        .and_then(into_path)
}

/// Asks for a folder, with `title` on the dialog. In the tests, `test_name` names the folder
/// inside the stand-in folder that the person would have chosen. `None` when the person cancels.
pub fn choose_folder(app: &AppHandle, title: &str, test_name: &str) -> Option<PathBuf> {
    if let Some(folder) = test_folder() {
        return Some(folder.join(test_name));
    }
    app.dialog()
        .file()
        .set_title(title)
        .blocking_pick_folder()
        .and_then(into_path)
}

/// Asks for any one file, with `title` on the dialog. In the tests, the first file of the
/// stand-in folder's `attach` folder. `None` when the person cancels.
pub fn choose_any_file(app: &AppHandle, title: &str) -> Option<PathBuf> {
    if let Some(folder) = test_folder() {
        return first_file(&folder.join("attach"), |_| true);
    }
    app.dialog()
        .file()
        .set_title(title)
        .blocking_pick_file()
        .and_then(into_path)
}

/// In the tests: the first file of `folder`, by name, that `keep` accepts.
fn first_file(folder: &Path, keep: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| keep(p))
        .collect();
    files.sort();
    files.into_iter().next()
}

fn test_folder() -> Option<PathBuf> {
    std::env::var_os(TEST_DIALOGS)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// On the desktop a dialog answers with a path; a `file://` address is turned into one.
fn into_path(chosen: FilePath) -> Option<PathBuf> {
    chosen.into_path().ok()
}
