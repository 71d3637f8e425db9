import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { SqliteDatabase } from './database.ts';
import { nowSeconds, type DelegationStore, type GrantPayload } from './delegations.ts';

/**
 * A check of whether oidc-provider may delete every token of a grant in the current request.
 * oidc-provider does so after a token revocation and a logout too, which Curity does not.
 */
export type CascadePolicy = () => boolean;

interface ModelRow {
  payload: string;
}

/**
 * Builds oidc-provider's `adapter` setting: Grant models live in the `delegations` table, every
 * other model in `oidc_models`.
 */
export function createAdapterFactory(
  db: SqliteDatabase,
  delegations: DelegationStore,
  allowsCascade: CascadePolicy,
): (name: string) => Adapter {
  return (name) =>
    name === 'Grant' ? new GrantAdapter(delegations) : new ModelAdapter(db, name, allowsCascade);
}

/** Stores oidc-provider grants as delegations. Destroying a grant revokes the delegation. */
class GrantAdapter implements Adapter {
  readonly #delegations: DelegationStore;

  constructor(delegations: DelegationStore) {
    this.#delegations = delegations;
  }

  async upsert(id: string, payload: AdapterPayload): Promise<void> {
    this.#delegations.saveGrant({ ...(payload as GrantPayload), jti: id });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.#delegations.findGrant(id) as AdapterPayload | undefined;
  }

  async findByUid(): Promise<undefined> {
    return undefined;
  }

  async findByUserCode(): Promise<undefined> {
    return undefined;
  }

  async consume(): Promise<void> {}

  async destroy(id: string): Promise<void> {
    this.#delegations.revoke(id);
  }

  async revokeByGrantId(): Promise<void> {}
}

/** One oidc-provider model (Session, AccessToken, RefreshToken, …) in the `oidc_models` table. */
class ModelAdapter implements Adapter {
  readonly #model: string;
  readonly #allowsCascade: CascadePolicy;
  readonly #statements;

  constructor(db: SqliteDatabase, model: string, allowsCascade: CascadePolicy) {
    this.#model = model;
    this.#allowsCascade = allowsCascade;
    this.#statements = {
      upsert: db.prepare(`
        INSERT OR REPLACE INTO oidc_models (model, id, payload, grant_id, uid, user_code, expires_at)
        VALUES (@model, @id, @payload, @grantId, @uid, @userCode, @expiresAt)`),
      find: db.prepare<[string, string], ModelRow>(
        'SELECT payload FROM oidc_models WHERE model = ? AND id = ?',
      ),
      findByUid: db.prepare<[string, string], ModelRow>(
        'SELECT payload FROM oidc_models WHERE model = ? AND uid = ?',
      ),
      findByUserCode: db.prepare<[string, string], ModelRow>(
        'SELECT payload FROM oidc_models WHERE model = ? AND user_code = ?',
      ),
      consume: db.prepare<[number, string, string]>(
        `UPDATE oidc_models SET payload = json_set(payload, '$.consumed', ?) WHERE model = ? AND id = ?`,
      ),
      destroy: db.prepare<[string, string]>('DELETE FROM oidc_models WHERE model = ? AND id = ?'),
      revokeByGrantId: db.prepare<[string, string]>(
        'DELETE FROM oidc_models WHERE model = ? AND grant_id = ?',
      ),
    };
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    this.#statements.upsert.run({
      model: this.#model,
      id,
      payload: JSON.stringify(payload),
      grantId: payload.grantId ?? null,
      uid: payload.uid ?? null,
      userCode: payload.userCode ?? null,
      expiresAt: expiresIn ? nowSeconds() + expiresIn : null,
    });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return parse(this.#statements.find.get(this.#model, id));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return parse(this.#statements.findByUid.get(this.#model, uid));
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return parse(this.#statements.findByUserCode.get(this.#model, userCode));
  }

  async consume(id: string): Promise<void> {
    this.#statements.consume.run(nowSeconds(), this.#model, id);
  }

  async destroy(id: string): Promise<void> {
    this.#statements.destroy.run(this.#model, id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    if (!this.#allowsCascade()) return;
    this.#statements.revokeByGrantId.run(this.#model, grantId);
  }
}

function parse(row: ModelRow | undefined): AdapterPayload | undefined {
  return row ? (JSON.parse(row.payload) as AdapterPayload) : undefined;
}
