//! The commands the front end invokes. Each takes the state, calls the core and maps the error;
//! none touches SQL, tantivy or the pack format.
//!
//! Those that search or read the pack are `async`: Tauri runs them on its thread pool rather than
//! on the main thread, so the window never waits on them, and a defect that made one panic would
//! end that one task rather than the window's event loop.

use gati_core::ErrorCode;
use gati_core::comfort::ReadingComfort;
use gati_core::library::Progress;
use gati_core::library::{Consent, PackMeta};
use gati_core::search::{SearchRequest, SearchResults};
use gati_core::taxonomy::Taxonomy;
use gati_core::views::entry_page::{self, EntryPage};
use gati_core::views::grid::{self, Grid};
use gati_core::views::shortlist::{self, DocumentFormat, ShortlistCard};
use gati_core::views::waiting_well::{self, WaitingWell};
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use tauri_plugin_opener::OpenerExt;

use crate::dialogs;
use crate::error::{IpcError, IpcResult, io_error};
use crate::state::AppState;

/// The event that carries install progress to the front end.
pub const INSTALL_PROGRESS: &str = "install-progress";

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct AppInfo {
    pub version: String,
    pub library: String,
    pub pack: Option<PackMeta>,
    /// Why no pack can be read, when none can.
    pub problem: Option<IpcError>,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    let (pack, problem) = match state.catalogue() {
        Ok(c) => (Some(c.meta().clone()), None),
        Err(e) => (None, Some(e)),
    };
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        library: state.location.clone(),
        pack,
        problem,
    }
}

#[tauri::command]
pub fn taxonomy(state: State<'_, AppState>) -> IpcResult<Taxonomy> {
    Ok(state.catalogue()?.taxonomy().clone())
}

#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    request: SearchRequest,
) -> IpcResult<SearchResults> {
    Ok(state.catalogue()?.search(&request)?)
}

#[tauri::command]
pub async fn grid(state: State<'_, AppState>, phase: Option<String>) -> IpcResult<Grid> {
    Ok(grid::grid(&*state.catalogue()?, phase.as_deref())?)
}

#[tauri::command]
pub async fn entry_page(state: State<'_, AppState>, id: String) -> IpcResult<EntryPage> {
    Ok(entry_page::entry_page(&*state.catalogue()?, &id)?)
}

#[tauri::command]
pub async fn waiting_well(state: State<'_, AppState>, code: String) -> IpcResult<WaitingWell> {
    Ok(waiting_well::waiting_well(&*state.catalogue()?, &code)?)
}

#[tauri::command]
pub fn shortlist(state: State<'_, AppState>) -> IpcResult<Vec<ShortlistCard>> {
    Ok(shortlist::shortlist(&*state.catalogue()?, &*state.user()?)?)
}

#[tauri::command]
pub fn shortlist_add(state: State<'_, AppState>, id: String) -> IpcResult<Vec<ShortlistCard>> {
    let catalogue = state.catalogue()?;
    // Only entries of the installed pack can be added.
    catalogue.entry(&id)?;
    let user = state.user()?;
    user.shortlist_add(&id, &crate::today().to_string())?;
    Ok(shortlist::shortlist(&catalogue, &user)?)
}

#[tauri::command]
pub fn shortlist_remove(state: State<'_, AppState>, id: String) -> IpcResult<Vec<ShortlistCard>> {
    let user = state.user()?;
    user.shortlist_remove(&id)?;
    Ok(shortlist::shortlist(&*state.catalogue()?, &user)?)
}

#[tauri::command]
pub fn shortlist_move(
    state: State<'_, AppState>,
    id: String,
    to: usize,
) -> IpcResult<Vec<ShortlistCard>> {
    let mut user = state.user()?;
    user.shortlist_move(&id, to)?;
    Ok(shortlist::shortlist(&*state.catalogue()?, &user)?)
}

/// Saves the shortlist, with every entry's full text, where the person chooses in the system's
/// save dialog. Returns where it went, or nothing when they cancelled.
#[tauri::command]
pub async fn shortlist_save(
    app: AppHandle,
    state: State<'_, AppState>,
    format: DocumentFormat,
) -> IpcResult<Option<String>> {
    let today = crate::today();
    let offered = format.file_name(today);
    let Some(path) =
        dialogs::choose_save_path(&app, &offered, format.description(), format.extension())
    else {
        return Ok(None);
    };
    shortlist::save_as(&*state.catalogue()?, &*state.user()?, format, today, &path)?;
    Ok(Some(path.display().to_string()))
}

