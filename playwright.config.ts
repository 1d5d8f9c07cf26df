import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests of the sample apps in Debian's Chromium: project `app` for the app on the new
 * frontend system (packages/app), project `app-legacy` for the legacy one (packages/app-legacy).
 *
 * They expect the backend to serve the built app, with the sandbox cluster seeded with the demo
 * (`scripts/e2e.sh` does both, for each app in turn). `PLAYWRIGHT_URL` points them elsewhere, for
 * example at `http://localhost:3000` while `yarn start` runs.
 *
 * See https://playwright.dev/docs/test-configuration.
 */
export default defineConfig({
  projects: [
    { name: 'app', testDir: 'packages/app/e2e-tests' },
    { name: 'app-legacy', testDir: 'packages/app-legacy/e2e-tests' },
  ],

  // A scenario waits for real runs: a migration takes about 15 seconds.
  timeout: 180_000,
  expect: { timeout: 15_000 },

  // The scenarios share one sandbox cluster: run them one after the other.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,

  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report' }],
  ],

  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://127.0.0.1:7007',
    browserName: 'chromium',
    viewport: { width: 1440, height: 900 },
    actionTimeout: 15_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium, never a downloaded browser.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
      ],
    },
  },

  outputDir: 'node_modules/.cache/e2e-test-results',
});
