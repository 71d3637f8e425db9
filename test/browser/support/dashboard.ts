import type { Locator, Page } from 'playwright-core';

/** Returns the rows of the dashboard's table of the user's delegations, without the header row. */
export function sessionRows(page: Page): Locator {
  return page
    .getByRole('table', { name: 'Your sessions' })
    .getByRole('row')
    .filter({ has: page.getByRole('cell') });
}

/** Returns the rows of `clientLabel` made in this browser (`here`) or in another one (`elsewhere`). */
export function sessionRowsOf(
  page: Page,
  clientLabel: string,
  where: 'here' | 'elsewhere',
): Locator {
  const rows = sessionRows(page).filter({ hasText: clientLabel });
  const mark = thisBrowserMark(page);
  return where === 'here' ? rows.filter({ has: mark }) : rows.filter({ hasNot: mark });
}

/** Returns the badge that marks a delegation made in the browser that shows the page. */
export function thisBrowserMark(scope: Page | Locator): Locator {
  return scope.getByText('This browser', { exact: true });
}

/** Returns the live region that shows toasts. */
export function toasts(page: Page): Locator {
  return page.getByRole('region', { name: 'Notifications' });
}

/**
 * Waits until `locator` matches exactly `count` elements, within Playwright's default timeout.
 * The error names the elements by `description` and gives the count found at the end.
 */
export async function waitForCount(
  locator: Locator,
  count: number,
  description: string,
): Promise<void> {
  try {
    if (count > 0) await locator.nth(count - 1).waitFor({ state: 'attached' });
    await locator.nth(count).waitFor({ state: 'detached' });
  } catch (error) {
    const found = await locator.count();
    throw new Error(`Expected ${count} ${description}, found ${found}.`, { cause: error });
  }
}

/** Returns the text of the element that `aria-describedby` of `element` points to, or null. */
export async function accessibleDescription(element: Locator): Promise<string | null> {
  const id = await element.getAttribute('aria-describedby');
  if (id === null) return null;
  return element.page().locator(`[id="${id}"]`).textContent();
}
