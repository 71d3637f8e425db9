import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { seedDelegations } from '../../src/idp/seed.ts';
import { oddScim, type Fault } from '../helpers/fault-proxy.ts';
import type { TestBrowser } from '../helpers/stack.ts';
import { DelegationOracle } from '../tracker/admin/oracle.ts';
import {
  ADMIN,
  JANE,
  LARS,
  listDelegations,
  readNdjson,
  signInAs,
  type ListedPage,
} from '../tracker/accounts.ts';
import { startProxiedStack, type ProxiedStack } from './support/proxied-stack.ts';

const LIST = '/um/admin/Delegations';
const BY_ID = /^\/um\/admin\/Delegations\/[^/]+$/;
/** Small pages, so that every listing here takes several SCIM requests. */
const PAGE_SIZE = 2;

/** Reads every page of the user's list through the tracker, PAGE_SIZE items at a time. */
async function listAllPages(browser: TestBrowser): Promise<string[]> {
  const ids: string[] = [];
  for (let startIndex = 1; ; startIndex += PAGE_SIZE) {
    const page: ListedPage = await listDelegations(
      browser,
      `?startIndex=${startIndex}&count=${PAGE_SIZE}`,
    );
    ids.push(...page.items.map((item) => item.id));
    if (page.items.length < PAGE_SIZE) return ids;
  }
}

async function expectError(
  response: Response,
  status: number,
  code: string,
  message: RegExp,
): Promise<void> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  assert.equal(body.error.code, code, text);
  assert.match(body.error.message, message, text);
}

describe('odd SCIM responses', () => {
  let proxied: ProxiedStack;
  let jane: TestBrowser;
  let admin: TestBrowser;
  let oracle: DelegationOracle;
  let janesIds: string[];

  before(async () => {
    proxied = await startProxiedStack({ authServer: { scim: { pageSize: PAGE_SIZE } } });
    await seedDelegations(proxied.stack.config.idp, {
      users: 0,
      delegations: 0,
      owner: { username: 'janedoe', count: 12 },
    });
    jane = await signInAs(proxied.stack, JANE, 'www');
    admin = await signInAs(proxied.stack, ADMIN, 'www');
    oracle = new DelegationOracle(proxied.stack);
    janesIds = (await listAllPages(jane)).sort();
  });

  afterEach(() => proxied.proxy.clear());

  after(async () => {
    oracle.close();
    await proxied.close();
  });

  test('list needs several pages', () => {
    assert.equal(janesIds.length, oracle.count("owner = 'janedoe' AND status = 'issued'"));
    assert.ok(janesIds.length > PAGE_SIZE * 2);
  });

  const tolerated: [string, Fault][] = [
    ['schemas as a string', oddScim.schemasAsString],
    ['unknown attributes', oddScim.unknownAttributes],
    ['too high totalResults', oddScim.totalResults(1000)],
  ];
  for (const [name, fault] of tolerated) {
    test(`${name}: pages list everything`, async () => {
      proxied.proxy.add({ method: 'GET', path: LIST, fault });
      assert.deepEqual((await listAllPages(jane)).sort(), janesIds);
    });

    test(`${name}: delegation refreshes`, async () => {
      proxied.proxy.add({ method: 'GET', path: BY_ID, fault });
      const own = (await listDelegations(jane)).items.find((item) => item.thisBrowser)!;
      const response = await jane.api('POST', `/api/delegations/${own.id}/refresh`);
      assert.equal(response.status, 200, await response.clone().text());
    });
  }

  test('too low totalResults: first page', async () => {
    proxied.proxy.add({ method: 'GET', path: LIST, fault: oddScim.totalResults(1) });
    const first = await listDelegations(jane, `?startIndex=1&count=${PAGE_SIZE}`);
    assert.equal(first.items.length, PAGE_SIZE);
    assert.ok(first.totalResults >= PAGE_SIZE, 'the total is at least what was returned');
  });

  test('no Resources is an invalid response', async () => {
    proxied.proxy.add({ method: 'GET', path: LIST, fault: oddScim.withoutResources });
    const message =
      /sent an invalid response: a SCIM list response without "Resources" although totalResults is \d+/;

    await expectError(
      await jane.api('GET', '/api/delegations'),
      502,
      'as_invalid_response',
      message,
    );
    await expectError(
      await jane.api('POST', '/api/revoke-all'),
      502,
      'as_invalid_response',
      message,
    );
    await expectError(
      await admin.api('GET', '/api/admin/delegations'),
      502,
      'as_invalid_response',
      message,
    );
    assert.equal((await jane.loadSession()).signedIn, true, 'revoke-all did not end the session');
    assert.equal(
      oracle.count("owner = 'janedoe' AND status = 'issued'"),
      janesIds.length,
      'nothing was revoked',
    );
  });

  const broken: [string, Fault, RegExp][] = [
    [
      'an HTML page',
      oddScim.htmlErrorPage,
      /sent an invalid response: HTTP 200 with content type text\/html; charset=utf-8 whose body is not JSON/,
    ],
    [
      'an empty body',
      oddScim.emptyBody,
      /sent an invalid response: HTTP 200 with content type application\/scim\+json and an empty body/,
    ],
  ];
  for (const [name, fault, message] of broken) {
    test(`${name}: clear error on every page`, async () => {
      proxied.proxy.add({ method: 'GET', path: LIST, fault });
      proxied.proxy.add({ method: 'GET', path: BY_ID, fault });
      const own = janesIds[0]!;
      const calls: [TestBrowser, string, string][] = [
        [jane, 'GET', '/api/delegations'],
        [jane, 'POST', `/api/delegations/${own}/refresh`],
        [jane, 'DELETE', `/api/delegations/${own}`],
        [jane, 'POST', '/api/revoke-all'],
        [admin, 'GET', '/api/admin/delegations'],
        [admin, 'GET', '/api/admin/users/janedoe'],
        [admin, 'DELETE', `/api/admin/delegations/${own}`],
      ];
      for (const [browser, method, path] of calls) {
        await expectError(await browser.api(method, path), 502, 'as_invalid_response', message);
      }
      assert.equal(
        oracle.count("owner = 'janedoe' AND status = 'issued'"),
        janesIds.length,
        'nothing was revoked',
      );
    });
  }
});

