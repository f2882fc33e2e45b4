//! The commands of support plans: list, open, save, add entries, review, delete and undo, and
//! the documents and files that leave the app only where the person chooses. Plans live in
//! `user.db`; `gati_core::plans` does the work.

use gati_core::plans::{self, ImportSummary, Plan, PlanDocument, PlanFilter, PlanRow, Review};
use gati_core::taxonomy::Taxonomy;
use tauri::{AppHandle, State};

use crate::dialogs;
use crate::error::IpcResult;
use crate::state::AppState;

/// The installed pack's taxonomy, which plans' codes are checked against; none without a pack.
fn taxonomy(state: &AppState) -> Option<Taxonomy> {
    state.catalogue().ok().map(|c| c.taxonomy().clone())
}

#[tauri::command]
pub fn plans_list(state: State<'_, AppState>, filter: PlanFilter) -> IpcResult<Vec<PlanRow>> {
    Ok(plans::list(&*state.user()?, &filter, crate::today())?)
}

#[tauri::command]
pub fn plans_due_this_week(state: State<'_, AppState>) -> IpcResult<Vec<PlanRow>> {
    Ok(plans::due_this_week(&*state.user()?, crate::today())?)
}

#[tauri::command]
pub fn plan_create(state: State<'_, AppState>, pupil: String) -> IpcResult<Plan> {
    Ok(plans::create(&mut *state.user()?, &pupil, crate::today())?)
}

#[tauri::command]
pub fn plan_get(state: State<'_, AppState>, id: String) -> IpcResult<Plan> {
    Ok(state.user()?.plan(&id)?)
}

/// Saves the plan whole, in one transaction, and returns it as saved.
#[tauri::command]
pub fn plan_save(state: State<'_, AppState>, plan: Plan) -> IpcResult<Plan> {
    let mut plan = plan;
    let taxonomy = taxonomy(&state);
    plans::save(&mut *state.user()?, &mut plan, taxonomy.as_ref())?;
    Ok(plan)
}

#[tauri::command]
pub fn plan_add_entry(
    state: State<'_, AppState>,
    plan_id: String,
    entry_id: String,
) -> IpcResult<Plan> {
    let catalogue = state.catalogue()?;
    Ok(plans::add_entry(
        &mut *state.user()?,
        &catalogue,
        &plan_id,
        &entry_id,
        crate::today(),
    )?)
}

/// Records the current cycle's review and starts the next.
#[tauri::command]
pub fn plan_review(state: State<'_, AppState>, plan_id: String, review: Review) -> IpcResult<Plan> {
    let taxonomy = taxonomy(&state);
    Ok(plans::review(
        &mut *state.user()?,
        &plan_id,
        review,
        taxonomy.as_ref(),
    )?)
}

/// Deletes a plan, or brings it back: a deleted plan can be brought back until the app closes.
#[tauri::command]
pub fn plan_set_deleted(state: State<'_, AppState>, id: String, deleted: bool) -> IpcResult<()> {
    Ok(state.user()?.set_plan_deleted(&id, deleted)?)
}

/// The plan as the print view shows it: the same words as its Word document, as escaped HTML.
#[tauri::command]
pub fn plan_print_html(
    state: State<'_, AppState>,
    id: String,
    kind: PlanDocument,
) -> IpcResult<String> {
    let plan = state.user()?.plan(&id)?;
    let catalogue = state.catalogue().ok();
    Ok(plans::plan_html(
        &plan,
        catalogue.as_deref(),
        kind,
        crate::today(),
    ))
}

/// Saves the plan's Word document where the person chooses. Returns where, or `None` when they
/// cancelled.
#[tauri::command]
pub async fn plan_save_document(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    kind: PlanDocument,
) -> IpcResult<Option<String>> {
    let plan = state.user()?.plan(&id)?;
    let today = crate::today();
    let for_parents = if kind == PlanDocument::Parents {
        "-for-parents"
    } else {
        ""
    };
    let name = format!("support-plan{for_parents}-{today}.docx");
    let Some(path) = dialogs::choose_save_path(&app, &name, "Word document", "docx") else {
        return Ok(None);
    };
    let catalogue = state.catalogue().ok();
    plans::write_document(&plan, catalogue.as_deref(), kind, today, &path)?;
    Ok(Some(path.display().to_string()))
}

/// Saves plans as JSON (one, or all when `id` is `None`) where the person chooses.
#[tauri::command]
pub async fn plans_export(
    app: AppHandle,
    state: State<'_, AppState>,
    id: Option<String>,
) -> IpcResult<Option<String>> {
    let name = format!("gati-plans-{}.json", crate::today());
    let Some(path) = dialogs::choose_save_path(&app, &name, "GATI plans file", "json") else {
        return Ok(None);
    };
    let ids = id.map(|id| vec![id]);
    plans::write_export(&*state.user()?, ids.as_deref(), &path)?;
    Ok(Some(path.display().to_string()))
}

/// Imports a plans file the person chooses: checked whole first, and a bad file adds nothing.
#[tauri::command]
pub async fn plans_import(
    app: AppHandle,
    state: State<'_, AppState>,
) -> IpcResult<Option<ImportSummary>> {
    let Some(path) =
        dialogs::choose_open_path(&app, "Choose a plans file", "GATI plans file", "json")
    else {
        return Ok(None);
    };
    let taxonomy = taxonomy(&state);
    Ok(Some(plans::import_file(
        &mut *state.user()?,
        &path,
        taxonomy.as_ref(),
    )?))
}
