import { AppError } from '../../shared/errors.ts';
import { endpointOf, serverError, type Endpoint } from '../errors.ts';
import type { HttpClient, HttpResponse } from '../http/client.ts';
import { attribute, isJsonObject } from './response.ts';
import type { ClientCredentialsToken } from './token.ts';

/** Sends authenticated requests to the SCIM endpoint and turns 401 and 403 into AppErrors. */
export class ScimClient {
  readonly endpoint: Endpoint;
  readonly #baseUrl: string;
  readonly #http: HttpClient;
  readonly #token: ClientCredentialsToken;
  readonly #settings: { clientId: string; scope: string };

  constructor(
    baseUrl: string,
    http: HttpClient,
    token: ClientCredentialsToken,
    settings: { clientId: string; scope: string },
  ) {
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
    this.endpoint = endpointOf(this.#baseUrl, 'authServer.scim.baseUrl');
    this.#http = http;
    this.#token = token;
    this.#settings = settings;
  }

  /**
   * Sends a request to `{baseUrl}{path}` and returns the response unless it is 401 or 403. A 401
   * means the cached token was revoked or expired early, so the token is renewed once and the
   * request repeated. A second 401 is `scim_unauthorized`.
   */
  async send(
    method: 'GET' | 'DELETE',
    path: string,
    params: Record<string, string | number | undefined>,
    signal: AbortSignal | undefined,
  ): Promise<HttpResponse> {
    const query = queryString(params);
    const url = query ? `${this.#baseUrl}${path}?${query}` : `${this.#baseUrl}${path}`;

    let token = await this.#token.get();
    signal?.throwIfAborted();
    let response = await this.#sendWith(token, method, url, signal);
    if (response.status === 401) {
      this.#token.invalidate(token);
      token = await this.#token.get();
      response = await this.#sendWith(token, method, url, signal);
      if (response.status === 401) throw this.#unauthorized(response);
    }
    if (response.status === 403) throw this.#forbidden(response);
    return response;
  }

  /** Builds the AppError for a status that the caller does not handle. */
  statusError(response: HttpResponse): AppError {
    const detail = scimErrorDetail(response);
    if (response.status >= 500) return serverError(this.endpoint, response.status, detail);
    return new AppError(
      'scim_bad_request',
      502,
      `The SCIM endpoint at ${this.endpoint.origin} rejected the request with HTTP ${response.status}. Check authServer.scim.baseUrl and authServer.scim.shape.`,
      { detail },
    );
  }

  #sendWith(
    token: string,
    method: 'GET' | 'DELETE',
    url: string,
    signal: AbortSignal | undefined,
  ): Promise<HttpResponse> {
    return this.#http.request(
      {
        method,
        url,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/scim+json, application/json',
        },
        retry: method === 'GET' ? 'read' : 'unsent',
        signal,
      },
      this.endpoint,
    );
  }

  #unauthorized(response: HttpResponse): AppError {
    const challenge = response.headers.get('www-authenticate') ?? 'no WWW-Authenticate header';
    return new AppError(
      'scim_unauthorized',
      502,
      `The SCIM endpoint at ${this.endpoint.origin} rejected a fresh access token of the client "${this.#settings.clientId}" (HTTP 401). Check that the SCIM endpoint accepts tokens from authServer.issuer.`,
      { detail: `${challenge}; ${scimErrorDetail(response) ?? 'no SCIM error detail'}` },
    );
  }

  #forbidden(response: HttpResponse): AppError {
    return new AppError(
      'scim_forbidden',
      502,
      `The SCIM endpoint at ${this.endpoint.origin} denied the client "${this.#settings.clientId}" access (HTTP 403). Give the client the scope the endpoint requires and set it in authServer.scim.scope (now "${this.#settings.scope}").`,
      { detail: scimErrorDetail(response) },
    );
  }
}

/**
 * Encodes query parameters with %20 for spaces rather than URLSearchParams' `+`, because some
 * servers decode the query with plain percent-decoding, which would keep `+` in a filter.
 */
function queryString(params: Record<string, string | number | undefined>): string {
  return Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join('&');
}

/** Reads `scimType` and `detail` of a SCIM error body (RFC 7644 §3.12), if the body is one. */
export function scimErrorDetail(response: HttpResponse): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return undefined;
  }
  if (!isJsonObject(body)) return undefined;

  const parts = [attribute(body, 'scimType'), attribute(body, 'detail')].filter(
    (part): part is string => typeof part === 'string' && part !== '',
  );
  return parts.length > 0 ? parts.join(': ') : undefined;
}
