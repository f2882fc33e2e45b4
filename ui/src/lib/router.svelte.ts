// Hash routes, so that the browser's own history gives Back and Forward, and a route is a plain
// string that records everything a screen needs (the query and filters of a search, say).

export type Route =
  | { screen: 'search'; params: URLSearchParams }
  | { screen: 'browse'; params: URLSearchParams }
  | { screen: 'entry'; id: string }
  | { screen: 'waiting'; code: string | null }
  | { screen: 'shortlist'; print: 'none' | 'summaries' | 'full' }
  | { screen: 'settings' }
  // The editors' workspace: the list of entries, one entry's form, reviews, publishing.
  | { screen: 'edit'; params: URLSearchParams }
  | { screen: 'edit-entry'; file: string }
  | { screen: 'edit-review' }
  | { screen: 'edit-publish' }
  // Support plans: the list, and one plan (or its print view, for the school or for parents).
  | { screen: 'plans'; params: URLSearchParams }
  | { screen: 'plan'; id: string; print: 'none' | 'school' | 'parents' };

function parse(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  switch (parts[0]) {
    case 'browse':
      return { screen: 'browse', params };
    case 'entry':
      return { screen: 'entry', id: parts[1] ?? '' };
    case 'waiting':
      return { screen: 'waiting', code: parts[1] ?? null };
    case 'shortlist':
      return { screen: 'shortlist', print: parts[1] === 'print' ? 'summaries' : parts[1] === 'print-full' ? 'full' : 'none' };
    case 'settings':
      return { screen: 'settings' };
    case 'plans':
      if (parts[1]) return { screen: 'plan', id: parts[1], print: parts[2] === 'print' ? 'school' : parts[2] === 'print-parents' ? 'parents' : 'none' };
      return { screen: 'plans', params };
    case 'edit':
      if (parts[1] === 'entry') return { screen: 'edit-entry', file: parts.slice(2).join('/') };
      if (parts[1] === 'review') return { screen: 'edit-review' };
      if (parts[1] === 'publish') return { screen: 'edit-publish' };
      return { screen: 'edit', params };
    default:
      return { screen: 'search', params };
  }
}

/** The screen shown, its address, and the address of the last search (for the Search tab). */
export const router = $state({
  route: parse(location.hash),
  hash: location.hash,
  lastSearch: isSearch(location.hash) ? location.hash : '#/search',
});

function isSearch(hash: string): boolean {
  return parse(hash).screen === 'search';
}

// Where each page was scrolled to, so that Back returns to the same place in a long list. Only the
// most recent pages are kept: every search typed is a page of its own.
const scrolls = new Map<string, number>();
const MAX_SCROLLS = 100;

window.addEventListener('hashchange', () => {
  clearTimeout(hashTimer);
  hashTimer = undefined;
  pendingHash = null;
  router.route = parse(location.hash);
  router.hash = location.hash;
  if (router.route.screen === 'search') router.lastSearch = location.hash || '#/search';
});

export function rememberScroll() {
  scrolls.delete(router.hash);
  scrolls.set(router.hash, window.scrollY);
  if (scrolls.size > MAX_SCROLLS) scrolls.delete(scrolls.keys().next().value!);
}

export function savedScroll(hash: string): number | undefined {
  return scrolls.get(hash);
}

// WebKit refuses more than 100 history updates in 10 seconds, and a quick typist asks for more.
// The address follows the screen at once while there is room under that limit, and otherwise as
// soon as there is room again, always ending on the newest hash. Before anything that may navigate
// (a click, Enter) the newest hash is written, so that Back returns to what was on screen.
const WINDOW_MS = 10_000;
const MAX_WRITES = 90;
const writes: number[] = [];
let pendingHash: string | null = null;
let hashTimer: ReturnType<typeof setTimeout> | undefined;

function writePendingHash() {
  clearTimeout(hashTimer);
  hashTimer = undefined;
  if (pendingHash === null) return;
  const now = performance.now();
  while (writes.length > 0 && writes[0] <= now - WINDOW_MS) writes.shift();
  if (writes.length >= MAX_WRITES) {
    hashTimer = setTimeout(writePendingHash, writes[0] + WINDOW_MS - now);
    return;
  }
  const hash = pendingHash;
  pendingHash = null;
  if (hash === location.hash) return;
  history.replaceState(null, '', hash);
  writes.push(now);
}

window.addEventListener('click', writePendingHash, true);
window.addEventListener('keydown', (e) => e.key === 'Enter' && writePendingHash(), true);

/** Changes the URL of the current screen without a new history step (typing in the search box). */
export function replaceHash(hash: string) {
  if (hash === router.hash) return;
  router.hash = hash;
  if (isSearch(hash)) router.lastSearch = hash;
  pendingHash = hash;
  if (hashTimer === undefined) writePendingHash();
}

export function searchHref(params: Record<string, string | string[] | undefined>): string {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : value ? [value] : []) out.append(key, v);
  }
  const query = out.toString();
  return query ? `#/search?${query}` : '#/search';
}

/** The address of an entry file's form in the workspace. */
export function editEntryHref(file: string): string {
  return `#/edit/entry/${file.split('/').map(encodeURIComponent).join('/')}`;
}
