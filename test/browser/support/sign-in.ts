import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { Account } from './accounts.ts';

/**
 * Signs in from the tracker's signed-out page as a person would: picks the application, submits
 * the embedded server's login form and waits for the dashboard. Fails if the server skips the
 * login form. Returns the callback URL the server redirected to, which carries a live code and
 * state, so never print it.
 */
export async function signInFromStart(
  page: Page,
  account: Account,
  clientLabel: string,
): Promise<URL> {
  await page.goto('/');
  const trackerOrigin = new URL(page.url()).origin;
  await page.getByLabel('Application').selectOption({ label: clientLabel });
  await page.getByRole('button', { name: 'Sign in' }).click();

  // Wait for whichever comes first, so a silent single sign-on fails here with a clear message.
  const loginHeading = page.getByRole('heading', { name: `Sign in to ${clientLabel}` });
  await loginHeading.or(dashboardHeading(page)).waitFor();
  assert.equal(
    await loginHeading.count(),
    1,
    `The sign-in of ${account.username} returned to the tracker without showing the login form.`,
  );

  await page.getByLabel('Username').fill(account.username);
  await page.getByLabel('Password').fill(account.password);
  const callback = waitForCallback(page, trackerOrigin);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const callbackUrl = await callback;
  await dashboardHeading(page).waitFor();
  return callbackUrl;
}

/**
 * Starts a sign-in with another application from the header's dialog and waits until the browser
 * is back on the dashboard. The server's single sign-on session lets it return without a form.
 */
export async function signInWithAnotherApplication(page: Page, clientLabel: string): Promise<void> {
  const trackerOrigin = new URL(page.url()).origin;
  await page.getByRole('button', { name: 'Sign in with another application' }).click();
  const dialog = page.getByRole('dialog', { name: 'Sign in with another application' });
  await dialog.getByLabel('Application').selectOption({ label: clientLabel });

  const callback = waitForCallback(page, trackerOrigin);
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await callback;
  await dashboardHeading(page).waitFor();
}

/**
 * Chromium's console message for a list reload that the dashboard sent just before it left for
 * another sign-in. The reload reaches the tracker after that sign-in replaced the session, so it
 * gets 401, but the page is being replaced by then and shows nothing of it.
 */
export const RELOAD_BEFORE_SIGN_IN =
  /Failed to load resource: the server responded with a status of 401 .*\/api\/delegations\?/;

export function dashboardHeading(page: Page) {
  return page.getByRole('heading', { name: 'Your sessions' });
}

async function waitForCallback(page: Page, trackerOrigin: string): Promise<URL> {
  const request = await page.waitForRequest((candidate) => {
    const url = new URL(candidate.url());
    return url.origin === trackerOrigin && url.pathname === '/auth/callback';
  });
  return new URL(request.url());
}
