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
  created: string;
  expires: string;
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
      jwt?: string;
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
      logoutUrl?: string | null;
      operationId?: string;
    };

export type RevokeStreamEnd = Extract<RevokeStreamEvent, { type: 'end' }>;

export type BulkTarget = { user: string } | { client: string } | { ids: string[] };

export interface BulkDryRun {
  total: number;
  users: { username: string; count: number }[];
  clients: { clientId: string; count: number }[];
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
  clientId: string;
  items: Delegation[];
}

export interface UserDetail {
  username: string;
  groups: UserDelegationGroup[];
}

export type AuditAction =
  | 'sign-in'
  | 'refresh'
  | 'introspect'
  | 'revoke'
  | 'revoke-all'
  | 'bulk-revoke'
  | 'logout';

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
