/**
 * Tables of the embedded server's SQLite file. `PRAGMA user_version` records the schema version,
 * so a later change adds a step to MIGRATIONS instead of editing the first one.
 */

/**
 * Secondary indexes of `delegations`. Each serves one query shape of the SCIM endpoint:
 * one owner's delegations by status and age, and the administrator's list of issued delegations
 * sorted by created, expires, client or owner. Seeding drops and rebuilds them around a bulk
 * insert, because building an index once from sorted data is much faster than updating it row
 * by row.
 */
export const DELEGATION_INDEXES: Record<string, string> = {
  delegations_owner_status_created: 'delegations (owner, status, created)',
  delegations_status_created: 'delegations (status, created)',
  delegations_status_expires: 'delegations (status, expires)',
  delegations_status_client_created: 'delegations (status, client_id, created)',
  delegations_status_owner_created: 'delegations (status, owner, created)',
};

const DELEGATIONS = `
CREATE TABLE delegations (
  -- AUTOINCREMENT: a row number is never reused, so the SCIM id derived from it stays unique
  -- after expired rows are swept.
  row_id INTEGER PRIMARY KEY AUTOINCREMENT,
  -- The delegation id: oidc-provider's grant id, a UUID.
  id TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  client_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('issued', 'revoked')),
  scope TEXT NOT NULL DEFAULT '',
  redirect_uri TEXT,
  -- Epoch seconds, as Curity stores them.
  created INTEGER NOT NULL,
  expires INTEGER NOT NULL,
  last_modified INTEGER NOT NULL,
  custom_data TEXT NOT NULL DEFAULT '{}',
  -- oidc-provider's Grant payload; NULL for seeded rows, which are rebuilt from the columns.
  grant_payload TEXT
);

-- Running totals per status, so an unfiltered SCIM list can report totalResults without
-- counting a million index entries.
CREATE TABLE delegation_counts (
  status TEXT PRIMARY KEY,
  total INTEGER NOT NULL
);
INSERT INTO delegation_counts (status, total) VALUES ('issued', 0), ('revoked', 0);

CREATE TRIGGER delegations_count_insert AFTER INSERT ON delegations BEGIN
  UPDATE delegation_counts SET total = total + 1 WHERE status = NEW.status;
END;
CREATE TRIGGER delegations_count_delete AFTER DELETE ON delegations BEGIN
  UPDATE delegation_counts SET total = total - 1 WHERE status = OLD.status;
END;
CREATE TRIGGER delegations_count_status AFTER UPDATE OF status ON delegations
  WHEN OLD.status <> NEW.status BEGIN
  UPDATE delegation_counts SET total = total - 1 WHERE status = OLD.status;
  UPDATE delegation_counts SET total = total + 1 WHERE status = NEW.status;
END;
`;

const OIDC_MODELS = `
-- Every oidc-provider model except Grant: sessions, interactions, codes, tokens, replay records.
CREATE TABLE oidc_models (
  model TEXT NOT NULL,
  id TEXT NOT NULL,
  payload TEXT NOT NULL,
  grant_id TEXT,
  uid TEXT,
  user_code TEXT,
  -- Epoch seconds; NULL means the model never expires.
  expires_at INTEGER,
  PRIMARY KEY (model, id)
) WITHOUT ROWID;
CREATE INDEX oidc_models_grant_id ON oidc_models (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oidc_models_uid ON oidc_models (model, uid) WHERE uid IS NOT NULL;
CREATE INDEX oidc_models_user_code ON oidc_models (model, user_code) WHERE user_code IS NOT NULL;
CREATE INDEX oidc_models_expires_at ON oidc_models (expires_at) WHERE expires_at IS NOT NULL;

-- Signing keys and cookie keys, generated on first start and reused afterwards.
CREATE TABLE secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created INTEGER NOT NULL
);
`;

function createIndexes(): string {
  return Object.entries(DELEGATION_INDEXES)
    .map(([name, target]) => `CREATE INDEX ${name} ON ${target};`)
    .join('\n');
}

/** Schema steps; step `n` moves the file from user_version `n` to `n + 1`. */
export const MIGRATIONS: readonly string[] = [DELEGATIONS + createIndexes() + OIDC_MODELS];