#[tauri::command]
pub fn comfort(state: State<'_, AppState>) -> IpcResult<ReadingComfort> {
    Ok(ReadingComfort::load(&*state.user()?)?)
}

#[tauri::command]
pub fn set_comfort(state: State<'_, AppState>, comfort: ReadingComfort) -> IpcResult<()> {
    Ok(comfort.save(&*state.user()?)?)
}

/// Opens an attachment in the system's own app for its type, from a copy in the library.
#[tauri::command]
pub fn open_attachment(
    app: AppHandle,
    state: State<'_, AppState>,
    entry_id: String,
    name: String,
) -> IpcResult<()> {
    let path = state
        .library()?
        .attachment_copy(&*state.catalogue()?, &entry_id, &name)?;
    // The launcher's own error ("gio open ... failed with exit status 2") means nothing to a
    // reader; the usual cause is that no program on the computer opens files of this type.
    app.opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(|_| {
            let kind = path.extension().map_or("this kind of".to_string(), |e| {
                format!(".{}", e.to_string_lossy())
            });
            IpcError::new(
                ErrorCode::Io,
                format!(
                    "No program on this computer opens {kind} files, so {name} could not be \
                     opened. Use “Save a copy” and open it from where you save it."
                ),
            )
        })
}

/// Saves a copy of an attachment where the person chooses in the system's save dialog. Returns
/// where it went, or nothing when they cancelled.
#[tauri::command]
pub async fn save_attachment(
    app: AppHandle,
    state: State<'_, AppState>,
    entry_id: String,
    name: String,
) -> IpcResult<Option<String>> {
    let catalogue = state.catalogue()?;
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e).to_string();
    let Some(path) = dialogs::choose_save_path(&app, &name, "Attachment", &extension) else {
        return Ok(None);
    };
    catalogue.save_attachment_as(&entry_id, &name, &path)?;
    Ok(Some(path.display().to_string()))
}

/// Opens a link in the system browser, mail or phone app. Only these schemes pass: a link can
/// never open a file or run anything.
#[tauri::command]
pub fn open_link(app: AppHandle, url: String) -> IpcResult<()> {
    const ALLOWED: [&str; 4] = ["https://", "http://", "mailto:", "tel:"];
    if !ALLOWED.iter().any(|s| url.starts_with(s)) {
        return Err(IpcError::new(
            ErrorCode::BadRequest,
            format!("`{url}` is not a web, email or phone link"),
        ));
    }
    app.opener()
        .open_url(&url, None::<&str>)
        .map_err(|e| io_error(format!("could not open {url}: {e}")))
}

/// Asks for a pack file in the system's open dialog and installs it, reporting progress as
/// events. The file is checked whole before anything installed changes; on any failure the old
/// pack stays in use. Returns the new pack, or nothing when the person cancelled.
///
/// `anyway` is the person's answer to a refusal they have read: they are switching publisher, or
/// going back to an older pack on purpose. A pack that is unsigned or signed with a key this
/// computer does not trust is refused whatever they say.
#[tauri::command]
pub async fn install_pack(
    app: AppHandle,
    state: State<'_, AppState>,
    anyway: bool,
) -> IpcResult<Option<PackMeta>> {
    let Some(path) =
        dialogs::choose_open_path(&app, "Choose a pack file", "GATI resource pack", "gatipack")
    else {
        return Ok(None);
    };
    // Installs are serialised by the library's own lock, across processes and within this one.
    let state = state.inner();
    let emit = |p: Progress| {
        // A progress event that cannot be delivered must not stop the install.
        let _ = app.emit(INSTALL_PROGRESS, p);
    };
    state.library()?.install(
        &path,
        crate::today(),
        Consent {
            unsigned: false,
            other_publisher: anyway,
            older: anyway,
        },
        &mut { emit },
    )?;
    Ok(Some(state.reload()?.meta().clone()))
}
