// Links that leave the app: the address is shown first, and only when the person agrees does
// the shell open it in the system browser (or mail or phone app).
import { ipc } from './ipc';

export const outside = $state<{ url: string | null; error: string | null; ask: (url: string) => void }>({
  url: null,
  error: null,
  ask(url: string) {
    outside.error = null;
    outside.url = url;
  },
});

export async function confirmOutside() {
  const url = outside.url;
  if (!url) return;
  try {
    await ipc.openLink(url);
    outside.url = null;
  } catch (e) {
    outside.error = e instanceof Error ? e.message : String(e);
  }
}
