import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../../src/shared/errors.ts';
import {
  parseAuditExportQuery,
  parseAuditPageQuery,
} from '../../../src/tracker/admin/audit-query.ts';
import { parseBulkTarget } from '../../../src/tracker/admin/bulk-target.ts';
import { parseAdminDelegationQuery } from '../../../src/tracker/admin/delegation-query.ts';

/** Asserts that `action` throws 400 `invalid_request` with a message naming `parameter`. */
function assertInvalid(action: () => unknown, parameter: string): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, 'invalid_request');
    assert.equal(error.status, 400);
    assert.match(error.message, new RegExp(parameter.replace(/[.[\]]/g, '\\$&')));
    return true;
  });
}

describe('admin delegation query', () => {
  it('maps every filter to the SCIM query', () => {
    const query = parseAdminDelegationQuery({
      user: 'janedoe',
      client: 'www',
      status: 'issued',
      expiresBefore: '2027-01-01',
      expiresAfter: '2026-12-04T10:00:00Z',
      sortBy: 'expires',
      sortOrder: 'descending',
      startIndex: '51',
      count: '25',
    });
    assert.deepEqual(query, {
      owner: 'janedoe',
      clientId: 'www',
      status: 'issued',
      expiresBefore: new Date('2027-01-01T00:00:00Z'),
      expiresAfter: new Date('2026-12-04T10:00:00Z'),
      sortBy: 'expires',
      sortOrder: 'descending',
      startIndex: 51,
      count: 25,
    });
  });

  it('fills in paging defaults', () => {
    assert.deepEqual(parseAdminDelegationQuery({}), { startIndex: 1, count: 50 });
  });

  it('maps userPrefix to an owner prefix', () => {
    assert.equal(parseAdminDelegationQuery({ userPrefix: 'jan' }).ownerPrefix, 'jan');
  });

  const invalid: [Record<string, string | string[]>, string][] = [
    [{ count: '0' }, 'count'],
    [{ count: '501' }, 'count'],
    [{ count: '2.5' }, 'count'],
    [{ startIndex: '0' }, 'startIndex'],
    [{ startIndex: '-1' }, 'startIndex'],
    [{ status: 'active' }, 'status'],
    [{ sortBy: 'status' }, 'sortBy'],
    [{ sortBy: 'password' }, 'sortBy'],
    [{ sortOrder: 'up' }, 'sortOrder'],
    [{ expiresBefore: 'tomorrow' }, 'expiresBefore'],
    [{ expiresAfter: '2026-12-04T10:00' }, 'expiresAfter'],
    [{ expiresAfter: '2026-02-31' }, 'expiresAfter'],
    [{ expiresBefore: '2026-01-01', expiresAfter: '2026-02-01' }, 'expiresAfter'],
    [{ user: 'a', userPrefix: 'b' }, 'userPrefix'],
    [{ user: 'x'.repeat(257) }, 'user'],
    [{ user: 'bad\u0000name' }, 'user'],
    [{ user: ['a', 'b'] }, 'user'],
    [{ owner: 'janedoe' }, 'owner'],
  ];
  for (const [query, parameter] of invalid) {
    it(`rejects ${JSON.stringify(query).slice(0, 60)}`, () => {
      assertInvalid(() => parseAdminDelegationQuery(query), parameter);
    });
  }
});

