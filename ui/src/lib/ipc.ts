// The one typed way to the shell. Every command the front end uses is here, with the types
// generated from Rust in ../bindings, and every failure arrives as an IpcFailure with a code
// from the shell's closed set.
import { invoke, type InvokeArgs } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { AppInfo } from '../bindings/AppInfo';
import type { DocumentFormat } from '../bindings/DocumentFormat';
import type { DraftCheck } from '../bindings/DraftCheck';
import type { EntryDraft } from '../bindings/EntryDraft';
import type { EntryForm } from '../bindings/EntryForm';
import type { EntryRow } from '../bindings/EntryRow';
import type { EntryPage } from '../bindings/EntryPage';
import type { ErrorCode } from '../bindings/ErrorCode';
import type { Grid } from '../bindings/Grid';
import type { ImportSummary } from '../bindings/ImportSummary';
import type { IpcError } from '../bindings/IpcError';
import type { Latest } from '../bindings/Latest';
import type { PackChanges } from '../bindings/PackChanges';
import type { PackMeta } from '../bindings/PackMeta';
import type { PackStatus } from '../bindings/PackStatus';
import type { Plan } from '../bindings/Plan';
import type { PlanDocument } from '../bindings/PlanDocument';
import type { PlanFilter } from '../bindings/PlanFilter';
import type { PlanRow } from '../bindings/PlanRow';
import type { Progress } from '../bindings/Progress';
import type { PublishPlan } from '../bindings/PublishPlan';
import type { Review } from '../bindings/Review';
import type { ReviewRow } from '../bindings/ReviewRow';
import type { ReadingComfort } from '../bindings/ReadingComfort';
import type { SearchRequest } from '../bindings/SearchRequest';
import type { SearchResults } from '../bindings/SearchResults';
import type { ShortlistCard } from '../bindings/ShortlistCard';
import type { Taxonomy } from '../bindings/Taxonomy';
import type { TrustedKey } from '../bindings/TrustedKey';
import type { UpdateCheck } from '../bindings/UpdateCheck';
import type { WaitingWell } from '../bindings/WaitingWell';
import type { WorkQuery } from '../bindings/WorkQuery';
import type { WorkspaceSummary } from '../bindings/WorkspaceSummary';

export class IpcFailure extends Error {
  constructor(
    readonly code: ErrorCode | 'ipc',
    message: string,
  ) {
    super(message);
  }
}

// Every screen words a failure the same way: the shell's own message, or else whatever was thrown.
export function failureMessage(e: unknown): string {
  return e instanceof IpcFailure ? e.message : String(e);
}

function isIpcError(e: unknown): e is IpcError {
  return typeof e === 'object' && e !== null && 'code' in e && 'message' in e;
}

async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw isIpcError(e) ? new IpcFailure(e.code, e.message) : new IpcFailure('ipc', String(e));
  }
}

