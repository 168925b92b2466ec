/** Who is signed in: the user from /auth/me, reloaded when the token changes. */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { clearToken, isSignedIn, onAuthChange, setToken } from './api/auth';
import { api, call } from './api/client';

type Me = {
  id: string;
  username: string;
  displayName: string;
  organisationName: string;
  roles: ('admin' | 'security' | 'auditor' | 'archivist' | 'officer' | 'reader')[];
  clearance: string;
  mustChangePassword: boolean;
  totpEnabled: boolean;
  /** what the caller's roles allow (GET /auth/me `actions`), to decide which menu entries to show */
  actions: string[];
};
export type Role = Me['roles'][number];

interface Session {
  /** undefined while loading; null when signed out */
  user: Me | null | undefined;
  signIn: (username: string, password: string, otp?: string) => Promise<Me>;
  signOut: () => Promise<void>;
  refresh: () => Promise<void>;
  has: (role: Role) => boolean;
  /** whether the session's `actions` include this one (the server still decides) */
  can: (action: string) => boolean;
}

const Context = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<Me | null | undefined>(isSignedIn() ? undefined : null);

  const refresh = useCallback(async () => {
    if (!isSignedIn()) {
      setUser(null);
      return;
    }
    try {
      setUser(await call(api.GET('/api/v1/auth/me')));
    } catch {
      setUser(null);
    }
  }, []);

  useEffect(() => {
    void refresh();
    return onAuthChange((signedIn) => {
      if (!signedIn) setUser(null);
    });
  }, [refresh]);

  const signIn = useCallback(async (username: string, password: string, otp?: string) => {
    const result = await call(
      api.POST('/api/v1/auth/login', { body: { username, password, ...(otp ? { otp } : {}) } }),
    );
    setToken(result.token);
    const me = await call(api.GET('/api/v1/auth/me'));
    setUser(me);
    return me;
  }, []);

  const signOut = useCallback(async () => {
    await api.POST('/api/v1/auth/logout').catch(() => undefined);
    clearToken();
    setUser(null);
  }, []);

  const has = useCallback((role: Role) => user?.roles.includes(role) ?? false, [user]);

  const can = useCallback((action: string) => user?.actions.includes(action) ?? false, [user]);

  return <Context.Provider value={{ user, signIn, signOut, refresh, has, can }}>{children}</Context.Provider>;
}

export function useSession(): Session {
  const session = useContext(Context);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** What each role may open, mirroring src/modules/access/access.policy.ts (the server decides). */
export function canRead(roles: readonly Role[]): boolean {
  return roles.some((r) => r === 'archivist' || r === 'officer' || r === 'reader');
}
export function canCreate(roles: readonly Role[]): boolean {
  return roles.some((r) => r === 'archivist' || r === 'officer');
}
export function canFile(roles: readonly Role[]): boolean {
  return roles.includes('archivist');
}
export function canManage(roles: readonly Role[]): boolean {
  return roles.some((r) => r === 'admin' || r === 'archivist');
}
export function canSeeSystem(roles: readonly Role[]): boolean {
  return roles.some((r) => r === 'admin' || r === 'archivist');
}
