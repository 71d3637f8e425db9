import type { TokenCipher } from '../crypto.ts';
import type {
  AuditEntry,
  DelegationTokens,
  Device,
  Session,
  StoredLoginTransaction,
} from '../types.ts';
import {
  readBoolean,
  readDate,
  readId,
  readJson,
  readOptionalDate,
  readOptionalText,
} from './database.ts';

/** A row as a driver returns it: column name to raw value. */
export type Row = Record<string, unknown>;

/**
 * Additional authenticated data of each encrypted column. It names the row's key and the
 * column, so a ciphertext fails to decrypt anywhere but where it was written.
 */
export const tokenContext = {
  idToken: (idHash: string) => `sessions/${idHash}/id_token`,
  accessToken: (delegationId: string) => `delegation_tokens/${delegationId}/access_token`,
  refreshToken: (delegationId: string) => `delegation_tokens/${delegationId}/refresh_token`,
};

export function toLoginTransaction(row: Row): StoredLoginTransaction {
  return {
    state: String(row.state),
    nonce: String(row.nonce),
    codeVerifier: String(row.code_verifier),
    clientId: String(row.client_id),
    deviceId: String(row.device_id),
    expiresAt: readDate(row.expires_at, 'login_transactions.expires_at'),
  };
}

export function toSession(row: Row, cipher: TokenCipher): Session {
  const idHash = String(row.id_hash);
  const storedIdToken = readOptionalText(row.id_token);
  return {
    idHash,
    username: String(row.username),
    claims: readJson(row.claims) as Record<string, unknown>,
    isAdmin: readBoolean(row.is_admin),
    deviceId: String(row.device_id),
    csrfToken: String(row.csrf_token),
    idToken:
      storedIdToken === undefined
        ? undefined
        : cipher.decrypt(storedIdToken, tokenContext.idToken(idHash)),
    clientId: String(row.client_id),
    createdAt: readDate(row.created_at, 'sessions.created_at'),
    expiresAt: readDate(row.expires_at, 'sessions.expires_at'),
  };
}

export function toDevice(row: Row): Device {
  return {
    id: String(row.id),
    publicId: String(row.public_id),
    userAgent: String(row.user_agent),
    browser: String(row.browser),
    os: String(row.os),
    firstSeen: readDate(row.first_seen, 'devices.first_seen'),
    lastSeen: readDate(row.last_seen, 'devices.last_seen'),
  };
}

export function toDelegationTokens(row: Row, cipher: TokenCipher): DelegationTokens {
  const delegationId = String(row.delegation_id);
  const storedRefreshToken = readOptionalText(row.refresh_token);
  return {
    delegationId,
    owner: String(row.owner),
    clientId: String(row.client_id),
    deviceId: String(row.device_id),
    accessToken: cipher.decrypt(String(row.access_token), tokenContext.accessToken(delegationId)),
    refreshToken:
      storedRefreshToken === undefined
        ? undefined
        : cipher.decrypt(storedRefreshToken, tokenContext.refreshToken(delegationId)),
    accessTokenExpiresAt: readOptionalDate(
      row.access_token_expires_at,
      'delegation_tokens.access_token_expires_at',
    ),
    updatedAt: readDate(row.updated_at, 'delegation_tokens.updated_at'),
  };
}

/** Maps an audit row; optional columns that are NULL are left out of the entry. */
export function toAuditEntry(row: Row): AuditEntry {
  const entry: AuditEntry = {
    id: readId(row.id, 'audit_log.id'),
    at: readDate(row.at, 'audit_log.at'),
    actor: String(row.actor),
    actorIsAdmin: readBoolean(row.actor_is_admin),
    action: String(row.action) as AuditEntry['action'],
    result: String(row.result) as AuditEntry['result'],
  };
  const optional = {
    delegationId: row.delegation_id,
    scimId: row.scim_id,
    owner: row.owner,
    clientId: row.client_id,
    detail: row.detail,
    correlationId: row.correlation_id,
  };
  for (const [key, value] of Object.entries(optional)) {
    const text = readOptionalText(value);
    if (text !== undefined) Object.assign(entry, { [key]: text });
  }
  return entry;
}
