import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/test-utils';
import { makeRun } from '../../__fixtures__/fixtures';
import { errorResponse } from '../../__testUtils__/mockKubernetesJobsApi';
import { StopRunDialog } from './StopRunDialog';

const running = makeRun({
  name: 'shop-reindex-abc12',
  definition: { kind: 'Job', name: 'shop-reindex' },
  state: 'Running',
  finishedAt: undefined,
  trigger: 'portal',
});

describe('StopRunDialog', () => {
  it('names the run and who started it as people are shown elsewhere, and says it stays in the history', async () => {
    await renderInTestApp(
      <StopRunDialog
        open
        run={running}
        onConfirm={jest.fn()}
        onClose={jest.fn()}
      />,
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Stop this run of shop-reindex?',
    });
    expect(dialog).toHaveTextContent('This run of shop-reindex on sandbox');
    expect(dialog).toHaveTextContent(/started .* by jane\./);
    expect(dialog).toHaveTextContent('The run stays in the history as Stopped');
    // Kubernetes' own names are out of the way, under technical details.
    expect(dialog).not.toHaveTextContent(/namespace/i);
    expect(
      within(dialog).getByRole('button', { name: /Technical details/ }),
    ).toHaveAttribute('aria-expanded', 'false');
  });

  it('does not present a claimed trigger as the person who started the run', async () => {
    await renderInTestApp(
      <StopRunDialog
        open
        run={{
          ...running,
          trigger: 'outside',
          triggeredBy: undefined,
          claimedTriggeredBy: 'user:default/guest',
        }}
        onConfirm={jest.fn()}
        onClose={jest.fn()}
      />,
    );
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveTextContent(
      'started outside the portal (claims: guest)',
    );
    expect(dialog).not.toHaveTextContent('by guest');
  });

  it('stops on confirmation only', async () => {
    const onConfirm = jest.fn();
    const onClose = jest.fn();
    await renderInTestApp(
      <StopRunDialog
        open
        run={running}
        onConfirm={onConfirm}
        onClose={onClose}
      />,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onConfirm).not.toHaveBeenCalled();
    expect(onClose).toHaveBeenCalled();
    await userEvent.click(screen.getByRole('button', { name: 'Stop run' }));
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it('says why the backend refused, and does not offer to stop again', async () => {
    const error = await ResponseError.fromResponse(
      errorResponse(
        409,
        'ConflictError',
        'shop-reindex-abc12 already finished (Succeeded)',
      ),
    );
    await renderInTestApp(
      <StopRunDialog
        open
        run={running}
        error={error}
        onConfirm={jest.fn()}
        onClose={jest.fn()}
      />,
    );
    const dialog = screen.getByRole('dialog');
    const alert = within(dialog).getByRole('alert');
    expect(alert).toHaveTextContent('The run could not be stopped');
    expect(alert).toHaveTextContent(
      'shop-reindex-abc12 already finished (Succeeded)',
    );
    expect(
      within(dialog).getByRole('button', { name: 'Stop run' }),
    ).toBeDisabled();
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeEnabled();
  });
});