export const ipc = {
  appInfo: () => call<AppInfo>('app_info'),
  taxonomy: () => call<Taxonomy>('taxonomy'),
  search: (request: SearchRequest) => call<SearchResults>('search', { request }),
  grid: (phase: string | null) => call<Grid>('grid', { phase }),
  entryPage: (id: string) => call<EntryPage>('entry_page', { id }),
  waitingWell: (code: string) => call<WaitingWell>('waiting_well', { code }),
  shortlist: () => call<ShortlistCard[]>('shortlist'),
  shortlistAdd: (id: string) => call<ShortlistCard[]>('shortlist_add', { id }),
  shortlistRemove: (id: string) => call<ShortlistCard[]>('shortlist_remove', { id }),
  shortlistMove: (id: string, to: number) => call<ShortlistCard[]>('shortlist_move', { id, to }),
  /** Asks where to save the shortlist as `format`; the path it went to, or null if cancelled. */
  shortlistSave: (format: DocumentFormat) => call<string | null>('shortlist_save', { format }),
  comfort: () => call<ReadingComfort>('comfort'),
  setComfort: (comfort: ReadingComfort) => call<null>('set_comfort', { comfort }),
  openAttachment: (entryId: string, name: string) =>
    call<null>('open_attachment', { entryId, name }),
  /** Asks where to save a copy; the path it went to, or null if cancelled. */
  saveAttachment: (entryId: string, name: string) =>
    call<string | null>('save_attachment', { entryId, name }),
  openLink: (url: string) => call<null>('open_link', { url }),

  /** Asks for a pack file in the system's dialog and installs it, reporting each stage to
   * `onProgress`; the new pack, or null if the person cancelled. `anyway`: the person has read a
   * refusal and is switching publisher or going back on purpose. */
  installPack: (onProgress: (p: Progress) => void, anyway: boolean) =>
    withProgress(onProgress, () => call<PackMeta | null>('install_pack', { anyway })),

  packStatus: () => call<PackStatus>('pack_status'),
  setCheckOnStart: (on: boolean) => call<null>('set_check_on_start', { on }),
  checkForUpdate: () => call<UpdateCheck>('check_for_update'),
  /** Downloads and installs the newer pack, reporting each stage to `onProgress`. */
  installUpdate: (onProgress: (p: Progress) => void) =>
    withProgress(onProgress, () => call<PackMeta>('install_update')),
  whatsNew: () => call<PackChanges | null>('whats_new'),
  dismissWhatsNew: () => call<null>('dismiss_whats_new'),
  goBack: () => call<PackMeta>('go_back'),
  trustedKeys: () => call<TrustedKey[]>('trusted_keys'),
  /** Asks for a public key file in the system's dialog and trusts it; null if cancelled. */
  trustKey: () => call<TrustedKey | null>('trust_key'),
  untrustKey: (id: string) => call<null>('untrust_key', { id }),
  // Support plans, kept in user.db on this computer.
  plansList: (filter: PlanFilter) => call<PlanRow[]>('plans_list', { filter }),
  plansDueThisWeek: () => call<PlanRow[]>('plans_due_this_week'),
  planCreate: (pupil: string) => call<Plan>('plan_create', { pupil }),
  planGet: (id: string) => call<Plan>('plan_get', { id }),
  planSave: (plan: Plan) => call<Plan>('plan_save', { plan }),
  planAddEntry: (planId: string, entryId: string) => call<Plan>('plan_add_entry', { planId, entryId }),
  planReview: (planId: string, review: Review) => call<Plan>('plan_review', { planId, review }),
  planSetDeleted: (id: string, deleted: boolean) => call<null>('plan_set_deleted', { id, deleted }),
  planPrintHtml: (id: string, kind: PlanDocument) => call<string>('plan_print_html', { id, kind }),
  planSaveDocument: (id: string, kind: PlanDocument) => call<string | null>('plan_save_document', { id, kind }),
  plansExport: (id: string | null) => call<string | null>('plans_export', { id }),
  plansImport: () => call<ImportSummary | null>('plans_import'),
  // The editors' workspace.
  workspaceResume: () => call<WorkspaceSummary | null>('workspace_resume'),
  workspaceChooseFolder: () => call<WorkspaceSummary | null>('workspace_choose_folder'),
  workspaceClose: () => call<null>('workspace_close'),
  workspaceSummary: () => call<WorkspaceSummary>('workspace_summary'),
  workspaceTaxonomy: () => call<Taxonomy | null>('workspace_taxonomy'),
  workspaceRows: (query: WorkQuery) => call<EntryRow[]>('workspace_rows', { query }),
  workspaceDraft: (file: string) => call<EntryDraft>('workspace_draft', { file }),
  workspaceCheck: (file: string, form: EntryForm) => call<DraftCheck>('workspace_check', { file, form }),
  workspacePreview: (body: string) => call<string>('workspace_preview', { body }),
  workspaceSave: (file: string, base: string, form: EntryForm) =>
    call<EntryDraft>('workspace_save', { file, base, form }),
  workspaceCompare: (file: string, form: EntryForm) => call<string[]>('workspace_compare', { file, form }),
  workspaceDelete: (file: string, base: string) => call<null>('workspace_delete', { file, base }),
  workspaceCreate: (kind: string, id: string) => call<string>('workspace_create', { kind, id }),
  workspaceAddAttachment: (file: string) => call<string | null>('workspace_add_attachment', { file }),
  workspaceReviewDue: () => call<ReviewRow[]>('workspace_review_due'),
  workspaceMarkReviewed: (id: string) => call<string>('workspace_mark_reviewed', { id }),
  workspaceReviewedForm: (form: EntryForm) => call<EntryForm>('workspace_reviewed_form', { form }),
  workspaceAskApproval: (id: string) => call<null>('workspace_ask_approval', { id }),
  workspaceApprove: (id: string, by: string) => call<null>('workspace_approve', { id, by }),
  workspaceSaveReviewCsv: () => call<string | null>('workspace_save_review_csv'),
  workspacePublishPlan: () => call<PublishPlan>('workspace_publish_plan'),
  workspaceChoosePublishFolder: () => call<PublishPlan | null>('workspace_choose_publish_folder'),
  workspaceChooseKey: () => call<string | null>('workspace_choose_key'),
  workspaceKey: () => call<string | null>('workspace_key'),
  workspacePublish: (version: string, passphrase: string) =>
    call<Latest>('workspace_publish', { version, passphrase }),
};

/** Runs an install while passing its progress events to `onProgress`. */
async function withProgress<T>(onProgress: (p: Progress) => void, run: () => Promise<T>): Promise<T> {
  const stop = await listen<Progress>('install-progress', (event) => onProgress(event.payload));
  try {
    return await run();
  } finally {
    stop();
  }
}
