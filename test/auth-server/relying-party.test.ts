import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { LoginTransaction } from '../../src/auth-server/types.ts';
import {
  FakeAuthServer,
  ISSUER_PATH,
  sendJson,
  type RecordedRequest,
} from './support/fake-auth-server.ts';
import { clientsFor } from './support/setup.ts';

const TOKEN = `${ISSUER_PATH}/token`;
const REDIRECT_URI = 'http://localhost:5555/auth/callback';
const USER_AGENT_ID = 'UA-12345';

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

/** Handles the authorization-code grant like a Curity token procedure that echoes user_agent_id. */
function issueTokens(
  nonce: () => string,
  extra: (request: RecordedRequest) => Record<string, unknown> = (request) => ({
    delegation_id: 'delegation-1',
    user_agent_id: request.form.get('user_agent_id'),
  }),
): void {
  server.on(`POST ${TOKEN}`, async (request, response) => {
    const clientId = server.authenticatedClient(request);
    if (!clientId) return sendJson(response, 401, { error: 'invalid_client' });
    if (
      request.form.get('grant_type') !== 'authorization_code' ||
      request.form.get('code') !== 'good-code'
    ) {
      return sendJson(response, 400, { error: 'invalid_grant' });
    }
    const idToken = await server.signJwt({
      iss: server.issuer,
      aud: clientId,
      sub: 'janedoe',
      nonce: nonce(),
      name: 'Jane',
    });
    sendJson(response, 200, {
      access_token: 'access-1',
      token_type: 'Bearer',
      expires_in: 300,
      refresh_token: 'refresh-1',
      id_token: idToken,
      scope: 'openid profile',
      ...extra(request),
    });
  });
}

function callback(transaction: LoginTransaction, parameters: Record<string, string> = {}): URL {
  const url = new URL('http://127.0.0.1:5555/auth/callback');
  url.searchParams.set('code', 'good-code');
  url.searchParams.set('state', transaction.state);
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  return url;
}

describe('clients', () => {
  it('lists the configured web clients with labels', () => {
    assert.deepEqual(clients.relyingParty.clients(), [
      { id: 'www', label: 'Web shop' },
      { id: 'www2', label: 'www2' },
    ]);
  });
});

describe('startSignIn', () => {
  it('builds an authorization URL with PKCE, state and nonce', async () => {
    const { authorizationUrl, transaction } = await clients.relyingParty.startSignIn(
      'www',
      REDIRECT_URI,
    );
    const url = new URL(authorizationUrl);

    assert.equal(`${url.origin}${url.pathname}`, `${server.issuer}/authorize`);
    assert.equal(url.searchParams.get('client_id'), 'www');
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('redirect_uri'), REDIRECT_URI);
    assert.equal(url.searchParams.get('scope'), 'openid profile');
    assert.equal(url.searchParams.get('state'), transaction.state);
    assert.equal(url.searchParams.get('nonce'), transaction.nonce);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(
      url.searchParams.get('code_challenge'),
      createHash('sha256').update(transaction.codeVerifier).digest('base64url'),
    );
    assert.equal(transaction.clientId, 'www');
  });

  it('makes fresh values for every sign-in', async () => {
    const first = await clients.relyingParty.startSignIn('www', REDIRECT_URI);
    const second = await clients.relyingParty.startSignIn('www', REDIRECT_URI);

    assert.notEqual(first.transaction.state, second.transaction.state);
    assert.notEqual(first.transaction.nonce, second.transaction.nonce);
    assert.notEqual(first.transaction.codeVerifier, second.transaction.codeVerifier);
  });

  it('rejects an unknown client', async () => {
    await assert.rejects(
      clients.relyingParty.startSignIn('nope', REDIRECT_URI),
      (error: Error & { code?: string; status?: number }) => {
        assert.equal(error.code, 'unknown_client');
        assert.equal(error.status, 400);
        assert.match(error.message, /"nope"/);
        assert.match(error.message, /www, www2/);
        return true;
      },
    );
  });
});

