import { expect, Locator, Page, test } from '@playwright/test';
import {
  definitionRow,
  entityTab,
  RUN_TIMEOUT,
  SCREENSHOTS,
  signIn,
} from './portal';

/** The Jobs page's table of every Job. */
async function openJobsPage(page: Page): Promise<Locator> {
  await page.goto('/kubernetes-jobs');
  const table = page
    .getByRole('table')
    .filter({ has: page.getByRole('columnheader', { name: 'Last run' }) });
  await expect(definitionRow(page, 'shop-db-migrate')).toBeVisible();
  return table;
}

/**
 * What does not fit the table: how far its scroll container scrolls sideways, and the cells
 * (and anything in them) whose text is wider than the room they have.
 */
function overflow(table: Locator) {
  return table.evaluate((element: HTMLElement) => {
    let scroller: HTMLElement | null = element.parentElement;
    while (
      scroller &&
      !['auto', 'scroll'].includes(getComputedStyle(scroller).overflowX)
    ) {
      scroller = scroller.parentElement;
    }
    const container = scroller ?? document.documentElement;
    // A pixel of rounding is not a clipped word.
    const clipped = Array.from(
      element.querySelectorAll<HTMLElement>('th, td, td *'),
    )
      .filter(cell => cell.scrollWidth > cell.clientWidth + 1)
      .filter(
        cell =>
          cell.tagName === 'TD' ||
          cell.tagName === 'TH' ||
          getComputedStyle(cell).overflowX !== 'visible',
      )
      .map(cell => cell.textContent?.slice(0, 80));
    return {
      sideways: container.scrollWidth - container.clientWidth,
      tableOutside:
        element.getBoundingClientRect().right -
        container.getBoundingClientRect().right,
      clipped,
    };
  });
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

for (const width of [1280, 1440]) {
  test(`every column of the Jobs page is readable at ${width} px, nothing cut off`, async ({
    page,
  }) => {
    await page.setViewportSize({ width, height: 900 });
    const table = await openJobsPage(page);
    for (const header of [
      'Job',
      'When it runs',
      'Where',
      'Component',
      'Last run',
      'Success rate',
      'Actions',
    ]) {
      await expect(
        table.getByRole('columnheader', { name: header, exact: true }),
      ).toBeVisible();
    }
    const { sideways, tableOutside, clipped } = await overflow(table);
    expect(sideways).toBe(0);
    expect(tableOutside).toBeLessThanOrEqual(0);
    expect(clipped).toEqual([]);

    // Why the guest may not run marketing's Job: in full, under its button, inside the window.
    const reason = definitionRow(page, 'newsletter-export').getByText(
      'Only members of team-marketing can run this Job',
      { exact: true },
    );
    await expect(reason).toBeVisible();
    const box = (await reason.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(width);

    // "When it runs" reads as a sentence, not one word a line.
    const when = definitionRow(page, 'shop-db-migrate').getByText(
      'When someone presses Run',
      { exact: true },
    );
    const lineHeight = await when.evaluate(
      e => parseFloat(getComputedStyle(e).lineHeight) || 20,
    );
    expect((await when.boundingBox())!.height).toBeLessThanOrEqual(
      2 * lineHeight + 1,
    );

    await page.screenshot({
      path: `${SCREENSHOTS}/jobs-page-${width}.png`,
      fullPage: true,
    });
  });
}

test('at 900 px the Jobs page stacks the less important columns instead of scrolling sideways', async ({
  page,
}) => {
  await page.setViewportSize({ width: 900, height: 900 });
  const table = await openJobsPage(page);
  // What the hidden columns said is under the Job's name.
  await expect(
    table.getByRole('columnheader', { name: 'When it runs' }),
  ).toHaveCount(0);
  await expect(definitionRow(page, 'shop-db-migrate')).toContainText(
    'When someone presses Run',
  );
  await expect(definitionRow(page, 'shop-db-migrate')).toContainText(
    'owned by team-shop',
  );
  const { sideways, clipped } = await overflow(table);
  expect(sideways).toBe(0);
  expect(clipped).toEqual([]);
  await page.screenshot({
    path: `${SCREENSHOTS}/jobs-page-900.png`,
    fullPage: true,
  });
});

/** How many runs of a Job succeeded, as its row's success rate says ("3 of 4 finished"). */
async function succeededRuns(row: Locator): Promise<number> {
  const text = (await row.textContent()) ?? '';
  const rate = /(\d+) of \d+ finished/.exec(text);
  return rate ? Number(rate[1]) : 0;
}

/** Runs a Job from its row on the tab, through the confirmation dialog. */
async function startRun(page: Page, name: string) {
  const row = definitionRow(page, name);
  await row.getByRole('button', { name: `Run ${name}`, exact: true }).click();
  await page
    .getByRole('dialog', { name: `Run ${name}?` })
    .getByRole('button', { name: 'Run', exact: true })
    .click();
  await expect(row.getByText(/^(Pending|Running)$/)).toBeVisible({
    timeout: RUN_TIMEOUT,
  });
}

/** The progress of a run against the usual, in the words the portal uses. */
const PROGRESS =
  /(About \d+ of usually|Just started \(usually|Taking longer than usual \(usually) \d+ (second|minute)s?/;

test('a run in progress says how far it is against the usual, on the tab and on its page', async ({
  page,
}) => {
  // Up to three runs of about 15 seconds first, so the portal knows what is usual.
  test.setTimeout(6 * 60_000);
  const name = 'shop-db-migrate';
  await page.goto('/catalog/default/component/shop');
  await entityTab(page, 'Jobs').click();
  const row = definitionRow(page, name);
  await expect(row).toBeVisible();
  const run = row.getByRole('button', { name: `Run ${name}`, exact: true });

  while ((await succeededRuns(row)) < 3) {
    const before = await succeededRuns(row);
    // The previous run may still be going, from this test or an earlier one.
    await expect(run).toBeEnabled({ timeout: RUN_TIMEOUT });
    await startRun(page, name);
    await expect
      .poll(() => succeededRuns(row), { timeout: RUN_TIMEOUT })
      .toBeGreaterThan(before);
  }

  // The Job's page, open beside the tab: a run of 15 seconds leaves no time to go there after.
  const details = await page.context().newPage();
  await details.goto(
    (await row.getByRole('link', { name, exact: true }).getAttribute('href'))!,
  );
  await expect(
    details.getByRole('heading', { name, exact: true }),
  ).toBeVisible();

  await expect(run).toBeEnabled({ timeout: RUN_TIMEOUT });
  await startRun(page, name);
  const onTab = async () => {
    await expect(row.getByRole('progressbar')).toHaveAttribute(
      'aria-valuetext',
      PROGRESS,
    );
    await expect(row).toContainText(PROGRESS);
    // A few seconds in, for a screenshot with some progress on the bar.
    await expect(row).toContainText(/About ([3-9]|\d\d) of usually/);
    await page.screenshot({ path: `${SCREENSHOTS}/run-progress.png` });
  };
  // The newest run is the one the page shows, with the comparison beside how long it has run.
  const onPage = async () => {
    await expect(
      details.getByRole('progressbar', {
        name: 'Time taken against the usual',
      }),
    ).toHaveAttribute('aria-valuetext', PROGRESS);
    await details.screenshot({
      path: `${SCREENSHOTS}/run-progress-page.png`,
      fullPage: true,
    });
  };
  await Promise.all([onTab(), onPage()]);
});
