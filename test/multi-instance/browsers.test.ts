import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium, openPage, type OpenedPage } from '../browser/helpers/chromium.ts';
import { startPostgres, type PostgresServer } from '../helpers/postgres.ts';
import { TEST_USER_AGENTS } from '../helpers/test-browser.ts';
import {
  ADMIN,
  JANE,
  listDelegations,
  type Account,
  type ListedDelegation,
} from '../tracker/accounts.ts';
import { PinnedBrowser, signInThrough, startCluster, type Cluster } from './helpers/cluster.ts';
import { PIN_HEADER, SERVED_BY_HEADER } from './helpers/round-robin-proxy.ts';

const A = 0;
const B = 1;
/** Long enough that only a change event can explain an update seen while a test runs. */
const LONG_POLL_SECONDS = 300;
const SHORT_POLL_SECONDS = 2;
/**
 * Maximum wait for a dashboard to change, which stops a hang. It is far below LONG_POLL_SECONDS
 * and below the default poll interval of 30 s, so an update within it cannot come from a poll at
 * either interval.
 */
const UPDATE_WAIT_MS = 15_000;
/** Delegations janedoe makes in a third browser before the dashboards open. */
const ELSEWHERE = 2;

interface Dashboard extends OpenedPage {
  /** Instance that served each GET /api/events of the page, from the proxy's header. */
  eventStreamsServedBy: string[];
  /** Page loads after the dashboard first showed, which would explain an update without events. */
  reloads: number;
}

describe('dashboards on two instances', () => {
  let postgres: PostgresServer;
  let chromium: Browser;

  before(async () => {
    postgres = await startPostgres();
    chromium = await launchChromium();
  });

  after(async () => {
    await chromium?.close();
    await postgres?.stop();
  });

  test("each sees the other's revocation live", { timeout: 120_000 }, async (t) => {
    const cluster = await startCluster({
      postgres,
      overrides: { tracker: { pollIntervalSeconds: LONG_POLL_SECONDS } },
    });
    t.after(() => cluster.close());
    const [elsewhereOne, elsewhereTwo] = await signInElsewhere(cluster);

    const first = await openDashboard(chromium, cluster, A, t);
    await waitForRowCount(first.page, ELSEWHERE + 1);
    const second = await openDashboard(chromium, cluster, B, t);
    await waitForRowCount(second.page, ELSEWHERE + 2);
    await waitForRowCount(first.page, ELSEWHERE + 2);
    const admin = await openAdminPage(chromium, cluster, B, t);
    await rowOf(admin.page, elsewhereOne!).waitFor({ timeout: UPDATE_WAIT_MS });

    await timed(t, 'revocation through A shown on B', async () => {
      await revokeInUi(first.page, elsewhereOne!);
      await rowOf(second.page, elsewhereOne!).waitFor({
        state: 'detached',
        timeout: UPDATE_WAIT_MS,
      });
    });
    await rowOf(admin.page, elsewhereOne!).waitFor({ state: 'detached', timeout: UPDATE_WAIT_MS });
    await timed(t, 'revocation through B shown on A', async () => {
      await revokeInUi(second.page, elsewhereTwo!);
      await rowOf(first.page, elsewhereTwo!).waitFor({
        state: 'detached',
        timeout: UPDATE_WAIT_MS,
      });
    });

    assert.equal(await rows(first.page).count(), 2);
    assert.equal(await rows(second.page).count(), 2);
    for (const [dashboard, instance] of [
      [first, A],
      [second, B],
      [admin, B],
    ] as const) {
      assert.equal(dashboard.reloads, 0, 'the page was not reloaded');
      assert.ok(dashboard.eventStreamsServedBy.length > 0, 'the page opened an event stream');
      assert.deepEqual(new Set(dashboard.eventStreamsServedBy), new Set([String(instance)]));
      dashboard.problems.assertNone();
    }
  });

  test('dashboard polls at the configured interval', { timeout: 120_000 }, async (t) => {
    const cluster = await startCluster({
      postgres,
      overrides: { tracker: { pollIntervalSeconds: SHORT_POLL_SECONDS } },
    });
    t.after(() => cluster.close());
    const [elsewhere] = await signInElsewhere(cluster);

    const dashboard = await openDashboard(chromium, cluster, A, t);
    await waitForRowCount(dashboard.page, ELSEWHERE + 1);

    // Revoked straight at the SCIM endpoint, as another application would: no change event.
    await cluster.instances[B]!.context.directory.revoke(elsewhere!.id);
    await timed(t, 'revocation at the server shown', () =>
      rowOf(dashboard.page, elsewhere!).waitFor({ state: 'detached', timeout: UPDATE_WAIT_MS }),
    );

    assert.equal(dashboard.reloads, 0, 'the page was not reloaded');
    dashboard.problems.assertNone();
  });
});

