// Hash routes, so that the browser's own history gives Back and Forward, and a route is a plain
// string that records everything a screen needs (the query and filters of a search, say).

export type Route =
  | { screen: 'search'; params: URLSearchParams }
  | { screen: 'browse'; params: URLSearchParams }
  | { screen: 'entry'; id: string }
  | { screen: 'waiting'; code: string | null }
  | { screen: 'shortlist'; print: boolean }
  | { screen: 'settings' };

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
      return { screen: 'shortlist', print: parts[1] === 'print' };
    case 'settings':
      return { screen: 'settings' };
    default:
      return { screen: 'search', params };
  }
}

export const router = $state({ route: parse(location.hash), hash: location.hash });

// Where each page was scrolled to, so that Back returns to the same place in a long list.
const scrolls = new Map<string, number>();

window.addEventListener('hashchange', () => {
  router.route = parse(location.hash);
  router.hash = location.hash;
});

export function rememberScroll() {
  scrolls.set(location.hash, window.scrollY);
}

export function savedScroll(hash: string): number | undefined {
  return scrolls.get(hash);
}

/** Changes the URL of the current screen without a new history step (typing in the search box). */
export function replaceHash(hash: string) {
  if (hash !== location.hash) {
    history.replaceState(null, '', hash);
    router.hash = hash;
  }
}

export function searchHref(params: Record<string, string | string[] | undefined>): string {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : value ? [value] : []) out.append(key, v);
  }
  const query = out.toString();
  return query ? `#/search?${query}` : '#/search';
}
