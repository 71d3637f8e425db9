import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import * as jose from 'jose';
import { basicAuthorization, maxAgeOf } from '../../src/auth-server/oidc/introspection.ts';
import { freePort } from '../helpers/ports.ts';
import { FakeAuthServer, ISSUER_PATH, sendJson } from './support/fake-auth-server.ts';
import { clientsFor } from './support/setup.ts';

const INTROSPECT = `${ISSUER_PATH}/introspect`;

let server: FakeAuthServer;
let clients: Awaited<ReturnType<typeof clientsFor>>;

beforeEach(async () => {
  server = await FakeAuthServer.start();
  clients = await clientsFor(server);
});

afterEach(async () => {
  await clients.close();
  await server.close();
});

describe('json mode', () => {
  it('returns the claims of an active token', async () => {
    server.on(`POST ${INTROSPECT}`, (request, response) => {
      if (server.authenticatedClient(request) !== 'introspector')
        return sendJson(response, 401, { error: 'invalid_client' });
      sendJson(response, 200, {
        active: true,
        sub: 'janedoe',
        client_id: 'www',
        delegationId: 'delegation-1',
      });
    });

    const result = await clients.relyingParty.introspect('access-1', 'json');

    assert.deepEqual(result, {
      active: true,
      mode: 'json',
      claims: { sub: 'janedoe', client_id: 'www', delegationId: 'delegation-1' },
    });
    assert.equal(server.requestsTo('POST', INTROSPECT)[0]!.form.get('token'), 'access-1');
  });

  it('returns inactive for active false', async () => {
    server.on(`POST ${INTROSPECT}`, (_request, response) =>
      sendJson(response, 200, { active: false }),
    );

    assert.deepEqual(await clients.relyingParty.introspect('access-1', 'json'), {
      active: false,
      mode: 'json',
    });
  });

  it('maps rejected client credentials to introspection_failed', async () => {
    server.on(`POST ${INTROSPECT}`, (_request, response) =>
      sendJson(response, 401, { error: 'invalid_client' }),
    );

    await assert.rejects(
      clients.relyingParty.introspect('access-1', 'json'),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'introspection_failed');
        assert.match(error.message, /authServer\.introspection\.clientSecret/);
        return true;
      },
    );
  });

  it('fails clearly without an introspection endpoint', async () => {
    server.metadataOverrides.introspection_endpoint = undefined;

    await assert.rejects(
      clients.relyingParty.introspect('access-1', 'json'),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'introspection_failed');
        assert.match(error.message, /introspection_endpoint/);
        return true;
      },
    );
  });
});

