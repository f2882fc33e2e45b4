// Labels for codes, from the installed pack's taxonomy, loaded once at start.
import type { Taxonomy } from '../bindings/Taxonomy';
import type { Term } from '../bindings/Term';

export type FamilyKey = 'area' | 'need' | 'level' | 'step' | 'phase' | 'audience' | 'kind' | 'waiting_for';

/** The families shown as filters, with the facet (plural) name the search results use. */
export const FILTERS: { key: FamilyKey; plural: keyof Taxonomy; legend: string }[] = [
  { key: 'area', plural: 'areas', legend: 'Area of need' },
  { key: 'need', plural: 'needs', legend: 'Need' },
  { key: 'level', plural: 'levels', legend: 'Level of support' },
  { key: 'phase', plural: 'phases', legend: 'Age phase' },
  { key: 'audience', plural: 'audiences', legend: 'Written for' },
  { key: 'kind', plural: 'kinds', legend: 'Kind' },
  { key: 'waiting_for', plural: 'waiting_for', legend: 'Waiting for' },
];

export const taxonomyState = $state<{ value: Taxonomy | null }>({ value: null });

export function terms(plural: keyof Taxonomy): Term[] {
  return taxonomyState.value?.[plural] ?? [];
}

export function label(plural: keyof Taxonomy, code: string): string {
  return terms(plural).find((t) => t.code === code)?.label ?? code;
}

export function labels(plural: keyof Taxonomy, codes: string[]): string {
  return codes.map((c) => label(plural, c)).join(', ');
}
