import { expect, Locator, Page, test } from '@playwright/test';
import {
  definitionRow,
  entityTab,
  RUN_TIMEOUT,
  SCREENSHOTS,
  signIn,
} from './portal';

async function openShopJobs(page: Page) {
  await page.goto('/catalog/default/component/shop');
  await entityTab(page, 'Jobs').click();
  await expect(
    page.getByRole('heading', { name: 'Jobs', exact: true }),
  ).toBeVisible();
}

/** Runs a definition from its row, through the confirmation dialog. */
async function run(page: Page, name: string) {
  await definitionRow(page, name)
    .getByRole('button', { name: `Run ${name}`, exact: true })
    .click();
  const dialog = page.getByRole('dialog', { name: `Run ${name}?` });
  await expect(dialog).toContainText(
    `This starts a new run of ${name} on sandbox, now.`,
  );
  // Kubernetes' words wait under "Technical details", closed.
  await expect(dialog).not.toContainText('namespace');
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(dialog).toBeHidden();
}

/** Stops whatever run of a definition is still active, from an earlier attempt. */
async function stopLeftovers(page: Page, name: string) {
  const stop = definitionRow(page, name).getByRole('button', {
    name: /^Stop run /,
  });
  if (await stop.isVisible()) {
    await stop.click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: 'Stop run' })
      .click();
    await expect(
      definitionRow(page, name).getByText('Stopped', { exact: true }),
    ).toBeVisible({
      timeout: RUN_TIMEOUT,
    });
  }
}

/** The history of runs on a Job's page. */
function runsTable(page: Page): Locator {
  return page
    .getByRole('table')
    .filter({ has: page.getByRole('columnheader', { name: 'Finished' }) });
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

  await expect(row.getByText('Running', { exact: true })).toBeVisible({
    timeout: RUN_TIMEOUT,
  });
  await expect(row.getByText('Succeeded', { exact: true })).toBeVisible({
    timeout: RUN_TIMEOUT,
  });
  // The person as the catalog presents them, as everywhere in the portal.
  await expect(row).toContainText('by Guest (team-shop)');
  await page.screenshot({
    path: `${SCREENSHOTS}/jobs-tab.png`,
    fullPage: true,
  });

  // Its logs, in the run's detail, under a heading that names the Job and the time.
  await row.getByRole('link', { name: 'shop-db-migrate', exact: true }).click();
  await expect(
    page.getByRole('heading', { name: 'shop-db-migrate', exact: true }),
  ).toBeVisible();
  await expect(
    page.getByRole('heading', { name: /^shop-db-migrate, run of / }),
  ).toBeVisible();
  await expect(page.getByText('Migration finished successfully')).toBeVisible({
    timeout: RUN_TIMEOUT,
  });
});

