import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/test-utils';
import { makeRun } from '../../__fixtures__/fixtures';
import { errorResponse } from '../../__testUtils__/mockKubernetesJobsApi';
import { KillDialog } from './KillDialog';

const running = makeRun({
  name: 'shop-reindex-abc12',
  definition: { kind: 'Job', name: 'shop-reindex' },
  state: 'Running',
  finishedAt: undefined,
});

describe('KillDialog', () => {
  it('names the run, who started it, and says it stays in the history', async () => {
    await renderInTestApp(
      <KillDialog
        open
        run={running}
        onConfirm={jest.fn()}
        onClose={jest.fn()}
      />,
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Kill this run of shop-reindex?',
    });
    expect(dialog).toHaveTextContent(
      'The run shop-reindex-abc12 in namespace shop on cluster sandbox',
    );
    expect(dialog).toHaveTextContent('by jane');
    expect(dialog).toHaveTextContent('The run stays in the history as Killed');
  });

  it('kills on confirmation only', async () => {
    const onConfirm = jest.fn();
    const onClose = jest.fn();
    await renderInTestApp(
      <KillDialog open run={running} onConfirm={onConfirm} onClose={onClose} />,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onConfirm).not.toHaveBeenCalled();
    expect(onClose).toHaveBeenCalled();
    await userEvent.click(screen.getByRole('button', { name: 'Kill run' }));
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it('shows the backend message when the run already finished', async () => {
    const error = await ResponseError.fromResponse(
      errorResponse(
        409,
        'ConflictError',
        'shop-reindex-abc12 already finished (Succeeded)',
      ),
    );
    await renderInTestApp(
      <KillDialog
        open
        run={running}
        error={error}
        onConfirm={jest.fn()}
        onClose={jest.fn()}
      />,
    );
    const alert = within(screen.getByRole('dialog')).getByRole('alert');
    expect(alert).toHaveTextContent('The run could not be stopped');
    expect(alert).toHaveTextContent(
      'shop-reindex-abc12 already finished (Succeeded)',
    );
  });
});
