import { useSyncExternalStore } from 'react';

export type Route =
  | { page: 'group'; slug: string }
  | { page: 'event'; slug: string }
  | { page: 'dm'; user: string | undefined }
  | { page: 'room'; roomId: string };

export const HOME: Route = { page: 'group', slug: 'hikers' };

/** `#/group/hikers`, `#/event/summit-2026`, `#/dm`, `#/dm/bob`, `#/room/!id:server`; else the group. */
export function parseRoute(hash: string): Route {
  const [page, ...rest] = hash.replace(/^#\/?/, '').split('/');
  const arg = rest.length > 0 ? decodeURIComponent(rest.join('/')) : undefined;
  if (page === 'group' && arg) return { page, slug: arg };
  if (page === 'event' && arg) return { page, slug: arg };
  if (page === 'dm') return { page, user: arg };
  if (page === 'room' && arg) return { page, roomId: arg };
  return HOME;
}

export function routeHref(route: Route): string {
  switch (route.page) {
    case 'group':
    case 'event':
      return `#/${route.page}/${encodeURIComponent(route.slug)}`;
    case 'dm':
      return route.user ? `#/dm/${encodeURIComponent(route.user)}` : '#/dm';
    case 'room':
      return `#/room/${encodeURIComponent(route.roomId)}`;
  }
}

const subscribe = (listener: () => void) => {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
};

/**
 * The page from the URL hash: any static server can serve the app, and every page has a link.
 * Returns the hash string (stable between renders); parse it with `parseRoute`.
 */
export function useHash(): string {
  return useSyncExternalStore(
    subscribe,
    () => window.location.hash,
    () => '',
  );
}
