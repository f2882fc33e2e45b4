//! The commands of the editors' workspace: open a pack's source folder, list, check, preview and
//! save its entries, reviews and approval, and publishing. `gati_core::workspace` does the work;
//! these take the open workspace, call it and map the error. The folder and the publish folder
//! are chosen in the system's dialogs and remembered in the user's database.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use chrono::Utc;
use gati_core::ErrorCode;
use gati_core::signing::SecretKey;
use gati_core::taxonomy::Taxonomy;
use gati_core::update::Latest;
use gati_core::workspace::form::EntryForm;
use gati_core::workspace::{
    DraftCheck, EntryDraft, EntryRow, PublishPlan, Remembered, ReviewRow, WorkQuery, Workspace,
    WorkspaceSummary, mark_reviewed,
};
use tauri::{AppHandle, State};

use crate::dialogs;
use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

/// The workspace, once a folder is open.
#[derive(Default)]
pub struct EditState(Mutex<Option<Workspace>>);

impl EditState {
    fn lock(&self) -> MutexGuard<'_, Option<Workspace>> {
        // Every workspace write is a whole file renamed into place; a panic elsewhere cannot leave
        // one half done.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn not_open() -> IpcError {
    IpcError::new(
        ErrorCode::NotFound,
        "no pack folder is open for editing: choose one in Settings, under “I edit a pack”",
    )
}

/// Runs `f` on the open workspace, after reading again any file changed outside the app.
fn with<T>(
    edit: &EditState,
    f: impl FnOnce(&mut Workspace) -> gati_core::Result<T>,
) -> IpcResult<T> {
    let mut guard = edit.lock();
    let workspace = guard.as_mut().ok_or_else(not_open)?;
    workspace.refresh(crate::today())?;
    Ok(f(workspace)?)
}

fn remembered(state: &AppState) -> IpcResult<Remembered> {
    Ok(Remembered::load(&*state.user()?)?)
}

/// Opens the remembered folder, if there is one. `None` for everyone who never chose one.
#[tauri::command]
pub async fn workspace_resume(
    state: State<'_, AppState>,
    edit: State<'_, EditState>,
) -> IpcResult<Option<WorkspaceSummary>> {
    let remembered = remembered(&state)?;
    let Some(folder) = &remembered.folder else {
        return Ok(None);
    };
    let mut guard = edit.lock();
    if guard.as_ref().is_none_or(|w| w.root() != folder) {
        *guard = Some(Workspace::open(
            folder,
            remembered.publish_to.as_deref(),
            crate::today(),
        )?);
    }
    Ok(guard.as_ref().map(Workspace::summary))
}

/// Asks for a pack's source folder, opens it and remembers it. `None` when the person cancelled.
#[tauri::command]
pub async fn workspace_choose_folder(
    app: AppHandle,
    state: State<'_, AppState>,
    edit: State<'_, EditState>,
) -> IpcResult<Option<WorkspaceSummary>> {
    let Some(folder) = dialogs::choose_folder(&app, "Choose the pack's source folder", "content")
    else {
        return Ok(None);
    };
    let publish_to = remembered(&state)?.publish_to;
    let workspace = Workspace::open(&folder, publish_to.as_deref(), crate::today())?;
    let summary = workspace.summary();
    Remembered::change(&*state.user()?, |r| r.folder = Some(folder))?;
    *edit.lock() = Some(workspace);
    Ok(Some(summary))
}

/// Closes the workspace and forgets its folder: the Edit section leaves the navigation.
#[tauri::command]
pub fn workspace_close(state: State<'_, AppState>, edit: State<'_, EditState>) -> IpcResult<()> {
    Remembered::change(&*state.user()?, |r| r.folder = None)?;
    *edit.lock() = None;
    Ok(())
}

#[tauri::command]
pub fn workspace_summary(edit: State<'_, EditState>) -> IpcResult<WorkspaceSummary> {
    with(&edit, |w| Ok(w.summary()))
}

/// The folder's taxonomy, which the form's code choices come from.
#[tauri::command]
pub fn workspace_taxonomy(edit: State<'_, EditState>) -> IpcResult<Option<Taxonomy>> {
    with(&edit, |w| Ok(w.sources().taxonomy.clone()))
}

#[tauri::command]
pub fn workspace_rows(edit: State<'_, EditState>, query: WorkQuery) -> IpcResult<Vec<EntryRow>> {
    with(&edit, |w| w.rows(&query, crate::today()))
}

#[tauri::command]
pub fn workspace_draft(edit: State<'_, EditState>, file: String) -> IpcResult<EntryDraft> {
    with(&edit, |w| w.draft(&file))
}

#[tauri::command]
pub fn workspace_check(
    edit: State<'_, EditState>,
    file: String,
    form: EntryForm,
) -> IpcResult<DraftCheck> {
    with(&edit, |w| w.check(&file, &form, crate::today()))
}

/// The body as the entry page draws it. Needs no workspace: it is the same renderer.
#[tauri::command]
pub fn workspace_preview(body: String) -> String {
    Workspace::preview(&body)
}

/// Saves the form and returns the entry as saved, with its new file hash.
#[tauri::command]
pub fn workspace_save(
    edit: State<'_, EditState>,
    file: String,
    base: String,
    form: EntryForm,
) -> IpcResult<EntryDraft> {
    with(&edit, |w| {
        let saved = w.save(&file, &base, &form, crate::today())?;
        w.draft(&saved)
    })
}

