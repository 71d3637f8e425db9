import { followToCallback, TestBrowser } from '../../test/helpers/stack.ts';

/** A demo account of the embedded server. */
export interface Account {
  username: string;
  password: string;
}

export const DEMO_USERS: readonly Account[] = [
  { username: 'janedoe', password: 'jane-demo-pass' },
  { username: 'larseriksson', password: 'lars-demo-pass' },
  { username: 'admin', password: 'admin-demo-pass' },
];

/** An action the tracker reported as done: it must have a `succeeded` audit entry. */
export interface DoneAction {
  action: 'sign-in' | 'refresh' | 'introspect' | 'revoke';
  /** The delegation id for delegation actions, the username for sign-in. */
  key: string;
}

/** Record of the responses and the done actions of the simulated users, shared by all of them. */
export class Ledger {
  readonly done: DoneAction[] = [];
  readonly statuses = new Map<number, number>();
  /** The first responses with a 5xx status, for the summary. */
  readonly serverErrors: string[] = [];
  serverErrorCount = 0;
  /** Requests that got no response: refused or reset connections, as while the tracker is down. */
  connectionErrors = 0;
  /** Sign-ins that stopped at a page of the embedded server, with the first messages. */
  signInFailures = 0;
  readonly signInFailureMessages: string[] = [];

  /** The first responses with a 4xx status, to tell expected ones from mistakes. */
  readonly clientErrors: string[] = [];

  recordStatus(method: string, path: string, status: number, body: string): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (status >= 400 && status < 500 && this.clientErrors.length < 10) {
      this.clientErrors.push(`${method} ${path} → ${status} ${body.slice(0, 160)}`);
    }
    if (status < 500) return;
    this.serverErrorCount += 1;
    if (this.serverErrors.length < 10)
      this.serverErrors.push(`${method} ${path} → ${status} ${body.slice(0, 200)}`);
  }

  requests(): number {
    return [...this.statuses.values()].reduce((sum, count) => sum + count, 0);
  }
}

/** A browser that records the status of every tracker response in the current ledger. */
class LoadBrowser extends TestBrowser {
  readonly #ledger: () => Ledger;

  constructor(trackerUrl: string, ledger: () => Ledger) {
    super(trackerUrl);
    this.#ledger = ledger;
  }

  override async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url, this.trackerUrl);
    const response = await super.fetch(target, init);
    if (target.origin === new URL(this.trackerUrl).origin) {
      const body = response.status >= 400 ? await response.clone().text() : '';
      this.#ledger().recordStatus(init.method ?? 'GET', target.pathname, response.status, body);
    }
    return response;
  }
}

interface OwnDelegation {
  id: string;
  delegationId: string;
  thisBrowser: boolean;
  actions: { refresh: { allowed: boolean } };
}

/**
 * One user in one browser: it lists its delegations, and refreshes, introspects or revokes the
 * one made in this browser, signing in again once it has none, with a pause between actions.
 */
export class SimulatedUser {
  readonly account: Account;
  readonly browser: TestBrowser;
  /**
   * True while the sign-in callback is sent: the tracker has then replaced, or is replacing, the
   * browser's session, so a crash may leave the browser with the old cookie only.
   */
  atCallback = false;
  /** Ledger the user writes to; each phase of the run has its own. */
  ledger: Ledger;
  readonly #thinkMs: number;

  constructor(trackerUrl: string, account: Account, ledger: Ledger, thinkMs: number) {
    this.account = account;
    this.ledger = ledger;
    this.browser = new LoadBrowser(trackerUrl, () => this.ledger);
    this.#thinkMs = thinkMs;
  }

  /** Signs in with the `www` client; returns false when any step failed. */
  async signIn(): Promise<boolean> {
    try {
      const started = await this.browser.api('POST', '/api/login', {
        body: { clientId: 'www' },
        csrf: 'pre-session',
      });
      if (started.status !== 200) return false;
      const { authorizationUrl } = (await started.json()) as { authorizationUrl: string };
      const callbackUrl = await followToCallback(
        this.browser,
        new URL(authorizationUrl),
        this.account,
      );
      this.atCallback = true;
      const callback = await this.browser.fetch(callbackUrl);
      this.atCallback = false;
      if (callback.status !== 303 || callback.headers.get('location') !== '/') return false;

      this.ledger.done.push({ action: 'sign-in', key: this.account.username });
      await this.browser.loadSession();
      return true;
    } catch (error) {
      await this.#countFailure(error);
      return false;
    }
  }

  /** Acts until `shouldStop()` returns true. */
  async run(shouldStop: () => boolean): Promise<void> {
    while (!shouldStop()) {
      await pause(this.#thinkMs * (0.5 + Math.random()));
      try {
        await this.#step();
      } catch (error) {
        await this.#countFailure(error);
      }
    }
  }

  async #step(): Promise<void> {
    const list = await this.browser.api('GET', '/api/delegations?count=50');
    if (list.status === 401) {
      await list.arrayBuffer();
      await this.signIn();
      return;
    }
    if (list.status !== 200) {
      await list.arrayBuffer();
      return;
    }
    const { items } = (await list.json()) as { items: OwnDelegation[] };
    const own = items.find((item) => item.thisBrowser && item.actions.refresh.allowed);
    if (!own) {
      await this.signIn();
      return;
    }

    const choice = Math.random();
    if (choice < 0.45) await this.#refresh(own);
    else if (choice < 0.9) await this.#introspect(own);
    else await this.#revoke(own);
  }

  /**
   * Reads the session again after a 403 `csrf_rejected`, as the UI's message tells a user: a sign-in cut
   * short after its callback leaves the browser with the new session and the old CSRF token.
   */
  async #recoverFrom(response: Response): Promise<void> {
    const body = await response.text();
    if (response.status === 403 && body.includes('"csrf_rejected"'))
      await this.browser.loadSession();
  }

  async #refresh(own: OwnDelegation): Promise<void> {
    const response = await this.browser.api('POST', `/api/delegations/${own.id}/refresh`);
    await this.#recoverFrom(response);
    if (response.status === 200)
      this.ledger.done.push({ action: 'refresh', key: own.delegationId });
  }

  async #introspect(own: OwnDelegation): Promise<void> {
    const mode = Math.random() < 0.5 ? 'json' : 'jwt';
    const response = await this.browser.api('POST', `/api/delegations/${own.id}/introspect`, {
      body: { mode },
    });
    await this.#recoverFrom(response);
    if (response.status === 200)
      this.ledger.done.push({ action: 'introspect', key: own.delegationId });
  }

  async #revoke(own: OwnDelegation): Promise<void> {
    const response = await this.browser.api('DELETE', `/api/delegations/${own.id}`);
    if (response.status !== 200) {
      await this.#recoverFrom(response);
      return;
    }
    const { result } = (await response.json()) as { result: string };
    if (result === 'revoked') this.ledger.done.push({ action: 'revoke', key: own.delegationId });
  }

  /**
   * Counts a request that got no response, then waits a second as a person would before trying
   * again, or counts a sign-in that stopped at a page of the embedded server. Anything else is a
   * bug of this script and is raised.
   */
  async #countFailure(error: unknown): Promise<void> {
    this.atCallback = false;
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof TypeError && /fetch failed|terminated/.test(message)) {
      this.ledger.connectionErrors += 1;
      await pause(1000);
      return;
    }
    if (/^Sign-in stopped at|^Sign-in did not reach/.test(message)) {
      this.ledger.signInFailures += 1;
      if (this.ledger.signInFailureMessages.length < 5)
        this.ledger.signInFailureMessages.push(message);
      return;
    }
    throw error;
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