describe('revocation with a too low totalResults', () => {
  let proxied: ProxiedStack;
  let oracle: DelegationOracle;

  before(async () => {
    proxied = await startProxiedStack({ authServer: { scim: { pageSize: PAGE_SIZE } } });
    oracle = new DelegationOracle(proxied.stack);
  });

  after(async () => {
    oracle.close();
    await proxied.close();
  });

  const issuedOf = (owner: string) => oracle.count('owner = ? AND status = ?', owner, 'issued');

  test('revoke-all reaches every page', async () => {
    await seedDelegations(proxied.stack.config.idp, {
      users: 0,
      delegations: 0,
      owner: { username: 'larseriksson', count: 7 },
    });
    const lars = await signInAs(proxied.stack, LARS, 'www');
    const total = issuedOf('larseriksson');
    proxied.proxy.add({ method: 'GET', path: LIST, fault: oddScim.totalResults(1) });

    const lines = await readNdjson(await lars.api('POST', '/api/revoke-all'));

    const end = lines.at(-1)!;
    assert.equal(end.type, 'end');
    assert.equal(end.revoked, total);
    assert.equal(issuedOf('larseriksson'), 0, 'nothing of the user is left');
    assert.ok(end.logoutUrl, 'the session ends only once everything is revoked');
  });

  test('bulk revocation reaches every page', async () => {
    await seedDelegations(proxied.stack.config.idp, {
      users: 0,
      delegations: 0,
      owner: { username: 'janedoe', count: 9 },
    });
    const admin = await signInAs(proxied.stack, ADMIN, 'www');
    const total = issuedOf('janedoe');
    proxied.proxy.add({ method: 'GET', path: LIST, fault: oddScim.totalResults(1) });

    const dryRun = await (
      await admin.api('POST', '/api/admin/bulk-revoke', {
        body: { target: { user: 'janedoe' }, dryRun: true },
      })
    ).json();
    assert.equal(dryRun.total, total, 'the dry run counts every page');
    const lines = await readNdjson(
      await admin.api('POST', '/api/admin/bulk-revoke', {
        body: { target: { user: 'janedoe' }, dryRun: false },
      }),
    );

    assert.equal(lines.at(-1)!.revoked, total);
    assert.equal(issuedOf('janedoe'), 0);
  });

  test('admin user page reaches every page', async () => {
    await seedDelegations(proxied.stack.config.idp, {
      users: 0,
      delegations: 0,
      owner: { username: 'larseriksson', count: 5 },
    });
    const admin = await signInAs(proxied.stack, ADMIN, 'www');
    const total = issuedOf('larseriksson');
    proxied.proxy.add({ method: 'GET', path: LIST, fault: oddScim.totalResults(1) });

    const detail = await admin.getJson('/api/admin/users/larseriksson');

    const listed = detail.groups.flatMap((group: { items: unknown[] }) => group.items).length;
    assert.equal(listed, total);
    assert.equal(detail.truncated, false);
  });
});

describe('SCIM server counting from 0', () => {
  let proxied: ProxiedStack;
  let jane: TestBrowser;
  let issued: number;

  before(async () => {
    proxied = await startProxiedStack({ authServer: { scim: { pageSize: PAGE_SIZE } } });
    await seedDelegations(proxied.stack.config.idp, {
      users: 0,
      delegations: 0,
      owner: { username: 'janedoe', count: 6 },
    });
    jane = await signInAs(proxied.stack, JANE, 'www');
    const oracle = new DelegationOracle(proxied.stack);
    issued = oracle.count("owner = 'janedoe' AND status = 'issued'");
    oracle.close();
  });

  after(async () => {
    await proxied.close();
  });

  test('pages list each delegation once', async () => {
    proxied.proxy.add({ method: 'GET', path: LIST, fault: oddScim.zeroBasedStartIndex });

    const ids = await listAllPages(jane);

    assert.equal(ids.length, issued);
    assert.equal(new Set(ids).size, ids.length, 'no delegation twice');
  });

  test('revoke-all revokes everything', async () => {
    proxied.proxy.add({ method: 'GET', path: LIST, fault: oddScim.zeroBasedStartIndex });

    const lines = await readNdjson(await jane.api('POST', '/api/revoke-all'));

    assert.equal(lines.at(-1)!.revoked, issued);
    assert.ok(lines.at(-1)!.logoutUrl);
  });
});
