import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  FakeAuthServer,
  legacyDelegation,
  listResponse,
  modernDelegation,
  sendJson,
  SCIM_PATH,
} from './support/fake-auth-server.ts';
import { clientsFor, configFor, messages } from './support/setup.ts';

const DELEGATIONS = `${SCIM_PATH}/Delegations`;

let server: FakeAuthServer;
let clients: Awaited<ReturnType<typeof clientsFor>>;

beforeEach(async () => {
  server = await FakeAuthServer.start();
});

afterEach(async () => {
  await clients?.close();
  await server.close();
});

describe('modern shape', () => {
  beforeEach(async () => {
    server.delegations.push(
      modernDelegation('a', {
        owner: 'janedoe',
        clientId: 'www',
        expires: 1_800_000_000,
        customData: { user_agent_id: 'UA1' },
      }),
      modernDelegation('b', { owner: 'janedoe', clientId: 'www2', expires: 1_700_000_000 }),
      modernDelegation('c', { owner: 'larseriksson', clientId: 'www', expires: 1_750_000_000 }),
    );
    clients = await clientsFor(server, { scim: { ...configFor(server).scim, shape: 'modern' } });
  });

  it('lists with a server-side filter and paging parameters', async () => {
    const page = await clients.directory.list({
      owner: 'janedoe',
      startIndex: 1,
      count: 10,
      sortBy: 'expires',
    });

    assert.deepEqual(
      page.items.map((item) => item.id),
      ['b', 'a'],
    );
    assert.equal(page.totalResults, 2);
    assert.equal(page.startIndex, 1);
    assert.equal(page.itemsPerPage, 2);
    const request = server.requestsTo('GET', DELEGATIONS).at(-1)!;
    assert.equal(request.query.get('filter'), 'owner eq "janedoe"');
    assert.equal(request.query.get('startIndex'), '1');
    assert.equal(request.query.get('count'), '10');
    assert.equal(request.query.get('sortBy'), 'expires');
    assert.equal(request.query.get('sortOrder'), 'ascending');
    assert.equal(request.headers.accept, 'application/scim+json, application/json');
  });

  it('normalises a resource to a Delegation', async () => {
    const page = await clients.directory.list({ owner: 'janedoe', clientId: 'www' });

    assert.deepEqual(page.items[0], {
      id: 'a',
      delegationId: 'delegation-a',
      owner: 'janedoe',
      clientId: 'www',
      status: 'issued',
      scope: ['openid', 'profile'],
      redirectUri: undefined,
      created: new Date(1_767_225_600_000),
      expires: new Date(1_800_000_000_000),
      userAgentId: 'UA1',
    });
  });

  it('combines every query field into one filter', async () => {
    await clients.directory.list({
      owner: 'janedoe',
      ownerPrefix: 'ja',
      clientId: 'www',
      status: 'issued',
      expiresBefore: new Date(1_900_000_000_000),
      expiresAfter: new Date(1_600_000_000_500),
    });

    assert.equal(
      server.requestsTo('GET', DELEGATIONS).at(-1)!.query.get('filter'),
      'owner eq "janedoe" and owner sw "ja" and clientId eq "www" and status eq "issued" and expires lt 1900000000 and expires gt 1600000000',
    );
  });

  it('sends no filter for an empty query', async () => {
    const page = await clients.directory.list({});

    assert.equal(page.items.length, 3);
    assert.equal(server.requestsTo('GET', DELEGATIONS).at(-1)!.query.has('filter'), false);
  });

  it('get returns the delegation or null on 404', async () => {
    const found = await clients.directory.get('c');
    const missing = await clients.directory.get('no-such-id');

    assert.equal(found?.owner, 'larseriksson');
    assert.equal(missing, null);
  });

  it('get and revoke encode the id as one path segment', async () => {
    server.delegations.push(modernDelegation('x/y?z#w'));

    assert.equal((await clients.directory.get('x/y?z#w'))?.id, 'x/y?z#w');
    assert.equal(await clients.directory.revoke('x/y?z#w'), 'revoked');
    assert.equal(server.requests.at(-1)!.path, `${DELEGATIONS}/x%2Fy%3Fz%23w`);
  });

  it('rejects ids that would leave the Delegations path', async () => {
    for (const id of ['', '.', '..', '\ud800']) {
      await assert.rejects(clients.directory.revoke(id), {
        code: 'invalid_delegation_id',
        status: 400,
      });
    }
    assert.equal(server.requests.filter((request) => request.method === 'DELETE').length, 0);
  });

  it('revoke reports revoked, then already-revoked', async () => {
    assert.equal(await clients.directory.revoke('a'), 'revoked');
    assert.equal(await clients.directory.revoke('a'), 'already-revoked');
    assert.equal(server.requestsTo('DELETE', `${DELEGATIONS}/a`).length, 2);
  });

  it('revoke accepts any 2xx answer', async () => {
    server.on('DELETE /um/admin/Delegations/*', (_request, response) => {
      sendJson(response, 200, { schemas: [], detail: 'revoked' });
    });

    assert.equal(await clients.directory.revoke('a'), 'revoked');
  });

  it('revoke fails on other statuses without claiming success', async () => {
    server.on('DELETE /um/admin/Delegations/*', (_request, response) => {
      sendJson(response, 409, { detail: 'conflict' });
    });

    await assert.rejects(clients.directory.revoke('a'), { code: 'scim_bad_request', status: 502 });
  });

  it('rejects an invalid query before sending it', async () => {
    await assert.rejects(clients.directory.list({ startIndex: 0 }), {
      code: 'invalid_delegation_query',
    });
    await assert.rejects(clients.directory.list({ count: 1.5 }), {
      code: 'invalid_delegation_query',
    });
    await assert.rejects(clients.directory.list({ expiresBefore: new Date('nonsense') }), {
      code: 'invalid_delegation_query',
    });
    assert.equal(server.requestsTo('GET', DELEGATIONS).length, 0);
  });

  it('fails with scim_bad_request on a rejected filter', async () => {
    server.scimShape = 'legacy';

    await assert.rejects(
      clients.directory.list({ owner: 'janedoe' }),
      (error: Error & { code?: string; detail?: string }) => {
        assert.equal(error.code, 'scim_bad_request');
        assert.match(error.message, /authServer\.scim\.shape/);
        assert.match(error.detail ?? '', /invalidFilter/);
        return true;
      },
    );
  });
});

