/** Response shapes of the tracker HTTP API, as docs/api.md defines them. Times are ISO 8601 UTC. */

export type IntrospectionMode = 'json' | 'jwt';

export interface ClientOption {
  id: string;
  label: string;
}

export interface TrackerConfig {
  clients: ClientOption[];
  introspectionMode: IntrospectionMode;
  pollIntervalSeconds: number;
}

export interface Device {
  publicId: string;
  browser: string;
  os: string;
}

export type SessionInfo =
  | { signedIn: false }
  | {
      signedIn: true;
      user: { username: string; name?: string };
      isAdmin: boolean;
      csrfToken: string;
      clientId: string;
      device: Device;
    };

export type SignedInSession = Extract<SessionInfo, { signedIn: true }>;

export type ActionName = 'refresh' | 'introspect';

export interface ActionPermission {
  allowed: boolean;
  reason?: string;
}

export type DelegationStatus = 'issued' | 'revoked';

export interface Delegation {
  /** SCIM resource id: the id every route takes. */
  id: string;
  delegationId: string;
  clientId: string;
  clientLabel: string;
  owner: string;
  status: DelegationStatus;
  scope: string[];
  /** Null when the authorization server did not report it. */
  created: string | null;
  expires: string | null;
  device: Device | null;
  thisBrowser: boolean;
  /** Absent in the administrator list. */
  actions?: Partial<Record<ActionName, ActionPermission>>;
}

export interface DelegationPage {
  items: Delegation[];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
}

export interface RefreshResult {
  delegationId: string;
  accessTokenExpiresAt: string | null;
  refreshTokenRotated: boolean;
}

export type IntrospectionResult =
  | {
      active: true;
      mode: IntrospectionMode;
      claims: Record<string, unknown>;
      /** In `jwt` mode: the tracker checked the JWT's signature. The JWT itself is never sent. */
      verified?: boolean;
      maxAgeSeconds?: number;
    }
  | { active: false; mode: IntrospectionMode };

export interface RevokeResult {
  result: 'revoked' | 'already-revoked';
}

export interface RevokeFailure {
  id: string;
  delegationId: string;
  clientId: string;
  /** Set in bulk revocation reports, which span users. */
  owner?: string;
  code?: string;
  message: string;
}

/** One line of the NDJSON stream of `POST /api/revoke-all` and `POST /api/admin/bulk-revoke`. */
export type RevokeStreamEvent =
  | { type: 'start'; total: number; operationId?: string }
  | { type: 'progress'; done: number; failed: number; total: number }
  | {
      type: 'end';
      revoked: number;
      alreadyRevoked: number;
      failed: RevokeFailure[];
      /** Bulk runs list at most a limited number of failures; this is the full number. */
      failedCount?: number;
      logoutUrl?: string | null;
      operationId?: string;
    };

export type RevokeStreamEnd = Extract<RevokeStreamEvent, { type: 'end' }>;

/** `{ user, client }` is the tracker's extension of docs/api.md: one user's delegations at one client. */
export type BulkTarget = { user: string; client?: string } | { client: string } | { ids: string[] };

export interface BulkDryRun {
  total: number;
  users: { username: string; count: number }[];
  clients: { clientId: string; count: number }[];
  /** For an `ids` target: ids that are unknown or already revoked. */
  notFound?: number;
  /** True when `users` or `clients` leave out entries (they list the 100 largest). */
  truncated?: boolean;
  /** Says what the lists leave out, when they list only the largest entries. */
  note?: string;
}

export type SortOrder = 'ascending' | 'descending';

export interface AdminDelegationQuery {
  user?: string;
  userPrefix?: string;
  client?: string;
  status?: DelegationStatus;
  expiresBefore?: string;
  expiresAfter?: string;
  sortBy?: string;
  sortOrder?: SortOrder;
  startIndex: number;
  count: number;
}

export interface UserDelegationGroup {
  device: Device | null;
  deviceLabel?: string;
  clientId: string;
  clientLabel?: string;
  items: Delegation[];
}

export interface UserDetail {
  username: string;
  /** All of the user's issued delegations, also those left out when `truncated` is true. */
  total?: number;
  truncated?: boolean;
  groups: UserDelegationGroup[];
}

export type AuditAction =
  'sign-in' | 'refresh' | 'introspect' | 'revoke' | 'revoke-all' | 'bulk-revoke' | 'logout';

export type AuditResult = 'started' | 'succeeded' | 'failed';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  actorIsAdmin: boolean;
  action: AuditAction;
  delegationId?: string;
  scimId?: string;
  owner?: string;
  clientId?: string;
  result: AuditResult;
  detail?: string;
  correlationId?: string;
}

export interface AuditFilters {
  actor?: string;
  owner?: string;
  action?: AuditAction;
  result?: AuditResult;
  since?: string;
  until?: string;
}

export interface AuditPage {
  items: AuditEntry[];
  nextBeforeId: number | null;
}
