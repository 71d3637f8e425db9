import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import { isAdministrator } from '../../src/tracker/services/admin-role.ts';

describe('administrator role', () => {
  const folder = mkdtempSync(join(tmpdir(), 'session-tracker-admin-role-'));
  after(() => rmSync(folder, { recursive: true, force: true }));

  const load = (overrides: Record<string, unknown>) =>
    loadConfig({
      env: {},
      overrides: {
        tracker: { dataDir: join(folder, 'tracker') },
        idp: { dataDir: join(folder, 'idp') },
        ...overrides,
      },
    });

  test('embedded mode defaults to the session-admins group', () => {
    const config = load({});
    assert.deepEqual(config.admin, {
      usernames: [],
      claim: { name: 'groups', value: 'session-admins' },
    });
  });

  test('explicit admin settings are kept', () => {
    assert.deepEqual(load({ admin: { usernames: ['janedoe'] } }).admin, { usernames: ['janedoe'] });
    assert.deepEqual(load({ admin: { claim: { name: 'role', value: 'ops' } } }).admin, {
      usernames: [],
      claim: { name: 'role', value: 'ops' },
    });
  });

  test('external mode has no default', () => {
    const config = load({
      tracker: { dataDir: join(folder, 'tracker'), cookieSecret: 'a'.repeat(44) },
      authServer: {
        mode: 'external',
        issuer: 'http://127.0.0.1:9/oauth/v2/oauth-anonymous',
        clients: [{ id: 'www', secret: 'www-secret' }],
        scim: {
          baseUrl: 'http://127.0.0.1:9/um/admin',
          clientId: 'tracker',
          clientSecret: 'scim-secret',
        },
        introspection: { clientId: 'introspector', clientSecret: 'introspection-secret' },
      },
    });
    assert.deepEqual(config.admin, { usernames: [] });
  });

  test('usernames and claims decide', () => {
    const byClaim = { usernames: ['root'], claim: { name: 'groups', value: 'session-admins' } };
    assert.equal(isAdministrator(byClaim, 'root', {}), true);
    assert.equal(isAdministrator(byClaim, 'jane', { groups: ['users', 'session-admins'] }), true);
    assert.equal(isAdministrator(byClaim, 'jane', { groups: 'session-admins' }), true);
    assert.equal(isAdministrator(byClaim, 'jane', { groups: ['users'] }), false);
    assert.equal(isAdministrator(byClaim, 'jane', { groups: 'session-admins-not' }), false);
    assert.equal(isAdministrator(byClaim, 'jane', {}), false);
    assert.equal(isAdministrator({ usernames: [] }, 'jane', { groups: ['session-admins'] }), false);
  });
});
