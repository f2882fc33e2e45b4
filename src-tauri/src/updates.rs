//! The commands for keeping the pack up to date: its status, checking the update location,
//! downloading and installing a newer pack (progress as events), what's new, going back, and the
//! publisher keys this computer trusts. The core does the work; downloads happen here in Rust,
//! never in the web view, whose content security policy allows no network at all.

use gati_core::ErrorCode;
use gati_core::changes::PackChanges;
use gati_core::library::{PackMeta, Progress};
use gati_core::signing::TrustedKey;
use gati_core::update::{self, Timeouts, UpdateCheck};
use gati_core::views::pack_status::{self, PackStatus};
use tauri::{AppHandle, Emitter, State};

use crate::commands::INSTALL_PROGRESS;
use crate::dialogs;
use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

#[tauri::command]
pub fn pack_status(state: State<'_, AppState>) -> IpcResult<PackStatus> {
    let user = state.user()?;
    Ok(pack_status::pack_status(
        state.library()?,
        &user,
        crate::today(),
    )?)
}

#[tauri::command]
pub fn set_check_on_start(state: State<'_, AppState>, on: bool) -> IpcResult<()> {
    Ok(pack_status::set_check_on_start(&*state.user()?, on)?)
}

/// Reads the update location's `latest.json` and says whether a newer pack is there. A check that
/// succeeded counts as today's, so the app does not look again at its next start; one that failed
/// is tried again at the next start.
#[tauri::command]
pub async fn check_for_update(state: State<'_, AppState>) -> IpcResult<UpdateCheck> {
    let installed = installed(&state)?;
    let (_, found) = update::check_installed(&installed, Timeouts::default())?;
    pack_status::record_check(&*state.user()?, crate::today())?;
    Ok(found)
}

/// Downloads and installs the newer pack the update location offers, reporting progress as
/// events. Its signature is checked before anything installed changes.
#[tauri::command]
pub async fn install_update(app: AppHandle, state: State<'_, AppState>) -> IpcResult<PackMeta> {
    let state = state.inner();
    let installed = installed(state)?;
    let (channel, found) = update::check_installed(&installed, Timeouts::default())?;
    let UpdateCheck::Available { latest } = found else {
        return Err(IpcError::new(
            ErrorCode::NotFound,
            format!("pack {} is already the newest", installed.version),
        ));
    };
    let emit = |p: Progress| {
        // A progress event that cannot be delivered must not stop the update.
        let _ = app.emit(INSTALL_PROGRESS, p);
    };
    state.library()?.install_update(
        &channel,
        &latest,
        Timeouts::default(),
        crate::today(),
        &mut { emit },
    )?;
    Ok(state.reload()?.meta().clone())
}

#[tauri::command]
pub fn whats_new(state: State<'_, AppState>) -> IpcResult<Option<PackChanges>> {
    Ok(pack_status::whats_new(state.library()?, &*state.user()?)?)
}

#[tauri::command]
pub fn dismiss_whats_new(state: State<'_, AppState>) -> IpcResult<()> {
    Ok(pack_status::dismiss_whats_new(
        state.library()?,
        &*state.user()?,
    )?)
}

/// Goes back to the pack installed before this one; the shortlist and settings stay as they are.
#[tauri::command]
pub async fn go_back(state: State<'_, AppState>) -> IpcResult<PackMeta> {
    state.library()?.go_back()?;
    Ok(state.reload()?.meta().clone())
}

#[tauri::command]
pub fn trusted_keys(state: State<'_, AppState>) -> IpcResult<Vec<TrustedKey>> {
    Ok(state.library()?.trust()?.keys().to_vec())
}

/// Asks for a publisher's public key file and trusts it. The front end has already said what
/// trusting a key means and the person agreed. `None` when they cancelled the dialog.
#[tauri::command]
pub async fn trust_key(
    app: AppHandle,
    state: State<'_, AppState>,
) -> IpcResult<Option<TrustedKey>> {
    let Some(path) =
        dialogs::choose_open_path(&app, "Choose a publisher's key", "Public key", "pub")
    else {
        return Ok(None);
    };
    Ok(Some(state.library()?.trust_add_file(&path)?))
}

#[tauri::command]
pub fn untrust_key(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    Ok(state.library()?.trust_remove(&id)?)
}

fn installed(state: &AppState) -> IpcResult<PackMeta> {
    state
        .library()?
        .installed()?
        .ok_or_else(|| IpcError::new(ErrorCode::EmptyLibrary, "no pack is installed"))
}
