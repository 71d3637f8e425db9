import { timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';
import type { ClientConfig } from '../../config/load.ts';
import { AppError } from '../../shared/errors.ts';
import { invalidResponseError } from '../errors.ts';
import type {
  ClientInfo,
  IntrospectionMode,
  IntrospectionResult,
  LoginTransaction,
  RelyingParty,
  SignInResult,
  TokenSet,
} from '../types.ts';
import { checkIssuedAt } from './clock.ts';
import type { ServerDiscovery } from './discovery.ts';
import { loginDenied, loginExpired, refreshError, signInError } from './grant-errors.ts';
import type { Introspector } from './introspection.ts';
import { toTokenSet } from './token-set.ts';

export interface RelyingPartySettings {
  clients: ClientConfig[];
  /** Space-separated scopes of every authorization request. */
  scopes: string;
  requestTimeoutMs: number;
  logout: { style: 'oidc' | 'curity'; curityLogoutUrl: string | undefined };
}

/** The tracker's OpenID Connect relying party, one openid-client Configuration per web client. */
export class OidcRelyingParty implements RelyingParty {
  readonly #discovery: ServerDiscovery;
  readonly #introspector: Introspector;
  readonly #settings: RelyingPartySettings;

  constructor(
    discovery: ServerDiscovery,
    introspector: Introspector,
    settings: RelyingPartySettings,
  ) {
    this.#discovery = discovery;
    this.#introspector = introspector;
    this.#settings = settings;
  }

  clients(): ClientInfo[] {
    return this.#settings.clients.map((entry) => ({
      id: entry.id,
      label: entry.label ?? entry.id,
    }));
  }

  /** Builds an authorization request with PKCE (S256), state and nonce (OpenID Connect Core §3.1.2.1). */
  async startSignIn(
    clientId: string,
    redirectUri: string,
  ): Promise<{ authorizationUrl: string; transaction: LoginTransaction }> {
    const configuration = await this.#configuration(clientId);
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();

    let authorizationUrl: URL;
    try {
      authorizationUrl = client.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUri,
        scope: this.#settings.scopes,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
    } catch {
      throw invalidResponseError(
        this.#discovery.endpoint,
        'its discovery document has no usable authorization_endpoint',
      );
    }
    return {
      authorizationUrl: authorizationUrl.href,
      transaction: { state, nonce, codeVerifier, clientId },
    };
  }

  /**
   * Exchanges the code from the callback. The token request carries `user_agent_id`, which a
   * Curity token procedure stores in the delegation and echoes back. An echo of another value
   * means the response belongs to another browser, so the sign-in fails.
   */
  async finishSignIn(
    callbackUrl: URL,
    transaction: LoginTransaction,
    redirectUri: string,
    userAgentId: string,
  ): Promise<SignInResult> {
    const configuration = await this.#configuration(transaction.clientId);
    const parameters = callbackUrl.searchParams;
    const returnedState = parameters.get('state');
    if (returnedState === null || !equalInConstantTime(returnedState, transaction.state))
      throw loginExpired();
    const errorCode = parameters.get('error');
    if (errorCode !== null)
      throw loginDenied(errorCode, parameters.get('error_description') ?? undefined);

    // The redirect URI sent to the token endpoint must equal the registered one, whatever host
    // name the browser used to reach the tracker.
    const currentUrl = new URL(redirectUri);
    currentUrl.search = callbackUrl.search;

    let response: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      response = await client.authorizationCodeGrant(
        configuration,
        currentUrl,
        {
          pkceCodeVerifier: transaction.codeVerifier,
          expectedState: transaction.state,
          expectedNonce: transaction.nonce,
          idTokenExpected: true,
        },
        { user_agent_id: userAgentId },
      );
    } catch (error) {
      throw signInError(
        error,
        this.#discovery.endpoint,
        this.#settings.requestTimeoutMs,
        transaction.clientId,
      );
    }

    const echoed = response.user_agent_id;
    if (echoed !== undefined && echoed !== userAgentId) {
      throw new AppError(
        'login_failed',
        400,
        'The authorization server returned tokens for another browser (its user_agent_id differs from the one sent). Start the sign-in again.',
        { detail: 'user_agent_id mismatch' },
      );
    }

    const claims = response.claims();
    if (!claims) {
      throw new AppError(
        'id_token_invalid',
        502,
        `The token response from ${this.#discovery.endpoint.origin} has no ID token. Include "openid" in authServer.scopes.`,
      );
    }
    checkIssuedAt(claims, this.#discovery.endpoint);
    return {
      tokens: toTokenSet(response, this.#settings.scopes),
      claims: { ...claims },
      userAgentId: typeof echoed === 'string' ? echoed : undefined,
    };
  }

  /**
   * Refreshes tokens. The returned refresh token is the rotated one, or the one passed in when the
   * server keeps refresh tokens (it then omits `refresh_token`).
   */
  async refresh(clientId: string, refreshToken: string): Promise<TokenSet> {
    const configuration = await this.#configuration(clientId);

    let response: Awaited<ReturnType<typeof client.refreshTokenGrant>>;
    try {
      response = await client.refreshTokenGrant(configuration, refreshToken);
    } catch (error) {
      throw refreshError(
        error,
        this.#discovery.endpoint,
        this.#settings.requestTimeoutMs,
        clientId,
      );
    }

    const tokens = toTokenSet(response, this.#settings.scopes);
    return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
  }

  introspect(accessToken: string, mode: IntrospectionMode): Promise<IntrospectionResult> {
    return this.#introspector.introspect(accessToken, mode);
  }

  async logoutUrl(options: {
    clientId: string;
    idTokenHint: string | undefined;
    postLogoutRedirectUri: string;
  }): Promise<string> {
    const { style, curityLogoutUrl } = this.#settings.logout;
    this.#credentials(options.clientId);

    if (style === 'curity') {
      if (!curityLogoutUrl) {
        throw logoutUnsupported(
          'authServer.logout.curityLogoutUrl is not set. Set it to the logout URL of the authentication profile.',
        );
      }
      const url = new URL(curityLogoutUrl);
      url.searchParams.set('redirect_uri', options.postLogoutRedirectUri);
      return url.href;
    }

    const configuration = await this.#configuration(options.clientId);
    if (!configuration.serverMetadata().end_session_endpoint) {
      throw logoutUnsupported(
        `The authorization server at ${this.#discovery.endpoint.origin} publishes no end_session_endpoint. Set authServer.logout.style to "curity" and authServer.logout.curityLogoutUrl, or enable OpenID Connect RP-initiated logout on the server.`,
      );
    }
    const parameters: Record<string, string> = {
      client_id: options.clientId,
      post_logout_redirect_uri: options.postLogoutRedirectUri,
    };
    if (options.idTokenHint) parameters.id_token_hint = options.idTokenHint;
    return client.buildEndSessionUrl(configuration, parameters).href;
  }

  #credentials(clientId: string): ClientConfig {
    const credentials = this.#settings.clients.find((entry) => entry.id === clientId);
    if (!credentials) {
      const known = this.#settings.clients.map((entry) => entry.id).join(', ');
      throw new AppError(
        'unknown_client',
        400,
        `Unknown client "${clientId}". Choose one of: ${known}.`,
      );
    }
    return credentials;
  }

  #configuration(clientId: string): Promise<client.Configuration> {
    const credentials = this.#credentials(clientId);
    return this.#discovery.configuration({ id: credentials.id, secret: credentials.secret });
  }
}

function logoutUnsupported(message: string): AppError {
  return new AppError('logout_unsupported', 502, message);
}

function equalInConstantTime(left: string, right: string): boolean {
  const leftBytes = Buffer.from(left);
  const rightBytes = Buffer.from(right);
  return leftBytes.length === rightBytes.length && timingSafeEqual(leftBytes, rightBytes);
}
