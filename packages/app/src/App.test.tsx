import { render } from '@testing-library/react';
import App from './App';

describe('App', () => {
  it('composes the app and offers the guest sign-in', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };

    const rendered = render(App.createRoot());

    // Reaching the sign-in page means the app's extension tree was built without a conflict.
    // (Feature discovery happens in the bundler, so the plugins themselves are proven by the
    // end-to-end tests on the built app.)
    expect(
      await rendered.findByRole(
        'button',
        { name: 'Enter' },
        { timeout: 10000 },
      ),
    ).toBeInTheDocument();
  });
});