/// The fields that differ between the file on disk and the form, after a save was refused
/// because the file changed.
#[tauri::command]
pub fn workspace_compare(
    edit: State<'_, EditState>,
    file: String,
    form: EntryForm,
) -> IpcResult<Vec<String>> {
    with(&edit, |w| {
        Ok(w.compare_with_disk(&file, &form)?
            .into_iter()
            .map(str::to_string)
            .collect())
    })
}

#[tauri::command]
pub fn workspace_delete(edit: State<'_, EditState>, file: String, base: String) -> IpcResult<()> {
    with(&edit, |w| w.delete(&file, &base, crate::today()))
}

#[tauri::command]
pub fn workspace_create(edit: State<'_, EditState>, kind: String, id: String) -> IpcResult<String> {
    with(&edit, |w| w.create(&kind, &id, crate::today()))
}

/// Asks for a file and copies it beside the entry for it to carry. Returns the path for the
/// entry's `attachments`, or `None` when the person cancelled.
#[tauri::command]
pub async fn workspace_add_attachment(
    app: AppHandle,
    edit: State<'_, EditState>,
    file: String,
) -> IpcResult<Option<String>> {
    let Some(from) = dialogs::choose_any_file(&app, "Choose a file to attach") else {
        return Ok(None);
    };
    with(&edit, |w| w.add_attachment(&file, &from)).map(Some)
}

#[tauri::command]
pub fn workspace_review_due(edit: State<'_, EditState>) -> IpcResult<Vec<ReviewRow>> {
    with(&edit, |w| Ok(w.review_due(crate::today())))
}

#[tauri::command]
pub fn workspace_mark_reviewed(edit: State<'_, EditState>, id: String) -> IpcResult<String> {
    with(&edit, |w| {
        w.mark_reviewed(&id, crate::today()).map(|d| d.to_string())
    })
}

/// The form marked reviewed today, as the dashboard marks reviews, for the editor to save.
#[tauri::command]
pub fn workspace_reviewed_form(form: EntryForm) -> EntryForm {
    let mut form = form;
    mark_reviewed(&mut form, crate::today());
    form
}

#[tauri::command]
pub fn workspace_ask_approval(edit: State<'_, EditState>, id: String) -> IpcResult<()> {
    with(&edit, |w| w.ask_for_approval(&id, crate::today()))
}

#[tauri::command]
pub fn workspace_approve(edit: State<'_, EditState>, id: String, by: String) -> IpcResult<()> {
    with(&edit, |w| w.approve(&id, &by, crate::today()))
}

/// Saves the review list as CSV where the person chooses. Returns where, or `None` when they
/// cancelled.
#[tauri::command]
pub async fn workspace_save_review_csv(
    app: AppHandle,
    edit: State<'_, EditState>,
) -> IpcResult<Option<String>> {
    let name = format!("gati-reviews-due-{}.csv", crate::today());
    let Some(path) = dialogs::choose_save_path(&app, &name, "CSV spreadsheet", "csv") else {
        return Ok(None);
    };
    with(&edit, |w| w.write_review_csv(&path, crate::today()))?;
    Ok(Some(path.display().to_string()))
}

#[tauri::command]
pub fn workspace_publish_plan(edit: State<'_, EditState>) -> IpcResult<PublishPlan> {
    with(&edit, |w| Ok(w.publish_plan(crate::today())))
}

/// Asks for the folder packs are published to, and remembers it.
#[tauri::command]
pub async fn workspace_choose_publish_folder(
    app: AppHandle,
    state: State<'_, AppState>,
    edit: State<'_, EditState>,
) -> IpcResult<Option<PublishPlan>> {
    let Some(folder) = dialogs::choose_folder(&app, "Choose where to publish", "published") else {
        return Ok(None);
    };
    Remembered::change(&*state.user()?, |r| r.publish_to = Some(folder.clone()))?;
    with(&edit, |w| {
        w.set_publish_to(&folder, crate::today());
        Ok(Some(w.publish_plan(crate::today())))
    })
}

/// The signing key file: the remembered one, or one the person chooses now.
#[tauri::command]
pub async fn workspace_choose_key(
    app: AppHandle,
    state: State<'_, AppState>,
) -> IpcResult<Option<String>> {
    let Some(key) = dialogs::choose_open_path(&app, "Choose your signing key", "Secret key", "key")
    else {
        return Ok(None);
    };
    Remembered::change(&*state.user()?, |r| r.key = Some(key.clone()))?;
    Ok(Some(key.display().to_string()))
}

#[tauri::command]
pub fn workspace_key(state: State<'_, AppState>) -> IpcResult<Option<String>> {
    Ok(remembered(&state)?.key.map(|k| k.display().to_string()))
}

/// Builds, signs and publishes the folder as `version`. The key is opened first, so that a wrong
/// passphrase costs nothing.
#[tauri::command]
pub async fn workspace_publish(
    state: State<'_, AppState>,
    edit: State<'_, EditState>,
    version: String,
    passphrase: String,
) -> IpcResult<Latest> {
    let key: PathBuf = remembered(&state)?
        .key
        .ok_or_else(|| IpcError::new(ErrorCode::NotFound, "choose your signing key first"))?;
    let key = SecretKey::open(&key, passphrase)?;
    with(&edit, |w| w.publish(&version, &key, Utc::now()))
}
