import { expect, Locator, Page, test } from '@playwright/test';

// Screenshots from the real app: into the test report, or, with UPDATE_SCREENSHOTS=1, into
// docs/screenshots for the READMEs.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? `${__dirname}/../../../docs/screenshots`
  : `${__dirname}/../../../e2e-test-report/screenshots`;

// A run takes a few seconds to start and the tab refreshes every 3 seconds.
const RUN_TIMEOUT = 90_000;

async function signIn(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  // The sidebar's link to the Jobs page shows the app is signed in and ready.
  const sidebar = page.getByRole('link', { name: 'Jobs', exact: true });
  // The guest sign-in page shows an Enter button, or signs in by itself when it can.
  await expect(enter.or(sidebar)).toBeVisible();
  if (await enter.isVisible()) {
    await enter.click();
  }
  await expect(sidebar).toBeVisible();
}

async function openShopJobs(page: Page) {
  await page.goto('/catalog/default/component/shop');
  await page.getByRole('tab', { name: 'Jobs' }).click();
  await expect(
    page.getByRole('heading', { name: 'Jobs', exact: true }),
  ).toBeVisible();
}

function definitionRow(page: Page, name: string): Locator {
  return page
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name, exact: true }) });
}

/** Runs a definition from its row, through the confirmation dialog. */
async function run(page: Page, name: string) {
  await definitionRow(page, name)
    .getByRole('button', { name: `Run ${name}`, exact: true })
    .click();
  const dialog = page.getByRole('dialog', { name: `Run ${name}?` });
  await expect(dialog).toContainText(
    `This starts a new run of the Job ${name}`,
  );
  await expect(dialog).toContainText('on cluster sandbox');
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(dialog).toBeHidden();
}

/** Kills whatever run of a definition is still active, from an earlier attempt. */
async function killLeftovers(page: Page, name: string) {
  const kill = definitionRow(page, name).getByRole('button', {
    name: /^Kill run /,
  });
  if (await kill.isVisible()) {
    await kill.click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: 'Kill run' })
      .click();
    await expect(definitionRow(page, name).getByText('Killed')).toBeVisible({
      timeout: RUN_TIMEOUT,
    });
  }
}

test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test('the Jobs tab lists the shop component’s Jobs, ready to run', async ({
  page,
}) => {
  await openShopJobs(page);
  for (const name of [
    'shop-db-migrate',
    'shop-cache-check',
    'shop-reindex',
    'shop-nightly-export',
  ]) {
    await expect(definitionRow(page, name)).toBeVisible();
    await expect(
      definitionRow(page, name).getByRole('button', {
        name: `Run ${name}`,
        exact: true,
      }),
    ).toBeEnabled();
  }
  await expect(definitionRow(page, 'shop-nightly-export')).toContainText(
    'Runs every day at 02:00',
  );
});

test('a migration runs, and the tab follows it to Succeeded without a reload', async ({
  page,
}) => {
  await openShopJobs(page);
  const row = definitionRow(page, 'shop-db-migrate');
  await run(page, 'shop-db-migrate');

  await expect(row.getByText('Running')).toBeVisible({ timeout: RUN_TIMEOUT });
  await expect(row.getByText('Succeeded')).toBeVisible({
    timeout: RUN_TIMEOUT,
  });
  await expect(row).toContainText(/guest/i);
  await page.screenshot({
    path: `${SCREENSHOTS}/jobs-tab.png`,
    fullPage: true,
  });

  // Its logs, in the run's detail.
  await row.getByRole('link', { name: 'shop-db-migrate', exact: true }).click();
  await expect(
    page.getByRole('heading', { name: 'shop-db-migrate' }),
  ).toBeVisible();
  await expect(page.getByText('Migration finished successfully')).toBeVisible({
    timeout: RUN_TIMEOUT,
  });
});

