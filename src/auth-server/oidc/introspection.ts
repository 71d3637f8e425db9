import * as jose from 'jose';
import * as client from 'openid-client';
import { AppError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { invalidResponseError, serverError, timeoutError, type Endpoint } from '../errors.ts';
import type { HttpClient } from '../http/client.ts';
import type { IntrospectionMode, IntrospectionResult } from '../types.ts';
import { CLOCK_TOLERANCE_SECONDS } from './clock.ts';
import type { ServerDiscovery } from './discovery.ts';
import { mapLibraryError, unexpectedError } from './library-errors.ts';

export interface IntrospectionSettings {
  clientId: string;
  clientSecret: string;
}

/**
 * Introspects access tokens in two ways: RFC 7662 JSON through openid-client, and Curity's
 * phantom-token mode, where `Accept: application/jwt` makes the server respond with 200 and a
 * signed JWT for an active token, and with 204 for anything else.
 */
export class Introspector {
  readonly #discovery: ServerDiscovery;
  readonly #http: HttpClient;
  readonly #settings: IntrospectionSettings;
  readonly #logger: Logger;
  #jwks: { uri: string; keySet: ReturnType<typeof jose.createRemoteJWKSet> } | undefined;

  constructor(
    discovery: ServerDiscovery,
    http: HttpClient,
    settings: IntrospectionSettings,
    logger: Logger,
  ) {
    this.#discovery = discovery;
    this.#http = http;
    this.#settings = settings;
    this.#logger = logger;
  }

  async introspect(accessToken: string, mode: IntrospectionMode): Promise<IntrospectionResult> {
    if (mode !== 'json' && mode !== 'jwt') {
      throw new AppError(
        'invalid_introspection_mode',
        400,
        `Introspection mode "${String(mode)}" is not "json" or "jwt".`,
      );
    }
    const metadata = await this.#discovery.metadata();
    if (!metadata.introspection_endpoint) {
      throw this.#failed(
        'its discovery document has no introspection_endpoint',
        'missing introspection_endpoint',
      );
    }

    return mode === 'json'
      ? this.#introspectJson(accessToken)
      : this.#introspectJwt(accessToken, metadata.introspection_endpoint, metadata);
  }

  async #introspectJson(accessToken: string): Promise<IntrospectionResult> {
    const configuration = await this.#discovery.configuration({
      id: this.#settings.clientId,
      secret: this.#settings.clientSecret,
    });

    let response: client.IntrospectionResponse;
    try {
      response = await client.tokenIntrospection(configuration, accessToken);
    } catch (error) {
      throw this.#jsonError(error);
    }

    if (response.active !== true) return { active: false, mode: 'json' };
    const { active: _active, ...claims } = response;
    return { active: true, mode: 'json', claims };
  }

  async #introspectJwt(
    accessToken: string,
    introspectionEndpoint: string,
    metadata: client.ServerMetadata,
  ): Promise<IntrospectionResult> {
    const endpoint = this.#discovery.endpoint;
    const response = await this.#http.request(
      {
        method: 'POST',
        url: introspectionEndpoint,
        headers: {
          authorization: basicAuthorization(this.#settings.clientId, this.#settings.clientSecret),
          accept: 'application/jwt',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token: accessToken }).toString(),
        retry: 'unsent',
      },
      endpoint,
    );

    if (response.status === 204) return { active: false, mode: 'jwt' };
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      throw this.#failed(
        `it rejected the introspection request with HTTP ${response.status}`,
        `HTTP ${response.status}`,
      );
    }
    if (response.status >= 500) throw serverError(endpoint, response.status);
    const contentType = response.headers.get('content-type') ?? 'none';
    const jwt = response.body.trim();
    if (response.status !== 200 || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(jwt)) {
      // The body is not echoed: it may be a token.
      throw invalidResponseError(
        endpoint,
        `HTTP ${response.status} with content type ${contentType} where a JWT or 204 was expected from the introspection endpoint`,
      );
    }

    const claims = await this.#verify(jwt, metadata);
    const maxAgeSeconds = maxAgeOf(response.headers.get('cache-control'));
    return {
      active: true,
      mode: 'jwt',
      claims,
      jwt,
      ...(maxAgeSeconds === undefined ? {} : { maxAgeSeconds }),
    };
  }

  async #verify(jwt: string, metadata: client.ServerMetadata): Promise<Record<string, unknown>> {
    const endpoint = this.#discovery.endpoint;
    try {
      const { payload } = await jose.jwtVerify(jwt, this.#keySet(metadata), {
        issuer: metadata.issuer,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      return payload;
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof jose.errors.JWKSTimeout)
        throw timeoutError(endpoint, this.#http.timeoutMs);
      if (error instanceof jose.errors.JWKSInvalid || isJwksFetchError(error)) {
        throw invalidResponseError(endpoint, 'its JWKS (jwks_uri) is not a valid JSON Web Key Set');
      }
      if (error instanceof jose.errors.JOSEError) {
        this.#logger.warn(
          { code: error.code },
          'A phantom token from the introspection endpoint failed verification',
        );
        throw new AppError(
          'introspection_invalid',
          502,
          `The introspection endpoint at ${endpoint.origin} returned a JWT that failed verification (${error.code}). Check that the server signs it with a key in its jwks_uri and that authServer.issuer matches its issuer.`,
          { detail: error.message },
        );
      }
      throw error;
    }
  }

  #keySet(metadata: client.ServerMetadata): ReturnType<typeof jose.createRemoteJWKSet> {
    if (!metadata.jwks_uri) {
      throw invalidResponseError(
        this.#discovery.endpoint,
        'its discovery document has no jwks_uri to verify phantom tokens with',
      );
    }
    if (this.#jwks?.uri !== metadata.jwks_uri) {
      const keySet = jose.createRemoteJWKSet(new URL(metadata.jwks_uri), {
        [jose.customFetch]: this.#http.fetchFor('authServer.issuer') as jose.FetchImplementation,
        timeoutDuration: this.#http.retryBudgetMs,
        // A phantom token signed with a key missing from the cached set means the server rotated
        // its keys, so the set is read again at once rather than after jose's 30 s default. The
        // `kid` comes from the server's own authenticated response, so only the server can cause
        // these reads.
        cooldownDuration: 0,
      });
      this.#jwks = { uri: metadata.jwks_uri, keySet };
    }
    return this.#jwks.keySet;
  }

  #jsonError(error: unknown): AppError {
    const endpoint = this.#discovery.endpoint;
    if (error instanceof client.ResponseBodyError) {
      if (error.status >= 500) return serverError(endpoint, error.status, error.error);
      return this.#failed(`it rejected the introspection request (${error.error})`, error.error);
    }
    if (error instanceof client.WWWAuthenticateChallengeError) {
      return this.#failed(
        `it rejected the introspection request with HTTP ${error.status}`,
        `HTTP ${error.status}`,
      );
    }
    return (
      mapLibraryError(error, endpoint, this.#http.timeoutMs) ??
      unexpectedError(
        'introspection_failed',
        502,
        `Introspection at ${endpoint.origin} failed.`,
        error,
      )
    );
  }

  #failed(problem: string, detail: string): AppError {
    return new AppError(
      'introspection_failed',
      502,
      `Introspection at ${this.#discovery.endpoint.origin} failed: ${problem}. Check authServer.introspection.clientId and authServer.introspection.clientSecret, and that the client may introspect.`,
      { detail },
    );
  }
}

/**
 * Builds HTTP Basic credentials as RFC 6749 §2.3.1 requires: the client id and secret are
 * form-urlencoded before they are joined and base64-encoded.
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string): string => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

/** Reads `max-age` of a Cache-Control header, in seconds. */
export function maxAgeOf(cacheControl: string | null): number | undefined {
  const match = cacheControl?.match(/(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i);
  return match ? Number(match[1]) : undefined;
}

/** jose reports a non-200 or non-JSON JWKS response as a plain JOSEError with this message prefix. */
function isJwksFetchError(error: unknown): boolean {
  return (
    error instanceof jose.errors.JOSEError &&
    error.code === 'ERR_JOSE_GENERIC' &&
    /JSON Web Key Set/.test(error.message)
  );
}
