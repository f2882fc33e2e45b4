// Support plans as the whole app sees them: the plan the SENCO is adding strategies to (so that
// search and entry pages offer "Add to this plan"), and the reviews that fall due this week, for
// the quiet line at start.
import { ipc } from './ipc';
import type { PlanRow } from '../bindings/PlanRow';

export const plansState = $state<{ adding: { id: string; pupil: string } | null; dueThisWeek: PlanRow[] }>({
  adding: null,
  dueThisWeek: [],
});

export async function refreshDue() {
  try {
    plansState.dueThisWeek = await ipc.plansDueThisWeek();
  } catch {
    // The line is a reminder; without it the plans list still says what is due.
    plansState.dueThisWeek = [];
  }
}

export function planHref(id: string, print: 'none' | 'school' | 'parents' = 'none'): string {
  const tail = print === 'school' ? '/print' : print === 'parents' ? '/print-parents' : '';
  return `#/plans/${encodeURIComponent(id)}${tail}`;
}

export function longDate(d: string | null | undefined): string {
  if (!d) return 'not set';
  return new Date(`${d}T00:00:00`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
}

export function isoToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
