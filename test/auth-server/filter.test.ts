import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { buildFilter, quoteFilterValue } from '../../src/auth-server/scim/filter.ts';
import { FakeAuthServer } from './support/fake-auth-server.ts';
import { parseFilter } from './support/scim-filter.ts';
import { clientsFor } from './support/setup.ts';

describe('quoteFilterValue', () => {
  it('escapes quotes, backslashes and control characters', () => {
    assert.equal(quoteFilterValue('a"b'), '"a\\"b"');
    assert.equal(quoteFilterValue('a\\b'), '"a\\\\b"');
    assert.equal(quoteFilterValue('a\nb\u0001'), '"a\\nb\\u0001"');
    assert.equal(quoteFilterValue('" or owner pr or "'), '"\\" or owner pr or \\""');
  });

  it('keeps an injected clause inside the value', () => {
    const filter = buildFilter({ owner: 'x" or owner pr and clientId eq "y' })!;

    assert.deepEqual(parseFilter(filter), [
      { attribute: 'owner', operator: 'eq', value: 'x" or owner pr and clientId eq "y' },
    ]);
  });

  it('filters a delegation id by externalId', () => {
    const filter = buildFilter({ delegationId: 'd-1', status: 'issued' })!;

    assert.deepEqual(parseFilter(filter), [
      { attribute: 'externalId', operator: 'eq', value: 'd-1' },
      { attribute: 'status', operator: 'eq', value: 'issued' },
    ]);
  });
});

/** Strings rich in the characters that could end a filter literal, lone surrogates included. */
const filterValue = (minLength = 0) =>
  fc.string({
    minLength,
    unit: fc.oneof(
      fc.constantFrom('"', '\\', '\ud800', '\udfff', ' and ', ' or ', '%', '+', '&'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
  });

describe('filters received by a server', () => {
  let server: FakeAuthServer;
  let clients: Awaited<ReturnType<typeof clientsFor>>;

  before(async () => {
    server = await FakeAuthServer.start();
    clients = await clientsFor(server, {}, undefined);
  });

  after(async () => {
    await clients.close();
    await server.close();
  });

  it('parse back to exactly the values sent', async () => {
    await fc.assert(
      fc.asyncProperty(
        filterValue(),
        filterValue(),
        filterValue(1),
        async (owner, clientId, ownerPrefix) => {
          await clients.directory.list({ owner, clientId, ownerPrefix });

          const received = server.requests.at(-1)!.query.get('filter')!;
          assert.deepEqual(parseFilter(received), [
            { attribute: 'owner', operator: 'eq', value: owner },
            { attribute: 'owner', operator: 'sw', value: ownerPrefix },
            { attribute: 'clientId', operator: 'eq', value: clientId },
          ]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
