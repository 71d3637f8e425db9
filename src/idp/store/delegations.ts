import type { SqliteDatabase } from './database.ts';
import { decodeScimId, encodeScimId } from './scim-id.ts';

export type DelegationStatus = 'issued' | 'revoked';

/** One row of the `delegations` table, as the SCIM endpoint reads it. Times are epoch seconds. */
export interface DelegationRecord {
  rowId: number;
  /** The delegation id: a UUID, equal to oidc-provider's grant id. */
  id: string;
  scimId: string;
  owner: string;
  clientId: string;
  status: DelegationStatus;
  scope: string;
  redirectUri: string | undefined;
  created: number;
  expires: number;
  lastModified: number;
  customData: Record<string, unknown>;
}

/** oidc-provider's Grant payload: only the fields the store reads are typed. */
export interface GrantPayload {
  jti: string;
  accountId: string;
  clientId: string;
  iat: number;
  exp: number;
  openid?: { scope?: string; claims?: string[] };
  [field: string]: unknown;
}

/** A SCIM list query after translation: a WHERE clause with its bound values, and an ORDER BY. */
export interface DelegationSqlQuery {
  where: string;
  params: unknown[];
  orderBy: string;
  limit: number;
  offset: number;
  /** Set when the WHERE clause only selects one status, so the running total gives the count. */
  countByStatus?: DelegationStatus;
}

interface DelegationRow {
  row_id: number;
  id: string;
  owner: string;
  client_id: string;
  status: DelegationStatus;
  scope: string;
  redirect_uri: string | null;
  created: number;
  expires: number;
  last_modified: number;
  custom_data: string;
  grant_payload: string | null;
}

const COLUMNS =
  'row_id, id, owner, client_id, status, scope, redirect_uri, created, expires, last_modified, custom_data, grant_payload';

/** Rows deleted per statement while sweeping, so a large sweep never holds the write lock long. */
const SWEEP_BATCH = 5000;

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Delegations (oidc-provider grants) in SQLite. Revoking sets `status` to `revoked` and deletes
 * every token issued under the delegation. Rows are deleted only once they have expired.
 */
