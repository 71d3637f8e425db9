import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { parseListQuery } from '../../src/idp/scim/list-query.ts';
import { openDatabase, type SqliteDatabase } from '../../src/idp/store/database.ts';
import { DelegationStore, nowSeconds } from '../../src/idp/store/delegations.ts';
import { decodeScimId, encodeScimId } from '../../src/idp/store/scim-id.ts';

function saveDelegation(
  store: DelegationStore,
  owner: string,
  createdOffset: number,
  expiresOffset: number,
  clientId = 'www',
) {
  const id = randomUUID();
  const now = nowSeconds();
  store.saveGrant({
    jti: id,
    accountId: owner,
    clientId,
    iat: now + createdOffset,
    exp: now + expiresOffset,
  });
  return id;
}

describe('delegation store', () => {
  let folder: string;
  let db: SqliteDatabase;
  let store: DelegationStore;

  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'idp-store-'));
    db = openDatabase(folder);
    store = new DelegationStore(db);
    for (let n = 0; n < 200; n += 1)
      saveDelegation(store, `user${n % 20}`, -n, 3600 + n, n % 2 ? 'www' : 'www2');
  });
  after(() => {
    db.close();
    rmSync(folder, { recursive: true, force: true });
  });

  function plan(query: string): string[] {
    return store.explain(parseListQuery(new URLSearchParams(query), 'modern').sql);
  }

  test('database is in WAL mode', () => {
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  });

  test('one owner listing searches an owner index', () => {
    const steps = plan('filter=owner eq "user3" and status eq "issued"&count=50');
    assert.equal(steps.length, 1, steps.join('\n'));
    assert.match(
      steps[0]!,
      /^SEARCH delegations USING INDEX delegations_(owner_status|status_owner)_created \(/,
    );
    assert.match(steps[0]!, /owner=\?/);
  });

  const adminSorts = [
    '',
    'sortBy=created&sortOrder=descending',
    'sortBy=expires',
    'sortBy=clientId',
    'sortBy=owner&sortOrder=descending',
  ];
  for (const query of adminSorts) {
    test(`admin list ${query || 'default order'} needs no scan or sort`, () => {
      const steps = plan(`${query}&count=50&startIndex=101`);
      assert.equal(steps.length, 1, steps.join('\n'));
      assert.match(
        steps[0]!,
        /^SEARCH delegations USING INDEX delegations_status_\w+ \(status=\?\)$/,
      );
    });
  }

  test('status-only counts read the running totals', () => {
    const issuedBefore = store.count({
      where: 'status = ?',
      params: ['issued'],
      countByStatus: 'issued',
    });
    const counted = store.count({ where: 'status = ?', params: ['issued'] });
    assert.equal(issuedBefore, counted);

    const id = saveDelegation(store, 'counted', 0, 60);
    assert.equal(store.revoke(id), true);
    assert.equal(
      store.count({ where: 'status = ?', params: ['issued'], countByStatus: 'issued' }),
      issuedBefore,
    );
    assert.equal(
      store.count({ where: 'status = ?', params: ['revoked'], countByStatus: 'revoked' }),
      store.count({ where: 'status = ?', params: ['revoked'] }),
    );
  });

  test('revoke works once', () => {
    const id = saveDelegation(store, 'once', 0, 60);
    assert.equal(store.revoke(id), true);
    assert.equal(store.revoke(id), false);
    assert.equal(store.findGrant(id), undefined);
  });

  test('saving a revoked grant does not reissue it', () => {
    const id = saveDelegation(store, 'resaved', 0, 60);
    store.revoke(id);
    const now = nowSeconds();
    store.saveGrant({ jti: id, accountId: 'resaved', clientId: 'www', iat: now, exp: now + 60 });
    assert.equal(store.findGrant(id), undefined);
  });

  test('sweep deletes expired rows only', () => {
    const expired = saveDelegation(store, 'sweep', -100, -10);
    const revokedExpired = saveDelegation(store, 'sweep', -100, -5);
    store.revoke(revokedExpired);
    const live = saveDelegation(store, 'sweep', -100, 600);
    db.prepare(
      `INSERT INTO oidc_models (model, id, payload, expires_at) VALUES ('Session', 'old', '{}', ?)`,
    ).run(nowSeconds() - 1);
    db.prepare(
      `INSERT INTO oidc_models (model, id, payload, expires_at) VALUES ('Session', 'new', '{}', ?)`,
    ).run(nowSeconds() + 600);

    const removed = store.sweep();

    assert.equal(removed.delegations, 2);
    assert.equal(removed.models, 1);
    assert.equal(store.findIssuedById(expired), undefined);
    assert.ok(store.findIssuedById(live));
    const totals = db.prepare('SELECT status, total FROM delegation_counts').all() as Array<{
      status: string;
      total: number;
    }>;
    for (const { status, total } of totals) {
      assert.equal(
        total,
        store.count({ where: 'status = ?', params: [status] }),
        `${status} total after the sweep`,
      );
    }
  });

  test('grant payload is rebuilt for rows without one', () => {
    const id = randomUUID();
    db.prepare(
      `INSERT INTO delegations (id, owner, client_id, status, scope, created, expires, last_modified) VALUES (?, 'seeded', 'www', 'issued', 'openid', 10, ?, 10)`,
    ).run(id, nowSeconds() + 60);
    assert.deepEqual(store.findGrant(id), {
      jti: id,
      kind: 'Grant',
      accountId: 'seeded',
      clientId: 'www',
      iat: 10,
      exp: nowSeconds() + 60,
      openid: { scope: 'openid' },
    });
  });
});

describe('SCIM ids', () => {
  test('round-trip row numbers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (rowId) => {
        assert.equal(decodeScimId(encodeScimId(rowId)), rowId);
      }),
    );
  });

  test('decode as DEL:<row>', () => {
    assert.equal(Buffer.from(encodeScimId(42), 'base64url').toString(), 'DEL:42');
  });

  const foreign = [
    '',
    'REVMOjA',
    'REVMOjAx',
    'REVMOi0x',
    'REVMOjE=',
    'VVNFUjox',
    'REVMOjEgMQ',
    'a/b',
    '日本',
    'REVMOjE.',
  ];
  for (const id of foreign) {
    test(`rejects ${JSON.stringify(id)}`, () => {
      assert.equal(decodeScimId(id), undefined);
    });
  }

  test('rejects non-canonical spellings', () => {
    const canonical = encodeScimId(1);
    const variant = `${canonical.slice(0, -1)}F`;
    assert.equal(
      Buffer.from(variant, 'base64url').toString(),
      Buffer.from(canonical, 'base64url').toString(),
    );
    assert.equal(decodeScimId(variant), undefined);
  });
});
