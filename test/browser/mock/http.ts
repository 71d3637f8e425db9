import { setTimeout as delay } from 'node:timers/promises';
import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { relabel, type MockDelegation, type MockSession, type MockState } from './data.ts';

export const SESSION_COOKIE = 'mock_session';
export const DEVICE_COOKIE = 'mock_device';

/** An error the mock sends as docs/api.md's `{ error: { code, message } }`. */
export class MockError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function sessionOf(state: MockState, request: FastifyRequest): MockSession | null {
  const id = request.cookies[SESSION_COOKIE];
  return id === undefined ? null : (state.sessions.get(id) ?? null);
}

export function requireSession(state: MockState, request: FastifyRequest): MockSession {
  const session = sessionOf(state, request);
  if (!session)
    throw new MockError(401, 'not_signed_in', 'You are not signed in. Sign in and try again.');
  return session;
}

export function requireAdmin(state: MockState, request: FastifyRequest): MockSession {
  const session = requireSession(state, request);
  if (!session.isAdmin)
    throw new MockError(403, 'not_admin', 'This page is for administrators only.');
  return session;
}

/** Rejects a request without docs/api.md's CSRF header: the session's token, or `pre-session` on POST /api/login. */
export function checkCsrf(
  request: FastifyRequest,
  session: MockSession | null,
  allowPreSession = false,
): void {
  const header = request.headers['x-csrf-token'];
  const expected = session?.csrfToken ?? (allowPreSession ? 'pre-session' : undefined);
  if (header === undefined || header !== expected) {
    throw new MockError(
      403,
      'csrf_rejected',
      'The request did not come from this site, so it was rejected.',
    );
  }
}

/** Returns a delegation in docs/api.md's shape, with `actions` only for the user's own list. */
export function present(
  state: MockState,
  delegation: MockDelegation,
  viewer: MockSession,
  withActions: boolean,
) {
  const devices = state.devicesByPublicId();
  const device = delegation.devicePublicId ? devices.get(delegation.devicePublicId) : undefined;
  const viewerDevice = state.devices.get(viewer.deviceId);
  const thisBrowser =
    delegation.devicePublicId !== null && delegation.devicePublicId === viewerDevice?.publicId;

  const view = {
    id: delegation.id,
    delegationId: delegation.delegationId,
    clientId: delegation.clientId,
    clientLabel: relabel(delegation.clientId),
    owner: delegation.owner,
    status: delegation.status,
    scope: delegation.scope,
    created: delegation.created,
    expires: delegation.expires,
    device: device ? { publicId: device.publicId, browser: device.browser, os: device.os } : null,
    thisBrowser,
  };
  if (!withActions) return view;

  const tokensHere = delegation.tokensHeldBy === viewer.deviceId;
  const reason = thisBrowser
    ? 'This browser no longer holds tokens for it; sign in again to get new ones.'
    : 'Made in another browser: its tokens are not held here.';
  const permission = tokensHere ? { allowed: true } : { allowed: false, reason };
  return { ...view, actions: { refresh: permission, introspect: permission } };
}

export function page<T>(items: T[], startIndex: number, count: number) {
  const slice = items.slice(startIndex - 1, startIndex - 1 + count);
  return { items: slice, totalResults: items.length, startIndex, itemsPerPage: slice.length };
}

export function positiveInteger(value: unknown, fallback: number): number {
  const number = Number(value);
  return Number.isInteger(number) && number >= 1 ? number : fallback;
}

export interface StreamOptions {
  state: MockState;
  targets: MockDelegation[];
  operationId?: string;
  /** Runs after the last revocation when nothing failed; returns the `logoutUrl` of the end line. */
  onSuccess?: () => string | null;
}

/** Revokes `targets` one by one and streams docs/api.md's NDJSON lines. */
export async function streamRevocation(reply: FastifyReply, options: StreamOptions): Promise<void> {
  const { state, targets, operationId } = options;
  const stream = new PassThrough();
  reply.type('application/x-ndjson; charset=utf-8').send(stream);
  const write = (line: Record<string, unknown>) => stream.write(`${JSON.stringify(line)}\n`);

  const total = targets.length;
  const failed: { id: string; delegationId: string; clientId: string; message: string }[] = [];
  let revoked = 0;
  let alreadyRevoked = 0;
  write(operationId ? { type: 'start', total, operationId } : { type: 'start', total });

  for (const [index, delegation] of targets.entries()) {
    await delay(state.progressDelayMs);
    try {
      if (state.revoke(delegation) === 'revoked') revoked += 1;
      else alreadyRevoked += 1;
    } catch (error) {
      failed.push({
        id: delegation.id,
        delegationId: delegation.delegationId,
        clientId: delegation.clientId,
        message: (error as Error).message,
      });
    }
    write({ type: 'progress', done: index + 1, failed: failed.length, total });
  }

  const logoutUrl = failed.length === 0 && options.onSuccess ? options.onSuccess() : null;
  const end: Record<string, unknown> = { type: 'end', revoked, alreadyRevoked, failed, logoutUrl };
  if (operationId) end.operationId = operationId;
  write(end);
  stream.end();
}
