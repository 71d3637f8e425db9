import { createHash, timingSafeEqual } from 'node:crypto';

export interface DemoAccount {
  username: string;
  password: string;
  name: string;
  groups: string[];
}

/**
 * The embedded server's accounts while `idp.demo` is on. Their passwords are public (the README
 * and the `idp` command print them), which is why demo mode listens on loopback only.
 */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { username: 'janedoe', password: 'jane-demo-pass', name: 'Jane Doe', groups: [] },
  { username: 'larseriksson', password: 'lars-demo-pass', name: 'Lars Eriksson', groups: [] },
  {
    username: 'admin',
    password: 'admin-demo-pass',
    name: 'Session Administrator',
    groups: ['session-admins'],
  },
];

/** The accounts that can sign in. With demo mode off there are none: the server only serves SCIM. */
export class AccountDirectory {
  readonly #accounts: ReadonlyMap<string, DemoAccount>;

  constructor(demo: boolean) {
    this.#accounts = new Map(
      demo ? DEMO_ACCOUNTS.map((account) => [account.username, account]) : [],
    );
  }

  find(username: string): DemoAccount | undefined {
    return this.#accounts.get(username);
  }

  /**
   * Returns the account when the password matches. The comparison takes the same time for every
   * password and for unknown usernames, so response times reveal neither.
   */
  verify(username: string, password: string): DemoAccount | undefined {
    const account = this.#accounts.get(username);
    const expected = digest(account?.password ?? '');
    const matches = timingSafeEqual(expected, digest(password));
    return account && matches ? account : undefined;
  }

  /** ID token and userinfo claims; oidc-provider keeps those the granted scopes allow. */
  claimsOf(account: DemoAccount): Record<string, unknown> {
    return {
      sub: account.username,
      preferred_username: account.username,
      name: account.name,
      ...(account.groups.length > 0 ? { groups: account.groups } : {}),
    };
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
