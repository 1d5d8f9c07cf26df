/**
 * The console warnings material-table prints about its rows and columns: when rows have no
 * `id`, and when the columns it gets contain new functions at each render (it then resets its
 * state, sorting included). It checks only in development builds, so this switches
 * `NODE_ENV` to `development` while `render` runs, and returns the warnings it printed.
 */
export async function materialTableWarnings(
  render: () => Promise<void>,
): Promise<string[]> {
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'development';
  const warn = jest.spyOn(console, 'warn');
  try {
    await render();
    return warn.mock.calls
      .map(call => String(call[0]))
      .filter(message => /material table|unique id/.test(message));
  } finally {
    process.env.NODE_ENV = env;
    warn.mockRestore();
  }
}
