import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/test-utils';
import { makeDefinition } from '../../__fixtures__/fixtures';
import { errorResponse } from '../../__testUtils__/mockKubernetesJobsApi';
import { toLocalInputValue, userTimeZone } from '../../utils/format';
import { RunDialog } from './RunDialog';

const approval = {
  required: 1,
  approverGroups: ['group:default/team-sre'],
  reason: 'every run on cluster sandbox needs approval',
};

async function chooseAt(dialog: HTMLElement, value: string) {
  await userEvent.click(within(dialog).getByRole('radio', { name: 'At…' }));
  const input = within(dialog).getByLabelText('Date and time');
  fireEvent.change(input, { target: { value } });
  return input;
}

describe('RunDialog, when', () => {
  it('runs now by default, and at a chosen time in the user’s time zone', async () => {
    const onConfirm = jest.fn();
    await renderInTestApp(
      <RunDialog
        open
        definition={makeDefinition()}
        onConfirm={onConfirm}
        onClose={jest.fn()}
      />,
    );
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByRole('radio', { name: 'Now' })).toBeChecked();

    const later = toLocalInputValue(Date.now() + 6 * 3600_000);
    await chooseAt(dialog, later);
    expect(dialog).toHaveTextContent(
      new RegExp(
        `\\w+ at \\d\\d:\\d\\d \\(in 6 hours\\)\\. Time zone: ${userTimeZone()}`,
      ),
    );
    expect(dialog).toHaveTextContent(
      'This starts a new run of shop-db-migrate on sandbox, at the time you choose.',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Run at this time' }),
    );
    const at: string = onConfirm.mock.calls[0][1];
    expect(at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00[+-]\d{2}:\d{2}$/);
    expect(toLocalInputValue(Date.parse(at))).toBe(later);
  });

  it('refuses a time in the past before asking the backend', async () => {
    const onConfirm = jest.fn();
    await renderInTestApp(
      <RunDialog
        open
        definition={makeDefinition()}
        onConfirm={onConfirm}
        onClose={jest.fn()}
      />,
    );
    const dialog = screen.getByRole('dialog');
    await chooseAt(dialog, toLocalInputValue(Date.now() - 3600_000));
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Run at this time' }),
    );
    expect(onConfirm).not.toHaveBeenCalled();
    expect(dialog).toHaveTextContent('Choose a time in the future');
  });

  it('says the backend’s refusal of the time next to the field, in words', async () => {
    const error = await ResponseError.fromResponse(
      errorResponse(
        400,
        'InputError',
        'at: 2027-02-01T01:00:00.000Z is more than 30 days ahead; runs can be asked for up to 2027-01-05T19:00:00.000Z',
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
    await chooseAt(dialog, '2027-02-01T02:00');
    expect(dialog).toHaveTextContent(
      /This is too far ahead: choose a time before 5 Jan 2027 \d\d:00/,
    );
    expect(within(dialog).queryByRole('alert')).toBeNull();
  });

  it('asks for a run of a Job that needs approval, saying who must approve and why', async () => {
    const onConfirm = jest.fn();
    await renderInTestApp(
      <RunDialog
        open
        hasActiveRun
        definition={makeDefinition({ approval })}
        onConfirm={onConfirm}
        onClose={jest.fn()}
      />,
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Ask for a run of shop-db-migrate?',
    });
    expect(dialog).toHaveTextContent(
      'shop-db-migrate on sandbox runs only once someone else approves: 1 approval from team-sre (every run on cluster sandbox needs approval).',
    );
    expect(
      within(dialog).getByRole('radio', { name: 'As soon as approved' }),
    ).toBeChecked();
    // It starts later: the run active now does not stop the asking.
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Ask for a run' }),
    );
    expect(onConfirm).toHaveBeenCalledWith({});
  });

  it('cannot ask for a run of a Job whose approval is written wrongly', async () => {
    await renderInTestApp(
      <RunDialog
        open
        definition={makeDefinition({
          approvalError: 'job-assistant/approval: "yes" is not a number',
        })}
        onConfirm={jest.fn()}
        onClose={jest.fn()}
      />,
    );
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByRole('alert')).toHaveTextContent(
      'Who must approve its runs is written wrongly',
    );
    expect(within(dialog).getByRole('button', { name: 'Run' })).toBeDisabled();
  });
});
