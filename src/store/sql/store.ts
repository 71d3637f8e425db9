import type { Logger } from '../../shared/logger.ts';
import type { TokenCipher } from '../crypto.ts';
import type {
  AuditEntry,
  AuditEntryInput,
  AuditQuery,
  ChangeEvent,
  DelegationTokens,
  Device,
  Session,
  StoredLoginTransaction,
  SweepCounts,
  TrackerStore,
} from '../types.ts';
import { insertAuditEntry, selectAuditEntries } from './audit.ts';
import type { SqlDatabase } from './database.ts';
import {
  toDelegationTokens,
  toDevice,
  toLoginTransaction,
  toSession,
  tokenContext,
  type Row,
} from './rows.ts';
import { sweepExpired } from './sweep.ts';

/** SQLite caps bound parameters per statement; lists longer than this are queried in chunks. */
const MAX_LIST_PARAMS = 500;

/**
 * The data methods of TrackerStore, written once in SQL that both SQLite and PostgreSQL run.
 * Subclasses add what differs: migration locking, `withLock`, change events and `close`.
 */
export abstract class SqlStore implements TrackerStore {
  abstract readonly kind: 'sqlite' | 'postgres';
  protected readonly db: SqlDatabase;
  protected readonly cipher: TokenCipher;
  protected readonly logger: Logger;

  constructor(db: SqlDatabase, cipher: TokenCipher, logger: Logger) {
    this.db = db;
    this.cipher = cipher;
    this.logger = logger;
  }

  abstract migrate(): Promise<void>;
  abstract close(): Promise<void>;
  abstract withLock<T>(key: string, task: () => Promise<T>): Promise<T>;
  abstract publish(event: ChangeEvent): Promise<void>;
  abstract subscribe(listener: (event: ChangeEvent) => void): Promise<() => Promise<void>>;

  async saveLoginTransaction(transaction: StoredLoginTransaction): Promise<void> {
    await this.db.query(
      `INSERT INTO login_transactions (state, nonce, code_verifier, client_id, device_id, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        transaction.state,
        transaction.nonce,
        transaction.codeVerifier,
        transaction.clientId,
        transaction.deviceId,
        transaction.expiresAt,
      ],
    );
  }

  async takeLoginTransaction(state: string): Promise<StoredLoginTransaction | null> {
    // One statement deletes and returns, so of two concurrent callers only one gets the row.
    const rows = await this.db.query<Row>(
      'DELETE FROM login_transactions WHERE state = $1 RETURNING *',
      [state],
    );
    const row = rows[0];
    if (!row) return null;
    const transaction = toLoginTransaction(row);
    return transaction.expiresAt.getTime() > Date.now() ? transaction : null;
  }

  async createSession(session: Session): Promise<void> {
    const idToken =
      session.idToken === undefined
        ? null
        : this.cipher.encrypt(session.idToken, tokenContext.idToken(session.idHash));
    await this.db.query(
      `INSERT INTO sessions (id_hash, username, claims, is_admin, device_id, csrf_token, id_token,
         client_id, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        session.idHash,
        session.username,
        JSON.stringify(session.claims),
        session.isAdmin,
        session.deviceId,
        session.csrfToken,
        idToken,
        session.clientId,
        session.createdAt,
        session.expiresAt,
      ],
    );
  }

  async getSession(idHash: string): Promise<Session | null> {
    const rows = await this.db.query<Row>(
      'SELECT * FROM sessions WHERE id_hash = $1 AND expires_at > $2',
      [idHash, new Date()],
    );
    return rows[0] ? toSession(rows[0], this.cipher) : null;
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
  }

  async deleteSessionsOfDevice(deviceId: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE device_id = $1', [deviceId]);
  }

  async upsertDevice(device: Omit<Device, 'firstSeen'> & { firstSeen?: Date }): Promise<Device> {
    const rows = await this.db.query<Row>(
      `INSERT INTO devices (id, public_id, user_agent, browser, os, first_seen, last_seen)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET
         user_agent = excluded.user_agent,
         browser = excluded.browser,
         os = excluded.os,
         last_seen = excluded.last_seen
       RETURNING *`,
      [
        device.id,
        device.publicId,
        device.userAgent,
        device.browser,
        device.os,
        device.firstSeen ?? device.lastSeen,
        device.lastSeen,
      ],
    );
    return toDevice(rows[0]!);
  }

  async getDevice(id: string): Promise<Device | null> {
    const rows = await this.db.query<Row>('SELECT * FROM devices WHERE id = $1', [id]);
    return rows[0] ? toDevice(rows[0]) : null;
  }

  async getDevicesByPublicId(publicIds: string[]): Promise<Device[]> {
    const devices: Device[] = [];
    const unique = [...new Set(publicIds)];
    for (let start = 0; start < unique.length; start += MAX_LIST_PARAMS) {
      const chunk = unique.slice(start, start + MAX_LIST_PARAMS);
      const placeholders = chunk.map((_, index) => `$${index + 1}`).join(', ');
      const rows = await this.db.query<Row>(
        `SELECT * FROM devices WHERE public_id IN (${placeholders}) ORDER BY public_id`,
        chunk,
      );
      devices.push(...rows.map(toDevice));
    }
    return devices;
  }

  async saveTokens(tokens: DelegationTokens): Promise<void> {
    const { delegationId } = tokens;
    const accessToken = this.cipher.encrypt(
      tokens.accessToken,
      tokenContext.accessToken(delegationId),
    );
    const refreshToken =
      tokens.refreshToken === undefined
        ? null
        : this.cipher.encrypt(tokens.refreshToken, tokenContext.refreshToken(delegationId));
    await this.db.query(
      `INSERT INTO delegation_tokens (delegation_id, owner, client_id, device_id, access_token,
         refresh_token, access_token_expires_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (delegation_id) DO UPDATE SET
         owner = excluded.owner,
         client_id = excluded.client_id,
         device_id = excluded.device_id,
         access_token = excluded.access_token,
         refresh_token = excluded.refresh_token,
         access_token_expires_at = excluded.access_token_expires_at,
         updated_at = excluded.updated_at`,
      [
        delegationId,
        tokens.owner,
        tokens.clientId,
        tokens.deviceId,
        accessToken,
        refreshToken,
        tokens.accessTokenExpiresAt,
        tokens.updatedAt,
      ],
    );
  }

  async getTokens(delegationId: string): Promise<DelegationTokens | null> {
    const rows = await this.db.query<Row>(
      'SELECT * FROM delegation_tokens WHERE delegation_id = $1',
      [delegationId],
    );
    return rows[0] ? toDelegationTokens(rows[0], this.cipher) : null;
  }

  async listTokenDelegationIds(deviceId: string): Promise<string[]> {
    const rows = await this.db.query<{ delegation_id: string }>(
      'SELECT delegation_id FROM delegation_tokens WHERE device_id = $1 ORDER BY delegation_id',
      [deviceId],
    );
    return rows.map((row) => row.delegation_id);
  }

  async deleteTokens(delegationId: string): Promise<void> {
    await this.db.query('DELETE FROM delegation_tokens WHERE delegation_id = $1', [delegationId]);
  }

  async appendAudit(entry: AuditEntryInput): Promise<AuditEntry> {
    return insertAuditEntry(this.db, entry, new Date());
  }

  async queryAudit(query: AuditQuery): Promise<AuditEntry[]> {
    return selectAuditEntries(this.db, query);
  }

  async sweep(now: Date = new Date()): Promise<SweepCounts> {
    const counts = await sweepExpired(this.db, now);
    this.logger.debug(counts, 'Swept expired store rows');
    return counts;
  }
}
