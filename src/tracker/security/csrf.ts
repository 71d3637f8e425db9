import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { TrackerErrors } from '../errors.ts';
import { safeEqual } from './secrets.ts';

/** The fixed header value of POST /api/login, which runs before any session exists. */
export const PRE_SESSION_TOKEN = 'pre-session';

export const CSRF_HEADER = 'x-csrf-token';

export interface CsrfOptions {
  /** Accept `X-CSRF-Token: pre-session` as well as the session's token (sign-in only). */
  allowPreSession?: boolean;
}

/**
 * Builds the CSRF preHandler for state-changing routes (docs/decisions/0001-csrf.md). Both checks
 * fail closed. First, the request must come from our own origin: `Origin` equal to the public
 * URL's, or with no Origin, `Sec-Fetch-Site: same-origin`. Second, the `X-CSRF-Token` header must
 * equal the session's token, compared in constant time. Without a session, a sign-in route needs `pre-session` (else
 * 403) and any other route gets 401.
 */
export function csrfProtection(
  publicUrl: string,
  options: CsrfOptions = {},
): preHandlerAsyncHookHandler {
  const expectedOrigin = new URL(publicUrl).origin;

  return async function verifyCsrf(request) {
    checkOrigin(request, expectedOrigin);

    const sent = headerValue(request, CSRF_HEADER);
    if (options.allowPreSession && sent === PRE_SESSION_TOKEN) return;

    if (!request.session && options.allowPreSession)
      throw TrackerErrors.csrfRejected('X-CSRF-Token is not pre-session');
    if (!request.session) throw TrackerErrors.notSignedIn();
    if (sent === undefined) throw TrackerErrors.csrfRejected('X-CSRF-Token header missing');
    if (!safeEqual(sent, request.session.csrfToken))
      throw TrackerErrors.csrfRejected('X-CSRF-Token does not match the session');
  };
}

function checkOrigin(request: FastifyRequest, expectedOrigin: string): void {
  const origin = headerValue(request, 'origin');
  if (origin !== undefined) {
    if (origin !== expectedOrigin)
      throw TrackerErrors.csrfRejected(`Origin ${origin} is not ${expectedOrigin}`);
    return;
  }

  const fetchSite = headerValue(request, 'sec-fetch-site');
  if (fetchSite !== 'same-origin') {
    throw TrackerErrors.csrfRejected(
      `no Origin header and Sec-Fetch-Site is ${fetchSite ?? 'missing'}`,
    );
  }
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
