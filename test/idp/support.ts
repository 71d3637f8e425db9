import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.ts';
import type { IdpConfig } from '../../src/config/idp.ts';
import { startEmbeddedServer, type EmbeddedServer } from '../../src/idp/server.ts';
import { openDatabase } from '../../src/idp/store/database.ts';
import { DelegationStore } from '../../src/idp/store/delegations.ts';
import { createLogger, type Logger } from '../../src/shared/logger.ts';
import { freePort } from '../helpers/ports.ts';
import { isRedirect, parseForm, TestBrowser } from '../helpers/test-browser.ts';

export { TestBrowser };

/** A running embedded server on a free loopback port with data in a new temporary folder. */
export interface TestIdp {
  server: EmbeddedServer;
  config: IdpConfig;
  /** Stops the server, keeping the data folder, so a test can start it again. */
  stop(): Promise<void>;
  /** Starts the server again on the same port and data folder. */
  restart(): Promise<void>;
  /** Stops the server and deletes the data folder. */
  close(): Promise<void>;
}

export async function startTestIdp(
  idpOverrides: Record<string, unknown> = {},
  options: { logger?: Logger } = {},
): Promise<TestIdp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'idp-test-'));
  const config = loadConfig({
    env: {},
    overrides: {
      idp: { port: await freePort(), dataDir, ...idpOverrides },
      tracker: { port: await freePort() },
    },
  }).idp;
  const logger = options.logger ?? createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

  let server: EmbeddedServer | undefined = await startEmbeddedServer(config, { logger });
  const idp: TestIdp = {
    server,
    config,
    stop: async () => {
      await server?.close();
      server = undefined;
      // One pass of the event loop's poll phase, so fetch's connection pool reads the closed
      // keep-alive sockets before a restarted server is called on the same port.
      await new Promise((resolveImmediate) => setImmediate(resolveImmediate));
    },
    restart: async () => {
      server = await startEmbeddedServer(config, { logger });
      idp.server = server;
    },
    close: async () => {
      await server?.close();
      server = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return idp;
}

export function clientOf(config: IdpConfig, id: string) {
  const client = config.clients.find((candidate) => candidate.id === id);
  if (!client) throw new Error(`No client ${id} in the test configuration.`);
  return client;
}

export function basicAuth(config: IdpConfig, clientId: string): string {
  const client = clientOf(config, clientId);
  const encode = (value: string) => encodeURIComponent(value);
  return `Basic ${Buffer.from(`${encode(client.id)}:${encode(client.secret)}`).toString('base64')}`;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface AuthorizationResult {
  code: string;
  state: string;
  verifier: string;
  redirectUri: string;
  /** True when the sign-in page was shown, false when single sign-on skipped it. */
  askedForPassword: boolean;
}

/**
 * Runs the front-channel part of the code flow as a browser: the authorization request, the
 * sign-in page when it appears (filled in with the given credentials), and the redirects up to the
 * client's redirect URI, whose code it returns.
 */
export async function authorize(
  idp: TestIdp,
  browser: TestBrowser,
  options: {
    clientId: string;
    username: string;
    password: string;
    scope?: string;
    prompt?: string;
  },
): Promise<AuthorizationResult> {
  const client = clientOf(idp.config, options.clientId);
  const redirectUri = client.redirectUris[0]!;
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(8).toString('hex');

  const url = new URL(`${idp.config.publicUrl}/oauth/v2/oauth-authorize`);
  url.search = new URLSearchParams({
    client_id: client.id,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: options.scope ?? 'openid profile',
    state,
    nonce: randomBytes(8).toString('hex'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(options.prompt ? { prompt: options.prompt } : {}),
  }).toString();

  let askedForPassword = false;
  let current = url;
  let response = await browser.fetch(current);
  for (let step = 0; step < 15; step += 1) {
    if (current.href.startsWith(redirectUri)) {
      const code = current.searchParams.get('code');
      if (!code) throw new Error(`The authorization ended with ${current.search}.`);
      if (current.searchParams.get('state') !== state)
        throw new Error('The state came back changed.');
      return { code, state, verifier, redirectUri, askedForPassword };
    }
    if (isRedirect(response.status)) {
      current = new URL(response.headers.get('location') ?? '', current);
      if (current.href.startsWith(redirectUri)) continue;
      response = await browser.fetch(current);
      continue;
    }
    const form = parseForm(await response.text(), current);
    if (!form || !('password' in form.fields)) {
      throw new Error(
        `The authorization stopped at ${current.pathname} with status ${response.status}.`,
      );
    }
    askedForPassword = true;
    response = await submitLogin(browser, form.action, {
      ...form.fields,
      username: options.username,
      password: options.password,
    });
    current = form.action;
  }
  throw new Error('The authorization did not reach the redirect URI.');
}

export async function submitLogin(
  browser: TestBrowser,
  action: URL,
  fields: Record<string, string>,
): Promise<Response> {
  return browser.fetch(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: action.origin },
    body: new URLSearchParams(fields).toString(),
  });
}

/** POSTs a form to the token endpoint with the client's Basic credentials. */
export async function tokenRequest(
  idp: TestIdp,
  clientId: string,
  form: Record<string, string>,
): Promise<Response> {
  return fetch(`${idp.config.publicUrl}/oauth/v2/oauth-token`, {
    method: 'POST',
    headers: {
      authorization: basicAuth(idp.config, clientId),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form).toString(),
  });
}

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  delegation_id?: string;
  sub?: string;
  user_agent_id?: string;
}