test('a failing check shows Failed with its reason, its logs and events', async ({
  page,
}) => {
  await openShopJobs(page);
  const row = definitionRow(page, 'shop-cache-check');
  await run(page, 'shop-cache-check');
  // The new run shows at once (an earlier attempt may have left a Failed run behind).
  await expect(row.getByText(/^(Pending|Running)$/)).toBeVisible({
    timeout: RUN_TIMEOUT,
  });

  await expect(row.getByText('Failed')).toBeVisible({ timeout: RUN_TIMEOUT });
  await expect(row).toContainText('BackoffLimitExceeded');

  await row
    .getByRole('link', { name: 'shop-cache-check', exact: true })
    .click();
  await expect(page.getByText(/^Failed: BackoffLimitExceeded/)).toBeVisible();
  await expect(
    page.getByText('Cache check failed: 1 of 3 nodes unreachable'),
  ).toBeVisible({ timeout: RUN_TIMEOUT });
  // The page scrolls inside Backstage's layout: bring the run's logs into view.
  await page.getByRole('tab', { name: 'Logs' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENSHOTS}/run-details.png` });

  await page.getByRole('tab', { name: 'Events' }).click();
  await expect(page.getByRole('tabpanel')).toContainText(
    'BackoffLimitExceeded',
  );
});

test('a long reindex can be killed, stays in the history as Killed, and keeps its logs', async ({
  page,
}) => {
  await openShopJobs(page);
  await killLeftovers(page, 'shop-reindex');
  const row = definitionRow(page, 'shop-reindex');
  await run(page, 'shop-reindex');
  await expect(row.getByText('Running')).toBeVisible({ timeout: RUN_TIMEOUT });

  // A second Run while it runs: the backend refuses, and the dialog says why.
  await row
    .getByRole('button', { name: 'Run shop-reindex', exact: true })
    .click();
  const dialog = page.getByRole('dialog', { name: 'Run shop-reindex?' });
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText(
    'The run was not started',
  );
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // Follow its logs in the detail, then kill it from there.
  await row.getByRole('link', { name: 'shop-reindex', exact: true }).click();
  // The viewer keeps to the end of the log while it grows.
  await expect(
    page.getByText(/^Indexed \d+\/120000 products/).first(),
  ).toBeVisible({ timeout: RUN_TIMEOUT });
  await expect(page.getByRole('checkbox', { name: 'Follow' })).toBeChecked();

  await page
    .getByRole('button', { name: /^Kill run shop-reindex-/ })
    .first()
    .click();
  const kill = page.getByRole('dialog', {
    name: 'Kill this run of shop-reindex?',
  });
  await expect(kill).toContainText('The run stays in the history as Killed');
  await kill.getByRole('button', { name: 'Kill run' }).click();
  await expect(kill).toBeHidden();

  const runs = page.getByRole('table').filter({ hasText: 'Triggered by' });
  await expect(runs.getByRole('row').nth(1)).toContainText('Killed', {
    timeout: RUN_TIMEOUT,
  });
  await expect(runs.getByRole('row').nth(1)).toContainText(/guest/i);
  await expect(
    page.getByText('This run was killed before it finished'),
  ).toBeVisible();

  // Back to the list: the kill is the last run.
  await page.getByRole('link', { name: 'All Jobs' }).click();
  await expect(
    definitionRow(page, 'shop-reindex').getByText('Killed'),
  ).toBeVisible();
});

test('the Jobs page lists every Job with filters and links to its component', async ({
  page,
}) => {
  await page.getByRole('link', { name: 'Jobs' }).first().click();
  await expect(page).toHaveURL(/\/kubernetes-jobs/);
  await expect(definitionRow(page, 'newsletter-export')).toBeVisible();
  await expect(definitionRow(page, 'shop-db-migrate')).toBeVisible();
  await page.screenshot({
    path: `${SCREENSHOTS}/jobs-page.png`,
    fullPage: true,
  });

  const filters = page.getByRole('search', { name: 'Filter Jobs' });
  await filters.getByRole('button', { name: /^Namespace/ }).click();
  await page.getByRole('option', { name: 'marketing' }).click();
  await expect(definitionRow(page, 'shop-db-migrate')).toBeHidden();
  await expect(definitionRow(page, 'newsletter-export')).toBeVisible();

  await definitionRow(page, 'newsletter-export')
    .getByRole('link', { name: 'newsletter', exact: true })
    .click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/newsletter/);
});
