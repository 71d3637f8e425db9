import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TrackerConfig } from '../../config/load.ts';

/** Browsers keep a cookie for at most 400 days (RFC 6265bis, section 5.6.1). */
const DEVICE_COOKIE_MAX_AGE_SECONDS = 400 * 24 * 3600;

export const DEVICE_COOKIE = 'st_device';

export interface CookieNames {
  session: string;
  device: string;
}

/** Cookie names and flags for one public URL, decided once at start. */
export interface CookiePolicy {
  names: CookieNames;
  secure: boolean;
  sessionMaxAgeSeconds: number;
}

/**
 * Builds the cookie policy. Over HTTPS the session cookie takes the `__Host-` prefix, which makes
 * browsers require Secure, Path=/ and no Domain, so a sibling subdomain cannot plant or widen it.
 */
export function cookiePolicy(
  tracker: Pick<TrackerConfig, 'publicUrl' | 'sessionTtlSeconds'>,
): CookiePolicy {
  const secure = new URL(tracker.publicUrl).protocol === 'https:';
  return {
    names: { session: secure ? '__Host-st_session' : 'st_session', device: DEVICE_COOKIE },
    secure,
    sessionMaxAgeSeconds: tracker.sessionTtlSeconds,
  };
}

function baseOptions(policy: CookiePolicy): CookieSerializeOptions {
  return { httpOnly: true, secure: policy.secure, sameSite: 'lax', path: '/' };
}

export function readSessionCookie(
  request: FastifyRequest,
  policy: CookiePolicy,
): string | undefined {
  return request.cookies[policy.names.session] || undefined;
}

export function readDeviceCookie(
  request: FastifyRequest,
  policy: CookiePolicy,
): string | undefined {
  return request.cookies[policy.names.device] || undefined;
}

export function setSessionCookie(reply: FastifyReply, policy: CookiePolicy, value: string): void {
  reply.setCookie(policy.names.session, value, {
    ...baseOptions(policy),
    maxAge: policy.sessionMaxAgeSeconds,
  });
}

export function clearSessionCookie(reply: FastifyReply, policy: CookiePolicy): void {
  reply.clearCookie(policy.names.session, baseOptions(policy));
}

export function setDeviceCookie(reply: FastifyReply, policy: CookiePolicy, value: string): void {
  reply.setCookie(policy.names.device, value, {
    ...baseOptions(policy),
    maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
  });
}