describe('shape detection (auto)', () => {
  beforeEach(async () => {
    clients = await clientsFor(server);
  });

  it('switches to legacy when the server rejects a filter', async () => {
    server.scimShape = 'legacy';
    server.delegations.push(
      legacyDelegation('1', { sub: 'janedoe' }),
      legacyDelegation('2', { sub: 'larseriksson' }),
      legacyDelegation('3', { sub: 'janedoe' }),
    );

    const first = await clients.directory.list({ owner: 'janedoe' });
    const second = await clients.directory.list({ owner: 'larseriksson' });

    assert.deepEqual(
      first.items.map((item) => item.id),
      ['1', '3'],
    );
    assert.deepEqual(
      second.items.map((item) => item.id),
      ['2'],
    );
    const filtered = server
      .requestsTo('GET', DELEGATIONS)
      .filter((request) => request.query.has('filter'));
    assert.equal(filtered.length, 1, 'only the first list sends a filter');
    const switches = messages(clients.memory).filter((message) =>
      message.includes('2019 Delegation shape'),
    );
    assert.equal(switches.length, 1);
  });

  it('switches to legacy on resources with sub and without owner', async () => {
    // A 2019 server that ignores the filter and returns everything.
    server.on('GET /um/admin/Delegations', (_request, response) => {
      const all = [
        legacyDelegation('1', { sub: 'janedoe' }),
        legacyDelegation('2', { sub: 'larseriksson' }),
      ];
      sendJson(response, 200, listResponse(all, all.length, 1));
    });

    const page = await clients.directory.list({ owner: 'larseriksson' });

    assert.deepEqual(
      page.items.map((item) => item.owner),
      ['larseriksson'],
    );
    assert.equal(page.items[0]!.expires?.getTime(), 1_767_312_000_000);
    assert.equal(
      messages(clients.memory).filter((message) => message.includes('2019 Delegation shape'))
        .length,
      1,
    );
  });

  it('stays modern when resources carry owner', async () => {
    server.delegations.push(modernDelegation('a'));

    await clients.directory.list({ owner: 'janedoe' });
    await clients.directory.list({ owner: 'janedoe' });

    const filtered = server
      .requestsTo('GET', DELEGATIONS)
      .filter((request) => request.query.has('filter'));
    assert.equal(filtered.length, 2);
  });
});