describe('finishSignIn', () => {
  let transaction: LoginTransaction;

  beforeEach(async () => {
    ({ transaction } = await clients.relyingParty.startSignIn('www', REDIRECT_URI));
  });

  it('exchanges the code with PKCE and user_agent_id', async () => {
    issueTokens(() => transaction.nonce);

    const result = await clients.relyingParty.finishSignIn(
      callback(transaction),
      transaction,
      REDIRECT_URI,
      USER_AGENT_ID,
    );

    const request = server.requestsTo('POST', TOKEN).at(-1)!;
    assert.equal(request.form.get('code_verifier'), transaction.codeVerifier);
    assert.equal(
      request.form.get('redirect_uri'),
      REDIRECT_URI,
      'the configured redirect URI, not the callback host',
    );
    assert.equal(request.form.get('user_agent_id'), USER_AGENT_ID);
    assert.equal(result.tokens.accessToken, 'access-1');
    assert.equal(result.tokens.refreshToken, 'refresh-1');
    assert.deepEqual(result.tokens.scope, ['openid', 'profile']);
    assert.equal(result.tokens.delegationId, 'delegation-1');
    assert.ok(result.tokens.expiresAt instanceof Date);
    assert.equal(result.claims.sub, 'janedoe');
    assert.equal(result.claims.name, 'Jane');
    assert.equal(result.userAgentId, USER_AGENT_ID);
  });

  it('leaves delegationId and userAgentId absent when the server sends none', async () => {
    issueTokens(
      () => transaction.nonce,
      () => ({}),
    );

    const result = await clients.relyingParty.finishSignIn(
      callback(transaction),
      transaction,
      REDIRECT_URI,
      USER_AGENT_ID,
    );

    assert.equal(result.tokens.delegationId, undefined);
    assert.equal(result.userAgentId, undefined);
  });

  it('fails when the echoed user_agent_id differs', async () => {
    issueTokens(
      () => transaction.nonce,
      () => ({ user_agent_id: 'SOMEONE-ELSE' }),
    );

    await assert.rejects(
      clients.relyingParty.finishSignIn(
        callback(transaction),
        transaction,
        REDIRECT_URI,
        USER_AGENT_ID,
      ),
      { code: 'login_failed' },
    );
  });

  it('maps an error in the callback to login_denied', async () => {
    await assert.rejects(
      clients.relyingParty.finishSignIn(
        callback(transaction, { error: 'access_denied', error_description: 'The user said no' }),
        transaction,
        REDIRECT_URI,
        USER_AGENT_ID,
      ),
      (error: Error & { code?: string; detail?: string }) => {
        assert.equal(error.code, 'login_denied');
        assert.match(error.message, /access_denied/);
        assert.equal(error.detail, 'access_denied: The user said no');
        return true;
      },
    );
    assert.equal(server.requestsTo('POST', TOKEN).length, 0);
  });

  it('maps a state mismatch to login_expired', async () => {
    issueTokens(() => transaction.nonce);

    await assert.rejects(
      clients.relyingParty.finishSignIn(
        callback(transaction, { state: 'other-state' }),
        transaction,
        REDIRECT_URI,
        USER_AGENT_ID,
      ),
      { code: 'login_expired', status: 400 },
    );
    await assert.rejects(
      clients.relyingParty.finishSignIn(
        new URL('http://127.0.0.1:5555/auth/callback?code=good-code'),
        transaction,
        REDIRECT_URI,
        USER_AGENT_ID,
      ),
      { code: 'login_expired' },
    );
    assert.equal(server.requestsTo('POST', TOKEN).length, 0);
  });

  it('maps a wrong nonce to id_token_invalid', async () => {
    issueTokens(() => 'another-nonce');

    await assert.rejects(
      clients.relyingParty.finishSignIn(
        callback(transaction),
        transaction,
        REDIRECT_URI,
        USER_AGENT_ID,
      ),
      (error: Error & { code?: string; status?: number }) => {
        assert.equal(error.code, 'id_token_invalid');
        assert.equal(error.status, 502);
        assert.match(error.message, /nonce/);
        return true;
      },
    );
  });

  it('maps an ID token for another audience to id_token_invalid', async () => {
    server.on(`POST ${TOKEN}`, async (_request, response) => {
      const idToken = await server.signJwt({
        iss: server.issuer,
        aud: 'www2',
        sub: 'janedoe',
        nonce: transaction.nonce,
      });
      sendJson(response, 200, { access_token: 'a', token_type: 'Bearer', id_token: idToken });
    });

    await assert.rejects(
      clients.relyingParty.finishSignIn(
        callback(transaction),
        transaction,
        REDIRECT_URI,
        USER_AGENT_ID,
      ),
      { code: 'id_token_invalid' },
    );
  });

  it('maps a missing ID token to id_token_invalid', async () => {
    server.on(`POST ${TOKEN}`, (_request, response) => {
      sendJson(response, 200, { access_token: 'a', token_type: 'Bearer' });
    });

    await assert.rejects(
      clients.relyingParty.finishSignIn(
        callback(transaction),
        transaction,
        REDIRECT_URI,
        USER_AGENT_ID,
      ),
      { code: 'id_token_invalid' },
    );
  });

  it('maps invalid_grant from the token endpoint to login_failed', async () => {
    issueTokens(() => transaction.nonce);

    await assert.rejects(
      clients.relyingParty.finishSignIn(
        callback(transaction, { code: 'used-code' }),
        transaction,
        REDIRECT_URI,
        USER_AGENT_ID,
      ),
      (error: Error & { code?: string; detail?: string }) => {
        assert.equal(error.code, 'login_failed');
        assert.equal(error.detail, 'invalid_grant');
        assert.doesNotMatch(error.message, /used-code/);
        return true;
      },
    );
  });

  it('maps a token endpoint failure to as_error', async () => {
    server.on(`POST ${TOKEN}`, (_request, response) => {
      response.writeHead(500, { 'content-type': 'text/html' }).end('<html>oops</html>');
    });

    await assert.rejects(
      clients.relyingParty.finishSignIn(
        callback(transaction),
        transaction,
        REDIRECT_URI,
        USER_AGENT_ID,
      ),
      { code: 'as_error' },
    );
    assert.equal(server.requestsTo('POST', TOKEN).length, 1, 'a code exchange is never repeated');
  });

  it('keeps the code and callback parameters out of messages and logs', async () => {
    issueTokens(() => 'another-nonce');

    let caught: (Error & { detail?: string }) | undefined;
    await assert.rejects(
      clients.relyingParty.finishSignIn(
        callback(transaction),
        transaction,
        REDIRECT_URI,
        USER_AGENT_ID,
      ),
      (error: Error & { code?: string; detail?: string }) => {
        caught = error;
        return error.code === 'id_token_invalid';
      },
    );

    const text = `${caught?.message} ${caught?.detail ?? ''} ${clients.memory.text()}`;
    for (const secret of [
      'good-code',
      transaction.state,
      transaction.codeVerifier,
      'access-1',
      'refresh-1',
    ]) {
      assert.equal(text.includes(secret), false, `${secret} leaked`);
    }
  });
});

