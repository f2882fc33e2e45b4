// The shortlist, shared by every screen that shows or changes it.
import type { HitData } from '../bindings/HitData';
import { ipc } from './ipc';

export const shortlistState = $state<{ items: HitData[] }>({ items: [] });

export function onShortlist(id: string): boolean {
  return shortlistState.items.some((i) => i.id === id);
}

export async function toggleShortlist(id: string) {
  shortlistState.items = onShortlist(id) ? await ipc.shortlistRemove(id) : await ipc.shortlistAdd(id);
}
