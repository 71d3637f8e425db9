import { existsSync } from 'node:fs';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';

/** The Debian Chromium package; SESSION_TRACKER_CHROMIUM names another binary. */
export const CHROMIUM_EXECUTABLE = process.env.SESSION_TRACKER_CHROMIUM ?? '/usr/bin/chromium';

// No sandbox because test containers often run as root, where Chromium refuses to start with one.
// The rest keeps Chromium from calling out to any host while tests run.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_EXECUTABLE)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_EXECUTABLE}. Install the Debian package "chromium" or set SESSION_TRACKER_CHROMIUM to the browser's path.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS });
}

/** Console errors, uncaught exceptions and Content-Security-Policy violations of one page. */
export interface PageProblems {
  readonly list: string[];
  /** Throws an error that lists every problem not matched by an `allow` pattern. */
  assertNone(): void;
}

export interface WatchOptions {
  /** Console error texts that the test expects, such as the failed request of a 403 it provokes. */
  allow?: RegExp[];
}

/**
 * Records what should make a page test fail. Call it before the first navigation, because the
 * CSP listener is installed as an init script.
 */
export async function watchPage(page: Page, options: WatchOptions = {}): Promise<PageProblems> {
  const allow = options.allow ?? [];
  const list: string[] = [];
  const record = (problem: string) => {
    if (!allow.some((pattern) => pattern.test(problem))) list.push(problem);
  };

  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const { url, lineNumber } = message.location();
    record(`console error: ${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
  });
  page.on('pageerror', (error) => record(`uncaught exception: ${error.message}`));

  // Chromium also logs violations to the console, but the event names the directive reliably.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(
        `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline code'}`,
      );
    });
  });

  return {
    list,
    assertNone() {
      if (list.length > 0)
        throw new Error(`The page reported ${list.length} problem(s):\n${list.join('\n')}`);
    },
  };
}

/** Returns the console text Chromium logs for a response with `status`, for `WatchOptions.allow`. */
export function failedResource(status: number): RegExp {
  return new RegExp(`Failed to load resource: the server responded with a status of ${status}\\b`);
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  problems: PageProblems;
}

/** Opens a page in a fresh context (its own cookies, like a separate browser) and watches it. */
export async function openPage(
  browser: Browser,
  options: BrowserContextOptions & WatchOptions = {},
): Promise<OpenedPage> {
  const { allow, ...contextOptions } = options;
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    ...contextOptions,
  });
  const page = await context.newPage();
  const problems = await watchPage(page, allow ? { allow } : {});
  return { context, page, problems };
}