describe('refresh', () => {
  function refreshWith(body: Record<string, unknown>, status = 200): void {
    server.on(`POST ${TOKEN}`, (request, response) => {
      if (
        request.form.get('grant_type') !== 'refresh_token' ||
        !server.authenticatedClient(request)
      ) {
        return sendJson(response, 400, { error: 'unsupported_grant_type' });
      }
      sendJson(response, status, body);
    });
  }

  it('returns a rotated refresh token', async () => {
    refreshWith({
      access_token: 'access-2',
      token_type: 'Bearer',
      expires_in: 60,
      refresh_token: 'refresh-2',
    });

    const tokens = await clients.relyingParty.refresh('www', 'refresh-1');

    assert.equal(tokens.accessToken, 'access-2');
    assert.equal(tokens.refreshToken, 'refresh-2');
    assert.equal(server.requestsTo('POST', TOKEN).at(-1)!.form.get('refresh_token'), 'refresh-1');
  });

  it('keeps the old refresh token when none is returned', async () => {
    refreshWith({ access_token: 'access-2', token_type: 'Bearer' });

    const tokens = await clients.relyingParty.refresh('www', 'refresh-1');

    assert.equal(tokens.refreshToken, 'refresh-1');
    assert.equal(tokens.expiresAt, undefined);
  });

  it('maps invalid_grant to delegation_ended', async () => {
    refreshWith({ error: 'invalid_grant' }, 400);

    await assert.rejects(
      clients.relyingParty.refresh('www', 'refresh-1'),
      (error: Error & { code?: string; status?: number }) => {
        assert.equal(error.code, 'delegation_ended');
        assert.equal(error.status, 409);
        assert.match(error.message, /This session has ended at the authorization server/);
        return true;
      },
    );
  });

  it('maps other rejections to refresh_failed', async () => {
    refreshWith({ error: 'unauthorized_client' }, 400);

    await assert.rejects(clients.relyingParty.refresh('www', 'refresh-1'), {
      code: 'refresh_failed',
    });
  });

  it('rejects an unknown client', async () => {
    await assert.rejects(clients.relyingParty.refresh('nope', 'refresh-1'), {
      code: 'unknown_client',
    });
  });
});

