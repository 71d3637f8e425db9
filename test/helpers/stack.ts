import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { deepMerge } from '../../src/config/env.ts';
import { loadConfig, type Config } from '../../src/config/load.ts';
import { startEmbeddedServer, type EmbeddedServer } from '../../src/idp/server.ts';
import type { Logger } from '../../src/shared/logger.ts';
import { startTracker, type RunningTracker } from '../../src/tracker/server.ts';
import { freePort } from './ports.ts';
import {
  createRunLogger,
  recordConfigSecrets,
  recordEmbeddedServerSecrets,
  recordStoreSecrets,
} from './run-log.ts';
import { isRedirect, parseForm, TestBrowser, type HtmlForm } from './test-browser.ts';

export { TestBrowser, TEST_USER_AGENTS } from './test-browser.ts';

export interface Stack {
  trackerUrl: string;
  idpUrl: string;
  config: Config;
  tracker: RunningTracker;
  idp: EmbeddedServer;
  logger: Logger;
  /** Stops the embedded server only, to test the tracker with its authorization server down. */
  stopIdp(): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  /**
   * Where log lines go; by default they are dropped unless TEST_LOG_LEVEL is set. Under `npm test`
   * every line also goes to the run's log folder (see run-log.ts).
   */
  logDestination?: DestinationStream;
  logLevel?: string;
  /**
   * Gives the tracker an https public URL while it listens on plain HTTP, as behind a
   * TLS-terminating proxy. Browsers need `listenUrl: stack.tracker.url` to reach it.
   */
  httpsPublicUrl?: boolean;
}

/**
 * Starts the embedded authorization server and the tracker on free loopback ports, with data in a
 * new temporary folder, wired to each other as `authServer.mode: embedded` does. `overrides` is
 * merged into the configuration (for example `{ idp: { scimLegacyShape: true } }`).
 */
export async function startStack(
  overrides: unknown = {},
  options: StackOptions = {},
): Promise<Stack> {
  // freePort() closes its probe before the server listens, so another socket on the machine can
  // take the port in between. A fresh pair of ports then almost always works.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startStackOnce(overrides, options);
    } catch (error) {
      const inUse = (error as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE';
      if (!inUse || attempt === 3) throw error;
    }
  }
}

