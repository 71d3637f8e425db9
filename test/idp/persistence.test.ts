import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import {
  introspect,
  scim,
  scimList,
  scimToken,
  signIn,
  startTestIdp,
  tokenRequest,
  type TestIdp,
} from './support.ts';

describe('restart on the same data folder', () => {
  let idp: TestIdp;
  before(async () => {
    idp = await startTestIdp();
  });
  after(async () => {
    await idp.close();
  });

  test('tokens, delegations, sessions and keys survive', async () => {
    const tokens = await signIn(idp, { userAgentId: 'before-restart' });
    const revoked = await signIn(idp, { username: 'admin', password: 'admin-demo-pass' });
    const adminToken = await scimToken(idp);
    const revokedList = await scimList(idp, adminToken, {
      filter: `externalId eq "${revoked.delegation_id}"`,
    });
    await scim(idp, `/Delegations/${revokedList.Resources[0]!.id}`, adminToken, {
      method: 'DELETE',
    });
    const keysBefore = await (await fetch(`${idp.config.issuer}/jwks`)).json();

    await idp.stop();
    await idp.restart();

    const introspection = (await (await introspect(idp, tokens.access_token)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(introspection.active, true);
    assert.equal(introspection.delegationId, tokens.delegation_id);

    const refreshed = await tokenRequest(idp, 'www', {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
    });
    assert.equal(refreshed.status, 200);

    const list = await scimList(idp, adminToken, { filter: 'owner eq "janedoe"' });
    assert.equal(list.totalResults, 1);
    assert.equal(list.Resources[0]!.externalId, tokens.delegation_id);
    assert.deepEqual(list.Resources[0]!.customData, { user_agent_id: 'before-restart' });

    const stillRevoked = await scimList(idp, adminToken, {
      filter: `externalId eq "${revoked.delegation_id}"`,
    });
    assert.equal(stillRevoked.Resources[0]!.status, 'revoked');
    const revokedRefresh = await tokenRequest(idp, 'www', {
      grant_type: 'refresh_token',
      refresh_token: revoked.refresh_token!,
    });
    assert.equal(revokedRefresh.status, 400);

    assert.deepEqual(await (await fetch(`${idp.config.issuer}/jwks`)).json(), keysBefore);
    const jwks = createRemoteJWKSet(new URL(`${idp.config.issuer}/jwks`));
    await jwtVerify(tokens.id_token!, jwks, { issuer: idp.config.issuer });

    const again = await signIn(idp, { browser: tokens.browser });
    assert.equal(again.askedForPassword, false, 'the single sign-on session survived');
  });
});
