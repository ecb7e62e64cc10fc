// The pasted token lives in sessionStorage: it goes with the tab, never to disk for good.
const KEY = 'partnergraph.console.token';

/** The token of this tab, or ''. */
export function savedToken() {
  try {
    return sessionStorage.getItem(KEY) || '';
  } catch {
    return '';
  }
}

/** Keeps the token for this tab ('' forgets it). */
export function saveToken(t) {
  try {
    if (t) sessionStorage.setItem(KEY, t);
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage off (private mode): the console still works until the tab reloads.
  }
}

/** The token's claims, read without checking the signature (the server checks it). */
export function claims(t) {
  try {
    const part = t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4)));
  } catch {
    return null;
  }
}

/** Whether the binary serves the console in development mode (it rewrites this meta tag). */
export function devMode() {
  return document.querySelector('meta[name="partnergraph-mode"]')?.content === 'development';
}
