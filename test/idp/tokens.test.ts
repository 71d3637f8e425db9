import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  basicAuth,
  introspect,
  scimList,
  scimToken,
  signIn,
  startTestIdp,
  tokenRequest,
  type TestIdp,
} from './support.ts';

async function refresh(idp: TestIdp, refreshToken: string, clientId = 'www') {
  const response = await tokenRequest(idp, clientId, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function revoke(idp: TestIdp, token: string, hint?: string, clientId = 'www') {
  return fetch(`${idp.config.publicUrl}/oauth/v2/oauth-revoke`, {
    method: 'POST',
    headers: {
      authorization: basicAuth(idp.config, clientId),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token, ...(hint ? { token_type_hint: hint } : {}) }).toString(),
  });
}

describe('refresh with rotation', () => {
  let idp: TestIdp;
  before(async () => {
    idp = await startTestIdp();
  });
  after(async () => {
    await idp.close();
  });

  test('refresh rotates the refresh token', async () => {
    const tokens = await signIn(idp);
    const refreshed = await refresh(idp, tokens.refresh_token!);

    assert.equal(refreshed.status, 200);
    assert.notEqual(refreshed.body.refresh_token, tokens.refresh_token);
    assert.notEqual(refreshed.body.access_token, tokens.access_token);
    assert.equal(refreshed.body.delegation_id, tokens.delegation_id);
    assert.equal(refreshed.body.sub, 'janedoe');
  });

  test('rotated-out refresh token gets invalid_grant', async () => {
    const tokens = await signIn(idp);
    const first = await refresh(idp, tokens.refresh_token!);
    const replay = await refresh(idp, tokens.refresh_token!);

    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, 'invalid_grant');
    // A confidential client replaying a used refresh token keeps its delegation, as at Curity.
    const next = await refresh(idp, first.body.refresh_token);
    assert.equal(next.status, 200);
  });

  test('refresh keeps the delegation', async () => {
    const tokens = await signIn(idp, { username: 'admin', password: 'admin-demo-pass' });
    await refresh(idp, tokens.refresh_token!);
    const list = await scimList(idp, await scimToken(idp), { filter: 'owner eq "admin"' });

    assert.equal(list.totalResults, 1);
    assert.equal(list.Resources[0]!.externalId, tokens.delegation_id);
    assert.equal(list.Resources[0]!.status, 'issued');
  });

  test('another client cannot use the refresh token', async () => {
    const tokens = await signIn(idp);
    const stolen = await refresh(idp, tokens.refresh_token!, 'www2');
    assert.equal(stolen.status, 400);
    assert.equal(stolen.body.error, 'invalid_grant');
  });
});

describe('refresh with reuse', () => {
  let idp: TestIdp;
  before(async () => {
    idp = await startTestIdp({ reuseRefreshTokens: true });
  });
  after(async () => {
    await idp.close();
  });

  test('refresh token stays the same and works again', async () => {
    const tokens = await signIn(idp);
    const first = await refresh(idp, tokens.refresh_token!);
    const second = await refresh(idp, tokens.refresh_token!);

    assert.equal(first.status, 200);
    assert.equal(first.body.refresh_token, tokens.refresh_token);
    assert.equal(second.status, 200);
    assert.equal(second.body.delegation_id, tokens.delegation_id);
  });
});