describe('legacy shape', () => {
  beforeEach(async () => {
    server.scimShape = 'legacy';
    for (let index = 1; index <= 12; index++) {
      server.delegations.push(
        legacyDelegation(`d${String(index).padStart(2, '0')}`, {
          sub: index % 3 === 0 ? 'larseriksson' : 'janedoe',
          clientId: index % 2 === 0 ? 'www2' : 'www',
          exp: 1_700_000_000 + index * 1000,
        }),
      );
    }
    clients = await clientsFor(server, {
      scim: { ...configFor(server).scim, shape: 'legacy', pageSize: 5 },
    });
  });

  it('fetches every page and filters here', async () => {
    const page = await clients.directory.list({ owner: 'janedoe', clientId: 'www' });

    assert.deepEqual(
      page.items.map((item) => item.id),
      ['d01', 'd05', 'd07', 'd11'],
    );
    assert.equal(page.totalResults, 4);
    const requests = server.requestsTo('GET', DELEGATIONS);
    assert.ok(
      requests.every((request) => !request.query.has('filter')),
      'no filter is sent',
    );
    assert.deepEqual(
      requests.map((request) => request.query.get('startIndex')),
      ['1', '6', '11'],
    );
  });

  it('sorts and pages here', async () => {
    const page = await clients.directory.list({
      sortBy: 'expires',
      sortOrder: 'descending',
      startIndex: 3,
      count: 4,
    });

    assert.deepEqual(
      page.items.map((item) => item.id),
      ['d10', 'd09', 'd08', 'd07'],
    );
    assert.equal(page.totalResults, 12);
    assert.equal(page.startIndex, 3);
    assert.equal(page.itemsPerPage, 4);
  });

  it('filters by owner prefix, status and expiry here', async () => {
    const page = await clients.directory.list({
      ownerPrefix: 'LARS',
      status: 'issued',
      expiresAfter: new Date(1_700_003_500_000),
      expiresBefore: new Date(1_700_012_000_000),
    });

    assert.deepEqual(
      page.items.map((item) => item.id),
      ['d06', 'd09'],
    );
  });

  it('counts a resource without status as issued', async () => {
    const page = await clients.directory.list({ status: 'revoked' });

    assert.equal(page.totalResults, 0);
  });
});

