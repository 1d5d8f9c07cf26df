import { act } from '@testing-library/react';
import {
  cacheCheckFailed,
  makeDetails,
  makeRun,
} from '../__fixtures__/fixtures';
import { mockKubernetesJobsApi } from './mockKubernetesJobsApi';

/* Fixtures and the API double of the DefinitionView tests: the shop-cache-check Job. */

export const failedRun = makeRun({
  name: 'shop-cache-check-9f8d7',
  definition: { kind: 'Job', name: 'shop-cache-check' },
  state: 'Failed',
  attempts: 2,
  failureSummary:
    'Failed after 2 attempts. Last message: Cache check failed: 1 of 3 nodes unreachable (exit code 1)',
  failure: {
    reason: 'BackoffLimitExceeded',
    message: 'Job has reached the specified backoff limit',
  },
});
export const killedRun = makeRun({
  name: 'shop-cache-check-k1ll3',
  definition: { kind: 'Job', name: 'shop-cache-check' },
  state: 'Killed',
  killedBy: 'user:default/sam',
  killedAt: '2025-01-09T10:00:05Z',
});

export const locator = {
  cluster: 'sandbox',
  namespace: 'shop',
  kind: 'Job' as const,
  name: 'shop-cache-check',
};

export function setup() {
  return mockKubernetesJobsApi({
    getDefinition: jest
      .fn()
      .mockResolvedValue(makeDetails(cacheCheckFailed, [failedRun, killedRun])),
    getRunPods: jest.fn().mockResolvedValue({
      items: [
        {
          name: 'shop-cache-check-9f8d7-pod1',
          phase: 'Failed',
          containers: ['check', 'sidecar'],
          createdAt: '2025-01-10T10:00:01Z',
        },
      ],
    }),
    getRunLogs: jest.fn(async (_run, _ref, options) => ({
      pod: options!.pod!,
      container: options!.container!,
      text: `log of ${options!.container}: cache miss ratio 0.93 > 0.5, exit 3`,
    })),
    getRunEvents: jest.fn().mockResolvedValue({
      items: [
        {
          type: 'Warning',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
          count: 1,
          involvedObject: { kind: 'Job', name: 'shop-cache-check-9f8d7' },
        },
      ],
    }),
  });
}

export function olderRun(name: string) {
  return makeRun({
    name,
    definition: { kind: 'Job', name: 'shop-cache-check' },
    state: 'Succeeded',
  });
}

export const runningRun = makeRun({
  name: 'shop-cache-check-run01',
  definition: { kind: 'Job', name: 'shop-cache-check' },
  state: 'Running',
  finishedAt: undefined,
  durationSeconds: undefined,
});

export async function advance(ms: number) {
  await act(async () => {
    jest.advanceTimersByTime(ms);
  });
}
