// The editors' workspace as the whole app sees it: whether a pack folder is open (which decides
// whether the Edit section is in the navigation) and its summary. Schools and families who never
// open a folder never see any of it.
import { ipc } from './ipc';
import type { EntryForm } from '../bindings/EntryForm';
import type { Taxonomy } from '../bindings/Taxonomy';
import type { WorkQuery } from '../bindings/WorkQuery';
import type { WorkspaceSummary } from '../bindings/WorkspaceSummary';

export const workspace = $state<{
  summary: WorkspaceSummary | null;
  problem: string | null;
  taxonomy: Taxonomy | null;
  /** True while the remembered folder is being opened at start. */
  resuming: boolean;
}>({
  summary: null,
  problem: null,
  taxonomy: null,
  resuming: false,
});

/** The list's words and filters, kept while the editor opens entries and comes back. */
export const listQuery = $state<WorkQuery>({ query: '', states: [], area: null, kind: null, owner: null });

/** Forms left with changes not saved, by file, with the hash of the file they were made from. */
export const unsaved = new Map<string, { form: EntryForm; base: string }>();

/** The folder's own taxonomy, which the form's code choices and the list's labels come from. */
export async function loadTaxonomy() {
  workspace.taxonomy = await ipc.workspaceTaxonomy();
}

/** Opens the remembered folder at start. A folder that has gone is reported, not fatal. */
export async function resumeWorkspace() {
  workspace.resuming = true;
  try {
    workspace.summary = await ipc.workspaceResume();
    workspace.problem = null;
  } catch (e) {
    workspace.summary = null;
    workspace.problem = e instanceof Error ? e.message : String(e);
  }
  workspace.resuming = false;
}

export async function refreshSummary() {
  workspace.summary = await ipc.workspaceSummary();
}

/** The labels of the workspace's sub-screens, for its own navigation. */
export const EDIT_SECTIONS = [
  { href: '#/edit', screen: 'edit', text: 'Entries' },
  { href: '#/edit/review', screen: 'edit-review', text: 'Reviews' },
  { href: '#/edit/publish', screen: 'edit-publish', text: 'Publish' },
] as const;
