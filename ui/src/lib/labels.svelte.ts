// Labels for codes, from the installed pack's taxonomy, loaded once at start.
import type { Taxonomy } from '../bindings/Taxonomy';
import type { Term } from '../bindings/Term';

import type { Family } from '../bindings/Family';
import { FAMILIES } from '../bindings/families';

/** The field name of each family's codes in filters, facets and the taxonomy, from Rust. */
export const PLURAL = Object.fromEntries(FAMILIES.map((f) => [f.key, f.plural])) as Record<Family, keyof Taxonomy>;

/** The families shown as filters, in the order people meet them, with their legends. */
const LEGENDS: [Family, string][] = [
  ['area', 'Area of need'],
  ['need', 'Need'],
  ['level', 'Level of support'],
  ['phase', 'Age phase'],
  ['audience', 'Written for'],
  ['kind', 'Kind'],
  ['waiting_for', 'Waiting for'],
];
export const FILTERS = LEGENDS.map(([key, legend]) => ({ key, plural: PLURAL[key], legend }));

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
