/**
 * A browser stand-in for tests: fetch with a cookie jar, manual redirects and simple HTML forms.
 * Like a browser, it keys cookies by host name and ignores the port, so the tracker and the
 * embedded server on two loopback ports share one jar, as they would in Chrome or Firefox.
 */
import { recordResponseSecrets } from './run-log.ts';

export interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
  /** Milliseconds since the epoch; undefined for a session cookie. */
  expiresAt: number | undefined;
}

export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  /** Stores the cookies of a response's Set-Cookie headers, deleting expired ones. */
  store(url: URL, setCookieHeaders: string[]): void {
    for (const header of setCookieHeaders) {
      const cookie = parseSetCookie(url, header);
      const key = `${cookie.host}|${cookie.path}|${cookie.name}`;
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= Date.now())
        this.#cookies.delete(key);
      else this.#cookies.set(key, cookie);
    }
  }

  /** Returns the Cookie header for `url`, longest paths first as RFC 6265 section 5.4 orders them. */
  headerFor(url: URL): string | undefined {
    const matching = this.matching(url).sort((a, b) => b.path.length - a.path.length);
    if (matching.length === 0) return undefined;
    return matching.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
  }

  /** Returns the value of the cookie `name` that would be sent to `url`. */
  get(url: URL, name: string): string | undefined {
    return this.matching(url).find((cookie) => cookie.name === name)?.value;
  }

  set(url: URL, name: string, value: string): void {
    this.store(url, [`${name}=${value}; Path=/`]);
  }

  delete(url: URL, name: string): void {
    for (const [key, cookie] of this.#cookies) {
      if (cookie.host === url.hostname && cookie.name === name) this.#cookies.delete(key);
    }
  }

  all(): StoredCookie[] {
    return [...this.#cookies.values()];
  }

  private matching(url: URL): StoredCookie[] {
    const now = Date.now();
    return this.all().filter(
      (cookie) =>
        cookie.host === url.hostname &&
        pathMatches(url.pathname, cookie.path) &&
        (cookie.expiresAt === undefined || cookie.expiresAt > now),
    );
  }
}

function parseSetCookie(url: URL, header: string): StoredCookie {
  const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
  const separator = pair.indexOf('=');
  const cookie: StoredCookie = {
    name: pair.slice(0, separator),
    value: pair.slice(separator + 1),
    host: url.hostname,
    path: defaultPath(url.pathname),
    expiresAt: undefined,
  };

  for (const attribute of attributes) {
    const [rawName = '', ...rest] = attribute.split('=');
    const value = rest.join('=');
    const name = rawName.toLowerCase();
    if (name === 'path' && value.startsWith('/')) cookie.path = value;
    if (name === 'max-age') cookie.expiresAt = Date.now() + Number(value) * 1000;
    if (name === 'expires' && cookie.expiresAt === undefined) cookie.expiresAt = Date.parse(value);
  }
  return cookie;
}

