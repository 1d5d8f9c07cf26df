import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import { ConfirmDialog, ConfirmDialogProps } from './ConfirmDialog';

async function render(props: Partial<ConfirmDialogProps> = {}) {
  const onConfirm = jest.fn();
  const onClose = jest.fn();
  await renderInTestApp(
    <ConfirmDialog
      open
      id="stop-dialog-uid-1"
      title="Stop this run of shop-reindex?"
      description="Stopping it ends its work now."
      confirmLabel="Stop run"
      pendingLabel="Stopping…"
      onConfirm={onConfirm}
      onClose={onClose}
      {...props}
    >
      <p>Technical details</p>
    </ConfirmDialog>,
  );
  return { onConfirm, onClose, dialog: screen.getByRole('dialog') };
}

describe('ConfirmDialog', () => {
  it('asks its question, says what confirming does, and confirms or cancels', async () => {
    const { onConfirm, onClose, dialog } = await render();
    expect(dialog).toHaveAccessibleName('Stop this run of shop-reindex?');
    expect(dialog).toHaveAccessibleDescription(
      'Stopping it ends its work now.',
    );
    expect(dialog).toHaveTextContent('Technical details');

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(onConfirm).not.toHaveBeenCalled();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Stop run' }),
    );
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it('says what is happening while pending, and can be neither confirmed nor closed', async () => {
    const { onClose, dialog } = await render({ pending: true });
    expect(
      within(dialog).getByRole('button', { name: 'Stopping…' }),
    ).toBeDisabled();
    expect(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    ).toBeDisabled();
    expect(within(dialog).getByRole('progressbar')).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    expect(onClose).not.toHaveBeenCalled();
  });

  it('closes on Escape when nothing is in flight', async () => {
    const { onClose } = await render();
    await userEvent.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('offers only to close once the backend refused', async () => {
    const { dialog } = await render({ refused: true });
    expect(
      within(dialog).getByRole('button', { name: 'Stop run' }),
    ).toBeDisabled();
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeEnabled();
    expect(within(dialog).queryByRole('button', { name: 'Cancel' })).toBeNull();
  });

  it('keeps Cancel when confirming is disabled for another reason', async () => {
    const { dialog } = await render({ confirmDisabled: true });
    expect(
      within(dialog).getByRole('button', { name: 'Stop run' }),
    ).toBeDisabled();
    expect(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    ).toBeEnabled();
  });
});
