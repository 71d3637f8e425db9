import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  insertDelegations,
  scim,
  scimList,
  scimToken,
  startTestIdp,
  type FixtureDelegation,
  type TestIdp,
} from './support.ts';

const HOUR = 3600;

/** Fixture rows; the tests refer to them by their position in this list. */
const FIXTURES: FixtureDelegation[] = [
  {
    owner: 'alice',
    clientId: 'www',
    createdOffset: -6 * HOUR,
    expiresOffset: 5 * HOUR,
    redirectUri: 'https://a.example/cb',
    customData: { user_agent_id: 'ua-1' },
  },
  {
    owner: 'alice',
    clientId: 'www2',
    createdOffset: -5 * HOUR,
    expiresOffset: 4 * HOUR,
    scope: 'openid',
  },
  {
    owner: 'bob',
    clientId: 'www',
    createdOffset: -4 * HOUR,
    expiresOffset: 9 * HOUR,
    scope: 'openid profile email',
    revoked: true,
  },
  {
    owner: 'o"brien\\x',
    clientId: 'www',
    createdOffset: -3 * HOUR,
    expiresOffset: 8 * HOUR,
    redirectUri: 'https://b.example/cb',
  },
  { owner: 'émilie 日本', clientId: 'www2', createdOffset: -2 * HOUR, expiresOffset: 7 * HOUR },
  { owner: 'star*user?[x]', clientId: 'www', createdOffset: -1 * HOUR, expiresOffset: 6 * HOUR },
];

