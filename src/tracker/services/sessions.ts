import type { Session, TrackerStore } from '../../store/types.ts';
import { hashCookieValue, randomToken } from '../security/secrets.ts';

export interface NewSessionInput {
  username: string;
  claims: Record<string, unknown>;
  isAdmin: boolean;
  deviceId: string;
  clientId: string;
  idToken: string | undefined;
  ttlSeconds: number;
  /** Cookie value of the session the browser had before this sign-in, if any. */
  previousIdHash: string | undefined;
}

export interface StartedSession {
  session: Session;
  /** The new session cookie's value; only its hash is stored. */
  cookieValue: string;
}

/**
 * Replaces the browser's session with a new one: a new id and a new CSRF token, so an id or token
 * planted or seen before sign-in is useless afterwards (session fixation).
 */
export async function rotateSession(
  store: TrackerStore,
  input: NewSessionInput,
): Promise<StartedSession> {
  if (input.previousIdHash) await store.deleteSession(input.previousIdHash);
  await store.deleteSessionsOfDevice(input.deviceId);

  const cookieValue = randomToken();
  const now = new Date();
  const session: Session = {
    idHash: hashCookieValue(cookieValue),
    username: input.username,
    claims: input.claims,
    isAdmin: input.isAdmin,
    deviceId: input.deviceId,
    csrfToken: randomToken(),
    idToken: input.idToken,
    clientId: input.clientId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + input.ttlSeconds * 1000),
  };
  await store.createSession(session);
  return { session, cookieValue };
}
