/**
 * Types shared by the authorization-server clients (SCIM Delegations, OpenID Connect relying
 * party, introspection) and the tracker service that uses them.
 */

export type DelegationStatus = 'issued' | 'revoked';

/** A delegation as the tracker uses it, whichever SCIM shape the server returned. */
export interface Delegation {
  /** SCIM resource id: opaque, used in GET and DELETE `/Delegations/{id}`. */
  id: string;
  /** The delegation id (SCIM `externalId`), equal to the token response's `delegation_id`. */
  delegationId: string;
  owner: string;
  clientId: string;
  status: DelegationStatus;
  scope: string[];
  redirectUri: string | undefined;
  created: Date | undefined;
  expires: Date | undefined;
  /** `customData.user_agent_id`: the public id of the browser that created the delegation. */
  userAgentId: string | undefined;
}

export type SortField = 'created' | 'expires' | 'owner' | 'clientId' | 'status';

export interface DelegationQuery {
  owner?: string;
  clientId?: string;
  /** The delegation id (SCIM `externalId`), as the token response's `delegation_id` carries it. */
  delegationId?: string;
  status?: DelegationStatus;
  expiresBefore?: Date;
  expiresAfter?: Date;
  /** A prefix of the owner's username, for the administrator's search box. */
  ownerPrefix?: string;
  /** 1-based, as in SCIM. */
  startIndex?: number;
  count?: number;
  sortBy?: SortField;
  sortOrder?: 'ascending' | 'descending';
}

export interface DelegationPage {
  items: Delegation[];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
}

export type RevokeResult = 'revoked' | 'already-revoked';

/** Reads and revokes delegations: the SCIM 2.0 `Delegations` endpoint of Curity. */
export interface DelegationDirectory {
  list(query: DelegationQuery, signal?: AbortSignal): Promise<DelegationPage>;
  /** Returns null when the server responds with 404 (unknown or already revoked). */
  get(id: string, signal?: AbortSignal): Promise<Delegation | null>;
  revoke(id: string, signal?: AbortSignal): Promise<RevokeResult>;
}

export interface ClientInfo {
  id: string;
  label: string;
}

/** State kept between the authorization request and the callback. */
export interface LoginTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  clientId: string;
}

export interface TokenSet {
  accessToken: string;
  refreshToken: string | undefined;
  idToken: string | undefined;
  /** When the access token expires. */
  expiresAt: Date | undefined;
  scope: string[];
  /** Curity's `delegation_id` field, or the access token's `delegationId` claim. */
  delegationId: string | undefined;
}

export interface SignInResult {
  tokens: TokenSet;
  /** Validated ID token claims. */
  claims: Record<string, unknown> & { sub: string };
  /** The `user_agent_id` the server echoed, if any. */
  userAgentId: string | undefined;
}

export type IntrospectionMode = 'json' | 'jwt';

export type IntrospectionResult =
  | {
      active: true;
      mode: IntrospectionMode;
      claims: Record<string, unknown>;
      /** The phantom-token JWT in `jwt` mode, verified against the server's JWKS. */
      jwt?: string;
      /** `Cache-Control: max-age` of a `jwt` mode response, in seconds. */
      maxAgeSeconds?: number;
    }
  | { active: false; mode: IntrospectionMode };

/** The OpenID Connect relying party: sign-in, refresh, introspection and logout URLs. */
export interface RelyingParty {
  clients(): ClientInfo[];
  startSignIn(
    clientId: string,
    redirectUri: string,
  ): Promise<{ authorizationUrl: string; transaction: LoginTransaction }>;
  finishSignIn(
    callbackUrl: URL,
    transaction: LoginTransaction,
    redirectUri: string,
    userAgentId: string,
  ): Promise<SignInResult>;
  refresh(clientId: string, refreshToken: string): Promise<TokenSet>;
  introspect(accessToken: string, mode: IntrospectionMode): Promise<IntrospectionResult>;
  /** Builds the URL that ends the single sign-on session at the server when the browser opens it. */
  logoutUrl(options: {
    clientId: string;
    idTokenHint: string | undefined;
    postLogoutRedirectUri: string;
  }): Promise<string>;
}
