import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/test-utils';
import { makeDefinition } from '../../__fixtures__/fixtures';
import { errorResponse } from '../../__testUtils__/mockKubernetesJobsApi';
import { RunDialog } from './RunDialog';

describe('RunDialog', () => {
  it('says what will run where in plain words, and that a scheduled task keeps its schedule', async () => {
    await renderInTestApp(
      <RunDialog
        open
        definition={makeDefinition({
          name: 'shop-nightly-export',
          kind: 'CronJob',
          schedule: '0 2 * * *',
          description: 'Exports the day’s orders for accounting',
          containers: [{ name: 'export', image: 'shop-export:2.0' }],
        })}
        onConfirm={jest.fn()}
        onClose={jest.fn()}
      />,
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Run shop-nightly-export?',
    });
    expect(dialog).toHaveTextContent(
      'This starts a new run of shop-nightly-export on sandbox, now.',
    );
    expect(dialog).toHaveTextContent('Exports the day’s orders for accounting');
    expect(dialog).toHaveTextContent(
      'This run comes in addition to its schedule (every day at 02:00), which does not change.',
    );
    // Kubernetes' terms wait under technical details, closed.
    expect(dialog).not.toHaveTextContent(/namespace|CronJob|shop-export:2\.0/);
    await userEvent.click(
      within(dialog).getByRole('button', { name: /Technical details/ }),
    );
    expect(dialog).toHaveTextContent('export: shop-export:2.0');
    expect(dialog).toHaveTextContent('NamespaceshopClustersandbox');
  });

  it('is a modal dialog that keeps keyboard focus inside it', async () => {
    await renderInTestApp(
      <>
        <button>outside</button>
        <RunDialog
          open
          definition={makeDefinition()}
          onConfirm={jest.fn()}
          onClose={jest.fn()}
        />
      </>,
    );
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveAttribute('aria-describedby');
    // The rest of the page is hidden from assistive technology while the dialog is open.
    expect(screen.queryByRole('button', { name: 'outside' })).toBeNull();

    const modal = dialog.closest('.MuiDialog-root')!;
    const reached = new Set<string>();
    for (let i = 0; i < 6; i++) {
      await userEvent.tab();
      expect(modal).toContainElement(document.activeElement as HTMLElement);
      reached.add(document.activeElement?.textContent ?? '');
    }
    expect([...reached]).toEqual(expect.arrayContaining(['Cancel', 'Run']));
  });

  it('confirms and cancels', async () => {
    const onConfirm = jest.fn();
    const onClose = jest.fn();
    await renderInTestApp(
      <RunDialog
        open
        definition={makeDefinition()}
        onConfirm={onConfirm}
        onClose={onClose}
      />,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect(onConfirm).toHaveBeenCalledTimes(1);
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('disables its buttons while the run is starting', async () => {
    await renderInTestApp(
      <RunDialog
        open
        pending
        definition={makeDefinition()}
        onConfirm={jest.fn()}
        onClose={jest.fn()}
      />,
    );
    expect(screen.getByRole('button', { name: 'Starting…' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeDisabled();
  });

  it('shows why the backend refused, with its own words', async () => {
    const error = await ResponseError.fromResponse(
      errorResponse(
        403,
        'NotAllowedError',
        'user:default/guest may not run Jobs of component:default/shop',
      ),
    );
    await renderInTestApp(
      <RunDialog
        open
        error={error}
        definition={makeDefinition()}
        onConfirm={jest.fn()}
        onClose={jest.fn()}
      />,
    );
    const dialog = screen.getByRole('dialog');
    const alert = within(dialog).getByRole('alert');
    expect(alert).toHaveTextContent('You are not allowed to run this Job');
    expect(alert).toHaveTextContent(
      'user:default/guest may not run Jobs of component:default/shop',
    );
    // Trying again would be refused again.
    expect(within(dialog).getByRole('button', { name: 'Run' })).toBeDisabled();
  });

  it('lets the user try again after an error that may pass', async () => {
    const error = await ResponseError.fromResponse(
      errorResponse(
        503,
        'ServiceUnavailableError',
        'Cluster sandbox did not answer',
      ),
    );
    await renderInTestApp(
      <RunDialog
        open
        error={error}
        definition={makeDefinition()}
        onConfirm={jest.fn()}
        onClose={jest.fn()}
      />,
    );
    expect(
      within(screen.getByRole('dialog')).getByRole('alert'),
    ).toHaveTextContent('Cluster sandbox did not answer');
    expect(screen.getByRole('button', { name: 'Run' })).toBeEnabled();
  });

  it('warns when a run is already active and only one may run at a time', async () => {
    const { rerender } = await renderInTestApp(
      <RunDialog
        open
        hasActiveRun
        definition={makeDefinition()}
        onConfirm={jest.fn()}
        onClose={jest.fn()}
      />,
    );
    expect(
      screen.getByText(/A run of this Job is already in progress/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Run' })).toBeDisabled();
    rerender(
      <RunDialog
        open
        hasActiveRun
        definition={makeDefinition({ allowParallelRuns: true })}
        onConfirm={jest.fn()}
        onClose={jest.fn()}
      />,
    );
    expect(
      screen.queryByText(/A run of this Job is already in progress/),
    ).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Run' })).toBeEnabled();
  });
});
