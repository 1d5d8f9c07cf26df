import { expect, Page, test } from '@playwright/test';
import {
  definitionRow,
  entityTab,
  RUN_TIMEOUT,
  SCREENSHOTS,
  signIn,
} from './portal';

/**
 * Runs that wait, as the guest (team-shop, owner of `shop`): one asked for on a Job that needs an
 * SRE's approval (approved in the @as-sam phase, after Marco found he cannot, in @as-marco), and
 * one planned a minute ahead that starts by itself while the tab stays open.
 */

test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ page }) => {
  await signIn(page);
  await page.goto('/catalog/default/component/shop');
  await entityTab(page, 'Jobs').click();
});

function waitingRun(page: Page, name: string) {
  return page
    .getByRole('region', { name: 'Waiting runs' })
    .getByRole('listitem')
    .filter({ hasText: `${name}:` });
}

/** "YYYY-MM-DDTHH:MM" in the browser's zone, the next whole minute at least a minute ahead. */
function aMinuteAhead(page: Page): Promise<string> {
  return page.evaluate(() => {
    const at = new Date(Date.now() + 60_000);
    at.setSeconds(0, 0);
    at.setMinutes(at.getMinutes() + 1);
    const two = (n: number) => String(n).padStart(2, '0');
    return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(
      at.getDate(),
    )}T${two(at.getHours())}:${two(at.getMinutes())}`;
  });
}

test('a Job that needs approval is asked for and waits for an SRE; whoever asked cannot approve it', async ({
  page,
}) => {
  const name = 'shop-price-update';
  const row = definitionRow(page, name);
  await row
    .getByRole('button', { name: `Ask for a run of ${name}`, exact: true })
    .click();
  const dialog = page.getByRole('dialog', {
    name: `Ask for a run of ${name}?`,
  });
  await expect(dialog).toContainText('runs only once someone else approves');
  await expect(dialog).toContainText('sre');
  await dialog
    .getByRole('button', { name: 'Ask for a run', exact: true })
    .click();

  const asked = page.getByRole('dialog', { name: `Run of ${name} asked for` });
  await expect(asked).toContainText('before it runs');
  await asked.getByRole('button', { name: 'Close' }).click();

  const item = waitingRun(page, name).first();
  await expect(item).toContainText(
    'Waiting for approval from sre (asked by Guest (team-shop)',
  );
  await expect(item).toContainText(
    'You asked for this run: someone else must approve it',
  );
  await expect(
    item.getByRole('button', { name: /^Approve the run of / }),
  ).toHaveCount(0);
  // Nothing ran: the Job's last run is still none.
  await expect(row.getByText(/^(Pending|Running)$/)).toHaveCount(0);
});

test('a run planned a minute ahead starts by itself while the tab stays open', async ({
  page,
}) => {
  // It waits for its minute, then runs for about 15 seconds.
  test.setTimeout(360_000);
  const name = 'shop-db-migrate';
  await definitionRow(page, name)
    .getByRole('button', { name: `Run ${name}`, exact: true })
    .click();
  const dialog = page.getByRole('dialog', { name: `Run ${name}?` });
  await dialog.getByRole('radio', { name: 'At…' }).check();
  await dialog.getByLabel('Date and time').fill(await aMinuteAhead(page));
  await expect(dialog).toContainText(/in (1|2) minutes?/);
  await dialog.getByRole('button', { name: 'Run at this time' }).click();

  const planned = page.getByRole('dialog', { name: `Run of ${name} planned` });
  await expect(planned).toContainText(/It will run .*\d\d:\d\d/);
  await planned.getByRole('button', { name: 'Close' }).click();

  const item = waitingRun(page, name).first();
  await expect(item).toContainText(
    /Runs (today|tonight|tomorrow) at \d\d:\d\d.*, asked by Guest \(team-shop\)/,
  );
  await expect(
    item.getByRole('button', {
      name: `Cancel the run of ${name} asked by guest`,
    }),
  ).toBeVisible();
  // The tab with both runs waiting: one for its time, one for an approval.
  await page.screenshot({
    path: `${SCREENSHOTS}/waiting-runs.png`,
    fullPage: true,
  });

  // No reload from here: the backend starts it at its time, and push brings it to the tab.
  await expect(item).toBeHidden({ timeout: 240_000 });
  const row = definitionRow(page, name);
  await expect(row.getByText(/^(Running|Succeeded)$/)).toBeVisible({
    timeout: RUN_TIMEOUT,
  });
  await expect(row).toContainText('by Guest (team-shop)');
  await row.getByRole('link', { name, exact: true }).click();
  await expect(
    page.getByText(/Asked by Guest \(team-shop\), to run at a chosen time/),
  ).toBeVisible({ timeout: RUN_TIMEOUT });
});
