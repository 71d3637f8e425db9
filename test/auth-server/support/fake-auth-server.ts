import { randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import * as jose from 'jose';
import { matchesFilter, parseFilter } from './scim-filter.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  form: URLSearchParams;
}

export type Handler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

/** One RSA key pair for all fake servers of a test file, because generating one is slow. */
const sharedKeyPair = jose.generateKeyPair('RS256');

export const ISSUER_PATH = '/oauth/v2/oauth-anonymous';
export const SCIM_PATH = '/um/admin';

/** Client ids and secrets the fake token endpoint accepts with HTTP Basic authentication. */
export const FAKE_CLIENTS: Record<string, string> = {
  tracker: 'tracker-secret',
  introspector: 'introspector-secret',
  www: 'www-secret',
  www2: 'www2-secret',
};

/**
 * A small authorization server on 127.0.0.1 with Curity's HTTP surface: discovery, a token endpoint
 * for client credentials, JWKS, and SCIM Delegations. Tests replace any route with `on()` to make
 * it misbehave, and read what arrived in `requests`.
 */
export class FakeAuthServer {
  readonly requests: RecordedRequest[] = [];
  /** Raw SCIM resources, returned as they are. */
  readonly delegations: Record<string, unknown>[] = [];
  /** `legacy` responds with 400 to any filter or sortBy, as a server that cannot filter. */
  scimShape: 'modern' | 'legacy' = 'modern';
  tokenLifetimeSeconds = 300;
  readonly issuedTokens: string[] = [];
  /** Extra or changed discovery metadata; a key set to undefined is left out. */
  readonly metadataOverrides: Record<string, unknown> = {};
  readonly keyId = 'fake-key-1';
  #privateKey!: CryptoKey;
  #publicJwk!: jose.JWK;
  readonly #routes = new Map<string, Handler>();
  readonly #server: Server;

