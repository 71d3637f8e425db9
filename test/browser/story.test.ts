/**
 * The user story in Chromium against the real stack of embedded authorization server and tracker.
 * One person signs in from two browser profiles, and each may act only on its own delegation. The
 * tests then cover revocation, revoke-all-and-log-out, a second user, a replayed callback and an
 * outage of the authorization server.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { failedResource } from './helpers/chromium.ts';
import { JANE, LARS, PARTNER_PORTAL, WEB_SHOP } from './support/accounts.ts';
import { withBrowserStack, type Profile } from './support/browser-stack.ts';
import {
  accessibleDescription,
  sessionRows,
  sessionRowsOf,
  thisBrowserMark,
  toasts,
  waitForCount,
} from './support/dashboard.ts';
import { delayRequest, recordNavigations } from './support/requests.ts';
import {
  dashboardHeading,
  RELOAD_BEFORE_SIGN_IN,
  signInFromStart,
  signInWithAnotherApplication,
} from './support/sign-in.ts';

const ANOTHER_BROWSER = 'Made in another browser: its tokens are not held here.';
const SESSION_ENDED = 'That session has ended at the authorization server. Reload the list.';

describe('story', () => {
  it('marks and acts on own delegations', async () => {
    await withBrowserStack(async ({ openProfile }) => {
      const first = await openProfile('janedoe with www');
      const second = await openProfile('janedoe with www2');
      await signInFromStart(first.page, JANE, WEB_SHOP);
      await signInFromStart(second.page, JANE, PARTNER_PORTAL);

      // The first profile shows the second sign-in without a reload: the tracker sends a change event.
      const views: Array<[Profile, string, string]> = [
        [first, WEB_SHOP, PARTNER_PORTAL],
        [second, PARTNER_PORTAL, WEB_SHOP],
      ];
      for (const [profile, own, other] of views) {
        const { page, name } = profile;
        await waitForCount(sessionRows(page), 2, `delegations in ${name}`);
        await waitForCount(
          sessionRowsOf(page, own, 'here'),
          1,
          `${own} rows marked "This browser" in ${name}`,
        );
        await waitForCount(
          sessionRowsOf(page, other, 'elsewhere'),
          1,
          `unmarked ${other} rows in ${name}`,
        );
        assert.equal(await thisBrowserMark(page).count(), 1, `"This browser" marks in ${name}`);

        await assertActionsBlocked(sessionRowsOf(page, other, 'elsewhere'), ANOTHER_BROWSER);
        await refreshOwn(page, own);
      }

      await introspectOwn(first.page, WEB_SHOP, JANE.username, 'json');
      await introspectOwn(second.page, PARTNER_PORTAL, JANE.username, 'jwt');
    });
  });

  it('ends the other profile by revocation', async () => {
    await withBrowserStack(async ({ openProfile }) => {
      const first = await openProfile('janedoe with www');
      // Refreshing and introspecting the revoked delegation returns 409, which Chromium logs.
      const second = await openProfile('janedoe with www2', { allow: [failedResource(409)] });
      await second.page.clock.install();
      await signInFromStart(first.page, JANE, WEB_SHOP);
      await signInFromStart(second.page, JANE, PARTNER_PORTAL);
      await waitForCount(sessionRows(first.page), 2, 'delegations in the first profile');
      await waitForCount(sessionRows(second.page), 2, 'delegations in the second profile');

      // The second profile's list would drop the revoked row at the change event that follows.
      // Pausing its timers stops that reload, so the page stays as a tab looked at a moment
      // earlier, and the person acts on the row that is no longer valid.
      await second.page.clock.pauseAt(Date.now() + 1000);

      const target = sessionRowsOf(first.page, PARTNER_PORTAL, 'elsewhere');
      await target.getByRole('button', { name: 'Revoke' }).click();
      const confirm = first.page.getByRole('dialog', { name: 'Revoke this session?' });
      assert.equal(
        await confirm.getByText('(this browser)').count(),
        0,
        'the dialog calls it this browser',
      );
      await confirm.getByRole('button', { name: 'Revoke' }).click();
      await toasts(first.page).getByText(`Revoked the session of ${PARTNER_PORTAL}.`).waitFor();
      await waitForCount(
        sessionRows(first.page),
        1,
        'delegations in the first profile after the revocation',
      );

      const stale = sessionRowsOf(second.page, PARTNER_PORTAL, 'here');
      await stale.getByRole('button', { name: 'Introspect' }).click();
      await toasts(second.page).getByText(SESSION_ENDED).waitFor();
      assert.equal(
        await second.page.getByRole('dialog').count(),
        0,
        'an introspection dialog opened',
      );

      // The refresh failure also makes the page read the list again, without the revoked row.
      await stale.getByRole('button', { name: 'Refresh' }).click();
      await waitForCount(toasts(second.page).getByText(SESSION_ENDED), 2, 'session-ended toasts');
      await waitForCount(
        sessionRowsOf(second.page, PARTNER_PORTAL, 'here'),
        0,
        'revoked rows left',
      );
      await waitForCount(
        sessionRowsOf(second.page, WEB_SHOP, 'elsewhere'),
        1,
        'rows of the first profile',
      );
      await second.page.clock.resume();
    });
  });

  it('revokes all and logs out', async () => {
    await withBrowserStack(async ({ stack, openProfile }) => {
      const first = await openProfile('janedoe with www and www2', {
        allow: [RELOAD_BEFORE_SIGN_IN],
      });
      const second = await openProfile('janedoe with www2');
      await signInFromStart(first.page, JANE, WEB_SHOP);
      await signInFromStart(second.page, JANE, PARTNER_PORTAL);

      await signInWithAnotherApplication(first.page, PARTNER_PORTAL);
      await waitForCount(sessionRows(first.page), 3, 'delegations after the second application');
      await waitForCount(
        sessionRowsOf(first.page, PARTNER_PORTAL, 'here'),
        1,
        'www2 rows marked here',
      );
      await waitForCount(sessionRowsOf(first.page, WEB_SHOP, 'here'), 1, 'www rows marked here');

      const visited = recordNavigations(first.page);
      const revokeAll = await delayRequest(first.page, '/api/revoke-all');
      await first.page.getByRole('button', { name: 'Revoke all and log out' }).click();
      await first.page
        .getByRole('dialog', { name: 'Revoke all sessions and log out?' })
        .getByRole('button', { name: 'Revoke all and log out' })
        .click();

      await revokeAll.arrived;
      const progress = first.page.getByRole('dialog', { name: 'Revoking your sessions' });
      await progress.getByRole('progressbar', { name: 'Revocation progress' }).waitFor();
      await progress.getByText('Starting…').waitFor();
      await revokeAll.release();

      await first.page.getByRole('status').filter({ hasText: 'You are logged out.' }).waitFor();
      await first.page.getByRole('button', { name: 'Sign in' }).waitFor();
      assertLoggedOutAtServer(visited, stack.idpUrl, stack.trackerUrl);

      await second.page.reload();
      await second.page.getByText('No active sessions.', { exact: false }).waitFor();
      await waitForCount(sessionRows(second.page), 0, 'delegations in the second profile');

      await signInFromStart(first.page, JANE, WEB_SHOP);
      await waitForCount(sessionRows(first.page), 1, 'delegations after signing in again');
    });
  });

  it('hides delegations of other users', async () => {
    await withBrowserStack(async ({ openProfile }) => {
      const jane = await openProfile('janedoe with www');
      const janeElsewhere = await openProfile('janedoe with www2', {
        allow: [RELOAD_BEFORE_SIGN_IN],
      });
      const lars = await openProfile('larseriksson with www');
      await signInFromStart(jane.page, JANE, WEB_SHOP);
      await signInFromStart(janeElsewhere.page, JANE, PARTNER_PORTAL);
      await signInFromStart(lars.page, LARS, WEB_SHOP);

      await lars.page.getByText(`Signed in as ${LARS.name}`).waitFor();
      await waitForCount(sessionRows(jane.page), 2, 'delegations of janedoe');
      await waitForCount(sessionRows(lars.page), 1, 'delegations of larseriksson');
      await waitForCount(sessionRowsOf(lars.page, WEB_SHOP, 'here'), 1, 'larseriksson rows here');

      const janeIds = await delegationIds(jane.page);
      const larsIds = await delegationIds(lars.page);
      assert.equal(larsIds.length, 1);
      assert.ok(!janeIds.includes(larsIds[0]!), 'janedoe sees the delegation of larseriksson');

      // A change event for janedoe must not reach larseriksson's list either.
      await signInWithAnotherApplication(janeElsewhere.page, WEB_SHOP);
      await waitForCount(sessionRows(jane.page), 3, 'delegations of janedoe after another sign-in');
      await lars.page.getByRole('button', { name: 'Reload' }).click();
      await waitForCount(sessionRows(lars.page), 1, 'delegations of larseriksson after a reload');
      assert.deepEqual(await delegationIds(lars.page), larsIds);
    });
  });

  it('keeps the new session after a stale request', async () => {
    await withBrowserStack(async ({ stack, openProfile }) => {
      const { page, context } = await openProfile('janedoe with www and www2');
      await signInFromStart(page, JANE, WEB_SHOP);
      const replacedCookies = await context.cookies(stack.trackerUrl);
      await signInWithAnotherApplication(page, PARTNER_PORTAL);
      await waitForCount(sessionRows(page), 2, 'delegations after the second sign-in');

      // A list reload that the dashboard sent just before the second sign-in can reach the tracker
      // after it, with the session cookie that sign-in replaced. The context's request client
      // shares the profile's cookie jar, so the response's cookies land where the page's would.
      const cookieHeader = replacedCookies
        .map((cookie) => `${cookie.name}=${cookie.value}`)
        .join('; ');
      const late = await context.request.get(`${stack.trackerUrl}/api/delegations`, {
        headers: { cookie: cookieHeader },
      });
      assert.equal(late.status(), 401);

      await page.reload();
      await waitForCount(sessionRows(page), 2, 'delegations after the late response');
      assert.equal(
        await page.getByRole('button', { name: 'Sign in', exact: true }).count(),
        0,
        'signed out',
      );
    });
  });

  it('sends a replayed callback to the dashboard', async () => {
    await withBrowserStack(async ({ openProfile }) => {
      const { page } = await openProfile('janedoe with www');
      const callbackUrl = await signInFromStart(page, JANE, WEB_SHOP);
      await waitForCount(sessionRows(page), 1, 'delegations after the sign-in');

      const response = await page.goto(callbackUrl.href);
      assert.equal(response?.status(), 200);
      assert.equal(new URL(page.url()).pathname, '/');
      const notice = page
        .getByRole('alert')
        .filter({ hasText: 'That sign-in link was already used or has expired.' });
      await notice.waitFor();
      await dashboardHeading(page).waitFor();
      await waitForCount(sessionRows(page), 1, 'delegations after the replayed callback');
      assert.equal(new URL(page.url()).search, '', 'the notice code stays in the address bar');
    });
  });

  it('explains a stopped authorization server', async () => {
    await withBrowserStack(async ({ stack, openProfile }) => {
      // The delegation list returns 503 while the server is down, and Chromium logs that response.
      const { page } = await openProfile('janedoe with www', { allow: [failedResource(503)] });
      await signInFromStart(page, JANE, WEB_SHOP);
      await waitForCount(sessionRows(page), 1, 'delegations before the outage');

      await stack.stopIdp();
      await page.reload();
      const error = page.getByRole('alert').filter({ hasText: 'Could not load this page' });
      await error.waitFor();
      assert.match(
        (await error.textContent()) ?? '',
        new RegExp(`The authorization server at ${escapeRegExp(stack.idpUrl)} cannot be reached`),
      );
      await error.getByRole('button', { name: 'Retry' }).waitFor();
      await dashboardHeading(page).waitFor();
      assert.equal(
        await page.getByText(`Signed in as ${JANE.name}`).count(),
        1,
        'the header is gone',
      );
    });
  });
});

/** Checks that Refresh and Introspect of `row` are disabled and tell why, also to screen readers. */
async function assertActionsBlocked(row: Locator, reason: string): Promise<void> {
  for (const name of ['Refresh', 'Introspect']) {
    const button = row.getByRole('button', { name });
    assert.equal(
      await row.getByRole('button', { name, disabled: true }).count(),
      1,
      `${name} is enabled`,
    );
    assert.equal(await accessibleDescription(button), reason, `description of ${name}`);
    assert.equal(await button.getAttribute('title'), reason, `title of ${name}`);

    const tooltip = row.getByRole('tooltip').filter({ hasText: reason });
    await button.focus();
    await tooltip.first().waitFor({ state: 'visible' });
    await button.blur();
  }
}

