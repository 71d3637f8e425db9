import { DEMO_ACCOUNTS } from '../../src/idp/accounts.ts';
import { reachCallback, startLogin, TestBrowser } from '../../test/helpers/stack.ts';
import { send, sendForJson, type BenchResponse } from './http.ts';

/** A browser signed in to the tracker: the headers its API calls need. */
export interface SignedInBrowser {
  username: string;
  trackerUrl: string;
  /** The Cookie header the browser sends to the tracker's /api routes. */
  cookie: string;
  csrfToken: string;
}

/** The demo web client every benchmark session signs in with. */
const CLIENT_ID = 'www';

/**
 * Signs in through the embedded login page as a browser does (POST /api/login, the authorization
 * request, the login form, the callback) and returns the session's cookie and CSRF token.
 */
export async function signInBrowser(
  trackerUrl: string,
  username: string,
): Promise<SignedInBrowser> {
  const account = DEMO_ACCOUNTS.find((candidate) => candidate.username === username);
  if (!account)
    throw new Error(`No demo account named ${username}: use janedoe, larseriksson or admin.`);

  const browser = new TestBrowser(trackerUrl);
  const { authorizationUrl } = await startLogin(browser, CLIENT_ID);
  const callback = await reachCallback(browser, new URL(authorizationUrl), account);
  if (callback.status !== 303 || callback.headers.get('location') !== '/') {
    throw new Error(
      `Sign-in of ${username} ended with status ${callback.status} at ${callback.headers.get('location')}.`,
    );
  }
  await browser.loadSession();

  const cookie = browser.jar.headerFor(new URL('/api/delegations', trackerUrl));
  if (!cookie || !browser.csrfToken)
    throw new Error(`Sign-in of ${username} left no session cookie or CSRF token.`);
  return { username, trackerUrl, cookie, csrfToken: browser.csrfToken };
}

/** The headers of a tracker API call from this browser, as the UI sends them. */
export function apiHeaders(session: SignedInBrowser, json = false): Record<string, string> {
  return {
    accept: 'application/json',
    cookie: session.cookie,
    origin: new URL(session.trackerUrl).origin,
    'x-csrf-token': session.csrfToken,
    ...(json ? { 'content-type': 'application/json' } : {}),
  };
}

export function trackerGet(session: SignedInBrowser, path: string): Promise<BenchResponse> {
  return send(`${session.trackerUrl}${path}`, { headers: apiHeaders(session) });
}

export function trackerGetJson<T>(session: SignedInBrowser, path: string): Promise<T> {
  return sendForJson<T>(`${session.trackerUrl}${path}`, { headers: apiHeaders(session) });
}

export function trackerPost(
  session: SignedInBrowser,
  path: string,
  body: unknown,
): Promise<BenchResponse> {
  return send(`${session.trackerUrl}${path}`, {
    method: 'POST',
    headers: apiHeaders(session, true),
    body: JSON.stringify(body),
  });
}