export async function exchangeCode(
  idp: TestIdp,
  clientId: string,
  result: AuthorizationResult,
  extra: Record<string, string> = {},
): Promise<TokenResponse> {
  const response = await tokenRequest(idp, clientId, {
    grant_type: 'authorization_code',
    code: result.code,
    redirect_uri: result.redirectUri,
    code_verifier: result.verifier,
    ...extra,
  });
  if (response.status !== 200)
    throw new Error(`The code exchange returned ${response.status}: ${await response.text()}`);
  return (await response.json()) as TokenResponse;
}

/** Signs in and exchanges the code: a whole code flow in a new browser unless one is given. */
export async function signIn(
  idp: TestIdp,
  options: {
    clientId?: string;
    username?: string;
    password?: string;
    browser?: TestBrowser;
    userAgentId?: string;
  } = {},
): Promise<TokenResponse & { browser: TestBrowser; askedForPassword: boolean }> {
  const browser = options.browser ?? new TestBrowser(idp.config.publicUrl);
  const clientId = options.clientId ?? 'www';
  const result = await authorize(idp, browser, {
    clientId,
    username: options.username ?? 'janedoe',
    password: options.password ?? 'jane-demo-pass',
  });
  const tokens = await exchangeCode(
    idp,
    clientId,
    result,
    options.userAgentId ? { user_agent_id: options.userAgentId } : {},
  );
  return { ...tokens, browser, askedForPassword: result.askedForPassword };
}

export async function introspect(
  idp: TestIdp,
  token: string,
  options: { accept?: string; clientId?: string } = {},
): Promise<Response> {
  return fetch(`${idp.config.publicUrl}/oauth/v2/oauth-introspect`, {
    method: 'POST',
    headers: {
      authorization: basicAuth(idp.config, options.clientId ?? 'introspector'),
      'content-type': 'application/x-www-form-urlencoded',
      accept: options.accept ?? 'application/json',
    },
    body: new URLSearchParams({ token }).toString(),
  });
}

/** Gets a client-credentials token of the SCIM client with the required scopes. */
export async function scimToken(
  idp: TestIdp,
  scope = idp.config.scimRequiredScopes.join(' '),
): Promise<string> {
  const response = await tokenRequest(idp, 'tracker', {
    grant_type: 'client_credentials',
    ...(scope ? { scope } : {}),
  });
  if (response.status !== 200)
    throw new Error(
      `The client credentials grant returned ${response.status}: ${await response.text()}`,
    );
  return ((await response.json()) as TokenResponse).access_token;
}

/** Calls the SCIM endpoint: `path` is relative to the SCIM base URL, e.g. `/Delegations?count=5`. */
export async function scim(
  idp: TestIdp,
  path: string,
  token: string | undefined,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/scim+json');
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(`${idp.config.publicUrl}${idp.config.scimPath}${path}`, { ...init, headers });
}

/** Lists delegations with a filter and returns the parsed list response; fails on any status but 200. */
export async function scimList(
  idp: TestIdp,
  token: string,
  query: Record<string, string>,
): Promise<ScimListResponse> {
  const response = await scim(idp, `/Delegations?${new URLSearchParams(query).toString()}`, token);
  if (response.status !== 200)
    throw new Error(`SCIM list returned ${response.status}: ${await response.text()}`);
  return (await response.json()) as ScimListResponse;
}

export interface ScimListResponse {
  schemas: string[];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: Array<Record<string, any>>;
}

export interface FixtureDelegation {
  owner: string;
  clientId: string;
  /** Seconds relative to now. */
  createdOffset: number;
  expiresOffset: number;
  scope?: string;
  redirectUri?: string;
  customData?: Record<string, unknown>;
  revoked?: boolean;
}

/**
 * Writes delegations straight into the server's SQLite file through a second connection, as
 * `idp seed` does, and returns their delegation ids in order.
 */
export function insertDelegations(idp: TestIdp, fixtures: FixtureDelegation[]): string[] {
  const db = openDatabase(idp.config.dataDir);
  try {
    const store = new DelegationStore(db);
    const now = Math.floor(Date.now() / 1000);
    return fixtures.map((fixture) => {
      const id = randomUUID();
      store.saveGrant({
        jti: id,
        kind: 'Grant',
        accountId: fixture.owner,
        clientId: fixture.clientId,
        iat: now + fixture.createdOffset,
        exp: now + fixture.expiresOffset,
        openid: { scope: fixture.scope ?? 'openid profile' },
      });
      if (fixture.redirectUri) store.setRedirectUri(id, fixture.redirectUri);
      if (fixture.customData) store.mergeCustomData(id, fixture.customData);
      if (fixture.revoked) store.revoke(id);
      return id;
    });
  } finally {
    db.close();
  }
}
