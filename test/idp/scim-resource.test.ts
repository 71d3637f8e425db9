import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  basicAuth,
  insertDelegations,
  introspect,
  scim,
  scimList,
  scimToken,
  signIn,
  startTestIdp,
  tokenRequest,
  type TestIdp,
} from './support.ts';

describe('SCIM Delegations by id', () => {
  let idp: TestIdp;
  let token: string;
  before(async () => {
    idp = await startTestIdp();
    token = await scimToken(idp);
  });
  after(async () => {
    await idp.close();
  });

  async function scimIdOf(delegationId: string): Promise<string> {
    const list = await scimList(idp, token, { filter: `externalId eq "${delegationId}"` });
    return list.Resources[0]!.id as string;
  }

  test('GET returns the resource', async () => {
    const tokens = await signIn(idp);
    const scimId = await scimIdOf(tokens.delegation_id!);
    const response = await scim(idp, `/Delegations/${scimId}`, token);
    const resource = (await response.json()) as Record<string, any>;

    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/scim\+json/);
    assert.equal(resource.id, scimId);
    assert.equal(resource.externalId, tokens.delegation_id);
    assert.equal(resource.owner, 'janedoe');
    assert.equal(resource.meta.location, `${idp.config.publicUrl}/um/admin/Delegations/${scimId}`);
  });

  test('GET honours attributes', async () => {
    const tokens = await signIn(idp);
    const scimId = await scimIdOf(tokens.delegation_id!);
    const response = await scim(idp, `/Delegations/${scimId}?attributes=externalId`, token);
    assert.deepEqual(Object.keys((await response.json()) as object).sort(), [
      'externalId',
      'id',
      'schemas',
    ]);
  });

  test('SCIM id is stable and differs from the delegation id', async () => {
    const tokens = await signIn(idp);
    const first = await scimIdOf(tokens.delegation_id!);
    const second = await scimIdOf(tokens.delegation_id!);

    assert.equal(first, second);
    assert.notEqual(first, tokens.delegation_id);
    assert.match(first, /^[A-Za-z0-9_-]+$/);
  });

  test('DELETE revokes the delegation and its tokens', async () => {
    const tokens = await signIn(idp, { username: 'larseriksson', password: 'lars-demo-pass' });
    const scimId = await scimIdOf(tokens.delegation_id!);

    const deleted = await scim(idp, `/Delegations/${scimId}`, token, { method: 'DELETE' });
    assert.equal(deleted.status, 204);
    assert.equal(await deleted.text(), '');

    const refreshed = await tokenRequest(idp, 'www', {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
    });
    assert.equal(refreshed.status, 400);
    assert.equal(((await refreshed.json()) as Record<string, string>).error, 'invalid_grant');

    assert.deepEqual(await (await introspect(idp, tokens.access_token)).json(), { active: false });
    assert.equal(
      (await introspect(idp, tokens.access_token, { accept: 'application/jwt' })).status,
      204,
    );
    assert.deepEqual(await (await introspect(idp, tokens.refresh_token!)).json(), {
      active: false,
    });

    const userinfo = await fetch(`${idp.config.publicUrl}/oauth/v2/oauth-userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(userinfo.status, 401);
  });

  test('revoked delegation is 404 and listed as revoked', async () => {
    const tokens = await signIn(idp);
    const scimId = await scimIdOf(tokens.delegation_id!);
    await scim(idp, `/Delegations/${scimId}`, token, { method: 'DELETE' });

    assert.equal((await scim(idp, `/Delegations/${scimId}`, token)).status, 404);
    const second = await scim(idp, `/Delegations/${scimId}`, token, { method: 'DELETE' });
    assert.equal(second.status, 404);
    assert.equal(((await second.json()) as Record<string, unknown>).status, '404');

    const unfiltered = await scimList(idp, token, {});
    assert.ok(!unfiltered.Resources.some((resource) => resource.id === scimId));
    const revoked = await scimList(idp, token, {
      filter: `externalId eq "${tokens.delegation_id}"`,
    });
    assert.equal(revoked.Resources[0]!.status, 'revoked');
  });

  test('DELETE leaves other delegations alone', async () => {
    const first = await signIn(idp);
    const second = await signIn(idp, { browser: first.browser });
    await scim(idp, `/Delegations/${await scimIdOf(first.delegation_id!)}`, token, {
      method: 'DELETE',
    });

    const refreshed = await tokenRequest(idp, 'www', {
      grant_type: 'refresh_token',
      refresh_token: second.refresh_token!,
    });
    assert.equal(refreshed.status, 200);
  });

  test('revoking keeps the single sign-on session', async () => {
    const tokens = await signIn(idp);
    await scim(idp, `/Delegations/${await scimIdOf(tokens.delegation_id!)}`, token, {
      method: 'DELETE',
    });
    const again = await signIn(idp, { browser: tokens.browser });
    assert.equal(again.askedForPassword, false);
  });

  const malformedIds = [
    'a/b',
    'a?b',
    'a#b',
    '100%',
    '%41',
    'a+b',
    'a:b',
    'a&b=c',
    'a b',
    '"quoted"',
    "'single'",
    'émilie 日本',
    'REVMOjE=',
    'REVMOjA',
    'REVMOi0x',
    'REVMOjE ',
    'VVNFUjox',
    'x'.repeat(500),
  ];
  for (const id of malformedIds) {
    test(`id ${JSON.stringify(id.length > 30 ? `${id.slice(0, 30)}…` : id)} is 404`, async () => {
      const path = `/Delegations/${encodeURIComponent(id)}`;
      for (const method of ['GET', 'DELETE']) {
        const response = await scim(idp, path, token, { method });
        assert.equal(response.status, 404, `${method} ${path}`);
        const body = (await response.json()) as Record<string, unknown>;
        assert.deepEqual(body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
      }
    });
  }

  // Sent byte for byte, because fetch would normalise dot segments and escapes.
  const rawPaths = [
    '/Delegations/%zz',
    '/Delegations/%',
    '/Delegations/a/b',
    '/Delegations//',
    '/Delegations/%2F%2F',
    '/Delegations/a%00b',
    '/Delegations/.',
    '/Delegations/..',
    '/Delegations/%2e%2e',
    "/Delegations/'%20OR%20'1'='1",
  ];
  for (const path of rawPaths) {
    test(`raw path ${path} is 404`, async () => {
      const response = await rawGet(`${idp.config.scimPath}${path}`, token);
      assert.equal(response.status, 404);
      assert.match(response.contentType, /^application\/scim\+json/);
      assert.equal(JSON.parse(response.body).status, '404');
    });
  }

  function rawGet(
    path: string,
    bearer: string,
  ): Promise<{ status: number; contentType: string; body: string }> {
    return new Promise((resolveResponse, reject) => {
      const url = new URL(idp.config.publicUrl);
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path,
          headers: { authorization: `Bearer ${bearer}` },
        },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () =>
            resolveResponse({
              status: response.statusCode ?? 0,
              contentType: response.headers['content-type'] ?? '',
              body,
            }),
          );
        },
      );
      request.on('error', reject);
      request.end();
    });
  }

  test('PUT on a delegation is not allowed', async () => {
    const tokens = await signIn(idp);
    const response = await scim(
      idp,
      `/Delegations/${await scimIdOf(tokens.delegation_id!)}`,
      token,
      { method: 'PUT', body: '{}' },
    );
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'GET, DELETE');
  });
});

describe('SCIM authentication', () => {
  let idp: TestIdp;
  before(async () => {
    idp = await startTestIdp();
  });
  after(async () => {
    await idp.close();
  });

  async function expectUnauthorized(response: Response, error?: string): Promise<void> {
    assert.equal(response.status, 401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^Bearer realm="[^"]+"/);
    if (error) assert.match(challenge, new RegExp(`error="${error}"`));
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body.status, '401');
    assert.deepEqual(body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
  }

  test('request without a token gets 401', async () => {
    await expectUnauthorized(await scim(idp, '/Delegations', undefined));
  });

  test('unknown token gets 401', async () => {
    await expectUnauthorized(await scim(idp, '/Delegations', 'not-a-token'), 'invalid_token');
  });

  test('malformed Authorization header gets 401', async () => {
    const response = await fetch(`${idp.config.publicUrl}/um/admin/Delegations`, {
      headers: { authorization: basicAuth(idp.config, 'tracker') },
    });
    await expectUnauthorized(response, 'invalid_token');
  });

  test('user access token gets 401', async () => {
    const tokens = await signIn(idp);
    await expectUnauthorized(await scim(idp, '/Delegations', tokens.access_token), 'invalid_token');
  });

  test('token without the admin scope gets 403', async () => {
    const response = await scim(idp, '/Delegations', await scimToken(idp, ''));
    assert.equal(response.status, 403);
    assert.match(response.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body.status, '403');
    assert.match(String(body.detail), /urn:se:curity:scopes:admin:api/);
  });

  test('unauthenticated requests reveal nothing', async () => {
    await expectUnauthorized(await scim(idp, '/Delegations/REVMOjE', undefined));
    await expectUnauthorized(
      await scim(idp, '/Delegations/REVMOjE', undefined, { method: 'DELETE' }),
    );
  });
});

describe('SCIM without required scopes', () => {
  let idp: TestIdp;
  before(async () => {
    idp = await startTestIdp({ scimRequiredScopes: [] });
  });
  after(async () => {
    await idp.close();
  });

  test('any client-credentials token is accepted', async () => {
    const response = await scim(idp, '/Delegations', await scimToken(idp, ''));
    assert.equal(response.status, 200);
  });
});

describe('SCIM legacy shape', () => {
  let idp: TestIdp;
  let token: string;
  let ids: string[];
  before(async () => {
    idp = await startTestIdp({ scimLegacyShape: true });
    token = await scimToken(idp);
    ids = insertDelegations(idp, [
      { owner: 'alice', clientId: 'www', createdOffset: -60, expiresOffset: 3600 },
      { owner: 'bob', clientId: 'www2', createdOffset: -30, expiresOffset: 7200, revoked: true },
    ]);
  });
  after(async () => {
    await idp.close();
  });

  test('resources use sub and exp', async () => {
    const list = await scimList(idp, token, {});
    const resource = list.Resources[0]!;

    assert.equal(list.totalResults, 1);
    assert.equal(resource.externalId, ids[0]);
    assert.equal(resource.sub, 'alice');
    assert.equal(typeof resource.exp, 'number');
    assert.equal(resource.owner, undefined);
    assert.equal(resource.expires, undefined);
  });

  test('the 2019 attribute list works', async () => {
    const list = await scimList(idp, token, { attributes: 'externalId,id,sub,exp,clientId' });
    assert.deepEqual(Object.keys(list.Resources[0]!).sort(), [
      'clientId',
      'exp',
      'externalId',
      'id',
      'schemas',
      'sub',
    ]);
  });

  test('GET by id uses sub and exp', async () => {
    const list = await scimList(idp, token, {});
    const response = await scim(idp, `/Delegations/${list.Resources[0]!.id}`, token);
    const resource = (await response.json()) as Record<string, unknown>;
    assert.equal(resource.sub, 'alice');
    assert.equal(resource.owner, undefined);
  });

  for (const filter of ['sub eq "alice"', 'owner eq "alice"', 'userName eq "alice"']) {
    test(`filter ${filter} is rejected`, async () => {
      const response = await scim(idp, `/Delegations?${new URLSearchParams({ filter })}`, token);
      const body = (await response.json()) as Record<string, unknown>;

      assert.equal(response.status, 400);
      assert.equal(body.scimType, 'invalidFilter');
      assert.match(String(body.detail), /not supported/);
    });
  }
});

describe('SCIM delay', () => {
  let idp: TestIdp;
  const delayMs = 300;
  before(async () => {
    idp = await startTestIdp({ scimDelayMs: delayMs });
  });
  after(async () => {
    await idp.close();
  });

  test('answers no sooner than the delay', async () => {
    const token = await scimToken(idp);
    const started = performance.now();
    const response = await scim(idp, '/Delegations', token);
    const elapsed = performance.now() - started;

    assert.equal(response.status, 200);
    // Only a lower bound: timers never fire before their delay, apart from rounding to 1 ms.
    assert.ok(elapsed >= delayMs - 2, `answered after ${elapsed.toFixed(0)} ms`);
  });
});
