import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { kubernetesJobsPlugin } from '../plugin';
import { SLOW_RUN_TASK } from './SlowRunNotifier';

/** The plugin's wiring: the slow-run check is scheduled only when configured. */
async function scheduledTasks(kubernetesJobs: object) {
  const scheduler = mockServices.scheduler.mock();
  const backend = await startTestBackend({
    features: [
      kubernetesJobsPlugin,
      mockServices.rootConfig.factory({ data: { kubernetesJobs } }),
      catalogServiceMock.factory({ entities: [] }),
      scheduler.factory,
    ],
  });
  // Global tasks are scheduled together, once the database is connected and migrated.
  const tasks = () => scheduler.scheduleTask.mock.calls.map(([task]) => task);
  for (let i = 0; i < 100; i++) {
    if (tasks().some(t => t.id === 'kubernetes-jobs-run-requests')) break;
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  await backend.stop();
  return tasks();
}

describe('slow-run notifications in the plugin', () => {
  it('are not checked by default', async () => {
    const tasks = await scheduledTasks({});
    expect(tasks.map(t => t.id)).toContain('kubernetes-jobs-run-requests');
    expect(tasks.map(t => t.id)).not.toContain(SLOW_RUN_TASK);
  });

  it('are checked by a global task when enabled', async () => {
    const tasks = await scheduledTasks({
      notifications: { slowRuns: { enabled: true, checkSeconds: 5 } },
    });
    expect(tasks).toContainEqual(
      expect.objectContaining({
        id: SLOW_RUN_TASK,
        scope: 'global',
        frequency: { seconds: 5 },
      }),
    );
  });
});
