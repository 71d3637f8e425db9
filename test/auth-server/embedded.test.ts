import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as jose from 'jose';
import { createAuthServerClients, type AuthServerClients } from '../../src/auth-server/index.ts';
import type { SignInResult } from '../../src/auth-server/types.ts';
import { loadConfig, type Config } from '../../src/config/load.ts';
import { seedDelegations } from '../../src/idp/seed.ts';
import { startEmbeddedServer, type EmbeddedServer } from '../../src/idp/server.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { freePort } from '../helpers/ports.ts';
import { isRedirect, parseForm, TestBrowser } from '../helpers/test-browser.ts';
import { FAST_RETRY, memoryLogger, type MemoryLogger } from './support/setup.ts';

interface EmbeddedSetup {
  config: Config;
  server: EmbeddedServer;
  clients: AuthServerClients;
  memory: MemoryLogger;
  close(): Promise<void>;
}

/** Starts the embedded server on a free port with data in a new folder, and clients wired to it. */
async function startEmbedded(
  idpOverrides: Record<string, unknown> = {},
  seed?: { owner: string; count: number },
): Promise<EmbeddedSetup> {
  const folder = mkdtempSync(join(tmpdir(), 'auth-server-embedded-'));
  const config = loadConfig({
    env: {},
    overrides: {
      tracker: {
        port: await freePort(),
        dataDir: join(folder, 'tracker'),
        cookieSecret: randomBytes(32).toString('base64'),
      },
      idp: {
        host: '127.0.0.1',
        port: await freePort(),
        dataDir: join(folder, 'idp'),
        ...idpOverrides,
      },
    },
  });
  if (seed) {
    await seedDelegations(config.idp, {
      users: 4,
      delegations: 20,
      owner: { username: seed.owner, count: seed.count },
    });
  }

  const server = await startEmbeddedServer(config.idp, {
    logger: createLogger({ level: 'silent' }),
  });
  const memory = memoryLogger();
  const clients = await createAuthServerClients(config.authServer, {
    logger: memory.logger,
    retryPolicy: FAST_RETRY,
  });
  return {
    config,
    server,
    clients,
    memory,
    close: async () => {
      await clients.close();
      await server.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * Signs in through the relying party, playing the browser's part on the embedded server's sign-in
 * page with a demo account.
 */
async function signIn(
  setup: EmbeddedSetup,
  clientId: string,
  userAgentId: string,
): Promise<SignInResult> {
  const redirectUri = setup.config.tracker.redirectUri;
  const { authorizationUrl, transaction } = await setup.clients.relyingParty.startSignIn(
    clientId,
    redirectUri,
  );
  const browser = new TestBrowser(setup.config.tracker.publicUrl);

  let current = new URL(authorizationUrl);
  let response = await browser.fetch(current);
  for (let step = 0; step < 15 && !current.href.startsWith(redirectUri); step += 1) {
    if (isRedirect(response.status)) {
      current = new URL(response.headers.get('location') ?? '', current);
      if (!current.href.startsWith(redirectUri)) response = await browser.fetch(current);
      continue;
    }
    const form = parseForm(await response.text(), current);
    if (!form)
      throw new Error(`The sign-in stopped at ${current.pathname} with HTTP ${response.status}.`);
    response = await browser.fetch(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: form.action.origin },
      body: new URLSearchParams({
        ...form.fields,
        username: 'janedoe',
        password: 'jane-demo-pass',
      }).toString(),
    });
    current = form.action;
  }
  if (!current.href.startsWith(redirectUri))
    throw new Error('The sign-in did not reach the redirect URI.');

  return setup.clients.relyingParty.finishSignIn(current, transaction, redirectUri, userAgentId);
}

describe('embedded server, modern shape', () => {
  let setup: EmbeddedSetup;
  let signedIn: SignInResult;

  before(async () => {
    setup = await startEmbedded({}, { owner: 'janedoe', count: 12 });
    signedIn = await signIn(setup, 'www', 'UA-EMBED1');
  });

  after(async () => {
    await setup?.close();
  });

  it('lists the new delegation with its user agent id', async () => {
    const page = await setup.clients.directory.list({
      owner: 'janedoe',
      clientId: 'www',
      status: 'issued',
      count: 100,
    });

    const mine = page.items.find((item) => item.delegationId === signedIn.tokens.delegationId);
    assert.ok(signedIn.tokens.delegationId, 'the token response carries delegation_id');
    assert.ok(mine, 'the new delegation is listed');
    assert.equal(mine.owner, 'janedoe');
    assert.equal(mine.clientId, 'www');
    assert.equal(mine.status, 'issued');
    assert.equal(mine.userAgentId, 'UA-EMBED1');
    assert.ok(mine.expires instanceof Date);
    assert.ok(page.items.every((item) => item.owner === 'janedoe' && item.clientId === 'www'));
  });

  it('pages and sorts on the server', async () => {
    const first = await setup.clients.directory.list({
      owner: 'janedoe',
      sortBy: 'expires',
      startIndex: 1,
      count: 5,
    });
    const second = await setup.clients.directory.list({
      owner: 'janedoe',
      sortBy: 'expires',
      startIndex: 6,
      count: 5,
    });

    assert.ok(
      first.totalResults >= 13,
      `janedoe has the 12 seeded delegations and one more, got ${first.totalResults}`,
    );
    assert.equal(first.items.length, 5);
    assert.equal(second.items.length, 5);
    const expiries = [...first.items, ...second.items].map((item) => item.expires!.getTime());
    assert.deepEqual(
      expiries,
      [...expiries].sort((left, right) => left - right),
    );
    const ids = new Set([...first.items, ...second.items].map((item) => item.id));
    assert.equal(ids.size, 10, 'the pages do not overlap');
  });

  it('finds owners by prefix', async () => {
    const page = await setup.clients.directory.list({ ownerPrefix: 'jane', count: 100 });

    assert.ok(page.items.length > 0);
    assert.ok(page.items.every((item) => item.owner.toLowerCase().startsWith('jane')));
  });

  it('keeps an injected filter inside the value', async () => {
    const page = await setup.clients.directory.list({ owner: 'x" or owner pr or owner eq "y' });

    assert.equal(page.totalResults, 0);
  });

  it('gets a delegation by id, and null for an unknown id', async () => {
    const { items } = await setup.clients.directory.list({
      owner: 'janedoe',
      status: 'issued',
      count: 1,
    });

    const found = await setup.clients.directory.get(items[0]!.id);
    const missing = await setup.clients.directory.get('no-such-delegation');

    assert.deepEqual(found, items[0]);
    assert.equal(missing, null);
  });

  it('introspects the access token as JSON', async () => {
    const result = await setup.clients.relyingParty.introspect(signedIn.tokens.accessToken, 'json');

    assert.equal(result.active, true);
    assert.ok(result.active);
    assert.equal(result.claims.sub, 'janedoe');
    assert.equal(result.claims.client_id, 'www');
  });

  it('introspects the access token as a phantom JWT', async () => {
    const result = await setup.clients.relyingParty.introspect(signedIn.tokens.accessToken, 'jwt');

    assert.equal(result.active, true);
    assert.ok(result.active);
    assert.equal(result.claims.sub, 'janedoe');
    assert.equal(result.claims.delegationId, signedIn.tokens.delegationId);
    assert.equal(jose.decodeJwt(result.jwt!).iss, setup.config.authServer.issuer);
    assert.ok((result.maxAgeSeconds ?? 0) > 0);
  });

  it('refreshes the tokens', async () => {
    const tokens = await setup.clients.relyingParty.refresh('www', signedIn.tokens.refreshToken!);

    assert.notEqual(tokens.accessToken, signedIn.tokens.accessToken);
    assert.ok(tokens.refreshToken);
    signedIn = { ...signedIn, tokens };
  });

  it('revokes the delegation and its tokens stop working', async () => {
    const { items } = await setup.clients.directory.list({ owner: 'janedoe', count: 100 });
    const mine = items.find((item) => item.delegationId === signedIn.tokens.delegationId)!;

    assert.equal(await setup.clients.directory.revoke(mine.id), 'revoked');
    assert.equal(await setup.clients.directory.revoke(mine.id), 'already-revoked');
    assert.equal(await setup.clients.directory.get(mine.id), null);
    assert.deepEqual(
      await setup.clients.relyingParty.introspect(signedIn.tokens.accessToken, 'json'),
      {
        active: false,
        mode: 'json',
      },
    );
    assert.deepEqual(
      await setup.clients.relyingParty.introspect(signedIn.tokens.accessToken, 'jwt'),
      {
        active: false,
        mode: 'jwt',
      },
    );
    await assert.rejects(setup.clients.relyingParty.refresh('www', signedIn.tokens.refreshToken!), {
      code: 'delegation_ended',
    });
  });

  it('builds a logout URL the server publishes', async () => {
    const url = new URL(
      await setup.clients.relyingParty.logoutUrl({
        clientId: 'www',
        idTokenHint: signedIn.tokens.idToken,
        postLogoutRedirectUri: `${setup.config.tracker.publicUrl}/auth/logged-out`,
      }),
    );

    assert.equal(url.origin, setup.server.url);
    assert.equal(url.searchParams.get('client_id'), 'www');
  });

  it('writes no token to the log', () => {
    const log = setup.memory.text();

    for (const token of [
      signedIn.tokens.accessToken,
      signedIn.tokens.refreshToken!,
      signedIn.tokens.idToken!,
    ]) {
      assert.equal(log.includes(token), false);
    }
  });
});

describe('embedded server, 2019 shape', () => {
  let setup: EmbeddedSetup;

  before(async () => {
    setup = await startEmbedded({ scimLegacyShape: true }, { owner: 'janedoe', count: 7 });
  });

  after(async () => {
    await setup?.close();
  });

  it('detects the shape and filters here', async () => {
    const page = await setup.clients.directory.list({ owner: 'janedoe', count: 100 });
    const again = await setup.clients.directory.list({ owner: 'janedoe', count: 3, startIndex: 2 });
    const everything = await setup.clients.directory.list({ count: 1000 });

    // The seed revokes about one delegation in ten at random, so the exact count is not known.
    assert.ok(page.totalResults > 0);
    assert.deepEqual(
      page.items.map((item) => item.id),
      everything.items.filter((item) => item.owner === 'janedoe').map((item) => item.id),
    );
    assert.ok(page.items.every((item) => item.expires instanceof Date));
    assert.deepEqual(
      again.items.map((item) => item.id),
      page.items.slice(1, 4).map((item) => item.id),
    );
    const switches = setup.memory.lines.filter((line) =>
      String(line.msg).includes('2019 Delegation shape'),
    );
    assert.equal(switches.length, 1);
  });

  it('revokes in the 2019 shape', async () => {
    const { items } = await setup.clients.directory.list({ owner: 'janedoe', count: 1 });

    assert.equal(await setup.clients.directory.revoke(items[0]!.id), 'revoked');
    assert.equal(await setup.clients.directory.get(items[0]!.id), null);
  });
});
