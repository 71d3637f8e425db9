import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  FakeAuthServer,
  ISSUER_PATH,
  modernDelegation,
  sendJson,
  sendScimError,
} from './support/fake-auth-server.ts';
import { clientsFor, configFor } from './support/setup.ts';

const TOKEN = `${ISSUER_PATH}/token`;

let server: FakeAuthServer;
let clients: Awaited<ReturnType<typeof clientsFor>>;

beforeEach(async () => {
  server = await FakeAuthServer.start();
  server.delegations.push(modernDelegation('a'));
  clients = await clientsFor(server);
});

afterEach(async () => {
  await clients.close();
  await server.close();
});

describe('SCIM access token', () => {
  it('requests one token with the configured scope and reuses it', async () => {
    await clients.directory.list({});
    await clients.directory.get('a');
    await Promise.all([clients.directory.list({}), clients.directory.list({})]);

    const tokenRequests = server.requestsTo('POST', TOKEN);
    assert.equal(tokenRequests.length, 1);
    assert.equal(tokenRequests[0]!.form.get('grant_type'), 'client_credentials');
    assert.equal(tokenRequests[0]!.form.get('scope'), 'urn:se:curity:scopes:admin:api');
    assert.match(tokenRequests[0]!.headers.authorization ?? '', /^Basic /);
  });

  it('requests a new token once the cached one is about to expire', async () => {
    server.tokenLifetimeSeconds = 0;

    await clients.directory.list({});
    await clients.directory.list({});

    assert.equal(server.requestsTo('POST', TOKEN).length, 2);
  });

  it('renews the token once after a 401 and retries', async () => {
    await clients.directory.list({});
    server.issuedTokens.splice(0);

    const page = await clients.directory.list({});

    assert.equal(page.items.length, 1);
    assert.equal(server.requestsTo('POST', TOKEN).length, 2);
  });

  it('fails with scim_unauthorized after a second 401', async () => {
    server.on('GET /um/admin/Delegations', (_request, response) => {
      response.setHeader('www-authenticate', 'Bearer error="invalid_token"');
      sendScimError(response, 401, 'token not accepted');
    });

    await assert.rejects(
      clients.directory.list({}),
      (error: Error & { code?: string; status?: number }) => {
        assert.equal(error.code, 'scim_unauthorized');
        assert.equal(error.status, 502);
        assert.match(error.message, /127\.0\.0\.1/);
        return true;
      },
    );
    assert.equal(server.requestsTo('POST', TOKEN).length, 2);
    assert.equal(server.requestsTo('GET', '/um/admin/Delegations').length, 2);
  });

  it('fails with scim_forbidden naming the scope setting on 403', async () => {
    server.on('DELETE /um/admin/Delegations/*', (_request, response) => {
      sendScimError(response, 403, 'insufficient scope');
    });

    await assert.rejects(
      clients.directory.revoke('a'),
      (error: Error & { code?: string; detail?: string }) => {
        assert.equal(error.code, 'scim_forbidden');
        assert.match(error.message, /authServer\.scim\.scope/);
        assert.match(error.message, /urn:se:curity:scopes:admin:api/);
        assert.equal(error.detail, 'insufficient scope');
        return true;
      },
    );
  });

  it('fails with scim_unauthorized when the client secret is wrong', async () => {
    await clients.close();
    const config = configFor(server);
    clients = await clientsFor(server, { scim: { ...config.scim, clientSecret: 'wrong-secret' } });

    await assert.rejects(clients.directory.list({}), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'scim_unauthorized');
      assert.match(error.message, /authServer\.scim\.clientSecret/);
      assert.doesNotMatch(error.message, /wrong-secret/);
      return true;
    });
  });

  it('fails with scim_forbidden when the scope is refused', async () => {
    server.on(`POST ${TOKEN}`, (_request, response) =>
      sendJson(response, 400, { error: 'invalid_scope' }),
    );

    await assert.rejects(clients.directory.list({}), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'scim_forbidden');
      assert.match(error.message, /invalid_scope/);
      return true;
    });
  });

  it('never writes the token or the client secret to the log', async () => {
    await clients.directory.list({});
    server.issuedTokens.splice(0, 1);
    await clients.directory.list({});
    server.on('GET /um/admin/Delegations', (_request, response) =>
      sendScimError(response, 401, 'no'),
    );
    await assert.rejects(clients.directory.list({}));

    const log = clients.memory.text();
    for (const token of server.issuedTokens)
      assert.equal(log.includes(token), false, 'a token reached the log');
    assert.equal(log.includes('tracker-secret'), false);
  });
});
