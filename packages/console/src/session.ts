import type { WhoamiResponse } from '@hotpatch/core';
import type { Credentials } from './signRequest';

/**
 * The sign-in lives in this tab's sessionStorage: it survives a reload of the tab, is not shared with other
 * tabs or windows, and is gone when the tab closes. "Sign out" removes it at once. The page loads no script
 * but its own (Content-Security-Policy: self only), which is what keeps the secret from other code.
 */
const STORAGE_KEY = 'hotpatch-console-session';

export interface Session {
  credentials: Credentials;
  whoami: WhoamiResponse;
}

export function loadSession(): Session | undefined {
  try {
    const text = sessionStorage.getItem(STORAGE_KEY);
    return text ? (JSON.parse(text) as Session) : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** Whether the signed-in key's role allows an action (the server decides in the end; this hides buttons). */
export function may(session: Session, action: WhoamiResponse['actions'][number]): boolean {
  return session.whoami.actions.includes(action);
}

/** Whether the key's apps include this app. */
export function seesApp(session: Session, app: string): boolean {
  return session.whoami.apps === '*' || session.whoami.apps.includes(app);
}
