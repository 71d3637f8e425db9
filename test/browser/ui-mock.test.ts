/**
 * Browser tests of UI behaviour that the real stack cannot easily provoke (failed revocations,
 * a proxy's HTML error page, a dropped connection), against the mock tracker in Chromium.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Browser, BrowserContextOptions, Locator, Page, Response } from 'playwright-core';
import {
  failedResource,
  launchChromium,
  openPage,
  type OpenedPage,
  type WatchOptions,
} from './helpers/chromium.ts';
import { startMockTracker, type MockTracker } from './mock-tracker.ts';

let browser: Browser;
let tracker: MockTracker;
const opened: OpenedPage[] = [];

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser.close();
});

beforeEach(async () => {
  tracker = await startMockTracker();
});

afterEach(async () => {
  for (const { context } of opened.splice(0)) await context.close();
  await tracker.close();
});

async function open(options: BrowserContextOptions & WatchOptions = {}): Promise<OpenedPage> {
  const page = await openPage(browser, { baseURL: tracker.url, ...options });
  opened.push(page);
  return page;
}

async function signIn(
  username: string,
  options: BrowserContextOptions & WatchOptions = {},
): Promise<OpenedPage> {
  tracker.state.nextUser = username;
  const result = await open(options);
  await result.page.goto('/');
  await result.page.getByRole('button', { name: 'Sign in' }).click();
  await result.page.getByRole('heading', { name: /^(Your sessions)$/ }).waitFor();
  return result;
}

/** Waits until `locator` matches exactly `count` elements. */
async function waitForCount(locator: Locator, count: number): Promise<void> {
  if (count > 0) await locator.nth(count - 1).waitFor({ state: 'attached' });
  await locator.nth(count).waitFor({ state: 'detached' });
}

function bodyRows(page: Page): Locator {
  return page.getByRole('table').locator('tbody tr');
}

function isList(response: Response): boolean {
  return new URL(response.url()).pathname === '/api/delegations';
}

function toasts(page: Page): Locator {
  return page.getByRole('region', { name: 'Notifications' });
}

async function descriptionOf(button: Locator): Promise<string | null> {
  const id = await button.getAttribute('aria-describedby');
  if (id === null) return null;
  return button.page().locator(`[id="${id}"]`).textContent();
}

function mockDelegation(owner: string, clientId: string) {
  const found = [...tracker.state.delegations.values()].find(
    (delegation) => delegation.owner === owner && delegation.clientId === clientId,
  );
  assert.ok(found, `the mock has no delegation of ${owner} at ${clientId}`);
  return found;
}

describe('signed-out page', () => {
  it('shows the notice and drops the query', async () => {
    const { page, problems } = await open();
    await page.goto('/?notice=login_expired');

    const alert = page.getByRole('alert');
    assert.equal(
      await alert.locator('span').textContent(),
      'That sign-in link was already used or has expired. Sign in again.',
    );
    assert.equal(new URL(page.url()).search, '');

    await page.getByRole('button', { name: 'Dismiss message' }).click();
    await alert.waitFor({ state: 'detached' });
    problems.assertNone();
  });
});