describe('introspection', () => {
  let idp: TestIdp;
  before(async () => {
    idp = await startTestIdp();
  });
  after(async () => {
    await idp.close();
  });

  test('JSON mode returns RFC 7662 fields and delegationId', async () => {
    const tokens = await signIn(idp);
    const response = await introspect(idp, tokens.access_token);
    const body = (await response.json()) as Record<string, unknown>;

    assert.equal(response.status, 200);
    assert.equal(body.active, true);
    assert.equal(body.sub, 'janedoe');
    assert.equal(body.client_id, 'www');
    assert.equal(body.scope, 'openid profile');
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.delegationId, tokens.delegation_id);
    assert.equal(typeof body.exp, 'number');
    assert.equal(typeof body.iat, 'number');
    assert.equal(response.headers.get('cache-control'), 'no-store');
  });

  test('JSON mode of an unknown token is inactive', async () => {
    const response = await introspect(idp, 'not-a-token');
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { active: false });
  });

  test('refresh token introspects with delegationId', async () => {
    const tokens = await signIn(idp);
    const body = (await (await introspect(idp, tokens.refresh_token!)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(body.active, true);
    assert.equal(body.delegationId, tokens.delegation_id);
  });

  test('phantom mode returns a signed JWT', async () => {
    const tokens = await signIn(idp);
    const response = await introspect(idp, tokens.access_token, { accept: 'application/jwt' });
    const jwt = await response.text();

    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/jwt/);
    const maxAge = Number(/^max-age=(\d+)$/.exec(response.headers.get('cache-control') ?? '')?.[1]);
    assert.ok(maxAge > 0, `max-age ${maxAge}`);
    assert.ok(maxAge <= idp.config.accessTokenTtlSeconds, `max-age ${maxAge}`);

    const jwks = createRemoteJWKSet(new URL(`${idp.config.issuer}/jwks`));
    const { payload } = await jwtVerify(jwt, jwks, { issuer: idp.config.issuer });
    assert.equal(payload.sub, 'janedoe');
    assert.equal(payload.client_id, 'www');
    assert.equal(payload.aud, 'www');
    assert.equal(payload.scope, 'openid profile');
    assert.equal(payload.delegationId, tokens.delegation_id);
    assert.equal(payload.purpose, 'access_token');
    assert.equal(typeof payload.jti, 'string');
    assert.notEqual(payload.jti, tokens.access_token);
    assert.ok(!jwt.includes(tokens.access_token));
    assert.equal(decodeProtectedHeader(jwt).alg, 'RS256');
  });

  test('phantom mode of an inactive token is 204', async () => {
    const response = await introspect(idp, 'not-a-token', { accept: 'application/jwt' });
    assert.equal(response.status, 204);
    assert.equal(await response.text(), '');
  });

  test('bad client credentials get 401', async () => {
    const tokens = await signIn(idp);
    const response = await fetch(`${idp.config.publicUrl}/oauth/v2/oauth-introspect`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('introspector:wrong').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/jwt',
      },
      body: new URLSearchParams({ token: tokens.access_token }).toString(),
    });
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as Record<string, string>).error, 'invalid_client');
  });

  test('web client cannot introspect another client token', async () => {
    const tokens = await signIn(idp, { clientId: 'www2' });
    const response = await introspect(idp, tokens.access_token, { clientId: 'www' });
    assert.deepEqual(await response.json(), { active: false });
  });

  test('client-credentials token introspects with sub', async () => {
    const body = (await (await introspect(idp, await scimToken(idp))).json()) as Record<
      string,
      unknown
    >;
    assert.equal(body.active, true);
    assert.equal(body.sub, 'tracker');
    assert.equal(body.delegationId, undefined);
  });
});

describe('revocation', () => {
  let idp: TestIdp;
  before(async () => {
    idp = await startTestIdp();
  });
  after(async () => {
    await idp.close();
  });

  test('revoking an access token keeps the delegation', async () => {
    const tokens = await signIn(idp);
    const response = await revoke(idp, tokens.access_token, 'access_token');

    assert.equal(response.status, 200);
    assert.equal(await response.text(), '');
    assert.deepEqual(await (await introspect(idp, tokens.access_token)).json(), { active: false });
    assert.equal((await refresh(idp, tokens.refresh_token!)).status, 200);
    const list = await scimList(idp, await scimToken(idp), {
      filter: `externalId eq "${tokens.delegation_id}"`,
    });
    assert.equal(list.Resources[0]!.status, 'issued');
  });

  test('revoking a refresh token keeps the access token', async () => {
    const tokens = await signIn(idp);
    const response = await revoke(idp, tokens.refresh_token!);

    assert.equal(response.status, 200);
    assert.equal((await refresh(idp, tokens.refresh_token!)).status, 400);
    const body = (await (await introspect(idp, tokens.access_token)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(body.active, true);
  });

  test('revoking an unknown token returns 200', async () => {
    const response = await revoke(idp, 'unknown-token', 'refresh_token');
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '');
  });

  test('revoking another client token is refused', async () => {
    const tokens = await signIn(idp, { clientId: 'www2' });
    const response = await revoke(idp, tokens.access_token, undefined, 'www');
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as Record<string, unknown>).error, 'unauthorized_client');
    assert.equal(
      ((await (await introspect(idp, tokens.access_token)).json()) as Record<string, unknown>)
        .active,
      true,
    );
  });
});
