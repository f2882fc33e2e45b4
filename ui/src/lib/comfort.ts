// Applies reading comfort to the whole page through custom properties and data attributes on
// <html>, which the stylesheet reads. Custom properties set through the CSSOM need no inline
// style, so the strict content security policy stays intact.
import type { ReadingComfort } from '../bindings/ReadingComfort';
import { DEFAULT_COMFORT } from '../bindings/comfort-defaults';
import { failureMessage, ipc } from './ipc';

export function applyComfort(c: ReadingComfort) {
  const root = document.documentElement;
  root.style.setProperty('--text-size', `${c.text_size}%`);
  root.style.setProperty('--line-spacing', String(c.line_spacing));
  root.style.setProperty('--letter-spacing', `${c.letter_spacing / 100}em`);
  root.dataset.font = c.font;
  root.dataset.theme = c.theme;
  root.dataset.motion = c.reduced_motion ? 'reduce' : 'full';
}

/**
 * Loads the saved reading comfort and applies it. If it cannot be loaded, the default look is
 * applied instead and the reason is returned with it: a settings problem must never stop the app
 * from opening, but the person should be told why their choices are not in use.
 */
export async function loadComfort(): Promise<{ comfort: ReadingComfort; problem: string | null }> {
  let comfort = { ...DEFAULT_COMFORT };
  let problem: string | null = null;
  try {
    comfort = await ipc.comfort();
  } catch (e) {
    problem = failureMessage(e);
  }
  applyComfort(comfort);
  return { comfort, problem };
}
