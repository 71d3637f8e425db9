import { signIn, TestBrowser, type Stack } from '../helpers/stack.ts';

/** Demo accounts of the embedded server. */
export const JANE = { username: 'janedoe', password: 'jane-demo-pass' } as const;
export const LARS = { username: 'larseriksson', password: 'lars-demo-pass' } as const;
export const ADMIN = { username: 'admin', password: 'admin-demo-pass' } as const;

export type Account = typeof JANE | typeof LARS | typeof ADMIN;

/** Signs `account` in to `clientId`, in `browser` or a new one. */
export function signInAs(
  stack: Stack,
  account: Account,
  clientId: string,
  browser?: TestBrowser,
): Promise<TestBrowser> {
  return signIn(stack, { ...account, clientId, agent: browser });
}

export interface ListedDelegation {
  id: string;
  delegationId: string;
  clientId: string;
  clientLabel: string;
  owner: string;
  status: string;
  scope: string[];
  created: string | null;
  expires: string | null;
  device: { publicId: string; browser: string; os: string } | null;
  thisBrowser: boolean;
  actions: {
    refresh: { allowed: boolean; reason?: string };
    introspect: { allowed: boolean; reason?: string };
  };
}

export interface ListedPage {
  items: ListedDelegation[];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
}

export function listDelegations(browser: TestBrowser, query = ''): Promise<ListedPage> {
  return browser.getJson<ListedPage>(`/api/delegations${query}`);
}

/** Returns the one listed delegation of `clientId`, failing when there is not exactly one. */
export function onlyOfClient(page: ListedPage, clientId: string): ListedDelegation {
  const matching = page.items.filter((item) => item.clientId === clientId);
  if (matching.length !== 1)
    throw new Error(`Expected one delegation of ${clientId}, found ${matching.length}.`);
  return matching[0]!;
}

/** Reads a whole NDJSON response body into its lines. */
export async function readNdjson(response: Response): Promise<Record<string, any>[]> {
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, any>);
}