async function startStackOnce(overrides: unknown, options: StackOptions): Promise<Stack> {
  const folder = mkdtempSync(join(tmpdir(), 'session-tracker-stack-'));
  const trackerPort = await freePort();
  const idpPort = await freePort();
  const trackerUrl = `${options.httpsPublicUrl ? 'https' : 'http'}://127.0.0.1:${trackerPort}`;
  const base = {
    tracker: {
      host: '127.0.0.1',
      port: trackerPort,
      publicUrl: trackerUrl,
      dataDir: join(folder, 'tracker'),
      cookieSecret: randomBytes(32).toString('base64'),
    },
    idp: { host: '127.0.0.1', port: idpPort, dataDir: join(folder, 'idp') },
  };
  const config = loadConfig({ env: {}, overrides: deepMerge(base, overrides) });
  recordConfigSecrets(config);
  const logger = createRunLogger(
    'stack',
    options.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'silent',
    options.logDestination,
  );

  const idp = await startEmbeddedServer(config.idp, { logger: logger.child({ component: 'idp' }) });
  let tracker: RunningTracker;
  try {
    tracker = await startTracker(config, { logger: logger.child({ component: 'tracker' }) });
    recordStoreSecrets(tracker.context.store);
  } catch (error) {
    await idp.close();
    throw error;
  }

  let idpRunning = true;
  const stopIdp = async () => {
    if (!idpRunning) return;
    idpRunning = false;
    await idp.close();
  };
  return {
    trackerUrl: config.tracker.publicUrl,
    idpUrl: config.idp.publicUrl,
    config,
    tracker,
    idp,
    logger,
    stopIdp,
    close: async () => {
      await tracker.close();
      await stopIdp();
      recordEmbeddedServerSecrets(config.idp.dataDir);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export interface SignInOptions {
  username: string;
  password: string;
  clientId: string;
  /** The browser to sign in with; a new one when absent. */
  agent?: TestBrowser;
}

/**
 * Signs in through the embedded login page with fetch, as a browser would: POST /api/login, then
 * the authorization URL, the login form (and any further form such as consent), and the callback.
 * Returns the browser with its session loaded; throws with the step that failed.
 */
export async function signIn(
  stack: Pick<Stack, 'trackerUrl' | 'tracker'>,
  options: SignInOptions,
): Promise<TestBrowser> {
  const browser =
    options.agent ?? new TestBrowser(stack.trackerUrl, undefined, { listenUrl: stack.tracker.url });
  const { authorizationUrl } = await startLogin(browser, options.clientId);
  const callback = await reachCallback(browser, new URL(authorizationUrl), options);

  const landing = callback.headers.get('location');
  if (callback.status !== 303 || landing !== '/') {
    throw new Error(
      `Sign-in of ${options.username} ended at ${landing ?? 'no redirect'} (status ${callback.status}).`,
    );
  }
  await browser.loadSession();
  return browser;
}

/** POSTs /api/login and returns its body; throws on any status but 200. */
export async function startLogin(
  browser: TestBrowser,
  clientId: string,
): Promise<{ authorizationUrl: string }> {
  const response = await browser.api('POST', '/api/login', {
    body: { clientId },
    csrf: 'pre-session',
  });
  if (response.status !== 200)
    throw new Error(`POST /api/login returned ${response.status}: ${await response.text()}`);
  return (await response.json()) as { authorizationUrl: string };
}

/** Most redirects and forms a sign-in passes before it reaches the tracker's callback. */
const MAX_SIGN_IN_STEPS = 20;

/**
 * Follows the authorization server's redirects and submits its forms until the browser is sent
 * to the tracker's /auth/callback, and returns the tracker's response to that callback.
 */
export async function reachCallback(
  browser: TestBrowser,
  authorizationUrl: URL,
  credentials: { username: string; password: string },
): Promise<Response> {
  return browser.fetch(await followToCallback(browser, authorizationUrl, credentials));
}

/**
 * Signs in at the authorization server and returns the callback URL it redirects to, with its
 * code and state, without requesting it: tests replay or move it to another browser.
 */
export async function followToCallback(
  browser: TestBrowser,
  authorizationUrl: URL,
  credentials: { username: string; password: string },
): Promise<URL> {
  let url = authorizationUrl;
  let response = await browser.fetch(url);

  for (let step = 0; step < MAX_SIGN_IN_STEPS; step += 1) {
    if (isRedirect(response.status)) {
      url = new URL(response.headers.get('location') ?? '', url);
      if (isCallback(browser, url)) return url;
      response = await browser.fetch(url);
      continue;
    }

    const html = await response.text();
    const form = parseForm(html, url);
    if (response.status !== 200 || !form) {
      throw new Error(
        `Sign-in stopped at ${url.origin}${url.pathname} with status ${response.status} and no form.`,
      );
    }
    ({ response, url } = await submitForm(browser, form, credentials));
  }
  throw new Error(`Sign-in did not reach the callback within ${MAX_SIGN_IN_STEPS} steps.`);
}

function isCallback(browser: TestBrowser, url: URL): boolean {
  return url.origin === new URL(browser.trackerUrl).origin && url.pathname === '/auth/callback';
}

async function submitForm(
  browser: TestBrowser,
  form: HtmlForm,
  credentials: { username: string; password: string },
): Promise<{ response: Response; url: URL }> {
  const fields = { ...form.fields };
  for (const name of Object.keys(fields)) {
    if (/^(username|login|user)$/i.test(name)) fields[name] = credentials.username;
    if (/^password$/i.test(name)) fields[name] = credentials.password;
  }

  const body = new URLSearchParams(fields).toString();
  if (form.method === 'get') {
    const target = new URL(form.action);
    target.search = body;
    return { response: await browser.fetch(target), url: target };
  }
  const response = await browser.fetch(form.action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: form.action.origin },
    body,
  });
  return { response, url: form.action };
}
