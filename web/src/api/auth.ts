/**
 * The one place that knows how the browser proves who it is. Today: the bearer token returned by
 * POST /api/v1/auth/login, kept in sessionStorage (gone when the tab closes). Switching to cookie
 * sessions later changes only this module: `authHeaders()` would return the CSRF header instead.
 */
const KEY = 'dangan.token';
type Listener = (signedIn: boolean) => void;
const listeners = new Set<Listener>();

let token: string | null = sessionStorage.getItem(KEY);

export function isSignedIn(): boolean {
  return token !== null;
}

export function setToken(value: string): void {
  token = value;
  sessionStorage.setItem(KEY, value);
  for (const l of listeners) l(true);
}

export function clearToken(): void {
  if (token === null) return;
  token = null;
  sessionStorage.removeItem(KEY);
  for (const l of listeners) l(false);
}

/** Headers that authenticate a request made by our own code (fetch, XMLHttpRequest). */
export function authHeaders(): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

export function onAuthChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
