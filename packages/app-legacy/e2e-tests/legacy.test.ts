import { expect, Locator, Page, test } from '@playwright/test';

/*
 * The legacy frontend system's wiring (packages/app-legacy: `EntityLayout.Route path="/jobs"`
 * and the routable page): the tab, a run to its end, and a stopped run. The full set of flows runs
 * on the new frontend system's app (packages/app/e2e-tests).
 */

// A run takes a few seconds to start and the tab follows it by push or polling.
const RUN_TIMEOUT = 90_000;

async function signIn(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  const sidebar = page.getByRole('link', { name: 'Jobs', exact: true });
  await expect(enter.or(sidebar)).toBeVisible();
  if (await enter.isVisible()) {
    await enter.click();
  }
  await expect(sidebar).toBeVisible();
}

function definitionRow(page: Page, name: string): Locator {
  return page
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name, exact: true }) });
}

async function openShopJobs(page: Page) {
  await page.goto('/catalog/default/component/shop');
  await page.getByRole('tab', { name: 'Jobs' }).click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/shop\/jobs$/);
  await expect(
    page.getByRole('heading', { name: 'Jobs', exact: true }),
  ).toBeVisible();
}

async function run(page: Page, name: string) {
  await definitionRow(page, name)
    .getByRole('button', { name: `Run ${name}`, exact: true })
    .click();
  const dialog = page.getByRole('dialog', { name: `Run ${name}?` });
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(dialog).toBeHidden();
}

async function stopActiveRun(page: Page, name: string) {
  await definitionRow(page, name)
    .getByRole('button', { name: /^Stop run / })
    .click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: 'Stop run' })
    .click();
  await expect(
    definitionRow(page, name).getByText('Stopped', { exact: true }),
  ).toBeVisible({ timeout: RUN_TIMEOUT });
}

test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test('legacy app: the Jobs tab of the shop component lists its Jobs', async ({
  page,
}) => {
  await openShopJobs(page);
  for (const name of ['shop-db-migrate', 'shop-reindex']) {
    await expect(
      definitionRow(page, name).getByRole('button', {
        name: `Run ${name}`,
        exact: true,
      }),
    ).toBeVisible();
  }
  // The entity overview carries the Jobs card too.
  await page.getByRole('tab', { name: 'Overview' }).click();
  await expect(page.getByText('shop-db-migrate').first()).toBeVisible();
});

test('legacy app: a migration runs to Succeeded without a reload', async ({
  page,
}) => {
  await openShopJobs(page);
  const row = definitionRow(page, 'shop-db-migrate');
  await run(page, 'shop-db-migrate');
  await expect(row.getByText('Running', { exact: true })).toBeVisible({
    timeout: RUN_TIMEOUT,
  });
  await expect(row.getByText('Succeeded', { exact: true })).toBeVisible({
    timeout: RUN_TIMEOUT,
  });
  await expect(row).toContainText('by Guest (team-shop)');
});

test('legacy app: a stopped reindex stays Stopped; the Jobs page lists it', async ({
  page,
}) => {
  await openShopJobs(page);
  const row = definitionRow(page, 'shop-reindex');
  // An earlier run of the suite (or of the other app) may have left one running.
  if (await row.getByRole('button', { name: /^Stop run / }).isVisible()) {
    await stopActiveRun(page, 'shop-reindex');
  }
  await run(page, 'shop-reindex');
  await expect(row.getByText('Running', { exact: true })).toBeVisible({
    timeout: RUN_TIMEOUT,
  });
  await stopActiveRun(page, 'shop-reindex');

  await page.getByRole('link', { name: 'Jobs', exact: true }).click();
  await expect(page).toHaveURL(/\/kubernetes-jobs/);
  await expect(
    definitionRow(page, 'shop-reindex').getByText('Stopped', { exact: true }),
  ).toBeVisible();
});
