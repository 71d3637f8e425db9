import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStack, TestBrowser, type Stack } from '../../helpers/stack.ts';
import { assertApiError, signInAs } from './support.ts';

interface AdminRoute {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
}

const ROUTES: AdminRoute[] = [
  { method: 'GET', path: '/api/admin/delegations' },
  { method: 'GET', path: '/api/admin/delegations?count=100000' },
  { method: 'DELETE', path: '/api/admin/delegations/REVMOjE' },
  {
    method: 'POST',
    path: '/api/admin/bulk-revoke',
    body: { target: { user: 'janedoe' }, dryRun: true },
  },
  {
    method: 'POST',
    path: '/api/admin/bulk-revoke',
    body: { target: { user: 'janedoe' }, dryRun: false },
  },
  { method: 'POST', path: '/api/admin/bulk-revoke', body: { nonsense: true } },
  { method: 'GET', path: '/api/admin/users/janedoe' },
  { method: 'GET', path: '/api/admin/audit' },
  { method: 'GET', path: '/api/admin/audit?limit=9999' },
  { method: 'GET', path: '/api/admin/audit/export?format=csv' },
  { method: 'GET', path: '/api/admin/audit/export?format=jsonl' },
];

describe('admin API access', () => {
  let stack: Stack;
  let jane: TestBrowser;
  let admin: TestBrowser;

  before(async () => {
    stack = await startStack();
    jane = await signInAs(stack, 'janedoe');
    admin = await signInAs(stack, 'admin');
  });
  after(() => stack.close());

  for (const route of ROUTES) {
    it(`${route.method} ${route.path} without session is 401`, async () => {
      const anonymous = new TestBrowser(stack.trackerUrl);
      const response = await anonymous.api(route.method, route.path, {
        body: route.body,
        csrf: 'pre-session',
      });
      await assertApiError(response, 401, 'not_signed_in');
    });

    it(`${route.method} ${route.path} for a user is 403`, async () => {
      const response = await jane.api(route.method, route.path, { body: route.body });
      await assertApiError(response, 403, 'not_admin');
    });
  }

  it('user delegations survive admin routes', async () => {
    const own = await jane.getJson('/api/delegations');
    assert.equal(own.totalResults, 1);
    assert.equal(own.items[0].status, 'issued');
  });

  it('admin flag follows the groups claim', async () => {
    assert.equal((await admin.loadSession()).isAdmin, true);
    assert.equal((await jane.loadSession()).isAdmin, false);
  });

  describe('CSRF on state-changing routes', () => {
    const changing: AdminRoute[] = [
      { method: 'DELETE', path: '/api/admin/delegations/' },
      {
        method: 'POST',
        path: '/api/admin/bulk-revoke',
        body: { target: { user: 'janedoe' }, dryRun: false },
      },
    ];

    for (const route of changing) {
      it(`${route.method} ${route.path} needs the CSRF token`, async () => {
        const target = await janesDelegationId(admin);
        const path = route.method === 'DELETE' ? route.path + target : route.path;

        await assertApiError(
          await admin.api(route.method, path, { body: route.body, csrf: null }),
          403,
          'csrf_rejected',
        );
        await assertApiError(
          await admin.api(route.method, path, { body: route.body, csrf: 'wrong-token' }),
          403,
          'csrf_rejected',
        );
        await assertApiError(
          await admin.api(route.method, path, { body: route.body, origin: 'http://evil.example' }),
          403,
          'csrf_rejected',
        );
        await assertApiError(
          await admin.api(route.method, path, { body: route.body, origin: null }),
          403,
          'csrf_rejected',
        );

        assert.equal(
          await janesDelegationId(admin),
          target,
          'a rejected request revoked the delegation',
        );
      });
    }

    it('dry run also needs the CSRF token', async () => {
      const response = await admin.api('POST', '/api/admin/bulk-revoke', {
        body: { target: { user: 'janedoe' }, dryRun: true },
        csrf: null,
      });
      await assertApiError(response, 403, 'csrf_rejected');
    });
  });
});

async function janesDelegationId(admin: TestBrowser): Promise<string> {
  const page = await admin.getJson('/api/admin/delegations?user=janedoe&status=issued');
  assert.equal(page.totalResults, 1);
  return page.items[0].id as string;
}
