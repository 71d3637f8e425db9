import assert from 'node:assert/strict';
import { it } from 'node:test';
import { TOKEN_RETENTION_MS } from '../../src/store/sql/sweep.ts';
import { inHours, loginTransaction, session, tokens } from './fixtures.ts';
import { describeEachStore } from './harness.ts';

const DAY_HOURS = 24;
const RETENTION_HOURS = TOKEN_RETENTION_MS / 3_600_000;

describeEachStore('store sweep', (harness) => {
  it('deletes expired login transactions', async () => {
    const store = await (await harness.location()).open();
    const expired = loginTransaction({ expiresAt: inHours(-1) });
    const live = loginTransaction({ expiresAt: inHours(1) });
    await store.saveLoginTransaction(expired);
    await store.saveLoginTransaction(live);

    const counts = await store.sweep();

    assert.equal(counts.loginTransactions, 1);
    assert.deepEqual(await store.takeLoginTransaction(live.state), live);
  });

  it('deletes expired sessions only', async () => {
    const location = await harness.location();
    const store = await location.open();
    const expired = session({ createdAt: inHours(-9), expiresAt: inHours(-1) });
    const live = session();
    await store.createSession(expired);
    await store.createSession(live);

    const counts = await store.sweep();

    assert.equal(counts.sessions, 1);
    const rows = await location.rawQuery('SELECT id_hash FROM sessions');
    assert.deepEqual(
      rows.map((row) => row.id_hash),
      [live.idHash],
    );
  });

  it('uses the given time', async () => {
    const store = await (await harness.location()).open();
    const created = session({ expiresAt: inHours(2) });
    await store.createSession(created);

    assert.equal((await store.sweep(inHours(1))).sessions, 0);
    assert.equal((await store.sweep(inHours(3))).sessions, 1);
  });

  it('applies the token rule', async () => {
    const store = await (await harness.location()).open();
    const now = inHours(0);
    const longAgo = inHours(-RETENTION_HOURS - 1, now.getTime());
    const signedInDevice = 'device-signed-in';
    await store.createSession(session({ deviceId: signedInDevice, expiresAt: inHours(1) }));
    await store.createSession(session({ deviceId: 'device-signed-out', expiresAt: inHours(-1) }));

    const kept = [
      // A live session keeps even useless tokens, so its user still sees them.
      tokens({
        deviceId: signedInDevice,
        refreshToken: undefined,
        accessTokenExpiresAt: inHours(-DAY_HOURS),
        updatedAt: longAgo,
      }),
      // No session, but the access token still works.
      tokens({
        deviceId: 'device-signed-out',
        refreshToken: undefined,
        accessTokenExpiresAt: inHours(1),
      }),
      // No session, access expired, but the refresh token is recent.
      tokens({
        deviceId: 'device-signed-out',
        accessTokenExpiresAt: inHours(-1),
        updatedAt: inHours(-1),
      }),
      // No session, no expiry known, updated recently.
      tokens({
        deviceId: 'device-gone',
        refreshToken: undefined,
        accessTokenExpiresAt: undefined,
        updatedAt: inHours(-1),
      }),
    ];
    const deleted = [
      // No session, no refresh token, access expired.
      tokens({
        deviceId: 'device-signed-out',
        refreshToken: undefined,
        accessTokenExpiresAt: inHours(-1),
      }),
      // No session, refresh token older than the retention.
      tokens({ deviceId: 'device-gone', accessTokenExpiresAt: longAgo, updatedAt: longAgo }),
      // No session, no expiry known, older than the retention.
      tokens({ deviceId: 'device-gone', accessTokenExpiresAt: undefined, updatedAt: longAgo }),
    ];
    for (const saved of [...kept, ...deleted]) await store.saveTokens(saved);

    const counts = await store.sweep(now);

    assert.equal(counts.tokens, deleted.length);
    assert.equal(counts.sessions, 1);
    for (const [index, saved] of kept.entries()) {
      assert.deepEqual(await store.getTokens(saved.delegationId), saved, `kept case ${index}`);
    }
    for (const [index, saved] of deleted.entries()) {
      assert.equal(await store.getTokens(saved.delegationId), null, `deleted case ${index}`);
    }
  });

  it('judges tokens after expiring sessions', async () => {
    const store = await (await harness.location()).open();
    const deviceId = 'device-last-session-ends';
    await store.createSession(session({ deviceId, expiresAt: inHours(1) }));
    const saved = tokens({ deviceId, refreshToken: undefined, accessTokenExpiresAt: inHours(0.5) });
    await store.saveTokens(saved);

    assert.equal((await store.sweep(inHours(0.75))).tokens, 0);
    const counts = await store.sweep(inHours(2));

    assert.deepEqual(counts, { loginTransactions: 0, sessions: 1, tokens: 1 });
  });
});
