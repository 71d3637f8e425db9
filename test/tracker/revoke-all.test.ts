import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DelegationDirectory } from '../../src/auth-server/types.ts';
import { AppError } from '../../src/shared/errors.ts';
import { buildTrackerApp } from '../../src/tracker/app.ts';
import { startStack, TestBrowser, TEST_USER_AGENTS, type Stack } from '../helpers/stack.ts';
import { JANE, LARS, listDelegations, onlyOfClient, readNdjson, signInAs } from './accounts.ts';

describe('revoke-all', () => {
  let stack: Stack;

  before(async () => {
    stack = await startStack({ authServer: { scim: { revokeConcurrency: 2, pageSize: 2 } } });
  });

  after(async () => {
    await stack.close();
  });

  test('revokes everything and logs out', async () => {
    const chrome = await signInAs(stack, LARS, 'www');
    await signInAs(stack, LARS, 'www2', chrome);
    const firefox = await signInAs(
      stack,
      LARS,
      'www',
      new TestBrowser(stack.trackerUrl, TEST_USER_AGENTS.firefoxWindows),
    );
    const jane = await signInAs(stack, JANE, 'www');
    assert.equal((await listDelegations(chrome)).totalResults, 3);

    const response = await chrome.api('POST', '/api/revoke-all');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/x-ndjson/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const lines = await readNdjson(response);

    assert.deepEqual(lines[0], { type: 'start', total: 3 });
    const progress = lines.filter((line) => line.type === 'progress');
    assert.deepEqual(
      progress.map((line) => line.done),
      [1, 2, 3],
    );
    assert.ok(progress.every((line) => line.total === 3 && line.failed === 0));
    const end = lines.at(-1)!;
    assert.equal(end.type, 'end');
    assert.equal(end.revoked, 3);
    assert.equal(end.alreadyRevoked, 0);
    assert.deepEqual(end.failed, []);

    const logoutUrl = new URL(end.logoutUrl);
    assert.equal(logoutUrl.origin, stack.idpUrl);
    assert.equal(
      logoutUrl.searchParams.get('post_logout_redirect_uri'),
      `${stack.trackerUrl}/auth/logged-out`,
    );

    assert.deepEqual(await chrome.loadSession(), { signedIn: false }, 'the session ended');
    assert.equal((await listDelegations(firefox)).totalResults, 0, 'nothing left for the user');
    assert.equal((await listDelegations(jane)).totalResults, 1, "another user's delegation stays");

    const audit = await stack.tracker.context.store.queryAudit({
      action: 'revoke-all',
      owner: 'larseriksson',
    });
    assert.equal(audit.filter((entry) => entry.result === 'started').length, 3);
    assert.equal(audit.filter((entry) => entry.result === 'succeeded').length, 3);
    assert.equal(new Set(audit.map((entry) => entry.correlationId)).size, 1, 'one correlation id');
  });

  test('failures keep the session', async () => {
    const browser = await signInAs(stack, JANE, 'www2', new TestBrowser(stack.trackerUrl));
    await signInAs(stack, JANE, 'www', browser);
    const page = await listDelegations(browser);
    const failing = onlyOfClient(page, 'www2');

    const directory = failingDirectory(stack.tracker.context.directory, failing.id);
    const app = await buildTrackerApp({ ...stack.tracker.context, directory });
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/api/revoke-all',
        headers: {
          origin: stack.trackerUrl,
          'x-csrf-token': browser.csrfToken!,
          cookie: browser.jar.headerFor(new URL(stack.trackerUrl))!,
        },
      });
      assert.equal(response.statusCode, 200);
      const lines = response.body
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      const end = lines.at(-1);
      assert.equal(end.type, 'end');
      assert.equal(end.failed.length, 1);
      assert.equal(end.failed[0].id, failing.id);
      assert.equal(end.failed[0].clientId, 'www2');
      assert.match(end.failed[0].message, /temporarily unavailable/);
      assert.equal(end.logoutUrl, null);
      assert.equal(end.revoked, page.totalResults - 1);
    } finally {
      await app.close();
    }

    assert.equal((await browser.loadSession()).signedIn, true, 'the session stays');
    const left = await listDelegations(browser);
    assert.deepEqual(
      left.items.map((item) => item.id),
      [failing.id],
      'a temporary error never counts as revoked',
    );
  });

  test('concurrency stays within the limit', async () => {
    const browser = await signInAs(stack, JANE, 'www', new TestBrowser(stack.trackerUrl));
    for (let index = 0; index < 4; index += 1)
      await signInAs(stack, JANE, index % 2 ? 'www' : 'www2', browser);
    const total = (await listDelegations(browser)).totalResults;
    assert.ok(total >= 5);

    const counting = countingDirectory(stack.tracker.context.directory);
    const app = await buildTrackerApp({ ...stack.tracker.context, directory: counting.directory });
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/api/revoke-all',
        headers: {
          origin: stack.trackerUrl,
          'x-csrf-token': browser.csrfToken!,
          cookie: browser.jar.headerFor(new URL(stack.trackerUrl))!,
        },
      });
      const end = JSON.parse(response.body.trim().split('\n').at(-1)!);
      assert.equal(end.revoked, total);
    } finally {
      await app.close();
    }
    assert.equal(counting.maxInFlight(), 2, 'revokeConcurrency is 2');
  });
});

function temporaryError(): AppError {
  return new AppError(
    'as_unreachable',
    503,
    'The authorization server is temporarily unavailable. Try again.',
  );
}

/** Wraps the real directory so that revoking `failingId` fails as with a server that is briefly down. */
function failingDirectory(real: DelegationDirectory, failingId: string): DelegationDirectory {
  return {
    list: (query, signal) => real.list(query, signal),
    get: (id, signal) => real.get(id, signal),
    revoke: async (id, signal) => {
      if (id === failingId) throw temporaryError();
      return real.revoke(id, signal);
    },
  };
}

/** Wraps the real directory to count how many revocations run at once. */
function countingDirectory(real: DelegationDirectory): {
  directory: DelegationDirectory;
  maxInFlight(): number;
} {
  let inFlight = 0;
  let max = 0;
  return {
    maxInFlight: () => max,
    directory: {
      list: (query, signal) => real.list(query, signal),
      get: (id, signal) => real.get(id, signal),
      revoke: async (id, signal) => {
        inFlight += 1;
        max = Math.max(max, inFlight);
        try {
          return await real.revoke(id, signal);
        } finally {
          inFlight -= 1;
        }
      },
    },
  };
}
