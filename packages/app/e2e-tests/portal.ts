import { expect, Locator, Page } from '@playwright/test';

/**
 * Screenshots from the real app: into the test report, or, with UPDATE_SCREENSHOTS=1, into
 * docs/screenshots for the READMEs.
 */
export const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? `${__dirname}/../../../docs/screenshots`
  : `${__dirname}/../../../e2e-test-report/screenshots`;

/** A run takes a few seconds to start, and a tab follows it by push. */
export const RUN_TIMEOUT = 90_000;

/**
 * A tab of a catalog entity's page. The new frontend system's entity page lists its tabs as links
 * under "Content navigation" (the legacy one used a tab list).
 */
export function entityTab(page: Page, name: string): Locator {
  return page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name, exact: true });
}

/**
 * Signs in as the demo's guest, whoever scripts/e2e.sh made it (DEMO_USER): the sign-in page
 * shows an Enter button, or signs in by itself when it can; the sidebar's link to the Jobs page
 * shows the app is signed in and ready.
 */
export async function signIn(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  const sidebar = page.getByRole('link', { name: 'Jobs', exact: true });
  await expect(enter.or(sidebar)).toBeVisible();
  if (await enter.isVisible()) {
    await enter.click();
  }
  await expect(sidebar).toBeVisible();
}

/** The signed-in user's Backstage token, for requests made past the page's buttons. */
export async function guestToken(page: Page): Promise<string> {
  const response = await page.request.get('/api/auth/guest/refresh', {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  expect(response.ok()).toBe(true);
  return (await response.json()).backstageIdentity.token;
}

/** The row of a Job in the tab's or the Jobs page's table. */
export function definitionRow(page: Page, name: string): Locator {
  return page
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name, exact: true }) });
}