describe('odd SCIM servers', () => {
  beforeEach(async () => {
    clients = await clientsFor(server, { scim: { ...configFor(server).scim, pageSize: 2 } });
  });

  it('tolerates a missing Resources attribute', async () => {
    server.on('GET /um/admin/Delegations', (_request, response) => {
      sendJson(response, 200, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: 0,
      });
    });

    const page = await clients.directory.list({ owner: 'janedoe' });

    assert.deepEqual(page.items, []);
    assert.equal(page.totalResults, 0);
  });

  it('tolerates schemas as a string and unknown attributes', async () => {
    server.on('GET /um/admin/Delegations', (_request, response) => {
      sendJson(response, 200, {
        schemas: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
        totalResults: 1,
        resources: [{ ...modernDelegation('a'), schemas: 'urn:x', surprise: { nested: [1, 2] } }],
      });
    });

    const page = await clients.directory.list({ owner: 'janedoe' });

    assert.deepEqual(
      page.items.map((item) => item.id),
      ['a'],
    );
  });

  it('raises a wrong totalResults to what was returned', async () => {
    server.on('GET /um/admin/Delegations', (_request, response) => {
      sendJson(response, 200, listResponse([modernDelegation('a'), modernDelegation('b')], 0, 1));
    });

    const page = await clients.directory.list({ owner: 'janedoe', startIndex: 5, count: 2 });

    assert.equal(page.totalResults, 6);
    assert.equal(page.items.length, 2);
  });

  it('keeps totalResults for a page past the end', async () => {
    server.on('GET /um/admin/Delegations', (_request, response) => {
      sendJson(response, 200, listResponse([], 3, 1000));
    });

    const page = await clients.directory.list({ owner: 'janedoe', startIndex: 1000, count: 50 });

    assert.equal(page.totalResults, 3);
    assert.equal(page.items.length, 0);
  });

  it('adapts to a server that counts startIndex from 0', async () => {
    const all = [modernDelegation('a'), modernDelegation('b'), modernDelegation('c')];
    server.on('GET /um/admin/Delegations', (request, response) => {
      const startIndex = Number(request.query.get('startIndex'));
      const count = Number(request.query.get('count'));
      sendJson(
        response,
        200,
        listResponse(all.slice(startIndex, startIndex + count), all.length, 0),
      );
    });

    const first = await clients.directory.list({ owner: 'janedoe', startIndex: 1, count: 2 });
    const second = await clients.directory.list({ owner: 'janedoe', startIndex: 3, count: 2 });

    assert.deepEqual(
      first.items.map((item) => item.id),
      ['a', 'b'],
    );
    assert.deepEqual(
      second.items.map((item) => item.id),
      ['c'],
    );
    assert.equal(
      messages(clients.memory).filter((message) => message.includes('from 0')).length,
      1,
    );
  });

  it('skips and logs a resource without an id', async () => {
    server.on('GET /um/admin/Delegations', (_request, response) => {
      const resources = [
        modernDelegation('a'),
        { ...modernDelegation('b'), id: undefined },
        'not an object',
      ];
      sendJson(response, 200, listResponse(resources, 3, 1));
    });

    const page = await clients.directory.list({ owner: 'janedoe', count: 5 });

    assert.deepEqual(
      page.items.map((item) => item.id),
      ['a'],
    );
    const skipped = clients.memory.lines.find((line) => String(line.msg).startsWith('Skipped'));
    assert.equal(skipped?.skipped, 2);
  });

  it('rejects an HTML error page with status and content type', async () => {
    server.on('GET /um/admin/Delegations', (_request, response) => {
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html><body><h1>Login</h1></body></html>');
    });

    await assert.rejects(
      clients.directory.list({}),
      (error: Error & { code?: string; detail?: string }) => {
        assert.equal(error.code, 'as_invalid_response');
        assert.match(error.message, /HTTP 200 with content type text\/html/);
        assert.doesNotMatch(error.message, /<html>/);
        assert.match(error.detail ?? '', /<h1>Login<\/h1>/);
        return true;
      },
    );
  });

  it('rejects an empty body', async () => {
    server.on('GET /um/admin/Delegations/*', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/scim+json' }).end();
    });

    await assert.rejects(clients.directory.get('a'), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'as_invalid_response');
      assert.match(error.message, /empty body/);
      return true;
    });
  });

  it('rejects a Resources attribute that is not an array', async () => {
    server.on('GET /um/admin/Delegations', (_request, response) => {
      sendJson(response, 200, { totalResults: 1, Resources: { id: 'a' } });
    });

    await assert.rejects(clients.directory.list({}), { code: 'as_invalid_response' });
  });

  it('maps a 5xx HTML page to as_error', async () => {
    server.on('GET /um/admin/Delegations/*', (_request, response) => {
      response.writeHead(500, { 'content-type': 'text/html' }).end('<html>Internal error</html>');
    });

    await assert.rejects(clients.directory.get('a'), { code: 'as_error', status: 502 });
  });

  it('reads a legacy collection that ignores startIndex', async () => {
    const all = [legacyDelegation('1'), legacyDelegation('2'), legacyDelegation('3')];
    server.on('GET /um/admin/Delegations', (_request, response) => {
      sendJson(response, 200, listResponse(all, all.length, 1));
    });

    const page = await clients.directory.list({ owner: 'janedoe' });

    assert.equal(page.totalResults, 3);
    assert.ok(
      server.requestsTo('GET', DELEGATIONS).length <= 3,
      'the repeated page ends the listing',
    );
  });

  it('reads a legacy collection whose totalResults is too low', async () => {
    const all = [1, 2, 3, 4, 5].map((index) => legacyDelegation(String(index)));
    server.on('GET /um/admin/Delegations', (request, response) => {
      const startIndex = Number(request.query.get('startIndex'));
      const count = Number(request.query.get('count'));
      sendJson(
        response,
        200,
        listResponse(all.slice(startIndex - 1, startIndex - 1 + count), 1, startIndex),
      );
    });

    const page = await clients.directory.list({ owner: 'janedoe' });

    assert.equal(page.totalResults, 5);
  });
});