describe('jwt mode (phantom token)', () => {
  function answerWithJwt(jwt: () => Promise<string>, headers: Record<string, string> = {}): void {
    server.on(`POST ${INTROSPECT}`, async (request, response) => {
      if (server.authenticatedClient(request) !== 'introspector')
        return sendJson(response, 401, { error: 'invalid_client' });
      response.writeHead(200, { 'content-type': 'application/jwt', ...headers }).end(await jwt());
    });
  }

  it('verifies the JWT against the JWKS and reads max-age', async () => {
    let issued = '';
    answerWithJwt(
      async () =>
        (issued = await server.signJwt({
          iss: server.issuer,
          sub: 'janedoe',
          delegationId: 'delegation-1',
        })),
      { 'cache-control': 'public, max-age=120' },
    );

    const result = await clients.relyingParty.introspect('access-1', 'jwt');

    assert.equal(result.active, true);
    assert.ok(result.active);
    assert.equal(result.mode, 'jwt');
    assert.equal(result.jwt, issued);
    assert.equal(result.claims.sub, 'janedoe');
    assert.equal(result.claims.delegationId, 'delegation-1');
    assert.equal(result.maxAgeSeconds, 120);
    const request = server.requestsTo('POST', INTROSPECT)[0]!;
    assert.equal(request.headers.accept, 'application/jwt');
    assert.equal(
      request.headers.authorization,
      basicAuthorization('introspector', 'introspector-secret'),
    );
    assert.equal(request.form.get('token'), 'access-1');
  });

  it('fetches the JWKS once for several introspections', async () => {
    answerWithJwt(() => server.signJwt({ iss: server.issuer, sub: 'janedoe' }));

    await clients.relyingParty.introspect('access-1', 'jwt');
    await clients.relyingParty.introspect('access-2', 'jwt');

    assert.equal(server.requestsTo('GET', `${ISSUER_PATH}/jwks`).length, 1);
  });

  it('returns inactive on 204', async () => {
    server.on(`POST ${INTROSPECT}`, (_request, response) => {
      response.writeHead(204).end();
    });

    assert.deepEqual(await clients.relyingParty.introspect('access-1', 'jwt'), {
      active: false,
      mode: 'jwt',
    });
  });

  it('rejects a bad signature with introspection_invalid', async () => {
    const { privateKey: otherKey } = await jose.generateKeyPair('RS256');
    answerWithJwt(() => server.signJwt({ iss: server.issuer, sub: 'janedoe' }, otherKey));

    await assert.rejects(
      clients.relyingParty.introspect('access-1', 'jwt'),
      (error: Error & { code?: string; status?: number }) => {
        assert.equal(error.code, 'introspection_invalid');
        assert.equal(error.status, 502);
        assert.match(error.message, /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
        return true;
      },
    );
  });

  it('rejects a JWT from another issuer', async () => {
    answerWithJwt(() => server.signJwt({ iss: 'https://elsewhere.example', sub: 'janedoe' }));

    await assert.rejects(clients.relyingParty.introspect('access-1', 'jwt'), {
      code: 'introspection_invalid',
    });
  });

  it('rejects a body that is not a JWT without echoing it', async () => {
    server.on(`POST ${INTROSPECT}`, (_request, response) => {
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html>secret-looking body</html>');
    });

    await assert.rejects(
      clients.relyingParty.introspect('access-1', 'jwt'),
      (error: Error & { code?: string; detail?: string }) => {
        assert.equal(error.code, 'as_invalid_response');
        assert.match(error.message, /HTTP 200 with content type text\/html/);
        assert.doesNotMatch(`${error.message} ${error.detail}`, /secret-looking/);
        return true;
      },
    );
  });

  it('maps 401 to introspection_failed', async () => {
    server.on(`POST ${INTROSPECT}`, (_request, response) =>
      sendJson(response, 401, { error: 'invalid_client' }),
    );

    await assert.rejects(clients.relyingParty.introspect('access-1', 'jwt'), {
      code: 'introspection_failed',
    });
  });

  it('maps an unreachable JWKS to as_unreachable', async () => {
    answerWithJwt(() => server.signJwt({ iss: server.issuer, sub: 'janedoe' }));
    server.metadataOverrides.jwks_uri = `http://127.0.0.1:${await freePort()}/jwks`;

    await assert.rejects(clients.relyingParty.introspect('access-1', 'jwt'), {
      code: 'as_unreachable',
    });
  });

  it('rejects an unknown mode', async () => {
    await assert.rejects(clients.relyingParty.introspect('access-1', 'xml' as 'jwt'), {
      code: 'invalid_introspection_mode',
    });
  });
});

describe('helpers', () => {
  it('maxAgeOf reads max-age in seconds', () => {
    assert.equal(maxAgeOf('max-age=30'), 30);
    assert.equal(maxAgeOf('public, max-age=600, must-revalidate'), 600);
    assert.equal(maxAgeOf('s-maxage=5'), undefined);
    assert.equal(maxAgeOf('no-store'), undefined);
    assert.equal(maxAgeOf(null), undefined);
  });

  it('basicAuthorization form-encodes id and secret', () => {
    const header = basicAuthorization('client id', 'p:ss/+');

    assert.equal(Buffer.from(header.slice(6), 'base64').toString(), 'client+id:p%3Ass%2F%2B');
  });
});
