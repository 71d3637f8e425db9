import type { Browser, BrowserContextOptions } from 'playwright-core';
import { startStack, type Stack } from '../../helpers/stack.ts';
import {
  launchChromium,
  openPage,
  type OpenedPage,
  type WatchOptions,
} from '../helpers/chromium.ts';

/** One browser profile: its own cookies and storage, like a separate browser on another device. */
export interface Profile extends OpenedPage {
  name: string;
}

export type ProfileOptions = WatchOptions & Pick<BrowserContextOptions, 'userAgent'>;

export interface BrowserStack {
  stack: Stack;
  /** Opens a profile whose pages start at the tracker; `name` labels its problems in failures. */
  openProfile(name: string, options?: ProfileOptions): Promise<Profile>;
}

/**
 * Starts the embedded server, the tracker and Chromium, runs `scenario`, then fails if any page of
 * any profile reported an unexpected console error, uncaught exception or CSP violation. The
 * browser and the stack are closed at the end whether the scenario passed or not.
 */
export async function withBrowserStack(
  scenario: (env: BrowserStack) => Promise<void>,
  overrides: unknown = {},
): Promise<void> {
  const stack = await startStack(overrides);
  const profiles: Profile[] = [];
  let browser: Browser | undefined;

  try {
    browser = await launchChromium();
    const opened = browser;
    const openProfile = async (name: string, options: ProfileOptions = {}): Promise<Profile> => {
      const profile = {
        name,
        ...(await openPage(opened, { baseURL: stack.trackerUrl, ...options })),
      };
      profiles.push(profile);
      return profile;
    };

    try {
      await scenario({ stack, openProfile });
    } catch (error) {
      throw explainFailure(error, profiles);
    }
    assertNoPageProblems(profiles);
  } finally {
    await browser?.close();
    await stack.close();
  }
}

function problemReport(profiles: Profile[]): string {
  return profiles
    .filter((profile) => profile.problems.list.length > 0)
    .map((profile) => `${profile.name}:\n  ${profile.problems.list.join('\n  ')}`)
    .join('\n');
}

function assertNoPageProblems(profiles: Profile[]): void {
  const report = problemReport(profiles);
  if (report !== '')
    throw new Error(redactUrlSecrets(`Pages reported unexpected problems:\n${report}`));
}

/**
 * Adds the pages' problems to a scenario's failure, because they often explain it, and removes
 * codes and state from URLs that Playwright's call log quotes.
 */
function explainFailure(error: unknown, profiles: Profile[]): unknown {
  if (!(error instanceof Error)) return error;
  const report = problemReport(profiles);
  const message =
    report === '' ? error.message : `${error.message}\n\nThe pages also reported:\n${report}`;
  error.message = redactUrlSecrets(message);
  if (error.stack !== undefined) error.stack = redactUrlSecrets(error.stack);
  return error;
}

/** Query parameters that carry an authorization code, a state or an ID token. */
const SECRET_PARAMETERS = /([?&](?:code|state|id_token_hint|session_state)=)[^&\s"']*/g;

function redactUrlSecrets(text: string): string {
  return text.replace(SECRET_PARAMETERS, '$1[redacted]');
}