describe('dashboard', () => {
  it('lists sessions with guarded actions', async () => {
    const { page, problems } = await signIn('janedoe');
    await waitForCount(bodyRows(page), 4);
    assert.equal(await page.getByText('Showing 1–4 of 4').count(), 1);

    const here = bodyRows(page).filter({ hasText: 'This browser' });
    assert.equal(await here.count(), 1);
    assert.equal(
      await here.getByRole('button', { name: 'Refresh' }).getAttribute('aria-disabled'),
      null,
    );

    const elsewhere = bodyRows(page)
      .filter({ hasText: 'Safari 18' })
      .getByRole('button', { name: 'Refresh' });
    const reason = 'Made in another browser: its tokens are not held here.';
    assert.equal(await elsewhere.getAttribute('aria-disabled'), 'true');
    assert.equal(await elsewhere.getAttribute('title'), reason);
    assert.equal(await descriptionOf(elsewhere), reason);
    problems.assertNone();
  });

  it('keeps ids on one line and copies them', async () => {
    const { page, problems } = await signIn('janedoe', {
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    const delegation = mockDelegation('janedoe', 'www2');
    const row = bodyRows(page).filter({ hasText: 'Safari 18' });
    const id = row.getByRole('code').filter({ hasText: delegation.delegationId });

    assert.equal(await id.getAttribute('title'), delegation.delegationId);
    const box = await id.evaluate((element) => ({
      height: element.getBoundingClientRect().height,
      lineHeight: parseFloat(getComputedStyle(element).lineHeight),
      cut: element.scrollWidth > element.clientWidth,
    }));
    assert.ok(
      box.height < 1.5 * box.lineHeight,
      `the id is ${box.height}px high, a line ${box.lineHeight}px`,
    );
    assert.equal(box.cut, true, 'the id is shown in full');

    await row.getByRole('button', { name: 'Copy delegation ID' }).click();
    await toasts(page).getByText('Copied the delegation ID.').waitFor();
    assert.equal(
      await page.evaluate(() => navigator.clipboard.readText()),
      delegation.delegationId,
    );

    await row.getByRole('button', { name: 'Copy SCIM ID' }).click();
    await toasts(page).getByText('Copied the SCIM ID.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), delegation.id);
    problems.assertNone();
  });

  it('reports refresh and introspection', async () => {
    const { page, problems } = await signIn('janedoe');
    const here = bodyRows(page).filter({ hasText: 'This browser' });

    await here.getByRole('button', { name: 'Refresh' }).click();
    await toasts(page)
      .getByText(/^Refreshed the tokens of Web shop \(www\)/)
      .waitFor();

    await page.getByLabel('Introspection format').selectOption('jwt');
    await here.getByRole('button', { name: 'Introspect' }).click();
    const dialog = page.getByRole('dialog', { name: 'Introspection of Web shop (www)' });
    await dialog.waitFor();
    assert.equal(await dialog.getByRole('definition').first().textContent(), 'active');
    assert.equal(await dialog.getByText('JWT (phantom token)', { exact: true }).count(), 1);
    assert.equal(await dialog.getByText('✓ verified').count(), 1);
    assert.equal(await dialog.getByRole('row', { name: 'sub janedoe' }).count(), 1);

    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    problems.assertNone();
  });

  it('revokes a row after confirmation', async () => {
    const { page, problems } = await signIn('janedoe');
    await waitForCount(bodyRows(page), 4);

    await bodyRows(page)
      .filter({ hasText: 'Safari 18' })
      .getByRole('button', { name: 'Revoke' })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this session?' });
    // One reload follows the revocation and one its change event; neither may call it ended elsewhere.
    let lists = 0;
    const twoReloads = page.waitForResponse((response) => isList(response) && ++lists === 2);
    await dialog.getByRole('button', { name: 'Revoke' }).click();

    await toasts(page).getByText('Revoked the session of Partner portal (www2).').waitFor();
    await waitForCount(bodyRows(page), 3);
    assert.equal(mockDelegation('janedoe', 'www2').status, 'revoked');
    await twoReloads;
    await waitForCount(bodyRows(page), 3);
    assert.equal(await toasts(page).getByText('ended elsewhere').count(), 0);
    problems.assertNone();
  });

  it('collapses and caps failure toasts', async () => {
    tracker.state.nextUser = 'janedoe';
    const { page, problems } = await open({ allow: [failedResource(409)] });
    const ended = 'That session has ended at the authorization server. Reload the list.';
    let failures = 0;
    let distinct = false;
    // Routed before the first navigation, so no introspection can reach the mock and succeed.
    await page.route('**/introspect', (route) => {
      failures += 1;
      const message = distinct ? `Failure number ${failures}.` : ended;
      return route.fulfill({
        status: 409,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'delegation_ended', message } }),
      });
    });
    await page.clock.install();
    await page.goto('/');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const here = bodyRows(page).filter({ hasText: 'This browser' });

    for (let click = 1; click <= 3; click += 1) {
      await here.getByRole('button', { name: 'Introspect' }).click();
      if (click > 1) await toasts(page).getByText(`×${click}`, { exact: true }).waitFor();
    }
    const failure = toasts(page).getByText(`Introspection of Web shop (www) failed: ${ended}`, {
      exact: true,
    });
    assert.equal(await failure.count(), 1);

    await here.getByRole('button', { name: 'Refresh' }).click();
    const success = toasts(page).getByText(/^Refreshed the tokens of Web shop \(www\)/);
    await success.waitFor();
    await page.clock.runFor(60_000);
    await success.waitFor({ state: 'detached' });
    assert.equal(await failure.count(), 1, 'the failure toast left by itself');

    distinct = true;
    for (let click = 1; click <= 3; click += 1) {
      await here.getByRole('button', { name: 'Introspect' }).click();
      await toasts(page).getByText(`Failure number ${failures}.`, { exact: false }).waitFor();
    }
    await waitForCount(toasts(page).getByRole('button', { name: 'Dismiss notification' }), 3);
    assert.equal(await failure.count(), 0, 'the oldest toast is still shown');

    await toasts(page).getByRole('button', { name: 'Dismiss notification' }).first().click();
    await waitForCount(toasts(page).getByRole('button', { name: 'Dismiss notification' }), 2);
    problems.assertNone();
  });

  it('reports sessions ended elsewhere', async () => {
    const { page, problems } = await signIn('janedoe');
    const events = page.waitForResponse(
      (response) => new URL(response.url()).pathname === '/api/events',
    );
    await page.reload();
    await events;
    await waitForCount(bodyRows(page), 4);

    tracker.state.revoke(mockDelegation('janedoe', 'www2'));
    await toasts(page).getByText('1 session was ended elsewhere.', { exact: true }).waitFor();
    await waitForCount(bodyRows(page), 3);
    problems.assertNone();
  });

  it('preselects another application', async () => {
    const { page, problems } = await signIn('janedoe');
    await page.getByRole('button', { name: 'Sign in with another application' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sign in with another application' });
    assert.equal(await dialog.getByLabel('Application').inputValue(), 'www2');
    problems.assertNone();
  });

  it('shows a proxy error page as a message', async () => {
    const { page, problems } = await signIn('janedoe', { allow: [failedResource(502)] });
    tracker.state.brokenPaths.add('/api/delegations');
    await page.reload();

    const error = page.getByRole('alert');
    await error.waitFor();
    assert.match(
      (await error.textContent()) ?? '',
      /The tracker did not answer as expected \(HTTP 502 Bad Gateway\)\. Try again in a moment\./,
    );

    tracker.state.brokenPaths.clear();
    await error.getByRole('button', { name: 'Retry' }).click();
    await waitForCount(bodyRows(page), 4);
    problems.assertNone();
  });

  it('shows a dropped connection as a message', async () => {
    const { page, problems } = await signIn('janedoe', { allow: [/net::ERR_FAILED/] });
    await page.route('**/api/delegations?*', (route) => route.abort());
    await page.getByRole('button', { name: 'Reload' }).click();

    const error = page.getByRole('alert');
    await error.waitFor();
    assert.match(
      (await error.textContent()) ?? '',
      /The tracker did not answer\. Check your connection/,
    );
    await waitForCount(bodyRows(page), 4);
    problems.assertNone();
  });
});

describe('revoke all', () => {
  it('reports failures, then logs out on retry', async () => {
    const { page, problems } = await signIn('janedoe');
    const failing = mockDelegation('janedoe', 'www2');
    tracker.state.failingIds.add(failing.id);

    await page.getByRole('button', { name: 'Revoke all and log out' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke all sessions and log out?' })
      .getByRole('button', { name: 'Revoke all and log out' })
      .click();

    const report = page.getByRole('dialog', { name: 'Some sessions were not revoked' });
    await report.waitFor();
    assert.equal(await report.getByText('Revoked 3, already revoked 0, failed 1.').count(), 1);
    const row = report.getByRole('row').filter({ hasText: failing.delegationId });
    assert.equal(await row.getByText('Partner portal (www2)').count(), 1);
    assert.equal(await row.getByText(/did not answer in time/).count(), 1);

    tracker.state.failingIds.clear();
    await report.getByRole('button', { name: 'Try again' }).click();
    const notice = page.getByRole('status').filter({ hasText: 'You are logged out.' });
    await notice.waitFor();
    assert.equal(
      await notice.locator('span').textContent(),
      'You are logged out. 1 session was revoked.',
    );
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal(await notice.count(), 0, 'the notice came back after a reload');
    assert.equal(await page.getByRole('button', { name: 'Sign in' }).count(), 1);
    assert.equal(tracker.state.issued('janedoe').length, 0);
    problems.assertNone();
  });
});

describe('admin area', () => {
  it('tells a non-administrator why', async () => {
    const { page, problems } = await signIn('larseriksson', { allow: [failedResource(403)] });
    assert.equal(await page.getByRole('link', { name: 'Admin' }).count(), 0);

    await page.goto('/admin');
    await page.getByText('Administrators only', { exact: true }).waitFor();
    assert.equal(await page.getByText('This page is for administrators only.').count(), 1);
    problems.assertNone();
  });

  it('bulk-revokes a user and retries failures', async () => {
    const { page, problems } = await signIn('admin');
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'All delegations' }).waitFor();

    const byUser = page.getByRole('button', { name: 'Revoke all of this user' });
    assert.equal(await byUser.getAttribute('aria-disabled'), 'true');
    assert.equal(await descriptionOf(byUser), 'Filter by one user ("User (exact)") first.');

    await page.getByLabel('User (exact)').fill('larseriksson');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitForCount(bodyRows(page), 7);
    assert.equal(await page.getByText('7 delegations match', { exact: true }).count(), 1);
    const failing = mockDelegation('larseriksson', 'www');
    assert.equal(await page.getByRole('columnheader', { name: 'SCIM ID' }).count(), 1);
    const failingRow = bodyRows(page).filter({ hasText: failing.delegationId });
    assert.equal(
      await failingRow.getByRole('code').filter({ hasText: failing.id }).getAttribute('title'),
      failing.id,
    );
    assert.equal(await failingRow.getByRole('button', { name: 'Copy SCIM ID' }).count(), 1);
    tracker.state.failingIds.add(failing.id);

    await byUser.click();
    const dialog = page.getByRole('dialog', { name: 'Revoke all delegations of larseriksson' });
    await dialog.getByText(/^Dry run: this revokes/).waitFor();
    assert.equal(
      await dialog.getByText(/^Dry run/).textContent(),
      'Dry run: this revokes 7 delegations of 1 user in 2 clients. Each affected application asks its user to sign in again.',
    );
    await dialog.getByRole('button', { name: 'Revoke 7 delegations' }).click();
    await dialog.getByText('Revoked 6, already revoked 0, failed 1.').waitFor();

    tracker.state.failingIds.clear();
    await dialog.getByRole('button', { name: 'Retry failed' }).click();
    await dialog.getByText('Revoked 1, already revoked 0, failed 0.').waitFor();
    assert.equal(tracker.state.issued('larseriksson').length, 0);

    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByText('No delegations match these filters.').waitFor();
    problems.assertNone();
  });

  it('warns about own delegations in a dry run', async () => {
    const { page, problems } = await signIn('admin');
    await page.getByRole('link', { name: 'Admin' }).click();
    const adminRow = bodyRows(page).filter({
      has: page.getByRole('link', { name: 'admin', exact: true }),
    });
    const janeRow = bodyRows(page)
      .filter({ has: page.getByRole('link', { name: 'janedoe', exact: true }) })
      .first();
    await adminRow.getByRole('checkbox').check();
    await janeRow.getByRole('checkbox').check();

    await page.getByRole('button', { name: 'Revoke selected' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke the 2 selected delegations' });
    const warning = dialog.getByRole('alert');
    await warning.waitFor();
    assert.equal(
      await warning.textContent(),
      'This includes 1 delegation of your own (admin), so you will be signed out of that application.',
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await adminRow.getByRole('checkbox').uncheck();
    await page.getByRole('button', { name: 'Revoke selected' }).click();
    const other = page.getByRole('dialog', { name: 'Revoke the 1 selected delegation' });
    await other.getByText(/^Dry run/).waitFor();
    assert.equal(await other.getByRole('alert').count(), 0, 'a warning without own delegations');
    problems.assertNone();
  });

  it('pages the audit log and exports with filters', async () => {
    for (let index = 0; index < 60; index += 1) {
      tracker.state.appendAudit({
        actor: 'janedoe',
        actorIsAdmin: false,
        action: 'refresh',
        owner: 'janedoe',
        result: 'succeeded',
      });
    }
    const { page, problems } = await signIn('admin');
    await page.goto('/admin/audit');
    await waitForCount(bodyRows(page), 50);

    await page.getByRole('button', { name: 'Load more' }).click();
    await waitForCount(bodyRows(page), 61);
    assert.equal(await page.getByRole('button', { name: 'Load more' }).count(), 0);

    await page.getByLabel('Action').selectOption('sign-in');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitForCount(bodyRows(page), 1);
    assert.equal(
      await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href'),
      '/api/admin/audit/export?format=csv&action=sign-in',
    );
    assert.equal(
      await page.getByRole('link', { name: 'Export JSON Lines' }).getAttribute('href'),
      '/api/admin/audit/export?format=jsonl&action=sign-in',
    );
    problems.assertNone();
  });
});
