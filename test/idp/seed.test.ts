import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { idpCommand } from '../../src/cli/idp.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { IdpConfig } from '../../src/config/idp.ts';
import { seedDelegations } from '../../src/idp/seed.ts';
import { openDatabase } from '../../src/idp/store/database.ts';
import { scim, scimList, scimToken, startTestIdp, type TestIdp } from './support.ts';

interface Row {
  owner: string;
  client_id: string;
  status: string;
  created: number;
  expires: number;
  last_modified: number;
  redirect_uri: string | null;
  custom_data: string;
}

function readRows(config: IdpConfig): Row[] {
  const db = openDatabase(config.dataDir);
  try {
    return db
      .prepare(
        'SELECT owner, client_id, status, created, expires, last_modified, redirect_uri, custom_data FROM delegations',
      )
      .all() as Row[];
  } finally {
    db.close();
  }
}

describe('seedDelegations', () => {
  let folder: string;
  let config: IdpConfig;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'idp-seed-'));
    config = loadConfig({ env: {}, overrides: { idp: { dataDir: folder } } }).idp;
  });
  after(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  test('inserts realistic delegations', async () => {
    const result = await seedDelegations(config, { users: 100, delegations: 3000 });
    const rows = readRows(config);
    const now = Math.floor(Date.now() / 1000);

    assert.equal(result.inserted, 3000);
    assert.ok(result.seconds >= 0);
    assert.equal(rows.length, 3000);
    assert.ok(
      rows.every((row) => /^user\d{6}$/.test(row.owner)),
      'owners are named userNNNNNN',
    );
    assert.ok(
      rows.every((row) => row.owner < 'user000100'),
      'owners come from the 100 users',
    );
    assert.deepEqual([...new Set(rows.map((row) => row.client_id))].sort(), ['www', 'www2']);
    assert.ok(rows.every((row) => row.redirect_uri === config.clients[0]!.redirectUris[0]));
    assert.ok(
      rows.every((row) => row.created <= now && row.expires > now),
      'created in the past, expiring in the future',
    );
    assert.ok(rows.every((row) => row.last_modified >= row.created));

    const revoked = rows.filter((row) => row.status === 'revoked').length;
    assert.ok(revoked > 150, `${revoked} of 3000 revoked`);
    assert.ok(revoked < 450, `${revoked} of 3000 revoked`);
    const withDevice = rows.filter((row) => JSON.parse(row.custom_data).user_agent_id).length;
    assert.ok(withDevice > 2700, `${withDevice} of 3000 carry user_agent_id`);

    const perOwner = new Map<string, number>();
    for (const row of rows) perOwner.set(row.owner, (perOwner.get(row.owner) ?? 0) + 1);
    const counts = [...perOwner.values()].sort((a, b) => b - a);
    assert.ok(
      counts[0]! > 3 * counts[counts.length - 1]!,
      'some users own many more delegations than others',
    );
  });

  test('adds delegations for one named user', async () => {
    const result = await seedDelegations(config, {
      users: 0,
      delegations: 0,
      owner: { username: 'janedoe', count: 20 },
    });
    assert.equal(result.inserted, 20);
    assert.equal(readRows(config).filter((row) => row.owner === 'janedoe').length, 20);
  });

  test('bulk load rebuilds the indexes', async () => {
    await seedDelegations(config, { users: 1000, delegations: 60_000 });
    const db = openDatabase(config.dataDir);
    try {
      const indexes = db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'delegations' AND name LIKE 'delegations_%'",
        )
        .all()
        .map((row) => (row as { name: string }).name)
        .sort();
      assert.deepEqual(indexes, [
        'delegations_owner_status_created',
        'delegations_status_client_created',
        'delegations_status_created',
        'delegations_status_expires',
        'delegations_status_owner_created',
      ]);
      const totals = db.prepare('SELECT sum(total) AS total FROM delegation_counts').get() as {
        total: number;
      };
      assert.equal(totals.total, 63_020);
    } finally {
      db.close();
    }
  });

  const invalid: Array<[string, Parameters<typeof seedDelegations>[1], RegExp]> = [
    ['negative users', { users: -1, delegations: 0 }, /users must be a whole number/],
    [
      'fractional delegations',
      { users: 1, delegations: 1.5 },
      /delegations must be a whole number/,
    ],
    ['delegations without users', { users: 0, delegations: 5 }, /users must be at least 1/],
    [
      'empty owner',
      { users: 0, delegations: 0, owner: { username: ' ', count: 1 } },
      /owner username is empty/,
    ],
    ['unknown-free client list', { users: 1, delegations: 1, clients: [] }, /No client to seed/],
  ];
  for (const [name, options, message] of invalid) {
    test(`rejects ${name}`, async () => {
      await assert.rejects(seedDelegations(config, options), message);
    });
  }
});

describe('seeded delegations over SCIM', () => {
  let idp: TestIdp;
  before(async () => {
    idp = await startTestIdp();
    await seedDelegations(idp.config, {
      users: 50,
      delegations: 1500,
      owner: { username: 'janedoe', count: 20 },
    });
  });
  after(async () => {
    await idp.close();
  });

  test('count is capped at 1000', async () => {
    const token = await scimToken(idp);
    const list = await scimList(idp, token, { count: '5000' });
    assert.equal(list.itemsPerPage, 1000);
    assert.ok(list.totalResults > 1000);
  });

  test('named user has the seeded delegations', async () => {
    const token = await scimToken(idp);
    const list = await scimList(idp, token, { filter: 'owner eq "janedoe"', count: '50' });
    assert.equal(list.totalResults, 20);
    const one = await scim(idp, `/Delegations/${list.Resources[0]!.id}`, token);
    assert.equal(one.status, list.Resources[0]!.status === 'issued' ? 200 : 404);
  });
});

describe('idp seed command', () => {
  let folder: string;
  const saved: Record<string, string | undefined> = {};
  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'idp-seed-cli-'));
    for (const name of ['ST_IDP__DATA_DIR', 'ST_TRACKER__DATA_DIR', 'SESSION_TRACKER_CONFIG'])
      saved[name] = process.env[name];
    process.env.ST_IDP__DATA_DIR = join(folder, 'idp');
    process.env.ST_TRACKER__DATA_DIR = join(folder, 'tracker');
    delete process.env.SESSION_TRACKER_CONFIG;
  });
  after(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(folder, { recursive: true, force: true });
  });

  test('seeds users and a named user', async () => {
    const code = await idpCommand([
      'seed',
      '--users',
      '5',
      '--delegations',
      '40',
      '--user',
      'janedoe',
      '--count',
      '3',
    ]);
    assert.equal(code, 0);
    const config = loadConfig({ env: process.env }).idp;
    const rows = readRows(config);
    assert.equal(rows.length, 43);
    assert.equal(rows.filter((row) => row.owner === 'janedoe').length, 3);
  });

  const usageErrors = [
    ['seed', '--users', 'many'],
    ['seed', '--user', 'janedoe'],
    ['seed', '--delegations', '5'],
    ['seed', '--unknown'],
    ['--unknown'],
  ];
  for (const args of usageErrors) {
    test(`exits 2 for ${args.join(' ')}`, async () => {
      assert.equal(await idpCommand(args), 2);
    });
  }
});
