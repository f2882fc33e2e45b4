// Labels for codes, from the installed pack's taxonomy, loaded once at start.
import type { Taxonomy } from '../bindings/Taxonomy';
import type { Term } from '../bindings/Term';

import type { Family } from '../bindings/Family';
import { FAMILIES } from '../bindings/families';

/** The field name of each family's codes in filters, facets and the taxonomy, from Rust. */
export const PLURAL = Object.fromEntries(FAMILIES.map((f) => [f.key, f.plural])) as Record<Family, keyof Taxonomy>;

/** The families shown as filters, the most used first, with their legends. The long ones are
 * folded behind a count of what is ticked, so that the results stay near. */
const LEGENDS: [Family, string, boolean][] = [
  ['phase', 'Age phase', false],
  ['level', 'Level of support', false],
  ['audience', 'Written for', false],
  ['kind', 'Kind', false],
  ['area', 'Area of need', false],
  ['need', 'Need', true],
  ['waiting_for', 'Waiting for', true],
];
export const FILTERS = LEGENDS.map(([key, legend, folded]) => ({ key, plural: PLURAL[key], legend, folded }));

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

/** Levels of support in the words of families, for entries written for them: "targeted" and
 * "specialist and statutory" are the words of professionals. */
const FAMILY_LEVELS: Record<string, string> = {
  universal: 'For every child',
  targeted: 'Extra help',
  specialist: 'Specialist help',
};

/** The label of a level for an entry written for `audiences`. */
export function levelLabel(level: string, audiences: string[]): string {
  const forFamilies = !audiences.includes('practitioner');
  return (forFamilies && FAMILY_LEVELS[level]) || label('levels', level);
}
