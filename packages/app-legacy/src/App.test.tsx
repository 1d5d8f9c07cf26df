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

    const rendered = render(<App />);

    // Reaching the sign-in page means every plugin, route and API of the app was wired.
    expect(
      await rendered.findByRole(
        'button',
        { name: 'Enter' },
        { timeout: 10000 },
      ),
    ).toBeInTheDocument();
  });
});
