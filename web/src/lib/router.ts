import { useSyncExternalStore } from 'react';

/** The pages of the app. Paths are matched on `location.pathname` only. */
export type Route =
  | { page: 'dashboard' }
  | { page: 'admin-delegations' }
  | { page: 'admin-user'; username: string }
  | { page: 'admin-audit' }
  | { page: 'not-found'; path: string };

export function matchRoute(path: string): Route {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (trimmed === '/') return { page: 'dashboard' };
  if (trimmed === '/admin') return { page: 'admin-delegations' };
  if (trimmed === '/admin/audit') return { page: 'admin-audit' };

  const user = /^\/admin\/users\/([^/]+)$/.exec(trimmed);
  if (user?.[1]) {
    try {
      return { page: 'admin-user', username: decodeURIComponent(user[1]) };
    } catch {
      return { page: 'not-found', path };
    }
  }
  return { page: 'not-found', path };
}

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

function currentPath(): string {
  return window.location.pathname;
}

export function navigate(path: string): void {
  if (path === currentPath() + window.location.search) return;
  window.history.pushState(null, '', path);
  for (const listener of listeners) listener();
  window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const path = useSyncExternalStore(subscribe, currentPath);
  return matchRoute(path);
}

export function userPath(username: string): string {
  return `/admin/users/${encodeURIComponent(username)}`;
}
