import type { Page, Request } from 'playwright-core';

export interface DelayedRequest {
  /** Resolves when a matching request has arrived and waits for `release()`. */
  arrived: Promise<void>;
  /** Sends the delayed request on to the tracker and lets later ones pass. */
  release(): Promise<void>;
}

/**
 * Delays the first request to `path` that `matches` accepts until `release()`, so that a test can
 * look at what the page shows while it waits, such as a progress bar that a fast run would skip.
 * Other requests pass unchanged.
 */
export async function delayRequest(
  page: Page,
  path: string,
  matches: (request: Request) => boolean = () => true,
): Promise<DelayedRequest> {
  let markArrived!: () => void;
  let open!: () => void;
  const arrived = new Promise<void>((resolve) => (markArrived = resolve));
  const gate = new Promise<void>((resolve) => (open = resolve));
  let sent: Promise<void> | undefined;
  const pattern = (url: URL) => url.pathname === path;

  await page.route(pattern, async (route) => {
    if (sent || !matches(route.request())) return route.continue();
    sent = gate.then(() => route.continue());
    markArrived();
    return sent;
  });

  return {
    arrived,
    async release() {
      open();
      // Unrouting first would let Playwright continue the delayed request itself, before this does.
      await sent;
      await page.unroute(pattern);
    },
  };
}

/**
 * Records the origin and path of every document the page navigates to. Query strings are left out
 * because sign-in and logout URLs carry codes, state and ID token hints.
 */
export function recordNavigations(page: Page): string[] {
  const visited: string[] = [];
  page.on('request', (request) => {
    if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
    const url = new URL(request.url());
    visited.push(`${url.origin}${url.pathname}`);
  });
  return visited;
}
