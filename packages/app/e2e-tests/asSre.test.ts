import { expect, test } from '@playwright/test';
import {
  definitionRow,
  entityTab,
  RUN_TIMEOUT,
  SCREENSHOTS,
  signIn,
} from './portal';

/**
 * Signed in as Sam, an SRE (scripts/e2e.sh restarts the backend with DEMO_USER=user:default/sam,
 * keeping its database): the run of shop-price-update the guest asked for in the first phase
 * waits for him. Tagged @as-sam: it runs only in that phase.
 */

test('@as-sam an SRE approves a run someone else asked for; it starts as theirs, and its page says who asked and who approved', async ({
  page,
}) => {
  const name = 'shop-price-update';
  const comment = 'Checked the new prices with finance';
  await signIn(page);
  await page.getByRole('link', { name: 'Jobs', exact: true }).click();

  await page
    .getByRole('checkbox', { name: /^Waiting for my approval \(\d+\)$/ })
    .check();
  const item = page
    .getByRole('region', { name: 'Waiting runs' })
    .getByRole('listitem')
    .filter({ hasText: `${name}:` })
    .first();
  await expect(item).toContainText(
    'Waiting for approval from sre (asked by Guest (team-shop)',
  );
  // What it will run, where, before deciding.
  await item.getByRole('button', { name: 'Details' }).click();
  await expect(item).toContainText('sandbox');

  await item
    .getByRole('button', {
      name: `Approve the run of ${name} asked by guest`,
    })
    .click();
  const dialog = page.getByRole('dialog', {
    name: `Approve the run of ${name}?`,
  });
  await expect(dialog).toContainText('Guest (team-shop) asked for this run');
  await dialog.getByLabel('Comment (optional)').fill(comment);
  // The dialog fades in: the picture waits for it.
  await page.waitForFunction(() => document.getAnimations().length === 0);
  await page.screenshot({ path: `${SCREENSHOTS}/approve-run.png` });
  await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(dialog).toBeHidden();

  // It starts at once, as the guest's run.
  await page.goto('/catalog/default/component/shop');
  await entityTab(page, 'Jobs').click();
  const row = definitionRow(page, name);
  await expect(row.getByText(/^(Pending|Running|Succeeded)$/)).toBeVisible({
    timeout: RUN_TIMEOUT,
  });
  await expect(row).toContainText('by Guest (team-shop)');
  await row.getByRole('link', { name, exact: true }).click();
  await expect(
    page.getByText(
      `Asked by Guest (team-shop), approved by Sam (sre) (“${comment}”)`,
    ),
  ).toBeVisible({ timeout: RUN_TIMEOUT });
  await expect(page.getByText('312 prices updated')).toBeVisible({
    timeout: RUN_TIMEOUT,
  });
});
