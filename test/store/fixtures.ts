import { randomBytes } from 'node:crypto';
import type {
  AuditEntryInput,
  DelegationTokens,
  Device,
  Session,
  StoredLoginTransaction,
} from '../../src/store/types.ts';

const HOUR_MS = 3600 * 1000;

/** Returns a random token-like value, which a search of raw data cannot match by chance. */
export function randomValue(prefix: string): string {
  return `${prefix}-${randomBytes(18).toString('base64url')}`;
}

/** Dates with a non-zero millisecond part, to catch precision loss. */
export function inHours(hours: number, from = Date.now()): Date {
  return new Date(Math.floor(from / 1000) * 1000 + hours * HOUR_MS + 123);
}

export function loginTransaction(
  overrides: Partial<StoredLoginTransaction> = {},
): StoredLoginTransaction {
  return {
    state: randomValue('state'),
    nonce: randomValue('nonce'),
    codeVerifier: randomValue('verifier'),
    clientId: 'www',
    deviceId: randomValue('device'),
    expiresAt: inHours(0.25),
    ...overrides,
  };
}

export function session(overrides: Partial<Session> = {}): Session {
  return {
    idHash: randomValue('hash'),
    username: 'janedoe',
    claims: {
      sub: 'janedoe',
      name: 'Jane Doe',
      groups: ['staff', 'session-admins'],
      address: { country: 'SE', locality: 'Stockholm' },
      email_verified: true,
      auth_time: 1_796_371_200,
    },
    isAdmin: false,
    deviceId: randomValue('device'),
    csrfToken: randomValue('csrf'),
    idToken: randomValue('eyJ-id-token'),
    clientId: 'www',
    createdAt: inHours(0),
    expiresAt: inHours(8),
    ...overrides,
  };
}

export function device(overrides: Partial<Device> = {}): Omit<Device, 'firstSeen'> & {
  firstSeen?: Date;
} {
  return {
    id: randomValue('device'),
    publicId: randomValue('public'),
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
    browser: 'Firefox 140',
    os: 'Linux',
    lastSeen: inHours(0),
    ...overrides,
  };
}

export function tokens(overrides: Partial<DelegationTokens> = {}): DelegationTokens {
  return {
    delegationId: randomValue('delegation'),
    owner: 'janedoe',
    clientId: 'www',
    deviceId: randomValue('device'),
    accessToken: randomValue('access'),
    refreshToken: randomValue('refresh'),
    accessTokenExpiresAt: inHours(0.1),
    updatedAt: inHours(0),
    ...overrides,
  };
}

export function auditEntry(overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    actor: 'janedoe',
    actorIsAdmin: false,
    action: 'revoke',
    result: 'succeeded',
    ...overrides,
  };
}