/** RFC 6265 section 5.1.4: the directory of the request path. */
function defaultPath(pathname: string): string {
  const index = pathname.lastIndexOf('/');
  return index <= 0 ? '/' : pathname.slice(0, index);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

export interface HtmlForm {
  action: URL;
  method: string;
  fields: Record<string, string>;
}

/** Finds the first form of a page with its hidden and prefilled fields. Enough for simple login pages. */
export function parseForm(html: string, pageUrl: URL): HtmlForm | null {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return null;

  const attributes = form[1] ?? '';
  const action = attributeOf(attributes, 'action');
  const fields: Record<string, string> = {};
  for (const input of (form[2] ?? '').matchAll(/<(?:input|button)\b([^>]*)>/gi)) {
    const name = attributeOf(input[1] ?? '', 'name');
    if (name !== undefined)
      fields[name] = decodeEntities(attributeOf(input[1] ?? '', 'value') ?? '');
  }
  return {
    action: new URL(decodeEntities(action ?? ''), pageUrl),
    method: (attributeOf(attributes, 'method') ?? 'get').toLowerCase(),
    fields,
  };
}

function attributeOf(attributes: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(
    attributes,
  );
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export interface ApiOptions {
  body?: unknown;
  /** The X-CSRF-Token header: the session's token by default, null to leave it out. */
  csrf?: string | null;
  /** The Origin header: the tracker's origin by default, null to leave it out. */
  origin?: string | null;
  headers?: Record<string, string>;
}

/** One browser: its own cookie jar and user agent, talking to one tracker. */
export class TestBrowser {
  readonly jar = new CookieJar();
  readonly trackerUrl: string;
  readonly userAgent: string;
  /** The session's CSRF token, read by `loadSession()`. */
  csrfToken: string | undefined;

  /** Where requests to the tracker's public origin really go, as through a TLS-terminating proxy. */
  readonly #listenUrl: string | undefined;

  /**
   * `listenUrl` is needed when the tracker's public URL is https while it listens on plain HTTP:
   * requests keep the https URL for cookies and Origin, and are sent to `listenUrl`.
   */
  constructor(
    trackerUrl: string,
    userAgent: string = TEST_USER_AGENTS.chromeLinux,
    options: { listenUrl?: string } = {},
  ) {
    this.trackerUrl = trackerUrl;
    this.userAgent = userAgent;
    this.#listenUrl = options.listenUrl;
  }

  /** Sends one request with this browser's cookies and stores the cookies of the response. Redirects are not followed. */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url, this.trackerUrl);
    const headers = new Headers(init.headers);
    headers.set('user-agent', this.userAgent);
    const cookie = this.jar.headerFor(target);
    if (cookie) headers.set('cookie', cookie);

    const response = await fetch(this.#connectionUrl(target), {
      ...init,
      headers,
      redirect: 'manual',
    });
    recordResponseSecrets(response);
    this.jar.store(target, response.headers.getSetCookie());
    return response;
  }

  #connectionUrl(target: URL): URL {
    if (!this.#listenUrl || target.origin !== new URL(this.trackerUrl).origin) return target;
    return new URL(`${target.pathname}${target.search}`, this.#listenUrl);
  }

  /** Calls a tracker API route the way the UI does: JSON, Origin and the CSRF header. */
  async api(method: string, path: string, options: ApiOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    const origin = options.origin === undefined ? new URL(this.trackerUrl).origin : options.origin;
    if (origin !== null) headers.origin = origin;
    const csrf = options.csrf === undefined ? this.csrfToken : options.csrf;
    if (csrf !== undefined && csrf !== null) headers['x-csrf-token'] = csrf;

    let body: string | undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      headers['content-type'] = 'application/json';
      if (options.body !== undefined) body = JSON.stringify(options.body);
    }
    return this.fetch(path, { method, headers, body });
  }

  /** GETs a tracker API route and returns its JSON body, failing on any status but 200. */
  async getJson<T = any>(path: string): Promise<T> {
    const response = await this.api('GET', path);
    if (response.status !== 200)
      throw new Error(`GET ${path} returned ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Reads GET /api/session and keeps its CSRF token for later calls. */
  async loadSession(): Promise<any> {
    const session = await this.getJson('/api/session');
    this.csrfToken = session.signedIn ? session.csrfToken : undefined;
    return session;
  }

  /**
   * Follows redirects from `url` as a browser navigation does, up to `maxRedirects`, and returns
   * the last response with its URL.
   */
  async navigate(
    url: string | URL,
    init: RequestInit = {},
    maxRedirects = 10,
  ): Promise<{ response: Response; url: URL }> {
    let current = new URL(url, this.trackerUrl);
    let response = await this.fetch(current, init);
    for (let step = 0; step < maxRedirects && isRedirect(response.status); step += 1) {
      current = new URL(response.headers.get('location') ?? '', current);
      response = await this.fetch(current);
    }
    return { response, url: current };
  }

  cookie(name: string): string | undefined {
    return this.jar.get(new URL(this.trackerUrl), name);
  }
}

export function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

export const TEST_USER_AGENTS = {
  chromeLinux:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  firefoxWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
} as const;
