import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedDelegations } from '../../../src/idp/seed.ts';
import { startStack, TestBrowser, TEST_USER_AGENTS, type Stack } from '../../helpers/stack.ts';
import { DelegationOracle } from './oracle.ts';
import { assertApiError, readNdjson, signInAs } from './support.ts';

interface Group {
  device: { publicId: string; browser: string; os: string } | null;
  deviceLabel: string;
  clientId: string;
  clientLabel: string;
  items: { id: string; owner: string; clientId: string; status: string }[];
}

interface UserDetail {
  username: string;
  total: number;
  truncated: boolean;
  groups: Group[];
}

describe('admin user page', () => {
  let stack: Stack;
  let admin: TestBrowser;
  let oracle: DelegationOracle;
  const detail = (username: string): Promise<UserDetail> =>
    admin.getJson(`/api/admin/users/${encodeURIComponent(username)}`);

  before(async () => {
    stack = await startStack();
    await seedDelegations(stack.config.idp, {
      users: 0,
      delegations: 0,
      owner: { username: 'janedoe', count: 12 },
    });
    const chrome = await signInAs(stack, 'janedoe', 'www');
    await signInAs(stack, 'janedoe', 'www2', chrome);
    await signInAs(
      stack,
      'janedoe',
      'www',
      new TestBrowser(stack.trackerUrl, TEST_USER_AGENTS.firefoxWindows),
    );
    admin = await signInAs(stack, 'admin');
    oracle = new DelegationOracle(stack);
  });
  after(async () => {
    oracle.close();
    await stack.close();
  });

  it('groups by device and client', async () => {
    const user = await detail('janedoe');
    const issued = oracle.count("owner = 'janedoe' AND status = 'issued'");

    assert.equal(user.username, 'janedoe');
    assert.equal(user.total, issued);
    assert.equal(user.truncated, false);
    assert.equal(
      user.groups.reduce((sum, group) => sum + group.items.length, 0),
      issued,
    );

    const known = user.groups.filter((group) => group.device !== null);
    assert.deepEqual(
      known.map((group) => [group.device!.browser, group.clientId, group.items.length]),
      [
        ['Chrome 126', 'www2', 1],
        ['Chrome 126', 'www', 1],
        ['Firefox 128', 'www', 1],
      ],
      'groups sort by device label, then client label',
    );
    assert.equal(known[0]!.deviceLabel, 'Chrome 126 on Linux');
    assert.equal(known[0]!.device!.publicId, known[1]!.device!.publicId);
    assert.notEqual(known[0]!.device!.publicId, known[2]!.device!.publicId);
    assert.equal(known[0]!.clientLabel, 'Partner portal (www2)');

    const unknown = user.groups.filter((group) => group.device === null);
    assert.ok(unknown.length > 0);
    assert.ok(unknown.every((group) => group.deviceLabel === 'unknown device'));
    assert.equal(
      new Set(unknown.map((group) => group.clientId)).size,
      unknown.length,
      'one unknown-device group per client',
    );
    assert.ok(
      user.groups.every((group) =>
        group.items.every((item) => item.owner === 'janedoe' && item.status === 'issued'),
      ),
    );
  });

  it('revokes one client of the user', async () => {
    const lines = await readNdjson(
      await admin.api('POST', '/api/admin/bulk-revoke', {
        body: { target: { user: 'janedoe', client: 'www' }, dryRun: false },
      }),
    );
    assert.deepEqual(lines.at(-1)!.failed, []);

    const user = await detail('janedoe');
    assert.ok(user.groups.length > 0);
    assert.ok(user.groups.every((group) => group.clientId !== 'www'));
    assert.equal(oracle.count("owner = 'janedoe' AND client_id = 'www' AND status = 'issued'"), 0);
  });

  it('revokes one delegation', async () => {
    const [group] = (await detail('janedoe')).groups;
    const id = group!.items[0]!.id;

    const first = await admin.api('DELETE', `/api/admin/delegations/${encodeURIComponent(id)}`);
    assert.deepEqual(await first.json(), { result: 'revoked' });
    const second = await admin.api('DELETE', `/api/admin/delegations/${encodeURIComponent(id)}`);
    assert.deepEqual(await second.json(), { result: 'already-revoked' });

    const user = await detail('janedoe');
    assert.ok(user.groups.every((other) => other.items.every((item) => item.id !== id)));
    const audit = await admin.getJson(`/api/admin/audit?actor=admin&action=revoke&owner=janedoe`);
    assert.deepEqual(
      audit.items.map((entry: { result: string }) => entry.result),
      ['succeeded', 'started'],
    );
  });

  it('revokes all of the user', async () => {
    const lines = await readNdjson(
      await admin.api('POST', '/api/admin/bulk-revoke', {
        body: { target: { user: 'janedoe' }, dryRun: false },
      }),
    );
    assert.equal(lines.at(-1)!.failedCount, 0);
    assert.deepEqual((await detail('janedoe')).groups, []);
  });

  it('returns no groups for an unknown user', async () => {
    assert.deepEqual(await detail('nobody'), {
      username: 'nobody',
      total: 0,
      truncated: false,
      groups: [],
    });
  });

  it('rejects an invalid username', async () => {
    const message = await assertApiError(
      await admin.api('GET', '/api/admin/users/bad%01name'),
      400,
      'invalid_request',
    );
    assert.match(message, /"username"/);
  });
});
