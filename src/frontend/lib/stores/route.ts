// A hash router (#/models, #/playground?model=3, #/jobs/12): an asset canister serves one index.html, and the hash
// never reaches the server.
import { readable } from 'svelte/store';

export type Route = { page: string; id: string | undefined; params: URLSearchParams };

export function parseHash(hash: string): Route {
  const [path, query] = hash.replace(/^#\/?/, '').split('?', 2);
  const [page, id] = path.split('/').filter((p) => p !== '');
  return { page: page ?? '', id, params: new URLSearchParams(query ?? '') };
}

export const route = readable<Route>(parseHash(typeof location === 'undefined' ? '' : location.hash), (set) => {
  const update = () => set(parseHash(location.hash));
  window.addEventListener('hashchange', update);
  return () => window.removeEventListener('hashchange', update);
});

export function go(path: string): void {
  location.hash = `#/${path.replace(/^\//, '')}`;
}
