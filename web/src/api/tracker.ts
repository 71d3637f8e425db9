import { requestJson, setCsrfToken, withQuery } from './http.ts';
import { streamRevocation } from './ndjson.ts';
import type {
  DelegationPage,
  IntrospectionMode,
  IntrospectionResult,
  RefreshResult,
  RevokeResult,
  RevokeStreamEnd,
  RevokeStreamEvent,
  SessionInfo,
  TrackerConfig,
} from './types.ts';

/** Calls of a signed-in user on their own delegations, and sign-in and logout. */

export function getConfig(signal?: AbortSignal): Promise<TrackerConfig> {
  return requestJson('/api/config', { signal });
}

/** Reads the session and keeps its CSRF token for every later state-changing request. */
export async function getSession(signal?: AbortSignal): Promise<SessionInfo> {
  const session = await requestJson<SessionInfo>('/api/session', { signal });
  setCsrfToken(session.signedIn ? session.csrfToken : null);
  return session;
}

export function startLogin(clientId: string): Promise<{ authorizationUrl: string }> {
  return requestJson('/api/login', { method: 'POST', body: { clientId } });
}

export function logout(): Promise<{ logoutUrl: string }> {
  return requestJson('/api/logout', { method: 'POST', body: {} });
}

export function listDelegations(
  page: { startIndex: number; count: number },
  signal?: AbortSignal,
): Promise<DelegationPage> {
  return requestJson(withQuery('/api/delegations', page), { signal });
}

export function refreshDelegation(id: string): Promise<RefreshResult> {
  return requestJson(`/api/delegations/${encodeURIComponent(id)}/refresh`, {
    method: 'POST',
    body: {},
  });
}

export function introspectDelegation(
  id: string,
  mode: IntrospectionMode,
): Promise<IntrospectionResult> {
  return requestJson(`/api/delegations/${encodeURIComponent(id)}/introspect`, {
    method: 'POST',
    body: { mode },
  });
}

export function revokeDelegation(id: string): Promise<RevokeResult> {
  return requestJson(`/api/delegations/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export function revokeAll(onEvent: (event: RevokeStreamEvent) => void): Promise<RevokeStreamEnd> {
  return streamRevocation('/api/revoke-all', {}, onEvent);
}