export class DelegationStore {
  readonly #db: SqliteDatabase;
  readonly #statements;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#statements = {
      upsertGrant: db.prepare(`
        INSERT INTO delegations (id, owner, client_id, status, scope, created, expires, last_modified, grant_payload)
        VALUES (@id, @owner, @clientId, 'issued', @scope, @created, @expires, @now, @payload)
        ON CONFLICT (id) DO UPDATE SET
          scope = excluded.scope,
          expires = excluded.expires,
          last_modified = excluded.last_modified,
          grant_payload = excluded.grant_payload`),
      findIssuedById: db.prepare<[string], DelegationRow>(
        `SELECT ${COLUMNS} FROM delegations WHERE id = ? AND status = 'issued'`,
      ),
      findIssuedByRowId: db.prepare<[number], DelegationRow>(
        `SELECT ${COLUMNS} FROM delegations WHERE row_id = ? AND status = 'issued'`,
      ),
      revokeById: db.prepare<[number, string]>(
        `UPDATE delegations SET status = 'revoked', last_modified = ? WHERE id = ? AND status = 'issued'`,
      ),
      deleteTokens: db.prepare<[string]>('DELETE FROM oidc_models WHERE grant_id = ?'),
      updateRedirectUri: db.prepare<[string, number, string]>(
        'UPDATE delegations SET redirect_uri = ?, last_modified = ? WHERE id = ?',
      ),
      readCustomData: db.prepare<[string], { custom_data: string }>(
        'SELECT custom_data FROM delegations WHERE id = ?',
      ),
      updateCustomData: db.prepare<[string, number, string]>(
        'UPDATE delegations SET custom_data = ?, last_modified = ? WHERE id = ?',
      ),
      countByStatus: db.prepare<[DelegationStatus], { total: number }>(
        'SELECT total FROM delegation_counts WHERE status = ?',
      ),
      sweepDelegations: db.prepare<[number, number]>(`
        DELETE FROM delegations WHERE row_id IN (
          SELECT row_id FROM delegations WHERE status IN ('issued', 'revoked') AND expires <= ? LIMIT ?)`),
      sweepModels: db.prepare<[number, number]>(`
        DELETE FROM oidc_models WHERE (model, id) IN (
          SELECT model, id FROM oidc_models WHERE expires_at <= ? LIMIT ?)`),
    };
  }

  /** Inserts a new grant as an issued delegation, or updates the grant's scope and payload. */
  saveGrant(payload: GrantPayload): void {
    this.#statements.upsertGrant.run({
      id: payload.jti,
      owner: payload.accountId,
      clientId: payload.clientId,
      scope: payload.openid?.scope ?? '',
      created: payload.iat,
      expires: payload.exp,
      now: nowSeconds(),
      payload: JSON.stringify(payload),
    });
  }

  /** Returns the Grant payload of an issued delegation, or undefined for revoked and unknown ids. */
  findGrant(id: string): GrantPayload | undefined {
    const row = this.#statements.findIssuedById.get(id);
    if (!row) return undefined;
    if (row.grant_payload) return JSON.parse(row.grant_payload) as GrantPayload;
    return {
      jti: row.id,
      kind: 'Grant',
      accountId: row.owner,
      clientId: row.client_id,
      iat: row.created,
      exp: row.expires,
      openid: { scope: row.scope },
    };
  }

  findIssuedById(id: string): DelegationRecord | undefined {
    const row = this.#statements.findIssuedById.get(id);
    return row ? toRecord(row) : undefined;
  }

  /** Returns an issued delegation by SCIM id, or undefined for revoked, unknown and malformed ids. */
  findIssuedByScimId(scimId: string): DelegationRecord | undefined {
    const rowId = decodeScimId(scimId);
    if (rowId === undefined) return undefined;
    const row = this.#statements.findIssuedByRowId.get(rowId);
    return row ? toRecord(row) : undefined;
  }

  /**
   * Revokes an issued delegation and deletes every code and token issued under it, in one
   * transaction. Returns false when the delegation is unknown or already revoked.
   */
  revoke(id: string): boolean {
    const revoke = this.#db.transaction(() => {
      const changed = this.#statements.revokeById.run(nowSeconds(), id).changes > 0;
      if (changed) this.#statements.deleteTokens.run(id);
      return changed;
    });
    return revoke.immediate();
  }

  /** Revokes by SCIM id. Returns the revoked delegation, or undefined when none was issued. */
  revokeByScimId(scimId: string): DelegationRecord | undefined {
    const record = this.findIssuedByScimId(scimId);
    if (!record) return undefined;
    return this.revoke(record.id) ? { ...record, status: 'revoked' } : undefined;
  }

  setRedirectUri(id: string, redirectUri: string): void {
    this.#statements.updateRedirectUri.run(redirectUri, nowSeconds(), id);
  }

  /** Merges `data` into the delegation's custom data (SCIM `customData`). */
  mergeCustomData(id: string, data: Record<string, unknown>): void {
    const merge = this.#db.transaction(() => {
      const row = this.#statements.readCustomData.get(id);
      if (!row) return;
      const merged = { ...(JSON.parse(row.custom_data) as Record<string, unknown>), ...data };
      this.#statements.updateCustomData.run(JSON.stringify(merged), nowSeconds(), id);
    });
    merge.immediate();
  }

  /** Runs a translated SCIM list query (see DelegationSqlQuery) and counts its matches. */
  list(query: DelegationSqlQuery): { records: DelegationRecord[]; totalResults: number } {
    const rows =
      query.limit === 0
        ? []
        : this.#db
            .prepare<unknown[], DelegationRow>(
              `SELECT ${COLUMNS} FROM delegations WHERE ${query.where} ORDER BY ${query.orderBy} LIMIT ? OFFSET ?`,
            )
            .all(...query.params, query.limit, query.offset);

    return { records: rows.map(toRecord), totalResults: this.count(query) };
  }

  /** Returns the query plan of a list query, one line per step, for tests and diagnostics. */
  explain(query: DelegationSqlQuery): string[] {
    return this.#db
      .prepare<unknown[], { detail: string }>(
        `EXPLAIN QUERY PLAN SELECT ${COLUMNS} FROM delegations WHERE ${query.where} ORDER BY ${query.orderBy} LIMIT ? OFFSET ?`,
      )
      .all(...query.params, query.limit, query.offset)
      .map((step) => step.detail);
  }

  /**
   * Deletes expired delegations (issued or revoked) and expired oidc-provider models in batches.
   * Returns how many rows of each were deleted.
   */
  sweep(now = nowSeconds()): { delegations: number; models: number } {
    return {
      delegations: this.#deleteInBatches(this.#statements.sweepDelegations, now),
      models: this.#deleteInBatches(this.#statements.sweepModels, now),
    };
  }

  #deleteInBatches(
    statement: { run(now: number, limit: number): { changes: number } },
    now: number,
  ): number {
    let total = 0;
    for (;;) {
      const { changes } = statement.run(now, SWEEP_BATCH);
      total += changes;
      if (changes < SWEEP_BATCH) return total;
    }
  }

  count(query: Pick<DelegationSqlQuery, 'where' | 'params' | 'countByStatus'>): number {
    if (query.countByStatus) {
      return this.#statements.countByStatus.get(query.countByStatus)?.total ?? 0;
    }
    const row = this.#db
      .prepare<unknown[], { total: number }>(
        `SELECT count(*) AS total FROM delegations WHERE ${query.where}`,
      )
      .get(...query.params);
    return row?.total ?? 0;
  }
}

function toRecord(row: DelegationRow): DelegationRecord {
  return {
    rowId: row.row_id,
    id: row.id,
    scimId: encodeScimId(row.row_id),
    owner: row.owner,
    clientId: row.client_id,
    status: row.status,
    scope: row.scope,
    redirectUri: row.redirect_uri ?? undefined,
    created: row.created,
    expires: row.expires,
    lastModified: row.last_modified,
    customData: JSON.parse(row.custom_data) as Record<string, unknown>,
  };
}
