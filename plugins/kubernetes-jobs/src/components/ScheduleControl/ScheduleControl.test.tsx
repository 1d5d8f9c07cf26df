import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { makeDefinition, SHOP_REF } from '../../__fixtures__/fixtures';
import { mockKubernetesJobsApi } from '../../__testUtils__/mockKubernetesJobsApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { ScheduleControl } from './ScheduleControl';

const cronJob = makeDefinition({
  name: 'shop-nightly-export',
  kind: 'CronJob',
  schedule: '30 2 * * *',
  timeZone: 'Europe/Paris',
  suspended: false,
  scheduleControl: true,
  nextScheduleTime: '2026-12-03T01:30:00Z',
});

describe('ScheduleControl', () => {
  it('says when it runs and pauses the schedule after confirmation', async () => {
    const api = mockKubernetesJobsApi({
      setSchedule: jest.fn().mockResolvedValue({ ...cronJob, suspended: true }),
    });
    const onChanged = jest.fn();
    const { toastApi } = await renderWithApis(
      <ScheduleControl
        definition={cronJob}
        entityRef={SHOP_REF}
        onChanged={onChanged}
      />,
      { api },
    );
    const group = screen.getByRole('group', { name: 'Schedule' });
    expect(group).toHaveTextContent(
      'Runs on its own every day at 02:30 (Europe/Paris). Next run:',
    );
    const pause = await screen.findByRole('button', {
      name: 'Pause the schedule of shop-nightly-export',
    });
    await waitFor(() => expect(pause).toBeEnabled());
    await userEvent.click(pause);
    expect(api.setSchedule).not.toHaveBeenCalled();
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveTextContent('A run in progress goes on');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Pause schedule' }),
    );
    expect(api.setSchedule).toHaveBeenCalledWith(cronJob, SHOP_REF, true);
    expect(onChanged).toHaveBeenCalledWith(
      expect.objectContaining({ suspended: true }),
    );
    expect(toastApi.post).toHaveBeenCalledWith(
      expect.objectContaining({
        title: 'Paused the schedule of shop-nightly-export',
      }),
    );
  });

  it('offers Resume on a paused schedule, and no button where the owners did not opt in', async () => {
    const api = mockKubernetesJobsApi();
    const { unmount } = await renderWithApis(
      <ScheduleControl
        definition={{ ...cronJob, suspended: true }}
        entityRef={SHOP_REF}
      />,
      { api },
    );
    expect(screen.getByRole('group')).toHaveTextContent(
      'The schedule is paused',
    );
    expect(
      await screen.findByRole('button', {
        name: 'Resume the schedule of shop-nightly-export',
      }),
    ).toBeInTheDocument();
    unmount();
    await renderWithApis(
      <ScheduleControl
        definition={{ ...cronJob, scheduleControl: false }}
        entityRef={SHOP_REF}
      />,
      { api },
    );
    expect(screen.getByRole('group')).toHaveTextContent('every day at 02:30');
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('is disabled, saying who may, when the permission is denied', async () => {
    await renderWithApis(
      <ScheduleControl
        definition={cronJob}
        entityRef="component:default/not-my-schedule"
      />,
      { api: mockKubernetesJobsApi(), permission: AuthorizeResult.DENY },
    );
    const pause = await screen.findByRole('button', {
      name: 'Pause the schedule of shop-nightly-export',
    });
    await waitFor(() =>
      expect(pause).toHaveAccessibleDescription(
        'Only members of team-shop can pause this schedule',
      ),
    );
    expect(pause).toBeDisabled();
  });
});