describe('logoutUrl', () => {
  it('builds an RP-initiated logout URL', async () => {
    const url = new URL(
      await clients.relyingParty.logoutUrl({
        clientId: 'www',
        idTokenHint: 'id-token-value',
        postLogoutRedirectUri: 'http://localhost:5555/auth/logged-out',
      }),
    );

    assert.equal(`${url.origin}${url.pathname}`, `${server.issuer}/session/logout`);
    assert.equal(url.searchParams.get('client_id'), 'www');
    assert.equal(url.searchParams.get('id_token_hint'), 'id-token-value');
    assert.equal(
      url.searchParams.get('post_logout_redirect_uri'),
      'http://localhost:5555/auth/logged-out',
    );
  });

  it('leaves out id_token_hint when there is none', async () => {
    const url = new URL(
      await clients.relyingParty.logoutUrl({
        clientId: 'www',
        idTokenHint: undefined,
        postLogoutRedirectUri: 'http://localhost/',
      }),
    );

    assert.equal(url.searchParams.has('id_token_hint'), false);
  });

  it('fails with logout_unsupported without an end_session_endpoint', async () => {
    server.metadataOverrides.end_session_endpoint = undefined;

    await assert.rejects(
      clients.relyingParty.logoutUrl({
        clientId: 'www',
        idTokenHint: undefined,
        postLogoutRedirectUri: 'http://localhost/',
      }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'logout_unsupported');
        assert.match(error.message, /authServer\.logout\.style/);
        return true;
      },
    );
  });

  it('builds a Curity authentication-profile logout URL', async () => {
    await clients.close();
    clients = await clientsFor(server, {
      logout: { style: 'curity', curityLogoutUrl: 'http://127.0.0.1:9/authentication/logout' },
    });

    const url = await clients.relyingParty.logoutUrl({
      clientId: 'www',
      idTokenHint: 'ignored',
      postLogoutRedirectUri: 'http://localhost:5555/?a=b&c',
    });

    assert.equal(
      url,
      'http://127.0.0.1:9/authentication/logout?redirect_uri=http%3A%2F%2Flocalhost%3A5555%2F%3Fa%3Db%26c',
    );
    assert.equal(server.requests.length, 0, 'the curity style needs no discovery');
  });
});
