// Applies reading comfort to the whole page through custom properties and data attributes on
// <html>, which the stylesheet reads. Custom properties set through the CSSOM need no inline
// style, so the strict content security policy stays intact.
import type { ReadingComfort } from '../bindings/ReadingComfort';

export function applyComfort(c: ReadingComfort) {
  const root = document.documentElement;
  root.style.setProperty('--text-size', `${c.text_size}%`);
  root.style.setProperty('--line-spacing', String(c.line_spacing));
  root.style.setProperty('--letter-spacing', `${c.letter_spacing / 100}em`);
  root.dataset.font = c.font;
  root.dataset.theme = c.theme;
  root.dataset.motion = c.reduced_motion ? 'reduce' : 'full';
}