async function refreshOwn(page: Page, clientLabel: string): Promise<void> {
  const row = sessionRowsOf(page, clientLabel, 'here');
  await row.getByRole('button', { name: 'Refresh' }).click();
  await toasts(page)
    .getByText(`Refreshed the tokens of ${clientLabel}`, { exact: false })
    .waitFor();
}

async function introspectOwn(
  page: Page,
  clientLabel: string,
  username: string,
  mode: 'json' | 'jwt',
): Promise<void> {
  await page.getByLabel('Introspection format').selectOption(mode);
  await sessionRowsOf(page, clientLabel, 'here')
    .getByRole('button', { name: 'Introspect' })
    .click();

  const dialog = page.getByRole('dialog', { name: `Introspection of ${clientLabel}` });
  await dialog.waitFor();
  assert.equal(await dialog.getByRole('definition').first().textContent(), 'active');
  assert.equal(
    await dialog.getByRole('row', { name: `sub ${username}` }).count(),
    1,
    'the sub claim',
  );
  if (mode === 'jwt')
    assert.equal(await dialog.getByText('✓ verified').count(), 1, 'the JWT check');
  await toasts(page)
    .getByText(`Introspected the access token of ${clientLabel}: active.`)
    .waitFor();

  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** Returns the delegation ids that the dashboard lists, in the order shown. */
async function delegationIds(page: Page): Promise<string[]> {
  const rows = await sessionRows(page).all();
  const ids: string[] = [];
  // The second cell is the delegation id (docs/api.md: `delegationId`).
  for (const row of rows)
    ids.push(((await row.getByRole('cell').nth(1).textContent()) ?? '').trim());
  return ids;
}

/**
 * Checks that revoke-all went to the authorization server's logout and came back through the
 * tracker's post-logout landing, in that order.
 */
function assertLoggedOutAtServer(visited: string[], idpUrl: string, trackerUrl: string): void {
  const idpOrigin = new URL(idpUrl).origin;
  const atServer = visited.findIndex((url) => url.startsWith(`${idpOrigin}/`));
  const landing = visited.indexOf(`${new URL(trackerUrl).origin}/auth/logged-out`);
  assert.ok(atServer >= 0, `no navigation to the authorization server: ${visited.join(', ')}`);
  assert.ok(
    landing > atServer,
    `no return to /auth/logged-out after the logout: ${visited.join(', ')}`,
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
