//! GATI Desktop's shell: opens the library, installs the bundled pack on first run, and exposes
//! the core to the front end as commands. Everything it shows comes from `gati_core`.

mod commands;
mod dialogs;
mod editing;
mod error;
mod plans;
mod state;
mod updates;
#[cfg(target_os = "linux")]
mod webview;

pub use commands::AppInfo;
pub use error::IpcError;

use tauri::Manager;

/// Today's date on this machine, for review dates and install checks.
fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Starts the app. Call it first in `main`: on Linux it sets the environment WebKit reads as it
/// starts, which is safe only while no other thread exists.
pub fn run() {
    #[cfg(target_os = "linux")]
    webview::prepare_environment();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            // Starting cannot fail: a library that cannot be opened is shown as a problem
            // screen that says what, where and what to do.
            app.manage(state::AppState::start(state::library_location()));
            app.manage(editing::EditState::default());
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
            commands::shortlist_save,
            commands::comfort,
            commands::set_comfort,
            commands::open_attachment,
            commands::save_attachment,
            commands::open_link,
            commands::install_pack,
            updates::pack_status,
            updates::set_check_on_start,
            updates::check_for_update,
            updates::install_update,
            updates::whats_new,
            updates::dismiss_whats_new,
            updates::go_back,
            updates::trusted_keys,
            updates::trust_key,
            updates::untrust_key,
            editing::workspace_resume,
            editing::workspace_choose_folder,
            editing::workspace_close,
            editing::workspace_summary,
            editing::workspace_taxonomy,
            editing::workspace_rows,
            editing::workspace_draft,
            editing::workspace_check,
            editing::workspace_preview,
            editing::workspace_save,
            editing::workspace_compare,
            editing::workspace_delete,
            editing::workspace_create,
            editing::workspace_add_attachment,
            editing::workspace_review_due,
            editing::workspace_mark_reviewed,
            editing::workspace_reviewed_form,
            editing::workspace_ask_approval,
            editing::workspace_approve,
            editing::workspace_save_review_csv,
            editing::workspace_publish_plan,
            editing::workspace_choose_publish_folder,
            editing::workspace_choose_key,
            editing::workspace_key,
            editing::workspace_publish,
            plans::plans_list,
            plans::plans_due_this_week,
            plans::plan_create,
            plans::plan_get,
            plans::plan_save,
            plans::plan_add_entry,
            plans::plan_review,
            plans::plan_set_deleted,
            plans::plan_print_html,
            plans::plan_save_document,
            plans::plans_export,
            plans::plans_import,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        // Without a window there is nowhere else to say it.
        eprintln!("GATI Desktop could not open its window: {e}");
        std::process::exit(1);
    }
}
