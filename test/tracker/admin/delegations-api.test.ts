import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedDelegations } from '../../../src/idp/seed.ts';
import { startStack, TestBrowser, TEST_USER_AGENTS, type Stack } from '../../helpers/stack.ts';
import { DelegationOracle } from './oracle.ts';
import { assertApiError, signInAs } from './support.ts';

interface Item {
  id: string;
  delegationId: string;
  owner: string;
  clientId: string;
  clientLabel: string;
  status: string;
  created: string | null;
  expires: string | null;
  device: { publicId: string; browser: string; os: string } | null;
  thisBrowser: boolean;
  actions?: unknown;
}

interface Page {
  items: Item[];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
}

const SEEDED = 3000;

describe('admin delegation list', () => {
  let stack: Stack;
  let admin: TestBrowser;
  let oracle: DelegationOracle;
  const list = (query: string): Promise<Page> => admin.getJson(`/api/admin/delegations?${query}`);

  before(async () => {
    stack = await startStack();
    await seedDelegations(stack.config.idp, { users: 40, delegations: SEEDED });
    await signInAs(
      stack,
      'janedoe',
      'www2',
      new TestBrowser(stack.trackerUrl, TEST_USER_AGENTS.firefoxWindows),
    );
    admin = await signInAs(stack, 'admin');
    oracle = new DelegationOracle(stack);
  });
  after(async () => {
    oracle.close();
    await stack.close();
  });

  it('counts issued delegations without filters', async () => {
    const page = await list('');
    assert.equal(page.totalResults, oracle.count("status = 'issued'"));
    assert.equal(page.items.length, 50);
    assert.equal(page.startIndex, 1);
    assert.equal(page.itemsPerPage, 50);
  });

  it('filters by status', async () => {
    const page = await list('status=revoked&count=200');
    assert.equal(page.totalResults, oracle.count("status = 'revoked'"));
    assert.ok(page.totalResults > 0);
    assert.ok(page.items.every((item) => item.status === 'revoked'));
  });

  it('filters by exact user', async () => {
    const page = await list('user=user000003&status=issued&count=500');
    assert.equal(page.totalResults, oracle.count("owner = 'user000003' AND status = 'issued'"));
    assert.ok(page.items.length > 0);
    assert.ok(page.items.every((item) => item.owner === 'user000003'));
  });

  it('filters by user prefix', async () => {
    const page = await list('userPrefix=user00001&status=issued&count=500');
    assert.equal(page.totalResults, oracle.count("owner LIKE 'user00001%' AND status = 'issued'"));
    assert.ok(page.items.every((item) => item.owner.startsWith('user00001')));
    assert.ok(
      new Set(page.items.map((item) => item.owner)).size > 1,
      'a prefix should match several users',
    );
  });

  it('filters by client', async () => {
    const page = await list('client=www2&status=issued&count=100');
    assert.equal(page.totalResults, oracle.count("client_id = 'www2' AND status = 'issued'"));
    assert.ok(
      page.items.every(
        (item) => item.clientId === 'www2' && item.clientLabel === 'Partner portal (www2)',
      ),
    );
  });

  it('filters by expiry window', async () => {
    const after = Math.floor(Date.now() / 1000) + 5 * 86_400;
    const before = after + 10 * 86_400;
    const query = `expiresAfter=${iso(after)}&expiresBefore=${iso(before)}&status=issued&count=500`;
    const page = await list(query);

    assert.equal(
      page.totalResults,
      oracle.count("expires > ? AND expires < ? AND status = 'issued'", after, before),
    );
    for (const item of page.items) {
      const expires = Date.parse(item.expires!) / 1000;
      assert.ok(expires > after && expires < before, `${item.expires} is outside the window`);
    }
  });

  it('combines user, client and status', async () => {
    const page = await list('user=user000000&client=www&status=issued&count=500');
    assert.equal(
      page.totalResults,
      oracle.count("owner = 'user000000' AND client_id = 'www' AND status = 'issued'"),
    );
    assert.ok(page.items.every((item) => item.owner === 'user000000' && item.clientId === 'www'));
  });

  const sorts: [string, (item: Item) => string][] = [
    ['created', (item) => item.created!],
    ['expires', (item) => item.expires!],
    ['owner', (item) => item.owner],
    ['clientId', (item) => item.clientId],
  ];
  for (const [sortBy, key] of sorts) {
    for (const sortOrder of ['ascending', 'descending']) {
      it(`sorts by ${sortBy} ${sortOrder}`, async () => {
        const page = await list(
          `sortBy=${sortBy}&sortOrder=${sortOrder}&status=issued&count=500&startIndex=101`,
        );
        assert.equal(page.items.length, 500);
        const keys = page.items.map(key);
        const sorted = [...keys].sort();
        if (sortOrder === 'descending') sorted.reverse();
        assert.deepEqual(keys, sorted);
      });
    }
  }

  it('pages through one user without gaps', async () => {
    const expected = oracle.count("owner = 'user000000' AND status = 'issued'");
    assert.ok(expected > 150, `user000000 has only ${expected} issued delegations`);

    const ids: string[] = [];
    for (let startIndex = 1; ; startIndex += 70) {
      const page = await list(
        `user=user000000&status=issued&sortBy=created&startIndex=${startIndex}&count=70`,
      );
      assert.equal(page.startIndex, startIndex);
      assert.equal(page.totalResults, expected);
      assert.ok(page.items.length <= 70);
      ids.push(...page.items.map((item) => item.id));
      if (page.items.length < 70) break;
    }
    assert.equal(ids.length, expected);
    assert.equal(new Set(ids).size, expected, 'a delegation appeared on two pages');
  });

  it('returns an empty page past the end', async () => {
    const page = await list('status=issued&startIndex=999999');
    assert.deepEqual(page.items, []);
    assert.equal(page.startIndex, 999999);
  });

  it('describes known devices only', async () => {
    const jane = await list('user=janedoe');
    assert.equal(jane.totalResults, 1);
    assert.equal(jane.items[0]!.device?.browser, 'Firefox 128');
    assert.match(jane.items[0]!.device?.os ?? '', /^Windows/);
    assert.equal(jane.items[0]!.thisBrowser, false);
    assert.equal(jane.items[0]!.actions, undefined);

    const own = await list('user=admin');
    assert.equal(own.items[0]!.thisBrowser, true);

    const seeded = await list('user=user000001&count=20');
    assert.ok(
      seeded.items.every((item) => item.device === null),
      'seeded devices are unknown to the tracker',
    );
  });

  const invalid: [string, string][] = [
    ['count=0', 'count'],
    ['count=501', 'count'],
    ['count=ten', 'count'],
    ['startIndex=0', 'startIndex'],
    ['status=expired', 'status'],
    ['sortBy=scope', 'sortBy'],
    ['sortOrder=asc', 'sortOrder'],
    ['expiresBefore=soon', 'expiresBefore'],
    ['expiresAfter=2026-02-30', 'expiresAfter'],
    ['user=a&userPrefix=b', 'userPrefix'],
    ['user=a&user=b', 'user'],
    ['owner=janedoe', 'owner'],
  ];
  for (const [query, parameter] of invalid) {
    it(`rejects ${query}`, async () => {
      const message = await assertApiError(
        await admin.api('GET', `/api/admin/delegations?${query}`),
        400,
        'invalid_request',
      );
      assert.match(message, new RegExp(`"${parameter}"`));
    });
  }
});

function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}
