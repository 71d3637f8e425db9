/**
 * The administrator's view in Chromium against the real stack, with thousands of seeded
 * delegations: who sees it, finding a user, bulk revocation and its audit trail.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { seedDelegations } from '../../src/idp/seed.ts';
import { failedResource } from './helpers/chromium.ts';
import { ADMIN, JANE, LARS, WEB_SHOP } from './support/accounts.ts';
import { withBrowserStack } from './support/browser-stack.ts';
import { sessionRows, sessionRowsOf, waitForCount } from './support/dashboard.ts';
import { issuedDelegationsOf, unfilteredTotal } from './support/directory.ts';
import { delayRequest } from './support/requests.ts';
import { signInFromStart } from './support/sign-in.ts';

/** 5000 delegations over 500 generated users, plus 30 for larseriksson, who also signs in. */
const SEED = { users: 500, delegations: 5000, owner: { username: LARS.username, count: 30 } };

describe('admin', () => {
  it('is shown to administrators only', async () => {
    await withBrowserStack(async ({ openProfile }) => {
      // The administrator API rejects janedoe's request with 403, which Chromium logs.
      const jane = await openProfile('janedoe', { allow: [failedResource(403)] });
      const admin = await openProfile('admin');
      await signInFromStart(jane.page, JANE, WEB_SHOP);
      await signInFromStart(admin.page, ADMIN, WEB_SHOP);

      await admin.page.getByRole('link', { name: 'Admin' }).waitFor();
      assert.equal(
        await jane.page.getByRole('link', { name: 'Admin' }).count(),
        0,
        'janedoe sees the Admin link',
      );

      await jane.page.goto('/admin');
      const refusal = jane.page.getByRole('alert').filter({ hasText: 'Administrators only' });
      await refusal.waitFor();
      assert.equal(await refusal.getByText('This page is for administrators only.').count(), 1);
      assert.equal(
        await jane.page.getByRole('table').count(),
        0,
        'janedoe sees a delegation table',
      );
    });
  });

  it('bulk-revokes a user found by search', async () => {
    await withBrowserStack(async ({ stack, openProfile }) => {
      await seedDelegations(stack.config.idp, SEED);
      const lars = await openProfile('larseriksson');
      const admin = await openProfile('admin');
      await signInFromStart(lars.page, LARS, WEB_SHOP);
      await waitForCount(sessionRowsOf(lars.page, WEB_SHOP, 'here'), 1, 'rows of the real sign-in');
      await signInFromStart(admin.page, ADMIN, WEB_SHOP);

      const everyone = await unfilteredTotal(stack);
      assert.ok(
        everyone > SEED.delegations / 2,
        `only ${everyone} delegations listed after seeding`,
      );
      const issued = await issuedDelegationsOf(stack, LARS.username);
      assert.ok(issued.total > 1, `larseriksson has only ${issued.total} issued delegations`);

      const page = admin.page;
      await page.getByRole('link', { name: 'Admin' }).click();
      await page.getByRole('heading', { name: 'All delegations' }).waitFor();
      await page.getByText(matchCount(everyone), { exact: true }).waitFor();

      await searchUser(page, 'larserik');
      await page.getByText(matchCount(issued.total), { exact: true }).waitFor();
      const owners = await ownerLinks(page).allTextContents();
      assert.equal(owners.length, Math.min(issued.total, 50), 'rows on the first page');
      assert.deepEqual(new Set(owners), new Set([LARS.username]));

      await ownerLinks(page).first().click();
      await page.getByRole('heading', { name: `Sessions of ${LARS.username}` }).waitFor();
      await page.getByText(`${issued.total} in total`, { exact: true }).waitFor();

      const operationId = await revokeAllOfUser(
        page,
        LARS.username,
        issued.total,
        issued.clientIds.length,
      );
      await page.getByText(`${LARS.username} has no active sessions.`).waitFor();
      assert.equal(
        (await issuedDelegationsOf(stack, LARS.username)).total,
        0,
        'issued delegations left',
      );

      await lars.page.reload();
      await lars.page.getByText('No active sessions.', { exact: false }).waitFor();
      await waitForCount(sessionRows(lars.page), 0, 'delegations on the dashboard of larseriksson');

      await assertAuditLists(page, LARS.username, operationId, issued.total);
    });
  });
});

