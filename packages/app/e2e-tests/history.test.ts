import { expect, Page, test } from '@playwright/test';
import {
  definitionRow,
  entityTab,
  RUN_TIMEOUT,
  SCREENSHOTS,
  signIn,
} from './portal';

/**
 * A Job's history as a picture: a bar per run, hatched when the schedule started it, with its
 * words as the picture's caption; pointing at a bar tells about the run, a click opens it.
 *
 * The sandbox has no CronJob scheduler: the nightly export's scheduled runs are made here as its
 * controller would make them (owned by the CronJob as controller, with the scheduled-time
 * annotation), straight in the sandbox cluster. One of them fails. The last run is started from
 * the portal, as the guest (team-shop owns the shop), and succeeds.
 */

const SANDBOX = process.env.SANDBOX_CLUSTER_URL ?? 'http://127.0.0.1:16443';
const ADMIN = { authorization: 'Bearer sandbox-admin-token' };
const NAME = 'shop-nightly-export';

async function sandbox(method: string, path: string, body?: unknown) {
  const res = await fetch(`${SANDBOX}${path}`, {
    method,
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok)
    throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** A run of the nightly export as its schedule would start it, running `script`. */
async function scheduledRun(script: string[]) {
  const cronJob = await sandbox(
    'GET',
    `/apis/batch/v1/namespaces/shop/cronjobs/${NAME}`,
  );
  const spec = structuredClone(cronJob.spec.jobTemplate.spec);
  spec.backoffLimit = 0;
  spec.template.spec.containers[0].command = ['sh', '-c', script.join('\n')];
  await sandbox('POST', '/apis/batch/v1/namespaces/shop/jobs', {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      generateName: `${NAME}-`,
      labels: cronJob.spec.jobTemplate.metadata?.labels,
      annotations: {
        'batch.kubernetes.io/cronjob-scheduled-timestamp':
          new Date().toISOString(),
      },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          name: NAME,
          uid: cronJob.metadata.uid,
          controller: true,
        },
      ],
    },
    spec,
  });
}

/** The picture of the last runs, named by its caption ("5 runs: 4 succeeded, 1 failed; …"). */
function picture(page: Page) {
  return page.getByRole('figure', { name: /^(Last )?\d+ runs?: / });
}

test('a Job’s page draws its last runs, says the same in words, and opens a run from its bar', async ({
  page,
}) => {
  await signIn(page);
  for (const script of [
    ['echo "Exported 1790 orders"', 'sleep 3'],
    ['echo "Exported 1832 orders"', 'sleep 4'],
    ['echo "Waiting for the database replica"', 'sleep 9', 'echo "Done"'],
    [
      'sleep 2',
      'echo "Export failed: s3://shop-exports unreachable" >&2',
      'exit 1',
    ],
    ['echo "Exported 1811 orders"', 'sleep 3'],
  ]) {
    await scheduledRun(script);
  }

  await page.goto('/catalog/default/component/shop');
  await entityTab(page, 'Jobs').click();
  await definitionRow(page, NAME)
    .getByRole('link', { name: NAME, exact: true })
    .click();
  await expect(
    page.getByRole('heading', { name: NAME, exact: true }),
  ).toBeVisible();

  // Once the scheduled runs are over, one more from the portal, with its default choices.
  const figure = picture(page);
  const historyCard = page
    .locator('.MuiCard-root')
    .filter({ has: page.getByText('Recent runs', { exact: true }) });
  await expect(figure).toBeVisible({ timeout: RUN_TIMEOUT });
  await expect(figure).not.toHaveAccessibleName(/still running/, {
    timeout: RUN_TIMEOUT,
  });
  await page
    .getByRole('button', { name: `Run ${NAME}`, exact: true })
    .first()
    .click();
  const dialog = page.getByRole('dialog', { name: `Run ${NAME}?` });
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(dialog).toBeHidden();
  // Oldest on the left: the newest run, on the right, is the guest's, once it has finished.
  const bars = figure.getByRole('link');
  await expect(bars.last()).toHaveAccessibleName(
    /^Succeeded\. Started .* by Guest \(team-shop\)\. Took .*\.$/,
    { timeout: RUN_TIMEOUT },
  );

  // The words: outcomes counted over the runs drawn; the failed scheduled run among them.
  await expect(figure).toHaveAccessibleName(
    /^(Last )?\d+ runs: \d+ succeeded, [1-9]\d* failed/,
  );
  await expect(figure.locator('figcaption')).toHaveText(
    /^(Last )?\d+ runs: \d+ succeeded, [1-9]\d* failed/,
  );
  expect(await bars.count()).toBeGreaterThanOrEqual(6);
  // The scheduled runs are hatched, the portal's run filled; the legend says which is which.
  expect(
    await figure.locator('g[role="link"] rect[fill^="url(#"]').count(),
  ).toBeGreaterThanOrEqual(5);
  const legend = figure.getByRole('list', { name: 'Legend' });
  await expect(legend).toContainText('Hatched: started by the schedule');
  await expect(legend).toContainText('Filled: started by someone');

  // Pointing at the failed run tells about it in plain words; a click opens it.
  const failed = figure.getByRole('link', { name: /^Failed\./ }).last();
  await failed.scrollIntoViewIfNeeded();
  await failed.hover();
  const card = historyCard.getByRole('tooltip');
  await expect(card).toContainText('Failed.');
  await expect(card).toContainText('by the schedule.');
  await expect(card).toContainText(/Took \d+ s/);
  await historyCard.screenshot({ path: `${SCREENSHOTS}/history-chart.png` });

  const failedName = await failed.getAttribute('data-run');
  await failed.click();
  await expect(page).toHaveURL(new RegExp(`[?&]run=${failedName}(&|$)`));
  await expect(
    page.getByRole('alert').filter({ hasText: 'Why it failed' }),
  ).toContainText('s3://shop-exports unreachable');
  await expect(failed).toHaveAttribute('aria-current', 'true');

  // From the keyboard: focus tells the same, Enter opens.
  const newest = bars.last();
  const newestName = await newest.getAttribute('data-run');
  await newest.focus();
  await expect(card).toContainText('by Guest (team-shop).');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`[?&]run=${newestName}(&|$)`));
});
