/**
 * The tracker's own state: sign-in transactions, sessions, devices, encrypted tokens, the audit
 * trail and change notifications. SQLite (one instance) and PostgreSQL (several instances) both
 * implement TrackerStore and pass the same tests.
 */

export interface StoredLoginTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  clientId: string;
  /** Private device id of the browser that started the sign-in. */
  deviceId: string;
  expiresAt: Date;
}

export interface Session {
  /** SHA-256 of the cookie value, so a copy of the store cannot be replayed as cookies. */
  idHash: string;
  username: string;
  /** ID token claims of the latest sign-in. */
  claims: Record<string, unknown>;
  isAdmin: boolean;
  deviceId: string;
  csrfToken: string;
  /** The latest ID token, sent as `id_token_hint` at logout. Encrypted at rest. */
  idToken: string | undefined;
  /** Client of the latest sign-in, used for RP-initiated logout. */
  clientId: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface Device {
  /** Private id: the value of the browser's device cookie. */
  id: string;
  /** Public id sent to the server as `user_agent_id` and stored in the delegation's customData. */
  publicId: string;
  userAgent: string;
  browser: string;
  os: string;
  firstSeen: Date;
  lastSeen: Date;
}

/** Tokens of one delegation, held for the browser that created it. Encrypted at rest. */
export interface DelegationTokens {
  delegationId: string;
  owner: string;
  clientId: string;
  deviceId: string;
  accessToken: string;
  refreshToken: string | undefined;
  accessTokenExpiresAt: Date | undefined;
  updatedAt: Date;
}

export type AuditAction =
  'sign-in' | 'refresh' | 'introspect' | 'revoke' | 'revoke-all' | 'bulk-revoke' | 'logout';

export interface AuditEntryInput {
  actor: string;
  actorIsAdmin: boolean;
  action: AuditAction;
  /** Delegation id or SCIM id acted on, when the action has one. */
  delegationId?: string;
  scimId?: string;
  owner?: string;
  clientId?: string;
  /** `started` is written before the call; `succeeded` or `failed` after it. */
  result: 'started' | 'succeeded' | 'failed';
  detail?: string;
  /** Groups the entries of one bulk operation or one request. */
  correlationId?: string;
}

export interface AuditEntry extends AuditEntryInput {
  id: number;
  at: Date;
}

export interface AuditQuery {
  actor?: string;
  owner?: string;
  action?: AuditAction;
  result?: AuditEntryInput['result'];
  /** Entries at or after this time. */
  since?: Date;
  /** Entries before this time (exclusive). */
  until?: Date;
  /** Entries with an id below this one: keyset paging, newest first. */
  beforeId?: number;
  /** 1 to 1000; 100 when absent. */
  limit?: number;
}

/** Rows deleted by one sweep. */
export interface SweepCounts {
  loginTransactions: number;
  sessions: number;
  tokens: number;
}

export type ChangeEvent =
  | { type: 'delegation-revoked'; owner: string; delegationId?: string; scimId?: string }
  | { type: 'delegation-refreshed'; owner: string; delegationId: string }
  | { type: 'delegation-created'; owner: string; delegationId?: string };

export interface TrackerStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Runs pending schema migrations; safe when several instances start at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  saveLoginTransaction(transaction: StoredLoginTransaction): Promise<void>;
  /**
   * Deletes and returns the transaction in one step, so a state value works once. Returns null
   * for an unknown or expired state (an expired one is deleted too).
   */
  takeLoginTransaction(state: string): Promise<StoredLoginTransaction | null>;

  createSession(session: Session): Promise<void>;
  /** Returns null for an unknown or expired session. */
  getSession(idHash: string): Promise<Session | null>;
  deleteSession(idHash: string): Promise<void>;
  deleteSessionsOfDevice(deviceId: string): Promise<void>;

  /** Inserts the device, or updates userAgent, browser, os and lastSeen of a known id. */
  upsertDevice(device: Omit<Device, 'firstSeen'> & { firstSeen?: Date }): Promise<Device>;
  getDevice(id: string): Promise<Device | null>;
  getDevicesByPublicId(publicIds: string[]): Promise<Device[]>;

  saveTokens(tokens: DelegationTokens): Promise<void>;
  getTokens(delegationId: string): Promise<DelegationTokens | null>;
  listTokenDelegationIds(deviceId: string): Promise<string[]>;
  deleteTokens(delegationId: string): Promise<void>;

  /**
   * Runs `task` while holding a lock on `key` that every instance sharing the store respects,
   * so two refreshes of one delegation never run at once. The lock is not reentrant: a task
   * that calls withLock with its own key waits for itself forever.
   */
  withLock<T>(key: string, task: () => Promise<T>): Promise<T>;

  /** Inserts the entry with the current time; it is committed to disk when the promise resolves. */
  appendAudit(entry: AuditEntryInput): Promise<AuditEntry>;
  /** Rejects an invalid limit, beforeId or date with AppError `invalid_audit_query`. */
  queryAudit(query: AuditQuery): Promise<AuditEntry[]>;

  /** Sends the event to every subscriber; events are JSON of less than 8000 bytes. */
  publish(event: ChangeEvent): Promise<void>;
  /** Calls `listener` for events published by any instance; returns the unsubscribe function. */
  subscribe(listener: (event: ChangeEvent) => void): Promise<() => Promise<void>>;

  /**
   * Deletes expired transactions and sessions, and tokens that no live session on their device
   * can use any more (the rule is on `sweepExpired` in src/store/sql/sweep.ts).
   */
  sweep(now?: Date): Promise<SweepCounts>;
}
