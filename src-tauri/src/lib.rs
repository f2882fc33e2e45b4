//! GATI Desktop's shell: opens the library, installs the bundled pack on first run, and exposes
//! the core to the front end as commands. Everything it shows comes from `gati_core`.

mod commands;
mod error;
mod state;
#[cfg(target_os = "linux")]
mod webview;

pub use commands::AppInfo;
pub use error::IpcError;

use tauri::Manager;

/// Today's date on this machine, for review dates and install checks.
fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// The name of the pack bundled with the app, in its resource folder.
const BUNDLED_PACK: &str = "gati.gatipack";

pub fn run() {
    tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .setup(|app| {
            let root = state::library_location()
                .ok_or("no data folder for the library: set GATI_LIBRARY to a folder")?;
            let bundled = app.path().resource_dir()?.join(BUNDLED_PACK);
            let state = state::AppState::open(&root, Some(&bundled))?;
            app.manage(state);
            #[cfg(target_os = "linux")]
            webview::tune(app);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::taxonomy,
            commands::search,
            commands::grid,
            commands::entry_page,
            commands::waiting_well,
            commands::shortlist,
            commands::shortlist_add,
            commands::shortlist_remove,
            commands::shortlist_move,
            commands::shortlist_export,
            commands::comfort,
            commands::set_comfort,
            commands::open_attachment,
            commands::save_attachment,
            commands::open_link,
            commands::install_pack,
        ])
        .run(tauri::generate_context!())
        .expect("GATI Desktop could not start");
}