test('a failing check says why in plain words on the tab and its page, with Kubernetes’ view under technical details', async ({
  page,
}) => {
  await openShopJobs(page);
  const row = definitionRow(page, 'shop-cache-check');
  await run(page, 'shop-cache-check');
  // The new run shows at once (an earlier attempt may have left a Failed run behind).
  await expect(row.getByText(/^(Pending|Running)$/)).toBeVisible({
    timeout: RUN_TIMEOUT,
  });

  await expect(row.getByText('Failed', { exact: true })).toBeVisible({
    timeout: RUN_TIMEOUT,
  });
  // The cause a person understands (the backend's failure summary), not Kubernetes' reason.
  await expect(row).toContainText('Cache check failed', {
    timeout: RUN_TIMEOUT,
  });
  await expect(row).not.toContainText('BackoffLimitExceeded');

  await row
    .getByRole('link', { name: 'shop-cache-check', exact: true })
    .click();
  const why = page.getByRole('alert').filter({ hasText: 'Why it failed' });
  await expect(why).toContainText('Cache check failed');
  await expect(why).toContainText(/attempt/);
  // And its own words in the log.
  await expect(
    page
      .getByRole('region', { name: /^Logs of container/ })
      .getByText('Cache check failed: 1 of 3 nodes unreachable'),
  ).toBeVisible({ timeout: RUN_TIMEOUT });
  await page
    .getByRole('heading', { name: 'Logs', exact: true })
    .scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENSHOTS}/run-details.png` });

  const technical = page.getByRole('button', {
    name: 'Technical details of this run',
  });
  await technical.click();
  const details = page
    .getByRole('region')
    .filter({ hasText: 'Kubernetes events' });
  await expect(details).toContainText('BackoffLimitExceeded');
});

test('Run is disabled with its reason while the reindex runs; a stopped reindex stays Stopped and keeps its logs after a reload', async ({
  page,
}) => {
  await openShopJobs(page);
  await stopLeftovers(page, 'shop-reindex');
  const row = definitionRow(page, 'shop-reindex');
  await run(page, 'shop-reindex');
  await expect(row.getByText('Running', { exact: true })).toBeVisible({
    timeout: RUN_TIMEOUT,
  });

  // It runs one at a time: Run says so, on the page and to assistive technology.
  const runAgain = row.getByRole('button', {
    name: 'Run shop-reindex',
    exact: true,
  });
  await expect(runAgain).toBeDisabled();
  const reason =
    'A run is in progress, and this Job runs one at a time: wait for it to finish or stop it.';
  await expect(row.getByText(reason)).toBeVisible();
  await expect(runAgain).toHaveAccessibleDescription(reason);

  // Follow its logs in the detail, then stop it from there: the one Stop button of the run.
  await row.getByRole('link', { name: 'shop-reindex', exact: true }).click();
  // The viewer keeps to the end of the log while it grows.
  await expect(
    page.getByText(/^Indexed \d+\/120000 products/).first(),
  ).toBeVisible({ timeout: RUN_TIMEOUT });
  await expect(page.getByRole('checkbox', { name: 'Follow' })).toBeChecked();

  const stop = page.getByRole('button', { name: /^Stop run shop-reindex-/ });
  await expect(stop).toHaveCount(1);
  await stop.click();
  const dialog = page.getByRole('dialog', {
    name: 'Stop this run of shop-reindex?',
  });
  await expect(dialog).toContainText('by Guest (team-shop)');
  await expect(dialog).toContainText('The run stays in the history as Stopped');
  await dialog.getByRole('button', { name: 'Stop run' }).click();
  await expect(dialog).toBeHidden();

  const newest = runsTable(page).getByRole('row').nth(1);
  await expect(newest).toContainText('Stopped', { timeout: RUN_TIMEOUT });
  await expect(newest).toContainText('stopped by Guest (team-shop)');
  await expect(
    page.getByText('This run was stopped before it finished'),
  ).toBeVisible();

  // What it had done is still there after a reload (saved when the run ended).
  await page.reload();
  await expect(
    page.getByText(/^Indexed \d+\/120000 products/).first(),
  ).toBeVisible({ timeout: RUN_TIMEOUT });
  await expect(
    page.getByText(/logs of this run are no longer available/),
  ).toBeHidden();

  // Back to the list: the stopped run is the last run.
  await page.getByRole('link', { name: 'All Jobs' }).click();
  await expect(
    definitionRow(page, 'shop-reindex').getByText('Stopped', { exact: true }),
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
  // The header counts what the table shows, search included.
  // Both newsletter Jobs match "newsletter"; only one matches all three words.
  await filters
    .getByRole('searchbox', { name: 'Search' })
    .fill('newsletter subscriber export');
  await expect(
    page.getByRole('heading', { name: /^Jobs \(1 of \d+\)$/ }),
  ).toBeVisible();
  await filters.getByRole('searchbox', { name: 'Search' }).fill('no-such-job');
  await expect(page.getByText('No Jobs match these filters')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).last().click();
  await expect(definitionRow(page, 'shop-db-migrate')).toBeVisible();

  await filters.getByRole('button', { name: /^Namespace/ }).click();
  await page.getByRole('option', { name: 'marketing' }).click();
  await expect(definitionRow(page, 'shop-db-migrate')).toBeHidden();
  await expect(definitionRow(page, 'newsletter-export')).toBeVisible();

  await definitionRow(page, 'newsletter-export')
    .getByRole('link', { name: 'newsletter', exact: true })
    .click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/newsletter/);
});

test('the nightly export asks for its choices, runs with them, offers Run again, and its schedule can be paused and resumed', async ({
  page,
}) => {
  await openShopJobs(page);
  const row = definitionRow(page, 'shop-nightly-export');
  await row
    .getByRole('button', { name: 'Run shop-nightly-export', exact: true })
    .click();
  const dialog = page.getByRole('dialog', { name: 'Run shop-nightly-export?' });
  const form = dialog.getByRole('form', { name: 'Choices for this run' });
  await form.getByLabel(/Day to export/).fill('2026-11-30');
  // Out of range: the dialog refuses before anything is sent.
  const most = form.getByLabel(/At most this many orders/);
  await most.fill('0');
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(form).toContainText(/at least 1/i);
  await most.fill('120');
  await form.getByLabel(/Dry run/).check();
  await page.screenshot({ path: `${SCREENSHOTS}/run-dialog-parameters.png` });
  // Later: a time offered in the user's own zone, said in words; this run goes now, though.
  await dialog.getByRole('radio', { name: 'At…' }).check();
  await expect(dialog.getByText(/Time zone: /)).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/run-dialog-later.png` });
  await dialog.getByRole('radio', { name: 'Now' }).check();
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(row.getByText('Succeeded', { exact: true })).toBeVisible({
    timeout: RUN_TIMEOUT,
  });

  // The run's page: the values it ran with, and its own words in the log prove they reached it.
  await row
    .getByRole('link', { name: 'shop-nightly-export', exact: true })
    .click();
  const chosen = page.getByRole('definition').filter({ hasText: '120' });
  await expect(chosen.first()).toBeVisible();
  await expect(
    page.getByText(
      'Exporting the orders of 2026-11-30 as csv (at most 120) to s3://shop-exports/',
    ),
  ).toBeVisible({ timeout: RUN_TIMEOUT });
  await expect(
    page.getByText('Dry run: 1832 orders found, nothing written'),
  ).toBeVisible();

  await page
    .getByRole('button', {
      name: 'Run shop-nightly-export again with these values',
    })
    .click();
  const again = page.getByRole('dialog', { name: 'Run shop-nightly-export?' });
  await expect(again.getByLabel(/Day to export/)).toHaveValue('2026-11-30');
  await again.getByRole('button', { name: 'Cancel' }).click();

  // The schedule, in words, paused and resumed by its owners.
  const schedule = page.getByRole('group', { name: 'Schedule' });
  await expect(schedule).toContainText(
    'Runs on its own every day at 02:00 (Europe/Paris)',
  );
  await schedule
    .getByRole('button', { name: 'Pause the schedule of shop-nightly-export' })
    .click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: 'Pause schedule' })
    .click();
  await expect(schedule).toContainText('The schedule is paused', {
    timeout: RUN_TIMEOUT,
  });
  await page.reload();
  await expect(page.getByRole('group', { name: 'Schedule' })).toContainText(
    'The schedule is paused',
  );
  await page
    .getByRole('group', { name: 'Schedule' })
    .getByRole('button', { name: 'Resume the schedule of shop-nightly-export' })
    .click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: 'Resume schedule' })
    .click();
  await expect(page.getByRole('group', { name: 'Schedule' })).toContainText(
    'Runs on its own',
    { timeout: RUN_TIMEOUT },
  );
});
