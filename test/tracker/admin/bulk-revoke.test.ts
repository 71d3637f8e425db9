import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedDelegations } from '../../../src/idp/seed.ts';
import { startStack, type Stack, type TestBrowser } from '../../helpers/stack.ts';
import { DelegationOracle } from './oracle.ts';
import {
  assertApiError,
  readNdjson,
  signInAs,
  startScimFaultProxy,
  type ScimFaultProxy,
} from './support.ts';

interface Item {
  id: string;
  delegationId: string;
  owner: string;
  clientId: string;
}

interface EndLine {
  type: 'end';
  operationId: string;
  total: number;
  revoked: number;
  alreadyRevoked: number;
  failedCount: number;
  failed: {
    id: string;
    delegationId: string;
    owner: string;
    clientId: string;
    code: string;
    message: string;
  }[];
}

describe('bulk revocation', () => {
  let proxy: ScimFaultProxy;
  let stack: Stack;
  let admin: TestBrowser;
  let oracle: DelegationOracle;

  const bulk = (body: unknown) => admin.api('POST', '/api/admin/bulk-revoke', { body });
  const dryRun = async (target: unknown) => {
    const response = await bulk({ target, dryRun: true });
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as Record<string, any>;
  };
  const issuedOf = async (query: string): Promise<Item[]> => {
    const page = await admin.getJson(
      `/api/admin/delegations?status=issued&sortBy=created&count=500&${query}`,
    );
    assert.ok(page.totalResults <= 500, 'the test expects one page');
    return page.items;
  };

  /** Runs a bulk revocation and checks the stream's shape; returns the start line and the end line. */
  const run = async (
    target: unknown,
  ): Promise<{ total: number; operationId: string; end: EndLine }> => {
    const lines = await readNdjson(await bulk({ target, dryRun: false }));
    const [start, ...rest] = lines;
    const end = rest.pop() as EndLine;

    assert.equal(start!.type, 'start');
    assert.match(start!.operationId, /^[0-9a-f-]{36}$/);
    assert.equal(end.type, 'end', `the last line is ${JSON.stringify(end)}`);
    assert.equal(end.operationId, start!.operationId);
    let previous = 0;
    for (const line of rest) {
      assert.equal(line.type, 'progress');
      assert.ok(
        line.done >= previous,
        `progress went back: ${JSON.stringify(line)} after ${previous}`,
      );
      assert.ok(line.done <= line.total, `progress beyond the total: ${JSON.stringify(line)}`);
      previous = line.done;
    }
    return { total: start!.total, operationId: start!.operationId, end };
  };

  before(async () => {
    proxy = await startScimFaultProxy();
    stack = await startStack({
      authServer: {
        scim: { baseUrl: `${proxy.url}/um/admin`, pageSize: 25, revokeConcurrency: 4 },
      },
    });
    proxy.upstream = stack.idpUrl;
    await seedDelegations(stack.config.idp, {
      users: 300,
      delegations: 2500,
      owner: { username: 'victim', count: 130 },
    });
    admin = await signInAs(stack, 'admin');
    oracle = new DelegationOracle(stack);
  });
  after(async () => {
    oracle.close();
    await stack.close();
    await proxy.close();
  });

  describe('dry run', () => {
    it('counts one user per client', async () => {
      const plan = await dryRun({ user: 'victim' });
      const expected = oracle.count("owner = 'victim' AND status = 'issued'");

      assert.equal(plan.total, expected);
      assert.deepEqual(plan.users, [{ username: 'victim', count: expected }]);
      for (const client of plan.clients) {
        assert.equal(
          client.count,
          oracle.count("owner = 'victim' AND status = 'issued' AND client_id = ?", client.clientId),
        );
      }
      assert.equal(plan.truncated, false);
      assert.equal(plan.note, undefined);
    });

    it('lists the top users of a client', async () => {
      const plan = await dryRun({ client: 'www' });
      const expected = oracle.count("client_id = 'www' AND status = 'issued'");
      const owners = oracle.countOwners("client_id = 'www' AND status = 'issued'");
      assert.ok(owners > 100, `only ${owners} users hold www delegations`);

      assert.equal(plan.total, expected);
      assert.equal(plan.users.length, 100);
      assert.equal(plan.truncated, true);
      assert.match(plan.note, /100 users/);
      const counts = plan.users.map((user: { count: number }) => user.count);
      assert.deepEqual(
        counts,
        [...counts].sort((a, b) => b - a),
      );
      assert.equal(
        counts.reduce((sum: number, count: number) => sum + count, 0) + plan.otherUsers.delegations,
        expected,
      );
      assert.equal(plan.users.length + plan.otherUsers.users, owners);
      assert.deepEqual(plan.clients, [{ clientId: 'www', count: expected }]);
    });

    it('counts one user at one client', async () => {
      const plan = await dryRun({ user: 'victim', client: 'www2' });
      assert.equal(
        plan.total,
        oracle.count("owner = 'victim' AND client_id = 'www2' AND status = 'issued'"),
      );
    });

    it('counts ids and unknown ones', async () => {
      const [first, second] = await issuedOf('user=user000002');
      const revoked = (await admin.getJson('/api/admin/delegations?status=revoked&count=1'))
        .items[0];
      const plan = await dryRun({ ids: [first!.id, second!.id, revoked.id, 'REVMOjk5OTk5OTk'] });

      assert.equal(plan.total, 2);
      assert.equal(plan.notFound, 2);
      assert.deepEqual(plan.users, [{ username: 'user000002', count: 2 }]);
    });

    it('revokes nothing', async () => {
      const before = oracle.count("status = 'issued'");
      await dryRun({ client: 'www2' });
      assert.equal(oracle.count("status = 'issued'"), before);
    });
  });

  describe('partial failure', () => {
    let failing: Item[];

    it('reports failures and revokes the rest', async () => {
      const issued = await issuedOf('user=victim');
      assert.ok(issued.length > 90, `victim has only ${issued.length} issued delegations`);
      // Failures on the first page, across a page boundary (25) and at the end move the paging offset.
      failing = [0, 1, 24, 25, 60, issued.length - 1].map((index) => issued[index]!);
      for (const item of failing) proxy.failDeletes.add(item.id);

      const { total, operationId, end } = await run({ user: 'victim' });

      assert.equal(total, issued.length);
      assert.equal(end.total, issued.length);
      assert.equal(end.revoked, issued.length - failing.length);
      assert.equal(end.alreadyRevoked, 0);
      assert.equal(end.failedCount, failing.length);
      assert.deepEqual(
        end.failed.map((failure) => failure.id).sort(),
        failing.map((item) => item.id).sort(),
      );
      for (const failure of end.failed) {
        assert.equal(failure.owner, 'victim');
        assert.equal(failure.code, 'as_error');
        assert.match(failure.message, /503/);
      }

      for (const item of issued) {
        const expected = failing.includes(item) ? 'issued' : 'revoked';
        assert.equal(
          oracle.statusOf(item.delegationId),
          expected,
          `${item.id} should be ${expected}`,
        );
      }

      const audit = (
        await admin.getJson(`/api/admin/audit?action=bulk-revoke&owner=victim&limit=500`)
      ).items.filter((entry: { correlationId: string }) => entry.correlationId === operationId);
      assert.equal(audit.length, issued.length * 2);
      for (const item of failing) {
        const entries = audit.filter((entry: { scimId: string }) => entry.scimId === item.id);
        assert.deepEqual(entries.map((entry: { result: string }) => entry.result).sort(), [
          'failed',
          'started',
        ]);
        assert.equal(
          entries.find((entry: { result: string }) => entry.result === 'failed').detail,
          'as_error',
        );
      }
    });

    it('finishes on a re-run of the target', async () => {
      proxy.failDeletes.clear();
      proxy.failDeletes.add(failing[0]!.id);
      proxy.failDeletes.add(failing[3]!.id);

      const { total, end } = await run({ user: 'victim' });

      assert.equal(total, failing.length);
      assert.equal(end.revoked, failing.length - 2);
      assert.deepEqual(
        end.failed.map((failure) => failure.id).sort(),
        [failing[0]!.id, failing[3]!.id].sort(),
      );
      assert.equal(oracle.count("owner = 'victim' AND status = 'issued'"), 2);
    });

    it('finishes on a re-run of the failed ids', async () => {
      proxy.failDeletes.clear();
      const alreadyDone = failing[1]!.id;

      const { total, end } = await run({ ids: [failing[0]!.id, failing[3]!.id, alreadyDone] });

      assert.equal(total, 3);
      assert.equal(end.revoked, 2);
      assert.equal(end.alreadyRevoked, 1);
      assert.deepEqual(end.failed, []);
      assert.equal(oracle.count("owner = 'victim' AND status = 'issued'"), 0);
    });

    it('leaves nothing for a third run', async () => {
      const { total, end } = await run({ user: 'victim' });
      assert.equal(total, 0);
      assert.equal(end.revoked, 0);
      assert.equal(end.failedCount, 0);
    });
  });

  it('fails an id whose lookup fails', async () => {
    const [target] = await issuedOf('user=user000003');
    proxy.failGets.add(target!.id);
    try {
      const { end } = await run({ ids: [target!.id] });

      assert.equal(end.revoked, 0);
      assert.equal(end.failedCount, 1);
      assert.equal(end.failed[0]!.id, target!.id);
      assert.equal(oracle.statusOf(target!.delegationId), 'issued');
      assert.ok(
        !proxy.deleteCalls.includes(target!.id),
        'a delegation that could not be read was deleted',
      );
    } finally {
      proxy.failGets.clear();
    }
  });

  it('revokes one user at one client', async () => {
    const atWww = oracle.count("owner = 'user000001' AND client_id = 'www' AND status = 'issued'");
    const atWww2 = oracle.count(
      "owner = 'user000001' AND client_id = 'www2' AND status = 'issued'",
    );
    assert.ok(atWww > 0, 'user000001 has no www delegation');
    assert.ok(atWww2 > 0, 'user000001 has no www2 delegation');

    const { end } = await run({ user: 'user000001', client: 'www2' });

    assert.equal(end.revoked, atWww2);
    assert.equal(
      oracle.count("owner = 'user000001' AND client_id = 'www2' AND status = 'issued'"),
      0,
    );
    assert.equal(
      oracle.count("owner = 'user000001' AND client_id = 'www' AND status = 'issued'"),
      atWww,
    );
  });

  it('rejects invalid bodies', async () => {
    await assertApiError(await bulk({ target: { user: 'victim' } }), 400, 'invalid_request');
    await assertApiError(await bulk({ target: {}, dryRun: true }), 400, 'invalid_request');
    await assertApiError(
      await bulk({ target: { user: 'victim' }, dryRun: true, force: true }),
      400,
      'invalid_request',
    );
    await assertApiError(await bulk({ target: { ids: [] }, dryRun: true }), 400, 'invalid_request');
    await assertApiError(await bulk(undefined), 400, 'invalid_request');
  });
});