  private constructor() {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://fake');
        const body = Buffer.concat(chunks).toString('utf8');
        const recorded: RecordedRequest = {
          method: request.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: request.headers,
          body,
          form: new URLSearchParams(body),
        };
        this.requests.push(recorded);
        void this.#dispatch(recorded, response);
      });
    });
  }

  static async start(port = 0): Promise<FakeAuthServer> {
    const server = new FakeAuthServer();
    const { privateKey, publicKey } = await sharedKeyPair;
    server.#privateKey = privateKey;
    server.#publicJwk = {
      ...(await jose.exportJWK(publicKey)),
      kid: server.keyId,
      alg: 'RS256',
      use: 'sig',
    };
    await new Promise<void>((resolve) => server.#server.listen(port, '127.0.0.1', resolve));
    return server;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  get issuer(): string {
    return `${this.origin}${ISSUER_PATH}`;
  }

  get scimBaseUrl(): string {
    return `${this.origin}${SCIM_PATH}`;
  }

  /** Replaces the handler of `METHOD /path`; paths under /Delegations/ are matched as `/Delegations/*`. */
  on(route: string, handler: Handler): void {
    this.#routes.set(route, handler);
  }

  requestsTo(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method && request.path === path);
  }

  /** Signs claims with the key published in the JWKS, or with `key` to forge a bad signature. */
  async signJwt(claims: jose.JWTPayload, key: CryptoKey = this.#privateKey): Promise<string> {
    return new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.keyId })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
  }

  /** Closes the server and every open connection, including ones a test left hanging. */
  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #dispatch(request: RecordedRequest, response: ServerResponse): Promise<void> {
    const key = `${request.method} ${request.path.replace(/\/Delegations\/.+$/, '/Delegations/*')}`;
    const handler = this.#routes.get(key) ?? this.#defaultHandler(key);
    try {
      if (handler) await handler(request, response);
      else sendJson(response, 404, { error: 'not_found' });
    } catch (error) {
      sendJson(response, 500, { error: 'server_error', error_description: String(error) });
    }
  }

  #defaultHandler(key: string): Handler | undefined {
    const defaults: Record<string, Handler> = {
      [`GET ${ISSUER_PATH}/.well-known/openid-configuration`]: (_request, response) =>
        sendJson(response, 200, this.metadata()),
      [`GET ${ISSUER_PATH}/jwks`]: (_request, response) =>
        sendJson(response, 200, { keys: [this.#publicJwk] }),
      [`POST ${ISSUER_PATH}/token`]: (request, response) => this.#token(request, response),
      [`GET ${SCIM_PATH}/Delegations`]: (request, response) =>
        this.#listDelegations(request, response),
      [`GET ${SCIM_PATH}/Delegations/*`]: (request, response) =>
        this.#getDelegation(request, response),
      [`DELETE ${SCIM_PATH}/Delegations/*`]: (request, response) =>
        this.#deleteDelegation(request, response),
    };
    return defaults[key];
  }

  metadata(): Record<string, unknown> {
    const metadata: Record<string, unknown> = {
      issuer: this.issuer,
      authorization_endpoint: `${this.issuer}/authorize`,
      token_endpoint: `${this.issuer}/token`,
      introspection_endpoint: `${this.issuer}/introspect`,
      end_session_endpoint: `${this.issuer}/session/logout`,
      jwks_uri: `${this.issuer}/jwks`,
      response_types_supported: ['code'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
    };
    for (const [name, value] of Object.entries(this.metadataOverrides)) {
      if (value === undefined) delete metadata[name];
      else metadata[name] = value;
    }
    return metadata;
  }

  /** Returns the client id that authenticated with HTTP Basic, or undefined when the credentials are wrong. */
  authenticatedClient(request: RecordedRequest): string | undefined {
    const header = request.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return undefined;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    const clientId = decodeURIComponent(decoded.slice(0, separator).replace(/\+/g, ' '));
    const secret = decodeURIComponent(decoded.slice(separator + 1).replace(/\+/g, ' '));
    return FAKE_CLIENTS[clientId] === secret ? clientId : undefined;
  }

  #token(request: RecordedRequest, response: ServerResponse): void {
    if (!this.authenticatedClient(request)) {
      sendJson(response, 401, { error: 'invalid_client' });
      return;
    }
    if (request.form.get('grant_type') !== 'client_credentials') {
      sendJson(response, 400, { error: 'unsupported_grant_type' });
      return;
    }
    const token = `scim-token-${randomBytes(8).toString('hex')}`;
    this.issuedTokens.push(token);
    sendJson(response, 200, {
      access_token: token,
      token_type: 'Bearer',
      expires_in: this.tokenLifetimeSeconds,
    });
  }

  /** Returns true when the request carries a token this server issued, and responds with 401 otherwise. */
  #authorize(request: RecordedRequest, response: ServerResponse): boolean {
    const token = (request.headers.authorization ?? '').replace(/^Bearer /, '');
    if (this.issuedTokens.includes(token)) return true;
    response.setHeader('www-authenticate', 'Bearer realm="um", error="invalid_token"');
    sendScimError(response, 401, 'Unauthorized');
    return false;
  }

  #listDelegations(request: RecordedRequest, response: ServerResponse): void {
    if (!this.#authorize(request, response)) return;
    const filter = request.query.get('filter');
    const sortBy = request.query.get('sortBy');
    if (this.scimShape === 'legacy' && (filter || sortBy)) {
      sendScimError(response, 400, 'Filtering is not supported', 'invalidFilter');
      return;
    }

    let resources = this.delegations;
    if (filter) {
      try {
        const clauses = parseFilter(filter);
        resources = resources.filter((resource) => matchesFilter(resource, clauses));
      } catch (error) {
        sendScimError(response, 400, String(error), 'invalidFilter');
        return;
      }
    }
    if (sortBy) {
      const direction = request.query.get('sortOrder') === 'descending' ? -1 : 1;
      resources = [...resources].sort(
        (left, right) => compareValues(left[sortBy], right[sortBy]) * direction,
      );
    }

    const startIndex = Math.max(1, Number(request.query.get('startIndex') ?? 1));
    const count = Number(request.query.get('count') ?? resources.length);
    const page = resources.slice(startIndex - 1, startIndex - 1 + count);
    sendJson(
      response,
      200,
      listResponse(page, resources.length, startIndex),
      'application/scim+json',
    );
  }

  #getDelegation(request: RecordedRequest, response: ServerResponse): void {
    if (!this.#authorize(request, response)) return;
    const resource = this.#findDelegation(request.path);
    if (resource) sendJson(response, 200, resource, 'application/scim+json');
    else sendScimError(response, 404, 'Resource not found');
  }

  #deleteDelegation(request: RecordedRequest, response: ServerResponse): void {
    if (!this.#authorize(request, response)) return;
    const resource = this.#findDelegation(request.path);
    if (!resource) {
      sendScimError(response, 404, 'Resource not found');
      return;
    }
    this.delegations.splice(this.delegations.indexOf(resource), 1);
    response.writeHead(204).end();
  }

  #findDelegation(path: string): Record<string, unknown> | undefined {
    const id = decodeURIComponent(path.slice(`${SCIM_PATH}/Delegations/`.length));
    return this.delegations.find((resource) => resource.id === id);
  }
}

export function listResponse(
  resources: unknown[],
  totalResults: number,
  startIndex: number,
): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  response.writeHead(status, { 'content-type': contentType }).end(JSON.stringify(body));
}

export function sendScimError(
  response: ServerResponse,
  status: number,
  detail: string,
  scimType?: string,
): void {
  sendJson(
    response,
    status,
    {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: String(status),
      detail,
      ...(scimType ? { scimType } : {}),
    },
    'application/scim+json',
  );
}

function compareValues(left: unknown, right: unknown): number {
  if (left === right) return 0;
  if (left === undefined) return 1;
  if (right === undefined) return -1;
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  return String(left) < String(right) ? -1 : 1;
}

/** Builds a Delegation resource of the current shape with sensible defaults. */
export function modernDelegation(
  id: string,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    schemas: ['urn:se:curity:scim:2.0:Delegation'],
    id,
    externalId: `delegation-${id}`,
    owner: 'janedoe',
    clientId: 'www',
    status: 'issued',
    scope: 'openid profile',
    created: 1_767_225_600,
    expires: 1_767_312_000,
    ...fields,
  };
}

/** Builds a Delegation resource of the 2019 shape: `sub` and `exp`, no status. */
export function legacyDelegation(
  id: string,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    externalId: `delegation-${id}`,
    sub: 'janedoe',
    exp: 1_767_312_000,
    clientId: 'www',
    ...fields,
  };
}
