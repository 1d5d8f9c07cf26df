import { expect, test } from '@playwright/test';
import { entityTab } from './portal';

/**
 * Push, not polling: a page left open shows a run that someone started outside the portal
 * (as `kubectl create job --from=cronjob/...` does), and follows it to the end, without a
 * reload. Nothing is active on that definition before, so polling (which only runs while a
 * run is active) could not have shown it: only a signal hint can.
 */

const SANDBOX = process.env.SANDBOX_CLUSTER_URL ?? 'http://127.0.0.1:16443';
const ADMIN = { authorization: 'Bearer sandbox-admin-token' };

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

test('an open definition page shows a run started outside the portal, by push alone', async ({
  page,
}) => {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  const sidebar = page.getByRole('link', { name: 'Jobs', exact: true });
  await expect(enter.or(sidebar)).toBeVisible();
  if (await enter.isVisible()) await enter.click();
  await expect(sidebar).toBeVisible();

  await page.goto('/catalog/default/component/shop');
  await entityTab(page, 'Jobs').click();
  await page
    .getByRole('link', { name: 'shop-nightly-export', exact: true })
    .first()
    .click();
  await expect(
    page.getByText('shop-nightly-export', { exact: false }).first(),
  ).toBeVisible();

  // The page's own first loads (its last run, that run's logs) finish first.
  await page.waitForLoadState('networkidle');
  const apiCalls: string[] = [];
  page.on('request', r => {
    if (r.url().includes('/api/kubernetes-jobs/')) apiCalls.push(r.url());
  });
  // Idle: no run is active, so the page asks for nothing.
  await page.waitForTimeout(4000);
  expect(apiCalls).toEqual([]);

  const cronJob = await sandbox(
    'GET',
    '/apis/batch/v1/namespaces/shop/cronjobs/shop-nightly-export',
  );
  const created = await sandbox('POST', '/apis/batch/v1/namespaces/shop/jobs', {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      generateName: 'shop-nightly-export-manual-',
      labels: cronJob.spec.jobTemplate.metadata?.labels,
      annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          name: 'shop-nightly-export',
          uid: cronJob.metadata.uid,
        },
      ],
    },
    spec: cronJob.spec.jobTemplate.spec,
  });
  const name: string = created.metadata.name;

  // On screen within seconds of the apiserver having it, with no reload.
  await expect(page.getByText(name).first()).toBeVisible({ timeout: 15_000 });
  expect(apiCalls.length).toBeGreaterThan(0); // refetched because of the hint
});