/**
 * Opens a browser context whose tracker requests all go to instance `instance`, signs `account`
 * in through the UI and the embedded login page, and waits for the dashboard.
 */
async function openDashboard(
  chromium: Browser,
  cluster: Cluster,
  instance: number,
  t: TestContext,
  account: Account = JANE,
): Promise<Dashboard> {
  const opened = await openPage(chromium, {
    baseURL: cluster.publicUrl,
    extraHTTPHeaders: { [PIN_HEADER]: String(instance) },
  });
  t.after(() => opened.context.close());
  const dashboard: Dashboard = { ...opened, eventStreamsServedBy: [], reloads: 0 };
  const { page } = opened;

  page.on('response', (response) => {
    if (new URL(response.url()).pathname !== '/api/events') return;
    dashboard.eventStreamsServedBy.push(response.headers()[SERVED_BY_HEADER] ?? 'unknown');
  });

  await page.goto('/');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Username').fill(account.username);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your sessions' }).waitFor();
  page.on('load', () => {
    dashboard.reloads += 1;
  });
  return dashboard;
}

/** Opens the administrator's list of every user's delegations, in the app without a page load. */
async function openAdminPage(
  chromium: Browser,
  cluster: Cluster,
  instance: number,
  t: TestContext,
): Promise<Dashboard> {
  const admin = await openDashboard(chromium, cluster, instance, t, ADMIN);
  await admin.page.getByRole('link', { name: 'Admin' }).click();
  await admin.page.getByRole('heading', { name: 'All delegations' }).waitFor();
  return admin;
}

function rows(page: Page): Locator {
  return page.getByRole('table').locator('tbody tr');
}

function rowOf(page: Page, delegation: ListedDelegation): Locator {
  return rows(page).filter({ hasText: delegation.delegationId });
}

/** Waits until the table has exactly `count` rows. */
async function waitForRowCount(page: Page, count: number): Promise<void> {
  const all = rows(page);
  await all.nth(count - 1).waitFor({ state: 'attached', timeout: UPDATE_WAIT_MS });
  await all.nth(count).waitFor({ state: 'detached', timeout: UPDATE_WAIT_MS });
}

/**
 * Signs janedoe in ELSEWHERE times in a third browser, through either instance, and returns the
 * delegations made there. Neither dashboard has their tokens, so revoking them ends no session.
 */
async function signInElsewhere(cluster: Cluster): Promise<ListedDelegation[]> {
  const elsewhere = new PinnedBrowser(
    cluster.publicUrl,
    undefined,
    TEST_USER_AGENTS.firefoxWindows,
  );
  for (let signIn = 0; signIn < ELSEWHERE; signIn += 1)
    await signInThrough(cluster, JANE, 'www2', elsewhere);

  const delegations = (await listDelegations(elsewhere)).items.filter((item) => item.thisBrowser);
  assert.equal(delegations.length, ELSEWHERE);
  return delegations;
}

async function revokeInUi(page: Page, delegation: ListedDelegation): Promise<void> {
  await rowOf(page, delegation).getByRole('button', { name: 'Revoke' }).click();
  await page
    .getByRole('dialog', { name: 'Revoke this session?' })
    .getByRole('button', { name: 'Revoke' })
    .click();
  await rowOf(page, delegation).waitFor({ state: 'detached', timeout: UPDATE_WAIT_MS });
}

/** Runs `step` and reports its duration in the test output. Nothing is asserted about the duration. */
async function timed(t: TestContext, label: string, step: () => Promise<void>): Promise<void> {
  const started = performance.now();
  await step();
  t.diagnostic(`${label} after ${Math.round(performance.now() - started)} ms`);
}
