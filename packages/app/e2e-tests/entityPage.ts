import { Locator, Page } from '@playwright/test';

/**
 * A tab of a catalog entity's page. The new frontend system's entity page lists its tabs as links
 * under "Content navigation" (the legacy one used a tab list).
 */
export function entityTab(page: Page, name: string): Locator {
  return page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name, exact: true });
}
