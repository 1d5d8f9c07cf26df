import { expect, Page, test } from '@playwright/test';
import { entityTab, guestToken, signIn } from './portal';

/**
 * Signed in as another user (scripts/e2e.sh restarts the backend with DEMO_USER=user:default/marco):
 * Marco is in team-marketing, so the sample policy lets him run the newsletter's Jobs and only look
 * at the shop's. Tagged @as-marco: it runs only in that phase.
 */

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

test('@as-marco a marketing lead sees the run the guest asked for, and cannot approve it, here or past the page', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/catalog/default/component/shop');
  await entityTab(page, 'Jobs').click();
  const item = page
    .getByRole('region', { name: 'Waiting runs' })
    .getByRole('listitem')
    .filter({ hasText: 'shop-price-update:' })
    .first();
  await expect(item).toContainText(
    'Waiting for approval from sre (asked by Guest (team-shop)',
  );
  await expect(item.getByRole('button', { name: /^Approve / })).toHaveCount(0);
  await expect(item.getByRole('button', { name: /^Cancel / })).toHaveCount(0);

  // Straight at the API with his own token: refused, and the request still waits.
  const headers = { Authorization: `Bearer ${await guestToken(page)}` };
  const entityRef = 'component:default/shop';
  const listed = await page.request.get(
    '/api/kubernetes-jobs/definitions/sandbox/shop/job/shop-price-update/requests',
    { headers, params: { entityRef } },
  );
  expect(listed.ok()).toBe(true);
  const waiting = (await listed.json()).items.find(
    (r: { state: string }) => r.state === 'WaitingForApproval',
  );
  expect(waiting).toBeDefined();
  const forged = await page.request.post(
    `/api/kubernetes-jobs/requests/${waiting.id}/approve`,
    { headers, data: { entityRef } },
  );
  expect(forged.status()).toBe(403);
  const after = await page.request.get(
    `/api/kubernetes-jobs/requests/${waiting.id}`,
    { headers, params: { entityRef } },
  );
  expect((await after.json()).state).toBe('WaitingForApproval');
});
