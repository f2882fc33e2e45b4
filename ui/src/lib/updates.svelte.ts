// The installed pack's status and its updates, shared by Settings and the search screen: what a
// check found, what changed in the last update, and whether the pack is getting old.
import type { PackChanges } from '../bindings/PackChanges';
import type { PackMeta } from '../bindings/PackMeta';
import type { PackStatus } from '../bindings/PackStatus';
import type { Progress } from '../bindings/Progress';
import type { UpdateCheck } from '../bindings/UpdateCheck';
import { failureMessage, ipc, IpcFailure } from './ipc';

export type CheckState =
  | { state: 'idle' }
  | { state: 'checking' }
  | UpdateCheck
  | { state: 'failed'; message: string; code: string };

export const updates = $state<{
  status: PackStatus | null;
  check: CheckState;
  whatsNew: PackChanges | null;
}>({ status: null, check: { state: 'idle' }, whatsNew: null });

/** Reads the pack's status and what's new, after start, an install or going back. */
export async function refreshUpdates() {
  try {
    [updates.status, updates.whatsNew] = await Promise.all([ipc.packStatus(), ipc.whatsNew()]);
  } catch {
    // The screens that need these say why when they are opened; a missing notice is no harm.
    updates.status = null;
    updates.whatsNew = null;
  }
}

/** Asks the update location whether a newer pack is there. Being offline is normal: the result
 * is one quiet line. */
export async function checkForUpdate() {
  updates.check = { state: 'checking' };
  try {
    updates.check = await ipc.checkForUpdate();
  } catch (e) {
    updates.check = { state: 'failed', message: failureMessage(e), code: e instanceof IpcFailure ? e.code : 'ipc' };
  }
}

/** At start, when the person has it on and the app has not looked today. */
export async function checkOnStart() {
  await refreshUpdates();
  if (updates.status?.check_due) await checkForUpdate();
}

export async function installUpdate(onProgress: (p: Progress) => void): Promise<PackMeta> {
  const meta = await ipc.installUpdate(onProgress);
  updates.check = { state: 'idle' };
  await refreshUpdates();
  return meta;
}

export async function dismissWhatsNew() {
  await ipc.dismissWhatsNew();
  updates.whatsNew = null;
}

/** A date as people write it: 25 November 2026. */
export function longDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
}

/** "pack 2026.11.0 of 25 November 2026". */
export function packName(meta: PackMeta): string {
  return `pack ${meta.version} of ${longDate(meta.created)}`;
}

// What each field of an entry is called for people reading what changed.
const FIELD_NAMES: Record<string, string> = {
  body: 'text',
  summary: 'summary',
  title: 'title',
  service: 'contact details',
  related: 'related entries',
  attachments: 'files',
  needs: 'needs',
  levels: 'level of support',
  phases: 'age phase',
  audiences: 'who it is for',
  waiting_for: 'waiting for',
  review_by: 'review date',
  last_reviewed: 'review date',
  sources: 'sources',
};

export function fieldNames(fields: string[]): string {
  return [...new Set(fields.map((f) => FIELD_NAMES[f] ?? f.replace(/_/g, ' ')))].join(', ');
}
