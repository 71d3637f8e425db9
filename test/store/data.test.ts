import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import { isAppError } from '../../src/shared/errors.ts';
import { device, inHours, loginTransaction, session, tokens } from './fixtures.ts';
import { describeEachStore } from './harness.ts';

function hasCode(code: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(isAppError(error), `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  };
}

describeEachStore('store data', (harness) => {
  it('takes a login transaction once', async () => {
    const store = await (await harness.location()).open();
    const saved = loginTransaction();
    await store.saveLoginTransaction(saved);

    assert.deepEqual(await store.takeLoginTransaction(saved.state), saved);
    assert.equal(await store.takeLoginTransaction(saved.state), null);
    assert.equal(await store.takeLoginTransaction('unknown-state'), null);
  });

  it('returns null for an expired login transaction', async () => {
    const location = await harness.location();
    const store = await location.open();
    const expired = loginTransaction({ expiresAt: inHours(-1) });
    await store.saveLoginTransaction(expired);

    assert.equal(await store.takeLoginTransaction(expired.state), null);
    const rows = await location.rawQuery('SELECT state FROM login_transactions');
    assert.equal(rows.length, 0);
  });

  it('gives a raced login transaction to one caller', async () => {
    const location = await harness.location();
    const first = await location.open();
    const second = await location.open();

    for (let round = 0; round < 5; round += 1) {
      const saved = loginTransaction();
      await first.saveLoginTransaction(saved);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          (index % 2 === 0 ? first : second).takeLoginTransaction(saved.state),
        ),
      );
      const winners = results.filter((result) => result !== null);
      assert.equal(winners.length, 1, `round ${round}: ${winners.length} callers got the state`);
      assert.deepEqual(winners[0], saved);
    }
  });

  it('round-trips a session exactly', async () => {
    const store = await (await harness.location()).open();
    const created = session({ isAdmin: true });
    await store.createSession(created);

    const loaded = await store.getSession(created.idHash);
    assert.deepEqual(loaded, created);
    assert.equal(loaded?.createdAt.getTime(), created.createdAt.getTime());
    assert.equal(loaded?.expiresAt.getUTCMilliseconds(), 123);
  });

  it('round-trips a session without ID token', async () => {
    const store = await (await harness.location()).open();
    const created = session({ idToken: undefined, claims: {} });
    await store.createSession(created);

    assert.deepEqual(await store.getSession(created.idHash), created);
  });

  it('hides an expired session', async () => {
    const store = await (await harness.location()).open();
    const expired = session({ createdAt: inHours(-9), expiresAt: inHours(-1) });
    await store.createSession(expired);

    assert.equal(await store.getSession(expired.idHash), null);
    assert.equal(await store.getSession('unknown-hash'), null);
  });

  it('deletes one session or all of a device', async () => {
    const store = await (await harness.location()).open();
    const deviceId = 'device-shared';
    const a = session({ deviceId });
    const b = session({ deviceId });
    const other = session();
    for (const created of [a, b, other]) await store.createSession(created);

    await store.deleteSession(a.idHash);
    assert.equal(await store.getSession(a.idHash), null);
    assert.notEqual(await store.getSession(b.idHash), null);

    await store.deleteSessionsOfDevice(deviceId);
    assert.equal(await store.getSession(b.idHash), null);
    assert.deepEqual(await store.getSession(other.idHash), other);
  });

  it('rejects a duplicate session id', async () => {
    const store = await (await harness.location()).open();
    const created = session();
    await store.createSession(created);

    await assert.rejects(store.createSession({ ...created, username: 'larseriksson' }));
  });

  it('upserts a device and keeps firstSeen', async () => {
    const store = await (await harness.location()).open();
    const first = device({ lastSeen: inHours(-2) });
    const seenAgain = inHours(0);

    const inserted = await store.upsertDevice(first);
    assert.deepEqual(inserted, { ...first, firstSeen: first.lastSeen });

    const updated = await store.upsertDevice({
      ...first,
      userAgent: 'Mozilla/5.0 (Macintosh) Safari/605.1.15',
      browser: 'Safari 26',
      os: 'macOS',
      lastSeen: seenAgain,
      firstSeen: inHours(-1),
    });
    assert.deepEqual(updated, {
      id: first.id,
      publicId: first.publicId,
      userAgent: 'Mozilla/5.0 (Macintosh) Safari/605.1.15',
      browser: 'Safari 26',
      os: 'macOS',
      firstSeen: first.lastSeen,
      lastSeen: seenAgain,
    });
    assert.deepEqual(await store.getDevice(first.id), updated);
  });

  it('stores a given firstSeen on insert', async () => {
    const store = await (await harness.location()).open();
    const firstSeen = inHours(-30);

    const inserted = await store.upsertDevice({ ...device(), firstSeen });

    assert.equal(inserted.firstSeen.getTime(), firstSeen.getTime());
  });

  it('finds devices by public id', async () => {
    const store = await (await harness.location()).open();
    const a = await store.upsertDevice(device());
    const b = await store.upsertDevice(device());
    await store.upsertDevice(device());

    const found = await store.getDevicesByPublicId([b.publicId, a.publicId, 'unknown', a.publicId]);
    const byId = (x: { id: string }, y: { id: string }) => x.id.localeCompare(y.id);
    assert.deepEqual(found.sort(byId), [a, b].sort(byId));
    assert.deepEqual(await store.getDevicesByPublicId([]), []);
    assert.equal(await store.getDevice('unknown'), null);
  });

  it('finds more devices than one query binds', async () => {
    const store = await (await harness.location()).open();
    const publicIds: string[] = [];
    for (let index = 0; index < 620; index += 1) {
      publicIds.push((await store.upsertDevice(device())).publicId);
    }

    const found = await store.getDevicesByPublicId(publicIds);

    assert.equal(found.length, 620);
    assert.deepEqual(new Set(found.map((d) => d.publicId)), new Set(publicIds));
  });

  it('round-trips delegation tokens', async () => {
    const store = await (await harness.location()).open();
    const saved = tokens();
    await store.saveTokens(saved);

    assert.deepEqual(await store.getTokens(saved.delegationId), saved);
    assert.equal(await store.getTokens('unknown'), null);
  });

  it('round-trips tokens without refresh or expiry', async () => {
    const store = await (await harness.location()).open();
    const saved = tokens({ refreshToken: undefined, accessTokenExpiresAt: undefined });
    await store.saveTokens(saved);

    assert.deepEqual(await store.getTokens(saved.delegationId), saved);
  });

  it('replaces tokens on a second save', async () => {
    const store = await (await harness.location()).open();
    const saved = tokens();
    await store.saveTokens(saved);
    const rotated = {
      ...saved,
      accessToken: 'rotated-access',
      refreshToken: undefined,
      accessTokenExpiresAt: inHours(1),
      updatedAt: inHours(0.5),
    };
    await store.saveTokens(rotated);

    assert.deepEqual(await store.getTokens(saved.delegationId), rotated);
  });

  it('lists and deletes tokens of a device', async () => {
    const store = await (await harness.location()).open();
    const deviceId = 'device-with-tokens';
    const b = tokens({ deviceId, delegationId: 'delegation-b' });
    const a = tokens({ deviceId, delegationId: 'delegation-a' });
    for (const saved of [b, a, tokens()]) await store.saveTokens(saved);

    assert.deepEqual(await store.listTokenDelegationIds(deviceId), [
      'delegation-a',
      'delegation-b',
    ]);

    await store.deleteTokens('delegation-a');
    assert.equal(await store.getTokens('delegation-a'), null);
    assert.deepEqual(await store.listTokenDelegationIds(deviceId), ['delegation-b']);
    assert.deepEqual(await store.listTokenDelegationIds('unknown'), []);
  });

  it('encrypts tokens at rest', async () => {
    const location = await harness.location();
    const store = await location.open();
    const saved = tokens();
    const created = session();
    await store.saveTokens(saved);
    await store.createSession(created);

    const [tokenRow] = await location.rawQuery(
      'SELECT access_token, refresh_token FROM delegation_tokens WHERE delegation_id = $1',
      [saved.delegationId],
    );
    const [sessionRow] = await location.rawQuery(
      'SELECT id_token FROM sessions WHERE id_hash = $1',
      [created.idHash],
    );
    const stored = [tokenRow?.access_token, tokenRow?.refresh_token, sessionRow?.id_token];
    const plain = [saved.accessToken, saved.refreshToken, created.idToken];
    for (const [index, value] of stored.entries()) {
      assert.equal(typeof value, 'string');
      assert.match(String(value), /^v1\./);
      assert.ok(!String(value).includes(plain[index]!), `column ${index} holds the plaintext`);
    }
  });

  it('rejects tokens under another secret', async () => {
    const location = await harness.location();
    const store = await location.open();
    const saved = tokens();
    const created = session();
    await store.saveTokens(saved);
    await store.createSession(created);
    await store.close();

    const reopened = await location.open({ secret: randomBytes(32) });
    await assert.rejects(
      reopened.getTokens(saved.delegationId),
      hasCode('token_decryption_failed'),
    );
    await assert.rejects(reopened.getSession(created.idHash), hasCode('token_decryption_failed'));
  });

  it('rejects a ciphertext moved to another row', async () => {
    const location = await harness.location();
    const store = await location.open();
    const victim = tokens();
    const attacker = tokens();
    await store.saveTokens(victim);
    await store.saveTokens(attacker);

    const [victimRow] = await location.rawQuery(
      'SELECT access_token FROM delegation_tokens WHERE delegation_id = $1',
      [victim.delegationId],
    );
    await location.rawQuery(
      'UPDATE delegation_tokens SET access_token = $1 WHERE delegation_id = $2',
      [victimRow?.access_token, attacker.delegationId],
    );

    await assert.rejects(
      store.getTokens(attacker.delegationId),
      hasCode('token_decryption_failed'),
    );
    assert.deepEqual(await store.getTokens(victim.delegationId), victim);
  });

  it('keeps data across close and reopen', async () => {
    const location = await harness.location();
    const store = await location.open();
    const created = session();
    const saved = tokens();
    const transaction = loginTransaction();
    const known = await store.upsertDevice(device());
    await store.createSession(created);
    await store.saveTokens(saved);
    await store.saveLoginTransaction(transaction);
    const audited = await store.appendAudit({
      actor: 'janedoe',
      actorIsAdmin: false,
      action: 'sign-in',
      result: 'succeeded',
    });
    await store.close();

    const reopened = await location.open();
    assert.deepEqual(await reopened.getSession(created.idHash), created);
    assert.deepEqual(await reopened.getTokens(saved.delegationId), saved);
    assert.deepEqual(await reopened.getDevice(known.id), known);
    assert.deepEqual(await reopened.takeLoginTransaction(transaction.state), transaction);
    assert.deepEqual(await reopened.queryAudit({}), [audited]);
  });

  it('rejects calls after close', async () => {
    const store = await (await harness.location()).open();
    await store.close();
    await store.close();

    await assert.rejects(store.getSession('any'));
  });

  it('never logs token values', async () => {
    const location = await harness.location();
    const store = await location.open();
    const created = session();
    const saved = tokens();
    const transaction = loginTransaction();
    await store.createSession(created);
    await store.saveTokens(saved);
    await store.saveLoginTransaction(transaction);
    await store.getSession(created.idHash);
    await store.getTokens(saved.delegationId);
    await store.takeLoginTransaction(transaction.state);
    await store.sweep(inHours(24 * 400));
    await store.close();

    const logged = location.logs.text();
    assert.ok(logged.length > 0, 'the store logged nothing to check');
    const secrets = [
      saved.accessToken,
      saved.refreshToken!,
      created.idToken!,
      created.csrfToken,
      transaction.codeVerifier,
      transaction.nonce,
      transaction.state,
    ];
    for (const secret of secrets) assert.ok(!logged.includes(secret), 'a secret value was logged');
  });
});
