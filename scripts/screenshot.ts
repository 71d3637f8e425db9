/**
 * Takes docs/images/dashboard.png from the real stack: the embedded authorization server and the
 * tracker on loopback, janedoe signed in with www in one browser and with www2 in another.
 *
 * Run with `npx tsx scripts/screenshot.ts` after `npm run build:web`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openPage, type OpenedPage } from '../test/browser/helpers/chromium.ts';
import { startStack } from '../test/helpers/stack.ts';

const OUTPUT = fileURLToPath(new URL('../docs/images/dashboard.png', import.meta.url));
const JANE = { username: 'janedoe', password: 'jane-demo-pass' };

// The second browser reports itself as Firefox on Windows, so the two rows show two devices.
const FIREFOX_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';

/** Signs in through the tracker's sign-in page and the embedded login form, as a user would. */
async function signIn(page: Page, trackerUrl: string, clientLabel: string): Promise<void> {
  await page.goto(trackerUrl);
  await page.getByLabel('Application').selectOption({ label: clientLabel });
  await page.getByRole('button', { name: 'Sign in' }).click();

  await page.getByLabel('Username').fill(JANE.username);
  await page.getByLabel('Password').fill(JANE.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your sessions' }).waitFor();
}

async function openBrowser(browser: Browser, userAgent?: string): Promise<OpenedPage> {
  return openPage(browser, {
    viewport: { width: 1280, height: 400 },
    ...(userAgent ? { userAgent } : {}),
  });
}

async function main(): Promise<void> {
  const stack = await startStack();
  const browser = await launchChromium();
  try {
    const first = await openBrowser(browser);
    const second = await openBrowser(browser, FIREFOX_WINDOWS);
    await signIn(first.page, stack.trackerUrl, 'Web shop (www)');
    await signIn(second.page, stack.trackerUrl, 'Partner portal (www2)');

    // The first browser's list learns of the second sign-in from a change event or its next poll;
    // a reload shows it at once.
    await first.page.reload();
    await first.page.getByRole('cell', { name: /Partner portal/ }).waitFor();
    await first.page.getByRole('row', { name: /This browser/ }).waitFor();

    mkdirSync(dirname(OUTPUT), { recursive: true });
    await first.page.screenshot({ path: OUTPUT, fullPage: true });
    first.problems.assertNone();
    second.problems.assertNone();
    console.log(`Saved ${OUTPUT}`);
  } finally {
    await browser.close();
    await stack.close();
  }
}

await main();