describe('audit queries', () => {
  it('parses filters and keyset paging', () => {
    const query = parseAuditPageQuery({
      actor: 'admin',
      owner: 'janedoe',
      action: 'bulk-revoke',
      result: 'failed',
      since: '2026-12-01',
      until: '2026-12-05T00:00:00+01:00',
      beforeId: '900',
      limit: '500',
    });
    assert.deepEqual(query, {
      actor: 'admin',
      owner: 'janedoe',
      action: 'bulk-revoke',
      result: 'failed',
      since: new Date('2026-12-01T00:00:00Z'),
      until: new Date('2026-12-04T23:00:00Z'),
      beforeId: 900,
      limit: 500,
    });
  });

  it('defaults the page size to 100', () => {
    assert.deepEqual(parseAuditPageQuery({}), { limit: 100 });
  });

  const invalid: [Record<string, string>, string][] = [
    [{ limit: '501' }, 'limit'],
    [{ limit: '0' }, 'limit'],
    [{ beforeId: 'x' }, 'beforeId'],
    [{ action: 'delete' }, 'action'],
    [{ result: 'ok' }, 'result'],
    [{ since: '2026-12-05', until: '2026-12-01' }, 'since'],
    [{ format: 'csv' }, 'format'],
  ];
  for (const [query, parameter] of invalid) {
    it(`rejects ${JSON.stringify(query)}`, () => {
      assertInvalid(() => parseAuditPageQuery(query), parameter);
    });
  }

  it('requires a known export format', () => {
    assertInvalid(() => parseAuditExportQuery({}), 'format');
    assertInvalid(() => parseAuditExportQuery({ format: 'xlsx' }), 'format');
    assertInvalid(() => parseAuditExportQuery({ format: 'csv', limit: '5' }), 'limit');
    assert.deepEqual(parseAuditExportQuery({ format: 'jsonl', actor: 'admin' }), {
      format: 'jsonl',
      filters: { actor: 'admin' },
    });
  });
});

describe('bulk revocation target', () => {
  it('parses user, client and both', () => {
    assert.deepEqual(parseBulkTarget({ user: 'janedoe' }), { kind: 'filter', owner: 'janedoe' });
    assert.deepEqual(parseBulkTarget({ client: 'www' }), { kind: 'filter', clientId: 'www' });
    assert.deepEqual(parseBulkTarget({ user: 'janedoe', client: 'www' }), {
      kind: 'filter',
      owner: 'janedoe',
      clientId: 'www',
    });
  });

  it('removes repeated ids', () => {
    assert.deepEqual(parseBulkTarget({ ids: ['a', 'b', 'a'] }), { kind: 'ids', ids: ['a', 'b'] });
  });

  const invalid: [unknown, string][] = [
    [undefined, 'target'],
    [[], 'target'],
    [{}, 'target'],
    [{ owner: 'x' }, 'target.owner'],
    [{ user: '' }, 'target.user'],
    [{ user: 5 }, 'target.user'],
    [{ ids: [] }, 'target.ids'],
    [{ ids: 'abc' }, 'target.ids'],
    [{ ids: Array.from({ length: 1001 }, (_, index) => `id-${index}`) }, 'target.ids'],
    [{ ids: ['ok', '..'] }, 'target.ids[1]'],
    [{ ids: ['a'], user: 'x' }, 'target.ids'],
  ];
  for (const [target, field] of invalid) {
    it(`rejects ${JSON.stringify(target)?.slice(0, 50)}`, () => {
      assertInvalid(() => parseBulkTarget(target), field);
    });
  }
});

describe('date parameters', () => {
  const invalid = [
    '2026-13-01',
    '2026-00-10',
    '2026-04-31',
    '2025-02-29',
    '2026-12-04T24:00Z',
    '2026-12-04T10:60Z',
    '2026-12-04T10:00:61Z',
    '2026-12-04T10:00+25:00',
  ];
  for (const value of invalid) {
    it(`rejects ${value}`, () => {
      assertInvalid(() => parseAuditPageQuery({ since: value }), 'since');
    });
  }

  it('accepts a leap day and an offset', () => {
    assert.deepEqual(
      parseAuditPageQuery({ since: '2028-02-29' }).since,
      new Date('2028-02-29T00:00:00Z'),
    );
    assert.deepEqual(
      parseAuditPageQuery({ since: '2026-12-04T10:00:30.5-02:30' }).since,
      new Date('2026-12-04T12:30:30.500Z'),
    );
  });
});