describe('SCIM Delegations list', () => {
  let idp: TestIdp;
  let token: string;
  let ids: string[];
  let now: number;

  before(async () => {
    idp = await startTestIdp();
    token = await scimToken(idp);
    now = Math.floor(Date.now() / 1000);
    ids = insertDelegations(idp, FIXTURES);
  });
  after(async () => {
    await idp.close();
  });

  /** Returns the fixture positions a filter selects, in the default order (oldest first). */
  async function select(filter: string, extra: Record<string, string> = {}): Promise<number[]> {
    const list = await scimList(idp, token, { filter, ...extra });
    return list.Resources.map((resource) => ids.indexOf(resource.externalId));
  }

  test('unfiltered list holds issued delegations only', async () => {
    const list = await scimList(idp, token, {});

    assert.deepEqual(list.schemas, ['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    assert.equal(list.totalResults, 5);
    assert.equal(list.startIndex, 1);
    assert.equal(list.itemsPerPage, 5);
    assert.deepEqual(
      list.Resources.map((resource) => ids.indexOf(resource.externalId)),
      [0, 1, 3, 4, 5],
    );
  });

  test('resource has the modern shape', async () => {
    const list = await scimList(idp, token, { filter: `externalId eq "${ids[0]}"` });
    const resource = list.Resources[0]!;

    assert.deepEqual(resource.schemas, ['urn:se:curity:scim:2.0:Delegation']);
    assert.equal(resource.externalId, ids[0]);
    assert.notEqual(resource.id, ids[0]);
    assert.equal(resource.owner, 'alice');
    assert.equal(resource.clientId, 'www');
    assert.equal(resource.status, 'issued');
    assert.equal(resource.scope, 'openid profile');
    assert.equal(resource.redirectUri, 'https://a.example/cb');
    assert.ok(Math.abs(resource.created - (now - 6 * HOUR)) <= 2);
    assert.ok(Math.abs(resource.expires - (now + 5 * HOUR)) <= 2);
    assert.deepEqual(resource.customData, { user_agent_id: 'ua-1' });
    assert.equal(resource.meta.resourceType, 'Delegation');
    assert.equal(
      resource.meta.location,
      `${idp.config.publicUrl}/um/admin/Delegations/${resource.id}`,
    );
    assert.ok(!Number.isNaN(Date.parse(resource.meta.created)));
    assert.ok(!Number.isNaN(Date.parse(resource.meta.lastModified)));
    assert.equal(resource.sub, undefined);
    assert.equal(resource.exp, undefined);
  });

  test('delegation without redirect URI omits it', async () => {
    const list = await scimList(idp, token, { filter: `externalId eq "${ids[1]}"` });
    assert.equal('redirectUri' in list.Resources[0]!, false);
  });

  test('response is application/scim+json', async () => {
    const response = await scim(idp, '/Delegations', token);
    assert.match(response.headers.get('content-type') ?? '', /^application\/scim\+json/);
  });

  const filters: Array<[string, number[]]> = [
    ['owner eq "alice"', [0, 1]],
    ['userName eq "alice"', [0, 1]],
    ['OWNER EQ "alice"', [0, 1]],
    ['urn:se:curity:scim:2.0:Delegation:owner eq "alice"', [0, 1]],
    ['owner eq "ALICE"', []],
    ['owner eq "o\\"brien\\\\x"', [3]],
    ['owner eq "\\u00e9milie \\u65e5\\u672c"', [4]],
    ['owner eq "émilie 日本"', [4]],
    ['owner co "brien"', [3]],
    ['owner sw "al"', [0, 1]],
    ['owner ew "ice"', [0, 1]],
    ['owner co "*"', [5]],
    ['owner co "?"', [5]],
    ['owner co "[x]"', [5]],
    ['owner sw "star*"', [5]],
    ["owner eq \"x' OR '1'='1\"", []],
    ['owner eq "x\\" or 1=1 --"', []],
    ['clientId eq "www2"', [1, 4]],
    ['client_id eq "www2"', [1, 4]],
    ['clientId ne "www"', [1, 4]],
    ['status eq "revoked"', [2]],
    ['status eq "issued"', [0, 1, 3, 4, 5]],
    ['status ne "issued"', [2]],
    ['scope eq "openid"', [1]],
    ['scope co "email"', [2]],
    ['redirectUri pr', [0, 3]],
    ['redirect_uri sw "https://b."', [3]],
    ['redirectUri eq null', [1, 2, 4, 5]],
    ['redirectUri ne null', [0, 3]],
    ['redirectUri ne "https://a.example/cb"', [1, 2, 3, 4, 5]],
    ['not (redirectUri pr)', [1, 2, 4, 5]],
    ['not (redirectUri eq "https://a.example/cb")', [1, 2, 3, 4, 5]],
    ['owner eq "bob" or owner eq "alice" and clientId eq "www2"', [1, 2]],
    ['(owner eq "bob" or owner eq "alice") and clientId eq "www"', [0, 2]],
    ['not (owner eq "alice") and status eq "issued"', [3, 4, 5]],
    ['not(owner eq "alice" or owner eq "bob")', [3, 4, 5]],
    ['owner pr and not (status eq "revoked")', [0, 1, 3, 4, 5]],
  ];
  for (const [filter, expected] of filters) {
    test(`filter ${filter}`, async () => {
      assert.deepEqual(await select(filter), expected);
    });
  }

  test('filter externalId eq', async () => {
    assert.deepEqual(await select(`externalId eq "${ids[4]}"`), [4]);
  });

  test('filters on expires by number and date', async () => {
    const boundary = now + 6 * HOUR;
    assert.deepEqual(await select(`expires gt ${boundary}`), [2, 3, 4]);
    assert.deepEqual(await select(`expires ge ${boundary - 2}`), [2, 3, 4, 5]);
    assert.deepEqual(await select(`expires lt ${boundary - 2}`), [0, 1]);
    const date = new Date((now + 8 * HOUR + 60) * 1000).toISOString();
    assert.deepEqual(await select(`expires le "${date}"`), [0, 1, 3, 4, 5]);
    assert.deepEqual(await select(`created lt ${now - 4 * HOUR - 60}`), [0, 1]);
  });

  test('attributes selects attributes', async () => {
    const list = await scimList(idp, token, { attributes: 'owner,clientId', count: '1' });
    assert.deepEqual(Object.keys(list.Resources[0]!).sort(), [
      'clientId',
      'id',
      'owner',
      'schemas',
    ]);
  });

  test('attributes are case insensitive and may be qualified', async () => {
    const list = await scimList(idp, token, {
      attributes: ' EXTERNALID , urn:se:curity:scim:2.0:Delegation:expires, meta.location',
      count: '1',
    });
    assert.deepEqual(Object.keys(list.Resources[0]!).sort(), [
      'expires',
      'externalId',
      'id',
      'meta',
      'schemas',
    ]);
  });

  test('excludedAttributes leaves attributes out', async () => {
    const list = await scimList(idp, token, {
      excludedAttributes: 'customData,meta,id,schemas',
      count: '1',
    });
    const keys = Object.keys(list.Resources[0]!);

    assert.ok(!keys.includes('customData'));
    assert.ok(!keys.includes('meta'));
    assert.ok(keys.includes('id'), 'id is always returned');
    assert.ok(keys.includes('schemas'), 'schemas is always returned');
    assert.ok(keys.includes('owner'));
  });

  test('startIndex and count page the list', async () => {
    const page = await scimList(idp, token, { startIndex: '2', count: '2' });
    assert.equal(page.totalResults, 5);
    assert.equal(page.startIndex, 2);
    assert.equal(page.itemsPerPage, 2);
    assert.deepEqual(
      page.Resources.map((resource) => ids.indexOf(resource.externalId)),
      [1, 3],
    );
  });

  test('page past the end is empty', async () => {
    const page = await scimList(idp, token, { startIndex: '50' });
    assert.equal(page.totalResults, 5);
    assert.equal(page.itemsPerPage, 0);
    assert.deepEqual(page.Resources, []);
  });

  test('count 0 returns only the total', async () => {
    const page = await scimList(idp, token, { count: '0', filter: 'owner eq "alice"' });
    assert.equal(page.totalResults, 2);
    assert.equal(page.itemsPerPage, 0);
  });

  test('out-of-range startIndex and count are clamped', async () => {
    const page = await scimList(idp, token, { startIndex: '0', count: '-3' });
    assert.equal(page.startIndex, 1);
    assert.equal(page.itemsPerPage, 0);
    assert.equal(page.totalResults, 5);
  });

  const sorts: Array<[Record<string, string>, number[]]> = [
    [{ sortBy: 'created' }, [0, 1, 3, 4, 5]],
    [{ sortBy: 'created', sortOrder: 'descending' }, [5, 4, 3, 1, 0]],
    [{ sortBy: 'expires' }, [1, 0, 5, 4, 3]],
    [{ sortBy: 'expires', sortOrder: 'Descending' }, [3, 4, 5, 0, 1]],
    [{ sortBy: 'clientId' }, [0, 3, 5, 1, 4]],
    [{ sortBy: 'client_id', sortOrder: 'descending' }, [4, 1, 5, 3, 0]],
    [{ sortBy: 'owner' }, [0, 1, 3, 5, 4]],
    [{ sortBy: 'userName', sortOrder: 'descending' }, [4, 5, 3, 1, 0]],
    [{ sortBy: 'redirectUri', filter: 'redirectUri pr' }, [0, 3]],
    [{ sortBy: 'status', filter: 'owner pr' }, [0, 1, 3, 4, 5, 2]],
  ];
  for (const [query, expected] of sorts) {
    test(`sort ${new URLSearchParams(query).toString()}`, async () => {
      const list = await scimList(idp, token, query);
      assert.deepEqual(
        list.Resources.map((resource) => ids.indexOf(resource.externalId)),
        expected,
      );
    });
  }

  test('filtered totalResults counts matches', async () => {
    const list = await scimList(idp, token, { filter: 'clientId eq "www"', count: '1' });
    assert.equal(list.totalResults, 4);
    assert.equal(list.itemsPerPage, 1);
  });
});

describe('SCIM Delegations list errors', () => {
  let idp: TestIdp;
  let token: string;

  before(async () => {
    idp = await startTestIdp();
    token = await scimToken(idp);
    insertDelegations(idp, FIXTURES);
  });
  after(async () => {
    await idp.close();
  });

  async function expectError(
    query: string,
    status: number,
    scimType: string | undefined,
  ): Promise<Record<string, unknown>> {
    const response = await scim(idp, `/Delegations?${query}`, token);
    const body = (await response.json()) as Record<string, unknown>;

    assert.equal(response.status, status, JSON.stringify(body));
    assert.match(response.headers.get('content-type') ?? '', /^application\/scim\+json/);
    assert.deepEqual(body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
    assert.equal(body.status, String(status));
    assert.equal(body.scimType, scimType);
    assert.equal(typeof body.detail, 'string');
    return body;
  }

  const badFilters = [
    'owner eq',
    'owner',
    'owner xx "a"',
    '(owner eq "a"',
    'owner eq "a")',
    'owner eq "a" and',
    'and owner eq "a"',
    'owner eq "a" "b"',
    'owner eq "unterminated',
    'owner eq "bad \\q escape"',
    'owner eq "tab\there"',
    "owner eq 'single'",
    'owner eq 5',
    'owner eq true',
    'owner gt null',
    'unknown eq "a"',
    'meta.created gt "2020-01-01T00:00:00Z"',
    'emails[type eq "work"]',
    'expires co "1"',
    'expires gt "yesterday"',
    'expires gt "2026-13-45"',
    'expires gt 1e400',
    'not owner eq "a"',
    'owner eq "a" & clientId eq "b"',
    '',
    '   ',
    `${'('.repeat(40)}owner eq "a"${')'.repeat(40)}`,
    `owner eq "${'a'.repeat(5000)}"`,
  ];
  for (const filter of badFilters) {
    test(`invalidFilter for ${JSON.stringify(filter.length > 60 ? `${filter.slice(0, 60)}…` : filter)}`, async () => {
      await expectError(new URLSearchParams({ filter }).toString(), 400, 'invalidFilter');
    });
  }

  test('invalidFilter detail names the problem', async () => {
    const body = await expectError(
      new URLSearchParams({ filter: 'nickname eq "a"' }).toString(),
      400,
      'invalidFilter',
    );
    assert.match(String(body.detail), /Unknown attribute "nickname"/);
  });

  const badValues = [
    'startIndex=abc',
    'startIndex=1.5',
    'count=ten',
    'count=1e3',
    'count=99999999999999999999',
    'count=1&count=2',
    'filter=owner%20pr&filter=owner%20pr',
    'sortBy=nickname',
    'sortBy=customData',
    'sortBy=created&sortOrder=up',
  ];
  for (const query of badValues) {
    test(`invalidValue for ${query}`, async () => {
      await expectError(query, 400, 'invalidValue');
    });
  }

  test('POST is not allowed', async () => {
    const response = await scim(idp, '/Delegations', token, { method: 'POST', body: '{}' });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'GET');
  });

  test('unknown resource type is 404', async () => {
    const response = await scim(idp, '/Users', token);
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as Record<string, unknown>).status, '404');
  });
});
