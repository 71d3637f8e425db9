import * as client from 'openid-client';
import { AppError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { serverError } from '../errors.ts';
import { mapLibraryError, unexpectedError } from '../oidc/library-errors.ts';
import type { ServerDiscovery } from '../oidc/discovery.ts';

export interface ClientCredentialsSettings {
  clientId: string;
  clientSecret: string;
  scope: string;
}

interface CachedToken {
  value: string;
  /** Epoch milliseconds after which the token is no longer handed out. */
  renewAt: number;
}

/** Renew this long before `expires_in` runs out, but never earlier than 90% of the lifetime. */
const RENEW_MARGIN_MS = 30_000;

/**
 * The SCIM client's access token from the client-credentials grant, cached until shortly before it
 * expires. Concurrent callers share one token request.
 */
export class ClientCredentialsToken {
  readonly #discovery: ServerDiscovery;
  readonly #settings: ClientCredentialsSettings;
  readonly #logger: Logger;
  readonly #timeoutMs: number;
  #cached: CachedToken | undefined;
  #pending: Promise<CachedToken> | undefined;

  constructor(
    discovery: ServerDiscovery,
    settings: ClientCredentialsSettings,
    logger: Logger,
    timeoutMs: number,
  ) {
    this.#discovery = discovery;
    this.#settings = settings;
    this.#logger = logger;
    this.#timeoutMs = timeoutMs;
  }

  async get(): Promise<string> {
    if (this.#cached && Date.now() < this.#cached.renewAt) return this.#cached.value;

    this.#pending ??= this.#request().finally(() => {
      this.#pending = undefined;
    });
    this.#cached = await this.#pending;
    return this.#cached.value;
  }

  /** Drops `token` after the server rejected it, unless another caller already replaced it. */
  invalidate(token: string): void {
    if (this.#cached?.value === token) this.#cached = undefined;
  }

  async #request(): Promise<CachedToken> {
    const { clientId, clientSecret, scope } = this.#settings;
    const configuration = await this.#discovery.configuration({
      id: clientId,
      secret: clientSecret,
    });

    let response: client.TokenEndpointResponse;
    try {
      response = await client.clientCredentialsGrant(configuration, scope ? { scope } : {});
    } catch (error) {
      const mapped = this.#tokenError(error);
      this.#logger.warn(
        { clientId, code: mapped.code, detail: mapped.detail },
        'The SCIM client could not get an access token',
      );
      throw mapped;
    }

    const lifetimeMs =
      typeof response.expires_in === 'number' ? response.expires_in * 1000 : undefined;
    const renewAt =
      lifetimeMs === undefined
        ? Number.POSITIVE_INFINITY
        : Date.now() + Math.max(lifetimeMs - RENEW_MARGIN_MS, lifetimeMs * 0.9);
    return { value: response.access_token, renewAt };
  }

  #tokenError(error: unknown): AppError {
    const endpoint = { origin: this.#discovery.endpoint.origin, setting: 'authServer.issuer' };
    const { clientId, scope } = this.#settings;

    if (error instanceof client.ResponseBodyError) {
      if (error.status >= 500) return serverError(endpoint, error.status, error.error);
      if (error.error === 'invalid_scope' || error.error === 'unauthorized_client') {
        return new AppError(
          'scim_forbidden',
          502,
          `The authorization server at ${endpoint.origin} refused to issue the SCIM client "${clientId}" a token for scope "${scope}" (${error.error}). Allow the client-credentials grant and the scope for that client, or fix authServer.scim.scope.`,
          { detail: error.error },
        );
      }
      return credentialsRejected(endpoint.origin, clientId, error.error);
    }
    if (error instanceof client.WWWAuthenticateChallengeError) {
      return credentialsRejected(endpoint.origin, clientId, `HTTP ${error.status}`);
    }
    return (
      mapLibraryError(error, endpoint, this.#timeoutMs) ??
      unexpectedError(
        'scim_unauthorized',
        502,
        `The SCIM client "${clientId}" could not get an access token from ${endpoint.origin}.`,
        error,
      )
    );
  }
}

function credentialsRejected(origin: string, clientId: string, reason: string): AppError {
  return new AppError(
    'scim_unauthorized',
    502,
    `The authorization server at ${origin} rejected the SCIM client "${clientId}" (${reason}). Check authServer.scim.clientId and authServer.scim.clientSecret.`,
    { detail: reason },
  );
}
