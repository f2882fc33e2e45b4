// The shortlist, shared by every screen that shows or changes it.
import type { ShortlistCard } from '../bindings/ShortlistCard';
import { ipc } from './ipc';

export const shortlistState = $state<{ items: ShortlistCard[] }>({ items: [] });

export function onShortlist(id: string): boolean {
  return shortlistState.items.some((i) => i.id === id);
}

export async function toggleShortlist(id: string) {
  shortlistState.items = onShortlist(id) ? await ipc.shortlistRemove(id) : await ipc.shortlistAdd(id);
}
