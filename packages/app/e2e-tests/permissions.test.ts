import { expect, Page, test } from '@playwright/test';
import { entityTab, signIn, guestToken } from './portal';

/**
 * The sample policy in the browser. The demo's guest is in team-shop: owner of `shop`, not of
 * `newsletter` (team-marketing's). Owners run; others see the Jobs with Run disabled, and a
 * request forged past the disabled button is refused by the backend, without a run starting.
 */

test('a non-owner sees Run disabled with the reason, and a forged request is refused', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/catalog/default/component/newsletter');
  await entityTab(page, 'Jobs').click();

  const row = page.getByRole('row').filter({
    has: page.getByRole('link', { name: 'newsletter-export', exact: true }),
  });
  await expect(row).toBeVisible();
  const runButton = row.getByRole('button', {
    name: 'Run newsletter-export',
    exact: true,
  });
  await expect(runButton).toBeDisabled();
  // The reason is written next to the button (not in a hover tooltip), and read with it.
  await expect(runButton).toHaveAccessibleDescription(
    /^Only members of .+ can run this Job$/,
  );
  await expect(
    row.getByText(/^Only members of .+ can run this Job$/),
  ).toBeVisible();

  // Past the disabled button, straight at the API with the user's own token.
  const token = await guestToken(page);
  const headers = { Authorization: `Bearer ${token}` };
  const api =
    '/api/kubernetes-jobs/definitions/sandbox/marketing/job/newsletter-export';
  const before = await page.request.get(api, {
    headers,
    params: { entityRef: 'component:default/newsletter' },
  });
  expect(before.ok()).toBe(true);
  const runsBefore = (await before.json()).stats.counts.total;

  const forged = await page.request.post(`${api}/runs`, {
    headers,
    data: { entityRef: 'component:default/newsletter' },
  });
  expect(forged.status()).toBe(403);
  expect((await forged.json()).error.message).toContain(
    'not allowed to run the Jobs of component:default/newsletter',
  );

  // Naming an entity the user owns does not reach another entity's Job either.
  const crafted = await page.request.post(`${api}/runs`, {
    headers,
    data: { entityRef: 'component:default/shop' },
  });
  expect(crafted.status()).toBe(403);
  expect((await crafted.json()).error.message).toContain(
    'does not belong to component:default/shop',
  );

  const after = await page.request.get(api, {
    headers,
    params: { entityRef: 'component:default/newsletter' },
  });
  expect((await after.json()).stats.counts.total).toBe(runsBefore);
});

test('the owner of a component may run its Jobs', async ({ page }) => {
  await signIn(page);
  await page.goto('/catalog/default/component/shop');
  await entityTab(page, 'Jobs').click();
  const row = page.getByRole('row').filter({
    has: page.getByRole('link', { name: 'shop-db-migrate', exact: true }),
  });
  await expect(
    row.getByRole('button', { name: 'Run shop-db-migrate', exact: true }),
  ).toBeEnabled();
});