/** Returns the count the admin list shows next to its heading. */
function matchCount(count: number): string {
  return count === 1 ? '1 delegation matches' : `${count} delegations match`;
}

function ownerLinks(page: Page): Locator {
  return page
    .getByRole('table', { name: 'Delegations of all users' })
    .getByRole('row')
    .getByRole('link');
}

/**
 * Filters the list by the start of a username and by status `issued`. Without the status filter a
 * user filter also lists revoked delegations, because a filtered SCIM list does not restrict the
 * status while the unfiltered one shows issued delegations only.
 */
async function searchUser(page: Page, prefix: string): Promise<void> {
  const filters = page.getByRole('form', { name: 'Delegation filters' });
  await filters.getByLabel('User starts with').fill(prefix);
  await filters.getByLabel('Status').selectOption('issued');
  await filters.getByRole('button', { name: 'Apply filters' }).click();
}

/**
 * Runs "Revoke all of this user" on the user's page. Checks the dry run's numbers, delays the run's
 * request long enough to see its progress bar, and checks the final report. Returns the run's
 * operation id.
 */
async function revokeAllOfUser(
  page: Page,
  username: string,
  total: number,
  clients: number,
): Promise<string> {
  await page.getByRole('button', { name: 'Revoke all of this user' }).click();
  const dialog = page.getByRole('dialog', { name: `Revoke all delegations of ${username}` });
  const summary = dialog.getByText('Dry run: this revokes', { exact: false });
  await summary.waitFor();
  assert.equal(
    await summary.textContent(),
    `Dry run: this revokes ${total} delegations of 1 user in ${clients} client${clients === 1 ? '' : 's'}. Each affected application asks its user to sign in again.`,
  );
  const users = dialog.getByRole('table', { name: 'Users' });
  assert.equal(
    await users.getByRole('row', { name: `${username} ${total}` }).count(),
    1,
    'the user row',
  );

  const run = await delayRequest(
    page,
    '/api/admin/bulk-revoke',
    (request) => request.postDataJSON()?.dryRun === false,
  );
  await dialog.getByRole('button', { name: `Revoke ${total} delegations` }).click();
  await run.arrived;
  await dialog.getByRole('progressbar', { name: 'Revocation progress' }).waitFor();
  await dialog.getByText('Starting…').waitFor();
  await run.release();

  await dialog.getByText(`Revoked ${total}, already revoked 0, failed 0.`).waitFor();
  const operation = await dialog.getByText('Operation ID', { exact: false }).textContent();
  const operationId = /Operation ID (\S+):/.exec(operation ?? '')?.[1];
  assert.ok(operationId, `no operation id in "${operation}"`);

  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
  return operationId;
}

/** Checks that the audit log has one succeeded `bulk-revoke` entry per delegation of the run. */
async function assertAuditLists(
  page: Page,
  owner: string,
  operationId: string,
  total: number,
): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Administration' })
    .getByRole('link', { name: 'Audit log' })
    .click();
  await page.getByRole('heading', { name: 'Audit log' }).waitFor();

  const filters = page.getByRole('form', { name: 'Audit filters' });
  await filters.getByLabel('Owner').fill(owner);
  await filters.getByLabel('Action').selectOption('bulk-revoke');
  await filters.getByLabel('Result').selectOption('succeeded');
  await filters.getByRole('button', { name: 'Apply filters' }).click();

  const rows = page
    .getByRole('table', { name: 'Audit log entries, newest first' })
    .getByRole('row');
  const entries = rows.filter({ has: page.getByRole('cell') });
  await waitForCount(entries, total, 'succeeded bulk-revoke entries');
  await waitForCount(
    entries.filter({ hasText: operationId }),
    total,
    `entries of operation ${operationId}`,
  );
  await waitForCount(entries.filter({ hasText: owner }), total, `entries owned by ${owner}`);
}
