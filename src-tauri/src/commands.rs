//! The commands the front end invokes. Each takes the state, calls the core and maps the error;
//! none touches SQL, tantivy or the pack format.
//!
//! Those that search or read the pack are `async`: Tauri runs them on its thread pool rather than
//! on the main thread, so the window never waits on them, and a defect that made one panic would
//! end that one task rather than the window's event loop.

use std::path::PathBuf;

use gati_core::ErrorCode;
use gati_core::comfort::ReadingComfort;
use gati_core::entry::HitData;
use gati_core::library::PackMeta;
use gati_core::library::Progress;
use gati_core::search::{SearchRequest, SearchResults};
use gati_core::taxonomy::Taxonomy;
use gati_core::views::entry_page::{self, EntryPage};
use gati_core::views::grid::{self, Grid};
use gati_core::views::shortlist;
use gati_core::views::waiting_well::{self, WaitingWell};
use serde::Serialize;
use tauri::ipc::{InvokeBody, Request};
use tauri::{AppHandle, Emitter, State};
use tauri_plugin_opener::OpenerExt;

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
pub fn shortlist(state: State<'_, AppState>) -> IpcResult<Vec<HitData>> {
    Ok(shortlist::shortlist(&*state.catalogue()?, &*state.user()?)?)
}

#[tauri::command]
pub fn shortlist_add(state: State<'_, AppState>, id: String) -> IpcResult<Vec<HitData>> {
    let catalogue = state.catalogue()?;
    // Only entries of the installed pack can be added.
    catalogue.entry(&id)?;
    let user = state.user()?;
    user.shortlist_add(&id, &crate::today().to_string())?;
    Ok(shortlist::shortlist(&catalogue, &user)?)
}

#[tauri::command]
pub fn shortlist_remove(state: State<'_, AppState>, id: String) -> IpcResult<Vec<HitData>> {
    let user = state.user()?;
    user.shortlist_remove(&id)?;
    Ok(shortlist::shortlist(&*state.catalogue()?, &user)?)
}

#[tauri::command]
pub fn shortlist_move(
    state: State<'_, AppState>,
    id: String,
    to: usize,
) -> IpcResult<Vec<HitData>> {
    let mut user = state.user()?;
    user.shortlist_move(&id, to)?;
    Ok(shortlist::shortlist(&*state.catalogue()?, &user)?)
}

/// Writes the shortlist as Markdown into the Downloads folder and returns where.
#[tauri::command]
pub fn shortlist_export(state: State<'_, AppState>) -> IpcResult<String> {
    let path = shortlist::export(
        &*state.catalogue()?,
        &*state.user()?,
        crate::today(),
        &downloads()?,
    )?;
    Ok(path.display().to_string())
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
    app.opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(|e| io_error(format!("could not open {}: {e}", path.display())))
}

/// Saves a copy of an attachment into the Downloads folder and returns where.
#[tauri::command]
pub fn save_attachment(
    state: State<'_, AppState>,
    entry_id: String,
    name: String,
) -> IpcResult<String> {
    let path = state
        .catalogue()?
        .save_attachment(&entry_id, &name, &downloads()?)?;
    Ok(path.display().to_string())
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

/// Installs a pack file sent as the raw request body, reporting progress as events. The file is
/// checked whole before anything installed changes; on any failure the old pack stays in use.
#[tauri::command]
pub async fn install_pack(
    app: AppHandle,
    state: State<'_, AppState>,
    request: Request<'_>,
) -> IpcResult<PackMeta> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(IpcError::new(
            ErrorCode::BadRequest,
            "the pack file must be sent as raw bytes",
        ));
    };
    // The file keeps the name the person chose, so that any error message names their file.
    let name = request
        .headers()
        .get("x-pack-name")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("pack.gatipack");
    // Installs are serialised by the library's own lock, across processes and within this one.
    let state = state.inner();
    let emit = |p: Progress| {
        // A progress event that cannot be delivered must not stop the install.
        let _ = app.emit(INSTALL_PROGRESS, p);
    };
    state
        .library()?
        .install_bytes(name, bytes, crate::today(), &mut { emit })?;
    Ok(state.reload()?.meta().clone())
}

fn downloads() -> IpcResult<PathBuf> {
    directories::UserDirs::new()
        .and_then(|d| {
            d.download_dir()
                .map(PathBuf::from)
                .or_else(|| Some(d.home_dir().to_path_buf()))
        })
        .ok_or_else(|| io_error("no Downloads or home folder to save into"))
}
