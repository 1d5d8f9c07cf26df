import { expect, Page, test } from '@playwright/test';
import { entityTab } from './entityPage';

/**
 * Signed in as another user (scripts/e2e.sh restarts the backend with DEMO_USER=user:default/marco):
 * Marco is in team-marketing, so the sample policy lets him run the newsletter's Jobs and only look
 * at the shop's. Tagged @as-marco: it runs only in that phase.
 */

async function signIn(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  const sidebar = page.getByRole('link', { name: 'Jobs', exact: true });
  await expect(enter.or(sidebar)).toBeVisible();
  if (await enter.isVisible()) await enter.click();
  await expect(sidebar).toBeVisible();
}

function runButton(page: Page, name: string) {
  return page
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name, exact: true }) })
    .getByRole('button', { name: `Run ${name}`, exact: true });
}

test('@as-marco a marketing lead runs the newsletter’s Jobs and only looks at the shop’s', async ({
  page,
}) => {
  await signIn(page);

  await page.goto('/catalog/default/component/newsletter');
  await entityTab(page, 'Jobs').click();
  await expect(runButton(page, 'newsletter-export')).toBeEnabled();

  await page.goto('/catalog/default/component/shop');
  await entityTab(page, 'Jobs').click();
  await expect(runButton(page, 'shop-db-migrate')).toBeDisabled();
  await expect(runButton(page, 'shop-db-migrate')).toHaveAccessibleDescription(
    'Only members of team-shop can run this Job',
  );

  // He still sees what ran and who ran it: the guest's migration from the first phase.
  await expect(
    page.getByRole('row').filter({
      has: page.getByRole('link', { name: 'shop-db-migrate', exact: true }),
    }),
  ).toContainText(/Succeeded|Stopped|Failed/);
});
